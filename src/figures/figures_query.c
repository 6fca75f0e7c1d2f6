/* Queries over a figures sheet: an indicator's column, a county's records
 * by year, a value as printed, and the closest names when one is not there
 * (suggest.c), for the binding's and the charts' messages. */
#include <stdlib.h>
#include <string.h>

#include "figures_query.h"
#include "suggest.h"
#include "util.h"

int figures_column(const figures *f, const char *name) {
  for (size_t c = 1; c < f->ncols; c++)
    if ((int)c != f->year_col && !strcmp(f->cols[c].name, name)) return (int)c;
  return -1;
}

char *figures_suggest_indicators(const figures *f, const char *wanted) {
  const char **names = xcalloc(f->ncols + 1, sizeof *names);
  size_t n = 0;
  for (size_t c = 1; c < f->ncols; c++)
    if ((int)c != f->year_col) names[n++] = f->cols[c].name;
  char *s = suggest_closest_names(wanted, names, n);
  free(names);
  return s;
}


static int by_year(const void *a, const void *b) {
  const record *x = *(const record *const *)a, *y = *(const record *const *)b;
  return (x->year > y->year) - (x->year < y->year);
}

county_rows figures_rows_of(const figures *f, const char *county) {
  county_rows cr = {xcalloc(f->nrows + 1, sizeof(record *)), 0};
  for (size_t r = 0; r < f->nrows; r++)
    if (county && !strcmp(f->rows[r].cells[0], county)) cr.rows[cr.n++] = &f->rows[r];
  qsort(cr.rows, cr.n, sizeof *cr.rows, by_year);
  return cr;
}

char *figures_format_value(const figures *f, int col, const record *r) {
  const char *cell = r ? r->cells[col] : "";
  if (!*cell) return xstrdup("—");
  return xasprintf("%s%s", cell, f->cols[col].text ? "" : f->cols[col].unit);
}

const record *figures_record_for(const county_rows *cr, int col, int year) {
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
  int col = figures_column(f, indicator);
  if (col < 0) return NULL;
  county_rows cr = figures_rows_of(f, county);
  const record *r = figures_record_for(&cr, col, year);
  char *v = r ? figures_format_value(f, col, r) : NULL;
  free(cr.rows);
  return v;
}

char *figures_suggest_counties(const figures *f, const char *wanted) {
  const char **names = xcalloc(f->nrows + 1, sizeof *names);
  for (size_t r = 0; r < f->nrows; r++) names[r] = f->rows[r].cells[0];
  char *s = suggest_closest_names(wanted, names, f->nrows);
  free(names);
  return s;
}

/* The county's years (rows sorted by year): the five nearest to wanted,
 * in order, then "and N more" (a sheet may go back decades). */
char *figures_years(const county_rows *cr, int wanted) {
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
