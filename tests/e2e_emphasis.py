#!/usr/bin/env python3
"""End to end for issue 9: bold and emphasis that close on Chinese punctuation
before a digit, a Latin letter, a symbol or a link. Renders a 简报 header line
and the lines of the issue, then checks the PDF with poppler and qpdf: the
labels' glyphs come from the strong face, no asterisk is printed, the link
after a label is clickable, and error columns count characters.
Arguments: BRIEF ROOT. Prints "N passed, N failed"."""
import json, os, sys, tempfile

from lib import checks, paths
from lib.checks import check, run, test
from lib.pdf import font_of_text, fonts_ok, renderer

BRIEF, ROOT = paths.from_argv()
INPUT, FIGURES = paths.examples(ROOT)
render = renderer(BRIEF, FIGURES)

HEADER = "**报送单位：**中共陇西县委组织部　　**期数：**2016年第3期　　**密级：**内部参阅"
LINES = [
    "**注：**A级景区",
    "要坚持**“一村一策”**2019年起实施",
    "*说明：*2017年数据",
    "**合计：**¥1,234万元",
]
LINK = "**报送：**http://example.org"


def hexed(text):
    return "".join(f"{ord(ch):04x}" for ch in text)


def face(pdf, text):
    """The BaseFont of the first run starting with text, on any page."""
    pages = int(run("qpdf", "--show-npages", pdf).stdout.strip())
    return next((f for f in (font_of_text(pdf, p, hexed(text)) for p in range(1, pages + 1)) if f), "")


def test_header_line(tmp):
    md = os.path.join(tmp, "header.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write("---\ntitle: 工作简报\n---\n\n" + HEADER + "\n\n" + "\n\n".join(LINES) + "\n")
    pdf = os.path.join(tmp, "header.pdf")
    r = render(md, pdf, figures=None)
    check(r.returncode == 0, f"render the header line: {r.stderr}")
    text = run("pdftotext", pdf, "-").stdout
    check("*" not in text, f"no literal asterisks in the PDF text:\n{text}")
    flat = text.replace("\n", "")
    # pdftotext reads the two ideographic spaces as a column gap (so does a
    # header line without any bold): compare the three fields, in order.
    fields = HEADER.replace("**", "").split("\u3000\u3000")
    at = [flat.find(field) for field in fields]
    check(-1 not in at and at == sorted(at), f"the header fields {fields} copy out in order")
    for line in LINES:
        words = line.replace("**", "").replace("*", "")
        check(words in flat, f"{words!r} copies out")
    # The labels in the strong (Hei) face; the rest of the line in the body face.
    # A label's closing ： is squeezed and set as a run of its own, so match without it.
    for label in ("报送单位", "期数", "密级", "注", "合计"):
        got = face(pdf, label)
        check("NotoSansCJKsc" in got, f"{label} set in the strong face, got {got!r}")
    got = face(pdf, "“一村一策")
    check("NotoSansCJKsc" in got, f"“一村一策” set in the strong face, got {got!r}")
    got = face(pdf, "说明")
    check("WenKai" in got, f"说明 set in the emphasis face, got {got!r}")
    for plain in ("中共陇西县委组织部", "内部参阅"):
        got = face(pdf, plain)
        check(got and "NotoSerifCJKsc" in got, f"{plain} set in the body face, got {got!r}")
    check(fonts_ok(pdf) and run("qpdf", "--check", pdf).returncode == 0, "header PDF is sound")


def test_link_after_label(tmp):
    """An autolink right after the closing run is still a link; the label is bold."""
    md = os.path.join(tmp, "link.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write("---\ntitle: 链接\n---\n\n" + LINK + "\n")
    pdf = os.path.join(tmp, "link.pdf")
    check(render(md, pdf, figures=None).returncode == 0, "render the link line")
    text = run("pdftotext", pdf, "-").stdout
    check("*" not in text and "报送：http://example.org" in text, f"the link line copies out:\n{text}")
    got = face(pdf, "报送")
    check("NotoSansCJKsc" in got, f"报送 set in the strong face, got {got!r}")
    objs = json.loads(run("qpdf", "--json=2", "--json-key=qpdf", pdf).stdout)["qpdf"][1]
    uris = [v["value"]["/A"]["/URI"] for v in objs.values()
            if isinstance(v.get("value"), dict) and isinstance(v["value"].get("/A"), dict) and "/URI" in v["value"]["/A"]]
    check(any(u.removeprefix("u:") == "http://example.org" for u in uris), f"clickable link after **报送：**, got {uris}")


def test_error_column(tmp):
    """A location after a bold label counts characters, not bytes (issue 11)."""
    md = os.path.join(tmp, "col.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write("**报送单位：**中共\U00030000\n")
    pdf = os.path.join(tmp, "col.pdf")
    r = render(md, pdf, figures=None)
    check(r.returncode != 0 and f"{md}:1:12: error:" in r.stderr, f"error at column 12 (characters): {r.stderr}")
    check(not os.path.exists(pdf), "no PDF on error")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for t in (test_header_line, test_link_after_label, test_error_column):
            test(t, tmp)
    sys.exit(checks.report())


main()
