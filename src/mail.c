#include "mail.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layoutspec.h"
#include "util.h"
#include "yamlutil.h"

/* ---- the template ------------------------------------------------------ */

int mail_template_load(mail_template *t, const char *path, int optional, diag_list *dl) {
  size_t len;
  char *text = read_file(path, &len);
  if (!text) {
    if (optional && errno == ENOENT) return 0;
    diag_error(dl, path, 0, 0, "cannot read the mail template: %s", strerror(errno));
    return -1;
  }
  ydoc y;
  int rc = ydoc_load(&y, text, len, path, 0, dl);
  free(text);
  if (rc != 0) return -1;
  yaml_node_t *root = ydoc_root(&y);
  struct { const char *key; char **field; } keys[] = {
      {"subject", &t->subject}, {"subject_issue", &t->subject_issue}, {"body", &t->body}};
  if (root && root->type == YAML_MAPPING_NODE) {
    YMAP_FOREACH(&y, root, pair) {
      const char *key = yscalar(ydoc_node(&y, pair->key));
      yaml_node_t *value = ydoc_node(&y, pair->value);
      size_t i = 0;
      while (i < 3 && (!key || strcmp(key, keys[i].key))) i++;
      if (i == 3 || !yscalar(value)) {
        diag_error(dl, path, yline(&y, value), ycol(value),
                   "'%s' is not a mail template key (subject, subject_issue, body: each a string)", key ? key : "?");
        rc = -1;
        continue;
      }
      free(*keys[i].field);
      *keys[i].field = xstrdup(yscalar(value));
    }
  } else if (root && !(root->type == YAML_SCALAR_NODE && !*yscalar(root))) {
    diag_error(dl, path, 1, 1, "a mail template is 'key: value' lines (subject, subject_issue, body)");
    rc = -1;
  }
  ydoc_free(&y);
  return rc;
}

void mail_template_free(mail_template *t) {
  free(t->subject);
  free(t->subject_issue);
  free(t->body);
  t->subject = t->subject_issue = t->body = NULL;
}

static char *replace_all(const char *s, const char *what, const char *with) {
  strbuf sb = {0};
  size_t n = strlen(what);
  for (const char *p; (p = strstr(s, what)); s = p + n) {
    sb_append(&sb, s, (size_t)(p - s));
    sb_puts(&sb, with);
  }
  sb_puts(&sb, s);
  return sb_take(&sb);
}

char *mail_expand(const char *tmpl, const doc_meta *meta, const char *file) {
  char *a = replace_all(tmpl, "{file}", file ? file : "");
  char *b = replace_all(a, "{subtitle}", meta->subtitle ? meta->subtitle : "");
  doc_meta m = *meta; /* the layout fields, with the date as a Chinese date */
  char *date = meta->date ? xasprintf("%.4s年%d月%d日", meta->date, atoi(meta->date + 5), atoi(meta->date + 8)) : NULL;
  m.date = date;
  char *out = layout_expand(b, &m, 0, 0);
  free(date);
  free(a);
  free(b);
  return out;
}

/* ---- encodings --------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64_chunk(strbuf *sb, const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < n ? b64[v >> 6 & 63] : '=', i + 2 < n ? b64[v & 63] : '='};
    sb_append(sb, q, 4);
  }
}

/* Base64 in lines of 76 characters (RFC 2045 section 6.8), CRLF after each. */
static void base64_lines(strbuf *sb, const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i += 57) {
    base64_chunk(sb, p + i, n - i < 57 ? n - i : 57);
    sb_puts(sb, "\r\n");
  }
}

static bool is_ascii_text(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p >= 0x7F) return false;
  return true;
}

/* Length of the UTF-8 character at p. */
static size_t char_len(const char *p) {
  unsigned char c = (unsigned char)*p;
  size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  for (size_t i = 1; i < n; i++)
    if (!p[i]) return i;
  return n;
}

/* A header line being written, folded before a word that would take it
 * past 76 characters (RFC 5322 section 2.2.3). */
typedef struct {
  strbuf *sb;
  size_t line_start;
} header;

static header header_begin(strbuf *sb, const char *name) {
  header h = {sb, sb->len};
  sb_printf(sb, "%s:", name);
  return h;
}

static void header_word(header *h, const char *word, bool space) {
  size_t n = strlen(word);
  if (h->sb->len - h->line_start + n + 1 > 76 && h->sb->len - h->line_start > 1) {
    sb_puts(h->sb, "\r\n");
    h->line_start = h->sb->len;
    space = true; /* a folded line starts with white space */
  }
  if (space) sb_putc(h->sb, ' ');
  sb_puts(h->sb, word);
}

