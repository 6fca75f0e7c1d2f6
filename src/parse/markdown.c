#include "markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <stdlib.h>
#include <string.h>

#include "cjk_emphasis.h"
#include "utf8.h"
#include "util.h"

typedef struct {
  document *doc;
  diag_list *dl;
  int line_offset;
  const markdown_options *opts;
  int errors;
  const char *text;   /* the Markdown, for columns in characters */
  size_t len;
  VEC(size_t) lines;  /* byte offset of each line's start */
  struct { int line, byte, chars; } last; /* the last column converted, to go on from */
} md_ctx;

/* Where we are in the block tree while walking it. */
typedef struct {
  int list_depth, quote_depth;
  char *marker; /* owned: the pending list marker for the next block */
} nesting;

/* Inline walk state: the style and link in force, the current line. */
typedef struct {
  md_ctx *ctx;
  span_list *out;
  unsigned style;
  const char *url;
  int line, col;
  nesting *nest;
} inline_walk;

static bool is_type(cmark_node *n, const char *name) {
  return strcmp(cmark_node_get_type_string(n), name) == 0;
}

static int node_line(md_ctx *ctx, cmark_node *n) { return cmark_node_get_start_line(n) + ctx->line_offset; }

/* cmark's columns count bytes; ours count characters. Text nodes come in
 * order, so counting goes on from the last conversion on the same line. */
static int char_column(md_ctx *ctx, int line, int byte_col) {
  if (line < 1 || (size_t)line > ctx->lines.len || byte_col < 1) return byte_col;
  size_t start = ctx->lines.items[line - 1];
  int byte = 1, chars = 1;
  if (ctx->last.line == line && ctx->last.byte <= byte_col) byte = ctx->last.byte, chars = ctx->last.chars;
  for (; byte < byte_col && start + (size_t)byte - 1 < ctx->len; byte++)
    if (((unsigned char)ctx->text[start + (size_t)byte - 1] & 0xC0) != 0x80) chars++;
  ctx->last.line = line, ctx->last.byte = byte, ctx->last.chars = chars;
  return chars;
}

/* An inline node's own position (text, code): exact after any markup. */
static void node_position(inline_walk *w, cmark_node *n) {
  int line = cmark_node_get_start_line(n), col = cmark_node_get_start_column(n);
  if (line <= 0 || col <= 0) return;
  w->line = line + w->ctx->line_offset;
  w->col = char_column(w->ctx, line, col);
}

/* Walks are iterative (cmark's iterator): inline nesting can be as deep as
 * the input is long (`*a **a ` × 65,000), too deep for recursion. */
static void collect_text(cmark_node *n, strbuf *sb) {
  cmark_iter *it = cmark_iter_new(n);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node *c = cmark_iter_get_node(it);
    const char *lit = ev == CMARK_EVENT_ENTER && c != n ? cmark_node_get_literal(c) : NULL;
    if (lit) sb_puts(sb, lit);
  }
  cmark_iter_free(it);
}

static void walk_inlines(inline_walk *w, cmark_node *parent);

static void add_image_block(inline_walk *w, cmark_node *n) {
  md_ctx *ctx = w->ctx;
  block *b = document_add(ctx->doc, BLK_IMAGE, w->line, w->col);
  b->list_depth = w->nest->list_depth;
  b->quote_depth = w->nest->quote_depth;
  b->as.image.path = path_join(ctx->doc->dir, cmark_node_get_url(n));
  strbuf alt = {0};
  collect_text(n, &alt);
  b->as.image.alt = sb_take(&alt);
}

