"""What every Python test script shares: the pass/fail counters behind its
"N passed, N failed" line, check(), and run() for a tool's output as text."""
import glob, os, subprocess

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


def county_examples(input_dir):
    """The examples that are county briefs (调研报告, 简报): input/*.md but
    the 红头文件 examples of the document layout (addressed by 主送机关, not
    by a 版记 of 报/送/发 lines)."""
    return [md for md in sorted(glob.glob(os.path.join(input_dir, "*.md")))
            if "\nlayout: document\n" not in open(md, encoding="utf-8").read()]
