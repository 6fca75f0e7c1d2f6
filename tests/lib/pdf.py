"""Reading a PDF back with the real tools (poppler's pdffonts, pdfinfo,
pdftotext; qpdf), and `brief render` with the usual arguments."""
import html, json, os, re

from lib.checks import check, run

MM = 72 / 25.4  # points per millimetre
# Chinese prohibition rules (clreq, "Prohibition rules for line start and end"):
# marks that never start a line, marks that never end one.
NO_START = set("，。、；：？！）】》〉」』〕”’％,.;:?!)]}%")
NO_END = set("（【《〈「『〔“‘([{")


def renderer(brief, figures=None):
    """render(md, out, *extra, figures=…): `brief render md -o out`, with
    --figures the given sheet unless the call names another (or None)."""
    default = figures

    def render(md, out, *extra, figures=default):
        args = [brief, "render", md, "-o", out] + (["--figures", figures] if figures else []) + list(extra)
        return run(*args)
    return render


def fonts_ok(pdf):
    """Every font embedded, subset and with a ToUnicode map (pdffonts emb sub uni)."""
    rows = run("pdffonts", pdf).stdout.splitlines()[2:]
    return len(rows) > 0 and all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in rows)


def pdf_ok(pdf):
    """The file exists and passes qpdf --check."""
    return os.path.exists(pdf) and run("qpdf", "--check", pdf).returncode == 0


def text(pdf, *options):
    """pdftotext's text of the whole PDF (UTF-8), with its options (-raw, -layout…)."""
    return run("pdftotext", *options, pdf, "-").stdout


def page_count(pdf):
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf).stdout).group(1))


def page_sizes(pdf):
    """Each page's (width, height) in points, rounded."""
    info = run("pdfinfo", "-f", "1", "-l", "999", pdf).stdout
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)", info)]


def bbox_lines(pdf, first=None):
    """Per page, every text line of pdftotext -bbox-layout: its box
    (xMin, yMin, xMax, yMax) and its words joined as "text"."""
    args = ["pdftotext", "-bbox-layout"] + (["-f", str(first), "-l", str(first)] if first else []) + [pdf, "-"]
    doc = run(*args).stdout
    pages = []
    for page in re.findall(r"<page .*?</page>", doc, re.S):
        lines = []
        for line in re.findall(r"<line (.*?)>(.*?)</line>", page, re.S):
            box = dict((k, float(v)) for k, v in re.findall(r'(\w+)="([\d.]+)"', line[0]))
            words = [html.unescape(w) for w in re.findall(r"<word [^>]*>(.*?)</word>", line[1])]
            box["text"] = "".join(words)
            lines.append(box)
        pages.append(lines)
    return pages


def check_line_rules(brief, pdf, md, layout, figures):
    """No line of the PDF (md rendered with layout) starts with a mark of
    NO_START or ends with one of NO_END, and none is a 孤字, one character
    with only marks after it (clreq #adjustments_of_orphans_and_widows);
    `brief text` of md tells table cells, which are whole cells, not broken
    lines."""
    src = run(brief, "text", md, "--figures", figures, "--layout", layout).stdout
    cells = {c for row in src.splitlines() if "\t" in row for c in row.split("\t")}
    bad = []
    for lines in bbox_lines(pdf):
        for l in lines:
            t = l["text"]
            if t in cells:
                continue  # a whole table cell, not a broken line
            if t and (t[0] in NO_START or t[-1] in NO_END):
                bad.append(t)
            elif len(t) >= 2 and "\u4e00" <= t[0] <= "\u9fff" and all(ch in NO_START for ch in t[1:]):
                bad.append(t + " (孤字)")
    check(not bad, f"{pdf}: {len(bad)} lines break the prohibition rules or are a 孤字: {bad[:3]}")


def font_of_text(pdf, page, hex_prefix):
    """The BaseFont of the run on a page whose text starts with hex_prefix (UTF-16)."""
    objs = json.loads(run("qpdf", "--json=2", "--json-key=qpdf", "--pages", pdf, str(page), "--", pdf, "-").stdout)["qpdf"][1]
    pages = [v["value"] for v in objs.values() if isinstance(v.get("value"), dict) and v["value"].get("/Type") == "/Page"]
    fonts = pages[0]["/Resources"]["/Font"]
    qdf = pdf + ".qdf"
    run("qpdf", "--qdf", "--object-streams=disable", "--pages", pdf, str(page), "--", pdf, qdf)
    content = open(qdf, "rb").read().decode("latin-1")
    current = None
    for line in content.splitlines():
        m = re.match(r"(/F\d+) [\d.]+ Tf", line)
        if m:
            current = m.group(1)
        m = re.match(r"<([0-9a-f]+)> Tj", line)
        if m and m.group(1).startswith(hex_prefix) and current in fonts:
            return objs["obj:" + fonts[current]]["value"]["/BaseFont"]
    return None
