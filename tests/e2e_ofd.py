#!/usr/bin/env python3
"""End-to-end tests of the OFD output (GB/T 33190-2016): the package's
structure and required elements, its text against `brief text`, identical
bytes on a second run, the booklet, errors, and page 1 of every example
rendered by an independent reader (ofd.js in headless Chromium) compared
with poppler's rendering of the PDF of the same brief.
Arguments: BRIEF ROOT. Prints "N passed, N failed"."""
import difflib, glob, os, re, shutil, subprocess, sys, tempfile, zipfile

import xml.etree.ElementTree as ET

from lib import checks, paths
from lib.checks import check, run, test
from lib.pdf import page_count, renderer

BRIEF, ROOT = paths.from_argv()
INPUT, FIGURES = paths.examples(ROOT)
render = renderer(BRIEF, FIGURES)
NS = "http://www.ofdspec.org/2016"
Q = lambda name: "{%s}%s" % (NS, name)
NODE_MODULES = os.path.join(ROOT, "build", "npm-ofd", "node_modules")
RENDERER = os.path.join(ROOT, "tests", "ofd_render.js")
# Page 1 as ofd.js draws it against poppler's rendering of the PDF: the
# correlation of ink density on a grid of 8x8-pixel cells, about 2 mm at
# 96 dpi (1.0 = the same picture; the cells absorb the two rasterisers'
# different hinting and anti-aliasing). The same page scores 0.93-0.99 on
# the examples, a different brief's page 1 about 0 (checked below): the
# threshold sits well between.
SIMILARITY_THRESHOLD = 0.85
RENDER_WIDTH = 794  # CSS pixels for A4's 210 mm: 96 dpi


def expand_delta(s):
    """DeltaX/DeltaY values with the "g N v" repetition expanded."""
    out, parts = [], (s or "").split()
    i = 0
    while i < len(parts):
        if parts[i] == "g":
            out += [float(parts[i + 2])] * int(parts[i + 1])
            i += 3
        else:
            out.append(float(parts[i]))
            i += 1
    return out


class Package:
    """An OFD file read as GB/T 33190 says: OFD.xml → DocRoot → Document.xml → resources and pages."""

    def __init__(self, path):
        self.zip = zipfile.ZipFile(path)
        self.names = self.zip.namelist()
        self.ofd = self.xml("OFD.xml")
        root = self.ofd.find(f"{Q('DocBody')}/{Q('DocRoot')}")
        self.doc_root = root.text if root is not None else ""
        self.base = os.path.dirname(self.doc_root)
        self.doc = self.xml(self.doc_root)
        common = self.doc.find(Q("CommonData"))
        self.common = common
        self.public_res = self.res(common.find(Q("PublicRes")))
        self.document_res = self.res(common.find(Q("DocumentRes")))
        self.pages = []
        for p in self.doc.findall(f"{Q('Pages')}/{Q('Page')}"):
            self.pages.append((p.get("ID"), self.xml(self.join(self.base, p.get("BaseLoc")))))

    @staticmethod
    def join(base, rel):
        return os.path.normpath(os.path.join(base, rel)).replace(os.sep, "/")

    def xml(self, name):
        return ET.fromstring(self.zip.read(name))

    def res(self, el):
        if el is None:
            return None, None
        path = self.join(self.base, el.text)
        tree = self.xml(path)
        return tree, self.join(os.path.dirname(path), tree.get("BaseLoc", ""))

    def text_codes(self):
        return [[tc for tc in page.iter(Q("TextCode"))] for _, page in self.pages]

    def text(self):
        return "".join(tc.text or "" for page in self.text_codes() for tc in page)


