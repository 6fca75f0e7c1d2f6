#include "send.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontmatter.h"
#include "mail.h"
#include "util.h"

/* ---- the .eml files ---------------------------------------------------- */

typedef struct {
  char *file, *path;
  char *data; /* as sent: the message without its X-Unsent header */
  size_t len;
  char *message_id, *from;
  str_list rcpt; /* the addresses of To and Cc */
} outgoing;

static void outgoing_free(outgoing *m) {
  free(m->file);
  free(m->path);
  free(m->data);
  free(m->message_id);
  free(m->from);
  str_list_free(&m->rcpt);
}

/* The value of a header (unfolded), or NULL. head ends at the blank line. */
static char *header_value(const char *head, size_t n, const char *name) {
  size_t k = strlen(name);
  for (const char *p = head; p < head + n;) {
    const char *eol = memchr(p, '\n', (size_t)(head + n - p));
    if (!eol) eol = head + n;
    if ((size_t)(eol - p) > k && !strncasecmp(p, name, k) && p[k] == ':') {
      strbuf sb = {0};
      const char *q = p + k + 1;
      for (;;) {
        const char *e = memchr(q, '\n', (size_t)(head + n - q));
        if (!e) e = head + n;
        size_t len = (size_t)(e - q);
        if (len && q[len - 1] == '\r') len--;
        sb_append(&sb, q, len);
        if (e >= head + n || (e[1] != ' ' && e[1] != '\t')) break;
        q = e + 1;
      }
      return sb_take(&sb);
    }
    p = eol + 1;
  }
  return NULL;
}

/* The addresses of a header's value (RFC 5322 address-list, see mail.h),
 * each checked; *error says what is wrong with which header. */
static int header_addresses(const char *header, const char *value, str_list *out, char **error) {
  if (!value) return 0;
  const char *why = NULL;
  size_t at = 0, first = out->len;
  if (mail_parse_address_list(value, out, &why, &at) != 0) {
    *error = xasprintf("its %s header cannot be read: %s, at character %zu of '%s'", header, why, at + 1, value);
    return -1;
  }
  for (size_t i = first; i < out->len; i++)
    if (!mail_address_ok(out->items[i])) {
      *error = xasprintf("its %s header has '%s', which is not an e-mail address", header, out->items[i]);
      return -1;
    }
  return 0;
}

static int read_outgoing(const char *dir, const char *file, outgoing *m, char **error) {
  memset(m, 0, sizeof *m);
  m->file = xstrdup(file);
  m->path = path_join(dir, file);
  size_t len;
  char *raw = file_read(m->path, &len);
  if (!raw) {
    *error = xasprintf("cannot read it: %s", strerror(errno));
    return -1;
  }
  const char *blank = strstr(raw, "\r\n\r\n");
  size_t head = blank ? (size_t)(blank - raw) + 2 : len;
  if (!blank && (blank = strstr(raw, "\n\n"))) head = (size_t)(blank - raw) + 1;
  m->message_id = header_value(raw, head, "Message-ID");
  char *from = header_value(raw, head, "From");
  str_list from_addr = {0};
  int rc = header_addresses("From", from, &from_addr, error);
  if (rc == 0 && from_addr.len > 1) {
    *error = xstrdup("its From header has more than one address");
    rc = -1;
  }
  m->from = rc == 0 && from_addr.len ? xstrdup(from_addr.items[0]) : NULL;
  str_list_free(&from_addr);
  free(from);
  const char *lists[] = {"To", "Cc", "Bcc"};
  for (int i = 0; i < 3 && rc == 0; i++) {
    char *v = header_value(raw, head, lists[i]);
    rc = header_addresses(lists[i], v, &m->rcpt, error);
    free(v);
  }
  /* X-Unsent marks a draft for Outlook and Bcc must not be seen: the
   * message as sent goes without them (and their continuation lines). */
  strbuf sb = {0};
  bool skipping = false;
  for (const char *p = raw; p < raw + len;) {
    const char *eol = memchr(p, '\n', (size_t)(raw + len - p));
    const char *next = eol ? eol + 1 : raw + len;
    if (p < raw + head && *p != ' ' && *p != '\t')
      skipping = !strncasecmp(p, "X-Unsent:", 9) || !strncasecmp(p, "Bcc:", 4);
    if (!(p < raw + head && skipping)) sb_append(&sb, p, (size_t)(next - p));
    p = next;
  }
  m->len = sb.len;
  m->data = sb_take(&sb);
  free(raw);
  char *id = m->message_id;
  if (id) { /* trim to <...> */
    char *lt = strchr(id, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (lt && gt) {
      m->message_id = xstrndup(lt, (size_t)(gt - lt + 1));
      free(id);
    }
  }
  if (rc != 0) return -1;
  if (!m->message_id) *error = xstrdup("it has no Message-ID, so it cannot be sent once only; write it with brief mail");
  else if (!m->from) *error = xstrdup("it has no From address");
  else if (!m->rcpt.len) *error = xstrdup("it has no recipients (To, Cc)");
  else return 0;
  return -1;
}

static int compare_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int list_eml(const char *dir, str_list *out) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  for (struct dirent *e; (e = readdir(d));)
    if (str_ends_with(e->d_name, ".eml") && e->d_name[0] != '.') str_list_push(out, e->d_name);
  closedir(d);
  qsort(out->items, out->len, sizeof *out->items, compare_str);
  return 0;
}

