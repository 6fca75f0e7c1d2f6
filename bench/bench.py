#!/usr/bin/env python3
"""Benchmark (not a test): wall time per brief, batch throughput, peak
memory and bytes per PDF. Run after building: bench/run.sh"""
import glob, os, re, resource, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRIEF = os.path.join(ROOT, "build", "brief")
INPUT = os.path.join(ROOT, "input")
FIGURES = os.path.join(INPUT, "figures.csv")
RUNS = int(os.environ.get("RUNS", "20"))


def timed(args, **kw):
    t = time.perf_counter()
    r = subprocess.run(args, capture_output=True, text=True, **kw)
    return (time.perf_counter() - t) * 1000, r


def peak_kb(args):
    """Peak resident memory of one run, from a fresh child process."""
    code = ("import resource,subprocess,sys;subprocess.run(sys.argv[1:],capture_output=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    return int(subprocess.run([sys.executable, "-c", code] + args, capture_output=True, text=True).stdout)


def per_brief(tmp):
    print(f"Per brief: median of {RUNS} runs of `brief render` (wall, process start included)")
    print(f"{'example':<8} {'layout':<9} {'pages':>5} {'bytes':>8} {'median ms':>9} {'min ms':>7} {'peak RSS':>9}")
    for md in sorted(glob.glob(os.path.join(INPUT, "*.md"))):
        for layout in ("official", "briefing", "plain"):
            out = os.path.join(tmp, "b.pdf")
            args = [BRIEF, "render", md, "--figures", FIGURES, "--layout", layout, "-o", out]
            times = [timed(args)[0] for _ in range(RUNS)]
            pages = re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", out], capture_output=True, text=True).stdout).group(1)
            name = os.path.splitext(os.path.basename(md))[0]
            print(f"{name:<8} {layout:<9} {pages:>5} {os.path.getsize(out):>8} {statistics.median(times):>9.1f} "
                  f"{min(times):>7.1f} {peak_kb(args) / 1024:>7.1f} MB")


def instructions(tmp):
    """Instructions per render (callgrind): stable where wall time is not."""
    if not shutil.which("valgrind"):
        return
    print("\nInstructions per render (valgrind --tool=callgrind):")
    for md in sorted(glob.glob(os.path.join(INPUT, "*.md"))):
        r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", BRIEF, "render", md,
                            "--figures", FIGURES, "-o", os.path.join(tmp, "i.pdf")], capture_output=True, text=True)
        m = re.search(r"Collected : (\d+)", r.stderr)
        if m:
            print(f"  {os.path.basename(md):<10} {int(m.group(1)) / 1e6:6.0f} M")


def stages(tmp):
    print("\nWhere the time goes (BRIEF_TIMING=1, mean of the runs):")
    md = sorted(glob.glob(os.path.join(INPUT, "*.md")))[0]
    sums = {}
    for _ in range(RUNS):
        r = subprocess.run([BRIEF, "render", md, "--figures", FIGURES, "-o", os.path.join(tmp, "t.pdf")],
                           capture_output=True, text=True, env=dict(os.environ, BRIEF_TIMING="1"))
        for name, ms in re.findall(r"([a-z+() -]+?) ([\d.]+) ms", r.stderr):
            sums[name.strip(" ,:")] = sums.get(name.strip(" ,:"), 0) + float(ms)
    for name, total in sums.items():
        print(f"  {name:<28} {total / RUNS:6.2f} ms")
    t_start, _ = timed([BRIEF, "layouts"])
    print(f"  {'start-up (fontconfig, fonts)':<28} {t_start:6.2f} ms  (`brief layouts`: loads fonts, lays out nothing)")


def batch(tmp, copies):
    src = os.path.join(tmp, "batch")
    os.makedirs(src, exist_ok=True)
    mds = sorted(glob.glob(os.path.join(INPUT, "*.md")))
    for i in range(copies):
        for md in mds:
            shutil.copy(md, os.path.join(src, f"{i:03d}-{os.path.basename(md)}"))
    shutil.copy(FIGURES, src)
    n = copies * len(mds)
    out = os.path.join(tmp, "out")
    ms, r = timed([BRIEF, "batch", src, "-o", out])
    size = sum(os.path.getsize(p) for p in glob.glob(os.path.join(out, "*.pdf")))
    print(f"\nBatch of {n} briefs in one process: {ms:.0f} ms, {n / ms * 1000:.1f} briefs/s, "
          f"{ms / n:.1f} ms per brief, {size / n / 1024:.0f} KB per PDF")
    ms, r = timed([BRIEF, "batch", src, "-o", out, "--booklet", os.path.join(out, "book.pdf")])
    book = os.path.join(out, "book.pdf")
    print(f"  with the duplex booklet: {ms:.0f} ms; booklet {os.path.getsize(book) / 1024:.0f} KB "
          f"(fonts subset once for all {n} briefs); peak RSS "
          f"{peak_kb([BRIEF, 'batch', src, '-o', out, '--booklet', book]) / 1024:.1f} MB")


def main():
    if not os.path.exists(BRIEF):
        sys.exit("build first: scripts/build.sh")
    with tempfile.TemporaryDirectory() as tmp:
        per_brief(tmp)
        instructions(tmp)
        stages(tmp)
        batch(tmp, 20)


main()
