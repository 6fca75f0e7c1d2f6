#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "cndate.h"
#include "utf8.h"
#include "util.h"

void span_list_push(span_list *l, span_kind kind, unsigned style, const char *text,
                    size_t len, const char *url, int line, int col) {
  span s = {kind, style, xstrndup(text, len), url ? xstrdup(url) : NULL, line, col, NULL, 0};
  VEC_PUSH(*l, s);
}

void span_list_free(span_list *l) {
  for (size_t i = 0; i < l->len; i++) {
    free(l->items[i].text);
    free(l->items[i].url);
    free(l->items[i].anchors);
  }
  VEC_FREE(*l);
}

void span_source(const span *s, int offset, int *line, int *col) {
  if (s->nanchors == 0) {
    *line = s->line;
    *col = s->col + offset;
    return;
  }
  size_t lo = 0, hi = s->nanchors; /* the last anchor at or before offset */
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (s->anchors[mid].offset <= offset) lo = mid;
    else hi = mid;
  }
  *line = s->anchors[lo].line;
  *col = s->anchors[lo].col + offset - s->anchors[lo].offset;
}

void span_add_anchor(span *s, int at, int line, int col) {
  if (s->nanchors == 0) {
    if (at == 0) {
      s->line = line;
      s->col = col;
      return;
    }
    if (s->line == line && s->col + at == col) return; /* no gap */
    s->anchors = xmalloc(8 * sizeof *s->anchors);
    s->anchors[0] = (span_anchor){0, s->line, s->col};
    s->nanchors = 1;
  }
  span_anchor *last = &s->anchors[s->nanchors - 1];
  if (last->line == line && last->col + (at - last->offset) == col) return;
  if (last->offset == at) {
    *last = (span_anchor){at, line, col};
    return;
  }
  if ((s->nanchors & (s->nanchors - 1)) == 0 && s->nanchors >= 8) /* capacity: powers of two from 8 */
    s->anchors = xrealloc(s->anchors, s->nanchors * 2 * sizeof *s->anchors);
  s->anchors[s->nanchors++] = (span_anchor){at, line, col};
}

