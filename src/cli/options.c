/* The command line's options: the table of all options, each command's
 * table, and reading argv with them (options.h). */
#include "options.h"

#include <stdio.h>
#include <string.h>


/* Every option, in the order 'brief --help' lists them; "it takes ..." in
 * the message for a refused option keeps this order. */
typedef enum {
  OPT_OUTPUT, OPT_FIGURES, OPT_SHEET, OPT_LAYOUT, OPT_BOOKLET, OPT_BOOKLET_TITLE, OPT_QUIET, OPT_FORMAT,
  OPT_NUMBERED, OPT_PRINTER, OPT_COPIES, OPT_SIDES, OPT_DRY_RUN, OPT_STRICT, OPT_ALLOW_EMPTY, OPT_ALLOW_OUTSIDE,
  OPT_NO_NORMALIZE, OPT_FIX, OPT_DATA, OPT_FROM, OPT_CONTACTS, OPT_SMTP, OPT_USER, OPT_CACERT,
  OPT_INSECURE_PLAIN_AUTH, OPT_PORT, OPT_HOST, OPT_ALLOW_HOST, OPT_TIME_LIMIT, OPT_JOBS, OPT_KEYS, OPT_COUNT
} option_id;

/* An option's spelling, and whether it is a flag (else it takes a value):
 * the same for every command. */
static const struct {
  const char *name, *alias;
  bool flag;
} all_options[OPT_COUNT] = {
    [OPT_OUTPUT] = {"-o", "--output", false},     [OPT_FIGURES] = {"--figures", NULL, false},
    [OPT_SHEET] = {"--sheet", NULL, false},       [OPT_LAYOUT] = {"--layout", NULL, false},
    [OPT_BOOKLET] = {"--booklet", NULL, false},   [OPT_BOOKLET_TITLE] = {"--booklet-title", NULL, false},
    [OPT_QUIET] = {"--quiet", NULL, true},        [OPT_FORMAT] = {"--format", NULL, false},
    [OPT_NUMBERED] = {"--numbered", NULL, false}, [OPT_PRINTER] = {"--printer", NULL, false},
    [OPT_COPIES] = {"--copies", NULL, false},     [OPT_SIDES] = {"--sides", NULL, false},
    [OPT_DRY_RUN] = {"--dry-run", NULL, true},    [OPT_STRICT] = {"--strict", NULL, true},
    [OPT_ALLOW_EMPTY] = {"--allow-empty", NULL, true}, [OPT_ALLOW_OUTSIDE] = {"--allow-outside", NULL, true},
    [OPT_NO_NORMALIZE] = {"--no-normalize", NULL, true}, [OPT_FIX] = {"--fix", NULL, true},
    [OPT_DATA] = {"--data", NULL, false},         [OPT_FROM] = {"--from", NULL, false},
    [OPT_CONTACTS] = {"--contacts", NULL, false}, [OPT_SMTP] = {"--smtp", NULL, false},
    [OPT_USER] = {"--user", NULL, false},         [OPT_CACERT] = {"--cacert", NULL, false},
    [OPT_INSECURE_PLAIN_AUTH] = {"--insecure-plain-auth", NULL, true},
    [OPT_PORT] = {"--port", NULL, false},         [OPT_HOST] = {"--host", NULL, false},
    [OPT_ALLOW_HOST] = {"--allow-host", NULL, false}, [OPT_TIME_LIMIT] = {"--time-limit", NULL, false},
    [OPT_JOBS] = {"--jobs", NULL, false},         [OPT_KEYS] = {"--keys", NULL, true},
};

/* An option a command takes, and where in the command's struct it goes. */
struct option_slot {
  option_id id;
  size_t field;
};

/* A value goes into a const char *, a flag into a bool: the _Generic fails
 * to compile for a member of another type. */
#define VALUE(id, type, member) {id, offsetof(type, member) + 0 * _Generic(((type *)0)->member, const char *: 0)}
#define FLAG(id, type, member) {id, offsetof(type, member) + 0 * _Generic(((type *)0)->member, bool: 0)}
#define COMMAND(name, type, slots) {name, slots, sizeof slots / sizeof *slots, sizeof(type)}

/* What render, batch, text and check take of summary_args, for a command
 * struct whose member summary it is. */
#define SUMMARY(id, type, member) VALUE(id, type, summary.member)
#define SUMMARY_FLAG(id, type, member) FLAG(id, type, summary.member)

