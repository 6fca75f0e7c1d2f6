/* A minimal test harness: CHECK macros, a tally, and the closing line
 * "N passed, N failed" that CI reads. */
#ifndef BRIEF_CHECK_H
#define BRIEF_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (cond) check_passed++;                                                    \
    else {                                                                       \
      check_failed++;                                                            \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);  \
    }                                                                            \
  } while (0)

#define CHECK_STR(got, want)                                                     \
  do {                                                                           \
    const char *g_ = (got), *w_ = (want);                                        \
    if (g_ && w_ && strcmp(g_, w_) == 0) check_passed++;                         \
    else {                                                                       \
      check_failed++;                                                            \
      fprintf(stderr, "%s:%d: CHECK_STR failed\n  got:  %s\n  want: %s\n",       \
              __FILE__, __LINE__, g_ ? g_ : "(null)", w_ ? w_ : "(null)");       \
    }                                                                            \
  } while (0)

#define CHECK_NEAR(got, want, tol)                                               \
  do {                                                                           \
    double g_ = (got), w_ = (want);                                              \
    if (g_ - w_ <= (tol) && w_ - g_ <= (tol)) check_passed++;                    \
    else {                                                                       \
      check_failed++;                                                            \
      fprintf(stderr, "%s:%d: CHECK_NEAR failed: got %g want %g\n", __FILE__,    \
              __LINE__, g_, w_);                                                 \
    }                                                                            \
  } while (0)

static inline int check_report(void) {
  printf("%d passed, %d failed\n", check_passed, check_failed);
  return check_failed ? 1 : 0;
}

#endif
