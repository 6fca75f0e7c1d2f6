/* Layout: the document model's blocks become vertical boxes (lines, table
 * rows, charts, images), which paginate.c flows onto pages. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cndate.h"
#include "layout_internal.h"
#include "input_limits.h"
#include "linebreaker.h"

/* ---- boxes ------------------------------------------------------------- */

vbox *new_box(layout_ctx *c, double height) {
  vbox b = {0};
  b.height = height;
  b.repeat = -1;
  VEC_PUSH(c->boxes, b);
  return &c->boxes.items[c->boxes.len - 1];
}

void box_add_text_line(vbox *b, const text_line *line, double dy) {
  for (size_t i = 0; i < line->items.len; i++) {
    page_item it = line->items.items[i];
    it.y += dy;
    it.text = it.text ? xstrdup(it.text) : NULL;
    VEC_PUSH(b->items, it);
  }
}

void box_add_line(vbox *b, double x, double y, double w, double h, double width, rgb color) {
  page_item it = {.kind = IT_LINE, .x = x, .y = y, .w = w, .h = h, .line_width = width, .color = color};
  VEC_PUSH(b->items, it);
}

void box_add_rect(vbox *b, double x, double y, double w, double h, bool fill, bool stroke,
                  double width, rgb color) {
  page_item it = {.kind = IT_RECT, .x = x, .y = y, .w = w, .h = h, .fill = fill, .stroke = stroke,
                  .line_width = width, .color = color};
  VEC_PUSH(b->items, it);
}


void add_space(layout_ctx *c, double h) {
  if (h <= 0) return;
  vbox *b = new_box(c, h);
  b->space = true;
}

/* Text lines as boxes of one paragraph group. */
void add_lines(layout_ctx *c, text_lines *lines, bool keep_with_next, int outline_level,
               const char *outline_title) {
  int group = ++c->group_counter;
  for (size_t i = 0; i < lines->len; i++) {
    vbox *b = new_box(c, lines->items[i].height);
    box_add_text_line(b, &lines->items[i], 0);
    b->group = group;
    b->index = (int)i;
    b->count = (int)lines->len;
    b->keep_with_next = keep_with_next;
    if (i == 0 && outline_level) {
      b->outline_level = outline_level;
      b->outline_title = xstrdup(outline_title);
    }
  }
}

void add_text_block(layout_ctx *c, const span_list *spans, text_frame *f, bool keep,
                    int outline_level, const char *outline_title) {
  const role_style *rs = &c->spec->roles[f->role];
  double pitch = c->pitch > 0 ? c->pitch : line_advance(c, ROLE_BODY, false);
  add_space(c, length_pt(rs->space_before, rs->size, pitch));
  text_lines lines = {0};
  set_text(c, spans, f, &lines);
  add_lines(c, &lines, keep, outline_level, outline_title);
  text_lines_free(&lines);
  if (keep && c->boxes.len) c->boxes.items[c->boxes.len - 1].keep_with_next = true;
  double after = length_pt(rs->space_after, rs->size, pitch);
  add_space(c, after);
  if (keep && after > 0) c->boxes.items[c->boxes.len - 1].keep_with_next = true;
}

/* ---- blocks ------------------------------------------------------------ */

static text_frame body_frame(const layout_ctx *c, role_id role, const block *b) {
  const role_style *rs = &c->spec->roles[role];
  double pitch = c->pitch;
  double left = length_pt(rs->margin_left, rs->size, pitch);
  double em = c->spec->roles[ROLE_BODY].size;
  left += (b->list_depth * 2 + b->quote_depth * 2) * em;
  left = fmin(left, c->area_w / 2); /* deep nesting stops indenting at half the measure */
  text_frame f = {.role = role, .x = c->area_x + left, .width = c->area_w - left, .align = rs->align,
                  .grid = c->pitch > 0};
  /* On a character grid an em of indent is one grid cell. */
  if (!b->list_depth) f.indent = length_pt(rs->indent, rs->size + grid_tracking(c, role), pitch);
  return f;
}

static const char *cn_digits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

static void chinese_number(int n, strbuf *sb) {
  if (n <= 10) sb_puts(sb, cn_digits[n]);
  else if (n < 20) sb_printf(sb, "十%s", n % 10 ? cn_digits[n % 10] : "");
  else sb_printf(sb, "%s十%s", cn_digits[n / 10 % 10], n % 10 ? cn_digits[n % 10] : "");
}

