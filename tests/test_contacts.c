/* The address book and the 版记 → To/Cc resolution of brief mail, and the
 * MIME pieces of mail.c that the e2e test cannot reach directly. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "contacts.h"
#include "frontmatter.h"
#include "mail.h"
#include "util.h"

static const char book_csv[] =
    "\xEF\xBB\xBF" "县(市),单位,邮箱\r\n"
    ",市委组织部,zzb@city.example.gov.cn\r\n"
    ",\"市扶贫办\",fpb@city.example.gov.cn\r\n"
    "陇西县,县委、县政府各位领导,ld@longxi.example.gov.cn\r\n"
    "黔西县,县委、县政府各位领导,ld@qianxi.example.gov.cn\r\n"
    ",各乡镇党委,a@town.example.gov.cn\r\n"
    ",各乡镇党委,b@town.example.gov.cn\r\n"
    ",县直各部门,a@town.example.gov.cn\r\n"
    "\r\n";

static contacts *book(diag_list *dl) { return contacts_parse(book_csv, sizeof book_csv - 1, "c.csv", dl); }

static int resolve(const char *front, recipient_list *to, recipient_list *cc, diag_list *dl) {
  doc_meta m = {0};
  int bl;
  diag_list fm = {0};
  frontmatter_parse(front, strlen(front), "t.md", &m, &bl, &fm);
  diag_clear(&fm);
  contacts *c = book(dl);
  int rc = contacts_resolve(c, &m, "t.md", to, cc, dl);
  contacts_free(c);
  doc_meta_free(&m);
  return rc;
}

static void test_mapping(void) {
  recipient_list to = {0}, cc = {0};
  diag_list dl = {0};
  int rc = resolve("---\ncounty: 陇西县\nrecipients:\n  报: 市委组织部，市扶贫办\n  送: 县委、县政府各位领导\n"
                   "  发: 各乡镇党委、县直各部门\n---\n", &to, &cc, &dl);
  CHECK(rc == 0 && dl.errors == 0);
  CHECK(to.len == 2);
  if (to.len == 2) {
    CHECK_STR(to.items[0].address, "zzb@city.example.gov.cn");
    CHECK_STR(to.items[1].unit, "市扶贫办");
  }
  /* 县委、县政府各位领导 found as written, for this county only; the
   * shared a@town… is listed once. */
  CHECK(cc.len == 3);
  if (cc.len == 3) {
    CHECK_STR(cc.items[0].address, "ld@longxi.example.gov.cn");
    CHECK_STR(cc.items[1].address, "a@town.example.gov.cn");
    CHECK_STR(cc.items[2].address, "b@town.example.gov.cn");
  }
  contacts_recipients_free(&to);
  contacts_recipients_free(&cc);
  diag_clear(&dl);
}

