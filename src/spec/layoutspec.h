/* Layout files (layouts/NAME.yaml): everything a layout decides, read from
 * data. The layout engine takes its page geometry and styles only from here. */
#ifndef BRIEF_LAYOUTSPEC_H
#define BRIEF_LAYOUTSPEC_H

#include <stdbool.h>

#include "diag.h"
#include "frontmatter.h"
#include "model.h"
#include "normalize.h"

typedef struct {
  double r, g, b;
} rgb;

/* A length as written: points, ems of the role's size, or lines of the pitch. */
typedef enum { LEN_PT, LEN_EM, LEN_LINE } length_unit;
typedef struct {
  double value;
  length_unit unit;
} length;

typedef enum { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT, ALIGN_JUSTIFY } text_align;

/* Punctuation width schemes (ctex's names): quanjiao every mark a full em,
 * two adjacent marks 1.5 em; banjiao every mark half an em; kaiming 。？！ a
 * full em, the others half; plain no adjustment, every character on the grid. */
typedef enum { PUNCT_INHERIT = -1, PUNCT_QUANJIAO, PUNCT_BANJIAO, PUNCT_KAIMING, PUNCT_PLAIN } punct_scheme;

/* The roles: the one list of them. X(id, key in the layout file). */
#define BRIEF_ROLES(X)                                                                        \
  X(ROLE_TITLE, "title") X(ROLE_SUBTITLE, "subtitle") X(ROLE_H1, "heading1") X(ROLE_H2, "heading2") \
  X(ROLE_H3, "heading3") X(ROLE_H4, "heading4") X(ROLE_BODY, "body") X(ROLE_TABLE, "table")         \
  X(ROLE_TABLE_HEADER, "table_header") X(ROLE_CAPTION, "caption") X(ROLE_CODE, "code")               \
  X(ROLE_QUOTE, "quote") X(ROLE_PAGE_NUMBER, "page_number") X(ROLE_HEADER, "header")                 \
  X(ROLE_FOOTER, "footer") X(ROLE_MASTHEAD, "masthead") X(ROLE_MASTHEAD_ISSUE, "masthead_issue")     \
  X(ROLE_MASTHEAD_LINE, "masthead_line") X(ROLE_SIGNATURE, "signature")                              \
  X(ROLE_DISTRIBUTION, "distribution") X(ROLE_COPY_NUMBER, "copy_number")                           \
  X(ROLE_ISSUER, "issuer") X(ROLE_DOC_NUMBER, "doc_number") X(ROLE_SIGNER, "signer")                 \
  X(ROLE_SECRECY, "secrecy") X(ROLE_ADDRESSEE, "addressee") X(ROLE_ATTACHMENT, "attachment")         \
  X(ROLE_NOTE, "note")

typedef enum {
#define BRIEF_ROLE_ID(id, key) id,
  BRIEF_ROLES(BRIEF_ROLE_ID)
#undef BRIEF_ROLE_ID
  ROLE_COUNT
} role_id;

typedef struct {
  char *font;          /* font-map role: song, hei, kai, fangsong, mono, xiaobiaosong … */
  double size;         /* pt */
  bool bold;
  rgb color;
  text_align align;
  length space_before, space_after;
  length indent;       /* first line */
  length margin_left;  /* every line */
  double line_height;  /* lines of the pitch one text line takes (grid) or × size */
  punct_scheme punctuation; /* the layout's unless the role sets one */
} role_style;

/* heading_numbering: headings keep the numbers typed (一、…), or brief generates them. */
typedef enum { NUMBER_TEXT, NUMBER_GENERATE } heading_numbering_mode;
typedef enum { PAGES_ALL, PAGES_NOT_FIRST, PAGES_NONE } page_selection;
typedef enum { POS_CENTER, POS_OUTSIDE, POS_RIGHT, POS_LEFT } page_position;
typedef enum { KF_AFTER_TITLE, KF_END } key_figures_position;

/* The layout file's mappings, one struct each, named as the file names them. */
typedef struct {
  double top, bottom, left, right;       /* pt */
} page_margins;

typedef struct {
  double width, height;                  /* pt: from size and orientation */
  int size, orientation;                 /* as read: an index of A4 A5 A3 B5 Letter; portrait, landscape */
  page_margins margins;
} page_spec;

typedef struct {
  int chars_per_line, lines_per_page;    /* 0: no character grid */
} grid_spec;

typedef struct {
  char *emphasis, *strong, *code;        /* font roles of *emphasis*, **strong**, `code` */
} inline_fonts;

typedef struct {
  char *format;                          /* "— {page} —" */
  page_position position;
  page_selection pages;
  double offset;                         /* below the type area, pt */
  length inset;
} page_number_spec;

typedef struct {
  char *text;                            /* with {title} {county} {page} {pages} {date} */
  page_selection pages;
} running_text_spec;                     /* header: and footer: */

