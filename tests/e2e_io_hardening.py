#!/usr/bin/env python3
"""Regression tests of what render and batch promise about their outputs and
inputs: no output over an input or through a device, every read bounded
whatever the file type, generated tables under the written tables' caps,
duplicated figures rows reported, links only to web and mail addresses, and
JPEGs checked before they are embedded. End to end through the brief
binary, checked with poppler and qpdf. Each test failed before its fix.
Arguments: BRIEF ROOT (one test: BRIEF_TEST_FILTER=NAME). Prints "N passed, N failed"."""
import os, re, shutil, stat, subprocess, threading

from lib import checks, paths
from lib.checks import check, run, write

BRIEF, ROOT = paths.from_argv()
INPUT, FIGURES = paths.examples(ROOT)
SUMMARY = os.path.join(INPUT, "陇西县.md")
LIMIT = 60  # seconds: every case here answers in well under one


def brief(*args):
    try:
        return subprocess.run([BRIEF, *args], capture_output=True, text=True, timeout=LIMIT)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(e.cmd, -999, "", f"timed out after {LIMIT} s")


def render(md, out, *extra):
    return brief("render", md, "-o", out, *extra)


def copy_inputs(tmp):
    md, csv = os.path.join(tmp, "s.md"), os.path.join(tmp, "f.csv")
    shutil.copy(SUMMARY, md)
    shutil.copy(FIGURES, csv)
    return md, csv


def refused(name, r, path, pattern):
    check(r.returncode == 1, f"{name}: exit 1 (got {r.returncode}: {r.stderr[-300:]!r})")
    check(re.search(re.escape(path) + r": error: " + pattern, r.stderr) is not None,
          f"{name}: the error names the output and why: {r.stderr[-300:]!r}")


# ---- outputs ------------------------------------------------------------------

def test_output_is_an_input(tmp):
    """render s.md -o s.md turned the summary into a PDF with exit 0; so
    did -o on the figures file, through a symbolic or a hard link."""
    md, csv = copy_inputs(tmp)
    before = {p: open(p, "rb").read() for p in (md, csv)}
    r = render(md, md, "--figures", csv)
    refused("-o the summary", r, md, r"this output is the summary .*s\.md itself")
    r = render(md, csv, "--figures", csv)
    refused("-o the figures file", r, csv, r"this output is the figures file .*f\.csv itself")
    link = os.path.join(tmp, "link.pdf")
    os.symlink("s.md", link)
    refused("-o a symbolic link to the summary", render(md, link, "--figures", csv), link, r"this output is the summary")
    hard = os.path.join(tmp, "hard.pdf")
    os.link(md, hard)
    refused("-o a hard link to the summary", render(md, hard, "--figures", csv, "--format", "both"), hard,
            r"this output is the summary")
    check(all(open(p, "rb").read() == b for p, b in before.items()), "the summary and the figures are untouched")
    check(not [f for f in os.listdir(tmp) if ".tmp-" in f], "no temporary file left")
    ok = os.path.join(tmp, "ok.pdf")
    r = render(md, ok, "--figures", csv)
    check(r.returncode == 0 and run("qpdf", "--check", ok).returncode == 0, f"another -o still renders: {r.stderr!r}")