static size_t utf8_seq_len(unsigned char c) { return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

/* Backslash escapes (\*) and entities (&amp;) make a text node's literal
 * shorter than its source: anchors keep the columns after them exact. */
static void map_escapes(inline_walk *w, cmark_node *n, span *sp) {
  md_ctx *ctx = w->ctx;
  int line = cmark_node_get_start_line(n), b0 = cmark_node_get_start_column(n);
  int b1 = cmark_node_get_end_column(n);
  if (line <= 0 || line != cmark_node_get_end_line(n) || (size_t)line > ctx->lines.len || b0 < 1 || b1 < b0) return;
  size_t start = ctx->lines.items[line - 1] + (size_t)b0 - 1;
  if (start >= ctx->len) return;
  const char *q = ctx->text + start, *qend = ctx->text + (start + (size_t)(b1 - b0 + 1) < ctx->len
                                                           ? start + (size_t)(b1 - b0 + 1) : ctx->len);
  if (!memchr(q, '\\', (size_t)(qend - q)) && !memchr(q, '&', (size_t)(qend - q))) return;
  const char *p = sp->text;
  int k = 0, col = sp->col;
  while (*p && q < qend) {
    const char *semi = *q == '&' ? memchr(q, ';', (size_t)(qend - q) < 40 ? (size_t)(qend - q) : 40) : NULL;
    if (*q == '\\' && q + 1 < qend && q[1] == *p && *p != '\\' && strchr("!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~", *p)) {
      q += 2, p++, k++, col += 2;
      span_add_anchor(sp, k, sp->line, col);
    } else if (semi && strncmp(p, q, (size_t)(semi - q + 1)) != 0) { /* an entity: one character */
      p += utf8_seq_len((unsigned char)*p), k++;
      col += (int)(semi - q + 1);
      q = semi + 1;
      span_add_anchor(sp, k, sp->line, col);
    } else {
      size_t m = utf8_seq_len((unsigned char)*q);
      if (strncmp(p, q, m) != 0) return; /* not what we expected: leave the rest as it is */
      p += m, q += m, k++, col++;
    }
  }
}

/* One node on entering it; false for a container whose style was pushed
 * (its exit restores the style), true for a leaf or a skipped node. */
static bool walk_inline(inline_walk *w, cmark_node *n, cmark_iter *it) {
  cmark_node_type t = cmark_node_get_type(n);
  switch (t) {
    case CMARK_NODE_TEXT:
      node_position(w, n);
      span_list_push(w->out, SPAN_TEXT, w->style, cmark_node_get_literal(n),
                     strlen(cmark_node_get_literal(n)), w->url, w->line, w->col);
      map_escapes(w, n, &w->out->items[w->out->len - 1]);
      w->col += (int)utf8_length(cmark_node_get_literal(n));
      return true;
    case CMARK_NODE_CODE:
      node_position(w, n);
      span_list_push(w->out, SPAN_TEXT, w->style | ST_CODE, cmark_node_get_literal(n),
                     strlen(cmark_node_get_literal(n)), w->url, w->line, w->col);
      w->col += (int)utf8_length(cmark_node_get_literal(n));
      return true;
    case CMARK_NODE_SOFTBREAK:
    case CMARK_NODE_LINEBREAK:
      span_list_push(w->out, t == CMARK_NODE_SOFTBREAK ? SPAN_SOFTBREAK : SPAN_BREAK, 0, "", 0,
                     NULL, w->line, w->col);
      w->line++;
      w->col = 1;
      return true;
    case CMARK_NODE_HTML_INLINE:
      node_position(w, n);
      diag_warning(w->ctx->dl, w->ctx->doc->file, w->line, w->col,
                   "raw HTML '%s' is not rendered; write it as Markdown", cmark_node_get_literal(n));
      return true;
    case CMARK_NODE_EMPH: w->style |= ST_EMPH; break;
    case CMARK_NODE_STRONG: w->style |= ST_STRONG; break;
    case CMARK_NODE_LINK: w->url = cmark_node_get_url(n); break;
    case CMARK_NODE_IMAGE:
      node_position(w, n);
      add_image_block(w, n);
      cmark_iter_reset(it, n, CMARK_EVENT_EXIT); /* its text is the alt text, not the paragraph's */
      return true;
    default:
      if (is_type(n, "strikethrough")) w->style |= ST_STRIKE;
      break;
  }
  return false;
}

static void walk_inlines(inline_walk *w, cmark_node *parent) {
  VEC(struct saved_style { unsigned style; const char *url; }) saved = {0};
  cmark_iter *it = cmark_iter_new(parent);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node *n = cmark_iter_get_node(it);
    if (n == parent) continue;
    if (ev == CMARK_EVENT_EXIT) {
      if (!saved.len) continue;
      saved.len--;
      w->style = saved.items[saved.len].style;
      w->url = saved.items[saved.len].url;
      continue;
    }
    struct saved_style here = {w->style, w->url};
    if (!walk_inline(w, n, it)) VEC_PUSH(saved, here);
  }
  cmark_iter_free(it);
  VEC_FREE(saved);
}

static uint32_t last_char(const char *s) {
  size_t n = strlen(s);
  if (n == 0) return 0;
  size_t i = n - 1;
  while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
  uint32_t cp = 0;
  utf8_decode(s + i, n - i, &cp);
  return cp;
}

static uint32_t first_char(const char *s) {
  uint32_t cp = 0;
  utf8_decode(s, strlen(s), &cp);
  return cp;
}

/* A soft break next to a CJK character vanishes (Chinese has no spaces
 * between words; the layout adds the CJK–Latin gap itself); between two
 * Latin words it is a space. */
