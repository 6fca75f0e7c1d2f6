#!/usr/bin/env python3
"""End-to-end checks of tables (issue 10), measured on the PDF: a 7-column
statistics table, a table with a long URL, a long Latin word and signed
decimals, and a 23-row 整改清单 (tests/data/tables.md).

- no number or date split across lines and no header or label of up to
  four characters split (pdftotext -bbox-layout word boxes, assigned to
  the cells drawn by the table's rules);
- longer headers in at most three lines, broken only at word points;
- the statistics table's 33-character remark in at most three lines;
- every table at the full measure of the type area (the rules' ends);
- decimal points of a numeric column on one vertical (character boxes,
  pdfminer);
- author widths: a widths comment (consumed, no raw-HTML warning) and the
  layout's table_widths key, measured on the rules; bad widths are errors.

Arguments: BRIEF ROOT, with Debian's python3
(python3-pdfminer). Prints "N passed, N failed"."""
import html, os, re, sys, tempfile

from lib import checks, paths
from lib.checks import check, run, test

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTCurve

BRIEF, ROOT = paths.from_argv()
DATA = os.path.join(ROOT, "tests", "data", "tables.md")
MM = 72 / 25.4
AREA = (28 * MM, (210 - 26) * MM)  # the official layout's type area, left and right
# Dates first, then numbers with 万, then any number with its sign, separators and %.
NUMBER = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d+(?:\.\d+)?万|[-+＋－]?\d[\d,.:/-]*\d%?|\d%?")
NUMERIC_CELL = re.compile(r"[-+]?\d[\d,]*(\.\d+)?%?")


def source_tables(md, *extra):
    """The tables of `brief text`: lists of rows of cells (tab-separated lines).
    brief text shows the pages: a table goes on past a page's number and
    break, and its header repeated on the next page is dropped."""
    tables, cur = [], []
    for line in run(BRIEF, "text", md, *extra).stdout.splitlines():
        if "\t" in line:
            if not (cur and line.split("\t") == cur[0]):
                cur.append(line.split("\t"))
        elif cur and (not line.strip() or re.fullmatch(r"— ?\d+ ?—|\d+ / \d+", line.strip())):
            continue
        elif cur:
            tables.append(cur)
            cur = []
    if cur:
        tables.append(cur)
    return tables


def words(pdf):
    """pdftotext word boxes per page: (text, xMin, yMin, xMax, yMax), y from the top."""
    doc = run("pdftotext", "-bbox-layout", pdf, "-").stdout
    pages = []
    for page in re.findall(r"<page .*?</page>", doc, re.S):
        ws = []
        for attrs, text in re.findall(r"<word (.*?)>(.*?)</word>", page):
            box = dict((k, float(v)) for k, v in re.findall(r'(\w+)="([\d.]+)"', attrs))
            ws.append((html.unescape(text), box["xMin"], box["yMin"], box["xMax"], box["yMax"]))
        pages.append(ws)
    return pages


def walk(obj):
    yield obj
    if hasattr(obj, "__iter__"):
        for child in obj:
            yield from walk(child)


def pdf_pages(pdf):
    """Per page: its height, the rules (x0, y0, x1, y1, y from the top) and
    the characters (text, x0, x1, y centre from the top), read by pdfminer."""
    out = []
    for layout in extract_pages(pdf):
        h = layout.height
        rules, chars = [], []
        for o in walk(layout):
            if isinstance(o, LTChar):
                chars.append((o.get_text(), o.x0, o.x1, h - (o.y0 + o.y1) / 2))
            elif isinstance(o, LTCurve) and len(o.pts) == 2:
                (x0, y0), (x1, y1) = o.pts
                rules.append((min(x0, x1), h - max(y0, y1), max(x0, x1), h - min(y0, y1)))
        out.append((h, rules, chars))
    return out


def grid_tables(rules):
    """Tables from their rules: every row box draws vertical rules at the
    column boundaries; touching boxes with the same boundaries are one
    table. Returns [(column xs, [(row top, row bottom)])], top to bottom."""
    boxes = {}
    for x0, y0, x1, y1 in rules:
        if abs(x1 - x0) < 0.01 and y1 - y0 > 1:
            boxes.setdefault((round(y0, 2), round(y1, 2)), []).append(round(x0, 2))
    tables = []
    for (top, bottom), xs in sorted(boxes.items()):
        xs = sorted(set(xs))
        if tables and tables[-1][0] == xs and abs(tables[-1][1][-1][1] - top) < 0.05:
            tables[-1][1].append((top, bottom))
        else:
            tables.append((xs, [(top, bottom)]))
    return tables


