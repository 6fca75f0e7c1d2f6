#!/usr/bin/env python3
"""End-to-end tests of `brief mail` and `brief send`: the examples mailed
to the units of their 版记, the .eml files parsed with Python's email
package, and delivery to real SMTP servers (Debian's python3-aiosmtpd) on
127.0.0.1: one that takes everything, one that refuses a recipient, one
that drops the connection in the middle of a message, one that wants a
login. Arguments: BRIEF ROOT."""
import asyncio, csv, email, email.policy, glob, io, os, re, shutil, ssl, subprocess, sys, tempfile, threading

from lib import checks, paths
from lib.checks import check, test
from lib.net import free_port

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult
import logging, warnings

logging.getLogger("mail.log").setLevel(logging.CRITICAL)  # the servers are meant to misbehave
warnings.filterwarnings("ignore", module="aiosmtpd")

BRIEF, ROOT = paths.from_argv()
INPUT = os.path.join(ROOT, "input")
FROM = "中共陇西县委组织部 <office@longxi.example.gov.cn>"


def env(**extra):
    e = dict(os.environ)
    e.pop("SOURCE_DATE_EPOCH", None)
    e.pop("BRIEF_SMTP_PASSWORD", None)
    e.update(extra)
    return e


def run(*args, **extra):
    return subprocess.run([BRIEF] + list(args), capture_output=True, text=True, env=env(**extra), timeout=300)


def parse(path):
    with open(path, "rb") as f:
        return email.message_from_bytes(f.read(), policy=email.policy.default)


def addresses(msg, *fields):
    return [a.addr_spec for f in fields for h in msg.get_all(f, []) for a in h.addresses]


# ---- the oracle: what the printed 版记 says, looked up in contacts.csv ----

def banji_lines(pdf):
    """The 报/送/发 lines as the PDF prints them (briefing layout)."""
    text = subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, text=True).stdout
    return [l.strip() for l in text.splitlines() if re.match(r"^(报|送|发|抄送|印发)：", l.strip())]


def read_book(path, county):
    rows = list(csv.DictReader(io.StringIO(open(path, encoding="utf-8-sig").read())))
    book = {}
    for r in rows:
        if not r.get("县(市)") or r["县(市)"] == county:
            book.setdefault(r["单位"].strip(), []).append(r["邮箱"].strip())
    return book


def expected_recipients(pdf, book):
    to, cc = [], []
    for line in banji_lines(pdf):
        label, value = line.split("：", 1)
        units = [value] if value in book else [u.strip() for u in re.split("[，、,]", value) if u.strip()]
        for u in units:
            (to if label == "报" else cc).extend(book[u])
    return to, cc


def county_of(md):
    return re.search(r"^county: *(.+)$", open(md, encoding="utf-8").read(), re.M).group(1).strip()


# ---- SMTP servers ---------------------------------------------------------

class Inbox:
    """Keeps every message delivered; refuses the addresses in `refuse`."""

    def __init__(self, refuse=()):
        self.messages, self.refuse = [], set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 <%s>: Recipient address rejected: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content)))
        return "250 2.0.0 Ok: queued as %d" % len(self.messages)


class DroppingSMTP(SMTP):
    """Reads a few lines of the first message, then closes the connection."""
    drops_left = 1

    async def smtp_DATA(self, arg):
        if DroppingSMTP.drops_left == 0:
            return await super().smtp_DATA(arg)
        DroppingSMTP.drops_left -= 1
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        for _ in range(20):
            await self._reader.readuntil(b"\r\n")
        self.transport.close()


class DroppingController(Controller):
    def factory(self):
        return DroppingSMTP(self.handler, **self.SMTP_kwargs)


def server(handler, controller=Controller, **kw):
    port = free_port()
    c = controller(handler, hostname="127.0.0.1", port=port, **kw)
    c.start()
    return c, "smtp://127.0.0.1:%d" % port


def sent_log(outdir):
    path = os.path.join(outdir, "sent.log")
    if not os.path.exists(path):
        return []
    return [l.split("\t") for l in open(path, encoding="utf-8").read().splitlines() if l]


def copy_mail(src, dst):
    os.makedirs(dst)
    for f in glob.glob(os.path.join(src, "*.eml")) + glob.glob(os.path.join(src, "*.pdf")):
        shutil.copy(f, dst)
    return dst


# ---- tests ----------------------------------------------------------------

