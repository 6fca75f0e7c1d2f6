/* Excel's number formats (sheet_format.c), dates as offices write them
 * (docx_markdown.c), and the .docx and .xlsx readers on packages built in
 * memory: what is refused, what is read. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fuzz/ooxml_wrap.h"
#include "docx.h"
#include "docx_markdown.h"
#include "sheet.h"
#include "util.h"

static void format(double v, const char *code, const char *want) {
  char *got = sheet_format_number(v, code, false);
  CHECK_STR(got, want);
  free(got);
}

static void test_formats(void) {
  format(1234.5, "#,##0.0", "1,234.5");
  format(1234567, "#,##0", "1,234,567");
  format(0.138, "0.0%", "13.8%");
  format(0.5, "0%", "50%");
  format(42688, "yyyy-mm-dd", "2016年11月14日");       /* serial 42688 is 2016-11-14 */
  format(42688.75, "yyyy/m/d h:mm", "2016年11月14日");
  format(42688, "[$-804]yyyy\"年\"m\"月\"d\"日\"", "2016年11月14日");
  format(61, "yyyy-mm-dd", "1900年3月1日");           /* after Lotus's phantom 1900-02-29 */
  format(13.8, "0.00\"万元\"", "13.80万元");
  format(-1234, "#,##0;(#,##0)", "(1,234)");
  format(-1234, "#,##0", "-1,234");
  format(0, "#,##0.00;-#,##0.00;\"-\"", "-");
  format(0.1 + 0.2, NULL, "0.3");                     /* General: 15 significant digits */
  format(12345, "General", "12345");
  format(2.5, "#,##0.00_);[Red](#,##0.00)", "2.50");
  free(sheet_format_number(1e300, "#,##0.000000000000000", false)); /* no overflow */
  char *d = sheet_format_number(0, "yyyy-mm-dd", true);
  CHECK_STR(d, "1904年1月1日");
  free(d);
  char cell[16];
  CHECK_STR(sheet_cell_name(6, 2, cell), "C7");
  CHECK_STR(sheet_cell_name(0, 26, cell), "AA1");
  CHECK_STR(sheet_builtin_format(10), "0.00%");
}

static void test_dates(void) {
  char out[11];
  CHECK(docx_parse_date("2016年11月14日", out) && !strcmp(out, "2016-11-14"));
  CHECK(docx_parse_date("二〇一六年十一月十四日", out) && !strcmp(out, "2016-11-14"));
  CHECK(docx_parse_date("二〇二〇年二月十日", out) && !strcmp(out, "2020-02-10"));
  CHECK(docx_parse_date("2009年11月8日", out) && !strcmp(out, "2009-11-08"));
  CHECK(!docx_parse_date("2016年13月1日", out));
  CHECK(!docx_parse_date("截至2016年11月14日", out));
  CHECK(!docx_parse_date("2016年11月14日前", out));
}

/* A zip in memory with the given parts (name, content pairs), built as
 * the fuzz targets build theirs. Caller frees. */
static char *package(const char *const *parts, size_t n, size_t *len) {
  return wrap_package((const uint8_t *)parts[1], strlen(parts[1]), parts[0], parts + 2, n - 2, len);
}

#define W "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

