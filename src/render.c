/* The pipeline: read → front matter → Markdown → figures → layout → PDF. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "brief.h"
#include "figures.h"
#include "fonts.h"
#include "frontmatter.h"
#include "layout.h"
#include "layoutspec.h"
#include "linebreaker.h"
#include "markdown.h"
#include "model.h"
#include "ofd.h"
#include "normalize.h"
#include "parse.h"
#include "pdf.h"
#include "utf8.h"
#include "util.h"

struct brief_engine {
  char *data_dir, *layouts_dir;
  font_lib *fonts;
  long long source_epoch;
  bool timing; /* BRIEF_TIMING: print where the time of each brief goes */
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

brief_engine *brief_engine_new(const char *data_dir, diag_list *dl) { return brief_engine_open(data_dir, NULL, 0, dl); }

brief_engine *brief_engine_open(const char *data_dir, const char *const *font_dirs, size_t nfont_dirs,
                                diag_list *dl) {
  brief_engine *e = xcalloc(1, sizeof *e);
  lb_init();
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
  font_lib_free(e->fonts);
  free(e->data_dir);
  free(e->layouts_dir);
  free(e);
}

/* Binding only resolves data: it needs nothing from the layout. */
static int bind_figures(const brief_job *job, document *doc, diag_list *dl) {
  figures *f = NULL;
  if (job->figures && !(f = figures_load(job->figures, dl))) return -1;
  int rc = figures_bind(doc, f, dl);
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
  if (job->layout_names_only && !is_layout_name(name)) {
    memset(spec, 0, sizeof *spec);
    diag_error(dl, doc->file, 0, 0, "layout '%s': only an installed layout's name can be used here (see 'brief layouts')",
               name);
    return -1;
  }
  return layout_load(name, e->layouts_dir, spec, dl);
}

/* With job->image_root, every image must be a file inside that folder
 * (symbolic links resolved): a server reads nothing else of its disk. */