def cell_lines(ws, xs, row):
    """The lines of each cell of a row: texts of the words whose centre is
    in the cell, grouped by their top."""
    cells = [[] for _ in range(len(xs) - 1)]
    for text, x0, y0, x1, y1 in ws:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if not row[0] < cy < row[1]:
            continue
        for c in range(len(xs) - 1):
            if xs[c] < cx < xs[c + 1]:
                cells[c].append((y0, x0, text))
    out = []
    for items in cells:
        lines = {}
        for y0, x0, text in sorted(items):
            key = next((k for k in lines if abs(k - y0) < 1), y0)
            lines.setdefault(key, []).append(text)
        out.append(["".join(parts) for _, parts in sorted(lines.items())])
    return out


def header_break_points(text):
    """Where a header may break (linebreak_label_breaks): before an opening
    bracket, after a solidus or a space, and between two-character chunks
    of a run of four or more ideographs, never leaving one character."""
    points = set()
    for i in range(1, len(text)):
        if text[i] in "（([【" or text[i - 1] in "／/ " or text[i] == " ":
            points.add(i)
    for m in re.finditer(r"[\u4e00-\u9fff]{4,}", text):
        for k in range(m.start() + 2, m.end() - 1, 2):
            points.add(k)
    return points


def pdf_tables(pdf):
    """Every table of the PDF as laid out: its column xs, its rows (page,
    box, lines of each cell) and per page its characters with its rows. A
    table that opens a page with the previous page's last table's columns
    and header continues it; its repeated header is left out of rows."""
    tables = []
    for page, ((h, rules, chars), ws) in enumerate(zip(pdf_pages(pdf), words(pdf))):
        for i, (xs, rows) in enumerate(grid_tables(rules)):
            laid = [(page, row, cell_lines(ws, xs, row)) for row in rows]
            prev = tables[-1] if tables else None
            if i == 0 and prev and prev["xs"] == xs and prev["rows"][-1][0] == page - 1 \
                    and laid[0][2] == prev["rows"][0][2]:
                prev["rows"].extend(laid[1:])
                prev["chars"].append((chars, laid[1:]))
            else:
                tables.append({"xs": xs, "rows": laid, "chars": [(chars, laid)]})
    return tables


def check_table(name, src, laid, remark=None):
    rows = [cells for _, _, cells in laid["rows"]]
    xs = laid["xs"]
    check(len(rows) == len(src), f"{name}: {len(rows)} rows on the PDF, {len(src)} in the source")
    check(abs(xs[0] - AREA[0]) < 0.5 and abs(xs[-1] - AREA[1]) < 0.5,
          f"{name}: table from {xs[0]:.1f} to {xs[-1]:.1f} pt, the type area is {AREA[0]:.1f}-{AREA[1]:.1f}")
    split_numbers, split_labels, bad_headers = [], [], []
    for r, (srow, cells) in enumerate(zip(src, rows)):
        for c, (text, lines) in enumerate(zip(srow, cells)):
            joined = "".join(lines)
            if not check(joined == text.replace(" ", ""), f"{name}: cell {r},{c} reads {joined!r}, not {text!r}"):
                continue
            ends, pos = set(), 0
            for line in lines[:-1]:
                pos += len(line)
                ends.add(pos)
            for m in NUMBER.finditer(text):
                if any(m.start() < e < m.end() for e in ends):
                    split_numbers.append(f"{m.group(0)} in {lines}")
            if len(text) <= 4 and len(lines) > 1:
                split_labels.append(lines)
            if r == 0 and len(text) > 4 and (len(lines) > 3 or not ends <= header_break_points(text)):
                bad_headers.append(lines)
    check(not split_numbers, f"{name}: numbers split across lines: {split_numbers[:3]}")
    check(not split_labels, f"{name}: labels of up to four characters split: {split_labels[:3]}")
    check(not bad_headers, f"{name}: headers broken inside a word or in more than 3 lines: {bad_headers[:3]}")
    if remark:
        r, c = remark
        n = len(rows[r][c])
        print(f"  {name}: the {len(src[r][c])}-character remark takes {n} lines")
        check(n <= 3, f"{name}: the remark takes {n} lines: {rows[r][c]}")
    heights = sum(row[1] - row[0] for _, row, _ in laid["rows"])
    print(f"  {name}: {len(rows)} rows, {heights:.1f} pt of rows, columns "
          + " ".join(f"{(b - a) / MM:.1f}" for a, b in zip(xs, xs[1:])) + " mm")
    return rows


