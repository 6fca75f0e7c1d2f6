#!/usr/bin/env python3
"""Regression tests for the defects of issue 11 (memory safety, silent bad
output with exit 0, wrong diagnostic locations...), end to end through the
brief binary and checked with poppler and qpdf. Each test failed before its
fix. Arguments: BRIEF ROOT (one test: BRIEF_TEST_FILTER=NAME). Prints "N passed, N failed"."""
import glob, os, re, subprocess

from lib import checks, paths
from lib.checks import check, run, write
from lib.pdf import page_sizes, pdf_ok, renderer

BRIEF, ROOT = paths.from_argv()
INPUT, FIGURES = paths.examples(ROOT)
render = renderer(BRIEF)  # no figures unless a test gives them


def expect_error(tmp, name, md_text, pattern, figures=None, extra=()):
    """A bad input: non-zero exit, the message at its location, no PDF."""
    md = write(os.path.join(tmp, name + ".md"), md_text)
    out = os.path.join(tmp, name + ".pdf")
    r = render(md, out, *extra, figures=figures)
    check(r.returncode != 0, f"{name}: non-zero exit (got {r.returncode})")
    check(re.search(pattern, r.stderr) is not None, f"{name}: message {pattern!r} in {r.stderr!r}")
    check(not os.path.exists(out), f"{name}: no PDF written")
    return r


def test_chart_series(tmp):
    """18 series (a stack overflow of which[16] before) in two units, and a
    third unit, which was drawn on the second unit's axis off the page."""
    names = [f"指标{i}" for i in range(1, 19)]
    units = ["个" if i % 2 else "万元" for i in range(18)]
    csv = write(os.path.join(tmp, "chart.csv"),
                "县,年份," + ",".join(f"{n}({u})" for n, u in zip(names, units)) + "\n"
                + "甲县,2015," + ",".join(str(10 + i) for i in range(18)) + "\n"
                + "甲县,2016," + ",".join(str(20 + 3 * i) for i in range(18)) + "\n")
    md = write(os.path.join(tmp, "chart18.md"), "---\ntitle: 图表\ncounty: 甲县\n---\n\n```chart\ntype: bar\n"
               "title: 十八项指标\nindicators: " + ", ".join(names) + "\n```\n")
    pdf = os.path.join(tmp, "chart18.pdf")
    r = render(md, pdf, figures=csv)
    check(r.returncode == 0 and "Sanitizer" not in r.stderr, f"18-series chart renders: {r.stderr[-400:]}")
    check(pdf_ok(pdf), "18-series chart PDF passes qpdf --check")
    text = run("pdftotext", pdf, "-").stdout.replace("\n", "")
    check(all(n in text for n in names), "every series of the 18 has its legend entry")
    check("（个）" in text and "（万元）" in text, "both unit axes are labelled")
    line_md = write(os.path.join(tmp, "chart18l.md"), open(md, encoding="utf-8").read().replace("type: bar", "type: line"))
    r = render(line_md, os.path.join(tmp, "chart18l.pdf"), figures=csv)
    check(r.returncode == 0 and "Sanitizer" not in r.stderr, f"18-series line chart renders: {r.stderr[-400:]}")
    csv3 = write(os.path.join(tmp, "chart3.csv"), "县,甲(个),乙(万元),丙(%)\n甲县,1,2,3\n")
    expect_error(tmp, "chart3", "---\ntitle: t\ncounty: 甲县\n---\n\n```chart\ntype: bar\nindicators: 甲, 乙, 丙\n```\n",
                 r"chart3\.md:8:13: error: a chart has one axis per unit, at most two, but these indicators have a third "
                 r"unit \('%' after '个' and '万元'\)", figures=csv3)


def full_disk_case(tmp, name, env_extra, expect):
    md = os.path.join(INPUT, "陇西县.md")
    out = write(os.path.join(tmp, name + ".pdf"), "OLD")
    env = dict(os.environ, **env_extra)
    r = subprocess.run([BRIEF, "render", md, "--figures", FIGURES, "-o", out], capture_output=True, text=True, env=env)
    check(r.returncode != 0, f"{name}: non-zero exit (got {r.returncode}, {r.stderr[-200:]!r})")
    check(re.search(re.escape(out) + r": error: cannot write the PDF: " + expect, r.stderr) is not None,
          f"{name}: names the PDF and the cause: {r.stderr[-300:]!r}")
    check(open(out, "rb").read() == b"OLD", f"{name}: the existing PDF is untouched")
    check(not glob.glob(out + ".tmp-*"), f"{name}: no temporary file left")


