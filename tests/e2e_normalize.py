#!/usr/bin/env python3
"""End-to-end tests of the normalisation stage and `brief check` (issue 12):
the marks in the PDF (pdftotext), the CJK–Latin gap measured on the PDF
(pdftotext -bbox-layout), check's list with lines and columns, --fix then
check clean (front matter and line endings byte for byte), the examples
clean, layout switches and --no-normalize, a pandoc .docx round trip, and
the comparison with zhlint. Arguments: BRIEF ROOT."""
import glob, html, os, re, shutil, sys, tempfile, zipfile

from lib import checks, paths
from lib.checks import check, run, test
import lib.pdf

BRIEF, ROOT = paths.from_argv()
DATA = os.path.join(ROOT, "tests", "data")
SAMPLE = os.path.join(DATA, "normalize.md")
PROBLEMS = os.path.join(DATA, "normalize_problems.md")
INPUT, FIGURES = paths.examples(ROOT)
ZHLINT = os.path.join(ROOT, "build", "npm", "node_modules", ".bin", "zhlint")


def pdf_text(pdf):
    return lib.pdf.text(pdf, "-raw")


def flat(s):
    return re.sub(r"\s", "", s)


def bbox_lines(pdf):
    """Every text line of the PDF, page after page: its box and its words."""
    return [line for page in lib.pdf.bbox_lines(pdf) for line in page]


# What the sample becomes in the PDF (whitespace ignored, as pdftotext
# breaks lines), and what must come back exactly as typed.
CHANGED = [
    "他说“大党建引领大发展、推动大扶贫”是关键。",
    "群众讲“要把‘一村一策’落到实处”。",
    "全县共有三个试点，覆盖面广。是否推广？要坚持！具体如下：一是组织；二是产业。",
    "本项工作（以下简称工程）写入《扶贫工作报告》……成效明显——这是关键……",
    "甲2020年1月31日乙",
    "共有GDP增长，Englishwordsstayapart.",
    "表格里“同样”处理（见上）",
]
UNCHANGED = [
    "数字3.14、1,234、7.5%和10:30不变。",
    'a, b; "c"...(d)',
    "https://www.gov.cn/a,b?c=1",
    '代码块里的"引号",逗号和(括号)不变...',
    'English text "stays as typed", with spaces (and brackets)...',
]

# brief check on the sample: line, column (characters), what, what it becomes.
EXPECTED = [
    (11, 3, '"', "“"), (11, 18, '"', "”"),
    (13, 4, '"', "“"), (13, 7, "'", "‘"), (13, 12, "'", "’"), (13, 17, '"', "”"),
    (17, 9, ",", "，"), (17, 14, ".", "。"), (17, 19, "?", "？"), (17, 23, "!", "！"),
    (17, 28, ":", "："), (17, 33, ";", "；"), (17, 38, ".", "。"),
    (21, 5, "(", "（"), (21, 12, ")", "）"), (21, 15, "<<", "《"), (21, 23, ">>", "》"),
    (21, 25, "...", "……"), (21, 32, "--", "——"), (21, 38, "…", "……"),
    (25, 6, " ", ""), (25, 8, " ", ""), (25, 10, " ", ""), (25, 12, " ", ""), (25, 15, " ", ""),
    (29, 3, " ", ""), (29, 7, " ", ""), (29, 10, ",", "，"),
    (47, 11, '"', "“"), (47, 14, '"', "”"), (47, 17, "(", "（"), (47, 20, ")", "）"),
]


def parse_check(out):
    """check's lines as (line, col, severity, message)."""
    rows = []
    for l in out.splitlines():
        m = re.match(r"(.*?):(\d+):(\d+): (warning|error): (.*)", l)
        if m:
            rows.append((int(m.group(2)), int(m.group(3)), m.group(4), m.group(5)))
    return rows


