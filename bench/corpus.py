#!/usr/bin/env python3
"""Builds a province for the batch benchmark: N copies of a real county
summary (input/陇西县.md), each its own county with its own figures rows and
its body repeated to about ten pages, plus (with --broken) one county whose
summary has an error. Usage: bench/corpus.py OUTDIR [N] [--repeat R] [--broken]"""
import os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIGITS = "〇一二三四五六七八九"


def county_name(i):
    """A distinct Chinese county name per index: 一〇一县, 一〇二县 …"""
    return "".join(DIGITS[int(d)] for d in f"{i + 101}") + "县"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out, n = args[0], int(args[1]) if len(args) > 1 else 300
    repeat = 3
    if "--repeat" in sys.argv:
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1])
        args.remove(str(repeat)) if str(repeat) in args else None
    os.makedirs(out, exist_ok=True)
    src = open(os.path.join(ROOT, "input", "陇西县.md"), encoding="utf-8").read()
    head, body = re.match(r"(---\n.*?\n---\n)(.*)", src, re.S).groups()
    figures = open(os.path.join(ROOT, "input", "figures.csv"), encoding="utf-8").read().splitlines()
    rows = [figures[0]]
    mine = [r for r in figures[1:] if r.startswith("陇西县,")]
    for i in range(n):
        name = county_name(i)
        text = head.replace("陇西县", name) + body.replace("陇西县", name)
        for k in range(1, repeat):  # the body again: a longer brief, same headings
            text += "\n" + re.sub(r"^# (.)、", lambda m: f"# {'四五六七八九十'[k * 3 - 3 + '一二三'.index(m.group(1)) % 7]}、",
                                  body.replace("陇西县", name), flags=re.M)
        with open(os.path.join(out, f"{name}.md"), "w", encoding="utf-8") as f:
            f.write(text)
        for r in mine:  # its own figures rows, the numbers varied a little
            cells = r.split(",")
            cells[0] = name
            for j in range(2, len(cells)):
                if cells[j]:
                    v = float(cells[j]) * (1 + (i % 7) / 100)
                    cells[j] = f"{v:.2f}" if "." in cells[j] else str(int(v))
            rows.append(",".join(cells))
    if "--broken" in sys.argv:
        with open(os.path.join(out, "坏县.md"), "w", encoding="utf-8") as f:
            f.write("---\ntitle: 坏县调研报告\ncounty: 坏县\n---\n\n# 一、背景\n\n正文引用了{{不存在的指标}}。\n")
    with open(os.path.join(out, "figures.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


main()
