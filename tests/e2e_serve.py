#!/usr/bin/env python3
"""End-to-end tests of `brief serve` over real HTTP: routes and status codes,
the 127.0.0.1 default, 40 concurrent renders (each byte-identical to the
command line's PDF), path traversal attempts, the time limit, saving; and
its limits under attack, on 127.0.0.1 only (or in a network namespace of
its own): the time limit inside a stage, renders of departed clients,
a second signal, DNS rebinding with --host 0.0.0.0, 260 slow clients,
names on PUT, what error messages tell.
Arguments: BRIEF ROOT. Prints "N passed, N failed"."""
import concurrent.futures, fcntl, http.client, json, os, re, select, shutil, signal, socket, statistics, struct, subprocess, sys, tempfile, threading, time

from lib import checks, paths
from lib.checks import check, run, test
from lib.pdf import fonts_ok, page_count
import urllib.parse

BRIEF, ROOT = paths.from_argv(argv=sys.argv[:1] + sys.argv[-2:])  # after --rebinding, if given
SLOW = 3.0 if os.environ.get("BRIEF_SANITIZED") else 1.0  # time bounds under AddressSanitizer


INPUT = os.path.join(ROOT, "input")
EXAMPLES = ["陇西县.md", "黔西县.md", "盘州市.md"]


class Server:
    """A `brief serve` process on a free port, stopped with SIGTERM."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([BRIEF, "serve", *args, "--port", "0"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"brief serve: http://([\d.]+):(\d+)/", line)
        self.printed_host = m.group(1) if m else None
        if not m:
            self.proc.kill()
            raise RuntimeError("brief serve did not start: %r %s" % (line, self.proc.stderr.read()))
        self.host, self.port = "127.0.0.1" if m.group(1) == "0.0.0.0" else m.group(1), int(m.group(2))

    def request(self, method, path, body=None, headers=None, timeout=120, want_headers=False):
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            got = (r.status, r.getheader("Content-Type") or "", r.read())
            return got + (dict(r.getheaders()),) if want_headers else got
        finally:
            c.close()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None


def errors_of(body):
    try:
        return json.loads(body.decode()).get("errors", [])
    except ValueError:
        return []


def pdf_text(data, tmp, name="t.pdf"):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return run("pdftotext", path, "-").stdout, path


def multipart(fields):
    """fields: (name, filename or None, bytes). Returns (body, content type)."""
    boundary = "----brief-test-boundary-7d93"
    out = b""
    for name, filename, data in fields:
        out += b"--" + boundary.encode() + b"\r\n"
        disp = 'form-data; name="%s"' % name + ('; filename="%s"' % filename if filename else "")
        out += b"Content-Disposition: " + disp.encode() + b"\r\nContent-Type: application/octet-stream\r\n\r\n"
        out += data + b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return out, "multipart/form-data; boundary=" + boundary


def listening_addresses(port):
    """Local addresses of the listening sockets on port, from /proc/net/tcp{,6}."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in open(table).read().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.split(":")
            if int(p, 16) == port and state == "0A":  # LISTEN
                found.append(addr)
    return found


def make_folder(tmp):
    """A served folder: the examples, figures, an image, and links that point outside."""
    d = os.path.join(tmp, "served")
    os.mkdir(d)
    for name in EXAMPLES + ["figures.csv"]:
        shutil.copy(os.path.join(INPUT, name), d)
    secret = os.path.join(tmp, "secret.md")
    with open(secret, "w") as f:
        f.write("# 机密\n\n不应被读出。\n")
    os.symlink(secret, os.path.join(d, "link.md"))
    # a PNG to place: page 1 of an example, rasterised by poppler
    pdf = os.path.join(tmp, "for-png.pdf")
    run(BRIEF, "render", os.path.join(INPUT, "黔西县.md"), "--figures", os.path.join(INPUT, "figures.csv"), "-o", pdf)
    run("pdftoppm", "-r", "8", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, os.path.join(d, "图"))
    images = [n for n in os.listdir(d) if n.endswith(".png")]
    if images:
        shutil.copy(os.path.join(d, "图.png"), os.path.join(tmp, "outside.png"))
        os.symlink(os.path.join(tmp, "outside.png"), os.path.join(d, "escape.png"))
    return d, bool(images)