static void test_missing_positions(void) {
  struct { const char *front; int line, col; const char *unit; } cases[] = {
      /* a mapping value: the unit's own column */
      {"---\ncounty: 陇西县\nrecipients:\n  报: 市委组织部，市发改委\n---\n", 4, 12, "市发改委"},
      /* a list item written with its label */
      {"---\ncounty: 陇西县\nrecipients: [市委组织部, \"送：县政协\"]\n---\n", 3, 24, "县政协"},
      /* a bare string */
      {"---\ncounty: 陇西县\nrecipients: 省委组织部\n---\n", 3, 13, "省委组织部"},
      /* another county's unit is not this county's */
      {"---\ncounty: 盘州市\nrecipients:\n  送: 县委、县政府各位领导\n---\n", 4, 6, "县委"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    recipient_list to = {0}, cc = {0};
    diag_list dl = {0};
    CHECK(resolve(cases[i].front, &to, &cc, &dl) != 0);
    CHECK(dl.errors >= 1);
    if (dl.len) {
      CHECK(dl.items[0].line == cases[i].line);
      CHECK(dl.items[0].col == cases[i].col);
      if (dl.items[0].col != cases[i].col) fprintf(stderr, "  case %zu: col %d\n", i, dl.items[0].col);
      char *want = xasprintf("the unit '%s' has no address", cases[i].unit);
      CHECK(strstr(dl.items[0].message, want) != NULL);
      free(want);
      CHECK(strstr(dl.items[0].message, "closest units: ") != NULL);
    }
    contacts_recipients_free(&to);
    contacts_recipients_free(&cc);
    diag_clear(&dl);
  }
}

static void test_bad_books(void) {
  diag_list dl = {0};
  const char *no_mail = "单位,电话\n市委,123\n";
  CHECK(contacts_parse(no_mail, strlen(no_mail), "c.csv", &dl) == NULL);
  CHECK(dl.len == 1 && strstr(dl.items[0].message, "'邮箱'"));
  diag_clear(&dl);
  const char *bad = "单位,邮箱\n市委,zzb@city\n,x@y.cn\n";
  CHECK(contacts_parse(bad, strlen(bad), "c.csv", &dl) == NULL);
  CHECK(dl.errors == 2 && dl.items[0].line == 2 && dl.items[0].col == 2 && dl.items[1].line == 3);
  diag_clear(&dl);
  /* GB18030, as Excel saves CSV on a Chinese Windows: 单位,邮箱 / 市委,a@b.cn */
  const char gb[] = "\xb5\xa5\xce\xbb,\xd3\xca\xcf\xe4\r\n\xca\xd0\xce\xaf,a@b.cn\r\n";
  contacts *c = contacts_parse(gb, sizeof gb - 1, "gb.csv", &dl);
  CHECK(c != NULL && dl.len == 0);
  contacts_free(c);
  diag_clear(&dl);
}

static recipient_list one(const char *unit, const char *address) {
  recipient_list l = {0};
  recipient r = {xstrdup(unit), xstrdup(address)};
  VEC_PUSH(l, r);
  return l;
}

static void test_message(void) {
  recipient_list to = one("市委组织部", "zzb@city.example.gov.cn"), cc = {0};
  char pdf[200];
  for (size_t i = 0; i < sizeof pdf; i++) pdf[i] = (char)i;
  mail_message m = {"办公室 <office@example.gov.cn>", &to, &cc, "Plain ASCII subject", "正文\n", "a.pdf", pdf,
                    sizeof pdf, 1479081600};
  size_t n;
  char *a = mail_build(&m, &n), *b = mail_build(&m, &n);
  CHECK(strcmp(a, b) == 0); /* reproducible */
  CHECK(strstr(a, "Subject: Plain ASCII subject\r\n") != NULL);
  CHECK(strstr(a, "Date: Mon, 14 Nov 2016 00:00:00 +0000\r\n") != NULL);
  CHECK(strstr(a, "To: =?UTF-8?B?5biC5aeU57uE57uH6YOo?= <zzb@city.example.gov.cn>\r\n") != NULL);
  CHECK(strstr(a, "filename*=UTF-8''a.pdf") != NULL);
  CHECK(strstr(a, "\r\nCc:") == NULL); /* no empty Cc */
  m.body = "正文，改了\n";
  char *c = mail_build(&m, &n);
  const char *ida = strstr(a, "Message-ID: "), *idc = strstr(c, "Message-ID: ");
  CHECK(ida && idc && strncmp(ida, idc, 60) != 0); /* another content, another ID */
  free(a);
  free(b);
  free(c);
  diag_list dl = {0};
  CHECK(mail_check_from("office@example.gov.cn", &dl) == 0);
  CHECK(mail_check_from("办公室 <office@example.gov.cn>", &dl) == 0);
  CHECK(mail_check_from("office", &dl) != 0 && dl.errors == 1);
  diag_clear(&dl);
  contacts_recipients_free(&to);
}

/* RFC 5322 section 3.4: the address of a mailbox is its last angle
 * address outside quoted strings and comments. */
static void test_parse_addresses(void) {
  str_list l = {0};
  const char *why = NULL;
  size_t at = 0;
  CHECK(mail_parse_address_list("\"Finance <evil@attacker.example>\" <fin@x.gov.cn>, =?UTF-8?B?5biC?= <b@x.gov.cn>,"
                                " c@x.gov.cn (was <evil2@attacker.example>), team: d@x.gov.cn, \"e, f\" <e@x.gov.cn>;,"
                                " \"q\\\"<evil3@a.b>\" <g@x.gov.cn>, A <evil4@a.b> B <h@x.gov.cn>",
                                &l, &why, &at) == 0);
  const char *want[] = {"fin@x.gov.cn", "b@x.gov.cn", "c@x.gov.cn", "d@x.gov.cn", "e@x.gov.cn", "g@x.gov.cn",
                        "h@x.gov.cn"};
  CHECK(l.len == 7);
  for (size_t i = 0; i < l.len && i < 7; i++) CHECK_STR(l.items[i], want[i]);
  str_list_free(&l);
  struct { const char *value, *why; size_t at; } bad[] = {
      {"\"open <a@b.cn>", "a quoted string is not closed", 0},
      {"Name <a@b.cn> junk", "text after the <address>", 14},
      {"Name Only", "a name without an <address>", 0},
      {"x@y.cn, <a@b.cn", "an angle address is not closed", 8},
      {"(open <a@b.cn>", "a comment is not closed", 0},
      {"a@b.cn>", "a > without its <", 6},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    CHECK(mail_parse_address_list(bad[i].value, &l, &why, &at) != 0);
    CHECK(why && !strncmp(why, bad[i].why, strlen(bad[i].why)));
    CHECK(at == bad[i].at);
    if (at != bad[i].at) fprintf(stderr, "  case %zu: at %zu\n", i, at);
    str_list_free(&l);
  }
  char *name, *address;
  const char *quoted = "\"A \\\"q\\\" \\\\ B\"  <a@b.cn>";
  CHECK(mail_parse_mailbox(quoted, strlen(quoted), &name, &address, &why, &at) == 0);
  CHECK_STR(name, "A \"q\" \\ B");
  CHECK_STR(address, "a@b.cn");
  free(name);
  free(address);
  CHECK(mail_address_ok("a@b.cn") && !mail_address_ok("a b@c.cn") && !mail_address_ok("a@b@c.cn"));
}

/* Every header line CRLF-terminated and at most 78 characters; no bare
 * CR or LF anywhere (RFC 5322 sections 2.1.1, 2.2.3). */
static void check_lines(const char *msg, size_t n, const char *what) {
  size_t longest = 0, start = 0;
  bool bare = false;
  for (size_t i = 0; i < n; i++) {
    if (msg[i] == '\r' && (i + 1 == n || msg[i + 1] != '\n')) bare = true;
    if (msg[i] == '\n' && (i == 0 || msg[i - 1] != '\r')) bare = true;
    if (msg[i] == '\n') {
      if (i - start - 1 > longest) longest = i - start - 1;
      start = i + 1;
    }
  }
  CHECK(!bare);
  CHECK(longest <= 78);
  if (bare || longest > 78) fprintf(stderr, "  %s: bare CR/LF %d, longest line %zu\n", what, bare, longest);
}

/* The To header's value, unfolded. */
static char *header_of(const char *msg, const char *name) {
  const char *p = strstr(msg, name);
  if (!p) return xstrdup("");
  p += strlen(name);
  strbuf sb = {0};
  sb_puts(&sb, "");
  for (; *p && !(p[0] == '\r' && p[1] == '\n' && p[2] != ' '); p++)
    if (*p != '\r' && *p != '\n') sb_putc(&sb, *p);
  return sb_take(&sb);
}

static void test_hostile_message(void) {
  recipient_list to = one("Finance <evil@attacker.example>", "fin@city.example.gov.cn"), cc = {0};
  recipient r = {xstrdup("Fin \"A\" \\ B, <x@attacker.example>"), xstrdup("fa@city.example.gov.cn")};
  VEC_PUSH(cc, r);
  char *subject = xasprintf("Report %0*d on the %s", 1200, 0, "long subject");
  char *long_name = xasprintf("%s.pdf", "long-ascii-name-long-ascii-name-long-ascii-name-long-ascii-name-x");
  const char *names[] = {"a\"b\\c.pdf", long_name, "陇西县.pdf"};
  for (size_t k = 0; k < 3; k++) {
    mail_message m = {"\"Office \\\"X\\\"\" <office@example.gov.cn> (was <evil@attacker.example>)", &to, &cc,
                      subject, "正文\n", names[k], "%PDF", 4, 1479081600};
    size_t n;
    char *a = mail_build(&m, &n);
    check_lines(a, n, names[k]);
    char *from = header_of(a, "From:");
    CHECK_STR(from, " \"Office \\\"X\\\"\" <office@example.gov.cn>"); /* the comment left out */
    free(from);
    char *to_value = header_of(a, "\r\nTo:"), *cc_value = header_of(a, "\r\nCc:");
    str_list l = {0};
    const char *why;
    size_t at;
    CHECK(mail_parse_address_list(to_value, &l, &why, &at) == 0 && mail_parse_address_list(cc_value, &l, &why, &at) == 0);
    CHECK(l.len == 2 && !strcmp(l.items[0], "fin@city.example.gov.cn") && !strcmp(l.items[1], "fa@city.example.gov.cn"));
    CHECK(strstr(to_value, "\"Finance <evil@attacker.example>\" <fin@city.example.gov.cn>") != NULL);
    CHECK(strstr(cc_value, "\"Fin \\\"A\\\" \\\\ B, <x@attacker.example>\" <fa@city.example.gov.cn>") != NULL);
    if (k == 0) CHECK(strstr(a, " name=\"a\\\"b\\\\c.pdf\"\r\n") != NULL);
    str_list_free(&l);
    free(to_value);
    free(cc_value);
    free(a);
  }
  free(subject);
  free(long_name);
  contacts_recipients_free(&to);
  contacts_recipients_free(&cc);
}

static void test_from_checks(void) {
  diag_list dl = {0};
  CHECK(mail_check_from("Office <office@example.gov.cn>\r\nBcc: evil@attacker.example", &dl) != 0);
  CHECK(mail_check_from("Office <office@example.gov.cn\r\nBcc:evil@attacker.example>", &dl) != 0);
  CHECK(dl.errors == 2 && strstr(dl.items[0].message, "line break at character 31") &&
        strstr(dl.items[1].message, "line break at character 30"));
  diag_clear(&dl);
  CHECK(mail_check_from("office@example.gov.cn (was <evil@attacker.example>)", &dl) == 0);
  CHECK(mail_check_from("\"Office <evil@attacker.example>\" <office@example.gov.cn>", &dl) == 0);
  CHECK(mail_check_from("Office <office@example.gov.cn> <evil@attacker.example", &dl) != 0);
  CHECK(mail_check_from("Office <office@example.gov.cn> evil@attacker.example", &dl) != 0);
  CHECK(dl.errors == 2);
  diag_clear(&dl);
  /* a unit's name with a line break is a located error */
  const char *book_nl = "单位,邮箱\n\"市委\n组织部\",zzb@city.example.gov.cn\nFinance <x@y>,fin@city.example.gov.cn\n";
  CHECK(contacts_parse(book_nl, strlen(book_nl), "c.csv", &dl) == NULL);
  CHECK(dl.errors == 1 && dl.items[0].line == 2 && dl.items[0].col == 1 &&
        strstr(dl.items[0].message, "the unit '市委…' has a line break"));
  diag_clear(&dl);
}

static void test_template(void) {
  doc_meta m = {0};
  m.title = "标题";
  m.date = "2016-11-04";
  m.issue = "12";
  m.author = "县委组织部";
  char *s = mail_expand("《{title}》第{issue}期 {author} {date} {file} {unknown}", &m, "陇西县.pdf");
  CHECK_STR(s, "《标题》第12期 县委组织部 2016年11月4日 陇西县.pdf {unknown}");
  free(s);
}

int main(void) {
  test_mapping();
  test_missing_positions();
  test_bad_books();
  test_message();
  test_template();
  test_parse_addresses();
  test_hostile_message();
  test_from_checks();
  return check_report();
}
