#!/usr/bin/env python3
"""End-to-end tests of `brief print` against a real CUPS scheduler, and of
numbered copies (份号, GB/T 9704-2012 7.2.1).

The test starts Debian's cupsd as its own child process with its own
configuration in a temporary folder (listening on 127.0.0.1 on a free port,
raw queues with file: devices, FileDevice Yes, PreserveJobFiles Yes), prints
to it, reads the jobs back with ipptool (Get-Jobs: job-name, copies, sides,
media) and compares the spooled documents with the PDFs byte for byte. A raw
queue runs no filter: the spool file is what the printer would receive.
cupsd is stopped and the folder removed at the end, also on failure.

Usage: e2e_print.py BRIEF ROOT ."""
import glob, html, json, os, re, shutil, subprocess, sys, tempfile, time

from lib import checks, paths
from lib.checks import check, test
from lib.net import free_port

BRIEF, ROOT = paths.from_argv()
INPUT, FIGURES = paths.examples(ROOT)
MM = 72 / 25.4


def run(*args, env=None, timeout=120):
    return subprocess.run(list(args), capture_output=True, text=True, env=env, timeout=timeout)


class Cups:
    """A private cupsd: its configuration, spool, logs and devices in dir."""

    def __init__(self, base):
        self.dir = os.path.join(base, "cups")
        self.port = free_port()
        self.proc = None
        for sub in ["etc", "spool", "spool/tmp", "cache", "state", "log", "devices", "home"]:
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        # cupsd runs its job processes as lp when started as root: they must
        # reach the folder (mkdtemp makes it 0700).
        os.chmod(base, 0o755)
        os.chmod(os.path.join(self.dir, "devices"), 0o777)
        self.env = dict(os.environ, CUPS_SERVER=f"127.0.0.1:{self.port}", HOME=os.path.join(self.dir, "home"))
        for var in ["LPDEST", "PRINTER"]:
            self.env.pop(var, None)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def write_config(self):
        with open(self.path("etc", "cupsd.conf"), "w") as f:
            f.write(f"""Listen 127.0.0.1:{self.port}
LogLevel info
Browsing No
BrowseLocalProtocols none
DefaultAuthType None
WebInterface No
PreserveJobFiles Yes
PreserveJobHistory Yes
MaxJobs 0
ServerAlias *
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
    Allow all
  </Limit>
</Policy>
""")
        user = "User lp\nGroup lp\n" if os.geteuid() == 0 else ""
        d = self.dir
        with open(self.path("etc", "cups-files.conf"), "w") as f:
            f.write(f"""ServerRoot {d}/etc
RequestRoot {d}/spool
TempDir {d}/spool/tmp
CacheDir {d}/cache
StateDir {d}/state
AccessLog {d}/log/access_log
ErrorLog {d}/log/error_log
PageLog {d}/log/page_log
Printcap {d}/state/printcap
FileDevice Yes
Sandboxing Relaxed
{user}""")

    def start(self):
        self.write_config()
        cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
        self.proc = subprocess.Popen([cupsd, "-f", "-c", self.path("etc", "cupsd.conf"),
                                      "-s", self.path("etc", "cups-files.conf")],
                                     stdout=subprocess.DEVNULL, stderr=open(self.path("log", "stderr"), "w"))
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            if self.lp("lpstat", "-r").stdout.startswith("scheduler is running"):
                return True
            time.sleep(0.2)
        print(open(self.path("log", "stderr")).read()[-2000:])
        if os.path.exists(self.path("log", "error_log")):
            print(open(self.path("log", "error_log")).read()[-2000:])
        return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def lp(self, *args, env=None):
        """A CUPS client command against this scheduler."""
        e = dict(self.env, **(env or {}))
        tool = shutil.which(args[0]) or os.path.join("/usr/sbin", args[0])
        return run(tool, *args[1:], env=e)

    def add_queue(self, name, device=None):
        """A raw queue (no PPD, no filter) writing to a file: device."""
        uri = "file://" + (device or self.path("devices", name + ".prn"))
        return self.lp("lpadmin", "-p", name, "-E", "-v", uri)

    def brief(self, *args, env=None):
        e = dict(self.env, **(env or {}))
        return run(BRIEF, *args, env=e)

    def jobs(self):
        """Every job the scheduler knows, from IPP Get-Jobs: a list of dicts."""
        test = self.path("get-jobs.test")
        with open(test, "w") as f:
            f.write("""{
  NAME "Get-Jobs"
  OPERATION Get-Jobs
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR name requesting-user-name $user
  ATTR keyword which-jobs all
  ATTR keyword requested-attributes job-id,job-name,copies,sides,media,job-state,job-printer-uri,multiple-document-handling
  STATUS successful-ok
  DISPLAY job-id
  DISPLAY job-name
  DISPLAY copies
  DISPLAY sides
  DISPLAY media
  DISPLAY job-state
  DISPLAY multiple-document-handling
  DISPLAY job-printer-uri
}
""")
        r = self.lp("ipptool", "-c", f"ipp://127.0.0.1:{self.port}/", test)
        lines = r.stdout.splitlines()
        if r.returncode != 0 or not lines:
            print("ipptool failed:", r.stdout[-500:], r.stderr[-500:])
            return []
        head = lines[0].split(",")
        return [dict(zip(head, l.split(","))) for l in lines[1:]]

    def wait_done(self, ids, timeout=60):
        """Waits until the jobs are completed (or otherwise finished)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            states = {j["job-id"]: j["job-state"] for j in self.jobs()}
            if all(states.get(str(i)) in ("completed", "canceled", "aborted") for i in ids):
                return states
            time.sleep(0.2)
        return {j["job-id"]: j["job-state"] for j in self.jobs()}

    def spooled(self, job_id):
        p = self.path("spool", "d%05d-001" % job_id)
        return open(p, "rb").read() if os.path.exists(p) else None


def job_ids(stderr):
    return [int(m) for m in re.findall(r", job (\d+)$", stderr, re.M)]


def pages_of(pdf):
    m = re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf).stdout)
    return int(m.group(1)) if m else 0


def words(pdf):
    """Every word with its page (1-based) and box, from pdftotext -bbox."""
    doc = run("pdftotext", "-bbox", pdf, "-").stdout
    out = []
    for n, page in enumerate(re.findall(r"<page .*?</page>", doc, re.S), 1):
        for attrs, text in re.findall(r"<word (.*?)>(.*?)</word>", page):
            box = dict((k, float(v)) for k, v in re.findall(r'(\w+)="([\d.]+)"', attrs))
            box["page"], box["text"] = n, html.unescape(text)
            out.append(box)
    return out


def test_print_examples(cups, briefs):
    """Must show: the examples on a local queue with --copies 3 --sides
    two-sided-long-edge: one job per county, named after it, copies 3,
    duplex, documents byte-identical to the PDFs."""
    r = cups.brief("print", briefs, "--printer", "meeting", "--copies", "3", "--sides", "two-sided-long-edge")
    check(r.returncode == 0, f"print the examples: exit {r.returncode}: {r.stderr[-300:]}")
    pdfs = sorted(glob.glob(os.path.join(briefs, "*.pdf")))
    ids = job_ids(r.stderr)
    check(len(ids) == len(pdfs) == 3, f"one job per brief: {len(ids)} jobs for {len(pdfs)} PDFs")
    check(re.search(r"3 jobs sent to meeting", r.stderr) is not None, f"a summary at the end: {r.stderr[-200:]}")
    states = cups.wait_done(ids)
    check(all(states.get(str(i)) == "completed" for i in ids), f"the jobs completed: {states}")
    jobs = {int(j["job-id"]): j for j in cups.jobs()}
    counties = [os.path.splitext(os.path.basename(p))[0] for p in pdfs]
    for pdf, county, jid in zip(pdfs, counties, ids):
        j = jobs.get(jid, {})
        print(f"  job {jid}: {j.get('job-name')} copies={j.get('copies')} sides={j.get('sides')} "
              f"media={j.get('media')} {j.get('multiple-document-handling')}")
        check(j.get("job-name") == county, f"job {jid} named after its county {county}: {j.get('job-name')}")
        check(j.get("copies") == "3", f"job {jid} copies 3: {j.get('copies')}")
        check(j.get("sides") == "two-sided-long-edge", f"job {jid} duplex: {j.get('sides')}")
        check(j.get("media") == "iso_a4_210x297mm", f"job {jid} media A4 from the layout: {j.get('media')}")
        check(j.get("multiple-document-handling") == "separate-documents-collated-copies", f"job {jid} collated")
        check(j.get("job-printer-uri", "").endswith("/printers/meeting"), f"job {jid} on the queue meeting")
        data = cups.spooled(jid)
        check(data is not None and data == open(pdf, "rb").read(),
              f"job {jid}: the spooled document is byte-identical to {pdf}")
    check(ids == sorted(ids), "jobs sent in booklet order (by name)")


def test_defaults(cups, briefs, tmp):
    """Without --sides: duplex for more than one page, one-sided for one;
    without --printer: the default destination, as lp finds it."""
    one = os.path.join(tmp, "一页.md")
    with open(one, "w", encoding="utf-8") as f:
        f.write("---\ntitle: 一页简报\ncounty: 一页县\n---\n\n只有一页的简报。\n")
    one_pdf = os.path.join(tmp, "一页.pdf")
    check(run(BRIEF, "render", one, "-o", one_pdf).returncode == 0 and pages_of(one_pdf) == 1, "a one-page brief")
    four = sorted(glob.glob(os.path.join(briefs, "*.pdf")))[0]
    check(cups.lp("lpadmin", "-d", "meeting").returncode == 0, "lpadmin -d meeting")
    r = cups.brief("print", one_pdf, four)
    ids = job_ids(r.stderr)
    check(r.returncode == 0 and len(ids) == 2, f"print to the default destination: {r.stderr[-300:]}")
    cups.wait_done(ids)
    jobs = {int(j["job-id"]): j for j in cups.jobs()}
    if len(ids) == 2:
        a, b = jobs.get(ids[0], {}), jobs.get(ids[1], {})
        check(a.get("job-printer-uri", "").endswith("/printers/meeting"), "no --printer: the server's default queue")
        check(a.get("job-name") == "一页县" and a.get("sides") == "one-sided", f"one page: one-sided: {a}")
        check(b.get("sides") == "two-sided-long-edge" and b.get("copies") == "1", f"four pages: duplex, 1 copy: {b}")
    # LPDEST wins over the server's default, as with lp.
    r = cups.brief("print", one_pdf, env={"LPDEST": "other"})
    ids = job_ids(r.stderr)
    cups.wait_done(ids)
    jobs = {int(j["job-id"]): j for j in cups.jobs()}
    check(r.returncode == 0 and len(ids) == 1 and jobs.get(ids[0], {}).get("job-printer-uri", "").endswith("/printers/other"),
          f"LPDEST picks the queue: {r.stderr[-200:]}")


def count_jobs(cups):
    return len(cups.jobs())


def test_errors(cups, briefs, tmp):
    before = count_jobs(cups)
    r = cups.brief("print", briefs, "--printer", "nope")
    check(r.returncode != 0, "--printer nope: non-zero exit")
    check("'nope'" in r.stderr and "does not exist" in r.stderr, f"--printer nope: an error naming it: {r.stderr[-300:]}")
    check("meeting" in r.stderr, "--printer nope: lists the printers there")
    check(count_jobs(cups) == before, "--printer nope: no job")

    cups.add_queue("stopped")
    check(cups.lp("cupsdisable", "-r", "out of paper", "stopped").returncode == 0, "cupsdisable stopped")
    r = cups.brief("print", briefs, "--printer", "stopped")
    check(r.returncode != 0, "stopped printer: non-zero exit")
    check("'stopped'" in r.stderr and "is stopped" in r.stderr and "cupsenable stopped" in r.stderr,
          f"stopped printer: an error naming it and how to start it: {r.stderr[-300:]}")
    check("no job was sent" in r.stderr and count_jobs(cups) == before, "stopped printer: no job")
    check(re.search(r"printers on 127\.0\.0\.1:\d+:.* meeting", r.stderr) is not None, "stopped printer: the printers there")

    cups.add_queue("closed")
    cups.lp("cupsreject", "closed")
    r = cups.brief("print", briefs, "--printer", "closed")
    check(r.returncode != 0 and "'closed'" in r.stderr and "rejects jobs" in r.stderr,
          f"a printer rejecting jobs: an error naming it: {r.stderr[-300:]}")
    check(count_jobs(cups) == before, "rejecting printer: no job")

    # A queue that takes the first job and then refuses (a 50 KB quota):
    # the error names the printer and lists the job already sent.
    cups.lp("lpadmin", "-p", "quota", "-E", "-v", "file://" + cups.path("devices", "quota.prn"),
            "-o", "job-quota-period=86400", "-o", "job-k-limit=50")
    r = cups.brief("print", briefs, "--printer", "quota")
    ids = job_ids(r.stderr)
    first = sorted(glob.glob(os.path.join(briefs, "*.pdf")))[0]
    check(r.returncode != 0 and "'quota'" in r.stderr and "Quota" in r.stderr,
          f"a job refused mid-way: an error naming the printer: {r.stderr[-300:]}")
    check(len(ids) == 1 and "1 job already sent to quota" in r.stderr and first in r.stderr,
          f"a job refused mid-way: the jobs already sent are listed: {r.stderr[-300:]}")
    before = count_jobs(cups)

    notpdf = os.path.join(tmp, "notes.pdf")
    with open(notpdf, "w") as f:
        f.write("not a PDF\n")
    r = cups.brief("print", first, notpdf, "--printer", "meeting")
    check(r.returncode != 0 and notpdf + ": error:" in r.stderr, f"a file that is not a PDF: {r.stderr[-300:]}")
    check(count_jobs(cups) == before, "a bad file: nothing sent, not even the good one")
    r = cups.brief("print", briefs, "--printer", "meeting", "--copies", "0")
    check(r.returncode == 2 and "--copies" in r.stderr, "--copies 0 is refused")
    r = cups.brief("print", briefs, "--printer", "meeting", "--sides", "duplex")
    check(r.returncode == 2 and "two-sided-long-edge" in r.stderr, "a bad --sides lists the choices")
    check(count_jobs(cups) == before, "bad options: no job")

    env = {"CUPS_SERVER": f"127.0.0.1:{free_port()}"}
    r = cups.brief("print", briefs, "--printer", "meeting", env=env)
    check(r.returncode != 0 and "cannot reach the print scheduler" in r.stderr, f"no scheduler: {r.stderr[-200:]}")


def test_dry_run(cups, briefs):
    before = count_jobs(cups)
    r = cups.brief("print", briefs, "--printer", "meeting", "--copies", "3", "--dry-run")
    pdfs = sorted(glob.glob(os.path.join(briefs, "*.pdf")))
    check(r.returncode == 0, f"--dry-run exits 0: {r.stderr[-200:]}")
    for pdf in pdfs:
        county = os.path.splitext(os.path.basename(pdf))[0]
        check(re.search(rf"would print {county} \({re.escape(pdf)}, 4 pages\) on meeting at 127\.0\.0\.1:{cups.port}",
                        r.stderr) is not None, f"--dry-run says what goes where: {county}")
    check(r.stderr.count("copies=3 sides=two-sided-long-edge media=iso_a4_210x297mm collated") == len(pdfs),
          "--dry-run shows the job options")
    check("nothing sent" in r.stderr and count_jobs(cups) == before, "--dry-run sends nothing")


def copy_starts(npages_one, ncopies):
    step = npages_one + npages_one % 2
    return [1 + k * step for k in range(ncopies)]


def test_numbered(cups, tmp):
    """Must show: --numbered 1-5 gives five copies whose first pages show
    000001 … 000005 at the top left of the type area, each on an odd page."""
    md = os.path.join(INPUT, "陇西县.md")
    one, five = os.path.join(tmp, "one.pdf"), os.path.join(tmp, "five.pdf")
    check(run(BRIEF, "render", md, "--figures", FIGURES, "-o", one).returncode == 0, "render one copy")
    r = run(BRIEF, "render", md, "--figures", FIGURES, "-o", five, "--numbered", "1-5")
    check(r.returncode == 0, f"render --numbered 1-5: {r.stderr[-200:]}")
    n = pages_of(one)
    starts = copy_starts(n, 5)
    total = pages_of(five)
    check(total == starts[-1] + n - 1, f"five copies of {n} pages, each from an odd page: {total} pages")
    ws = words(five)
    numbers = [w for w in ws if re.fullmatch(r"\d{6}", w["text"])]
    print("  numbered copies: " + ", ".join(f"{w['text']} p.{w['page']} at ({w['xMin'] / MM:.2f} mm, "
                                            f"{w['yMin'] / MM:.2f}–{w['yMax'] / MM:.2f} mm)" for w in numbers))
    check([w["text"] for w in numbers] == ["%06d" % k for k in range(1, 6)], "000001 … 000005, once each, in order")
    check([w["page"] for w in numbers] == starts, f"each on its copy's first page: {[w['page'] for w in numbers]}")
    check(all(p % 2 == 1 for p in starts), "every copy starts on an odd page")
    pitch = 225 * MM / 22  # official: 22 lines in the 225 mm type area under a 37 mm top margin
    for w in numbers:
        check(abs(w["xMin"] - 28 * MM) < 0.3 * MM, f"{w['text']} flush with the left edge of the type area (28 mm)")
        check(37 * MM - 0.2 * MM <= w["yMin"] and w["yMax"] <= 37 * MM + pitch,
              f"{w['text']} on the first line of the type area (37 mm + one line)")
        check(w["yMax"] - w["yMin"] > 15 and w["xMax"] - w["xMin"] > 6 * 7, f"{w['text']}: six digits in 3号 (16 pt)")
        first_line = [x for x in ws if x["page"] == w["page"] and x is not w and x["yMin"] < w["yMax"]]
        check(not first_line, f"{w['text']}: nothing else on the first line: {[x['text'] for x in first_line]}")
    # The copies are the same brief: page by page the same text, but the number.
    text = run("pdftotext", "-layout", five, "-").stdout.split("\f")
    plain = lambda t: re.sub(r"\b\d{6}\b", "", t).strip()
    for k, s in enumerate(starts[1:], 2):
        check([plain(t) for t in text[s - 1:s - 1 + n]] == [plain(t) for t in text[0:n]], f"copy {k} is copy 1's pages")
    check(run("qpdf", "--check", five).returncode == 0, "numbered PDF passes qpdf --check")
    fonts = run("pdffonts", five).stdout.splitlines()[2:]
    check(fonts and all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in fonts), "numbered PDF: fonts emb+sub")
    again = os.path.join(tmp, "five2.pdf")
    run(BRIEF, "render", md, "--figures", FIGURES, "-o", again, "--numbered", "1-5")
    check(open(again, "rb").read() == open(five, "rb").read(), "numbered PDF: identical bytes on a second run")
    # Laid out once, written once: every copy's page shows the first copy's
    # content stream; a copy's first page adds one stream, its number.
    pj = json.loads(run("qpdf", "--json", "--json-key=pages", five).stdout)["pages"]
    shared = all(pj[s - 1 + p]["contents"][0] == pj[p]["contents"][0] for s in starts for p in range(n))
    check(shared and all(len(pj[s - 1]["contents"]) == 2 for s in starts), "copies share the first copy's page contents")
    check(os.path.getsize(five) < os.path.getsize(one) * 1.5, f"five copies cost little more bytes than one: "
          f"{os.path.getsize(five)} against {os.path.getsize(one)}")
    outline = run("qpdf", "--json", "--json-key=outlines", five).stdout
    check(all(f'"title": "{k:06d}"' in outline for k in range(1, 6)), "a bookmark per copy")

    # Images and links on every copy (shared pages keep their resources; links are per page).
    png = os.path.join(tmp, "图")
    run("pdftoppm", "-r", "20", "-png", "-f", "1", "-l", "1", one, png)
    pic = glob.glob(png + "*.png")[0]
    linked = os.path.join(tmp, "图文.md")
    with open(linked, "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: 图文\n---\n\n详见<https://example.org/a>。\n\n![图]({os.path.basename(pic)})\n")
    lpdf = os.path.join(tmp, "图文.pdf")
    r = run(BRIEF, "render", linked, "-o", lpdf, "--numbered", "1-3")
    imgs = [l.split()[0] for l in run("pdfimages", "-list", lpdf).stdout.splitlines()[2:]]
    qj = json.loads(run("qpdf", "--json", "--json-key=qpdf", lpdf).stdout)["qpdf"][1]
    links = sum(1 for v in qj.values() if isinstance(v.get("value"), dict) and v["value"].get("/Subtype") == "/Link")
    check(r.returncode == 0 and len(set(imgs)) == 3 and links == 3 and run("qpdf", "--check", lpdf).returncode == 0,
          f"numbered copies with an image and a link: the image on pages {imgs}, {links} links (one each per copy)")

    # A one-page brief: blank pages keep every copy on an odd page.
    short = os.path.join(tmp, "短.md")
    with open(short, "w", encoding="utf-8") as f:
        f.write("---\ntitle: 会议通知\ncounty: 一页县\nnumbered: 2, 4, 7-8\n---\n\n请准时参会。\n")
    spdf = os.path.join(tmp, "短.pdf")
    r = run(BRIEF, "render", short, "-o", spdf)
    check(r.returncode == 0, f"numbered: in the front matter: {r.stderr[-200:]}")
    got = [(w["text"], w["page"]) for w in words(spdf) if re.fullmatch(r"\d{6}", w["text"])]
    check(got == [("000002", 1), ("000004", 3), ("000007", 5), ("000008", 7)] and pages_of(spdf) == 7,
          f"front matter 2, 4, 7-8 on a one-page brief: {got}, {pages_of(spdf)} pages")
    r = run(BRIEF, "render", short, "-o", spdf, "--numbered", "9")
    got = [w["text"] for w in words(spdf) if re.fullmatch(r"\d{6}", w["text"])]
    check(got == ["000009"] and pages_of(spdf) == 1, f"--numbered overrides the front matter: {got}")

    # The briefing layout: the 份号 above the red masthead.
    bpdf = os.path.join(tmp, "briefing.pdf")
    r = run(BRIEF, "render", md, "--figures", FIGURES, "-o", bpdf, "--layout", "briefing", "--numbered", "1-2")
    ws = words(bpdf)
    num = [w for w in ws if w["text"] == "000001"]
    mast = [w for w in ws if w["page"] == 1 and "扶贫工作简报" in w["text"]]
    check(r.returncode == 0 and num and mast and num[0]["yMax"] <= mast[0]["yMin"] and abs(num[0]["xMin"] - 28 * MM) < 0.3 * MM,
          "briefing layout: the 份号 at the top left, above the masthead")

    # Bad ranges: errors with the place, no PDF.
    for bad, msg in [("5-1", "runs backwards"), ("1,1", "numbered twice"), ("0", "from 1 to"), ("1-3x", "unexpected")]:
        out = os.path.join(tmp, "bad.pdf")
        r = run(BRIEF, "render", md, "--figures", FIGURES, "-o", out, "--numbered", bad)
        check(r.returncode != 0 and f"--numbered '{bad}'" in r.stderr and msg in r.stderr and not os.path.exists(out),
              f"--numbered {bad}: {r.stderr.strip()[-200:]}")
    nocopy = os.path.join(tmp, "nocopy.yaml")
    with open(os.path.join(ROOT, "layouts", "official.yaml"), encoding="utf-8") as f:
        yaml = [l for l in f if "copy_number" not in l]
    with open(nocopy, "w", encoding="utf-8") as f:
        f.writelines(yaml)
    r = run(BRIEF, "render", md, "--figures", FIGURES, "-o", os.path.join(tmp, "bad.pdf"), "--numbered", "1-2",
            "--layout", nocopy)
    check(r.returncode != 0 and "nocopy.yaml: error: numbered copies need a 份号 in the layout" in r.stderr
          and not os.path.exists(os.path.join(tmp, "bad.pdf")), f"a layout without copy_number: {r.stderr.strip()[-200:]}")
    with open(nocopy, "a", encoding="utf-8") as f:
        f.write('copy_number: {format: "{copy}", digits: 12}\n')
    r = run(BRIEF, "render", md, "--figures", FIGURES, "-o", os.path.join(tmp, "bad.pdf"), "--numbered", "1-2",
            "--layout", nocopy)
    check(r.returncode != 0 and re.search(r"nocopy\.yaml:\d+:\d+: error: 'digits' must be a whole number", r.stderr),
          f"copy_number digits checked: {r.stderr.strip()[-200:]}")
    with open(short, "w", encoding="utf-8") as f:
        f.write("---\ntitle: 会议通知\nnumbered: 三十份\n---\n\n请准时参会。\n")
    r = run(BRIEF, "render", short, "-o", os.path.join(tmp, "bad.pdf"))
    check(r.returncode != 0 and re.search(r"短\.md:3:\d+: error: 'numbered': expected a copy number", r.stderr),
          f"numbered: in the front matter, bad: file:line:col: {r.stderr.strip()[-200:]}")

    # brief print of a numbered PDF: one job, its copies inside.
    r = cups.brief("print", five, "--printer", "meeting")
    ids = job_ids(r.stderr)
    cups.wait_done(ids)
    jobs = {int(j["job-id"]): j for j in cups.jobs()}
    j = jobs.get(ids[0], {}) if len(ids) == 1 else {}
    check(r.returncode == 0 and len(ids) == 1 and j.get("copies") == "1" and j.get("sides") == "two-sided-long-edge",
          f"a numbered PDF prints as one job, duplex: {r.stderr[-200:]} {j}")
    check(len(ids) == 1 and cups.spooled(ids[0]) == open(five, "rb").read(), "numbered job spooled byte for byte")


def test_batch_numbered(tmp):
    out = os.path.join(tmp, "numbered-batch")
    r = run(BRIEF, "batch", *checks.county_examples(INPUT), "--figures", FIGURES, "-o", out, "--numbered", "1-2")
    check(r.returncode == 0, f"batch --numbered: {r.stderr[-200:]}")
    for pdf in sorted(glob.glob(os.path.join(out, "*.pdf"))):
        got = [w["text"] for w in words(pdf) if re.fullmatch(r"\d{6}", w["text"])]
        check(got == ["000001", "000002"], f"batch --numbered 1-2: {os.path.basename(pdf)} has {got}")


def test_printer_list_capped(cups, briefs):
    """Issue 17: an error lists the five printers closest to the name asked
    for, then "and N more" (an office server may have hundreds)."""
    for i in range(1, 7):
        cups.add_queue(f"office-{i}")
    queues = [l.split()[0] for l in cups.lp("lpstat", "-e").stdout.splitlines() if l.strip()]
    r = cups.brief("print", briefs, "--printer", "offic")
    want = (f"brief: printers on 127.0.0.1:{cups.port}: office-1, office-2, office-3, office-4, office-5"
            f" and {len(queues) - 5} more\n")
    check(r.returncode != 0 and len(queues) >= 11 and want in r.stderr,
          f"printer list capped at the five closest: {len(queues)} queues, {r.stderr[-300:]!r}")


def main():
    tmp = tempfile.mkdtemp(prefix="brief-print-")
    cups = Cups(tmp)
    try:
        briefs = os.path.join(tmp, "briefs")
        r = run(BRIEF, "batch", *checks.county_examples(INPUT), "--figures", FIGURES, "-o", briefs)
        check(r.returncode == 0 and len(glob.glob(os.path.join(briefs, "*.pdf"))) == 3, "render the examples")
        if not check(cups.start(), "start a private cupsd on 127.0.0.1"):
            return
        for q in ["meeting", "other"]:
            check(cups.add_queue(q).returncode == 0, f"add the raw queue {q} with a file: device")
        test(test_print_examples, cups, briefs)
        test(test_defaults, cups, briefs, tmp)
        test(test_errors, cups, briefs, tmp)
        test(test_dry_run, cups, briefs)
        test(test_numbered, cups, tmp)
        test(test_batch_numbered, tmp)
        test(test_printer_list_capped, cups, briefs)
    finally:
        cups.stop()
        shutil.rmtree(tmp, ignore_errors=True)


main()
sys.exit(checks.report() or (0 if checks.passed else 1))
