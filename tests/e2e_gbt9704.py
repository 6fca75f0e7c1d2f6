#!/usr/bin/env python3
"""GB/T 9704-2012 measured on the PDF (pdfminer: every character's baseline
and size, every rule's ends, weight and colour; the em box of a character is
its baseline -0.12 em to +0.88 em, the faces' ideographic em box).

The document layout (文件式), on the two examples in input/ and on
documents made here: the 发文机关标志's top edge 35 ± 1 mm below the type
area's top (7.2.4); the red rule as wide as the type area, 4 mm below the
发文字号 (7.2.7); the title two lines below the rule (7.3.1); a 上行文's
发文字号 one character in from the left and 签发人 one in from the right
(7.2.5, 7.2.6); 发文字号 printed with 〔〕, no leading zero, no 第; 主送机关
flush left ending in ：; signature two characters from the right and the date
two to the right of it, or with a seal four from the right (7.3.5); the
版记's rules 0.35/0.25 mm, the last on the type area's bottom edge, on an
even page (7.4.1); blank pages before it and its page without a number (7.5).

7.3.5.5: the signature and date never stand alone on a page. Bodies of
every length around a page end (so one of them ends one line short of a
page, where the signature cannot follow on the same page), ending in
paragraphs or in a long table, in every layout that signs: the page with
the signature always holds body text too.

Arguments: BRIEF ROOT. Prints "N passed, N failed"."""
import os, re, sys, tempfile

from lib import checks, paths
from lib.checks import check, run, test

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTCurve

BRIEF, ROOT = paths.from_argv()
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


PAGE_H = 297 * MM
AREA_TOP, AREA_BOTTOM = PAGE_H - 37 * MM, 35 * MM
AREA_LEFT, AREA_RIGHT = 28 * MM, (28 + 156) * MM
PITCH = 225 * MM / 22


def chars_of(o):
    if isinstance(o, LTChar):
        yield o
    elif hasattr(o, "__iter__"):
        for x in o:
            yield from chars_of(x)


class Run:
    """Characters of one text line with one size: text, left, right, baseline, size, colour."""
    def __init__(self, cs):
        self.text = "".join(c.get_text() for c in cs)
        self.x0, self.x1 = min(c.x0 for c in cs), max(c.x1 for c in cs)
        self.base, self.size = cs[0].matrix[5], cs[0].size
        self.color = tuple(cs[0].graphicstate.ncolor or ())
        self.top, self.bottom = self.base + 0.88 * self.size, self.base - 0.12 * self.size


def measure(pdf):
    """Per page: text runs (characters of one baseline and size, in order) and rules (y, x0, x1, weight, colour)."""
    pages = []
    for page in extract_pages(pdf):
        runs, rules, cur = [], [], []
        for c in chars_of(page):
            if cur and (abs(c.matrix[5] - cur[-1].matrix[5]) > 1 or abs(c.size - cur[-1].size) > 0.1
                        or c.x0 < cur[-1].x0 or c.x0 - cur[-1].x1 > c.size):
                runs.append(Run(cur))
                cur = []
            cur.append(c)
        if cur:
            runs.append(Run(cur))
        for o in page:
            if isinstance(o, LTCurve) and len(o.pts) == 2 and abs(o.pts[0][1] - o.pts[1][1]) < 0.01:
                rules.append((o.pts[0][1], min(o.pts[0][0], o.pts[1][0]), max(o.pts[0][0], o.pts[1][0]),
                              o.linewidth, tuple(o.stroking_color or ())))
        pages.append((runs, rules))
    return pages


def find(runs, text):
    return next((r for r in runs if text in r.text), None)


def is_red(color):
    return len(color) == 3 and color[0] > 0.8 and color[1] < 0.2


def folio(runs):
    return [r for r in runs if re.fullmatch(r"—\s*\d+\s*—", r.text.replace(" ", " "))]


