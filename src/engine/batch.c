/* brief batch on all cores. Workers are forked processes, not threads:
 * FreeType faces (FT_Face) may not be used by two threads at once, and
 * cmark-gfm's extension registry, libunibreak's tables and libharu were
 * never checked for threads. A forked worker inherits the loaded fonts,
 * font map and fontconfig state copy-on-write (shared read-only, loaded
 * once), renders whole briefs, writes each PDF itself as soon as it is
 * done, and sends the parent a small result: diagnostics, and for the
 * booklet the title, headings, characters and compressed page bodies. A
 * brief's bytes depend only on its input, never on the number of workers
 * or the order in which they finish. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "booklet_job.h"
#include "render.h"
#include "util.h"

/* ---- results on the wire ------------------------------------------------- */

static void put_u64(strbuf *sb, uint64_t v) { sb_append(sb, (const char *)&v, sizeof v); }
static void put_f64(strbuf *sb, double v) { sb_append(sb, (const char *)&v, sizeof v); }
static void put_bytes(strbuf *sb, const void *p, size_t n) {
  put_u64(sb, n);
  if (n) sb_append(sb, p, n);
}
static void put_str(strbuf *sb, const char *s) {
  if (!s) put_u64(sb, UINT64_MAX);
  else put_bytes(sb, s, strlen(s));
}

typedef struct {
  const unsigned char *p, *end;
  bool bad;
} reader;

static uint64_t get_u64(reader *r) {
  uint64_t v = 0;
  if (r->end - r->p < (long)sizeof v) { r->bad = true; return 0; }
  memcpy(&v, r->p, sizeof v);
  r->p += sizeof v;
  return v;
}
static double get_f64(reader *r) {
  double v = 0;
  if (r->end - r->p < (long)sizeof v) { r->bad = true; return 0; }
  memcpy(&v, r->p, sizeof v);
  r->p += sizeof v;
  return v;
}
static void *get_bytes(reader *r, size_t *n) {
  *n = (size_t)get_u64(r);
  if (r->bad || (size_t)(r->end - r->p) < *n) { r->bad = true; *n = 0; return NULL; }
  void *out = xmalloc(*n + 1);
  memcpy(out, r->p, *n);
  ((char *)out)[*n] = '\0';
  r->p += *n;
  return out;
}
static char *get_str(reader *r) {
  if (r->end - r->p >= 8) {
    uint64_t v;
    memcpy(&v, r->p, sizeof v);
    if (v == UINT64_MAX) { r->p += 8; return NULL; }
  }
  size_t n;
  return get_bytes(r, &n);
}

static void put_result(strbuf *sb, size_t index, bool ok, const diag_list *dl, const brief_facts *f) {
  put_u64(sb, index);
  put_u64(sb, ok);
  put_u64(sb, dl->len);
  for (size_t i = 0; i < dl->len; i++) {
    const diag *d = &dl->items[i];
    put_u64(sb, d->severity);
    put_str(sb, d->file);
    put_u64(sb, (uint64_t)(int64_t)d->line);
    put_u64(sb, (uint64_t)(int64_t)d->col);
    put_str(sb, d->message);
  }
  put_u64(sb, ok && f);
  if (!ok || !f) return;
  put_str(sb, f->entry.title);
  put_str(sb, f->county);
  put_u64(sb, f->entry.npages);
  put_f64(sb, f->entry.page_w); /* its paper, kept in the booklet */
  put_f64(sb, f->entry.page_h);
  put_u64(sb, f->entry.noutline);
  for (size_t i = 0; i < f->entry.noutline; i++) {
    const outline_entry *o = &f->entry.outline[i];
    put_u64(sb, (uint64_t)o->level);
    put_str(sb, o->title);
    put_u64(sb, (uint64_t)o->page);
    put_f64(sb, o->y);
  }
  put_u64(sb, f->glyphs.nfaces);
  for (size_t id = 0; id < f->glyphs.nfaces; id++) {
    const face_glyphs *g = &f->glyphs.faces[id];
    put_bytes(sb, g->cps, g->ncps * sizeof(uint32_t));
    put_u64(sb, g->ncodes);
    for (size_t k = 0; k < g->ncodes; k++) {
      put_u64(sb, g->codes[k].code);
      put_u64(sb, g->codes[k].cp);
      put_u64(sb, g->codes[k].gid);
    }
  }
  put_u64(sb, f->parts != NULL);
  for (size_t p = 0; f->parts && p < f->entry.npages; p++) {
    const pdf_page_part *pp = &f->parts[p];
    put_u64(sb, pp->nfaces);
    for (size_t i = 0; i < pp->nfaces; i++) put_u64(sb, (uint64_t)pp->faces[i]);
    put_u64(sb, pp->nimages);
    for (size_t i = 0; i < pp->nimages; i++) put_str(sb, pp->images[i]);
    put_u64(sb, pp->nlinks);
    for (size_t i = 0; i < pp->nlinks; i++) {
      const page_item *it = &pp->links[i];
      put_f64(sb, it->x), put_f64(sb, it->y), put_f64(sb, it->w), put_f64(sb, it->h);
      put_str(sb, it->url);
    }
    put_bytes(sb, pp->body, pp->body_len);
  }
}