typedef struct {
  bool enabled;                          /* the mapping is there */
  char *name;                            /* "扶贫工作简报" */
  char *issue;                           /* "第{issue}期" */
  rgb color;
  double rule;                           /* pt, 0 = none */
} masthead_spec;

typedef struct {
  double outer;                          /* pt: the 版记's first and last rules (GB/T 9704-2012 7.4.1: 0.35 mm) */
  double inner;                          /* pt: the rules between its lines (0.25 mm) */
} distribution_rules_spec;

typedef struct {
  char *title;                           /* "主要数据"; NULL: no caption */
  key_figures_position position;         /* after the title, or after the body */
} key_figures_spec;

typedef struct {
  char *format;                          /* 份号 of numbered copies: "{copy}"; NULL: none */
  int digits;                            /* the number zero-padded to this many digits */
} copy_number_spec;

typedef struct {
  char **names;                          /* {序号: 3字, 备注: 30%}: widths of table columns by header text */
  col_width *widths;
  size_t count;
} table_widths_spec;

typedef struct {
  char *title;                           /* the meeting booklet's cover title when none is given ("会议材料汇编") */
  char *contents;                        /* the heading of its 目录 page ("目　录") */
  char *untitled;                        /* a 目录 line for a brief without a title ("（无标题）") */
} booklet_spec;

/* 文件式 (document: GB/T 9704-2012 7.2–7.5): the 版头, 附件, 版记 of a 红头文件 */
typedef struct {
  bool enabled;                          /* the mapping is there */
  char *suffix;                          /* "文件" after the issuers' names */
  rgb color;                             /* the 发文机关标志 and the red rule */
  double mark_top;                       /* pt: the 标志's top edge below the type area's top (35 mm) */
  double rule;                           /* pt: the red rule's weight */
  double rule_gap;                       /* pt: from the 发文字号 down to the red rule (4 mm) */
  char *signer;                          /* "签发人：" */
  char *attachments;                     /* "附件：" of the 附件说明 */
  char *attachment;                      /* "附件{n}" at the top of an attachment ({n} empty when one) */
  char *printed;                         /* "{date}印发": the 版记's 印发日期 */
  char *cc_end;                          /* "。" ending the 抄送 line */
} document_spec;

/* A layout file read: its structure is the file's (doc/layouts.md), a
 * member per top-level key, a nested struct per mapping. */
typedef struct {
  char *name, *description, *path;
  page_spec page;
  grid_spec grid;
  double line_pitch;                     /* pt; from the grid when it has lines */
  double cjk_latin_space;                /* em */
  punct_scheme punctuation;              /* default of the roles */
  inline_fonts inline_font;              /* the file's inline: */
  heading_numbering_mode heading_numbering;
  bool paragraph_headings;               /* a short paragraph starting 一、（一）1.（1） is that heading */
  bool title_block;                      /* title and subtitle at the top */
  bool signature;                        /* issuing unit and date at the end */
  role_style roles[ROLE_COUNT];
  page_number_spec page_number;
  running_text_spec header, footer;
  masthead_spec masthead;
  bool distribution;                     /* 版记 at the end */
  distribution_rules_spec distribution_rules;
  char *print_count;                     /* 版记: "（共印{copies}份）"; NULL: none */
  key_figures_spec key_figures;
  char *figures_headers[3];              /* figures tables: indicator, value, unit ("指标" …) */
  char *keywords;                        /* the PDF's keywords beside the county and layout name */
  copy_number_spec copy_number;
  table_widths_spec table_widths;
  normalize_rules normalize;             /* normalize: false | {quotes: false, …}; all on by default */
  booklet_spec booklet;
  document_spec document;
} layout_spec;

/* Loads a layout by name (layouts_dir/NAME.yaml) or by path. */
int spec_load(const char *name_or_path, const char *layouts_dir, layout_spec *out, diag_list *dl);
/* The parsing half of spec_load, on text already read (path names the
 * file in messages). Used by the fuzz target. */
int spec_parse_text(const char *text, size_t len, const char *path, layout_spec *out, diag_list *dl);
void spec_free(layout_spec *l);
/* Resolves a length to points for a role size and the layout's pitch. */
double spec_length_pt(length len, double size, double pitch);
/* Chinese size names: 初号 … 八号; returns 0 when s is not one. */
double spec_chinese_size_pt(const char *s);
/* Prints one line per installed layout: name and description. */
int spec_list(const char *layouts_dir, FILE *out, diag_list *dl);
/* The layout file's keys as a Markdown table (key, value, allowed, default,
 * meaning), made from the schema the reader uses: the table of doc/layouts.md. */
char *spec_keys_markdown(void);
/* Replaces {title} {county} {page} {pages} {date} {issue} {author}; caller frees. */
char *spec_expand(const char *tmpl, const doc_meta *meta, int page, int pages);

#endif