def test_default_host(tmp):
    s = Server()
    try:
        check(s.host == "127.0.0.1", "serve listens on 127.0.0.1 by default (printed %s)" % s.host)
        addrs = listening_addresses(s.port)
        check(addrs == ["0100007F"], "the only listening socket is 127.0.0.1:%d (%s)" % (s.port, addrs))
        status, _, _ = s.request("GET", "/files")
        check(status == 404, "without DIR there is no /files (%d)" % status)
        md = b"# \xe6\xa0\x87\xe9\xa2\x98\n\n![\xe5\x9b\xbe](x.png)\n"
        status, _, body = s.request("POST", "/render", md)
        check(status == 422 and "folder" in body.decode(), "without DIR images are refused: %d %s" % (status, body[:200]))
        fm = "---\nlayout: document\ntitle: 通知\nattachments: [a.md]\n---\n\n正文。\n".encode()
        status, _, body = s.request("POST", "/render", fm)
        check(status == 422 and b"attachment" in body, "without DIR attachments are refused: %d %s" % (status, body[:200]))
    finally:
        check(s.stop() == 0, "SIGTERM stops brief serve with status 0")


def test_routes(s, tmp, has_png):
    status, ctype, body = s.request("GET", "/")
    check(status == 200 and ctype.startswith("text/html") and b"<textarea" in body, "GET / is the page")
    status, ctype, body = s.request("GET", "/layouts")
    check(status == 200 and json.loads(body)["layouts"] == ["briefing", "document", "official", "plain"], "GET /layouts: %s" % body)
    for path in ["/nope", "/render/x", "/files/", "/index.html", "/booklet", "//etc/passwd"]:
        status, ctype, _ = s.request("GET", path)
        check(status == 404 and "json" in ctype, "GET %s is 404 (%d)" % (path, status))
    status, _, _ = s.request("GET", "/render")
    check(status == 405, "GET /render is 405 (%d)" % status)
    status, _, _ = s.request("DELETE", "/files/" + urllib.parse.quote("陇西县.md"))
    check(status in (404, 405), "DELETE is refused (%d)" % status)

    # A summary renders; the PDF is the command line's, byte for byte.
    md = open(os.path.join(INPUT, "陇西县.md"), "rb").read()
    cli = os.path.join(tmp, "cli.pdf")
    run(BRIEF, "render", os.path.join(INPUT, "陇西县.md"), "--figures", os.path.join(INPUT, "figures.csv"), "-o", cli)
    status, ctype, body = s.request("POST", "/render?name=" + urllib.parse.quote("陇西县.md"), md,
                                    {"Content-Type": "text/markdown; charset=utf-8"})
    check(status == 200 and ctype == "application/pdf", "POST /render gives a PDF (%d %s)" % (status, ctype))
    check(body == open(cli, "rb").read(), "the served PDF equals brief render's (figures.csv of DIR used)")
    text, path = pdf_text(body, tmp)
    check("陇西县" in text and fonts_ok(path), "served PDF: text and embedded fonts")

    # Layout picker and figures upload as multipart.
    figures = open(os.path.join(INPUT, "figures.csv"), "rb").read().replace(b"13.8", b"77.7")
    form, ctype = multipart([("markdown", "陇西县.md", md), ("figures", "改过的数据.csv", figures)])
    status, _, body = s.request("POST", "/render?layout=briefing&name=" + urllib.parse.quote("陇西县.md"), form,
                                {"Content-Type": ctype})
    text, _ = pdf_text(body, tmp)
    check(status == 200 and "77.7%" in text, "multipart: the uploaded figures are used (%d)" % status)
    check(body[:5] == b"%PDF-" and body != open(cli, "rb").read(), "layout=briefing gives another PDF")

    # Errors: 422 with line and column, no path of the server's disk.
    bad = "# 标题\n\n第一段。\n\n第二段有𰀀字。\n".encode()
    status, ctype, body = s.request("POST", "/render", bad)
    errs = errors_of(body)
    check(status == 422 and "json" in ctype and errs and errs[0]["line"] == 5 and errs[0]["col"] == 5,
          "a Markdown error is 422 with line 5 col 5: %d %s" % (status, body[:300]))
    soft = "# 标题\n\n第一行文字。\n这里有个𰀀字。\n".encode()  # the error is on the paragraph's second line
    status, _, body = s.request("POST", "/render", soft)
    errs = errors_of(body)
    check(status == 422 and errs and (errs[0]["line"], errs[0]["col"]) == (4, 5),
          "an error after a soft break: line 4 col 5: %s" % body[:200])
    bad_fig = "---\ncounty: 陇西县\n---\n# 标题\n\n数据{{不存在的指标}}。\n".encode()
    form, ctype = multipart([("markdown", None, bad_fig), ("figures", "数据.csv", figures)])
    status, _, body = s.request("POST", "/render", form, {"Content-Type": ctype})
    errs = errors_of(body)
    check(status == 422 and errs and errs[0]["line"] == 6 and "数据.csv" in errs[0]["message"],
          "an unknown indicator: 422 at 6:3 naming the uploaded file: %s" % body[:300])
    check(b"brief-figures" not in body and s.dir.encode() not in body and b"/tmp" not in body,
          "error messages name no temporary file and no server path")
    status, _, body = s.request("POST", "/render", b"\xff\xfe bad bytes")
    check(status == 422 and errors_of(body)[0]["line"] == 1, "invalid UTF-8: 422 at line 1")
    status, _, body = s.request("POST", "/render?layout=nosuch", md)
    check(status == 422, "an unknown layout: 422 (%d)" % status)
    if has_png:
        ok = "# 图\n\n![图](图.png)\n".encode()
        status, _, body = s.request("POST", "/render", ok)
        check(status == 200, "an image inside DIR renders (%d %s)" % (status, body[:200]))

    # 413 over 2 MB: with a Content-Length, and chunked without one.
    big = ("大" * 800000).encode()  # 2.4 MB
    status, _, body = s.request("POST", "/render", big)
    check(status == 413, "a 2.4 MB body is 413 (%d)" % status)
    with socket.create_connection((s.host, s.port), timeout=30) as sock:  # refused before the body is sent
        sock.sendall(b"POST /render HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 3000000\r\n\r\n")
        reply = sock.recv(4096)
    check(reply.startswith(b"HTTP/1.1 413"), "Expect: 100-continue with 3 MB announced: 413 at once (%r)" % reply[:40])
    c = http.client.HTTPConnection(s.host, s.port, timeout=60)
    c.putrequest("POST", "/render")
    c.putheader("Transfer-Encoding", "chunked")
    c.endheaders()
    for i in range(0, len(big), 65536):
        piece = big[i:i + 65536]
        c.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
    c.send(b"0\r\n\r\n")
    r = c.getresponse()
    check(r.status == 413, "a chunked 2.4 MB body is 413 (%d)" % r.status)
    c.close()
    under = ("# 标题\n\n" + "字字字字字字字字，字字字字字字字。\n\n" * 40000).encode()[:2 * 1024 * 1024 - 10]
    under = under[: under.rfind(b"\n") + 1]
    status, _, _ = s.request("POST", "/render", under)
    check(status == 200, "a body just under 2 MB (%d bytes) is rendered, not refused (%d)" % (len(under), status))


