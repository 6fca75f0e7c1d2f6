#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>

#include "util.h"

void diag_add(diag_list *dl, diag_severity sev, const char *file, int line, int col,
              const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = xvasprintf(fmt, ap);
  va_end(ap);
  diag d = {sev, file ? xstrdup(file) : NULL, line, col, msg};
  VEC_PUSH(*dl, d);
  if (sev == DIAG_ERROR) dl->errors++;
}

void diag_print(const diag_list *dl, FILE *out) {
  for (size_t i = 0; i < dl->len; i++) {
    const diag *d = &dl->items[i];
    const char *kind = d->severity == DIAG_ERROR ? "error" : d->severity == DIAG_NOTE ? "note" : "warning";
    if (d->file && d->line > 0)
      fprintf(out, "%s:%d:%d: %s: %s\n", d->file, d->line, d->col > 0 ? d->col : 1, kind, d->message);
    else if (d->file)
      fprintf(out, "%s: %s: %s\n", d->file, kind, d->message);
    else
      fprintf(out, "brief: %s: %s\n", kind, d->message);
  }
}

void diag_clear(diag_list *dl) {
  for (size_t i = 0; i < dl->len; i++) {
    free(dl->items[i].file);
    free(dl->items[i].message);
  }
  VEC_FREE(*dl);
  dl->errors = 0;
}