def test_pdf_marks(tmp):
    pdf = os.path.join(tmp, "n.pdf")
    r = run(BRIEF, "render", SAMPLE, "-o", pdf)
    check(r.returncode == 0, f"render the sample: {r.stderr}")
    check(re.search(r"normalize\.md: warning: 32 punctuation fixes; run brief check for the list", r.stderr),
          f"render prints the one-line summary: {r.stderr!r}")
    text = pdf_text(pdf)
    for s in CHANGED:
        check(flat(s) in flat(text), f"PDF has {s}")
    for s in UNCHANGED:
        check(flat(s) in flat(text), f"PDF keeps {s} as typed")
    for s in ["“", "”", "‘", "’", "……", "——", "（", "）", "《", "》", "，", "。", "？", "！", "：", "；"]:
        check(s in text, f"PDF has {s}")
    # The link target is untouched: the /URI in the PDF.
    qdf = os.path.join(tmp, "n.qdf")
    run("qpdf", "--qdf", "--object-streams=disable", pdf, qdf)
    with open(qdf, "rb") as f:
        check(b"(https://example.com/a,b...c)" in f.read(), "link target kept in the PDF's /URI")
    # --no-normalize prints the text as typed.
    raw = os.path.join(tmp, "raw.pdf")
    r = run(BRIEF, "render", SAMPLE, "-o", raw, "--no-normalize")
    t = pdf_text(raw)
    check(r.returncode == 0 and "punctuation" not in r.stderr, "--no-normalize: no summary")
    check(flat('他说"大党建引领大发展、推动大扶贫"是关键。') in flat(t) and "<<扶贫工作报告>>" in t and "“" not in t,
          "--no-normalize keeps straight quotes and << >>")
    return pdf, raw


def widths(pdf):
    return [l["xMax"] - l["xMin"] for l in bbox_lines(pdf) if l["text"] == "甲2020年1月31日乙"]


def test_gap(pdf, raw):
    """`2020 年` (line 25) and `2020年` (line 27) are set alike: both lines
    start at the paragraph indent, so equal widths mean equal gaps."""
    w = widths(pdf)
    check(len(w) == 2 and abs(w[0] - w[1]) < 0.01, f"2020 年 and 2020年 set with the same gaps: widths {w}")
    # Without normalisation the typed spaces print as word spaces, whose
    # width is the font's, not the layout's gap: the two lines differ.
    lines = [l for l in bbox_lines(raw) if flat(l["text"]).startswith("甲2020")]
    wr = [l["xMax"] - l["xMin"] for l in lines]
    check(len(wr) == 2 and abs(wr[0] - wr[1]) > 0.2, f"--no-normalize: the spaced date is set differently ({wr})")
    print(f"gap: normalised widths {w[0] if w else 0:.3f} / {w[1] if len(w) > 1 else 0:.3f} pt; "
          f"as typed {wr[0] if wr else 0:.3f} / {wr[1] if len(wr) > 1 else 0:.3f} pt")


def test_check_list():
    r = run(BRIEF, "check", SAMPLE)
    check(r.returncode == 1, f"check exits 1 when it finds something (got {r.returncode})")
    rows = parse_check(r.stdout)
    check(len(rows) == len(EXPECTED), f"check lists {len(EXPECTED)} changes, got {len(rows)}:\n{r.stdout}")
    with open(SAMPLE, encoding="utf-8") as f:
        src = f.read().split("\n")
    for (line, col, frm, to), row in zip(EXPECTED, rows):
        # The position really holds what check says it found (columns in characters).
        check(src[line - 1][col - 1:col - 1 + len(frm)] == frm, f"source {line}:{col} holds {frm!r}")
        check(row[0] == line and row[1] == col and row[2] == "warning", f"check {row} at {line}:{col}")
        want = "space to drop" if not to else f"`{frm}` becomes `{to}`"
        check(row[3].startswith(want), f"{line}:{col}: {row[3]!r} starts with {want!r}")


def front_matter(b):
    return b[:b.index(b"\n---", 3) + 4]