def check_head(name, pages, number, upward):
    runs, rules = pages[0]
    mark = [r for r in runs if is_red(r.color)]
    if not check(mark, f"{name}: a red 发文机关标志"):
        return
    top = max(r.top for r in mark)
    check(abs((AREA_TOP - top) / MM - 35) <= 1, f"{name}: 标志 top edge 35 ± 1 mm below the type area: "
          f"{(AREA_TOP - top) / MM:.2f} mm")
    num = find(runs, number)
    if not check(num is not None, f"{name}: 发文字号 '{number}' printed: {[r.text for r in runs[:8]]}"):
        return
    check(2 * PITCH - 2 <= num.top - 0 and abs((min(r.bottom for r in mark) - num.top) - 2 * PITCH) < 0.3 * PITCH,
          f"{name}: 发文字号 two lines below the 标志: {(min(r.bottom for r in mark) - num.top) / PITCH:.2f} lines")
    red = [r for r in rules if is_red(r[4])]
    if not check(len(red) == 1, f"{name}: one red rule: {red}"):
        return
    y, x0, x1, w, _ = red[0]
    check(abs(x0 - AREA_LEFT) < 0.5 and abs(x1 - AREA_RIGHT) < 0.5,
          f"{name}: red rule as wide as the type area: {(x1 - x0) / MM:.2f} mm")
    check(abs((num.bottom - y) / MM - 4) < 0.3, f"{name}: red rule 4 mm below the 发文字号: {(num.bottom - y) / MM:.2f} mm")
    title = max((r for r in runs if r.size > 20 and not is_red(r.color)), key=lambda r: r.base)
    gap = (y - title.top) / PITCH
    check(2 <= gap <= 2.5, f"{name}: title two lines below the red rule: {gap:.2f} lines")
    em = num.size
    if upward:
        check(abs(num.x0 - (AREA_LEFT + em)) < 1, f"{name}: a 上行文's 发文字号 one character in: {(num.x0 - AREA_LEFT) / em:.2f}")
        signer = [r for r in runs if abs(r.base - num.base) < 1 and r is not num]
        check(signer and abs(max(r.x1 for r in signer) - (AREA_RIGHT - em)) < 1.5,
              f"{name}: 签发人 one character in from the right: {[(r.text, r.x1) for r in signer]}")
    else:
        check(abs((num.x0 + num.x1) / 2 - (AREA_LEFT + AREA_RIGHT) / 2) < 1, f"{name}: a 下行文's 发文字号 centred")


def check_signature(name, pages, author, date, seal=False):
    for i, (runs, _) in enumerate(pages):
        body = [r for r in runs if not is_red(r.color) and r.size < 20]
        sig, day = find(body, author), find(body, date)
        if sig and day and sig.base > day.base:
            break
    else:
        check(False, f"{name}: signature '{author}' and date '{date}' found")
        return None
    em = 156 * MM / 28  # one character of the grid
    if seal:
        check(abs((AREA_RIGHT - day.x1) / em - 4) < 0.1, f"{name}: with a seal the date 4 characters from the right: "
              f"{(AREA_RIGHT - day.x1) / em:.2f}")
        check(abs((sig.x0 + sig.x1) / 2 - (day.x0 + day.x1) / 2) < 1, f"{name}: the signature centred over the date")
    else:
        # 7.3.5.2: the signature two characters from the right, the date's first character two right of the
        # signature's; a date longer than that two characters from the right, the signature moving left.
        right = (AREA_RIGHT - max(sig.x1, day.x1)) / em
        shift = (day.x0 - sig.x0) / em
        longer = day.x1 > sig.x1 + 0.5
        check(abs(right - 2) < 0.1 and abs(shift - 2) < 0.1,
              f"{name}: {'date' if longer else 'signature'} 2 characters from the right ({right:.2f}), "
              f"the date 2 to the right of the signature ({shift:.2f})")
    check(abs((sig.base - day.base) - PITCH) < 1, f"{name}: the date on the line below the signature")
    others = [r for r in runs if r not in (sig, day) and not folio([r])]
    check(others, f"{name}: the signature's page holds text too")
    return i