static void test_docx(void) {
  /* Heading styles resolved from styles.xml (an id that is not the name, a
   * style based on a heading), runs split mid-word merged, 　　 dropped. */
  const char *styles = "<w:styles " W "><w:style w:type=\"paragraph\" w:styleId=\"a3\"><w:name w:val=\"标题 2\"/>"
                       "</w:style><w:style w:type=\"paragraph\" w:styleId=\"x\"><w:name w:val=\"我的标题\"/>"
                       "<w:basedOn w:val=\"a3\"/></w:style></w:styles>";
  const char *doc = "<w:document " W "><w:body>"
                    "<w:p><w:pPr><w:pStyle w:val=\"a3\"/></w:pPr><w:r><w:t>（一）做法</w:t></w:r></w:p>"
                    "<w:p><w:pPr><w:pStyle w:val=\"x\"/></w:pPr><w:r><w:t>经验</w:t></w:r></w:p>"
                    "<w:p><w:r><w:t>　　全县</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>一村</w:t></w:r>"
                    "<w:r><w:rPr><w:b/></w:rPr><w:t>一策</w:t></w:r><w:r><w:br/><w:t>落实*到位</w:t></w:r></w:p>"
                    "<w:p><w:r><w:t>一、不是标题，因为这一段很长。它有句号，还有后文。</w:t></w:r></w:p>"
                    "</w:body></w:document>";
  const char *parts[] = {"word/document.xml", doc, "word/styles.xml", styles};
  size_t len;
  char *data = package(parts, 4, &len);
  diag_list dl = {0};
  docx_document *d = docx_read(data, len, "t.docx", &dl);
  CHECK(d != NULL && dl.errors == 0);
  if (d) {
    docx_summary s;
    docx_to_summary(d, "t", "t.md", &s);
    CHECK(!strncmp(s.markdown, "## （一）做法\n", strlen("## （一）做法\n"))); /* no front matter: none found */
    CHECK(strstr(s.markdown, "\n## 经验\n") != NULL);
    CHECK(strstr(s.markdown, "\n全县**一村一策**落实\\*到位\n") != NULL);
    CHECK(strstr(s.markdown, "\n一、不是标题") != NULL);
    docx_summary_free(&s);
    docx_free(d);
  }
  free(data);
  diag_clear(&dl);
  /* A signature pushed right with 　 (WPS) and a date in Chinese numerals; an empty heading. */
  const char *sig = "<w:document " W "><w:body>"
                    "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr></w:p>"
                    "<w:p><w:r><w:t>正文。</w:t></w:r></w:p>"
                    "<w:p><w:r><w:t xml:space=\"preserve\">　　　　　　　　中共陇西县委组织部</w:t></w:r></w:p>"
                    "<w:p><w:r><w:t>二〇一六年十一月十四日</w:t></w:r></w:p></w:body></w:document>";
  const char *sig_parts[] = {"word/document.xml", sig};
  data = package(sig_parts, 2, &len);
  d = docx_read(data, len, "s.docx", &dl);
  CHECK(d != NULL);
  if (d) {
    docx_summary s;
    docx_to_summary(d, "s", "s.md", &s);
    CHECK_STR(s.markdown, "---\ncounty: \"陇西县\"\nauthor: \"中共陇西县委组织部\"\ndate: 2016年11月14日\n---\n\n正文。\n");
    docx_summary_free(&s);
    docx_free(d);
  }
  free(data);
  diag_clear(&dl);
  /* A table wider than a brief can print: reported with its line, never dropped silently. */
  strbuf wide = {0};
  sb_puts(&wide, "<w:document " W "><w:body><w:tbl><w:tr>");
  for (int k = 0; k < 70; k++) sb_printf(&wide, "<w:tc><w:p><w:r><w:t>%d</w:t></w:r></w:p></w:tc>", k);
  sb_puts(&wide, "</w:tr></w:tbl></w:body></w:document>");
  const char *wide_parts[] = {"word/document.xml", wide.data};
  data = package(wide_parts, 2, &len);
  d = docx_read(data, len, "w.docx", &dl);
  if (d) {
    docx_summary s;
    docx_to_summary(d, "w", "w.md", &s);
    bool reported = false;
    for (size_t k = 0; k < s.report.len; k++) reported |= strstr(s.report.items[k], "w.md:1: table 1: more than 64") != NULL;
    CHECK(reported && strstr(s.markdown, "| 63 |\n"));
    docx_summary_free(&s);
    docx_free(d);
  }
  CHECK(d != NULL);
  sb_free(&wide);
  free(data);
  diag_clear(&dl);
  /* Not a package; a package without a document. */
  CHECK(docx_read("PK\3\4 nothing", 13, "x.docx", &dl) == NULL && dl.errors == 1);
  diag_clear(&dl);
  const char *other[] = {"xl/workbook.xml", "<workbook/>"};
  data = package(other, 2, &len);
  CHECK(docx_read(data, len, "y.docx", &dl) == NULL && strstr(dl.items[0].message, "not a Word document"));
  free(data);
  diag_clear(&dl);
}

/* Inline strings, a formula's text, booleans, the 1904 date system, a number format by id. */
static void test_xlsx(void) {
  const char *parts[] = {
      "xl/workbook.xml", "<workbook><workbookPr date1904=\"1\"/><sheets><sheet name=\"表一\" id=\"r1\"/></sheets></workbook>",
      "xl/_rels/workbook.xml.rels", "<Relationships><Relationship Id=\"r1\" Target=\"/xl/worksheets/s.xml\"/></Relationships>",
      "xl/styles.xml", "<styleSheet><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"3\"/></cellXfs></styleSheet>",
      "xl/worksheets/s.xml",
      "<worksheet><sheetData><row r=\"2\"><c r=\"B2\" t=\"inlineStr\"><is><t>陇西</t><r><t>县</t></r></is></c>"
      "<c r=\"C2\" t=\"str\"><f>A1&amp;\"x\"</f><v>合计</v></c><c r=\"D2\" t=\"b\"><v>1</v></c>"
      "<c r=\"E2\" s=\"1\"><v>0</v></c><c r=\"F2\" s=\"2\"><v>1234567.4</v></c></row></sheetData></worksheet>"};
  size_t len;
  char *data = package(parts, 8, &len);
  diag_list dl = {0};
  sheet_grid g;
  CHECK(sheet_read_xlsx_memory(data, len, "b.xlsx", NULL, &g, &dl) == 0 && dl.errors == 0);
  CHECK(g.nrows == 2 && g.ncols == 6 && !g.cells[0] && !g.cells[6]);
  if (g.nrows == 2 && g.ncols == 6) {
    CHECK_STR(g.cells[7], "陇西县");
    CHECK_STR(g.cells[8], "合计");
    CHECK_STR(g.cells[9], "TRUE");
    CHECK_STR(g.cells[10], "1904年1月1日");
    CHECK_STR(g.cells[11], "1,234,567");
  }
  CHECK_STR(g.name, "表一");
  sheet_grid_free(&g);
  CHECK(sheet_read_xlsx_memory(data, len, "b.xlsx", "表二", &g, &dl) != 0 && strstr(dl.items[0].message, "its sheets: 表一"));
  sheet_grid_free(&g);
  diag_clear(&dl);
  free(data);
}

int main(void) {
  test_xlsx();
  test_formats();
  test_dates();
  test_docx();
  return check_report();
}
