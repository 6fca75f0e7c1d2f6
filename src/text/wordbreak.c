/* ICU is opened (dlopen) the first time a title wraps, not linked: its
 * libraries (libicuuc, libicudata, libstdc++) cost every run of brief about
 * 2 ms to load and relocate, most of which never wrap a title. Once open it
 * stays for the process (dlopen of a loaded library is a lookup). Without
 * ICU every position is allowed: titles break as UAX #14 says. */
#include "wordbreak.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/utf16.h>

#include "util.h"

/* ICU's exported names carry its version (ubrk_open_72): the headers' renaming. */
#define ICU_NAME2(x) #x
#define ICU_NAME(x) ICU_NAME2(x)

typedef struct {
  UBreakIterator *(*open)(UBreakIteratorType, const char *, const UChar *, int32_t, UErrorCode *);
  int32_t (*first)(UBreakIterator *);
  int32_t (*next)(UBreakIterator *);
  void (*close)(UBreakIterator *);
} icu_api;

static bool icu_load(icu_api *api) {
  void *h = dlopen("libicuuc.so." U_ICU_VERSION_SHORT, RTLD_LAZY | RTLD_LOCAL);
  if (!h) return false;
  *(void **)&api->open = dlsym(h, ICU_NAME(ubrk_open));
  *(void **)&api->first = dlsym(h, ICU_NAME(ubrk_first));
  *(void **)&api->next = dlsym(h, ICU_NAME(ubrk_next));
  *(void **)&api->close = dlsym(h, ICU_NAME(ubrk_close));
  return api->open && api->first && api->next && api->close;
}

static bool is_han(uint32_t c) {
  return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

/* Rates the boundaries ICU found (at[k] for the position before cps[k]). */
static void rate(const uint32_t *cps, size_t n, const icu_api *api, UBreakIterator *bi, const size_t *cp_of,
                 int32_t len, unsigned char *at) {
  for (size_t k = 1; k < n; k++) at[k] = WB_NONE;
  size_t before = 0, start = 0; /* the previous segment's start and this one's */
  for (int32_t b = api->first(bi); b != UBRK_DONE; b = api->next(bi)) {
    if (b <= 0 || b > len) continue;
    size_t end = cp_of[b];
    if (start > 0) {
      bool han_before = is_han(cps[before]) && is_han(cps[start - 1]), han_after = is_han(cps[start]);
      bool one_before = start - before == 1, one_after = end - start == 1;
      if (!han_before || !han_after) at[start] = WB_STRONG; /* punctuation, digits, Latin */
      else if (one_before && one_after) at[start] = WB_NONE; /* an unknown word in pieces */
      else at[start] = one_before || one_after ? WB_WEAK : WB_STRONG;
    }
    before = start;
    start = end;
  }
}

int wordbreak_boundaries(const uint32_t *cps, size_t n, unsigned char *at) {
  for (size_t k = 0; k <= n; k++) at[k] = WB_STRONG;
  if (n < 2) return 0;
  icu_api api;
  if (n > 100000 || !icu_load(&api)) return -1;
  /* UTF-16 for ICU, and the code point each UTF-16 unit starts. */
  UChar *u = xmalloc((2 * n + 1) * sizeof *u);
  size_t *cp_of = xmalloc((2 * n + 1) * sizeof *cp_of);
  int32_t len = 0;
  for (size_t k = 0; k < n; k++) {
    uint32_t c = cps[k] > 0x10FFFF || (cps[k] >= 0xD800 && cps[k] <= 0xDFFF) ? 0xFFFD : cps[k];
    cp_of[len] = k;
    if (c > 0xFFFF) {
      u[len++] = (UChar)U16_LEAD(c);
      cp_of[len] = k;
      u[len++] = (UChar)U16_TRAIL(c);
    } else {
      u[len++] = (UChar)c;
    }
  }
  cp_of[len] = n;
  UErrorCode status = U_ZERO_ERROR;
  UBreakIterator *bi = api.open(UBRK_WORD, "zh", u, len, &status);
  int rc = -1;
  if (U_SUCCESS(status) && bi) {
    rate(cps, n, &api, bi, cp_of, len, at);
    rc = 0;
  }
  if (bi) api.close(bi);
  free(u);
  free(cp_of);
  return rc;
}