def test_mail(tmp):
    """brief mail input: three PDFs, three .eml addressed as the 版记 says."""
    out = os.path.join(tmp, "out")
    examples = checks.county_examples(INPUT)
    r = run("mail", *examples, "-o", out, "--from", FROM, "--layout", "briefing")
    check(r.returncode == 0, f"brief mail exits 0: {r.stderr}")
    check(len(examples) == 3, "three examples")
    ids = set()
    for md in examples:
        stem = os.path.splitext(os.path.basename(md))[0]
        pdf, eml = os.path.join(out, stem + ".pdf"), os.path.join(out, stem + ".eml")
        if not check(os.path.exists(pdf) and os.path.exists(eml), f"{stem}: PDF and .eml written"):
            continue
        raw = open(eml, "rb").read()
        msg = parse(eml)
        check(not msg.defects and all(not p.defects for p in msg.walk()), f"{stem}: parses without defects")
        to, cc = expected_recipients(pdf, read_book(os.path.join(INPUT, "contacts.csv"), county_of(md)))
        check(len(to) > 0, f"{stem}: the 版记 has a 报 line with addresses")
        check(addresses(msg, "To") == to, f"{stem}: To {addresses(msg, 'To')} == 报 contacts {to}")
        check(addresses(msg, "Cc") == cc, f"{stem}: Cc {addresses(msg, 'Cc')} == 送/发 contacts {cc}")
        check([a.display_name for a in msg["To"].addresses][0] in banji_lines(pdf)[0],
              f"{stem}: recipients named by their unit")
        check(addresses(msg, "From") == ["office@longxi.example.gov.cn"] and
              msg["From"].addresses[0].display_name == "中共陇西县委组织部", f"{stem}: From")
        # Subject: RFC 2047 encoded words, decoding to the title and 期号.
        meta = open(md, encoding="utf-8").read()
        title = re.search(r"^title: *(.+)$", meta, re.M).group(1).strip()
        issue = re.search(r"^issue: *第?(\d+)", meta, re.M).group(1)  # 12 or 第12期 (printed as 第12期 either way)
        raw_subject = re.search(rb"^Subject:(.*?)\r\n(?! )", raw, re.M | re.S).group(1)
        check(re.fullmatch(rb"(\s*=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=)+", raw_subject.replace(b"\r\n", b"")) is not None,
              f"{stem}: Subject is RFC 2047 encoded words: {raw_subject[:60]}")
        check(all(len(w) <= 75 for w in re.findall(rb"=\?UTF-8\?B\?[^?]*\?=", raw_subject)), f"{stem}: encoded words ≤ 75")
        check(str(msg["Subject"]) == f"{title}（第{issue}期）", f"{stem}: Subject {msg['Subject']}")
        # The PDF is the one attachment, byte for byte, named <name>.pdf (RFC 2231).
        atts = list(msg.iter_attachments())
        check(len(atts) == 1, f"{stem}: one attachment")
        if atts:
            check(atts[0].get_content_type() == "application/pdf", f"{stem}: application/pdf")
            check(atts[0].get_filename() == stem + ".pdf", f"{stem}: attachment named {atts[0].get_filename()}")
            check(atts[0].get_content() == open(pdf, "rb").read(), f"{stem}: attachment bytes equal the PDF")
        check(b"filename*=UTF-8''" in raw or b"filename*0*=UTF-8''" in raw, f"{stem}: RFC 2231 file name")
        body = msg.get_body(("plain",))
        check(body is not None and title in body.get_content() and "2016年11月14日" in body.get_content()
              if stem == "陇西县" else body is not None, f"{stem}: text body with title and date")
        # Line lengths: base64 ≤ 76, every line CRLF-terminated and ≤ 78.
        lines = raw.split(b"\r\n")
        check(b"\n" not in raw.replace(b"\r\n", b""), f"{stem}: CRLF line ends only")
        b64 = [l for l in lines if re.fullmatch(rb"[A-Za-z0-9+/]+=*", l) and len(l) > 40]
        check(len(b64) > 100 and max(len(l) for l in b64) <= 76, f"{stem}: base64 lines ≤ 76")
        check(max(len(l) for l in lines) <= 78, f"{stem}: lines ≤ 78 (longest {max(len(l) for l in lines)})")
        check(msg["X-Unsent"] == "1", f"{stem}: X-Unsent: 1 (opens as a draft in Outlook)")
        date = re.search(r"^date: *(\d+)[-年](\d+)[-月](\d+)", meta, re.M).groups()  # 2016-11-14 or 2016年11月14日
        check(msg["Date"].datetime.timetuple()[:3] == tuple(map(int, date)), f"{stem}: Date from the front matter")
        ids.add(msg["Message-ID"])
        check(re.fullmatch(r"<[0-9a-f]{32}\.brief@longxi\.example\.gov\.cn>", msg["Message-ID"]) is not None,
              f"{stem}: Message-ID {msg['Message-ID']}")
    check(len(ids) == 3, "three different Message-IDs")
    # Reproducible: the same input gives the same bytes; SOURCE_DATE_EPOCH sets the Date.
    again = os.path.join(tmp, "again")
    run("mail", INPUT, "-o", again, "--from", FROM, "--layout", "briefing")
    for eml in glob.glob(os.path.join(out, "*.eml")):
        other = os.path.join(again, os.path.basename(eml))
        check(os.path.exists(other) and open(eml, "rb").read() == open(other, "rb").read(),
              f"{eml}: identical bytes on a second run")
    epoch = os.path.join(tmp, "epoch")
    run("mail", os.path.join(INPUT, "黔西县.md"), "-o", epoch, "--from", FROM, SOURCE_DATE_EPOCH="1700000000")
    check(parse(os.path.join(epoch, "黔西县.eml"))["Date"] == "Tue, 14 Nov 2023 22:13:20 +0000",
          "SOURCE_DATE_EPOCH sets the Date")
    return out


def test_long_name(tmp):
    """A long file name is split into RFC 2231 sections; the name comes back whole."""
    src = os.path.join(tmp, "in-long")
    os.makedirs(src)
    for f in ("contacts.csv", "figures.csv"):
        shutil.copy(os.path.join(INPUT, f), src)
    stem = "黔西县城乡共建新农村党建一加一结对帮扶调研报告定稿第二十一期"
    shutil.copy(os.path.join(INPUT, "黔西县.md"), os.path.join(src, stem + ".md"))
    out = os.path.join(tmp, "out-long")
    r = run("mail", src, "-o", out, "--from", FROM)
    eml = os.path.join(out, stem + ".eml")
    check(r.returncode == 0 and os.path.exists(eml), f"long name mailed: {r.stderr}")
    if os.path.exists(eml):
        raw = open(eml, "rb").read()
        att = list(parse(eml).iter_attachments())
        check(b"filename*0*=UTF-8''" in raw and b"filename*1*=" in raw, "RFC 2231 continuations")
        check(len(att) == 1 and att[0].get_filename() == stem + ".pdf", f"long name: {att[0].get_filename() if att else None}")
        check(max(len(l) for l in raw.split(b"\r\n")) <= 78, "long name: lines ≤ 78")