/* Reads a result back; false when it is damaged. */
static bool get_result(reader *r, size_t *index, bool *ok, diag_list *dl, brief_facts *f) {
  memset(f, 0, sizeof *f);
  *index = (size_t)get_u64(r);
  *ok = get_u64(r) != 0;
  size_t nd = (size_t)get_u64(r);
  for (size_t i = 0; i < nd && !r->bad; i++) {
    diag d;
    d.severity = (diag_severity)get_u64(r);
    d.file = get_str(r);
    d.line = (int)(int64_t)get_u64(r);
    d.col = (int)(int64_t)get_u64(r);
    d.message = get_str(r);
    if (!d.message) d.message = xstrdup("");
    VEC_PUSH(*dl, d);
    if (d.severity == DIAG_ERROR) dl->errors++;
  }
  if (!get_u64(r) || r->bad) return !r->bad;
  f->entry.title = get_str(r);
  f->county = get_str(r);
  f->entry.npages = (size_t)get_u64(r);
  f->entry.page_w = get_f64(r);
  f->entry.page_h = get_f64(r);
  f->entry.noutline = (size_t)get_u64(r);
  if (r->bad || f->entry.noutline > (size_t)(r->end - r->p)) return false;
  f->entry.outline = xcalloc(f->entry.noutline + 1, sizeof *f->entry.outline);
  for (size_t i = 0; i < f->entry.noutline && !r->bad; i++) {
    outline_entry *o = &f->entry.outline[i];
    o->level = (int)get_u64(r);
    o->title = get_str(r);
    if (!o->title) o->title = xstrdup("");
    o->page = (int)get_u64(r);
    o->y = get_f64(r);
  }
  size_t nfaces = (size_t)get_u64(r);
  if (r->bad || nfaces > 4096) return false;
  glyph_inventory_init(&f->glyphs, nfaces);
  for (size_t id = 0; id < nfaces && !r->bad; id++) {
    face_glyphs *g = &f->glyphs.faces[id];
    size_t n;
    g->cps = get_bytes(r, &n);
    g->ncps = n / sizeof(uint32_t);
    size_t m = (size_t)get_u64(r);
    if (r->bad || m > 6400) return false;
    g->codes = xcalloc(m + 1, sizeof *g->codes);
    for (size_t k = 0; k < m; k++) {
      g->codes[k].code = (uint16_t)get_u64(r);
      g->codes[k].cp = (uint32_t)get_u64(r);
      g->codes[k].gid = (unsigned)get_u64(r);
    }
    g->ncodes = m;
  }
  if (!get_u64(r) || r->bad) return !r->bad;
  if (f->entry.npages > (size_t)(r->end - r->p)) return false;
  f->parts = xcalloc(f->entry.npages + 1, sizeof *f->parts);
  for (size_t p = 0; p < f->entry.npages && !r->bad; p++) {
    pdf_page_part *pp = &f->parts[p];
    pp->nfaces = (size_t)get_u64(r);
    if (r->bad || pp->nfaces > 4096) return false;
    pp->faces = xcalloc(pp->nfaces + 1, sizeof *pp->faces);
    for (size_t i = 0; i < pp->nfaces; i++) pp->faces[i] = (int)get_u64(r);
    pp->nimages = (size_t)get_u64(r);
    if (r->bad || pp->nimages > 4096) return false;
    pp->images = xcalloc(pp->nimages + 1, sizeof *pp->images);
    for (size_t i = 0; i < pp->nimages; i++) {
      pp->images[i] = get_str(r);
      if (!pp->images[i]) pp->images[i] = xstrdup("");
    }
    pp->nlinks = (size_t)get_u64(r);
    if (r->bad || pp->nlinks > 100000) return false;
    pp->links = xcalloc(pp->nlinks + 1, sizeof *pp->links);
    for (size_t i = 0; i < pp->nlinks; i++) {
      page_item *it = &pp->links[i];
      it->kind = IT_LINK;
      it->x = get_f64(r), it->y = get_f64(r), it->w = get_f64(r), it->h = get_f64(r);
      it->url = get_str(r);
      if (!it->url) it->url = xstrdup("");
    }
    pp->body = get_bytes(r, &pp->body_len);
  }
  return !r->bad;
}

