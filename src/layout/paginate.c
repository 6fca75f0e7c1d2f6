/* Pagination: vertical boxes flow onto pages (headings kept with what
 * follows, no widows or orphans, table headers repeated, the line grid
 * kept), then page numbers, headers and footers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout_internal.h"

/* ---- flow onto pages --------------------------------------------------- */

static page_box *new_page(layout_ctx *c) {
  laid_out *o = c->out;
  if (o->npages == o->cap_pages) {
    o->cap_pages = o->cap_pages ? o->cap_pages * 2 : 8;
    o->pages = xrealloc(o->pages, o->cap_pages * sizeof *o->pages);
  }
  o->pages[o->npages] = (page_box){.w = c->page_w, .h = c->page_h};
  return &o->pages[o->npages++];
}

static void place_box(layout_ctx *c, page_box *page, const vbox *b, double top) {
  double page_h = c->page_h, y0 = c->area_top + top;
  for (size_t i = 0; i < b->items.len; i++) {
    page_item it = b->items.items[i];
    it.text = it.text ? xstrdup(it.text) : NULL;
    switch (it.kind) {
      case IT_TEXT: it.y = page_h - (y0 + it.y); break;
      case IT_LINE: it.y = page_h - (y0 + it.y); it.h = -it.h; break;
      default: it.y = page_h - (y0 + it.y + it.h); break;
    }
    VEC_PUSH(*page, it);
  }
  if (b->outline_level) {
    laid_out *o = c->out;
    if (o->noutline == o->cap_outline) {
      o->cap_outline = o->cap_outline ? o->cap_outline * 2 : 16;
      o->outline = xrealloc(o->outline, o->cap_outline * sizeof *o->outline);
    }
    o->outline[o->noutline++] = (outline_entry){b->outline_level, xstrdup(b->outline_title),
                                                (int)(c->out->npages - 1), page_h - y0};
  }
}

/* Height the box at i needs on this page so that headings stay with what
 * follows and no paragraph leaves a single line at a page's top or bottom. */
static double snap_to_grid(const layout_ctx *c, double y);

static double needed_height(const layout_ctx *c, size_t i, double y) {
  const vbox *bs = c->boxes.items;
  size_t n = c->boxes.len, j = i;
  double need = 0;
  /* A box that returns to the grid (a table's last row) moves what follows
   * it down to the next grid line: counted where it happens. */
  for (; j < n && (bs[j].keep_with_next || bs[j].space); j++) {
    need += bs[j].height;
    if (bs[j].snap_after) need = snap_to_grid(c, y + need) - y;
  }
  if (j >= n) return need;
  const vbox *b = &bs[j];
  need += b->height;
  if (b->count >= 2 && b->group) {
    int k = b->index, cnt = b->count, take = 1;
    if (k == 0) take = cnt <= 3 ? cnt : 2;
    else if (k == cnt - 2) take = 2;
    for (int t = 1; t < take && j + (size_t)t < n; t++) need += bs[j + (size_t)t].height;
  }
  if (b->repeat < 0 && b->group == 0 && j + 1 < n && bs[j + 1].repeat == (long)j)
    need += bs[j + 1].height; /* a table header with its first row */
  return need;
}

static double snap_to_grid(const layout_ctx *c, double y) {
  if (c->pitch <= 0) return y;
  double lines = ceil(y / c->pitch - 1e-6);
  return lines * c->pitch;
}

/* A rule held back from the box placed last (cut_rule): drawn only if the
 * page ends after that box. */
typedef struct {
  page_item item;
  bool pending;
} held_rule;

static page_box *next_page(layout_ctx *c, held_rule *held) {
  if (held->pending) {
    VEC_PUSH(c->out->pages[c->out->npages - 1], held->item);
    held->pending = false;
  }
  return new_page(c);
}