def check_structure(path, what):
    try:
        pkg = Package(path)
    except Exception as e:  # a missing entry or bad XML: the package is broken
        check(False, f"{what}: OFD package does not read as GB/T 33190: {e!r}")
        return None
    check(pkg.names[0] == "OFD.xml", f"{what}: OFD.xml is the first entry: {pkg.names[:3]}")
    check(pkg.ofd.get("DocType") == "OFD" and pkg.ofd.get("Version") == "1.0", f"{what}: OFD DocType/Version")
    info = pkg.ofd.find(f"{Q('DocBody')}/{Q('DocInfo')}")
    check(info is not None and re.fullmatch(r"[0-9a-f]{32}", info.findtext(Q("DocID")) or ""),
          f"{what}: DocInfo with a 32-digit DocID")
    box = pkg.common.findtext(f"{Q('PageArea')}/{Q('PhysicalBox')}")
    check(box == "0 0 210 297", f"{what}: page area A4 in mm: {box}")
    max_id = int(pkg.common.findtext(Q("MaxUnitID")) or 0)
    public, public_base = pkg.public_res
    docres, docres_base = pkg.document_res
    check(public is not None and docres is not None, f"{what}: PublicRes.xml and DocumentRes.xml")
    fonts = {}
    for f in public.iter(Q("Font")):
        file = pkg.join(public_base, f.findtext(Q("FontFile")))
        data = pkg.zip.read(file) if file in pkg.names else b""
        fonts[f.get("ID")] = data
        # TrueType (.ttf) or, for Noto CJK, OpenType with CFF outlines (.otf)
        kind = {".ttf": (b"\0\1\0\0", b"true"), ".otf": (b"OTTO",)}.get(os.path.splitext(file)[1], ())
        check(data[:4] in kind, f"{what}: font {f.get('ID')} is an embedded font file of its kind {file}")
    check(len(fonts) >= 1, f"{what}: fonts in PublicRes")
    cs = [c.get("ID") for c in public.iter(Q("ColorSpace"))]
    check(pkg.common.findtext(Q("DefaultCS")) in cs, f"{what}: the default colour space is declared")
    media = {}
    for m in docres.iter(Q("MultiMedia")):
        file = pkg.join(docres_base, m.findtext(Q("MediaFile")))
        media[m.get("ID")] = file
        check(file in pkg.names, f"{what}: image file {file} in the package")
    ids, bad = [], []
    for el in [pkg.doc, public, docres] + [p for _, p in pkg.pages]:
        ids += [int(e.get("ID")) for e in el.iter() if e.get("ID") is not None]
    check(len(ids) == len(set(ids)) and max(ids) <= max_id, f"{what}: object IDs unique and at most MaxUnitID")
    for pid, page in pkg.pages:
        check(page.find(f"{Q('Content')}/{Q('Layer')}") is not None, f"{what}: page {pid} has a content layer")
        for t in page.iter(Q("TextObject")):
            codes = t.findall(Q("TextCode"))
            if not (t.get("Boundary") and t.get("Font") in fonts and float(t.get("Size", 0)) > 0
                    and t.find(Q("FillColor")) is not None and codes):
                bad.append(("TextObject attributes", t.attrib))
                continue
            for tc in codes:
                n = len(tc.text or "")
                deltas = expand_delta(tc.get("DeltaX"))
                w = float(t.get("Boundary").split()[2])
                if tc.get("X") is None or tc.get("Y") is None or len(deltas) != n - 1:
                    bad.append(("TextCode X/Y/DeltaX for every glyph", tc.attrib, tc.text))
                elif float(tc.get("X")) + sum(deltas) > w:
                    bad.append(("glyphs outside the Boundary", tc.attrib, tc.text))
        for p in page.iter(Q("PathObject")):
            if not p.get("Boundary") or not (p.findtext(Q("AbbreviatedData")) or "").startswith("M "):
                bad.append(("PathObject", p.attrib))
        for i in page.iter(Q("ImageObject")):
            if i.get("ResourceID") not in media or not i.get("CTM"):
                bad.append(("ImageObject", i.attrib))
    check(not bad, f"{what}: {len(bad)} malformed page objects: {bad[:3]}")
    return pkg


def check_text(pkg, md, pdf, what, layout="official", figures=FIGURES):
    """The concatenated TextCode is the text poppler reads from the PDF of
    the same brief, character for character (whitespace aside), and holds
    all of `brief text` in order: nothing lost or changed. What the page
    adds to the source (page numbers, masthead, 版记, chart labels, repeated
    table headers) is in both."""
    got = re.sub(r"\s", "", pkg.text())
    shown = re.sub(r"\s", "", run("pdftotext", "-raw", pdf, "-").stdout)
    check(got == shown, f"{what}: TextCode differs from the PDF's text: "
          f"{[(op, shown[a:b][:40], got[c:d][:40]) for op, a, b, c, d in difflib.SequenceMatcher(None, shown, got, autojunk=False).get_opcodes() if op != 'equal'][:3]}")
    args = [BRIEF, "text", md, "--layout", layout] + (["--figures", figures] if figures else [])
    src = re.sub(r"\s", "", run(*args).stdout)
    ops = difflib.SequenceMatcher(None, src, got, autojunk=False).get_opcodes()
    lost = [(src[a:b][:40], got[c:d][:40]) for op, a, b, c, d in ops if op in ("delete", "replace")]
    check(src and not lost, f"{what}: `brief text` missing or changed in TextCode: {lost[:3]}")