def test_output_not_a_regular_file(tmp):
    """A character device or FIFO given as -o was replaced by a regular file
    (as root, -o /dev/null replaced the device node). Refused, documented."""
    md, csv = copy_inputs(tmp)
    fifo = os.path.join(tmp, "pipe.pdf")
    os.mkfifo(fifo)
    refused("-o a FIFO", render(md, fifo, "--figures", csv), fifo, r"this output is a FIFO")
    check(stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO is still a FIFO")
    null_link = os.path.join(tmp, "null.pdf")  # /dev/null itself is never risked: a link to it
    os.symlink("/dev/null", null_link)
    refused("-o a character device", render(md, null_link, "--figures", csv), null_link,
            r"this output is a character device")
    check(stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null is still a device")
    refused("-o a folder", render(md, tmp, "--figures", csv), tmp, r"this output is a folder")


def test_booklet_is_an_input(tmp):
    """A batch booklet named like a summary (or the figures file) replaced
    it; a brief whose PDF is an input of the batch is refused too."""
    d = os.path.join(tmp, "in")
    os.makedirs(d)
    shutil.copy(SUMMARY, os.path.join(d, "a.md"))
    shutil.copy(FIGURES, os.path.join(d, "figures.csv"))
    before = open(os.path.join(d, "a.md"), "rb").read()
    out = os.path.join(tmp, "out")
    for victim in ("a.md", "figures.csv"):
        r = brief("batch", d, "-o", out, "--booklet", os.path.join(d, victim), "--quiet")
        check(r.returncode != 0, f"booklet over {victim}: non-zero exit: {r.stderr[-300:]!r}")
        check(re.search(r"in/" + re.escape(victim) + r": error: this output is the (summary|figures file)", r.stderr)
              is not None, f"booklet over {victim}: named: {r.stderr[-300:]!r}")
    check(open(os.path.join(d, "a.md"), "rb").read() == before, "the summary is untouched")
    check(os.path.exists(os.path.join(out, "a.pdf")), "the brief itself is still written")
    os.symlink(os.path.join(d, "a.md"), os.path.join(out, "b.pdf"))
    shutil.copy(SUMMARY, os.path.join(d, "b.md"))
    r = brief("batch", d, "-o", out, "--quiet")
    check(r.returncode != 0 and re.search(r"b\.md: error: this output is the summary .*a\.md itself|"
                                          r"b\.pdf: error: this output is the summary", r.stderr) is not None,
          f"a brief's PDF that is a link to another summary: {r.stderr[-300:]!r}")
    check(open(os.path.join(d, "a.md"), "rb").read() == before, "the linked summary is untouched")


# ---- inputs -------------------------------------------------------------------

def test_reads_bounded(tmp):
    """A summary that is (or links to) /dev/zero was read without bound (20
    GB, then the OOM killer); the figures and layout files alike. A FIFO
    stops at the limit too, and one with no writer reads as empty."""
    link = os.path.join(tmp, "zero.md")
    os.symlink("/dev/zero", link)
    out = os.path.join(tmp, "z.pdf")
    for name, args in (("summary /dev/zero", ["/dev/zero"]), ("summary linked to /dev/zero", [link])):
        r = render(args[0], out)
        check(r.returncode == 1 and "the summary holds more than 16 MB" in r.stderr,
              f"{name}: refused at the limit: {r.returncode} {r.stderr[-300:]!r}")
    md = write(os.path.join(tmp, "s.md"), "---\ntitle: 测试\n---\n\n正文。\n")
    r = render(md, out, "--figures", "/dev/zero")
    check(r.returncode == 1 and "the figures file holds more than 64 MB" in r.stderr, f"figures /dev/zero: {r.stderr[-300:]!r}")
    r = render(md, out, "--layout", "/dev/zero")
    check(r.returncode == 1 and "holds more than 1 MB" in r.stderr, f"layout /dev/zero: {r.stderr[-300:]!r}")
    fifo = os.path.join(tmp, "pipe.md")
    os.mkfifo(fifo)
    r = render(fifo, out)
    check(r.returncode == 1 and "the summary is empty" in r.stderr, f"a FIFO with no writer: {r.stderr[-300:]!r}")

    def flood():
        try:
            with open(fifo, "wb") as f:
                while True:
                    f.write(b"\xe6\xad\xa3" * 65536)
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=flood, daemon=True)
    writer.start()
    r = render(fifo, out)
    writer.join(timeout=10)
    check(r.returncode == 1 and "the summary holds more than 16 MB" in r.stderr, f"a flooding FIFO: {r.stderr[-300:]!r}")
    check(not os.path.exists(out), "no PDF written")
    os.mkfifo(os.path.join(tmp, "photo.png"))  # an image that is a FIFO blocked libpng's read forever
    os.symlink("/dev/zero", os.path.join(tmp, "zero.jpg"))
    for image in ("photo.png", "zero.jpg"):
        md = write(os.path.join(tmp, "img.md"), f"---\ntitle: 图片\n---\n\n![照片]({image})\n")
        r = render(md, out, "--allow-outside")
        check(r.returncode == 1 and f"img.md:5:1: error: image '{image}' is no regular file" in r.stderr,
              f"an image that is {image}: a located error: {r.returncode} {r.stderr[-300:]!r}")


def test_figures_table_caps(tmp):
    """A ```figures block made a table of one column per year with no cap
    (10^5 rows: 100,002 columns; 10^6: 11 GB, then 'cannot write the PDF')."""
    csv = write(os.path.join(tmp, "years.csv"),
                "县,年份,人口(人)\n" + "".join(f"甲县,{1900 + i},{i}\n" for i in range(200)))
    for name, md_text, where in (
            ("block", "---\ntitle: t\ncounty: 甲县\n---\n\n正文。\n\n```figures\n人口\n```\n", "8:1"),
            ("key", "---\ntitle: t\ncounty: 甲县\nfigures: [人口]\n---\n\n正文。\n", "4:1")):
        md = write(os.path.join(tmp, name + ".md"), md_text)
        out = os.path.join(tmp, name + ".pdf")
        r = render(md, out, "--figures", csv)
        check(r.returncode == 1, f"{name}: exit 1: {r.returncode} {r.stderr[-300:]!r}")
        check(re.search(re.escape(name) + r"\.md:" + where + r": error: this figures table would have 202 columns, one "
                        r"per year of 甲县 .*at most 64 columns", r.stderr) is not None, f"{name}: located: {r.stderr[-300:]!r}")
        check(not os.path.exists(out), f"{name}: no PDF")
    few = write(os.path.join(tmp, "few.csv"), "县,年份,人口(人)\n" + "".join(f"甲县,{2000 + i},{i}\n" for i in range(62)))
    r = render(os.path.join(tmp, "block.md"), os.path.join(tmp, "few.pdf"), "--figures", few)
    check(r.returncode == 0, f"62 years (64 columns) still render: {r.stderr[-300:]!r}")


def test_table_cells_total(tmp):
    """A 15 MB summary of table rows took 7 GB and 10 s to parse (some 900
    bytes a cell): at most the cells of one table of the largest size."""
    row = "|" + "a|" * 100 + "\n"
    md = write(os.path.join(tmp, "cells.md"), row + "|" + "-|" * 100 + "\n" + row * 6600)
    out = os.path.join(tmp, "cells.pdf")
    r = render(md, out)
    check(r.returncode == 1 and re.search(r"cells\.md:6436:1: error: more than 650000 '\|' \(table cells\) by this line",
                                          r.stderr) is not None, f"refused at the line: {r.stderr[-300:]!r}")
    code = write(os.path.join(tmp, "code.md"), "正文。\n\n```\n" + row * 6600 + "```\n")
    r = render(code, out)
    check(r.returncode == 0, f"the same lines in a code block are text: {r.stderr[-300:]!r}")


def test_duplicate_rows(tmp):
    """A county and year given twice with different values was silent: the
    text took the first, the table showed both."""
    md = write(os.path.join(tmp, "d.md"), "---\ntitle: t\ncounty: 甲县\n---\n\n人口{{人口}}。\n\n```figures\n人口\n```\n")
    csv = write(os.path.join(tmp, "dup.csv"), "县,年份,人口(人),收入(元)\n甲县,2015,100,5\n甲县,2016,120,6\n"
                "乙县,2016,1,1\n甲县,2016,130,6\n")
    out = os.path.join(tmp, "d.pdf")
    r = render(md, out, "--figures", csv)
    check(r.returncode == 1 and re.search(r"dup\.csv:5:3: error: a second row for 甲县 2016, different from line 3 "
                                          r"\('120' there, '130' here", r.stderr) is not None,
          f"different values: an error naming both lines: {r.stderr[-300:]!r}")
    check(not os.path.exists(out), "no PDF")
    same = write(os.path.join(tmp, "same.csv"), "县,年份,人口(人)\n甲县,2015,100\n甲县,2016,120\n甲县,2016,120\n")
    r = render(md, out, "--figures", same)
    check(r.returncode == 0 and "same.csv:4:1: warning: a second row for 甲县 2016, the same as line 3" in r.stderr,
          f"the same values: a warning naming both lines: {r.stderr[-300:]!r}")
    text = run("pdftotext", "-layout", out, "-").stdout
    check(text.count("2016") == 1, f"the table shows 2016 once: {text!r}")


def uris(pdf):
    return re.findall(rb"/URI\s*\(([^)]*)\)", open(pdf, "rb").read())


def test_links(tmp):
    """javascript:, file: and data: links became clickable /URI actions;
    an empty target [附件]() failed with HPDF_INVALID_URI."""
    md = write(os.path.join(tmp, "l.md"), "---\ntitle: 链接\n---\n\n详见[附件]()，另见[脚本](javascript:alert(1))、"
               "[文件](file:///etc/passwd)、[数据](data:text/html,x)、[相对](附件1.docx)和[网站](https://example.com)，"
               "来信[请寄](mailto:a@example.com)。\n")
    out = os.path.join(tmp, "l.pdf")
    r = render(md, out)
    check(r.returncode == 0 and run("qpdf", "--check", out).returncode == 0, f"renders: {r.stderr[-400:]!r}")
    check("l.md:5:4: warning: a link with an empty target: its text is printed" in r.stderr,
          f"the empty target is a located warning: {r.stderr!r}")
    for scheme in ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "附件1.docx"):
        check(re.search(r"l\.md:5:\d+: warning: a link to '" + re.escape(scheme) + r"' is not a web or mail address",
                        r.stderr) is not None, f"{scheme}: a located warning: {r.stderr!r}")
    found = uris(out) if os.path.exists(out) else []
    check(len(found) == 2 and b"example.com" in found[0] and found[1].startswith(b"mailto:"),
          f"only the https and mailto links are /URI actions: {found}")
    text = run("pdftotext", out, "-").stdout.replace("\n", "")
    check("详见附件，另见脚本、文件、数据、相对和网站" in text, f"every link's text is printed: {text!r}")