def test_full_disk(tmp):
    """A full disk was exit 0 with a truncated PDF renamed into place."""
    lib = os.environ.get("BRIEF_FAULT_LIB")
    if check(lib and os.path.exists(lib), f"the fault-injection shim is built (BRIEF_FAULT_LIB={lib})"):
        base = {"LD_PRELOAD": lib, "FAULT_MATCH": ".tmp-", "ASAN_OPTIONS": "verify_asan_link_order=0"}
        full_disk_case(tmp, "enospc", dict(base, FAULT_WRITE_LIMIT="50000"), "No space left on device")
        full_disk_case(tmp, "fsync", dict(base, FAULT_FSYNC="1"), "Input/output error")
        full_disk_case(tmp, "close", dict(base, FAULT_CLOSE="1"), "Input/output error")
    # A real small file system when we may mount one (root, as in CI's container).
    mnt = os.path.join(tmp, "small")
    os.makedirs(mnt)
    if os.geteuid() == 0 and run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt).returncode == 0:
        try:
            full_disk_case(mnt, "tmpfs", {}, "No space left on device")
        finally:
            run("umount", mnt)
    else:
        print("note: cannot mount a 64 KB tmpfs here; the full disk is tested with the shim only")
    # The new PDF's mode follows the umask (it was always 0644).
    md = os.path.join(INPUT, "陇西县.md")
    for mask, mode in ((0o077, 0o600), (0o022, 0o644)):
        out = os.path.join(tmp, f"mode{mask:o}.pdf")
        r = subprocess.run([BRIEF, "render", md, "--figures", FIGURES, "-o", out], capture_output=True,
                           preexec_fn=lambda m=mask: os.umask(m))
        check(r.returncode == 0 and os.stat(out).st_mode & 0o777 == mode,
              f"umask {mask:03o} gives mode {mode:o}: {os.stat(out).st_mode & 0o777:o}" if os.path.exists(out) else "rendered")


def pictures(tmp):
    """A PNG and a JPEG made by poppler from a rendered page."""
    seed = os.path.join(tmp, "seed.pdf")
    render(os.path.join(INPUT, "陇西县.md"), seed, figures=FIGURES)
    base = os.path.join(tmp, "picture")
    run("pdftoppm", "-r", "20", "-f", "1", "-l", "1", "-png", "-singlefile", seed, base)
    run("pdftoppm", "-r", "20", "-f", "1", "-l", "1", "-jpeg", "-singlefile", seed, base)
    return base + ".png", base + ".jpg"


def test_images(tmp):
    """A JPEG named .png failed with libharu error 0x103B (the first failed
    load was never reset); a JPEG whose frame header comes after 64 KB of
    EXIF was 'not a PNG or JPEG'; a PNG width of 2^31 or more shifted into
    the sign bit."""
    png, jpg = pictures(tmp)
    jpeg_png = os.path.join(tmp, "photo.png")
    open(jpeg_png, "wb").write(open(jpg, "rb").read())
    data = open(jpg, "rb").read()
    exif = b"Exif\0\0" + b"\0" * 40000
    segment = b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif
    big = os.path.join(tmp, "exif.jpg")
    open(big, "wb").write(data[:2] + segment + segment + data[2:])
    for name, image in (("jpeg_named_png", "photo.png"), ("big_exif", "exif.jpg")):
        md = write(os.path.join(tmp, name + ".md"), f"---\ntitle: 图片\n---\n\n照片如下。\n\n![照片]({image})\n")
        pdf = os.path.join(tmp, name + ".pdf")
        r = render(md, pdf)
        check(r.returncode == 0 and pdf_ok(pdf), f"{name}: renders: {r.stderr[-300:]!r}")
        images = run("pdfimages", "-list", pdf).stdout.splitlines()[2:]
        check(len(images) == 1, f"{name}: the image is embedded: {images}")
    wide = os.path.join(tmp, "wide.png")
    open(wide, "wb").write(open(png, "rb").read()[:16] + b"\xff\xff\xff\xff" + open(png, "rb").read()[20:])
    r = expect_error(tmp, "wide", "---\ntitle: 图片\n---\n\n![宽](wide.png)\n",
                     r"wide\.md:5:1: error: image '.*wide\.png' is (not a PNG or JPEG file|a damaged PNG)")
    check("runtime error" not in r.stderr, f"no undefined behaviour reading the PNG width: {r.stderr[-300:]!r}")


