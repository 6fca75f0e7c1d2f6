#include "mail.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layoutspec.h"
#include "util.h"
#include "yamlutil.h"

/* ---- the template ------------------------------------------------------ */

int mail_template_load(mail_template *t, const char *path, int optional, diag_list *dl) {
  size_t len;
  char *text = file_read(path, &len);
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
      const char *key = ydoc_scalar(ydoc_node(&y, pair->key));
      yaml_node_t *value = ydoc_node(&y, pair->value);
      size_t i = 0;
      while (i < 3 && (!key || strcmp(key, keys[i].key))) i++;
      if (i == 3 || !ydoc_scalar(value)) {
        diag_error(dl, path, ydoc_line(&y, value), ydoc_col(value),
                   "'%s' is not a mail template key (subject, subject_issue, body: each a string)", key ? key : "?");
        rc = -1;
        continue;
      }
      const char *text = ydoc_scalar(value), *brk = strpbrk(text, "\r\n");
      if (i < 2 && brk) { /* subject, subject_issue: one header line */
        diag_error(dl, path, ydoc_line(&y, value), ydoc_col(value),
                   "'%s' has a line break after '%.*s'; a subject is one line: write it on one line, in quotes "
                   "(a block scalar, | or >, ends with a line break)", key, (int)(brk - text), text);
        rc = -1;
        continue;
      }
      free(*keys[i].field);
      *keys[i].field = xstrdup(text);
    }
  } else if (root && !(root->type == YAML_SCALAR_NODE && !*ydoc_scalar(root))) {
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
  char *out = spec_expand(b, &m, 0, 0);
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
 * holding whole UTF-8 characters (section 5); the first after a blank when
 * space_first. */
static void encoded_words(header *h, const char *text, bool space_first) {
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
    header_word(h, w.data, p != text || space_first);
    sb_free(&w);
    p += n;
  }
}

/* Longest word (run without a blank) of s. */
static size_t longest_word(const char *s) {
  size_t best = 0;
  for (size_t n; *s; s += n ? n : 1) {
    n = strcspn(s, " ");
    if (n > best) best = n;
  }
  return best;
}

/* Printable ASCII that can be written as it is: words short enough to fold
 * between (a line of 78 at most, RFC 5322 section 2.1.1) and nothing a
 * reader would take for an encoded word. */
static bool plain_header_text(const char *s) {
  return is_ascii_text(s) && !strstr(s, "=?") && longest_word(s) <= 68;
}

/* Writes the words of s (split at blanks) with header_word: folding only
 * ever replaces a blank, so the value unfolds to what it was. */
static void header_words(header *h, const char *s) {
  char *copy = xstrdup(s), *save = NULL;
  for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) header_word(h, w, true);
  free(copy);
}

/* Unstructured text (the Subject): as it is when plain_header_text, else
 * encoded words, so that no line of the header passes 78 characters. */
static void header_text(header *h, const char *text) {
  if (plain_header_text(text)) header_words(h, text);
  else encoded_words(h, text, true);
}

/* s as an RFC 5322 quoted-string: between double quotes, " and \ escaped
 * as quoted pairs (section 3.2.4). */
static char *quoted_string(const char *s) {
  strbuf sb = {0};
  sb_putc(&sb, '"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') sb_putc(&sb, '\\');
    sb_putc(&sb, *s);
  }
  sb_putc(&sb, '"');
  return sb_take(&sb);
}

/* A display name: a quoted string when plain ASCII (so that < > , ; : @ in
 * a unit's name stay part of the name), else encoded words (RFC 2047
 * section 5 (3): an encoded word may stand for a word of a phrase). */