static const option_slot render_slots[] = {
    VALUE(OPT_OUTPUT, render_args, output),
    SUMMARY(OPT_FIGURES, render_args, figures),
    SUMMARY(OPT_SHEET, render_args, sheet),
    SUMMARY(OPT_LAYOUT, render_args, layout),
    VALUE(OPT_FORMAT, render_args, format),
    VALUE(OPT_NUMBERED, render_args, numbered),
    SUMMARY_FLAG(OPT_STRICT, render_args, strict),
    SUMMARY_FLAG(OPT_ALLOW_EMPTY, render_args, allow_empty),
    SUMMARY_FLAG(OPT_ALLOW_OUTSIDE, render_args, allow_outside),
    SUMMARY_FLAG(OPT_NO_NORMALIZE, render_args, no_normalize),
    SUMMARY(OPT_DATA, render_args, data),
};
const command_options cli_options_render = COMMAND("render", render_args, render_slots);

static const option_slot batch_slots[] = {
    VALUE(OPT_OUTPUT, batch_args, output),
    SUMMARY(OPT_FIGURES, batch_args, figures),
    SUMMARY(OPT_SHEET, batch_args, sheet),
    SUMMARY(OPT_LAYOUT, batch_args, layout),
    VALUE(OPT_BOOKLET, batch_args, booklet),
    VALUE(OPT_BOOKLET_TITLE, batch_args, booklet_title),
    FLAG(OPT_QUIET, batch_args, quiet),
    VALUE(OPT_FORMAT, batch_args, format),
    VALUE(OPT_NUMBERED, batch_args, numbered),
    SUMMARY_FLAG(OPT_STRICT, batch_args, strict),
    SUMMARY_FLAG(OPT_ALLOW_EMPTY, batch_args, allow_empty),
    SUMMARY_FLAG(OPT_ALLOW_OUTSIDE, batch_args, allow_outside),
    SUMMARY_FLAG(OPT_NO_NORMALIZE, batch_args, no_normalize),
    SUMMARY(OPT_DATA, batch_args, data),
    VALUE(OPT_JOBS, batch_args, jobs),
};
const command_options cli_options_batch = COMMAND("batch", batch_args, batch_slots);

static const option_slot text_slots[] = {
    SUMMARY(OPT_FIGURES, text_args, figures),
    SUMMARY(OPT_SHEET, text_args, sheet),
    SUMMARY(OPT_LAYOUT, text_args, layout),
    SUMMARY_FLAG(OPT_STRICT, text_args, strict),
    SUMMARY_FLAG(OPT_ALLOW_OUTSIDE, text_args, allow_outside),
    SUMMARY_FLAG(OPT_NO_NORMALIZE, text_args, no_normalize),
    SUMMARY(OPT_DATA, text_args, data),
};
const command_options cli_options_text = COMMAND("text", text_args, text_slots);

static const option_slot check_slots[] = {
    SUMMARY(OPT_FIGURES, check_args, figures),
    SUMMARY(OPT_SHEET, check_args, sheet),
    SUMMARY(OPT_LAYOUT, check_args, layout),
    SUMMARY_FLAG(OPT_NO_NORMALIZE, check_args, no_normalize),
    FLAG(OPT_FIX, check_args, fix),
    SUMMARY(OPT_DATA, check_args, data),
};
const command_options cli_options_check = COMMAND("check", check_args, check_slots);

static const option_slot import_slots[] = {
    VALUE(OPT_OUTPUT, import_args, output),
};
const command_options cli_options_import = COMMAND("import", import_args, import_slots);

static const option_slot print_slots[] = {
    VALUE(OPT_PRINTER, print_args, printer),
    VALUE(OPT_COPIES, print_args, copies),
    VALUE(OPT_SIDES, print_args, sides),
    FLAG(OPT_DRY_RUN, print_args, dry_run),
};
const command_options cli_options_print = COMMAND("print", print_args, print_slots);

static const option_slot mail_slots[] = {
    VALUE(OPT_OUTPUT, mail_args, output),
    VALUE(OPT_FIGURES, mail_args, figures),
    VALUE(OPT_LAYOUT, mail_args, layout),
    VALUE(OPT_DATA, mail_args, data),
    VALUE(OPT_FROM, mail_args, from),
    VALUE(OPT_CONTACTS, mail_args, contacts),
};
const command_options cli_options_mail = COMMAND("mail", mail_args, mail_slots);

