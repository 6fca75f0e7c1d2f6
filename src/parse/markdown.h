/* Parse stage: Markdown (CommonMark + GFM tables, strikethrough, autolinks)
 * through cmark-gfm into the document model. */
#ifndef BRIEF_MARKDOWN_H
#define BRIEF_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

typedef struct {
  bool cjk_emphasis; /* pair emphasis delimiters next to CJK text (see cjk_emphasis.h) */
} markdown_options;

/* Registers cmark-gfm's extensions, a process-wide registry without a
 * lock: call once before parsing on several threads (brief_engine_new does). */
void markdown_init(void);

/* Appends the blocks of text to doc. line_offset is the number of lines
 * before text in its file (front matter). Returns 0, or -1 on error. */
int markdown_parse(const char *text, size_t len, int line_offset, const markdown_options *opts,
                   document *doc, diag_list *dl);

#endif
