#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "figures.h"
#include "markdown.h"
#include "model.h"
#include "util.h"

static const char *csv =
    "县(市),年份,贫困发生率(%),贫困人口（万人）,劳务收入(亿元),资金(万元),备注\n"
    "陇西县,2014,15.2,8.1,,\"1,234.5\",\"说明，含逗号\n和换行\"\n"
    "陇西县,2015,13.8,,11.23,800,\n"
    "黔西县,2009,,,,26,文字\n";

static figures *parse(const char *text, diag_list *dl) { return figures_parse(text, strlen(text), "f.csv", dl); }

static void test_values(void) {
  diag_list dl = {0};
  figures *f = parse(csv, &dl);
  CHECK(f != NULL && dl.errors == 0);
  if (!f) return;
  char *v;
  CHECK_STR(v = figures_value(f, "陇西县", "贫困发生率", 0), "13.8%"); free(v);
  CHECK_STR(v = figures_value(f, "陇西县", "贫困发生率", 2014), "15.2%"); free(v);
  CHECK_STR(v = figures_value(f, "陇西县", "贫困人口", 0), "8.1万人"); free(v); /* latest with data */
  CHECK_STR(v = figures_value(f, "陇西县", "劳务收入", 2014), "—"); free(v);   /* empty cell */
  CHECK_STR(v = figures_value(f, "陇西县", "劳务收入", 0), "11.23亿元"); free(v);
  CHECK_STR(v = figures_value(f, "陇西县", "资金", 2014), "1,234.5万元"); free(v);
  CHECK_STR(v = figures_value(f, "陇西县", "备注", 2014), "说明，含逗号\n和换行"); free(v);
  CHECK(figures_value(f, "陇西县", "不存在", 0) == NULL);
  figures_free(f);
  diag_clear(&dl);
}

static void test_encodings(void) {
  diag_list dl = {0};
  /* UTF-8 with BOM. */
  char *bom = xasprintf("\xEF\xBB\xBF%s", csv);
  figures *f = parse(bom, &dl);
  char *v;
  CHECK(f && (v = figures_value(f, "陇西县", "贫困发生率", 0)) && !strcmp(v, "13.8%"));
  if (f) free(v);
  figures_free(f);
  free(bom);
  /* GB18030, as Excel on Chinese Windows saves it. */
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  char gb[4096], *in = (char *)csv, *out = gb;
  size_t inl = strlen(csv), outl = sizeof gb;
  iconv(cd, &in, &inl, &out, &outl);
  iconv_close(cd);
  f = figures_parse(gb, sizeof gb - outl, "gb.csv", &dl);
  CHECK(f && (v = figures_value(f, "陇西县", "劳务收入", 0)) && !strcmp(v, "11.23亿元"));
  if (f) free(v);
  figures_free(f);
  CHECK(dl.errors == 0);
  /* Neither: an error naming the first bad byte's offset. */
  const char bad[] = "a,b\n\x80\xFF\xFE,1\n";
  CHECK(figures_parse(bad, sizeof bad - 1, "bad.csv", &dl) == NULL);
  CHECK(dl.errors == 1 && strstr(dl.items[0].message, "offset 4"));
  diag_clear(&dl);
}

static void test_bad_number(void) {
  diag_list dl = {0};
  CHECK(parse("县,人口(万人)\n甲,1.5\n乙,很多\n", &dl) == NULL);
  CHECK(dl.errors == 1 && dl.items[0].line == 3 && dl.items[0].col == 2 && strstr(dl.items[0].message, "很多"));
  diag_clear(&dl);
  CHECK(parse("县,人口\n甲,\"未闭合\n", &dl) == NULL);
  CHECK(dl.errors == 1);
  diag_clear(&dl);
}

static document doc_of(const char *md) {
  document doc = {0};
  doc.file = strdup("b.md");
  doc.dir = strdup(".");
  doc.meta.county = strdup("陇西县");
  diag_list dl = {0};
  markdown_options opts = {.cjk_emphasis = true};
  markdown_parse(md, strlen(md), 5, &opts, &doc, &dl);
  diag_clear(&dl);
  return doc;
}

static void test_bind(void) {
  diag_list dl = {0};
  figures *f = parse(csv, &dl);
  document doc = doc_of("发生率{{贫困发生率}}，2014年为{{贫困发生率@2014}}。\n\n```figures\n贫困发生率\n劳务收入\n```\n");
  CHECK(figures_bind(&doc, f, &dl) == 0);
  char *t = span_list_text(&doc.items[0].as.text.spans);
  CHECK_STR(t, "发生率13.8%，2014年为15.2%。");
  free(t);
  CHECK(doc.items[1].kind == BLK_TABLE && doc.items[1].as.table.data->rows == 3 && doc.items[1].as.table.data->cols == 4);
  char *cell = span_list_text(&doc.items[1].as.table.data->cells[4 + 1]);
  CHECK_STR(cell, "15.2");
  free(cell);
  document_free(&doc);
  /* Unknown indicator: file:line:col and the names there, closest first. */
  doc = doc_of("见{{贫困发生}}。\n");
  CHECK(figures_bind(&doc, f, &dl) != 0);
  CHECK(dl.errors == 1 && dl.items[0].line == 6 && dl.items[0].col == 2);
  CHECK(dl.errors == 1 && strstr(dl.items[0].message, "has: 贫困发生率, "));
  document_free(&doc);
  diag_clear(&dl);
  /* A missing year names the years there. */
  doc = doc_of("{{贫困发生率@2010}}\n");
  CHECK(figures_bind(&doc, f, &dl) != 0);
  CHECK(dl.errors == 1 && strstr(dl.items[0].message, "2014, 2015"));
  document_free(&doc);
  diag_clear(&dl);
  /* A county with no row. */
  doc = doc_of("{{贫困发生率}}\n");
  free(doc.meta.county);
  doc.meta.county = strdup("陇西");
  CHECK(figures_bind(&doc, f, &dl) != 0);
  CHECK(dl.errors == 1 && strstr(dl.items[0].message, "counties there: 陇西县"));
  document_free(&doc);
  diag_clear(&dl);
  /* Figures used without a figures file. */
  doc = doc_of("{{贫困发生率}}\n");
  CHECK(figures_bind(&doc, NULL, &dl) != 0 && strstr(dl.items[0].message, "--figures"));
  document_free(&doc);
  diag_clear(&dl);
  /* A chart block becomes chart data. */
  doc = doc_of("```chart\ntype: line\ntitle: 变化\nindicators: 贫困发生率, 贫困人口\n```\n");
  CHECK(figures_bind(&doc, f, &dl) == 0);
  CHECK(doc.items[0].as.chart.data && doc.items[0].as.chart.data->nseries == 2 && doc.items[0].as.chart.data->ncat == 2);
  document_free(&doc);
  doc = doc_of("```chart\ntype: pie\nindicators: 贫困发生率\n```\n");
  CHECK(figures_bind(&doc, f, &dl) != 0 && strstr(dl.items[0].message, "bar or line"));
  document_free(&doc);
  diag_clear(&dl);
  figures_free(f);
}

int main(void) {
  test_values();
  test_encodings();
  test_bad_number();
  test_bind();
  return check_report();
}