/* ---- sent.log ---------------------------------------------------------- */

/* One line per message delivered: Message-ID, UTC time, file, server reply,
 * separated by tabs. */
static void read_log(const char *path, str_list *ids) {
  char *text = file_read(path, NULL);
  if (!text) return;
  for (char *line = text; *line;) {
    char *eol = strchr(line, '\n');
    if (eol) *eol = '\0';
    char *tab = strchr(line, '\t');
    if (tab && line[0] == '<') {
      *tab = '\0';
      str_list_push(ids, line);
    }
    if (!eol) break;
    line = eol + 1;
  }
  free(text);
}

static bool in_list(const str_list *l, const char *s) {
  for (size_t i = 0; i < l->len; i++)
    if (!strcmp(l->items[i], s)) return true;
  return false;
}

/* Appended and flushed to disk as soon as the server has taken the message. */
static int log_sent(const char *path, const outgoing *m, const char *reply) {
  char when[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  char *line = xasprintf("%s\t%s\t%s\t%s\n", m->message_id, when, m->file, reply);
  for (char *p = line; p[1]; p++)
    if (*p == '\n' || *p == '\r') *p = ' ';
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
  size_t n = strlen(line);
  int rc = fd >= 0 && write(fd, line, n) == (ssize_t)n && fsync(fd) == 0 ? 0 : -1;
  if (fd >= 0 && close(fd) != 0) rc = -1;
  free(line);
  return rc;
}

/* One brief send at a time per folder: an exclusive flock on the folder
 * itself, held until the process ends (the kernel drops it then, even on a
 * crash), taken before sent.log is read. A second run refuses at once
 * rather than wait: it would have nothing to send, and waiting could hang.
 * Returns the locked descriptor, or -1 after printing why. */
static int lock_folder(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
  if (fd >= 0 && errno == EWOULDBLOCK)
    fprintf(stderr, "brief: error: another brief send is sending the messages of '%s' right now; nothing was "
                    "sent. Wait for it to finish: then run brief send again for whatever it did not send\n", dir);
  else
    fprintf(stderr, "brief: error: cannot lock the folder '%s' against a second brief send: %s; nothing was sent\n",
            dir, strerror(errno));
  if (fd >= 0) close(fd);
  return -1;
}

/* ---- SMTP with libcurl ------------------------------------------------- */

typedef struct {
  const outgoing *m;
  size_t at;
  char reply[512];     /* the server's last reply line */
  char refusal[512];   /* its first error reply (4xx, 5xx) */
  char rcpt[320];      /* the last RCPT TO address */
} transfer;

static size_t read_message(char *buf, size_t size, size_t n, void *data) {
  transfer *t = data;
  size_t left = t->m->len - t->at, want = size * n < left ? size * n : left;
  memcpy(buf, t->m->data + t->at, want);
  t->at += want;
  return want;
}

/* Keeps the server's replies and our RCPT commands, nothing else: the
 * exchange holds the credentials of AUTH, which must never be printed. */
static int on_debug(CURL *c, curl_infotype type, char *data, size_t n, void *user) {
  (void)c;
  transfer *t = user;
  if (!t) return 0;
  if (type == CURLINFO_HEADER_IN) {
    while (n && (data[n - 1] == '\n' || data[n - 1] == '\r')) n--;
    const char *last = data;
    for (size_t i = 0; i + 1 < n; i++)
      if (data[i] == '\n') last = data + i + 1;
    size_t k = (size_t)(data + n - last);
    if (k >= sizeof t->reply) k = sizeof t->reply - 1;
    memcpy(t->reply, last, k);
    t->reply[k] = '\0';
    if (!t->refusal[0] && (t->reply[0] == '4' || t->reply[0] == '5')) memcpy(t->refusal, t->reply, k + 1);
  } else if (type == CURLINFO_HEADER_OUT && n > 9 && !strncasecmp(data, "RCPT TO:<", 9)) {
    const char *gt = memchr(data + 9, '>', n - 9);
    size_t k = gt ? (size_t)(gt - data - 9) : 0;
    if (k >= sizeof t->rcpt) k = sizeof t->rcpt - 1;
    memcpy(t->rcpt, data + 9, k);
    t->rcpt[k] = '\0';
  }
  return 0;
}

static struct curl_slist *rcpt_list(const outgoing *m) {
  struct curl_slist *l = NULL;
  for (size_t i = 0; i < m->rcpt.len; i++) {
    char *a = xasprintf("<%s>", m->rcpt.items[i]);
    l = curl_slist_append(l, a);
    free(a);
  }
  return l;
}

/* A login over smtp:// goes only inside STARTTLS, unless the user said
 * otherwise (smtps:// is TLS from the start). */
static bool login_needs_tls(const send_options *o) {
  return o->user && !o->insecure_plain_auth && !strncmp(o->smtp, "smtp://", 7);
}

/* Sends one message; on failure *error says why. */
static int deliver(CURL *c, const send_options *o, const outgoing *m, transfer *t, char **error) {
  char errbuf[CURL_ERROR_SIZE] = "";
  char *from = xasprintf("<%s>", m->from);
  struct curl_slist *rcpt = rcpt_list(m);
  curl_easy_reset(c);
  const char *password = getenv("BRIEF_SMTP_PASSWORD");
  char *url = NULL;
  if (o->user && password && *password) {
    curl_easy_setopt(c, CURLOPT_USERNAME, o->user);
    curl_easy_setopt(c, CURLOPT_PASSWORD, password);
  } else if (o->user) {
    /* libcurl reads ~/.netrc only without CURLOPT_USERNAME; a login in the
     * URL picks that login's line of ~/.netrc. */
    char *user = curl_easy_escape(c, o->user, 0);
    const char *rest = strstr(o->smtp, "://") + 3;
    url = xasprintf("%.*s%s@%s", (int)(rest - o->smtp), o->smtp, user, rest);
    curl_free(user);
  }
  /* ~/.netrc for the password of --user; without --user there is no login
   * at all, so that no password can go out unless one was asked for. */
  curl_easy_setopt(c, CURLOPT_NETRC, (long)(o->user ? CURL_NETRC_OPTIONAL : CURL_NETRC_IGNORED));
  curl_easy_setopt(c, CURLOPT_URL, url ? url : o->smtp);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  /* STARTTLS when the server offers it; with a login it is required: a
   * server (or anyone in between) that leaves STARTTLS out of its EHLO reply
   * would otherwise get the password in clear. */
  curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(login_needs_tls(o) ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  if (o->cacert) curl_easy_setopt(c, CURLOPT_CAINFO, o->cacert);
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(c, CURLOPT_READDATA, t);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->len);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, t);
  /* Never hang: give up on a server that stops answering. */
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    const char *why = *errbuf ? errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_USE_SSL_FAILED && login_needs_tls(o))
      *error = xasprintf("the server does not offer STARTTLS, so the password of --user would go over the network "
                         "unencrypted (%s); nothing was sent and no password given. Use the server's smtps:// "
                         "address or a server that offers STARTTLS; only on a network you trust, add "
                         "--insecure-plain-auth", why);
    else if (t->rcpt[0] && (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR) && strstr(why, "RCPT"))
      *error = xasprintf("the server refused the recipient %s (%s)%s", t->rcpt, t->refusal[0] ? t->refusal : why,
                         t->refusal[0] == '4' ? ", for now" : "; fix its address in the address book and run brief mail again");
    else if (t->refusal[0])
      *error = xasprintf("%s; the server said: %s", why, t->refusal);
    else
      *error = xasprintf("%s%s%s", why, t->reply[0] ? "; last server reply: " : "", t->reply);
  }
  /* The handle lives on (its connection is reused) and says QUIT when it is
   * cleaned up: it must not keep pointers to what this call frees. */
  curl_easy_setopt(c, CURLOPT_VERBOSE, 0L);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, NULL);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
  curl_easy_setopt(c, CURLOPT_READDATA, NULL);
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, NULL);
  curl_slist_free_all(rcpt);
  free(from);
  free(url);
  return rc == CURLE_OK ? 0 : -1;
}

