/* "Did you mean": names sorted by closeness, for error messages. */
#ifndef BRIEF_SUGGEST_H
#define BRIEF_SUGGEST_H

#include <stddef.h>

/* "a, b, c": names without duplicates, closest to wanted (edit distance
 * in characters) first, the five closest then "and N more"; caller frees. */
char *suggest_closest_names(const char *wanted, const char *const *names, size_t n);

/* How many names an error lists before "and N more". */
enum { CLOSEST_SHOWN = 5 };

/* The order suggest_closest_names lists names in: fills order[] (n entries) with
 * indices into names, duplicates dropped, closest to wanted first (by name
 * when wanted is NULL); returns how many. For callers that print more than
 * the name (a printer's "(default)"). */
size_t suggest_closest_order(const char *wanted, const char *const *names, size_t n, size_t *order);

/* A fixed vocabulary (a layout's keys, the words a setting takes): all of
 * it in its own order when it has at most five words, else as
 * suggest_closest_names lists it; caller frees. */
char *suggest_listed_names(const char *wanted, const char *const *names, size_t n);

#endif
