/* "Did you mean": names sorted by edit distance, for error messages. */
#include "suggest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

static size_t edit_distance(const char *a, const char *b) {
  uint32_t ca[64], cb[64];
  size_t na = 0, nb = 0;
  for (const char *p = a; *p && na < 64;) {
    size_t k = utf8_decode(p, strlen(p), &ca[na]);
    if (!k) break;
    p += k, na++;
  }
  for (const char *p = b; *p && nb < 64;) {
    size_t k = utf8_decode(p, strlen(p), &cb[nb]);
    if (!k) break;
    p += k, nb++;
  }
  size_t row[65];
  for (size_t j = 0; j <= nb; j++) row[j] = j;
  for (size_t i = 1; i <= na; i++) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t cur = row[j];
      size_t best = prev + (ca[i - 1] != cb[j - 1]);
      if (row[j] + 1 < best) best = row[j] + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      prev = cur;
    }
  }
  return row[nb];
}

typedef struct {
  const char *name;
  size_t dist, index;
} candidate;

static int by_distance(const void *a, const void *b) {
  const candidate *x = a, *y = b;
  if (x->dist != y->dist) return x->dist < y->dist ? -1 : 1;
  return strcmp(x->name, y->name);
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const candidate *)a)->name, ((const candidate *)b)->name);
}

/* Duplicates are dropped after sorting by name (comparing each with all was
 * quadratic); a sheet may hold 300 counties. */
size_t suggest_closest_order(const char *wanted, const char *const *names, size_t n, size_t *order) {
  candidate *c = xcalloc(n + 1, sizeof *c);
  for (size_t i = 0; i < n; i++) c[i] = (candidate){names[i], 0, i};
  qsort(c, n, sizeof *c, by_name);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (k == 0 || strcmp(c[k - 1].name, c[i].name) != 0)
      c[k++] = (candidate){c[i].name, wanted ? edit_distance(wanted, c[i].name) : 0, c[i].index};
  qsort(c, k, sizeof *c, by_distance);
  for (size_t i = 0; i < k; i++) order[i] = c[i].index;
  free(c);
  return k;
}

/* "a, b, c" sorted by closeness to wanted, the five closest then "and N
 * more"; caller frees. */
char *suggest_closest_names(const char *wanted, const char *const *names, size_t n) {
  size_t *order = xcalloc(n + 1, sizeof *order);
  size_t k = suggest_closest_order(wanted, names, n, order);
  strbuf sb = {0};
  for (size_t i = 0; i < k && i < CLOSEST_SHOWN; i++) sb_printf(&sb, "%s%s", i ? ", " : "", names[order[i]]);
  if (k > CLOSEST_SHOWN) sb_printf(&sb, " and %zu more", k - CLOSEST_SHOWN);
  free(order);
  return sb_take(&sb);
}

char *suggest_listed_names(const char *wanted, const char *const *names, size_t n) {
  if (n > CLOSEST_SHOWN) return suggest_closest_names(wanted, names, n);
  strbuf sb = {0};
  for (size_t i = 0; i < n; i++) sb_printf(&sb, "%s%s", i ? ", " : "", names[i]);
  return sb_take(&sb);
}
