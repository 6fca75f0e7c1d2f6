#include "nobreak.h"

#include "utf8.h"

static bool is_fw_digit(uint32_t cp) { return cp >= 0xFF10 && cp <= 0xFF19; }
static bool digit_at(const lb_item *items, size_t n, size_t i) {
  return i < n && (is_digit(items[i].cp) || is_fw_digit(items[i].cp));
}
static bool is_sign(uint32_t cp) {
  return cp == '+' || cp == '-' || cp == 0xFF0B || cp == 0xFF0D || cp == 0x2212 || cp == 0xB1;
}
/* Between digits: thousands separators, decimal points, date and time separators. */
static bool is_number_sep(uint32_t cp) {
  return cp == ',' || cp == '.' || cp == 0xFF0C || cp == 0xFF0E || cp == ':' || cp == '/' || cp == '-' ||
         cp == 0xFF0F || cp == 0xFF1A;
}
static bool is_percent(uint32_t cp) {
  return cp == '%' || cp == 0xFF05 || cp == 0x2030 || cp == 0x2031 || cp == 0x2103;
}
static bool is_multiplier(uint32_t cp) {
  return cp == 0x4E07 || cp == 0x4EBF || cp == 0x5343 || cp == 0x767E; /* 万 亿 千 百 */
}
/* 年 月 日 */
static bool is_date_unit(uint32_t cp) { return cp == 0x5E74 || cp == 0x6708 || cp == 0x65E5; }

/* The end (exclusive) of the number or date that starts at i, or i.
 * UAX #14 LB25 keeps digits with their separators; tailored here (UAX #14
 * section 8.2, example 7) so the sign, %, 万/亿 and a date's 年月日 go with
 * them: JLREQ 3.1.10 "unbreakable character sequences" lists numbers and
 * their units, and clreq keeps a number with its unit. */
static size_t number_end(const lb_item *items, size_t n, size_t i) {
  size_t j = i;
  if (j < n && is_sign(items[j].cp) && digit_at(items, n, j + 1) &&
      (j == 0 || !is_ascii_alnum(items[j - 1].cp)))
    j++;
  if (!digit_at(items, n, j)) return i;
  for (;;) {
    while (digit_at(items, n, j)) j++;
    if (j + 1 < n && is_number_sep(items[j].cp) && digit_at(items, n, j + 1)) {
      j++;
      continue;
    }
    /* 2020年7月31日: a date runs on past 年 and 月. */
    if (j < n && is_date_unit(items[j].cp)) {
      j++;
      if (digit_at(items, n, j)) continue;
      return j;
    }
    break;
  }
  if (j < n && is_percent(items[j].cp)) return j + 1;
  if (j < n && is_multiplier(items[j].cp)) return j + 1;
  return j;
}

static void keep_together(lb_item *items, size_t from, size_t to) {
  for (size_t k = from; k + 1 < to; k++)
    if (items[k].brk == LB_ALLOW) items[k].brk = LB_NO;
}

/* Last-resort opportunities inside a long Latin word or URL [s, e): after
 * / (not inside //) - _ ? & =, and before a dot (Chicago Manual 6.76). */
static void open_long_word(lb_item *items, size_t s, size_t e, double long_word) {
  double w = 0;
  for (size_t k = s; k < e; k++) w += items[k].adv;
  if (w <= long_word) return;
  for (size_t k = s; k + 1 < e; k++) {
    uint32_t a = items[k].cp, b = items[k + 1].cp;
    bool after = (a == '/' && b != '/') || a == '-' || a == '_' || a == '?' || a == '&' || a == '=';
    if ((after || b == '.') && items[k].brk == LB_NO) items[k].brk = LB_ALLOW;
  }
}

void linebreak_keep_units(lb_item *items, size_t n, double long_word) {
  for (size_t s = 0; s < n;) {
    if (items[s].space || is_wide(items[s].cp)) {
      s++;
      continue;
    }
    size_t e = s;
    while (e < n && !items[e].space && !is_wide(items[e].cp)) e++;
    open_long_word(items, s, e, long_word);
    s = e;
  }
  for (size_t i = 0; i < n;) {
    size_t e = number_end(items, n, i);
    if (e > i + 1) keep_together(items, i, e);
    /* Not inside a word: c117092 is a name, not a number to start at 1. */
    if (e == i)
      while (e < n && is_ascii_alnum(items[e].cp)) e++;
    i = e > i ? e : i + 1;
  }
  size_t chars = 0;
  for (size_t i = 0; i < n; i++) chars += !items[i].space;
  if (chars <= 4) keep_together(items, 0, n);
}

static bool is_opening_bracket(uint32_t cp) {
  return cp == '(' || cp == '[' || cp == 0xFF08 || cp == 0x3010 || cp == 0x3014 || cp == 0xFF3B;
}

void linebreak_label_breaks(lb_item *items, size_t n) {
  size_t run = 0; /* start of the current run of ideographs */
  for (size_t k = 0; k + 1 < n; k++) {
    if (!uchar_is_cjk_ideograph(items[k].cp)) run = k + 1;
    if (items[k].brk != LB_ALLOW) continue;
    uint32_t a = items[k].cp, b = items[k + 1].cp;
    bool ok = is_opening_bracket(b) || a == '/' || a == 0xFF0F || items[k].space || items[k + 1].space ||
              (uchar_is_cjk_ideograph(a) != uchar_is_cjk_ideograph(b) && (is_ascii_alnum(a) || is_ascii_alnum(b)));
    if (!ok && uchar_is_cjk_ideograph(a) && uchar_is_cjk_ideograph(b)) {
      size_t end = k + 1;
      while (end < n && uchar_is_cjk_ideograph(items[end].cp)) end++;
      size_t before = k + 1 - run, after = end - (k + 1);
      ok = end - run >= 4 && before % 2 == 0 && after >= 2;
    }
    if (!ok) items[k].brk = LB_NO;
    /* Before the unit's bracket the line breaker would squeeze the line by
     * the bracket's left blank, which the break puts on the next line:
     * the name would stick out of its cell. */
    else if (is_opening_bracket(b) && !uchar_is_closing_punct(a)) items[k].shrink = 0;
  }
}
