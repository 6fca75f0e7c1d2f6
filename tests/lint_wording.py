#!/usr/bin/env python3
"""No document wording in C (issue 14): every C string literal in src/ that
holds Chinese and no English word (a message's example such as
'county: 陇西县' has English around it) must be listed with its file and the reason it
is a code fact, in tests/data/c_literals.txt: 字号 names, numerals, date
formats, and the input's own vocabulary (column and label names a user
writes). Words a page prints come from the layout files. The words moved
out of C must not come back, and every listed literal must still exist.
Also: libharu's private headers are included by src/output/hpdf_compat.c only,
and src/engine/render.c (the driver) edits no document model.

Arguments: BRIEF ROOT. Prints "N passed, N failed"."""
import glob, os, re, sys

from lib import checks, paths
from lib.checks import check

_, ROOT = paths.from_argv()
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
CHINESE = re.compile(r"[\u3400-\u9fff]")
ENGLISH = re.compile(r"[A-Za-z]{3,}")
MOVED = ["主要数据", "工作简报", "抓党建促脱贫", "指标", "数值", "共印", "汇编", "目　录", "无标题"]


def literals():
    """(file, line, literal) of every string literal outside comments."""
    for path in sorted(glob.glob(os.path.join(ROOT, "src", "**", "*.[ch]"), recursive=True)):
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
        text = re.sub(r"//[^\n]*", "", text)
        for n, line in enumerate(text.splitlines(), 1):
            for m in LITERAL.finditer(line):
                yield os.path.basename(path), n, m.group(1)


def main():
    allowed = {}
    for line in open(os.path.join(ROOT, "tests", "data", "c_literals.txt"), encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            f, lit, reason = line.rstrip("\n").split("\t", 2)
            allowed[(f, lit)] = reason
    seen = set()
    for f, n, lit in literals():
        if not CHINESE.search(lit) or ENGLISH.search(lit):
            continue
        seen.add((f, lit))
        check((f, lit) in allowed, f"src/{f}:{n}: \"{lit}\" is document wording in C: move it to the layout files "
                              "(or list it in tests/data/c_literals.txt with why it is a code fact)")
        for w in MOVED:
            check(w not in lit, f"src/{f}:{n}: '{w}' is back in C")
    for f, lit in allowed:
        check((f, lit) in seen, f"c_literals.txt lists \"{lit}\", which is no longer in src/{f}")
        for w in MOVED:
            check(w not in lit, f"c_literals.txt allows '{w}'")
    # libharu's private headers (anything but hpdf.h) only in hpdf_compat.c.
    for path in sorted(glob.glob(os.path.join(ROOT, "src", "**", "*.[ch]"), recursive=True)):
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            m = re.match(r'\s*#\s*include\s*[<"](hpdf_\w+\.h)[>"]', line)
            if m and m.group(1) != "hpdf_compat.h":
                check(os.path.basename(path) == "hpdf_compat.c",
                      f"src/{os.path.basename(path)}:{n}: includes libharu's private {m.group(1)}; only hpdf_compat.c may")
    # The driver edits no model (issue 14): render.c writes no field of a
    # document or block and moves no blocks; it calls the stages (parse,
    # normalise, bind, lay out), which do.
    code = open(os.path.join(ROOT, "src", "engine", "render.c"), encoding="utf-8").read()
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    edits = re.findall(r"\b(?:doc|b|blk)(?:->|\.)(?:meta\.|items\[[^]]*\]\.)?\w+(?:\[[^]]*\])?\s*(?:[-+*/]?=(?!=)|\+\+|--)",
                       code) + re.findall(r"memmove\s*\([^;]*(?:doc|items)", code)
    check(not edits, f"src/engine/render.c edits the document model: {edits[:3]}")
    check(re.search(r"document_parse\(", code) and re.search(r"figures_bind\(", code),
          "render.c calls the parse and binding stages (the check above looks at the right file)")
    sys.exit(checks.report())


main()
