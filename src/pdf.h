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

/* Writes lo as a PDF file at path (the caller makes it atomic). */
int pdf_write(const laid_out *lo, const pdf_options *opts, const char *path, diag_list *dl);

#endif
