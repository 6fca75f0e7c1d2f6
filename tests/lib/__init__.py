"""What the Python test scripts share: checks (the counters, check(), run(),
the name filter, the "N passed, N failed" line), paths (the script's
arguments) and pdf (reading a PDF back with poppler and qpdf). No test
script imports another."""
