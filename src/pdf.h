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
  double deadline_ms;        /* CLOCK_MONOTONIC time in ms; > 0: stop past it (checked per page) */
  const char *target;        /* the file named in write errors (path is renamed to it); NULL: path */
} pdf_options;

#define PDF_TIME_LIMIT (-2)  /* returned when the deadline passed */

/* Writes lo as a PDF file at path (the caller makes it atomic). */
int pdf_write(const laid_out *lo, const pdf_options *opts, const char *path, diag_list *dl);
/* The same into memory: *data (malloc'd, *len bytes). */
int pdf_write_memory(const laid_out *lo, const pdf_options *opts, char **data, size_t *len, diag_list *dl);

#endif
