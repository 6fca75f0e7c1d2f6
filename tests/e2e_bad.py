#!/usr/bin/env python3
"""Bad inputs (issue 17): the catalogue tests/bad/catalogue.txt (one input
file per case, its exact messages, exit status and what is written), then
the cases that need more set-up: a read-only output folder, a summary over
the size limit, GB18030 giving the same PDF as UTF-8, Word's manual breaks,
a long URL, peak memory of a 1 MB paragraph, and SIGINT/SIGTERM during a
render and a batch of 200. Arguments: BRIEF ROOT."""
import os, re, shutil, signal, subprocess, sys, tempfile, time

from lib import checks, paths
from lib.checks import check, run, test
from lib.pdf import fonts_ok

BRIEF, ROOT = paths.from_argv()
INPUT, FIGURES = paths.examples(ROOT)

BAD = os.path.join(ROOT, "tests", "bad")
# Under AddressSanitizer (scripts/test-sanitizers.sh) memory use is several
# times larger: the bound is scaled, never dropped.
SANITIZED = bool(os.environ.get("BRIEF_SANITIZED"))
MEMORY_BOUND_MB = 200 * (4 if SANITIZED else 1)


def catalogue():
    text = open(os.path.join(BAD, "catalogue.txt"), encoding="utf-8").read()
    cases = []
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        head, _, rest = block.partition("\n")
        case = {"name": head.split(":")[0], "what": head, "args": ""}
        fields, _, stderr = rest.partition("stderr:\n")
        for line in fields.splitlines():
            k, _, v = line.partition(": ")
            case[k] = v
        case["stderr"] = stderr.rstrip("\n") + "\n" if stderr.strip() else ""
        cases.append(case)
    return cases


def job_folder(tmp):
    """A copy of tests/bad with the figures and the outward symlink."""
    d = os.path.join(tmp, "bad")
    shutil.copytree(BAD, d)
    shutil.copy(FIGURES, os.path.join(d, "figures.csv"))
    os.symlink("/etc/hostname", os.path.join(d, "link-out.png"))
    return d


@checks.catalogue
def test_catalogue(tmp):
    d = job_folder(tmp)
    cases = catalogue()
    check(len(cases) >= 30, f"catalogue has {len(cases)} cases")
    for c in cases:
        if not checks.selected(c["name"]):
            continue
        out = os.path.join(d, "out")
        os.makedirs(out)
        name = c["name"]
        args = [BRIEF, "render", c["file"], "-o", f"out/{name}.pdf", *c["args"].split()]
        if c["written"] == "no":  # a failed render leaves an existing output as it was
            checks.write(os.path.join(out, f"{name}.pdf"), "OLD")
            r = run(*args, cwd=d)
            left = sorted(os.listdir(out))
            check(r.returncode == int(c["exit"]), f"{name} over an old PDF: exit {r.returncode}, expected {c['exit']}")
            check(left == [f"{name}.pdf"] and open(os.path.join(out, f"{name}.pdf")).read() == "OLD",
                  f"{name}: the existing PDF is untouched and nothing else written, found {left}")
            os.remove(os.path.join(out, f"{name}.pdf"))
        r = run(*args, cwd=d)
        check(r.returncode == int(c["exit"]), f"{name}: exit {r.returncode}, expected {c['exit']}: {r.stderr}")
        check(r.stderr == c["stderr"], f"{name}: stderr\n  got      {r.stderr!r}\n  expected {c['stderr']!r}")
        left = sorted(os.listdir(out))
        if c["written"] == "no":
            check(left == [], f"{name}: nothing written, found {left}")
        else:
            pdf = os.path.join(out, f"{name}.pdf")
            check(left == [f"{name}.pdf"], f"{name}: only the PDF written, found {left}")
            check(os.path.exists(pdf) and run("qpdf", "--check", pdf).returncode == 0, f"{name}: qpdf --check")
            check(os.path.exists(pdf) and fonts_ok(pdf), f"{name}: fonts embedded and subset")
        shutil.rmtree(out)


def as_other_user():
    """Root writes into read-only folders: run brief as nobody then."""
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.getuid() == 0 else []