/* ---- progress ---------------------------------------------------------------- */

typedef struct {
  size_t total, done, failed;
  double t0, last_draw;
  bool tty, quiet, drawn;
} progress;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Terminal columns a UTF-8 string takes (CJK characters take two). */
static size_t columns(const char *s, size_t *bytes_for, size_t max_cols) {
  size_t cols = 0, i = 0;
  while (s[i]) {
    unsigned char ch = (unsigned char)s[i];
    size_t n = ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
    size_t w = n >= 3 ? 2 : 1;
    if (cols + w > max_cols) break;
    cols += w;
    i += n;
  }
  if (bytes_for) *bytes_for = i;
  return cols;
}

static void progress_update(progress *pg, const char *name, bool ok) {
  if (pg->quiet) return;
  double t = now_s(), elapsed = t - pg->t0;
  double rate = elapsed > 0 ? pg->done / elapsed : 0;
  if (!pg->tty) { /* a log: one plain line per brief */
    fprintf(stderr, "brief: [%zu/%zu] %s %s\n", pg->done, pg->total, name, ok ? "written" : "FAILED");
    return;
  }
  if (pg->done < pg->total && t - pg->last_draw < 0.1) return; /* at most ten redraws a second */
  pg->last_draw = t;
  double eta = rate > 0 ? (pg->total - pg->done) / rate : 0;
  char failures[32] = "";
  if (pg->failed) snprintf(failures, sizeof failures, ", %zu failed", pg->failed);
  char line[512];
  snprintf(line, sizeof line, "brief: %zu/%zu briefs, %.1f/s, ETA %d:%02d%s, %s", pg->done, pg->total, rate,
           (int)eta / 60, (int)eta % 60, failures, name);
  struct winsize ws;
  size_t width = ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? (size_t)ws.ws_col - 1 : 79;
  size_t bytes;
  columns(line, &bytes, width);
  fprintf(stderr, "\r\033[K%.*s", (int)bytes, line);
  fflush(stderr);
  pg->drawn = true;
}

static void progress_end(progress *pg) {
  if (pg->drawn) fputs("\r\033[K", stderr);
  pg->drawn = false;
}

/* ---- the batch ------------------------------------------------------------- */

typedef struct {
  brief_engine *e;
  const brief_job *jobs;
  size_t n;
  const batch_options *o;
  bool *failed;
  diag_list *diags;      /* per job */
  brief_facts **facts;   /* per job, booklet only */
  bool *clash;           /* per job: its output is another's (brief_mark_clashes), not rendered */
  uint8_t **used;        /* per face: characters of all briefs */
  size_t nfaces;
  progress pg;
} batch;

