/* Numbered copies (份号, GB/T 9704-2012 7.2.1): the copy numbers asked for
 * with `--numbered RANGE` or the front matter's `numbered:`. */
#ifndef BRIEF_NUMBERED_H
#define BRIEF_NUMBERED_H

#include <stddef.h>

#define NUMBERED_MAX_COPIES 10000 /* more copies in one PDF is a typo, not a meeting */
#define NUMBERED_MAX 999999       /* the 份号 has six digits */

/* Parses "1-30", "1,4,7-9" (spaces allowed around ',' and '-') into copy
 * numbers in the order written. Returns 0, or -1 with *why set to a
 * message saying what is wrong and how to write it (caller frees). A
 * number given twice is an error: two copies would carry the same 份号. */
int numbered_parse(const char *spec, int **numbers, size_t *n, char **why);

#endif