def test_figures(tmp):
    """{{x@abc}} printed the latest value (atoi); "13,8" was read as 138; a
    Big5 CSV decoded as GB18030 gibberish and the error blamed the county."""
    head = "---\ntitle: t\ncounty: 陇西县\n---\n\n"
    expect_error(tmp, "year_abc", head + "发生率{{贫困发生率@abc}}。\n",
                 r"year_abc\.md:6:4: error: 'abc' after '@' is not a year; write a year like \{\{贫困发生率@2016\}\}",
                 figures=FIGURES)
    expect_error(tmp, "year_short", head + "{{贫困发生率@15}}\n", r"year_short\.md:6:1: error: '15' after '@' is not a year",
                 figures=FIGURES)
    csv = write(os.path.join(tmp, "comma.csv"), '县,人口(万人),资金(万元)\n甲,"13,8","1,234,567.5"\n乙,2,"12,345"\n')
    expect_error(tmp, "comma", "---\ntitle: t\ncounty: 甲\n---\n\n{{人口}}\n",
                 r"comma\.csv:2:2: error: '13,8' in column '人口\(万人\)': a thousands separator must group three digits",
                 figures=csv)
    csv = write(os.path.join(tmp, "commas.csv"), '县,人口(万人)\n甲,"13,8"\n乙,"1,23"\n')
    r = expect_error(tmp, "commas", "---\ntitle: t\ncounty: 甲\n---\n\n{{人口}}\n",
                     r"commas\.csv:3:2: error: '1,23' in column", figures=csv)
    check("commas.csv:2:2: error: '13,8'" in r.stderr, f"every bad cell is named, even in a column of only such cells: {r.stderr!r}")
    good = write(os.path.join(tmp, "good.csv"), '县,人口(万人)\n甲,"1,234,567"\n')
    md = write(os.path.join(tmp, "good.md"), "---\ntitle: t\ncounty: 甲\n---\n\n人口{{人口}}。\n")
    r = run(BRIEF, "text", md, "--figures", good)
    check(r.returncode == 0 and "人口1,234,567万人。" in r.stdout, f"separators grouping three digits are fine: {r.stdout!r} {r.stderr!r}")
    big5 = os.path.join(tmp, "big5.csv")
    open(big5, "wb").write("縣(市),年份,貧困發生率(%),勞務收入(億元)\n隴西縣,2015,13.8,\n隴西縣,2016,,11.23\n".encode("big5"))
    expect_error(tmp, "big5", "---\ntitle: t\ncounty: 隴西縣\n---\n\n{{貧困發生率}}\n",
                 r"big5\.csv: error: looks like Big5 \(traditional Chinese\), not UTF-8 or GB18030.*offset 3\)", figures=big5)
    gb = os.path.join(tmp, "gb.csv")
    open(gb, "wb").write(open(FIGURES, encoding="utf-8").read().encode("gb18030"))
    r = run(BRIEF, "text", os.path.join(INPUT, "陇西县.md"), "--figures", gb)
    check(r.returncode == 0, f"GB18030 figures are still read: {r.stderr!r}")
    trad = os.path.join(tmp, "trad.csv")  # traditional characters written in GB18030 are GBK, still read
    open(trad, "wb").write("县(市),贫困发生率(%),备注\n陇西县,13.8,隴西縣資料\n".encode("gb18030"))
    md = write(os.path.join(tmp, "trad.md"), "---\ntitle: t\ncounty: 陇西县\n---\n\n{{贫困发生率}}\n")
    r = run(BRIEF, "text", md, "--figures", trad)
    check(r.returncode == 0, f"a GB18030 sheet with a few traditional characters is read: {r.stderr!r}")