def readable_data(d):
    """The layouts and font map where the other user can read them: the
    checkout, and the folders above d, may be closed to it (mktemp -d makes
    0700 folders); brief runs in d, so the copy is named relative to it."""
    for sub in ["layouts", "fonts"]:
        shutil.copytree(os.path.join(ROOT, sub), os.path.join(d, "brief-data", sub))
    return dict(os.environ, BRIEF_DATA="brief-data")


def test_read_only_folder(tmp):
    d = job_folder(tmp)
    for p in [tmp, d]:
        os.chmod(p, 0o755)
    env = readable_data(d)
    ro = os.path.join(d, "ro")
    os.makedirs(ro)
    os.chmod(ro, 0o555)
    r = run(*as_other_user(), BRIEF, "render", "manual-breaks.md", "-o", "ro/简报.pdf", cwd=d, env=env)
    check(r.returncode == 1 and r.stderr == "ro/简报.pdf: error: cannot write the PDF: Permission denied; the folder ro "
          "is read-only for brief: choose another -o or make it writable\n", f"render into a read-only folder: {r.stderr!r}")
    src = os.path.join(d, "src")
    os.makedirs(src)
    for f in ["manual-breaks.md", "gbk.md"]:
        shutil.copy(os.path.join(d, f), src)
    r = run(*as_other_user(), BRIEF, "batch", "src", "-o", "ro", cwd=d, env=env)
    check(r.returncode == 1 and r.stderr == "brief: error: cannot write into the output folder 'ro': Permission denied; "
          "choose another -o or make it writable\n", f"batch into a read-only folder: {r.stderr!r}")
    check(os.listdir(ro) == [], f"nothing left in the read-only folder: {os.listdir(ro)}")


def test_size_limit(tmp):
    md = os.path.join(tmp, "big.md")
    with open(md, "w", encoding="utf-8") as f:
        f.write("# 标题\n\n")
        line = "东风村位于县城以南，全村四百余户，近年来以马铃薯种植为主业。" * 10 + "\n\n"
        while f.tell() < 17 * 1024 * 1024:
            f.write(line)
    out = os.path.join(tmp, "big-out")
    os.makedirs(out)
    r = run(BRIEF, "render", "big.md", "-o", "big-out/big.pdf", cwd=tmp)
    check(r.returncode == 1 and r.stderr == "big.md: error: the summary is 17.0 MB; at most 16 MB is read: split it "
          "into several summaries\n", f"summary over the size limit: {r.stderr!r}")
    check(os.listdir(out) == [], "nothing written for an oversized summary")


def test_gb18030_same_pdf(tmp):
    d = job_folder(tmp)
    with open(os.path.join(d, "gbk.md"), "rb") as f:
        utf8 = f.read().decode("gb18030")
    with open(os.path.join(d, "utf8.md"), "w", encoding="utf-8") as f:
        f.write(utf8)
    a, b = os.path.join(d, "a.pdf"), os.path.join(d, "b.pdf")
    ra, rb = run(BRIEF, "render", "gbk.md", "-o", a, cwd=d), run(BRIEF, "render", "utf8.md", "-o", b, cwd=d)
    check(ra.returncode == 0 and rb.returncode == 0 and "warning: not UTF-8" in ra.stderr and rb.stderr == "",
          f"GB18030 and UTF-8 summaries render: {ra.stderr} {rb.stderr}")
    check(os.path.exists(a) and os.path.exists(b) and open(a, "rb").read() == open(b, "rb").read(),
          "a GB18030 summary gives the very PDF of its UTF-8 copy")


def test_manual_breaks(tmp):
    d = job_folder(tmp)
    pdf = os.path.join(d, "mb.pdf")
    r = run(BRIEF, "render", "manual-breaks.md", "-o", pdf, cwd=d)
    lines = [l for l in run("pdftotext", pdf, "-").stdout.splitlines() if l.strip()]
    check(r.returncode == 0 and lines[1:4] == ["东风村位于县城以南，", "全村四百余户。", "近年来以马铃薯种植为主业。"],
          f"VT and FF are line breaks: {lines}")


def peak_rss_mb(args, **kw):
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, usage.ru_maxrss / 1024, p.stderr.read().decode()