def decimal_points(name, src, laid, col):
    """x of each body cell's decimal point (or, without one, the end of its
    integer part) in column col, from the character boxes."""
    xs, points = laid["xs"], []
    for chars, rows in laid["chars"]:
        for _, (top, bottom), _ in rows:
            inside = sorted((x0, x1, t) for t, x0, x1, cy in chars
                            if top < cy < bottom and xs[col] < (x0 + x1) / 2 < xs[col + 1])
            text = "".join(t for _, _, t in inside)
            if not NUMERIC_CELL.fullmatch(text):
                continue
            dot = next((x0 for x0, _, t in inside if t == "."), None)
            if dot is None:
                digits = [x1 for _, x1, t in inside if t.isdigit()]
                dot = digits[-1]
            points.append((text, dot))
    return points


def check_decimals(name, src, laid, col):
    points = decimal_points(name, src, laid, col)
    values = [row[col] for row in src[1:] if NUMERIC_CELL.fullmatch(row[col])]
    check(len(points) == len(values), f"{name}: {len(points)} numbers found in column {col}, {len(values)} in the source")
    spread = max(p for _, p in points) - min(p for _, p in points) if points else 99
    print(f"  {name}: decimal points of column {col} within {spread:.3f} pt: "
          + ", ".join(f"{t}@{p:.2f}" for t, p in points))
    check(spread < 0.05, f"{name}: decimal points of column {col} spread over {spread:.2f} pt: {points}")


def render(md, pdf, *extra):
    r = run(BRIEF, "render", md, "-o", pdf, *extra)
    check(r.returncode == 0 and os.path.exists(pdf), f"render {md}: {r.stderr}")
    return r


def test_tables(tmp):
    pdf = os.path.join(tmp, "tables.pdf")
    r = render(DATA, pdf)
    if r.returncode:
        return
    check(r.stderr == "", f"no warnings: {r.stderr}")
    src = source_tables(DATA)
    laid = pdf_tables(pdf)
    if not check(len(src) == 3 and len(laid) == 3, f"three tables: {len(src)} in the text, {len(laid)} on the PDF"):
        return
    stats = check_table("statistics", src[0], laid[0], remark=(1, 6))
    check_table("url", src[1], laid[1])
    check_table("整改清单", src[2], laid[2])
    check(len(src[2]) == 24, f"the 整改清单 has 23 rows and a header: {len(src[2])}")
    # A long URL and Latin word break only inside themselves, never taking the numbers' room.
    url_rows = [cells for _, _, cells in laid[1]["rows"]]
    check(len(url_rows[1][3]) > 1, f"the URL wraps in its cell: {url_rows[1][3]}")
    check(all(len(row[2]) == 1 for row in url_rows[1:]), f"the amounts are whole: {[row[2] for row in url_rows]}")
    check(stats and stats[0][0] == ["序号"] and url_rows[0][0] == ["序号"], "序号 on one line")
    check_decimals("statistics", src[0], laid[0], 4)  # 帮扶资金（万元）: 1,234.5 986.2 1,502 …
    check_decimals("url", src[1], laid[1], 2)         # 金额（万元）: 1,234.5 86.75 -12.5
    # The header repeats on every page the 整改清单 runs onto.
    check(len(laid[2]["chars"]) >= 2, f"the 整改清单 runs onto a second page under its repeated header")


def with_widths(text, comment):
    """tables.md with a widths comment above the statistics table."""
    return text.replace("| 序号 | 乡镇 |", comment + "\n| 序号 | 乡镇 |", 1)


