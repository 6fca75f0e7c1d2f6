/* The meeting booklet of brief batch --booklet: the characters it prints,
 * which briefs go in and in what order, its output checked, its frame laid out, its characters coded
 * once, its PDF and OFD written (booklet_job.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "booklet_job.h"
#include "booklet.h"
#include "input_limits.h"
#include "layout.h"
#include "layoutspec.h"
#include "ofd.h"
#include "outpath.h"
#include "pdf.h"
#include "util.h"
#include "yamlutil.h"

/* ---- which briefs, in what order ------------------------------------------ */

typedef struct {
  char *title, *subtitle, *author, *date;
  str_list order;
} booklet_yaml;

static void read_booklet_yaml(const char *path, booklet_yaml *by, diag_list *dl) {
  memset(by, 0, sizeof *by);
  size_t len;
  char *text = path ? file_read_max(path, LIMIT_SETTINGS_BYTES, &len) : NULL;
  if (!text && path && errno == EFBIG)
    diag_warning(dl, path, 0, 0, "booklet.yaml holds more than %ld MB, the most read; it is ignored",
               LIMIT_SETTINGS_BYTES / 1048576);
  if (!text) return;
  ydoc y;
  if (ydoc_load(&y, text, len, path, 0, dl) == 0) {
    yaml_node_t *root = ydoc_root(&y);
    if (root && root->type == YAML_MAPPING_NODE) {
      YMAP_FOREACH(&y, root, pair) {
        const char *key = ydoc_scalar(ydoc_node(&y, pair->key));
        yaml_node_t *v = ydoc_node(&y, pair->value);
        char **field = !key ? NULL
                       : !strcmp(key, "title") ? &by->title
                       : !strcmp(key, "subtitle") ? &by->subtitle
                       : !strcmp(key, "author") ? &by->author
                       : !strcmp(key, "date") ? &by->date : NULL;
        if (field && ydoc_scalar(v)) {
          free(*field);
          *field = xstrdup(ydoc_scalar(v));
        } else if (key && !strcmp(key, "order") && v->type == YAML_SEQUENCE_NODE) {
          YSEQ_FOREACH(&y, v, item) {
            const char *s = ydoc_scalar(ydoc_node(&y, *item));
            if (s) str_list_push(&by->order, s);
          }
        } else {
          yaml_node_t *k = ydoc_node(&y, pair->key);
          diag_warning(dl, path, ydoc_line(&y, k), ydoc_col(k),
                       "unknown key '%s' (known: title, subtitle, author, date, order)", key ? key : "?");
        }
      }
    } else if (root) {
      diag_error(dl, path, 1, 1, "booklet.yaml must be a mapping: title, subtitle, author, date, order");
    }
    ydoc_free(&y);
  }
  free(text);
}

static void booklet_yaml_free(booklet_yaml *by) {
  free(by->title), free(by->subtitle), free(by->author), free(by->date);
  str_list_free(&by->order);
}

/* Booklet order: the counties (or file names without .md) that
 * booklet.yaml's order lists, in that order; then the rest in the order of
 * the jobs (a folder's summaries come sorted by file name). */
static size_t booklet_order(const batch_options *o, const brief_job *jobs, size_t n, brief_facts *const *facts,
                            const booklet_yaml *by, brief_facts **out, diag_list *dl) {
  size_t k = 0;
  bool *taken = xcalloc(n + 1, sizeof *taken);
  for (size_t j = 0; j < by->order.len; j++) {
    bool found = false;
    for (size_t i = 0; i < n; i++) {
      char *stem = path_stem(jobs[i].input);
      bool match = !strcmp(stem, by->order.items[j]) ||
                   (facts[i] && facts[i]->county && !strcmp(facts[i]->county, by->order.items[j]));
      free(stem);
      if (!match || taken[i]) continue;
      found = true;
      taken[i] = true;
      if (facts[i]) out[k++] = facts[i];
    }
    if (!found)
      diag_warning(dl, o->booklet_yaml, 0, 0, "order: '%s' is no county or summary of this batch",
                   by->order.items[j]);
  }
  size_t *rest = xcalloc(n + 1, sizeof *rest), nrest = 0;
  for (size_t i = 0; i < n; i++)
    if (!taken[i] && facts[i]) rest[nrest++] = i;
  for (size_t a = 0; a < nrest; a++) out[k++] = facts[rest[a]];
  free(rest);
  free(taken);
  return k;
}

void booklet_job_take_chars(brief_facts *f, uint8_t **used, size_t nfaces) {
  for (size_t id = 0; id < f->glyphs.nfaces && id < nfaces; id++) {
    face_glyphs *g = &f->glyphs.faces[id];
    if (!g->ncps) continue;
    if (!used[id]) used[id] = xcalloc(8192, 1);
    for (size_t k = 0; k < g->ncps; k++)
      if (g->cps[k] < 65536) used[id][g->cps[k] >> 3] |= (uint8_t)(1u << (g->cps[k] & 7));
    free(g->cps); /* kept as the bit map: a province's characters would be held once per brief */
    g->cps = NULL;
    g->ncps = 0;
  }
}

