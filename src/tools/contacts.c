#include "contacts.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv_rows.h"
#include "figures.h"
#include "suggest.h"
#include "util.h"

typedef struct {
  char *unit, *address;
  char *county; /* "" : for every brief */
  int row;
} contact;

struct contacts {
  char *path;
  bool has_county; /* the book has a 县(市) column */
  VEC(contact) rows;
};

/* ---- reading ----------------------------------------------------------- */

/* Trims ASCII blanks and ideographic spaces (U+3000) in place. */
static char *trim(char *s) {
  for (;;) {
    if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') s++;
    else if (!strncmp(s, "\u3000", 3)) s += 3;
    else break;
  }
  size_t n = strlen(s);
  for (;;) {
    if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) n--;
    else if (n >= 3 && !strncmp(s + n - 3, "\u3000", 3)) n -= 3;
    else break;
  }
  s[n] = '\0';
  return s;
}

static int column_of(char **header, const char *const *names) {
  for (int c = 0; header[c]; c++)
    for (const char *const *n = names; *n; n++)
      if (!strcmp(trim(header[c]), *n)) return c;
  return -1;
}

/* A plain ASCII addr-spec: local@domain, no blanks, brackets or quotes,
 * at most 254 bytes (RFC 5321 section 4.5.3.1.3). */
static bool valid_address(const char *a) {
  const char *at = strchr(a, '@');
  if (strlen(a) > 254 || !at || at == a || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.')) return false;
  for (const unsigned char *p = (const unsigned char *)a; *p; p++)
    if (*p <= ' ' || *p >= 0x7F || strchr("<>()[],;:\"\\", *p)) return false;
  return true;
}

/* The first control character (a line break of a quoted CSV field, a
 * tab) in s, or NULL: a unit's name becomes a display name in To and Cc,
 * which is one line. */
static const char *control_char(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7F) return (const char *)p;
  return NULL;
}

static int take_rows(contacts *book, csv_rows *st, diag_list *dl) {
  static const char *const unit_names[] = {"单位", "unit", NULL};
  static const char *const mail_names[] = {"邮箱", "email", "e-mail", NULL};
  static const char *const county_names[] = {"县(市)", "县（市）", "县", "county", NULL};
  if (st->records.len == 0) {
    diag_error(dl, book->path, 1, 1, "is empty; it needs a header row '单位,邮箱' and one row per address");
    return -1;
  }
  char **header = st->records.items[0];
  int cu = column_of(header, unit_names), cm = column_of(header, mail_names);
  int cc = column_of(header, county_names); /* optional: a row for one county's briefs only */
  book->has_county = cc >= 0;
  if (cu < 0 || cm < 0) {
    diag_error(dl, book->path, st->numbers.items[0], 1,
               "the header row needs the columns 单位 and 邮箱 (e.g. '单位,邮箱'); it has no '%s' column",
               cu < 0 ? "单位" : "邮箱");
    return -1;
  }
  int rc = 0;
  for (size_t r = 1; r < st->records.len; r++) {
    char **rec = st->records.items[r];
    size_t n = 0;
    while (rec[n]) n++;
    char *unit = (size_t)cu < n ? trim(rec[cu]) : "", *mail = (size_t)cm < n ? trim(rec[cm]) : "";
    char *county = cc >= 0 && (size_t)cc < n ? trim(rec[cc]) : "";
    if (!*unit && !*mail) continue; /* a blank line */
    int row = st->numbers.items[r];
    if (!*unit) {
      diag_error(dl, book->path, row, cu + 1, "the address '%s' has no unit; fill in its 单位", mail);
      rc = -1;
    } else if (control_char(unit)) {
      diag_error(dl, book->path, row, cu + 1,
                 "the unit '%.*s…' has a %s in its name; a unit's name is one line (it is written in the "
                 "To and Cc headers): join the lines", (int)(control_char(unit) - unit), unit,
                 *control_char(unit) == '\n' || *control_char(unit) == '\r' ? "line break" : "control character");
      rc = -1;
    } else if (!valid_address(mail)) {
      diag_error(dl, book->path, row, cm + 1,
                 "'%s' (for %s) is not an e-mail address; write one address per row, like office@example.gov.cn",
                 mail, unit);
      rc = -1;
    } else {
      contact ct = {xstrdup(unit), xstrdup(mail), xstrdup(county), row};
      VEC_PUSH(book->rows, ct);
    }
  }
  return rc;
}