void layout_flow_boxes(layout_ctx *c) {
  page_box *page = new_page(c);
  held_rule held = {{0}, false};
  double y = 0;
  for (size_t i = 0; i < c->boxes.len && !stop_due(c->stop); i++) {
    const vbox *b = &c->boxes.items[i];
    if (b->page_break && y > 0) {
      page = next_page(c, &held);
      y = 0;
    }
    if (b->space) {
      if (y > 0) y += b->height;
      if (y > c->area_h) y = c->area_h;
      continue;
    }
    if (b->bottom) {
      bool odd = c->out->npages % 2 == 1;
      if (y + b->height > c->area_h + 0.01 || (b->even_page && odd)) page = next_page(c, &held);
      if (b->even_page && c->out->npages % 2 == 1) {
        /* GB/T 9704-2012 7.4, 7.5: the 版记 on an even page; the blank page
         * before it and the 版记's page carry no page number. */
        c->unnumbered_from = c->out->npages - 1;
        page = next_page(c, &held);
      }
      place_box(c, page, b, c->area_h - b->height);
      y = c->area_h;
      continue;
    }
    double need = needed_height(c, i, y);
    if (y > 0 && y + fmin(need, c->area_h) > c->area_h + 0.01) {
      page = next_page(c, &held);
      y = 0;
      if (b->repeat >= 0) {
        place_box(c, page, &c->boxes.items[b->repeat], y);
        y += c->boxes.items[b->repeat].height;
      }
    }
    if (held.pending) { /* the box before continues on this page: no rule */
      free(held.item.text);
      held.pending = false;
    }
    size_t before = page->len;
    place_box(c, page, b, y);
    if (b->cut_rule && page->len > before) {
      held.item = page->items[--page->len];
      held.pending = true;
    }
    y += b->height;
    if (b->snap_after) y = snap_to_grid(c, y);
  }
  if (held.pending) VEC_PUSH(*page, held.item);
}

/* ---- page numbers, headers and footers --------------------------------- */

static bool page_selected(page_selection sel, size_t page) {
  return sel == PAGES_ALL || (sel == PAGES_NOT_FIRST && page > 0);
}

static void add_page_label(layout_ctx *c, page_box *page, const char *text, role_id role,
                           double baseline_from_top, double x, text_align align) {
  vbox tmp = {0};
  const role_style *rs = &c->spec->roles[role];
  box_add_label(c, &tmp, text, role, rs->size, x, 0, align, rs->color);
  for (size_t i = 0; i < tmp.items.len; i++) {
    page_item it = tmp.items.items[i];
    it.y = c->page_h - baseline_from_top - it.y;
    VEC_PUSH(*page, it);
  }
  VEC_FREE(tmp.items);
}

/* The page number of page `number` (1-based; odd pages are right-hand
 * pages), marked as the folio so that a booklet can print its own. */
void layout_page_number(layout_ctx *c, page_box *page, int number, int pages) {
  const layout_spec *s = c->spec;
  const role_style *rs = &s->roles[ROLE_PAGE_NUMBER];
  char *text = spec_expand(s->page_number.format, &c->doc->meta, number, pages);
  double inset = spec_length_pt(s->page_number.inset, rs->size, c->pitch);
  double baseline = c->area_top + c->area_h + s->page_number.offset + rs->size * EM_ASCENT;
  page_position pos = s->page_number.position;
  if (pos == POS_OUTSIDE) pos = number % 2 ? POS_RIGHT : POS_LEFT;
  double x = pos == POS_RIGHT ? c->area_x + c->area_w - inset
             : pos == POS_LEFT ? c->area_x + inset : c->area_x + c->area_w / 2;
  text_align al = pos == POS_RIGHT ? ALIGN_RIGHT : pos == POS_LEFT ? ALIGN_LEFT : ALIGN_CENTER;
  size_t first = page->len;
  add_page_label(c, page, text, ROLE_PAGE_NUMBER, baseline, x, al);
  for (size_t i = first; i < page->len; i++) page->items[i].folio = true;
  free(text);
}

void layout_decorate_pages(layout_ctx *c) {
  const layout_spec *s = c->spec;
  size_t pages = c->out->npages;
  for (size_t p = 0; p < pages; p++) {
    page_box *page = &c->out->pages[p];
    double bottom = c->area_top + c->area_h;
    if (page_selected(s->page_number.pages, p) && p < c->unnumbered_from) layout_page_number(c, page, (int)p + 1, (int)pages);
    if (s->header.text && page_selected(s->header.pages, p)) {
      const role_style *rs = &s->roles[ROLE_HEADER];
      char *text = spec_expand(s->header.text, &c->doc->meta, (int)p + 1, (int)pages);
      double rule = c->area_top - rs->size * 1.2; /* a rule well clear of the type area */
      add_page_label(c, page, text, ROLE_HEADER, rule - rs->size * 0.5, c->area_x + c->area_w / 2, ALIGN_CENTER);
      page_item line = {.kind = IT_LINE, .x = c->area_x, .y = c->page_h - rule, .w = c->area_w, .h = 0,
                        .line_width = 0.4, .color = rs->color};
      VEC_PUSH(*page, line);
      free(text);
    }
    if (s->footer.text && page_selected(s->footer.pages, p)) {
      const role_style *rs = &s->roles[ROLE_FOOTER];
      char *text = spec_expand(s->footer.text, &c->doc->meta, (int)p + 1, (int)pages);
      double baseline = bottom + s->page_number.offset + rs->size * 2.2;
      add_page_label(c, page, text, ROLE_FOOTER, baseline, c->area_x + c->area_w / 2, ALIGN_CENTER);
      free(text);
    }
  }
}

