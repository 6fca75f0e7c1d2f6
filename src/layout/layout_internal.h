/* Shared by the layout stage's files (layout.c, table.c, chart.c). */
#ifndef BRIEF_LAYOUT_INTERNAL_H
#define BRIEF_LAYOUT_INTERNAL_H

#include "layout.h"
#include "linebreaker.h"
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
void set_text(layout_ctx *c, const span_list *spans, const text_frame *f, text_lines *out);
void text_lines_free(text_lines *l);
/* Sets a table header: breaks only where words allow (lb_label_breaks). */
void set_label_text(layout_ctx *c, const span_list *spans, const text_frame *f, text_lines *out);
/* The line-breaker items of spans in a role, break opportunities marked as
 * set_text marks them (label: as set_label_text does), for measuring table
 * cells; *n gets their number. Caller frees. */
lb_item *text_items(layout_ctx *c, const span_list *spans, role_id role, bool bold, bool label, size_t *n);
double line_advance(const layout_ctx *c, role_id role, bool grid);
/* A context for laying out doc onto out with the layout's type area; end frees it. */
void layout_ctx_start(layout_ctx *c, const document *doc, const layout_spec *spec, const font_lib *fonts,
                      laid_out *out, diag_list *dl);
void layout_ctx_end(layout_ctx *c);
vbox *new_box(layout_ctx *c, double height);
void box_add_text_line(vbox *b, const text_line *line, double dy);
void box_add_line(vbox *b, double x, double y, double w, double h, double width, rgb color);
void box_add_rect(vbox *b, double x, double y, double w, double h, bool fill, bool stroke,
                  double width, rgb color);
/* A single line of plain UTF-8 text at (x, y from box top to the baseline). */
void box_add_label(layout_ctx *c, vbox *b, const char *text, role_id role, double size,
                   double x, double baseline, text_align align, rgb color);
double label_width(layout_ctx *c, const char *text, role_id role, double size);

void plain_spans(span_list *l, const char *text);
/* Added to every character of a role on the grid so N characters fill a line. */
double grid_tracking(const layout_ctx *c, role_id role);
char *chinese_date(const char *iso); /* "2016-08-15" → "2016年8月15日" */

/* Shared by the layout's files (layout.c). */
void add_space(layout_ctx *c, double h);
void add_lines(layout_ctx *c, text_lines *lines, bool keep_with_next, int outline_level, const char *outline_title);
void add_text_block(layout_ctx *c, const span_list *spans, text_frame *f, bool keep, int outline_level,
                    const char *outline_title);
/* The last lines of the body go with what follows (GB/T 9704-2012 7.3.5.5). */
void keep_last_lines(layout_ctx *c, int lines);
void layout_title(layout_ctx *c);
void layout_body_blocks(layout_ctx *c, const document *doc);

/* 文件式 (document_layout.c, GB/T 9704-2012 7.2–7.5). */
void layout_document_head(layout_ctx *c);  /* 份号 line aside: 密级, 紧急程度, 标志, 发文字号, 签发人, red rule */
void layout_addressee(layout_ctx *c);      /* 主送机关 */
void layout_document_end(layout_ctx *c);   /* 附件说明, 署名, 日期, 附注, 附件, 版记 */

/* Front and back matter (masthead.c). */
void layout_masthead(layout_ctx *c);
void layout_distribution(layout_ctx *c);

/* Numbered copies (copynumber.c): the free first line, then each copy's 份号. */
int layout_copy_line(layout_ctx *c);
void layout_copy_marks(layout_ctx *c);

/* Pagination (paginate.c). */
void flow_boxes(layout_ctx *c);
void decorate_pages(layout_ctx *c);
void add_page_number(layout_ctx *c, page_box *page, int number, int pages);

void layout_table(layout_ctx *c, const block *b, const table_data *t);
void layout_chart(layout_ctx *c, const block *b, const chart_data *ch);


#endif
