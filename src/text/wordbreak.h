/* Word boundaries of Chinese text (ICU's dictionary-based word break
 * iterator, UAX #29 with the CJ dictionary): a wrapped title keeps its
 * words whole, GB/T 9704-2012 7.3.1 (回行时，要做到词意完整). */
#ifndef BRIEF_WORDBREAK_H
#define BRIEF_WORDBREAK_H

#include <stddef.h>
#include <stdint.h>

/* How good a place for a line break the position before a character is. */
enum {
  WB_NONE = 0,   /* inside a word */
  WB_WEAK = 1,   /* between words, one of them a single character (县|委, 村|党|组织) */
  WB_STRONG = 2, /* between two words of two or more characters, or beside punctuation or digits */
};

/* For the n code points cps: at[k] (k = 1 .. n-1) rates the position
 * before cps[k]; at must hold n + 1 entries; at[0] and at[n] are strong.
 * ICU's dictionary splits a word it lacks (扶贫, 调研, 党建) into single
 * characters: between two one-character Han segments is WB_NONE. Returns
 * 0, or -1 when ICU could not segment (every position then strong). */
int wordbreak_boundaries(const uint32_t *cps, size_t n, unsigned char *at);

#endif
