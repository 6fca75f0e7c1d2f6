/* ofd_write: in `brief` the OFD writer (ofd.c) and its libraries (libxml2,
 * libzip, and what they pull in: ICU, libstdc++, libcrypto) are the module
 * brief-ofd.so, loaded the first time an OFD is written, so that a PDF
 * render does not load and relocate nine shared libraries it never calls.
 * The module sits beside the executable in the build tree and in
 * BRIEF_MODULE_DIR (relative to it) when installed. brief-tools and the
 * tests link ofd.c itself and build this file with BRIEF_MODULES_LINKED:
 * ofd_write then calls the writer directly. */
#include <pthread.h>

#include "ofd.h"

#ifdef BRIEF_MODULES_LINKED
int ofd_write(const laid_out *lo, const ofd_options *opts, const char *path, diag_list *dl) {
  return ofd_write_package(lo, opts, path, dl);
}
#else
#include "module.h"
#include "util.h"

typedef int (*ofd_write_fn)(const laid_out *, const ofd_options *, const char *, diag_list *);

/* Loaded once per process and then only read (batch workers are forked
 * after it, serve threads share it). */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static ofd_write_fn module_write;
static char module_error[512];

static void load_module(void) {
  module_write = (ofd_write_fn)module_symbol("brief-ofd.so", "ofd_write_package", module_error, sizeof module_error);
}

int ofd_write(const laid_out *lo, const ofd_options *opts, const char *path, diag_list *dl) {
  pthread_once(&once, load_module);
  if (!module_write) {
    diag_error(dl, path, 0, 0, "cannot write OFD: %s; reinstall brief, or write PDF only", module_error);
    return -1;
  }
  return module_write(lo, opts, path, dl);
}
#endif
