/* The meeting booklet (会议材料汇编) of a batch: its frame, laid out here
 * (layout stage, no PDF): a cover, the 目录 with every brief's title, dot
 * leaders and its page number (clickable), and one page per brief page
 * carrying only the booklet's continuous page number. The briefs' own
 * pages go under those (pdf_write_booklet). */
#ifndef BRIEF_BOOKLET_H
#define BRIEF_BOOKLET_H

#include <stddef.h>

#include "diag.h"
#include "fonts.h"
#include "layout.h"
#include "layoutspec.h"

typedef struct {
  char *title;            /* the brief's title: its 目录 line and outline entry */
  size_t npages;
  double page_w, page_h;  /* the brief's paper: its pages keep it in the booklet (0: the booklet's) */
  outline_entry *outline; /* its headings; pages 0-based within the brief */
  size_t noutline;
} booklet_entry;

typedef struct {
  const char *title, *subtitle, *author, *date; /* the cover; date YYYY-MM-DD; title NULL: the layout's */
} booklet_meta;

/* Every page of the booklet, in order: the cover (page 1) and its blank
 * back, the 目录 from page 3 (an even number of pages), then each entry's
 * pages from an odd page on, a blank page after an odd count. host[p] is
 * the entry shown on page p (-1: none) and host_page[p] its page there.
 * The outline has one top-level entry per brief with its headings under
 * it. Returns 0, or -1 with diagnostics. */
int layout_booklet(const booklet_meta *meta, const booklet_entry *entries, size_t n, const layout_spec *spec,
                   const font_lib *fonts, laid_out *frame, int **host, int **host_page, diag_list *dl);

#endif