/* 一、 （一） 1. （1） for the hierarchy level and its counter. */
static char *generated_number(int level, int n) {
  strbuf sb = {0};
  switch (level) {
    case 1: chinese_number(n, &sb); sb_puts(&sb, "、"); break;
    case 2: sb_puts(&sb, "（"); chinese_number(n, &sb); sb_puts(&sb, "）"); break;
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
  if (c->spec->numbering == NUMBER_GENERATE && !b->as.text.number)
    number = generated_number(level, hs->counters[level]);
  text_frame f = body_frame(c, role, b);
  f.prefix = number;
  char *text = span_list_text(&b->as.text.spans);
  char *title = number ? xasprintf("%s%s", number, text) : xstrdup(text);
  add_text_block(c, &b->as.text.spans, &f, true, level, title);
  free(title);
  free(text);
  free(number);
}

static void layout_paragraph(layout_ctx *c, const block *b) {
  role_id role = b->quote_depth ? ROLE_QUOTE : ROLE_BODY;
  text_frame f = body_frame(c, role, b);
  size_t first_box = c->boxes.len;
  add_text_block(c, &b->as.text.spans, &f, false, 0, NULL);
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
  add_space(c, length_pt(rs->space_before, rs->size, pitch));
  int group = ++c->group_counter;
  const char *p = b->as.code.literal;
  size_t nlines = 0;
  while (*p) {
    size_t n = strcspn(p, "\n");
    span_list spans = {0};
    span_list_push(&spans, SPAN_TEXT, ST_CODE, p, n, NULL, b->line + 1 + (int)nlines, 1);
    text_lines lines = {0};
    set_text(c, &spans, &f, &lines);
    if (lines.len == 0) { /* an empty line of code still takes a line */
      text_line empty = {0};
      empty.height = line_advance(c, ROLE_CODE, false);
      VEC_PUSH(lines, empty);
    }
    for (size_t i = 0; i < lines.len; i++) {
      vbox *box = new_box(c, lines.items[i].height);
      box_add_rect(box, f.x - 4, 0, f.width + 8, lines.items[i].height, true, false, 0,
                   (rgb){0.94, 0.94, 0.94});
      box_add_text_line(box, &lines.items[i], 0);
      box->group = group;
    }
    text_lines_free(&lines);
    span_list_free(&spans);
    nlines++;
    p += n;
    if (*p) p++;
  }
  add_space(c, length_pt(rs->space_after, rs->size, pitch));
  if (c->boxes.len) c->boxes.items[c->boxes.len - 1].snap_after = true;
}

static void layout_rule(layout_ctx *c) {
  double h = c->pitch > 0 ? c->pitch : 12;
  vbox *b = new_box(c, h);
  box_add_line(b, c->area_x, h / 2, c->area_w, 0, 0.5, (rgb){0, 0, 0});
}

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Pixel size of a PNG or JPEG from its header. The whole file is read: a
 * JPEG's frame header may come after large EXIF or ICC segments. */
static int image_size(const char *path, int *w, int *h) {
  size_t n;
  unsigned char *buf = (unsigned char *)read_file(path, &n);
  if (!buf) return -1;
  int kind = -2;
  if (n >= 24 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0) {
    uint32_t pw = be32(buf + 16), ph = be32(buf + 20);
    if (pw > 0 && ph > 0 && pw <= 1000000 && ph <= 1000000) *w = (int)pw, *h = (int)ph, kind = 1;
  } else if (n >= 4 && buf[0] == 0xFF && buf[1] == 0xD8) {
    for (size_t i = 2; i + 9 < n;) {
      if (buf[i] != 0xFF) break;
      unsigned m = buf[i + 1];
      if (m == 0xFF) { i++; continue; } /* fill byte */
      if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; } /* markers without a length */
      unsigned len = (unsigned)(buf[i + 2] << 8 | buf[i + 3]);
      if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
        *h = buf[i + 5] << 8 | buf[i + 6];
        *w = buf[i + 7] << 8 | buf[i + 8];
        kind = 2;
        break;
      }
      if (len < 2) break;
      i += 2 + len;
    }
  }
  free(buf);
  return kind;
}

