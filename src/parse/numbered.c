#include "numbered.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *skip_spaces(const char *p) {
  while (*p == ' ' || *p == '\t') p++;
  return p;
}

/* A decimal number 1..NUMBERED_MAX at *p; advances *p. */
static bool read_number(const char **p, int *out) {
  const char *s = skip_spaces(*p);
  if (!isdigit((unsigned char)*s)) return false;
  long v = 0;
  while (isdigit((unsigned char)*s)) {
    v = v * 10 + (*s++ - '0');
    if (v > NUMBERED_MAX) return false;
  }
  if (v < 1) return false;
  *out = (int)v;
  *p = skip_spaces(s);
  return true;
}

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return x < y ? -1 : x > y;
}

static int fail(char **why, char *msg, int *numbers) {
  free(numbers);
  *why = msg;
  return -1;
}

int numbered_parse(const char *spec, int **numbers, size_t *n, char **why) {
  VEC(int) v = {0};
  const char *p = spec;
  *numbers = NULL;
  *n = 0;
  *why = NULL;
  if (!*skip_spaces(p))
    return fail(why, xstrdup("the copy numbers are empty; write a range such as 1-30 or 1,4,7-9"), NULL);
  while (*p) {
    int from, to;
    const char *at = skip_spaces(p);
    if (!read_number(&p, &from))
      return fail(why, xasprintf("expected a copy number from 1 to %d at '%s'; write a range such as 1-30 or 1,4,7-9",
                                 NUMBERED_MAX, at), v.items);
    to = from;
    if (*p == '-') {
      p++;
      if (!read_number(&p, &to))
        return fail(why, xasprintf("a range needs a last number from 1 to %d after '-' in '%s'", NUMBERED_MAX, at),
                    v.items);
      if (to < from)
        return fail(why, xasprintf("the range %d-%d runs backwards; write %d-%d", from, to, to, from), v.items);
    }
    if (v.len + (size_t)(to - from) + 1 > NUMBERED_MAX_COPIES)
      return fail(why, xasprintf("more than %d numbered copies in one PDF; split the range", NUMBERED_MAX_COPIES),
                  v.items);
    for (int k = from; k <= to; k++) VEC_PUSH(v, k);
    if (*p == ',' || (p[0] == '\xEF' && p[1] == '\xBC' && p[2] == '\x8C')) /* ',' or '，' */
      p += *p == ',' ? 1 : 3;
    else if (*p)
      return fail(why, xasprintf("unexpected '%s'; separate numbers and ranges with ',' (1,4,7-9)", p), v.items);
  }
  /* No 份号 twice: sort a copy and look for neighbours. */
  int *sorted = xmalloc(v.len * sizeof *sorted);
  memcpy(sorted, v.items, v.len * sizeof *sorted);
  qsort(sorted, v.len, sizeof *sorted, cmp_int);
  for (size_t i = 1; i < v.len; i++)
    if (sorted[i] == sorted[i - 1]) {
      char *msg = xasprintf("copy %d is numbered twice; every copy needs its own number", sorted[i]);
      free(sorted);
      return fail(why, msg, v.items);
    }
  free(sorted);
  *numbers = v.items;
  *n = v.len;
  return 0;
}
