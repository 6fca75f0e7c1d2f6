#!/usr/bin/env python3
"""Benchmark of `brief serve` (after scripts/build.sh): the latency of
POST /render for each 4-page example in each layout, as the page sees it
(one keep-alive connection, request sent to PDF received), and the
throughput of 40 renders sent at once. A benchmark, not a test: it prints
numbers and judges nothing. RUNS=N sets the requests per case (default 30).
Target: a 4-page example in <= 50 ms."""
import concurrent.futures, http.client, os, re, statistics, subprocess, sys, time, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BRIEF = os.path.join(ROOT, "build", "brief")
INPUT = os.path.join(ROOT, "input")
RUNS = int(os.environ.get("RUNS", "30"))
EXAMPLES = ["陇西县.md", "黔西县.md", "盘州市.md"]


def start():
    proc = subprocess.Popen([BRIEF, "serve", INPUT, "--port", "0"], stdout=subprocess.PIPE, text=True)
    m = re.match(r"brief serve: http://([\d.]+):(\d+)/", proc.stdout.readline())
    return proc, m.group(1), int(m.group(2))


def post(conn, name, body, layout):
    q = urllib.parse.urlencode({"name": name, "layout": layout})
    t0 = time.perf_counter()
    conn.request("POST", "/render?" + q, body=body, headers={"Content-Type": "text/markdown"})
    r = conn.getresponse()
    data = r.read()
    ms = (time.perf_counter() - t0) * 1000
    if r.status != 200:
        sys.exit("render failed: %d %s" % (r.status, data[:300]))
    return ms, len(data)


def cpu_ms(pid):
    """User + system CPU time of a process so far, in ms (all its threads)."""
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def main():
    print("load average: %s" % open("/proc/loadavg").read().strip())
    proc, host, port = start()
    try:
        conn = http.client.HTTPConnection(host, port, timeout=120)
        bodies = {n: open(os.path.join(INPUT, n), "rb").read() for n in EXAMPLES}
        for n in EXAMPLES:  # warm-up: page cache, font files, allocator
            post(conn, n, bodies[n], "official")
        print("POST /render latency, %d requests per case, one keep-alive connection (ms)" % RUNS)
        print("%-12s %-9s %7s %7s %7s %7s %8s %8s" % ("example", "layout", "min", "median", "p90", "max", "cpu/req", "KB"))
        medians = []
        for n in EXAMPLES:
            for layout in ["official", "briefing", "plain"]:
                times = []
                cpu0 = cpu_ms(proc.pid)
                for _ in range(RUNS):
                    ms, size = post(conn, n, bodies[n], layout)
                    times.append(ms)
                cpu = (cpu_ms(proc.pid) - cpu0) / RUNS
                times.sort()
                medians.append(statistics.median(times))
                print("%-12s %-9s %7.1f %7.1f %7.1f %7.1f %8.1f %8.0f" % (
                    n, layout, times[0], statistics.median(times), times[int(len(times) * 0.9) - 1], times[-1],
                    cpu, size / 1024))
        print("median of the case medians: %.1f ms (target <= 50 ms); cpu/req: the server's CPU time per render"
              % statistics.median(medians))
        conn.close()

        def one(i):
            c = http.client.HTTPConnection(host, port, timeout=300)
            try:
                return post(c, EXAMPLES[i % 3], bodies[EXAMPLES[i % 3]], "official")[0]
            finally:
                c.close()

        for _ in range(3):
            t0 = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(40) as pool:
                lat = sorted(pool.map(one, range(40)))
            wall = time.perf_counter() - t0
            print("40 at once: %.2f s wall, %.1f renders/s, latency median %.0f ms, max %.0f ms" % (
                wall, 40 / wall, statistics.median(lat), lat[-1]))
    finally:
        proc.terminate()
        proc.wait()
    # The same render as a whole process, for comparison (start-up included).
    out = "/tmp/brief-bench-serve.pdf"
    times = []
    for _ in range(min(RUNS, 15)):
        t0 = time.perf_counter()
        subprocess.run([BRIEF, "render", os.path.join(INPUT, "陇西县.md"), "--figures", os.path.join(INPUT, "figures.csv"),
                        "-o", out], check=True)
        times.append((time.perf_counter() - t0) * 1000)
    os.unlink(out)
    print("brief render as a process (陇西县.md, official): median %.1f ms, min %.1f ms" % (
        statistics.median(times), min(times)))


if __name__ == "__main__":
    main()
