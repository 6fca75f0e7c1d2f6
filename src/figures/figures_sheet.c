/* Figures from a workbook's sheet (.xlsx, .xls): the grid of what Excel
 * shows (sheet.h) read as a CSV's rows. Merged cells count in every cell
 * they cover (a county merged over its years' rows, a header over two
 * rows); a title row above the header (one merged cell across it) is
 * skipped; the header row is the first other row with text, and spans the
 * rows its vertically merged cells cover (the lowest text names a column).
 * In a column whose unit is %, a cell formatted as a percentage (13.8%)
 * gives its number (13.8): the unit prints the sign once. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "figures_query.h"
#include "sheet.h"
#include "util.h"

bool figures_is_workbook(const char *path) {
  size_t n = strlen(path);
  return (n > 5 && (!strcasecmp(path + n - 5, ".xlsx") || !strcasecmp(path + n - 5, ".xlsm"))) ||
         (n > 4 && !strcasecmp(path + n - 4, ".xls"));
}

static char *at(const sheet_grid *g, size_t r, size_t c) { return g->cells[r * g->ncols + c]; }

static bool is_title_row(const sheet_grid *g, size_t r) {
  size_t filled = 0, col = 0;
  for (size_t c = 0; c < g->ncols; c++)
    if (at(g, r, c)) filled++, col = c;
  if (filled != 1 || r + 1 >= g->nrows) return false;
  for (size_t m = 0; m < g->nmerges; m++)
    if ((size_t)g->merges[m].r0 == r && (size_t)g->merges[m].c0 == col && g->merges[m].c1 > g->merges[m].c0) return true;
  return false;
}

static bool row_blank(const sheet_grid *g, size_t r) {
  for (size_t c = 0; c < g->ncols; c++)
    if (at(g, r, c)) return false;
  return true;
}

static void fill_merges(sheet_grid *g) {
  for (size_t m = 0; m < g->nmerges; m++) {
    sheet_range x = g->merges[m];
    if ((size_t)x.r0 >= g->nrows || (size_t)x.c0 >= g->ncols || !at(g, (size_t)x.r0, (size_t)x.c0)) continue;
    const char *v = at(g, (size_t)x.r0, (size_t)x.c0);
    for (size_t r = (size_t)x.r0; r <= (size_t)x.r1 && r < g->nrows; r++)
      for (size_t c = (size_t)x.c0; c <= (size_t)x.c1 && c < g->ncols; c++)
        if (!at(g, r, c)) g->cells[r * g->ncols + c] = xstrdup(v);
  }
}

static bool ends_with_percent_unit(const char *h) {
  return str_ends_with(h, "(%)") || str_ends_with(h, "（%）") || str_ends_with(h, "(％)") || str_ends_with(h, "（％）");
}

static void push_record(figures *f, record r) {
  if (f->nrows == f->cap_rows) {
    f->cap_rows = f->cap_rows ? xmul(f->cap_rows, 2) : 16;
    f->rows = xrealloc(f->rows, xmul(f->cap_rows, sizeof *f->rows));
  }
  f->rows[f->nrows++] = r;
}

static figures *from_grid(sheet_grid *g, diag_list *dl) {
  size_t header = 0;
  while (header < g->nrows && (row_blank(g, header) || is_title_row(g, header))) header++;
  fill_merges(g);
  size_t header_end = header;
  for (size_t m = 0; m < g->nmerges; m++)
    if ((size_t)g->merges[m].r0 == header && (size_t)g->merges[m].r1 > header_end) header_end = (size_t)g->merges[m].r1;
  if (header_end >= g->nrows) header_end = g->nrows ? g->nrows - 1 : 0;
  size_t first = g->ncols, last = 0;
  for (size_t c = 0; header < g->nrows && c < g->ncols; c++)
    if (at(g, header, c) || at(g, header_end, c)) {
      if (first == g->ncols) first = c;
      last = c;
    }
  if (header >= g->nrows || first == g->ncols || last == first) {
    char *where = sheet_location(g->path, g->name, header < g->nrows ? (int)header : 0, 0);
    diag_error(dl, where, 0, 0, "needs a header row: the county column, then one column per indicator");
    free(where);
    return NULL;
  }
  figures *f = xcalloc(1, sizeof *f);
  f->path = xstrdup(g->path);
  f->sheet = xstrdup(g->name);
  f->first_col = (int)first;
  f->ncols = last - first + 1;
  f->cols = xcalloc(f->ncols, sizeof *f->cols);
  for (size_t c = 0; c < f->ncols; c++) {
    const char *name = NULL;
    for (size_t r = header; r <= header_end; r++)
      if (at(g, r, first + c)) name = at(g, r, first + c);
    f->cols[c].header = xstrdup(name ? name : "");
  }
  for (size_t r = header_end + 1; r < g->nrows; r++) {
    bool blank = true;
    for (size_t c = first; c <= last; c++) blank &= !at(g, r, c);
    if (blank) continue;
    record rec = {xcalloc(f->ncols, sizeof(char *)), (int)r + 1, 0};
    for (size_t c = 0; c < f->ncols; c++) {
      const char *v = at(g, r, first + c);
      rec.cells[c] = xstrdup(v ? v : "");
      size_t n = strlen(rec.cells[c]);
      if (n > 1 && rec.cells[c][n - 1] == '%' && ends_with_percent_unit(f->cols[c].header)) rec.cells[c][n - 1] = '\0';
    }
    push_record(f, rec);
  }
  if (figures_check_columns(f, dl) != 0) {
    figures_free(f);
    return NULL;
  }
  return f;
}

figures *figures_from_workbook(const char *path, const char *sheet, diag_list *dl) {
  sheet_grid g;
  int errors = dl->errors;
  if (sheet_read(path, sheet, &g, dl) != 0) {
    sheet_grid_free(&g);
    return NULL;
  }
  figures *f = from_grid(&g, dl); /* after a bad cell too: every problem of the sheet reported at once */
  sheet_grid_free(&g);
  if (f && dl->errors > errors) {
    figures_free(f);
    return NULL;
  }
  return f;
}
