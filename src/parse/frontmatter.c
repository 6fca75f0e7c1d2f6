#include "frontmatter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cndate.h"
#include "frontmatter_head.h"
#include "numbered.h"
#include "suggest.h"
#include "utf8.h"
#include "util.h"
#include "yamlutil.h"

void doc_meta_free(doc_meta *m) {
  char **fields[] = {&m->title, &m->subtitle, &m->county, &m->author,
                     &m->date,  &m->issue,    &m->layout, &m->copies};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    free(*fields[i]);
    *fields[i] = NULL;
  }
  str_list_free(&m->recipients);
  VEC_FREE(m->recipients_src);
  str_list_free(&m->figures);
  free(m->numbered);
  m->numbered = NULL;
  m->nnumbered = 0;
  doc_head_meta_free(&m->head);
}

/* Length of the line at p (without its newline) and where the next starts. */
static size_t line_at(const char *p, const char *end, const char **next) {
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  const char *stop = nl ? nl : end;
  *next = nl ? nl + 1 : end;
  size_t n = (size_t)(stop - p);
  if (n > 0 && p[n - 1] == '\r') n--;
  return n;
}

static bool is_fence(const char *p, size_t n, const char *fence) {
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
  return n == 3 && memcmp(p, fence, 3) == 0;
}

static const char *recipient_labels[] = {"报", "送", "发", "抄送", "印发"};

/* "报：xxx" stays as written; a bare value becomes "报：value". */
static void push_recipient(doc_meta *m, const char *label, const char *value, recipient_src src) {
  if (label) {
    char *line = xasprintf("%s：%s", label, value);
    src.offset = strlen(line) - strlen(value);
    VEC_PUSH(m->recipients, line);
    VEC_PUSH(m->recipients_src, src);
    return;
  }
  VEC_PUSH(m->recipients_src, src);
  for (size_t i = 0; i < sizeof recipient_labels / sizeof *recipient_labels; i++) {
    size_t n = strlen(recipient_labels[i]);
    if (strncmp(value, recipient_labels[i], n) == 0 &&
        (strncmp(value + n, "：", 3) == 0 || value[n] == ':')) {
      str_list_push(&m->recipients, value);
      return;
    }
  }
  char *line = xasprintf("报：%s", value);
  m->recipients_src.items[m->recipients_src.len - 1].offset = strlen(line) - strlen(value);
  VEC_PUSH(m->recipients, line);
}

static int read_list(ydoc *y, yaml_node_t *node, const char *key, str_list *out, diag_list *dl) {
  if (ydoc_scalar(node)) {
    str_list_push(out, ydoc_scalar(node));
    return 0;
  }
  if (node->type != YAML_SEQUENCE_NODE) {
    diag_error(dl, y->file, ydoc_line(y, node), ydoc_col(node), "'%s' must be a string or a list of strings", key);
    return -1;
  }
  YSEQ_FOREACH(y, node, item) {
    const char *s = ydoc_scalar(ydoc_node(y, *item));
    if (!s) {
      diag_error(dl, y->file, ydoc_line(y, ydoc_node(y, *item)), ydoc_col(ydoc_node(y, *item)),
                 "items of '%s' must be strings", key);
      return -1;
    }
    str_list_push(out, s);
  }
  return 0;
}

static int read_recipients(ydoc *y, yaml_node_t *node, doc_meta *m, diag_list *dl) {
  if (node->type == YAML_MAPPING_NODE) {
    YMAP_FOREACH(y, node, pair) {
      const char *label = ydoc_scalar(ydoc_node(y, pair->key));
      const char *value = ydoc_scalar(ydoc_node(y, pair->value));
      if (!label || !value) {
        diag_error(dl, y->file, ydoc_line(y, node), ydoc_col(node),
                   "'recipients' entries must be 'label: text', e.g. '报: 市委组织部'");
        return -1;
      }
      push_recipient(m, label, value, frontmatter_head_source(y, ydoc_node(y, pair->value), 0));
    }
    return 0;
  }
  str_list values = {0};
  int rc = read_list(y, node, "recipients", &values, dl);
  for (size_t i = 0; i < values.len; i++) {
    yaml_node_t *v = node;
    if (node->type == YAML_SEQUENCE_NODE) v = ydoc_node(y, node->data.sequence.items.start[i]);
    push_recipient(m, NULL, values.items[i], frontmatter_head_source(y, v, 0));
  }
  str_list_free(&values);
  return rc;
}

/* numbered: 1-30 (or 1,4,7-9): numbered copies, GB/T 9704-2012 7.2.1. */
static int read_numbered(ydoc *y, yaml_node_t *value, doc_meta *m, diag_list *dl) {
  const char *s = ydoc_scalar(value);
  char *why = NULL;
  free(m->numbered);
  m->numbered = NULL;
  if (!s || numbered_parse(s, &m->numbered, &m->nnumbered, &why) != 0) {
    diag_error(dl, y->file, ydoc_line(y, value), ydoc_col(value), "'numbered': %s",
               why ? why : "must be a range such as 1-30 or 1,4,7-9");
    free(why);
    return -1;
  }
  return 0;
}

/* The date as the office typed it (2016年11月14日, 2016.11.14, …), kept as
 * YYYY-MM-DD; the layout prints it in its own form (GB/T 9704-2012 7.3.5). */
static int read_date(ydoc *y, yaml_node_t *value, const char *s, char **field, diag_list *dl) {
  char iso[11];
  const char *why;
  if (!cndate_parse(s, iso, &why)) {
    diag_error(dl, y->file, ydoc_line(y, value), ydoc_col(value),
               "'date: %s': %s; write it as " CNDATE_FORMS, s, why);
    return -1;
  }
  free(*field);
  *field = xstrdup(iso);
  return 0;
}