def test_template_and_bcc(tmp):
    """A mail.yaml beside the summaries sets the wording; a Bcc added by hand
    reaches its address but is not in what is sent."""
    src = os.path.join(tmp, "in-tmpl")
    shutil.copytree(INPUT, src)
    with open(os.path.join(src, "mail.yaml"), "w", encoding="utf-8") as f:
        f.write('subject_issue: "【{county}】{title}（第{issue}期）"\nbody: |\n  请审阅附件{file}。\n  {author}，{date}\n')
    out = os.path.join(tmp, "out-tmpl")
    r = run("mail", os.path.join(src, "陇西县.md"), "-o", out, "--from", FROM)
    eml = os.path.join(out, "陇西县.eml")
    check(r.returncode == 0 and os.path.exists(eml), f"mail.yaml: {r.stderr}")
    if not os.path.exists(eml):
        return
    msg = parse(eml)
    check(str(msg["Subject"]).startswith("【陇西县】陇西县“筑扶贫堡垒") and str(msg["Subject"]).endswith("（第12期）"),
          f"mail.yaml subject: {msg['Subject']}")
    check(msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == "请审阅附件陇西县.pdf。\n中共陇西县委组织部，2016年11月14日\n",
          f"mail.yaml body: {msg.get_body(('plain',)).get_content()!r}")
    raw = open(eml, "rb").read()
    open(eml, "wb").write(raw.replace(b"\r\nSubject:", b"\r\nBcc: archive@longxi.example.gov.cn,\r\n"
                                                       b" audit@longxi.example.gov.cn\r\nSubject:", 1))
    inbox = Inbox()
    ctl, url = server(inbox)
    try:
        r = run("send", out, "--smtp", url)
        check(r.returncode == 0 and len(inbox.messages) == 1, f"send with Bcc: {r.stderr}")
        if inbox.messages:
            rcpts, content = inbox.messages[0][1], inbox.messages[0][2]
            check(rcpts[-2:] == ["archive@longxi.example.gov.cn", "audit@longxi.example.gov.cn"], f"Bcc in the envelope: {rcpts}")
            check(b"Bcc:" not in content and b"audit@" not in content and b"X-Unsent" not in content,
                  "Bcc and X-Unsent not in the message sent")
    finally:
        ctl.stop()
    with open(os.path.join(src, "mail.yaml"), "w", encoding="utf-8") as f:
        f.write("subjcet: typo\n")
    r = run("mail", os.path.join(src, "陇西县.md"), "-o", out, "--from", FROM)
    check(r.returncode != 0 and "mail.yaml:1:10: error: 'subjcet' is not a mail template key" in r.stderr, r.stderr)


def test_missing_unit(tmp):
    """A unit without an address: file:line:col naming it, no .eml for that county."""
    src = os.path.join(tmp, "in-missing")
    shutil.copytree(INPUT, src)
    book = os.path.join(src, "contacts.csv")
    rows = open(book, encoding="utf-8").read().splitlines()
    open(book, "w", encoding="utf-8").write("\n".join(l for l in rows if ",市扶贫办," not in l) + "\n")
    out = os.path.join(tmp, "out-missing")
    r = run("mail", src, "-o", out, "--from", FROM)
    md = os.path.join(src, "陇西县.md")
    lines = open(md, encoding="utf-8").read().splitlines()
    line = next(i + 1 for i, l in enumerate(lines) if "市扶贫办" in l)
    col = lines[line - 1].index("市扶贫办") + 1
    check(r.returncode != 0, "a missing unit: non-zero exit")
    check(f"{md}:{line}:{col}: error: the unit '市扶贫办' has no address" in r.stderr,
          f"error at {line}:{col} naming the unit: {r.stderr}")
    check("closest units: 市委组织部" in r.stderr, "the closest units of the book are listed")
    check(not os.path.exists(os.path.join(out, "陇西县.eml")), "no .eml for that county")
    check(os.path.exists(os.path.join(out, "盘州市.eml")) and os.path.exists(os.path.join(out, "黔西县.eml")),
          "the other counties are mailed")
    total = len(glob.glob(os.path.join(INPUT, "*.md")))
    check(re.search(rf"1 of {total} briefs failed.*\n\s+.*陇西县\.md", r.stderr) is not None, "the failure is listed at the end")
    check(not [f for f in os.listdir(out) if ".tmp-" in f], "no temporary files left")
    # A unit in a list entry ("送：…" written in the YAML list) is found at its own column.
    open(book, "w", encoding="utf-8").write("\n".join(l for l in rows if "毕节" not in l) + "\n")
    r = run("mail", os.path.join(src, "黔西县.md"), "-o", out, "--from", FROM)
    qx = open(os.path.join(src, "黔西县.md"), encoding="utf-8").read().splitlines()
    line = next(i + 1 for i, l in enumerate(qx) if l.startswith("recipients:"))
    col = qx[line - 1].index("毕节地委组织部") + 1
    check(r.returncode != 0 and f"黔西县.md:{line}:{col}: error: the unit '毕节地委组织部'" in r.stderr,
          f"list entry position {line}:{col}: {r.stderr}")
    # No address book at all.
    os.remove(book)
    r = run("mail", os.path.join(src, "黔西县.md"), "-o", os.path.join(tmp, "out-nobook"), "--from", FROM)
    check(r.returncode != 0 and "contacts.csv: error: cannot read the address book" in r.stderr, r.stderr)
    check(not os.path.exists(os.path.join(tmp, "out-nobook", "黔西县.eml")), "no book: no .eml")


