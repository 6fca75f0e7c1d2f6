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
#include "stop.h"

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

/* What one face prints, for subsetting: its characters (sorted, once each)
 * and the glyphs it shows under Private Use codes (characters beyond the
 * BMP, glyph variants; libharu writes 16-bit codes). */
typedef struct {
  const font_face *face; /* NULL when nothing is printed with it */
  uint32_t *cps;
  size_t ncps;
  font_code *codes;
  size_t ncodes;
} face_glyphs;

/* The glyph inventory of a document, by face id (font_face_id): what the
 * writers subset and embed. */
typedef struct {
  face_glyphs *faces;
  size_t nfaces;
} glyph_inventory;

/* The document information: the PDF's info dictionary, the OFD's DocInfo. */
typedef struct {
  char *title, *author, *subject, *keywords;
  char *date; /* YYYY-MM-DD, or NULL */
} doc_info;

typedef struct {
  page_box *pages;   /* each with its own size */
  size_t npages, cap_pages;
  outline_entry *outline;
  size_t noutline, cap_outline;
  glyph_inventory glyphs;
  doc_info info;
  /* Numbered copies (份号): the pages are printed once per copy, each copy
   * starting on an odd page, copy k adding copy_marks[k] to its first page. */
  page_box *copy_marks;
  char **copy_labels;  /* "000001": the number as printed, for bookmarks */
  size_t ncopies;      /* 0: one copy, unnumbered */
} laid_out;

typedef struct layout_ctx layout_ctx;

/* The glyph inventory (laid_out.c). init gives nfaces empty faces. */
void glyph_inventory_init(glyph_inventory *g, size_t nfaces);
void glyph_inventory_free(glyph_inventory *g);
/* The character code of face id stands for: itself, or for a Private Use
 * code the real character. */
uint32_t glyph_inventory_char(const glyph_inventory *g, int id, uint32_t code);
/* The code g gives glyph c of face id, another document's (a booklet
 * numbers every brief's Private Use glyphs anew, in booklet order): the
 * same glyph (character and glyph id) keeps one code, a new one gets the
 * next Private Use code the face's own cmap leaves free. */
uint16_t glyph_inventory_code(glyph_inventory *g, size_t id, const font_code *c);
/* Adds the sorted characters cps of face to face id of g (kept sorted, once each). */
void glyph_inventory_add_chars(glyph_inventory *g, size_t id, const font_face *face, const uint32_t *cps, size_t n);
void laid_out_doc_info_free(doc_info *info);

/* Re-encodes the text of lo's pages from lo's Private Use codes to the
 * ones into gives the same glyphs (glyph_inventory_code, added to into):
 * before lo's pages join another document. */
void laid_out_recode(laid_out *lo, glyph_inventory *into);
/* Concatenation: src's pages, outline and glyphs move to the end of dst,
 * after a blank page (the size of the page before it) when dst has an odd
 * page count, so every part starts on a right-hand page. src is left empty
 * (free it as usual); dst keeps its own document info. */
void laid_out_append(laid_out *dst, laid_out *src);
/* The booklet's overlay: the items of src's page src_page go under dst's
 * page dst_page, without src's page number (dst prints its own); links
 * within src point to its pages in dst (first: src's first page there,
 * 0-based). src's page is left empty. Re-encode src first (laid_out_recode). */
void laid_out_put_under(laid_out *dst, size_t dst_page, laid_out *src, size_t src_page, int first);
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
/* The same, giving up (-1, no diagnostic: stop->reason says why) once
 * stop_due(stop) is true; stop may be NULL. */
int layout_document_until(const document *doc, const layout_spec *spec, const font_lib *fonts,
                          stop_check *stop, laid_out *out, diag_list *dl);
void laid_out_free(laid_out *lo);
/* The text the pages show, in the order the PDF writes it: one laid-out
 * line a line, table cells separated by tabs, every page (and numbered
 * copy) ended by a form feed as pdftotext ends them. Caller frees. */
char *laid_out_text(const laid_out *lo);

/* The code points set in a 65536-bit map (bits[cp >> 3] bit cp & 7), in
 * order, into a new array; *n gets their count. */
uint32_t *laid_out_cp_bitmap_list(const uint8_t *bits, size_t *n);

#endif
