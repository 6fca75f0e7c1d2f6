#!/usr/bin/env python3
"""Punctuation measured on the PDF (issue 8): tests/data/punctuation.md in
every layout. Glyph origins and advances come from the page content streams
(Td/Tc/Tf/Tj and the fonts' /W widths, decoded by qpdf), the ink from a
pdftoppm raster. Checks, per clreq (#h-punctuation_adjustment_space,
#h-adjustment_of_adjacent_punctuation_marks):
- every full-width mark between two ideographs has its ink on the correct
  half of its cell (closing and pause marks left, opening marks right);
- quotes in Chinese text take a full em, whatever the face;
- two adjacent marks never span more than 1.5 em;
- the faces are the mainland free fonts, and the text comes back exactly.
Then characters beyond the BMP (王𬌗, 𫖯): rendered in body, heading and
table, extracted as themselves, in the outline, in a booklet with another
brief; 𰀀 (in no installed font) still an error. Prints "N passed, N failed"."""
import base64, glob, json, os, re, shutil, struct, sys, tempfile

from lib import checks, paths
from lib.checks import check, run, test
from lib.pdf import MM, check_line_rules, fonts_ok, renderer

BRIEF, ROOT = paths.from_argv()
INPUT, FIGURES = paths.examples(ROOT)
LAYOUTS = paths.LAYOUTS
render = renderer(BRIEF, FIGURES)
SHEET = os.path.join(ROOT, "tests", "data", "punctuation.md")
CLOSING = set("，。、；：？！）】》〉」』〕〗”’")
OPENING = set("（【《〈「『〔〖“‘")
MARKS = CLOSING | OPENING
QUOTES = set("“”‘’")
DPI = 216


def is_han(ch):
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ord(ch) >= 0x20000


def load(pdf):
    out = run("qpdf", "--json=2", "--json-stream-data=inline", "--decode-level=generalized", pdf).stdout
    return json.loads(out)["qpdf"][1]


def widths(objs, font_ref):
    """CID -> advance (1/1000 em) of a Type0 font, and its default width."""
    font = objs["obj:" + font_ref]["value"]
    desc = objs["obj:" + font["/DescendantFonts"][0]]["value"]
    w, table = desc.get("/W", []), {}
    i = 0
    while i < len(w):
        if isinstance(w[i + 1], list):
            for k, v in enumerate(w[i + 1]):
                table[w[i] + k] = v
            i += 2
        else:
            for c in range(w[i], w[i + 1] + 1):
                table[c] = w[i + 2]
            i += 3
    return table, desc.get("/DW", 1000), font["/BaseFont"]


def glyphs(pdf):
    """Per page: a list of glyphs (char, x, y, advance, size, font name)."""
    objs = load(pdf)
    pages = [v["value"] for v in objs.values()
             if isinstance(v.get("value"), dict) and v["value"].get("/Type") == "/Page"]
    result = []
    for page in pages:
        fonts = {name: widths(objs, ref) for name, ref in page["/Resources"].get("/Font", {}).items()}
        data = base64.b64decode(objs["obj:" + page["/Contents"]]["stream"]["data"]).decode("latin1")
        # ActualText strings are not shown text: drop the marked-content operands.
        data = re.sub(r"/Span<<.*?>>BDC", "", data)
        out, stack = [], []
        lx = ly = x = y = tc = size = 0
        font = None
        for tok in re.findall(r"<[0-9A-Fa-f]*>|/[^\s/<\[\(]+|-?\d+\.?\d*|[A-Za-z*']+", data):
            if tok == "BT":
                lx = ly = x = y = 0
            elif tok == "Td":
                ty, tx = float(stack.pop()), float(stack.pop())
                lx, ly = lx + tx, ly + ty
                x, y = lx, ly
            elif tok == "Tc":
                tc = float(stack.pop())
            elif tok == "Tf":
                size, font = float(stack.pop()), fonts.get(stack.pop())
            elif tok == "Tj":
                hexs = stack.pop()[1:-1]
                for k in range(0, len(hexs), 4):
                    code = int(hexs[k:k + 4], 16)
                    table, dw, name = font
                    adv = table.get(code, dw) / 1000 * size
                    out.append((chr(code), x, y, adv, size, name))
                    x += adv + tc
            elif re.fullmatch(r"[A-Za-z*']+", tok):
                stack = []
            else:
                stack.append(tok)
        result.append(out)
    return result


