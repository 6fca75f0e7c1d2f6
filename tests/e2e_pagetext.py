#!/usr/bin/env python3
"""`brief text` is derived from the laid-out pages (issue 14): for every
example in every layout it equals what pdftotext -raw extracts from the PDF
(content-stream order), whitespace aside, and it holds what the page shows
beyond the source text: generated heading numbers, the masthead, the
signature, captions, page numbers, running headers and 份号.

Arguments: BRIEF ROOT. Prints "N passed, N failed"."""
import glob, os, re, shutil, sys, tempfile

from lib import checks, paths
from lib.checks import check, run, test
from lib.pdf import fonts_ok, page_sizes, renderer

BRIEF, ROOT = paths.from_argv()
INPUT, FIGURES = paths.examples(ROOT)
LAYOUTS = paths.LAYOUTS
render = renderer(BRIEF, FIGURES)


def flat(s):
    return re.sub(r"\s", "", s)


def page_text(md, layout, *extra):
    r = run(BRIEF, "text", md, "--figures", FIGURES, "--layout", layout, *extra)
    check(r.returncode == 0, f"brief text {md} {layout}: {r.stderr}")
    return r.stdout


def same_text(md, pdf, layout):
    """brief text == pdftotext -raw, whitespace aside; returns the text."""
    mine = page_text(md, layout)
    theirs = run("pdftotext", "-raw", pdf, "-").stdout
    a, b = flat(mine), flat(theirs)
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    check(a == b and len(a) > 100,
          f"{pdf}: brief text differs from pdftotext at {i}: {a[i-10:i+20]!r} / {b[i-10:i+20]!r}")
    check(mine.count("\f") == theirs.count("\f"), f"{pdf}: pages {mine.count(chr(12))} / {theirs.count(chr(12))}")
    return mine


def examples(tmp):
    feat = os.path.join(tmp, "feat")
    os.makedirs(feat, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "tests", "data", "features.md"), feat)
    seed = os.path.join(tmp, "seed.pdf")
    render(sorted(glob.glob(os.path.join(INPUT, "*.md")))[0], seed)
    for fmt in ("-png", "-jpeg"):
        run("pdftoppm", "-r", "20", "-f", "1", "-l", "1", fmt, "-singlefile", seed, os.path.join(feat, "picture"))
    return (sorted(glob.glob(os.path.join(INPUT, "*.md"))) + [os.path.join(ROOT, "tests", "data", "tables.md"),
            os.path.join(feat, "features.md")])


def test_every_example(tmp):
    texts = {}
    for md in examples(tmp):
        for layout in LAYOUTS:
            name = os.path.splitext(os.path.basename(md))[0]
            pdf = os.path.join(tmp, f"{name}-{layout}.pdf")
            r = render(md, pdf, "--layout", layout)
            if check(r.returncode == 0, f"render {md} {layout}: {r.stderr}"):
                texts[(name, layout)] = same_text(md, pdf, layout)
    return texts


def test_decorations(texts):
    """What the page shows and the source does not say."""
    lx = texts.get(("陇西县", "official"), "")
    check("— 1 —" in lx and "— 2 —" in lx, "official page numbers in brief text")
    check("中共陇西县委组织部" in (["", ""] + lx.split("\f"))[-2] and "2016年11月14日" in lx, "official signature in brief text")
    check("主要数据" in texts.get(("黔西县", "official"), ""), "key-figures caption in brief text")
    check("扶贫队伍规模（2016年）" in lx, "chart title in brief text")
    bf = texts.get(("陇西县", "briefing"), "")
    first = bf.split("\f")[0]
    check("扶贫工作简报" in first and "第12期" in first, f"briefing masthead in brief text: {first[:80]!r}")
    check("共印" in bf and "报：" in bf, "briefing 版记 in brief text")
    pl = texts.get(("陇西县", "plain"), "")
    check(re.search(r"^1 / 3$", pl, re.M) is not None and " · " in pl, "plain page numbers and running header")
    rows = [l for l in lx.splitlines() if "\t" in l]
    check(any(l.startswith("指标\t") for l in rows), f"table cells separated by tabs: {rows[:2]}")


def test_generated_numbers(tmp):
    layout = os.path.join(tmp, "numbered-headings.yaml")
    src = open(os.path.join(ROOT, "layouts", "official.yaml"), encoding="utf-8").read()
    open(layout, "w", encoding="utf-8").write(src.replace("heading_numbering: text", "heading_numbering: generate"))
    md = os.path.join(tmp, "headings.md")
    open(md, "w", encoding="utf-8").write(
        "---\ntitle: 标题生成编号测试\nauthor: 中共某县委组织部\ndate: 2016-11-14\n---\n\n"
        "# 基本情况\n\n正文第一段。\n\n## 主要做法\n\n正文第二段。\n\n# 存在问题\n\n正文第三段。\n")
    pdf = os.path.join(tmp, "headings.pdf")
    r = render(md, pdf, "--layout", layout, figures=None)
    if check(r.returncode == 0, f"render with generated numbers: {r.stderr}"):
        text = run(BRIEF, "text", md, "--layout", layout).stdout
        check(flat(text) == flat(run("pdftotext", "-raw", pdf, "-").stdout), "generated numbers: text equals pdftotext")
        for h in ("一、基本情况", "（一）主要做法", "二、存在问题"):
            check(h in text, f"generated heading number in brief text: {h}")


