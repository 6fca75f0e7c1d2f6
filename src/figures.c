#include "figures.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "utf8.h"
#include "util.h"
#include "yamlutil.h"

typedef struct {
  char *header, *name, *unit;
  bool text; /* a text column: never a number */
} column;

typedef struct {
  char **cells; /* ncols */
  int row;      /* 1-based record number in the file (the header is row 1) */
  int year;     /* 0 without a year column */
} record;

struct figures {
  char *path;
  column *cols;
  size_t ncols;
  record *rows;
  size_t nrows, cap_rows;
  int year_col; /* -1 if none */
};

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

typedef struct {
  figures *f;
  VEC(char *) fields;
  int record;
} csv_state;

static void on_field(void *s, size_t len, void *data) {
  csv_state *st = data;
  VEC_PUSH(st->fields, xstrndup(s ? s : "", len));
}

static void on_row(int c, void *data) {
  (void)c;
  csv_state *st = data;
  st->record++;
  figures *f = st->f;
  bool blank = true;
  for (size_t i = 0; i < st->fields.len; i++) blank &= st->fields.items[i][0] == '\0';
  if (blank) { /* skip empty lines */
    for (size_t i = 0; i < st->fields.len; i++) free(st->fields.items[i]);
    st->fields.len = 0;
    return;
  }
  if (!f->cols) {
    f->ncols = st->fields.len;
    f->cols = xcalloc(f->ncols, sizeof *f->cols);
    for (size_t i = 0; i < f->ncols; i++) f->cols[i].header = st->fields.items[i];
  } else {
    record r = {xcalloc(f->ncols, sizeof(char *)), st->record, 0};
    for (size_t i = 0; i < st->fields.len; i++) {
      if (i < f->ncols) r.cells[i] = st->fields.items[i];
      else free(st->fields.items[i]);
    }
    for (size_t i = 0; i < f->ncols; i++)
      if (!r.cells[i]) r.cells[i] = xstrdup("");
    if (f->nrows == f->cap_rows) {
      f->cap_rows = f->cap_rows ? xmul(f->cap_rows, 2) : 16;
      f->rows = xrealloc(f->rows, xmul(f->cap_rows, sizeof *f->rows));
    }
    f->rows[f->nrows++] = r;
  }
  st->fields.len = 0;
}

static void trim(char *s) {
  size_t n = strlen(s), start = 0;
  while (start < n && (s[start] == ' ' || s[start] == '\t' || s[start] == '\r')) start++;
  while (n > start && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
  memmove(s, s + start, n - start);
  s[n - start] = '\0';
}

/* "贫困发生率(%)" or "贫困人口（万人）" → name and unit. */
static void split_header(column *c) {
  trim(c->header);
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
    trim(c->name);
  } else {
    c->name = xstrdup(h);
    c->unit = xstrdup("");
  }
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

/* Digits, signs, a point and commas only: a cell meant as a number. */
static bool looks_numeric(const char *s) {
  return *s && strspn(s, "0123456789,.+-") == strlen(s) && strpbrk(s, "0123456789");
}

/* A number once thousands separators are removed: "1,234.5", "-3", "13.8". */
static bool parse_number(const char *s, double *v) {
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

static int check_columns(figures *f, diag_list *dl) {
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
      trim(f->rows[r].cells[c]);
      const char *cell = f->rows[r].cells[c];
      if (!*cell) continue;
      if (parse_number(cell, &v)) numbers++;
      else texts++;
    }
    f->cols[c].text = numbers == 0 && texts > 0;
    for (size_t r = 0; r < f->nrows; r++) {
      const char *cell = f->rows[r].cells[c];
      if (*cell && strchr(cell, ',') && looks_numeric(cell) && !parse_number(cell, &v)) {
        diag_error(dl, f->path, f->rows[r].row, (int)c + 1,
                   "'%s' in column '%s': a thousands separator must group three digits (1,234,567) and a decimal "
                   "comma is not read; write %s with a point, or without separators", cell, f->cols[c].header,
                   strchr(cell, '.') ? "the number" : "e.g. 13.8");
        rc = -1;
      }
    }
    if (f->cols[c].text || texts == 0) continue;
    for (size_t r = 0; r < f->nrows; r++) {
      const char *cell = f->rows[r].cells[c];
      if (*cell && !(strchr(cell, ',') && looks_numeric(cell)) && !parse_number(cell, &v)) {
        diag_error(dl, f->path, f->rows[r].row, (int)c + 1,
                   "'%s' in column '%s' is not a number; write a number (1,234.5) or leave the cell empty for no data",
                   cell, f->cols[c].header);
        rc = -1;
      }
    }
  }
  for (size_t r = 0; r < f->nrows; r++) {
    trim(f->rows[r].cells[0]);
    if (f->year_col >= 0) {
      double y;
      if (!parse_number(f->rows[r].cells[f->year_col], &y) || y != floor(y) || y < 1000 || y > 9999) {
        diag_error(dl, f->path, f->rows[r].row, f->year_col + 1, "the year '%s' is not a year like 2016",
                   f->rows[r].cells[f->year_col]);
        rc = -1;
      } else {
        f->rows[r].year = (int)y;
      }
    }
  }
  return rc;
}

