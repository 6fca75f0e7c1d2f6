/* What the pipeline driver (render.c) gives the rest of the engine beyond
 * brief.h: one brief rendered with the facts the booklet needs, the
 * batch's output checks, and the pieces the booklet (booklet_job.c) writes
 * with: a brief laid out again, the one atomic write, the output formats.
 * Internal to the engine: render.c renders one brief, batch.c runs the
 * workers, booklet_job.c makes the booklet. */
#ifndef BRIEF_RENDER_H
#define BRIEF_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "brief.h"
#include "booklet.h"
#include "outpath.h"
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
const font_lib *brief_engine_fonts(const brief_engine *e);
const char *brief_engine_layouts_dir(const brief_engine *e);
long long brief_engine_source_epoch(const brief_engine *e);
/* Two summaries with the same file name in different folders would write
 * the same PDF: clash[i] is set for the second (and for a brief named like
 * the booklet, or whose PDF would replace an input of the batch or a
 * device), with an error in diags[i]. */
void brief_mark_clashes(const brief_job *jobs, size_t n, const char *booklet, bool *clash, diag_list *diags);
/* Reads a figures file once for every brief that names it (before forking). */
void brief_engine_cache_figures(brief_engine *e, const char *path);

/* job laid out (parse, figures, layout) with its own time limit counted
 * from now: 0, or -1 with diagnostics; lo is to be freed either way. */
int brief_lay_out_job(brief_engine *e, const brief_job *job, laid_out *lo, diag_list *dl);
/* Writes path atomically, the one way every output is written: fill()
 * fills a temporary file beside path (arg is its own), which is renamed
 * over path when complete and removed otherwise, so a failure or a signal
 * leaves no partial file and never touches an existing one. fail() says why
 * the file could not be made or committed (not after a signal: EINTR).
 * Returns 0, or -1. */
int brief_write_atomically(const char *path, int (*fill)(void *arg, const char *temp, diag_list *dl), void *arg,
                           void (*fail)(diag_list *dl, const char *path, int err), diag_list *dl);
/* The formats asked for, 0: by the extension of output (.ofd: OFD, else PDF). */
int brief_resolve_formats(const char *output, int formats);
/* output with its .pdf/.ofd extension (if any) replaced by ext (malloc'd). */
char *brief_with_extension(const char *output, const char *ext);
/* The inputs a job reads by name: its summary, figures and layout file. */
void brief_job_inputs(const brief_job *job, input_files *in);
/* Each file written at output in formats is none of in and no device
 * (outpath.h): 0, or -1 with an error in dl. */
int brief_check_outputs(const char *output, int formats, const input_files *in, diag_list *dl);

#endif