contacts *contacts_parse(const char *data, size_t len, const char *path, diag_list *dl) {
  size_t ulen;
  char *text = figures_to_utf8(data, len, path, &ulen, dl); /* same encodings as the figures */
  if (!text) return NULL;
  contacts *book = xcalloc(1, sizeof *book);
  book->path = xstrdup(path);
  csv_rows st = {{0}};
  int rc = csv_rows_read(text, ulen, path, &st, dl);
  free(text);
  if (rc == 0) rc = take_rows(book, &st, dl);
  csv_rows_free(&st);
  if (rc != 0) {
    contacts_free(book);
    return NULL;
  }
  return book;
}

contacts *contacts_load(const char *path, diag_list *dl) {
  size_t len;
  char *data = file_read(path, &len);
  if (!data) {
    diag_error(dl, path, 0, 0, "cannot read the address book: %s; give one with --contacts FILE "
               "(columns 单位,邮箱)", strerror(errno));
    return NULL;
  }
  contacts *c = contacts_parse(data, len, path, dl);
  free(data);
  return c;
}

void contacts_free(contacts *c) {
  if (!c) return;
  for (size_t i = 0; i < c->rows.len; i++) {
    free(c->rows.items[i].unit);
    free(c->rows.items[i].address);
    free(c->rows.items[i].county);
  }
  VEC_FREE(c->rows);
  free(c->path);
  free(c);
}

void contacts_recipients_free(recipient_list *l) {
  for (size_t i = 0; i < l->len; i++) {
    free(l->items[i].unit);
    free(l->items[i].address);
  }
  VEC_FREE(*l);
}

/* ---- resolving the 版记 ------------------------------------------------ */

/* A row applies to every brief, or to those of its county only. */
static bool applies(const contact *ct, const char *county) {
  return !*ct->county || (county && !strcmp(ct->county, county));
}

static bool has_unit(const contacts *c, const char *unit, const char *county) {
  for (size_t i = 0; i < c->rows.len; i++)
    if (!strcmp(c->rows.items[i].unit, unit) && applies(&c->rows.items[i], county)) return true;
  return false;
}

static bool listed(const recipient_list *to, const recipient_list *cc, const char *address) {
  for (size_t i = 0; i < to->len; i++)
    if (!strcasecmp(to->items[i].address, address)) return true;
  for (size_t i = 0; i < cc->len; i++)
    if (!strcasecmp(cc->items[i].address, address)) return true;
  return false;
}

static void add_unit(const contacts *c, const char *unit, const char *county, recipient_list *into,
                     const recipient_list *to, const recipient_list *cc) {
  for (size_t i = 0; i < c->rows.len; i++) {
    const contact *ct = &c->rows.items[i];
    if (strcmp(ct->unit, unit) || !applies(ct, county) || listed(to, cc, ct->address)) continue;
    recipient r = {xstrdup(unit), xstrdup(ct->address)};
    VEC_PUSH(*into, r);
  }
}

/* Characters (not bytes) in s[0..n). */
static int chars(const char *s, size_t n) {
  int k = 0;
  for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
  return k;
}

static void report_missing(const contacts *c, const char *unit, const char *county, const char *file,
                           const recipient_src *src, int col, diag_list *dl) {
  const char **names = xcalloc(c->rows.len + 1, sizeof *names);
  size_t n = 0;
  for (size_t i = 0; i < c->rows.len; i++)
    if (applies(&c->rows.items[i], county)) names[n++] = c->rows.items[i].unit;
  char *close = suggest_closest_names(unit, names, n);
  free(names); /* the five closest (suggest_closest_names caps the list) */
  diag_error(dl, file, src->line, col,
             "the unit '%s' has no address in %s; add a row for it there (单位 %s, 邮箱 its address%s) "
             "or correct the name (closest units: %s)", unit, c->path, unit, c->has_county ? ", 县(市) empty or this county" : "",
             *close ? close : "none, the book is empty");
  free(close);
}

