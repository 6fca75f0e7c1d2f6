/* libFuzzer target: the line breaker on arbitrary text and widths. Checks
 * that lines cover every item once, in order, and never break the clreq
 * prohibition rules where another break was possible (the checks below). */
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
  if (!ready) linebreak_init(), ready = 1;
  size_t n = lb_items_of(text, size, items);
  lb_lines lines = {0};
  linebreak_lines(items, n, width, width, true, &lines, extra);
  size_t next = 0;
  for (size_t l = 0; l < lines.len; l++) {
    if (lines.items[l].start < next || lines.items[l].end < lines.items[l].start) abort();
    next = lines.items[l].end;
  }
  if (n && next > n) abort();
  /* The breaks between lines, checked against the clreq rules written out
   * here (not through linebreak_clreq_allows): a break at an opportunity keeps
   * every rule; a break elsewhere (an overlong run) only when the line had
   * no opportunity at all. */
  for (size_t l = 0; l + 1 < lines.len; l++) {
    size_t start = lines.items[l].start, b = lines.items[l + 1].start;
    if (b == 0 || b >= n || b <= start) abort();
    uint32_t before = items[b - 1].cp, after = items[b].cp;
    if (items[b - 1].brk == LB_MUST) continue;
    if (items[b - 1].brk == LB_ALLOW) {
      if (uchar_cannot_start_line(after) || uchar_cannot_end_line(before)) abort();     /* 行首/行尾禁则 */
      if (uchar_is_inseparable(before) && uchar_is_inseparable(after)) abort();         /* —— …… unsplit */
      if (is_digit(before) && (uchar_is_cjk_ideograph(after) || after == '%' || after == 0xFF05)) abort(); /* 13.8% */
      continue;
    }
    for (size_t k = start; k + 1 < b; k++)
      if (items[k].brk != LB_NO) abort(); /* broke at a prohibited place though an opportunity existed */
  }
  VEC_FREE(lines);
  free(items);
  free(extra);
  return 0;
}