/* ---- the booklet written ------------------------------------------------ */

/* A booklet that cannot be written. */
static void booklet_write_error(diag_list *dl, const char *path, int err) {
  diag_error(dl, path, 0, 0, "cannot write the booklet: %s", strerror(err));
}

/* The booklet's file(s) are no input of the batch (a summary, a figures
 * file, booklet.yaml) and no device. */
static int check_booklet_output(const brief_job *jobs, size_t n, const char *booklet, const char *booklet_yaml,
                                diag_list *dl) {
  input_files in = {0};
  for (size_t i = 0; i < n; i++) brief_job_inputs(&jobs[i], &in);
  outpath_inputs_add(&in, booklet_yaml, "booklet.yaml");
  int rc = brief_check_outputs(booklet, n ? jobs[0].formats : 0, &in, dl);
  outpath_inputs_free(&in);
  return rc;
}

/* Each brief numbers its Private Use codes from U+E000: the booklet's
 * inventory gives every glyph one code (the frame's own first, then the
 * briefs' in booklet order: the same for any number of workers), and where
 * it gives a glyph another code, that brief's page bodies are re-encoded. */
static void booklet_codes(laid_out *book, brief_facts *const *facts, size_t n) {
  for (size_t i = 0; i < n; i++) {
    brief_facts *f = facts[i];
    for (size_t id = 0; id < f->glyphs.nfaces && id < book->glyphs.nfaces; id++) {
      const face_glyphs *g = &f->glyphs.faces[id];
      size_t m = g->ncodes;
      if (!m) continue;
      uint16_t *from = xcalloc(m + 1, sizeof *from), *to = xcalloc(m + 1, sizeof *to);
      bool same = true;
      for (size_t k = 0; k < m; k++) {
        from[k] = g->codes[k].code;
        to[k] = glyph_inventory_code(&book->glyphs, id, &g->codes[k]);
        same &= from[k] == to[k];
      }
      for (size_t p = 0; !same && f->parts && p < f->entry.npages; p++) pdf_part_recode(&f->parts[p], (int)id, from, to, m);
      free(from);
      free(to);
    }
  }
}

typedef struct {
  const laid_out *frame;
  const pdf_page_part **parts;
  const pdf_options *opts;
} pdf_booklet_args;

static int pdf_booklet_to_temp(void *arg, const char *temp, diag_list *dl) {
  pdf_booklet_args *a = arg;
  return pdf_write_booklet(a->frame, a->parts, a->opts, temp, dl);
}

/* The PDF booklet: the frame's pages with the briefs' page bodies under them. */
static int write_booklet_pdf(brief_engine *e, const laid_out *frame, brief_facts *const *facts, const int *host,
                             const int *host_page, const char *path, diag_list *dl) {
  const pdf_page_part **parts = xcalloc(frame->npages + 1, sizeof *parts);
  int rc = 0;
  for (size_t p = 0; p < frame->npages && rc == 0; p++) {
    if (host[p] < 0) continue;
    if (!facts[host[p]]->parts) {
      diag_error(dl, path, 0, 0, "the PDF booklet needs the briefs as PDF: drop --format ofd, or name the booklet .ofd");
      rc = -1;
    } else {
      parts[p] = &facts[host[p]]->parts[host_page[p]];
    }
  }
  if (rc == 0) {
    char *creator = xasprintf("brief %s", BRIEF_VERSION);
    pdf_options opts = {.creator = creator, .source_epoch = brief_engine_source_epoch(e), .target = path};
    pdf_booklet_args args = {frame, parts, &opts};
    rc = brief_write_atomically(path, pdf_booklet_to_temp, &args, booklet_write_error, dl);
    free(creator);
  }
  free(parts);
  return rc;
}

typedef struct {
  const laid_out *lo;
  const ofd_options *opts;
} ofd_booklet_args;

static int ofd_booklet_to_temp(void *arg, const char *temp, diag_list *dl) {
  ofd_booklet_args *a = arg;
  return ofd_write(a->lo, a->opts, temp, dl);
}

/* The OFD booklet: the OFD writer takes laid-out pages, so each brief is
 * laid out again here (parsing and layout are about 2 ms a brief) and its
 * pages are put under the frame's. Unlike the PDF booklet this holds every
 * page of the booklet in memory until it is written. */
