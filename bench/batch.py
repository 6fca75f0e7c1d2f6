#!/usr/bin/env python3
"""Benchmark (not a test): a province in one command. Builds N ten-page
briefs plus one broken county (bench/corpus.py), then times
`brief batch DIR -o OUT --booklet OUT/booklet.pdf` with --jobs 1 and with
one job per core: briefs/s by wall and by CPU time, peak RSS of the largest
process, bytes per brief and of the booklet; per-stage ms of one brief
(BRIEF_TIMING=1); and the ratio against the fastest installed peer
(wkhtmltopdf, Typst) on the same sample when one is present.
Usage: bench/batch.py [N] (default 300). Run after scripts/build.sh."""
import glob, os, re, resource, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRIEF = os.path.join(ROOT, "build", "brief")
N = int(sys.argv[1]) if len(sys.argv) > 1 else 300


def measured(args):
    """Wall seconds, CPU seconds and peak RSS (KB, largest process) of one
    run in a fresh child, from the kernel's accounting of the child."""
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],capture_output=True,text=True);w=time.perf_counter()-t;"
            "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(w,u.ru_utime+u.ru_stime,u.ru_maxrss,r.returncode);sys.stdout.write(r.stderr[-3000:])")
    r = subprocess.run([sys.executable, "-c", code] + args, capture_output=True, text=True)
    first, _, rest = r.stdout.partition("\n")
    w, cpu, rss, rc = first.split()
    return float(w), float(cpu), int(rss), int(rc), rest


def main():
    if not os.path.exists(BRIEF):
        sys.exit("build first: scripts/build.sh")
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "prov")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "corpus.py"), src, str(N), "--broken"], check=True)
        one = sorted(glob.glob(os.path.join(src, "*县.md")))[0]
        pages = None
        print(f"{N} ten-page briefs + 1 broken county, batch with --booklet, on {cores} cores "
              f"(load average {os.getloadavg()[0]:.1f}: wall times on a shared machine swing)")
        print(f"{'jobs':>4} {'wall s':>7} {'briefs/s':>9} {'CPU s':>7} {'briefs/CPU-s':>12} {'peak RSS':>9} "
              f"{'KB/brief':>8} {'booklet':>9} exit")
        for jobs in sorted({1, cores}):
            out = os.path.join(tmp, f"out{jobs}")
            book = os.path.join(out, "booklet.pdf")
            w, cpu, rss, rc, err = measured([BRIEF, "batch", src, "-o", out, "--booklet", book, "--jobs", str(jobs),
                                            "--quiet"])
            pdfs = [p for p in glob.glob(os.path.join(out, "*.pdf")) if p != book]
            size = sum(os.path.getsize(p) for p in pdfs) / max(len(pdfs), 1) / 1024
            bsize = os.path.getsize(book) / 1024 / 1024 if os.path.exists(book) else 0
            print(f"{jobs:>4} {w:>7.2f} {N / w:>9.1f} {cpu:>7.2f} {N / cpu:>12.1f} {rss / 1024:>7.1f} MB "
                  f"{size:>8.0f} {bsize:>6.1f} MB {rc}")
            failure = re.search(r"^.*坏县\.md:\d+:\d+: error: .{0,60}", err, re.M)
            print(f"     reported: {failure.group(0) if failure else 'NOT REPORTED'}")
            if pages is None:
                pages = re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", os.path.join(out, os.path.basename(one)[:-3] + ".pdf")],
                                                                   capture_output=True, text=True).stdout).group(1)
        bad = sum(subprocess.run(["qpdf", "--check", p], capture_output=True).returncode != 0 for p in pdfs)
        print(f"qpdf --check: {len(pdfs) - bad} of {len(pdfs)} PDFs valid; one brief has {pages} pages")
        sums, runs = {}, 5
        for _ in range(runs):
            r = subprocess.run([BRIEF, "render", one, "--figures", os.path.join(src, "figures.csv"), "-o",
                                os.path.join(tmp, "t.pdf")], capture_output=True, text=True,
                               env=dict(os.environ, BRIEF_TIMING="1"))
            for name, ms in re.findall(r"([a-z+() -]+?) ([\d.]+) ms", r.stderr):
                sums[name.strip(" ,:")] = sums.get(name.strip(" ,:"), 0) + float(ms)
        print(f"one ten-page brief, per stage (BRIEF_TIMING=1, mean of {runs}):")
        for name, total in sums.items():
            print(f"  {name:<28} {total / runs:7.2f} ms")
        for peer in ("wkhtmltopdf", "typst"):
            if shutil.which(peer):
                print(f"peer {peer} is installed: compare it on {one}")
        if not any(shutil.which(p) for p in ("wkhtmltopdf", "typst")):
            print("no peer (wkhtmltopdf, Typst) installed: no ratio")


main()
