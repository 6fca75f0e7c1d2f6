#!/usr/bin/env python3
"""End to end: brief batch on worker processes and the meeting booklet.
A province of 40 ten-page briefs (bench/corpus.py) plus a broken county:
--jobs 1 and --jobs 2 give byte-identical PDFs and booklets; the broken
county is reported with file:line:col and a non-zero exit while the others
are valid (qpdf --check); progress lines when stderr is not a terminal,
none with --quiet; the booklet's 目录 numbers read back with pdftotext and
each checked against the outline's destination page (qpdf --json), every
brief on an odd page, one top-level outline entry per county in
booklet.yaml's order, blank versos blank, continuous page numbers; workers honour
--format ofd|both (OFDs and the OFD booklet the same for 1 and 2 jobs) and
--no-normalize.
Called as: e2e_batch.py BRIEF ROOT"""
import glob, json, os, re, subprocess, sys, tempfile

from lib import checks, paths
from lib.checks import check, run
from lib.pdf import page_count

BRIEF, ROOT = paths.from_argv()


def page_text(pdf, page):
    return run("pdftotext", "-layout", "-f", str(page), "-l", str(page), pdf, "-").stdout


def outline(pdf):
    """Top-level outline entries: (title, 1-based destination page, children)."""
    j = json.loads(run("qpdf", "--json", pdf).stdout)
    return [(o["title"], o["destpageposfrom1"], o["kids"]) for o in j["outlines"]]


def gray(pdf, page, tmp):
    """Page as 8-bit gray pixels (pdftoppm), the rows above the footer."""
    base = os.path.join(tmp, "px")
    run("pdftoppm", "-gray", "-r", "40", "-f", str(page), "-l", str(page), "-singlefile", pdf, base)
    data = open(base + ".pgm", "rb").read()
    magic, w, h, mx, rest = re.match(rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S).groups()
    w, h = int(w), int(h)
    return rest[: w * int(h * 0.85)]


def test_private_use(tmp):
    """Characters beyond the BMP and glyph variants go through Private Use
    codes that each brief numbers from U+E000: in the booklet they are
    numbered once per face and a brief whose codes differ is re-encoded, so
    its booklet pages look exactly like its own PDF's above the footer."""
    src = os.path.join(tmp, "pua")
    os.makedirs(src)
    texts = {"甲县": "有𬌗字，还有𫖯字与破折号——都在这里。", "乙县": "只有破折号——在这里，还有𫖯字。"}
    for name, text in texts.items():
        with open(os.path.join(src, name + ".md"), "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: {name}调研报告\ncounty: {name}\n---\n\n# 一、情况\n\n{text}\n")
    out = os.path.join(tmp, "puaout")
    book = os.path.join(out, "book.pdf")
    r = run(BRIEF, "batch", src, "-o", out, "--booklet", book, "--jobs", "2")
    check(r.returncode == 0, f"Private Use batch: {r.stderr[-300:]}")
    tops = outline(book)
    for title, dest, _ in tops:
        name = title[:2]
        own = os.path.join(out, name + ".pdf")
        check(texts[name] in re.sub(r"\s", "", page_text(book, dest)), f"{name}: text in the booklet")
        check(gray(book, dest, tmp) == gray(own, 1, tmp), f"{name}: booklet page looks like its own PDF's page")


