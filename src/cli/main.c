/* Command line: brief render | batch | text | check | import | print | mail | send | layouts | fonts | serve. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "brief.h"
#include "datadir.h"
#include "pdf.h"
#include "frontmatter.h"
#include "heap.h"
#include "layoutspec.h"
#ifndef BRIEF_LEAN
#include "import_cmd.h"
#include "mailcmd.h"
#include "print.h"
#include "send.h"
#include "serve.h"
#endif
#include "util.h"

static const char usage[] =
    "brief " BRIEF_VERSION ": Markdown case summaries + county figures -> Chinese PDF briefs\n"
    "\n"
    "Usage:\n"
    "  brief render SUMMARY.md [-o OUT.pdf|OUT.ofd] [--figures FIGURES.csv] [--layout NAME|PATH] [--numbered RANGE]\n"
    "      Render one brief. Without -o the PDF goes beside the summary.\n"
    "      e.g. brief render input/陇西县.md --figures input/figures.csv -o out/陇西县.pdf\n"
    "  brief batch DIR|SUMMARY.md... -o OUTDIR [--layout NAME|PATH] [--booklet BOOK.pdf] [--jobs N] [--format F]\n"
    "      Render every summary (DIR/*.md) into OUTDIR on all cores, using figures.csv (.xlsx, .xls) beside\n"
    "      the summaries when present. Goes on past a failing brief and lists all failures.\n"
    "      --booklet also writes the meeting booklet: a cover (--booklet-title or booklet.yaml\n"
    "      beside the summaries), 目录, every brief from an odd page, continuous page numbers.\n"
    "      e.g. brief batch input -o out --booklet out/汇编.pdf\n"
    "  brief text SUMMARY.md [--figures FIGURES.csv]\n"
    "      Print the text the PDF shows, in reading order (for checking extraction).\n"
    "      e.g. brief text input/黔西县.md --figures input/figures.csv\n"
    "  brief print PDF|DIR... [--printer NAME] [--copies N] [--sides SIDES] [--dry-run]\n"
    "      Print each PDF as one job on a CUPS queue (a folder: its PDFs in booklet order),\n"
    "      named after its county, collated, duplex when it has more than one page.\n"
    "      e.g. brief print out/briefs --printer office --copies 3\n"
    "  brief mail DIR|SUMMARY.md... -o OUTDIR --from ADDRESS [--contacts CONTACTS.csv]\n"
    "      Render every summary as batch does and write OUTDIR/<name>.eml beside each PDF:\n"
    "      a ready e-mail to the units of its 版记 (报: To, 送/发: Cc), addresses from\n"
    "      contacts.csv (columns 单位,邮箱) beside the summaries, the PDF attached.\n"
    "      e.g. brief mail input -o out --from office@example.gov.cn\n"
    "  brief send OUTDIR --smtp smtp://HOST:PORT|smtps://HOST:PORT [--user NAME] [--cacert PEM] [--dry-run]\n"
    "      Send every .eml of OUTDIR not sent before (recorded in OUTDIR/sent.log), with\n"
    "      STARTTLS when offered (required with --user); the password comes from\n"
    "      BRIEF_SMTP_PASSWORD or ~/.netrc. One send at a time per OUTDIR.\n"
    "      e.g. brief send out --smtp smtp://mail.example.gov.cn:587 --user office\n"
    "  brief check SUMMARY.md... [--figures FIGURES.csv] [--fix]\n"
    "      List every punctuation and spacing fix the normaliser makes, and every\n"
    "      unpaired quote or bracket; exit 1 when it found something. Uses figures.csv\n"
    "      beside each summary unless --figures is given. --fix writes the fixes back\n"
    "      into the summaries. e.g. brief check input/*.md --fix\n"
    "  brief import DOCUMENT.docx|.doc|.wps... [-o DIR]\n"
    "      Turn each Word document into DIR/NAME.md (images in DIR/NAME/) and report what\n"
    "      it recognised: title, headings, signature and date, tables. Default DIR: beside it.\n"
    "      e.g. brief import 陇西县.docx -o input\n"
    "  brief layouts     List the installed layouts (layouts/*.yaml), e.g. brief layouts;\n"
    "                    --keys: every key a layout file may set, as a Markdown table\n"
    "  brief fonts       Show which font file each font role resolved to, e.g. brief fonts\n"
    "  brief serve [DIR] [--port N] [--host ADDR] [--allow-host NAME,...] [--time-limit MS] [--jobs N]\n"
    "      A local web page (default http://127.0.0.1:8420/): edit a summary, see its\n"
    "      brief as you type. With DIR: open and save its summaries, download the booklet.\n"
    "      e.g. brief serve input\n"
    "\n"
    "Options (each command takes only its own; any other is an error):\n"
    "  -o, --output PATH      render, batch, mail, import: output PDF (render) or folder\n"
    "  --figures PATH         render, batch, text, check, mail: figures CSV (UTF-8, UTF-8 with BOM\n"
    "                         or GB18030) or workbook (.xlsx, .xls)\n"
    "  --sheet NAME           render, batch, text, check: the workbook's sheet of figures\n"
    "                         (default: the first)\n"
    "  --layout NAME|PATH     render, batch, text, check, mail: official (GB/T 9704, default),\n"
    "                         briefing (工作简报), plain, or a layout file; overrides the\n"
    "                         front matter's 'layout'\n"
    "  --booklet PATH         batch: also write one booklet PDF\n"
    "  --booklet-title TEXT   batch: the booklet cover's title (else booklet.yaml's 'title')\n"
    "  --quiet                batch: no progress display, only the summary\n"
    "  --format pdf|ofd|both  render, batch: output format (default: by -o's extension, .ofd = OFD,\n"
    "                         GB/T 33190); both writes NAME.pdf and NAME.ofd\n"
    "  --numbered RANGE       render, batch: numbered copies (份号) 1-30 or 1,4,7-9, one after\n"
    "                         another in one PDF, each starting on an odd page\n"
    "  --printer NAME         print: the queue (default: as lp finds it; CUPS_SERVER honoured)\n"
    "  --copies N             print: copies of each brief (default 1)\n"
    "  --sides SIDES          print: one-sided, two-sided-long-edge, two-sided-short-edge\n"
    "  --dry-run              print, send: show what would be sent where (to whom), send nothing\n"
    "  --strict               render, batch, text: a summary in GB18030 (GBK) is an error, not a warning\n"
    "  --allow-empty          render, batch: render an empty summary as a blank brief (else: a\n"
    "                         warning, no PDF)\n"
    "  --allow-outside        render, batch, text: images and layouts named by a summary may lie\n"
    "                         outside its folder\n"
    "  --no-normalize         render, batch, text, check: print the text as typed (no quote,\n"
    "                         punctuation or space fixes)\n"
    "  --fix                  check: write the fixes back into the summaries\n"
    "  --data DIR             render, batch, text, check, mail, serve, layouts, fonts: folder with\n"
    "                         fonts/ and layouts/ (default: BRIEF_DATA, else ../share/brief beside\n"
    "                         the binary, else the source tree)\n"
    "  --from ADDRESS         mail: the sender, 'office@example.gov.cn' or 'Name <office@…>'\n"
    "  --contacts PATH        mail: the address book (default: contacts.csv beside the summaries)\n"
    "  --smtp URL             send: the SMTP server; --user NAME its login\n"
    "  --cacert PATH          send: trust the CA certificates of this PEM file for TLS\n"
    "  --insecure-plain-auth  send: log in even when an smtp:// server offers no STARTTLS\n"
    "                         (the password goes over the network unencrypted)\n"
    "  --port N, --host ADDR  serve: where to listen (default 8420 on 127.0.0.1; 0: any port)\n"
    "  --allow-host NAME,...  serve: host names the page may be opened by, besides localhost\n"
    "                         and IP addresses (others get 403: no DNS rebinding)\n"
    "  --time-limit MS        serve: time limit of one render (default 20000)\n"
    "  --jobs N               batch, serve: worker processes (batch) or renders at once (serve)\n"
    "                         (default: the number of processors)\n"
    "  --keys                 layouts: every key a layout file may set, as a Markdown table\n"
    "  -h, --help             this help\n"
    "  --version              print the version\n"
    "\n"
    "Environment: SOURCE_DATE_EPOCH sets the PDF dates when the front matter has no date;\n"
    "BRIEF_DATA is the data folder. See also man brief.\n";

typedef struct {
  const char *command, *output, *figures, *sheet, *layout, *booklet, *data;
  const char *port, *host, *time_limit, *jobs; /* serve */
  const char *allow_host;                       /* serve: NAME,NAME,... */
  const char *from, *contacts, *smtp, *user, *cacert; /* mail, send */
  str_list inputs;
  const char *numbered;                         /* render, batch: --numbered RANGE */
  const char *booklet_title;                    /* batch (and --jobs, as serve) */
  bool quiet;                                   /* batch */
  bool keys;                                    /* layouts --keys */
  const char *printer, *copies, *sides;         /* print */
  bool dry_run;
  bool insecure_plain_auth;                     /* send */
  bool strict, allow_empty, allow_outside;     /* render, batch, text: input checks (input.h) */
  const char *format; /* --format pdf|ofd|both */
  int formats;
  bool fix, no_normalize;                       /* check --fix; --no-normalize */
} cli;

