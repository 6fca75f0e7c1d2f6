#!/usr/bin/env python3
"""Rule weights of the briefing layout, measured on the PDF (pdfminer) and
the OFD (PathObject LineWidth): the 版记's first and last rules 0.35 mm and
the rules between its lines 0.25 mm (GB/T 9704-2012 7.4.1), the red
separator under the masthead 0.35 mm (issue 14; it was 1.5 pt, and the
版记's rules 2.8 times too thick). A layout's own distribution_rules are
used, and a bad one is an error naming the key.

Arguments: BRIEF ROOT. Prints "N passed, N failed".
Debian's python3 (python3-pdfminer)."""
import os, re, sys, tempfile, zipfile

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTCurve

from lib import checks, paths
from lib.checks import check
from lib.pdf import MM, renderer

BRIEF, ROOT = paths.from_argv()
INPUT, FIGURES = paths.examples(ROOT)
render = renderer(BRIEF, FIGURES)

MD = os.path.join(INPUT, "陇西县.md")  # recipients and copies: a 版记 of three lines and the print count


def full_width_rules(pdf):
    """(page, y, width in mm, colour) of every horizontal rule wider than 100 mm."""
    out = []
    for i, page in enumerate(extract_pages(pdf)):
        for o in page:
            if isinstance(o, LTCurve) and len(o.pts) == 2:
                (x0, y0), (x1, y1) = o.pts
                if abs(y0 - y1) < 0.01 and abs(x1 - x0) > 100 * MM:
                    out.append((i, y0, o.linewidth / MM, tuple(o.stroking_color or ())))
    return out


def distribution_rules(rules):
    """The black rules of the last page (the 版记), top to bottom."""
    last = max(p for p, *_ in rules)
    return [w for p, y, w, c in sorted(rules, key=lambda r: -r[1]) if p == last and c == (0, 0, 0)]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        pdf = os.path.join(tmp, "b.pdf")
        r = render(MD, pdf, "--layout", "briefing", "--format", "both")
        if not check(r.returncode == 0, f"briefing render: {r.stderr}"):
            sys.exit(1)
        rules = full_width_rules(pdf)
        red = [w for p, y, w, c in rules if p == 0 and c and c[0] > 0.8 and c[1] < 0.1]
        check(len(red) == 1 and abs(red[0] - 0.35) < 0.005, f"the masthead's red rule is 0.35 mm: {red}")
        dist = distribution_rules(rules)
        check(len(dist) == 5 and abs(dist[0] - 0.35) < 0.005 and abs(dist[-1] - 0.35) < 0.005
              and all(abs(w - 0.25) < 0.005 for w in dist[1:-1]),
              f"the 版记: first and last rules 0.35 mm, the others 0.25 mm: {[round(w, 3) for w in dist]}")
        # The OFD draws the same rules (PathObject LineWidth, in mm).
        with zipfile.ZipFile(pdf[:-4] + ".ofd") as z:
            widths = set()
            for name in z.namelist():
                if name.endswith("Content.xml"):
                    for m in re.finditer(r'<ofd:PathObject [^>]*LineWidth="([\d.]+)"', z.read(name).decode()):
                        widths.add(float(m.group(1)))
        check({0.35, 0.25} <= widths and not any(w > 0.5 for w in widths),
              f"OFD rules 0.35 and 0.25 mm, none thicker than 0.5 mm: {sorted(widths)}")
        # A layout's own rules, and a bad value.
        lay = open(os.path.join(ROOT, "layouts", "briefing.yaml"), encoding="utf-8").read()
        own = os.path.join(tmp, "own.yaml")
        with open(own, "w", encoding="utf-8") as f:
            f.write(lay.replace("distribution_rules: {outer: 0.35mm, inner: 0.25mm}",
                                "distribution_rules: {outer: 0.5mm, inner: 0.1mm}"))
        r = render(MD, pdf, "--layout", own)
        dist = distribution_rules(full_width_rules(pdf)) if r.returncode == 0 else []
        check(len(dist) == 5 and abs(dist[0] - 0.5) < 0.005 and abs(dist[2] - 0.1) < 0.005,
              f"a layout's distribution_rules are used: {[round(w, 3) for w in dist]} {r.stderr}")
        with open(own, "w", encoding="utf-8") as f:
            f.write(lay.replace("distribution_rules: {outer: 0.35mm, inner: 0.25mm}",
                                "distribution_rules: {outer: 30mm, inner: 0.25mm}"))
        r = render(MD, pdf, "--layout", own)
        check(r.returncode != 0 and re.search(r"own\.yaml:\d+:\d+: error: .*outer", r.stderr),
              f"an outer rule of 30 mm is an error naming the key: {r.stderr}")
    sys.exit(checks.report())


main()
