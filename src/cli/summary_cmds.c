/* The commands that render or read summaries: render, batch, text, check. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "options.h"

/* A job for one summary, read as the command line's options say. */
static brief_job summary_job(const summary_args *s, const char *input) {
  return (brief_job){.input = input, .figures = s->figures, .sheet = s->sheet, .layout = s->layout,
                     .no_normalize = s->no_normalize, .strict = s->strict, .allow_empty = s->allow_empty,
                     .allow_outside = s->allow_outside};
}

static char *default_output(const char *input, int formats) {
  size_t n = strlen(input);
  if (n > 3 && !strcmp(input + n - 3, ".md")) n -= 3;
  return xasprintf("%.*s.%s", (int)n, input, formats == BRIEF_OFD ? "ofd" : "pdf");
}

static int render_one(brief_engine *e, const render_args *a, const str_list *inputs, diag_list *dl) {
  if (inputs->len != 1) {
    fprintf(stderr, "brief: error: render takes one summary, e.g. brief render input/陇西县.md -o out/陇西县.pdf\n");
    return 2;
  }
  char *out = a->output ? xstrdup(a->output) : default_output(inputs->items[0], a->formats);
  brief_job job = summary_job(&a->summary, inputs->items[0]);
  job.output = out;
  job.numbered = a->numbered;
  job.formats = a->formats;
  int rc = brief_render(e, &job, dl);
  rc = cli_finish(dl, rc == 0 ? 0 : 1);
  if (brief_interrupted()) {
    fprintf(stderr, "brief: interrupted (%s): %s not written\n", brief_interrupted() == SIGINT ? "SIGINT" : "SIGTERM", out);
    rc = 128 + brief_interrupted();
  }
  free(out);
  return rc;
}

int cli_render(const void *args, const str_list *inputs) {
  render_args a = *(const render_args *)args;
  if (cli_options_formats(a.format, &a.formats) != 0) return 2;
  cli_engine c;
  if (cli_engine_open(&c, a.summary.data) != 0) return 1;
  brief_handle_signals();
  int rc = render_one(c.engine, &a, inputs, &c.dl);
  cli_engine_close(&c);
  return rc;
}

static char *batch_figures(const char *input) { /* figures.csv, else figures.xlsx or figures.xls */
  char *dir = path_dirname(input);
  static const char *const names[] = {"figures.csv", "figures.xlsx", "figures.xls"};
  for (int k = 0; k < 3; k++) {
    char *path = path_join(dir, names[k]);
    if (cli_exists(path)) {
      free(dir);
      return path;
    }
    free(path);
  }
  free(dir);
  return NULL;
}

