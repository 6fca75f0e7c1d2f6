#!/usr/bin/python3
"""brief import end to end, on documents written by real office software
(tests/office/make_fixtures.py: LibreOffice writes the examples as .docx,
python3-docx a WPS-shaped county report): each imported summary renders
(brief render, pdftotext) the Han characters of the original in order, with
the same heading levels, the same table cells and the front matter; .doc
through LibreOffice, a clear error without it; hostile packages (a zip bomb,
not a zip, an entity bomb) refused without output. Called: BRIEF ROOT."""
import os, re, shutil, sys, tempfile, zipfile

import yaml

from lib import checks, paths
from lib.checks import check, run, test

BRIEF, ROOT = paths.from_argv()
INPUT, FIGURES = paths.examples(ROOT)
FIXTURES = os.path.join(ROOT, "tests", "data", "office")
KEYS = ["title", "subtitle", "county", "author", "date", "issue", "layout"]


def han(s):
    return "".join(re.findall(r"[\u4e00-\u9fff]", s))


def split_md(path):
    text = open(path, encoding="utf-8").read()
    _, fm, body = text.split("---\n", 2)
    return yaml.safe_load(fm), body


def headings(body):
    return [(len(m.group(1)), m.group(2).strip()) for m in re.finditer(r"^(#{1,6}) (.*)$", body, re.M)]


def tables(body):
    """Every GFM table: its rows of cells, emphasis and escapes taken off."""
    out, cur = [], []
    for line in body.split("\n") + [""]:
        if line.startswith("|"):
            cells = [re.sub(r"\*\*|\\", "", c).strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                cur.append(cells)
        elif cur:
            out.append(cur)
            cur = []
    return out


def render_text(md, tmp, name):
    pdf = os.path.join(tmp, name + ".pdf")
    r = run(BRIEF, "render", md, "--figures", FIGURES, "-o", pdf)
    check(r.returncode == 0, f"{name}: renders: {r.stderr}")
    return run("pdftotext", "-raw", pdf, "-").stdout if r.returncode == 0 else ""


def original_as_word_has_it(md, tmp):
    """The example without what no Word document holds (```chart/```figures
    blocks, recipients, copies, the key-figures list): what import can give back."""
    fm, body = split_md(md)
    body = re.sub(r"```(chart|figures)\n.*?```\n", "", body, flags=re.S)
    keep = {k: fm[k] for k in KEYS if k in fm}
    path = os.path.join(tmp, "orig-" + os.path.basename(md))
    with open(path, "w", encoding="utf-8") as f:
        f.write("---\n" + yaml.safe_dump(keep, allow_unicode=True) + "---\n" + body)
    return path, keep, body


def fixtures(tmp):
    """The documents made again by LibreOffice (scripts/install-deps.sh installs it); the committed ones
    (the same, made by the same script) only when it is missing, which is then a failure."""
    if check(shutil.which("soffice") is not None, "LibreOffice installed (scripts/install-deps.sh)"):
        out = os.path.join(tmp, "fixtures")
        r = run("/usr/bin/python3", os.path.join(ROOT, "tests", "office", "make_fixtures.py"), out)
        if check(r.returncode == 0, f"make_fixtures.py runs: {r.stderr[-2000:]}"):
            print("fixtures: regenerated with LibreOffice", run("soffice", "--version").stdout.strip())
            return out
    print("fixtures: the committed ones (tests/data/office)")
    return FIXTURES


def as_written(key, value):
    """A date or 期号 the way import writes it (2016年11月14日, 第12期), whichever form the example uses."""
    if value is None:
        return None
    if key == "date":
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(value))
        return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日" if m else str(value)
    if key == "issue" and re.fullmatch(r"\d+", str(value)):
        return f"第{value}期"
    return str(value)


def check_example(docs, name, tmp):
    out = os.path.join(tmp, "imported")
    r = run(BRIEF, "import", os.path.join(docs, name + ".docx"), "-o", out)
    if not check(r.returncode == 0, f"{name}: import: {r.stderr}"):
        return
    md = os.path.join(out, name + ".md")
    orig, orig_fm, orig_body = original_as_word_has_it(os.path.join(INPUT, name + ".md"), tmp)
    fm, body = split_md(md)
    if "期数" not in orig_body and orig_fm.get("layout") != "briefing":
        orig_fm.pop("issue", None)  # an official document prints no issue: the Word file has none
    for k in KEYS:
        got, want = as_written(k, fm.get(k)), as_written(k, orig_fm.get(k))
        check(got == want, f"{name}: front matter {k}: {got!r} != {want!r}")
    check(headings(body) == headings(orig_body), f"{name}: headings {headings(body)} != {headings(orig_body)}")
    check(tables(body) == tables(orig_body), f"{name}: tables {tables(body)} != {tables(orig_body)}")
    got, want = han(render_text(md, tmp, "imp-" + name)), han(render_text(orig, tmp, "orig-" + name))
    check(got == want and len(want) > 500, f"{name}: the rendered Han text differs from the original's "
          f"({len(got)} vs {len(want)} characters; first difference at "
          f"{next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))})")
    check("{{" not in render_text(md, tmp, "imp2-" + name), f"{name}: figures placeholders bound")


