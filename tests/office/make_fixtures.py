#!/usr/bin/python3
"""Makes the office documents the import and figures tests read, with real
office software: LibreOffice (soffice --headless) writes the examples
(input/*.md, through pandoc's HTML) as .docx, and input/figures.csv as .xlsx
and .xls; python3-docx writes a .docx shaped like WPS output (numbered
headings as plain paragraphs, 　　 indents, runs split mid-word, a right-aligned
signature block, a table with merged header cells, a red masthead).

    tests/office/make_fixtures.py OUTDIR

The committed copies are in tests/data/office/ (LibreOffice is large; the
tests regenerate them only when soffice is installed)."""
import csv
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib
import struct

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CN_MONTH_DAY = "{y}年{m}月{d}日"


def front_and_body(path):
    text = open(path, encoding="utf-8").read()
    _, fm, body = text.split("---\n", 2)
    return yaml.safe_load(fm), body


def strip_brief_blocks(body):
    """```chart and ```figures blocks are brief's own: no Word document has them."""
    return re.sub(r"```(chart|figures)\n.*?```\n", "", body, flags=re.S)


def chinese_date(iso):
    if "年" in str(iso):  # already as printed (2016年11月14日)
        return str(iso)
    d = datetime.date.fromisoformat(str(iso))
    return CN_MONTH_DAY.format(y=d.year, m=d.month, d=d.day)


def example_html(md_path):
    fm, body = front_and_body(md_path)
    body_html = subprocess.run(["pandoc", "-f", "gfm", "-t", "html"], input=strip_brief_blocks(body),
                               capture_output=True, text=True, check=True).stdout
    parts = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title></head><body>' % fm["title"]]
    if fm.get("layout") == "briefing":  # a red masthead and its issue line
        parts.append('<p align="center"><font size="7" color="#ff0000">工作简报</font></p>')
        parts.append('<p align="center">第%s期</p>' % fm["issue"])
    parts.append('<p align="center"><font size="6">%s</font></p>' % fm["title"])
    if fm.get("subtitle"):
        parts.append('<p align="center">%s</p>' % fm["subtitle"])
    parts.append(body_html)
    parts.append('<p align="right">%s</p>' % fm["author"])
    parts.append('<p align="right">%s</p>' % chinese_date(fm["date"]))
    parts.append("</body></html>")
    return "\n".join(parts)


def soffice(args, outdir, tmp):
    subprocess.run(["soffice", "--headless", "--norestore", "-env:UserInstallation=file://%s/profile" % tmp]
                   + args + ["--outdir", outdir], check=True, capture_output=True)