figures *figures_parse(const char *data, size_t len, const char *path, diag_list *dl) {
  size_t ulen;
  char *text = figures_to_utf8(data, len, path, &ulen, dl);
  if (!text) return NULL;
  figures *f = xcalloc(1, sizeof *f);
  f->path = xstrdup(path);
  struct csv_parser p;
  csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL);
  csv_state st = {f, {0}, 0};
  size_t done = csv_parse(&p, text, ulen, on_field, on_row, &st);
  int rc = 0;
  if (done != ulen || csv_fini(&p, on_field, on_row, &st) != 0) {
    diag_error(dl, path, st.record + 1, 0, "CSV: %s; check the quotes of this row", csv_strerror(csv_error(&p)));
    rc = -1;
  }
  csv_free(&p);
  for (size_t i = 0; i < st.fields.len; i++) free(st.fields.items[i]);
  VEC_FREE(st.fields);
  free(text);
  if (rc == 0 && (!f->cols || f->ncols < 2)) {
    diag_error(dl, path, 1, 1, "needs a header row: the county column, then one column per indicator");
    rc = -1;
  }
  if (rc == 0) rc = check_columns(f, dl);
  if (rc != 0) {
    figures_free(f);
    return NULL;
  }
  return f;
}

figures *figures_load(const char *path, diag_list *dl) {
  size_t len;
  char *data = read_file(path, &len);
  if (!data) {
    diag_error(dl, path, 0, 0, "cannot read the figures file: %s", strerror(errno));
    return NULL;
  }
  figures *f = figures_parse(data, len, path, dl);
  free(data);
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
  free(f);
}

/* ---- lookups ----------------------------------------------------------- */

static int find_column(const figures *f, const char *name) {
  for (size_t c = 1; c < f->ncols; c++)
    if ((int)c != f->year_col && !strcmp(f->cols[c].name, name)) return (int)c;
  return -1;
}

static char *indicator_names(const figures *f, const char *wanted) {
  const char **names = xcalloc(f->ncols + 1, sizeof *names);
  size_t n = 0;
  for (size_t c = 1; c < f->ncols; c++)
    if ((int)c != f->year_col) names[n++] = f->cols[c].name;
  char *s = closest_names(wanted, names, n);
  free(names);
  return s;
}

/* The county's rows, sorted by year (ascending). */
typedef struct {
  const record **rows;
  size_t n;
} county_rows;

static int by_year(const void *a, const void *b) {
  const record *x = *(const record *const *)a, *y = *(const record *const *)b;
  return (x->year > y->year) - (x->year < y->year);
}

static county_rows rows_of(const figures *f, const char *county) {
  county_rows cr = {xcalloc(f->nrows + 1, sizeof(record *)), 0};
  for (size_t r = 0; r < f->nrows; r++)
    if (county && !strcmp(f->rows[r].cells[0], county)) cr.rows[cr.n++] = &f->rows[r];
  qsort(cr.rows, cr.n, sizeof *cr.rows, by_year);
  return cr;
}

static char *format_value(const figures *f, int col, const record *r) {
  const char *cell = r ? r->cells[col] : "";
  if (!*cell) return xstrdup("—");
  return xasprintf("%s%s", cell, f->cols[col].text ? "" : f->cols[col].unit);
}

