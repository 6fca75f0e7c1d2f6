/* The document layout's front-matter keys (frontmatter_head.c): 发文字号 as
 * GB/T 9704-2012 7.2.5 prints it, lists, seal, printed, errors. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "frontmatter.h"
#include "frontmatter_head.h"

static void number_is(const char *written, const char *printed) {
  char *got = doc_number_normalize(written);
  CHECK_STR(got, printed);
  free(got);
}

static void test_doc_number(void) {
  number_is("陇组发〔2016〕12号", "陇组发〔2016〕12号");
  number_is("陇组发[2016]第012号", "陇组发〔2016〕12号");
  number_is("黔组通（2009）第08号", "黔组通〔2009〕8号");
  number_is("示发(2020) 3号", "示发〔2020〕3号");
  number_is("示发【2020】10号", "示发〔2020〕10号");
  number_is("示发〔2020〕0号", "示发〔2020〕0号");   /* a lone zero is the number */
  number_is("示发〔20〕3号", "示发〔20〕3号");       /* no four-digit year: as written */
  number_is("（内部）示发〔2021〕05号", "（内部）示发〔2021〕5号");
  number_is("", "");
}

static long parse(const char *text, doc_meta *m, diag_list *dl) {
  int body_line;
  memset(m, 0, sizeof *m);
  return frontmatter_parse(text, strlen(text), "t.md", m, &body_line, dl);
}

static void test_keys(void) {
  doc_meta m;
  diag_list dl = {0};
  const char *text = "---\nissuer: [甲机关, 乙机关]\ndoc_number: 甲发[2016]第012号\nsigner: 张三\nto: 乙机关\n"
                     "secrecy: 秘密★1年\nurgency: 特急\nattachments: [附件/一.md, 名单]\nseal: true\n"
                     "note: 联系人：李四\nprinted: 2016-11-15\n---\n";
  CHECK(parse(text, &m, &dl) > 0);
  CHECK(dl.len == 0);
  CHECK(m.head.issuers.len == 2);
  CHECK_STR(m.head.issuers.items[1], "乙机关");
  CHECK_STR(m.head.number, "甲发〔2016〕12号");
  CHECK(m.head.signers.len == 1);
  CHECK_STR(m.head.to, "乙机关");
  CHECK_STR(m.head.secrecy, "秘密★1年");
  CHECK_STR(m.head.urgency, "特急");
  CHECK(m.head.attachments.len == 2 && m.head.attachments_line == 8);
  CHECK(m.head.seal == 1);
  CHECK_STR(m.head.note, "联系人：李四");
  CHECK_STR(m.head.printed, "2016-11-15");
  doc_meta_free(&m);
  diag_clear(&dl);
  /* 印发日期 in the forms 'date' takes, stored as YYYY-MM-DD. */
  CHECK(parse("---\nprinted: 二〇一六年十一月十五日\n---\n", &m, &dl) > 0 && dl.len == 0);
  CHECK_STR(m.head.printed, "2016-11-15");
  doc_meta_free(&m);
  diag_clear(&dl);
  /* Errors: a bad date, a bad seal, a mapping for a list. */
  CHECK(parse("---\nprinted: 2016年11月\n---\n", &m, &dl) < 0 && dl.errors == 1);
  doc_meta_free(&m);
  diag_clear(&dl);
  CHECK(parse("---\nseal: 盖\n---\n", &m, &dl) < 0 && dl.errors == 1);
  doc_meta_free(&m);
  diag_clear(&dl);
  CHECK(parse("---\nsigner: {a: b}\n---\n", &m, &dl) < 0 && dl.errors == 1);
  doc_meta_free(&m);
  diag_clear(&dl);
}

int main(void) {
  test_doc_number();
  test_keys();
  return check_report();
}
