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
 * that for a slot gets 503; the limit is polled inside the render's loops
 * (stop.h), and so is the client: a render whose client has gone stops and
 * frees its slot. Nothing of the disk is readable except DIR's summaries
 * and images (realpath checks) and the installed layouts.
 *
 * Slow clients: every connection is timed by its phase, not by its last
 * byte (libmicrohttpd's timeout restarts on each byte): at most
 * HEADER_TIME_MS to send a request's header (from connecting, or from the
 * end of the previous response), BODY_TIME_MS for its body. A watchdog
 * thread shuts down the connections past their time; one address holds at
 * most PER_ADDRESS connections and all addresses together at most
 * WAITING_MAX still waiting for their header: a new connection over either
 * cap pushes out the oldest waiting one of the address with the most. So a
 * flood of trickling connections costs a normal client nothing more than
 * a connection slot. */
#define _GNU_SOURCE /* POLLRDHUP: the client closed its end */
#include "serve.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "frontmatter.h" /* str_list */
#include "stop.h"
#include "utf8.h"
#include "util.h"

#define MAX_BODY (2u << 20) /* 2 MB: a summary is a few KB; a booklet's worth is 100 KB */
#define DEFAULT_TIME_LIMIT_MS 20000.0
#define CONNECTIONS_MAX 256        /* libmicrohttpd's own cap: a thread each */
#define PER_ADDRESS 64             /* connections from one client address (a page makes 6) */
#define WAITING_MAX 64             /* connections waiting for their header, all addresses */
#define BUSY_MAX (CONNECTIONS_MAX - 16) /* past this, the longest idle of the busiest address goes */
#define HEADER_TIME_MS 10000.0     /* to send a request's header, from connecting or the last response */
#define BODY_TIME_MS 60000.0       /* to send its body (2 MB: 35 KB/s) */
#define SENDING_TIME_MS 120000.0   /* beyond the render's two time limits (slot, render): to take the reply */

extern const unsigned char serve_page_html[]; /* generated from src/serve_page.html */
extern const size_t serve_page_html_len;

/* What a connection is doing, for its time limit. */
typedef enum { PHASE_WAITING, PHASE_BODY, PHASE_WORKING } conn_phase;

typedef struct conn {
  struct conn *prev, *next;
  int fd;                       /* our own duplicate of its socket (-1: none, never cut) */
  struct sockaddr_storage addr; /* the client's (its port ignored) */
  double since;                 /* CLOCK_MONOTONIC ms: when this phase began */
  conn_phase phase;
  bool cut;                     /* shut down by us: closing */
} conn;

/* The live connections (libmicrohttpd's notify-connection callback keeps
 * the list), the watchdog that times them, and the renders in progress
 * (a stop waits for them). */
typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t wake;    /* the watchdog's timer; quit */
  pthread_cond_t idle;    /* renders fell to 0 */
  conn *head;
  bool quit, stopping;
  size_t renders;
  pthread_t watchdog;
} conn_table;

typedef struct {
  brief_engine *engine;
  serve_options opts;
  char *dir;          /* realpath of DIR, or NULL */
  char *layouts_json; /* ["official", ...], read once at start */
  sem_t slots;
  conn_table conns;
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
  /* No page of another site may frame this one (clickjacking the save button). */
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Content-Security-Policy", "frame-ancestors 'none'");
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
    if (file && file[0] == '/') { /* a file of the server's own (an installed layout): its name only */
      char *base = xstrdup(strrchr(file, '/') + 1);
      free(file);
      file = base;
    }
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

/* A summary's file name in DIR: NAME.md, no folder part, not hidden,
 * valid UTF-8 without control characters (a name with CR/LF would break
 * the listing and any log; a %00 arrives as DEL: see unescape_url). */
static bool is_summary_name(const char *name) {
  size_t n = strlen(name);
  if (n <= 3 || n >= 256 || name[0] == '.' || strchr(name, '/') || strchr(name, '\\') || !str_ends_with(name, ".md"))
    return false;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++)
    if (*p < 0x20 || *p == 0x7F) return false;
  return utf8_invalid_offset(name, n) < 0;
}

/* The file DIR/name is (its real path: a symbolic link is followed, so a
 * save writes through it and the link stays) when that is a regular file
 * inside DIR, or DIR/name for a new file. */