/* The commands, one bit each: an option's entry below says which take it. */
enum {
  CMD_RENDER = 1 << 0, CMD_BATCH = 1 << 1, CMD_TEXT = 1 << 2, CMD_CHECK = 1 << 3, CMD_PRINT = 1 << 4,
  CMD_MAIL = 1 << 5, CMD_SEND = 1 << 6, CMD_IMPORT = 1 << 7, CMD_LAYOUTS = 1 << 8, CMD_FONTS = 1 << 9,
  CMD_SERVE = 1 << 10,
};

static const struct {
  const char *name;
  unsigned bit;
} commands[] = {
    {"render", CMD_RENDER}, {"batch", CMD_BATCH}, {"text", CMD_TEXT},       {"check", CMD_CHECK},
    {"import", CMD_IMPORT}, {"print", CMD_PRINT}, {"mail", CMD_MAIL},       {"send", CMD_SEND},
    {"layouts", CMD_LAYOUTS}, {"fonts", CMD_FONTS}, {"serve", CMD_SERVE},
};

/* Those that render a summary, and those that open the fonts and layouts (--data). */
#define CMD_RENDERING (CMD_RENDER | CMD_BATCH | CMD_TEXT | CMD_CHECK)
#define CMD_ENGINE (CMD_RENDERING | CMD_MAIL | CMD_SERVE | CMD_LAYOUTS | CMD_FONTS)