/* Resolves an entry: a unit the book has as written (县委、县政府各位领导),
 * else each unit of it split at ，、,. entry_col is the entry's column. */
static int resolve_entry(const contacts *c, const char *county, char *entry, const char *file, const recipient_src *src,
                         int entry_col, recipient_list *into, recipient_list *to, recipient_list *cc,
                         diag_list *dl) {
  if (has_unit(c, entry, county)) {
    add_unit(c, entry, county, into, to, cc);
    return 0;
  }
  int rc = 0;
  for (char *p = entry; *p;) {
    size_t n = 0, sep = 0;
    while (p[n]) {
      if (!strncmp(p + n, "，", 3) || !strncmp(p + n, "、", 3)) { sep = 3; break; }
      if (p[n] == ',') { sep = 1; break; }
      n++;
    }
    char *unit = xstrndup(p, n), *u = trim(unit);
    if (*u) {
      if (has_unit(c, u, county)) {
        add_unit(c, u, county, into, to, cc);
      } else {
        int col = src->exact ? entry_col + chars(entry, (size_t)(p - entry)) + chars(p, (size_t)(u - unit))
                             : src->col;
        report_missing(c, u, county, file, src, col, dl);
        rc = -1;
      }
    }
    free(unit);
    p += n + sep;
  }
  return rc;
}

static bool is_to_label(const char *line, size_t label_len) {
  return (label_len == 3 && !strncmp(line, "报", 3)) || (label_len == 6 && !strncmp(line, "主送", 6));
}

/* The 主送机关 of a 文件式 document (to: 各乡镇党委，县直各单位：, GB/T
 * 9704-2012 7.3.2): its units go in To like the 报 line's, without the
 * colon that ends it on the page. */
static int resolve_addressees(const contacts *c, const doc_meta *meta, const char *file, recipient_list *to,
                              recipient_list *cc, diag_list *dl) {
  char *entry = xstrdup(meta->head.to), *e = trim(entry);
  size_t n = strlen(e);
  if (n >= 3 && !strcmp(e + n - 3, "：")) e[n - 3] = '\0';
  else if (n >= 1 && e[n - 1] == ':') e[n - 1] = '\0';
  e = trim(e);
  const recipient_src *src = &meta->head.to_src;
  int rc = resolve_entry(c, meta->county, e, file, src, src->col + chars(entry, (size_t)(e - entry)), to, to, cc, dl);
  free(entry);
  return rc;
}

int contacts_resolve(const contacts *c, const doc_meta *meta, const char *file, recipient_list *to,
                     recipient_list *cc, diag_list *dl) {
  int rc = meta->head.to ? resolve_addressees(c, meta, file, to, cc, dl) : 0; /* 主送 first in To */
  for (size_t i = 0; i < meta->recipients.len; i++) {
    const char *line = meta->recipients.items[i];
    const recipient_src *src = &meta->recipients_src.items[i];
    /* "报：…": the label ends at the first colon (full-width or ASCII). */
    const char *colon = strstr(line, "：");
    size_t label_len = colon ? (size_t)(colon - line) : 0, skip = colon ? 3 : 0;
    const char *ascii = strchr(line, ':');
    if (ascii && (!colon || ascii < colon)) label_len = (size_t)(ascii - line), skip = 1;
    const char *value = line + label_len + skip;
    recipient_list *into = is_to_label(line, label_len) ? to : cc;
    size_t at = (size_t)(value - line);
    /* The value's column: the YAML value may start at the label (a list item
     * "送：…") or after it (a mapping value, where 报： was added). */
    int col = src->col + (at > src->offset ? chars(line + src->offset, at - src->offset) : 0);
    char *entry = xstrdup(value), *e = trim(entry);
    int ecol = col + chars(entry, (size_t)(e - entry));
    if (resolve_entry(c, meta->county, e, file, src, ecol, into, to, cc, dl) != 0) rc = -1;
    free(entry);
  }
  return rc;
}
