/* The normalisation stage: every rule, what it must leave alone, the
 * positions it reports and the fixes it writes back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "frontmatter.h"
#include "layoutspec.h"
#include "markdown.h"
#include "model.h"
#include "normalize.h"
#include "util.h"

/* Parses md, normalises it with rules and returns the text of every block
 * (one line each); rep gets the report. */
static char *run(const char *md, const normalize_rules *rules, nz_report *rep) {
  document doc = {0};
  diag_list dl = {0};
  doc.file = strdup("t.md");
  doc.dir = strdup(".");
  markdown_options opts = {true};
  int body_line = 0;
  long body = frontmatter_parse(md, strlen(md), "t.md", &doc.meta, &body_line, &dl);
  markdown_parse(md + body, strlen(md) - (size_t)body, body_line, &opts, &doc, &dl);
  normalize_document(&doc, md, strlen(md), rules, rep);
  strbuf sb = {0};
  for (size_t i = 0; i < doc.len; i++) {
    block *b = &doc.items[i];
    const span_list *spans = block_spans(b);
    const table_data *tb = block_table_data(b);
    char *t = b->kind == BLK_CODE ? xstrdup(b->as.code.literal) : spans ? span_list_text(spans) : xstrdup("");
    if (tb)
      for (int c = 0; c < tb->rows * tb->cols; c++) {
        char *cell = span_list_text(&tb->cells[c]);
        sb_printf(&sb, "%s|", cell);
        free(cell);
      }
    sb_printf(&sb, "%s\n", t);
    free(t);
  }
  document_free(&doc);
  diag_clear(&dl);
  return sb_take(&sb);
}

static void expect(const char *md, const char *want) {
  normalize_rules r = normalize_rules_default();
  char *got = run(md, &r, NULL);
  CHECK_STR(got, want);
  free(got);
}

/* The text after --fix: the source with the report's changes applied. */
static void expect_fix(const char *md, const char *want) {
  normalize_rules r = normalize_rules_default();
  nz_report rep = {0};
  free(run(md, &r, &rep));
  size_t len, applied;
  char *fixed = normalize_apply(md, strlen(md), &rep, &len, &applied);
  CHECK_STR(fixed, want);
  CHECK(applied == rep.changes);
  free(fixed);
  normalize_report_free(&rep);
}

/* Fixing the source and normalising it again finds nothing to change. */
static void expect_idempotent(const char *md) {
  normalize_rules r = normalize_rules_default();
  nz_report rep = {0}, again = {0};
  free(run(md, &r, &rep));
  size_t len, applied;
  char *fixed = normalize_apply(md, strlen(md), &rep, &len, &applied);
  free(run(fixed, &r, &again));
  CHECK(again.changes == 0);
  if (again.changes) fprintf(stderr, "  not idempotent: %s -> %s\n", md, fixed);
  free(fixed);
  normalize_report_free(&rep);
  normalize_report_free(&again);
}

static void test_rules(void) {
  /* Quotes, paired by position; a pair inside a pair becomes ‘ ’. */
  expect("他说\"大党建引领大发展\"。\n", "他说“大党建引领大发展”。\n");
  expect("讲\"要把'一村一策'落实\"。\n", "讲“要把‘一村一策’落实”。\n");
  expect("“他说\"好\"”\n", "“他说‘好’”\n");
  expect("English \"quotes\" and don't.\n", "English \"quotes\" and don't.\n");
  /* ASCII marks beside Chinese, not inside numbers or names. */
  expect("一,二.三;四:五?六!\n", "一，二。三；四：五？六！\n");
  expect("增长3.14,共1,234人,占7.5%,10:30开会.\n", "增长3.14，共1,234人，占7.5%,10:30开会。\n");
  expect("见报告.pdf和a.b\n", "见报告.pdf和a.b\n");
  /* Brackets and book title marks as pairs. */
  expect("工作(以下简称工程)和<<报告>>\n", "工作（以下简称工程）和《报告》\n");
  expect("共有(GDP)增长\n", "共有（GDP）增长\n");
  expect("f(x) = (a)\n", "f(x) = (a)\n");
  /* Ellipsis and dash. */
  expect("成效...明显--关键…\n", "成效……明显——关键……\n");
  expect("成效……明显——关键\n", "成效……明显——关键\n");
  expect("wait... 2020--2021\n", "wait... 2020--2021\n");
  /* Spaces between CJK and Latin or two CJK characters go; Latin spaces stay. */
  expect("2020 年 1 月 31 日\n", "2020年1月31日\n");
  expect("共有 GDP 增长, hello world 你 好\n", "共有GDP增长，hello world你好\n");
  /* Never inside code, code blocks, URLs, link targets, figures references. */
  expect("代码`a, b; \"c\"...`不变\n", "代码a, b; \"c\"...不变\n");
  expect("```\n代码块\"引号\",(括号)...\n```\n", "代码块\"引号\",(括号)...\n\n");
  expect("网址 https://www.gov.cn/a,b?c=1 不变\n", "网址 https://www.gov.cn/a,b?c=1 不变\n");
  expect("[链接](https://a.com/x,\"y\"...)后面.\n", "链接后面。\n");
  expect("数据{{贫困发生率@2015}}和{{a,b...}}\n", "数据{{贫困发生率@2015}}和{{a,b...}}\n");
  /* Table cells and headings; the heading number is recomputed. */
  expect("| 指标 | 说明 |\n|---|---|\n| 试点 | 他说\"好\"(见上) |\n", "指标|说明|试点|他说“好”（见上）|\n");
}

