/* brief: Markdown case summaries + county figures → Chinese PDF briefs.
 * The public interface: an engine (fonts and layouts, loaded once and
 * shared) and jobs rendered with it. */
#ifndef BRIEF_H
#define BRIEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"
#include "frontmatter.h"

typedef struct brief_engine brief_engine;

/* data_dir holds fonts/ and layouts/. NULL on error (diagnostics added). */
brief_engine *brief_engine_new(const char *data_dir, diag_list *dl);
/* The same, with more folders of font files searched after data_dir/fonts
 * (see datadir.h). The engine is then only read: threads may share it. */
brief_engine *brief_engine_open(const char *data_dir, const char *const *font_dirs, size_t nfont_dirs,
                                diag_list *dl);
void brief_engine_free(brief_engine *e);

/* What only a server (brief serve) sets on a job: the summary's bytes from
 * the request, the folder its images must lie in, and when to give up. The
 * command line leaves it all zero. */
typedef struct {
  const char *text;         /* the summary's bytes; then input only names it (messages, image folder) */
  size_t text_len;
  const char *image_root;   /* non-NULL: images must be files inside this folder ("" allows none) */
  bool layout_names_only;   /* layouts only by installed name, never a path */
  double time_limit_ms;     /* > 0: give up with BRIEF_TIME_LIMIT past this (polled inside each stage: stop.h) */
  bool (*abandoned)(void *arg); /* non-NULL: polled likewise; true gives up (-1): the result is wanted no more */
  void *abandoned_arg;
} brief_served;

typedef struct {
  const char *input;    /* the summary (.md) */
  const char *output;   /* the PDF to write */
  const char *figures;  /* figures CSV or workbook (.xlsx, .xls), or NULL */
  const char *sheet;    /* --sheet: the workbook's sheet, NULL for the first */
  const char *layout;   /* layout name or path, or NULL: front matter, then "official" */
  const char *numbered; /* numbered copies "1-30", or NULL: front matter's 'numbered' */
  bool strict;          /* --strict: a GB18030 summary is an error, not a warning */
  bool allow_empty;     /* --allow-empty: an empty summary gives a blank brief */
  bool allow_outside;   /* --allow-outside: images (and layouts) named by the summary may lie outside its folder */
  bool no_normalize;    /* --no-normalize: print the text as typed (see normalize.h) */
  brief_served served;  /* a server's request (brief_served); zero for the command line */
  int formats;          /* BRIEF_PDF | BRIEF_OFD; 0: by output's extension (.ofd: OFD, else PDF) */
  bool attached;        /* an attachment (附件) being prepared: its own attachments are not read */
} brief_job;

#define BRIEF_TIME_LIMIT (-2) /* a render returned this: the time limit passed */

/* Output formats. With both, output's extension is replaced for each. */
enum { BRIEF_PDF = 1, BRIEF_OFD = 2 };

/* Renders one brief. The PDF is written whole or not at all. */
int brief_render(brief_engine *e, const brief_job *job, diag_list *dl);
/* Renders one brief into memory: *pdf (malloc'd, *len bytes). 0, -1 or BRIEF_TIME_LIMIT. */
int brief_render_memory(brief_engine *e, const brief_job *job, char **pdf, size_t *len, diag_list *dl);
/* Prints the text of a summary as the PDF shows it, for checking extraction. */
int brief_text(brief_engine *e, const brief_job *job, FILE *out, diag_list *dl);
typedef struct {
  const char *booklet;       /* --booklet BOOK.pdf, or NULL */
  const char *booklet_title; /* --booklet-title, else booklet.yaml's title */
  const char *booklet_yaml;  /* booklet.yaml beside the summaries, or NULL */
  const char *layout;        /* the booklet's layout (--layout), NULL: official */
  int jobs;                  /* worker processes; 0: one per core */
  bool quiet;                /* no progress display */
} batch_options;

/* Renders every job into its own PDF in this process, going on past
 * failures (failed[i] is set for each), diagnostics into dl, nothing
 * printed; with booklet also writes the meeting booklet (for brief serve,
 * which must not fork its threads), in the formats of jobs[0] (0: by
 * booklet's extension). Returns 0 when everything was written. */
int brief_batch(brief_engine *e, const brief_job *jobs, size_t n, const char *booklet, bool *failed,
                diag_list *dl);

/* Renders every job into its own PDF on o->jobs worker processes, going on
 * past failures (failed[i] is set for each); each PDF is written as soon
 * as it is done, and its bytes do not depend on the number of workers.
 * Shows progress on stderr and ends with a summary listing every failure
 * with its diagnostics. With o->booklet also writes the meeting booklet
 * of all briefs that rendered. Returns 0 when everything was written. */
int brief_batch_run(brief_engine *e, const brief_job *jobs, size_t n, const batch_options *o, bool *failed);

/* The signal (SIGINT, SIGTERM) that interrupted rendering, or 0: see
 * signals.h. brief_render and brief_batch then stop at the next stage, the
 * PDF being written removed; a batch marks the briefs it did not write as
 * failed and writes no booklet. */
int brief_interrupted(void);
/* Installs the SIGINT/SIGTERM handlers for render and batch. */
void brief_handle_signals(void);
/* The front matter of a summary as a render sees it (the title taken from
 * the first level-1 heading when the front matter has none). Caller frees
 * meta with doc_meta_free. */
int brief_read_meta(const char *input, doc_meta *meta, diag_list *dl);
/* `brief check`: parses, binds and normalises each summary without writing
 * a PDF, prints every change and problem to out; with fix writes the
 * normalised Markdown back. Returns 0 when clean (check.c). */
int brief_check(brief_engine *e, const brief_job *jobs, size_t n, bool fix, FILE *out, diag_list *dl);
/* What check runs: the normalisation report of one job and the source it
 * was found in (caller frees both). */
struct nz_report;
int brief_normalize_job(brief_engine *e, const brief_job *job, struct nz_report *rep, char **source,
                        size_t *len, diag_list *dl);

int brief_list_layouts(brief_engine *e, FILE *out, diag_list *dl);
void brief_list_fonts(brief_engine *e, FILE *out);

#endif