def test_example(md, layout, tmp, pairs):
    name = os.path.splitext(os.path.basename(md))[0]
    base = os.path.join(tmp, f"{name}-{layout}")
    r = render(md, base + ".pdf", "--layout", layout, "--format", "both")
    what = f"{name} {layout}"
    check(r.returncode == 0 and os.path.exists(base + ".ofd") and os.path.exists(base + ".pdf"),
          f"{what}: --format both writes the PDF and the OFD: {r.stderr}")
    if r.returncode != 0:
        return
    pkg = check_structure(base + ".ofd", what)
    if pkg:
        pdf_pages = page_count(base + ".pdf")
        check(len(pkg.pages) == pdf_pages, f"{what}: OFD pages {len(pkg.pages)} = PDF pages {pdf_pages}")
        check_text(pkg, md, base + ".pdf", what, layout)
        outline = pkg.doc.findall(f".//{Q('OutlineElem')}")
        check(len(outline) > 0 and all(o.find(f".//{Q('Dest')}").get("PageID") in {p for p, _ in pkg.pages}
                                       for o in outline), f"{what}: outline goes to pages")
    again = base + "-again.ofd"
    # By extension this time, and in another time zone: zip times are local
    # times, the writer keeps them from depending on TZ.
    r2 = run(BRIEF, "render", md, "-o", again, "--figures", FIGURES, "--layout", layout,
             env=dict(os.environ, TZ="Asia/Shanghai"))
    with open(base + ".ofd", "rb") as a, open(again, "rb") as b:
        check(r2.returncode == 0 and a.read() == b.read(), f"{what}: identical OFD bytes on a second run (TZ too)")
    pairs.append((what, base + ".ofd", base + ".pdf", 1))


def test_features(tmp, pairs):
    """Images, links, outline, document info and every element in OFD."""
    md = os.path.join(tmp, "features.md")
    shutil.copy(os.path.join(ROOT, "tests", "data", "features.md"), md)
    seed = os.path.join(tmp, "seed.pdf")
    render(sorted(glob.glob(os.path.join(INPUT, "*.md")))[0], seed)
    for kind in ("-png", "-jpeg"):
        run("pdftoppm", "-r", "20", "-f", "1", "-l", "1", kind, "-singlefile", seed, os.path.join(tmp, "picture"))
    out = os.path.join(tmp, "features.ofd")
    r = render(md, out[:-4] + ".pdf", "--format", "both")
    check(r.returncode == 0, f"features OFD render: {r.stderr}")
    pkg = check_structure(out, "features") if r.returncode == 0 else None
    if not pkg:
        return
    check_text(pkg, md, out[:-4] + ".pdf", "features")
    with_images = [i + 1 for i, (_, p) in enumerate(pkg.pages) if p.find(f".//{Q('ImageObject')}") is not None]
    if with_images:  # the page with the PNG and the JPEG, drawn by ofd.js too
        pairs.append((f"features page {with_images[0]}", out, out[:-4] + ".pdf", with_images[0]))
    formats = sorted(m.get("Format") for m in pkg.document_res[0].iter(Q("MultiMedia")))
    check(formats == ["JPEG", "PNG"], f"features: a PNG and a JPEG as MultiMedia: {formats}")
    uris = [u.get("URI") for _, p in pkg.pages for u in p.iter(Q("URI"))]
    check(any("www.gov.cn" in u for u in uris), f"features: the link is a page action: {uris}")
    regions = [a for _, p in pkg.pages for a in p.iter(Q("Action")) if a.find(Q("Region")) is not None]
    check(len(regions) == len(uris), "features: every link action has its region")
    info = pkg.ofd.find(f"{Q('DocBody')}/{Q('DocInfo')}")
    check((info.findtext(Q("Title")) or "").startswith("功能样张") and info.findtext(Q("Author")) == "测试单位"
          and info.findtext(Q("Subject")) == "陇西县" and info.find(Q("Keywords")) is not None
          and re.fullmatch(r"\d{4}-\d\d-\d\d", info.findtext(Q("CreationDate")) or ""), "features: DocInfo")
    names = {f.get("FontName") for f in pkg.public_res[0].iter(Q("Font"))}
    check(any("Mono" in n for n in names) and any("WenKai" in n for n in names), f"features: fonts {names}")
    bold = [t for _, p in pkg.pages for t in p.iter(Q("TextObject")) if t.get("Stroke") == "true"]
    check(all(t.find(Q("StrokeColor")) is not None and t.get("LineWidth") for t in bold),
          "features: fake bold is fill and stroke")
    # The same brief from another folder (its images beside it): the same bytes, DocID included.
    moved = os.path.join(tmp, "moved", "elsewhere")
    os.makedirs(moved)
    for f in ("features.md", "picture.png", "picture.jpg"):
        shutil.copy(os.path.join(tmp, f), moved)
    r = run(BRIEF, "render", os.path.join(moved, "features.md"), "-o", os.path.join(moved, "features.ofd"),
            "--figures", FIGURES)
    with open(out, "rb") as a, open(os.path.join(moved, "features.ofd"), "rb") as b:
        check(r.returncode == 0 and a.read() == b.read(), "features: the same OFD bytes from another folder")


