/* What the pipeline driver (render.c) gives brief batch (batch.c) beyond
 * brief.h: one brief rendered with the facts the booklet needs, the
 * batch's output checks and the booklet written. Internal to the engine:
 * render.c renders one brief and writes the booklet, batch.c runs the
 * workers and orders the booklet. */
#ifndef BRIEF_RENDER_H
#define BRIEF_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "brief.h"
#include "booklet.h"
#include "pdf.h"

/* What the booklet needs of one rendered brief. */
typedef struct {
  booklet_entry entry;   /* title, page count, headings */
  char *county;
  glyph_inventory glyphs; /* what each face prints (face pointers only in the process that laid it out) */
  pdf_page_part *parts;  /* entry.npages page bodies, or NULL */
  const brief_job *job;  /* the job it came from (set by the batch, never sent by a worker) */
} brief_facts;

/* brief_render, also filling facts (with page bodies when want_parts). */
int brief_render_facts(brief_engine *e, const brief_job *job, bool want_parts, brief_facts *facts, diag_list *dl);
void brief_facts_free(brief_facts *f);
size_t brief_engine_face_count(const brief_engine *e);
/* Two summaries with the same file name in different folders would write
 * the same PDF: clash[i] is set for the second (and for a brief named like
 * the booklet, or whose PDF would replace an input of the batch or a
 * device), with an error in diags[i]. */
void brief_mark_clashes(const brief_job *jobs, size_t n, const char *booklet, bool *clash, diag_list *diags);
/* The booklet's file(s) are no input of the batch (a summary, a figures
 * file, booklet.yaml) and no device: 0, or -1 with an error in dl. */
int brief_check_booklet_output(const brief_job *jobs, size_t n, const char *booklet, const char *booklet_yaml,
                               diag_list *dl);
/* Reads a figures file once for every brief that names it (before forking). */
void brief_engine_cache_figures(brief_engine *e, const char *path);
/* Writes the booklet of facts[0..n) (booklet order) at path, atomically,
 * in formats (BRIEF_PDF | BRIEF_OFD; 0: by path's extension). */
int brief_write_booklet(brief_engine *e, const booklet_meta *meta, const char *layout, brief_facts *const *facts,
                        size_t n, uint8_t *const *used, const char *path, int formats, diag_list *dl);

#endif