def test_long_url(tmp):
    d = job_folder(tmp)
    pdf = os.path.join(d, "url.pdf")
    rc, mb, err = peak_rss_mb([BRIEF, "render", "long-url.md", "-o", pdf], cwd=d)
    check(rc == 0, f"a 100,000-character URL renders: {err}")
    text = re.sub(r"—\d+—", "", re.sub(r"\s", "", run("pdftotext", pdf, "-").stdout))  # without the page numbers
    check("https://example.com/" + "a" * 100000 + "。" in text, "the whole URL is printed, broken over lines")
    qdf = os.path.join(d, "url.qdf")
    run("qpdf", "--qdf", "--object-streams=disable", pdf, qdf)
    check(b"/URI" not in open(qdf, "rb").read(), "the overlong URL is not a link")
    check(mb < MEMORY_BOUND_MB, f"a 100,000-character URL: peak memory {mb:.0f} MB (< {MEMORY_BOUND_MB})")
    print(f"long URL: peak memory {mb:.0f} MB")


def stress_paragraph(path, size=1_000_000):
    """One paragraph of 1 MB of Chinese text (the examples' sentences)."""
    text = ""
    for f in sorted(os.listdir(os.path.join(ROOT, "input"))):
        if f.endswith(".md"):
            body = open(os.path.join(ROOT, "input", f), encoding="utf-8").read().split("---", 2)[2]
            text += "".join(re.findall(r"[\u4e00-\u9fff，。；：、“”（）0-9]+", body))
    para = (text * (size // len(text.encode()) + 1)).encode()[:size].decode("utf-8", "ignore")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# 压力测试\n\n" + para + "\n")


def test_stress_memory(tmp):
    md = os.path.join(tmp, "stress.md")
    stress_paragraph(md)
    pdf = os.path.join(tmp, "stress.pdf")
    rc, mb, err = peak_rss_mb([BRIEF, "render", md, "-o", pdf])
    check(rc == 0 and run("qpdf", "--check", pdf).returncode == 0, f"the 1 MB paragraph renders: {err[-300:]}")
    check(mb < MEMORY_BOUND_MB, f"the 1 MB paragraph: peak memory {mb:.0f} MB (< {MEMORY_BOUND_MB})")
    print(f"1 MB stress paragraph: peak memory {mb:.0f} MB")


def test_signal_removes_temp(tmp, sig):
    """A signal while the PDF is being written: its temporary file goes, no PDF, 128 + signal."""
    md = os.path.join(tmp, "stress.md")
    if not os.path.exists(md):
        stress_paragraph(md)
    out = os.path.join(tmp, f"sig{sig}")
    os.makedirs(out)
    p = subprocess.Popen([BRIEF, "render", md, "-o", os.path.join(out, "stress.pdf")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = False
    deadline = time.time() + 600
    while p.poll() is None and time.time() < deadline:
        if any(".tmp-" in f for f in os.listdir(out)):
            seen = True
            p.send_signal(sig)
            break
        time.sleep(0.002)
    err = p.communicate()[1]
    name = signal.Signals(sig).name
    check(seen, f"{name}: the temporary file was seen while the PDF was written")
    check(p.returncode == 128 + sig, f"{name} during the PDF stage: exit {p.returncode}, expected {128 + sig}")
    check(err.endswith(f"brief: interrupted ({name}): {out}/stress.pdf not written\n"), f"{name}: the summary line: {err!r}")
    check(os.listdir(out) == [], f"{name}: no temporary file and no PDF left: {os.listdir(out)}")


def test_batch_interrupted(tmp, sig):
    """A batch of 200 interrupted after a second: only whole PDFs, no temporary file, a summary."""
    src = os.path.join(tmp, f"batch-src-{sig}")
    os.makedirs(src)
    shutil.copy(FIGURES, os.path.join(src, "figures.csv"))
    examples = sorted(f for f in os.listdir(os.path.join(ROOT, "input")) if f.endswith(".md"))
    # Each brief is an example with its body six times (about 24 pages):
    # 200 four-page briefs took under a second once rendering got faster, so
    # the signal came after the batch.
    for i in range(200):
        ex = examples[i % len(examples)]
        with open(os.path.join(ROOT, "input", ex), encoding="utf-8") as f:
            text = f.read()
        head, sep, body = text.partition("\n---\n")
        with open(os.path.join(src, f"{i:03d}-{ex}"), "w", encoding="utf-8") as f:
            f.write(head + sep + body + ("\n" + body) * 5 if sep else text)
    out = os.path.join(tmp, f"batch-out-{sig}")
    p = subprocess.Popen([BRIEF, "batch", src, "-o", out, "--booklet", os.path.join(tmp, f"book-{sig}.pdf")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    start = time.time()
    # A second, and at least one brief written (a slow sanitized build may need longer).
    while p.poll() is None and (time.time() - start < 1 or not any(f.endswith(".pdf") for f in os.listdir(out))):
        time.sleep(0.01)
    p.send_signal(sig)
    err = p.communicate()[1]
    name = signal.Signals(sig).name
    check(p.returncode == 128 + sig, f"batch {name}: exit {p.returncode}, expected {128 + sig}: {err[-300:]}")
    files = sorted(os.listdir(out))
    pdfs = [f for f in files if f.endswith(".pdf")]
    check(all(f.endswith(".pdf") for f in files), f"batch {name}: no temporary file left: {[f for f in files if not f.endswith('.pdf')]}")
    check(0 < len(pdfs) < 200, f"batch {name}: interrupted part way ({len(pdfs)} of 200)")
    bad = [f for f in pdfs if run("qpdf", "--check", os.path.join(out, f)).returncode != 0]
    check(not bad, f"batch {name}: every PDF left is valid (qpdf --check): bad {bad}")
    m = re.search(rf"brief: interrupted \({name}\): (\d+) of 200 briefs written to {re.escape(out)}, the other (\d+) not; no booklet\n$", err)
    check(m and int(m.group(1)) == len(pdfs) and int(m.group(2)) == 200 - len(pdfs),
          f"batch {name}: the summary counts the PDFs ({len(pdfs)}): {err[-200:]!r}")
    check(not os.path.exists(os.path.join(tmp, f"book-{sig}.pdf")), f"batch {name}: no booklet")
    print(f"batch {name}: {len(pdfs)} of 200 written before the signal")


def test_font_chain_capped(tmp):
    """A character no font has: the fonts tried, the first five of a longer
    chain then how many more (a font map may list a dozen)."""
    data = os.path.join(tmp, "data")
    shutil.copytree(os.path.join(ROOT, "layouts"), os.path.join(data, "layouts"))
    os.makedirs(os.path.join(data, "fonts"))
    chain = ["Noto Serif CJK SC", "AR PL UMing CN", "AR PL UMing HK", "AR PL UMing TW", "AR PL UKai CN",
             "LXGW WenKai", "WenQuanYi Zen Hei"]
    with open(os.path.join(ROOT, "fonts", "fontmap.yaml"), encoding="utf-8") as f:
        fontmap = [l if not l.startswith("fangsong:") else f"fangsong: [{', '.join(chain)}]\n" for l in f]
    with open(os.path.join(data, "fonts", "fontmap.yaml"), "w", encoding="utf-8") as f:
        f.writelines(fontmap)
    md = os.path.join(tmp, "tofu.md")
    shutil.copy(os.path.join(BAD, "tofu.md"), md)
    env = dict(os.environ, BRIEF_DATA=data)
    r = run(BRIEF, "render", md, "-o", os.path.join(tmp, "tofu.pdf"), cwd=tmp, env=env)
    tried = r.stderr.partition("tried ")[2].partition(";")[0]
    check(r.returncode == 1 and tried == ", ".join(chain[:5]) + " and 2 more" and not os.path.exists(os.path.join(tmp, "tofu.pdf")),
          f"font chain of 7 listed as the first five and 2 more: {r.stderr!r}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for t in [test_catalogue, test_read_only_folder, test_size_limit, test_gb18030_same_pdf, test_manual_breaks,
                  test_long_url, test_stress_memory, test_font_chain_capped]:
            checks.test_in_folder(t, tmp)
        for sig in [signal.SIGINT, signal.SIGTERM]:
            test(test_signal_removes_temp, tmp, sig)
            test(test_batch_interrupted, tmp, sig)
    sys.exit(checks.report())


if __name__ == "__main__":
    main()