static void test_switches(void) {
  normalize_rules r = normalize_rules_default();
  r.quotes = false;
  char *got = run("他说\"好\",对.\n", &r, NULL);
  CHECK_STR(got, "他说\"好\"，对。\n");
  free(got);
  /* 「」『』 → “”‘’ by default (so in official), kept with corner_quotes: false. */
  r = normalize_rules_default();
  got = run("所谓「精准扶贫『一户一策』」。\n", &r, NULL);
  CHECK_STR(got, "所谓“精准扶贫‘一户一策’”。\n");
  free(got);
  r.corner_quotes = false;
  got = run("所谓「精准扶贫」。\n", &r, NULL);
  CHECK_STR(got, "所谓「精准扶贫」。\n");
  free(got);
  r = normalize_rules_none();
  nz_report rep = {0};
  got = run("他说\"好\",对. 2020 年\n", &r, &rep);
  CHECK_STR(got, "他说\"好\",对. 2020 年\n");
  CHECK(rep.len == 0);
  free(got);
  normalize_report_free(&rep);
  /* From a layout file: normalize: {quotes: false} and normalize: false. */
  const char *yamls[] = {"name: t\nnormalize: {quotes: false, spaces: false}\n", "name: t\nnormalize: false\n",
                         "name: t\nnormalize: {quote: false}\n", "name: t\nnormalize: {corner_quotes: false}\n"};
  for (int i = 0; i < 4; i++) {
    char path[] = "/tmp/brief-nz-XXXXXX.yaml";
    int fd = mkstemps(path, 5);
    FILE *f = fdopen(fd, "w");
    fputs(yamls[i], f);
    fclose(f);
    layout_spec l;
    diag_list dl = {0};
    int rc = spec_load(path, ".", &l, &dl);
    remove(path);
    if (i == 0) CHECK(rc == 0 && !l.normalize.quotes && !l.normalize.spaces && l.normalize.punctuation);
    if (i == 1) CHECK(rc == 0 && !l.normalize.quotes && !l.normalize.punctuation && !l.normalize.dash);
    if (i == 2) CHECK(rc != 0 && dl.len && strstr(dl.items[0].message, "normalize.quote"));
    if (i == 3) CHECK(rc == 0 && !l.normalize.corner_quotes && l.normalize.quotes);
    spec_free(&l); /* also after a failed load */
    diag_clear(&dl);
  }
}