def test_formats_and_normalize(tmp, src):
    """Workers honour each job's --format (OFD, both) and --no-normalize."""
    books = {}
    for jobs in (1, 2):
        out = os.path.join(tmp, f"fmt{jobs}")
        r = run(BRIEF, "batch", src, "-o", out, "--booklet", os.path.join(out, "汇编.pdf"), "--format", "both",
                "--jobs", str(jobs), "--quiet")
        check(r.returncode == 1 and "坏县.md:" in r.stderr, f"--format both --jobs {jobs}: the broken county reported")
        ofds = sorted(p for p in os.listdir(out) if p.endswith(".ofd")) if os.path.isdir(out) else []
        pdfs = sorted(p for p in os.listdir(out) if p.endswith(".pdf")) if os.path.isdir(out) else []
        check(len(ofds) == 41 and len(pdfs) == 41, f"--format both --jobs {jobs}: 40 briefs + booklet as OFD and PDF: "
              f"{len(ofds)} OFD, {len(pdfs)} PDF")
        books[jobs] = (out, ofds)
    (o1, f1), (o2, f2) = books[1], books[2]
    check(f1 == f2 and all(open(os.path.join(o1, f), "rb").read() == open(os.path.join(o2, f), "rb").read() for f in f1),
          "--format both: --jobs 1 and --jobs 2 give byte-identical OFDs (booklet included)")
    only = os.path.join(tmp, "ofd-only")
    r = run(BRIEF, "batch", src, "-o", only, "--format", "ofd", "--jobs", "2", "--quiet")
    names = os.listdir(only) if os.path.isdir(only) else []
    check(len([p for p in names if p.endswith(".ofd")]) == 40 and not [p for p in names if p.endswith(".pdf")],
          f"--format ofd --jobs 2: OFD only: {sorted(names)[:3]}")
    # --no-normalize reaches the workers: straight quotes stay as typed
    nz = os.path.join(tmp, "nz")
    os.makedirs(nz)
    for k in ("甲县", "乙县"):
        with open(os.path.join(ROOT, "tests", "data", "normalize.md"), encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(nz, k + ".md"), "w", encoding="utf-8") as f:
            f.write(text)
    for flag in ([], ["--no-normalize"]):
        out = os.path.join(tmp, "nz-out" + ("-raw" if flag else ""))
        r = run(BRIEF, "batch", nz, "-o", out, "--jobs", "2", "--quiet", *flag)
        check(r.returncode == 0, f"batch {flag}: {r.stderr[-300:]}")
        t = run("pdftotext", os.path.join(out, "乙县.pdf"), "-").stdout
        if flag:
            check('"' in t and "punctuation fixes" not in r.stderr, "--no-normalize --jobs 2: printed as typed")
        else:
            check("“" in t and "punctuation fixes" in r.stderr, "--jobs 2: normalised, and said so")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "prov")
        r = run(sys.executable, os.path.join(ROOT, "bench", "corpus.py"), src, "40", "--broken")
        check(r.returncode == 0, f"corpus: {r.stderr}")
        stems = sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(src, "*.md")))
        good = [s for s in stems if s != "坏县"]
        # booklet.yaml: a cover, and three counties first, in this order
        first = [good[5], good[0], good[17]]
        with open(os.path.join(src, "booklet.yaml"), "w", encoding="utf-8") as f:
            f.write("title: 全省抓党建促脱贫攻坚工作会议材料汇编\nauthor: 中共示例省委组织部\ndate: 2016-11-20\n"
                    f"order: [{', '.join(first)}]\n")

        outs = {}
        for jobs in (1, 2):
            out = os.path.join(tmp, f"out{jobs}")
            book = os.path.join(tmp, f"book{jobs}.pdf")
            r = run(BRIEF, "batch", src, "-o", out, "--booklet", book, "--jobs", str(jobs))
            outs[jobs] = (out, book, r)
            check(r.returncode == 1, f"--jobs {jobs}: exit {r.returncode} with a broken county")
            check(re.search(r"坏县\.md:\d+:\d+: error: ", r.stderr) is not None,
                  f"--jobs {jobs}: the broken county with file:line:col: {r.stderr[-400:]}")
            check(re.search(r"brief: 40 written, 1 failed", r.stderr) is not None, f"--jobs {jobs}: summary counts")
            lines = [l for l in r.stderr.splitlines() if re.match(r"brief: \[\d+/41\] ", l)]
            check(len(lines) == 41, f"--jobs {jobs}: one plain progress line per brief (not a terminal): {len(lines)}")
            check("\r" not in r.stderr and "\033" not in r.stderr, f"--jobs {jobs}: no terminal redraw in a log")
            check(not os.path.exists(os.path.join(out, "坏县.pdf")), "no PDF for the broken county")
        (out1, book1, _), (out2, book2, _) = outs[1], outs[2]
        pdfs = sorted(os.listdir(out1))
        check(len(pdfs) == 40 and pdfs == sorted(os.listdir(out2)), f"40 PDFs each: {len(pdfs)}")
        same = all(open(os.path.join(out1, p), "rb").read() == open(os.path.join(out2, p), "rb").read() for p in pdfs)
        check(same, "--jobs 1 and --jobs 2 give byte-identical briefs")
        check(open(book1, "rb").read() == open(book2, "rb").read(), "--jobs 1 and --jobs 2 give the same booklet")
        bad = [p for p in pdfs if run("qpdf", "--check", os.path.join(out2, p)).returncode != 0]
        check(not bad, f"every brief passes qpdf --check: {bad[:3]}")
        check(run("qpdf", "--check", book2).returncode == 0, "the booklet passes qpdf --check")
        fonts = run("pdffonts", book2).stdout.splitlines()[2:]
        check(fonts and all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in fonts), "booklet fonts emb+sub+uni")
        check(len(fonts) <= 6, f"booklet fonts subset once for all briefs: {len(fonts)} fonts")

        r = run(BRIEF, "batch", src, "-o", os.path.join(tmp, "q"), "--quiet", "--jobs", "2")
        check(not re.search(r"brief: \[\d+/", r.stderr), "--quiet: no progress lines")
        check("坏县.md:" in r.stderr and r.returncode == 1, "--quiet: the failure still reported")

        # ---- the booklet ----
        n = page_count(book2)
        cover = page_text(book2, 1)
        check("全省抓党建促脱贫攻坚工作会议材料汇编" in re.sub(r"\s", "", cover), "cover: the booklet's title")
        check("中共示例省委组织部" in cover and "2016年11月20日" in cover, "cover: issuing unit and date")
        check(page_text(book2, 2).strip() == "", "the cover's back is blank")
        # 目录: read every entry's number from the text of its pages
        toc, p = [], 3
        while True:
            t = page_text(book2, p)
            if p == 3:
                check("目" in t and "录" in t, "目录 on page 3")
            found = re.findall(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", t, re.M)
            if not found:
                break
            toc += found
            p += 1
        check(len(toc) == 40, f"目录 lists all 40 briefs: {len(toc)}")
        tops = outline(book2)
        check(len(tops) == 40, f"outline: one top-level entry per county: {len(tops)}")
        check(all(kids for _, _, kids in tops), "outline: every county has its headings under it")
        for i, ((title, num), (otitle, dest, _)) in enumerate(zip(toc, tops)):
            ok = int(num) == dest and title.replace(" ", "") == otitle.replace(" ", "")[: len(title.replace(" ", ""))]
            if not check(ok, f"目录 entry {i}: '{title}' page {num} vs outline '{otitle}' → page {dest}"):
                break
        check(all(dest % 2 == 1 for _, dest, _ in tops), "every brief starts on an odd page")
        order = [re.match(r"(\S+县)", t).group(1) for t, _, _ in tops]
        check(order[:3] == first, f"booklet.yaml's order first: {order[:3]} vs {first}")
        check(order[3:] == [s for s in good if s not in first], "then by file name")
        # continuous page numbers, blank versos blank, each brief's pages as its own PDF
        dests = [d for _, d, _ in tops] + [n + 1]
        first_pages = {}
        for k in range(len(tops)):
            start, end = dests[k], dests[k + 1]
            pdf = os.path.join(out2, order[k] + ".pdf")
            own = page_count(pdf)
            first_pages[k] = (start, own)
            check(end - start == own + own % 2, f"{order[k]}: {own} pages + blank verso in the booklet")
            if k in (0, 1, len(tops) - 1):
                for q in range(own):
                    t = page_text(book2, start + q)
                    m = re.findall(r"—\s*(\d+)\s*—", t)
                    check(m == [str(start + q)], f"{order[k]} page {q + 1}: booklet number {start + q}, got {m}")
                    mine = re.sub(r"—\s*\d+\s*—|\s", "", page_text(pdf, q + 1))
                    check(re.sub(r"—\s*\d+\s*—|\s", "", t) == mine, f"{order[k]} page {q + 1}: same text as its PDF")
                if own % 2:
                    check(page_text(book2, end - 1).strip() == "", f"{order[k]}: the blank verso is blank")
        # the 目录's numbers are links to those pages: read from the QDF form
        qdf = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", book2, "-"], capture_output=True).stdout
        qdf = qdf.decode("latin-1")
        page_obj = {int(o): int(p) for p, o in re.findall(r"%% Page (\d+)\n%%[^\n]*\n(\d+) 0 obj", qdf)}
        objs = {int(k): v for k, v in re.findall(r"(\d+) 0 obj\n(.*?)\nendobj", qdf, re.S)}
        dests_found = set()
        for body in objs.values():
            if "/Subtype /Link" in body:
                m = re.search(r"/Dest (?:\[\s*(\d+) 0 R|(\d+) 0 R)", body)
                if not m:
                    continue
                target = int(m.group(1)) if m.group(1) else int(re.search(r"(\d+) 0 R", objs.get(int(m.group(2)), "")).group(1))
                if target in page_obj:
                    dests_found.add(page_obj[target])
        check({d for _, d, _ in tops} <= dests_found, f"目录 entries link to their pages: {sorted(dests_found)[:5]}")

        test_private_use(tmp)
        test_formats_and_normalize(tmp, src)

    sys.exit(checks.report())


main()
