/* brief print: briefs to a CUPS print queue, one job per PDF. */
#ifndef BRIEF_PRINT_H
#define BRIEF_PRINT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  const char *printer; /* queue name, or NULL: the default destination, as lp finds it */
  const char *copies;  /* "3", or NULL: 1 */
  const char *sides;   /* one-sided | two-sided-long-edge | two-sided-short-edge, or NULL:
                          two-sided-long-edge for more than one page, else one-sided */
  bool dry_run;        /* say what would be sent where, send nothing */
} print_options;

/* Prints every PDF given (a folder: its *.pdf in booklet order, i.e. by
 * name). Returns the exit status: 0, 1 (a job failed; the jobs already
 * sent are listed) or 2 (bad arguments). Messages go to stderr. */
int print_command(const print_options *o, char *const *inputs, size_t n);

#endif
