/* The meeting booklet of `brief batch --booklet` (会议材料汇编), its one
 * owner in the engine. The batch (batch.c) renders the briefs and hands
 * over their facts; this module gathers their characters, checks the
 * booklet's output, reads booklet.yaml, decides which briefs go in and in
 * what order, has the frame (cover, 目录, page numbers) laid out
 * (layout/booklet.c), gives the booklet's characters one code each
 * (re-encoding the briefs' page bodies) and writes the PDF (output/pdf.c's
 * pdf_write_booklet) and the OFD (layout/laid_out.c joins the pages). */
#ifndef BRIEF_BOOKLET_JOB_H
#define BRIEF_BOOKLET_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "brief.h"
#include "diag.h"
#include "render.h"

/* Moves the characters brief f prints into used[0..nfaces) (65,536-bit
 * maps by face id, each allocated on first use; the caller frees them),
 * so that a batch holds its characters once, not once per brief. */
void booklet_job_take_chars(brief_facts *f, uint8_t **used, size_t nfaces);

/* Writes the booklet o->booklet (cover: o->booklet_title, else
 * o->booklet_yaml's; layout o->layout) of the briefs rendered: facts[i] of
 * jobs[i], NULL for a brief that failed. used[id] are the characters the
 * briefs print in face id (65,536-bit maps, NULL: none). In the formats of
 * jobs[0] (every job has the same; 0: by the booklet's extension, both: its
 * .pdf and .ofd). Returns 0, or -1 with diagnostics in dl. */
int booklet_job_write(brief_engine *e, const batch_options *o, const brief_job *jobs, size_t n,
                      brief_facts *const *facts, uint8_t *const *used, diag_list *dl);

#endif
