#include "utf8.h"

#include <hb.h>
#include <string.h>

size_t utf8_decode(const char *str, size_t n, uint32_t *cp) {
  const unsigned char *s = (const unsigned char *)str;
  if (n == 0) return 0;
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  size_t len;
  uint32_t c, min;
  if ((s[0] & 0xE0) == 0xC0) {
    len = 2, c = s[0] & 0x1F, min = 0x80;
  } else if ((s[0] & 0xF0) == 0xE0) {
    len = 3, c = s[0] & 0x0F, min = 0x800;
  } else if ((s[0] & 0xF8) == 0xF0) {
    len = 4, c = s[0] & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    c = (c << 6) | (s[i] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  *cp = c;
  return len;
}

size_t utf8_encode(uint32_t cp, char *out) {
  unsigned char *o = (unsigned char *)out;
  if (cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | (cp >> 18));
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

long utf8_invalid_offset(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    size_t len = utf8_decode(s + i, n - i, &cp);
    if (len == 0) return (long)i;
    i += len;
  }
  return -1;
}

size_t utf8_length(const char *s) {
  size_t count = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) count++;
  return count;
}

bool uchar_is_cjk_ideograph(uint32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF) ||
         (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
         (cp >= 0x3005 && cp <= 0x3007);
}

bool uchar_is_cjk_punct(uint32_t cp) {
  if (cp >= 0x3000 && cp <= 0x303F) return cp < 0x3005 || cp > 0x3007;
  if (cp >= 0xFF01 && cp <= 0xFF60) return !is_ascii_alnum(cp - 0xFEE0);
  if (cp >= 0xFE10 && cp <= 0xFE1F) return true; /* vertical forms */
  if (cp >= 0xFE30 && cp <= 0xFE4F) return true; /* CJK compatibility forms */
  switch (cp) {
    case 0x2018: case 0x2019: case 0x201C: case 0x201D: /* ‘ ’ “ ” */
    case 0x2014: case 0x2026: case 0x2E3A: case 0x00B7: /* — … ⸺ · */
    case 0xFFE5: /* ￥ */
      return true;
    default:
      return false;
  }
}

bool uchar_is_space(uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

/* cmark-gfm 0.29 counts ASCII punctuation and the general categories P*
 * (not the symbols S* that CommonMark 0.31 added: ¥ ￥ ＋ are letters to it).
 * The emphasis pass must see runs as cmark-gfm saw them, so it asks the
 * same question of HarfBuzz's Unicode data. */
bool uchar_is_punct(uint32_t cp) {
  if (cp < 0x80) return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) ||
                        (cp >= 0x5B && cp <= 0x60) || (cp >= 0x7B && cp <= 0x7E);
  switch (hb_unicode_general_category(hb_unicode_funcs_get_default(), cp)) {
    case HB_UNICODE_GENERAL_CATEGORY_CONNECT_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_DASH_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_OPEN_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_CLOSE_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_INITIAL_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_FINAL_PUNCTUATION:
    case HB_UNICODE_GENERAL_CATEGORY_OTHER_PUNCTUATION:
      return true;
    default:
      return false;
  }
}

bool uchar_cannot_start_line(uint32_t cp) {
  static const uint32_t set[] = {
      0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF09, 0x3011, 0x300B, 0x3009,
      0x300D, 0x300F, 0x3015, 0x201D, 0x2019, 0xFF05, 0x2030, 0x2026, 0x2014, 0x2E3A, 0x00B7,
      0x30FB, 0xFF5E, 0x3005, 0x309D, 0x30FC, 0xFF0E, 0x3017, 0x3019, 0xFE50, 0xFE52,
      ',', '.', ';', ':', '?', '!', ')', ']', '}', '%'};
  for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
    if (set[i] == cp) return true;
  return false;
}

bool uchar_cannot_end_line(uint32_t cp) {
  static const uint32_t set[] = {0xFF08, 0x3010, 0x300A, 0x3008, 0x300C, 0x300E, 0x3014,
                                 0x201C, 0x2018, 0x3016, 0x3018, '(', '[', '{'};
  for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
    if (set[i] == cp) return true;
  return false;
}

bool uchar_is_closing_punct(uint32_t cp) {
  switch (cp) {
    case 0xFF0C: case 0x3002: case 0x3001: case 0xFF1B: case 0xFF1A: /* ，。、；： */
    case 0xFF09: case 0x3011: case 0x300B: case 0x3009: case 0x300D: /* ）】》〉」 */
    case 0x300F: case 0x3015: case 0x201D: case 0x2019: case 0x3017: /* 』〕”’〗 */
      return true;
    default:
      return false;
  }
}

bool uchar_is_opening_punct(uint32_t cp) {
  switch (cp) {
    case 0xFF08: case 0x3010: case 0x300A: case 0x3008: case 0x300C: /* （【《〈「 */
    case 0x300E: case 0x3014: case 0x201C: case 0x2018: case 0x3016: /* 『〔“‘〖 */
      return true;
    default:
      return false;
  }
}

bool uchar_is_inseparable(uint32_t cp) { return cp == 0x2014 || cp == 0x2026 || cp == 0x2E3A; }