def is_subsequence(needle, hay):
    it = iter(hay)
    return all(ch in it for ch in needle)


def check_wps(docs, tmp):
    import docx
    src = os.path.join(docs, "清镇市.docx")
    out = os.path.join(tmp, "wps")
    r = run(BRIEF, "import", src, "-o", out)
    if not check(r.returncode == 0, f"清镇市: import: {r.stderr}"):
        return
    md = os.path.join(out, "清镇市.md")
    fm, body = split_md(md)
    want = {"title": "清镇市党建扶贫工作情况报告", "subtitle": "——以“村社一体”合作社为例", "county": "清镇市",
            "author": "中共清镇市委组织部", "date": "2017年3月6日", "issue": "第5期", "layout": "briefing"}
    for k, v in want.items():
        check(str(fm.get(k)) == v, f"清镇市: front matter {k}: {fm.get(k)!r} != {v!r}")
    check(headings(body) == [(1, "一、基本情况"), (2, "（一）组织建设"), (3, "1.党员队伍"), (4, "（1）培训情况"),
                             (1, "二、主要成效")], f"清镇市: numbered paragraphs as headings: {headings(body)}")
    check("\\.全市党员中" in body and "# 1" not in body.replace("### 1.党员队伍", ""),
          "清镇市: a long numbered paragraph stays a paragraph")
    check("　" not in body.replace("中共清镇市委组织部　　", ""), "清镇市: the 　　 indents dropped")
    check("**持续建强村级班子。**全市" in body and "**培训党员群众**" in body, f"清镇市: split bold runs merged: {body}")
    check("八千余名。去年以来" in body, "清镇市: the manual line break dropped")
    check(tables(body) == [[["指标", "完成情况", "完成情况"], ["指标", "数量", "单位"], ["合作社", "45", "个"],
                            ["带动农户", "3200", "户"]]], f"清镇市: merged header cells repeated: {tables(body)}")
    check("merged cell" in r.stdout and "header spans two rows" in r.stdout, f"清镇市: merges reported: {r.stdout}")
    img = os.path.join(out, "清镇市", "image1.png")
    check("![](清镇市/image1.png)" in body and open(img, "rb").read(8) == b"\x89PNG\r\n\x1a\n",
          "清镇市: the image written and referenced")
    # Every Han character of the Word document's body, in order, in the brief.
    d = docx.Document(src)
    paras = [p.text for p in d.paragraphs]
    body_text = "".join(paras[4:-2])  # without the masthead, title, subtitle (front matter) and the signature
    cells = "".join(c.text for row in d.tables[0].rows for c in row.cells)
    text = han(render_text(md, tmp, "imp-清镇市"))
    check(is_subsequence(han(body_text.split("二、主要成效")[0]), text), "清镇市: body Han characters in order")
    check(is_subsequence(han(cells), text), "清镇市: table Han characters in order")
    for v in ["清镇市党建扶贫工作情况报告", "中共清镇市委组织部", "2017年3月6日"]:
        check(han(v) in text, f"清镇市: {v} printed")


def check_notes(docs, tmp):
    out = os.path.join(tmp, "notes")
    r = run(BRIEF, "import", os.path.join(docs, "注释.docx"), "-o", out)
    body = open(os.path.join(out, "注释.md"), encoding="utf-8").read() if r.returncode == 0 else ""
    check(body.startswith("全县选派第一书记①一百名。") and "\n- 甲项\n- 乙项\n" in body and body.endswith("①含驻村工作队队长。\n"),
          f"a footnote kept (mark and text), a list, no empty front matter: {r.stderr}{body}")
    text = han(render_text(os.path.join(out, "注释.md"), tmp, "notes")) if body else ""
    check("含驻村工作队队长" in text, "the footnote's text printed")