/* The record for a year (0: the latest with data in col). */
static const record *record_for(const county_rows *cr, int col, int year) {
  if (year == 0) {
    for (size_t i = cr->n; i-- > 0;)
      if (cr->rows[i]->cells[col][0]) return cr->rows[i];
    return cr->n ? cr->rows[cr->n - 1] : NULL;
  }
  for (size_t i = 0; i < cr->n; i++)
    if (cr->rows[i]->year == year) return cr->rows[i];
  return NULL;
}

char *figures_value(const figures *f, const char *county, const char *indicator, int year) {
  int col = find_column(f, indicator);
  if (col < 0) return NULL;
  county_rows cr = rows_of(f, county);
  const record *r = record_for(&cr, col, year);
  char *v = r ? format_value(f, col, r) : NULL;
  free(cr.rows);
  return v;
}

/* ---- binding into the document ----------------------------------------- */

typedef struct {
  document *doc;
  const figures *f;
  county_rows rows;
  diag_list *dl;
  int errors;
  bool county_checked;
} binder;

static bool county_ok(binder *b, int line, int col) {
  if (b->county_checked) return b->rows.n > 0;
  b->county_checked = true;
  if (!b->f) {
    diag_error(b->dl, b->doc->file, line, col, "this summary uses figures but no figures file was given; "
               "pass --figures FIGURES.csv (a batch uses figures.csv beside the summaries)");
  } else if (!b->doc->meta.county) {
    diag_error(b->dl, b->doc->file, line, col, "this summary uses figures but its front matter has no "
               "'county'; add e.g. 'county: 陇西县'");
  } else if (b->rows.n == 0) {
    const char **names = xcalloc(b->f->nrows + 1, sizeof *names);
    for (size_t r = 0; r < b->f->nrows; r++) names[r] = b->f->rows[r].cells[0];
    char *list = closest_names(b->doc->meta.county, names, b->f->nrows);
    diag_error(b->dl, b->doc->file, line, col, "county '%s' has no row in %s; counties there: %s",
               b->doc->meta.county, b->f->path, list);
    free(list);
    free(names);
  } else {
    return true;
  }
  b->errors++;
  return false;
}

/* The county's years (rows sorted by year): the five nearest to wanted,
 * in order, then "and N more" (a sheet may go back decades). */
static char *years_list(const county_rows *cr, int wanted) {
  int *years = xcalloc(cr->n + 1, sizeof *years);
  size_t n = 0;
  for (size_t i = 0; i < cr->n; i++)
    if (n == 0 || years[n - 1] != cr->rows[i]->year) years[n++] = cr->rows[i]->year;
  /* The nearest window of five: slide it while the year after it is nearer than its first. */
  size_t from = 0, shown = n < CLOSEST_SHOWN ? n : CLOSEST_SHOWN;
  while (from + shown < n && abs(years[from + shown] - wanted) < abs(years[from] - wanted)) from++;
  strbuf sb = {0};
  for (size_t i = 0; i < shown; i++) sb_printf(&sb, "%s%d", i ? ", " : "", years[from + i]);
  if (n > shown) sb_printf(&sb, " and %zu more", n - shown);
  free(years);
  return sb_take(&sb);
}

/* Resolves "贫困发生率" or "贫困人口@2015" to a column and a year. */
static int resolve(binder *b, const char *ref, int line, int col, int *year) {
  *year = 0;
  char *name = xstrdup(ref);
  char *at = strchr(name, '@');
  if (at) {
    *at = '\0';
    char *y = at + 1;
    trim(y);
    if (strlen(y) != 4 || strspn(y, "0123456789") != 4 || y[0] == '0') {
      trim(name);
      diag_error(b->dl, b->doc->file, line, col, "'%s' after '@' is not a year; write a year like {{%s@2016}}", y, name);
      b->errors++;
      free(name);
      return -1;
    }
    *year = atoi(y);
  }
  trim(name);
  if (!county_ok(b, line, col)) {
    free(name);
    return -1;
  }
  int c = find_column(b->f, name);
  if (c < 0) {
    char *names = indicator_names(b->f, name);
    diag_error(b->dl, b->doc->file, line, col, "unknown indicator '%s'; %s has: %s", name, b->f->path, names);
    free(names);
    b->errors++;
  } else if (at && (b->f->year_col < 0 || !record_for(&b->rows, c, *year))) {
    char *years = years_list(&b->rows, *year);
    if (b->f->year_col < 0)
      diag_error(b->dl, b->doc->file, line, col, "'%s' asks for a year but %s has no 年份 (year) column", ref, b->f->path);
    else
      diag_error(b->dl, b->doc->file, line, col, "no %d figures for %s; years there: %s", *year, b->doc->meta.county, years);
    free(years);
    b->errors++;
    c = -1;
  }
  free(name);
  return c;
}

