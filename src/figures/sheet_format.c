/* Numbers as Excel shows them under their number format (ECMA-376 Part 1,
 * §18.8.31 numFmts): the section for the sign, literal text, digit
 * placeholders with thousands separators and decimals, percent, and dates
 * (printed as 2016年11月14日, how the offices' documents write a date). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sheet.h"
#include "util.h"

char *sheet_cell_name(int row, int col, char buf[16]) {
  char letters[8];
  int n = 0;
  for (int c = col + 1; c > 0 && n < 7; c = (c - 1) / 26) letters[n++] = (char)('A' + (c - 1) % 26);
  int k = 0;
  while (n > 0) buf[k++] = letters[--n];
  snprintf(buf + k, (size_t)(16 - k), "%d", row + 1);
  return buf;
}

char *sheet_location(const char *path, const char *sheet, int row, int col) {
  char cell[16];
  return xasprintf("%s:%s!%s", path, sheet ? sheet : "", sheet_cell_name(row, col, cell));
}

const char *sheet_builtin_format(int id) {
  switch (id) {
    case 1: return "0";
    case 2: return "0.00";
    case 3: return "#,##0";
    case 4: return "#,##0.00";
    case 9: return "0%";
    case 10: return "0.00%";
    case 37: case 38: return "#,##0";
    case 39: case 40: return "#,##0.00";
    default:
      if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58))
        return "yyyy-mm-dd";
      return NULL;
  }
}

/* Excel's serial day number as a civil date (1900 system: day 1 is
 * 1900-01-01, with Lotus's phantom 1900-02-29; 1904 system: day 0 is 1904-01-01). */
static bool serial_date(double v, bool date1904, int *y, int *m, int *d) {
  if (!isfinite(v) || v < 0 || v > 2958465) return false; /* 9999-12-31 */
  long days = (long)floor(v);
  if (date1904) days += 1462;
  else if (days < 60) days += 1; /* before the phantom day */
  /* days since 1899-12-30 → civil (Howard Hinnant's days_from_civil inverse) */
  long z = days - 25569 + 719468; /* 1970-01-01 is serial 25569 */
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
  return true;
}

/* The section of a format for v: positive;negative;zero;text. */
static char *section_for(const char *code, double v, bool *negative_section) {
  const char *sections[4] = {code, NULL, NULL, NULL};
  int n = 1;
  bool quoted = false;
  for (const char *p = code; *p && n < 4; p++) {
    if (*p == '\\' && p[1]) p++;
    else if (*p == '"') quoted = !quoted;
    else if (*p == ';' && !quoted) sections[n++] = p + 1;
  }
  int pick = v < 0 && n >= 2 ? 1 : v == 0 && n >= 3 ? 2 : 0;
  *negative_section = pick == 1;
  const char *start = sections[pick];
  const char *end = pick + 1 < n ? sections[pick + 1] - 1 : start + strlen(start);
  return xstrndup(start, (size_t)(end - start));
}

/* y, m, d, h or s outside quotes and brackets: a date or time format. */
static bool is_date_format(const char *s) {
  bool quoted = false;
  for (const char *p = s; *p; p++) {
    if (*p == '\\' && p[1]) { p++; continue; }
    if (*p == '"') { quoted = !quoted; continue; }
    if (quoted) continue;
    if (*p == '[') { /* [Red], [$-804], [h] */
      const char *close = strchr(p, ']');
      if (!close) break;
      if (close - p == 2 && strchr("hms", p[1] | 0x20)) return true;
      p = close;
      continue;
    }
    if (strchr("ymdhsYMDHS", *p)) return true;
  }
  return false;
}

static char *general(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.15g", v);
  if (strchr(buf, 'e')) snprintf(buf, sizeof buf, "%.5E", v);
  return xstrdup(strcmp(buf, "-0") ? buf : "0");
}

static void group_thousands(strbuf *out, const char *digits) {
  size_t n = strlen(digits);
  for (size_t i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0) sb_putc(out, ',');
    sb_putc(out, digits[i]);
  }
}

char *sheet_format_number(double v, const char *code, bool date1904) {
  if (!code || !*code || !strcasecmp(code, "General") || !strcmp(code, "@")) return general(v);
  bool negative_section;
  char *sec = section_for(code, v, &negative_section);
  if (is_date_format(sec)) {
    free(sec);
    int y, m, d;
    if (!serial_date(v, date1904, &y, &m, &d)) return general(v);
    return xasprintf("%d年%d月%d日", y, m, d);
  }
  /* The digits part: from the first placeholder to the last; literals around it. */
  strbuf prefix = {0}, suffix = {0};
  int decimals = 0;
  bool thousands = false, percent = false, seen_digit = false, after_point = false, any_placeholder = false;
  bool quoted = false;
  for (const char *p = sec; *p; p++) {
    strbuf *lit = seen_digit ? &suffix : &prefix;
    if (quoted) {
      if (*p == '"') quoted = false;
      else sb_putc(lit, *p);
      continue;
    }
    switch (*p) {
      case '"': quoted = true; break;
      case '\\': if (p[1]) sb_putc(lit, *++p); break;
      case '_': case '*': if (p[1]) p++; break; /* padding and fill */
      case '[': { const char *close = strchr(p, ']'); if (close) p = close; else p += strlen(p) - 1; break; }
      case '0': case '#': case '?':
        if (suffix.len && seen_digit) { /* digits after literal text: keep it literal */ }
        seen_digit = any_placeholder = true;
        if (after_point) decimals++;
        break;
      case '.': if (seen_digit || p[1] == '0' || p[1] == '#') after_point = seen_digit = true; else sb_putc(lit, *p); break;
      case ',': if (seen_digit && !after_point) thousands = true; break;
      case '%': percent = true; sb_putc(lit, '%'); break;
      default: sb_putc(lit, *p); break;
    }
  }
  free(sec);
  if (!any_placeholder) { /* a section of text alone ("-" for zero) prints that text */
    sb_free(&suffix);
    if (prefix.len) return sb_take(&prefix);
    sb_free(&prefix);
    return general(v);
  }
  double x = fabs(v) * (percent ? 100 : 1);
  if (decimals > 15) decimals = 15;
  char buf[400];
  if (x >= 1e300) snprintf(buf, sizeof buf, "%.0f", 1e300);
  else snprintf(buf, sizeof buf, "%.*f", decimals, x);
  char *point = strchr(buf, '.');
  if (point) *point = '\0';
  strbuf out = {0};
  bool zero = strspn(buf, "0") == strlen(buf) && (!point || strspn(point + 1, "0") == strlen(point + 1));
  if (v < 0 && !negative_section && !zero) sb_putc(&out, '-');
  sb_append(&out, prefix.data ? prefix.data : "", prefix.len);
  if (thousands) group_thousands(&out, buf);
  else sb_puts(&out, buf);
  if (point) {
    sb_putc(&out, '.');
    sb_puts(&out, point + 1);
  }
  sb_append(&out, suffix.data ? suffix.data : "", suffix.len);
  sb_free(&prefix);
  sb_free(&suffix);
  sb_puts(&out, "");
  return sb_take(&out);
}

void sheet_grid_free(sheet_grid *g) {
  if (!g) return;
  if (g->cells)
    for (size_t i = 0; i < g->nrows * g->ncols; i++) free(g->cells[i]);
  free(g->cells);
  free(g->merges);
  free(g->path);
  free(g->name);
  memset(g, 0, sizeof *g);
}
