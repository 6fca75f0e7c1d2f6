#include "datadir.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#ifndef BRIEF_DATA_DIR
#define BRIEF_DATA_DIR "."
#endif

static bool has_layouts(const char *dir) {
  char *layouts = path_join(dir, "layouts");
  struct stat st;
  bool ok = stat(layouts, &st) == 0 && S_ISDIR(st.st_mode);
  free(layouts);
  return ok;
}

/* PREFIX/share/brief for a binary at PREFIX/bin/brief, or NULL. Linux's
 * /proc/self/exe names the binary itself, wherever the prefix was moved. */
static char *installed_data_dir(void) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return NULL;
  exe[n] = '\0';
  char *bin = path_dirname(exe);
  char *dir = xasprintf("%s/../share/brief", bin);
  free(bin);
  char real[PATH_MAX];
  char *found = realpath(dir, real) && has_layouts(real) ? xstrdup(real) : NULL;
  free(dir);
  return found;
}

/* The XDG base directory rule: $XDG_DATA_HOME when absolute, else ~/.local/share. */
static void add_font_dirs(brief_paths *p) {
  const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
  char *user = xdg && xdg[0] == '/' ? xasprintf("%s/brief/fonts", xdg)
               : home && *home    ? xasprintf("%s/.local/share/brief/fonts", home)
                                  : NULL;
  if (user) VEC_PUSH(p->font_dirs, user);
  str_list_push(&p->font_dirs, "/usr/local/share/brief/fonts");
}

int brief_paths_find(const char *data_option, brief_paths *p, diag_list *dl) {
  memset(p, 0, sizeof *p);
  const char *env = getenv("BRIEF_DATA");
  if (data_option) {
    p->data_dir = xstrdup(data_option);
    p->origin = "--data";
  } else if (env && *env) {
    p->data_dir = xstrdup(env);
    p->origin = "BRIEF_DATA";
  } else if ((p->data_dir = installed_data_dir())) {
    p->origin = "installed";
  } else {
    p->data_dir = xstrdup(BRIEF_DATA_DIR);
    p->origin = "source tree";
  }
  if (!has_layouts(p->data_dir)) {
    diag_error(dl, NULL, 0, 0,
               "no brief data in '%s' (from %s): it needs layouts/ and fonts/; reinstall brief or set "
               "--data DIR or BRIEF_DATA", p->data_dir, p->origin);
    brief_paths_free(p);
    return -1;
  }
  add_font_dirs(p);
  return 0;
}

void brief_paths_free(brief_paths *p) {
  free(p->data_dir);
  str_list_free(&p->font_dirs);
  memset(p, 0, sizeof *p);
}