/* The first anchor of s past offset (anchors are in offset order). */
static size_t first_anchor_after(const span *s, int offset) {
  size_t lo = 0, hi = s->nanchors;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (s->anchors[mid].offset <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Only the anchors inside [from, to) are visited: a span cut into many
 * pieces (`*_` repeated) would otherwise walk all its anchors per piece. */
void span_map_positions(span *dst, int at, const span *src, int from, int to) {
  int line, col;
  span_source(src, from, &line, &col);
  span_add_anchor(dst, at, line, col);
  for (size_t i = first_anchor_after(src, from); i < src->nanchors && src->anchors[i].offset < to; i++) {
    const span_anchor *a = &src->anchors[i];
    span_add_anchor(dst, at + a->offset - from, a->line, a->col);
  }
}

void span_drop_front(span *s, int n) {
  if (n <= 0) return;
  int line, col;
  span_source(s, n, &line, &col);
  size_t k = 0;
  for (size_t i = 0; i < s->nanchors; i++)
    if (s->anchors[i].offset > n) s->anchors[k++] = (span_anchor){s->anchors[i].offset - n, s->anchors[i].line,
                                                                    s->anchors[i].col};
  s->line = line;
  s->col = col;
  if (k == 0) {
    free(s->anchors);
    s->anchors = NULL;
    s->nanchors = 0;
    return;
  }
  memmove(s->anchors + 1, s->anchors, k * sizeof *s->anchors); /* room: k < nanchors */
  s->anchors[0] = (span_anchor){0, line, col};
  s->nanchors = k + 1;
}

char *span_list_text(const span_list *l) {
  strbuf sb = {0};
  for (size_t i = 0; i < l->len; i++)
    sb_puts(&sb, l->items[i].kind == SPAN_BREAK ? "\n" : l->items[i].text);
  return sb_take(&sb);
}

block *document_add(document *doc, block_kind kind, int line, int col) {
  block b = {0};
  b.kind = kind;
  b.line = line;
  b.col = col;
  VEC_PUSH(*doc, b);
  return &doc->items[doc->len - 1];
}

void block_table_free(table_data *t) {
  if (!t) return;
  for (size_t i = 0; i < (size_t)t->rows * (size_t)t->cols; i++) span_list_free(&t->cells[i]);
  free(t->cells);
  free(t->align);
  free(t->widths);
  free(t->header_words);
  free(t);
}

bool doc_col_width_parse(const char *tok, col_width *w) {
  if (strcmp(tok, "*") == 0 || strcmp(tok, "auto") == 0) {
    *w = (col_width){0, 0};
    return true;
  }
  char *end;
  double v = strtod(tok, &end);
  if (end == tok || !(v > 0)) return false;
  static const struct { const char *name; char unit; double scale; } units[] = {
      {"%", '%', 1}, {"pt", 'p', 1}, {"mm", 'p', 72 / 25.4}, {"cm", 'p', 720 / 25.4},
      {"em", 'e', 1}, {"\xE5\xAD\x97", 'e', 1} /* 字 */};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strcmp(end, units[i].name) == 0) {
      *w = (col_width){units[i].unit, v * units[i].scale};
      return true;
    }
  return false;
}

void block_chart_free(chart_data *c) {
  if (!c) return;
  free(c->title);
  for (size_t i = 0; i < c->ncat; i++) free(c->categories[i]);
  free(c->categories);
  for (size_t s = 0; s < c->nseries; s++) {
    chart_series *se = &c->series[s];
    free(se->name);
    free(se->unit);
    free(se->values);
    for (size_t i = 0; i < c->ncat; i++) free(se->labels[i]);
    free(se->labels);
  }
  free(c->series);
  free(c);
}

span_list *block_spans(block *b) {
  return b->kind == BLK_PARAGRAPH || b->kind == BLK_HEADING ? &b->as.text.spans : NULL;
}

const span_list *block_spans_const(const block *b) {
  return b->kind == BLK_PARAGRAPH || b->kind == BLK_HEADING ? &b->as.text.spans : NULL;
}

char *block_literal(const block *b) {
  switch (b->kind) {
    case BLK_CODE: return b->as.code.literal;
    case BLK_FIGURES: return b->as.figures.literal;
    case BLK_CHART: return b->as.chart.literal;
    default: return NULL;
  }
}

table_data *block_table_data(const block *b) {
  return b->kind == BLK_TABLE ? b->as.table.data : NULL;
}

/* Frees what only a block of b's kind holds. */
static void block_free_kind(block *b) {
  switch (b->kind) {
    case BLK_PARAGRAPH:
    case BLK_HEADING:
      span_list_free(&b->as.text.spans);
      free(b->as.text.number);
      break;
    case BLK_CODE:
      free(b->as.code.literal);
      free(b->as.code.info);
      break;
    case BLK_IMAGE:
      free(b->as.image.path);
      free(b->as.image.alt);
      break;
    case BLK_TABLE: block_table_free(b->as.table.data); break;
    case BLK_FIGURES: free(b->as.figures.literal); break;
    case BLK_CHART:
      free(b->as.chart.literal);
      block_chart_free(b->as.chart.data);
      break;
    case BLK_RULE: break;
  }
  memset(&b->as, 0, sizeof b->as);
}

void block_clear(block *b) {
  block_free_kind(b);
  b->kind = BLK_RULE;
}

void document_free(document *doc) {
  for (size_t i = 0; i < doc->len; i++) {
    block *b = &doc->items[i];
    block_free_kind(b);
    free(b->marker);
  }
  VEC_FREE(*doc);
  free(doc->file);
  free(doc->dir);
  doc_meta_free(&doc->meta);
  for (size_t i = 0; i < doc->nattachments; i++) document_free(&doc->attachments[i]);
  free(doc->attachments);
  doc->attachments = NULL;
  doc->nattachments = 0;
}

void document_attach(document *doc, document *att) {
  doc->attachments = xrealloc(doc->attachments, (doc->nattachments + 1) * sizeof *doc->attachments);
  doc->attachments[doc->nattachments++] = *att;
  memset(att, 0, sizeof *att);
}

static void dump_style(strbuf *sb, unsigned style) {
  if (style & ST_STRONG) sb_puts(sb, "strong ");
  if (style & ST_EMPH) sb_puts(sb, "emph ");
  if (style & ST_CODE) sb_puts(sb, "code ");
  if (style & ST_STRIKE) sb_puts(sb, "strike ");
}

char *span_list_dump(const span_list *l) {
  strbuf sb = {0};
  for (size_t i = 0; i < l->len; i++) {
    const span *s = &l->items[i];
    if (i) sb_putc(&sb, ' ');
    sb_putc(&sb, '[');
    if (s->kind == SPAN_BREAK) {
      sb_puts(&sb, "break]");
      continue;
    }
    dump_style(&sb, s->style);
    if (s->url) sb_printf(&sb, "link<%s> ", s->url);
    sb_printf(&sb, "\"%s\"]", s->text);
  }
  return sb_take(&sb);
}

static const char *kind_name(block_kind k) {
  static const char *names[] = {"para", "heading", "code", "rule", "table", "image", "figures", "chart"};
  return names[k];
}

char *document_dump(const document *doc) {
  strbuf sb = {0};
  for (size_t i = 0; i < doc->len; i++) {
    const block *b = &doc->items[i];
    sb_puts(&sb, kind_name(b->kind));
    if (b->kind == BLK_HEADING) sb_printf(&sb, "%d", b->as.text.level);
    if (b->list_depth) sb_printf(&sb, " list%d", b->list_depth);
    if (b->quote_depth) sb_printf(&sb, " quote%d", b->quote_depth);
    if (b->marker) sb_printf(&sb, " marker<%s>", b->marker);
    const span_list *spans = block_spans_const(b);
    if (spans && b->as.text.number) sb_printf(&sb, " number<%s>", b->as.text.number);
    if (b->kind == BLK_IMAGE && b->as.image.path) sb_printf(&sb, " src<%s>", b->as.image.path);
    if (spans && spans->len) {
      char *s = span_list_dump(spans);
      sb_printf(&sb, " %s", s);
      free(s);
    }
    const char *literal = block_literal(b);
    if (literal) sb_printf(&sb, " literal<%s>", literal);
    const table_data *t = block_table_data(b);
    if (t) {
      sb_printf(&sb, " %dx%d", t->rows, t->cols);
      for (int c = 0; c < t->cols; c++) sb_putc(&sb, t->align[c] ? t->align[c] : '-');
      for (size_t c = 0; c < (size_t)t->rows * (size_t)t->cols; c++) {
        char *s = span_list_dump(&t->cells[c]);
        sb_printf(&sb, " |%s", s);
        free(s);
      }
    }
    sb_putc(&sb, '\n');
  }
  return sb_take(&sb);
}

static size_t digits_len(const char *s) {
  size_t n = 0;
  while (s[n] >= '0' && s[n] <= '9') n++;
  if (n == 0) { /* full-width digits ０-９ are EF BC 90..99 */
    while ((unsigned char)s[n] == 0xEF && (unsigned char)s[n + 1] == 0xBC &&
           (unsigned char)s[n + 2] >= 0x90 && (unsigned char)s[n + 2] <= 0x99)
      n += 3;
  }
  return n;
}

/* An opening bracket ( or （ at s: returns its length, 0 if none. */
static size_t open_paren(const char *s) {
  if (s[0] == '(') return 1;
  return strncmp(s, "（", 3) == 0 ? 3 : 0;
}

static size_t close_paren(const char *s) {
  if (s[0] == ')') return 1;
  return strncmp(s, "）", 3) == 0 ? 3 : 0;
}

int doc_heading_number_parse(const char *text, size_t *len) {
  size_t n, p, q;
  *len = 0;
  if ((n = cndate_number_len(text)) > 0 && strncmp(text + n, "、", 3) == 0) {
    *len = n + 3;
    return 1;
  }
  if ((p = open_paren(text)) > 0) {
    if ((n = cndate_number_len(text + p)) > 0 && (q = close_paren(text + p + n)) > 0) {
      *len = p + n + q;
      return 2;
    }
    if ((n = digits_len(text + p)) > 0 && (q = close_paren(text + p + n)) > 0) {
      *len = p + n + q;
      return 4;
    }
    return 0;
  }
  if ((n = digits_len(text)) > 0) {
    const char *after = text + n;
    if (after[0] == '.' && after[1] != '.' && !(after[1] >= '0' && after[1] <= '9')) {
      *len = n + 1;
      return 3;
    }
    if (strncmp(after, "．", 3) == 0 || strncmp(after, "、", 3) == 0) {
      *len = n + 3;
      return 3;
    }
  }
  return 0;
}
