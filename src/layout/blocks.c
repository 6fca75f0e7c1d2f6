/* The blocks of the body (headings, paragraphs, code, rules, images,
 * tables, charts), the title and the signature, as text frames on the type
 * area: the model's blocks become vertical boxes, which paginate.c flows
 * onto pages. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cndate.h"
#include "imagesize.h"
#include "layout_internal.h"
#include "input_limits.h"

static text_frame body_frame(const layout_ctx *c, role_id role, const block *b) {
  const role_style *rs = &c->spec->roles[role];
  double pitch = c->pitch;
  double left = spec_length_pt(rs->margin_left, rs->size, pitch);
  double em = c->spec->roles[ROLE_BODY].size;
  left += (b->list_depth * 2 + b->quote_depth * 2) * em;
  left = fmin(left, c->area_w / 2); /* deep nesting stops indenting at half the measure */
  text_frame f = {.role = role, .x = c->area_x + left, .width = c->area_w - left, .align = rs->align,
                  .grid = c->pitch > 0};
  /* On a character grid an em of indent is one grid cell. */
  if (!b->list_depth) f.indent = spec_length_pt(rs->indent, rs->size + typeset_grid_tracking(c, role), pitch);
  return f;
}

/* 一、 （一） 1. （1） for the hierarchy level and its counter. */
static char *generated_number(int level, int n) {
  strbuf sb = {0};
  switch (level) {
    case 1: cndate_number_print(n, &sb); sb_puts(&sb, "、"); break;
    case 2: sb_puts(&sb, "（"); cndate_number_print(n, &sb); sb_puts(&sb, "）"); break;
    case 3: sb_printf(&sb, "%d．", n); break;
    default: sb_printf(&sb, "（%d）", n); break;
  }
  return sb_take(&sb);
}

typedef struct {
  int top_level;       /* Markdown level of the top body heading */
  int counters[5];
} heading_state;

static int heading_hierarchy(const block *b, const heading_state *hs) {
  if (b->as.text.number_level) return b->as.text.number_level;
  int level = b->as.text.level - hs->top_level + 1;
  return level < 1 ? 1 : level > 4 ? 4 : level;
}

static void layout_heading(layout_ctx *c, const block *b, heading_state *hs) {
  int level = heading_hierarchy(b, hs);
  role_id role = (role_id)(ROLE_H1 + level - 1);
  hs->counters[level]++;
  for (int l = level + 1; l <= 4; l++) hs->counters[l] = 0;
  char *number = NULL;
  if (c->spec->heading_numbering == NUMBER_GENERATE && !b->as.text.number)
    number = generated_number(level, hs->counters[level]);
  text_frame f = body_frame(c, role, b);
  f.prefix = number;
  char *text = span_list_text(&b->as.text.spans);
  char *title = number ? xasprintf("%s%s", number, text) : xstrdup(text);
  typeset_block(c, &b->as.text.spans, &f, true, level, title);
  free(title);
  free(text);
  free(number);
}

static void layout_paragraph(layout_ctx *c, const block *b) {
  role_id role = b->quote_depth ? ROLE_QUOTE : ROLE_BODY;
  text_frame f = body_frame(c, role, b);
  size_t first_box = c->boxes.len;
  typeset_block(c, &b->as.text.spans, &f, false, 0, NULL);
  if (!b->marker) return;
  /* The list marker hangs left of the item's first line. */
  for (size_t i = first_box; i < c->boxes.len; i++) {
    vbox *box = &c->boxes.items[i];
    if (box->space) continue;
    const role_style *rs = &c->spec->roles[role];
    double baseline = (box->height - rs->size) / 2 + rs->size * EM_ASCENT;
    size_t before = box->items.len;
    box_add_label(c, box, b->marker, role, rs->size, f.x - 0.4 * rs->size, baseline, ALIGN_RIGHT, rs->color);
    /* The marker comes first in reading order: move its runs to the front. */
    size_t added = box->items.len - before;
    page_item *tmp = xmalloc((added + 1) * sizeof *tmp);
    memcpy(tmp, box->items.items + before, added * sizeof *tmp);
    memmove(box->items.items + added, box->items.items, before * sizeof *tmp);
    memcpy(box->items.items, tmp, added * sizeof *tmp);
    free(tmp);
    break;
  }
}