def check_joint_signature(pages, issuers, date):
    """7.3.5.2, a joint document without seals: the 主办机关's name first, the others one line below each
    other in one column, the longest two characters from the right; the date on the next line, its first
    character two right of the names'."""
    page = next((runs for runs, _ in pages if find(runs, date) and find(runs, issuers[-1])), [])
    runs = [r for r in page if not is_red(r.color) and r.size < 20]
    sigs, day = [find(runs, n) for n in issuers], find(runs, date)
    if not check(all(sigs) and day, f"joint signature: {issuers} and {date} printed: {[r.text for r in runs][-6:]}"):
        return
    em = 156 * MM / 28
    bases = [r.base for r in sigs] + [day.base]
    check(all(abs((a - b) - PITCH) < 1 for a, b in zip(bases, bases[1:])),
          f"joint signature: each name a line below the one before, the date below them: {bases}")
    check(max(abs(r.x0 - sigs[0].x0) for r in sigs) < 0.5, f"joint signature: one column {[r.x0 for r in sigs]}")
    check(abs((AREA_RIGHT - max(r.x1 for r in sigs)) / em - 2) < 0.1,
          f"joint signature: the longest name 2 characters from the right: {(AREA_RIGHT - max(r.x1 for r in sigs)) / em:.2f}")
    check(abs((day.x0 - sigs[0].x0) / em - 2) < 0.1, f"joint signature: the date 2 right of the names: "
          f"{(day.x0 - sigs[0].x0) / em:.2f}")


def check_record(name, pages):
    n = len(pages)
    check(n % 2 == 0, f"{name}: the 版记 on an even page: {n} pages")
    runs, rules = pages[-1]
    black = sorted([r for r in rules if not is_red(r[4]) and r[2] - r[1] > 150 * MM], key=lambda r: -r[0])
    if not check(len(black) >= 2, f"{name}: the 版记's rules: {black}"):
        return
    ws = [round(r[3] / MM, 3) for r in black]
    check(abs(ws[0] - 0.35) < 0.01 and abs(ws[-1] - 0.35) < 0.01 and all(abs(w - 0.25) < 0.01 for w in ws[1:-1]),
          f"{name}: 版记 rules 0.35 mm first and last, 0.25 mm between: {ws}")
    check(all(abs(r[1] - AREA_LEFT) < 0.5 and abs(r[2] - AREA_RIGHT) < 0.5 for r in black),
          f"{name}: 版记 rules as wide as the type area")
    check(abs(black[-1][0] - AREA_BOTTOM) < 0.2, f"{name}: the last rule on the type area's bottom edge: "
          f"{(black[-1][0] - AREA_BOTTOM) / MM:.2f} mm off")
    blank = [i for i, (r, l) in enumerate(pages) if not r and not l]
    for i in blank:
        check(not folio(pages[i][0]), f"{name}: blank page {i + 1} unnumbered")
    if blank:
        check(not folio(runs), f"{name}: after a blank page the 版记's page carries no number")
    printed = [r for r in runs if r.text.endswith("印发")]
    if check(printed, f"{name}: 印发日期 printed"):
        em = printed[0].size
        check(abs(printed[0].x1 - (AREA_RIGHT - em)) < 1, f"{name}: 印发日期 one character in from the right")


def check_pdf(name, pdf, *render_args):
    """Every font embedded and subset with a ToUnicode map, qpdf --check, the same bytes on a second run."""
    rows = run("pdffonts", pdf).stdout.splitlines()[2:]
    check(rows and all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in rows), f"{name}: fonts emb, sub, uni: {rows}")
    check(run("qpdf", "--check", pdf).returncode == 0, f"{name}: qpdf --check")
    again = pdf + ".again.pdf"
    run(BRIEF, "render", *render_args, "-o", again)
    check(open(pdf, "rb").read() == open(again, "rb").read(), f"{name}: identical bytes on a second run")