#define ISSUE_MAX_CHARS 30 /* 第12期（总第125期） has 11; a masthead line holds about 28 */

/* 期号: a number (12, printed through the layout's 第{issue}期) or the
 * text as printed (第12期, 2020年第3期, 总第125期, 第12期（总第125期）). */
static int read_issue(ydoc *y, yaml_node_t *value, const char *s, char **field, diag_list *dl) {
  bool number;
  char *issue = cndate_issue_parse(s, &number);
  if (!issue) {
    diag_error(dl, y->file, ydoc_line(y, value), ydoc_col(value),
               "'issue' must be a number from 1 to 9999999 (12) or the 期号 as printed "
               "(第12期, 2020年第3期, 总第125期), not '%s'", s);
    return -1;
  }
  if (utf8_length(issue) > ISSUE_MAX_CHARS) {
    diag_error(dl, y->file, ydoc_line(y, value), ydoc_col(value),
               "'issue' has %zu characters: the 期号 is one line of the masthead; shorten it to %d at most",
               utf8_length(issue), ISSUE_MAX_CHARS);
    free(issue);
    return -1;
  }
  free(*field);
  *field = issue;
  return 0;
}

static int read_key(ydoc *y, const char *key, yaml_node_t *value, doc_meta *m, diag_list *dl) {
  struct { const char *name; char **field; } scalars[] = {
      {"title", &m->title},   {"subtitle", &m->subtitle}, {"county", &m->county},
      {"author", &m->author}, {"date", &m->date},         {"issue", &m->issue},
      {"layout", &m->layout}, {"copies", &m->copies}};
  for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++) {
    if (strcmp(key, scalars[i].name) != 0) continue;
    const char *s = ydoc_scalar(value);
    if (!s) {
      diag_error(dl, y->file, ydoc_line(y, value), ydoc_col(value), "'%s' must be a single value", key);
      return -1;
    }
    if (strcmp(key, "date") == 0) return read_date(y, value, s, &m->date, dl);
    if (strcmp(key, "issue") == 0) return read_issue(y, value, s, &m->issue, dl);
    /* 印数 is a count: a whole number from 1 (printed as written). */
    if (strcmp(key, "copies") == 0 &&
        (strlen(s) < 1 || strlen(s) > 7 || strspn(s, "0123456789") != strlen(s) || s[0] == '0')) {
      diag_error(dl, y->file, ydoc_line(y, value), ydoc_col(value),
                 "'%s' must be a whole number from 1 to 9999999, not '%s'", key, s);
      return -1;
    }
    free(*scalars[i].field);
    *scalars[i].field = xstrdup(s);
    return 0;
  }
  if (strcmp(key, "recipients") == 0) return read_recipients(y, value, m, dl);
  if (strcmp(key, "numbered") == 0) return read_numbered(y, value, m, dl);
  if (strcmp(key, "figures") == 0) {
    m->figures_line = ydoc_line(y, value);
    return read_list(y, value, key, &m->figures, dl);
  }
  int head = frontmatter_head_key(y, key, value, m, dl);
  if (head != 1) return head;
  static const char *const base[] = {"title",      "subtitle", "county", "author", "date",    "issue",
                                     "recipients", "copies",   "layout", "figures", "numbered"};
  const char *known[sizeof base / sizeof *base + 16];
  size_t nknown = 0;
  for (size_t i = 0; i < sizeof base / sizeof *base; i++) known[nknown++] = base[i];
  for (size_t i = 0; frontmatter_head_keys[i] && nknown < sizeof known / sizeof *known; i++)
    known[nknown++] = frontmatter_head_keys[i];
  char *list = suggest_listed_names(key, known, nknown);
  diag_warning(dl, y->file, ydoc_line(y, value), 1, "unknown front matter key '%s' ignored (known: %s)", key, list);
  free(list);
  return 0;
}

static int read_meta(ydoc *y, doc_meta *m, diag_list *dl) {
  yaml_node_t *root = ydoc_root(y);
  if (!root || (root->type == YAML_SCALAR_NODE && !*ydoc_scalar(root))) return 0; /* empty */
  if (root->type != YAML_MAPPING_NODE) {
    diag_error(dl, y->file, ydoc_line(y, root), 1, "front matter must be 'key: value' lines");
    return -1;
  }
  int rc = 0;
  YMAP_FOREACH(y, root, pair) {
    const char *key = ydoc_scalar(ydoc_node(y, pair->key));
    if (!key) continue;
    if (read_key(y, key, ydoc_node(y, pair->value), m, dl) != 0) rc = -1;
  }
  return rc;
}

long frontmatter_parse(const char *text, size_t len, const char *file, doc_meta *meta,
                       int *body_line, diag_list *dl) {
  const char *end = text + len, *p = text, *next;
  *body_line = 0;
  if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  size_t n = line_at(p, end, &next);
  if (!is_fence(p, n, "---")) return p - text;
  const char *yaml_start = next;
  int lines = 1;
  for (p = next; p < end; p = next) {
    n = line_at(p, end, &next);
    lines++;
    if (is_fence(p, n, "---") || is_fence(p, n, "...")) {
      ydoc y;
      if (ydoc_load(&y, yaml_start, (size_t)(p - yaml_start), file, 1, dl) != 0) return -1;
      int rc = read_meta(&y, meta, dl);
      ydoc_free(&y);
      *body_line = lines;
      return rc == 0 ? next - text : -1;
    }
  }
  diag_error(dl, file, 1, 1, "front matter opened with '---' is never closed; add a '---' line after it");
  return -1;
}
