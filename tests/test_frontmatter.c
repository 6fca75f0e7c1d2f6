#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "frontmatter.h"

static long parse(const char *text, doc_meta *m, int *body_line, diag_list *dl) {
  memset(m, 0, sizeof *m);
  return frontmatter_parse(text, strlen(text), "t.md", m, body_line, dl);
}

static void test_all_keys(void) {
  const char *text =
      "---\ntitle: 标题\nsubtitle: 副题\ncounty: 陇西县\nauthor: 县委组织部\ndate: 2016-11-14\n"
      "issue: 12\nrecipients: [市委组织部, \"送：县委各领导\"]\nlayout: briefing\ncopies: 80\n"
      "figures: [贫困发生率, 劳务收入]\n---\n# 正文\n";
  doc_meta m;
  diag_list dl = {0};
  int body_line;
  long off = parse(text, &m, &body_line, &dl);
  CHECK(off > 0 && strcmp(text + off, "# 正文\n") == 0);
  CHECK(body_line == 12);
  CHECK_STR(m.title, "标题");
  CHECK_STR(m.county, "陇西县");
  CHECK_STR(m.date, "2016-11-14");
  CHECK_STR(m.layout, "briefing");
  CHECK(m.recipients.len == 2);
  CHECK_STR(m.recipients.items[0], "报：市委组织部");
  CHECK_STR(m.recipients.items[1], "送：县委各领导");
  CHECK(m.figures.len == 2 && m.figures_line == 11);
  CHECK(dl.len == 0);
  doc_meta_free(&m);
  diag_clear(&dl);
}

static void test_recipients_mapping_and_string(void) {
  doc_meta m;
  diag_list dl = {0};
  int bl;
  parse("---\nrecipients:\n  报: 市委\n  发: 各乡镇\n---\n", &m, &bl, &dl);
  CHECK(m.recipients.len == 2);
  CHECK_STR(m.recipients.items[1], "发：各乡镇");
  doc_meta_free(&m);
  parse("---\nrecipients: 市扶贫办\n---\n", &m, &bl, &dl);
  CHECK(m.recipients.len == 1);
  CHECK_STR(m.recipients.items[0], "报：市扶贫办");
  doc_meta_free(&m);
  CHECK(dl.errors == 0);
  diag_clear(&dl);
}

static void test_unknown_key_warns_with_line(void) {
  doc_meta m;
  diag_list dl = {0};
  int bl;
  long off = parse("---\ntitle: x\nauthr: 错字\n---\nbody\n", &m, &bl, &dl);
  CHECK(off > 0);
  CHECK(dl.len == 1 && dl.items[0].severity == DIAG_WARNING && dl.items[0].line == 3);
  CHECK(dl.len == 1 && strstr(dl.items[0].message, "authr"));
  doc_meta_free(&m);
  diag_clear(&dl);
}

static void test_errors(void) {
  doc_meta m;
  diag_list dl = {0};
  int bl;
  CHECK(parse("---\ndate: 2016/11/14\n---\n", &m, &bl, &dl) < 0);
  CHECK(dl.errors == 1 && dl.items[0].line == 2 && strstr(dl.items[0].message, "YYYY-MM-DD"));
  doc_meta_free(&m);
  diag_clear(&dl);
  CHECK(parse("---\ntitle: x\nbody never closed\n", &m, &bl, &dl) < 0);
  CHECK(dl.errors >= 1);
  doc_meta_free(&m);
  diag_clear(&dl);
  CHECK(parse("---\ntitle: [unclosed\n---\n", &m, &bl, &dl) < 0);
  CHECK(dl.errors == 1 && dl.items[0].line >= 2);
  doc_meta_free(&m);
  diag_clear(&dl);
}

static void test_no_front_matter_and_bom(void) {
  doc_meta m;
  diag_list dl = {0};
  int bl;
  CHECK(parse("# 标题\n", &m, &bl, &dl) == 0 && bl == 0);
  CHECK(parse("\xEF\xBB\xBF# 标题\n", &m, &bl, &dl) == 3);
  CHECK(parse("\xEF\xBB\xBF---\ntitle: t\n---\nx", &m, &bl, &dl) > 0);
  CHECK_STR(m.title, "t");
  doc_meta_free(&m);
  diag_clear(&dl);
}

int main(void) {
  test_all_keys();
  test_recipients_mapping_and_string();
  test_unknown_key_warns_with_line();
  test_errors();
  test_no_front_matter_and_bom();
  return check_report();
}
