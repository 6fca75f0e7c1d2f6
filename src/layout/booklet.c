/* The booklet's frame: cover, 目录 and the booklet's page numbers. */
#include "booklet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cndate.h"
#include "layout_internal.h"

/* A page of w × h points at the end of o. */
static page_box *push_page(laid_out *o, double w, double h) {
  if (o->npages == o->cap_pages) {
    o->cap_pages = o->cap_pages ? o->cap_pages * 2 : 16;
    o->pages = xrealloc(o->pages, o->cap_pages * sizeof *o->pages);
  }
  o->pages[o->npages] = (page_box){.w = w, .h = h};
  return &o->pages[o->npages++];
}

/* Text set into lines of a role across the type area (or a narrower measure). */
static void set_lines(layout_ctx *c, const char *text, role_id role, double width, text_align align,
                      text_lines *out) {
  span_list spans = {0};
  typeset_plain_spans(&spans, text);
  text_frame f = {.role = role, .x = c->area_x, .width = width, .align = align, .grid = c->pitch > 0};
  typeset_text(c, &spans, &f, out);
  span_list_free(&spans);
}

static void add_block(layout_ctx *c, const char *text, role_id role, text_align align, bool keep) {
  if (!text || !*text) return;
  text_lines tl = {0};
  set_lines(c, text, role, c->area_w, align, &tl);
  for (size_t i = 0; i < tl.len; i++) {
    vbox *b = box_new(c, tl.items[i].height);
    box_add_text_line(b, &tl.items[i], 0);
    b->keep_with_next = keep || i + 1 < tl.len;
  }
  box_text_lines_free(&tl);
}

/* The cover: the booklet's title a quarter down the type area, and the
 * issuing unit and date at its foot, in the layout's title, subtitle and
 * signature styles. */
static void layout_cover(layout_ctx *c, const booklet_meta *m) {
  double pitch = c->pitch > 0 ? c->pitch : typeset_line_advance(c, ROLE_BODY, false);
  box_new(c, c->area_h / 4); /* not a space box: kept at the page's top */
  add_block(c, m->title, ROLE_TITLE, ALIGN_CENTER, true);
  if (m->subtitle) {
    box_new(c, pitch);
    add_block(c, m->subtitle, ROLE_SUBTITLE, ALIGN_CENTER, true);
  }
  char *date = cndate_print(m->date);
  const char *foot[2] = {m->author, date};
  text_lines lines[2] = {{0}, {0}};
  double height = 0;
  for (int i = 0; i < 2; i++) {
    if (foot[i]) set_lines(c, foot[i], ROLE_SIGNATURE, c->area_w, ALIGN_CENTER, &lines[i]);
    for (size_t k = 0; k < lines[i].len; k++) height += lines[i].items[k].height;
  }
  if (height > 0) {
    vbox *b = box_new(c, height);
    b->bottom = true;
    double y = 0;
    for (int i = 0; i < 2; i++)
      for (size_t k = 0; k < lines[i].len; k++) {
        box_add_text_line(b, &lines[i].items[k], y);
        y += lines[i].items[k].height;
      }
  }
  for (int i = 0; i < 2; i++) box_text_lines_free(&lines[i]);
  free(date);
}

/* Where layout_flow_boxes put an entry's first and last line: found through two
 * bookmarks on those boxes (levels 8 and 9), taken out again afterwards. */
typedef struct {
  int page;       /* 0-based frame page of the last line */
  double top;     /* PDF y of the first line's top (same page as the last: lines kept together) */
  double bottom;  /* PDF y of the last line's bottom */
  double baseline, end_x; /* the last line's baseline (PDF y) and where its text ends */
} toc_place;

#define MARK_FIRST 8
#define MARK_LAST 9

static void layout_toc_lines(layout_ctx *c, const booklet_entry *e, size_t n, double measure, double *baselines,
                             double *ends, double *heights) {
  double pitch = c->pitch > 0 ? c->pitch : typeset_line_advance(c, ROLE_BODY, false);
  add_block(c, c->spec->booklet.contents, ROLE_TITLE, ALIGN_CENTER, true); /* the layout's words */
  box_new(c, pitch)->space = true;
  for (size_t i = 0; i < n; i++) {
    text_lines tl = {0};
    const char *untitled = c->spec->booklet.untitled ? c->spec->booklet.untitled : "";
    set_lines(c, e[i].title && *e[i].title ? e[i].title : untitled, ROLE_BODY, measure, ALIGN_LEFT, &tl);
    for (size_t k = 0; k < tl.len; k++) {
      vbox *b = box_new(c, tl.items[k].height);
      box_add_text_line(b, &tl.items[k], 0);
      b->keep_with_next = k + 1 < tl.len; /* an entry's lines stay on one page */
      if (k == 0 || k + 1 == tl.len) {
        vbox *m = b; /* a one-line entry: its first mark serves for both */
        if (k == 0) {
          m->outline_level = MARK_FIRST;
          m->outline_title = xasprintf("%zu", i);
        }
        if (k + 1 == tl.len) {
          const page_item *first = NULL;
          for (size_t j = 0; j < tl.items[k].items.len && !first; j++)
            if (tl.items[k].items.items[j].kind == IT_TEXT) first = &tl.items[k].items.items[j];
          baselines[i] = first ? first->y : tl.items[k].height * 0.8;
          ends[i] = c->area_x + tl.items[k].width;
          heights[i] = tl.items[k].height;
          if (k > 0) {
            m->outline_level = MARK_LAST;
            m->outline_title = xasprintf("%zu", i);
          }
        }
      }
    }
    if (tl.len == 0) baselines[i] = ends[i] = heights[i] = 0;
    box_text_lines_free(&tl);
  }
}