static char *summary_path(const server *s, const char *name, bool must_exist) {
  if (!s->dir || !is_summary_name(name)) return NULL;
  char *path = path_join(s->dir, name);
  char real[PATH_MAX];
  struct stat st;
  if (realpath(path, real)) {
    size_t n = strlen(s->dir);
    bool inside = strncmp(real, s->dir, n) == 0 && real[n] == '/';
    if (inside && stat(real, &st) == 0 && S_ISREG(st.st_mode)) {
      free(path);
      return xstrdup(real);
    }
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

/* ---- connections: per-address caps and phase time limits ---- */

static bool same_address(const struct sockaddr_storage *a, const struct sockaddr_storage *b) {
  if (a->ss_family != b->ss_family) return false;
  if (a->ss_family == AF_INET)
    return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
  if (a->ss_family == AF_INET6)
    return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr,
                   sizeof(struct in6_addr));
  return false;
}

/* Shuts the connection's socket down: its thread in libmicrohttpd sees the
 * end and closes it. Through our own duplicate of the descriptor, closed
 * only when libmicrohttpd reports the connection closed: never a number
 * reused by another connection meanwhile. */
static void cut(conn *x) {
  if (!x || x->cut || x->fd < 0) return;
  shutdown(x->fd, SHUT_RDWR);
  x->cut = true;
}

static size_t connections_from(const conn_table *t, const struct sockaddr_storage *addr) {
  size_t n = 0;
  for (const conn *y = t->head; y; y = y->next) n += !y->cut && same_address(&y->addr, addr);
  return n;
}

/* Which connection to push out: not one whose request is being answered
 * (PHASE_WORKING); one waiting for its header before one sending its
 * body; from addr (NULL: the address with the most connections); the
 * oldest. NULL when there is none. */
static conn *evictable(const conn_table *t, const struct sockaddr_storage *addr, bool waiting_only) {
  conn *best = NULL;
  size_t best_count = 0;
  for (conn *y = t->head; y; y = y->next) {
    if (y->cut || y->phase == PHASE_WORKING || (waiting_only && y->phase != PHASE_WAITING)) continue;
    if (addr && !same_address(&y->addr, addr)) continue;
    size_t count = addr ? 0 : connections_from(t, &y->addr);
    bool better = !best || y->phase < best->phase ||
                  (y->phase == best->phase && (count > best_count || (count == best_count && y->since < best->since)));
    if (better) best = y, best_count = count;
  }
  return best;
}

/* A new connection x: over its address's cap, the oldest idle one of that
 * address goes (x itself when the others are all being answered); over
 * the cap of connections waiting for a header, or near libmicrohttpd's
 * own cap, the oldest idle one of the busiest address. */
static void admit(conn_table *t, conn *x) {
  if (connections_from(t, &x->addr) > PER_ADDRESS) {
    conn *y = evictable(t, &x->addr, false);
    cut(y ? y : x);
  }
  size_t waiting = 0, live = 0;
  for (const conn *y = t->head; y; y = y->next) {
    waiting += !y->cut && y->phase == PHASE_WAITING;
    live += !y->cut;
  }
  if (waiting > WAITING_MAX) cut(evictable(t, NULL, true));
  else if (live > BUSY_MAX) {
    conn *y = evictable(t, NULL, false);
    if (y) cut(y);
  }
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
  conn_table *t = &((server *)cls)->conns;
  conn *x = *socket_context;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    x = xcalloc(1, sizeof *x);
    const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *ca = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    x->fd = fd ? fcntl(fd->connect_fd, F_DUPFD_CLOEXEC, 0) : -1;
    if (ca && ca->client_addr)
      memcpy(&x->addr, ca->client_addr,
             ca->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
    x->since = stop_clock_ms();
    x->phase = PHASE_WAITING;
    pthread_mutex_lock(&t->lock);
    x->next = t->head;
    if (t->head) t->head->prev = x;
    t->head = x;
    admit(t, x);
    pthread_mutex_unlock(&t->lock);
    *socket_context = x;
  } else if (x) {
    pthread_mutex_lock(&t->lock);
    if (x->prev) x->prev->next = x->next;
    else t->head = x->next;
    if (x->next) x->next->prev = x->prev;
    pthread_mutex_unlock(&t->lock);
    if (x->fd >= 0) close(x->fd);
    free(x);
    *socket_context = NULL;
  }
}

static void set_phase(server *s, struct MHD_Connection *c, conn_phase phase) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  conn *x = info ? info->socket_context : NULL;
  if (!x) return;
  pthread_mutex_lock(&s->conns.lock);
  x->phase = phase;
  x->since = stop_clock_ms();
  pthread_mutex_unlock(&s->conns.lock);
}

