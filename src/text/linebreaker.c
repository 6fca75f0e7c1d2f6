#include "linebreaker.h"

#include <linebreak.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

void linebreak_init(void) { init_linebreak(); }

/* libunibreak before 2.0 (Debian 12 ships 1.1) marks the end of the text
 * with EOS = 0xFFFF (linebreakdef.h), so its get_next_char returns "end"
 * for a U+FFFF inside the text: set_linebreaks stops there and fails its
 * assertion `posLast == posCur - 1 && posCur <= len` (abort), or, when
 * U+FFFF comes first, returns with brks unset. Later versions use
 * 0xFFFFFFFF, which no text holds. U+FFFF is a noncharacter of line-break
 * class XX, resolved to AL (UAX #14 LB1); U+FFFE is the same class (and
 * three bytes in UTF-8 too), so it stands in with the same breaks. Found by
 * fuzz_linebreak (tests/fuzz/corpus/linebreak/libunibreak-eos-ffff). */
enum { LB_EOS_CP = 0xFFFF, LB_EOS_STANDIN = 0xFFFE };

void linebreak_unibreak_utf32(const uint32_t *text, size_t n, char *brks) {
  if (n == 0) return;
  size_t first = 0;
  while (first < n && text[first] != LB_EOS_CP) first++;
  if (first == n) {
    set_linebreaks_utf32(text, n, "zh", brks);
    return;
  }
  utf32_t *copy = memcpy(xmalloc(xmul(n, sizeof *copy)), text, n * sizeof *copy);
  for (size_t i = first; i < n; i++)
    if (copy[i] == LB_EOS_CP) copy[i] = LB_EOS_STANDIN;
  set_linebreaks_utf32(copy, n, "zh", brks);
  free(copy);
}

void linebreak_unibreak_utf8(const char *text, size_t len, char *brks) {
  if (len == 0) return;
  static const char eos[] = "\xEF\xBF\xBF"; /* U+FFFF */
  char *copy = NULL;
  for (size_t i = 0; i + 3 <= len; i++)
    if (memcmp(text + i, eos, 3) == 0) {
      if (!copy) copy = memcpy(xmalloc(len), text, len);
      copy[i + 2] = (char)0xBE; /* U+FFFE */
    }
  set_linebreaks_utf8((const utf8_t *)(copy ? copy : text), len, "zh", brks);
  free(copy);
}

bool linebreak_clreq_allows(uint32_t a, uint32_t b) {
  if (uchar_cannot_start_line(b) || uchar_cannot_end_line(a)) return false;
  if (uchar_is_inseparable(a) && uchar_is_inseparable(b)) return false;
  /* A number stays with its unit: 13.8万人, 215支, 13.8%. */
  if (is_digit(a) && (uchar_is_cjk_ideograph(b) || b == 0xFF05 || b == '%')) return false;
  return true;
}

void linebreak_find(lb_item *items, size_t n) {
  if (n == 0) return;
  uint32_t stack_text[256];
  char stack_brks[256];
  uint32_t *text = n <= 256 ? stack_text : xmalloc(xmul(n, sizeof *text));
  char *brks = n <= 256 ? stack_brks : xmalloc(n);
  for (size_t i = 0; i < n; i++) text[i] = items[i].cp;
  linebreak_unibreak_utf32(text, n, brks);
  for (size_t i = 0; i < n; i++) {
    unsigned char b = brks[i] == LINEBREAK_MUSTBREAK ? LB_MUST
                      : brks[i] == LINEBREAK_ALLOWBREAK ? LB_ALLOW : LB_NO;
    if (i + 1 < n && b == LB_ALLOW && !linebreak_clreq_allows(text[i], text[i + 1])) b = LB_NO;
    /* UAX #14 keeps ideographs from breaking before some quotes; clreq allows it. */
    if (i + 1 < n && b == LB_NO && is_cjk(text[i]) && is_cjk(text[i + 1]) && !items[i].space &&
        linebreak_clreq_allows(text[i], text[i + 1]) && text[i] != 0x3000 && text[i + 1] != 0x3000)
      b = LB_ALLOW;
    if (i + 1 == n) b = LB_MUST;
    items[i].brk = b;
  }
  if (text != stack_text) free(text);
  if (brks != stack_brks) free(brks);
}

/* Width, squeezable amount and stretch points of items [start, end). */
typedef struct {
  double width, shrink;
  int stretch_points;
} line_measure;

