/* What offices feed brief, checked before it is trusted: the summary's
 * size and encoding (UTF-8, or GB18030 read with a warning), control
 * characters, empty summaries; after parsing, the files a summary names
 * (kept inside its folder), link targets, long words, nesting and table
 * sizes. Every refusal is a diagnostic naming the file, line and column. */
#ifndef BRIEF_INPUT_H
#define BRIEF_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

typedef struct {
  bool strict;        /* --strict: a GB18030 summary is an error, not a warning */
  bool allow_empty;   /* --allow-empty: render an empty summary as a blank brief */
  bool allow_outside; /* --allow-outside: files named by the summary may be anywhere */
} input_options;

/* Reads the summary at path as UTF-8 text (converted from GB18030 when it
 * is that, with a warning; an error with o->strict), refusing files over
 * LIMIT_SUMMARY_BYTES, NUL bytes, other encodings (naming the first bad
 * byte) and control characters other than tab, CR, LF, VT and FF (VT and
 * FF, Word's manual breaks, are kept: input_check_document makes them line
 * breaks). An empty or white-space-only summary is a warning and NULL
 * unless o->allow_empty. Returns the text (caller frees) or NULL. */
char *input_read_summary(const char *path, const input_options *o, size_t *len, diag_list *dl);
/* The checks of input_read_summary on text already read (len bytes, NUL
 * terminated, owned by the function: freed or returned, perhaps converted).
 * Used by the fuzz targets. */
char *input_check_text(const char *path, char *text, size_t *len, const input_options *o, diag_list *dl);

/* The parsed summary: VT and FF become line breaks; every image must lie
 * inside the summary's folder (symlinks resolved) unless o->allow_outside;
 * overlong link targets lose their link and overlong words are reported
 * (warnings); nesting and table sizes are checked against the limits.
 * 0, or -1 with errors added. */
int input_check_document(document *doc, const input_options *o, diag_list *dl);

/* 0 when path (relative paths taken from the current folder) resolves,
 * symlinks followed, to a file inside dir; -1 otherwise. A path that does
 * not exist is judged by its spelling. */
int input_path_inside(const char *dir, const char *path);

#endif