/* Every quarter second: connections past their phase's time are cut. A
 * render whose connection is cut notices (client_gone) and stops. */
static void *watchdog(void *arg) {
  server *s = arg;
  conn_table *t = &s->conns;
  double limits[] = {HEADER_TIME_MS, BODY_TIME_MS, 2 * s->opts.time_limit_ms + SENDING_TIME_MS};
  pthread_mutex_lock(&t->lock);
  while (!t->quit) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 250000000;
    if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
    pthread_cond_timedwait(&t->wake, &t->lock, &ts);
    double now = stop_clock_ms();
    for (conn *y = t->head; y; y = y->next)
      if (now - y->since > limits[y->phase]) cut(y);
  }
  pthread_mutex_unlock(&t->lock);
  return NULL;
}

/* A render polls this (stop.h): its client has closed the connection, or
 * the watchdog cut it. */
typedef struct {
  int fd;
} client_watch;

static bool client_gone(void *arg) {
  const client_watch *w = arg;
  if (w->fd < 0) return false;
  struct pollfd p = {.fd = w->fd, .events = POLLRDHUP};
  return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

static client_watch watch_of(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
  return (client_watch){fd ? fd->connect_fd : -1};
}

/* A render counts while it runs; none starts once the server is stopping. */
static bool render_begin(server *s) {
  pthread_mutex_lock(&s->conns.lock);
  bool ok = !s->conns.stopping;
  if (ok) s->conns.renders++;
  pthread_mutex_unlock(&s->conns.lock);
  return ok;
}

static void render_end(server *s) {
  pthread_mutex_lock(&s->conns.lock);
  if (--s->conns.renders == 0) pthread_cond_broadcast(&s->conns.idle);
  pthread_mutex_unlock(&s->conns.lock);
}

/* Percent-decoding for libmicrohttpd (the URL's path and query values):
 * a %XX that decodes to a control character (%00, %0A, ...) becomes DEL,
 * which no name accepts, rather than a NUL that would cut "x.md%00.txt"
 * to "x.md" or a CR/LF inside a file name. */
static int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

static size_t unescape_url(void *cls, struct MHD_Connection *c, char *text) {
  (void)cls, (void)c;
  char *out = text;
  for (const char *p = text; *p;) {
    int hi = p[0] == '%' ? hex_value(p[1]) : -1, lo = hi >= 0 ? hex_value(p[2]) : -1;
    if (lo < 0) {
      *out++ = *p++;
      continue;
    }
    unsigned char byte = (unsigned char)(hi * 16 + lo);
    *out++ = byte < 0x20 || byte == 0x7F ? 0x7F : (char)byte;
    p += 3;
  }
  *out = '\0';
  return (size_t)(out - text);
}

/* ---- rendering ---- */

static void deadline_in(struct timespec *ts, double ms) {
  clock_gettime(CLOCK_REALTIME, ts);
  long long ns = ts->tv_nsec + (long long)(ms * 1e6);
  ts->tv_sec += ns / 1000000000;
  ts->tv_nsec = ns % 1000000000;
}

/* Waits for a render slot, at most one time limit, looking at the client
 * every 50 ms: false (no slot taken) when the time is up or it has gone. */
static bool take_slot(server *s, client_watch *watch) {
  double end = stop_clock_ms() + s->opts.time_limit_ms;
  for (;;) {
    double left = end - stop_clock_ms();
    if (left <= 0 || client_gone(watch)) return false;
    struct timespec ts;
    deadline_in(&ts, left < 50 ? left : 50);
    if (sem_timedwait(&s->slots, &ts) == 0) return true;
    if (errno != EINTR && errno != ETIMEDOUT) return false;
  }
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
  job.served.text = rq->body.data ? rq->body.data : "";
  job.served.text_len = rq->body.len;
  job.served.image_root = s->dir ? s->dir : "";
  job.served.layout_names_only = true;
  job.served.time_limit_ms = s->opts.time_limit_ms;
  client_watch watch = watch_of(c);
  job.served.abandoned = client_gone;
  job.served.abandoned_arg = &watch;
  diag_list dl = {0};
  enum MHD_Result ok;
  if (!render_begin(s)) {
    ok = send_error(c, 503, "the server is stopping");
  } else if (!take_slot(s, &watch)) {
    ok = client_gone(&watch) ? MHD_NO
                             : send_error(c, 503, "the server is busy: every render slot stayed taken for the time limit; try again");
    render_end(s);
  } else {
    char *pdf;
    size_t len;
    int rc = brief_render_memory(s->engine, &job, &pdf, &len, &dl);
    sem_post(&s->slots);
    render_end(s);
    if (rc == 0) ok = send_bytes(c, 200, "application/pdf", pdf, len, MHD_RESPMEM_MUST_FREE);
    else if (client_gone(&watch)) ok = MHD_NO; /* nobody to answer */
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
  client_watch watch = watch_of(c);
  for (size_t i = 0; i < names.len; i++) {
    jobs[i] = (brief_job){.input = path_join(s->dir, names.items[i]), .output = xasprintf("%s/%zu.pdf", work, i), .figures = figures};
    jobs[i].served.image_root = s->dir;
    jobs[i].served.layout_names_only = true;
    jobs[i].served.time_limit_ms = s->opts.time_limit_ms;
    jobs[i].served.abandoned = client_gone;
    jobs[i].served.abandoned_arg = &watch;
  }
  diag_list dl = {0};
  enum MHD_Result ok;
  if (!render_begin(s)) {
    ok = send_error(c, 503, "the server is stopping");
  } else if (!take_slot(s, &watch)) {
    ok = client_gone(&watch) ? MHD_NO : send_error(c, 503, "the server is busy; try again");
    render_end(s);
  } else {
    int rc = brief_batch(s->engine, jobs, names.len, booklet, failed, &dl);
    sem_post(&s->slots);
    render_end(s);
    size_t len;
    char *pdf = rc == 0 ? file_read(booklet, &len) : NULL;
    if (pdf) ok = send_bytes(c, 200, "application/pdf", pdf, len, MHD_RESPMEM_MUST_FREE);
    else if (client_gone(&watch)) ok = MHD_NO;
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
  char *text = path ? file_read(path, &len) : NULL;
  free(path);
  if (!text) return send_error(c, 404, "no such summary in the folder");
  return send_bytes(c, 200, "text/markdown; charset=utf-8", text, len, MHD_RESPMEM_MUST_FREE);
}

/* Saves a summary the way the PDFs are written: temporary file, then rename. */
static enum MHD_Result handle_put_file(server *s, struct MHD_Connection *c, const char *name, const request *rq) {
  char *path = summary_path(s, name, false);
  if (!path) return send_error(c, 404, "not a summary of the folder: use NAME.md, no folders");
  char *temp = file_temp_beside(path);
  FILE *f = temp ? fopen(temp, "wb") : NULL;
  bool ok = f && fwrite(rq->body.data ? rq->body.data : "", 1, rq->body.len, f) == rq->body.len;
  if (f && fclose(f) != 0) ok = false;
  if (ok) ok = file_commit_temp(temp, path) == 0;
  else if (temp) file_discard_temp(temp);
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

/* The host of a Host header without its port, lower-cased, into out. */
static bool host_name(const char *host, char *out, size_t size) {
  const char *end = host[0] == '[' ? strchr(host, ']') : strrchr(host, ':');
  size_t n = end ? (size_t)(end - host) + (host[0] == '[') : strlen(host);
  if (n == 0 || n >= size) return false;
  for (size_t i = 0; i < n; i++) out[i] = (char)tolower((unsigned char)host[i]);
  out[n] = '\0';
  return true;
}

/* A name of this server a browser may send: localhost, an IP address
 * (a page reached by its address is that address's origin: DNS rebinding
 * needs a name), --host when it is a name, and the --allow-host names.
 * Whatever the server listens on: with --host 0.0.0.0 too. */
static bool host_allowed(const server *s, const char *name) {
  unsigned char addr[sizeof(struct in6_addr)];
  if (!strcmp(name, "localhost") || inet_pton(AF_INET, name, addr) == 1) return true;
  size_t n = strlen(name);
  if (n > 2 && name[0] == '[' && name[n - 1] == ']') {
    char inner[64];
    if (n - 2 >= sizeof inner) return false;
    memcpy(inner, name + 1, n - 2);
    inner[n - 2] = '\0';
    return inet_pton(AF_INET6, inner, addr) == 1;
  }
  if (!strcasecmp(name, s->opts.host)) return true;
  for (const char *p = s->opts.allow_hosts; p && *p;) { /* NAME,NAME,... */
    size_t len = strcspn(p, ",");
    if (len == n && !strncasecmp(p, name, n)) return true;
    p += len + (p[len] == ',');
  }
  return false;
}

/* The Host header must name this server (a page of another site cannot
 * reach it through DNS rebinding), and a browser's Origin, when sent,
 * must be this server's (no cross-site saves). */
static bool host_ok(const server *s, struct MHD_Connection *c) {
  const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
  const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
  char name[256];
  if (!host || !host_name(host, name, sizeof name)) return false;
  if (origin && (strncmp(origin, "http://", 7) != 0 || strcasecmp(origin + 7, host) != 0)) return false;
  return host_allowed(s, name);
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
  (void)t;
  request_free(*con_cls);
  *con_cls = NULL;
  set_phase(cls, c, PHASE_WAITING); /* for the next request's header */
}

/* The first call for a request: route it; bodies over the limit are refused at once. */
static enum MHD_Result start_request(server *s, struct MHD_Connection *c, const char *url, const char *method,
                                     void **con_cls) {
  bool method_ok;
  route r = route_of(s, url, method, &method_ok);
  set_phase(s, c, PHASE_BODY);
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
  set_phase(s, c, PHASE_WORKING);
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
  /* MHD_USE_ITC: MHD_quiesce_daemon, to stop listening at the first signal. */
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
  if (ai->ai_family == AF_INET6) flags |= MHD_USE_IPv6;
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, (uint16_t)s->opts.port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
      MHD_OPTION_UNESCAPE_CALLBACK, unescape_url, NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTIONS_MAX,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
  freeaddrinfo(ai);
  if (!d)
    fprintf(stderr, "brief: error: cannot listen on %s port %d: %s; is the port taken? try --port N\n",
            s->opts.host, s->opts.port, strerror(errno));
  return d;
}

/* The second SIGINT or SIGTERM: exit at once, 128 + the signal. */
static void *exit_on_second_signal(void *arg) {
  (void)arg;
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  int sig;
  sigwait(&stop, &sig);
  _exit(128 + sig);
}

/* The first signal: stop listening, let the renders in progress finish
 * (each within its time limit; no new one starts), then close every
 * connection. A second signal meanwhile exits at once. */
static void stop_serving(server *s, struct MHD_Daemon *d, sigset_t *signals) {
  int sig;
  sigwait(signals, &sig);
  pthread_t second;
  pthread_create(&second, NULL, exit_on_second_signal, NULL);
  pthread_detach(second);
  MHD_socket listening = MHD_quiesce_daemon(d);
  pthread_mutex_lock(&s->conns.lock);
  s->conns.stopping = true;
  if (s->conns.renders)
    fprintf(stderr, "brief serve: stopping once the %zu render%s in progress end%s; %s again stops at once\n",
            s->conns.renders, s->conns.renders == 1 ? "" : "s", s->conns.renders == 1 ? "s" : "",
            sig == SIGINT ? "Ctrl-C" : "the signal");
  while (s->conns.renders) pthread_cond_wait(&s->conns.idle, &s->conns.lock);
  pthread_mutex_unlock(&s->conns.lock);
  MHD_stop_daemon(d);
  if (listening != MHD_INVALID_SOCKET) close(listening);
}

int serve_run(brief_engine *e, const serve_options *opts) {
  server s = {.engine = e, .opts = *opts};
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
  pthread_mutex_init(&s.conns.lock, NULL);
  pthread_cond_init(&s.conns.wake, NULL);
  pthread_cond_init(&s.conns.idle, NULL);
  /* SIGINT and SIGTERM are taken by sigwait below, in every thread. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);
  pthread_create(&s.conns.watchdog, NULL, watchdog, &s);
  struct MHD_Daemon *d = start_daemon(&s);
  int rc = 1;
  if (d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    bool v6 = strchr(s.opts.host, ':') != NULL;
    printf("brief serve: http://%s%s%s:%u/%s%s\n", v6 ? "[" : "", s.opts.host, v6 ? "]" : "",
           info ? info->port : (unsigned)s.opts.port, s.dir ? "  folder " : "", s.dir ? s.dir : "");
    fflush(stdout);
    stop_serving(&s, d, &stop);
    rc = 0;
  }
  pthread_mutex_lock(&s.conns.lock);
  s.conns.quit = true;
  pthread_cond_signal(&s.conns.wake);
  pthread_mutex_unlock(&s.conns.lock);
  pthread_join(s.conns.watchdog, NULL);
  pthread_cond_destroy(&s.conns.idle);
  pthread_cond_destroy(&s.conns.wake);
  pthread_mutex_destroy(&s.conns.lock);
  sem_destroy(&s.slots);
  free(s.layouts_json);
  free(s.dir);
  return rc;
}
