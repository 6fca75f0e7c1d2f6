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
#include "input.h"
#include "input_limits.h"
#include "frontmatter.h"
#include "layout.h"
#include "layoutspec.h"
#include "linebreaker.h"
#include "markdown.h"
#include "model.h"
#include "ofd.h"
#include "numbered.h"
#include "normalize.h"
#include "pdf.h"
#include "signals.h"
#include "text_renderer.h"
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

/* Without a front matter title, the first level-1 heading is the title. */
static void take_title(document *doc) {
  if (doc->meta.title) return;
  for (size_t i = 0; i < doc->len; i++) {
    block *b = &doc->items[i];
    if (b->kind != BLK_HEADING || b->level != 1) continue;
    doc->meta.title = span_list_text(&b->spans);
    span_list_free(&b->spans);
    free(b->marker);
    free(b->number);
    memmove(b, b + 1, (doc->len - i - 1) * sizeof *b);
    doc->len--;
    return;
  }
}

static input_options input_options_of(const brief_job *job) {
  /* A server's job (image_root) has its own image rule: check_images. */
  return (input_options){job->strict, job->allow_empty, job->allow_outside || job->image_root};
}

/* The summary's bytes: the job's own (a server's request body) or its file,
 * checked (input.h): size, encoding, control characters, empty. */
static char *summary_text(const brief_job *job, const input_options *io, size_t *len, diag_list *dl) {
  if (!job->text) return input_read_summary(job->input, io, len, dl);
  *len = job->text_len;
  return input_check_text(job->input, xstrndup(job->text, job->text_len), len, io, dl);
}

/* Parses a summary; *source keeps its text for the normalisation stage
 * (its positions are found in it). */
static int parse_document(const brief_job *job, document *doc, char **source, size_t *source_len, diag_list *dl) {
  const char *path = job->input;
  memset(doc, 0, sizeof *doc);
  *source = NULL;
  doc->file = xstrdup(path);
  doc->dir = path_dirname(path);
  input_options io = input_options_of(job);
  size_t len;
  char *text = summary_text(job, &io, &len, dl);
  if (!text) return -1;
  int rc, body_line = 0;
  long body = frontmatter_parse(text, len, path, &doc->meta, &body_line, dl);
  if (body >= 0) {
    markdown_options opts = {true};
    rc = markdown_parse(text + body, len - (size_t)body, body_line, &opts, doc, dl);
    if (rc == 0) rc = input_check_document(doc, &io, dl); /* files named, links, words, limits */
  } else {
    rc = -1;
  }
  *source = text;
  *source_len = len;
  return rc;
}

/* The layout may place the key-figures table after the body. */
static void place_key_figures(document *doc, const layout_spec *spec) {
  if (!spec->key_figures_at_end || doc->len == 0 || !doc->items[0].key_figures) return;
  block kf = doc->items[0];
  memmove(doc->items, doc->items + 1, (doc->len - 1) * sizeof *doc->items);
  doc->items[doc->len - 1] = kf;
}

static int bind_figures(const brief_job *job, document *doc, const layout_spec *spec, diag_list *dl) {
  figures *f = NULL;
  if (job->figures && !(f = figures_load(job->figures, dl))) return -1;
  int rc = figures_bind(doc, f, spec->key_figures_title, dl);
  figures_free(f);
  if (rc == 0) place_key_figures(doc, spec);
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
      rc = layout_load(path, e->layouts_dir, spec, dl);
    }
    free(path);
    return rc;
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

/* Parses a job's summary, loads its layout, normalises and binds its
 * figures: the document model as the layout stage and the text renderer
 * take it. On failure both are freed. rep and source may be NULL. */