static void resolve_soft_breaks(span_list *l) {
  for (size_t i = 0; i < l->len; i++) {
    span *s = &l->items[i];
    if (s->kind != SPAN_SOFTBREAK) continue;
    uint32_t before = i > 0 ? last_char(l->items[i - 1].text) : 0;
    uint32_t after = i + 1 < l->len ? first_char(l->items[i + 1].text) : 0;
    s->kind = SPAN_TEXT;
    s->style = i > 0 ? l->items[i - 1].style : 0;
    free(s->text);
    s->text = xstrdup(is_wide(before) || is_wide(after) ? "" : " ");
    if (i > 0 && l->items[i - 1].url && i + 1 < l->len && l->items[i + 1].url &&
        strcmp(l->items[i - 1].url, l->items[i + 1].url) == 0)
      s->url = xstrdup(l->items[i - 1].url);
  }
}

static bool same_attrs(const span *a, const span *b) {
  if (a->kind != SPAN_TEXT || b->kind != SPAN_TEXT || a->style != b->style) return false;
  if (a->line != b->line) return false; /* a span keeps its position: errors point at the right line */
  if (!a->url || !b->url) return a->url == b->url;
  return strcmp(a->url, b->url) == 0;
}

/* Joins neighbouring spans of the same style and drops empty ones. A run
 * is joined in one buffer (joining pairwise was quadratic in its length). */
static void merge_spans(span_list *l) {
  size_t out = 0;
  strbuf run = {0}; /* the text of items[out - 1] while it grows */
  int run_chars = 0; /* its length in characters */
  for (size_t i = 0; i < l->len; i++) {
    span *s = &l->items[i];
    if (s->kind == SPAN_TEXT && !s->text[0]) {
      free(s->text);
      free(s->url);
      free(s->anchors);
      continue;
    }
    if (out > 0 && same_attrs(&l->items[out - 1], s)) {
      span *prev = &l->items[out - 1];
      if (!run.len) {
        sb_puts(&run, prev->text);
        run_chars = (int)utf8_length(prev->text);
      }
      int n = (int)utf8_length(s->text);
      span_map_positions(prev, run_chars, s, 0, n); /* the source positions go with the text */
      run_chars += n;
      sb_puts(&run, s->text);
      free(s->text);
      free(s->url);
      free(s->anchors);
      continue;
    }
    if (run.len) {
      free(l->items[out - 1].text);
      l->items[out - 1].text = sb_take(&run);
    }
    l->items[out++] = *s;
  }
  if (run.len) {
    free(l->items[out - 1].text);
    l->items[out - 1].text = sb_take(&run);
  }
  l->len = out;
}

static void finish_spans(md_ctx *ctx, span_list *l) {
  resolve_soft_breaks(l);
  merge_spans(l);
  if (ctx->opts->cjk_emphasis) {
    cjk_emphasis_apply(l);
    merge_spans(l);
  }
}

static block *add_block(md_ctx *ctx, nesting *nest, block_kind kind, cmark_node *n) {
  block *b = document_add(ctx->doc, kind, node_line(ctx, n), cmark_node_get_start_column(n));
  b->list_depth = nest->list_depth;
  b->quote_depth = nest->quote_depth;
  b->marker = nest->marker;
  nest->marker = NULL;
  return b;
}

/* Inline content of a paragraph or heading. An image becomes a block of
 * its own, placed after the paragraph that holds it. */
static void typeset_block(md_ctx *ctx, nesting *nest, block_kind kind, cmark_node *n) {
  block *b = add_block(ctx, nest, kind, n);
  if (kind == BLK_HEADING) b->as.text.level = cmark_node_get_heading_level(n);
  size_t index = (size_t)(b - ctx->doc->items);
  span_list spans = {0};
  inline_walk w = {ctx, &spans, 0, NULL, b->line, b->col, nest};
  walk_inlines(&w, n);
  finish_spans(ctx, &spans);
  b = &ctx->doc->items[index]; /* the array may have moved */
  b->as.text.spans = spans;
  if (kind == BLK_HEADING && spans.len && spans.items[0].kind == SPAN_TEXT) {
    size_t len;
    int level = doc_heading_number_parse(spans.items[0].text, &len);
    if (level) {
      b->as.text.number = xstrndup(spans.items[0].text, len);
      b->as.text.number_level = level;
    }
  }
  /* A paragraph holding only images leaves no empty paragraph behind. */
  if (spans.len == 0 && kind == BLK_PARAGRAPH) {
    free(b->marker);
    memmove(b, b + 1, (ctx->doc->len - index - 1) * sizeof *b);
    ctx->doc->len--;
  }
}

