/* Reading a figures sheet: its bytes' encoding detected strictly (UTF-8,
 * UTF-8 with BOM or GB18030; Big5 and other look-alikes refused), the CSV
 * parsed with libcsv, headers split into name and unit, every cell checked
 * (numbers, thousands separators, years). */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "csv_rows.h"
#include "figures_query.h"
#include "sheet.h"
#include "utf8.h"
#include "util.h"

/* ---- encoding ---------------------------------------------------------- */

static char *convert_gb18030(const char *data, size_t len, size_t *out_len, size_t *bad) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == (iconv_t)-1) {
    *bad = 0;
    return NULL;
  }
  size_t cap = len * 2 + 16, left_out = cap, left_in = len;
  char *out = xmalloc(cap + 1), *op = out;
  char *ip = (char *)data;
  while (left_in > 0) {
    if (iconv(cd, &ip, &left_in, &op, &left_out) == (size_t)-1 && errno != E2BIG) {
      *bad = (size_t)(ip - data);
      iconv_close(cd);
      free(out);
      return NULL;
    }
  }
  iconv_close(cd);
  *out_len = (size_t)(op - out);
  *op = '\0';
  return out;
}

/* Big5 (and other double-byte encodings) decode as GB18030 without an
 * error, into gibberish: every Big5 pair is a valid GB18030 pair. Real
 * GB18030 Chinese is nearly all in GB2312 (hanzi rows 0xB0-0xF7, symbol
 * rows 0xA1-0xA3); Big5 text falls there for well under half its
 * characters (trail bytes 0x40-0x7E, lead bytes 0xA4-0xAF are not GB2312).
 * Text is plausible when at least four in five characters are GB2312. */
static bool gb18030_plausible(const char *data, size_t len, size_t *rare_at) {
  const unsigned char *p = (const unsigned char *)data;
  size_t total = 0, common = 0;
  *rare_at = 0;
  for (size_t i = 0; i < len;) {
    if (p[i] < 0x80) { i++; continue; }
    bool four = i + 1 < len && p[i + 1] >= 0x30 && p[i + 1] <= 0x39;
    bool gb2312 = !four && i + 1 < len && p[i + 1] >= 0xA1 && p[i + 1] <= 0xFE &&
                  ((p[i] >= 0xB0 && p[i] <= 0xF7) || (p[i] >= 0xA1 && p[i] <= 0xA3));
    if (!gb2312 && total == common) *rare_at = i;
    total++;
    common += gb2312;
    i += four ? 4 : 2;
  }
  return common * 5 >= total * 4;
}

static bool decodes_as(const char *data, size_t len, const char *encoding) {
  iconv_t cd = iconv_open("UTF-8", encoding);
  if (cd == (iconv_t)-1) return false;
  char out[4096];
  char *ip = (char *)data;
  size_t left_in = len;
  bool ok = true;
  while (left_in > 0 && ok) {
    char *op = out;
    size_t left_out = sizeof out;
    ok = iconv(cd, &ip, &left_in, &op, &left_out) != (size_t)-1 || errno == E2BIG;
  }
  iconv_close(cd);
  return ok;
}

char *figures_to_utf8(const char *data, size_t len, const char *path, size_t *out_len, diag_list *dl) {
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    long bad = utf8_invalid_offset(data + 3, len - 3);
    if (bad >= 0) {
      diag_error(dl, path, 0, 0, "has a UTF-8 byte-order mark but byte 0x%02X at offset %ld is not UTF-8; "
                 "export the sheet again as 'CSV UTF-8'", (unsigned char)data[3 + bad], 3 + bad);
      return NULL;
    }
    *out_len = len - 3;
    return xstrndup(data + 3, len - 3);
  }
  long bad = utf8_invalid_offset(data, len);
  if (bad < 0 && !memchr(data, '\0', len)) {
    *out_len = len;
    return xstrndup(data, len);
  }
  size_t gb_bad = 0;
  char *converted = memchr(data, '\0', len) ? NULL : convert_gb18030(data, len, out_len, &gb_bad);
  size_t rare_at;
  if (converted && !gb18030_plausible(data, len, &rare_at)) {
    free(converted);
    bool big5 = decodes_as(data, len, "BIG5");
    diag_error(dl, path, 0, 0, "looks like %s, not UTF-8 or GB18030: decoded as GB18030 most of its characters "
               "are rare (the first at offset %zu); export the sheet again as 'CSV UTF-8'",
               big5 ? "Big5 (traditional Chinese)" : "another encoding", rare_at);
    return NULL;
  }
  if (converted) return converted;
  size_t at = bad >= 0 ? (size_t)bad : (size_t)((const char *)memchr(data, '\0', len) - data);
  diag_error(dl, path, 0, 0, "is neither UTF-8 nor GB18030: first bad byte 0x%02X at offset %zu; "
             "export the sheet as CSV (UTF-8 or the default GB18030)", (unsigned char)data[at], at);
  return NULL;
}