/* Every option: its field of cli (a string, or a bool for a flag) and the
 * commands that take it. The synopses and options of 'brief --help',
 * doc/brief.1 and completions/brief say the same (tests/e2e_cli.py). */
typedef struct {
  const char *name, *alias;
  size_t field;
  bool flag;
  unsigned commands;
} option_spec;

#define VALUE(name, alias, member, cmds) {name, alias, offsetof(cli, member), false, cmds}
#define FLAG(name, member, cmds) {name, NULL, offsetof(cli, member), true, cmds}
static const option_spec options[] = {
    VALUE("-o", "--output", output, CMD_RENDER | CMD_BATCH | CMD_MAIL | CMD_IMPORT),
    VALUE("--figures", NULL, figures, CMD_RENDERING | CMD_MAIL),
    VALUE("--sheet", NULL, sheet, CMD_RENDERING),
    VALUE("--layout", NULL, layout, CMD_RENDERING | CMD_MAIL),
    VALUE("--booklet", NULL, booklet, CMD_BATCH),
    VALUE("--booklet-title", NULL, booklet_title, CMD_BATCH),
    FLAG("--quiet", quiet, CMD_BATCH),
    VALUE("--format", NULL, format, CMD_RENDER | CMD_BATCH),
    VALUE("--numbered", NULL, numbered, CMD_RENDER | CMD_BATCH),
    VALUE("--printer", NULL, printer, CMD_PRINT),
    VALUE("--copies", NULL, copies, CMD_PRINT),
    VALUE("--sides", NULL, sides, CMD_PRINT),
    FLAG("--dry-run", dry_run, CMD_PRINT | CMD_SEND),
    FLAG("--strict", strict, CMD_RENDER | CMD_BATCH | CMD_TEXT),
    FLAG("--allow-empty", allow_empty, CMD_RENDER | CMD_BATCH),
    FLAG("--allow-outside", allow_outside, CMD_RENDER | CMD_BATCH | CMD_TEXT),
    FLAG("--no-normalize", no_normalize, CMD_RENDERING),
    FLAG("--fix", fix, CMD_CHECK),
    VALUE("--data", NULL, data, CMD_ENGINE),
    VALUE("--from", NULL, from, CMD_MAIL),
    VALUE("--contacts", NULL, contacts, CMD_MAIL),
    VALUE("--smtp", NULL, smtp, CMD_SEND),
    VALUE("--user", NULL, user, CMD_SEND),
    VALUE("--cacert", NULL, cacert, CMD_SEND),
    FLAG("--insecure-plain-auth", insecure_plain_auth, CMD_SEND),
    VALUE("--port", NULL, port, CMD_SERVE),
    VALUE("--host", NULL, host, CMD_SERVE),
    VALUE("--allow-host", NULL, allow_host, CMD_SERVE),
    VALUE("--time-limit", NULL, time_limit, CMD_SERVE),
    VALUE("--jobs", NULL, jobs, CMD_BATCH | CMD_SERVE),
    FLAG("--keys", keys, CMD_LAYOUTS),
};
#undef VALUE
#undef FLAG

