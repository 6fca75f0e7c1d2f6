/* Typesetting (typeset.c): spans in a role set into justified lines of runs
 * and placed as boxes. */
#ifndef BRIEF_TYPESET_H
#define BRIEF_TYPESET_H

#include "boxes.h"
#include "linebreaker.h"

typedef struct {
  role_id role;
  double x, width;         /* left edge and measure of the lines */
  double indent;           /* first-line indent */
  text_align align;
  bool grid;               /* line advances snap to the pitch */
  bool force_bold;         /* e.g. a table header row */
  const char *prefix;      /* text set before the spans (generated numbers) */
  double size;             /* 0: the role's size */
} text_frame;

/* Sets spans into lines; errors for characters no font has. */
void typeset_text(layout_ctx *c, const span_list *spans, const text_frame *f, text_lines *out);
/* Sets a table header: breaks only where words allow (linebreak_label_breaks). */
void typeset_label(layout_ctx *c, const span_list *spans, const text_frame *f, text_lines *out);
/* The line-breaker items of spans in a role, break opportunities marked as
 * typeset_text marks them (label: as typeset_label does), for measuring table
 * cells; *n gets their number. Caller frees. */
lb_item *typeset_items(layout_ctx *c, const span_list *spans, role_id role, bool bold, bool label, size_t *n);
double typeset_line_advance(const layout_ctx *c, role_id role, bool grid);
/* A single line of plain UTF-8 text at (x, y from box top to the baseline). */
void box_add_label(layout_ctx *c, vbox *b, const char *text, role_id role, double size,
                   double x, double baseline, text_align align, rgb color);
double typeset_label_width(layout_ctx *c, const char *text, role_id role, double size);
void typeset_plain_spans(span_list *l, const char *text);
/* Added to every character of a role on the grid so N characters fill a line. */
double typeset_grid_tracking(const layout_ctx *c, role_id role);
void typeset_block(layout_ctx *c, const span_list *spans, text_frame *f, bool keep, int outline_level,
                   const char *outline_title);

#endif