def test_fix(tmp, pdf):
    for crlf in (False, True):
        md = os.path.join(tmp, "fix-crlf.md" if crlf else "fix.md")
        with open(SAMPLE, "rb") as f:
            before = f.read()
        if crlf:
            before = before.replace(b"\n", b"\r\n")
        with open(md, "wb") as f:
            f.write(before)
        os.chmod(md, 0o640)
        r = run(BRIEF, "check", md, "--fix")
        check(r.returncode == 0, f"check --fix fixes everything (crlf={crlf}): {r.stdout}{r.stderr}")
        check("32 fixes written" in r.stderr, f"--fix says what it wrote: {r.stderr!r}")
        with open(md, "rb") as f:
            after = f.read()
        check(front_matter(after) == front_matter(before), "front matter byte for byte")
        check(after.count(b"\r\n") == before.count(b"\r\n") and after.count(b"\n") == before.count(b"\n"),
              f"line endings kept (crlf={crlf})")
        check(os.stat(md).st_mode & 0o777 == 0o640, "file mode kept")
        check(not [p for p in os.listdir(tmp) if p.startswith(".fix") or "tmp" in p], "no temp file left")
        r = run(BRIEF, "check", md)
        check(r.returncode == 0 and r.stdout == "", f"check after --fix is clean: {r.stdout}")
        # The fixed source renders as the original did.
        out = os.path.join(tmp, "fixed.pdf")
        r = run(BRIEF, "render", md, "-o", out)
        check(r.returncode == 0 and "punctuation" not in r.stderr, "fixed source: no fixes left on render")
        check(flat(pdf_text(out)) == flat(pdf_text(pdf)), f"fixed source prints what the original did (crlf={crlf})")
        if not crlf:
            text = after.decode()
            check("网址 https://www.gov.cn/a,b?c=1 不变" in text and "`a, b; \"c\"...(d)`" in text and
                  "[链接](https://example.com/a,b...c)" in text and '代码块里的"引号",逗号和(括号)不变...' in text,
                  "--fix leaves code, URLs and link targets alone")
            check("数字3.14、1,234、7.5%和10:30不变。" in text, "--fix leaves numbers alone")


def test_problems(tmp):
    r = run(BRIEF, "check", PROBLEMS)
    rows = parse_check(r.stdout)
    check(r.returncode == 1, "problems: exit 1")
    check([(l, c, s) for l, c, s, _ in rows] ==
          [(6, 7, "warning"), (6, 14, "warning"), (8, 3, "error"), (10, 1, "error"), (10, 14, "error")],
          f"repeated marks as warnings, unpaired quote and brackets as errors: {rows}")
    md = os.path.join(tmp, "p.md")
    shutil.copy(PROBLEMS, md)
    r = run(BRIEF, "check", md, "--fix")
    with open(md, "rb") as a, open(PROBLEMS, "rb") as b:
        check(r.returncode == 1 and a.read() == b.read(), "--fix never changes problems")
    r = run(BRIEF, "render", PROBLEMS, "-o", os.path.join(tmp, "p.pdf"))
    check(r.returncode == 0 and "5 punctuation problems; run brief check for the list" in r.stderr,
          f"render reports problems in one line: {r.stderr!r}")


def test_examples(tmp):
    examples = sorted(glob.glob(os.path.join(INPUT, "*.md")))
    r = run(BRIEF, "check", *examples, "--figures", FIGURES)
    check(r.returncode == 0 and r.stdout == "" and r.stderr == "", f"examples pass check clean: {r.stdout}{r.stderr}")
    # A batch prints the summary line for each brief that needed fixes.
    d = os.path.join(tmp, "batch")
    os.makedirs(d)
    shutil.copy(SAMPLE, d)
    shutil.copy(examples[0], d)
    shutil.copy(FIGURES, d)
    r = run(BRIEF, "batch", d, "-o", os.path.join(tmp, "batch-out"))
    check(r.returncode == 0 and r.stderr.count("punctuation fixes") == 1 and
          "normalize.md: warning: 32 punctuation fixes" in r.stderr, f"batch summary line: {r.stderr!r}")
    r = run(BRIEF, "check", os.path.join(tmp, "missing.md"))
    check(r.returncode == 1 and "cannot read" in r.stderr, "check of a missing file is an error")