static line_measure measure(const lb_item *items, size_t start, size_t end) {
  line_measure m = {0, 0, 0};
  for (size_t i = start; i < end; i++) {
    m.width += items[i].adv;
    m.shrink += items[i].shrink;
    if (i > start) {
      m.width += items[i].gap;
      m.shrink += items[i].gap * 0.5;
    }
    if (i + 1 < end && (items[i].stretch || items[i].space)) m.stretch_points++;
  }
  return m;
}

static size_t trim_spaces(const lb_item *items, size_t start, size_t end) {
  while (end > start && items[end - 1].space) end--;
  return end;
}

/* Whether a line of items [start, e) (e past its last non-space item)
 * measuring m fits width: natural width less what squeezing can take off
 * when squeeze is set. */
static bool fits_measured(const lb_item *items, size_t start, size_t e, line_measure m, double width,
                          bool squeeze) {
  double last_shrink = e > start ? items[e - 1].shrink : 0, hang = e > start ? items[e - 1].hang : 0;
  /* The line's last mark may hang (or lose its blank half): that is not squeezing. */
  double reduce = squeeze ? m.shrink - last_shrink + fmax(last_shrink, hang) : hang;
  return m.width - reduce <= width + 1e-6;
}

/* The end (exclusive) of the line from start. The longest line that fits
 * without squeezing, unless squeezing punctuation lets the line take one
 * more break opportunity: "first squeeze, then push" (clreq). The line's
 * measure grows item by item, summed as measure() sums it (the same
 * doubles): measuring from start again at every opportunity made a line
 * quadratic in its length, most of a table's column search. */
static size_t fit_line(const lb_item *items, size_t n, size_t start, double width) {
  size_t best = 0;
  double ink = 0, shrink = 0; /* width of the non-space items so far, and their squeeze */
  line_measure run = {0, 0, 0}, trimmed = {0, 0, 0}; /* measure(start, i + 1); up to its last non-space item */
  size_t e = start;                                   /* past that item */
  for (size_t i = start; i < n; i++) {
    if (!items[i].space) ink += items[i].adv + (i > start ? items[i].gap : 0);
    shrink += items[i].shrink + (i > start ? items[i].gap * 0.5 : 0);
    run.width += items[i].adv;
    run.shrink += items[i].shrink;
    if (i > start) {
      run.width += items[i].gap;
      run.shrink += items[i].gap * 0.5;
    }
    if (!items[i].space) trimmed = run, e = i + 1;
    /* Every item adds more width than it can squeeze: nothing further fits. */
    if (ink - shrink - items[i].hang > width + 1e-6 && i > start) break;
    if (items[i].brk == LB_NO && i + 1 < n) continue;
    if (!fits_measured(items, start, e, trimmed, width, false)) {
      /* The first break that does not fit naturally: squeeze it in if we can. */
      if (fits_measured(items, start, e, trimmed, width, true)) return i + 1;
      break;
    }
    best = i + 1;
    if (items[i].brk == LB_MUST) return best;
  }
  if (best > start) return best;
  /* Nothing fits: break where the width runs out (an overlong word or URL). */
  double run_out = 0;
  for (size_t i = start; i < n; i++) {
    run_out += items[i].adv;
    if (run_out > width && i > start) return i;
  }
  return n;
}

/* Spreads the difference between width and the natural width over the
 * line: squeezing punctuation and gaps, or stretching at stretch points. */
/* The first item of [s, e) that justification may stretch after: items on
 * a grid keep their cells up to the line's first CJK–Latin gap or space. */
static size_t first_stretch(const lb_item *items, size_t s, size_t e) {
  size_t i = s;
  while (i < e && items[i].on_grid && items[i].gap <= 0 && !items[i].space) i++;
  return i > s && i < e && items[i].gap > 0 ? i - 1 : i;
}

/* What one stretch point after a grid line's Latin run may take, in cells,
 * before the line's space is spread over all of it (set_line). */
#define GRID_STRETCH_MAX 0.25

static int stretch_points(const lb_item *items, size_t from, size_t e) {
  int points = 0;
  for (size_t i = from; i + 1 < e; i++) points += items[i].stretch || items[i].space;
  return points;
}