def raw_get(s, path):
    """GET with the path sent exactly as given (no client normalisation)."""
    with socket.create_connection((s.host, s.port), timeout=30) as sock:
        sock.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n" % (path, s.host, s.port)).encode())
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data


def test_traversal(s, tmp, has_png):
    secret = b"\xe4\xb8\x8d\xe5\xba\x94\xe8\xa2\xab\xe8\xaf\xbb\xe5\x87\xba"  # 不应被读出
    paths = ["/../secret.md", "/files/../secret.md", "/files/..%2Fsecret.md", "/files/%2e%2e%2fsecret.md",
             "/files/..%2F..%2F..%2Fetc%2Fpasswd", "/files/%2Fetc%2Fpasswd.md", "/files/link.md",
             "/files/.hidden.md", "/files/figures.csv", "/files/..", "/files/%00.md", "/files/a%5C..%5Csecret.md",
             "/..%2f..%2f..%2fetc/passwd", "/files/" + "..%2F" * 8 + "etc%2Fpasswd"]
    for p in paths:
        status, data = raw_get(s, p)
        check(status in (400, 404) and secret not in data and b"root:" not in data, "GET %s refused (%d)" % (p, status))
    status, _, body = s.request("GET", "/files")
    names = json.loads(body)["files"]
    check(names == sorted(EXAMPLES), "GET /files lists the summaries, not the link leaving DIR: %s" % names)
    for p in ["/files/..%2Fsecret.md", "/files/sub%2Fnew.md", "/files/link.md", "/files/.x.md"]:
        status, _ = 0, None
        c = http.client.HTTPConnection(s.host, s.port, timeout=30)
        c.request("PUT", p, body=b"# x\n")
        status = c.getresponse().status
        c.close()
        check(status == 404, "PUT %s refused (%d)" % (p, status))
    check(open(os.path.join(tmp, "secret.md"), "rb").read().find(secret) >= 0, "the file outside DIR is untouched")
    for q in ["name=..%2Fsecret.md", "name=%2Fetc%2Fpasswd", "layout=..%2F..%2Fetc%2Fpasswd", "layout=%2Fetc%2Fpasswd"]:
        status, _, body = s.request("POST", "/render?" + q, b"# x\n")
        check(status in (404, 422) and b"root:" not in body, "render ?%s refused (%d)" % (q, status))
    fm = b"---\nlayout: /etc/passwd\n---\n# x\n"
    status, _, body = s.request("POST", "/render", fm)
    check(status == 422 and b"root:" not in body, "a front-matter layout path is refused (%d)" % status)
    images = ["../secret.md", "../../../../etc/passwd", "/etc/hostname", "%2e%2e/outside.png"]
    if has_png:
        images += ["escape.png", "../outside.png"]
    for img in images:
        status, _, body = s.request("POST", "/render", ("# 图\n\n![x](%s)\n" % img).encode())
        errs = errors_of(body)
        check(status == 422 and errs and errs[0]["line"] == 3, "image %s refused at line 3 (%d)" % (img, status))


    # A document's attachments are files too: only inside the served folder (link.md points outside).
    for att in ["../secret.md", "link.md", "/etc/x.md"]:
        fm = ("---\nlayout: document\ntitle: 通知\nattachments: [%s]\n---\n\n正文。\n" % att).encode()
        status, _, body = s.request("POST", "/render", fm)
        check(status == 422 and "机密".encode() not in body and b"attachment" in body,
              "attachment %s refused (%d %s)" % (att, status, body[:160]))