/* A single line of text placed on a page: baseline in PDF y. */
static void place_label(layout_ctx *c, page_box *page, const char *text, role_id role, double baseline_pdf,
                        double x, text_align align) {
  vbox tmp = {0};
  const role_style *rs = &c->spec->roles[role];
  box_add_label(c, &tmp, text, role, rs->size, x, 0, align, rs->color);
  for (size_t i = 0; i < tmp.items.len; i++) {
    page_item it = tmp.items.items[i];
    it.y = baseline_pdf - it.y;
    VEC_PUSH(*page, it);
  }
  VEC_FREE(tmp.items);
}

/* Dot leaders from the title's end to the number, and the number flush
 * right with the type area; the entry's lines link to its first page. */
static void finish_toc_entry(layout_ctx *c, const toc_place *pl, int number) {
  page_box *page = &c->out->pages[pl->page];
  const role_style *rs = &c->spec->roles[ROLE_BODY];
  char num[16];
  snprintf(num, sizeof num, "%d", number);
  double right = c->area_x + c->area_w;
  double num_w = typeset_label_width(c, num, ROLE_BODY, rs->size);
  double dot_w = typeset_label_width(c, ".", ROLE_BODY, rs->size);
  double from = pl->end_x + rs->size * 0.5, to = right - num_w - rs->size * 0.5;
  int dots = dot_w > 0 ? (int)((to - from) / dot_w) : 0;
  if (dots > 0) {
    char *leader = xmalloc((size_t)dots + 1);
    memset(leader, '.', (size_t)dots);
    leader[dots] = '\0';
    place_label(c, page, leader, ROLE_BODY, pl->baseline, to, ALIGN_RIGHT);
    free(leader);
  }
  place_label(c, page, num, ROLE_BODY, pl->baseline, right, ALIGN_RIGHT);
  page_item link = {.kind = IT_LINK, .x = c->area_x, .y = pl->bottom, .w = c->area_w, .h = pl->top - pl->bottom,
                    .dest = number};
  link.text = xstrdup("");
  VEC_PUSH(*page, link);
}

static void add_outline_entry(laid_out *o, int level, const char *title, int page, double y) {
  if (o->noutline == o->cap_outline) {
    o->cap_outline = o->cap_outline ? o->cap_outline * 2 : 64;
    o->outline = xrealloc(o->outline, o->cap_outline * sizeof *o->outline);
  }
  o->outline[o->noutline++] = (outline_entry){level, xstrdup(title), page, y};
}

/* Takes the entries' marks out of the outline layout_flow_boxes made. */
static void take_marks(laid_out *o, toc_place *places, size_t n, const double *baselines, const double *ends,
                       const double *heights) {
  size_t k = 0;
  for (size_t i = 0; i < o->noutline; i++) {
    outline_entry *e = &o->outline[i];
    if (e->level != MARK_FIRST && e->level != MARK_LAST) {
      o->outline[k++] = *e;
      continue;
    }
    size_t idx = (size_t)atol(e->title);
    if (idx < n) {
      if (e->level == MARK_FIRST) {
        places[idx].top = e->y;
        places[idx].page = e->page; /* the last line: same page, set again below when it has its own mark */
        places[idx].baseline = e->y - baselines[idx];
        places[idx].bottom = e->y - heights[idx];
      } else {
        places[idx].page = e->page;
        places[idx].baseline = e->y - baselines[idx];
        places[idx].bottom = e->y - heights[idx];
      }
      places[idx].end_x = ends[idx];
    }
    free(e->title);
  }
  o->noutline = k;
}

static void collect_characters(layout_ctx *c) {
  glyph_inventory *g = &c->out->glyphs;
  glyph_inventory_init(g, font_lib_face_count(c->fonts));
  for (size_t id = 0; id < g->nfaces; id++) {
    face_glyphs *f = &g->faces[id];
    f->face = font_lib_face(c->fonts, id);
    f->codes = c->codes[id].items; /* handed over */
    f->ncodes = c->codes[id].len;
    memset(&c->codes[id], 0, sizeof c->codes[id]);
    if (!c->used[id]) continue;
    f->cps = laid_out_cp_bitmap_list(c->used[id], &f->ncps);
  }
}