static int prepare_job(brief_engine *e, const brief_job *job, document *doc, layout_spec *spec, nz_report *rep,
                       char **source, size_t *source_len, diag_list *dl) {
  char *text;
  size_t len = 0;
  int rc = parse_document(job, doc, &text, &len, dl);
  if (rc == 0) rc = check_images(job, doc, dl);
  if (rc == 0 && load_layout(e, job, doc, spec, dl) != 0) {
    layout_spec_free(spec);
    rc = -1;
  } else if (rc == 0) {
    normalize_job(job, doc, spec, text, len, rep);
    take_title(doc);
    if (bind_figures(job, doc, spec, dl) != 0) {
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

/* --numbered RANGE replaces the front matter's 'numbered'. */
static int take_numbered(const char *range, doc_meta *meta, diag_list *dl) {
  int *numbers;
  size_t n;
  char *why;
  if (numbered_parse(range, &numbers, &n, &why) != 0) {
    diag_error(dl, NULL, 0, 0, "--numbered '%s': %s", range, why);
    free(why);
    return -1;
  }
  free(meta->numbered);
  meta->numbered = numbers;
  meta->nnumbered = n;
  return 0;
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
  cap_pdf_string(&lo->title, "the title", input, dl);
  cap_pdf_string(&lo->author, "the author", input, dl);
  cap_pdf_string(&lo->subject, "the county", input, dl);
  cap_pdf_string(&lo->keywords, "the keywords", input, dl);
  for (size_t i = 0; i < lo->noutline; i++) cap_pdf_string(&lo->outline[i].title, "a heading", input, dl);
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
  if (signals_caught()) {
    layout_spec_free(&spec);
    document_free(&doc);
    return -1;
  }
  if (job->numbered && take_numbered(job->numbered, &doc.meta, dl) != 0) {
    layout_spec_free(&spec);
    document_free(&doc);
    return -1;
  }
  double t1 = now_ms();
  int rc = past_deadline(job_deadline(job, t0), dl);
  if (rc == 0) rc = layout_document(&doc, &spec, e->fonts, lo, dl);
  if (rc == 0) cap_pdf_strings(lo, job->input, dl);
  if (rc == 0) rc = past_deadline(job_deadline(job, t0), dl);
  if (e->timing)
    fprintf(stderr, "timing %s: parse+figures %.2f ms, layout %.2f ms\n", job->input, t1 - t0, now_ms() - t1);
  layout_spec_free(&spec);
  document_free(&doc);
  return rc;
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

/* libharu's own error, which pdf.c reports as a number, named for the
 * summary it came from with what to change. */
static void explain_libharu_error(diag_list *dl, size_t from, const char *input) {
  for (size_t i = from; i < dl->len; i++) {
    diag *d = &dl->items[i];
    unsigned code;
    if (d->file || sscanf(d->message, "libharu failed writing the PDF (error 0x%X", &code) != 1) continue;
    const char *hint = code == 0x105B ? "a text longer than 65,535 bytes (a title, heading or link): shorten it"
                       : code == 0x1015 || code == 0x1017 ? "out of memory: the brief is too large, split it"
                       : "please report it with the summary attached";
    char *msg = xasprintf("%s; %s", d->message, hint);
    free(d->message);
    d->message = msg;
    d->file = xstrdup(input);
  }
}

/* The PDF goes to a temporary file beside output, renamed when complete:
 * a failure or a signal leaves no PDF and never touches an existing one. */
static int write_pdf(brief_engine *e, const laid_out *lo, const char *output, const char *input, diag_list *dl) {
  char *temp = guarded_temp(output);
  if (!temp) {
    if (errno != EINTR) write_error(dl, output, errno);
    return -1;
  }
  char *creator = xasprintf("brief %s", BRIEF_VERSION);
  pdf_options opts = {creator, e->source_epoch, 0, output};
  double t0 = now_ms();
  size_t first_diag = dl->len;
  int rc = pdf_write(lo, &opts, temp, dl);
  free(creator);
  if (rc != 0) {
    explain_libharu_error(dl, first_diag, input);
    guarded_discard(temp);
  } else if (guarded_commit(temp, output) != 0) {
    if (errno != EINTR) write_error(dl, output, errno);
    rc = -1;
  }
  if (e->timing) fprintf(stderr, "timing %s: pdf (subset + libharu + file) %.2f ms\n", output, now_ms() - t0);
  free(temp);
  return rc;
}

/* The OFD likewise: temporary file, renamed when complete. */
static int write_ofd(brief_engine *e, const laid_out *lo, const char *output, diag_list *dl) {
  char *temp = guarded_temp(output);
  if (!temp) {
    if (errno != EINTR) write_error(dl, output, errno);
    return -1;
  }
  ofd_options opts = {BRIEF_VERSION, e->source_epoch};
  double t0 = now_ms();
  int rc = ofd_write(lo, &opts, temp, dl);
  if (rc != 0) {
    guarded_discard(temp);
  } else if (guarded_commit(temp, output) != 0) {
    if (errno != EINTR) write_error(dl, output, errno);
    rc = -1;
  }
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
static int write_outputs(brief_engine *e, const laid_out *lo, const char *output, const char *input, int formats,
                         diag_list *dl) {
  if (formats == 0)
    formats = str_ends_with(output, ".ofd") || str_ends_with(output, ".OFD") ? BRIEF_OFD : BRIEF_PDF;
  if (formats == BRIEF_PDF) return write_pdf(e, lo, output, input, dl);
  if (formats == BRIEF_OFD) return write_ofd(e, lo, output, dl);
  char *pdf = with_extension(output, ".pdf"), *ofd = with_extension(output, ".ofd");
  int rc = write_pdf(e, lo, pdf, input, dl);
  if (rc == 0) rc = write_ofd(e, lo, ofd, dl);
  free(pdf);
  free(ofd);
  return rc;
}

int brief_render(brief_engine *e, const brief_job *job, diag_list *dl) {
  laid_out lo;
  int rc = lay_out_job(e, job, &lo, dl);
  if (rc == 0) rc = write_outputs(e, &lo, job->output, job->input, job->formats, dl);
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
    size_t first_diag = dl->len;
    rc = pdf_write_memory(&lo, &opts, pdf, len, dl);
    if (rc == PDF_TIME_LIMIT) rc = BRIEF_TIME_LIMIT;
    else if (rc != 0) explain_libharu_error(dl, first_diag, job->input);
    free(creator);
  }
  laid_out_free(&lo);
  return rc;
}

int brief_text(brief_engine *e, const brief_job *job, FILE *out, diag_list *dl) {
  document doc;
  layout_spec spec;
  if (prepare_job(e, job, &doc, &spec, NULL, NULL, NULL, dl) != 0) return -1;
  char *text = text_render(&doc);
  fputs(text, out);
  free(text);
  layout_spec_free(&spec);
  document_free(&doc);
  return 0;
}

/* The code the booklet dst gives src's Private Use code c of face id. */
static uint16_t booklet_code(laid_out *dst, const font_code *c, size_t id) {
  for (size_t k = 0; k < dst->face_ncodes[id]; k++)
    if (dst->face_codes[id][k].cp == c->cp) return dst->face_codes[id][k].code;
  size_t n = dst->face_ncodes[id];
  uint32_t code = n ? dst->face_codes[id][n - 1].code + 1u : 0xE000;
  while (code <= 0xF8FF && font_face_has(dst->faces[id], code)) code++;
  dst->face_codes[id] = xrealloc(dst->face_codes[id], (n + 1) * sizeof *dst->face_codes[id]);
  dst->face_codes[id][n] = (font_code){(uint16_t)code, c->cp, c->gid};
  dst->face_ncodes[id] = n + 1;
  return (uint16_t)code;
}

/* Each brief numbers its Private Use codes from U+E000: in the booklet a
 * character keeps one code per face, so src's runs are re-encoded. */
static void merge_codes(laid_out *dst, laid_out *src, size_t id) {
  size_t n = src->face_ncodes[id];
  uint16_t *to = xcalloc(n + 1, sizeof *to);
  bool same = true;
  for (size_t k = 0; k < n; k++) {
    to[k] = booklet_code(dst, &src->face_codes[id][k], id);
    same &= to[k] == src->face_codes[id][k].code;
  }
  for (size_t p = 0; p < src->npages && !same; p++)
    for (size_t i = 0; i < src->pages[p].len; i++) {
      page_item *it = &src->pages[p].items[i];
      if (it->kind != IT_TEXT || (size_t)it->face != id) continue;
      strbuf sb = {0};
      for (const char *q = it->text; *q;) {
        uint32_t cp;
        size_t len = utf8_decode(q, strlen(q), &cp);
        if (!len) break;
        q += len;
        for (size_t k = 0; k < n; k++)
          if (src->face_codes[id][k].code == cp) {
            cp = to[k];
            break;
          }
        char buf[4];
        sb_append(&sb, buf, utf8_encode(cp, buf));
      }
      free(it->text);
      it->text = sb_take(&sb);
    }
  free(to);
}

/* Moves src's pages into the booklet dst. A brief after one with an odd
 * page count gets a blank page before it, so every brief starts on a
 * right-hand page when printed on both sides. */
static void append_pages(laid_out *dst, laid_out *src) {
  size_t blank = dst->npages % 2, offset = dst->npages + blank;
  dst->pages = xrealloc(dst->pages, (offset + src->npages + 1) * sizeof *dst->pages);
  if (blank) { /* the back of the previous brief's last sheet: its size */
    memset(&dst->pages[dst->npages], 0, sizeof *dst->pages);
    dst->pages[dst->npages].w = dst->pages[dst->npages - 1].w;
    dst->pages[dst->npages].h = dst->pages[dst->npages - 1].h;
  }
  memcpy(dst->pages + offset, src->pages, src->npages * sizeof *src->pages);
  for (size_t p = 0; p < src->npages; p++) { /* each brief keeps its own paper size */
    if (dst->pages[offset + p].w <= 0) dst->pages[offset + p].w = src->page_w;
    if (dst->pages[offset + p].h <= 0) dst->pages[offset + p].h = src->page_h;
  }
  dst->npages = offset + src->npages;
  dst->outline = xrealloc(dst->outline, (dst->noutline + src->noutline + 1) * sizeof *dst->outline);
  for (size_t i = 0; i < src->noutline; i++) {
    outline_entry o = src->outline[i];
    o.page += (int)offset;
    dst->outline[dst->noutline++] = o;
  }
  for (size_t id = 0; id < src->nfaces; id++) {
    if (src->face_ncodes[id]) {
      dst->faces[id] = src->faces[id];
      merge_codes(dst, src, id);
    }
    if (!src->face_ncps[id]) continue;
    dst->faces[id] = src->faces[id];
    size_t n = dst->face_ncps[id];
    dst->face_cps[id] = xrealloc(dst->face_cps[id], (n + src->face_ncps[id]) * sizeof(uint32_t));
    memcpy(dst->face_cps[id] + n, src->face_cps[id], src->face_ncps[id] * sizeof(uint32_t));
    dst->face_ncps[id] = n + src->face_ncps[id];
  }
  if (dst->page_w == 0) {
    dst->page_w = src->page_w;
    dst->page_h = src->page_h;
  }
  free(src->pages);
  free(src->outline);
  src->pages = NULL;
  src->outline = NULL;
  src->npages = src->noutline = 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static void init_booklet(laid_out *book, size_t nfaces) {
  memset(book, 0, sizeof *book);
  book->nfaces = nfaces;
  book->faces = xcalloc(nfaces + 1, sizeof *book->faces);
  book->face_cps = xcalloc(nfaces + 1, sizeof *book->face_cps);
  book->face_ncps = xcalloc(nfaces + 1, sizeof *book->face_ncps);
  book->face_codes = xcalloc(nfaces + 1, sizeof *book->face_codes);
  book->face_ncodes = xcalloc(nfaces + 1, sizeof *book->face_ncodes);
  book->title = xstrdup("汇编");
}

/* One sorted set of characters per face, for subsetting. */
static void dedupe_characters(laid_out *book) {
  for (size_t id = 0; id < book->nfaces; id++) {
    size_t k = 0, m = book->face_ncps[id];
    if (m == 0) continue;
    qsort(book->face_cps[id], m, sizeof(uint32_t), cmp_u32);
    for (size_t j = 0; j < m; j++)
      if (k == 0 || book->face_cps[id][k - 1] != book->face_cps[id][j]) book->face_cps[id][k++] = book->face_cps[id][j];
    book->face_ncps[id] = k;
  }
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
static void mark_clashes(const brief_job *jobs, size_t n, const char *booklet, bool *clash, diag_list *dl) {
  job_output *order = xcalloc(n + 1, sizeof *order);
  for (size_t i = 0; i < n; i++) order[i] = (job_output){jobs[i].output, i};
  qsort(order, n, sizeof *order, by_output);
  for (size_t k = 1; k < n; k++) {
    if (strcmp(order[k - 1].output, order[k].output) != 0) continue;
    const brief_job *first = &jobs[order[k - 1].index], *again = &jobs[order[k].index];
    diag_error(dl, again->input, 0, 0, "would write %s, as %s does; rename one of the two summaries",
               again->output, first->input);
    clash[order[k].index] = true;
    order[k].index = order[k - 1].index; /* a third clashes with the first too */
  }
  for (size_t i = 0; booklet && i < n; i++)
    if (!strcmp(jobs[i].output, booklet)) {
      diag_error(dl, jobs[i].input, 0, 0, "its PDF %s is also the booklet's name; choose another --booklet", booklet);
      clash[i] = true;
    }
  free(order);
}

int brief_batch(brief_engine *e, const brief_job *jobs, size_t n, const char *booklet, bool *failed,
                diag_list *dl) {
  laid_out book;
  if (booklet) init_booklet(&book, font_lib_face_count(e->fonts));
  int nfailed = 0;
  bool *clash = xcalloc(n + 1, sizeof *clash);
  mark_clashes(jobs, n, booklet, clash, dl);
  for (size_t i = 0; i < n; i++) {
    if (signals_caught()) { /* the rest is not rendered */
      failed[i] = true;
      nfailed++;
      continue;
    }
    laid_out lo;
    if (clash[i]) {
      failed[i] = true;
      nfailed++;
      continue;
    }
    failed[i] = lay_out_job(e, &jobs[i], &lo, dl) != 0 ||
                write_outputs(e, &lo, jobs[i].output, jobs[i].input, jobs[i].formats, dl) != 0;
    if (failed[i]) nfailed++;
    else if (booklet) append_pages(&book, &lo); /* each brief is laid out once, for both */
    laid_out_free(&lo);
  }
  free(clash);
  int rc = nfailed ? -1 : 0;
  if (booklet && signals_caught()) {
    laid_out_free(&book);
  } else if (booklet) {
    /* The booklet holds every brief that rendered; failures are reported. */
    dedupe_characters(&book);
    if (book.npages == 0 || write_outputs(e, &book, booklet, booklet, n ? jobs[0].formats : 0, dl) != 0) rc = -1;
    laid_out_free(&book);
  }
  return rc;
}

int brief_interrupted(void) { return signals_caught(); }

void brief_handle_signals(void) { signals_install(); }
int brief_read_meta(const char *input, doc_meta *meta, diag_list *dl) {
  document doc;
  brief_job job = {input};
  char *text;
  size_t len = 0;
  int rc = parse_document(&job, &doc, &text, &len, dl);
  if (rc == 0) { /* the title as the default layout prints it */
    normalize_rules rules = normalize_rules_default();
    normalize_document(&doc, text, len, &rules, NULL);
    take_title(&doc);
  }
  free(text);
  *meta = doc.meta;
  memset(&doc.meta, 0, sizeof doc.meta);
  document_free(&doc);
  return rc;
}

int brief_list_layouts(brief_engine *e, FILE *out, diag_list *dl) { return layout_list(e->layouts_dir, out, dl); }

void brief_list_fonts(brief_engine *e, FILE *out) { font_lib_report(e->fonts, out); }