def test_examples(tmp):
    root = os.path.join(ROOT, "input")
    figures = os.path.join(root, "figures.csv")
    for county in ("陇西县", "黔西县"):  # a county brief set as a 红头文件: its key figures after the title
        md, pdf = os.path.join(root, f"{county}.md"), os.path.join(tmp, f"{county}-document.pdf")
        r = run(BRIEF, "render", md, "--figures", figures, "--layout", "document", "-o", pdf)
        if check(r.returncode == 0, f"{county} in the document layout: {r.stderr}"):
            check_pdf(f"{county}-document", pdf, md, "--figures", figures, "--layout", "document")
            text = run("pdftotext", "-layout", pdf, "-").stdout
            check(text.find("主要数据") < text.find("一、"), f"{county}-document: key figures before the body")
            check_record(f"{county}-document", measure(pdf))
    pdf = os.path.join(tmp, "up.pdf")
    r = run(BRIEF, "render", os.path.join(root, "陇西县组织部报告.md"), "--figures", figures, "-o", pdf)
    if check(r.returncode == 0, f"render the 上行文 example: {r.stderr}"):
        check_pdf("上行文", pdf, os.path.join(root, "陇西县组织部报告.md"), "--figures", figures)
        pages = measure(pdf)
        check_head("上行文", pages, "陇组发〔2016〕12号", True)
        check(find(pages[0][0], "中共定西市委组织部：") is not None and
              abs(find(pages[0][0], "中共定西市委组织部：").x0 - AREA_LEFT) < 0.5, "主送机关 flush left, ending in ：")
        at = check_signature("上行文", pages, "中共陇西县委组织部", "2016年11月14日")
        text = run("pdftotext", "-layout", pdf, "-").stdout.split("\f")
        labels = [i for i, t in enumerate(text) if re.match(r"\s*附件[12]\s*$", t.splitlines()[0] if t.strip() else "")]
        check(len(labels) == 2 and at is not None and all(i > at for i in labels),
              f"two 附件 pages, each new, after the signature's: {labels}")
        em = 156 * MM / 28
        items = [r for p, _ in pages for r in p if r.size < 20 and ("附件：" in r.text or re.match(r"\d\.", r.text))]
        first = next((r for r in items if r.text.startswith("附件：")), None)
        if check(first is not None and len(items) >= 2, f"附件说明 printed: {[r.text for r in items]}"):
            check(abs(first.x0 - (AREA_LEFT + 2 * em)) < 1, f"附件说明 two characters in: {(first.x0 - AREA_LEFT) / em:.2f}")
            second = items[-1]
            check(abs(second.x0 - (first.x0 + 3 * em)) < 1 and second.text.startswith("2."),
                  f"the second name under the first (hanging after 附件：): {second.text} {(second.x0 - first.x0) / em:.2f}")
            check(not re.search(r"[。；，、]$", first.text + second.text), "no punctuation after an attachment's name")
        for label in ("附件1", "附件2"):
            at = next((i for i, (p, _) in enumerate(pages) if p and p[0].text == label), None)
            if not check(at is not None, f"{label} opens a page"):
                continue
            head, title = pages[at][0][0], pages[at][0][1]
            check(abs(head.x0 - AREA_LEFT) < 0.5 and AREA_TOP - head.top < PITCH, f"{label} flush left on the first line")
            lines = (AREA_TOP - title.top) / PITCH
            check(2 <= lines < 3 and abs((title.x0 + title.x1) / 2 - (AREA_LEFT + AREA_RIGHT) / 2) < 1,
                  f"{label}: its title centred on the third line ({lines:.2f} lines down)")
            check(folio(pages[at][0]) or at == len(pages) - 1, f"{label}: page numbers go on")
        note = [r for p, _ in pages for r in p if r.text.startswith("（联系人")]
        check(note and abs(note[0].x0 - (AREA_LEFT + 2 * 156 * MM / 28)) < 1, "附注 in parentheses two characters in")
        check_record("上行文", pages)
    pdf = os.path.join(tmp, "down.pdf")
    r = run(BRIEF, "render", os.path.join(root, "黔西县组织部通知.md"), "--figures", figures, "-o", pdf)
    if check(r.returncode == 0, f"render the 下行文 example: {r.stderr}"):
        check_pdf("下行文", pdf, os.path.join(root, "黔西县组织部通知.md"), "--figures", figures)
        pages = measure(pdf)
        # written 黔组通（2009）第08号: printed with 〔〕, no 第, no leading zero (7.2.5)
        check_head("下行文", pages, "黔组通〔2009〕8号", False)
        check_signature("下行文", pages, "中共黔西县委组织部", "2009年6月10日")
        check_record("下行文", pages)
        check(any("抄送：" in r.text for r in pages[-1][0]) and any(r.text.endswith("。") for r in pages[-1][0]
              if "抄送" in r.text or "单位" in r.text), "抄送 printed, ending in 。")


DOC = """---
title: 示例市党建促脱贫工作的通知
issuer: {issuer}
doc_number: 示组发〔2020〕3号
author: 中共示例市委组织部
date: 2020-06-15
seal: {seal}
recipients:
  抄送: 市委办公室
  印发: 中共示例市委组织部办公室
layout: document
---

{body}
"""