def test_layout_switch(tmp):
    layout = os.path.join(tmp, "noquotes.yaml")
    with open(os.path.join(ROOT, "layouts", "official.yaml"), encoding="utf-8") as f:
        text = f.read()
    with open(layout, "w", encoding="utf-8") as f:
        f.write(text + "\nnormalize: {quotes: false, spaces: false}\n")
    pdf = os.path.join(tmp, "nq.pdf")
    r = run(BRIEF, "render", SAMPLE, "-o", pdf, "--layout", layout)
    t = flat(pdf_text(pdf))
    check(r.returncode == 0 and flat('他说"大党建引领大发展、推动大扶贫"是关键。') in t and "覆盖面广。是否推广？" in t,
          f"layout normalize: {{quotes: false}} keeps quotes, fixes the rest {r.stderr}")
    r = run(BRIEF, "check", SAMPLE, "--layout", layout)
    check(r.returncode == 1 and "(quotes)" not in r.stdout and "(spaces)" not in r.stdout and "(dash)" in r.stdout,
          "check follows the layout's switches")
    with open(layout, "w", encoding="utf-8") as f:
        f.write(text + "\nnormalize: {quote: false}\n")
    r = run(BRIEF, "render", SAMPLE, "-o", pdf, "--layout", layout)
    check(r.returncode != 0 and "unknown key 'normalize.quote'" in r.stderr, f"a misspelt rule is an error: {r.stderr}")


def make_docx(path, paragraphs):
    """A minimal Word document, as Word saves curly quotes."""
    body = "".join(f"<w:p><w:r><w:t>{html.escape(p, quote=False)}</w:t></w:r></w:p>" for p in paragraphs)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body + "</w:body></w:document>",
    }
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_pandoc_round_trip(tmp):
    """Word keeps “ ”; `pandoc x.docx -t markdown` writes them as straight
    quotes; brief prints them curly again."""
    if not check(shutil.which("pandoc") is not None, "pandoc installed (scripts/install-deps.sh)"):
        return
    para = "他说“大党建引领大发展、推动大扶贫”是关键，群众讲“要把‘一村一策’落到实处”。"
    sources = {}
    docx = os.path.join(tmp, "word.docx")
    make_docx(docx, ["调研报告", para])
    sources["zipfile"] = docx
    md_in = os.path.join(tmp, "in.md")
    with open(md_in, "w", encoding="utf-8") as f:
        f.write("# 调研报告\n\n" + para + "\n")
    docx2 = os.path.join(tmp, "pandoc.docx")
    run("pandoc", md_in, "-o", docx2)
    sources["pandoc"] = docx2
    for how, d in sources.items():
        md = os.path.join(tmp, f"from-{how}.md")
        r = run("pandoc", d, "-t", "markdown", "-o", md)
        with open(md, encoding="utf-8") as f:
            text = f.read()
        check(r.returncode == 0 and '"' in text and "“" not in text, f"pandoc ({how} docx) gives straight quotes: {text!r}")
        pdf = os.path.join(tmp, f"from-{how}.pdf")
        r = run(BRIEF, "render", md, "-o", pdf)
        check(r.returncode == 0 and flat(para) in flat(pdf_text(pdf)), f"round trip ({how}) renders with curly quotes")


def zhlint(args, cwd):
    return run("node", ZHLINT, *args, cwd=cwd)


