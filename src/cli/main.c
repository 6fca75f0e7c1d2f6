/* Command line: brief render | batch | text | check | import | print | mail | send | layouts | fonts | serve.
 * Finds the command, reads its options into its struct (options.h) and runs it (commands.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "heap.h"
#include "options.h"
#include "pdf.h"

/* Each command: its options and what runs it. In `brief` (BRIEF_LEAN) the
 * commands that talk to other systems have no run: brief-tools beside it
 * runs the same command line (see CMakeLists.txt: their libraries stay out
 * of every render's start-up). */
#ifdef BRIEF_LEAN
#define TOOL(run) NULL
#else
#define TOOL(run) run
#endif
static const struct {
  const command_options *options;
  command_run run;
} commands[] = {
    {&cli_options_render, cli_render},
    {&cli_options_batch, cli_batch},
    {&cli_options_text, cli_text},
    {&cli_options_check, cli_check},
    {&cli_options_import, TOOL(cli_import)},
    {&cli_options_print, TOOL(cli_print)},
    {&cli_options_mail, TOOL(cli_mail)},
    {&cli_options_send, TOOL(cli_send)},
    {&cli_options_layouts, cli_layouts},
    {&cli_options_fonts, cli_fonts},
    {&cli_options_serve, TOOL(cli_serve)},
};
#undef TOOL

/* Runs brief-tools beside this binary with the same arguments. */
static int run_tools(char **argv) {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) {
    fprintf(stderr, "brief: error: cannot find brief-tools: %s\n", strerror(errno));
    return 1;
  }
  exe[n] = '\0';
  char *dir = path_dirname(exe);
  char *tools = path_join(dir, "brief-tools");
  free(dir);
  execv(tools, argv);
  fprintf(stderr, "brief: error: cannot run %s (%s); reinstall brief\n", tools, strerror(errno));
  free(tools);
  return 1;
}

static int run_command(size_t k, int argc, char **argv, const str_list *inputs) {
  void *args = xcalloc(1, commands[k].options->size);
  int rc = cli_options_read(argc, argv, commands[k].options, args) != 0 ? 2
           : commands[k].run                                     ? commands[k].run(args, inputs)
                                                                 : run_tools(argv);
  free(args);
  return rc;
}

/* No command, or one brief does not know: --format is checked first and
 * the data folder is opened, as for any command. */
static int no_such_command(const command_line *line) {
  int formats;
  if (cli_options_formats(line->format, &formats) != 0) return 2;
  if (!line->command) {
    fputs(cli_usage, stderr);
    return 2;
  }
  cli_engine c;
  if (cli_engine_open(&c, line->data) != 0) return 1;
  cli_engine_close(&c);
  fprintf(stderr, "brief: error: unknown command '%s'; see 'brief --help'\n", line->command);
  return 2;
}

int main(int argc, char **argv) {
  heap_prepare(); /* before anything large is allocated */
  atexit(pdf_deflate_release); /* the PDF stage's compressors, kept between streams */
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(cli_usage, stdout);
      return 0;
    }
    if (!strcmp(argv[i], "--version")) {
      puts("brief " BRIEF_VERSION);
      return 0;
    }
  }
  command_line line = {0};
  int rc = cli_options_scan(argc, argv, &line) != 0 ? 2 : -1;
  for (size_t k = 0; rc < 0 && line.command && k < sizeof commands / sizeof *commands; k++)
    if (!strcmp(line.command, commands[k].options->name)) rc = run_command(k, argc, argv, &line.inputs);
  if (rc < 0) rc = no_such_command(&line);
  str_list_free(&line.inputs);
  return rc;
}
