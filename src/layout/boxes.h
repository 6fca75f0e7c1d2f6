/* The box primitives of the layout stage (boxes.c): the layout context,
 * vertical boxes and text lines. Every layout file builds with them. */
#ifndef BRIEF_BOXES_H
#define BRIEF_BOXES_H

#include "layout.h"
#include "stop.h"
#include "util.h"

#define EM_ASCENT 0.88 /* the baseline's place in the ideographic em box */

/* A vertical box in the flow: one text line, a table row, a chart, or
 * vertical space. Item y values are offsets down from the box top. */
typedef struct {
  double height;
  VEC(page_item) items;
  int group, index, count; /* lines of one paragraph, for widows and orphans */
  bool keep_with_next;     /* headings */
  bool space;              /* vertical space, dropped at the top of a page */
  bool snap_after;         /* return to the line grid after this box */
  bool page_break;         /* start a new page here */
  bool bottom;             /* sits at the bottom of the type area (版记) */
  bool cut_rule;           /* its last item is a rule drawn only if a page ends after it */
  bool even_page;          /* bottom: on an even page (the 版记, GB/T 9704-2012 7.4), blank pages before it */
  long repeat;             /* a box (table header) to repeat on a new page, or -1 */
  int outline_level;       /* > 0: a bookmark to this box */
  char *outline_title;
} vbox;

typedef VEC(vbox) vbox_list;

struct layout_ctx {
  const document *doc;
  const layout_spec *spec;
  const font_lib *fonts;
  diag_list *dl;
  laid_out *out;
  const font_chain *role_chain[ROLE_COUNT], *role_bold_chain[ROLE_COUNT];
  const font_chain *emph_chain, *strong_chain, *code_chain;
  uint8_t **used;          /* per face id: a 65536-bit map of the characters printed */
  double page_w, page_h;   /* every page of this document */
  VEC(font_code) *codes;   /* per face id: glyphs printed under Private Use codes */
  double area_x, area_top, area_w, area_h; /* type area; area_top from the page top */
  double pitch;            /* line grid pitch, 0 when there is no grid */
  vbox_list boxes;
  int group_counter;
  int errors;
  stop_check *stop;        /* NULL, or polled per block, table row, line and page box (stop.h) */
  size_t unnumbered_from;  /* pages from this index on carry no page number (blank pages and the 版记 after them) */
};

/* Text set into lines: one items list per line, y from the line top. */
typedef struct {
  VEC(page_item) items;
  double height;           /* line advance */
  double width;            /* set width */
} text_line;
typedef VEC(text_line) text_lines;

void box_text_lines_free(text_lines *l);
/* A context for laying out doc onto out with the layout's type area; end frees it. */
void layout_ctx_start(layout_ctx *c, const document *doc, const layout_spec *spec, const font_lib *fonts,
                      laid_out *out, diag_list *dl);
void layout_ctx_end(layout_ctx *c);
vbox *box_new(layout_ctx *c, double height);
/* The boxes and what they hold, once the pages are made (or the layout gave up). */
void box_list_free(layout_ctx *c);
void box_add_text_line(vbox *b, const text_line *line, double dy);
void box_add_line(vbox *b, double x, double y, double w, double h, double width, rgb color);
void box_add_rect(vbox *b, double x, double y, double w, double h, bool fill, bool stroke,
                  double width, rgb color);
void box_add_space(layout_ctx *c, double h);
void box_add_lines(layout_ctx *c, text_lines *lines, bool keep_with_next, int outline_level, const char *outline_title);
/* The last lines of the body go with what follows (GB/T 9704-2012 7.3.5.5). */
void box_keep_last_lines(layout_ctx *c, int lines);

#endif
