/* The one CSV reader (csv_rows.c), for the figures and the address book:
 * UTF-8 text through libcsv (strict quotes), each record with its row. */
#ifndef BRIEF_CSV_ROWS_H
#define BRIEF_CSV_ROWS_H

#include <stddef.h>

#include "diag.h"
#include "util.h"

typedef struct {
  VEC(char **) records; /* NULL-terminated field arrays, blank lines as libcsv gives them */
  VEC(int) numbers;     /* the row (record number, from 1) of each */
} csv_rows;

/* Reads text (UTF-8) into rows. Returns 0, or -1 with the error at
 * path:row ("CSV: …; check the quotes of this row"); rows is to be freed
 * either way. A record taken over may be set to NULL: it is skipped. */
int csv_rows_read(const char *text, size_t len, const char *path, csv_rows *rows, diag_list *dl);
void csv_rows_free(csv_rows *rows);

#endif