static const option_slot send_slots[] = {
    FLAG(OPT_DRY_RUN, send_args, dry_run),
    VALUE(OPT_SMTP, send_args, smtp),
    VALUE(OPT_USER, send_args, user),
    VALUE(OPT_CACERT, send_args, cacert),
    FLAG(OPT_INSECURE_PLAIN_AUTH, send_args, insecure_plain_auth),
};
const command_options cli_options_send = COMMAND("send", send_args, send_slots);

static const option_slot layouts_slots[] = {
    VALUE(OPT_DATA, layouts_args, data),
    FLAG(OPT_KEYS, layouts_args, keys),
};
const command_options cli_options_layouts = COMMAND("layouts", layouts_args, layouts_slots);

static const option_slot fonts_slots[] = {
    VALUE(OPT_DATA, fonts_args, data),
};
const command_options cli_options_fonts = COMMAND("fonts", fonts_args, fonts_slots);

static const option_slot serve_slots[] = {
    VALUE(OPT_DATA, serve_args, data),
    VALUE(OPT_PORT, serve_args, port),
    VALUE(OPT_HOST, serve_args, host),
    VALUE(OPT_ALLOW_HOST, serve_args, allow_host),
    VALUE(OPT_TIME_LIMIT, serve_args, time_limit),
    VALUE(OPT_JOBS, serve_args, jobs),
};
const command_options cli_options_serve = COMMAND("serve", serve_args, serve_slots);

#undef VALUE
#undef FLAG
#undef COMMAND
#undef SUMMARY
#undef SUMMARY_FLAG

/* The option arg spells, or OPT_COUNT. */
static option_id find_option(const char *arg) {
  for (int k = 0; k < OPT_COUNT; k++)
    if (!strcmp(arg, all_options[k].name) || (all_options[k].alias && !strcmp(arg, all_options[k].alias)))
      return (option_id)k;
  return OPT_COUNT;
}

int cli_options_scan(int argc, char **argv, command_line *line) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    option_id id = find_option(a);
    if (id != OPT_COUNT && all_options[id].flag) continue;
    if (id != OPT_COUNT) {
      if (i + 1 >= argc) {
        fprintf(stderr, "brief: error: %s needs a value; see 'brief --help'\n", a);
        return -1;
      }
      if (id == OPT_DATA) line->data = argv[i + 1];
      if (id == OPT_FORMAT) line->format = argv[i + 1];
      i++;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "brief: error: unknown option '%s'; see 'brief --help'\n", a);
      return -1;
    } else if (!line->command) {
      line->command = a;
    } else {
      str_list_push(&line->inputs, a);
    }
  }
  return 0;
}

static const option_slot *slot_of(const command_options *cmd, option_id id) {
  for (size_t k = 0; k < cmd->nslots; k++)
    if (cmd->slots[k].id == id) return &cmd->slots[k];
  return NULL;
}

/* "brief: error: print takes no --booklet; it takes --printer, --copies, ..." */
static void report_refused(const command_options *cmd, const char *option) {
  fprintf(stderr, "brief: error: %s takes no %s; it takes ", cmd->name, option);
  bool any = false;
  for (int k = 0; k < OPT_COUNT; k++)
    if (slot_of(cmd, (option_id)k)) {
      fprintf(stderr, "%s%s", any ? ", " : "", all_options[k].name);
      any = true;
    }
  fprintf(stderr, "%s; see 'brief --help'\n", any ? "" : "none");
}

int cli_options_read(int argc, char **argv, const command_options *cmd, void *args) {
  for (int i = 1; i < argc; i++) {
    option_id id = find_option(argv[i]);
    if (id == OPT_COUNT) continue; /* the command and its inputs (cli_options_scan checked the rest) */
    const option_slot *slot = slot_of(cmd, id);
    if (!slot) {
      report_refused(cmd, argv[i]);
      return -1;
    }
    char *field = (char *)args + slot->field;
    if (all_options[id].flag)
      *(bool *)field = true;
    else
      *(const char **)field = argv[++i]; /* cli_options_scan checked it is there */
  }
  return 0;
}

int cli_options_formats(const char *format, int *formats) {
  *formats = 0;
  if (!format) return 0;
  const char *names[] = {"pdf", "ofd", "both"};
  for (int k = 0; k < 3; k++)
    if (!strcmp(format, names[k])) *formats = k + 1; /* BRIEF_PDF, BRIEF_OFD, both */
  if (*formats) return 0;
  fprintf(stderr, "brief: error: --format '%s' is not one of pdf, ofd, both\n", format);
  return -1;
}
