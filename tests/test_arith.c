/* Unchecked arithmetic found by reading (issue 11): growth of arrays and
 * buffers that could wrap, and a font table directory whose offset plus
 * size wraps. Each case runs in a child process so that a crash of the old
 * code is a failed check, not a dead test. */
#pragma GCC diagnostic ignored "-Warray-bounds" /* the growth past SIZE_MAX is the point */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "fonts.h"
#include "util.h"

/* Runs fn in a child; returns its wait status. */
static int in_child(void (*fn)(void)) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stderr); /* the expected "out of memory" */
    fn();
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

static void mul_overflow(void) { (void)xmul(SIZE_MAX / 2 + 1, 2); }

static void vec_overflow(void) {
  VEC(double) v = {0};
  VEC_PUSH(v, 1.0);
  v.len = v.cap = SIZE_MAX / 2 + 1; /* doubling wraps to 0 */
  VEC_PUSH(v, 2.0);
}

static void vec_bytes_overflow(void) {
  VEC(double) v = {0};
  VEC_PUSH(v, 1.0);
  v.len = v.cap = SIZE_MAX / 16 + 1; /* doubled fits, times 8 bytes does not */
  VEC_PUSH(v, 2.0);
}

static void put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static unsigned char font[256], copy[256];

/* head and hhea in range, hmtx at 0xFFFFFFF0 with size 0x20: off + size
 * wraps to 0x10, which passed the old bounds check. */
static void wrapped_table(void) { font_set_notdef_width_to_em(font, sizeof font); }

int main(void) {
  CHECK(xmul(3, 8) == 24 && xmul(0, SIZE_MAX) == 0);
  int st = in_child(mul_overflow);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
  st = in_child(vec_overflow);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
  st = in_child(vec_bytes_overflow);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);

  font[5] = 3; /* numTables */
  unsigned char *e = font + 12;
  memcpy(e, "head", 4), put32(e + 8, 64), put32(e + 12, 54);
  memcpy(e + 16, "hhea", 4), put32(e + 24, 128), put32(e + 28, 36);
  memcpy(e + 32, "hmtx", 4), put32(e + 40, 0xFFFFFFF0u), put32(e + 44, 0x20);
  font[64 + 18] = 0x04; /* unitsPerEm 1024 */
  font[128 + 35] = 2;   /* numberOfHMetrics */
  memcpy(copy, font, sizeof font);
  st = in_child(wrapped_table);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  font_set_notdef_width_to_em(font, sizeof font);
  CHECK(memcmp(font, copy, sizeof font) == 0); /* a bad font is left alone */
  return check_report();
}
