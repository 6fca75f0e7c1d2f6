#!/usr/bin/env python3
"""Benchmark (not a test): the OFD render against the PDF render of the
same brief. Runs alternate (PDF, OFD, PDF, OFD ...) so drift hits both; the
ratio is taken pair by pair. Also the writer stage alone (BRIEF_TIMING),
instructions (callgrind, when installed) and bytes. Run after building:
bench/run.sh, or python3 bench/ofd.py (RUNS=N)."""
import glob, os, re, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRIEF = os.path.join(ROOT, "build", "brief")
INPUT = os.path.join(ROOT, "input")
FIGURES = os.path.join(INPUT, "figures.csv")
RUNS = int(os.environ.get("RUNS", "20"))


def wall_ms(args, env=None):
    t = time.perf_counter()
    r = subprocess.run(args, capture_output=True, text=True, env=env)
    return (time.perf_counter() - t) * 1000, r


def instructions(args):
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + args,
                       capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", r.stderr)
    return int(m.group(1)) / 1e6 if m else float("nan")


def main():
    if not os.path.exists(BRIEF):
        sys.exit("build first: scripts/build.sh")
    print(f"OFD vs PDF render of the same brief: {RUNS} alternating pairs each (wall, process start included)")
    print(f"{'example':<8} {'PDF ms':>7} {'OFD ms':>7} {'OFD/PDF':>8} {'writer PDF':>11} {'writer OFD':>11}"
          f" {'PDF KB':>7} {'OFD KB':>7} {'Minstr PDF':>10} {'Minstr OFD':>10}")
    env = dict(os.environ, BRIEF_TIMING="1")
    with tempfile.TemporaryDirectory() as tmp:
        for md in sorted(glob.glob(os.path.join(INPUT, "*.md"))):
            pdf, ofd = os.path.join(tmp, "b.pdf"), os.path.join(tmp, "b.ofd")
            a = [BRIEF, "render", md, "--figures", FIGURES, "-o", pdf]
            b = [BRIEF, "render", md, "--figures", FIGURES, "-o", ofd]
            pt, ot, ratios, pw, ow = [], [], [], [], []
            for _ in range(RUNS):
                t1, r1 = wall_ms(a, env)
                t2, r2 = wall_ms(b, env)
                pt.append(t1), ot.append(t2), ratios.append(t2 / t1)
                pw += [float(x) for x in re.findall(r"pdf ([\d.]+) ms", r1.stderr)]
                ow += [float(x) for x in re.findall(r"ofd \(.*?\) ([\d.]+) ms", r2.stderr)]
            ia = ib = float("nan")
            if shutil.which("valgrind"):
                ia, ib = instructions(a), instructions(b)
            name = os.path.splitext(os.path.basename(md))[0]
            print(f"{name:<8} {statistics.median(pt):>7.1f} {statistics.median(ot):>7.1f} "
                  f"{statistics.median(ratios):>8.2f} {statistics.median(pw):>8.2f} ms {statistics.median(ow):>8.2f} ms"
                  f" {os.path.getsize(pdf) / 1024:>7.0f} {os.path.getsize(ofd) / 1024:>7.0f} {ia:>10.0f} {ib:>10.0f}")


main()