def lines_of(page, right_edge):
    """Glyphs by baseline, split where a gap of more than an em separates
    them (table cells side by side). Full lines (ending at the type area's
    right edge) are left out: they may be squeezed or stretched, which
    legitimately changes the marks' cells; the rule checks cover them."""
    rows = {}
    for g in page:
        rows.setdefault(round(g[2], 1), []).append(g)
    out = []
    for row in rows.values():
        row.sort(key=lambda g: g[1])
        seg = [row[0]]
        for g in row[1:]:
            if g[1] - (seg[-1][1] + seg[-1][3]) > g[4]:
                out.append(seg)
                seg = []
            seg.append(g)
        out.append(seg)
    return [s for s in out if s[-1][1] + s[-1][3] < right_edge - 0.3 * s[-1][4]]


def raster(pdf, page):
    """The page as (width, height, bytes) of an 8-bit grey raster at DPI."""
    with tempfile.TemporaryDirectory() as d:
        run("pdftoppm", "-r", str(DPI), "-gray", "-f", str(page), "-l", str(page), pdf, os.path.join(d, "p"))
        name = [f for f in os.listdir(d)][0]
        raw = open(os.path.join(d, name), "rb").read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", raw)
    return int(m.group(1)), int(m.group(2)), raw[m.end():]


def ink_columns(img, page_h, x0, x1, base, size):
    """Columns (in pt from x0) with dark pixels in the em box at baseline base."""
    w, h, px = img
    s = DPI / 72
    top, bottom = int((page_h - base - 0.88 * size) * s), int((page_h - base + 0.12 * size) * s)
    cols = []
    for cx in range(int(x0 * s) + 1, int(x1 * s)):
        if any(px[r * w + cx] < 128 for r in range(max(top, 0), min(bottom, h))):
            cols.append(cx / s - x0)
    return cols


