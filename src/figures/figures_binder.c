/* What binding figures into a document (figures_bind.c) and the chart specs
 * (chart_spec.c) share: the county's rows checked once, indicator names
 * (name@year) resolved to columns with a message for each bad one. */
#include <stdlib.h>
#include <string.h>

#include "figures_binder.h"
#include "util.h"

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
    char *list = figures_suggest_counties(b->f, b->doc->meta.county);
    diag_error(b->dl, b->doc->file, line, col, "county '%s' has no row in %s; counties there: %s",
               b->doc->meta.county, b->f->path, list);
    free(list);
  } else {
    return true;
  }
  b->errors++;
  return false;
}

/* Resolves "贫困发生率" or "贫困人口@2015" to a column and a year. */
int figures_binder_resolve(binder *b, const char *ref, int line, int col, int *year) {
  *year = 0;
  char *name = xstrdup(ref);
  char *at = strchr(name, '@');
  if (at) {
    *at = '\0';
    char *y = at + 1;
    figures_trim(y);
    if (strlen(y) != 4 || strspn(y, "0123456789") != 4 || y[0] == '0') {
      figures_trim(name);
      diag_error(b->dl, b->doc->file, line, col, "'%s' after '@' is not a year; write a year like {{%s@2016}}", y, name);
      b->errors++;
      free(name);
      return -1;
    }
    *year = atoi(y);
  }
  figures_trim(name);
  if (!county_ok(b, line, col)) {
    free(name);
    return -1;
  }
  int c = figures_column(b->f, name);
  if (c < 0) {
    char *names = figures_suggest_indicators(b->f, name);
    diag_error(b->dl, b->doc->file, line, col, "unknown indicator '%s'; %s has: %s", name, b->f->path, names);
    free(names);
    b->errors++;
  } else if (at && (b->f->year_col < 0 || !figures_record_for(&b->rows, c, *year))) {
    char *years = figures_years(&b->rows, *year);
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

/* Indicator names listed one per line in a block; their columns in *cols. */
size_t figures_binder_indicators(binder *b, const block *blk, const char *text, int first_line, int **cols) {
  size_t n = 0;
  *cols = xcalloc(strlen(text) + 1, sizeof **cols);
  int line = first_line;
  for (const char *p = text; *p; line++) {
    size_t len = strcspn(p, "\n");
    char *name = xstrndup(p, len);
    figures_trim(name);
    if (*name) {
      int year;
      int c = figures_binder_resolve(b, name, line, blk->col, &year);
      if (c >= 0) (*cols)[n++] = c;
    }
    free(name);
    p += len;
    if (*p) p++;
  }
  return n;
}