static void test_report(void) {
  normalize_rules r = normalize_rules_default();
  nz_report rep = {0};
  /* Line 3, columns in characters: 他=1 说=2 "=3. */
  free(run("# 标题\n\n他说\"好\",对.\n\n- 项目\n  续行 GDP\n", &r, &rep));
  CHECK(rep.changes == 5 && rep.problems == 0);
  if (rep.len >= 5) {
    CHECK(rep.items[0].line == 3 && rep.items[0].col == 3 && !strcmp(rep.items[0].from, "\""));
    CHECK_STR(rep.items[0].to, "“");
    CHECK(rep.items[1].line == 3 && rep.items[1].col == 5);
    CHECK(rep.items[2].line == 3 && rep.items[2].col == 6 && !strcmp(rep.items[2].to, "，"));
    CHECK(rep.items[3].line == 3 && rep.items[3].col == 8 && !strcmp(rep.items[3].to, "。"));
    CHECK(rep.items[4].line == 6 && rep.items[4].col == 5 && !strcmp(rep.items[4].to, ""));
  }
  normalize_report_free(&rep);
  /* Problems: repeated marks and unpaired quotes and brackets, not changed. */
  char *got = run("好，，对。。\n\n他说\"好\n\n（未闭合和》多余\n", &r, &rep);
  CHECK_STR(got, "好，，对。。\n他说\"好\n（未闭合和》多余\n");
  free(got);
  CHECK(rep.changes == 0 && rep.problems == 5);
  int errors = 0, warnings = 0;
  for (size_t i = 0; i < rep.len; i++) {
    errors += rep.items[i].kind == NZ_ERROR;
    warnings += rep.items[i].kind == NZ_WARNING;
  }
  CHECK(errors == 3 && warnings == 2);
  if (rep.len == 5) CHECK(rep.items[0].line == 1 && rep.items[0].col == 3 && rep.items[2].line == 3);
  normalize_report_free(&rep);
}

static void test_fix(void) {
  expect_fix("---\ntitle: \"标题\"\n---\n\n他说\"好\",对.\r\n共有 GDP 增长\r\n",
             "---\ntitle: \"标题\"\n---\n\n他说“好”，对。\r\n共有GDP增长\r\n");
  /* Emphasis, links, escapes, quotes and lists: the fix lands on the right bytes. */
  expect_fix("**重点**\"工作\"[链接](http://a.com/x.y)...后面\n> 引用 GDP,完\n",
             "**重点**“工作”[链接](http://a.com/x.y)……后面\n> 引用GDP，完\n");
  expect_fix("他说\\\"好\\\"。\n", "他说“好”。\n");
  expect_fix("1. 第一\n   第二 2020 年(注)\n", "1. 第一\n   第二2020年（注）\n");
  /* Front-matter values are normalised for print and reported, but --fix
   * leaves the front matter byte for byte. */
  {
    const char *fm = "---\ntitle: 关于\"一村一策\"的报告\n---\n\n正文,完.\n";
    normalize_rules r = normalize_rules_default();
    nz_report rep = {0};
    free(run(fm, &r, &rep));
    CHECK(rep.changes == 4);
    if (rep.len == 4) {
      CHECK(rep.items[0].line == 2 && rep.items[0].col == 10 && rep.items[0].start < 0);
      CHECK(rep.items[0].message && strstr(rep.items[0].message, "front matter"));
      CHECK(rep.items[2].line == 5 && rep.items[2].start >= 0);
    }
    size_t len, applied;
    char *fixed = normalize_apply(fm, strlen(fm), &rep, &len, &applied);
    CHECK_STR(fixed, "---\ntitle: 关于\"一村一策\"的报告\n---\n\n正文，完。\n");
    free(fixed);
    normalize_report_free(&rep);
  }
  /* Raw HTML is not in the model: the search goes past it; an autolink is text. */
  expect_fix("甲<br>乙,丙<!-- 注 -->丁.\n", "甲<br>乙，丙<!-- 注 -->丁。\n");
  expect_fix("见<http://a.cn/x>和\"好\"\n", "见<http://a.cn/x>和“好”\n");
  /* An image's ! is markup, not text. */
  expect_fix("[链接](http://a.com)![图](x.png)!中\n", "[链接](http://a.com)![图](x.png)！中\n");
  /* Found by random inputs: a mark made by a later rule is context for an
   * earlier one; a line break read as a space goes once a neighbour is wide. */
  expect_idempotent("?\n…中\n");
  expect_idempotent("年?—;\n--_-\n");
  expect_idempotent("甲\\\n\"乙\"(丙)\n");
  /* Applying the fixes and normalising again finds nothing. */
  const char *md = "甲 \"乙\" (丙) <<丁>> 戊... 己-- 庚, 辛.\n";
  normalize_rules r = normalize_rules_default();
  nz_report rep = {0};
  free(run(md, &r, &rep));
  size_t len, applied;
  char *fixed = normalize_apply(md, strlen(md), &rep, &len, &applied);
  nz_report again = {0};
  free(run(fixed, &r, &again));
  CHECK(rep.changes > 8 && again.len == 0);
  free(fixed);
  normalize_report_free(&rep);
  normalize_report_free(&again);
}

int main(void) {
  test_rules();
  test_switches();
  test_report();
  test_fix();
  return check_report();
}