def test_numbered_copies(tmp):
    md = os.path.join(tmp, "copies.md")
    open(md, "w", encoding="utf-8").write(
        "---\ntitle: 份号测试\nauthor: 中共某县委组织部\ndate: 2016-11-14\nnumbered: 1-3\n---\n\n正文一段。\n")
    pdf = os.path.join(tmp, "copies.pdf")
    r = render(md, pdf, figures=None)
    if check(r.returncode == 0, f"render numbered copies: {r.stderr}"):
        text = run(BRIEF, "text", md).stdout
        check(flat(text) == flat(run("pdftotext", "-raw", pdf, "-").stdout), "numbered copies: text equals pdftotext")
        check([n for n in ("000001", "000002", "000003") if n in text] == ["000001", "000002", "000003"],
              "every 份号 in brief text")


def page_texts(pdf, n):
    """Each page's pdftotext -raw, less its last line (the page number, which
    the PDF draws last and the booklet replaces with its own)."""
    pages = []
    for p in range(1, n + 1):
        lines = [l for l in run("pdftotext", "-raw", "-f", str(p), "-l", str(p), pdf, "-").stdout.splitlines() if l.strip()]
        pages.append(flat("".join(lines[:-1])))
    return pages


def test_mixed_booklet(tmp):
    """A booklet of an A5 and an A4 brief keeps both sizes and all text:
    after its cover and 目录 (A4, the booklet layout's paper), each brief's
    pages in its own size from an odd page on, showing what the brief's own
    PDF shows (the page numbers are the booklet's)."""
    d = os.path.join(tmp, "mixed")
    os.makedirs(d, exist_ok=True)
    shutil.copy(FIGURES, d)
    a5 = os.path.join(d, "a5.yaml")  # beside the summaries: a summary's layout file stays inside its folder
    plain = open(os.path.join(ROOT, "layouts", "plain.yaml"), encoding="utf-8").read()
    open(a5, "w", encoding="utf-8").write(plain.replace("name: plain", "name: a5").replace("size: A4", "size: A5")
                                          .replace("margins: {top: 25mm, bottom: 25mm, left: 25mm, right: 25mm}",
                                                   "margins: {top: 15mm, bottom: 15mm, left: 15mm, right: 15mm}"))
    for name, layout in (("1-陇西县", "official"), ("2-黔西县", "a5.yaml")):
        src = open(os.path.join(INPUT, name[2:] + ".md"), encoding="utf-8").read()
        src = re.sub(r"^layout:.*\n", "", src, flags=re.M).replace("---\n", f"---\nlayout: {layout}\n", 1)
        open(os.path.join(d, name + ".md"), "w", encoding="utf-8").write(src)
    out, book = os.path.join(tmp, "mixed-out"), os.path.join(tmp, "mixed-book.pdf")
    r = run(BRIEF, "batch", d, "-o", out, "--booklet", book, "--quiet")
    if not check(r.returncode == 0, f"mixed batch: {r.stderr}"):
        return
    a4pdf, a5pdf = os.path.join(out, "1-陇西县.pdf"), os.path.join(out, "2-黔西县.pdf")
    first, second = page_sizes(a4pdf), page_sizes(a5pdf)
    check(set(first) == {(595, 842)} and set(second) == {(420, 595)}, f"brief sizes {first} {second}")
    got = page_sizes(book)
    blank1 = [first[-1]] if len(first) % 2 else []
    blank2 = [second[-1]] if len(second) % 2 else []
    front = len(got) - len(first + blank1 + second + blank2)  # the cover and the 目录 before
    if not check(front >= 4 and front % 2 == 0 and set(got[:front]) == {(595, 842)} and
                 got[front:] == first + blank1 + second + blank2,
                 f"booklet page sizes {got}: A4 cover and 目录, then {first} {blank1} {second} {blank2}"):
        return
    pages = page_texts(book, len(got))
    at2 = front + len(first) + len(blank1)
    check(pages[front:front + len(first)] == page_texts(a4pdf, len(first)), "the A4 brief's pages in the booklet: its text")
    check(pages[at2:at2 + len(second)] == page_texts(a5pdf, len(second)) and len("".join(pages[at2:])) > 1000,
          "the A5 brief's pages in the booklet: its text")
    check(all(not p for p in pages[front + len(first):at2] + pages[at2 + len(second):]), "blank versos stay blank")
    text = flat(run(BRIEF, "text", os.path.join(d, "2-黔西县.md"), "--figures", FIGURES).stdout)
    check(text == flat(run("pdftotext", "-raw", a5pdf, "-").stdout), "the A5 brief's text equals its PDF's")
    check(run("qpdf", "--check", book).returncode == 0 and fonts_ok(book), "mixed booklet structure and fonts")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        texts = test_every_example(tmp)  # the texts test_decorations reads: always made
        test(test_decorations, texts)
        for t in (test_generated_numbers, test_numbered_copies, test_mixed_booklet):
            test(t, tmp)
    sys.exit(checks.report())


if __name__ == "__main__":
    main()