static int write_booklet_ofd(brief_engine *e, laid_out *frame, brief_facts *const *facts, size_t n,
                             const int *host, const int *host_page, const char *path, diag_list *dl) {
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    laid_out lo;
    diag_list quiet = {0}; /* its warnings were reported when it rendered */
    if (!facts[i]->job || brief_lay_out_job(e, facts[i]->job, &lo, &quiet) != 0) {
      diag_error(dl, path, 0, 0, "cannot lay out %s again for the OFD booklet",
                 facts[i]->job ? facts[i]->job->input : "a brief");
      diag_clear(&quiet);
      if (facts[i]->job) laid_out_free(&lo);
      rc = -1;
      break;
    }
    diag_clear(&quiet);
    laid_out_recode(&lo, &frame->glyphs); /* the booklet's codes, as the PDF booklet's */
    int first = -1;
    for (size_t p = 0; p < frame->npages; p++) {
      if (host[p] != (int)i) continue;
      if (first < 0) first = (int)p;
      if ((size_t)host_page[p] < lo.npages) laid_out_put_under(frame, p, &lo, (size_t)host_page[p], first);
    }
    laid_out_free(&lo);
  }
  if (rc == 0) {
    ofd_options opts = {BRIEF_VERSION, brief_engine_source_epoch(e)};
    ofd_booklet_args args = {frame, &opts};
    rc = brief_write_atomically(path, ofd_booklet_to_temp, &args, booklet_write_error, dl);
  }
  return rc;
}

/* The booklet from the briefs' facts (in booklet order) and used[], the
 * characters of every face the briefs print (65,536-bit maps by face id),
 * in formats (0: by path's extension; both: path's .pdf and .ofd). */
static int write_booklet(brief_engine *e, const booklet_meta *meta, const char *layout, brief_facts *const *facts,
                         size_t n, uint8_t *const *used, const char *path, int formats, diag_list *dl) {
  layout_spec spec;
  if (spec_load(layout ? layout : "official", brief_engine_layouts_dir(e), &spec, dl) != 0) {
    spec_free(&spec);
    return -1;
  }
  booklet_entry *entries = xcalloc(n + 1, sizeof *entries);
  for (size_t i = 0; i < n; i++) entries[i] = facts[i]->entry;
  laid_out frame;
  int *host = NULL, *host_page = NULL;
  int rc = layout_booklet(meta, entries, n, &spec, brief_engine_fonts(e), &frame, &host, &host_page, dl);
  free(entries);
  spec_free(&spec);
  if (rc == 0) { /* the frame's characters and every brief's, once per face */
    for (size_t id = 0; id < frame.glyphs.nfaces; id++) {
      if (!used[id]) continue;
      face_glyphs *g = &frame.glyphs.faces[id];
      uint8_t bits[8192] = {0};
      for (size_t k = 0; k < g->ncps; k++) bits[g->cps[k] >> 3] |= (uint8_t)(1u << (g->cps[k] & 7));
      for (size_t b = 0; b < sizeof bits; b++) bits[b] |= used[id][b];
      free(g->cps);
      g->cps = laid_out_cp_bitmap_list(bits, &g->ncps);
    }
    booklet_codes(&frame, facts, n);
    formats = brief_resolve_formats(path, formats);
    char *pdf = formats == BRIEF_PDF ? xstrdup(path) : formats & BRIEF_PDF ? brief_with_extension(path, ".pdf") : NULL;
    char *ofd = formats == BRIEF_OFD ? xstrdup(path) : formats & BRIEF_OFD ? brief_with_extension(path, ".ofd") : NULL;
    if (pdf) rc = write_booklet_pdf(e, &frame, facts, host, host_page, pdf, dl);
    if (rc == 0 && ofd) rc = write_booklet_ofd(e, &frame, facts, n, host, host_page, ofd, dl);
    free(pdf);
    free(ofd);
  }
  free(host);
  free(host_page);
  laid_out_free(&frame);
  return rc;
}

int booklet_job_write(brief_engine *e, const batch_options *o, const brief_job *jobs, size_t n,
                      brief_facts *const *facts, uint8_t *const *used, diag_list *dl) {
  if (check_booklet_output(jobs, n, o->booklet, o->booklet_yaml, dl) != 0) return -1;
  booklet_yaml by;
  read_booklet_yaml(o->booklet_yaml, &by, dl);
  brief_facts **order = xcalloc(n + 1, sizeof *order);
  size_t k = booklet_order(o, jobs, n, facts, &by, order, dl);
  int rc = -1;
  if (k == 0) {
    diag_error(dl, o->booklet, 0, 0, "no brief was rendered, so there is no booklet");
  } else {
    booklet_meta m = {o->booklet_title ? o->booklet_title : by.title, by.subtitle, by.author,
                      by.date}; /* no title: the layout's (booklet.title) */
    /* in the formats of the briefs (main.c gives every job the same) */
    rc = write_booklet(e, &m, o->layout, order, k, used, o->booklet, jobs[0].formats, dl);
  }
  free(order);
  booklet_yaml_free(&by);
  return rc;
}
