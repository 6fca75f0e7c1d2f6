/* The layout stage alone: a document model and the official layout in,
 * positioned runs out; the GB/T 9704 grid measured on them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fonts.h"
#include "layout.h"
#include "linebreaker.h"
#include "markdown.h"
#include "utf8.h"
#include "util.h"

#define MM (72.0 / 25.4)

typedef struct {
  double y;
  size_t chars;
  double x0;
} line_info;

/* Body lines (16 pt runs) of a page, by baseline, top to bottom. */
static size_t body_lines(const page_box *p, line_info *out, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < p->len; i++) {
    const page_item *it = &p->items[i];
    if (it->kind != IT_TEXT || fabs(it->size - 16) > 0.01) continue;
    size_t k = 0;
    while (k < n && fabs(out[k].y - it->y) > 0.5) k++;
    if (k == n && n < max) out[n++] = (line_info){it->y, 0, it->x};
    if (k < n) {
      out[k].chars += utf8_length(it->text);
      if (it->x < out[k].x0) out[k].x0 = it->x;
    }
  }
  return n;
}

static int lay_out(const char *md, font_lib *fonts, layout_spec *spec, laid_out *lo) {
  document doc = {0};
  doc.file = xstrdup("t.md");
  doc.dir = xstrdup(".");
  diag_list dl = {0};
  markdown_options opts = {.cjk_emphasis = true};
  markdown_parse(md, strlen(md), 0, &opts, &doc, &dl);
  int rc = layout_document(&doc, spec, fonts, lo, &dl);
  diag_print(&dl, stderr);
  diag_clear(&dl);
  document_free(&doc);
  return rc;
}

int main(void) {
  linebreak_init();
  const char *data = getenv("BRIEF_DATA") ? getenv("BRIEF_DATA") : ".";
  char *fonts_dir = path_join(data, "fonts"), *layouts_dir = path_join(data, "layouts");
  diag_list dl = {0};
  font_lib *fonts = font_lib_new(fonts_dir, &dl);
  layout_spec spec;
  CHECK(fonts && spec_load("official", layouts_dir, &spec, &dl) == 0);
  if (!fonts) return check_report();
  spec.signature = false;

  /* One long paragraph of ideographs: full pages of 22 lines × 28 characters. */
  strbuf md = {0};
  for (int i = 0; i < 900; i++) sb_puts(&md, i % 2 ? "贫" : "困");
  sb_puts(&md, "\n");
  laid_out lo;
  CHECK(lay_out(md.data, fonts, &spec, &lo) == 0);
  CHECK(lo.npages == 2);
  line_info lines[64];
  size_t n = body_lines(&lo.pages[0], lines, 64);
  CHECK(n == 22);
  printf("official grid, page 1: %zu lines; pitch %.3f pt (225 mm / 22 = %.3f)\n", n,
         n > 1 ? lines[0].y - lines[1].y : 0, 225 * MM / 22);
  for (size_t i = 0; i < n; i++) {
    CHECK(lines[i].chars == (i == 0 ? 26u : 28u));
    CHECK_NEAR(lines[i].x0, i == 0 ? 28 * MM + 2 * 156 * MM / 28 : 28 * MM, 0.01);
    if (i > 0) CHECK_NEAR(lines[i - 1].y - lines[i].y, 225 * MM / 22, 0.01);
  }
  /* Every line inside the type area (top 37 mm, bottom 35 mm). */
  CHECK(lines[0].y < lo.pages[0].h - 37 * MM);
  CHECK(lines[n - 1].y > 35 * MM);
  laid_out_free(&lo);

  /* A heading is never the last thing on a page. */
  sb_free(&md);
  for (int i = 0; i < 28 * 21 - 2; i++) sb_puts(&md, "困");
  sb_puts(&md, "\n\n## 二、标题\n\n");
  for (int i = 0; i < 100; i++) sb_puts(&md, "贫");
  sb_puts(&md, "\n");
  CHECK(lay_out(md.data, fonts, &spec, &lo) == 0);
  CHECK(lo.npages == 2);
  bool heading_on_page2 = false;
  for (size_t i = 0; lo.npages == 2 && i < lo.pages[1].len; i++)
    heading_on_page2 |= lo.pages[1].items[i].kind == IT_TEXT && strstr(lo.pages[1].items[i].text, "标题");
  CHECK(heading_on_page2);
  laid_out_free(&lo);

  /* Generated heading numbers (heading_numbering: generate): by level,
   * counters restarting below, in the text and in the outline. */
  spec.heading_numbering = NUMBER_GENERATE;
  CHECK(lay_out("## 背景\n\n正文。\n\n### 做法\n\n### 经验\n\n## 成效\n\n### 数据\n\n## 三、已有编号\n", fonts, &spec, &lo) == 0);
  const char *want[] = {"一、背景", "（一）做法", "（二）经验", "二、成效", "（一）数据", "三、已有编号"};
  CHECK(lo.noutline == 6);
  for (size_t i = 0; i < lo.noutline && i < 6; i++) CHECK_STR(lo.outline[i].title, want[i]);
  CHECK(lo.noutline == 6 && lo.outline[1].level == 2 && lo.outline[3].level == 1);
  laid_out_free(&lo);
  spec.heading_numbering = NUMBER_TEXT;

  /* A character no font has is an error, not a tofu box. */
  CHECK(lay_out("缺字\xE2\xBF\xBF。\n", fonts, &spec, &lo) != 0);
  laid_out_free(&lo);

  sb_free(&md);
  spec_free(&spec);
  font_lib_free(fonts);
  free(fonts_dir);
  free(layouts_dir);
  diag_clear(&dl);
  return check_report();
}
