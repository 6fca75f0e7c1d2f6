/* Parse stage entry point: a summary file → the whole document model. */
#ifndef BRIEF_PARSE_H
#define BRIEF_PARSE_H

#include "diag.h"
#include "model.h"

/* Parses the summary at path (or, when text is not NULL, its text_len bytes
 * given in memory, a server's request body, named path): front matter,
 * Markdown, the title (the first level-1 heading when the front matter has
 * none); numbered, when not NULL, is a --numbered range replacing the front
 * matter's. Returns 0, or -1 with diagnostics; doc is to be freed either way. */
int document_parse(const char *path, const char *text, size_t text_len, const char *numbered, document *doc,
                   diag_list *dl);

#endif
