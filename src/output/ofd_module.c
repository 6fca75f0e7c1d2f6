/* `brief`'s ofd_write: the OFD writer (ofd.c) and its libraries (libxml2,
 * libzip, and what they pull in: ICU, libstdc++, libcrypto) are the module
 * brief-ofd.so, loaded the first time an OFD is written, so that a PDF
 * render does not load and relocate nine shared libraries it never calls.
 * The module sits beside the executable in the build tree and in
 * BRIEF_MODULE_DIR (relative to it) when installed. brief-tools and the
 * tests link ofd.c itself. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ofd.h"
#include "util.h"

typedef int (*ofd_write_fn)(const laid_out *, const ofd_options *, const char *, diag_list *);

/* Loaded once per process and then only read (batch workers are forked
 * after it, serve threads share it). */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static ofd_write_fn module_write;
static char module_error[512];

static void *open_in(const char *dir, const char *rel) {
  char *base = rel ? path_join(dir, rel) : xstrdup(dir);
  char *path = path_join(base, "brief-ofd.so");
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h && access(path, F_OK) == 0) snprintf(module_error, sizeof module_error, "%s", dlerror());
  free(path);
  free(base);
  return h;
}

static void load_module(void) {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) {
    snprintf(module_error, sizeof module_error, "cannot find the brief executable's folder");
    return;
  }
  exe[n] = '\0';
  char *dir = path_dirname(exe);
  void *h = open_in(dir, NULL);
  if (!h) h = open_in(dir, BRIEF_MODULE_DIR);
  free(dir);
  if (!h) {
    if (!module_error[0]) snprintf(module_error, sizeof module_error, "brief-ofd.so is not installed beside brief");
    return;
  }
  module_write = (ofd_write_fn)dlsym(h, "ofd_write");
  if (!module_write) snprintf(module_error, sizeof module_error, "brief-ofd.so has no ofd_write");
}

int ofd_write(const laid_out *lo, const ofd_options *opts, const char *path, diag_list *dl) {
  pthread_once(&once, load_module);
  if (!module_write) {
    diag_error(dl, path, 0, 0, "cannot write OFD: %s; reinstall brief, or write PDF only", module_error);
    return -1;
  }
  return module_write(lo, opts, path, dl);
}
