/* The binder (figures_binder.c): what binding figures into a document
 * (figures_bind.c) and the chart specs (chart_spec.c) share. Internal to
 * the figures stage. */
#ifndef BRIEF_FIGURES_BINDER_H
#define BRIEF_FIGURES_BINDER_H

#include "diag.h"
#include "figures_query.h"
#include "model.h"

typedef struct {
  document *doc;
  const figures *f;
  county_rows rows;
  diag_list *dl;
  int errors;
  bool county_checked;
} binder;

/* Resolves "贫困发生率" or "贫困人口@2015" to a column (returned, or -1
 * after an error at line:col) and a year (*year, 0 when none is asked). */
int figures_binder_resolve(binder *b, const char *ref, int line, int col, int *year);

/* Indicator names (or name@year), one a line of text from first_line on,
 * resolved to their columns (*cols, malloc'd; their number returned); each
 * bad name is an error at its line and blk's column. */
size_t figures_binder_indicators(binder *b, const block *blk, const char *text, int first_line, int **cols);


#endif