def test_booklet(tmp):
    batch = paths.copy_examples(ROOT, os.path.join(tmp, "batch"))
    out = os.path.join(tmp, "out")
    r = run(BRIEF, "batch", batch, "-o", out, "--booklet", os.path.join(out, "汇编.pdf"), "--format", "both")
    good = len(glob.glob(os.path.join(INPUT, "*.md")))
    check(r.returncode == 0, f"batch --format both: {r.stderr}")
    ofds = glob.glob(os.path.join(out, "*.ofd"))
    check(len(ofds) == good + 1 and len(glob.glob(os.path.join(out, "*.pdf"))) == good + 1,
          f"batch wrote every brief and the booklet as OFD and PDF: {sorted(os.listdir(out)) if os.path.isdir(out) else r.stderr}")
    book = os.path.join(out, "汇编.ofd")
    pkg = check_structure(book, "booklet") if os.path.exists(book) else None
    if pkg:
        pdf_pages = page_count(os.path.join(out, "汇编.pdf"))
        check(len(pkg.pages) == pdf_pages, f"booklet OFD pages {len(pkg.pages)} = PDF pages {pdf_pages}")
        flat = lambda t: re.sub(r"\s", "", t)
        whole = flat(pkg.text())
        # The booklet prints its own continuous page numbers (— 17 —) instead of the briefs'.
        folio = lambda t: re.sub(r"—\d+—", "", t)
        texts = [folio(flat(Package(f).text())) for f in sorted(ofds) if f != book]
        check(texts and all(t in folio(whole) for t in texts), "booklet OFD holds the text of every brief")
        pdf_text = flat(run("pdftotext", "-raw", os.path.join(out, "汇编.pdf"), "-").stdout)
        check(whole == pdf_text, "booklet OFD: the same text as the booklet PDF (cover, 目录, page numbers)")
        # The 目录's links go to each county's first page, as its outline entry does (no empty URI).
        ids = [pid for pid, _ in pkg.pages]
        actions = [a for _, page in pkg.pages for a in page.iter(Q("Action"))]
        dests = [a.find(f"{Q('Goto')}/{Q('Dest')}") for a in actions]
        links = [ids.index(d.get("PageID")) for d in dests if d is not None and d.get("PageID") in ids]
        empty = [a for a in actions if a.find(Q("URI")) is not None and not a.find(Q("URI")).get("URI")]
        tops = [ids.index(e.find(f"{Q('Actions')}/{Q('Action')}/{Q('Goto')}/{Q('Dest')}").get("PageID"))
                for e in pkg.doc.findall(f"{Q('Outlines')}/{Q('OutlineElem')}")]
        check(not empty and len(links) == good and links == tops[-good:],
              f"booklet OFD: the 目录 links go to each county's first page ({links} against the outline's {tops}; "
              f"{len(empty)} empty URIs)")
    only = os.path.join(tmp, "only-ofd")
    r = run(BRIEF, "batch", batch, "-o", only, "--format", "ofd")
    check(r.returncode == 0 and len(glob.glob(os.path.join(only, "*.ofd"))) == good
          and not glob.glob(os.path.join(only, "*.pdf")), "batch --format ofd writes OFD only")


