/* The pipeline: read → front matter → Markdown → figures → layout → PDF. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "brief.h"
#include "render.h"
#include "figures.h"
#include "fonts.h"
#include "input.h"
#include "input_limits.h"
#include "frontmatter.h"
#include "layout.h"
#include "layoutspec.h"
#include "linebreaker.h"
#include "markdown.h"
#include "model.h"
#include "ofd.h"
#include "normalize.h"
#include "outpath.h"
#include "paraheading.h"
#include "parse.h"
#include "pdf.h"
#include "signals.h"
#include "stop.h"
#include "utf8.h"
#include "util.h"

struct brief_engine {
  char *data_dir, *layouts_dir;
  font_lib *fonts;
  long long source_epoch;
  bool timing; /* BRIEF_TIMING: print where the time of each brief goes */
  /* Figures a batch reads once, before its workers start (then only read). */
  VEC(struct cached_figures { char *path; figures *f; }) figures_cache;
};

void brief_engine_cache_figures(brief_engine *e, const char *path) {
  if (!path) return;
  for (size_t i = 0; i < e->figures_cache.len; i++)
    if (!strcmp(e->figures_cache.items[i].path, path)) return;
  diag_list dl = {0};
  figures *f = figures_load(path, &dl); /* a bad file: each brief reports it */
  diag_clear(&dl);
  if (!f) return;
  struct cached_figures c = {xstrdup(path), f};
  VEC_PUSH(e->figures_cache, c);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

brief_engine *brief_engine_new(const char *data_dir, diag_list *dl) { return brief_engine_open(data_dir, NULL, 0, dl); }

brief_engine *brief_engine_open(const char *data_dir, const char *const *font_dirs, size_t nfont_dirs,
                                diag_list *dl) {
  brief_engine *e = xcalloc(1, sizeof *e);
  linebreak_init();
  markdown_init();
  e->data_dir = xstrdup(data_dir);
  e->layouts_dir = path_join(data_dir, "layouts");
  char *fonts_dir = path_join(data_dir, "fonts");
  e->fonts = font_lib_new_in(fonts_dir, font_dirs, nfont_dirs, dl);
  free(fonts_dir);
  const char *epoch = getenv("SOURCE_DATE_EPOCH");
  e->source_epoch = epoch && *epoch ? atoll(epoch) : -1;
  e->timing = getenv("BRIEF_TIMING") != NULL;
  if (!e->fonts) {
    brief_engine_free(e);
    return NULL;
  }
  return e;
}

void brief_engine_free(brief_engine *e) {
  if (!e) return;
  for (size_t i = 0; i < e->figures_cache.len; i++) {
    free(e->figures_cache.items[i].path);
    figures_free(e->figures_cache.items[i].f);
  }
  VEC_FREE(e->figures_cache);
  font_lib_free(e->fonts);
  free(e->data_dir);
  free(e->layouts_dir);
  free(e);
}

static input_options input_options_of(const brief_job *job) {
  /* A server's job (image_root) has its own image rule: check_images. */
  return (input_options){job->strict, job->allow_empty, job->allow_outside || job->served.image_root};
}

/* Binding only resolves data: it needs nothing from the layout. */
static int bind_figures(brief_engine *e, const brief_job *job, document *doc, diag_list *dl) {
  figures *f = NULL;
  const figures *cached = NULL;
  for (size_t i = 0; job->figures && !job->sheet && i < e->figures_cache.len; i++) /* the cache holds first sheets */
    if (!strcmp(e->figures_cache.items[i].path, job->figures)) cached = e->figures_cache.items[i].f;
  if (job->figures && !cached && !(f = figures_load_sheet(job->figures, job->sheet, dl))) return -1;
  int rc = figures_bind(doc, cached ? cached : f, dl);
  figures_free(f);
  return rc;
}

/* An installed layout's name: letters, digits, '-' and '_' only, so never a path. */
static bool is_layout_name(const char *name) {
  if (!*name) return false;
  for (const char *p = name; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
      return false;
  return true;
}

static int load_layout(brief_engine *e, const brief_job *job, const document *doc, layout_spec *spec,
                       diag_list *dl) {
  const char *name = job->layout ? job->layout : doc->meta.layout ? doc->meta.layout : "official";
  if (job->served.layout_names_only && !is_layout_name(name)) {
    memset(spec, 0, sizeof *spec);
    diag_error(dl, doc->file, 0, 0, "layout '%s': only an installed layout's name can be used here (see 'brief layouts')",
               name);
    return -1;
  }
  if (!job->layout && doc->meta.layout && (strchr(name, '/') || str_ends_with(name, ".yaml"))) {
    /* A layout file named by the summary is one of the files it names: found
     * beside it and kept inside its folder, as images are. */
    char *path = path_join(doc->dir, name);
    int rc;
    if (!job->allow_outside && input_path_inside(doc->dir, path) != 0) {
      diag_error(dl, doc->file, 0, 0, "layout '%s' is outside the summary's folder %s; copy it there, name an "
                 "installed layout, or pass --allow-outside", name, doc->dir);
      memset(spec, 0, sizeof *spec);
      rc = -1;
    } else {
      rc = spec_load(path, e->layouts_dir, spec, dl);
    }
    free(path);
    return rc;
  }
  return spec_load(name, e->layouts_dir, spec, dl);
}

/* Whether path, or for a path that does not exist its nearest existing
 * folder, resolves (symbolic links followed) inside root: a missing image
 * outside the folder gets the same answer as an existing one, so a server
 * tells nothing of what exists beyond its folder. */
static bool resolves_inside(const char *path, const char *root, size_t n) {
  char real[PATH_MAX];
  char *p = xstrdup(path);
  bool found = false;
  while (!(found = realpath(p, real) != NULL) && strchr(p, '/')) {
    char *slash = strrchr(p, '/');
    if (slash == p) slash[1] = '\0';
    else *slash = '\0';
  }
  if (!found) found = realpath(".", real) != NULL; /* a bare name: the current folder */
  free(p);
  return found && strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0' || n == 1);
}

/* With job->served.image_root (a server's), every image must be a file inside that folder
 * (symbolic links resolved): a server reads nothing else of its disk. */
static int check_images(const brief_job *job, const document *doc, diag_list *dl) {
  if (!job->served.image_root) return 0;
  char root[PATH_MAX], real[PATH_MAX];
  bool have_root = *job->served.image_root && realpath(job->served.image_root, root);
  size_t n = have_root ? strlen(root) : 0;
  int rc = 0;
  for (size_t i = 0; i < doc->len; i++) {
    const block *b = &doc->items[i];
    if (b->kind != BLK_IMAGE) continue;
    if (!have_root) {
      diag_error(dl, doc->file, b->line, b->col, "image '%s': images need a folder; start 'brief serve DIR'", b->as.image.path);
      rc = -1;
    } else if (!realpath(b->as.image.path, real) && resolves_inside(b->as.image.path, root, n)) {
      diag_error(dl, doc->file, b->line, b->col, "image '%s' not found; check the path (relative to the folder)", b->as.image.path);
      rc = -1;
    } else if (!resolves_inside(b->as.image.path, root, n)) {
      diag_error(dl, doc->file, b->line, b->col, "image '%s' is outside the served folder; only its files can be used",
                 b->as.image.path);
      rc = -1;
    }
  }
  return rc;
}

/* Normalisation (normalize.h) runs on the model before the title is taken
 * from the first heading and before figures are bound. */
static void normalize_job(const brief_job *job, document *doc, const layout_spec *spec, const char *source,
                          size_t len, nz_report *rep) {
  normalize_rules rules = job->no_normalize ? normalize_rules_none() : spec->normalize;
  normalize_document(doc, source, len, &rules, rep);
}

static int prepare_job(brief_engine *e, const brief_job *job, document *doc, layout_spec *spec, nz_report *rep,
                       char **source, size_t *source_len, diag_list *dl);

/* 附件 (GB/T 9704-2012 7.3.7): every front-matter attachment that names a
 * Markdown file (beside the summary, inside its folder) is prepared as a
 * summary of its own (normalised by its own layout's rules, bound to the
 * same figures) and attached to doc, whose layout sets it; an attachment
 * named by its title alone is only listed. */
static int prepare_attachments(brief_engine *e, const brief_job *job, document *doc, diag_list *dl) {
  const str_list *names = &doc->meta.head.attachments;
  int rc = 0;
  if (job->attached) return 0;
  for (size_t i = 0; i < names->len; i++) {
    if (!str_ends_with(names->items[i], ".md")) continue;
    char *path = path_join(doc->dir, names->items[i]);
    /* A server's job reads only files inside its folder (image_root; "" none), as with images. */
    const char *root = job->served.image_root;
    bool served_outside = root && (!*root || input_path_inside(root, path) != 0);
    if (served_outside || (!job->allow_outside && input_path_inside(doc->dir, path) != 0)) {
      diag_error(dl, doc->file, doc->meta.head.attachments_line, 1,
                 "attachment '%s' is outside the summary's folder %s; copy it there or pass --allow-outside",
                 names->items[i], doc->dir);
      rc = -1;
    } else {
      brief_job sub = *job;
      sub.input = path;
      sub.served.text = NULL;
      sub.served.text_len = 0;
      sub.numbered = NULL;
      sub.attached = true;
      document att;
      layout_spec att_spec;
      if (prepare_job(e, &sub, &att, &att_spec, NULL, NULL, NULL, dl) != 0) {
        rc = -1;
      } else {
        spec_free(&att_spec);
        document_attach(doc, &att);
      }
    }
    free(path);
  }
  return rc;
}

/* Parses a job's summary, loads its layout, normalises the model, takes
 * its title and binds its figures: each stage once, in that order, and
 * nothing here edits the model itself. The layout comes before
 * normalisation only for its rules. On failure both are freed. rep and
 * source may be NULL. */
static int prepare_job(brief_engine *e, const brief_job *job, document *doc, layout_spec *spec, nz_report *rep,
                       char **source, size_t *source_len, diag_list *dl) {
  char *text = NULL;
  size_t len = 0;
  parse_options po = {job->served.text, job->served.text_len, job->numbered, input_options_of(job)};
  int rc = document_parse(job->input, &po, doc, &text, &len, dl);
  if (rc == 0) rc = check_images(job, doc, dl);
  if (rc == 0 && load_layout(e, job, doc, spec, dl) != 0) {
    spec_free(spec);
    rc = -1;
  } else if (rc == 0) {
    normalize_job(job, doc, spec, text, len, rep);
    document_take_title(doc); /* after normalisation: the title is printed normalised */
    spec_paragraph_headings(doc, spec, rep); /* after the title: a typed 一、 heading is never the title */
    if (bind_figures(e, job, doc, dl) != 0 || (spec->document.enabled && prepare_attachments(e, job, doc, dl) != 0)) {
      spec_free(spec);
      rc = -1;
    }
  }
  if (rc != 0) document_free(doc);
  if (source && rc == 0) {
    *source = text;
    *source_len = len;
  } else {
    free(text);
  }
  return rc;
}

/* render and batch say in one line what normalisation did. */
static void summarize(const brief_job *job, const nz_report *rep, diag_list *dl) {
  if (rep->changes && rep->problems)
    diag_warning(dl, job->input, 0, 0, "%zu punctuation fixes, %zu problems; run brief check for the list",
                 rep->changes, rep->problems);
  else if (rep->changes)
    diag_warning(dl, job->input, 0, 0, "%zu punctuation fixes; run brief check for the list", rep->changes);
  else if (rep->problems)
    diag_warning(dl, job->input, 0, 0, "%zu punctuation problems; run brief check for the list", rep->problems);
}

int brief_normalize_job(brief_engine *e, const brief_job *job, nz_report *rep, char **source, size_t *len,
                        diag_list *dl) {
  document doc;
  layout_spec spec;
  if (prepare_job(e, job, &doc, &spec, rep, source, len, dl) != 0) return -1;
  spec_free(&spec);
  document_free(&doc);
  return 0;
}

/* The time limit and the abandoned test (a server's), polled inside the
 * stages' loops (stop.h): a render overruns its limit by at most one
 * poll's work (a block, a table row, a line, a page) or a library call
 * (cmark-gfm's parse, libharu's save). */
static stop_check job_stop(const brief_job *job, double start) {
  return (stop_check){.deadline = job->served.time_limit_ms > 0 ? start + job->served.time_limit_ms : 0,
                      .abandoned = job->served.abandoned, .arg = job->served.abandoned_arg};
}

/* After a stage: 0, or the stop's status with its message. */
static int stopped(stop_check *stop, diag_list *dl) {
  if (!stop_due(stop)) return 0;
  if (stop->reason == STOP_ABANDONED) {
    diag_error(dl, NULL, 0, 0, "the render was abandoned: its client has gone or the server is stopping");
    return -1;
  }
  diag_error(dl, NULL, 0, 0, "the brief took longer than the time limit; split the summary or raise the limit");
  return BRIEF_TIME_LIMIT;
}

/* The PDF's own strings (document information, bookmarks) are capped:
 * libharu refuses one over 65,535 bytes and a viewer shows a few dozen
 * characters. The page itself prints the text whole. */
static void cap_pdf_string(char **s, const char *what, const char *input, diag_list *dl) {
  if (!*s || utf8_length(*s) <= LIMIT_PDF_STRING_CHARS) return;
  size_t n = 0;
  for (size_t chars = 0; (*s)[n] && chars < LIMIT_PDF_STRING_CHARS; chars++)
    do n++; while (((unsigned char)(*s)[n] & 0xC0) == 0x80);
  diag_warning(dl, input, 0, 0, "%s has %zu characters: the PDF's %s keeps the first %d (the page prints it all)",
               what, utf8_length(*s), strcmp(what, "a heading") ? "document title" : "bookmark", LIMIT_PDF_STRING_CHARS);
  char *cut = xasprintf("%.*s…", (int)n, *s);
  free(*s);
  *s = cut;
}

static void cap_pdf_strings(laid_out *lo, const char *input, diag_list *dl) {
  cap_pdf_string(&lo->info.title, "the title", input, dl);
  cap_pdf_string(&lo->info.author, "the author", input, dl);
  cap_pdf_string(&lo->info.subject, "the county", input, dl);
  cap_pdf_string(&lo->info.keywords, "the keywords", input, dl);
  for (size_t i = 0; i < lo->noutline; i++) cap_pdf_string(&lo->outline[i].title, "a heading", input, dl);
}

/* Parses, binds and lays out one job, polling stop. */
static int lay_out_job_until(brief_engine *e, const brief_job *job, stop_check *stop, laid_out *lo, diag_list *dl) {
  document doc;
  layout_spec spec;
  memset(lo, 0, sizeof *lo);
  nz_report rep = {0};
  double t0 = now_ms();
  int prepared = prepare_job(e, job, &doc, &spec, &rep, NULL, NULL, dl);
  summarize(job, &rep, dl);
  normalize_report_free(&rep);
  if (prepared != 0) return -1;
  if (signals_caught()) {
    spec_free(&spec);
    document_free(&doc);
    return -1;
  }
  double t1 = now_ms();
  int rc = stopped(stop, dl);
  if (rc == 0) {
    rc = layout_document_until(&doc, &spec, e->fonts, stop, lo, dl);
    if (rc != 0 && stop->reason != STOP_NONE) { /* stopped inside: the pages are partial */
      laid_out_free(lo);
      rc = stopped(stop, dl);
    }
  }
  if (rc == 0) cap_pdf_strings(lo, job->input, dl);
  if (e->timing)
    fprintf(stderr, "timing %s: parse+figures %.2f ms, layout %.2f ms\n", job->input, t1 - t0, now_ms() - t1);
  spec_free(&spec);
  document_free(&doc);
  return rc;
}

/* The same with the job's own stop (its limit counted from now). */
int brief_lay_out_job(brief_engine *e, const brief_job *job, laid_out *lo, diag_list *dl) {
  stop_check stop = job_stop(job, now_ms());
  return lay_out_job_until(e, job, &stop, lo, dl);
}

/* Why a PDF cannot be written, and what to do: a read-only or missing
 * folder says so rather than leaving "Permission denied" alone. */
static void write_error(diag_list *dl, const char *output, int err) {
  char *dir = path_dirname(output);
  if (err == EACCES || err == EROFS || err == EPERM)
    diag_error(dl, output, 0, 0, "cannot write the PDF: %s; the folder %s is read-only for brief: choose "
               "another -o or make it writable", strerror(err), dir);
  else if (err == ENOENT || err == ENOTDIR)
    diag_error(dl, output, 0, 0, "cannot write the PDF: the folder %s does not exist; create it or choose "
               "another -o", dir);
  else
    diag_error(dl, output, 0, 0, "cannot write the PDF: %s", strerror(err));
  free(dir);
}

/* Writes path atomically, the one way every output is written: fill()
 * fills a temporary file beside path (arg is its own), which is renamed
 * over path when complete and removed otherwise, so a failure or a signal
 * leaves no partial file and never touches an existing one. fail() says why
 * the file could not be made or committed (not after a signal: EINTR).
 * Returns 0, or -1. */
int brief_write_atomically(const char *path, int (*fill)(void *arg, const char *temp, diag_list *dl), void *arg,
                            void (*fail)(diag_list *dl, const char *path, int err), diag_list *dl) {
  char *temp = signals_guarded_temp(path);
  if (!temp) {
    if (errno != EINTR) fail(dl, path, errno);
    return -1;
  }
  int rc = fill(arg, temp, dl);
  if (rc != 0) {
    signals_guarded_discard(temp);
  } else if (signals_guarded_commit(temp, path) != 0) {
    if (errno != EINTR) fail(dl, path, errno);
    rc = -1;
  }
  free(temp);
  return rc;
}

typedef struct {
  const laid_out *lo;
  const pdf_options *opts;
  pdf_page_part *parts;
  double written; /* now_ms() when the PDF was written, before the rename; 0: never written */
} pdf_write_args;

static int pdf_to_temp(void *arg, const char *temp, diag_list *dl) {
  pdf_write_args *a = arg;
  int rc = pdf_write_parts(a->lo, a->opts, temp, a->parts, dl);
  a->written = now_ms();
  return rc;
}

/* The PDF goes to a temporary file beside output, renamed when complete:
 * a failure or a signal leaves no PDF and never touches an existing one;
 * parts (not NULL) gets the page bodies for the booklet. */
static int write_pdf_parts(brief_engine *e, const laid_out *lo, const char *output, const char *input,
                           pdf_page_part *parts, diag_list *dl) {
  char *creator = xasprintf("brief %s", BRIEF_VERSION);
  pdf_stage_times times = {0};
  pdf_options opts = {.creator = creator, .source_epoch = e->source_epoch, .target = output, .input = input,
                      .times = e->timing ? &times : NULL};
  double t0 = now_ms();
  pdf_write_args args = {lo, &opts, parts, 0};
  int rc = brief_write_atomically(output, pdf_to_temp, &args, write_error, dl);
  free(creator);
  if (e->timing && args.written > 0)
    fprintf(stderr,
            "timing %s: pdf %.2f ms; fonts %.2f ms, pages %.2f ms, save %.2f ms, write+fsync %.2f ms, "
            "rename+fsync %.2f ms\n",
            output, now_ms() - t0, times.fonts, times.pages, times.save, times.file, now_ms() - args.written);
  return rc;
}

typedef struct {
  const laid_out *lo;
  const ofd_options *opts;
  bool written; /* ofd_write was called */
} ofd_write_args;

static int ofd_to_temp(void *arg, const char *temp, diag_list *dl) {
  ofd_write_args *a = arg;
  a->written = true;
  return ofd_write(a->lo, a->opts, temp, dl);
}

/* The OFD likewise: temporary file, renamed when complete. */
static int write_ofd(brief_engine *e, const laid_out *lo, const char *output, diag_list *dl) {
  ofd_options opts = {BRIEF_VERSION, e->source_epoch};
  double t0 = now_ms();
  ofd_write_args args = {lo, &opts, false};
  int rc = brief_write_atomically(output, ofd_to_temp, &args, write_error, dl);
  if (e->timing && args.written) fprintf(stderr, "timing %s: ofd (subset + xml + zip) %.2f ms\n", output, now_ms() - t0);
  return rc;
}

/* output with its .pdf/.ofd extension (if any) replaced by ext. */
char *brief_with_extension(const char *output, const char *ext) {
  size_t n = strlen(output);
  if (str_ends_with(output, ".pdf") || str_ends_with(output, ".ofd") || str_ends_with(output, ".PDF") ||
      str_ends_with(output, ".OFD"))
    n -= 4;
  return xasprintf("%.*s%s", (int)n, output, ext);
}

/* The formats asked for, 0: by the extension of output (.ofd: OFD, else PDF). */
int brief_resolve_formats(const char *output, int formats) {
  if (formats) return formats;
  return str_ends_with(output, ".ofd") || str_ends_with(output, ".OFD") ? BRIEF_OFD : BRIEF_PDF;
}

/* Writes lo in the formats asked for; the PDF also fills parts (the
 * booklet's page bodies) when parts is not NULL. */
static int write_outputs_parts(brief_engine *e, const laid_out *lo, const char *output, const char *input,
                               int formats, pdf_page_part *parts, diag_list *dl) {
  formats = brief_resolve_formats(output, formats);
  if (formats == BRIEF_PDF) return write_pdf_parts(e, lo, output, input, parts, dl);
  if (formats == BRIEF_OFD) return write_ofd(e, lo, output, dl);
  char *pdf = brief_with_extension(output, ".pdf"), *ofd = brief_with_extension(output, ".ofd");
  int rc = write_pdf_parts(e, lo, pdf, input, parts, dl);
  if (rc == 0) rc = write_ofd(e, lo, ofd, dl);
  free(pdf);
  free(ofd);
  return rc;
}

/* The inputs a job reads by name: its summary, figures and layout file. */
void brief_job_inputs(const brief_job *job, input_files *in) {
  if (!job->served.text) outpath_inputs_add(in, job->input, "the summary");
  outpath_inputs_add(in, job->figures, "the figures file");
  if (job->layout && !is_layout_name(job->layout)) outpath_inputs_add(in, job->layout, "the layout file");
}

/* Each file a job writes is none of the inputs and no device: checked
 * before the work (outpath.h). */
int brief_check_outputs(const char *output, int formats, const input_files *in, diag_list *dl) {
  formats = brief_resolve_formats(output, formats);
  if (formats != (BRIEF_PDF | BRIEF_OFD)) return outpath_check(output, in, dl);
  char *pdf = brief_with_extension(output, ".pdf"), *ofd = brief_with_extension(output, ".ofd");
  int rc = outpath_check(pdf, in, dl) == 0 && outpath_check(ofd, in, dl) == 0 ? 0 : -1;
  free(pdf);
  free(ofd);
  return rc;
}

static int check_job_outputs(const brief_job *job, diag_list *dl) {
  input_files in = {0};
  brief_job_inputs(job, &in);
  int rc = brief_check_outputs(job->output, job->formats, &in, dl);
  outpath_inputs_free(&in);
  return rc;
}

static int write_outputs(brief_engine *e, const laid_out *lo, const char *output, const char *input, int formats,
                         diag_list *dl) {
  return write_outputs_parts(e, lo, output, input, formats, NULL, dl);
}

int brief_render(brief_engine *e, const brief_job *job, diag_list *dl) {
  if (check_job_outputs(job, dl) != 0) return -1;
  laid_out lo;
  int rc = brief_lay_out_job(e, job, &lo, dl);
  if (rc == 0) rc = write_outputs(e, &lo, job->output, job->input, job->formats, dl);
  laid_out_free(&lo);
  return rc;
}

int brief_render_memory(brief_engine *e, const brief_job *job, char **pdf, size_t *len, diag_list *dl) {
  *pdf = NULL;
  *len = 0;
  stop_check stop = job_stop(job, now_ms());
  laid_out lo;
  int rc = lay_out_job_until(e, job, &stop, &lo, dl);
  if (rc == 0) {
    char *creator = xasprintf("brief %s", BRIEF_VERSION);
    pdf_options opts = {.creator = creator, .source_epoch = e->source_epoch, .stop = &stop, .input = job->input};
    rc = pdf_write_memory(&lo, &opts, pdf, len, dl);
    if (rc == PDF_TIME_LIMIT) rc = stop.reason == STOP_ABANDONED ? -1 : BRIEF_TIME_LIMIT;
    free(creator);
  }
  laid_out_free(&lo);
  return rc;
}

/* The text comes from the laid-out pages, so it is what the PDF shows. */
int brief_text(brief_engine *e, const brief_job *job, FILE *out, diag_list *dl) {
  laid_out lo;
  int rc = brief_lay_out_job(e, job, &lo, dl);
  if (rc == 0) {
    char *text = laid_out_text(&lo);
    fputs(text, out);
    free(text);
  }
  laid_out_free(&lo);
  return rc;
}

/* ---- batch (batch.c drives these; booklet_job.c writes the booklet) ------- */

int brief_render_facts(brief_engine *e, const brief_job *job, bool want_parts, brief_facts *facts, diag_list *dl) {
  memset(facts, 0, sizeof *facts);
  if (check_job_outputs(job, dl) != 0) return -1;
  laid_out lo;
  int rc = brief_lay_out_job(e, job, &lo, dl);
  want_parts &= (brief_resolve_formats(job->output, job->formats) & BRIEF_PDF) != 0; /* the PDF booklet's page bodies */
  pdf_page_part *parts = rc == 0 && want_parts ? xcalloc(lo.npages + 1, sizeof *parts) : NULL;
  if (rc == 0) rc = write_outputs_parts(e, &lo, job->output, job->input, job->formats, parts, dl);
  if (rc == 0) {
    facts->entry.title = lo.info.title ? xstrdup(lo.info.title) : NULL;
    facts->county = lo.info.subject ? xstrdup(lo.info.subject) : NULL;
    facts->entry.npages = lo.npages;
    facts->entry.page_w = lo.npages ? lo.pages[0].w : 0; /* a brief's pages share its paper */
    facts->entry.page_h = lo.npages ? lo.pages[0].h : 0;
    facts->entry.outline = lo.outline; /* moved */
    facts->entry.noutline = lo.noutline;
    lo.outline = NULL;
    lo.noutline = 0;
    facts->glyphs = lo.glyphs; /* moved */
    memset(&lo.glyphs, 0, sizeof lo.glyphs);
    facts->parts = parts;
  } else {
    free(parts);
  }
  laid_out_free(&lo);
  return rc;
}

void brief_facts_free(brief_facts *f) {
  free(f->entry.title);
  free(f->county);
  for (size_t i = 0; i < f->entry.noutline; i++) free(f->entry.outline[i].title);
  free(f->entry.outline);
  glyph_inventory_free(&f->glyphs);
  if (f->parts)
    for (size_t p = 0; p < f->entry.npages; p++) pdf_page_part_free(&f->parts[p]);
  free(f->parts);
  memset(f, 0, sizeof *f);
}

typedef struct {
  const char *output;
  size_t index;
} job_output;

static int by_output(const void *a, const void *b) {
  const job_output *x = a, *y = b;
  int c = strcmp(x->output, y->output);
  return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* Two summaries with the same file name in different folders would write
 * the same PDF, the second over the first: the second fails instead, and
 * so does a brief named like the booklet. */
void brief_mark_clashes(const brief_job *jobs, size_t n, const char *booklet, bool *clash, diag_list *diags) {
  job_output *order = xcalloc(n + 1, sizeof *order);
  for (size_t i = 0; i < n; i++) order[i] = (job_output){jobs[i].output, i};
  qsort(order, n, sizeof *order, by_output);
  for (size_t k = 1; k < n; k++) {
    if (strcmp(order[k - 1].output, order[k].output) != 0) continue;
    const brief_job *first = &jobs[order[k - 1].index], *again = &jobs[order[k].index];
    diag_error(&diags[order[k].index], again->input, 0, 0, "would write %s, as %s does; rename one of the two summaries",
               again->output, first->input);
    clash[order[k].index] = true;
    order[k].index = order[k - 1].index; /* a third clashes with the first too */
  }
  for (size_t i = 0; booklet && i < n; i++)
    if (!strcmp(jobs[i].output, booklet)) {
      diag_error(&diags[i], jobs[i].input, 0, 0, "its PDF %s is also the booklet's name; choose another --booklet", booklet);
      clash[i] = true;
    }
  free(order);
  input_files in = {0}; /* no brief writes over any summary or figures file of the batch */
  for (size_t i = 0; i < n; i++) brief_job_inputs(&jobs[i], &in);
  for (size_t i = 0; i < n; i++)
    if (!clash[i] && brief_check_outputs(jobs[i].output, jobs[i].formats, &in, &diags[i]) != 0) clash[i] = true;
  outpath_inputs_free(&in);
}

size_t brief_engine_face_count(const brief_engine *e) { return font_lib_face_count(e->fonts); }

const font_lib *brief_engine_fonts(const brief_engine *e) { return e->fonts; }

const char *brief_engine_layouts_dir(const brief_engine *e) { return e->layouts_dir; }

long long brief_engine_source_epoch(const brief_engine *e) { return e->source_epoch; }

int brief_interrupted(void) { return signals_caught(); }

void brief_handle_signals(void) { signals_install(); }

int brief_read_meta(const char *input, doc_meta *meta, diag_list *dl) {
  document doc;
  char *text = NULL;
  size_t len = 0;
  int rc = document_parse(input, NULL, &doc, &text, &len, dl);
  if (rc == 0) { /* the title as the default layout prints it */
    normalize_rules rules = normalize_rules_default();
    normalize_document(&doc, text, len, &rules, NULL);
    document_take_title(&doc);
  }
  free(text);
  *meta = doc.meta;
  memset(&doc.meta, 0, sizeof doc.meta);
  document_free(&doc);
  return rc;
}

int brief_list_layouts(brief_engine *e, FILE *out, diag_list *dl) { return spec_list(e->layouts_dir, out, dl); }

void brief_list_fonts(brief_engine *e, FILE *out) { font_lib_report(e->fonts, out); }