static int batch_all(brief_engine *e, const batch_args *a, const str_list *args) {
  if (!a->output || args->len == 0) {
    fprintf(stderr, "brief: error: batch needs summaries and -o OUTDIR, e.g. brief batch input -o out\n");
    return 2;
  }
  if (!cli_is_dir(a->output) && mkdir(a->output, 0755) != 0) {
    fprintf(stderr, "brief: error: cannot create the output folder '%s': %s\n", a->output, strerror(errno));
    return 1;
  }
  char *probe_at = path_join(a->output, ".brief-probe"), *probe = file_temp_beside(probe_at);
  if (!probe) { /* a read-only folder: one error, not one per brief */
    fprintf(stderr, "brief: error: cannot write into the output folder '%s': %s; choose another -o or make it "
            "writable\n", a->output, strerror(errno));
    free(probe_at);
    return 1;
  }
  file_discard_temp(probe);
  free(probe);
  free(probe_at);
  str_list inputs = {0};
  cli_collect_inputs(args, &inputs);
  brief_job *jobs = xcalloc(inputs.len + 1, sizeof *jobs);
  bool *failed = xcalloc(inputs.len + 1, sizeof *failed);
  for (size_t i = 0; i < inputs.len; i++) {
    char *stem = path_stem(inputs.items[i]);
    jobs[i] = summary_job(&a->summary, inputs.items[i]);
    jobs[i].output = xasprintf("%s/%s.%s", a->output, stem, a->formats == BRIEF_OFD ? "ofd" : "pdf");
    jobs[i].figures = a->summary.figures ? xstrdup(a->summary.figures) : batch_figures(inputs.items[i]);
    jobs[i].numbered = a->numbered;
    jobs[i].formats = a->formats;
    free(stem);
  }
  char *dir = inputs.len ? path_dirname(inputs.items[0]) : xstrdup(".");
  char *yaml = path_join(dir, "booklet.yaml");
  free(dir);
  batch_options o = {a->booklet, a->booklet_title, cli_exists(yaml) ? yaml : NULL, a->summary.layout,
                     a->jobs ? atoi(a->jobs) : 0, a->quiet};
  int rc = 0;
  if (a->jobs && cli_number_arg(a->jobs, 1, 1024) < 0) {
    fprintf(stderr, "brief: error: --jobs '%s': give a number of processes from 1 to 1024, e.g. --jobs 2\n", a->jobs);
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
            sig == SIGINT ? "SIGINT" : "SIGTERM", inputs.len - nfailed, inputs.len, a->output, nfailed,
            a->booklet ? "; no booklet" : "");
  for (size_t i = 0; i < inputs.len; i++) {
    free((char *)jobs[i].output);
    free((char *)jobs[i].figures);
  }
  free(jobs);
  free(failed);
  str_list_free(&inputs);
  return sig ? 128 + sig : rc;
}

int cli_batch(const void *args, const str_list *inputs) {
  batch_args a = *(const batch_args *)args;
  if (cli_options_formats(a.format, &a.formats) != 0) return 2;
  cli_engine c;
  if (cli_engine_open(&c, a.summary.data) != 0) return 1;
  brief_handle_signals();
  int rc = batch_all(c.engine, &a, inputs);
  cli_engine_close(&c);
  return rc;
}

static int text_one(brief_engine *e, const text_args *a, const str_list *inputs, diag_list *dl) {
  if (inputs->len != 1) {
    fprintf(stderr, "brief: error: text takes one summary\n");
    return 2;
  }
  brief_job job = summary_job(&a->summary, inputs->items[0]);
  return cli_finish(dl, brief_text(e, &job, stdout, dl) == 0 ? 0 : 1);
}

int cli_text(const void *args, const str_list *inputs) {
  const text_args *a = args;
  cli_engine c;
  if (cli_engine_open(&c, a->summary.data) != 0) return 1;
  int rc = text_one(c.engine, a, inputs, &c.dl);
  cli_engine_close(&c);
  return rc;
}

static int check_all(brief_engine *e, const check_args *a, const str_list *inputs, diag_list *dl) {
  if (inputs->len == 0) {
    fprintf(stderr, "brief: error: check needs summaries, e.g. brief check input/陇西县.md\n");
    return 2;
  }
  brief_job *jobs = xcalloc(inputs->len + 1, sizeof *jobs);
  for (size_t i = 0; i < inputs->len; i++) { /* figures.csv beside a summary, as in a batch */
    jobs[i] = summary_job(&a->summary, inputs->items[i]);
    jobs[i].figures = a->summary.figures ? xstrdup(a->summary.figures) : batch_figures(inputs->items[i]);
  }
  int rc = brief_check(e, jobs, inputs->len, a->fix, stdout, dl);
  for (size_t i = 0; i < inputs->len; i++) free((char *)jobs[i].figures);
  free(jobs);
  return cli_finish(dl, dl->errors ? 1 : rc);
}

int cli_check(const void *args, const str_list *inputs) {
  const check_args *a = args;
  cli_engine c;
  if (cli_engine_open(&c, a->summary.data) != 0) return 1;
  int rc = check_all(c.engine, a, inputs, &c.dl);
  cli_engine_close(&c);
  return rc;
}
