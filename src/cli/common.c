/* What the command line's commands share (commands.h). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"

int cli_engine_open(cli_engine *c, const char *data) {
  *c = (cli_engine){0};
  if (brief_paths_find(data, &c->paths, &c->dl) == 0)
    c->engine = brief_engine_open(c->paths.data_dir, (const char *const *)c->paths.font_dirs.items,
                                  c->paths.font_dirs.len, &c->dl);
  if (c->engine) return 0;
  int rc = cli_finish(&c->dl, 1);
  cli_engine_close(c);
  return rc;
}

void cli_engine_close(cli_engine *c) {
  diag_clear(&c->dl); /* a command that prints no diagnostics of its own prints none of these either */
  brief_engine_free(c->engine);
  brief_paths_free(&c->paths);
  *c = (cli_engine){0};
}

int cli_finish(diag_list *dl, int rc) {
  diag_print(dl, stderr);
  diag_clear(dl);
  return rc;
}

bool cli_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool cli_exists(const char *path) { return access(path, F_OK) == 0; }

static int compare_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void cli_collect_inputs(const str_list *args, str_list *out) {
  for (size_t i = 0; i < args->len; i++) {
    if (!cli_is_dir(args->items[i])) {
      str_list_push(out, args->items[i]);
      continue;
    }
    DIR *d = opendir(args->items[i]);
    size_t first = out->len;
    for (struct dirent *e; d && (e = readdir(d));)
      if (str_ends_with(e->d_name, ".md") && e->d_name[0] != '.') {
        char *p = path_join(args->items[i], e->d_name);
        VEC_PUSH(*out, p);
      }
    if (d) closedir(d);
    qsort(out->items + first, out->len - first, sizeof *out->items, compare_str);
  }
}

long cli_number_arg(const char *s, long lo, long hi) {
  char *end;
  long v = s && *s ? strtol(s, &end, 10) : -1;
  return s && *s && !*end && v >= lo && v <= hi ? v : -1;
}
