/* The commands of the command line, each a thin driver: main.c has read
 * its options into its struct (options.h), args points to it; inputs are
 * the arguments after the command. Each returns the exit status. */
#ifndef CLI_COMMANDS_H
#define CLI_COMMANDS_H

#include <stdbool.h>

#include "brief.h"
#include "datadir.h"
#include "diag.h"
#include "util.h"

typedef int (*command_run)(const void *args, const str_list *inputs);

/* summary_cmds.c: args are render_args, batch_args, text_args, check_args. */
int cli_render(const void *args, const str_list *inputs);
int cli_batch(const void *args, const str_list *inputs);
int cli_text(const void *args, const str_list *inputs);
int cli_check(const void *args, const str_list *inputs);

/* data_cmds.c: layouts_args, fonts_args. */
int cli_layouts(const void *args, const str_list *inputs);
int cli_fonts(const void *args, const str_list *inputs);

/* tool_cmds.c, in brief-tools only: print_args, mail_args, send_args,
 * serve_args, import_args. */
int cli_print(const void *args, const str_list *inputs);
int cli_mail(const void *args, const str_list *inputs);
int cli_send(const void *args, const str_list *inputs);
int cli_serve(const void *args, const str_list *inputs);
int cli_import(const void *args, const str_list *inputs);

/* What the commands share (common.c). */

/* The engine a command renders with: its data folder and the diagnostics
 * of opening it (kept for the command's own). */
typedef struct {
  diag_list dl;
  brief_paths paths;
  brief_engine *engine;
} cli_engine;

/* Opens the engine on the data folder (--data, else see datadir.h). On
 * failure prints the diagnostics and returns 1 (the exit status), else 0. */
int cli_engine_open(cli_engine *c, const char *data);
void cli_engine_close(cli_engine *c);

/* Prints and clears dl's diagnostics; returns rc. */
int cli_finish(diag_list *dl, int rc);

bool cli_is_dir(const char *path);
bool cli_exists(const char *path);
/* The summaries of a batch: the .md files of each folder, sorted, and files as given. */
void cli_collect_inputs(const str_list *args, str_list *out);
/* A whole number in [lo, hi], or -1. */
long cli_number_arg(const char *s, long lo, long hi);

#endif