def test_made(tmp):
    # With a seal: the date four characters from the right (7.3.5.1).
    md, pdf = os.path.join(tmp, "seal.md"), os.path.join(tmp, "seal.pdf")
    with open(md, "w") as f:
        f.write(DOC.format(issuer="中共示例市委组织部", seal="true", body=PARA))
    if check(run(BRIEF, "render", md, "-o", pdf).returncode == 0, "render with a seal"):
        check_signature("seal", measure(pdf), "中共示例市委组织部", "2020年6月15日", seal=True)
    # A signature longer than the date: it stands two characters from the right, the date two right of its start.
    md, pdf = os.path.join(tmp, "long.md"), os.path.join(tmp, "long.pdf")
    with open(md, "w") as f:
        f.write(DOC.format(issuer="中共示例市委组织部", seal="false", body=PARA).replace(
            "author: 中共示例市委组织部", "author: 中共示例自治县委员会组织部办公室"))
    if check(run(BRIEF, "render", md, "-o", pdf).returncode == 0, "render a long signature"):
        check_signature("long signature", measure(pdf), "中共示例自治县委员会组织部办公室", "2020年6月15日")
    # An attachment is a file of the summary's folder; a missing one is an error naming it.
    sub = os.path.join(tmp, "sub")
    os.makedirs(sub, exist_ok=True)
    for att, words in (("../seal.md", "outside the summary's folder"), ("缺少.md", "缺少.md")):
        md, pdf = os.path.join(sub, "att.md"), os.path.join(sub, "att.pdf")
        with open(md, "w") as f:
            f.write(DOC.format(issuer="中共示例市委组织部", seal="false", body=PARA).replace(
                "layout: document\n", f"layout: document\nattachments: [{att}]\n"))
        r = run(BRIEF, "render", md, "-o", pdf)
        check(r.returncode != 0 and words in r.stderr and not os.path.exists(pdf),
              f"attachment {att}: an error, no PDF: {r.stderr}")
    # An attachment named by its title only is listed, not laid out; the file after it is 附件2,
    # and the 附件说明 stays whole with the signature.
    with open(os.path.join(sub, "表.md"), "w") as f:
        f.write("---\ntitle: 统计表\n---\n\n全市共有贫困村一百二十个。\n")
    md, pdf = os.path.join(sub, "mixed.md"), os.path.join(sub, "mixed.pdf")
    with open(md, "w") as f:
        f.write(DOC.format(issuer="中共示例市委组织部", seal="false", body="\n\n".join([PARA] * 5)).replace(
            "layout: document\n", "layout: document\nattachments: [花名册。, 表.md]\n"))
    if check(run(BRIEF, "render", md, "-o", pdf).returncode == 0, "render with a title-only attachment"):
        pages = pages_text(pdf)
        check(any(p and p[0] == "附件2" and "统计表" in p[1] for p in pages), f"the file is 附件2: {[p[:2] for p in pages]}")
        listing = [i for i, p in enumerate(pages) for l in p if l.startswith("附件：1. 花名册") or l.startswith("2. 统计表")]
        check(len(listing) == 2 and listing[0] == listing[1], f"the 附件说明 whole on one page, 。 dropped: {listing}")
    # Hostile sizes: 60 issuers, 300 signers, a 100-character 密级 and 发文字号: the 版头 stays on its page.
    md, pdf = os.path.join(tmp, "huge.md"), os.path.join(tmp, "huge.pdf")
    issuers = ", ".join(f"示例机关{i}" for i in range(60))
    signers = ", ".join(f"张{i}" for i in range(300))
    with open(md, "w") as f:
        f.write(DOC.format(issuer=f"[{issuers}]", seal="false", body=PARA).replace(
            "layout: document\n", f"layout: document\nsigner: [{signers}]\nsecrecy: {'秘密' * 50}\n").replace(
            "示组发〔2020〕3号", "示发" * 100 + "〔2020〕3号"))
    if check(run(BRIEF, "render", md, "-o", pdf).returncode == 0, "render a 版头 of hostile sizes"):
        runs = measure(pdf)[0][0]
        out = [r.text[:12] for r in runs if not folio([r]) and
               (r.x0 < AREA_LEFT - 1 or r.x1 > AREA_RIGHT + 1 or r.bottom < AREA_BOTTOM - 1)]
        check(not out, f"hostile 版头: every run inside the type area: {out[:5]}")
    # Two issuers stacked, 文件 to their right, centred on them (7.2.4).
    md, pdf = os.path.join(tmp, "joint.md"), os.path.join(tmp, "joint.pdf")
    with open(md, "w") as f:
        f.write(DOC.format(issuer="[中共示例市委组织部, 示例市扶贫开发办公室]", seal="false", body=PARA))
    if check(run(BRIEF, "render", md, "-o", pdf).returncode == 0, "render a joint document"):
        pages = measure(pdf)
        red = [r for r in pages[0][0] if is_red(r.color)]
        names = [r for r in red if "文件" not in r.text]
        suffix = [r for r in red if r.text == "文件"]
        if check(len(names) == 2 and len(suffix) == 1, f"two issuers and 文件: {[r.text for r in red]}"):
            mid = (names[0].top + names[1].bottom) / 2
            check(abs((suffix[0].top + suffix[0].bottom) / 2 - mid) < 1, "文件 centred on the stacked names")
            check(abs(names[0].x1 - names[1].x1) < 1 and abs(names[0].x0 - names[1].x0) < 1,
                  "stacked names spread to one width")
            check(abs((AREA_TOP - names[0].top) / MM - 35) <= 1, "joint 标志 top edge 35 mm below the type area")
        check_joint_signature(pages, ["中共示例市委组织部", "示例市扶贫开发办公室"], "2020年6月15日")
    # Bodies of every length: the 版记 always on an even page, blank pages unnumbered.
    blanks = 0
    for n in range(6, 30):
        md, pdf = os.path.join(tmp, f"len{n}.md"), os.path.join(tmp, f"len{n}.pdf")
        with open(md, "w") as f:
            f.write(DOC.format(issuer="中共示例市委组织部", seal="false", body="\n\n".join([PARA] * n)))
        if not check(run(BRIEF, "render", md, "-o", pdf).returncode == 0, f"render {n} paragraphs"):
            continue
        pages = measure(pdf)
        check_record(f"{n} paragraphs", pages)
        check_signature(f"{n} paragraphs", pages, "中共示例市委组织部", "2020年6月15日")
        blanks += any(not r and not l for r, l in pages)
    check(blanks > 0, "some lengths need a blank page before the 版记")


