/* "Did you mean": names sorted by closeness, for error messages. */
#ifndef BRIEF_SUGGEST_H
#define BRIEF_SUGGEST_H

#include <stddef.h>

/* "a, b, c": names without duplicates, closest to wanted (edit distance
 * in characters) first, the five closest then "and N more"; caller frees. */
char *closest_names(const char *wanted, const char **names, size_t n);

#endif
