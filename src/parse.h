/* Parse stage entry point: a summary file → the whole document model. */
#ifndef BRIEF_PARSE_H
#define BRIEF_PARSE_H

#include "diag.h"
#include "model.h"

/* Parses the summary at path (or, when text is not NULL, its text_len bytes
 * given in memory, a server's request body, named path): front matter and
 * Markdown; numbered, when not NULL, is a --numbered range replacing the
 * front matter's. *source gets the summary's text (caller frees; NULL when
 * unread) for the normalisation stage. Returns 0, or -1 with diagnostics;
 * doc is to be freed either way. */
int document_parse(const char *path, const char *text, size_t text_len, const char *numbered, document *doc,
                   char **source, size_t *source_len, diag_list *dl);
/* The end of parsing, after normalisation (so the title is normalised as
 * printed): without a front matter title, the first level-1 heading is the
 * title and no longer a heading of the body. */
void document_take_title(document *doc);

#endif
