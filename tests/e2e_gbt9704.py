#!/usr/bin/env python3
"""GB/T 9704-2012 measured on the PDF.

7.3.5.5: the signature and date never stand alone on a page. Bodies of
every length around a page end (so one of them ends one line short of a
page, where the signature cannot follow on the same page), ending in
paragraphs or in a long table, in every layout that signs: the page with
the signature always holds body text too.

Called like e2e_test.py: e2e_gbt9704.py BRIEF ROOT. Prints "N passed, N failed"."""
import os, sys, tempfile

import checks
from checks import check, run

BRIEF, ROOT = sys.argv[1], sys.argv[2]
MM = 72 / 25.4
AUTHOR, DATE = "中共示例市委组织部", "2020年6月15日"
PARA = ("全市共有贫困村一百二十个，建档立卡贫困人口三万余人，各级党组织把脱贫攻坚作为"
        "头等大事来抓，层层压实责任，取得了明显成效。")


def summary(layout, body):
    return (f"---\ntitle: 示例市党建促脱贫工作调研报告\nauthor: {AUTHOR}\ndate: 2020-06-15\n"
            f"layout: {layout}\n---\n\n{body}\n")


def table_body(rows):
    lines = ["# 一、基本情况", "", "全市共有贫困村一百二十个。", "", "| 序号 | 村名 | 户数 | 党员 |", "|---|---|---|---|"]
    lines += [f"| {i} | 第{i}村 | {100 + i} | {20 + i % 7} |" for i in range(1, rows + 1)]
    return "\n".join(lines)


def para_body(n, last_short):
    paras = [PARA] * n
    if last_short:
        paras.append("特此报告。")
    return "\n\n".join(paras)


def pages_text(pdf):
    t = run("pdftotext", "-layout", pdf, "-").stdout.split("\f")
    if t and not t[-1].strip():
        t = t[:-1]
    return [[l.strip() for l in p.splitlines() if l.strip()] for p in t]


def is_folio(line):
    return line.startswith("—") and line.endswith("—")


def check_signature_page(tmp, name, layout, body):
    md = os.path.join(tmp, name + ".md")
    pdf = os.path.join(tmp, name + ".pdf")
    with open(md, "w") as f:
        f.write(summary(layout, body))
    r = run(BRIEF, "render", md, "-o", pdf)
    if not check(r.returncode == 0, f"{name}: render: {r.stderr}"):
        return None
    pages = pages_text(pdf)
    sig = [i for i, p in enumerate(pages) if any(AUTHOR in l for l in p)]
    if not check(len(sig) == 1, f"{name}: the signature is printed once: {sig}"):
        return None
    page = pages[sig[0]]
    others = [l for l in page if AUTHOR not in l and DATE not in l and not is_folio(l)]
    check(len(others) > 0, f"{name}: the signature and date share their page (p. {sig[0] + 1}) with text: {page}")
    return len(pages)


def test_signature_never_alone(tmp):
    for layout, first_rows in (("official", 30), ("plain", 44)):
        counts = set()
        for rows in range(first_rows, first_rows + 26):
            n = check_signature_page(tmp, f"{layout}-table{rows}", layout, table_body(rows))
            counts.add(n)
        check(len(counts) >= 2, f"{layout}: the tables cross a page end: page counts {counts}")
        counts = set()
        for n in range(12, 24):
            for short in (False, True):
                counts.add(check_signature_page(tmp, f"{layout}-para{n}{short}", layout, para_body(n, short)))
        check(len(counts) >= 2, f"{layout}: the paragraphs cross a page end: page counts {counts}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_signature_never_alone(tmp)
    sys.exit(checks.report())


if __name__ == "__main__":
    main()
