#!/usr/bin/env python3
"""Benchmark (not a test): 30 numbered copies (份号) of a 10-page brief
against one copy. The layout is computed once; each copy only repeats the
pages with its own number, so the target is under 3× the time of one copy.
Run after building: python3 bench/numbered.py (RUNS=N repetitions)."""
import glob, os, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRIEF = os.path.join(ROOT, "build", "brief")
INPUT = os.path.join(ROOT, "input")
FIGURES = os.path.join(INPUT, "figures.csv")
RUNS = int(os.environ.get("RUNS", "15"))


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def pages(pdf):
    return int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf).stdout).group(1))


def ten_page_brief(tmp):
    """The examples' text (as `brief text` gives it) as paragraphs, cut to 10 pages."""
    paras = []
    for md in sorted(glob.glob(os.path.join(INPUT, "*.md"))):
        paras += [p for p in run(BRIEF, "text", md, "--figures", FIGURES).stdout.split("\n")
                  if len(p) > 20 and "\t" not in p]
    head = "---\ntitle: 抓党建促脱贫攻坚工作情况汇编\ncounty: 陇西县\nauthor: 中共陇西县委组织部\ndate: 2016-11-14\n---\n\n"
    md, pdf = os.path.join(tmp, "ten.md"), os.path.join(tmp, "ten.pdf")
    paras *= 3

    def pages_with(n):
        with open(md, "w", encoding="utf-8") as f:
            f.write(head + "\n\n".join(paras[:n]) + "\n")
        run(BRIEF, "render", md, "-o", pdf)
        return pages(pdf)

    lo, hi = 1, len(paras)  # the most paragraphs that fit on 10 pages
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if pages_with(mid) <= 10 else (lo, mid - 1)
    if pages_with(lo) != 10:
        sys.exit("could not make a 10-page brief")
    return md


def median_ms(args):
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        r = subprocess.run(args, capture_output=True)
        times.append((time.perf_counter() - t) * 1000)
        if r.returncode:
            sys.exit(f"failed: {' '.join(args)}")
    return statistics.median(times), min(times)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        md = ten_page_brief(tmp)
        one, many = os.path.join(tmp, "one.pdf"), os.path.join(tmp, "thirty.pdf")
        a = [BRIEF, "render", md, "-o", one]
        b = [BRIEF, "render", md, "-o", many, "--numbered", "1-30"]
        run(*a), run(*b)
        print(f"Numbered copies: median of {RUNS} runs of `brief render` (wall, process start included)")
        ma, fa = median_ms(a)
        mb, fb = median_ms(b)
        print(f"  one copy        {pages(one):>4} pages {os.path.getsize(one):>9} bytes  median {ma:7.1f} ms  min {fa:7.1f} ms")
        print(f"  --numbered 1-30 {pages(many):>4} pages {os.path.getsize(many):>9} bytes  median {mb:7.1f} ms  min {fb:7.1f} ms")
        print(f"  ratio 30 copies / 1 copy: median {mb / ma:.2f}×, min {fb / fa:.2f}× (target < 3×)")
        for what, args in (("1 copy", a), ("30 copies", b)):
            r = run(*args, env=dict(os.environ, BRIEF_TIMING="1"))
            print(f"  where the time of {what} goes: " + "; ".join(l.split(": ", 1)[1] for l in r.stderr.splitlines()
                                                                   if l.startswith("timing")))
        print(f"  the 10-page brief and its PDFs: {md}, kept in BENCH_KEEP" if os.environ.get("BENCH_KEEP") else "", end="")
        keep = os.environ.get("BENCH_KEEP")
        if keep:
            os.makedirs(keep, exist_ok=True)
            for f in (md, one, many):
                shutil.copy(f, keep)
            print()


main()
