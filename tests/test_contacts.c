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
  recipient_list_free(&to);
  recipient_list_free(&cc);
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
    recipient_list_free(&to);
    recipient_list_free(&cc);
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
  recipient_list_free(&to);
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
  return check_report();
}