def test_save(s):
    name = urllib.parse.quote("新建.md")
    text = "# 新建简报\n\n保存测试。\n".encode()
    status, _, body = s.request("PUT", "/files/" + name, text)
    check(status == 200, "PUT /files/新建.md saves (%d %s)" % (status, body))
    status, ctype, body = s.request("GET", "/files/" + name)
    check(status == 200 and body == text and ctype.startswith("text/markdown"), "the saved summary reads back")
    status, _, body = s.request("PUT", "/files/" + name, text + "第二版。\n".encode())
    check(open(os.path.join(s.dir, "新建.md"), "rb").read().endswith("第二版。\n".encode()), "saving again replaces it")
    check(not [n for n in os.listdir(s.dir) if ".tmp-" in n], "no temporary file is left in DIR")
    os.unlink(os.path.join(s.dir, "新建.md"))


def test_booklet(s, tmp):
    status, ctype, body = s.request("GET", "/booklet.pdf")
    check(status == 200 and ctype == "application/pdf", "GET /booklet.pdf (%d)" % status)
    _, path = pdf_text(body, tmp, "booklet.pdf")
    pages = page_count(path)
    check(pages >= 12, "the booklet holds the three 4-page briefs (%d pages)" % pages)
    check(not [n for n in os.listdir(tempfile.gettempdir()) if n.startswith("brief-booklet-")],
          "the booklet's temporary folder is removed")


def test_host_checks(s):
    status, _, _ = s.request("GET", "/", headers={"Host": "evil.example"})
    check(status == 403, "a foreign Host header is refused (DNS rebinding): %d" % status)
    status, _, _ = s.request("POST", "/render", b"# x\n", {"Origin": "http://evil.example"})
    check(status == 403, "a foreign Origin is refused: %d" % status)
    status, _, _ = s.request("POST", "/render", b"# x\n", {"Origin": "http://%s:%d" % (s.host, s.port)})
    check(status == 200, "the page's own Origin is accepted: %d" % status)
    status, _, _ = s.request("GET", "/", headers={"Host": "localhost:%d" % s.port})
    check(status == 200, "Host localhost is accepted: %d" % status)


