/* The box primitives every layout file builds with: a layout context on a
 * document's type area, vertical boxes and what goes into them (text lines,
 * rules, rectangles), vertical space, keeping boxes together. Below the
 * layout's other files: this file calls none of them. */
#include <stdlib.h>
#include <string.h>

#include "boxes.h"

vbox *box_new(layout_ctx *c, double height) {
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


void box_add_space(layout_ctx *c, double h) {
  if (h <= 0) return;
  vbox *b = box_new(c, h);
  b->space = true;
}

/* Text lines as boxes of one paragraph group. */
void box_add_lines(layout_ctx *c, text_lines *lines, bool keep_with_next, int outline_level,
                   const char *outline_title) {
  int group = ++c->group_counter;
  for (size_t i = 0; i < lines->len; i++) {
    vbox *b = box_new(c, lines->items[i].height);
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

/* The last two body lines go with the signature: a page never holds the
 * signature and date alone (GB/T 9704-2012 7.3.5.5). When the body ends in
 * a table, chart or image, its last box (a table's last row, which takes
 * the repeated header along) goes over with them. */
void box_keep_last_lines(layout_ctx *c, int lines) {
  for (size_t i = c->boxes.len; i-- > 0 && lines > 0;) {
    vbox *b = &c->boxes.items[i];
    b->keep_with_next = true;
    if (!b->space && !b->group) return; /* a table row, chart or image ends the body */
    if (!b->space) lines--;
  }
}

void box_text_lines_free(text_lines *l) {
  for (size_t i = 0; i < l->len; i++) {
    for (size_t k = 0; k < l->items[i].items.len; k++) free(l->items[i].items.items[k].text);
    VEC_FREE(l->items[i].items);
  }
  VEC_FREE(*l);
}

/* A layout context on out's first page: the type area from the layout's
 * margins, the character inventory empty. */
void layout_ctx_start(layout_ctx *c, const document *doc, const layout_spec *spec, const font_lib *fonts,
                      laid_out *out, diag_list *dl) {
  *c = (layout_ctx){.doc = doc, .spec = spec, .fonts = fonts, .dl = dl, .out = out};
  c->used = xcalloc(font_lib_face_count(fonts) + 1, sizeof *c->used);
  c->codes = xcalloc(font_lib_face_count(fonts) + 1, sizeof *c->codes);
  c->page_w = spec->page.width;
  c->page_h = spec->page.height;
  c->area_x = spec->page.margins.left;
  c->area_top = spec->page.margins.top;
  c->area_w = spec->page.width - spec->page.margins.left - spec->page.margins.right;
  c->area_h = spec->page.height - spec->page.margins.top - spec->page.margins.bottom;
  c->pitch = spec->grid.lines_per_page > 0 ? spec->line_pitch : 0;
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

void box_list_free(layout_ctx *c) {
  for (size_t i = 0; i < c->boxes.len; i++) {
    vbox *b = &c->boxes.items[i];
    for (size_t k = 0; k < b->items.len; k++) free(b->items.items[k].text);
    VEC_FREE(b->items);
    free(b->outline_title);
  }
  VEC_FREE(c->boxes);
}