static void header_mailbox(header *h, const char *name, const char *address, bool last) {
  if (name && *name) {
    char *q = quoted_string(name);
    if (plain_header_text(name) && longest_word(q) <= 68) header_words(h, q);
    else encoded_words(h, name, true);
    free(q);
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

/* The name= parameter of Content-Type, for clients that do not read RFC
 * 2231: a quoted string (" and \ escaped) when the name is plain ASCII and
 * fits the line, else encoded words inside the quotes, one per line, as
 * mail clients write it (RFC 2047 section 5 does not cover parameters;
 * filename* is the standard name). Every fold is CRLF and a blank. */
static void header_name_param(strbuf *sb, const char *name) {
  char *q = quoted_string(name);
  if (is_ascii_text(name) && !strstr(name, "=?") && 6 + strlen(q) <= 78) {
    sb_printf(sb, " name=%s\r\n", q);
  } else {
    header h = {sb, sb->len};
    sb_puts(sb, " name=\"");
    encoded_words(&h, name, false);
    sb_puts(sb, "\"\r\n");
  }
  free(q);
}

/* ---- the message ------------------------------------------------------- */

/* ---- addresses (RFC 5322 section 3.4) ---------------------------------- */

/* The end (after the closing quote) of the quoted string at s[i], with its
 * quoted pairs; its content is appended to text (when given). SIZE_MAX
 * when it is not closed. */
static size_t quoted_string_end(const char *s, size_t i, size_t n, strbuf *text) {
  for (i++; i < n; i++) {
    if (s[i] == '\\' && i + 1 < n) i++;
    else if (s[i] == '"') return i + 1;
    if (text) sb_putc(text, s[i]);
  }
  return SIZE_MAX;
}

/* The end of the comment at s[i] (comments nest, section 3.2.2). */
static size_t comment_end(const char *s, size_t i, size_t n) {
  int depth = 0;
  for (; i < n; i++) {
    if (s[i] == '\\' && i + 1 < n) i++;
    else if (s[i] == '(') depth++;
    else if (s[i] == ')' && --depth == 0) return i + 1;
  }
  return SIZE_MAX;
}

/* The end of the angle address at s[i] (a quoted local part may hold '>'). */
static size_t angle_end(const char *s, size_t i, size_t n) {
  for (i++; i < n; i++) {
    if (s[i] == '"') {
      i = quoted_string_end(s, i, n, NULL);
      if (i == SIZE_MAX) return i;
      i--;
    } else if (s[i] == '<') {
      return SIZE_MAX;
    } else if (s[i] == '>') {
      return i + 1;
    }
  }
  return SIZE_MAX;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* s[0..n) with blanks trimmed and runs of blanks made one space. */
static char *collapse_blanks(const char *s, size_t n) {
  strbuf sb = {0};
  sb_puts(&sb, "");
  for (size_t i = 0; i < n; i++) {
    if (!is_blank(s[i])) sb_putc(&sb, s[i]);
    else if (sb.len && i + 1 < n && !is_blank(s[i + 1])) sb_putc(&sb, ' ');
  }
  return sb_take(&sb);
}

int mail_parse_mailbox(const char *s, size_t n, char **name, char **address, const char **why, size_t *at) {
  strbuf phrase = {0}, bare = {0}; /* the text unquoted, without comments; as written, without comments */
  size_t angle = SIZE_MAX, angle_len = 0, name_len = 0, after = SIZE_MAX;
  *why = NULL;
  *name = *address = NULL;
  for (size_t i = 0; i < n && !*why;) {
    size_t end = i + 1;
    if (s[i] == '"') {
      size_t from = phrase.len;
      end = quoted_string_end(s, i, n, &phrase);
      if (end == SIZE_MAX) *why = "a quoted string is not closed (a \" is missing)";
      else sb_append(&bare, s + i, end - i);
      if (phrase.len == from) sb_putc(&phrase, ' '); /* "" is still a word */
    } else if (s[i] == '(') {
      end = comment_end(s, i, n);
      if (end == SIZE_MAX) *why = "a comment is not closed (a ) is missing)";
      sb_putc(&phrase, ' ');
      sb_putc(&bare, ' ');
    } else if (s[i] == '<') {
      end = angle_end(s, i, n);
      if (end == SIZE_MAX) *why = "an angle address is not closed (a > is missing, or a < is inside it)";
      name_len = phrase.len; /* the name: all before the last angle address */
      angle = i + 1;
      angle_len = end == SIZE_MAX ? 0 : end - i - 2;
      after = SIZE_MAX;
      sb_append(&phrase, s + i, end == SIZE_MAX ? 1 : end - i); /* part of the name if another one follows */
      sb_putc(&bare, ' ');
    } else if (s[i] == '>') {
      *why = "a > without its <";
    } else {
      if (angle != SIZE_MAX && after == SIZE_MAX && !is_blank(s[i])) after = i;
      sb_putc(&phrase, s[i]);
      sb_putc(&bare, s[i]);
    }
    if (*why) *at = i;
    else i = end;
  }
  if (!*why && angle != SIZE_MAX && after != SIZE_MAX) {
    *why = "text after the <address>; write the name before it: Name <local@domain>";
    *at = after;
  }
  if (!*why) {
    *address = angle != SIZE_MAX ? collapse_blanks(s + angle, angle_len) : collapse_blanks(bare.data ? bare.data : "", bare.len);
    *name = angle != SIZE_MAX ? collapse_blanks(phrase.data, name_len) : xstrdup("");
    if (!**address || (angle == SIZE_MAX && strchr(*address, ' '))) {
      *why = **address ? "a name without an <address>: write Name <local@domain>, or the address alone"
                       : "no address";
      *at = 0;
      free(*name);
      free(*address);
      *name = *address = NULL;
    }
  }
  sb_free(&phrase);
  sb_free(&bare);
  return *why ? -1 : 0;
}

int mail_parse_address_list(const char *value, str_list *addresses, const char **why, size_t *at) {
  size_t n = strlen(value), start = 0;
  for (size_t i = 0; i <= n;) {
    if (i == n || value[i] == ',' || value[i] == ';') {
      size_t k = start;
      while (k < i && is_blank(value[k])) k++;
      if (k < i) { /* an empty element (a,,b or an empty group) is skipped, as RFC 5322 section 4.4 allows */
        char *name, *address;
        if (mail_parse_mailbox(value + start, i - start, &name, &address, why, at) != 0) {
          *at += start;
          return -1;
        }
        str_list_push(addresses, address);
        free(name);
        free(address);
      }
      start = ++i;
      continue;
    }
    size_t end = i + 1;
    if (value[i] == ':') start = i + 1; /* "group name:" is dropped, its members kept */
    else if (value[i] == '"') end = quoted_string_end(value, i, n, NULL);
    else if (value[i] == '(') end = comment_end(value, i, n);
    else if (value[i] == '<') end = angle_end(value, i, n);
    i = end == SIZE_MAX ? n : end; /* not closed: the mailbox parser says so */
  }
  return 0;
}

bool mail_address_ok(const char *a) {
  const char *at = strchr(a, '@');
  if (strlen(a) > 254 || !at || at == a || !at[1] || strchr(at + 1, '@')) return false;
  for (const unsigned char *p = (const unsigned char *)a; *p; p++)
    if (*p <= ' ' || *p >= 0x7F || strchr("<>()[],;:\"\\", *p)) return false;
  return true;
}

/* Characters (not bytes) in s[0..n), counted from 1 for messages. */
static size_t char_column(const char *s, size_t n) {
  size_t k = 1;
  for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
  return k;
}

int mail_check_from(const char *from, diag_list *dl) {
  static const char example[] = "e.g. --from office@example.gov.cn or --from '中共陇西县委组织部 <office@example.gov.cn>'";
  if (!from) {
    diag_error(dl, NULL, 0, 0, "--from needs the sender's address, %s", example);
    return -1;
  }
  for (const unsigned char *p = (const unsigned char *)from; *p; p++)
    if (*p < 0x20 || *p == 0x7F) {
      diag_error(dl, NULL, 0, 0, "--from has a %s at character %zu: a header is one line (a line break would "
                 "add headers of its own); %s", *p == '\r' || *p == '\n' ? "line break" : "control character",
                 char_column(from, (size_t)(p - (const unsigned char *)from)), example);
      return -1;
    }
  char *name = NULL, *address = NULL;
  const char *why = NULL;
  size_t at = 0;
  int rc = mail_parse_mailbox(from, strlen(from), &name, &address, &why, &at);
  if (rc != 0)
    diag_error(dl, NULL, 0, 0, "--from: %s, at character %zu of '%s'; %s", why, char_column(from, at), from, example);
  else if (!mail_address_ok(address))
    diag_error(dl, NULL, 0, 0, "--from needs the sender's address, not '%s'; %s", address, example);
  bool ok = rc == 0 && mail_address_ok(address);
  free(name);
  free(address);
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
  char *from_addr = NULL, *from_name = NULL;
  const char *why;
  size_t at;
  if (mail_parse_mailbox(m->from, strlen(m->from), &from_name, &from_addr, &why, &at) != 0) {
    from_name = xstrdup(""); /* not reached: mail_check_from has taken it */
    from_addr = xstrdup("invalid@invalid");
  }
  const char *domain = strchr(from_addr, '@') ? strchr(from_addr, '@') + 1 : from_addr;
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
  header_name_param(&sb, m->attachment_name);
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