def test_concurrent(s, tmp):
    """40 renders at once, three different summaries: every PDF must equal
    the command line's for its summary (a shared engine mixing state between
    threads would show as different bytes)."""
    expected = {}
    for name in EXAMPLES:
        out = os.path.join(tmp, name + ".pdf")
        run(BRIEF, "render", os.path.join(INPUT, name), "--figures", os.path.join(INPUT, "figures.csv"), "-o", out)
        expected[name] = open(out, "rb").read()
    bodies = {n: open(os.path.join(INPUT, n), "rb").read() for n in EXAMPLES}
    start = threading.Barrier(40)

    def one(i):
        name = EXAMPLES[i % 3]
        start.wait()
        return name, s.request("POST", "/render?name=" + urllib.parse.quote(name), bodies[name], timeout=300)

    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        results = list(pool.map(one, range(40)))
    wall = time.monotonic() - t0
    ok = sum(1 for name, (status, _, body) in results if status == 200 and body == expected[name])
    check(ok == 40, "40 concurrent renders all give the command line's PDF (%d of 40)" % ok)
    print("40 concurrent renders: %.2f s wall" % wall)


def test_limits(tmp):
    """A huge render passes its time limit (503) without stalling a small one,
    and a client that never finishes its request holds only its connection."""
    d = os.path.join(tmp, "limits")
    os.mkdir(d)
    s = Server(d, "--time-limit", "700", "--jobs", "2")  # the huge render takes ~1.4 s on a quiet machine, a small one ~50 ms
    s.dir = d
    try:
        # three tables of 9,000 rows (under the 2 MB body and 10,000-row limits): about 1.4 s to render
        table = "| 甲 | 乙 | 金额 | 备注 |\n|---|---|---|---|\n" + "".join(
            "| 甲%d | 乙 | 1,234.5 | 备注文字较长的一栏内容 |\n" % i for i in range(9000))
        huge = ("# 大文档\n\n" + "\n".join([table] * 3)).encode()
        slow = socket.create_connection((s.host, s.port))
        slow.sendall(b"POST /render HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\n# half")
        result = {}
        th = threading.Thread(target=lambda: result.update(big=s.request("POST", "/render", huge)))
        th.start()
        time.sleep(0.05)
        small = "# 小文档\n\n一段文字。\n".encode()
        t0 = time.monotonic()
        status, _, b2 = s.request("POST", "/render", small)
        small_ms = (time.monotonic() - t0) * 1000
        th.join()
        check(status == 200, "a small render beside a huge one and a stalled client succeeds (%d %s)" % (status, b2[:200]))
        big_status, _, big_body = result["big"]
        check(big_status == 503 and b"time limit" in big_body, "the huge render stops at the time limit: %d" % big_status)
        print("small render beside a huge one: %.0f ms" % small_ms)
        slow.close()
    finally:
        s.stop()


# ---- limits under attack: each of these failed before the fix it guards ----

def heading_run(n):
    """n headings in a row: each kept with the next, a long layout (and the
    render's longest stage) for a small request."""
    return ("# 大文档\n\n" + "".join("## 第%d节\n\n" % i for i in range(n))).encode()


def send_raw_request(host, port, body, path="/render"):
    sock = socket.create_connection((host, port), timeout=120)
    sock.sendall(b"POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n" % (path.encode(), len(body)) + body)
    return sock


def test_time_limit_in_stage(tmp):
    """--time-limit holds inside the layout stage: 80,000 headings parse in
    0.6 s and take seconds to lay out (answered after 8 s before), a 1 s
    limit answers well before that."""
    # The input must still take long for the checks here and in the next
    # two tests to mean anything (parse and layout, as brief text runs them).
    path = os.path.join(tmp, "headings.md")
    with open(path, "wb") as f:
        f.write(heading_run(80000))
    t0 = time.monotonic()
    run(BRIEF, "text", path)
    full = time.monotonic() - t0
    bound = 1.0 + 1.5 * SLOW  # the limit, and at most the parse stage beyond it
    check(full > bound + 1, "80,000 headings still take long to lay out (%.2f s; else pick a longer stage)" % full)
    s = Server("--time-limit", "1000", "--jobs", "1")
    try:
        t0 = time.monotonic()
        status, _, body = s.request("POST", "/render", heading_run(80000))
        took = time.monotonic() - t0
        check(status in (200, 503) and took < bound,
              "a 1 s limit answers a long layout in %.2f s (under %.1f s; 8 s before): %d" % (took, bound, status))
        check(status != 503 or [e["message"] for e in errors_of(body)] ==
              ["the brief took longer than the time limit; split the summary or raise the limit"],
              "the 503 says once that the time limit passed: %s" % body[:300])
        print("time limit 1 s, 80,000 headings (%.2f s without one): answered %d in %.2f s" % (full, status, took))
    finally:
        s.stop()