static void layout_code(layout_ctx *c, const block *b) {
  text_frame f = body_frame(c, ROLE_CODE, b);
  f.grid = false;
  f.align = ALIGN_LEFT;
  const role_style *rs = &c->spec->roles[ROLE_CODE];
  double pitch = c->pitch > 0 ? c->pitch : rs->size * 1.5;
  box_add_space(c, spec_length_pt(rs->space_before, rs->size, pitch));
  int group = ++c->group_counter;
  const char *p = b->as.code.literal;
  size_t nlines = 0;
  while (*p) {
    size_t n = strcspn(p, "\n");
    span_list spans = {0};
    span_list_push(&spans, SPAN_TEXT, ST_CODE, p, n, NULL, b->line + 1 + (int)nlines, 1);
    text_lines lines = {0};
    typeset_text(c, &spans, &f, &lines);
    if (lines.len == 0) { /* an empty line of code still takes a line */
      text_line empty = {0};
      empty.height = typeset_line_advance(c, ROLE_CODE, false);
      VEC_PUSH(lines, empty);
    }
    for (size_t i = 0; i < lines.len; i++) {
      vbox *box = box_new(c, lines.items[i].height);
      box_add_rect(box, f.x - 4, 0, f.width + 8, lines.items[i].height, true, false, 0,
                   (rgb){0.94, 0.94, 0.94});
      box_add_text_line(box, &lines.items[i], 0);
      box->group = group;
    }
    box_text_lines_free(&lines);
    span_list_free(&spans);
    nlines++;
    p += n;
    if (*p) p++;
  }
  box_add_space(c, spec_length_pt(rs->space_after, rs->size, pitch));
  if (c->boxes.len) c->boxes.items[c->boxes.len - 1].snap_after = true;
}

static void layout_rule(layout_ctx *c) {
  double h = c->pitch > 0 ? c->pitch : 12;
  vbox *b = box_new(c, h);
  box_add_line(b, c->area_x, h / 2, c->area_w, 0, 0.5, (rgb){0, 0, 0});
}

static void layout_image(layout_ctx *c, const block *b) {
  const char *path = b->as.image.path;
  int w = 0, h = 0;
  int kind = image_pixel_size(path, &w, &h);
  if (kind == -1) {
    diag_error(c->dl, c->doc->file, b->line, b->col, "image '%s' not found; check the path (relative to the summary)", path);
    c->errors++;
    return;
  }
  if (kind < 0 || w <= 0 || h <= 0) {
    diag_error(c->dl, c->doc->file, b->line, b->col, "image '%s' is not a PNG or JPEG file; convert it", path);
    c->errors++;
    return;
  }
  if ((double)w * h > LIMIT_IMAGE_PIXELS) { /* refused before libharu decodes it */
    diag_error(c->dl, c->doc->file, b->line, b->col, "image '%s' is %d × %d pixels; at most %.0f million: scale it down",
               path, w, h, LIMIT_IMAGE_PIXELS / 1e6);
    c->errors++;
    return;
  }
  double width = fmin(c->area_w, w * 0.75), height = width * h / w;
  if (height > c->area_h * 0.8) {
    height = c->area_h * 0.8;
    width = height * w / h;
  }
  double pad = c->pitch > 0 ? c->pitch / 4 : 6;
  vbox *box = box_new(c, height + 2 * pad);
  page_item it = {.kind = IT_IMAGE, .x = c->area_x + (c->area_w - width) / 2, .y = pad, .w = width,
                  .h = height, .path = xstrdup(path)};
  VEC_PUSH(box->items, it);
  box->snap_after = true;
}

static int top_heading_level(const document *doc);

static bool is_key_figures(const block *b) { return b->kind == BLK_TABLE && b->as.table.key_figures; }