/* Keeps a rendered brief's facts for the booklet (booklet_job.h). */
static void take_facts(batch *b, size_t i, brief_facts *f) {
  booklet_job_take_chars(f, b->used, b->nfaces);
  f->job = &b->jobs[i];
  b->facts[i] = xmalloc(sizeof *f);
  *b->facts[i] = *f;
}

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static void finished(batch *b, size_t i, bool ok) {
  b->failed[i] = !ok;
  b->pg.done++;
  b->pg.failed += !ok;
  progress_update(&b->pg, base_name(b->jobs[i].input), ok);
}

/* After SIGINT or SIGTERM (signals.h) the briefs not yet rendered are not
 * written: failed, without a message (the driver says how many). */
static void not_rendered(batch *b, size_t i) {
  b->failed[i] = true;
  b->pg.done++;
  b->pg.failed++;
}

static void render_here(batch *b, size_t i) {
  if (brief_interrupted()) {
    not_rendered(b, i);
    return;
  }
  if (b->clash[i]) {
    finished(b, i, false);
    return;
  }
  brief_facts f;
  bool ok = brief_render_facts(b->e, &b->jobs[i], b->o->booklet != NULL, &f, &b->diags[i]) == 0;
  if (ok && b->o->booklet) take_facts(b, i, &f);
  else brief_facts_free(&f);
  finished(b, i, ok);
}

static int write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n) {
    ssize_t k = write(fd, c, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    c += k, n -= (size_t)k;
  }
  return 0;
}