def test_zhlint(tmp):
    """The peer: zhlint with a configuration as close to brief's
    conventions as it has (tests/data/zhlintrc.json), and its default."""
    if not check(os.path.exists(ZHLINT), f"zhlint installed ({ZHLINT}; scripts/install-deps.sh)"):
        return
    rc = os.path.join(DATA, "zhlintrc.json")
    z = os.path.join(tmp, "zhlint")
    os.makedirs(z)
    shutil.copy(SAMPLE, os.path.join(z, "sample.md"))
    r = zhlint(["--config", rc, "sample.md", "--output", "sample.zhlint.md"], z)
    check(os.path.exists(os.path.join(z, "sample.zhlint.md")), f"zhlint fixed the sample: {r.stdout[-300:]}")
    # Where both ask for a full-width mark they name the same place (zhlint
    # counts columns from 0); the one extra is the English full stop.
    zpos = {(int(l), int(c) + 1) for l, c in
            re.findall(r"^sample\.md:(\d+):(\d+) - 此处标点符号需要使用全角", r.stdout + r.stderr, re.M)}
    bpos = {(l, c) for l, c, frm, to in EXPECTED if to}
    check(len(zpos) > 10 and zpos - bpos == {(29, 35)}, f"zhlint's full-width positions are brief's: {sorted(zpos - bpos)}")
    shutil.copy(SAMPLE, os.path.join(z, "sample.brief.md"))
    run(BRIEF, "check", os.path.join(z, "sample.brief.md"), "--fix")
    with open(SAMPLE, encoding="utf-8") as f:
        orig = f.read().split("\n")
    with open(os.path.join(z, "sample.zhlint.md"), encoding="utf-8") as f:
        zl = f.read().split("\n")
    with open(os.path.join(z, "sample.brief.md"), encoding="utf-8") as f:
        br = f.read().split("\n")
    agree = [i + 1 for i in range(len(orig)) if zl[i] == br[i] and zl[i] != orig[i]]
    differ = [i + 1 for i in range(len(orig)) if zl[i] != br[i]]
    # Both: curly quotes, ，。？！：；, （ ） and no spaces around 2020 年 or GDP.
    check(agree == [11, 13, 17, 25], f"brief and zhlint agree on quotes, marks, brackets, spaces: {agree}")
    # They differ on << >> ... -- … (zhlint leaves them), an English sentence's
    # full stop (zhlint makes it 。) and spaces beside a URL (zhlint drops
    # them, which would make a GFM autolink swallow the Chinese after it);
    # zhlint leaves table rows alone.
    check(differ == [21, 29, 37, 47], f"brief and zhlint differ on lines 21, 29, 37, 47: {differ}")
    if 47 in differ:
        check(zl[46] == orig[46] and "表格里“同样”处理（见上）" in br[46], "zhlint leaves table cells, brief fixes them")
    if 21 in differ:
        check("<<扶贫工作报告>>...成效明显--这是关键…" in zl[20] and "《扶贫工作报告》……成效明显——这是关键……" in br[20],
              "zhlint leaves << >> ... -- …; brief makes them 《 》 …… ——")
    if 29 in differ:
        check(zl[28].endswith("apart。") and br[28].endswith("apart."), "zhlint ends English with 。, brief keeps .")
    if 37 in differ:
        check("网址https://" in zl[36] and "网址 https://" in br[36], "zhlint drops the space before a URL, brief keeps it")
    # The examples: clean for both with brief's conventions; zhlint's default
    # (spaces between Chinese and Latin, half-width brackets) flags them.
    for md in sorted(glob.glob(os.path.join(INPUT, "*.md"))):
        name = os.path.basename(md)  # zhlint takes relative paths only
        shutil.copy(md, os.path.join(z, name))
        r = zhlint(["--config", rc, name], z)
        check(r.returncode == 0 and f"[start] {name}" in r.stdout + r.stderr and "Error" not in r.stderr,
              f"zhlint (brief's conventions) finds {name} clean: {r.stdout[-400:]}{r.stderr[-400:]}")
        r = zhlint([name], z)
        found = re.findall(r"^\S+:\d+:\d+ - (.*)$", r.stdout + r.stderr, re.M)
        check(r.returncode == 1 and "此处中英文内容之间需要一个空格" in found,
              f"zhlint's default wants spaces between Chinese and Latin in {name}")
        print(f"zhlint default on {name}: {len(found)} findings, brief check: 0")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        pdf, raw = test_pdf_marks(tmp)  # the PDFs test_gap and test_fix read: always made
        test(test_gap, pdf, raw)
        test(test_check_list)
        test(test_fix, tmp, pdf)
        for t in (test_problems, test_examples, test_layout_switch, test_pandoc_round_trip, test_zhlint):
            test(t, tmp)
    sys.exit(checks.report())


main()