static const option_spec *find_option(const char *arg) {
  for (size_t k = 0; k < sizeof options / sizeof *options; k++)
    if (!strcmp(arg, options[k].name) || (options[k].alias && !strcmp(arg, options[k].alias))) return &options[k];
  return NULL;
}

static unsigned command_bit(const char *command) {
  for (size_t k = 0; command && k < sizeof commands / sizeof *commands; k++)
    if (!strcmp(command, commands[k].name)) return commands[k].bit;
  return 0;
}

/* The first option (in the order given) that the command does not take, or NULL.
 * An unknown command is reported later, as before. */
static const char *refused_option(int argc, char **argv, unsigned command) {
  for (int i = 1; command && i < argc; i++) {
    const option_spec *o = find_option(argv[i]);
    if (!o) continue;
    if (!(o->commands & command)) return argv[i];
    i += !o->flag; /* its value, as parse_args read it */
  }
  return NULL;
}

/* "brief: error: print takes no --booklet; it takes --printer, --copies, ..." (exit 2). */
static void report_refused(const char *command, unsigned bit, const char *option) {
  fprintf(stderr, "brief: error: %s takes no %s; it takes ", command, option);
  bool any = false;
  for (size_t k = 0; k < sizeof options / sizeof *options; k++)
    if (options[k].commands & bit) {
      fprintf(stderr, "%s%s", any ? ", " : "", options[k].name);
      any = true;
    }
  fprintf(stderr, "%s; see 'brief --help'\n", any ? "" : "none");
}

static int parse_args(int argc, char **argv, cli *c) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const option_spec *o = find_option(a);
    if (o && o->flag) {
      *(bool *)((char *)c + o->field) = true;
    } else if (o) {
      if (i + 1 >= argc) {
        fprintf(stderr, "brief: error: %s needs a value; see 'brief --help'\n", a);
        return -1;
      }
      *(const char **)((char *)c + o->field) = argv[++i];
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "brief: error: unknown option '%s'; see 'brief --help'\n", a);
      return -1;
    } else if (!c->command) {
      c->command = a;
    } else {
      str_list_push(&c->inputs, a);
    }
  }
  unsigned bit = command_bit(c->command);
  const char *refused = refused_option(argc, argv, bit);
  if (refused) {
    report_refused(c->command, bit, refused);
    return -1;
  }
  if (c->format) {
    const char *names[] = {"pdf", "ofd", "both"};
    for (int k = 0; k < 3; k++)
      if (!strcmp(c->format, names[k])) c->formats = k + 1; /* BRIEF_PDF, BRIEF_OFD, both */
    if (!c->formats) {
      fprintf(stderr, "brief: error: --format '%s' is not one of pdf, ofd, both\n", c->format);
      return -1;
    }
  }
  return 0;
}

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