static int read_all(int fd, void *p, size_t n) {
  char *c = p;
  while (n) {
    ssize_t k = read(fd, c, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    c += k, n -= (size_t)k;
  }
  return 0;
}

/* A worker: reads job numbers, renders, answers with the result. */
static void worker_main(batch *b, int cmd, int res) {
  signal(SIGPIPE, SIG_DFL);
  uint64_t i;
  while (read_all(cmd, &i, sizeof i) == 0 && i < b->n) {
    diag_list dl = {0};
    brief_facts f;
    bool ok = brief_render_facts(b->e, &b->jobs[i], b->o->booklet != NULL, &f, &dl) == 0;
    strbuf sb = {0};
    put_u64(&sb, 0); /* length, filled in below */
    put_result(&sb, (size_t)i, ok, &dl, ok ? &f : NULL);
    uint64_t len = sb.len - sizeof len;
    memcpy(sb.data, &len, sizeof len);
    int rc = write_all(res, sb.data, sb.len);
    sb_free(&sb);
    brief_facts_free(&f);
    diag_clear(&dl);
    if (rc != 0) break;
  }
  _exit(0);
}

typedef struct {
  pid_t pid;
  int cmd, res;
  long job; /* the job it renders, or -1 */
} worker;

/* others: the workers started before, whose pipe ends the child must not
 * keep open (a worker sees the end of its jobs only when every write end
 * of its pipe is closed). */
static bool start_worker(batch *b, worker *w, const worker *others, int nothers) {
  int c[2], r[2];
  if (pipe(c) != 0) return false;
  if (pipe(r) != 0) {
    close(c[0]), close(c[1]);
    return false;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    close(c[0]), close(c[1]), close(r[0]), close(r[1]);
    return false;
  }
  if (pid == 0) {
    close(c[1]);
    close(r[0]);
    for (int k = 0; k < nothers; k++) {
      if (others[k].cmd >= 0) close(others[k].cmd);
      if (others[k].res >= 0) close(others[k].res);
    }
    worker_main(b, c[0], r[1]);
  }
  close(c[0]);
  close(r[1]);
  *w = (worker){pid, c[1], r[0], -1};
  return true;
}

/* The next job for a worker, past the clashing ones (failed here). */
static size_t skip_clashes(batch *b, size_t next) {
  while (next < b->n && b->clash[next]) finished(b, next++, false);
  return next;
}

static bool give_job(worker *w, size_t i) {
  uint64_t v = i;
  if (write_all(w->cmd, &v, sizeof v) != 0) return false;
  w->job = (long)i;
  return true;
}

static void stop_worker(worker *w) {
  if (w->cmd >= 0) close(w->cmd);
  if (w->res >= 0) close(w->res);
  int status;
  if (w->pid > 0) waitpid(w->pid, &status, 0);
  w->cmd = w->res = -1;
  w->pid = 0;
}

/* Reads one result from w; false when the worker is gone. */
static bool read_result(batch *b, worker *w) {
  uint64_t len;
  if (read_all(w->res, &len, sizeof len) != 0 || len > ((uint64_t)1 << 34)) return false;
  unsigned char *buf = xmalloc((size_t)len + 1);
  if (read_all(w->res, buf, (size_t)len) != 0) {
    free(buf);
    return false;
  }
  reader r = {buf, buf + len, false};
  size_t i;
  bool ok;
  brief_facts f;
  diag_list dl = {0};
  bool good = get_result(&r, &i, &ok, &dl, &f) && i < b->n && (long)i == w->job;
  free(buf);
  if (!good) {
    brief_facts_free(&f);
    diag_clear(&dl);
    return false;
  }
  b->diags[i] = dl;
  if (ok && b->o->booklet && f.entry.npages) take_facts(b, i, &f);
  else brief_facts_free(&f);
  w->job = -1;
  finished(b, i, ok);
  return true;
}

static void worker_lost(batch *b, worker *w) {
  if (w->job >= 0) {
    size_t i = (size_t)w->job;
    diag_error(&b->diags[i], b->jobs[i].input, 0, 0, "the worker process rendering this brief stopped unexpectedly");
    finished(b, i, false);
  }
  w->job = -1;
  stop_worker(w);
}

static void run_workers(batch *b, int nworkers) {
  worker *ws = xcalloc((size_t)nworkers + 1, sizeof *ws);
  size_t next = 0;
  int live = 0;
  signal(SIGPIPE, SIG_IGN);
  for (int k = 0; k < nworkers; k++) {
    ws[k].cmd = ws[k].res = -1;
    ws[k].job = -1;
    if (!start_worker(b, &ws[k], ws, k)) break;
    live++;
    next = skip_clashes(b, next);
    if (next < b->n && give_job(&ws[k], next)) next++;
  }
  struct pollfd *fds = xcalloc((size_t)nworkers + 1, sizeof *fds);
  while (live > 0 && b->pg.done < b->n) {
    int nf = 0;
    for (int k = 0; k < nworkers; k++)
      if (ws[k].pid > 0 && ws[k].job >= 0) fds[nf++] = (struct pollfd){ws[k].res, POLLIN, 0};
    if (nf == 0) break;
    if (poll(fds, (nfds_t)nf, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int f = 0; f < nf; f++) {
      if (!fds[f].revents) continue;
      worker *w = NULL;
      for (int k = 0; k < nworkers && !w; k++)
        if (ws[k].res == fds[f].fd) w = &ws[k];
      if (!w) continue;
      if (!read_result(b, w)) {
        worker_lost(b, w);
        live--;
        continue;
      }
      if (!brief_interrupted()) next = skip_clashes(b, next);
      if (next < b->n && !brief_interrupted()) { /* after a signal: the briefs in hand are finished, no more */
        if (give_job(w, next)) next++;
        else {
          worker_lost(b, w);
          live--;
        }
      }
    }
  }
  for (int k = 0; k < nworkers; k++)
    if (ws[k].pid > 0) stop_worker(&ws[k]);
  while (next < b->n) render_here(b, next++); /* no worker could be started or all were lost */
  free(fds);
  free(ws);
}

/* ---- summary ------------------------------------------------------------------ */

static void summary(batch *b, bool booklet_ok, const diag_list *booklet_dl) {
  double secs = now_s() - b->pg.t0;
  progress_end(&b->pg);
  if (brief_interrupted()) return; /* the driver's last line says what was written */
  for (size_t i = 0; i < b->n; i++) /* warnings of the briefs written */
    if (!b->failed[i]) diag_print(&b->diags[i], stderr);
  diag_print(booklet_dl, stderr);
  size_t written = b->n - b->pg.failed;
  fprintf(stderr, "brief: %zu written, %zu failed, %.1f s (%.1f briefs/s)", written, b->pg.failed, secs,
          secs > 0 ? b->n / secs : 0.0);
  if (b->o->booklet) fprintf(stderr, "%s%s", booklet_ok ? "; booklet " : "; the booklet could not be written: ", b->o->booklet);
  fputc('\n', stderr);
  if (!b->pg.failed) return;
  fprintf(stderr, "brief: %zu of %zu briefs failed:\n", b->pg.failed, b->n);
  for (size_t i = 0; i < b->n; i++) {
    if (!b->failed[i]) continue;
    if (b->diags[i].errors == 0) fprintf(stderr, "%s: error: not written\n", b->jobs[i].input);
    diag_print(&b->diags[i], stderr);
  }
}

static int default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

/* out: NULL to print the summary on stderr, else where every diagnostic goes. */
static int batch_run(brief_engine *e, const brief_job *jobs, size_t n, const batch_options *o, bool *failed,
                     diag_list *out) {
  batch b = {0};
  b.e = e, b.jobs = jobs, b.n = n, b.o = o, b.failed = failed;
  b.diags = xcalloc(n + 1, sizeof *b.diags);
  b.facts = xcalloc(n + 1, sizeof *b.facts);
  b.nfaces = brief_engine_face_count(e);
  b.used = xcalloc(b.nfaces + 1, sizeof *b.used);
  b.clash = xcalloc(n + 1, sizeof *b.clash);
  brief_mark_clashes(jobs, n, o->booklet, b.clash, b.diags);
  b.pg = (progress){n, 0, 0, now_s(), 0, isatty(2) != 0, o->quiet, false};
  for (size_t i = 0; i < n; i++) brief_engine_cache_figures(e, jobs[i].figures);
  int nworkers = o->jobs > 0 ? o->jobs : default_jobs();
  if ((size_t)nworkers > n) nworkers = (int)n;
  if (nworkers <= 1) {
    for (size_t i = 0; i < n; i++) render_here(&b, i);
  } else {
    run_workers(&b, nworkers);
  }
  diag_list bdl = {0};
  int brc = o->booklet && !brief_interrupted() ? booklet_job_write(e, o, jobs, n, b.facts, b.used, &bdl) : 0; /* no booklet after a signal */
  if (o->booklet && brief_interrupted()) brc = -1;
  if (out) {
    for (size_t i = 0; i < n; i++)
      for (size_t k = 0; k < b.diags[i].len; k++) {
        const diag *d = &b.diags[i].items[k];
        diag_add(out, d->severity, d->file, d->line, d->col, "%s", d->message);
      }
    for (size_t k = 0; k < bdl.len; k++)
      diag_add(out, bdl.items[k].severity, bdl.items[k].file, bdl.items[k].line, bdl.items[k].col, "%s",
               bdl.items[k].message);
  } else {
    summary(&b, brc == 0, &bdl);
  }
  diag_clear(&bdl);
  for (size_t i = 0; i < n; i++) {
    diag_clear(&b.diags[i]);
    if (b.facts[i]) brief_facts_free(b.facts[i]);
    free(b.facts[i]);
  }
  for (size_t id = 0; id < b.nfaces; id++) free(b.used[id]);
  free(b.used);
  free(b.clash);
  free(b.diags);
  free(b.facts);
  return b.pg.failed || brc != 0 ? -1 : 0;
}

int brief_batch_run(brief_engine *e, const brief_job *jobs, size_t n, const batch_options *o, bool *failed) {
  return batch_run(e, jobs, n, o, failed, NULL);
}

int brief_batch(brief_engine *e, const brief_job *jobs, size_t n, const char *booklet, bool *failed,
                diag_list *dl) {
  batch_options o = {booklet, NULL, NULL, NULL, 1, true};
  return batch_run(e, jobs, n, &o, failed, dl);
}
