/* The binding of figures into a document (figures_bind.c), as the chart
 * specs (chart_spec.c) share it. Internal to the figures stage. */
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

/* Indicator names (or name@year), one a line of text from first_line on,
 * resolved to their columns (*cols, malloc'd; their number returned); each
 * bad name is an error at its line and blk's column. */
size_t binder_indicators(binder *b, const block *blk, const char *text, int first_line, int **cols);

/* A ```chart block's YAML spec (type, title, indicators) bound into a chart. */
void chart_spec_bind(binder *b, block *blk);

#endif
