/* brief import: Word documents (.docx; .doc and .wps through LibreOffice)
 * written as case summaries, DIR/NAME.md and its images in DIR/NAME/, with
 * a report of what was recognised (docx.c reads, docx_markdown.c converts). */
#ifndef BRIEF_IMPORT_CMD_H
#define BRIEF_IMPORT_CMD_H

#include "frontmatter.h"

typedef struct {
  const char *outdir; /* NULL: beside each document */
} import_options;

/* Imports every document, going on past failures; prints the reports and
 * diagnostics. Returns the exit status (0, 1 when one failed, 2 on usage). */
int import_command(const import_options *o, const str_list *documents);

#endif
