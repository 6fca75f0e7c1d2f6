#include "cndate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

/* The characters of text without spaces, full-width digits as ASCII
 * (GB/T 9704-2012 7.3.5 prints dates in Arabic numerals; offices type
 * them in either width). At most cap code points; -1 when longer. */
static int code_points(const char *text, uint32_t *out, int cap) {
  int n = 0;
  size_t len = strlen(text);
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t k = utf8_decode(text + i, len - i, &cp);
    if (k == 0) return -1;
    i += k;
    if (cp == ' ' || cp == '\t' || cp == 0x3000) continue;
    if (cp >= 0xFF10 && cp <= 0xFF19) cp = cp - 0xFF10 + '0';
    if (n == cap) return -1;
    out[n++] = cp;
  }
  return n;
}

/* A Chinese numeral digit 〇 (also ○ 零, as typed) to 九, else -1. */
static int chinese_digit(uint32_t cp) {
  static const uint32_t digits[] = {0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
                                    0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D};
  if (cp == 0x25CB || cp == 0x96F6 || cp == 'O') return 0; /* ○ 零 */
  for (int d = 0; d < 10; d++)
    if (digits[d] == cp) return d;
  return -1;
}

/* An Arabic number of 1..max_digits digits at s[*i], or -1. */
static int arabic_number(const uint32_t *s, int n, int *i, int max_digits) {
  int v = 0, k = 0;
  while (*i < n && is_digit(s[*i]) && k < max_digits + 1) v = v * 10 + (int)(s[(*i)++] - '0'), k++;
  return k >= 1 && k <= max_digits ? v : -1;
}

/* A month or day in Chinese numerals: 一…九, 十, 十一…十九, 二十…三十一 (十 = 十). */
static int chinese_number(const uint32_t *s, int n, int *i) {
  const uint32_t ten = 0x5341;
  int tens = 0, ones = 0, start = *i;
  if (*i < n && chinese_digit(s[*i]) > 0 && *i + 1 < n && s[*i + 1] == ten) tens = chinese_digit(s[*i]), *i += 2;
  else if (*i < n && s[*i] == ten) tens = 1, (*i)++;
  if (*i < n && chinese_digit(s[*i]) > 0) ones = chinese_digit(s[(*i)++]);
  return *i > start ? tens * 10 + ones : -1;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static bool valid_day(int y, int m, int d, const char **why) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1000 || y > 9999) return *why = "the year must have four digits", false;
  if (m < 1 || m > 12) return *why = "there is no such month", false;
  int last = days[m - 1] + (m == 2 && leap(y));
  if (d < 1 || d > last) return *why = "the month has no such day", false;
  return true;
}

#define YEAR_CP 0x5E74  /* 年 */
#define MONTH_CP 0x6708 /* 月 */
#define DAY_CP 0x65E5   /* 日 */

/* 二〇一六年十一月十四日: the year digit by digit, month and day counted. */
static bool chinese_numeral_date(const uint32_t *s, int n, int *y, int *m, int *d) {
  int i = 0;
  *y = 0;
  for (; i < 4; i++) {
    if (i >= n || chinese_digit(s[i]) < 0) return false;
    *y = *y * 10 + chinese_digit(s[i]);
  }
  if (i >= n || s[i++] != YEAR_CP) return false;
  if ((*m = chinese_number(s, n, &i)) < 0 || i >= n || s[i++] != MONTH_CP) return false;
  if ((*d = chinese_number(s, n, &i)) < 0) return false;
  if (i < n && s[i] == DAY_CP) i++;
  return i == n;
}

/* 2016-11-14, 2016.11.14, 2016/11/14 (one separator throughout) or 2016年11月14日. */
static bool arabic_date(const uint32_t *s, int n, int *y, int *m, int *d) {
  int i = 0;
  if ((*y = arabic_number(s, n, &i, 4)) < 0 || i != 4 || i >= n) return false;
  uint32_t sep = s[i++];
  uint32_t sep2 = sep == YEAR_CP ? MONTH_CP : sep;
  if (sep != '-' && sep != '.' && sep != '/' && sep != YEAR_CP) return false;
  if ((*m = arabic_number(s, n, &i, 2)) < 0 || i >= n || s[i++] != sep2) return false;
  if ((*d = arabic_number(s, n, &i, 2)) < 0) return false;
  if (sep == YEAR_CP && i < n && s[i] == DAY_CP) i++;
  return i == n;
}

bool cndate_parse(const char *text, char iso[11], const char **why) {
  uint32_t s[32];
  int n = code_points(text, s, 32), y, m, d;
  *why = "not a date in a form brief knows";
  if (n <= 0) return false;
  if (!arabic_date(s, n, &y, &m, &d) && !chinese_numeral_date(s, n, &y, &m, &d)) {
    if (n >= 8 && is_digit(s[n - 1]) && is_digit(s[n - 4]) && !is_digit(s[n - 5]))
      *why = "a year written last leaves the order of month and day unknown";
    return false;
  }
  if (!valid_day(y, m, d, why)) return false;
  snprintf(iso, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100); /* checked above */
  return true;
}

char *cndate_issue_parse(const char *text, bool *number) {
  while (*text == ' ' || *text == '\t') text++;
  size_t len = strlen(text);
  while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t')) len--;
  char *s = xstrndup(text, len);
  uint32_t cps[16];
  int n = code_points(s, cps, 16);
  bool digits = n >= 1 && n <= 7 && cps[0] != '0';
  for (int i = 0; digits && i < n; i++) digits = is_digit(cps[i]);
  *number = digits;
  if (digits) {
    for (int i = 0; i < n; i++) s[i] = (char)cps[i];
    s[n] = '\0';
    return s;
  }
  if (len > 0 && (strstr(s, "期") || strstr(s, "刊"))) return s;
  free(s);
  return NULL;
}

char *cndate_print(const char *iso) {
  if (!iso) return NULL;
  bool is_iso = strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-' && strspn(iso, "0123456789") == 4;
  if (!is_iso) return xstrdup(iso);
  return xasprintf("%.4s年%d月%d日", iso, atoi(iso + 5), atoi(iso + 8));
}

/* ---- numerals ---------------------------------------------------------- */

static const char *cn_digits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

size_t cndate_number_len(const char *s) {
  size_t n = 0;
  for (;;) {
    bool found = false;
    for (size_t i = 1; i <= 10; i++)
      if (strncmp(s + n, cn_digits[i], 3) == 0) {
        n += 3;
        found = true;
        break;
      }
    if (!found) return n;
  }
}

void cndate_number_print(int n, strbuf *sb) {
  if (n <= 10) sb_puts(sb, cn_digits[n]);
  else if (n < 20) sb_printf(sb, "十%s", n % 10 ? cn_digits[n % 10] : "");
  else sb_printf(sb, "%s十%s", cn_digits[n / 10 % 10], n % 10 ? cn_digits[n % 10] : "");
}
