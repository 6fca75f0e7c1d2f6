/* Layout stage: the document model and a layout spec become pages of
 * positioned text runs, rules, images and links. Knows nothing of PDF
 * libraries; coordinates are PDF points with the origin bottom-left. */
#ifndef BRIEF_LAYOUT_H
#define BRIEF_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "fonts.h"
#include "layoutspec.h"
#include "model.h"

typedef enum { IT_TEXT, IT_LINE, IT_RECT, IT_IMAGE, IT_LINK } item_kind;

/* How a text item joins the text before it in reading order (page_text.c). */
typedef enum {
  SEP_AUTO, /* nothing on the same baseline (a space across a gap), else a new line */
  SEP_JOIN, /* nothing: the next line of a table cell */
  SEP_TAB,  /* a tab: the next cell of a table row */
} text_sep;

typedef struct {
  item_kind kind;
  double x, y, w, h;  /* TEXT: baseline origin and advance width; LINE: from (x,y) to (x+w,y+h); others: box */
  int face;           /* TEXT: font face id (font_face_id) */
  double size;        /* TEXT: font size */
  double char_space;  /* TEXT: added after every character (PDF Tc) */
  bool fake_bold;     /* TEXT: fill and stroke */
  bool folio;         /* TEXT: the page number (a booklet prints its own) */
  int dest;           /* LINK: > 0: a page of this document (1-based) instead of the URL */
  bool join_next;     /* TEXT: extract this run and the next as one span (they overlap or leave a gap) */
  bool fill, stroke;  /* RECT */
  double line_width;  /* LINE, RECT */
  rgb color;
  text_sep sep;       /* TEXT: joining the text before it */
  /* The one string an item owns, by kind (copied and freed as .text). */
  union {
    char *text;       /* TEXT: UTF-8 of the codes shown (Private Use codes from the
                       * face's face_codes included) */
    char *path;       /* IMAGE: the image file */
    char *url;        /* LINK: the URL */
  };
} page_item;

typedef struct {
  page_item *items;
  size_t len, cap;
  double w, h;  /* the page's size: a booklet mixes sizes */
} page_box;

typedef struct {
  int level;     /* 1-based */
  char *title;
  int page;      /* 0-based */
  double y;
} outline_entry;

typedef struct {
  page_box *pages;
  size_t npages, cap_pages;
  outline_entry *outline;
  size_t noutline, cap_outline;
  /* The characters each face prints, for subsetting: by face id. */
  const font_face **faces;
  uint32_t **face_cps;
  size_t *face_ncps;
  font_code **face_codes;  /* and the glyphs under Private Use codes (beyond the BMP, variants) */
  size_t *face_ncodes;
  size_t nfaces;
  char *title, *author, *subject, *keywords, *date;
  /* Numbered copies (份号): the pages are printed once per copy, each copy
   * starting on an odd page, copy k adding copy_marks[k] to its first page. */
  page_box *copy_marks;
  char **copy_labels;  /* "000001": the number as printed, for bookmarks */
  size_t ncopies;      /* 0: one copy, unnumbered */
} laid_out;

typedef struct layout_ctx layout_ctx;

/* Concatenation (the booklet): src's pages, outline and glyphs move to the
 * end of dst, after a blank page (the size of the page before it) when dst
 * has an odd page count, so every part starts on a right-hand page. src is
 * left empty (free it as usual); dst keeps its own document info. */
void laid_out_append(laid_out *dst, laid_out *src);
/* Booklets: the code dst gives a glyph c of face id shown under a Private
 * Use code (adding it to dst's), and src's text runs of face id re-encoded
 * to dst's codes. */
uint16_t laid_out_booklet_code(laid_out *dst, const font_code *c, size_t id);
void laid_out_recode(laid_out *dst, laid_out *src, size_t id);
/* Checks the invariants the writers rely on, in the spirit of cmark's
 * cmark_node_check: every page has a positive finite size; every item has
 * finite coordinates and lies on its page; every text item's face is in the
 * glyph inventory and every character it prints is listed for that face;
 * outline entries point at pages. Returns 0, or -1 with *why (caller frees)
 * naming the first violation. */
int laid_out_check(const laid_out *lo, char **why);

/* Lays out doc. Returns 0, or -1 with diagnostics (missing glyphs, images). */
int layout_document(const document *doc, const layout_spec *spec, const font_lib *fonts,
                    laid_out *out, diag_list *dl);
void laid_out_free(laid_out *lo);
/* The text the pages show, in the order the PDF writes it: one laid-out
 * line a line, table cells separated by tabs, every page (and numbered
 * copy) ended by a form feed as pdftotext ends them. Caller frees. */
char *laid_out_text(const laid_out *lo);

/* The code points set in a 65536-bit map (bits[cp >> 3] bit cp & 7), in
 * order, into a new array; *n gets their count. */
uint32_t *cp_bitmap_list(const uint8_t *bits, size_t *n);

#endif