/* <!-- widths: 6% 12% * * * * 30% --> just above a table sets its column
 * widths: N% of the table's width, Nmm, Ncm, Npt, N字 or Nem (of the table
 * font), * for automatic. Returns the text after "widths:", or NULL. */
static const char *widths_comment(const char *html) {
  if (!html || strncmp(html, "<!--", 4) != 0) return NULL;
  const char *p = html + 4;
  while (*p == ' ' || *p == '\t') p++;
  if (strncmp(p, "widths", 6) != 0) return NULL;
  p += 6;
  while (*p == ' ') p++;
  if (*p == ':') return p + 1;
  if (strncmp(p, "\xEF\xBC\x9A", 3) == 0) return p + 3; /* ： */
  return NULL;
}

static col_width *parse_widths(md_ctx *ctx, const char *spec, int line, int cols) {
  col_width *w = xcalloc((size_t)cols, sizeof *w);
  char *text = xstrdup(spec), *close = strstr(text, "-->");
  if (close) *close = 0;
  int count = 0;
  double percent = 0;
  bool ok = true;
  for (char *save = NULL, *tok = strtok_r(text, " \t\n,", &save); tok && ok;
       tok = strtok_r(NULL, " \t\n,", &save)) {
    col_width cw;
    if (!doc_col_width_parse(tok, &cw)) {
      diag_error(ctx->dl, ctx->doc->file, line, 1,
                 "'%s' is not a column width; write N%% (of the table), Nmm, Ncm, Npt, N字 or * (automatic)",
                 tok);
      ok = false;
    } else if (count < cols) {
      w[count] = cw;
      if (cw.unit == '%') percent += cw.value;
    }
    count++;
  }
  if (ok && count != cols) {
    diag_error(ctx->dl, ctx->doc->file, line, 1,
               "%d column widths for a table of %d columns; give one width (or *) per column", count, cols);
    ok = false;
  }
  if (ok && percent > 100 + 1e-9) {
    diag_error(ctx->dl, ctx->doc->file, line, 1,
               "the column widths add up to %g%% of the table; make them 100%% or less", percent);
    ok = false;
  }
  free(text);
  if (!ok) {
    ctx->errors++;
    free(w);
    return NULL;
  }
  return w;
}

static void add_table(md_ctx *ctx, nesting *nest, cmark_node *n) {
  block *b = add_block(ctx, nest, BLK_TABLE, n);
  size_t index = (size_t)(b - ctx->doc->items);
  table_data *t = xcalloc(1, sizeof *t);
  t->cols = cmark_gfm_extensions_get_table_columns(n);
  for (cmark_node *r = cmark_node_first_child(n); r; r = cmark_node_next(r)) t->rows++;
  t->align = xcalloc((size_t)t->cols + 1, 1);
  uint8_t *al = cmark_gfm_extensions_get_table_alignments(n);
  for (int c = 0; c < t->cols && al; c++) t->align[c] = (char)al[c];
  t->cells = xcalloc(xmul((size_t)t->rows, (size_t)t->cols) + 1, sizeof *t->cells);
  int row = 0;
  for (cmark_node *r = cmark_node_first_child(n); r; r = cmark_node_next(r), row++) {
    int col = 0;
    for (cmark_node *c = cmark_node_first_child(r); c && col < t->cols; c = cmark_node_next(c), col++) {
      span_list *cell = &t->cells[(size_t)row * (size_t)t->cols + (size_t)col];
      inline_walk w = {ctx, cell, 0, NULL, node_line(ctx, c), cmark_node_get_start_column(c), nest};
      walk_inlines(&w, c);
      finish_spans(ctx, cell);
    }
  }
  cmark_node *prev = cmark_node_previous(n);
  const char *spec = prev && cmark_node_get_type(prev) == CMARK_NODE_HTML_BLOCK
                         ? widths_comment(cmark_node_get_literal(prev)) : NULL;
  if (spec) t->widths = parse_widths(ctx, spec, node_line(ctx, prev), t->cols);
  ctx->doc->items[index].as.table.data = t;
}

static void add_code(md_ctx *ctx, nesting *nest, cmark_node *n) {
  const char *info = cmark_node_get_fence_info(n);
  block_kind kind = BLK_CODE;
  if (info && strcmp(info, "figures") == 0) kind = BLK_FIGURES;
  if (info && strcmp(info, "chart") == 0) kind = BLK_CHART;
  block *b = add_block(ctx, nest, kind, n);
  char *literal = xstrdup(cmark_node_get_literal(n));
  if (kind == BLK_FIGURES) b->as.figures.literal = literal;
  else if (kind == BLK_CHART) b->as.chart.literal = literal;
  else b->as.code = (block_code){.literal = literal, .info = info && *info ? xstrdup(info) : NULL};
}