def issue_docx(path, issue_line, label_line=None):
    """A 简报 as an office types it: the red masthead, the 期号 line under it, a title, a paragraph."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor
    d = docx.Document()
    d.styles["Normal"].font.size = Pt(16)
    for text, size, color in (("扶贫工作简报", 36, (0xE6, 0x00, 0x12)), (issue_line, None, None),
                              ("关于驻村帮扶的情况报告", 22, None)):
        if text is None:
            continue
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(text)
        if size:
            r.font.size = Pt(size)
        if color:
            r.font.color.rgb = RGBColor(*color)
    if label_line:
        d.add_paragraph(label_line)
    d.add_paragraph("　　全县选派第一书记一百名，实现贫困村全覆盖。")
    d.save(path)


def check_issue_forms(docs, tmp):
    """The 期号 imported as the office wrote it, its numbers in Arabic digits (as the front matter and
    the masthead take it): a year before it, 总, the running number after it, in the masthead's line
    or after 期数：."""
    src = os.path.join(tmp, "issues")
    os.makedirs(src)
    cases = [("第12期", None, "第12期"), ("2020年第3期", None, "2020年第3期"), ("二〇二〇年第三期", None, "2020年第3期"),
             ("总第125期", None, "总第125期"), ("第12期（总第125期）", None, "第12期（总第125期）"),
             ("第十二期(总第125期)", None, "第12期（总第125期）"), (None, "报送单位：某县委组织部　　期数：2020年第3期", "2020年第3期")]
    for k, (line, label, want) in enumerate(cases):
        path = os.path.join(src, f"期号{k}.docx")
        issue_docx(path, line, label)
        r = run(BRIEF, "import", path, "-o", os.path.join(tmp, "issues-out"))
        fm = split_md(os.path.join(tmp, "issues-out", f"期号{k}.md"))[0] if r.returncode == 0 else {}
        check(str(fm.get("issue")) == want and f"issue: {want}" in r.stdout,
              f"{line or label}: issue {fm.get('issue')!r}, want {want!r} ({r.stderr}{r.stdout})")
        if k == 4 and fm:
            text = render_text(os.path.join(tmp, "issues-out", f"期号{k}.md"), tmp, "issue4")
            check("第12期（总第125期）" in text, f"the masthead prints 第12期（总第125期）: {text[:120]}")


def check_doc_and_errors(docs, tmp):
    # .doc: through LibreOffice when installed; a clear message when it is not.
    doc_dir = os.path.join(tmp, "doc")
    os.makedirs(doc_dir)
    if check(shutil.which("soffice") is not None, "LibreOffice installed for .doc (scripts/install-deps.sh)"):
        r = run("soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/prof", "--convert-to",
                "doc", "--outdir", doc_dir, os.path.join(docs, "陇西县.docx"))
        r = run(BRIEF, "import", os.path.join(doc_dir, "陇西县.doc"), "-o", os.path.join(tmp, "from-doc"))
        fm, body = split_md(os.path.join(tmp, "from-doc", "陇西县.md")) if r.returncode == 0 else ({}, "")
        check(r.returncode == 0 and fm.get("title", "").startswith("陇西县") and "# 一、背景和起因" in body,
              f".doc imported through LibreOffice: {r.stderr}")
    fake = os.path.join(doc_dir, "旧文件.doc")
    open(fake, "wb").write(b"\xd0\xcf\x11\xe0")
    env = dict(os.environ, PATH="/nonexistent")
    r = run(BRIEF, "import", fake, "-o", os.path.join(tmp, "nodoc"), env=env)
    check(r.returncode == 1 and "needs LibreOffice" in r.stderr and "libreoffice-writer" in r.stderr,
          f".doc without LibreOffice: a clear error: {r.stderr}")
    # Hostile packages: refused, nothing written.
    bad = os.path.join(tmp, "bad")
    os.makedirs(bad)
    with zipfile.ZipFile(os.path.join(bad, "炸弹.docx"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w:document>" + b" " * (200 << 20) + b"</w:document>")
    open(os.path.join(bad, "不是.docx"), "wb").write(b"PK\x03\x04 not really a zip")
    entity = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY e SYSTEM "file:///etc/passwd">]>'
              '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
              '<w:t>正文&c;&e;</w:t></w:r></w:p></w:body></w:document>')
    with zipfile.ZipFile(os.path.join(bad, "实体.docx"), "w") as z:
        z.writestr("word/document.xml", entity)
    out = os.path.join(tmp, "bad-out")
    for name in ["炸弹", "不是"]:
        r = run(BRIEF, "import", os.path.join(bad, name + ".docx"), "-o", out, timeout=60)
        check(r.returncode == 1 and f"{name}.docx: error:" in r.stderr and not os.path.exists(os.path.join(out, name + ".md")),
              f"{name}.docx refused without output: {r.returncode} {r.stderr}")
    check("limit" in run(BRIEF, "import", os.path.join(bad, "炸弹.docx"), "-o", out).stderr, "the zip bomb: the limit named")
    r = run(BRIEF, "import", os.path.join(bad, "实体.docx"), "-o", out)
    check(r.returncode == 1 and "DTD" in r.stderr and not os.path.exists(os.path.join(out, "实体.md")),
          f"a part with a DTD (entity bomb, external entity) refused: {r.returncode} {r.stderr}")
    for attempt in range(2):
        r = run(BRIEF, "import", os.path.join(docs, "黔西县.docx"), "-o", out)
    check(r.returncode == 1 and "already exists" in r.stderr, "an existing summary is not overwritten")
    r = run(BRIEF, "import", os.path.join(docs, "figures.xlsx"), "-o", out)
    check(r.returncode == 1 and "--figures" in r.stderr, f"a workbook: pointed to --figures: {r.stderr}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        docs = fixtures(tmp)
        for name in ["陇西县", "盘州市", "黔西县"]:
            if checks.selected(f"check_example/{name}"):
                check_example(docs, name, tmp)
        for t in (check_wps, check_notes, check_issue_forms, check_doc_and_errors):
            test(t, docs, tmp)
    return checks.report()


if __name__ == "__main__":
    sys.exit(main())