def test_ranges(tmp):
    """A layout with top: nan rendered a damaged PDF with exit 0; negative
    and zero lengths and sizes were accepted (size: 0pt ended in libharu
    error 0x1050); (int) of 1e12 characters per line was undefined."""
    md = os.path.join(INPUT, "陇西县.md")
    cases = [
        ("nan", "name: bad\npage:\n  margins:\n    top: nan\n",
         r"nan\.yaml:4:10: error: 'top' must be an absolute length \(e\.g\. 37mm, 16pt, 三号\); got 'nan'"),
        ("inf", "name: bad\nline_pitch: inf\n", r"inf\.yaml:2:13: error: 'line_pitch' must be an absolute length"),
        ("negative", "name: bad\npage:\n  margins:\n    top: -5mm\n",
         r"negative\.yaml:4:10: error: 'top' must be from 0pt to 841\.89\d*pt; got '-5mm'"),
        ("wide_margin", "name: bad\npage:\n  size: A5\n  margins:\n    left: 500mm\n",
         r"wide_margin\.yaml:5:11: error: 'left' must be from 0pt to 419\.52\d*pt; got '500mm'"),
        ("size0", "name: bad\nroles:\n  body:\n    size: 0pt\n",
         r"size0\.yaml:4:11: error: 'size' must be from 4pt to 144pt; got '0pt'"),
        ("space", "name: bad\nroles:\n  body:\n    space_before: -1line\n",
         r"space\.yaml:4:19: error: 'space_before' must be from 0line to 20line; got '-1line'"),
        ("height", "name: bad\nroles:\n  body:\n    line_height: 0\n",
         r"height\.yaml:4:18: error: 'line_height' must be from 0\.5 to 5; got '0'"),
        ("chars", "name: bad\ngrid:\n  chars_per_line: 1e12\n  lines_per_page: 22\n",
         r"chars\.yaml:3:19: error: 'chars_per_line' must be a whole number from 1 to 200; got '1e12'"),
        ("fraction", "name: bad\ngrid:\n  chars_per_line: 27.5\n",
         r"fraction\.yaml:3:19: error: 'chars_per_line' must be a whole number from 1 to 200; got '27\.5'"),
        ("overfull", "name: bad\ngrid:\n  chars_per_line: 60\n  lines_per_page: 22\nroles:\n  body:\n    size: 16pt\n",
         r"overfull\.yaml:3:19: error: 'chars_per_line': 60 characters of 16pt need at least 864\.0pt but the type area is "
         r"\d+\.\dpt wide; allowed: 1 to \d+"),
        ("lines", "name: bad\ngrid:\n  lines_per_page: 200\n",
         r"lines\.yaml:3:19: error: 'lines_per_page': 200 lines of 12pt do not fit"),
        ("offset", "name: bad\npage_number:\n  offset: -7mm\n", r"offset\.yaml:3:11: error: 'offset' must be from 0pt"),
        ("cls", "name: bad\ncjk_latin_space: 3em\n", r"cls\.yaml:2:18: error: 'cjk_latin_space' must be from 0em to 2em"),
    ]
    for name, yaml, pattern in cases:
        layout = write(os.path.join(tmp, name + ".yaml"), yaml)
        out = os.path.join(tmp, name + ".pdf")
        r = render(md, out, "--layout", layout, figures=FIGURES)
        check(r.returncode != 0 and re.search(pattern, r.stderr) is not None,
              f"layout {name}: exit {r.returncode}, {pattern!r} in {r.stderr!r}")
        check(not os.path.exists(out), f"layout {name}: no PDF written")
    for key, value, col in (("copies", "-3", 9), ("copies", "很多", 9)):
        expect_error(tmp, f"fm_{key}", f"---\ntitle: t\n{key}: {value}\n---\n\n正文。\n",
                     rf"fm_{key}\.md:3:{col}: error: '{key}' must be a whole number from 1 to 9999999, not '{re.escape(value)}'")
    for value in ("0", "1e9"):  # neither a number from 1 nor a 期号 as printed (第12期)
        expect_error(tmp, "fm_issue", f"---\ntitle: t\nissue: {value}\n---\n\n正文。\n",
                     rf"fm_issue\.md:3:8: error: 'issue' must be a number from 1 to 9999999 \(12\) or the 期号 as printed "
                     rf"\(第12期, 2020年第3期, 总第125期\), not '{re.escape(value)}'")


