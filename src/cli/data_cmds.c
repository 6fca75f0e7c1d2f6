/* The commands that show the data folder: layouts, fonts. */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "layoutspec.h"
#include "options.h"

int cli_layouts(const void *args, const str_list *inputs) {
  const layouts_args *a = args;
  (void)inputs;
  if (a->keys) { /* the layout files' keys: needs no data */
    char *table = spec_keys_markdown();
    fputs(table, stdout);
    free(table);
    return 0;
  }
  cli_engine c;
  if (cli_engine_open(&c, a->data) != 0) return 1;
  int rc = cli_finish(&c.dl, brief_list_layouts(c.engine, stdout, &c.dl) == 0 ? 0 : 1);
  cli_engine_close(&c);
  return rc;
}

int cli_fonts(const void *args, const str_list *inputs) {
  const fonts_args *a = args;
  (void)inputs;
  cli_engine c;
  if (cli_engine_open(&c, a->data) != 0) return 1;
  printf("data folder: %s (from %s)\n", c.paths.data_dir, c.paths.origin);
  brief_list_fonts(c.engine, stdout);
  cli_engine_close(&c);
  return 0;
}
