/* `brief`'s sheet_read: the workbook readers (sheet_xlsx.c, sheet_xls.c)
 * and their libraries (libxml2, libzip, libfreexl) are the module
 * brief-office.so, loaded the first time figures come from a workbook, so
 * that a render from a CSV loads none of them (as brief-ofd.so, see
 * ofd_module.c). brief-tools and the tests link the readers themselves. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sheet.h"
#include "util.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sheet_read_fn module_read;
static char module_error[512];

static void *open_in(const char *dir, const char *rel) {
  char *base = rel ? path_join(dir, rel) : xstrdup(dir);
  char *path = path_join(base, "brief-office.so");
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
    if (!module_error[0]) snprintf(module_error, sizeof module_error, "brief-office.so is not installed beside brief");
    return;
  }
  module_read = (sheet_read_fn)dlsym(h, "sheet_read");
  if (!module_read) snprintf(module_error, sizeof module_error, "brief-office.so has no sheet_read");
}

int sheet_read(const char *path, const char *sheet, sheet_grid *g, diag_list *dl) {
  memset(g, 0, sizeof *g);
  pthread_once(&once, load_module);
  if (!module_read) {
    diag_error(dl, path, 0, 0, "cannot read workbooks: %s; reinstall brief, or save the sheet as CSV", module_error);
    return -1;
  }
  return module_read(path, sheet, g, dl);
}