def test_abandoned_render(tmp):
    """A render whose client has gone stops and frees its slot: with one
    slot, a small render right after the departure is answered at once,
    not after the departed one's seconds."""
    s = Server("--time-limit", "60000", "--jobs", "1")
    try:
        sock = send_raw_request(s.host, s.port, heading_run(60000))
        time.sleep(0.5)  # the long render holds the one slot
        sock.close()
        t0 = time.monotonic()
        status, _, _ = s.request("POST", "/render", "# 小文档\n\n一段文字。\n".encode())
        took = time.monotonic() - t0
        check(status == 200 and took < 1.5 * SLOW,
              "the departed client's render gave up its slot: the next render took %.2f s (%d)" % (took, status))
        print("render after a departed client's long one (one slot): %.0f ms" % (took * 1000))
    finally:
        s.stop()


def test_second_signal(tmp):
    """The first SIGTERM lets the render in progress finish; a second one
    exits at once with 128 + 15."""
    s = Server("--time-limit", "60000", "--jobs", "1")
    sock = send_raw_request(s.host, s.port, heading_run(60000))
    try:
        time.sleep(0.5)
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        check(s.proc.poll() is None, "after one SIGTERM the render in progress goes on")
        t0 = time.monotonic()
        s.proc.send_signal(signal.SIGTERM)
        try:
            rc = s.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            rc = None
        took = time.monotonic() - t0
        check(rc == 128 + signal.SIGTERM and took < 1.0 * SLOW,
              "a second SIGTERM exits at once with 143 (%s after %.2f s)" % (rc, took))
        err = s.proc.stderr.read()
        check("again stops at once" in err, "the first signal says how to stop at once: %r" % err[-200:])
    finally:
        sock.close()
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()


def lo_up():
    """Brings up lo in a fresh network namespace (SIOCGIFFLAGS, SIOCSIFFLAGS)."""
    sk = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    flags = struct.unpack("16sH", fcntl.ioctl(sk, 0x8913, struct.pack("16sH", b"lo", 0))[:18])[1]
    fcntl.ioctl(sk, 0x8914, struct.pack("16sH", b"lo", flags | 1))
    sk.close()


def rebinding_checks(tmp):
    """Run inside a network namespace holding only lo: --host 0.0.0.0 then
    reaches nothing but this machine's loopback."""
    lo_up()
    d = os.path.join(tmp, "rebind")
    os.mkdir(d)
    shutil.copy(os.path.join(INPUT, "陇西县.md"), d)
    s = Server(d, "--host", "0.0.0.0", "--allow-host", "brief.example,Other.Example")
    try:
        check(s.printed_host == "0.0.0.0", "the server listens on 0.0.0.0 (%s)" % s.printed_host)
        port = s.port
        name = urllib.parse.quote("陇西县.md")
        for host in ["evil.example", "evil.example:%d" % port, "localhost.evil.example", "127.0.0.1.evil.example"]:
            # a page of evil.example rebound to this machine: same origin to the browser
            hdrs = {"Host": host, "Origin": "http://" + host}
            status, _, body = s.request("GET", "/files/" + name, headers=hdrs)
            check(status == 403 and "陇西县".encode() not in body, "--host 0.0.0.0: Host %s cannot read (%d)" % (host, status))
            status, _, _ = s.request("PUT", "/files/" + name, b"# overwritten\n", headers=hdrs)
            check(status == 403, "--host 0.0.0.0: Host %s cannot save (%d)" % (host, status))
        check(b"overwritten" not in open(os.path.join(d, "陇西县.md"), "rb").read(), "the summary was not overwritten")
        for host in ["127.0.0.1:%d" % port, "localhost:%d" % port, "LOCALHOST", "[::1]:%d" % port,
                     "brief.example:%d" % port, "other.example"]:
            status, _, _ = s.request("GET", "/files/" + name, headers={"Host": host, "Origin": "http://" + host})
            check(status == 200, "Host %s is accepted (%d)" % (host, status))
    finally:
        s.stop()


