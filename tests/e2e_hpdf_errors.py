#!/usr/bin/env python3
"""libharu's errors in words (issue 14): every libharu allocation of a
render is made to fail in turn (the LD_PRELOAD shim tests/fault_inject.c,
FAULT_HPDF_ALLOC=N: the Nth and later allocations fail as libharu's own
allocator reports it). Each run must end with exit 1 and one message
naming the file concerned (the font for a font, the image for an image,
else the summary), what the writer was doing, what the code means and
what to change; never a crash, a bare error number, an existing PDF
overwritten or a temporary file left. Found this way and fixed: a NULL
page from HPDF_AddPage was drawn on, the font objects used objects
libharu had freed after a failed addition, drawing went on after a
failure.

Arguments: BRIEF ROOT. Prints "N passed, N failed"."""
import glob, os, re, shutil, subprocess, sys, tempfile

from lib import checks, paths
from lib.checks import check, run
from lib.pdf import renderer

BRIEF, ROOT = paths.from_argv()
INPUT, FIGURES = paths.examples(ROOT)
render = renderer(BRIEF, FIGURES)

MESSAGE = re.compile(r"^(?P<file>.+?): error: libharu failed (?P<what>[^:]+): (?P<meaning>[^;]+) "
                     r"\((?P<name>HPDF_[A-Z_]+), detail \d+\); (?P<fix>.+)$", re.M)


def allocations_of(args, env):
    """The smallest N for which the render succeeds (binary search): its number of libharu allocations."""
    lo, hi = 1, 1 << 16
    while lo < hi:
        mid = (lo + hi) // 2
        r = subprocess.run(args, capture_output=True, text=True, env=dict(env, FAULT_HPDF_ALLOC=str(mid)))
        if r.returncode == 0:
            hi = mid
        else:
            lo = mid + 1
    return lo


def sweep(tmp, md, name, env, step):
    """Fails libharu's allocations from every step-th one on; returns {what: files} seen."""
    out = os.path.join(tmp, name + ".pdf")
    args = [BRIEF_ARGS[0], "render", md, "--figures", FIGURES, "-o", out]
    total = allocations_of(args, env)
    check(total > 100, f"{name}: a render makes libharu allocate ({total})")
    seen, bad = {}, []
    for n in list(range(1, total, step)) + [total - 1]:
        with open(out, "wb") as f:
            f.write(b"OLD")
        r = subprocess.run(args, capture_output=True, text=True, env=dict(env, FAULT_HPDF_ALLOC=str(n)))
        m = MESSAGE.search(r.stderr)
        problems = []
        if r.returncode != 1:
            problems.append(f"exit {r.returncode}")
        if not m:
            problems.append("no libharu message in words")
        elif "inside brief's PDF writer" in m["meaning"] or "unknown" in m["name"]:
            problems.append("an internal error for a failed allocation")
        if re.search(r"error 0x|\(error", r.stderr):
            problems.append("a bare error number")
        if open(out, "rb").read() != b"OLD":
            problems.append("the existing PDF was overwritten")
        if glob.glob(out + ".tmp-*"):
            problems.append("a temporary file left")
        if m:
            seen.setdefault(m["what"].split(" page ")[0], set()).add(m["file"])
        if problems:
            bad.append((n, problems, r.stderr[-300:]))
    check(not bad, f"{name}: every failed allocation ends cleanly with a message in words: {bad[:3]}")
    return seen


def main():
    lib = os.environ.get("BRIEF_FAULT_LIB")
    if not check(lib and os.path.exists(lib), f"the fault-injection shim is built (BRIEF_FAULT_LIB={lib})"):
        sys.exit(1)
    # Under the sanitizers: their options kept; the shim is preloaded before
    # the ASan runtime; full stacks through libharu, so that lsan.supp's
    # libharu entry (a leak of its own on a failed allocation) matches.
    asan = os.environ.get("ASAN_OPTIONS", "")
    env = dict(os.environ, LD_PRELOAD=lib,
               ASAN_OPTIONS=(asan + ":" if asan else "") + "verify_asan_link_order=0:fast_unwind_on_malloc=0")
    with tempfile.TemporaryDirectory() as tmp:
        seen = sweep(tmp, os.path.join(INPUT, "陇西县.md"), "brief", env, 5)
        for what in ("starting the PDF", "embedding this font", "drawing", "writing the bookmarks", "saving the PDF"):
            check(what in seen, f"a failure while {what} is named: {sorted(seen)}")
        fonts = seen.get("embedding this font", set())
        check(fonts and all(f.endswith((".ttf", ".otf", ".ttc")) and os.path.exists(f) for f in fonts),
              f"a font's failure names the font file: {sorted(fonts)}")
        others = set().union(*(v for k, v in seen.items() if k not in ("embedding this font", "reading this image")))
        check(others == {os.path.join(INPUT, "陇西县.md")}, f"the other failures name the summary: {sorted(others)}")
        # A brief with images: a failure while reading one names the image.
        md = os.path.join(tmp, "features.md")
        shutil.copy(os.path.join(ROOT, "tests", "data", "features.md"), md)
        seed = os.path.join(tmp, "seed.pdf")
        render(os.path.join(INPUT, "陇西县.md"), seed)
        for kind in ("-png", "-jpeg"):
            run("pdftoppm", "-r", "20", "-f", "1", "-l", "1", kind, "-singlefile", seed, os.path.join(tmp, "picture"))
        seen = sweep(tmp, md, "features", env, 7)
        images = seen.get("reading this image", set())
        check(images and all(os.path.basename(f) in ("picture.png", "picture.jpg") for f in images),
              f"an image's failure names the image: {sorted(images)}")
    sys.exit(checks.report())


BRIEF_ARGS = [BRIEF]
main()
