/* Emphasis as Chinese authors write it: the pattern table of issues 5 and 9.
 * Each row is Markdown and the span tree the parse stage must give. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"
#include "markdown.h"
#include "model.h"

static const struct {
  const char *md, *want;
} patterns[] = {
    /* The three patterns from real briefs. */
    {"**报送单位：**中共陇西县委组织部", "[strong \"报送单位：\"] [\"中共陇西县委组织部\"]"},
    {"**持续建强村级班子。**开展“头雁”培训", "[strong \"持续建强村级班子。\"] [\"开展“头雁”培训\"]"},
    {"要坚持**“一村一策”**，因户施策", "[\"要坚持\"] [strong \"“一村一策”\"] [\"，因户施策\"]"},
    /* Bold closing after CJK punctuation, a CJK character following. */
    {"**加强领导，**确保落实", "[strong \"加强领导，\"] [\"确保落实\"]"},
    {"**问题？**答案", "[strong \"问题？\"] [\"答案\"]"},
    {"**好！**继续", "[strong \"好！\"] [\"继续\"]"},
    {"**一、**背景", "[strong \"一、\"] [\"背景\"]"},
    {"**甲；**乙", "[strong \"甲；\"] [\"乙\"]"},
    {"**100%**完成", "[strong \"100%\"] [\"完成\"]"},
    {"（**注：**数据截至2016年）", "[\"（\"] [strong \"注：\"] [\"数据截至2016年）\"]"},
    /* Opening before CJK punctuation, a CJK character preceding. */
    {"选拔**“致富能人”**进入班子", "[\"选拔\"] [strong \"“致富能人”\"] [\"进入班子\"]"},
    {"学习**《决定》**精神", "[\"学习\"] [strong \"《决定》\"] [\"精神\"]"},
    {"**“两委”**班子", "[strong \"“两委”\"] [\"班子\"]"},
    {"**《决定》**要求", "[strong \"《决定》\"] [\"要求\"]"},
    /* Emphasis (楷体) with a single asterisk. */
    {"*重点：*脱贫", "[emph \"重点：\"] [\"脱贫\"]"},
    {"*“强调”*之后", "[emph \"“强调”\"] [\"之后\"]"},
    {"前面*“强调”*", "[\"前面\"] [emph \"“强调”\"]"},
    {"***重点：***后文", "[strong emph \"重点：\"] [\"后文\"]"},
    /* Two spans on one line. */
    {"**甲：**乙，**丙：**丁", "[strong \"甲：\"] [\"乙，\"] [strong \"丙：\"] [\"丁\"]"},
    /* What CommonMark already pairs stays as it is. */
    {"这是**重点**工作", "[\"这是\"] [strong \"重点\"] [\"工作\"]"},
    {"《**决定**》", "[\"《\"] [strong \"决定\"] [\"》\"]"},
    {"他说：“**很好**。”", "[\"他说：“\"] [strong \"很好\"] [\"。”\"]"},
    {"完成率**100%**。", "[\"完成率\"] [strong \"100%\"] [\"。\"]"},
    {"**重点**：", "[strong \"重点\"] [\"：\"]"},
    {"**“一村一策”**", "[strong \"“一村一策”\"]"},
    {"*强调：*", "[emph \"强调：\"]"},
    /* Nested. */
    {"**重点是*楷体*部分**", "[strong \"重点是\"] [strong emph \"楷体\"] [strong \"部分\"]"},
    {"**外层“*内层*”。**后文", "[strong \"外层“\"] [strong emph \"内层\"] [strong \"”。\"] [\"后文\"]"},
    /* Unclosed delimiters stay literal. */
    {"**未闭合：文字", "[\"**未闭合：文字\"]"},
    {"文字：**后面", "[\"文字：**后面\"]"},
    /* Next to links and code. */
    {"**见[通知](https://a.cn)：**如下",
     "[strong \"见\"] [strong link<https://a.cn> \"通知\"] [strong \"：\"] [\"如下\"]"},
    {"**代码`x`：**说明", "[strong \"代码\"] [strong code \"x\"] [strong \"：\"] [\"说明\"]"},
    {"`**：**中`", "[code \"**：**中\"]"},
    /* Underscores inside words and Latin text are left alone; an underscore
     * with Chinese punctuation on one side is not inside a word (issue 9). */
    {"中_文_字", "[\"中_文_字\"]"},
    {"_注：_正文", "[emph \"注：\"] [\"正文\"]"},
    {"__注：__正文", "[strong \"注：\"] [\"正文\"]"},
    {"中_“文”_字", "[\"中\"] [emph \"“文”\"] [\"字\"]"},
    {"**foo:**bar", "[\"**foo:**bar\"]"},
    {"snake_case_name", "[\"snake_case_name\"]"},
    /* “ ” — … are Western marks too: next to Latin text they stay CommonMark. */
    {"He said **“hello”**world", "[\"He said **“hello”**world\"]"},
    {"**foo—**bar", "[\"**foo—**bar\"]"},
    {"**“ABC”**2019", "[\"**“ABC”**2019\"]"},
    {"**“一村一策。”**2019年", "[strong \"“一村一策。”\"] [\"2019年\"]"},
    {"A**“两委”**班子", "[\"A\"] [strong \"“两委”\"] [\"班子\"]"},
    /* Issue 9: closing on Chinese punctuation before a digit, a Latin letter,
     * a symbol or a link; the header line of a 简报. */
    {"**报送单位：**中共陇西县委组织部　　**期数：**2016年第3期　　**密级：**内部参阅",
     "[strong \"报送单位：\"] [\"中共陇西县委组织部　　\"] [strong \"期数：\"] "
     "[\"2016年第3期　　\"] [strong \"密级：\"] [\"内部参阅\"]"},
    {"　**期数：**2016年", "[\"　\"] [strong \"期数：\"] [\"2016年\"]"},
    {"**期数：**　2016年", "[strong \"期数：\"] [\"　2016年\"]"},
    {"**合计：**＄12", "[strong \"合计：\"] [\"＄12\"]"},
    {"**报送：**www.example.org", "[strong \"报送：\"] [link<http://www.example.org> \"www.example.org\"]"},
    {"**报送：**<http://example.org>", "[strong \"报送：\"] [link<http://example.org> \"http://example.org\"]"},
    {"*见：*https://a.cn/x", "[emph \"见：\"] [link<https://a.cn/x> \"https://a.cn/x\"]"},
    {"**注：**`x`", "[strong \"注：\"] [code \"x\"]"},
};

