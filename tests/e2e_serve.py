#!/usr/bin/env python3
"""End-to-end tests of `brief serve` over real HTTP: routes and status codes,
the 127.0.0.1 default, 40 concurrent renders (each byte-identical to the
command line's PDF), path traversal attempts, the time limit, saving.
Called like e2e_test.py: e2e_serve.py BRIEF ROOT. Prints "N passed, N failed"."""
import concurrent.futures, http.client, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, threading, time

import checks
from checks import check, run
import urllib.parse

BRIEF, ROOT = sys.argv[1], sys.argv[2]


def fonts_ok(pdf):
    rows = run("pdffonts", pdf).stdout.splitlines()[2:]
    return len(rows) > 0 and all(r.split()[-5:-2] == ["yes", "yes", "yes"] for r in rows)


INPUT = os.path.join(ROOT, "input")
EXAMPLES = ["陇西县.md", "黔西县.md", "盘州市.md"]


class Server:
    """A `brief serve` process on a free port, stopped with SIGTERM."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([BRIEF, "serve", *args, "--port", "0"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"brief serve: http://([\d.]+):(\d+)/", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("brief serve did not start: %r %s" % (line, self.proc.stderr.read()))
        self.host, self.port = m.group(1), int(m.group(2))

    def request(self, method, path, body=None, headers=None, timeout=120):
        c = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.getheader("Content-Type") or "", r.read()
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
    bad = "# 标题\n\n第一段。\n\n第二段有𠮷字。\n".encode()
    status, ctype, body = s.request("POST", "/render", bad)
    errs = errors_of(body)
    check(status == 422 and "json" in ctype and errs and errs[0]["line"] == 5 and errs[0]["col"] == 5,
          "a Markdown error is 422 with line 5 col 5: %d %s" % (status, body[:300]))
    soft = "# 标题\n\n第一行文字。\n这里有个𠮷字。\n".encode()  # the error is on the paragraph's second line
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
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", path).stdout).group(1))
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


def main():
    tmp = tempfile.mkdtemp(prefix="brief-serve-test-")
    try:
        test_default_host(tmp)
        served, has_png = make_folder(tmp)
        s = Server(served)
        s.dir = served
        try:
            test_routes(s, tmp, has_png)
            test_traversal(s, tmp, has_png)
            test_save(s)
            test_booklet(s, tmp)
            test_host_checks(s)
            test_concurrent(s, tmp)
            err = ""
        finally:
            rc = s.stop()
            err = s.proc.stderr.read()
        check(rc == 0, "brief serve DIR stops with status 0 (%s)" % err[-500:])
        test_limits(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(checks.report())


if __name__ == "__main__":
    main()
