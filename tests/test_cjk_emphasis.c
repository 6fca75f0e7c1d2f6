/* Emphasis as Chinese authors write it: the pattern table of issue 5.
 * Each row is Markdown and the span tree the parse stage must give. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
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
    /* Underscores inside words and Latin text are left alone. */
    {"中_文_字", "[\"中_文_字\"]"},
    {"_注：_正文", "[\"_注：_正文\"]"},
    {"**foo:**bar", "[\"**foo:**bar\"]"},
    {"snake_case_name", "[\"snake_case_name\"]"},
};

int main(void) {
  for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++) {
    document doc = {0};
    doc.file = strdup("t.md");
    doc.dir = strdup(".");
    diag_list dl = {0};
    markdown_options opts = {true};
    markdown_parse(patterns[i].md, strlen(patterns[i].md), 0, &opts, &doc, &dl);
    char *got = doc.len ? spans_dump(&doc.items[0].spans) : strdup("(no block)");
    if (strcmp(got, patterns[i].want) != 0) fprintf(stderr, "pattern %zu: %s\n", i + 1, patterns[i].md);
    CHECK_STR(got, patterns[i].want);
    free(got);
    document_free(&doc);
    diag_clear(&dl);
  }
  return check_report();
}