/* ---- CSV --------------------------------------------------------------- */

/* One record of the CSV into f: the first that is not blank is the header,
 * the others rows of cells (missing cells empty, extra ones dropped). The
 * fields are taken over. */
static void take_record(figures *f, char **fields, int row) {
  size_t n = 0;
  bool blank = true;
  for (; fields[n]; n++) blank &= fields[n][0] == '\0';
  if (blank) { /* skip empty lines */
    for (size_t i = 0; i < n; i++) free(fields[i]);
    return;
  }
  if (!f->cols) {
    f->ncols = n;
    f->cols = xcalloc(f->ncols, sizeof *f->cols);
    for (size_t i = 0; i < f->ncols; i++) f->cols[i].header = fields[i];
  } else {
    record r = {xcalloc(f->ncols, sizeof(char *)), row, 0};
    for (size_t i = 0; i < n; i++) {
      if (i < f->ncols) r.cells[i] = fields[i];
      else free(fields[i]);
    }
    for (size_t i = 0; i < f->ncols; i++)
      if (!r.cells[i]) r.cells[i] = xstrdup("");
    if (f->nrows == f->cap_rows) {
      f->cap_rows = f->cap_rows ? xmul(f->cap_rows, 2) : 16;
      f->rows = xrealloc(f->rows, xmul(f->cap_rows, sizeof *f->rows));
    }
    f->rows[f->nrows++] = r;
  }
}


/* "贫困发生率(%)" or "贫困人口（万人）" → name and unit. */
static void split_header(column *c) {
  figures_trim(c->header);
  const char *h = c->header;
  size_t n = strlen(h);
  const char *open = NULL;
  size_t close_len = 0;
  if (n > 0 && h[n - 1] == ')') close_len = 1;
  else if (n >= 3 && !strcmp(h + n - 3, "）")) close_len = 3;
  if (close_len) {
    for (const char *p = h + n - close_len; p > h; p--) {
      if (p[-1] == '(') { open = p - 1; break; }
      if (p - h >= 3 && !strncmp(p - 3, "（", 3)) { open = p - 3; break; }
    }
  }
  if (open && open > h) {
    size_t open_len = *open == '(' ? 1 : 3;
    c->name = xstrndup(h, (size_t)(open - h));
    c->unit = xstrndup(open + open_len, (size_t)(h + n - close_len - open - open_len));
    figures_trim(c->name);
  } else {
    c->name = xstrdup(h);
    c->unit = xstrdup("");
  }
}