def png(width, height, rgb):
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def wps_like(path, tmp):
    """A county report as WPS writes one: every heading a plain paragraph with its number typed."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    d = docx.Document()
    d.styles["Normal"].font.size = Pt(16)

    def para(runs, align=None, size=None, color=None):
        p = d.add_paragraph()
        if align:
            p.alignment = align
        for text, bold in runs:
            if text == "\n":
                p.add_run().add_break()
                continue
            r = p.add_run(text)
            r.bold = bold or None
            if size:
                r.font.size = Pt(size)
            if color:
                r.font.color.rgb = RGBColor(*color)
        return p

    para([("工作", False), ("简报", False)], WD_ALIGN_PARAGRAPH.CENTER, 36, (0xE6, 0x00, 0x12))
    para([("第5期", False)], WD_ALIGN_PARAGRAPH.CENTER)
    para([("清镇市党建扶贫", False), ("工作情况报告", False)], WD_ALIGN_PARAGRAPH.CENTER, 22)
    para([("——以“村社一体”合作社为例", False)], WD_ALIGN_PARAGRAPH.CENTER)
    para([("报送单位：", True), ("中共清镇市委组织部　　", False), ("期数：", True), ("第5期", False)])
    para([("一、基本情况", True)])
    para([("　　全市共有村党组织", False), ("一百二十", False), ("个，党员", False), ("八千余名。", False),
          ("\n", False), ("去年以来，各村", False), ("建", False), ("立合作社，带动群众增收。", False)])
    para([("（一）组织", True), ("建设", True)])
    para([("　　", False), ("持续建强", True), ("村级班子。", True), ("全市选派第一书记", False), ("一百名", False),
          ("，实现贫困村全覆盖。", False)])
    para([("1.党员队伍", True)])
    para([("　　1.全市党员中，致富带头人占三成。其中", False), ("女党员", False), ("多从事种养业。", False)])
    para([("（1）培训情况", False)])
    para([("　　举办培训班", False), ("三十期，", False), ("培训党员", True), ("群众", True), ("两千人次。", False)])
    para([("二、主要成效", True)])
    t = d.add_table(rows=4, cols=3)
    t.style = "Table Grid"
    t.cell(0, 0).merge(t.cell(1, 0)).text = "指标"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "完成情况"
    t.cell(1, 1).text = "数量"
    t.cell(1, 2).text = "单位"
    for r, row in enumerate([["合作社", "45", "个"], ["带动农户", "3200", "户"]], start=2):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    img = os.path.join(tmp, "figure.png")
    open(img, "wb").write(png(40, 20, (200, 30, 30)))
    d.add_picture(img)
    para([("　　下一步，全市将继续", False), ("深化“村社一体”改革。", False)])
    para([("中共清镇市委组织部", False)], WD_ALIGN_PARAGRAPH.RIGHT)
    para([("2017年3月6日", False)], WD_ALIGN_PARAGRAPH.RIGHT)
    d.save(path)


def figures_workbooks(outdir, tmp):
    """input/figures.csv as a workbook (numbers as numbers), and a sheet of Excel number formats."""
    import openpyxl
    rows = list(csv.reader(open(os.path.join(ROOT, "input", "figures.csv"), encoding="utf-8")))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "指标"
    for row in rows:
        ws.append([float(v) if re.fullmatch(r"-?\d+\.\d+", v) else int(v) if v.isdigit() else (v or None)
                   for v in row])
    raw = os.path.join(tmp, "figures.xlsx")
    wb.save(raw)
    fmt = openpyxl.Workbook()
    ws = fmt.active
    ws.title = "格式"
    ws.append(["县(市)", "年份", "收入(万元)", "贫困发生率", "验收日期", "合计(万元)", "户数(户)"])
    ws.append(["陇西县", 2016, 1234.5, 0.138, datetime.date(2016, 11, 14), "=C2*2", 12345])
    ws["C2"].number_format = "#,##0.0"
    ws["D2"].number_format = "0.0%"
    ws["E2"].number_format = "yyyy-mm-dd"
    ws["F2"].number_format = "#,##0.00"
    ws["G2"].number_format = "#,##0"
    ws.append(["盘州市", 2016, 800, 0.05, datetime.date(2017, 1, 5), "=C3*2", 987])
    ws["D3"].number_format = "0.0%"
    ws["E3"].number_format = "yyyy-mm-dd"
    rawfmt = os.path.join(tmp, "formats.xlsx")
    fmt.save(rawfmt)
    # What brief check must report at its cell: a formula error, a word in a number column, a bad year.
    bad = openpyxl.Workbook()
    ws = bad.active
    ws.title = "Sheet1"
    ws.append(["县(市)", "年份", "收入(万元)", "户数(户)"])
    ws.append(["陇西县", 2016, 100, 5])
    ws.append(["盘州市", 2016, "=1/0", 6])
    ws.append(["黔西县", "去年", 300, "十二"])
    rawbad = os.path.join(tmp, "errors.xlsx")
    bad.save(rawbad)
    # A title row merged across the sheet, a header over two rows (merged cells), a county merged over its years.
    mrg = openpyxl.Workbook()
    ws = mrg.active
    ws.title = "合并"
    ws.append(["2016年扶贫数据表", None, None, None])
    ws.merge_cells("A1:D1")
    ws.append(["县(市)", "年份", "队伍", None])
    ws.append([None, None, "驻村帮扶工作队(支)", "科技人才队(支)"])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("C2:D2")
    ws.append(["陇西县", 2015, 200, 100])
    ws.append([None, 2016, 215, 108])
    ws.merge_cells("A4:A5")
    rawmrg = os.path.join(tmp, "merged.xlsx")
    mrg.save(rawmrg)
    # LibreOffice Calc writes them again: cached formula values, shared strings, and the .xls (BIFF8).
    conv = os.path.join(tmp, "conv")
    os.makedirs(conv)
    soffice(["--convert-to", "xlsx:Calc MS Excel 2007 XML", raw, rawfmt, rawbad, rawmrg], conv, tmp)
    soffice(["--convert-to", "xls:MS Excel 97", raw, rawfmt], conv, tmp)
    for name in ["figures.xlsx", "figures.xls", "formats.xlsx", "formats.xls", "errors.xlsx", "merged.xlsx"]:
        shutil.copy(os.path.join(conv, name), os.path.join(outdir, name))


def main():
    outdir = os.path.abspath(sys.argv[1])
    os.makedirs(outdir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        html_dir = os.path.join(tmp, "html")
        os.makedirs(html_dir)
        for name in sorted(os.listdir(os.path.join(ROOT, "input"))):
            if name.endswith(".md"):
                with open(os.path.join(html_dir, name[:-3] + ".html"), "w", encoding="utf-8") as f:
                    f.write(example_html(os.path.join(ROOT, "input", name)))
        htmls = sorted(os.path.join(html_dir, n) for n in os.listdir(html_dir))
        soffice(["--infilter=HTML (StarWriter)", "--convert-to", "docx:MS Word 2007 XML"] + htmls, outdir, tmp)
        # A footnote and a bulleted list, as LibreOffice reads them from its own HTML.
        notes = os.path.join(html_dir, "注释.html")
        with open(notes, "w", encoding="utf-8") as f:
            f.write('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
                    '<p>全县选派第一书记<a class="sdfootnoteanc" name="sdfootnote1anc" href="#sdfootnote1sym">'
                    '<sup>1</sup></a>一百名。</p><ul><li>甲项</li><li>乙项</li></ul>'
                    '<div id="sdfootnote1"><p><a class="sdfootnotesym" name="sdfootnote1sym" href="#sdfootnote1anc">'
                    '1</a>含驻村工作队队长。</p></div></body></html>')
        soffice(["--infilter=HTML (StarWriter)", "--convert-to", "docx:MS Word 2007 XML", notes], outdir, tmp)
        wps_like(os.path.join(outdir, "清镇市.docx"), tmp)
        figures_workbooks(outdir, tmp)


if __name__ == "__main__":
    main()
