/* The command line's options: one struct per command, filled from that
 * command's table, so an option can only be stored where its command reads
 * it. Whether an option takes a value is the same for every command (the
 * table of all options in options.c); which options a command takes, and
 * where each goes, is in the command's table. The synopses and options of
 * 'brief --help', doc/brief.1 and completions/brief say the same
 * (tests/e2e_cli.py). */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* How the commands that render a summary read it: render, batch, text and
 * check (each table says which of these it takes; the others stay zero). */
typedef struct {
  const char *figures, *sheet, *layout; /* --figures, --sheet, --layout */
  bool no_normalize;                    /* --no-normalize */
  bool strict, allow_empty, allow_outside; /* --strict, --allow-empty, --allow-outside (input.h) */
  const char *data;                     /* --data: fonts/ and layouts/ */
} summary_args;

typedef struct {
  summary_args summary;
  const char *output, *format, *numbered; /* -o OUT.pdf, --format, --numbered RANGE */
  int formats;                            /* --format read: BRIEF_PDF, BRIEF_OFD, both; 0: by -o */
} render_args;

typedef struct {
  summary_args summary;
  const char *output, *format, *numbered; /* -o OUTDIR, --format, --numbered RANGE */
  int formats;                            /* --format read, as render's */
  const char *booklet, *booklet_title;    /* --booklet BOOK.pdf, --booklet-title TEXT */
  bool quiet;                             /* --quiet */
  const char *jobs;                       /* --jobs N */
} batch_args;

typedef struct {
  summary_args summary;
} text_args;

typedef struct {
  summary_args summary;
  bool fix; /* --fix */
} check_args;

typedef struct {
  const char *output; /* -o DIR */
} import_args;

typedef struct {
  const char *printer, *copies, *sides;
  bool dry_run;
} print_args;

typedef struct {
  const char *output, *figures, *layout, *data;
  const char *from, *contacts;
} mail_args;

typedef struct {
  const char *smtp, *user, *cacert;
  bool dry_run, insecure_plain_auth;
} send_args;

typedef struct {
  const char *data;
  bool keys; /* --keys */
} layouts_args;

typedef struct {
  const char *data;
} fonts_args;

typedef struct {
  const char *data;
  const char *port, *host, *allow_host, *time_limit, *jobs;
} serve_args;

/* One command's options: its name, the options it takes and where each is
 * stored in its struct (size bytes). */
typedef struct option_slot option_slot;
typedef struct {
  const char *name;
  const option_slot *slots;
  size_t nslots;
  size_t size;
} command_options;

extern const command_options cli_options_render, cli_options_batch, cli_options_text, cli_options_check,
    cli_options_import, cli_options_print, cli_options_mail, cli_options_send, cli_options_layouts, cli_options_fonts,
    cli_options_serve;

/* What the command line says before a command reads its options. */
typedef struct {
  const char *command; /* the first argument that is not an option (or an option's value), or NULL */
  str_list inputs;     /* the other such arguments, in order */
  /* The last --data and --format, whichever the command: main.c checks
   * them as before when there is no command or an unknown one. */
  const char *data, *format;
} command_line;

/* Reads argv's shape into line. An unknown option, or an option without its
 * value, is reported on stderr ("brief: error: ...") and gives -1. */
int cli_options_scan(int argc, char **argv, command_line *line);

/* Stores every option of argv into args, cmd's struct (zeroed by the
 * caller). The first option cmd does not take is reported ("brief: error:
 * print takes no --booklet; it takes --printer, ...") and gives -1. */
int cli_options_read(int argc, char **argv, const command_options *cmd, void *args);

/* --format pdf|ofd|both as BRIEF_PDF, BRIEF_OFD or both (0 without it);
 * another word is reported and gives -1. */
int cli_options_formats(const char *format, int *formats);

/* 'brief --help' (help.c). */
extern const char cli_usage[];

#endif