def test_addressees(tmp):
    """A 文件式 document goes To its 主送机关 (to:, GB/T 9704-2012 7.3.2) first, then its 报 units; Cc its
    抄送; a 主送 unit without an address is an error at its place in the to: line."""
    out = os.path.join(tmp, "out-to")
    notice = os.path.join(INPUT, "黔西县组织部通知.md")
    r = run("mail", notice, os.path.join(INPUT, "陇西县组织部报告.md"), "-o", out, "--from", FROM)
    check(r.returncode == 0, f"brief mail on the two documents: {r.stderr}")
    if r.returncode == 0:
        book = read_book(os.path.join(INPUT, "contacts.csv"), "黔西县")
        msg = parse(os.path.join(out, "黔西县组织部通知.eml"))
        to = book["各乡镇党委"] + book["县直各部门党组织"]
        check(addresses(msg, "To") == to, f"通知: To {addresses(msg, 'To')} == 主送 {to}")
        cc = [a for u in ["县委办公室", "县政府办公室", "县扶贫开发办公室", "各结对帮扶单位", "中共黔西县委组织部办公室"]
              for a in book[u]]
        check(addresses(msg, "Cc") == cc, f"通知: Cc {addresses(msg, 'Cc')} == 抄送 and 印发 {cc}")
        report = parse(os.path.join(out, "陇西县组织部报告.eml"))
        first = read_book(os.path.join(INPUT, "contacts.csv"), "陇西县")["中共定西市委组织部"]
        check(addresses(report, "To")[:len(first)] == first, f"报告: To starts with the 主送 {first}: "
              f"{addresses(report, 'To')}")
    src = os.path.join(tmp, "in-to")
    shutil.copytree(INPUT, src)
    book = os.path.join(src, "contacts.csv")
    rows = open(book, encoding="utf-8").read().splitlines()
    open(book, "w", encoding="utf-8").write("\n".join(l for l in rows if l != "黔西县,县直各部门党组织,"
                                                       "xzbm@qianxi.example.gov.cn") + "\n")
    md = os.path.join(src, "黔西县组织部通知.md")
    r = run("mail", md, "-o", os.path.join(tmp, "out-to-missing"), "--from", FROM)
    lines = open(md, encoding="utf-8").read().splitlines()
    line = next(i + 1 for i, l in enumerate(lines) if l.startswith("to:"))
    col = lines[line - 1].index("县直各部门党组织") + 1
    check(r.returncode != 0 and f"{md}:{line}:{col}: error: the unit '县直各部门党组织' has no address" in r.stderr,
          f"a 主送 unit without an address: error at {line}:{col}: {r.stderr}")
    check(not os.path.exists(os.path.join(tmp, "out-to-missing", "黔西县组织部通知.eml")), "no .eml then")


def test_contacts_encodings(tmp):
    """The book exported as GB18030 with CRLF gives the same messages."""
    src = os.path.join(tmp, "in-gb")
    shutil.copytree(INPUT, src)
    book = os.path.join(src, "contacts.csv")
    text = open(book, encoding="utf-8").read()
    open(book, "wb").write(text.replace("\n", "\r\n").encode("gb18030"))
    a, b = os.path.join(tmp, "gb-a"), os.path.join(tmp, "gb-b")
    run("mail", os.path.join(INPUT, "陇西县.md"), "-o", a, "--from", FROM)
    r = run("mail", os.path.join(src, "陇西县.md"), "-o", b, "--from", FROM)
    check(r.returncode == 0, f"GB18030 book: {r.stderr}")
    check(os.path.exists(os.path.join(b, "陇西县.eml")) and
          open(os.path.join(a, "陇西县.eml"), "rb").read() == open(os.path.join(b, "陇西县.eml"), "rb").read(),
          "GB18030 + CRLF book gives the same .eml")
    open(book, "w", encoding="utf-8").write("单位,邮箱\n市委组织部,not an address\n")
    r = run("mail", os.path.join(src, "陇西县.md"), "-o", b, "--from", FROM)
    check(r.returncode != 0 and f"{book}:2:2: error: 'not an address'" in r.stderr, f"bad address: {r.stderr}")
    r = run("mail", os.path.join(INPUT, "陇西县.md"), "-o", b, "--from", "nobody")
    check(r.returncode == 2 and "--from needs the sender's address" in r.stderr, f"bad --from: {r.stderr}")


def check_lines(raw, what):
    """RFC 5322 section 2.1.1 and 2.2.3: CRLF line ends only (no bare LF or CR), lines of 78 at most."""
    check(b"\n" not in raw.replace(b"\r\n", b"") and b"\r" not in raw.replace(b"\r\n", b""),
          f"{what}: CRLF line ends only")
    longest = max(len(l) for l in raw.split(b"\r\n"))
    check(longest <= 78, f"{what}: lines ≤ 78 (longest {longest})")


