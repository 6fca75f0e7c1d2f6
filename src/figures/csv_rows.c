/* See csv_rows.h. */
#include "csv_rows.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  csv_rows *rows;
  VEC(char *) fields;
  int record;
} reading;

static void on_field(void *s, size_t len, void *data) {
  reading *st = data;
  VEC_PUSH(st->fields, xstrndup(s ? s : "", len));
}

static void on_row(int c, void *data) {
  (void)c;
  reading *st = data;
  st->record++;
  char **rec = xcalloc(st->fields.len + 1, sizeof *rec);
  memcpy(rec, st->fields.items, st->fields.len * sizeof *rec);
  st->fields.len = 0;
  VEC_PUSH(st->rows->records, rec);
  VEC_PUSH(st->rows->numbers, st->record);
}

int csv_rows_read(const char *text, size_t len, const char *path, csv_rows *rows, diag_list *dl) {
  struct csv_parser p;
  csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
  reading st = {rows, {0}, 0};
  int rc = 0;
  if (csv_parse(&p, text, len, on_field, on_row, &st) != len || csv_fini(&p, on_field, on_row, &st) != 0) {
    diag_error(dl, path, st.record + 1, 0, "CSV: %s; check the quotes of this row", csv_strerror(csv_error(&p)));
    rc = -1;
  }
  csv_free(&p);
  for (size_t i = 0; i < st.fields.len; i++) free(st.fields.items[i]);
  VEC_FREE(st.fields);
  return rc;
}

void csv_rows_free(csv_rows *rows) {
  for (size_t r = 0; r < rows->records.len; r++) {
    if (!rows->records.items[r]) continue;
    for (char **f = rows->records.items[r]; *f; f++) free(*f);
    free(rows->records.items[r]);
  }
  VEC_FREE(rows->records);
  VEC_FREE(rows->numbers);
}
