#!/usr/bin/env python3
"""Summaries as county offices type them, end to end through the brief
binary and checked with poppler and qpdf: the 期号 and the date written as
they are printed (第12期, 2020年第3期, 2016年11月14日), numbered headings typed
as paragraphs in WPS (一、 （一） 1. （1）, no Markdown #) and a heading
number's half-width point kept, and a key written twice in the front matter
or a layout file as an error naming both lines.

Arguments: BRIEF ROOT. Prints "N passed, N failed"."""
import os, re, sys, tempfile

from lib import checks, paths
from lib.checks import check, run, write
from lib.pdf import pdf_ok, text as pdf_text

BRIEF, ROOT = paths.from_argv()
LAYOUTS = os.path.join(ROOT, "layouts")


BRIEFING = """---
title: 关于抓党建促脱贫工作的情况报告
author: 中共某县委组织部
date: 2016-11-14
issue: {issue}
layout: briefing
---

今年以来，我县坚持以党建引领脱贫攻坚。
"""


def test_issue_as_written(tmp):
    """The masthead prints a 期号 written out as written, a number through
    the layout's 第{issue}期; never 第第12期期."""
    for issue, printed in (("第12期", "第12期"), ("2020年第3期", "2020年第3期"), ("总第125期", "总第125期"),
                           ("第12期（总第125期）", "第12期（总第125期）"), ("12", "第12期"), ("１２", "第12期")):
        md = write(os.path.join(tmp, "issue.md"), BRIEFING.format(issue=issue))
        pdf = os.path.join(tmp, "issue.pdf")
        if os.path.exists(pdf):
            os.remove(pdf)
        r = run(BRIEF, "render", md, "-o", pdf)
        if not check(r.returncode == 0 and pdf_ok(pdf), f"issue: {issue}: renders ({r.returncode}: {r.stderr})"):
            continue
        lines = [l.strip() for l in pdf_text(pdf).splitlines() if l.strip()]
        # the masthead: the bulletin's name, then the 期号 line
        check(lines[:2] == ["扶贫工作简报", printed], f"issue: {issue}: the masthead shows {printed!r}: {lines[:3]}")
        check("第第" not in "".join(lines) and "期期" not in "".join(lines), f"issue: {issue}: nothing doubled")
    md = write(os.path.join(tmp, "badissue.md"), BRIEFING.format(issue="十二"))
    r = run(BRIEF, "render", md, "-o", os.path.join(tmp, "badissue.pdf"))
    check(r.returncode == 1 and re.search(r"badissue\.md:5:8: error: 'issue' must be a number .* or the 期号 as printed "
                                          r"\(第12期, 2020年第3期, 总第125期\), not '十二'", r.stderr)
          and not os.path.exists(os.path.join(tmp, "badissue.pdf")), f"an issue that is neither: located error: {r.stderr}")


REPORT = """---
title: 关于抓党建促脱贫工作的调研报告
author: 中共某县委组织部
date: {date}
---

今年以来，我县坚持以党建引领脱贫攻坚。
"""


def test_dates_as_written(tmp):
    """Every unambiguous form is read; the page prints GB/T 9704's form and
    the PDF's creation date is the same day."""
    for date in ("2016年11月14日", "2016-11-14", "2016.11.14", "2016/11/14", "二〇一六年十一月十四日",
                 "２０１６年１１月１４日", "2016 年 11 月 14 日"):
        md = write(os.path.join(tmp, "date.md"), REPORT.format(date=date))
        pdf = os.path.join(tmp, "date.pdf")
        r = run(BRIEF, "render", md, "-o", pdf)
        if not check(r.returncode == 0 and pdf_ok(pdf), f"date: {date}: renders ({r.returncode}: {r.stderr})"):
            continue
        text = [l.strip() for l in pdf_text(pdf).splitlines() if l.strip()]
        check(text[-3:-1] == ["中共某县委组织部", "2016年11月14日"], f"date: {date}: the signature prints 2016年11月14日: {text[-3:]}")
        info = run("pdfinfo", "-isodates", pdf).stdout
        check(re.search(r"CreationDate:\s+2016-11-14T00:00:00", info) is not None, f"date: {date}: the PDF's date: {info}")
        os.remove(pdf)
    for date, why in (("2016-02-30", "the month has no such day"), ("2019年2月29日", "the month has no such day"),
                      ("11/14/2016", "a year written last leaves the order of month and day unknown"),
                      ("二〇一六年十三月一日", "there is no such month"), ("明天", "not a date in a form brief knows")):
        md = write(os.path.join(tmp, "baddate.md"), REPORT.format(date=date))
        pdf = os.path.join(tmp, "baddate.pdf")
        r = run(BRIEF, "render", md, "-o", pdf)
        want = (rf"baddate\.md:4:7: error: 'date: {re.escape(date)}': {why}; write it as 2016-11-14, 2016年11月14日, "
                r"2016\.11\.14, 2016/11/14 or 二〇一六年十一月十四日")
        check(r.returncode == 1 and re.search(want, r.stderr) is not None and not os.path.exists(pdf),
              f"date: {date}: located error naming the forms, no PDF: {r.stderr}")


