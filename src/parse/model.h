/* The document model: our own flat tree of blocks and styled spans,
 * independent of cmark. Every later stage reads only this. */
#ifndef BRIEF_MODEL_H
#define BRIEF_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "frontmatter.h"

enum span_style { ST_EMPH = 1, ST_STRONG = 2, ST_CODE = 4, ST_STRIKE = 8 };

typedef enum { SPAN_TEXT, SPAN_BREAK, SPAN_SOFTBREAK } span_kind;

/* From character offset `offset` of a span's text on, the source is at
 * line:col, one column per character. */
typedef struct {
  int offset, line, col;
} span_anchor;

typedef struct {
  span_kind kind;
  unsigned style;
  char *text; /* UTF-8; "" for breaks */
  char *url;  /* link target, or NULL */
  int line, col; /* where the text starts in the source (columns in characters) */
  /* Where a span joined from pieces (merged text nodes, markup between,
   * placeholders replaced) jumps in the source; anchors[0] is at offset 0.
   * None when the text runs from line:col without a gap. */
  span_anchor *anchors;
  size_t nanchors;
} span;

typedef struct {
  span *items;
  size_t len, cap;
} span_list;

typedef enum {
  BLK_PARAGRAPH,
  BLK_HEADING,
  BLK_CODE,
  BLK_RULE,
  BLK_TABLE,
  BLK_IMAGE,
  BLK_FIGURES, /* ```figures block, replaced by a table once figures are bound */
  BLK_CHART,
} block_kind;

/* A column width the author set: <!-- widths: 6% 12% * 30mm 4字 --> */
typedef struct {
  char unit;          /* 0: automatic (*); '%': of the table's width; 'p': pt; 'e': em of the table font */
  double value;
} col_width;

/* "30%", "12mm", "3cm", "40pt", "4字"/"4em" or "*"; false for anything else. */
bool doc_col_width_parse(const char *text, col_width *w);

typedef struct {
  int rows, cols;     /* row 0 is the header row */
  char *align;        /* per column: 'l', 'c', 'r' or 0 (not given) */
  span_list *cells;   /* rows * cols, row-major */
  col_width *widths;  /* per column, or NULL: all automatic */
  /* Per column of row 0, or NULL: 'i', 'v' or 'u' where the header is the
   * layout's word for indicator, value or unit (figures_headers), set by
   * the layout; 0 where the cell holds its own text (a year). */
  char *header_words;
} table_data;

typedef struct {
  char *name, *unit;
  double *values;     /* one per category; NAN where there is no data */
  char **labels;      /* printed values, one per category */
} chart_series;

typedef struct {
  bool line;          /* line chart; bar chart otherwise */
  char *title;
  size_t ncat;
  char **categories;  /* x-axis labels */
  size_t nseries;
  chart_series *series;
} chart_data;

/* A paragraph or a heading (BLK_PARAGRAPH, BLK_HEADING). */
typedef struct {
  span_list spans;
  int level;          /* heading level 1-6; 0 for a paragraph */
  char *number;       /* heading number found in the text: "一、", "（一）", "1.", "（1）" */
  int number_level;   /* the hierarchy level that number belongs to (1-4), 0 if none */
} block_text;

typedef struct {
  char *literal;      /* the code as written */
  char *info;         /* the info string, or NULL */
} block_code;

typedef struct {
  char *path;         /* resolved against the summary's folder */
  char *alt;          /* the image's description */
} block_image;

/* A table: one from the Markdown, a bound ```figures block, or the front
 * matter's key figures. A caption, when there is one, is the layout's. */
typedef struct {
  table_data *data;
  bool key_figures;   /* the front matter's key-figures table; the layout captions and places it */
} block_table;

/* A ```figures block before binding (binding makes it a BLK_TABLE). */
typedef struct {
  char *literal;
} block_figures;

typedef struct {
  char *literal;      /* the chart spec as written (YAML) */
  chart_data *data;   /* the bound chart; NULL until then or when binding failed */
} block_chart;

/* One block: what every kind has, then, by kind, what only it holds. */
typedef struct {
  block_kind kind;
  int list_depth;     /* lists this block is nested in */
  int quote_depth;    /* block quotes this block is nested in */
  char *marker;       /* list marker ("1." or "•") on an item's first block */
  int line, col;
  union {
    block_text text;       /* BLK_PARAGRAPH, BLK_HEADING */
    block_code code;       /* BLK_CODE */
    block_image image;     /* BLK_IMAGE */
    block_table table;     /* BLK_TABLE */
    block_figures figures; /* BLK_FIGURES */
    block_chart chart;     /* BLK_CHART */
  } as;               /* BLK_RULE has nothing of its own */
} block;

/* The block's running text (paragraphs and headings), else NULL. */
span_list *block_spans(block *b);
const span_list *block_spans_const(const block *b);
/* The literal text of a code, figures or chart block, else NULL. */
char *block_literal(const block *b);
/* A table block's table, else NULL. */
table_data *block_table_data(const block *b);
/* Frees what the block holds by its kind and leaves it a BLK_RULE at the same place. */
void block_clear(block *b);

typedef struct document {
  char *file;         /* the summary's path, for messages */
  char *dir;          /* its folder, for images */
  doc_meta meta;
  block *items;
  size_t len, cap;
  /* 附件 (the document layout): each a summary of its own, laid out after
   * the body on new pages; owned (document_attach). */
  struct document *attachments;
  size_t nattachments;
} document;

void span_list_push(span_list *l, span_kind kind, unsigned style, const char *text,
                    size_t len, const char *url, int line, int col);
void span_list_free(span_list *l);
/* The source line and column of the character at offset (in characters). */
void span_source(const span *s, int offset, int *line, int *col);
/* Records that from character at of s on, the source is at line:col. */
void span_add_anchor(span *s, int at, int line, int col);
/* Positions of characters [from, to) of src for the text placed at character at of dst. */
void span_map_positions(span *dst, int at, const span *src, int from, int to);
/* Drops the positions of the first n characters (the text itself is the caller's). */
void span_drop_front(span *s, int n);
/* The spans' text concatenated (breaks as "\n"); caller frees. */
char *span_list_text(const span_list *l);
block *document_add(document *doc, block_kind kind, int line, int col);
void document_free(document *doc);
/* Moves att (a parsed and bound attachment) to the end of doc's
 * attachments; att is left empty. */
void document_attach(document *doc, document *att);
void block_table_free(table_data *t);
void block_chart_free(chart_data *c);

/* A readable dump of the model, one block a line, for tests:
 * `para [text "要坚持"] [strong "“一村一策”"] ...`. Caller frees. */
char *document_dump(const document *doc);
char *span_list_dump(const span_list *l);

/* Recognises a heading number at the start of text in either width:
 * 一、 (level 1), （一）/(一) (2), 1. / 1． / 1、 (3), （1）/(1) (4).
 * Returns the level (0 if none) and the number's length in bytes. */
int doc_heading_number_parse(const char *text, size_t *len);

#endif