def test_booklet_page_sizes(tmp):
    """A booklet took every page's size from the first brief: an A4 brief
    after an A5 one was cut to A5 and lost its text."""
    batch = os.path.join(tmp, "batch")
    os.makedirs(batch)  # the layout file goes inside the summaries' folder: files stay inside the job
    a5 = write(os.path.join(batch, "a5.yaml"), open(os.path.join(ROOT, "layouts", "plain.yaml"), encoding="utf-8").read()
               .replace("size: A4", "size: A5"))
    check("size: A5" in open(a5, encoding="utf-8").read(), "the A5 layout is made from plain.yaml")
    write(os.path.join(batch, "1甲.md"), f"---\ntitle: 小开本\nlayout: {a5}\n---\n\n" + "小开本的正文。" * 200 + "\n")
    write(os.path.join(batch, "2乙.md"), "---\ntitle: 大开本\n---\n\n" + "大开本的正文在页面右下方也不丢失。" * 100 + "结尾句。\n")
    out = os.path.join(tmp, "out")
    book = os.path.join(out, "汇编.pdf")
    r = run(BRIEF, "batch", batch, "-o", out, "--booklet", book)
    check(r.returncode == 0, f"batch renders: {r.stderr[-300:]}")
    first, second = page_sizes(os.path.join(out, "1甲.pdf")), page_sizes(os.path.join(out, "2乙.pdf"))
    check(first and set(first) == {(420, 595)} and set(second) == {(595, 842)}, f"A5 then A4 briefs: {first} {second}")
    blank = [first[-1]] if len(first) % 2 else []
    last = [second[-1]] if len(second) % 2 else []  # every brief ends on an even page, the last one too
    got = page_sizes(book)
    # The booklet opens with its cover and 目录 (an even number of pages, at
    # least four, in the booklet layout's A4); the briefs follow.
    front = len(got) - len(first + blank + second + last)
    check(front >= 4 and front % 2 == 0 and set(got[:front]) == {(595, 842)},
          f"cover and 目录 first, A4: {got[:max(front, 0)]}")
    check(got[front:] == first + blank + second + last, f"booklet pages keep each brief's size: {got[front:]} vs {first + blank + second + last}")
    small = run("pdftotext", "-f", str(front + 1), "-l", str(front + 1), book, "-").stdout
    check("小开本的正文" in small, f"the A5 brief starts right after the 目录: {small[:80]!r}")

    def body(t):  # the page numbers are the booklet's in it, the brief's own in its PDF
        return re.sub(r"—\d+—", "", re.sub(r"\s", "", t))
    start = front + len(first + blank) + 1
    text = body(run("pdftotext", "-f", str(start), book, "-").stdout)
    alone = body(run("pdftotext", os.path.join(out, "2乙.pdf"), "-").stdout)
    check("结尾句。" in text and text == alone, f"the A4 brief's text is all in the booklet, as in its own PDF: {text[-80:]} vs {alone[-80:]}")
    nums = re.findall(r"—\s*(\d+)\s*—", run("pdftotext", "-f", str(front + 1), book, "-").stdout)
    check(nums and int(nums[0]) == front + 1, f"the A5 brief's first page carries the booklet's number {front + 1}: {nums[:3]}")
    ofd = run(BRIEF, "batch", batch, "-o", os.path.join(tmp, "out_ofd"), "--format", "ofd",
              "--booklet", os.path.join(tmp, "out_ofd", "汇编.ofd"))
    check(ofd.returncode == 0, f"OFD batch renders: {ofd.stderr[-300:]}")
    import zipfile
    with zipfile.ZipFile(os.path.join(tmp, "out_ofd", "汇编.ofd")) as z:
        boxes = [re.search(r"<ofd:PhysicalBox>([^<]*)<", z.read(n).decode()).group(1)
                 for n in sorted((n for n in z.namelist() if re.search(r"Pages/Page_\d+/Content\.xml$", n)),
                                 key=lambda n: int(re.search(r"Page_(\d+)", n).group(1)))]
    mm = lambda pt: round(pt * 25.4 / 72)
    want = [(mm(595), mm(842))] * front + [(mm(w), mm(h)) for w, h in first + blank + second + last]
    gotmm = [tuple(round(float(v)) for v in b.split()[2:]) for b in boxes]
    check(gotmm == want, f"OFD booklet pages keep each brief's size: {gotmm} vs {want}")