static int count_chars(const char *s, size_t n) {
  int count = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) count++;
  return count;
}

/* Replaces the placeholders of s's text; the positions of what follows a
 * placeholder stay those of the source (a value takes its placeholder's). */
/* The first "{{" or "}}" (pair) from p, or NULL. By hand: strstr reads the
 * whole rest of the text under AddressSanitizer's strict_string_checks,
 * quadratic on a paragraph of many placeholders. */
static const char *find_pair(const char *p, char c) {
  for (; *p; p++)
    if (p[0] == c && p[1] == c) return p;
  return NULL;
}

static void substitute(binder *b, span *s) {
  strbuf out = {0};
  span positions = {0};
  const char *p = s->text;
  int in = 0, at = 0; /* characters read from s, written to out */
  while (*p) {
    const char *open = find_pair(p, '{');
    const char *close = open ? find_pair(open + 2, '}') : NULL;
    size_t before = close ? (size_t)(open - p) : strlen(p);
    int n = count_chars(p, before);
    span_map_positions(&positions, at, s, in, in + n);
    sb_append(&out, p, before);
    in += n, at += n;
    if (!close) break;
    int line, col;
    span_source(s, in, &line, &col);
    char *ref = xstrndup(open + 2, (size_t)(close - open - 2));
    int year;
    int c = resolve(b, ref, line, col, &year);
    if (c >= 0) {
      char *v = format_value(b->f, c, record_for(&b->rows, c, year));
      span_add_anchor(&positions, at, line, col);
      sb_puts(&out, v);
      at += count_chars(v, strlen(v));
      free(v);
    }
    free(ref);
    in += count_chars(open, (size_t)(close + 2 - open));
    p = close + 2;
  }
  free(s->text);
  free(s->anchors);
  s->text = sb_take(&out);
  s->line = positions.line, s->col = positions.col;
  s->anchors = positions.anchors, s->nanchors = positions.nanchors;
}

static void substitute_spans(binder *b, span_list *l) {
  for (size_t i = 0; i < l->len; i++) {
    span *s = &l->items[i];
    if (s->kind != SPAN_TEXT || (s->style & ST_CODE) || !find_pair(s->text, '{')) continue;
    substitute(b, s);
  }
}

static void cell_text(span_list *cell, const char *text) {
  span_list_push(cell, SPAN_TEXT, 0, text, strlen(text), NULL, 0, 0);
}

static table_data *new_table(int rows, int cols) {
  table_data *t = xcalloc(1, sizeof *t);
  t->rows = rows;
  t->cols = cols;
  t->align = xcalloc((size_t)cols + 1, 1);
  t->cells = xcalloc(xmul((size_t)rows, (size_t)cols) + 1, sizeof *t->cells);
  return t;
}

/* Indicator names listed one per line in a block; their columns in *cols. */
static size_t block_indicators(binder *b, const block *blk, const char *text, int first_line, int **cols) {
  size_t n = 0;
  *cols = xcalloc(strlen(text) + 1, sizeof **cols);
  int line = first_line;
  for (const char *p = text; *p; line++) {
    size_t len = strcspn(p, "\n");
    char *name = xstrndup(p, len);
    trim(name);
    if (*name) {
      int year;
      int c = resolve(b, name, line, blk->col, &year);
      if (c >= 0) (*cols)[n++] = c;
    }
    free(name);
    p += len;
    if (*p) p++;
  }
  return n;
}

static char *cell_value(int col, const record *r) {
  const char *cell = r ? r->cells[col] : "";
  return xstrdup(*cell ? cell : "—");
}

/* A time series: rows are indicators, columns years; else indicator, value
 * and unit. The header words are the layout's (figures_headers), so the
 * header cells other than years are left empty and marked. */