static void layout_block(layout_ctx *c, const block *b, heading_state *hs) {
  switch (b->kind) {
    case BLK_PARAGRAPH: layout_paragraph(c, b); break;
    case BLK_HEADING: layout_heading(c, b, hs); break;
    case BLK_CODE: layout_code(c, b); break;
    case BLK_RULE: layout_rule(c); break;
    case BLK_TABLE: layout_table(c, b, b->as.table.data); break;
    case BLK_IMAGE: layout_image(c, b); break;
    case BLK_CHART:
      if (b->as.chart.data) layout_chart(c, b, b->as.chart.data);
      break;
    case BLK_FIGURES: break; /* bound to a table by the figures stage */
  }
}

/* The blocks of doc (the summary or an attachment), headings numbered
 * afresh: c->doc is doc while they are laid out (messages name its file). */
void layout_body_blocks(layout_ctx *c, const document *doc) {
  const document *outer = c->doc;
  c->doc = doc;
  heading_state hs = {top_heading_level(doc), {0}};
  for (size_t i = 0; i < doc->len; i++) layout_block(c, &doc->items[i], &hs);
  c->doc = outer;
}

/* The markdown level of the first body heading: it is hierarchy level 1. */
static int top_heading_level(const document *doc) {
  int top = 6;
  for (size_t i = 0; i < doc->len; i++)
    if (doc->items[i].kind == BLK_HEADING && doc->items[i].as.text.level < top) top = doc->items[i].as.text.level;
  return top;
}

/* The summary's blocks. The layout places the key-figures table: after the
 * title where the binding put it, or after the body (key_figures.position:
 * end). */
void layout_main_blocks(layout_ctx *c) {
  const document *doc = c->doc;
  heading_state hs = {top_heading_level(doc), {0}};
  bool kf_at_end = c->spec->key_figures.position == KF_END;
  for (size_t i = 0; i < doc->len && !stop_due(c->stop); i++)
    if (!(kf_at_end && is_key_figures(&doc->items[i]))) layout_block(c, &doc->items[i], &hs);
  for (size_t i = 0; kf_at_end && i < doc->len && !stop_due(c->stop); i++)
    if (is_key_figures(&doc->items[i])) layout_block(c, &doc->items[i], &hs);
}

/* ---- front and back matter --------------------------------------------- */

void layout_title(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  block plain = {0};
  if (m->title) {
    span_list spans = {0};
    typeset_plain_spans(&spans, m->title);
    text_frame f = body_frame(c, ROLE_TITLE, &plain);
    typeset_block(c, &spans, &f, true, 1, m->title);
    span_list_free(&spans);
  }
  if (m->subtitle) {
    span_list spans = {0};
    typeset_plain_spans(&spans, m->subtitle);
    text_frame f = body_frame(c, ROLE_SUBTITLE, &plain);
    typeset_block(c, &spans, &f, true, 0, NULL);
    span_list_free(&spans);
  }
}

/* The author and the date under the body (GB/T 9704-2012 7.3.5). */
void layout_signature(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  if (!m->author && !m->date) return;
  box_keep_last_lines(c, 2);
  char *date = cndate_print(m->date);
  const char *lines[2] = {m->author, date};
  block plain = {0};
  const role_style *rs = &c->spec->roles[ROLE_SIGNATURE];
  box_add_space(c, spec_length_pt(rs->space_before, rs->size, c->pitch > 0 ? c->pitch : rs->size * 1.5));
  for (int i = 0; i < 2; i++) {
    if (!lines[i]) continue;
    span_list spans = {0};
    typeset_plain_spans(&spans, lines[i]);
    text_frame f = body_frame(c, ROLE_SIGNATURE, &plain);
    f.indent = 0;
    double right = spec_length_pt(rs->margin_left, rs->size, c->pitch);
    f.x = c->area_x;
    f.width = c->area_w - right; /* margin_left on a right-aligned role: space from the right */
    text_lines tl = {0};
    typeset_text(c, &spans, &f, &tl);
    box_add_lines(c, &tl, i == 0, 0, NULL);
    box_text_lines_free(&tl);
    span_list_free(&spans);
  }
  free(date);
}
