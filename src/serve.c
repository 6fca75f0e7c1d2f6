/* `brief serve`: the routes of the local web page over the shared engine.
 *
 *   GET  /              the page (src/serve_page.html, embedded at build time)
 *   GET  /layouts       the installed layouts, JSON
 *   POST /render        Markdown body (or multipart: markdown, figures) → PDF;
 *                       422 JSON {"errors":[{line,col,message}]}; 413 over 2 MB
 *   GET  /files         with DIR: its summaries, JSON
 *   GET  /files/NAME.md with DIR: one summary; PUT saves it (atomic write)
 *   GET  /booklet.pdf   with DIR: the batch's booklet
 *   anything else       404
 *
 * Threads: libmicrohttpd runs one thread per connection, so a slow client
 * or a long render holds only its own connection; renders themselves take
 * one of `jobs` slots (a counting semaphore, default one per processor) so
 * 40 requests at once queue instead of all competing for 2 cores. The
 * engine is shared read-only (fonts.c locks each FreeType face around its
 * calls). Each render has a time limit; a request that waits longer than
 * that for a slot gets 503. Nothing of the disk is readable except DIR's
 * summaries and images (realpath checks) and the installed layouts. */
#include "serve.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "frontmatter.h" /* str_list */
#include "util.h"

#define MAX_BODY (2u << 20) /* 2 MB: a summary is a few KB; a booklet's worth is 100 KB */
#define DEFAULT_TIME_LIMIT_MS 20000.0

extern const unsigned char serve_page_html[]; /* generated from src/serve_page.html */
extern const size_t serve_page_html_len;

typedef struct {
  brief_engine *engine;
  serve_options opts;
  char *dir;          /* realpath of DIR, or NULL */
  char *layouts_json; /* ["official", ...], read once at start */
  sem_t slots;
} server;

typedef enum { R_NONE, R_PAGE, R_LAYOUTS, R_RENDER, R_FILES, R_FILE, R_BOOKLET } route;

typedef struct {
  route route;
  size_t received;
  bool too_big;
  struct MHD_PostProcessor *pp;
  strbuf body;     /* the raw body, or the multipart "markdown" field */
  strbuf figures;  /* the multipart "figures" field */
  char *figures_name;
  bool has_figures;
} request;

/* ---- responses ---- */

static enum MHD_Result send_bytes(struct MHD_Connection *c, unsigned status, const char *type, void *data,
                                  size_t len, enum MHD_ResponseMemoryMode mode) {
  struct MHD_Response *r = MHD_create_response_from_buffer(len, data, mode);
  if (!r) return MHD_NO;
  MHD_add_response_header(r, "Content-Type", type);
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  enum MHD_Result ok = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ok;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, strbuf *json) {
  size_t len = json->len;
  return send_bytes(c, status, "application/json; charset=utf-8", sb_take(json), len, MHD_RESPMEM_MUST_FREE);
}

static void json_string(strbuf *sb, const char *s) {
  sb_putc(sb, '"');
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') sb_printf(sb, "\\%c", *p);
    else if (*p == '\n') sb_puts(sb, "\\n");
    else if (*p < 0x20) sb_printf(sb, "\\u%04x", *p);
    else sb_putc(sb, (char)*p);
  }
  sb_putc(sb, '"');
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *message) {
  strbuf sb = {0};
  sb_puts(&sb, "{\"errors\":[{\"line\":0,\"col\":0,\"message\":");
  json_string(&sb, message);
  sb_puts(&sb, "}]}");
  return send_json(c, status, &sb);
}

/* What a message may say of the server's disk: the figures' temporary file
 * is named by its upload name, DIR/ is left out. Caller frees. */
static char *public_text(const char *text, const char *temp, const char *shown, const char *dir) {
  strbuf sb = {0};
  size_t ntemp = temp ? strlen(temp) : 0, ndir = dir ? strlen(dir) : 0;
  for (const char *p = text ? text : ""; *p;) {
    if (ntemp && !strncmp(p, temp, ntemp)) {
      sb_puts(&sb, shown);
      p += ntemp;
    } else if (ndir && !strncmp(p, dir, ndir) && p[ndir] == '/') {
      p += ndir + 1;
    } else {
      sb_putc(&sb, *p++);
    }
  }
  return sb_take(&sb);
}

