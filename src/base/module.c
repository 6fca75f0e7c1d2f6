#include "module.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

static void *open_in(const char *dir, const char *rel, const char *name, char *error, size_t errlen) {
  char *base = rel ? path_join(dir, rel) : xstrdup(dir);
  char *path = path_join(base, name);
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h && access(path, F_OK) == 0) snprintf(error, errlen, "%s", dlerror());
  free(path);
  free(base);
  return h;
}

void *module_symbol(const char *name, const char *symbol, char *error, size_t errlen) {
  error[0] = '\0';
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) {
    snprintf(error, errlen, "cannot find the brief executable's folder");
    return NULL;
  }
  exe[n] = '\0';
  char *dir = path_dirname(exe);
  void *h = open_in(dir, NULL, name, error, errlen);
  if (!h) h = open_in(dir, BRIEF_MODULE_DIR, name, error, errlen);
  free(dir);
  if (!h) {
    if (!error[0]) snprintf(error, errlen, "%s is not installed beside brief", name);
    return NULL;
  }
  void *sym = dlsym(h, symbol);
  if (!sym) snprintf(error, errlen, "%s has no %s", name, symbol);
  return sym;
}