static table_data *figures_table(binder *b, const int *cols, size_t n) {
  const figures *f = b->f;
  bool series = f->year_col >= 0 && b->rows.n > 1;
  int ncols = series ? (int)b->rows.n + 2 : 3;
  table_data *t = new_table((int)n + 1, ncols);
  t->header_words = xcalloc((size_t)ncols + 1, 1);
  t->header_words[0] = 'i';
  if (series) {
    for (size_t y = 0; y < b->rows.n; y++) {
      char *year = xasprintf("%d", b->rows.rows[y]->year);
      cell_text(&t->cells[1 + y], year);
      free(year);
    }
  } else {
    t->header_words[1] = 'v';
  }
  t->header_words[ncols - 1] = 'u';
  t->align[0] = 'l';
  t->align[ncols - 1] = 'c';
  for (size_t i = 0; i < n; i++) {
    span_list *row = &t->cells[(i + 1) * (size_t)ncols];
    cell_text(&row[0], f->cols[cols[i]].name);
    for (int k = 1; k < ncols - 1; k++) {
      const record *r = series ? b->rows.rows[k - 1] : record_for(&b->rows, cols[i], 0);
      char *v = cell_value(cols[i], r);
      cell_text(&row[k], v);
      free(v);
    }
    cell_text(&row[ncols - 1], f->cols[cols[i]].unit[0] ? f->cols[cols[i]].unit : "—");
  }
  for (int k = 1; k < ncols - 1; k++) t->align[k] = 'r';
  return t;
}

static void bind_figures_block(binder *b, block *blk) {
  int *cols;
  size_t n = block_indicators(b, blk, blk->literal, blk->line + 1, &cols);
  if (n > 0 && b->errors == 0) {
    blk->table = figures_table(b, cols, n);
    blk->kind = BLK_TABLE;
  }
  free(cols);
}

/* ---- charts ------------------------------------------------------------ */

static chart_data *build_chart(binder *b, const int *cols, size_t n, bool line, const char *title) {
  const figures *f = b->f;
  chart_data *ch = xcalloc(1, sizeof *ch);
  ch->line = line;
  ch->title = title ? xstrdup(title) : NULL;
  bool series = f->year_col >= 0;
  /* Categories: the years with data for any of the indicators. */
  const record **recs = xcalloc(b->rows.n + 1, sizeof *recs);
  size_t nrec = 0;
  for (size_t k = 0; series && k < b->rows.n; k++) {
    bool any = false;
    for (size_t s = 0; s < n; s++) any |= b->rows.rows[k]->cells[cols[s]][0] != '\0';
    if (any) recs[nrec++] = b->rows.rows[k];
  }
  ch->ncat = series ? nrec : 1;
  ch->categories = xcalloc(ch->ncat + 1, sizeof *ch->categories);
  for (size_t k = 0; k < ch->ncat; k++)
    ch->categories[k] = series ? xasprintf("%d年", recs[k]->year) : xstrdup(b->doc->meta.county);
  ch->nseries = n;
  ch->series = xcalloc(n, sizeof *ch->series);
  for (size_t s = 0; s < n; s++) {
    chart_series *se = &ch->series[s];
    se->name = xstrdup(f->cols[cols[s]].name);
    se->unit = xstrdup(f->cols[cols[s]].unit);
    se->values = xcalloc(ch->ncat, sizeof *se->values);
    se->labels = xcalloc(ch->ncat, sizeof *se->labels);
    for (size_t k = 0; k < ch->ncat; k++) {
      const record *r = series ? recs[k] : record_for(&b->rows, cols[s], 0);
      double v;
      const char *cell = r ? r->cells[cols[s]] : "";
      se->values[k] = *cell && parse_number(cell, &v) ? v : NAN;
      se->labels[k] = xstrdup(*cell ? cell : "—");
    }
  }
  free(recs);
  return ch;
}

/* A chart has one value axis per unit, left and right: a third unit has
 * no axis to be drawn on. */
static bool chart_units_ok(binder *b, const int *cols, size_t n, int line, int col) {
  const char *units[3];
  size_t nunits = 0;
  for (size_t s = 0; s < n && nunits < 3; s++) {
    bool seen = false;
    for (size_t u = 0; u < nunits; u++) seen |= !strcmp(units[u], b->f->cols[cols[s]].unit);
    if (!seen) units[nunits++] = b->f->cols[cols[s]].unit;
  }
  if (nunits <= 2) return true;
  diag_error(b->dl, b->doc->file, line, col,
             "a chart has one axis per unit, at most two, but these indicators have a third unit ('%s' after '%s' "
             "and '%s'); put the indicators of other units into a second chart", units[2], units[0], units[1]);
  b->errors++;
  return false;
}