typedef struct {
  const char *temp, *shown, *dir;
} public_names;

static void diag_json(strbuf *sb, const diag_list *dl, diag_severity sev, const public_names *pn) {
  bool first = true;
  sb_putc(sb, '[');
  for (size_t i = 0; i < dl->len; i++) {
    const diag *d = &dl->items[i];
    if (d->severity != sev) continue;
    char *file = d->file ? public_text(d->file, pn->temp, pn->shown, pn->dir) : NULL;
    char *msg = public_text(d->message, pn->temp, pn->shown, pn->dir);
    sb_printf(sb, "%s{\"file\":", first ? "" : ",");
    json_string(sb, file);
    sb_printf(sb, ",\"line\":%d,\"col\":%d,\"message\":", d->line, d->col);
    json_string(sb, msg);
    sb_putc(sb, '}');
    free(file);
    free(msg);
    first = false;
  }
  sb_putc(sb, ']');
}

static enum MHD_Result send_diags(struct MHD_Connection *c, unsigned status, const diag_list *dl,
                                  const public_names *pn) {
  strbuf sb = {0};
  sb_puts(&sb, "{\"errors\":");
  diag_json(&sb, dl, DIAG_ERROR, pn);
  sb_puts(&sb, ",\"warnings\":");
  diag_json(&sb, dl, DIAG_WARNING, pn);
  sb_putc(&sb, '}');
  return send_json(c, status, &sb);
}

/* ---- names and paths ---- */

/* A summary's file name in DIR: NAME.md, no folder part, not hidden. */
static bool is_summary_name(const char *name) {
  size_t n = strlen(name);
  return n > 3 && n < 256 && name[0] != '.' && !strchr(name, '/') && !strchr(name, '\\') &&
         str_ends_with(name, ".md");
}

/* DIR/name when it is (or, for a new file, would be) a regular file inside DIR. */
static char *summary_path(const server *s, const char *name, bool must_exist) {
  if (!s->dir || !is_summary_name(name)) return NULL;
  char *path = path_join(s->dir, name);
  char real[PATH_MAX];
  struct stat st;
  if (realpath(path, real)) {
    size_t n = strlen(s->dir);
    bool inside = strncmp(real, s->dir, n) == 0 && real[n] == '/';
    if (inside && stat(real, &st) == 0 && S_ISREG(st.st_mode)) return path;
  } else if (!must_exist && errno == ENOENT && lstat(path, &st) != 0) {
    return path; /* a new summary (not a dangling link) */
  }
  free(path);
  return NULL;
}

static int compare_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list_summaries(const server *s, str_list *out) {
  DIR *d = opendir(s->dir);
  for (struct dirent *e; d && (e = readdir(d));) {
    char *path = summary_path(s, e->d_name, true);
    if (path) str_list_push(out, e->d_name);
    free(path);
  }
  if (d) closedir(d);
  qsort(out->items, out->len, sizeof *out->items, compare_str);
}

static char *figures_beside(const server *s) {
  if (!s->dir) return NULL;
  char *csv = path_join(s->dir, "figures.csv");
  if (access(csv, R_OK) == 0) return csv;
  free(csv);
  return NULL;
}

/* ---- rendering ---- */

static void deadline_in(struct timespec *ts, double ms) {
  clock_gettime(CLOCK_REALTIME, ts);
  long long ns = ts->tv_nsec + (long long)(ms * 1e6);
  ts->tv_sec += ns / 1000000000;
  ts->tv_nsec = ns % 1000000000;
}

/* Waits for a render slot, at most one time limit. */
static bool take_slot(server *s) {
  struct timespec ts;
  deadline_in(&ts, s->opts.time_limit_ms);
  while (sem_timedwait(&s->slots, &ts) != 0)
    if (errno != EINTR) return false;
  return true;
}