static char *list_marker(cmark_node *list, int index, int depth) {
  if (cmark_node_get_list_type(list) == CMARK_ORDERED_LIST)
    return xasprintf("%d%c", cmark_node_get_list_start(list) + index,
                     cmark_node_get_list_delim(list) == CMARK_PAREN_DELIM ? ')' : '.');
  static const char *bullets[] = {"•", "○", "■"}; /* all three in GB2312 fonts */
  return xstrdup(bullets[(depth - 1) % 3]);
}

/* A leaf block (or a table) on entering it; true when its children are
 * its own (inline content, table rows) and the walk skips them. */
static bool walk_block(md_ctx *ctx, nesting *nest, cmark_node *n) {
  switch (cmark_node_get_type(n)) {
    case CMARK_NODE_PARAGRAPH: typeset_block(ctx, nest, BLK_PARAGRAPH, n); return true;
    case CMARK_NODE_HEADING: typeset_block(ctx, nest, BLK_HEADING, n); return true;
    case CMARK_NODE_CODE_BLOCK: add_code(ctx, nest, n); return true;
    case CMARK_NODE_THEMATIC_BREAK: add_block(ctx, nest, BLK_RULE, n); return true;
    case CMARK_NODE_HTML_BLOCK:
      if (widths_comment(cmark_node_get_literal(n))) { /* read by the table after it */
        cmark_node *next = cmark_node_next(n);
        if (!next || !is_type(next, "table"))
          diag_warning(ctx->dl, ctx->doc->file, node_line(ctx, n), 1,
                       "a widths comment sets the widths of the table right after it, and no table "
                       "follows; put it on the line just above the table");
        return true;
      }
      diag_warning(ctx->dl, ctx->doc->file, node_line(ctx, n), 1,
                   "raw HTML block is not rendered; write it as Markdown");
      return true;
    default:
      if (is_type(n, "table")) {
        add_table(ctx, nest, n);
        return true;
      }
      return false; /* a container: the walk goes into it */
  }
}

/* The block tree walked with cmark's iterator, not recursion: block
 * quotes and lists nest as deep as the input is long (`>` × 50,000). */
static void walk_blocks(md_ctx *ctx, nesting *nest, cmark_node *parent) {
  VEC(int) items = {0}; /* per open list: the index of its current item */
  cmark_iter *it = cmark_iter_new(parent);
  for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
    cmark_node *n = cmark_iter_get_node(it);
    if (n == parent) continue;
    bool enter = ev == CMARK_EVENT_ENTER;
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_BLOCK_QUOTE: nest->quote_depth += enter ? 1 : -1; break;
      case CMARK_NODE_LIST:
        nest->list_depth += enter ? 1 : -1;
        if (enter) VEC_PUSH(items, -1);
        else if (items.len) items.len--;
        break;
      case CMARK_NODE_ITEM:
        if (enter && items.len) {
          free(nest->marker);
          nest->marker = list_marker(cmark_node_parent(n), ++items.items[items.len - 1], nest->list_depth);
        }
        break;
      default:
        if (enter && walk_block(ctx, nest, n)) cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
        break;
    }
  }
  cmark_iter_free(it);
  VEC_FREE(items);
}

static void attach(cmark_parser *p, const char *name) {
  cmark_syntax_extension *ext = cmark_find_syntax_extension(name);
  if (ext) cmark_parser_attach_syntax_extension(p, ext);
}

void markdown_init(void) { cmark_gfm_core_extensions_ensure_registered(); }

int markdown_parse(const char *text, size_t len, int line_offset, const markdown_options *opts,
                   document *doc, diag_list *dl) {
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser *parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  attach(parser, "table");
  attach(parser, "strikethrough");
  attach(parser, "autolink");
  cmark_parser_feed(parser, text, len);
  cmark_node *root = cmark_parser_finish(parser);
  md_ctx ctx = {doc, dl, line_offset, opts, 0, text, len, {0}, {0, 0, 0}};
  VEC_PUSH(ctx.lines, 0);
  for (size_t i = 0; i < len; i++)
    if (text[i] == '\n') VEC_PUSH(ctx.lines, i + 1);
  nesting nest = {0};
  walk_blocks(&ctx, &nest, root);
  VEC_FREE(ctx.lines);
  free(nest.marker);
  cmark_node_free(root);
  cmark_parser_free(parser);
  return ctx.errors ? -1 : 0;
}