WPS = """---
title: 关于抓党建促脱贫工作的情况报告
author: 中共某县委组织部
date: 2016年11月14日
issue: 第12期
layout: briefing
---

今年以来，我县坚持以党建引领脱贫攻坚，现将有关情况报告如下。

{h1}基本情况

全县共有贫困村42个，贫困人口3.2万人。

{h2}组织保障

{h3}抓班子

县委把配强村级班子作为首要任务。

**2.抓队伍。**选派第一书记42名，驻村工作队员126名。

{h4}明确责任

一、二、三等奖的评选工作已经完成。

（二）下一步工作安排如下：

3.抓队伍建设，选派第一书记和驻村工作队员全部到岗到位、履职尽责

- 1.列表里的一项
"""


def test_wps_headings(tmp):
    """Headings typed as paragraphs set as the Markdown headings would be:
    the same PDF, byte for byte; 1. stays 1.; brief check names them."""
    typed = write(os.path.join(tmp, "wps.md"), WPS.format(h1="一、", h2="（一）", h3="1.", h4="（1）"))
    marked = write(os.path.join(tmp, "marked.md"),
                   WPS.format(h1="# 一、", h2="## （一）", h3="### 1.", h4="#### （1）"))
    a, b = os.path.join(tmp, "wps.pdf"), os.path.join(tmp, "marked.pdf")
    ra, rb = run(BRIEF, "render", typed, "-o", a), run(BRIEF, "render", marked, "-o", b)
    if not check(ra.returncode == 0 and rb.returncode == 0 and pdf_ok(a), f"both render: {ra.stderr} {rb.stderr}"):
        return
    check(open(a, "rb").read() == open(b, "rb").read(), "typed headings give the PDF Markdown headings give")
    text = pdf_text(a)
    check("1.抓班子" in text and "1。" not in text and "2.抓队伍。选派" in text, f"1. stays 1.: {text!r}")
    check(re.search(r"NotoSans(CJK)?SC", run("pdffonts", a).stdout, re.I), f"the headings' 黑体 (heading1: hei) is in the PDF: {run('pdffonts', a).stdout}")
    # The layout key off: the same lines are body text (仿宋 only, no 黑体 but the run-in's strong).
    flat = os.path.join(tmp, "flat.yaml")
    write(flat, open(os.path.join(LAYOUTS, "briefing.yaml"), encoding="utf-8").read().replace("name: briefing", "name: flat")
          + "paragraph_headings: false\n")
    c = os.path.join(tmp, "flat.pdf")
    rc = run(BRIEF, "render", typed, "-o", c, "--layout", flat)
    check(rc.returncode == 0 and open(c, "rb").read() != open(a, "rb").read(), f"paragraph_headings: false differs: {rc.stderr}")
    outline = run("qpdf", "--json", "--json-key=outlines", a).stdout
    check(outline.count('"title"') >= 4 and "基本情况" in outline, "the typed headings are in the PDF outline")
    # brief check: a note for each heading taken (not a sentence, a line ending in a colon, one longer
    # than a line, a list item), exit 0 (nothing asked of the author).
    r = run(BRIEF, "check", typed)
    notes = re.findall(r"wps\.md:(\d+):1: note: '([^']+)' taken as a level-(\d) heading", r.stdout)
    check(r.returncode == 0 and notes == [("11", "一、基本情况", "1"), ("15", "（一）组织保障", "2"), ("17", "1.抓班子", "3"),
                                          ("23", "（1）明确责任", "4")], f"brief check names the headings: {r.returncode} {r.stdout}")
    # --fix leaves every heading number as typed.
    before = open(typed, encoding="utf-8").read()
    r = run(BRIEF, "check", "--fix", typed)
    check(open(typed, encoding="utf-8").read() == before, "brief check --fix changes nothing in the WPS summary")


def test_duplicate_keys(tmp):
    """A key written twice is an error naming both lines, not the first one silently."""
    md = write(os.path.join(tmp, "dup.md"), "---\ntitle: 标题\nissue: 3\ndate: 2016-11-14\nissue: 第12期\n---\n\n正文。\n")
    pdf = os.path.join(tmp, "dup.pdf")
    r = run(BRIEF, "render", md, "-o", pdf)
    check(r.returncode == 1 and "dup.md:5:1: error: key 'issue' is given twice (first on line 3); keep one of them" in r.stderr
          and not os.path.exists(pdf), f"front matter: located error: {r.stderr}")
    layout = write(os.path.join(tmp, "dup.yaml"), "name: dup\npunctuation: plain\ngrid: {chars_per_line: 28}\npunctuation: banjiao\n")
    md = write(os.path.join(tmp, "ok.md"), "---\ntitle: 标题\n---\n\n正文。\n")
    r = run(BRIEF, "render", md, "-o", pdf, "--layout", layout)
    check(r.returncode == 1 and "dup.yaml:4:1: error: key 'punctuation' is given twice (first on line 2); keep one of them"
          in r.stderr and not os.path.exists(pdf), f"layout file: located error: {r.stderr}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for t in (test_issue_as_written, test_dates_as_written, test_wps_headings, test_duplicate_keys):
            checks.test_in_folder(t, tmp)
    return checks.report()


if __name__ == "__main__":
    sys.exit(main())