static int compare_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The summaries of a batch: the .md files of each folder, sorted, and files as given. */
static void collect_inputs(const str_list *args, str_list *out) {
  for (size_t i = 0; i < args->len; i++) {
    if (!is_dir(args->items[i])) {
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

static char *default_output(const char *input, int formats) {
  size_t n = strlen(input);
  if (n > 3 && !strcmp(input + n - 3, ".md")) n -= 3;
  return xasprintf("%.*s.%s", (int)n, input, formats == BRIEF_OFD ? "ofd" : "pdf");
}

static int finish(diag_list *dl, int rc) {
  diag_print(dl, stderr);
  diag_clear(dl);
  return rc;
}

static int cmd_render(brief_engine *e, const cli *c, diag_list *dl) {
  if (c->inputs.len != 1) {
    fprintf(stderr, "brief: error: render takes one summary, e.g. brief render input/陇西县.md -o out/陇西县.pdf\n");
    return 2;
  }
  char *out = c->output ? xstrdup(c->output) : default_output(c->inputs.items[0], c->formats);
  brief_job job = {.input = c->inputs.items[0], .output = out, .figures = c->figures, .sheet = c->sheet, .layout = c->layout,
                   .numbered = c->numbered, .formats = c->formats, .no_normalize = c->no_normalize,
                   .strict = c->strict, .allow_empty = c->allow_empty, .allow_outside = c->allow_outside};
  int rc = brief_render(e, &job, dl);
  rc = finish(dl, rc == 0 ? 0 : 1);
  if (brief_interrupted()) {
    fprintf(stderr, "brief: interrupted (%s): %s not written\n", brief_interrupted() == SIGINT ? "SIGINT" : "SIGTERM", out);
    rc = 128 + brief_interrupted();
  }
  free(out);
  return rc;
}

static char *batch_figures(const char *input) { /* figures.csv, else figures.xlsx or figures.xls */
  char *dir = path_dirname(input);
  static const char *const names[] = {"figures.csv", "figures.xlsx", "figures.xls"};
  for (int k = 0; k < 3; k++) {
    char *path = path_join(dir, names[k]);
    if (exists(path)) {
      free(dir);
      return path;
    }
    free(path);
  }
  free(dir);
  return NULL;
}

/* A whole number in [lo, hi], or -1. */
static long number_arg(const char *s, long lo, long hi) {
  char *end;
  long v = s && *s ? strtol(s, &end, 10) : -1;
  return s && *s && !*end && v >= lo && v <= hi ? v : -1;
}

static int cmd_batch(brief_engine *e, const cli *c) {
  if (!c->output || c->inputs.len == 0) {
    fprintf(stderr, "brief: error: batch needs summaries and -o OUTDIR, e.g. brief batch input -o out\n");
    return 2;
  }
  if (!is_dir(c->output) && mkdir(c->output, 0755) != 0) {
    fprintf(stderr, "brief: error: cannot create the output folder '%s': %s\n", c->output, strerror(errno));
    return 1;
  }
  char *probe_at = path_join(c->output, ".brief-probe"), *probe = file_temp_beside(probe_at);
  if (!probe) { /* a read-only folder: one error, not one per brief */
    fprintf(stderr, "brief: error: cannot write into the output folder '%s': %s; choose another -o or make it "
            "writable\n", c->output, strerror(errno));
    free(probe_at);
    return 1;
  }
  file_discard_temp(probe);
  free(probe);
  free(probe_at);
  str_list inputs = {0};
  collect_inputs(&c->inputs, &inputs);
  brief_job *jobs = xcalloc(inputs.len + 1, sizeof *jobs);
  bool *failed = xcalloc(inputs.len + 1, sizeof *failed);
  for (size_t i = 0; i < inputs.len; i++) {
    char *stem = path_stem(inputs.items[i]);
    jobs[i] = (brief_job){
        .input = inputs.items[i],
        .output = xasprintf("%s/%s.%s", c->output, stem, c->formats == BRIEF_OFD ? "ofd" : "pdf"),
        .figures = c->figures ? xstrdup(c->figures) : batch_figures(inputs.items[i]),
        .sheet = c->sheet,
        .layout = c->layout,
        .numbered = c->numbered,
        .formats = c->formats, .no_normalize = c->no_normalize,
        .strict = c->strict, .allow_empty = c->allow_empty, .allow_outside = c->allow_outside};
    free(stem);
  }
  char *dir = inputs.len ? path_dirname(inputs.items[0]) : xstrdup(".");
  char *yaml = path_join(dir, "booklet.yaml");
  free(dir);
  batch_options o = {c->booklet, c->booklet_title, exists(yaml) ? yaml : NULL, c->layout,
                     c->jobs ? atoi(c->jobs) : 0, c->quiet};
  int rc = 0;
  if (c->jobs && number_arg(c->jobs, 1, 1024) < 0) {
    fprintf(stderr, "brief: error: --jobs '%s': give a number of processes from 1 to 1024, e.g. --jobs 2\n", c->jobs);
    rc = 2;
  } else {
    rc = brief_batch_run(e, jobs, inputs.len, &o, failed) == 0 ? 0 : 1;
  }
  free(yaml);
  size_t nfailed = 0;
  for (size_t i = 0; i < inputs.len; i++) nfailed += failed[i];
  int sig = rc == 2 ? 0 : brief_interrupted();
  if (sig) /* the last line: what was written before the signal */
    fprintf(stderr, "brief: interrupted (%s): %zu of %zu briefs written to %s, the other %zu not%s\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM", inputs.len - nfailed, inputs.len, c->output, nfailed,
            c->booklet ? "; no booklet" : "");
  for (size_t i = 0; i < inputs.len; i++) {
    free((char *)jobs[i].output);
    free((char *)jobs[i].figures);
  }
  free(jobs);
  free(failed);
  str_list_free(&inputs);
  return sig ? 128 + sig : rc;
}

static int cmd_text(brief_engine *e, const cli *c, diag_list *dl) {
  if (c->inputs.len != 1) {
    fprintf(stderr, "brief: error: text takes one summary\n");
    return 2;
  }
  brief_job job = {.input = c->inputs.items[0], .figures = c->figures, .sheet = c->sheet, .layout = c->layout, .no_normalize = c->no_normalize,
                   .strict = c->strict, .allow_outside = c->allow_outside};
  return finish(dl, brief_text(e, &job, stdout, dl) == 0 ? 0 : 1);
}

static int cmd_check(brief_engine *e, const cli *c, diag_list *dl) {
  if (c->inputs.len == 0) {
    fprintf(stderr, "brief: error: check needs summaries, e.g. brief check input/陇西县.md\n");
    return 2;
  }
  brief_job *jobs = xcalloc(c->inputs.len + 1, sizeof *jobs);
  for (size_t i = 0; i < c->inputs.len; i++) /* figures.csv beside a summary, as in a batch */
    jobs[i] = (brief_job){.input = c->inputs.items[i],
                          .figures = c->figures ? xstrdup(c->figures) : batch_figures(c->inputs.items[i]),
                          .sheet = c->sheet, .layout = c->layout, .no_normalize = c->no_normalize};
  int rc = brief_check(e, jobs, c->inputs.len, c->fix, stdout, dl);
  for (size_t i = 0; i < c->inputs.len; i++) free((char *)jobs[i].figures);
  free(jobs);
  return finish(dl, dl->errors ? 1 : rc);
}

#ifndef BRIEF_LEAN
static int cmd_serve(brief_engine *e, const cli *c) {
  long port = c->port ? number_arg(c->port, 0, 65535) : 8420;
  long limit = c->time_limit ? number_arg(c->time_limit, 1, 3600000) : 0;
  long jobs = c->jobs ? number_arg(c->jobs, 1, 256) : 0;
  if (c->inputs.len > 1 || port < 0 || limit < 0 || jobs < 0) {
    fprintf(stderr, "brief: error: serve takes one folder, --port 0-65535, --time-limit MS and --jobs N, "
                    "e.g. brief serve input --port 8420\n");
    return 2;
  }
  serve_options o = {c->inputs.len ? c->inputs.items[0] : NULL, c->host, (int)port, (double)limit, (int)jobs,
                     c->allow_host};
  return serve_run(e, &o);
}

static int cmd_mail(brief_engine *e, const cli *c, const char *data) {
  str_list inputs = {0};
  collect_inputs(&c->inputs, &inputs);
  mail_options o = {c->output, c->from, c->contacts, c->figures, c->layout, data};
  int rc = mail_command(e, &o, &inputs);
  str_list_free(&inputs);
  return rc;
}

static int cmd_send(const cli *c) {
  if (c->inputs.len != 1) {
    fprintf(stderr, "brief: error: send takes one folder, e.g. brief send out --smtp smtp://mail.example.gov.cn:587\n");
    return 2;
  }
  send_options o = {c->inputs.items[0], c->smtp, c->user, c->cacert, c->dry_run, c->insecure_plain_auth};
  return send_command(&o);
}
#endif

#ifdef BRIEF_LEAN
/* print, mail, send and serve: the same command line, run by brief-tools
 * beside this binary (see CMakeLists.txt: their libraries stay out of every
 * render's start-up). */
static bool is_tool_command(const char *cmd) {
  return !strcmp(cmd, "print") || !strcmp(cmd, "mail") || !strcmp(cmd, "send") || !strcmp(cmd, "serve") ||
         !strcmp(cmd, "import");
}

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
#endif

int main(int argc, char **argv) {
  heap_prepare(); /* before anything large is allocated */
  atexit(pdf_deflate_release); /* the PDF stage's compressors, kept between streams */
  cli c = {0};
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(usage, stdout);
      return 0;
    }
    if (!strcmp(argv[i], "--version")) {
      puts("brief " BRIEF_VERSION);
      return 0;
    }
  }
  if (parse_args(argc, argv, &c) != 0) {
    str_list_free(&c.inputs); /* what was read before the bad argument */
    return 2;
  }
  if (!c.command) {
    fputs(usage, stderr);
    return 2;
  }
#ifdef BRIEF_LEAN
  if (is_tool_command(c.command)) {
    str_list_free(&c.inputs);
    return run_tools(argv);
  }
#else
  if (!strcmp(c.command, "print")) { /* needs no fonts or layouts */
    print_options po = {c.printer, c.copies, c.sides, c.dry_run};
    int prc = print_command(&po, c.inputs.items, c.inputs.len);
    str_list_free(&c.inputs);
    return prc;
  }
  if (!strcmp(c.command, "send") || !strcmp(c.command, "import")) { /* need no fonts */
    int rc = c.command[0] == 's' ? cmd_send(&c) : import_command(&(import_options){c.output}, &c.inputs);
    str_list_free(&c.inputs);
    return rc;
  }
#endif
  if (!strcmp(c.command, "layouts") && c.keys) { /* the layout files' keys: needs no data */
    char *table = spec_keys_markdown();
    fputs(table, stdout);
    free(table);
    str_list_free(&c.inputs);
    return 0;
  }
  diag_list dl = {0};
  brief_paths paths = {0};
  brief_engine *e = NULL;
  if (brief_paths_find(c.data, &paths, &dl) == 0)
    e = brief_engine_open(paths.data_dir, (const char *const *)paths.font_dirs.items, paths.font_dirs.len, &dl);
  const char *data = paths.data_dir;
  (void)data; /* mail's, in brief-tools */
  int rc;
  if (!e) rc = finish(&dl, 1);
  else if (!strcmp(c.command, "render")) rc = (brief_handle_signals(), cmd_render(e, &c, &dl));
  else if (!strcmp(c.command, "batch")) rc = (brief_handle_signals(), cmd_batch(e, &c));
  else if (!strcmp(c.command, "text")) rc = cmd_text(e, &c, &dl);
#ifndef BRIEF_LEAN
  else if (!strcmp(c.command, "serve")) rc = cmd_serve(e, &c);
  else if (!strcmp(c.command, "mail")) rc = cmd_mail(e, &c, data);
#endif
  else if (!strcmp(c.command, "check")) rc = cmd_check(e, &c, &dl);
  else if (!strcmp(c.command, "layouts")) rc = finish(&dl, brief_list_layouts(e, stdout, &dl) == 0 ? 0 : 1);
  else if (!strcmp(c.command, "fonts")) {
    printf("data folder: %s (from %s)\n", paths.data_dir, paths.origin);
    brief_list_fonts(e, stdout);
    rc = 0;
  } else {
    fprintf(stderr, "brief: error: unknown command '%s'; see 'brief --help'\n", c.command);
    rc = 2;
  }
  brief_engine_free(e);
  brief_paths_free(&paths);
  str_list_free(&c.inputs);
  return rc;
}
