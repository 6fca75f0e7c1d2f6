#!/usr/bin/env python3
"""The normaliser's case suite (tests/normalize_cases.txt), in the style of
the CommonMark spec's examples: each example is Markdown as typed, a line
with a single `.`, and the Markdown `brief check --fix` must leave (the same
text where nothing may change). All cases run through one `brief check
--fix` over a folder of files, one file per case, and are compared byte for
byte.

zhlint (npm, build/npm) runs on the same inputs with the configuration
closest to brief's conventions (tests/data/zhlintrc.json); the cases it
gets right are counted and must be the count doc/typography.md gives, so the
comparison there stays measured.

Arguments: BRIEF ROOT. Prints "N passed, N failed"."""
import json, os, re, subprocess, sys, tempfile

from lib import checks, paths
from lib.checks import check

BRIEF, ROOT = paths.from_argv()
CASES = os.path.join(ROOT, "tests", "normalize_cases.txt")
ZHLINT_DIR = os.path.join(ROOT, "build", "npm", "node_modules", "zhlint")
FENCE = "`" * 32 + " example"


def read_cases(path):
    """(line number, section, input, expected) for each example."""
    cases, section = [], ""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        if lines[i].startswith("## "):
            section = lines[i][3:].strip()
        if lines[i] != FENCE:
            i += 1
            continue
        start, body, i = i + 1, [], i + 1
        while i < len(lines) and lines[i] != "`" * 32:
            body.append(lines[i])
            i += 1
        dots = [k for k, l in enumerate(body) if l == "."]
        check(len(dots) == 1, f"normalize_cases.txt:{start}: one '.' line between input and expected")
        if len(dots) == 1:
            k = dots[0]
            cases.append((start, section, "\n".join(body[:k]) + "\n", "\n".join(body[k + 1:]) + "\n"))
        i += 1
    return cases


def brief_fix(cases, tmp):
    """Each case's text after `brief check --fix`."""
    files = []
    for n, (_, _, text, _) in enumerate(cases):
        path = os.path.join(tmp, f"case{n:03d}.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        files.append(path)
    r = subprocess.run([BRIEF, "check", "--fix", *files], capture_output=True, text=True)
    check(r.returncode in (0, 1) and "error: " not in "\n".join(
        l for l in r.stderr.splitlines() if "never closed" not in l and "closes nothing" not in l and "unpaired" not in l),
          f"brief check --fix ran over the cases: {r.returncode} {r.stderr[-500:]}")
    return [open(p, encoding="utf-8").read() for p in files]


ZHLINT_JS = """
import { readFileSync } from 'fs'
const zh = await import(process.argv[2] + '/lib/index.js')
const config = zh.readRc(undefined, process.argv[3])
const inputs = JSON.parse(readFileSync(0, 'utf8'))
const fix = (t) => { try { return zh.runWithConfig(t, config).result } catch (e) { return null } }
console.log(JSON.stringify(inputs.map(fix)))
"""


def zhlint_fix(cases, tmp):
    """Each case's text after zhlint (None where zhlint throws), or None when zhlint is not installed."""
    if not os.path.exists(ZHLINT_DIR):
        return None
    script = os.path.join(tmp, "zhlint_cases.mjs")
    with open(script, "w") as f:
        f.write(ZHLINT_JS)
    rc = os.path.join(ROOT, "tests", "data", "zhlintrc.json")
    r = subprocess.run(["node", script, ZHLINT_DIR, rc], input=json.dumps([c[2] for c in cases]),
                       capture_output=True, text=True, cwd=tmp)
    if not check(r.returncode == 0, f"zhlint ran over the cases: {r.stderr[-500:]}"):
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    cases = read_cases(CASES)
    check(len(cases) >= 150, f"at least 150 cases ({len(cases)})")
    cases = [c for c in cases if checks.selected(f"normalize_cases.txt:{c[0]} {c[1]}")]
    with tempfile.TemporaryDirectory() as tmp:
        got = brief_fix(cases, tmp)
        z = zhlint_fix(cases, tmp)
    ok = 0
    for (line, section, text, want), out in zip(cases, got):
        if check(out == want, f"normalize_cases.txt:{line} ({section}): {text!r} gave {out!r}, want {want!r}"):
            ok += 1
    unchanged = sum(1 for c in cases if c[2] == c[3])
    print(f"brief check --fix: {ok} of {len(cases)} cases ({unchanged} of them must not change)")
    if z is not None and not checks.FILTER:  # zhlint's count and README's are of every case
        agree = sum(1 for c, out in zip(cases, z) if out == c[3])
        agree_unchanged = sum(1 for c, out in zip(cases, z) if c[2] == c[3] and out == c[3])
        print(f"zhlint 0.8.2 (tests/data/zhlintrc.json): {agree} of {len(cases)} cases, "
              f"{agree_unchanged} of the {unchanged} that must not change")
        if os.environ.get("ZHLINT_DIFF"):
            for c, out in zip(cases, z):
                if out != c[3]:
                    print(f"zhlint differs at {c[0]} ({c[1]}): {c[2]!r} -> {out!r}")
        page = open(os.path.join(ROOT, "doc", "typography.md"), encoding="utf-8").read()
        m = re.search(r"zhlintrc.json` agrees on (\d+) of (\d+)", page)
        check(m is not None and (int(m.group(1)), int(m.group(2))) == (agree, len(cases)),
              f"doc/typography.md gives zhlint's count as measured: {agree} of {len(cases)} "
              f"(doc/typography.md: {m.group(0) if m else 'no count'})")
        m = re.search(r"`brief check --fix` gets all (\d+)", page)
        check(m is not None and int(m.group(1)) == len(cases), f"doc/typography.md gives the number of cases: {len(cases)}")
    return checks.report()


if __name__ == "__main__":
    sys.exit(main())
