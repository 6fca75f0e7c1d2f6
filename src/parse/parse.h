/* Parse stage entry point: a summary file → the whole document model. */
#ifndef BRIEF_PARSE_H
#define BRIEF_PARSE_H

#include "diag.h"
#include "input.h"
#include "model.h"

typedef struct {
  const char *text;      /* the summary's bytes in memory (a server's request body), else NULL: read the file */
  size_t text_len;
  const char *numbered;  /* a --numbered range replacing the front matter's, or NULL */
  input_options input;   /* the input checks (input.h) */
} parse_options;

/* Parses the summary at path (or o->text, named path): the input checks
 * of its bytes (input.h), front matter and Markdown, the checks of the
 * parsed document, the copy numbers. o may be NULL (defaults). *source gets
 * the summary's text (caller frees; NULL when unread) for the
 * normalisation stage. Returns 0, or -1 with diagnostics; doc is to be
 * freed either way. */
int document_parse(const char *path, const parse_options *o, document *doc, char **source, size_t *source_len,
                   diag_list *dl);
/* The end of parsing, after normalisation (so the title is normalised as
 * printed): without a front matter title, the first level-1 heading is the
 * title and no longer a heading of the body. */
void document_take_title(document *doc);

#endif
