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

typedef struct {
  item_kind kind;
  double x, y, w, h;  /* TEXT: baseline origin; LINE: from (x,y) to (x+w,y+h); others: box */
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
  char *text;         /* TEXT: UTF-8 of the codes shown (Private Use codes from the
                       * face's face_codes included); IMAGE: file path; LINK: URL */
} page_item;

typedef struct {
  page_item *items;
  size_t len, cap;
  double w, h; /* this page's size when it differs from the document's (a booklet of briefs); 0: page_w/page_h */
} page_box;

typedef struct {
  int level;     /* 1-based */
  char *title;
  int page;      /* 0-based */
  double y;
} outline_entry;

typedef struct {
  double page_w, page_h;
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

/* Lays out doc. Returns 0, or -1 with diagnostics (missing glyphs, images). */
int layout_document(const document *doc, const layout_spec *spec, const font_lib *fonts,
                    laid_out *out, diag_list *dl);
void laid_out_free(laid_out *lo);

/* The code points set in a 65536-bit map (bits[cp >> 3] bit cp & 7), in
 * order, into a new array; *n gets their count. */
uint32_t *cp_bitmap_list(const uint8_t *bits, size_t *n);

#endif