/* The uploaded figures go to a private temporary file for figures_load. */
static char *write_temp_figures(const request *rq) {
  const char *tmpdir = getenv("TMPDIR");
  char *path = xasprintf("%s/brief-figures-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
  int fd = mkstemp(path);
  bool ok = fd >= 0 && write(fd, rq->figures.data ? rq->figures.data : "", rq->figures.len) == (ssize_t)rq->figures.len;
  if (fd >= 0) close(fd);
  if (ok) return path;
  if (fd >= 0) unlink(path);
  free(path);
  return NULL;
}

static enum MHD_Result handle_render(server *s, struct MHD_Connection *c, request *rq) {
  const char *layout = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "layout");
  const char *name = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "name");
  if (layout && !*layout) layout = NULL;
  if (!name || !*name) name = "summary.md";
  if (!is_summary_name(name)) return send_error(c, 404, "name must be a summary's file name, e.g. name=陇西县.md");
  char *temp = rq->has_figures ? write_temp_figures(rq) : NULL;
  if (rq->has_figures && !temp) return send_error(c, 500, "cannot store the uploaded figures");
  char *beside = temp ? NULL : figures_beside(s);
  char *input = s->dir ? path_join(s->dir, name) : xstrdup(name);
  brief_job job = {.input = input, .figures = temp ? temp : beside, .layout = layout};
  job.text = rq->body.data ? rq->body.data : "";
  job.text_len = rq->body.len;
  job.image_root = s->dir ? s->dir : "";
  job.layout_names_only = true;
  job.time_limit_ms = s->opts.time_limit_ms;
  diag_list dl = {0};
  enum MHD_Result ok;
  if (!take_slot(s)) {
    ok = send_error(c, 503, "the server is busy: every render slot stayed taken for the time limit; try again");
  } else {
    char *pdf;
    size_t len;
    int rc = brief_render_memory(s->engine, &job, &pdf, &len, &dl);
    sem_post(&s->slots);
    if (rc == 0) ok = send_bytes(c, 200, "application/pdf", pdf, len, MHD_RESPMEM_MUST_FREE);
    else {
      public_names pn = {temp, rq->figures_name ? rq->figures_name : "figures.csv", s->dir};
      ok = send_diags(c, rc == BRIEF_TIME_LIMIT ? 503 : 422, &dl, &pn);
    }
  }
  diag_clear(&dl);
  if (temp) unlink(temp);
  free(temp);
  free(beside);
  free(input);
  return ok;
}

/* Removes the briefs a booklet run wrote, then the folder. */
static void remove_tree(const char *dir) {
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    char *p = path_join(dir, e->d_name);
    unlink(p);
    free(p);
  }
  if (d) closedir(d);
  rmdir(dir);
}