void figures_trim(char *s) {
  size_t n = strlen(s), start = 0;
  while (start < n && (s[start] == ' ' || s[start] == '\t' || s[start] == '\r')) start++;
  while (n > start && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
  memmove(s, s + start, n - start);
  s[n - start] = '\0';
}

/* Thousands separators only where they group three digits: 1,234,567.5;
 * "13,8" (a decimal comma) or "1,23" is not a number. */
static bool separators_ok(const char *s) {
  const char *p = s + (*s == '-' || *s == '+');
  const char *comma = strchr(p, ','), *dot = strchr(p, '.');
  if (!comma) return true;
  if (dot && comma > dot) return false;
  size_t lead = strspn(p, "0123456789");
  if (lead < 1 || lead > 3 || p[lead] != ',') return false;
  for (p += lead; *p == ','; p += 4)
    if (strspn(p + 1, "0123456789") < 3 || (p[4] >= '0' && p[4] <= '9')) return false;
  return *p == '\0' || *p == '.';
}

/* A number once thousands separators are removed: "1,234.5", "-3", "13.8". */
bool figures_number(const char *s, double *v) {
  char buf[128];
  size_t k = 0;
  if (!separators_ok(s)) return false;
  for (const char *p = s; *p && k + 1 < sizeof buf; p++)
    if (*p != ',') buf[k++] = *p;
  buf[k] = '\0';
  if (!k) return false;
  char *end;
  errno = 0;
  *v = strtod(buf, &end);
  return *end == '\0' && errno == 0 && isfinite(*v) && (buf[0] == '-' || buf[0] == '+' || buf[0] == '.' || (buf[0] >= '0' && buf[0] <= '9'));
}

/* Digits, signs, a point and commas only: a cell meant as a number. */
static bool looks_numeric(const char *s) {
  return *s && strspn(s, "0123456789,.+-") == strlen(s) && strpbrk(s, "0123456789");
}


/* An error at a cell: FILE.csv:ROW:COL, or FILE.xlsx:Sheet1!C7 for a sheet. */
static void cell_error(const figures *f, diag_list *dl, int row, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void cell_error(const figures *f, diag_list *dl, int row, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = xvasprintf(fmt, ap);
  va_end(ap);
  if (f->sheet) {
    char *at = sheet_location(f->path, f->sheet, row - 1, f->first_col + col - 1);
    diag_error(dl, at, 0, 0, "%s", msg);
    free(at);
  } else {
    diag_error(dl, f->path, row, col, "%s", msg);
  }
  free(msg);
}

static int check_duplicates(figures *f, diag_list *dl);

/* The columns' kinds, every cell of a number column a number, the years, and
 * no county-year row given twice: for a CSV and a workbook alike. */
int figures_check_columns(figures *f, diag_list *dl) {
  int rc = 0;
  f->year_col = -1;
  for (size_t c = 0; c < f->ncols; c++) {
    split_header(&f->cols[c]);
    if (c > 0 && (!strcmp(f->cols[c].name, "年份") || !strcmp(f->cols[c].name, "year"))) f->year_col = (int)c;
  }
  for (size_t c = 1; c < f->ncols; c++) {
    size_t numbers = 0, texts = 0;
    double v;
    for (size_t r = 0; r < f->nrows; r++) {
      figures_trim(f->rows[r].cells[c]);
      const char *cell = f->rows[r].cells[c];
      if (!*cell) continue;
      if (figures_number(cell, &v)) numbers++;
      else texts++;
    }
    f->cols[c].text = numbers == 0 && texts > 0;
    for (size_t r = 0; r < f->nrows; r++) {
      const char *cell = f->rows[r].cells[c];
      if (*cell && strchr(cell, ',') && looks_numeric(cell) && !figures_number(cell, &v)) {
        cell_error(f, dl, f->rows[r].row, (int)c + 1,
                   "'%s' in column '%s': a thousands separator must group three digits (1,234,567) and a decimal "
                   "comma is not read; write %s with a point, or without separators", cell, f->cols[c].header,
                   strchr(cell, '.') ? "the number" : "e.g. 13.8");
        rc = -1;
      }
    }
    if (f->cols[c].text || texts == 0) continue;
    for (size_t r = 0; r < f->nrows; r++) {
      const char *cell = f->rows[r].cells[c];
      if (*cell && !(strchr(cell, ',') && looks_numeric(cell)) && !figures_number(cell, &v)) {
        cell_error(f, dl, f->rows[r].row, (int)c + 1,
                   "'%s' in column '%s' is not a number; write a number (1,234.5) or leave the cell empty for no data",
                   cell, f->cols[c].header);
        rc = -1;
      }
    }
  }
  for (size_t r = 0; r < f->nrows; r++) {
    figures_trim(f->rows[r].cells[0]);
    if (f->year_col >= 0) {
      double y;
      if (!figures_number(f->rows[r].cells[f->year_col], &y) || y != floor(y) || y < 1000 || y > 9999) {
        cell_error(f, dl, f->rows[r].row, f->year_col + 1, "the year '%s' is not a year like 2016",
                   f->rows[r].cells[f->year_col]);
        rc = -1;
      } else {
        f->rows[r].year = (int)y;
      }
    }
  }
  if (rc == 0) rc = check_duplicates(f, dl);
  return rc;
}

static int by_county_year(const void *a, const void *b) {
  const record *x = *(const record *const *)a, *y = *(const record *const *)b;
  int c = strcmp(x->cells[0], y->cells[0]);
  if (c) return c;
  if (x->year != y->year) return x->year < y->year ? -1 : 1;
  return (x->row > y->row) - (x->row < y->row);
}

/* The first column after the county where two rows differ (the year
 * aside: 2016 and 2016.0 are one year), or -1. */
static int first_difference(const figures *f, const record *a, const record *b) {
  for (size_t c = 1; c < f->ncols; c++)
    if ((int)c != f->year_col && strcmp(a->cells[c], b->cells[c]) != 0) return (int)c;
  return -1;
}

/* A county (and year) given twice: with different figures an error naming
 * both lines (which one is meant cannot be known: the text would take one,
 * the table show both); the same figures again a warning, the repeat
 * dropped. Sorted, so n log n. */
static int check_duplicates(figures *f, diag_list *dl) {
  const record **order = xcalloc(f->nrows + 1, sizeof *order);
  bool *drop = xcalloc(f->nrows + 1, sizeof *drop);
  for (size_t r = 0; r < f->nrows; r++) order[r] = &f->rows[r];
  qsort(order, f->nrows, sizeof *order, by_county_year);
  int rc = 0;
  char year[32] = "";
  for (size_t k = 1; k < f->nrows; k++) {
    const record *first = order[k - 1], *again = order[k];
    if (!*again->cells[0] || strcmp(first->cells[0], again->cells[0]) != 0 || first->year != again->year) continue;
    if (f->year_col >= 0) snprintf(year, sizeof year, " %d", again->year);
    int c = first_difference(f, first, again);
    if (c >= 0) {
      cell_error(f, dl, again->row, c + 1, "a second row for %s%s, different from line %d ('%s' there, '%s' "
                 "here in column '%s'); keep the right one and delete the other", again->cells[0], year, first->row,
                 first->cells[c], again->cells[c], f->cols[c].header);
      rc = -1;
    } else {
      diag_warning(dl, f->path, again->row, 1, "a second row for %s%s, the same as line %d: it is ignored; delete it",
                   again->cells[0], year, first->row);
      drop[again - f->rows] = true;
    }
    order[k] = first; /* a third row is compared with the first */
  }
  size_t kept = 0;
  for (size_t r = 0; r < f->nrows; r++) {
    if (!drop[r]) {
      f->rows[kept++] = f->rows[r];
      continue;
    }
    for (size_t c = 0; c < f->ncols; c++) free(f->rows[r].cells[c]);
    free(f->rows[r].cells);
  }
  f->nrows = kept;
  free(order);
  free(drop);
  return rc;
}

figures *figures_parse(const char *data, size_t len, const char *path, diag_list *dl) {
  size_t ulen;
  char *text = figures_to_utf8(data, len, path, &ulen, dl);
  if (!text) return NULL;
  figures *f = xcalloc(1, sizeof *f);
  f->path = xstrdup(path);
  csv_rows rows = {{0}};
  int rc = csv_rows_read(text, ulen, path, &rows, dl);
  for (size_t r = 0; r < rows.records.len; r++) {
    take_record(f, rows.records.items[r], rows.numbers.items[r]);
    free(rows.records.items[r]);
    rows.records.items[r] = NULL;
  }
  csv_rows_free(&rows);
  free(text);
  if (rc == 0 && (!f->cols || f->ncols < 2)) {
    diag_error(dl, path, 1, 1, "needs a header row: the county column, then one column per indicator");
    rc = -1;
  }
  if (rc == 0) rc = figures_check_columns(f, dl);
  if (rc != 0) {
    figures_free(f);
    return NULL;
  }
  return f;
}

void figures_free(figures *f) {
  if (!f) return;
  for (size_t c = 0; c < f->ncols; c++) {
    free(f->cols[c].header);
    free(f->cols[c].name);
    free(f->cols[c].unit);
  }
  for (size_t r = 0; r < f->nrows; r++) {
    for (size_t c = 0; c < f->ncols; c++) free(f->rows[r].cells[c]);
    free(f->rows[r].cells);
  }
  free(f->cols);
  free(f->rows);
  free(f->path);
  free(f->sheet);
  free(f);
}