# Titles that a balanced wrap used to break inside a word (发/挥, 党组/织,
# 村党/组织, 脱/贫, 运/转), and the words each line must keep whole (7.3.1).
WORDS = ["发挥", "组织", "党组织", "组织部", "核心", "作用", "脱贫", "攻坚", "运转", "经费", "带头人", "队伍",
         "软弱", "涣散", "整顿", "表彰", "先进", "基层", "建立", "健全", "保障", "机制", "示例", "通知", "意见", "决定"]
TITLES = [
    "中共示例县委组织部关于充分发挥村级党组织核心作用的通知",
    "中共示例市委组织部关于加强村党组织带头人队伍建设的实施意见",
    "关于开展软弱涣散村党组织集中整顿工作的通知",
    "中共示例县委组织部关于表彰脱贫攻坚先进基层党组织的决定",
    "关于建立健全村级组织运转经费保障机制的意见",
]


def title_lines(pdf):
    runs = measure(pdf)[0][0]
    return [r.text for r in sorted((r for r in runs if r.size > 20 and not is_red(r.color)), key=lambda r: -r.base)]


def test_title_words(tmp):
    for i, title in enumerate(TITLES):
        md, pdf = os.path.join(tmp, f"title{i}.md"), os.path.join(tmp, f"title{i}.pdf")
        with open(md, "w") as f:
            f.write(f"---\ntitle: {title}\nauthor: 中共示例县委组织部\ndate: 2020-06-15\nlayout: official\n---\n\n{PARA}\n")
        if not check(run(BRIEF, "render", md, "-o", pdf).returncode == 0, f"render title {i}"):
            continue
        lines = title_lines(pdf)
        check("".join(lines) == title, f"title {i} comes back whole: {lines}")
        ends = set()
        pos = 0
        for l in lines[:-1]:
            pos += len(l)
            ends.add(pos)
        split = [w for w in WORDS for k in range(len(title)) if title.startswith(w, k)
                 and any(k < e < k + len(w) for e in ends)]
        check(not split, f"title {i} wraps between words: {lines} splits {split}")
        widths = [len(l) for l in lines]
        check(len(lines) < 2 or max(widths) - min(widths) <= max(4, max(widths) // 3),
              f"title {i}: lines of like length (a symmetrical shape): {lines}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for t in (test_title_words, test_signature_never_alone, test_examples, test_made):
            test(t, tmp)
    sys.exit(checks.report())


if __name__ == "__main__":
    main()
