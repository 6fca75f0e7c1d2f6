#!/usr/bin/python3
"""Figures from workbooks end to end: input/figures.csv saved by LibreOffice
Calc as .xlsx and .xls (tests/data/office, made by tests/office/make_fixtures.py)
gives the same `brief text` as the CSV for every example; formatted cells
print as Excel shows them (1,234.5, 13.8%, 2016年11月14日, a formula's cached
value); merged cells, --sheet, figures.xlsx beside a batch; brief check
reports a workbook's problems at their cells (FILE.xlsx:Sheet1!C3), the same
problems as for the CSV; hostile workbooks refused. Called: BRIEF ROOT."""
import os, re, shutil, sys, tempfile, zipfile

from lib import checks, paths
from lib.checks import check, run

BRIEF, ROOT = paths.from_argv()
INPUT = os.path.join(ROOT, "input")
OFFICE = os.path.join(ROOT, "tests", "data", "office")


def summary(tmp, name, county, body):
    path = os.path.join(tmp, name + ".md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: 格式\ncounty: {county}\n---\n\n{body}\n")
    return path


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for county in ["陇西县", "盘州市", "黔西县"]:
            md = os.path.join(INPUT, county + ".md")
            want = run(BRIEF, "text", md, "--figures", os.path.join(INPUT, "figures.csv"))
            for ext in ["xlsx", "xls"]:
                got = run(BRIEF, "text", md, "--figures", os.path.join(OFFICE, "figures." + ext))
                check(got.returncode == 0 and got.stdout == want.stdout and len(want.stdout) > 500,
                      f"{county}: figures.{ext} gives the CSV's text: {got.stderr}")

        md = summary(tmp, "fmt", "陇西县", "收入{{收入}}，发生率{{贫困发生率}}，验收{{验收日期}}，合计{{合计}}，户数{{户数}}。")
        got = re.sub(r"\s", "", run(BRIEF, "text", md, "--figures", os.path.join(OFFICE, "formats.xlsx")).stdout)
        for shown in ["收入1,234.5万元", "发生率13.8%", "验收2016年11月14日", "合计2,469.00万元", "户数12,345户"]:
            check(shown in got, f"formats.xlsx: '{shown}' as Excel shows it: {got}")
        got = re.sub(r"\s", "", run(BRIEF, "text", md, "--figures", os.path.join(OFFICE, "formats.xls")).stdout)
        check("验收2016年11月14日" in got and "收入1234.5万元" in got, f"formats.xls: the date and the number: {got}")

        md = summary(tmp, "mrg", "陇西县", "驻村{{驻村帮扶工作队@2015}}，{{驻村帮扶工作队}}，科技{{科技人才队}}。")
        r = run(BRIEF, "text", md, "--figures", os.path.join(OFFICE, "merged.xlsx"), "--sheet", "合并")
        check(r.returncode == 0 and "驻村200支，215支，科技108支。" in r.stdout,
              f"merged.xlsx: title row skipped, two-row header, county merged over its years: {r.stdout}{r.stderr}")
        r = run(BRIEF, "text", md, "--figures", os.path.join(OFFICE, "merged.xlsx"), "--sheet", "无此表")
        check(r.returncode == 1 and "has no sheet '无此表'; its sheets: 合并" in r.stderr, f"--sheet unknown: {r.stderr}")
        r = run(BRIEF, "text", md, "--figures", os.path.join(INPUT, "figures.csv"), "--sheet", "合并")
        check(r.returncode == 1 and "is a CSV" in r.stderr, f"--sheet with a CSV: {r.stderr}")

        # brief check: the workbook's problems at their cells, the same as the CSV's.
        md = summary(tmp, "chk", "陇西县", "收入{{收入}}。")
        xlsx = os.path.join(OFFICE, "errors.xlsx")
        csv = os.path.join(tmp, "errors.csv")
        open(csv, "w", encoding="utf-8").write("县(市),年份,收入(万元),户数(户)\n陇西县,2016,100,5\n盘州市,2016,,6\n"
                                               "黔西县,去年,300,十二\n")
        rx, rc = run(BRIEF, "check", md, "--figures", xlsx), run(BRIEF, "check", md, "--figures", csv)
        check(rx.returncode == 1 and f"{xlsx}:Sheet1!C3: error: the cell shows the error #DIV/0!" in rx.stderr,
              f"errors.xlsx: the formula error at its cell: {rx.stderr}")
        located = lambda err, pat: [re.sub(pat, "", l) for l in err.splitlines() if "#DIV/0!" not in l]
        xs = located(rx.stderr, r"^.*?!([A-Z]+\d+): ")
        cs = located(rc.stderr, r"^.*?:\d+:\d+: ")
        check(xs == cs and len(xs) == 3, f"errors.xlsx: the CSV's problems: {xs} vs {cs}")
        check(f"{xlsx}:Sheet1!B4: error: '去年'" in rx.stderr and f"{xlsx}:Sheet1!D4: error: '十二'" in rx.stderr,
              "errors.xlsx: the cells named B4, D4")

        # A batch finds figures.xlsx beside the summaries.
        batch = os.path.join(tmp, "batch")
        os.makedirs(batch)
        shutil.copy(os.path.join(INPUT, "陇西县.md"), batch)
        shutil.copy(os.path.join(OFFICE, "figures.xlsx"), batch)
        r = run(BRIEF, "batch", batch, "-o", os.path.join(tmp, "out"), "--quiet")
        pdf = os.path.join(tmp, "out", "陇西县.pdf")
        text = run("pdftotext", pdf, "-").stdout if os.path.exists(pdf) else ""
        check(r.returncode == 0 and "13.8%" in text, f"batch: figures.xlsx beside the summaries: {r.stderr}")

        # brief mail too (it renders as batch does).
        shutil.copy(os.path.join(INPUT, "contacts.csv"), batch)
        r = run(BRIEF, "mail", batch, "-o", os.path.join(tmp, "mail"), "--from", "office@example.gov.cn")
        pdf = os.path.join(tmp, "mail", "陇西县.pdf")
        text = run("pdftotext", pdf, "-").stdout if os.path.exists(pdf) else ""
        check(r.returncode == 0 and "13.8%" in text, f"mail: figures.xlsx beside the summaries: {r.stderr}")

        # Hostile workbooks: refused with the limit named, never a crash.
        bomb = os.path.join(tmp, "bomb.xlsx")
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/workbook.xml", b"<workbook>" + b" " * (100 << 20) + b"</workbook>")
        r = run(BRIEF, "text", md, "--figures", bomb, timeout=60)
        check(r.returncode == 1 and "limit" in r.stderr, f"a zip bomb refused: {r.stderr}")
        far = os.path.join(tmp, "far.xlsx")
        with zipfile.ZipFile(os.path.join(OFFICE, "errors.xlsx")) as src, zipfile.ZipFile(far, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(b'r="D4"', b'r="XFD1048576"')
                dst.writestr(item, data)
        r = run(BRIEF, "text", md, "--figures", far)
        check(r.returncode == 1 and "XFD1048576" in r.stderr and "beyond" in r.stderr, f"a far cell refused: {r.stderr}")
        r = run(BRIEF, "text", md, "--figures", os.path.join(OFFICE, "清镇市.docx"))
        check(r.returncode == 1 and "is a Word document" in r.stderr, f"a .docx as figures: {r.stderr}")
    return checks.report()


if __name__ == "__main__":
    sys.exit(main())
