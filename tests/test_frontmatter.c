#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cndate.h"
#include "frontmatter.h"
#include "layoutspec.h"

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
  CHECK(parse("---\ndate: 2016/11/31\n---\n", &m, &bl, &dl) < 0);
  CHECK(dl.errors == 1 && dl.items[0].line == 2 && strstr(dl.items[0].message, "no such day") &&
        strstr(dl.items[0].message, "2016年11月14日"));
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

/* Dates as offices type them, each kept as YYYY-MM-DD; the impossible and
 * the ambiguous are errors naming the accepted forms. */
static void test_date_forms(void) {
  static const char *const same[] = {"2016-11-14", "2016年11月14日", "2016.11.14", "2016/11/14",
                                     "二〇一六年十一月十四日", "２０１６年１１月１４日", "2016 年 11 月 14 日",
                                     "二〇一六年十一月十四", "2016年11月14"};
  for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
    char iso[11] = "";
    const char *why = NULL;
    CHECK(cndate_parse(same[i], iso, &why));
    CHECK_STR(iso, "2016-11-14");
  }
  static const struct { const char *text, *iso; } one[] = {
      {"2016-8-5", "2016-08-05"}, {"二〇〇九年一月二十日", "2009-01-20"}, {"二〇〇九年十月三十一日", "2009-10-31"},
      {"二○二○年二月二十九日", "2020-02-29"}, {"二零二零年五月十日", "2020-05-10"}};
  for (size_t i = 0; i < sizeof one / sizeof *one; i++) {
    char iso[11] = "";
    const char *why = NULL;
    CHECK(cndate_parse(one[i].text, iso, &why));
    CHECK_STR(iso, one[i].iso);
  }
  static const char *const bad[] = {"2016-02-30", "2019年2月29日", "2016-13-01", "11/14/2016", "14.11.2016",
                                    "16-11-14", "2016-11", "2016-11/14", "2016.11.14日", "二〇一六年十三月一日",
                                    "二〇一六年三十二月一日", "明天", "", "2016-11-14 10:00", "2016年11月14日2"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char iso[11] = "";
    const char *why = NULL;
    CHECK(!cndate_parse(bad[i], iso, &why) && why);
  }
  char iso[11];
  const char *why;
  CHECK(!cndate_parse("11/14/2016", iso, &why) && strstr(why, "order"));
  char *printed = cndate_print("2016-08-05");
  CHECK_STR(printed, "2016年8月5日");
  free(printed);
}

/* 期号: a number (digits of either width) or the text as printed. */
static void test_issue_forms(void) {
  static const struct { const char *text, *kept; bool number; } ok[] = {
      {"12", "12", true}, {"１２", "12", true}, {"第12期", "第12期", false}, {"2020年第3期", "2020年第3期", false},
      {"总第125期", "总第125期", false}, {"第12期（总第125期）", "第12期（总第125期）", false},
      {" 第十二期 ", "第十二期", false}, {"增刊", "增刊", false}, {"9999999", "9999999", true}};
  for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
    bool number = !ok[i].number;
    char *s = cndate_issue_parse(ok[i].text, &number);
    CHECK_STR(s, ok[i].kept);
    CHECK(number == ok[i].number);
    free(s);
  }
  static const char *const bad[] = {"0", "012", "12345678", "1e9", "-3", "", "abc", "12A"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    bool number;
    char *s = cndate_issue_parse(bad[i], &number);
    CHECK(s == NULL);
    free(s);
  }
  doc_meta m;
  diag_list dl = {0};
  int bl;
  CHECK(parse("---\nissue: 2020年第3期\ndate: 2016年11月14日\n---\n", &m, &bl, &dl) > 0);
  CHECK_STR(m.issue, "2020年第3期");
  CHECK_STR(m.date, "2016-11-14");
  doc_meta_free(&m);
  CHECK(parse("---\nissue: 第1111111111222222222233333333334期\n---\n", &m, &bl, &dl) < 0);
  CHECK(dl.errors == 1 && strstr(dl.items[0].message, "33 characters"));
  doc_meta_free(&m);
  diag_clear(&dl);
  CHECK(parse("---\ntitle: t\nissue: 第十二\n---\n", &m, &bl, &dl) < 0);
  CHECK(dl.errors == 1 && dl.items[0].line == 3 && dl.items[0].col == 8 && strstr(dl.items[0].message, "第12期"));
  doc_meta_free(&m);
  diag_clear(&dl);
}

/* {issue} in a template gives what is printed: a number through the
 * template, a 期号 as written without a second 第…期. */
static void test_issue_in_templates(void) {
  doc_meta m = {0};
  static const struct { const char *issue, *tmpl, *out; } cases[] = {
      {"12", "第{issue}期", "第12期"},           {"第12期", "第{issue}期", "第12期"},
      {"2020年第3期", "第{issue}期", "2020年第3期"}, {"总第125期", "第{issue}期", "总第125期"},
      {"第12期（总第125期）", "第{issue}期", "第12期（总第125期）"},
      {"第12期", "{title}（第{issue}期）", "标题（第12期）"}, {"12", "{title}（第{issue}期）", "标题（第12期）"},
      {"第12期", "{issue}", "第12期"},           {"增刊", "第{issue}期 {date}", "增刊 2016年11月14日"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    m.issue = (char *)cases[i].issue;
    m.title = "标题";
    m.date = "2016-11-14";
    char *s = spec_expand(cases[i].tmpl, &m, 1, 1);
    CHECK_STR(s, cases[i].out);
    free(s);
  }
}

/* A key given twice is an error naming both lines (libyaml keeps both). */
static void test_duplicate_keys(void) {
  doc_meta m;
  diag_list dl = {0};
  int bl;
  CHECK(parse("---\ntitle: t\nissue: 3\ndate: 2016-11-14\nissue: 第12期\n---\n", &m, &bl, &dl) < 0);
  CHECK(dl.errors == 1 && dl.items[0].line == 5 && dl.items[0].col == 1 &&
        strstr(dl.items[0].message, "'issue' is given twice (first on line 3)"));
  doc_meta_free(&m);
  diag_clear(&dl);
  CHECK(parse("---\nrecipients:\n  报: 市委\n  报: 县委\n---\n", &m, &bl, &dl) < 0);
  CHECK(dl.errors == 1 && dl.items[0].line == 4 && dl.items[0].col == 3 && strstr(dl.items[0].message, "line 3"));
  doc_meta_free(&m);
  diag_clear(&dl);
  /* every repeat, in the order of the file (the outer mapping's repeat comes last here) */
  CHECK(parse("---\ntitle: a\nrecipients:\n  报: 市委\n  报: 县委\ntitle: b\ntitle: c\n---\n", &m, &bl, &dl) < 0);
  CHECK(dl.errors == 3 && dl.items[0].line == 5 && dl.items[1].line == 6 && dl.items[2].line == 7 &&
        strstr(dl.items[2].message, "'title' is given twice (first on line 2)"));
  doc_meta_free(&m);
  diag_clear(&dl);
}

int main(void) {
  test_all_keys();
  test_recipients_mapping_and_string();
  test_unknown_key_warns_with_line();
  test_errors();
  test_no_front_matter_and_bom();
  test_date_forms();
  test_issue_forms();
  test_issue_in_templates();
  test_duplicate_keys();
  return check_report();
}