/* The six lines of issue 9, each with every delimiter: `@` in md stands for
 * the delimiter, in want for the style it gives. */
static const struct {
  const char *md, *want;
} issue9[] = {
    {"@期数：@2016年第3期", "[@\"期数：\"] [\"2016年第3期\"]"},
    {"@注：@A级景区", "[@\"注：\"] [\"A级景区\"]"},
    {"要坚持@“一村一策”@2019年起实施", "[\"要坚持\"] [@\"“一村一策”\"] [\"2019年起实施\"]"},
    {"@说明：@2017年数据", "[@\"说明：\"] [\"2017年数据\"]"},
    {"@合计：@¥1,234万元", "[@\"合计：\"] [\"¥1,234万元\"]"},
    {"@报送：@http://example.org", "[@\"报送：\"] [link<http://example.org> \"http://example.org\"]"},
};
static const struct {
  const char *delim, *style;
} delims[] = {{"*", "emph "},  {"**", "strong "},  {"***", "strong emph "},
              {"_", "emph "},  {"__", "strong "},  {"___", "strong emph "}};

static char *replace_at(const char *tmpl, const char *with) {
  strbuf sb = {0};
  for (const char *p = tmpl; *p; p++)
    if (*p == '@') sb_puts(&sb, with);
    else sb_putc(&sb, *p);
  return sb_take(&sb);
}

static char *parse_dump(const char *md, int *col_of, const char *text) {
  document doc = {0};
  doc.file = strdup("t.md");
  doc.dir = strdup(".");
  diag_list dl = {0};
  markdown_options opts = {.cjk_emphasis = true};
  markdown_parse(md, strlen(md), 0, &opts, &doc, &dl);
  char *got = doc.len ? span_list_dump(&doc.items[0].as.text.spans) : strdup("(no block)");
  for (size_t i = 0; col_of && doc.len && i < doc.items[0].as.text.spans.len; i++)
    if (strcmp(doc.items[0].as.text.spans.items[i].text, text) == 0) *col_of = doc.items[0].as.text.spans.items[i].col;
  document_free(&doc);
  diag_clear(&dl);
  return got;
}

/* Columns count characters, not bytes (issue 11). */
static void check_column(const char *md, const char *text, int want) {
  int col = -1;
  free(parse_dump(md, &col, text));
  if (col != want) fprintf(stderr, "column of \"%s\" in %s: got %d, want %d\n", text, md, col, want);
  CHECK(col == want);
}

int main(void) {
  for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++) {
    char *got = parse_dump(patterns[i].md, NULL, NULL);
    if (strcmp(got, patterns[i].want) != 0) fprintf(stderr, "pattern %zu: %s\n", i + 1, patterns[i].md);
    CHECK_STR(got, patterns[i].want);
    free(got);
  }
  for (size_t i = 0; i < sizeof issue9 / sizeof *issue9; i++) {
    for (size_t d = 0; d < sizeof delims / sizeof *delims; d++) {
      char *md = replace_at(issue9[i].md, delims[d].delim);
      char *want = replace_at(issue9[i].want, delims[d].style);
      char *got = parse_dump(md, NULL, NULL);
      if (strcmp(got, want) != 0) fprintf(stderr, "issue 9 line: %s\n", md);
      CHECK_STR(got, want);
      CHECK(strchr(got, '*') == NULL && strchr(got, '_') == NULL);
      free(md);
      free(want);
      free(got);
    }
  }
  check_column("**报送单位：**中共陇西县委组织部", "报送单位：", 3);
  check_column("**报送单位：**中共陇西县委组织部", "中共陇西县委组织部", 10);
  check_column("要坚持**“一村一策”**，因户施策", "，因户施策", 14);
  check_column("要坚持**“一村一策”**2019年起实施", "2019年起实施", 14);
  return check_report();
}