static void set_line(const lb_item *items, lb_line *line, double width, bool justify, double *extra) {
  size_t s = line->start, e = line->end;
  for (size_t i = s; i < e; i++) extra[i] = i + 1 < e ? items[i + 1].gap : 0;
  line_measure m = measure(items, s, e);
  double delta = width - m.width;
  line->width = m.width;
  /* A line-end mark that hangs (clreq #h-hanging_punctuation: the plain
   * scheme keeps the grid so) or reaches past the measure with its blank
   * half takes up the overflow first; no squeezing is needed for it. */
  double hang = e > s ? items[e - 1].hang : 0;
  if (delta < -1e-6 && -delta <= hang + 1e-6) return;
  if (delta < -1e-6) delta += hang;
  if (delta < -1e-6 && m.shrink > 0) {
    double ratio = fmax(delta / m.shrink, -1.0);
    for (size_t i = s; i < e; i++) {
      extra[i] += items[i].shrink * ratio;
      if (i + 1 < e) extra[i] += items[i + 1].gap * 0.5 * ratio;
    }
    line->width = m.width + m.shrink * ratio;
  } else if (delta > 1e-6 && justify && m.stretch_points > 0) {
    size_t from = first_stretch(items, s, e);
    int points = stretch_points(items, from, e);
    double cell = items[s].adv;
    /* Expanding a line (clreq #h-line_adjustment; W3C "Approaches to
     * line justification": Chinese spreads the space evenly between the
     * characters): a line on the grid keeps its cells up to its first Latin
     * run while what is left over stays small, and a line without Latin
     * that had to push a character down stays a cell short. But once each
     * of the few stretch points after the Latin run would open by more
     * than a quarter cell, or a line without Latin would end more than a
     * cell short (an unbreakable 800多 pushed down, the line looking like a
     * paragraph's last), the space goes between all the characters of the
     * line, as WPS and Word spread it. */
    if (points == 0 ? delta > cell + 1e-6 : from > s && delta / points > cell * GRID_STRETCH_MAX) {
      from = s;
      points = stretch_points(items, from, e);
    }
    if (points == 0) return;
    double each = delta / points;
    for (size_t i = from; i + 1 < e; i++)
      if (items[i].stretch || items[i].space) extra[i] += each;
    line->width = width;
    line->justified = true;
  }
}

/* A previous break at or before limit that leaves the line from start
 * at least half full; 0 when there is none. */
static size_t earlier_break(const lb_item *items, size_t start, size_t limit, double width) {
  for (size_t b = limit; b > start + 1; b--) {
    if (items[b - 1].brk == LB_NO) continue;
    if (measure(items, start, trim_spaces(items, start, b)).width >= width * 0.5) return b;
    break;
  }
  return 0;
}

/* The items of a line that are not marks which cannot start a line
 * (，。、；：？！）” …). */
static size_t characters_of(const lb_item *items, const lb_line *line) {
  size_t k = 0;
  for (size_t i = line->start; i < line->end; i++) k += !uchar_cannot_start_line(items[i].cp);
  return k;
}

void linebreak_lines(const lb_item *items, size_t n, double first_width, double width, bool justify,
                     lb_lines *out, double *extra) {
  out->len = 0;
  size_t start = 0;
  while (start < n) {
    double w = out->len == 0 ? first_width : width;
    size_t end = fit_line(items, n, start, w);
    lb_line line = {start, trim_spaces(items, start, end), 0, false};
    VEC_PUSH(*out, line);
    start = end;
    while (start < n && items[start].space && items[start - 1].brk != LB_MUST) start++;
  }
  /* No last line of a single character, alone or with the marks after it
   * (孤字, clreq #adjustments_of_orphans_and_widows: 仅有一个字与标点): move
   * one more down if we can. */
  if (out->len >= 2) {
    lb_line *last = &out->items[out->len - 1], *prev = &out->items[out->len - 2];
    if (characters_of(items, last) == 1 && prev->end > prev->start && items[prev->end - 1].brk != LB_MUST) {
      /* (an empty previous line, end == start == 0, was read at items[-1]: fuzz_layout) */
      double w = out->len == 2 ? first_width : width;
      size_t b = earlier_break(items, prev->start, prev->end - 1, w);
      if (b && measure(items, b, last->end).width <= width) {
        prev->end = trim_spaces(items, prev->start, b);
        last->start = b;
      }
    }
  }
  for (size_t i = 0; i < out->len; i++) {
    lb_line *line = &out->items[i];
    bool last = i + 1 == out->len || items[line->end ? line->end - 1 : 0].brk == LB_MUST;
    set_line(items, line, i == 0 ? first_width : width, justify && !last, extra);
  }
}