def hostile_folder(tmp, name, units, front_recipients):
    """A copy of the examples whose address book has the given (unit, address) rows for 陇西县."""
    src = os.path.join(tmp, name)
    shutil.copytree(INPUT, src)
    with open(os.path.join(src, "contacts.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["县(市)", "单位", "邮箱"])
        for unit, address in units:
            w.writerow(["陇西县", unit, address])
    md = os.path.join(src, "陇西县.md")
    text = open(md, encoding="utf-8").read()
    text = re.sub(r"recipients:\n(  .*\n)+", "recipients:\n" + front_recipients, text)
    open(md, "w", encoding="utf-8").write(text)
    return src, md


def test_hostile_addresses(tmp):
    """Unit names and --from with <addr>, quotes and backslashes: the envelope goes where the header says."""
    units = [("Finance <evil@attacker.example>", "fin@dingxi.example.gov.cn"),
             ('Fin "A" \\ B, <x@attacker.example>', "fa@dingxi.example.gov.cn"),
             ("Audit (see <evil2@attacker.example>)", "audit@dingxi.example.gov.cn")]
    src, md = hostile_folder(tmp, "in-hostile", units,
                             "  报: 'Finance <evil@attacker.example>'\n"
                             "  送: 'Fin \"A\" \\ B, <x@attacker.example>'\n"
                             "  发: 'Audit (see <evil2@attacker.example>)'\n")
    # The unit with a comma is looked up as written (it is in the book), not split.
    out = os.path.join(tmp, "out-hostile")
    sender = "office@longxi.example.gov.cn (was <evil3@attacker.example>)"
    r = run("mail", md, "-o", out, "--from", sender)
    eml = os.path.join(out, "陇西县.eml")
    if not check(r.returncode == 0 and os.path.exists(eml), f"hostile unit names mailed: {r.stderr}"):
        return
    raw = open(eml, "rb").read()
    msg = parse(eml)
    check(not msg.defects, f"hostile names: the header parses without defects {msg.defects}")
    check(addresses(msg, "To", "Cc") == [a for _, a in units], f"hostile names: header addresses {addresses(msg, 'To', 'Cc')}")
    names = [a.display_name for f in ("To", "Cc") for a in msg[f].addresses]
    check(names == [u for u, _ in units], f"hostile names: display names are the units, as written: {names}")
    check(addresses(msg, "From") == ["office@longxi.example.gov.cn"], f"--from with a comment: {addresses(msg, 'From')}")
    check(b"attacker" not in raw.split(b"\r\n\r\n")[0].replace(b'"Finance <evil@attacker.example>"', b"")
          .replace(b'"Fin \\"A\\" \\\\ B, <x@attacker.example>"', b"")
          .replace(b'"Audit (see <evil2@attacker.example>)"', b""), "attacker addresses only inside quoted names")
    check_lines(raw, "hostile names")
    inbox = Inbox()
    ctl, url = server(inbox)
    try:
        r = run("send", out, "--smtp", url)
        check(r.returncode == 0 and len(inbox.messages) == 1, f"hostile names: sent: {r.stderr}")
        if inbox.messages:
            mail_from, rcpts, _ = inbox.messages[0]
            check(rcpts == [a for _, a in units] and mail_from == "office@longxi.example.gov.cn",
                  f"hostile names: the envelope is the header's addresses, not the ones in the names: {mail_from} {rcpts}")
    finally:
        ctl.stop()
    # An .eml edited by hand: an angle address inside a quoted name or a comment is not the address.
    edited = os.path.join(tmp, "edited")
    os.makedirs(edited)
    text = raw.replace(b"X-Unsent: 1\r\n", b"")
    text = re.sub(rb"\r\nTo:.*?\r\n(?! )", b'\r\nTo: "Fin <evil@attacker.example>" <fin@dingxi.example.gov.cn>,\r\n'
                  b" (x <evil2@attacker.example>) audit@dingxi.example.gov.cn,\r\n team: a@dingxi.example.gov.cn,"
                  b' "b, c" <bc@dingxi.example.gov.cn>;\r\n', text, count=1, flags=re.S)
    text = re.sub(rb"\r\nCc:.*?\r\n(?! )", b"\r\n", text, count=1, flags=re.S)
    open(os.path.join(edited, "a.eml"), "wb").write(text)
    r = run("send", edited, "--dry-run")
    check(r.returncode == 0 and r.stdout.strip().endswith(
        "to fin@dingxi.example.gov.cn, audit@dingxi.example.gov.cn, a@dingxi.example.gov.cn, bc@dingxi.example.gov.cn"),
        f"an edited To: the last angle address outside quotes and comments, groups: {r.stdout} {r.stderr}")
    open(os.path.join(edited, "a.eml"), "wb").write(text.replace(b'"b, c" <bc@', b'"b, c <bc@'))
    r = run("send", edited, "--dry-run")
    check(r.returncode == 1 and "its To header cannot be read: a quoted string is not closed" in r.stderr,
          f"an open quote in To: an error, nothing sent: {r.stderr}")


def test_header_injection(tmp):
    """--from with a line break, a unit with one, a subject template with one: located errors, no .eml."""
    out = os.path.join(tmp, "out-inject")
    md = os.path.join(INPUT, "陇西县.md")
    for bad in ("Office <office@longxi.example.gov.cn\r\nBcc: evil@attacker.example>",
                "office@longxi.example.gov.cn\nBcc: evil@attacker.example"):
        r = run("mail", md, "-o", out, "--from", bad)
        check(r.returncode == 2 and "--from has a line break at character" in r.stderr,
              f"--from with a line break refused: {r.stderr}")
        check(not os.path.exists(os.path.join(out, "陇西县.eml")), "--from with a line break: no .eml")
    r = run("mail", md, "-o", out, "--from", "Office <office@longxi.example.gov.cn> <evil@attacker.example")
    check(r.returncode == 2 and "--from: an angle address is not closed" in r.stderr, f"--from open angle: {r.stderr}")
    r = run("mail", md, "-o", out, "--from", "Office <office@longxi.example.gov.cn> evil@attacker.example")
    check(r.returncode == 2 and "--from: text after the <address>" in r.stderr, f"--from text after: {r.stderr}")
    src, md2 = hostile_folder(tmp, "in-inject", [("市委\n组织部", "zzb@dingxi.example.gov.cn")], "  报: 市委组织部\n")
    r = run("mail", md2, "-o", out, "--from", FROM)
    check(r.returncode != 0 and os.path.join(src, "contacts.csv") + ":2:2: error: the unit '市委…' has a line break" in r.stderr,
          f"a unit with a line break: located error: {r.stderr}")
    with open(os.path.join(src, "mail.yaml"), "w", encoding="utf-8") as f:
        f.write("subject_issue: |\n  第{issue}期\n  Bcc: evil@attacker.example\n")
    open(os.path.join(src, "contacts.csv"), "w", encoding="utf-8").write("单位,邮箱\n市委组织部,zzb@dingxi.example.gov.cn\n")
    r = run("mail", md2, "-o", out, "--from", FROM)
    check(r.returncode != 0 and os.path.join(src, "mail.yaml") + ":1:16: error: 'subject_issue' has a line break" in r.stderr,
          f"a subject template with a line break: located error: {r.stderr}")
    check(not os.path.exists(os.path.join(out, "陇西县.eml")), "no .eml for the injections")


def test_long_headers(tmp):
    """A long ASCII subject, ASCII attachment names with quotes, backslashes and no blanks: folded with CRLF,
    ≤ 78 per line, each value read back whole."""
    src = os.path.join(tmp, "in-headers")
    os.makedirs(src)
    for f in ("contacts.csv", "figures.csv"):
        shutil.copy(os.path.join(INPUT, f), src)
    subject = "Report " + "A" * 1200 + " on the " + " ".join(["word"] * 60) + " end"
    with open(os.path.join(src, "mail.yaml"), "w", encoding="utf-8") as f:
        f.write("subject_issue: '%s'\n" % subject)
    stems = ['Report "final" \\ v2', "long-ascii-name-" * 8 + "x", 'a"b' * 30, "=?UTF-8?B?5biC?="]
    for stem in stems:
        shutil.copy(os.path.join(INPUT, "陇西县.md"), os.path.join(src, stem + ".md"))
    out = os.path.join(tmp, "out-headers")
    r = run("mail", src, "-o", out, "--from", FROM)
    check(r.returncode == 0, f"long headers mailed: {r.stderr}")
    for stem in stems:
        eml = os.path.join(out, stem + ".eml")
        if not check(os.path.exists(eml), f"{stem[:20]}: .eml written"):
            continue
        raw = open(eml, "rb").read()
        check_lines(raw, stem[:20])
        msg = parse(eml)
        check(str(msg["Subject"]) == subject, f"{stem[:20]}: the long subject reads back whole")
        att = list(msg.iter_attachments())
        check(len(att) == 1 and att[0].get_filename() == stem + ".pdf",
              f"{stem[:20]}: filename* reads back: {att[0].get_filename() if att else None}")
        name = att[0]["Content-Type"].params.get("name") if att else None
        check(name == stem + ".pdf", f"{stem[:20]}: name= reads back: {name!r}")
        check(all(not p.defects for p in msg.walk()), f"{stem[:20]}: no defects {[p.defects for p in msg.walk()]}")


def check_delivered(inbox, outdir, what):
    """Each .eml delivered once, to exactly its To and Cc, as written (less X-Unsent)."""
    by_id = {}
    for mail_from, rcpts, content in inbox.messages:
        msg = email.message_from_bytes(content, policy=email.policy.default)
        by_id.setdefault(msg["Message-ID"], []).append((mail_from, rcpts, msg))
    emls = sorted(glob.glob(os.path.join(outdir, "*.eml")))
    for eml in emls:
        want = parse(eml)
        got = by_id.get(want["Message-ID"], [])
        if not check(len(got) == 1, f"{what}: {os.path.basename(eml)} delivered once (got {len(got)})"):
            continue
        mail_from, rcpts, msg = got[0]
        check(mail_from == "office@longxi.example.gov.cn", f"{what}: envelope sender")
        check(rcpts == addresses(want, "To", "Cc"), f"{what}: envelope recipients {rcpts}")
        check(msg["X-Unsent"] is None, f"{what}: sent without X-Unsent")
        pdf = eml[:-4] + ".pdf"
        att = list(msg.iter_attachments())
        check(len(att) == 1 and att[0].get_content() == open(pdf, "rb").read(), f"{what}: delivered attachment == PDF")
        check(str(msg["Subject"]) == str(want["Subject"]), f"{what}: subject survives")
    check(len(inbox.messages) == len(emls), f"{what}: {len(inbox.messages)} messages for {len(emls)} .eml")
    ids = [row[0] for row in sent_log(outdir)]
    check(sorted(ids) == sorted(parse(e)["Message-ID"] for e in emls), f"{what}: sent.log lists each once")


def test_send(tmp, mailed):
    out = copy_mail(mailed, os.path.join(tmp, "send"))
    # --dry-run: lists what would go to whom, sends and records nothing.
    inbox = Inbox()
    ctl, url = server(inbox)
    try:
        r = run("send", out, "--smtp", url, "--dry-run")
        check(r.returncode == 0, f"dry run exits 0: {r.stderr}")
        for eml in glob.glob(os.path.join(out, "*.eml")):
            msg = parse(eml)
            line = next((l for l in r.stdout.splitlines() if os.path.basename(eml) in l), "")
            check(msg["Message-ID"] in line and all(a in line for a in addresses(msg, "To", "Cc")),
                  f"dry run lists {os.path.basename(eml)} with its recipients: {line}")
        check(inbox.messages == [] and not os.path.exists(os.path.join(out, "sent.log")), "dry run sends nothing")
        # The real run: each delivered once, one progress line each.
        r = run("send", out, "--smtp", url)
        check(r.returncode == 0, f"send exits 0: {r.stderr}")
        check(len(re.findall(r"^\[\d/3\] .*\.eml .*: sent to \d+ recipients \(250 2\.0\.0 Ok: queued as \d\)$",
                             r.stdout, re.M)) == 3, f"a progress line per message with the reply: {r.stdout}")
        check_delivered(inbox, out, "send")
        check(all(len(row) == 4 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row[1]) and row[3].startswith("250")
                  for row in sent_log(out)), "sent.log: Message-ID, time, file, server reply")
        # The second run sends nothing.
        r = run("send", out, "--smtp", url)
        check(r.returncode == 0 and len(inbox.messages) == 3, f"second run delivers nothing: {r.stderr}")
        check(r.stdout.count("sent before") == 3 and "0 sent, 3 sent before, 0 failed" in r.stderr, r.stdout + r.stderr)
        r = run("send", out, "--smtp", url, "--dry-run")
        check(r.returncode == 0 and r.stdout.count("sent before") == 3 and "would go" not in r.stdout,
              "dry run after sending: nothing to send")
    finally:
        ctl.stop()


def test_refused_recipient(tmp, mailed):
    out = copy_mail(mailed, os.path.join(tmp, "refuse"))
    refused = "fpb@dingxi.example.gov.cn"
    inbox = Inbox(refuse=[refused])
    ctl, url = server(inbox)
    try:
        r = run("send", out, "--smtp", url)
        check(r.returncode != 0, "a refused recipient: non-zero exit")
        check(re.search(r"陇西县\.eml: error: not sent: the server refused the recipient " + re.escape(refused) +
                        r" \(550 5\.1\.1", r.stderr) is not None, f"the error names the refused recipient: {r.stderr}")
        check(len(inbox.messages) == 2 and not any(refused in m[1] for m in inbox.messages),
              "nobody gets the message with the refused recipient; the others go")
        check(len(sent_log(out)) == 2, "sent.log: the two sent")
        inbox.refuse.clear()  # the address is fixed at the server's end
        r = run("send", out, "--smtp", url)
        check(r.returncode == 0, f"the retry succeeds: {r.stderr}")
        check_delivered(inbox, out, "refuse+retry")
    finally:
        ctl.stop()


def test_dropped_connection(tmp, mailed):
    out = copy_mail(mailed, os.path.join(tmp, "drop"))
    inbox = Inbox()
    DroppingSMTP.drops_left = 1
    ctl, url = server(inbox, DroppingController)
    try:
        r = run("send", out, "--smtp", url)
        check(r.returncode != 0, "a dropped connection: non-zero exit")
        check(re.search(r"\.eml: error: not sent: .*tried again on the next run", r.stderr) is not None, r.stderr)
        check(len(inbox.messages) == 2 and len(sent_log(out)) == 2, "the other two are delivered and recorded")
        r = run("send", out, "--smtp", url)
        check(r.returncode == 0 and "1 sent, 2 sent before, 0 failed" in r.stderr, f"the next run sends it: {r.stderr}")
        check_delivered(inbox, out, "drop+retry")
    finally:
        ctl.stop()


class HeldInbox(Inbox):
    """Holds the first message's DATA until released, so that a second run can start meanwhile."""

    def __init__(self):
        super().__init__()
        self.first, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if not self.first.is_set():
            self.first.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
        return await super().handle_DATA(server, session, envelope)


def test_concurrent_send(tmp, mailed):
    """Two brief send runs on one folder at once: the second refuses, each message goes once."""
    out = copy_mail(mailed, os.path.join(tmp, "concurrent"))
    inbox = HeldInbox()
    ctl, url = server(inbox)
    first = subprocess.Popen([BRIEF, "send", out, "--smtp", url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env())
    try:
        check(inbox.first.wait(60), "the first run is sending")
        r = run("send", out, "--smtp", url)
        check(r.returncode == 1 and "another brief send is sending the messages of" in r.stderr,
              f"the second run refuses with a clear message: {r.stderr}")
        check(r.stdout == "" and inbox.messages == [], "the second run sends nothing")
        inbox.release.set()
        _, err = first.communicate(timeout=120)
        check(first.returncode == 0, f"the first run sends everything: {err}")
        check_delivered(inbox, out, "concurrent")
        r = run("send", out, "--smtp", url)
        check(r.returncode == 0 and "0 sent, 3 sent before" in r.stderr, f"after it, the folder is free: {r.stderr}")
        r = run("send", out, "--dry-run")
        check(r.returncode == 0, "a dry run takes no lock")
    finally:
        inbox.release.set()
        if first.poll() is None:
            first.kill()
            first.wait()
        ctl.stop()


def test_login(tmp, mailed):
    """--user with the password from BRIEF_SMTP_PASSWORD or ~/.netrc; never from the command line.
    The server offers AUTH without STARTTLS (as one would whose STARTTLS was stripped on the way):
    the login is refused unless --insecure-plain-auth says the network is trusted."""
    out = copy_mail(mailed, os.path.join(tmp, "login"))
    os.remove(os.path.join(out, "盘州市.eml"))
    os.remove(os.path.join(out, "黔西县.eml"))
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.login == b"office" and auth_data.password == b"s3cret-pw", handled=False)

    inbox = Inbox()
    ctl, url = server(inbox, authenticator=authenticator, auth_required=True, auth_require_tls=False)
    plain = "--insecure-plain-auth"
    try:
        r = run("send", out, "--smtp", url, "--user", "office:s3cret-pw")
        check(r.returncode == 2 and "never on the command line" in r.stderr, "a password in --user is refused")
        r = run("send", out, "--smtp", url.replace("smtp://", "smtp://office:s3cret-pw@"))
        check(r.returncode == 2 and "--smtp takes no login" in r.stderr and logins == [] and inbox.messages == [],
              f"a login in the --smtp URL is refused: {r.stderr}")
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        with open(os.path.join(home, ".netrc"), "w") as f:
            f.write("machine 127.0.0.1 login office password s3cret-pw\n")
        os.chmod(os.path.join(home, ".netrc"), 0o600)
        # No STARTTLS on offer: the password is not sent, from the environment or ~/.netrc.
        for how, extra in (("BRIEF_SMTP_PASSWORD", {"BRIEF_SMTP_PASSWORD": "s3cret-pw"}), ("~/.netrc", {"HOME": home})):
            r = run("send", out, "--smtp", url, "--user", "office", **extra)
            check(r.returncode == 1 and inbox.messages == [] and logins == [],
                  f"no STARTTLS, password from {how}: no login, nothing sent: {r.stderr}")
            check("does not offer STARTTLS" in r.stderr and "--insecure-plain-auth" in r.stderr and
                  "s3cret-pw" not in r.stdout + r.stderr, f"no STARTTLS: the error says why and what to do: {r.stderr}")
        # Without --user there is no login at all, not even the one of ~/.netrc.
        r = run("send", out, "--smtp", url, HOME=home)
        check(r.returncode == 1 and inbox.messages == [] and logins == [], f"no --user: ~/.netrc not used: {r.stderr}")
        r = run("send", out, "--smtp", url, "--user", "office", plain, BRIEF_SMTP_PASSWORD="wrong")
        check(r.returncode != 0 and inbox.messages == [], f"a wrong password: not sent: {r.stderr}")
        r = run("send", out, "--smtp", url, "--user", "office", plain, HOME=home)
        check(r.returncode == 0 and len(inbox.messages) == 1, f"the password from ~/.netrc: {r.stderr}")
        check("warning: --insecure-plain-auth" in r.stderr, f"plain login: a warning: {r.stderr}")
        check(logins[-1] == (b"office", b"s3cret-pw"), "logged in with the netrc password")
        os.remove(os.path.join(out, "sent.log"))
        r = run("send", out, "--smtp", url, "--user", "office", plain, BRIEF_SMTP_PASSWORD="s3cret-pw")
        check(r.returncode == 0 and len(inbox.messages) == 2, f"the password from BRIEF_SMTP_PASSWORD: {r.stderr}")
        check("s3cret-pw" not in r.stdout + r.stderr + open(os.path.join(out, "sent.log")).read(),
              "the password is never printed or logged")
    finally:
        ctl.stop()


def make_cert(tmp):
    """A self-signed certificate for 127.0.0.1 (openssl), as a CA file for --cacert."""
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return cert, ctx


class TlsInbox(Inbox):
    async def handle_DATA(self, server, session, envelope):
        self.tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        return await super().handle_DATA(server, session, envelope)


def test_tls(tmp, mailed):
    """STARTTLS when the server offers it (here: insists on it), smtps:// from the start."""
    cert, ctx = make_cert(tmp)
    out = copy_mail(mailed, os.path.join(tmp, "starttls"))
    inbox = TlsInbox()
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append(auth_data.login)
        return AuthResult(success=auth_data.password == b"tls-pw", handled=False)

    ctl, url = server(inbox, tls_context=ctx, require_starttls=True, authenticator=authenticator, auth_required=True)
    try:
        r = run("send", out, "--smtp", url, "--user", "office", BRIEF_SMTP_PASSWORD="tls-pw")
        check(r.returncode != 0 and not inbox.messages and "certificate" in r.stderr,
              f"an untrusted certificate: nothing sent: {r.stderr}")
        r = run("send", out, "--smtp", url, "--user", "office", "--cacert", cert, BRIEF_SMTP_PASSWORD="tls-pw")
        check(r.returncode == 0 and getattr(inbox, "tls", False) and logins[-1:] == [b"office"],
              f"STARTTLS, then the login: {r.stderr}")
        check_delivered(inbox, out, "starttls")
    finally:
        ctl.stop()
    out = copy_mail(mailed, os.path.join(tmp, "smtps"))
    inbox = TlsInbox()
    port = free_port()
    ctl = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=ctx)
    ctl.start()
    try:
        r = run("send", out, "--smtp", "smtps://127.0.0.1:%d" % port, "--cacert", cert)
        check(r.returncode == 0 and getattr(inbox, "tls", False), f"smtps://: {r.stderr}")
        check_delivered(inbox, out, "smtps")
    finally:
        ctl.stop()


def test_bad_server(tmp, mailed):
    out = copy_mail(mailed, os.path.join(tmp, "noserver"))
    r = run("send", out, "--smtp", "smtp://127.0.0.1:%d" % free_port())
    check(r.returncode != 0 and r.stderr.count("not sent") == 3 and not os.path.exists(os.path.join(out, "sent.log")),
          f"no server: every message failed, nothing recorded: {r.stderr}")
    r = run("send", out, "--smtp", "http://127.0.0.1")
    check(r.returncode == 2 and "--smtp must be smtp://" in r.stderr, r.stderr)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        mailed = test_mail(tmp)  # the .eml files the sending tests send: always made
        for t in (test_missing_unit, test_addressees, test_long_name, test_template_and_bcc, test_contacts_encodings,
                  test_hostile_addresses, test_header_injection, test_long_headers):
            test(t, tmp)
        for t in (test_send, test_refused_recipient, test_dropped_connection, test_concurrent_send, test_login,
                  test_tls, test_bad_server):
            test(t, tmp, mailed)
    sys.exit(checks.report())


main()
