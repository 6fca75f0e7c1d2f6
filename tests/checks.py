"""What every Python test script shares: the pass/fail counters behind its
"N passed, N failed" line, check(), and run() for a tool's output as text."""
import subprocess

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)
    return ok


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def report():
    """Prints the counts; the exit status: 1 when a check failed."""
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
