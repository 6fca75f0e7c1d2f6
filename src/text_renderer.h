/* Plain-text renderer of the document model: the text the PDF prints, in
 * reading order, one block a line (table cells separated by tabs). Used by `brief text` and the tests that
 * compare it with what pdftotext extracts. */
#ifndef BRIEF_TEXT_RENDERER_H
#define BRIEF_TEXT_RENDERER_H

#include "model.h"

char *text_render(const document *doc);

#endif