static int check_images(const brief_job *job, const document *doc, diag_list *dl) {
  if (!job->image_root) return 0;
  char root[PATH_MAX], real[PATH_MAX];
  bool have_root = *job->image_root && realpath(job->image_root, root);
  size_t n = have_root ? strlen(root) : 0;
  int rc = 0;
  for (size_t i = 0; i < doc->len; i++) {
    const block *b = &doc->items[i];
    if (b->kind != BLK_IMAGE) continue;
    if (!have_root) {
      diag_error(dl, doc->file, b->line, b->col, "image '%s': images need a folder; start 'brief serve DIR'", b->url);
      rc = -1;
    } else if (!realpath(b->url, real)) {
      diag_error(dl, doc->file, b->line, b->col, "image '%s' not found; check the path (relative to the folder)", b->url);
      rc = -1;
    } else if (strncmp(real, root, n) != 0 || (real[n] != '/' && n > 1)) {
      diag_error(dl, doc->file, b->line, b->col, "image '%s' is outside the served folder; only its files can be used",
                 b->url);
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

/* Parses a job's summary, loads its layout, normalises the model, takes
 * its title and binds its figures: each stage once, in that order, and
 * nothing here edits the model itself. The layout comes before
 * normalisation only for its rules. On failure both are freed. rep and
 * source may be NULL. */
static int prepare_job(brief_engine *e, const brief_job *job, document *doc, layout_spec *spec, nz_report *rep,
                       char **source, size_t *source_len, diag_list *dl) {
  char *text = NULL;
  size_t len = 0;
  int rc = document_parse(job->input, job->text, job->text_len, job->numbered, doc, &text, &len, dl);
  if (rc == 0) rc = check_images(job, doc, dl);
  if (rc == 0 && load_layout(e, job, doc, spec, dl) != 0) {
    layout_spec_free(spec);
    rc = -1;
  } else if (rc == 0) {
    normalize_job(job, doc, spec, text, len, rep);
    document_take_title(doc); /* after normalisation: the title is printed normalised */
    if (bind_figures(job, doc, dl) != 0) {
      layout_spec_free(spec);
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
  layout_spec_free(&spec);
  document_free(&doc);
  return 0;
}

/* The time limit, checked between stages and per PDF page: a render can
 * overrun it by at most one stage (about 1.5 s for a 2 MB summary). */
static double job_deadline(const brief_job *job, double start) {
  return job->time_limit_ms > 0 ? start + job->time_limit_ms : 0;
}

static int past_deadline(double deadline, diag_list *dl) {
  if (deadline <= 0 || now_ms() <= deadline) return 0;
  diag_error(dl, NULL, 0, 0, "the brief took longer than the time limit; split the summary or raise the limit");
  return BRIEF_TIME_LIMIT;
}

/* Parses, binds and lays out one job. */
static int lay_out_job(brief_engine *e, const brief_job *job, laid_out *lo, diag_list *dl) {
  document doc;
  layout_spec spec;
  memset(lo, 0, sizeof *lo);
  nz_report rep = {0};
  double t0 = now_ms();
  int prepared = prepare_job(e, job, &doc, &spec, &rep, NULL, NULL, dl);
  summarize(job, &rep, dl);
  nz_report_free(&rep);
  if (prepared != 0) return -1;
  double t1 = now_ms();
  int rc = past_deadline(job_deadline(job, t0), dl);
  if (rc == 0) rc = layout_document(&doc, &spec, e->fonts, lo, dl);
  if (rc == 0) rc = past_deadline(job_deadline(job, t0), dl);
  if (e->timing)
    fprintf(stderr, "timing %s: parse+figures %.2f ms, layout %.2f ms\n", job->input, t1 - t0, now_ms() - t1);
  layout_spec_free(&spec);
  document_free(&doc);
  return rc;
}

/* The PDF goes to a temporary file beside output, renamed when complete:
 * a failure leaves no PDF and never touches an existing one. */
static int write_pdf(brief_engine *e, const laid_out *lo, const char *output, diag_list *dl) {
  char *temp = temp_beside(output);
  if (!temp) {
    diag_error(dl, output, 0, 0, "cannot write the PDF: %s", strerror(errno));
    return -1;
  }
  char *creator = xasprintf("brief %s", BRIEF_VERSION);
  pdf_options opts = {creator, e->source_epoch};
  double t0 = now_ms();
  int rc = pdf_write(lo, &opts, temp, dl);
  free(creator);
  if (rc == 0 && commit_temp(temp, output) != 0) {
    diag_error(dl, output, 0, 0, "cannot write the PDF: %s", strerror(errno));
    rc = -1;
  }
  if (rc != 0) discard_temp(temp);
  if (e->timing) fprintf(stderr, "timing %s: pdf (subset + libharu + file) %.2f ms\n", output, now_ms() - t0);
  free(temp);
  return rc;
}

/* The OFD likewise: temporary file, renamed when complete. */
static int write_ofd(brief_engine *e, const laid_out *lo, const char *output, diag_list *dl) {
  char *temp = temp_beside(output);
  if (!temp) {
    diag_error(dl, output, 0, 0, "cannot write the OFD: %s", strerror(errno));
    return -1;
  }
  ofd_options opts = {BRIEF_VERSION, e->source_epoch};
  double t0 = now_ms();
  int rc = ofd_write(lo, &opts, temp, dl);
  if (rc == 0 && commit_temp(temp, output) != 0) {
    diag_error(dl, output, 0, 0, "cannot write the OFD: %s", strerror(errno));
    rc = -1;
  }
  if (rc != 0) discard_temp(temp);
  if (e->timing) fprintf(stderr, "timing %s: ofd (subset + xml + zip) %.2f ms\n", output, now_ms() - t0);
  free(temp);
  return rc;
}

/* output with its .pdf/.ofd extension (if any) replaced by ext. */
static char *with_extension(const char *output, const char *ext) {
  size_t n = strlen(output);
  if (str_ends_with(output, ".pdf") || str_ends_with(output, ".ofd") || str_ends_with(output, ".PDF") ||
      str_ends_with(output, ".OFD"))
    n -= 4;
  return xasprintf("%.*s%s", (int)n, output, ext);
}

/* Writes lo in the formats asked for (0: by the extension of output). */
static int write_outputs(brief_engine *e, const laid_out *lo, const char *output, int formats,
                         diag_list *dl) {
  if (formats == 0)
    formats = str_ends_with(output, ".ofd") || str_ends_with(output, ".OFD") ? BRIEF_OFD : BRIEF_PDF;
  if (formats == BRIEF_PDF) return write_pdf(e, lo, output, dl);
  if (formats == BRIEF_OFD) return write_ofd(e, lo, output, dl);
  char *pdf = with_extension(output, ".pdf"), *ofd = with_extension(output, ".ofd");
  int rc = write_pdf(e, lo, pdf, dl);
  if (rc == 0) rc = write_ofd(e, lo, ofd, dl);
  free(pdf);
  free(ofd);
  return rc;
}

int brief_render(brief_engine *e, const brief_job *job, diag_list *dl) {
  laid_out lo;
  int rc = lay_out_job(e, job, &lo, dl);
  if (rc == 0) rc = write_outputs(e, &lo, job->output, job->formats, dl);
  laid_out_free(&lo);
  return rc;
}

int brief_render_memory(brief_engine *e, const brief_job *job, char **pdf, size_t *len, diag_list *dl) {
  *pdf = NULL;
  *len = 0;
  double t0 = now_ms();
  laid_out lo;
  int rc = lay_out_job(e, job, &lo, dl);
  if (rc == 0) {
    char *creator = xasprintf("brief %s", BRIEF_VERSION);
    pdf_options opts = {creator, e->source_epoch, job_deadline(job, t0)};
    rc = pdf_write_memory(&lo, &opts, pdf, len, dl);
    if (rc == PDF_TIME_LIMIT) rc = BRIEF_TIME_LIMIT;
    free(creator);
  }
  laid_out_free(&lo);
  return rc;
}

/* The text comes from the laid-out pages, so it is what the PDF shows. */
int brief_text(brief_engine *e, const brief_job *job, FILE *out, diag_list *dl) {
  laid_out lo;
  int rc = lay_out_job(e, job, &lo, dl);
  if (rc == 0) {
    char *text = laid_out_text(&lo);
    fputs(text, out);
    free(text);
  }
  laid_out_free(&lo);
  return rc;
}

/* The booklet's title is its file's name: out/汇编.pdf → 汇编. */
static char *booklet_title(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  if (n > 4 && !strcmp(base + n - 4, ".pdf")) n -= 4;
  return xstrndup(base, n);
}

int brief_batch(brief_engine *e, const brief_job *jobs, size_t n, const char *booklet, bool *failed,
                diag_list *dl) {
  laid_out book = {0};
  if (booklet) book.title = booklet_title(booklet);
  int nfailed = 0;
  for (size_t i = 0; i < n; i++) {
    laid_out lo;
    failed[i] = lay_out_job(e, &jobs[i], &lo, dl) != 0 || write_outputs(e, &lo, jobs[i].output, jobs[i].formats, dl) != 0;
    if (failed[i]) nfailed++;
    else if (booklet) laid_out_append(&book, &lo); /* each brief is laid out once, for both */
    laid_out_free(&lo);
  }
  int rc = nfailed ? -1 : 0;
  if (booklet) {
    /* The booklet holds every brief that rendered; failures are reported. */
    if (book.npages == 0 || write_outputs(e, &book, booklet, n ? jobs[0].formats : 0, dl) != 0) rc = -1;
    laid_out_free(&book);
  }
  return rc;
}

int brief_read_meta(const char *input, doc_meta *meta, diag_list *dl) {
  document doc;
  char *text = NULL;
  size_t len = 0;
  int rc = document_parse(input, NULL, 0, NULL, &doc, &text, &len, dl);
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

int brief_list_layouts(brief_engine *e, FILE *out, diag_list *dl) { return layout_list(e->layouts_dir, out, dl); }

void brief_list_fonts(brief_engine *e, FILE *out) { font_lib_report(e->fonts, out); }
