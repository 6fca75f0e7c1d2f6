/* A render's stop check: a time limit and an "abandoned" test (brief
 * serve: the client has gone, the server is stopping) that the render's
 * loops poll (a block, a table row, a line of a paragraph, a page box, a
 * PDF page), so that a limit holds inside a stage, not only between
 * stages. One per render, owned by the render: no global state.
 *
 * Cost: stop_due on a render without a limit (the command line) is one
 * test of a NULL pointer; with one it reads CLOCK_MONOTONIC (the vDSO,
 * some 20 ns) and calls abandoned at most every STOP_LOOK_MS. A 2 MB
 * summary polls about 10^5 times: 2 ms of a second's render. */
#ifndef BRIEF_STOP_H
#define BRIEF_STOP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define STOP_LOOK_MS 10.0 /* how often abandoned() is asked */

typedef enum { STOP_NONE, STOP_TIME_LIMIT, STOP_ABANDONED } stop_reason;

typedef struct {
  double deadline;               /* CLOCK_MONOTONIC ms; <= 0: none */
  bool (*abandoned)(void *arg);  /* NULL, or true once the result is wanted no more */
  void *arg;
  double next_look;              /* when abandoned is asked next */
  stop_reason reason;            /* set once, by the first stop_due that is true */
} stop_check;

static inline double stop_clock_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* True once the render should give up (and from then on). s may be NULL. */
static inline bool stop_due(stop_check *s) {
  if (!s || (s->deadline <= 0 && !s->abandoned)) return false;
  if (s->reason != STOP_NONE) return true;
  double now = stop_clock_ms();
  if (s->deadline > 0 && now > s->deadline) s->reason = STOP_TIME_LIMIT;
  else if (s->abandoned && now >= s->next_look) {
    s->next_look = now + STOP_LOOK_MS;
    if (s->abandoned(s->arg)) s->reason = STOP_ABANDONED;
  }
  return s->reason != STOP_NONE;
}

#endif
