/* Where a render may write: never over one of its inputs (the same file
 * under any name, hard or symbolic link), never through a device, FIFO or
 * socket. The output itself is written atomically (temporary file beside
 * it, renamed when complete: util.h), so what this refuses is what the
 * rename would have replaced. */
#ifndef BRIEF_OUTPATH_H
#define BRIEF_OUTPATH_H

#include <stddef.h>
#include <sys/types.h>

#include "diag.h"

typedef struct {
  dev_t dev;
  ino_t ino;
  char *path; /* as given */
  const char *role; /* "the summary", "the figures file", ... */
} input_file;

typedef struct {
  input_file *items;
  size_t len, cap;
} input_files;

/* Adds path (a file that exists; others are skipped: nothing to protect). */
void outpath_inputs_add(input_files *in, const char *path, const char *role);
void outpath_inputs_free(input_files *in);

/* 0 when output may be written: it is none of inputs and, when it exists,
 * a regular file (or a symbolic link to one). Else an error naming output. */
int outpath_check(const char *output, const input_files *inputs, diag_list *dl);

#endif
