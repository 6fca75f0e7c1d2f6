#!/usr/bin/env python3
"""Renders one paragraph in the four punctuation schemes with the official
layout and stacks the four crops into doc/punctuation-schemes.png.
Usage (after scripts/build.sh): python3 doc/punctuation-schemes.py"""
import os, re, subprocess, tempfile, zlib, struct

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRIEF = os.path.join(ROOT, "build", "brief")
TEXT = ("我们坚持“一村一策”，因村施策：一是抓班子（配强村党组织书记）；二是抓产业，发展“一村一品”！"
        "怎样巩固成果？关键在“人”。《决定》指出：“要把基层党组织建设成为坚强战斗堡垒。”")
SCHEMES = [("quanjiao", "全角"), ("banjiao", "半角"), ("kaiming", "开明"), ("plain", "不调整")]
DPI, MM = 100, 100 / 25.4


def png(path, w, h, rows):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\0" + r for r in rows)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


rows, width = [], 0
with tempfile.TemporaryDirectory() as tmp:
    base = open(os.path.join(ROOT, "layouts", "official.yaml"), encoding="utf-8").read()
    base = re.sub(r", punctuation: \w+", "", base)
    for scheme, name in SCHEMES:
        layout = os.path.join(tmp, scheme + ".yaml")
        with open(layout, "w", encoding="utf-8") as f:
            f.write(re.sub(r"^punctuation: \w+$", f"punctuation: {scheme}", base, flags=re.M)
                    .replace("signature: true", "signature: false"))
        md = os.path.join(tmp, scheme + ".md")
        with open(md, "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: {name}（{scheme}）\n---\n\n{TEXT}\n")
        pdf = os.path.join(tmp, scheme + ".pdf")
        subprocess.run([BRIEF, "render", md, "-o", pdf, "--layout", layout], check=True)
        x, y, w, h = int(24 * MM), int(34 * MM), int(164 * MM), int(69 * MM)
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-f", "1", "-l", "1", "-x", str(x), "-y", str(y),
                        "-W", str(w), "-H", str(h), pdf, os.path.join(tmp, scheme)], check=True)
        raw = open([os.path.join(tmp, n) for n in os.listdir(tmp) if n.startswith(scheme) and n.endswith(".pgm")][0], "rb").read()
        m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", raw)
        pw, ph = int(m.group(1)), int(m.group(2))
        data = raw[m.end():]
        width = pw
        rows += [data[r * pw:(r + 1) * pw] for r in range(ph)] + [b"\x80" * pw]  # a grey rule between
png(os.path.join(ROOT, "doc", "punctuation-schemes.png"), width, len(rows), rows)