static void layout_image(layout_ctx *c, const block *b) {
  const char *path = b->as.image.path;
  int w = 0, h = 0;
  int kind = image_size(path, &w, &h);
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
  vbox *box = new_box(c, height + 2 * pad);
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

/* ---- front and back matter --------------------------------------------- */

void layout_title(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  block plain = {0};
  if (m->title) {
    span_list spans = {0};
    plain_spans(&spans, m->title);
    text_frame f = body_frame(c, ROLE_TITLE, &plain);
    add_text_block(c, &spans, &f, true, 1, m->title);
    span_list_free(&spans);
  }
  if (m->subtitle) {
    span_list spans = {0};
    plain_spans(&spans, m->subtitle);
    text_frame f = body_frame(c, ROLE_SUBTITLE, &plain);
    add_text_block(c, &spans, &f, true, 0, NULL);
    span_list_free(&spans);
  }
}

/* "2016-08-15" → "2016年8月15日". */
char *chinese_date(const char *iso) { return cndate_print(iso); }

/* The last two body lines go with the signature: a page never holds the
 * signature and date alone (GB/T 9704-2012 7.3.5.5). When the body ends in
 * a table, chart or image, its last box (a table's last row, which takes
 * the repeated header along) goes over with them. */
void keep_last_lines(layout_ctx *c, int lines) {
  for (size_t i = c->boxes.len; i-- > 0 && lines > 0;) {
    vbox *b = &c->boxes.items[i];
    b->keep_with_next = true;
    if (!b->space && !b->group) return; /* a table row, chart or image ends the body */
    if (!b->space) lines--;
  }
}

static void layout_signature(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  if (!m->author && !m->date) return;
  keep_last_lines(c, 2);
  char *date = chinese_date(m->date);
  const char *lines[2] = {m->author, date};
  block plain = {0};
  const role_style *rs = &c->spec->roles[ROLE_SIGNATURE];
  add_space(c, length_pt(rs->space_before, rs->size, c->pitch > 0 ? c->pitch : rs->size * 1.5));
  for (int i = 0; i < 2; i++) {
    if (!lines[i]) continue;
    span_list spans = {0};
    plain_spans(&spans, lines[i]);
    text_frame f = body_frame(c, ROLE_SIGNATURE, &plain);
    f.indent = 0;
    double right = length_pt(rs->margin_left, rs->size, c->pitch);
    f.x = c->area_x;
    f.width = c->area_w - right; /* margin_left on a right-aligned role: space from the right */
    text_lines tl = {0};
    set_text(c, &spans, &f, &tl);
    add_lines(c, &tl, i == 0, 0, NULL);
    text_lines_free(&tl);
    span_list_free(&spans);
  }
  free(date);
}

/* ---- the whole document ------------------------------------------------ */

/* A brief uses a few hundred of the 65536 characters: whole zero words of
 * the map are skipped (the per-bit loop was most of a small brief's layout). */
uint32_t *cp_bitmap_list(const uint8_t *bits, size_t *n) {
  VEC(uint32_t) cps = {0};
  for (size_t w = 0; w < 8192; w += 8) {
    uint64_t word;
    memcpy(&word, bits + w, 8);
    if (!word) continue;
    for (size_t b = w; b < w + 8; b++)
      for (unsigned k = 0; bits[b] >> k; k++)
        if (bits[b] & (1u << k)) VEC_PUSH(cps, (uint32_t)(b * 8 + k));
  }
  *n = cps.len;
  return cps.items;
}

static void collect_glyphs(layout_ctx *c) {
  glyph_inventory *g = &c->out->glyphs;
  glyph_inventory_init(g, font_lib_face_count(c->fonts));
  for (size_t id = 0; id < g->nfaces; id++) {
    face_glyphs *f = &g->faces[id];
    if (c->codes[id].len) {
      f->face = font_lib_face(c->fonts, id);
      f->codes = c->codes[id].items;
      f->ncodes = c->codes[id].len;
      memset(&c->codes[id], 0, sizeof c->codes[id]); /* handed over */
    }
    if (!c->used[id]) continue;
    f->face = font_lib_face(c->fonts, id);
    f->cps = cp_bitmap_list(c->used[id], &f->ncps);
  }
}

static void fill_info(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  doc_info *o = &c->out->info;
  o->title = m->title ? xstrdup(m->title) : NULL;
  o->author = m->author ? xstrdup(m->author) : NULL;
  o->subject = m->county ? xstrdup(m->county) : NULL;
  o->date = m->date ? xstrdup(m->date) : NULL;
  strbuf kw = {0};
  const char *parts[] = {m->county, c->spec->keywords, c->spec->name};
  for (size_t i = 0; i < 3; i++)
    if (parts[i]) sb_printf(&kw, "%s%s", kw.len ? ", " : "", parts[i]);
  o->keywords = sb_take(&kw);
}

/* The markdown level of the first body heading: it is hierarchy level 1. */
static int top_heading_level(const document *doc) {
  int top = 6;
  for (size_t i = 0; i < doc->len; i++)
    if (doc->items[i].kind == BLK_HEADING && doc->items[i].as.text.level < top) top = doc->items[i].as.text.level;
  return top;
}

static void free_boxes(layout_ctx *c) {
  for (size_t i = 0; i < c->boxes.len; i++) {
    vbox *b = &c->boxes.items[i];
    for (size_t k = 0; k < b->items.len; k++) free(b->items.items[k].text);
    VEC_FREE(b->items);
    free(b->outline_title);
  }
  VEC_FREE(c->boxes);
}

/* A layout context on out's first page: the type area from the layout's
 * margins, the character inventory empty. */
void layout_ctx_start(layout_ctx *c, const document *doc, const layout_spec *spec, const font_lib *fonts,
                      laid_out *out, diag_list *dl) {
  *c = (layout_ctx){.doc = doc, .spec = spec, .fonts = fonts, .dl = dl, .out = out};
  c->used = xcalloc(font_lib_face_count(fonts) + 1, sizeof *c->used);
  c->codes = xcalloc(font_lib_face_count(fonts) + 1, sizeof *c->codes);
  c->page_w = spec->page_w;
  c->page_h = spec->page_h;
  c->area_x = spec->margin_left;
  c->area_top = spec->margin_top;
  c->area_w = spec->page_w - spec->margin_left - spec->margin_right;
  c->area_h = spec->page_h - spec->margin_top - spec->margin_bottom;
  c->pitch = spec->grid_lines > 0 ? spec->line_pitch : 0;
  c->unnumbered_from = (size_t)-1;
}

/* Frees what layout_ctx_start took (the laid-out pages stay with out). */
void layout_ctx_end(layout_ctx *c) {
  for (size_t i = 0; i < font_lib_face_count(c->fonts); i++) {
    free(c->used[i]);
    VEC_FREE(c->codes[i]);
  }
  free(c->used);
  free(c->codes);
}

int layout_document(const document *doc, const layout_spec *spec, const font_lib *fonts,
                    laid_out *out, diag_list *dl) {
  return layout_document_until(doc, spec, fonts, NULL, out, dl);
}

int layout_document_until(const document *doc, const layout_spec *spec, const font_lib *fonts,
                          stop_check *stop, laid_out *out, diag_list *dl) {
  memset(out, 0, sizeof *out);
  layout_ctx c;
  layout_ctx_start(&c, doc, spec, fonts, out, dl);
  c.stop = stop;

  if (doc->meta.nnumbered) layout_copy_line(&c); /* 份号 above everything: GB/T 9704-2012 7.2.1 */
  if (spec->masthead) layout_masthead(&c);
  if (spec->document) layout_document_head(&c);
  if (spec->title_block) layout_title(&c);
  if (spec->document) layout_addressee(&c);
  heading_state hs = {top_heading_level(doc), {0}};
  /* The layout places the key-figures table: after the title where the
   * binding put it, or after the body (key_figures.position: end). */
  bool kf_at_end = spec->key_figures_at == KF_END;
  for (size_t i = 0; i < doc->len && !stop_due(stop); i++)
    if (!(kf_at_end && is_key_figures(&doc->items[i]))) layout_block(&c, &doc->items[i], &hs);
  for (size_t i = 0; kf_at_end && i < doc->len && !stop_due(stop); i++)
    if (is_key_figures(&doc->items[i])) layout_block(&c, &doc->items[i], &hs);
  bool go_on = !stop_due(stop);
  if (go_on && spec->document) {
    layout_document_end(&c); /* 附件说明, signature, 附注, 附件, 版记 */
  } else if (go_on) {
    if (spec->signature) layout_signature(&c);
    if (spec->distribution) layout_distribution(&c);
  }
  if (go_on) flow_boxes(&c);
  go_on = !stop_due(stop);
  if (go_on) decorate_pages(&c);
  if (go_on && doc->meta.nnumbered && c.errors == 0) layout_copy_marks(&c);
  collect_glyphs(&c);
  fill_info(&c);
  free_boxes(&c);
  layout_ctx_end(&c);
  return c.errors || !go_on ? -1 : 0;
}

void laid_out_free(laid_out *lo) {
  for (size_t p = 0; p < lo->npages; p++) {
    for (size_t i = 0; i < lo->pages[p].len; i++) free(lo->pages[p].items[i].text);
    free(lo->pages[p].items);
  }
  free(lo->pages);
  for (size_t i = 0; i < lo->noutline; i++) free(lo->outline[i].title);
  free(lo->outline);
  glyph_inventory_free(&lo->glyphs);
  doc_info_free(&lo->info);
  for (size_t k = 0; k < lo->ncopies; k++) {
    for (size_t i = 0; i < lo->copy_marks[k].len; i++) free(lo->copy_marks[k].items[i].text);
    free(lo->copy_marks[k].items);
    free(lo->copy_labels[k]);
  }
  free(lo->copy_marks);
  free(lo->copy_labels);
  memset(lo, 0, sizeof *lo);
}