def pitch(line):
    """The advance of an ideograph on this line (em plus tracking and justification)."""
    steps = sorted(b[1] - a[1] for a, b in zip(line, line[1:]) if is_han(a[0]) and is_han(b[0]))
    return steps[len(steps) // 2] if steps else None


RIGHT_EDGE = {"official": (210 - 26) * MM, "briefing": (210 - 26) * MM, "plain": (210 - 25) * MM}


STOPS = set("。？！")


def scheme_of(layout_scheme, tables, size):
    """The scheme a line was set with: tables (四号, 14 pt) may have their own."""
    return tables if tables and abs(size - 14) < 0.01 else layout_scheme


def expected_cell(scheme, ch, em):
    """The room a mark alone between two ideographs takes, less an ideograph's
    own advance on that line: 0 (a full cell) or half an em less."""
    if scheme in ("quanjiao", "plain"):
        return 0
    if scheme == "kaiming" and ch in STOPS:
        return 0
    return -0.5 * em


def check_sheet(pdf, layout, scheme, tables=None, grid=None):
    """Measures the sheet set with scheme (tables: the tables' scheme; grid:
    (left edge, pitch) of the body's character grid, checked when given)."""
    pages = glyphs(pdf)
    page_h = 841.89
    measured = {"ink": 0, "quote": 0, "pair": 0, "grid": 0}
    what = f"{layout}/{scheme}"
    for number, page in enumerate(pages, 1):
        img = None
        if grid:
            check_grid(page, grid, what, number, measured)
        for line in lines_of(page, RIGHT_EDGE[layout]):
            p = pitch(line)
            if p is None:
                continue
            for i in range(1, len(line) - 1):
                ch, x, base, adv, size, font = line[i]
                prev, nxt = line[i - 1], line[i + 1]
                sch = scheme_of(scheme, tables, size)
                # A mark alone between two ideographs: its cell is what they leave.
                if ch not in MARKS or not is_han(prev[0]) or not is_han(nxt[0]):
                    continue
                cell0, cell1 = prev[1] + p, nxt[1]
                want = p + expected_cell(sch, ch, size)
                if ch in QUOTES:
                    measured["quote"] += 1
                check(abs((cell1 - cell0) - want) < 0.06 * size,
                        f"{what} p{number}: {prev[0]}{ch}{nxt[0]} cell {(cell1 - cell0) / size:.2f} em, "
                        f"expected {want / size:.2f} ({sch}, an ideograph's is {p / size:.2f} em, {font})")
                img = img or raster(pdf, number)
                cols = ink_columns(img, page_h, cell0 + 0.02 * size, cell1 - 0.02 * size, base, size)
                cols = [c + 0.02 * size for c in cols]
                if not check(cols, f"{what} p{number}: {ch} has ink"):
                    continue
                measured["ink"] += 1
                span = f"{min(cols) / size:.2f}-{max(cols) / size:.2f} em of {(cell1 - cell0) / size:.2f}"
                if cell1 - cell0 > 0.75 * size:  # a full cell: the ink on its correct half
                    mid = (cell1 - cell0) / 2
                    if ch in CLOSING:
                        check(max(cols) <= mid + 0.05 * size,
                                f"{what} p{number}: {prev[0]}{ch}{nxt[0]} ink on the left half ({font}): {span}")
                    else:
                        check(min(cols) >= mid - 0.05 * size,
                                f"{what} p{number}: {prev[0]}{ch}{nxt[0]} ink on the right half ({font}): {span}")
                else:  # a half cell holds all the ink
                    check(min(cols) >= -0.05 * size and max(cols) <= cell1 - cell0 + 0.05 * size,
                            f"{what} p{number}: {prev[0]}{ch}{nxt[0]} ink inside its half cell ({font}): {span}")
            # Two adjacent marks between ideographs.
            for i in range(1, len(line) - 2):
                a, b = line[i], line[i + 1]
                if not (a[0] in MARKS and b[0] in MARKS and is_han(line[i - 1][0]) and is_han(line[i + 2][0])):
                    continue
                if not (a[0] in CLOSING or b[0] in OPENING):
                    continue
                em, sch = a[4], scheme_of(scheme, tables, a[4])
                span = line[i + 2][1] - (line[i - 1][1] + p)
                measured["pair"] += 1
                text = f"{what} p{number}: {line[i - 1][0]}{a[0]}{b[0]}{line[i + 2][0]} spans {span / em:.2f} em"
                if sch == "quanjiao":
                    check(span <= 2 * p - 0.5 * em + 0.02 * em, text + " (1.5 at most)")
                else:
                    want = 2 * p + expected_cell(sch, a[0], em) + expected_cell(sch, b[0], em)
                    check(abs(span - want) < 0.03 * em, text + f" (expected {want / em:.2f})")
    print(f"  punctuation {what}: {measured['ink']} marks' ink, {measured['quote']} quotes, "
          f"{measured['pair']} pairs, {measured['grid']} body glyphs on the grid")
    check(measured["ink"] >= 40 and measured["quote"] >= 10 and measured["pair"] >= 12,
            f"{what}: enough cases measured {measured}")
    if grid:
        check(measured["grid"] >= 300, f"{what}: enough glyphs on the grid {measured['grid']}")
        # The line of 26 hanzi after the indent and a comma: the comma hangs
        # past the type area rather than pulling the line off the grid.
        check(measured.get("hanging", 0) >= 1, f"{what}: a closing mark hangs at a line end {measured}")


def check_grid(page, grid, what, number, measured):
    """Body lines (the grid's pitch between ideographs): every glyph origin
    at a whole number of cells from the left margin, up to the first Latin
    letter or digit; a mark hanging past the last cell included."""
    left, cell = grid
    rows = {}
    for g in page:
        rows.setdefault(round(g[2], 1), []).append(g)
    for row in rows.values():
        row.sort(key=lambda g: g[1])
        if abs(row[0][4] - 16) > 0.01 or len(row) < 4:
            continue
        if min(abs(row[0][1] - left), abs(row[0][1] - left - 2 * cell)) > 0.5:
            continue  # list items and quotes start at their own margins
        steps = [b[1] - a[1] for a, b in zip(row, row[1:]) if is_han(a[0]) and is_han(b[0])]
        if not steps or abs(sorted(steps)[len(steps) // 2] - cell) > 0.01:
            continue  # not a body line (headings are set without the grid's tracking)
        off = []
        for g in row:
            if g[0].isascii() and g[0].isalnum():
                break
            k = (g[1] - left) / cell
            measured["grid"] += 1
            if abs(k - round(k)) > 0.02:
                off.append(f"{g[0]}@{k:.2f}")
        text = "".join(g[0] for g in row)
        check(not off, f"{what} p{number}: body glyphs off the 28-column grid: {off[:4]} in {text[:20]}")
        if row[-1][1] + row[-1][3] > RIGHT_EDGE["official"] + 1 and row[-1][0] in CLOSING:
            measured.setdefault("hanging", 0)
            measured["hanging"] += 1


SCHEMES = ["quanjiao", "banjiao", "kaiming", "plain"]
DEFAULTS = {"official": ("plain", "banjiao"), "briefing": ("kaiming", "banjiao"), "plain": ("quanjiao", None)}


def scheme_layout(tmp, scheme):
    """layouts/official.yaml with every role in one scheme."""
    src = open(os.path.join(ROOT, "layouts", "official.yaml"), encoding="utf-8").read()
    src = re.sub(r", punctuation: \w+", "", src)
    src = re.sub(r"^punctuation: \w+$", f"punctuation: {scheme}", src, flags=re.M)
    path = os.path.join(tmp, f"official-{scheme}.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(src)
    return path


def test_schemes(tmp):
    """Issue 13: the sheet in each scheme, advances measured on the PDF; the
    plain scheme keeps every body glyph on the official grid."""
    grid = (28 * MM, 156 * MM / 28)
    for scheme in SCHEMES:
        pdf = os.path.join(tmp, f"scheme-{scheme}.pdf")
        r = render(SHEET, pdf, "--layout", scheme_layout(tmp, scheme), figures=None)
        if not check(r.returncode == 0, f"render the sheet in {scheme}: {r.stderr}"):
            continue
        check(fonts_ok(pdf) and run("qpdf", "--check", pdf).returncode == 0, f"{scheme}: sound PDF")
        src = run(BRIEF, "text", SHEET).stdout
        flat = re.sub(r"\s", "", page_text(pdf))
        check(all(re.sub(r"\s", "", b) in flat for b in source_lines(src)), f"{scheme}: text comes back")
        check_line_rules(BRIEF, pdf, SHEET, "official", FIGURES)
        check_sheet(pdf, "official", scheme, grid=grid if scheme == "plain" else None)
    # A bad scheme is an error naming the allowed ones.
    bad = scheme_layout(tmp, "quanjiao").replace("quanjiao", "bad")
    with open(bad, "w", encoding="utf-8") as f:
        f.write(open(scheme_layout(tmp, "quanjiao"), encoding="utf-8").read().replace("punctuation: quanjiao", "punctuation: full"))
    r = render(SHEET, os.path.join(tmp, "bad.pdf"), "--layout", bad, figures=None)
    check(r.returncode != 0 and re.search(r"'punctuation' must be one of: quanjiao, banjiao, kaiming, plain; got 'full'", r.stderr),
            f"a bad scheme is an error: {r.stderr}")


STRETCHED = ("各单位选派75名年轻后备干部到共建村任职，帮助理清发展思路178条，协调落实发展项目253个。"
             "为共建村培养有知识的文化人、懂技术的内行人、会经营的明白人1015名，把517名党员培养成致富带头人，"
             "把209名致富带头人培养成党员，培养实用技术人才8800人。")


def test_grid_line_stretch(tmp):
    """A justified line on the official grid that cannot be filled (明白人1015名，把 | 517名: two
    cells short) spreads its space between all its characters (clreq #h-line_adjustment),
    not into four holes around the number; no gap between two glyphs opens by more than the
    CJK-Latin quarter em and a little. Lines that are only a little short keep the grid
    (test_schemes)."""
    md = os.path.join(tmp, "stretch.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write("---\ntitle: 伸展\n---\n\n" + STRETCHED + "\n")
    pdf = os.path.join(tmp, "stretch.pdf")
    r = render(md, pdf, "--layout", "official", figures=None)
    if not check(r.returncode == 0, f"render: {r.stderr}"):
        return
    cell = 156 * MM / 28
    rows = {}
    for g in glyphs(pdf)[0]:
        rows.setdefault(round(g[2], 1), []).append(g)
    lines = [sorted(row, key=lambda g: g[1]) for row in rows.values()]
    line = next((row for row in lines if "1015" in "".join(g[0] for g in row)), None)
    if not check(line is not None, "the line with 1015 is found"):
        return
    text = "".join(g[0] for g in line)
    check(text.endswith("把"), f"the line breaks after 把 (517名 does not fit): {text}")
    right = line[-1][1] + line[-1][3]
    check(abs(right - (28 * MM + 156 * MM)) < 0.5, f"the line is justified to the right edge: ends at {right:.1f}")
    gaps = [(b[1] - (a[1] + a[3])) / cell for a, b in zip(line, line[1:])]
    worst = max(gaps)
    check(worst < 0.4, f"no hole in the line: the widest gap is {worst:.2f} cell in {text}")
    han = [gap for (a, b), gap in zip(zip(line, line[1:]), gaps) if is_han(a[0]) and is_han(b[0])]
    check(min(han) > 0.03, f"the space goes between the ideographs too: smallest gap {min(han):.3f} cell")


DECORATION = r"— ?\d+ ?—|\d+ / \d+|.* · .*"


def page_text(pdf):
    """pdftotext -raw without the page decorations (page numbers, running header)."""
    raw = run("pdftotext", "-raw", pdf, "-").stdout
    return "\n".join(l for l in raw.splitlines() if not re.fullmatch(DECORATION, l.strip()))


def source_lines(text):
    """brief text's lines (it shows the pages) without the same decorations."""
    return [l for l in text.splitlines() if not re.fullmatch(DECORATION, l.strip())]


def test_sheet(tmp):
    for layout in LAYOUTS:
        pdf = os.path.join(tmp, f"punct-{layout}.pdf")
        r = render(SHEET, pdf, "--layout", layout, figures=None)
        if not check(r.returncode == 0, f"render punctuation sheet {layout}: {r.stderr}"):
            continue
        check(fonts_ok(pdf) and run("qpdf", "--check", pdf).returncode == 0, f"{layout}: fonts and structure")
        fonts = run("pdffonts", pdf).stdout
        check("NotoSerifCJKsc" in fonts and "NotoSansCJKsc" in fonts and "WenKai" in fonts
                and "UMing" not in fonts and "ZenHei" not in fonts, f"{layout}: mainland faces\n{fonts}")
        src = run(BRIEF, "text", SHEET, "--layout", layout).stdout
        raw = page_text(pdf)
        flat = re.sub(r"\s", "", raw)
        for block in source_lines(src):
            key = re.sub(r"\s", "", block)
            check(key in flat, f"{layout}: text comes back: {block[:30]}")
        # Inside a paragraph no line break is inserted by a compressed pair.
        check("成对标点甲。”乙，“丙？“丁）、戊）。" in raw, f"{layout}: a line of pairs extracts as one line")
        check_line_rules(BRIEF, pdf, SHEET, layout, FIGURES)
        scheme, tables = DEFAULTS[layout]
        check_sheet(pdf, layout, scheme, tables,
                    grid=(28 * MM, 156 * MM / 28) if layout == "official" else None)


def test_example_faces(tmp):
    """`brief fonts` shows each role's file: Debian's packages, Noto CJK's
    .ttc at the SC face (index 2 of JP, KR, SC, TC, HK); pdffonts on every
    example in every layout: only the mainland free faces, Noto's as CID
    Type 0C. Returns the TrueType file of LXGW WenKai."""
    report = run(BRIEF, "fonts").stdout
    files, faces = {}, {}
    role = None
    for line in report.splitlines():
        if re.fullmatch(r"[\w-]+:", line):
            role = line[:-1]
        elif role and "/" in line and role not in files:
            m = re.search(r"(\S+) \(face (\d+)\)$", line.rstrip())
            files[role], faces[role] = (m.group(1), int(m.group(2))) if m else (line.split()[-1], 0)
    want = {"fangsong": ("NotoSerifCJK-Regular.ttc", 2, "fonts-noto-cjk"),
            "song": ("NotoSerifCJK-Regular.ttc", 2, "fonts-noto-cjk"),
            "xiaobiaosong": ("NotoSerifCJK-Bold.ttc", 2, "fonts-noto-cjk"),
            "hei": ("NotoSansCJK-Medium.ttc", 2, "fonts-noto-cjk-extra"),
            "kai": ("LXGWWenKai-Regular.ttf", 0, "fonts-lxgw-wenkai"),
            "kai-bold": ("LXGWWenKai-Bold.ttf", 0, "fonts-lxgw-wenkai")}
    for r, (name, index, package) in want.items():
        check(files.get(r, "").endswith(name) and faces.get(r) == index,
                f"brief fonts: {r} resolves to {name} face {index}, got {files.get(r)} face {faces.get(r)}")
        owner = run("dpkg-query", "-S", files.get(r, "-")).stdout.split(":")[0]
        check(owner == package, f"{r}: {files.get(r)} comes from Debian's {package}, not {owner!r}")
    for md in sorted(glob.glob(os.path.join(ROOT, "input", "*.md"))):
        for layout in LAYOUTS:
            pdf = os.path.join(tmp, "faces.pdf")
            render(md, pdf, "--layout", layout)
            rows = run("pdffonts", pdf).stdout.splitlines()[2:]
            names = [r.split()[0] for r in rows]
            other = [n for n in names if not re.search(r"\+(NotoSerifCJKsc|NotoSansCJKsc|LXGWWenKai|DejaVuSansMono)", n)]
            check(names and not other and any("NotoSerifCJKsc-Regular" in n for n in names),
                    f"{os.path.basename(md)} {layout}: faces {names}")
            check(all("CID Type 0C" in r for r in rows if "CJKsc" in r), f"{os.path.basename(md)} {layout}: "
                    f"Noto CJK as CID Type 0C\n" + "\n".join(rows))
            check(fonts_ok(pdf), f"{os.path.basename(md)} {layout}: emb sub uni")
    return files.get("kai", "")


def renamed_font(src, dst, family, ps_name):
    """Copies a TrueType font with a new 'name' table: a stand-in for a
    licensed font (仿宋_GB2312) that a user drops into fonts/."""
    data = open(src, "rb").read()
    n = struct.unpack(">H", data[4:6])[0]
    tables = {}
    for i in range(n):
        tag, _, off, length = struct.unpack(">4sIII", data[12 + 16 * i:28 + 16 * i])
        tables[tag] = data[off:off + length]
    names = [(1, family), (2, "Regular"), (4, family), (6, ps_name)]
    strings, records = b"", b""
    for nid, text in names:
        raw = text.encode("utf-16-be")
        records += struct.pack(">HHHHHH", 3, 1, 0x409, nid, len(raw), len(strings))
        strings += raw
    tables[b"name"] = struct.pack(">HHH", 0, len(names), 6 + 12 * len(names)) + records + strings
    tags = sorted(tables)
    out = bytearray(data[:4] + struct.pack(">H", len(tags)) + data[6:12])
    offset = 12 + 16 * len(tags)
    body = b""
    for tag in tags:
        t_data = tables[tag]
        out += struct.pack(">4sIII", tag, 0, offset + len(body), len(t_data))
        body += t_data + b"\0" * (-len(t_data) % 4)
    with open(dst, "wb") as f:
        f.write(bytes(out) + body)


def test_licensed_font_wins(tmp, truetype):
    """A font called FangSong_GB2312 in the data folder's fonts/ is used for 仿宋
    (a renamed copy of a TrueType font stands in for the licensed one)."""
    data = os.path.join(tmp, "data")
    os.makedirs(os.path.join(data, "fonts"))
    shutil.copytree(os.path.join(ROOT, "layouts"), os.path.join(data, "layouts"))
    shutil.copy(os.path.join(ROOT, "fonts", "fontmap.yaml"), os.path.join(data, "fonts"))
    renamed_font(truetype,
                 os.path.join(data, "fonts", "fangsong-test.ttf"), "FangSong_GB2312", "FangSongGB2312Test")
    report = run(BRIEF, "fonts", "--data", data).stdout
    check(re.search(r"fangsong:\n  FangSong_GB2312 +\S*fangsong-test\.ttf", report),
            f"brief fonts: FangSong_GB2312 from fonts/ comes first\n{report[:400]}")
    pdf = os.path.join(tmp, "gb.pdf")
    r = render(SHEET, pdf, "--data", data, figures=None)
    fonts = run("pdffonts", pdf).stdout
    check(r.returncode == 0 and "FangSongGB2312Test" in fonts and fonts_ok(pdf),
            f"the body is set in the dropped-in FangSong_GB2312: {r.stderr}\n{fonts}")


NONBMP = """---
title: 关于王𬌗同志的报告
county: 陇西县
---

# 一、王𬌗同志基本情况

村主任王𬌗，带领群众脱贫；𫖯字也能打印。全角空格　在此。

| 姓名 | 职务 |
|---|---|
| 王𬌗 | 村主任（𫖯） |
"""


def test_beyond_bmp(tmp):
    md = os.path.join(tmp, "nonbmp.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write(NONBMP)
    pdf = os.path.join(tmp, "nonbmp.pdf")
    r = render(md, pdf, figures=None)
    if not check(r.returncode == 0, f"render 𬌗 𫖯: {r.stderr}"):
        return
    check(fonts_ok(pdf) and run("qpdf", "--check", pdf).returncode == 0, "𬌗 PDF fonts and structure")
    text = run("pdftotext", "-raw", pdf, "-").stdout
    for s in ("王\U0002C317同志基本情况", "村主任王\U0002C317，带领群众脱贫；\U0002B5AF字也能打印。全角空格\u3000在此。",
              "村主任（\U0002B5AF）"):
        check(s in text.replace("\n", ""), f"pdftotext gives back {s!r}")
    check("\ue000" not in text and "\ue001" not in text, "no Private Use code in the extracted text")
    objs = load(pdf)
    titles = [v["value"]["/Title"] for v in objs.values()
              if isinstance(v.get("value"), dict) and "/Title" in v["value"] and "/Parent" in v["value"]]
    check(any("\U0002C317" in ti for ti in titles), f"the outline shows 𬌗: {titles}")
    info = run("pdfinfo", pdf).stdout
    check("关于王\U0002C317同志的报告" in info, "document title with 𬌗")
    # The raster shows the glyph: the body line is not blank where 𬌗 stands.
    check(run("pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", pdf, os.path.join(tmp, "nb")).returncode == 0,
            "raster of 𬌗")
    # A booklet with another brief: the codes of both stay right.
    batch = os.path.join(tmp, "nbbatch")
    os.makedirs(batch)
    with open(os.path.join(batch, "a.md"), "w", encoding="utf-8") as f:
        f.write("---\ntitle: 甲——乙\n---\n\n破折号——在前，𫖯在后。\n")
    with open(os.path.join(batch, "b.md"), "w", encoding="utf-8") as f:
        f.write(NONBMP)
    book = os.path.join(tmp, "nbout", "book.pdf")
    r = run(BRIEF, "batch", batch, "-o", os.path.join(tmp, "nbout"), "--booklet", book)
    check(r.returncode == 0, f"batch with 𬌗: {r.stderr}")
    btext = run("pdftotext", "-raw", book, "-").stdout.replace("\n", "")
    check("破折号——在前，\U0002B5AF在后。" in btext and "村主任王\U0002C317，带领群众" in btext,
            "booklet: dash, 𫖯 and 𬌗 come back from both briefs")
    check(fonts_ok(book) and run("qpdf", "--check", book).returncode == 0, "booklet with 𬌗 is sound")
    # 𰀀 (U+30000, CJK Ext. G) is in no installed font: still an error at its line and column.
    bad = os.path.join(tmp, "bad.md")
    with open(bad, "w", encoding="utf-8") as f:
        f.write("---\ntitle: t\n---\n\n王𬌗和𰀀\n")
    r = render(bad, os.path.join(tmp, "bad.pdf"), figures=None)
    check(r.returncode != 0 and re.search(r"bad\.md:5:4: error: no font has '\U00030000' \(U\+30000\)", r.stderr)
            and not os.path.exists(os.path.join(tmp, "bad.pdf")), f"𰀀 is an error: {r.stderr}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test(test_sheet, tmp)
        test(test_schemes, tmp)
        test(test_grid_line_stretch, tmp)
        kai = test_example_faces(tmp)  # the face test_licensed_font_wins compares with: always found
        test(test_licensed_font_wins, tmp, kai)
        test(test_beyond_bmp, tmp)
    sys.exit(checks.report())


if __name__ == "__main__":
    main()
