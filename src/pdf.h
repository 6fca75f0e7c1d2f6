/* PDF output: the only stage that calls libharu. Fonts are subset with
 * HarfBuzz first and embedded as CID TrueType; every stream compressed. */
#ifndef BRIEF_PDF_H
#define BRIEF_PDF_H

#include <stddef.h>

#include "diag.h"
#include "layout.h"

typedef struct {
  const char *creator;       /* "brief 0.1.0" */
  long long source_epoch;    /* SOURCE_DATE_EPOCH, or -1 */
} pdf_options;

/* Renders lo into a PDF in memory (*data, *len; caller frees). */
int pdf_render(const laid_out *lo, const pdf_options *opts, char **data, size_t *len, diag_list *dl);

#endif