static enum MHD_Result handle_booklet(server *s, struct MHD_Connection *c) {
  str_list names = {0};
  list_summaries(s, &names);
  if (names.len == 0) {
    str_list_free(&names);
    return send_error(c, 404, "the folder has no summaries (*.md)");
  }
  const char *tmpdir = getenv("TMPDIR");
  char *work = xasprintf("%s/brief-booklet-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
  if (!mkdtemp(work)) {
    free(work);
    str_list_free(&names);
    return send_error(c, 500, "cannot make a temporary folder for the booklet");
  }
  char *figures = figures_beside(s), *booklet = path_join(work, "booklet.pdf");
  brief_job *jobs = xcalloc(names.len, sizeof *jobs);
  bool *failed = xcalloc(names.len, sizeof *failed);
  for (size_t i = 0; i < names.len; i++) {
    jobs[i] = (brief_job){.input = path_join(s->dir, names.items[i]), .output = xasprintf("%s/%zu.pdf", work, i), .figures = figures};
    jobs[i].image_root = s->dir;
    jobs[i].layout_names_only = true;
    jobs[i].time_limit_ms = s->opts.time_limit_ms;
  }
  diag_list dl = {0};
  enum MHD_Result ok;
  if (!take_slot(s)) {
    ok = send_error(c, 503, "the server is busy; try again");
  } else {
    int rc = brief_batch(s->engine, jobs, names.len, booklet, failed, &dl);
    sem_post(&s->slots);
    size_t len;
    char *pdf = rc == 0 ? read_file(booklet, &len) : NULL;
    if (pdf) ok = send_bytes(c, 200, "application/pdf", pdf, len, MHD_RESPMEM_MUST_FREE);
    else {
      public_names pn = {work, "", s->dir};
      ok = send_diags(c, 422, &dl, &pn);
    }
  }
  diag_clear(&dl);
  for (size_t i = 0; i < names.len; i++) {
    free((char *)jobs[i].input);
    free((char *)jobs[i].output);
  }
  free(jobs);
  free(failed);
  remove_tree(work);
  free(work);
  free(booklet);
  free(figures);
  str_list_free(&names);
  return ok;
}

/* ---- the folder's summaries ---- */

static enum MHD_Result handle_files(server *s, struct MHD_Connection *c) {
  str_list names = {0};
  list_summaries(s, &names);
  strbuf sb = {0};
  sb_puts(&sb, "{\"files\":[");
  for (size_t i = 0; i < names.len; i++) {
    if (i) sb_putc(&sb, ',');
    json_string(&sb, names.items[i]);
  }
  sb_puts(&sb, "]}");
  str_list_free(&names);
  return send_json(c, 200, &sb);
}

static enum MHD_Result handle_get_file(server *s, struct MHD_Connection *c, const char *name) {
  char *path = summary_path(s, name, true);
  size_t len;
  char *text = path ? read_file(path, &len) : NULL;
  free(path);
  if (!text) return send_error(c, 404, "no such summary in the folder");
  return send_bytes(c, 200, "text/markdown; charset=utf-8", text, len, MHD_RESPMEM_MUST_FREE);
}

/* Saves a summary the way the PDFs are written: temporary file, then rename. */
static enum MHD_Result handle_put_file(server *s, struct MHD_Connection *c, const char *name, const request *rq) {
  char *path = summary_path(s, name, false);
  if (!path) return send_error(c, 404, "not a summary of the folder: use NAME.md, no folders");
  char *temp = temp_beside(path);
  FILE *f = temp ? fopen(temp, "wb") : NULL;
  bool ok = f && fwrite(rq->body.data ? rq->body.data : "", 1, rq->body.len, f) == rq->body.len;
  if (f && fclose(f) != 0) ok = false;
  if (ok) ok = commit_temp(temp, path) == 0;
  else if (temp) discard_temp(temp);
  free(temp);
  free(path);
  if (!ok) return send_error(c, 500, "the summary could not be saved; the file on disk is unchanged");
  strbuf sb = {0};
  sb_puts(&sb, "{\"saved\":");
  json_string(&sb, name);
  sb_putc(&sb, '}');
  return send_json(c, 200, &sb);
}

/* ---- requests ---- */

static route route_of(const server *s, const char *url, const char *method, bool *method_ok) {
  bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
  route r = R_NONE;
  *method_ok = get;
  if (!strcmp(url, "/")) r = R_PAGE;
  else if (!strcmp(url, "/layouts")) r = R_LAYOUTS;
  else if (!strcmp(url, "/render")) r = R_RENDER, *method_ok = !strcmp(method, "POST");
  else if (s->dir && !strcmp(url, "/files")) r = R_FILES;
  else if (s->dir && !strncmp(url, "/files/", 7) && is_summary_name(url + 7))
    r = R_FILE, *method_ok = get || !strcmp(method, "PUT");
  else if (s->dir && !strcmp(url, "/booklet.pdf")) r = R_BOOKLET;
  return r;
}

/* The Host header must name this server (a page of another site cannot
 * reach it through DNS rebinding), and a browser's Origin, when sent,
 * must be this server's (no cross-site saves). */
static bool host_ok(const server *s, struct MHD_Connection *c) {
  const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
  const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
  if (!host) return false;
  if (origin && (strncmp(origin, "http://", 7) != 0 || strcmp(origin + 7, host) != 0)) return false;
  if (!strcmp(s->opts.host, "0.0.0.0") || !strcmp(s->opts.host, "::")) return true;
  const char *end = host[0] == '[' ? strchr(host, ']') : strchr(host, ':');
  size_t n = end ? (size_t)(end - host) + (host[0] == '[') : strlen(host);
  const char *names[] = {"localhost", "127.0.0.1", "[::1]", s->opts.host};
  for (size_t i = 0; i < 4; i++)
    if (strlen(names[i]) == n && !strncmp(host, names[i], n)) return true;
  char bracketed[300];
  snprintf(bracketed, sizeof bracketed, "[%s]", s->opts.host);
  return strlen(bracketed) == n && !strncmp(host, bracketed, n);
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                               const char *content_type, const char *transfer_encoding, const char *data,
                               uint64_t off, size_t size) {
  (void)kind, (void)content_type, (void)transfer_encoding, (void)off;
  request *rq = cls;
  if (!strcmp(key, "markdown")) {
    sb_append(&rq->body, data, size);
  } else if (!strcmp(key, "figures")) {
    rq->has_figures = true;
    if (filename && !rq->figures_name) rq->figures_name = xstrdup(filename);
    sb_append(&rq->figures, data, size);
  }
  return MHD_YES;
}

static void request_free(request *rq) {
  if (!rq) return;
  if (rq->pp) MHD_destroy_post_processor(rq->pp);
  sb_free(&rq->body);
  sb_free(&rq->figures);
  free(rq->figures_name);
  free(rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t) {
  (void)cls, (void)c, (void)t;
  request_free(*con_cls);
  *con_cls = NULL;
}

/* The first call for a request: route it; bodies over the limit are refused at once. */
static enum MHD_Result start_request(server *s, struct MHD_Connection *c, const char *url, const char *method,
                                     void **con_cls) {
  bool method_ok;
  route r = route_of(s, url, method, &method_ok);
  if (!host_ok(s, c)) return send_error(c, 403, "this server answers only requests for its own address");
  if (r == R_NONE) return send_error(c, 404, "no such page");
  if (!method_ok) return send_error(c, 405, "method not allowed here");
  /* A body announced over the limit is refused before it is sent when the
   * client waits for "100 Continue", or when it is absurdly large; else it
   * is read and dropped, so that the client, still sending, gets the 413
   * rather than a broken connection. */
  const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
  const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Expect");
  unsigned long long announced = length ? strtoull(length, NULL, 10) : 0;
  if (announced > MAX_BODY && ((expect && !strcasecmp(expect, "100-continue")) || announced > 32 * MAX_BODY))
    return send_error(c, 413, "the request is over 2 MB; a summary is far smaller");
  request *rq = xcalloc(1, sizeof *rq);
  rq->route = r;
  rq->too_big = announced > MAX_BODY;
  /* Multipart carries the markdown and figures fields; any other body is the Markdown itself. */
  const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
  if (r == R_RENDER && type && !strncasecmp(type, "multipart/form-data", 19))
    rq->pp = MHD_create_post_processor(c, 64 * 1024, on_part, rq);
  *con_cls = rq;
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  (void)version;
  server *s = cls;
  request *rq = *con_cls;
  if (!rq) return start_request(s, c, url, method, con_cls);
  if (*upload_size) { /* a piece of the body */
    rq->received += *upload_size;
    if (rq->received > MAX_BODY) rq->too_big = true;
    if (rq->too_big) { /* dropped */
    } else if (rq->pp) MHD_post_process(rq->pp, upload, *upload_size);
    else sb_append(&rq->body, upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  if (rq->too_big) return send_error(c, 413, "the request is over 2 MB; a summary is far smaller");
  switch (rq->route) {
  case R_PAGE:
    return send_bytes(c, 200, "text/html; charset=utf-8", (void *)serve_page_html, serve_page_html_len,
                      MHD_RESPMEM_PERSISTENT);
  case R_LAYOUTS:
    return send_bytes(c, 200, "application/json; charset=utf-8", s->layouts_json, strlen(s->layouts_json),
                      MHD_RESPMEM_PERSISTENT);
  case R_RENDER: return handle_render(s, c, rq);
  case R_FILES: return handle_files(s, c);
  case R_FILE:
    return !strcmp(method, "PUT") ? handle_put_file(s, c, url + 7, rq) : handle_get_file(s, c, url + 7);
  case R_BOOKLET: return handle_booklet(s, c);
  case R_NONE: break;
  }
  return send_error(c, 404, "no such page");
}

/* ---- start and stop ---- */

/* ["official","briefing",...] from `brief layouts`' first column. */
static char *layouts_json(brief_engine *e) {
  char *listing = NULL;
  size_t size = 0;
  FILE *mem = open_memstream(&listing, &size);
  diag_list dl = {0};
  if (mem) {
    brief_list_layouts(e, mem, &dl);
    fclose(mem);
  }
  diag_clear(&dl);
  strbuf sb = {0};
  sb_puts(&sb, "{\"layouts\":[");
  bool first = true;
  for (char *line = listing, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    else next = line + strlen(line);
    char *space = strchr(line, ' ');
    if (space) *space = '\0';
    if (!*line) continue;
    sb_puts(&sb, first ? "" : ",");
    json_string(&sb, line);
    first = false;
  }
  sb_puts(&sb, "]}");
  free(listing);
  return sb_take(&sb);
}

static struct MHD_Daemon *start_daemon(server *s) {
  struct addrinfo hints = {0}, *ai = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  char port[16];
  snprintf(port, sizeof port, "%d", s->opts.port);
  int gai = getaddrinfo(s->opts.host, port, &hints, &ai);
  if (gai != 0) {
    fprintf(stderr, "brief: error: cannot listen on '%s': %s; give --host an address such as 127.0.0.1\n",
            s->opts.host, gai_strerror(gai));
    return NULL;
  }
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, (uint16_t)s->opts.port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
  freeaddrinfo(ai);
  if (!d)
    fprintf(stderr, "brief: error: cannot listen on %s port %d: %s; is the port taken? try --port N\n",
            s->opts.host, s->opts.port, strerror(errno));
  return d;
}

int serve_run(brief_engine *e, const serve_options *opts) {
  server s = {e, *opts, NULL, NULL};
  if (!s.opts.host) s.opts.host = "127.0.0.1";
  if (s.opts.time_limit_ms <= 0) s.opts.time_limit_ms = DEFAULT_TIME_LIMIT_MS;
  if (s.opts.jobs <= 0) s.opts.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
  if (s.opts.jobs <= 0) s.opts.jobs = 1;
  if (opts->dir) {
    char real[PATH_MAX];
    struct stat st;
    if (!realpath(opts->dir, real) || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
      fprintf(stderr, "brief: error: '%s' is not a folder; give brief serve the folder of the summaries\n", opts->dir);
      return 2;
    }
    s.dir = xstrdup(real);
  }
  s.layouts_json = layouts_json(e);
  sem_init(&s.slots, 0, (unsigned)s.opts.jobs);
  /* SIGINT and SIGTERM are taken by sigwait below, in every thread. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);
  struct MHD_Daemon *d = start_daemon(&s);
  int rc = 1;
  if (d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    bool v6 = strchr(s.opts.host, ':') != NULL;
    printf("brief serve: http://%s%s%s:%u/%s%s\n", v6 ? "[" : "", s.opts.host, v6 ? "]" : "",
           info ? info->port : (unsigned)s.opts.port, s.dir ? "  folder " : "", s.dir ? s.dir : "");
    fflush(stdout);
    int sig;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    rc = 0;
  }
  sem_destroy(&s.slots);
  free(s.layouts_json);
  free(s.dir);
  return rc;
}