def test_author_widths(tmp):
    text = open(DATA, encoding="utf-8").read()
    md = os.path.join(tmp, "widths.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write(with_widths(text, "<!-- widths: 8% 12% * * * * 30% -->"))
    pdf = os.path.join(tmp, "widths.pdf")
    r = render(md, pdf)
    if r.returncode:
        return
    check("HTML" not in r.stderr and "widths" not in r.stderr, f"the widths comment is consumed: {r.stderr}")
    laid = pdf_tables(pdf)
    xs = laid[0]["xs"]
    total = xs[-1] - xs[0]
    got = [(b - a) / total for a, b in zip(xs, xs[1:])]
    check(abs(got[0] - 0.08) < 0.002 and abs(got[1] - 0.12) < 0.002 and abs(got[6] - 0.30) < 0.002,
          f"widths 8% 12% … 30% on the PDF: {[f'{g:.3f}' for g in got]}")
    check(abs(total - (AREA[1] - AREA[0])) < 0.5, f"still the full measure: {total:.1f} pt")
    check("widths" not in run(BRIEF, "text", md).stdout, "the comment is not text")
    # The layout's table_widths: by header text.
    layout = os.path.join(tmp, "wide-remarks.yaml")
    with open(os.path.join(ROOT, "layouts", "official.yaml"), encoding="utf-8") as f:
        spec = f.read()
    with open(layout, "w", encoding="utf-8") as f:
        f.write(spec.rstrip("\n") + "\ntable_widths: {备注: 35%, 存在问题: 30mm}\n")
    pdf2 = os.path.join(tmp, "layout-widths.pdf")
    if render(DATA, pdf2, "--layout", layout).returncode:
        return
    laid = pdf_tables(pdf2)
    xs = laid[0]["xs"]
    check(abs((xs[7] - xs[6]) / (xs[-1] - xs[0]) - 0.35) < 0.002, f"备注 at 35% by the layout: {xs}")
    xs = laid[2]["xs"]
    check(abs((xs[2] - xs[1]) - 30 * MM) < 0.3, f"存在问题 30 mm by the layout: {(xs[2] - xs[1]) / MM:.2f} mm")
    # Too narrow for a number or label: a warning naming the column.
    narrow = os.path.join(tmp, "narrow.md")
    with open(narrow, "w", encoding="utf-8") as f:
        f.write(with_widths(text, "<!-- widths: 4% * * * * * * -->"))
    r = render(narrow, os.path.join(tmp, "narrow.pdf"))
    check("warning: column 1 (序号)" in r.stderr, f"a too narrow width is a warning: {r.stderr}")


def test_bad_widths(tmp):
    text = open(DATA, encoding="utf-8").read()
    line = text.splitlines().index("| 序号 | 乡镇 | 贫困人口（人） | 贫困发生率（%） | 帮扶资金（万元） | 驻村工作队（支） | 备注 |") + 1
    cases = [("<!-- widths: 8% 1x * * * * 30% -->", "'1x' is not a column width"),
             ("<!-- widths: 8% 12% * 30% -->", "4 column widths for a table of 7 columns"),
             ("<!-- widths: 50% 40% 20% * * * * -->", "add up to 110%")]
    for i, (comment, message) in enumerate(cases):
        md = os.path.join(tmp, f"bad{i}.md")
        with open(md, "w", encoding="utf-8") as f:
            f.write(with_widths(text, comment))
        pdf = os.path.join(tmp, f"bad{i}.pdf")
        r = run(BRIEF, "render", md, "-o", pdf)
        check(r.returncode != 0 and not os.path.exists(pdf), f"{comment}: fails without a PDF")
        check(f"{md}:{line}:1: error: " in r.stderr and message in r.stderr, f"{comment}: {r.stderr}")
    bad = os.path.join(tmp, "bad-layout.yaml")
    with open(os.path.join(ROOT, "layouts", "official.yaml"), encoding="utf-8") as f:
        spec = f.read()
    with open(bad, "w", encoding="utf-8") as f:
        f.write(spec.rstrip("\n") + "\ntable_widths: {备注: wide}\n")
    r = run(BRIEF, "render", DATA, "-o", os.path.join(tmp, "x.pdf"), "--layout", bad)
    check(r.returncode != 0 and "'wide' is not a column width" in r.stderr and bad + ":" in r.stderr,
          f"a bad table_widths value: {r.stderr}")


def test_overfull(tmp):
    """Eight columns of four-character headers need more than the measure:
    a warning, and still no number or date split."""
    heads = ["序号", "项目名称", "主要内容", "责任单位", "金额（万元）", "完成时限", "进度（%）", "备注说明"]
    rows = [["1", "中药材基地", "新建标准化种植基地", "县农牧局", "1,234.5", "2017年12月", "85.5", "省级专项"],
            ["2", "电商服务站", "培育网店", "县商务局", "86.75", "2017年6月", "100", "—"]]
    md = os.path.join(tmp, "overfull.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write("# 大表\n\n" + "\n".join("| " + " | ".join(r) + " |" for r in
                                          [heads, ["---"] * 8] + rows) + "\n")
    pdf = os.path.join(tmp, "overfull.pdf")
    r = render(md, pdf)
    if r.returncode:
        return
    check("warning: the table's 8 columns need" in r.stderr, f"an overfull table warns: {r.stderr}")
    laid = pdf_tables(pdf)
    body = [cells for _, _, cells in laid[0]["rows"]][1:]
    split = [(text, lines) for src, cells in zip(rows, body) for text, lines in zip(src, cells)
             if any(not any(m.group(0) in line for line in lines) for m in NUMBER.finditer(text))]
    check(len(body) == 2 and not split, f"numbers and dates whole in an overfull table: {split or body}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for t in (test_tables, test_overfull, test_author_widths, test_bad_widths):
            test(t, tmp)
    sys.exit(checks.report())


main()