def test_rebinding(tmp):
    """The rebinding checks of --host 0.0.0.0, run in a network namespace
    of their own (unshare -rn) so that nothing outside this machine's
    loopback can reach the server."""
    r = subprocess.run(["unshare", "-rn", sys.executable, __file__, "--rebinding", BRIEF, ROOT],
                       capture_output=True, text=True, timeout=300)
    print(r.stdout.strip())
    ok = r.returncode == 0 and re.search(r"\b0 failed", r.stdout) is not None
    check(ok, "DNS rebinding with --host 0.0.0.0 refused, in a network namespace (rc %d) %s" % (r.returncode, r.stderr[-500:]))


def alive(sock):
    """False once the server has closed or reset the connection."""
    try:
        r, _, _ = select.select([sock], [], [], 0)
        if not r:
            return True
        return sock.recv(1, socket.MSG_PEEK) != b""
    except OSError:
        return False


def test_slow_clients(tmp):
    """260 connections from 127.0.0.1 trickling a header line every 5 s
    (the review's attack): a normal client on the same address still gets
    its renders at once; one address holds at most 64 connections; every
    trickler is closed once its header has taken 10 s, however steadily it
    sends."""
    s = Server("--jobs", "2")
    small = "# 小文档\n\n一段文字。\n".encode()
    tricklers, opened = [], time.monotonic()
    try:
        for i in range(260):
            try:
                t = socket.create_connection((s.host, s.port), timeout=5)
                t.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                tricklers.append([t, None])
            except OSError:
                tricklers.append([None, time.monotonic()])
        latencies, statuses, next_line, most_alive = [], [], opened + 5, 0
        while time.monotonic() - opened < 13:
            now = time.monotonic()
            if now >= next_line:  # one more header line from every trickler still connected
                for tr in tricklers:
                    if tr[0] is not None and tr[1] is None:
                        try:
                            tr[0].sendall(b"X-Slow: 1\r\n")
                        except OSError:
                            pass
                next_line += 5
            for tr in tricklers:
                if tr[0] is not None and tr[1] is None and not alive(tr[0]):
                    tr[1] = time.monotonic()
            if now - opened > 1:  # the server has accepted them all (its accept queue drained)
                most_alive = max(most_alive, sum(1 for tr in tricklers if tr[1] is None))
            t0 = time.monotonic()
            try:
                status, _, _ = s.request("POST", "/render", small, timeout=10)
            except OSError as e:
                status = str(e)
            latencies.append(time.monotonic() - t0)
            statuses.append(status)
            time.sleep(0.25)
        ok = sum(1 for st in statuses if st == 200)
        check(ok == len(statuses), "with 260 slow connections open every normal render succeeds (%d of %d: %s)"
              % (ok, len(statuses), sorted(set(map(str, statuses)))))
        check(max(latencies) < 1.0 * SLOW, "a normal render under the slow-client flood takes under %.0f s (worst %.0f ms)"
              % (SLOW, max(latencies) * 1000))
        check(most_alive <= 64, "one address holds at most 64 connections (%d of the 260 stayed open at once)" % most_alive)
        still = [tr for tr in tricklers if tr[1] is None]
        check(not still, "every trickling connection is closed by 13 s (%d still open)" % len(still))
        late = sorted(tr[1] - opened for tr in tricklers if tr[1] is not None and tr[1] - opened > 2)
        check(late and 9.5 <= late[0] and late[-1] <= 12,
              "the survivors are cut when their header has taken 10 s (%.1f to %.1f s)" % (late[0], late[-1]) if late
              else "the survivors are cut when their header has taken 10 s (none was)")
        print("260 slow clients: normal render median %.0f ms, worst %.0f ms over %d renders; at most %d open at once;"
              " %d pushed out at once, %d cut at %.1f-%.1f s" % (statistics.median(latencies) * 1000,
              max(latencies) * 1000, len(latencies), most_alive, len(tricklers) - len(late), len(late),
              late[0] if late else 0, late[-1] if late else 0))
    finally:
        for tr in tricklers:
            if tr[0] is not None:
                tr[0].close()
        s.stop()