static void header_end(header *h) { sb_puts(h->sb, "\r\n"); }

/* Text as RFC 2047 "B" encoded words, each at most 75 characters and
 * holding whole UTF-8 characters (section 5), or as it is when it is
 * plain ASCII. */
static void header_text(header *h, const char *text) {
  if (is_ascii_text(text) && !strstr(text, "=?")) {
    char *copy = xstrdup(text), *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) header_word(h, w, true);
    free(copy);
    return;
  }
  for (const char *p = text; *p;) {
    /* As many bytes as fit the line, at most 45 (60 base64 characters). */
    size_t used = h->sb->len - h->line_start, room = used + 1 + 12 + 8 <= 76 ? (76 - used - 1 - 12) / 4 * 3 : 45;
    if (room > 45) room = 45;
    size_t n = 0;
    while (p[n] && n + char_len(p + n) <= room) n += char_len(p + n);
    if (n == 0) n = char_len(p);
    strbuf w = {0};
    sb_puts(&w, "=?UTF-8?B?");
    base64_chunk(&w, (const unsigned char *)p, n);
    sb_puts(&w, "?=");
    header_word(h, w.data, true);
    sb_free(&w);
    p += n;
  }
}

/* A display name: a quoted string when ASCII, else encoded words. */
static void header_mailbox(header *h, const char *name, const char *address, bool last) {
  if (name && *name) {
    if (is_ascii_text(name) && !strpbrk(name, "\"\\")) {
      char *q = xasprintf("\"%s\"", name);
      header_word(h, q, true);
      free(q);
    } else {
      header_text(h, name);
    }
  }
  char *a = xasprintf("<%s>%s", address, last ? "" : ",");
  header_word(h, a, true);
  free(a);
}

static void header_recipients(strbuf *sb, const char *name, const recipient_list *l) {
  if (l->len == 0) return;
  header h = header_begin(sb, name);
  for (size_t i = 0; i < l->len; i++) {
    if (i) { /* one mailbox per line */
      sb_puts(sb, "\r\n");
      h.line_start = sb->len;
    }
    header_mailbox(&h, l->items[i].unit, l->items[i].address, i + 1 == l->len);
  }
  header_end(&h);
}

/* RFC 2231 section 4: filename*=UTF-8''%E9%99%87…, split into numbered
 * sections (filename*0*=…; filename*1*=…) when long. */
static void header_filename(strbuf *sb, const char *param, const char *name) {
  strbuf enc = {0};
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p))
      sb_putc(&enc, (char)*p);
    else
      sb_printf(&enc, "%%%02X", *p);
  }
  if (enc.len <= 60) {
    sb_printf(sb, ";\r\n %s*=UTF-8''%s", param, enc.data);
  } else {
    size_t part = 0;
    for (size_t i = 0; i < enc.len; part++) {
      size_t max = part == 0 ? 54 : 60; /* lines stay within 78 characters */
      size_t n = enc.len - i < max ? enc.len - i : max;
      /* never cut inside a %XX triplet */
      if (i + n < enc.len) {
        if (enc.data[i + n - 1] == '%') n -= 1;
        else if (n >= 2 && enc.data[i + n - 2] == '%') n -= 2;
      }
      sb_printf(sb, ";\r\n %s*%zu*=%s%.*s", param, part, part == 0 ? "UTF-8''" : "", (int)n, enc.data + i);
      i += n;
    }
  }
  sb_free(&enc);
}

/* ---- the message ------------------------------------------------------- */

/* The address inside "Name <addr>", or the whole of "addr". */
static char *address_of(const char *from) {
  const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
  if (lt && gt) return xstrndup(lt + 1, (size_t)(gt - lt - 1));
  return xstrdup(from);
}

static char *name_of(const char *from) {
  const char *lt = strrchr(from, '<');
  if (!lt) return xstrdup("");
  size_t n = (size_t)(lt - from);
  while (n && from[n - 1] == ' ') n--;
  const char *s = from;
  if (n >= 2 && s[0] == '"' && s[n - 1] == '"') s++, n -= 2;
  return xstrndup(s, n);
}