int layout_booklet(const booklet_meta *given, const booklet_entry *entries, size_t n, const layout_spec *spec,
                   const font_lib *fonts, laid_out *frame, int **host, int **host_page, diag_list *dl) {
  memset(frame, 0, sizeof *frame);
  booklet_meta m = *given, *meta = &m;
  if (!m.title) m.title = spec->booklet.title; /* the layout's words */
  document doc = {0};
  doc.file = (char *)"booklet.yaml";
  doc.meta.title = (char *)meta->title;
  layout_ctx c;
  layout_ctx_start(&c, &doc, spec, fonts, frame, dl);

  layout_cover(&c, meta);
  layout_flow_boxes(&c);
  box_list_free(&c);
  while (frame->npages % 2) push_page(frame, c.page_w, c.page_h); /* the cover's back stays blank */
  size_t toc_first = frame->npages;

  const role_style *rs = &spec->roles[ROLE_BODY];
  double reserve = typeset_label_width(&c, "00000", ROLE_BODY, rs->size) + rs->size * 2;
  double *baselines = xcalloc(n + 1, sizeof *baselines), *ends = xcalloc(n + 1, sizeof *ends),
         *heights = xcalloc(n + 1, sizeof *heights);
  laid_out toc = {0};
  c.out = &toc;
  layout_toc_lines(&c, entries, n, c.area_w - reserve, baselines, ends, heights);
  layout_flow_boxes(&c);
  box_list_free(&c);
  c.out = frame;
  toc_place *places = xcalloc(n + 1, sizeof *places);
  take_marks(&toc, places, n, baselines, ends, heights);
  for (size_t p = 0; p < toc.npages; p++) *push_page(frame, 0, 0) = toc.pages[p];
  free(toc.pages);
  for (size_t i = 0; i < toc.noutline; i++) free(toc.outline[i].title);
  free(toc.outline);
  while (frame->npages % 2) push_page(frame, c.page_w, c.page_h); /* the 目录 ends on an even page */

  VEC(int) hosts = {0}, host_pages = {0};
  for (size_t p = 0; p < frame->npages; p++) {
    VEC_PUSH(hosts, -1);
    VEC_PUSH(host_pages, 0);
  }
  size_t total = frame->npages;
  for (size_t i = 0; i < n; i++) total += entries[i].npages + entries[i].npages % 2;
  for (size_t i = 0; i < n; i++) {
    int first = (int)frame->npages; /* 0-based; even, so an odd page number */
    places[i].page += (int)toc_first;
    finish_toc_entry(&c, &places[i], first + 1);
    double w = entries[i].page_w > 0 ? entries[i].page_w : c.page_w;
    double h = entries[i].page_h > 0 ? entries[i].page_h : c.page_h;
    add_outline_entry(frame, 1, entries[i].title ? entries[i].title : "", first, h);
    for (size_t k = 0; k < entries[i].noutline; k++) {
      const outline_entry *o = &entries[i].outline[k];
      if (o->level == 1 && entries[i].title && strcmp(o->title, entries[i].title) == 0) continue;
      add_outline_entry(frame, o->level + 1, o->title, first + o->page, o->y);
    }
    /* Each brief keeps its own paper size (an A5 brief stays A5 in an A4
     * booklet); its page number takes the booklet layout's style and
     * margins, measured on that paper. */
    double page_w = c.page_w, page_h = c.page_h, area_w = c.area_w, area_h = c.area_h;
    c.page_w = w;
    c.page_h = h;
    c.area_w = w - spec->page.margins.left - spec->page.margins.right;
    c.area_h = h - spec->page.margins.top - spec->page.margins.bottom;
    for (size_t p = 0; p < entries[i].npages; p++) {
      page_box *page = push_page(frame, w, h);
      layout_page_number(&c, page, (int)frame->npages, (int)total);
      VEC_PUSH(hosts, (int)i);
      VEC_PUSH(host_pages, (int)p);
    }
    c.page_w = page_w;
    c.page_h = page_h;
    c.area_w = area_w;
    c.area_h = area_h;
    if (frame->npages % 2) { /* a blank verso stays blank, the size of the sheet's front */
      push_page(frame, w, h);
      VEC_PUSH(hosts, -1);
      VEC_PUSH(host_pages, 0);
    }
  }
  frame->info.title = meta->title ? xstrdup(meta->title) : NULL;
  frame->info.author = meta->author ? xstrdup(meta->author) : NULL;
  frame->info.date = meta->date ? xstrdup(meta->date) : NULL;
  collect_characters(&c);
  layout_ctx_end(&c);
  free(baselines);
  free(ends);
  free(heights);
  free(places);
  *host = hosts.items;
  *host_page = host_pages.items;
  return c.errors ? -1 : 0;
}
