/* Binding figures into the document model: {{indicator}} placeholders
 * replaced with the source positions of what follows kept, ```figures
 * blocks made into tables, the front matter's key figures added as a table
 * (which the layout captions and places), ```chart blocks handed to
 * chart_spec.c. It only resolves data: no layout words. */
#include <stdlib.h>
#include <string.h>

#include "chart_spec.h"
#include "figures_binder.h"
#include "input_limits.h"
#include "util.h"

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
    int c = figures_binder_resolve(b, ref, line, col, &year);
    if (c >= 0) {
      char *v = figures_format_value(b->f, c, figures_record_for(&b->rows, c, year));
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
      const record *r = series ? b->rows.rows[k - 1] : figures_record_for(&b->rows, cols[i], 0);
      char *v = cell_value(cols[i], r);
      cell_text(&row[k], v);
      free(v);
    }
    cell_text(&row[ncols - 1], f->cols[cols[i]].unit[0] ? f->cols[cols[i]].unit : "—");
  }
  for (int k = 1; k < ncols - 1; k++) t->align[k] = 'r';
  return t;
}

/* A generated table is held to the limits of a written one (input_limits.h):
 * a sheet of 10^5 years made a table of 100,002 columns. */
static bool figures_table_fits(binder *b, size_t n, int line, int col) {
  bool series = b->f->year_col >= 0 && b->rows.n > 1;
  size_t rows = n + 1, cols = series ? b->rows.n + 2 : 3;
  if (rows <= LIMIT_TABLE_ROWS && cols <= LIMIT_TABLE_COLS) return true;
  if (cols > LIMIT_TABLE_COLS)
    diag_error(b->dl, b->doc->file, line, col, "this figures table would have %zu columns, one per year of %s in the "
               "sheet (%zu rows); a table has at most %d columns: keep at most %d years of the county in the sheet",
               cols, b->doc->meta.county ? b->doc->meta.county : "the county", b->rows.n, LIMIT_TABLE_COLS,
               LIMIT_TABLE_COLS - 2);
  else
    diag_error(b->dl, b->doc->file, line, col, "this figures table would have %zu rows, one per indicator; a table "
               "has at most %d rows: list fewer indicators", rows, LIMIT_TABLE_ROWS);
  b->errors++;
  return false;
}

static void bind_figures_block(binder *b, block *blk) {
  int *cols;
  size_t n = figures_binder_indicators(b, blk, blk->as.figures.literal, blk->line + 1, &cols);
  if (n > 0 && b->errors == 0 && figures_table_fits(b, n, blk->line, blk->col)) {
    table_data *t = figures_table(b, cols, n);
    block_clear(blk);
    blk->kind = BLK_TABLE;
    blk->as.table = (block_table){.data = t};
  }
  free(cols);
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
  size_t n = figures_binder_indicators(b, &tmp, names.data, m->figures_line, &cols);
  if (n > 0 && b->errors == 0 && figures_table_fits(b, n, m->figures_line, 1)) {
    block *blk = document_add(b->doc, BLK_TABLE, m->figures_line, 1);
    blk->as.table = (block_table){.data = figures_table(b, cols, n), .key_figures = true}; /* the layout captions and places it */
    block moved = *blk; /* move it to the front */
    memmove(b->doc->items + 1, b->doc->items, (b->doc->len - 1) * sizeof *b->doc->items);
    b->doc->items[0] = moved;
  }
  free(cols);
  sb_free(&names);
}

int figures_bind(document *doc, const figures *f, diag_list *dl) {
  binder b = {doc, f, {NULL, 0}, dl, 0, false};
  if (f) b.rows = figures_rows_of(f, doc->meta.county);
  add_key_figures(&b);
  for (size_t i = 0; i < doc->len; i++) {
    block *blk = &doc->items[i];
    span_list *spans = block_spans(blk);
    table_data *t = block_table_data(blk);
    if (spans) substitute_spans(&b, spans);
    for (size_t c = 0; t && c < (size_t)t->rows * (size_t)t->cols; c++) substitute_spans(&b, &t->cells[c]);
    if (blk->kind == BLK_FIGURES) bind_figures_block(&b, blk);
    else if (blk->kind == BLK_CHART) chart_spec_bind(&b, blk);
  }
  free(b.rows.rows);
  return b.errors ? -1 : 0;
}