static void bind_chart_block(binder *b, block *blk) {
  ydoc y;
  int line0 = blk->line; /* the fence line; YAML starts on the next */
  if (ydoc_load(&y, blk->literal, strlen(blk->literal), b->doc->file, line0, b->dl) != 0) {
    b->errors++;
    return;
  }
  yaml_node_t *root = ydoc_root(&y);
  const char *type = yscalar(ymap_get(&y, root, "type"));
  const char *title = yscalar(ymap_get(&y, root, "title"));
  yaml_node_t *ind = ymap_get(&y, root, "indicators");
  bool line = type && !strcmp(type, "line");
  if (!root || root->type != YAML_MAPPING_NODE || !ind) {
    diag_error(b->dl, b->doc->file, blk->line + 1, 1,
               "a chart block needs 'type: bar|line', 'title:' and 'indicators: 名称, 名称'");
    b->errors++;
  } else if (type && strcmp(type, "bar") && strcmp(type, "line")) {
    yaml_node_t *tn = ymap_get(&y, root, "type");
    diag_error(b->dl, b->doc->file, yline(&y, tn), ycol(tn), "chart type '%s' is not known; use bar or line", type);
    b->errors++;
  } else {
    /* indicators: a comma-separated line or a YAML list */
    strbuf names = {0};
    if (yscalar(ind)) {
      for (const char *p = yscalar(ind); *p; p++) {
        if (*p == ',') sb_putc(&names, '\n');
        else if (!strncmp(p, "，", 3) || !strncmp(p, "、", 3)) { sb_putc(&names, '\n'); p += 2; }
        else sb_putc(&names, *p);
      }
    } else if (ind->type == YAML_SEQUENCE_NODE) {
      YSEQ_FOREACH(&y, ind, item) {
        const char *s = yscalar(ydoc_node(&y, *item));
        if (s) sb_printf(&names, "%s\n", s);
      }
    }
    int *cols;
    size_t n = block_indicators(b, blk, names.data ? names.data : "", yline(&y, ind), &cols);
    if (n > 0 && b->errors == 0 && chart_units_ok(b, cols, n, yline(&y, ind), ycol(ind)))
      blk->chart = build_chart(b, cols, n, line, title);
    free(cols);
    sb_free(&names);
  }
  ydoc_free(&y);
}

/* The front matter's figures: a key-figures table at the start of the body. */
static void add_key_figures(binder *b) {
  doc_meta *m = &b->doc->meta;
  if (!m->figures.len) return;
  strbuf names = {0};
  for (size_t i = 0; i < m->figures.len; i++) sb_printf(&names, "%s\n", m->figures.items[i]);
  block tmp = {0};
  tmp.line = m->figures_line;
  tmp.col = 1;
  int *cols;
  size_t n = block_indicators(b, &tmp, names.data, m->figures_line, &cols);
  if (n > 0 && b->errors == 0) {
    block *blk = document_add(b->doc, BLK_TABLE, m->figures_line, 1);
    blk->table = figures_table(b, cols, n);
    blk->key_figures = true; /* the layout captions and places it */
    block moved = *blk; /* move it to the front */
    memmove(b->doc->items + 1, b->doc->items, (b->doc->len - 1) * sizeof *b->doc->items);
    b->doc->items[0] = moved;
  }
  free(cols);
  sb_free(&names);
}

int figures_bind(document *doc, const figures *f, diag_list *dl) {
  binder b = {doc, f, {NULL, 0}, dl, 0, false};
  if (f) b.rows = rows_of(f, doc->meta.county);
  add_key_figures(&b);
  for (size_t i = 0; i < doc->len; i++) {
    block *blk = &doc->items[i];
    substitute_spans(&b, &blk->spans);
    if (blk->table)
      for (size_t c = 0; c < (size_t)blk->table->rows * (size_t)blk->table->cols; c++)
        substitute_spans(&b, &blk->table->cells[c]);
    if (blk->kind == BLK_FIGURES) bind_figures_block(&b, blk);
    else if (blk->kind == BLK_CHART) bind_chart_block(&b, blk);
  }
  free(b.rows.rows);
  return b.errors ? -1 : 0;
}
