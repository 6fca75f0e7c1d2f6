#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lb_items.h"
#include "linebreaker.h"
#include "utf8.h"
#include "util.h"

static lb_lines lines_of(const char *text, double width, lb_item *items, double *extra, size_t *n) {
  *n = lb_items_of(text, strlen(text), items);
  lb_lines lines = {0};
  linebreak_lines(items, *n, width, width, true, &lines, extra);
  return lines;
}

/* No line starts with a closing mark or ends with an opening one. */
static void check_rules(const lb_item *items, const lb_lines *lines) {
  for (size_t i = 0; i < lines->len; i++) {
    const lb_line *l = &lines->items[i];
    if (l->end <= l->start) continue;
    CHECK(!uchar_cannot_start_line(items[l->start].cp));
    CHECK(!uchar_cannot_end_line(items[l->end - 1].cp));
  }
}

static void test_prohibitions_over_many_widths(void) {
  const char *text = "全县贫困发生率为13.8%，农民收入只有全省的92.1%。“群众富不富，关键在支部”，"
                     "这是（基层）经验——抓党建促脱贫……《决定》提出：要坚持“一村一策”！对吗？是的、对的；好。";
  lb_item items[256];
  double extra[256];
  for (double w = 4; w <= 20; w += 0.5) {
    size_t n;
    lb_lines lines = lines_of(text, w, items, extra, &n);
    check_rules(items, &lines);
    /* —— and …… never split; a number stays with its unit. */
    for (size_t i = 0; i + 1 < lines.len; i++) {
      size_t e = lines.items[i].end;
      CHECK(!(uchar_is_inseparable(items[e - 1].cp) && uchar_is_inseparable(items[e].cp)));
      CHECK(!(is_digit(items[e - 1].cp) && (uchar_is_cjk_ideograph(items[e].cp) || items[e].cp == '%')));
    }
    VEC_FREE(lines);
  }
}

static void test_justified_lines_fill_the_measure(void) {
  const char *text = "全面建成小康社会，难点在农村，关键在农村基层党组织。陇西县扶贫开发已进入攻坚拔寨的冲刺期，"
                     "2015年全县贫困发生率为13.8%，还要完成减少贫困人口5.97万人的任务。";
  lb_item items[256];
  double extra[256];
  size_t n;
  lb_lines lines = lines_of(text, 12, items, extra, &n);
  CHECK(lines.len >= 4);
  for (size_t i = 0; i + 1 < lines.len; i++) {
    double w = 0;
    for (size_t k = lines.items[i].start; k < lines.items[i].end; k++) w += items[k].adv + extra[k];
    CHECK_NEAR(extra[lines.items[i].end - 1], 0, 1e-9); /* nothing is added after the last item */
    CHECK_NEAR(w, 12, 1e-6); /* the justified line, every gap counted, fills the measure */
  }
  VEC_FREE(lines);
}

static void test_squeeze_before_push(void) {
  lb_item items[32];
  double extra[32];
  size_t n;
  /* 11 ems into 10.5: squeezing ， and 。 by half an em each makes it fit. */
  lb_lines lines = lines_of("一二三，四五六七八九。", 10.5, items, extra, &n);
  CHECK(lines.len == 1);
  VEC_FREE(lines);
  /* 11 ems into 10 cannot be squeezed enough: 十 is pushed down with 。, and
   * 九 with them (十。 alone would be a 孤字). */
  lines = lines_of("一二三四五六七八九十。", 10, items, extra, &n);
  CHECK(lines.len == 2 && lines.items[0].end == 8);
  VEC_FREE(lines);
}

static void test_no_single_character_last_line(void) {
  lb_item items[32];
  double extra[32];
  size_t n;
  lb_lines lines = lines_of("一二三四五六七八九十百", 10, items, extra, &n);
  CHECK(lines.len == 2);
  CHECK(lines.len == 2 && lines.items[1].end - lines.items[1].start == 2);
  VEC_FREE(lines);
  /* One character and the mark after it is 孤字 too (clreq #adjustments_of_orphans_and_widows):
   * 十 goes down with 部。, and the line before is a cell short. */
  lines = lines_of("一二三四五六七八九十部。", 10, items, extra, &n);
  CHECK(lines.len == 2 && lines.items[1].end - lines.items[1].start == 3);
  CHECK(lines.len == 2 && lines.items[0].end - lines.items[0].start == 9);
  VEC_FREE(lines);
}

static void test_latin_words_break_at_spaces(void) {
  lb_item items[64];
  double extra[64];
  size_t n;
  lb_lines lines = lines_of("see the table below", 5, items, extra, &n);
  for (size_t i = 0; i < lines.len; i++) {
    CHECK(items[lines.items[i].start].cp != ' ');
    if (i + 1 < lines.len) CHECK(items[lines.items[i].end].cp == ' ' || items[lines.items[i].end - 1].cp == ' ' ||
                                 items[lines.items[i + 1].start - 1].cp == ' ');
  }
  VEC_FREE(lines);
}

static void test_clreq_pairs(void) {
  CHECK(!linebreak_clreq_allows(0x4E00, 0x3002));  /* 一|。 */
  CHECK(!linebreak_clreq_allows(0x201C, 0x4E00));  /* “|一 */
  CHECK(!linebreak_clreq_allows('5', 0x4E07));     /* 5|万 */
  CHECK(!linebreak_clreq_allows(0x2014, 0x2014));  /* —|— */
  CHECK(!linebreak_clreq_allows(0x2026, 0x2026));  /* …|… */
  CHECK(linebreak_clreq_allows(0x4E00, 0x4E8C));   /* 一|二 */
  CHECK(linebreak_clreq_allows(0x3002, 0x201C));   /* 。|“ */
}