/* ---- the command ------------------------------------------------------- */

/* smtp://user:password@host: a login the STARTTLS rule of --user would
 * not see, and a password on the command line. */
static bool url_has_login(const char *url) {
  const char *host = strstr(url, "://");
  host = host ? host + 3 : url;
  size_t n = strcspn(host, "/?#");
  return memchr(host, '@', n) != NULL;
}

static void print_plan(size_t i, size_t n, const outgoing *m) {
  printf("[%zu/%zu] %s %s would go from %s to", i + 1, n, m->file, m->message_id, m->from);
  for (size_t k = 0; k < m->rcpt.len; k++) printf("%s %s", k ? "," : "", m->rcpt.items[k]);
  printf("\n");
}

int send_command(const send_options *o) {
  if (!o->outdir || (!o->smtp && !o->dry_run)) {
    fprintf(stderr, "brief: error: send needs the folder of .eml files and --smtp URL, "
                    "e.g. brief send out --smtp smtp://mail.example.gov.cn:587 --user office\n");
    return 2;
  }
  if (o->user && strchr(o->user, ':')) {
    fprintf(stderr, "brief: error: --user takes the user name only; the password goes in the environment "
                    "(BRIEF_SMTP_PASSWORD) or ~/.netrc, never on the command line\n");
    return 2;
  }
  if (o->smtp && strncmp(o->smtp, "smtp://", 7) && strncmp(o->smtp, "smtps://", 8)) {
    fprintf(stderr, "brief: error: --smtp must be smtp://HOST[:PORT] or smtps://HOST[:PORT], not '%s'\n", o->smtp);
    return 2;
  }
  if (o->smtp && url_has_login(o->smtp)) {
    fprintf(stderr, "brief: error: --smtp takes no login ('%s'): give the user name with --user and the password "
                    "in BRIEF_SMTP_PASSWORD or ~/.netrc, e.g. --smtp smtp://mail.example.gov.cn:587 --user office\n",
            o->smtp);
    return 2;
  }
  if (o->user && o->insecure_plain_auth && o->smtp && !strncmp(o->smtp, "smtp://", 7))
    fprintf(stderr, "brief: warning: --insecure-plain-auth: if %s offers no STARTTLS, the password of '%s' goes "
                    "over the network unencrypted\n", o->smtp, o->user);
  str_list files = {0}, sent = {0};
  if (list_eml(o->outdir, &files) != 0) {
    fprintf(stderr, "brief: error: cannot read the folder '%s': %s\n", o->outdir, strerror(errno));
    return 1;
  }
  int lock = o->dry_run ? -1 : lock_folder(o->outdir);
  if (!o->dry_run && lock < 0) {
    str_list_free(&files);
    return 1;
  }
  char *log = path_join(o->outdir, "sent.log");
  read_log(log, &sent);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL *c = o->dry_run ? NULL : curl_easy_init();
  size_t nsent = 0, nfailed = 0, nbefore = 0;
  for (size_t i = 0; i < files.len; i++) {
    outgoing m;
    char *error = NULL;
    if (read_outgoing(o->outdir, files.items[i], &m, &error) != 0) {
      fprintf(stderr, "[%zu/%zu] %s: error: %s\n", i + 1, files.len, m.path, error);
      nfailed++;
    } else if (in_list(&sent, m.message_id)) {
      printf("[%zu/%zu] %s %s: sent before (sent.log), skipped\n", i + 1, files.len, m.file, m.message_id);
      nbefore++;
    } else if (o->dry_run) {
      print_plan(i, files.len, &m);
    } else {
      transfer t = {&m, 0, "", "", ""};
      if (deliver(c, o, &m, &t, &error) == 0) {
        if (log_sent(log, &m, t.reply) != 0)
          fprintf(stderr, "brief: warning: %s: sent, but could not be recorded (%s); a later run would send "
                  "it again\n", log, strerror(errno));
        str_list_push(&sent, m.message_id);
        printf("[%zu/%zu] %s %s: sent to %zu recipients (%s)\n", i + 1, files.len, m.file, m.message_id,
               m.rcpt.len, t.reply);
        nsent++;
      } else {
        fprintf(stderr, "[%zu/%zu] %s: error: not sent: %s; it is tried again on the next run\n", i + 1,
                files.len, m.path, error);
        nfailed++;
      }
    }
    fflush(stdout);
    free(error);
    outgoing_free(&m);
  }
  if (c) curl_easy_cleanup(c);
  curl_global_cleanup();
  if (o->dry_run)
    fprintf(stderr, "brief: dry run: %zu to send, %zu sent before, %zu with errors; nothing was sent\n",
            files.len - nbefore - nfailed, nbefore, nfailed);
  else
    fprintf(stderr, "brief: %zu sent, %zu sent before, %zu failed%s\n", nsent, nbefore, nfailed,
            nfailed ? " (run brief send again to retry them)" : "");
  free(log);
  str_list_free(&files);
  str_list_free(&sent);
  if (lock >= 0) close(lock);
  return nfailed ? 1 : 0;
}
