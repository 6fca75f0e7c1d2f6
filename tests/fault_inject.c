/* LD_PRELOAD shim for the full-disk tests (tests/e2e_defects.py): writes,
 * fsync and close on files whose path contains FAULT_MATCH fail with ENOSPC
 * or EIO as asked, wherever no small file system can be mounted.
 *   FAULT_WRITE_LIMIT=N  bytes accepted in total, then write fails (ENOSPC)
 *   FAULT_FSYNC=1        fsync fails (EIO)
 *   FAULT_CLOSE=1        close fails (EIO, as NFS reports a late write error)
 * and, for the PDF writer's libharu messages (tests/e2e_hpdf_errors.py),
 *   FAULT_HPDF_ALLOC=N   libharu's allocations fail from the Nth on, as
 *                        its own allocator reports it (HPDF_FAILD_TO_ALLOC_MEM) */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hpdf.h>
#include <hpdf_mmgr.h> /* a test may use libharu's private structs; src/ may not */

static int matches(int fd) {
  const char *want = getenv("FAULT_MATCH");
  char link[64], target[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, target, sizeof target - 1);
  if (!want || n <= 0) return 0;
  target[n] = '\0';
  return strstr(target, want) != NULL;
}

static long written; /* bytes accepted so far */

ssize_t write(int fd, const void *buf, size_t count) {
  static ssize_t (*real)(int, const void *, size_t);
  if (!real) real = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
  const char *limit = getenv("FAULT_WRITE_LIMIT");
  if (limit && matches(fd)) {
    long room = atol(limit) - written;
    if (room <= 0) {
      errno = ENOSPC;
      return -1;
    }
    if ((long)count > room) count = (size_t)room;
    written += (long)count;
  }
  return real(fd, buf, count);
}

int fsync(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
  if (getenv("FAULT_FSYNC") && matches(fd)) {
    errno = EIO;
    return -1;
  }
  return real(fd);
}

int close(int fd) {
  static int (*real)(int);
  if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "close");
  int fail = getenv("FAULT_CLOSE") && matches(fd);
  int rc = real(fd);
  if (fail && rc == 0) {
    errno = EIO;
    return -1;
  }
  return rc;
}

void *HPDF_GetMem(HPDF_MMgr mmgr, HPDF_UINT size) {
  static void *(*real)(HPDF_MMgr, HPDF_UINT);
  static long calls;
  if (!real) real = (void *(*)(HPDF_MMgr, HPDF_UINT))dlsym(RTLD_NEXT, "HPDF_GetMem");
  const char *from = getenv("FAULT_HPDF_ALLOC");
  if (from && ++calls >= atol(from)) {
    HPDF_SetError(mmgr->error, HPDF_FAILD_TO_ALLOC_MEM, HPDF_NOERROR);
    return NULL;
  }
  return real(mmgr, size);
}
