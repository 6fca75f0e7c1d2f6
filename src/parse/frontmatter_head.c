#include "frontmatter_head.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cndate.h"
#include "util.h"

const char *const frontmatter_head_keys[] = {"issuer", "doc_number", "signer", "to",   "secrecy", "urgency",
                                             "attachments", "seal", "note", "printed", NULL};

void doc_head_meta_free(doc_head_meta *h) {
  str_list_free(&h->issuers);
  str_list_free(&h->signers);
  str_list_free(&h->attachments);
  char **fields[] = {&h->number, &h->to, &h->secrecy, &h->urgency, &h->note, &h->printed};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    free(*fields[i]);
    *fields[i] = NULL;
  }
}

/* Brackets offices put around the year, opening and closing. */
static const char *const year_open[] = {"〔", "[", "(", "（", "【", "［", "{", "｛"};
static const char *const year_close[] = {"〕", "]", ")", "）", "】", "］", "}", "｝"};
#define SERIAL_PREFIX "\xE7\xAC\xAC" /* 第 U+7B2C: GB/T 9704-2012 7.2.5 prints no 第 */

static size_t match_any(const char *p, const char *const *set, size_t n, size_t *which) {
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(set[i]);
    if (strncmp(p, set[i], len) == 0) {
      *which = i;
      return len;
    }
  }
  return 0;
}

char *doc_number_normalize(const char *s) {
  size_t n = sizeof year_open / sizeof *year_open;
  for (const char *p = s; *p; p++) {
    size_t which, open = match_any(p, year_open, n, &which);
    if (!open) continue;
    const char *y = p + open;
    while (*y == ' ') y++;
    if (!(isdigit((unsigned char)y[0]) && isdigit((unsigned char)y[1]) && isdigit((unsigned char)y[2]) &&
          isdigit((unsigned char)y[3])))
      continue;
    const char *after = y + 4;
    while (*after == ' ') after++;
    size_t w, close = match_any(after, year_close, n, &w);
    if (!close) continue;
    const char *q = after + close;
    while (*q == ' ') q++;
    if (strncmp(q, SERIAL_PREFIX, 3) == 0) q += 3;
    while (*q == ' ') q++;
    while (q[0] == '0' && isdigit((unsigned char)q[1])) q++; /* no leading zeros */
    return xasprintf("%.*s〔%.4s〕%s", (int)(p - s), s, y, q);
  }
  return xstrdup(s);
}

static int read_strings(ydoc *y, yaml_node_t *node, const char *key, str_list *out, diag_list *dl) {
  if (ydoc_scalar(node)) {
    if (*ydoc_scalar(node)) str_list_push(out, ydoc_scalar(node));
    return 0;
  }
  if (node->type == YAML_SEQUENCE_NODE) {
    YSEQ_FOREACH(y, node, item) {
      const char *s = ydoc_scalar(ydoc_node(y, *item));
      if (!s) {
        diag_error(dl, y->file, ydoc_line(y, ydoc_node(y, *item)), ydoc_col(ydoc_node(y, *item)),
                   "items of '%s' must be text, one a line", key);
        return -1;
      }
      str_list_push(out, s);
    }
    return 0;
  }
  diag_error(dl, y->file, ydoc_line(y, node), ydoc_col(node), "'%s' must be text or a list of texts", key);
  return -1;
}

recipient_src frontmatter_head_source(ydoc *y, yaml_node_t *node, size_t offset) {
  bool quoted = node->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                node->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
  bool one_line = node->start_mark.line == node->end_mark.line;
  return (recipient_src){ydoc_line(y, node), ydoc_col(node) + quoted, offset,
                         one_line && (quoted || node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)};
}

int frontmatter_head_key(ydoc *y, const char *key, yaml_node_t *value, doc_meta *m, diag_list *dl) {
  doc_head_meta *h = &m->head;
  if (!strcmp(key, "issuer")) return read_strings(y, value, key, &h->issuers, dl);
  if (!strcmp(key, "signer")) return read_strings(y, value, key, &h->signers, dl);
  if (!strcmp(key, "attachments")) {
    h->attachments_line = ydoc_line(y, value);
    return read_strings(y, value, key, &h->attachments, dl);
  }
  struct { const char *name; char **field; } scalars[] = {
      {"doc_number", &h->number}, {"to", &h->to}, {"secrecy", &h->secrecy}, {"urgency", &h->urgency},
      {"note", &h->note},         {"printed", &h->printed}, {"seal", NULL}};
  for (size_t i = 0; i < sizeof scalars / sizeof *scalars; i++) {
    if (strcmp(key, scalars[i].name) != 0) continue;
    const char *s = ydoc_scalar(value);
    if (!s) {
      diag_error(dl, y->file, ydoc_line(y, value), ydoc_col(value), "'%s' must be a single value", key);
      return -1;
    }
    if (!scalars[i].field) { /* seal */
      bool yes = !strcmp(s, "true") || !strcmp(s, "yes"), no = !strcmp(s, "false") || !strcmp(s, "no");
      if (!yes && !no) {
        diag_error(dl, y->file, ydoc_line(y, value), ydoc_col(value), "'seal' must be true or false, not '%s'", s);
        return -1;
      }
      h->seal = yes;
      return 0;
    }
    char iso[11];
    const char *why;
    if (!strcmp(key, "printed") && !cndate_parse(s, iso, &why)) { /* 印发日期, in any form 'date' takes */
      diag_error(dl, y->file, ydoc_line(y, value), ydoc_col(value),
                 "'printed' (印发日期) '%s': %s; write it as " CNDATE_FORMS, s, why);
      return -1;
    }
    if (!strcmp(key, "to")) h->to_src = frontmatter_head_source(y, value, 0);
    free(*scalars[i].field);
    *scalars[i].field = !strcmp(key, "doc_number") ? doc_number_normalize(s)
                        : !strcmp(key, "printed")  ? xstrdup(iso)
                                                   : xstrdup(s);
    return 0;
  }
  return 1;
}