def test_names_and_messages(tmp):
    """What PUT accepts as a name, what it does to a symbolic link, what
    error messages and headers say."""
    d = os.path.join(tmp, "names")
    os.mkdir(d)
    with open(os.path.join(d, "本体.md"), "w") as f:
        f.write("# 本体\n")
    os.symlink("本体.md", os.path.join(d, "别名.md"))
    with open(os.path.join(tmp, "outside-secret.md"), "w") as f:
        f.write("# 外\n")
    s = Server(d)
    try:
        status, _, _ = s.request("PUT", "/files/" + urllib.parse.quote("别名.md"), "# 新内容\n".encode())
        check(status == 200, "PUT through a link to a summary of the folder is saved (%d)" % status)
        check(os.path.islink(os.path.join(d, "别名.md")), "the link stays a link (the save writes through it)")
        check(open(os.path.join(d, "本体.md"), encoding="utf-8").read() == "# 新内容\n", "the file it points to has the text")
        for raw in ["x.md%00.txt", "a%0D%0Ab.md", "a%0Ab.md", "a%01b.md", "a%7Fb.md", "%00.md", "a%FFb.md"]:
            status, _, _ = s.request("PUT", "/files/" + raw, b"# x\n")
            check(status == 404, "PUT /files/%s refused (%d)" % (raw, status))
            status, _ = raw_get(s, "/files/" + raw)
            check(status == 404, "GET /files/%s refused (%d)" % (raw, status))
        check(sorted(os.listdir(d)) == ["别名.md", "本体.md"], "nothing else was written: %s" % os.listdir(d))
        status, _, body = s.request("POST", "/render?name=x.md%00.txt", b"# x\n")
        check(status == 404, "?name=x.md%%00.txt refused (%d)" % status)

        status, _, body = s.request("POST", "/render?layout=nosuch", b"# x\n")
        check(status == 422 and os.path.realpath(ROOT).encode() not in body and b"/layouts" not in body,
              "an unknown layout's error names no server path: %s" % body[:300])
        msgs = {}
        for img in ["../outside-secret.md", "../nothing-here.png", "/etc/hostname", "/etc/nothing-here.png"]:
            status, _, body = s.request("POST", "/render", ("# 图\n\n![x](%s)\n" % img).encode())
            errs = errors_of(body)
            msgs[img] = errs[0]["message"].replace(img, "IMG") if errs else ""
        check(len(set(msgs.values())) == 1 and "outside" in msgs["../nothing-here.png"],
              "a path outside the folder gets one message whether it exists or not: %s" % msgs)

        for path in ["/", "/nope", "/layouts"]:
            _, _, _, hdrs = s.request("GET", path, want_headers=True)
            check(hdrs.get("X-Frame-Options") == "DENY" and "frame-ancestors 'none'" in hdrs.get("Content-Security-Policy", ""),
                  "GET %s: X-Frame-Options DENY and CSP frame-ancestors 'none' (%s)" % (path, hdrs))
    finally:
        s.stop()



def main():
    tmp = tempfile.mkdtemp(prefix="brief-serve-test-")
    if sys.argv[1:2] == ["--rebinding"]:  # inside the network namespace test_rebinding made
        try:
            rebinding_checks(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        sys.exit(checks.report())
    try:
        test(test_default_host, tmp)
        served, has_png = make_folder(tmp)
        s = Server(served)
        s.dir = served
        try:
            test(test_routes, s, tmp, has_png)
            test(test_traversal, s, tmp, has_png)
            test(test_save, s)
            test(test_booklet, s, tmp)
            test(test_host_checks, s)
            test(test_concurrent, s, tmp)
            err = ""
        finally:
            rc = s.stop()
            err = s.proc.stderr.read()
        check(rc == 0, "brief serve DIR stops with status 0 (%s)" % err[-500:])
        for t in (test_limits, test_names_and_messages, test_time_limit_in_stage, test_abandoned_render,
                  test_second_signal, test_rebinding, test_slow_clients):
            test(t, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(checks.report())


if __name__ == "__main__":
    main()