def test_jpeg_without_data(tmp):
    """A JPEG with a header and no image data was embedded unchecked (PNGs
    are decoded first); so was one cut short."""
    seed = os.path.join(tmp, "seed.pdf")
    render(SUMMARY, seed, "--figures", FIGURES)
    base = os.path.join(tmp, "picture")
    run("pdftoppm", "-r", "20", "-f", "1", "-l", "1", "-jpeg", "-singlefile", seed, base)
    data = open(base + ".jpg", "rb").read()
    sos = data.index(b"\xff\xda")
    header_end = sos + 2 + int.from_bytes(data[sos + 2:sos + 4], "big")
    cases = {"header.jpg": data[:header_end] + b"\xff\xd9", "noscan.jpg": data[:sos] + b"\xff\xd9",
             "cut.jpg": data[:len(data) // 2]}
    for image, bytes_ in cases.items():
        write(os.path.join(tmp, image), bytes_)
        md = write(os.path.join(tmp, image + ".md"), f"---\ntitle: 图片\n---\n\n照片如下。\n\n![照片]({image})\n")
        out = os.path.join(tmp, image + ".pdf")
        r = render(md, out)
        check(r.returncode == 1 and re.search(re.escape(image) + r"\.md:7:1: error: image '" + re.escape(image) +
                                              r"' is a JPEG that cannot be printed", r.stderr) is not None,
              f"{image}: a located error: {r.stderr[-300:]!r}")
        check(not os.path.exists(out), f"{image}: no PDF")
    write(os.path.join(tmp, "good.jpg"), data)
    md = write(os.path.join(tmp, "good.md"), "---\ntitle: 图片\n---\n\n照片如下。\n\n![照片](good.jpg)\n")
    r = render(md, os.path.join(tmp, "good.pdf"))
    check(r.returncode == 0, f"a sound JPEG still renders: {r.stderr[-300:]!r}")


checks.run_each_in_folder(checks.tests_in(globals()))