def test_numbered(tmp):
    """Numbered copies (份号) in OFD: the pages once per copy, as in the PDF."""
    md = sorted(glob.glob(os.path.join(INPUT, "*.md")))[0]
    base = os.path.join(tmp, "numbered")
    r = render(md, base + ".pdf", "--numbered", "1-3", "--format", "both")
    check(r.returncode == 0, f"numbered copies as OFD: {r.stderr}")
    pkg = check_structure(base + ".ofd", "numbered") if r.returncode == 0 else None
    if not pkg:
        return
    pdf_pages = page_count(base + ".pdf")
    check(len(pkg.pages) == pdf_pages, f"numbered: OFD pages {len(pkg.pages)} = PDF pages {pdf_pages}")
    got = re.sub(r"\s", "", pkg.text())
    check(got == re.sub(r"\s", "", run("pdftotext", "-raw", base + ".pdf", "-").stdout),
          "numbered: TextCode is the PDF's text, copy numbers included")
    tops = [e.get("Title") for e in pkg.doc.findall(f"{Q('Outlines')}/{Q('OutlineElem')}")]
    check(len(tops) == 3, f"numbered: a bookmark per copy: {tops}")


def test_beyond_bmp(tmp):
    """Characters beyond the BMP (𬌗 𫖯) and Noto's full-em dash reach their
    glyphs through Private Use codes in the subset: TextCode carries the real
    characters, and a CGTransform names the glyph for each of them."""
    md = os.path.join(tmp, "nonbmp.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write("---\ntitle: 王𬌗村调研\n---\n\n村支书王𬌗和𫖯同志带领群众——脱贫。\n")
    out = os.path.join(tmp, "nonbmp.ofd")
    r = run(BRIEF, "render", md, "-o", out)
    if not check(r.returncode == 0, f"non-BMP OFD render: {r.stderr}"):
        return
    pkg = Package(out)
    text = pkg.text()
    check("王𬌗村调研" in text and "王𬌗和𫖯同志" in text and "——" in text,
          f"non-BMP: TextCode holds the real characters: {text!r}")
    check(not re.search("[\ue000-\uf8ff]", text), "non-BMP: no Private Use code in TextCode")
    body = [tc for page in pkg.text_codes() for tc in page if "𫖯" in (tc.text or "")]
    obj = next((o for _, page in pkg.pages for o in page.iter(Q("TextObject"))
                if any("𫖯" in (tc.text or "") for tc in o.iter(Q("TextCode")))), None)
    cg = [] if obj is None else [(int(c.get("CodePosition")), c.findtext(Q("Glyphs"))) for c in obj.iter(Q("CGTransform"))]
    line = body[0].text if body else ""
    want = {line.index("𬌗"), line.index("𫖯"), line.index("——"), line.index("——") + 1}
    check(want <= {p for p, _ in cg} and all(g and g.isdigit() and g != "0" for _, g in cg),
          f"non-BMP: a CGTransform with a glyph at each of {sorted(want)}: {cg}")


def test_errors(tmp):
    md = os.path.join(tmp, "bad.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write("# 标题\n\n正文。\n\n![图](missing.png)\n")
    out = os.path.join(tmp, "bad.ofd")
    r = render(md, out, figures=None)
    check(r.returncode != 0 and "error" in r.stderr and not os.path.exists(out), f"failed OFD render writes nothing: {r.stderr}")
    with open(out, "wb") as f:
        f.write(b"old")
    r = render(md, out, figures=None)
    with open(out, "rb") as f:
        check(r.returncode != 0 and f.read() == b"old", "an existing OFD is untouched by a failed render")
    check(not [n for n in os.listdir(tmp) if ".tmp-" in n], "no temporary file left behind")
    r = run(BRIEF, "render", md, "--format", "xps")
    check(r.returncode == 2 and "--format 'xps'" in r.stderr, f"unknown --format is an error: {r.stderr}")


def read_pgm(path):
    """A binary greyscale PGM (P5, 8 bits): width, height, pixels."""
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():m.end() + w * h]


CELL = 8


def ink(path, size):
    """Ink density (0 white .. 255 black) in CELL x CELL cells of the first size pixels."""
    w, h, px = read_pgm(path)
    cw, ch = size[0] // CELL, size[1] // CELL
    cells = [0] * (cw * ch)
    for y in range(ch * CELL):
        row = px[y * w:y * w + cw * CELL]
        base = (y // CELL) * cw
        for x in range(cw):
            cells[base + x] += CELL * 255 - sum(row[CELL * x:CELL * x + CELL])
    return [c / (CELL * CELL) for c in cells]


def correlation(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    va = sum((x - ma) ** 2 for x in a) ** 0.5
    vb = sum((y - mb) ** 2 for y in b) ** 0.5
    return cov / (va * vb) if va and vb else 0.0


def without_delta_x(src, dst):
    """A copy of an OFD whose TextCodes lost their DeltaX: every glyph of a
    run drawn at its first glyph's place, a positioning defect the
    comparison must catch."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith("Content.xml"):
                data = re.sub(rb' DeltaX="[^"]*"', b"", data)
            zout.writestr(item, data)


def test_render_comparison(tmp, pairs):
    """Page 1 of every example in every layout (and the features page with
    images): ofd.js's rendering of the OFD against poppler's of the PDF,
    scaled to the same size."""
    ok = check(os.path.isdir(os.path.join(NODE_MODULES, "ofd.js")) and os.path.isdir(os.path.join(NODE_MODULES, "puppeteer-core")),
               f"ofd.js and puppeteer-core installed in {NODE_MODULES} (scripts/install-deps.sh)")
    if not ok or not pairs:
        return
    first = next((p for p in pairs if p[0].endswith(" official")), pairs[0])
    broken = os.path.join(tmp, "broken-no-deltax.ofd")
    without_delta_x(first[1], broken)
    pairs = pairs + [("defect: " + first[0] + " without DeltaX", broken, first[2], 1)]
    args = ["node", RENDERER, NODE_MODULES, str(RENDER_WIDTH)]
    for what, ofd, pdf, page in pairs:
        args += [f"{ofd}#{page}", f"{ofd[:-4]}-p{page}.ofdjs.png"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=600)
    import json
    results = [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]
    check(r.returncode == 0 and len(results) == len(pairs), f"ofd.js rendered every OFD: {r.stdout[-600:]} {r.stderr[-600:]}")
    shots = {}
    for (what, ofd, pdf, page), res in zip(pairs, results):
        if "error" in res:
            check(False, f"{what}: ofd.js failed: {res['error'][:300]}")
            continue
        png = res["png"]
        w, h, _ = read_pgm(png[:-4] + ".pgm")
        check(abs(h / w - 297 / 210) < 0.02, f"{what}: ofd.js page has A4 proportions ({w}x{h})")
        ref = os.path.join(tmp, f"{os.path.basename(ofd)[:-4]}-p{page}-poppler")
        run("pdftoppm", "-f", str(page), "-l", str(page), "-gray", "-scale-to-x", str(w), "-scale-to-y", str(h),
            "-singlefile", pdf, ref)
        size = (w - w % CELL, h - h % CELL)
        a, b = ink(png[:-4] + ".pgm", size), ink(ref + ".pgm", size)
        shots[what] = (a, b)
        score = correlation(a, b)
        print(f"render {what}: similarity {score:.3f} (threshold {SIMILARITY_THRESHOLD}) {png}")
        if what.startswith("defect: "):
            check(score < SIMILARITY_THRESHOLD, f"the comparison catches {what}: {score:.3f}")
            continue
        check(score >= SIMILARITY_THRESHOLD, f"{what}: ofd.js page {page} vs poppler page {page} similarity {score:.3f} < {SIMILARITY_THRESHOLD}")
    # The score must tell pages apart: another brief's page 1 falls well below.
    names = [n for n in shots if n.endswith(" official")]
    for i, what in enumerate(names[:-1]):
        other = names[i + 1]
        score = correlation(shots[what][0], shots[other][1])
        print(f"render {what} vs {other}'s PDF: similarity {score:.3f}")
        check(score < SIMILARITY_THRESHOLD - 0.1, f"the similarity tells {what} from {other}: {score:.3f}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        keep = os.environ.get("BRIEF_OFD_KEEP")  # a folder to keep the renderings in
        work = keep or tmp
        os.makedirs(work, exist_ok=True)
        pairs = []
        examples = sorted(glob.glob(os.path.join(INPUT, "*.md")))
        for md in examples:
            for layout in paths.LAYOUTS:
                if checks.selected(f"test_example/{os.path.splitext(os.path.basename(md))[0]}/{layout}"):
                    test_example(md, layout, work, pairs)
        test(test_features, work, pairs)
        for t in (test_booklet, test_numbered, test_beyond_bmp, test_errors):
            test(t, tmp)
        test(test_render_comparison, work, pairs)  # the pairs the tests above rendered
    sys.exit(checks.report())


if __name__ == "__main__":
    main()
