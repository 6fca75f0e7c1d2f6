"""The counters behind a test script's "N passed, N failed" line, check(),
run() for a tool's output as text, and the name filter.

BRIEF_TEST_FILTER=SUBSTRING runs only the test functions and cases whose name
contains SUBSTRING: a test function run through test() is named by its
function name, a case of a catalogue by "FUNCTION/CASE" (a filter naming the
function runs all its cases). A filtered run says so in its last line and
fails when the filter matched nothing."""
import glob, os, subprocess, sys, tempfile

FILTER = os.environ.get("BRIEF_TEST_FILTER", "")

passed = failed = 0
chosen = left_out = 0   # test functions and cases the filter ran / left out
_within = ""            # the test function running now: its cases are named FUNCTION/CASE
_catalogues = set()     # the test functions that filter case by case


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)
    return ok


def run(*args, **kw):
    """A program's result, its output as text (arguments may be paths)."""
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)


def write(path, text):
    """Writes text (str as UTF-8, or bytes as they are) to path; returns path."""
    with open(path, "wb") as f:
        f.write(text if isinstance(text, bytes) else text.encode())
    return path


def catalogue(fn):
    """Marks a test function that runs cases of a data file: it always runs
    and asks selected() for each case."""
    _catalogues.add(fn.__name__)
    return fn


def selected(case):
    """Whether the case named `case` of the running test function runs under
    BRIEF_TEST_FILTER; counts it either way."""
    global chosen, left_out
    name = f"{_within}/{case}" if _within else case
    if FILTER and FILTER not in name:
        left_out += 1
        return False
    chosen += 1
    return True


def test(fn, *args, **kw):
    """Runs the test function fn(*args) when its name matches the filter (a
    catalogue always runs, its cases filtered one by one); returns its result,
    or None when it was left out."""
    global _within, chosen, left_out
    name = fn.__name__
    if name not in _catalogues:
        if FILTER and FILTER not in name:
            left_out += 1
            return None
        chosen += 1
    _within = name
    try:
        return fn(*args, **kw)
    finally:
        _within = ""


def tests_in(namespace):
    """The test_* functions of a script's globals(), in the order written."""
    return [v for k, v in namespace.items()
            if k.startswith("test_") and callable(v) and getattr(v, "__module__", None) == namespace["__name__"]]


def test_in_folder(fn, tmp, *args):
    """test() with a fresh folder of its own, tmp/NAME, as first argument."""
    d = os.path.join(tmp, fn.__name__)
    os.makedirs(d, exist_ok=True)
    return test(fn, d, *args)


def run_each_in_folder(tests):
    """A script's whole run: each test function with a folder of its own
    (test_in_folder), then the report's exit status."""
    with tempfile.TemporaryDirectory() as tmp:
        for fn in tests:
            test_in_folder(fn, tmp)
    sys.exit(report())


def report():
    """Prints the counts; the exit status: 1 when a check failed, or when a
    filter matched no test or case. A filtered run is never reported as the
    whole run."""
    if not FILTER:
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0
    if not chosen and not left_out:
        print(f"{passed} passed, {failed} failed; BRIEF_TEST_FILTER={FILTER!r} does not apply here "
              "(no named tests or cases): all of this script ran")
        return 1 if failed else 0
    print(f"{passed} passed, {failed} failed; filtered by BRIEF_TEST_FILTER={FILTER!r}: "
          f"{chosen} tests or cases run, {left_out} left out (not the full run)")
    if not chosen:
        print(f"FAIL: BRIEF_TEST_FILTER={FILTER!r} matches no test or case here")
    return 1 if failed or not chosen else 0


def county_examples(input_dir):
    """The examples that are county briefs (调研报告, 简报): input/*.md but
    the 红头文件 examples of the document layout (addressed by 主送机关, not
    by a 版记 of 报/送/发 lines)."""
    return [md for md in sorted(glob.glob(os.path.join(input_dir, "*.md")))
            if "\nlayout: document\n" not in open(md, encoding="utf-8").read()]