int mail_check_from(const char *from, diag_list *dl) {
  char *a = from ? address_of(from) : NULL;
  const char *at = a ? strchr(a, '@') : NULL;
  bool ok = at && at != a && at[1] && !strpbrk(a, " <>,;\"");
  free(a);
  if (!ok)
    diag_error(dl, NULL, 0, 0, "--from needs the sender's address, e.g. --from office@example.gov.cn or "
               "--from '中共陇西县委组织部 <office@example.gov.cn>'");
  return ok ? 0 : -1;
}

char *mail_date(long long t) {
  static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  return xasprintf("%s, %d %s %d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                   tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void hash_str(EVP_MD_CTX *ctx, const char *s) { EVP_DigestUpdate(ctx, s, strlen(s) + 1); }

/* SHA-256 of everything the message says, in hex: the Message-ID and the
 * MIME boundary, so the same brief to the same people gives the same bytes
 * and a different one a different ID. */
static void content_hash(const mail_message *m, char hex[65]) {
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  hash_str(ctx, m->from);
  const recipient_list *lists[] = {m->to, m->cc};
  for (int k = 0; k < 2; k++) {
    for (size_t i = 0; i < lists[k]->len; i++) hash_str(ctx, lists[k]->items[i].address);
    hash_str(ctx, "");
  }
  hash_str(ctx, m->subject);
  hash_str(ctx, m->body);
  hash_str(ctx, m->attachment_name);
  EVP_DigestUpdate(ctx, m->attachment, m->attachment_len);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  for (unsigned i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* The body with CRLF line ends and a final line end. */
static char *crlf_text(const char *s) {
  strbuf sb = {0};
  for (; *s; s++) {
    if (*s == '\r') continue;
    if (*s == '\n') sb_puts(&sb, "\r\n");
    else sb_putc(&sb, *s);
  }
  if (sb.len < 2 || strcmp(sb.data + sb.len - 2, "\r\n")) sb_puts(&sb, "\r\n");
  return sb_take(&sb);
}

char *mail_build(const mail_message *m, size_t *len) {
  char hash[65];
  content_hash(m, hash);
  char *from_addr = address_of(m->from), *from_name = name_of(m->from);
  const char *domain = strchr(from_addr, '@') + 1;
  strbuf sb = {0};
  header h = header_begin(&sb, "From");
  header_mailbox(&h, from_name, from_addr, true);
  header_end(&h);
  header_recipients(&sb, "To", m->to);
  header_recipients(&sb, "Cc", m->cc);
  h = header_begin(&sb, "Subject");
  header_text(&h, m->subject);
  header_end(&h);
  char *date = mail_date(m->date);
  sb_printf(&sb, "Date: %s\r\n", date);
  free(date);
  sb_printf(&sb, "Message-ID: <%.32s.brief@%s>\r\n", hash, domain);
  sb_puts(&sb, "MIME-Version: 1.0\r\n");
  sb_puts(&sb, "User-Agent: brief " BRIEF_VERSION "\r\n");
  /* Outlook opens a message with X-Unsent: 1 as a draft; brief send drops it. */
  sb_puts(&sb, "X-Unsent: 1\r\n");
  sb_printf(&sb, "Content-Type: multipart/mixed;\r\n boundary=\"brief-%.40s\"\r\n\r\n", hash + 24);
  sb_puts(&sb, "This is a message in MIME format.\r\n");

  sb_printf(&sb, "\r\n--brief-%.40s\r\n", hash + 24);
  sb_puts(&sb, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  char *body = crlf_text(m->body);
  base64_lines(&sb, (const unsigned char *)body, strlen(body));
  free(body);

  sb_printf(&sb, "\r\n--brief-%.40s\r\n", hash + 24);
  /* name= as encoded words for older clients, filename* (RFC 2231) for the rest. */
  sb_puts(&sb, "Content-Type: application/pdf;\r\n");
  {
    strbuf name = {0};
    sb_puts(&name, " name=\"");
    header nh = {&name, 0};
    header_text(&nh, m->attachment_name); /* " name=\" =?…?=": the blank after the quote goes */
    sb_append(&sb, name.data, 7);
    sb_printf(&sb, "%s\"\r\n", name.data + 8);
    sb_free(&name);
  }
  sb_puts(&sb, "Content-Disposition: attachment");
  header_filename(&sb, "filename", m->attachment_name);
  sb_puts(&sb, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
  base64_lines(&sb, (const unsigned char *)m->attachment, m->attachment_len);
  sb_printf(&sb, "\r\n--brief-%.40s--\r\n", hash + 24);
  free(from_addr);
  free(from_name);
  *len = sb.len;
  return sb_take(&sb);
}
