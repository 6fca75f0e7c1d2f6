/* Table column widths: the widths that make a table as short as possible
 * at its full width. Works on the cells' line-breaker items (break
 * opportunities already marked), so it knows widths and nothing of fonts;
 * the unit tests drive it with synthetic items. */
#ifndef BRIEF_COLWIDTHS_H
#define BRIEF_COLWIDTHS_H

#include <stdbool.h>

#include "linebreaker.h"

typedef struct {
  const lb_item *items;
  size_t n;
  int max_lines;           /* > 0: the cell (a header) takes at most this many lines */
} tw_cell;

typedef struct {
  int rows, cols;
  const tw_cell *cells;    /* rows × cols, row-major */
  const double *line_h;    /* per row: the advance of one line */
  double pad_h, pad_v;     /* per cell: left + right, top + bottom padding */
  double total;            /* the table's width: the widths add up to it */
  double long_word;        /* an unbreakable Latin word or URL counts towards its
                              column's minimum only up to this width */
  const double *fixed;     /* per column: a width the author set (> 0) or 0; may be NULL */
  const bool *numeric;     /* per column: numbers, which get no share of the spare room */
  const double *min_content; /* per column: content at least this wide, or NULL */
} tw_input;

/* A cell's narrowest content width (its widest unbreakable unit, a Latin
 * word capped at long_word; for a header also the narrowest width that
 * keeps it within max_lines) and its width on one line. */
void colwidths_cell_limits(const tw_cell *cell, double long_word, double *min, double *max);

/* Lines a cell takes at a content width (0 for an empty cell). */
int colwidths_cell_lines(const tw_cell *cell, double width);

/* The table's height at the given column widths (padding included). */
double colwidths_height(const tw_input *in, const double *widths);

/* Column widths: every column gets its minimum (numbers never break,
 * headers in at most max_lines lines); the spare width goes to the text
 * columns in proportion to their content; then width moves between
 * columns while that makes the table shorter. When every cell fits on one
 * line, all columns grow in proportion to their widest cells. Fills widths
 * (summing to total) and returns the table's height. */
double colwidths_solve(const tw_input *in, double *widths);

/* The width the table needs to give every column its minimum (author
 * widths as set). When it is wider than total, colwidths_solve keeps only numbers
 * and dates whole. */
double colwidths_min_total(const tw_input *in);

#endif