/* The plain scheme: a closing mark hangs past the measure instead of a
 * character being pushed, and a line on the grid is not stretched. */
static void test_hanging_and_grid(void) {
  lb_item items[64];
  double extra[64];
  size_t n = lb_items_of("一二三四五，六七八九", strlen("一二三四五，六七八九"), items);
  for (size_t i = 0; i < n; i++) {
    items[i].shrink = 0;
    items[i].on_grid = true;
    items[i].hang = uchar_is_closing_punct(items[i].cp) ? items[i].adv : 0;
  }
  lb_lines lines = {0};
  linebreak_lines(items, n, 5, 5, true, &lines, extra);
  CHECK(lines.len == 2 && lines.items[0].end == 6); /* 一二三四五， with the comma hanging */
  CHECK(lines.len == 2 && fabs(lines.items[0].width - 6) < 1e-9 && !lines.items[0].justified);
  for (size_t i = 0; i < 6; i++) CHECK(fabs(extra[i]) < 1e-9); /* every character in its cell */
  /* Without the hang the comma cannot end the line: 五 goes down with it, and the
   * short line is not stretched off the grid. */
  for (size_t i = 0; i < n; i++) items[i].hang = 0;
  linebreak_lines(items, n, 5, 5, true, &lines, extra);
  CHECK(lines.len >= 2 && lines.items[0].end == 4 && !lines.items[0].justified);
  for (size_t i = 0; i < 4; i++) CHECK(fabs(extra[i]) < 1e-9);
  /* A grid line without Latin that ends more than a cell short (四五六七
   * cannot be split: three cells short) would look like a paragraph's end:
   * the space goes between all its characters. One cell short stays. */
  n = lb_items_of("一二三四五六七", strlen("一二三四五六七"), items);
  for (size_t i = 0; i < n; i++) items[i].shrink = 0, items[i].on_grid = true, items[i].hang = 0;
  items[3].brk = items[4].brk = items[5].brk = LB_NO;
  linebreak_lines(items, n, 6, 6, true, &lines, extra);
  CHECK(lines.len == 2 && lines.items[0].end == 3 && lines.items[0].justified);
  CHECK(fabs(extra[0] - 1.5) < 1e-9 && fabs(extra[1] - 1.5) < 1e-9 && fabs(extra[2]) < 1e-9);
  items[3].brk = items[4].brk = LB_ALLOW;
  linebreak_lines(items, n, 6, 6, true, &lines, extra);
  CHECK(lines.len == 2 && lines.items[0].end == 5 && !lines.items[0].justified);
  for (size_t i = 0; i < 5; i++) CHECK(fabs(extra[i]) < 1e-9);
  VEC_FREE(lines);
}

/* U+FFFF is libunibreak 1.1's end-of-text mark: the wrappers hand it over
 * as U+FFFE (same class, XX -> AL), so the text breaks as with any letter
 * there, wherever it stands (first, inside, last), instead of aborting. */
static void test_ffff_breaks_like_a_letter(void) {
  static const uint32_t cps[] = {0x56FD, 0x5BB6, '(', 'a', ')', ' ', 'b', 0x3002, 0x4E00};
  size_t n = sizeof cps / sizeof *cps + 1;
  for (size_t at = 0; at < n; at++) {
    uint32_t with[16], letter[16];
    for (size_t i = 0, k = 0; i < n; i++) {
      with[i] = i == at ? 0xFFFF : cps[k];
      letter[i] = i == at ? 'A' : cps[k];
      if (i != at) k++;
    }
    char got[16], want[16];
    linebreak_unibreak_utf32(with, n, got);
    linebreak_unibreak_utf32(letter, n, want);
    CHECK(memcmp(got, want, n) == 0);
  }
  /* The UTF-8 form, per byte: as with U+2C00 (a letter, AL, three bytes too). */
  const char *with8 = "\xEF\xBF\xBF国家（\xEF\xBF\xBF）。\xEF\xBF\xBF", *letter8 = "\xE2\xB0\x80国家（\xE2\xB0\x80）。\xE2\xB0\x80";
  char got8[64], want8[64];
  size_t len = strlen(with8);
  CHECK(len == strlen(letter8) && len < sizeof got8);
  linebreak_unibreak_utf8(with8, len, got8);
  linebreak_unibreak_utf8(letter8, len, want8);
  CHECK(memcmp(got8, want8, len) == 0);
  /* Through linebreak_find (what fuzz_linebreak found): the items of a paragraph. */
  lb_item items[32];
  size_t m = lb_items_of("\xEF\xBF\xBF标题：\xEF\xBF\xBF功能\xEF\xBF\xBF", strlen("\xEF\xBF\xBF标题：\xEF\xBF\xBF功能\xEF\xBF\xBF"), items);
  CHECK(m == 8 && items[m - 1].brk == LB_MUST);
}

int main(void) {
  linebreak_init();
  test_ffff_breaks_like_a_letter();
  test_prohibitions_over_many_widths();
  test_justified_lines_fill_the_measure();
  test_squeeze_before_push();
  test_no_single_character_last_line();
  test_latin_words_break_at_spaces();
  test_clreq_pairs();
  test_hanging_and_grid();
  return check_report();
}
