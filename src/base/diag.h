/* Diagnostics: errors and warnings with a source position, collected by
 * every stage and printed by the caller as `file:line:col: error: ...`. */
#ifndef BRIEF_DIAG_H
#define BRIEF_DIAG_H

#include <stdio.h>

typedef enum { DIAG_WARNING, DIAG_ERROR, DIAG_NOTE } diag_severity;

typedef struct {
  diag_severity severity;
  char *file; /* may be NULL for errors without a file */
  int line, col; /* 1-based; 0 when unknown */
  char *message;
} diag;

typedef struct {
  diag *items;
  size_t len, cap;
  int errors;
} diag_list;

void diag_add(diag_list *dl, diag_severity sev, const char *file, int line, int col,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#define diag_error(dl, file, line, col, ...) diag_add(dl, DIAG_ERROR, file, line, col, __VA_ARGS__)
#define diag_warning(dl, file, line, col, ...) diag_add(dl, DIAG_WARNING, file, line, col, __VA_ARGS__)
void diag_print(const diag_list *dl, FILE *out);
void diag_clear(diag_list *dl);

#endif