def test_locations(tmp):
    """Columns after inline markup counted only text (5:25 reported as 5:6),
    after an earlier placeholder the placeholder was not counted (6:11 as
    6:2), and the CJK emphasis pass counted bytes. Columns are characters."""
    fm = "---\ntitle: t\ncounty: 陇西县\n---\n\n"
    cases = [
        # (name, body line, column of the placeholder; None: of the bad character, counted here)
        ("markup", "**粗体**和*楷体*和`code`和[链接](https://x.cn)有\u2fff字", None),
        ("strike", "~~删除~~后\u2fff", None),
        ("cjk_strong", "**报送单位：**中共\u2fff县委", None),
        ("cjk_emph_bytes", "要坚持**“一村一策”**，做到\u2fff", None),
        ("after_placeholder", "发生率{{贫困发生率}}后有\u2fff字", None),
        ("two_placeholders", "{{贫困发生率}}、{{贫困发生}}", 11),
        ("placeholder_after_markup", "**数据**：{{贫困发生}}", 8),
        ("year_after_placeholder", "{{贫困发生率}}和{{贫困发生率@2001}}", 11),
        ("second_line", "第一行**粗**\n第二行*楷*\u2fff", None),
        ("nonbmp_after_markup", "**粗**𰀀", None),
        ("escapes_entities", "\\*中 &amp; \\_ &#x4E2D; 后\u2fff", None),
    ]
    for name, body, col in cases:
        line = 6 + body.count("\n")
        if col is None:
            last = body.split("\n")[-1]
            col = min(i for i in (last.find("\u2fff"), last.find("𰀀")) if i >= 0) + 1
        md = write(os.path.join(tmp, name + ".md"), fm + body + "\n")
        r = render(md, os.path.join(tmp, name + ".pdf"), figures=FIGURES)
        check(r.returncode != 0 and re.search(rf"{name}\.md:{line}:{col}: error:", r.stderr) is not None,
              f"{name}: error at {line}:{col}: {r.stderr.strip()[-300:]!r}")
    # a table cell, after markup in the cell
    md = write(os.path.join(tmp, "cell.md"), "---\ntitle: t\n---\n\n| 甲 | 乙 |\n|---|---|\n| 1 | **粗**\u2fff |\n")
    r = render(md, os.path.join(tmp, "cell.pdf"))
    check(re.search(r"cell\.md:7:12: error: no font has", r.stderr) is not None, f"table cell: {r.stderr!r}")


def test_batch_same_names(tmp):
    """Two summaries named alike in different folders wrote the same PDF,
    the second silently over the first."""
    for d, word in (("甲", "第一份"), ("乙", "第二份")):
        os.makedirs(os.path.join(tmp, d))
        write(os.path.join(tmp, d, "简报.md"), f"---\ntitle: {word}\n---\n\n{word}的正文。\n")
    out = os.path.join(tmp, "out")
    r = run(BRIEF, "batch", os.path.join(tmp, "甲", "简报.md"), os.path.join(tmp, "乙", "简报.md"), "-o", out)
    check(r.returncode != 0, f"a clash of output names fails the batch: {r.stderr!r}")
    check(re.search(r"乙/简报\.md: error: would write .*out/简报\.pdf, as .*甲/简报\.md does", r.stderr) is not None,
          f"the error names both summaries: {r.stderr!r}")
    text = run("pdftotext", os.path.join(out, "简报.pdf"), "-").stdout
    check("第一份的正文" in text and "第二份" not in text, "the first brief's PDF is not overwritten")
    r = run(BRIEF, "batch", os.path.join(tmp, "甲", "简报.md"), "-o", out, "--booklet", os.path.join(out, "简报.pdf"))
    check(r.returncode != 0 and "also the booklet's name" in r.stderr, f"a booklet named like a brief: {r.stderr!r}")


checks.run_each_in_folder(checks.tests_in(globals()))
