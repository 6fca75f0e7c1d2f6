#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "markdown.h"
#include "model.h"

static char *dump(const char *md, diag_list *dl) {
  document doc = {0};
  doc.file = strdup("t.md");
  doc.dir = strdup("/tmp/in");
  markdown_options opts = {.cjk_emphasis = true};
  markdown_parse(md, strlen(md), 0, &opts, &doc, dl);
  char *s = document_dump(&doc);
  document_free(&doc);
  return s;
}

static void expect(const char *md, const char *want) {
  diag_list dl = {0};
  char *got = dump(md, &dl);
  CHECK_STR(got, want);
  free(got);
  diag_clear(&dl);
}

int main(void) {
  /* Soft breaks: vanish next to CJK, a space between Latin words. */
  /* Spans of different source lines stay apart, so each keeps its line for messages. */
  expect("陇西县\n扶贫\n", "para [\"陇西县\"] [\"扶贫\"]\n");
  expect("贫困发生率\n13.8%\n", "para [\"贫困发生率\"] [\"13.8%\"]\n");
  expect("hello\nworld\n", "para [\"hello \"] [\"world\"]\n");
  expect("第一行  \n第二行\n", "para [\"第一行\"] [break] [\"第二行\"]\n");
  /* Headings and their numbers in both widths. */
  expect("# 一、背景\n", "heading1 number<一、> [\"一、背景\"]\n");
  expect("## （一）做法\n", "heading2 number<（一）> [\"（一）做法\"]\n");
  expect("## (二)做法\n", "heading2 number<(二)> [\"(二)做法\"]\n");
  expect("### 1.要点\n", "heading3 number<1.> [\"1.要点\"]\n");
  expect("### 2．要点\n", "heading3 number<2．> [\"2．要点\"]\n");
  expect("#### （1）事例\n", "heading4 number<（1）> [\"（1）事例\"]\n");
  expect("#### (3)事例\n", "heading4 number<(3)> [\"(3)事例\"]\n");
  expect("### 2015年情况\n", "heading3 [\"2015年情况\"]\n");
  /* Ideographic spaces and full-width digits are kept as written. */
  expect("单位：组织部　　期数：１２\n", "para [\"单位：组织部　　期数：１２\"]\n");
  /* Lists nested three deep keep their markers and start numbers. */
  expect("3. 甲\n   - 乙\n     1) 丙\n",
         "para list1 marker<3.> [\"甲\"]\npara list2 marker<○> [\"乙\"]\npara list3 marker<1)> [\"丙\"]\n");
  /* Inline styles, links, code, strikethrough. */
  expect("*楷*和**黑**和`code`和~~删~~\n",
         "para [emph \"楷\"] [\"和\"] [strong \"黑\"] [\"和\"] [code \"code\"] [\"和\"] [strike \"删\"]\n");
  expect("见[网站](https://example.org)。\n", "para [\"见\"] [link<https://example.org> \"网站\"] [\"。\"]\n");
  expect("https://www.gov.cn 可查\n", "para [link<https://www.gov.cn> \"https://www.gov.cn\"] [\" 可查\"]\n");
  /* Tables keep alignment. */
  expect("| 甲 | 乙 |\n|:--|--:|\n| 1 | 2 |\n",
         "table 2x2lr |[\"甲\"] |[\"乙\"] |[\"1\"] |[\"2\"]\n");
  /* Blocks: quote, code, rule, image (path resolved against the summary). */
  expect("> 引文\n", "para quote1 [\"引文\"]\n");
  expect("```\nx = 1\n```\n", "code literal<x = 1\n>\n");
  expect("---\n", "rule\n");
  expect("![图](a.png)\n", "image src</tmp/in/a.png>\n");
  expect("```figures\n贫困发生率\n```\n", "figures literal<贫困发生率\n>\n");
  /* Raw HTML is not rendered, with a warning naming its line. */
  diag_list dl = {0};
  char *got = dump("文字\n\n<div>x</div>\n", &dl);
  CHECK_STR(got, "para [\"文字\"]\n");
  CHECK(dl.len == 1 && dl.items[0].severity == DIAG_WARNING && dl.items[0].line == 3);
  free(got);
  diag_clear(&dl);
  return check_report();
}
