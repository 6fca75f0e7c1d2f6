/* Line-breaker items for tests and fuzzing: CJK one em wide, ASCII half an
 * em, full-width marks squeezable by half an em. Invalid bytes are skipped. */
#ifndef BRIEF_TEST_LB_ITEMS_H
#define BRIEF_TEST_LB_ITEMS_H

#include "linebreaker.h"
#include "utf8.h"

static inline size_t lb_items_of(const char *text, size_t len, lb_item *items) {
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t k = utf8_decode(text + i, len - i, &cp);
    if (!k) {
      i++;
      continue;
    }
    i += k;
    lb_item it = {0};
    it.cp = cp;
    it.adv = cp < 0x80 ? 0.5 : 1;
    it.space = cp == ' ';
    it.shrink = uchar_is_closing_punct(cp) || uchar_is_opening_punct(cp) ? 0.5 : 0;
    it.stretch = true;
    items[n++] = it;
  }
  linebreak_find(items, n);
  return n;
}

#endif
