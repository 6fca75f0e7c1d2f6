/* Operations on the output model as a whole: the glyph inventory and the
 * document info, joining documents (the booklet: re-encoding, concatenating,
 * putting a brief's page under a booklet page) and checking the invariants. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "utf8.h"
#include "util.h"

/* ---- the glyph inventory ------------------------------------------------ */

void glyph_inventory_init(glyph_inventory *g, size_t nfaces) {
  g->nfaces = nfaces;
  g->faces = xcalloc(nfaces + 1, sizeof *g->faces);
}

void glyph_inventory_free(glyph_inventory *g) {
  for (size_t id = 0; id < g->nfaces; id++) {
    free(g->faces[id].cps);
    free(g->faces[id].codes);
  }
  free(g->faces);
  memset(g, 0, sizeof *g);
}

uint32_t glyph_inventory_char(const glyph_inventory *g, int id, uint32_t code) {
  if (code < 0xE000 || code > 0xF8FF || id < 0 || (size_t)id >= g->nfaces) return code;
  const face_glyphs *f = &g->faces[id];
  for (size_t i = 0; i < f->ncodes; i++)
    if (f->codes[i].code == code) return f->codes[i].cp;
  return code;
}

/* Face id of g, grown to it when g has fewer faces. */
static face_glyphs *face_of(glyph_inventory *g, size_t id) {
  if (id >= g->nfaces) {
    g->faces = xrealloc(g->faces, xmul(id + 2, sizeof *g->faces));
    memset(g->faces + g->nfaces, 0, (id + 1 - g->nfaces) * sizeof *g->faces);
    g->nfaces = id + 1;
  }
  return &g->faces[id];
}

uint16_t glyph_inventory_code(glyph_inventory *g, size_t id, const font_code *c) {
  face_glyphs *f = face_of(g, id);
  for (size_t k = 0; k < f->ncodes; k++)
    if (f->codes[k].cp == c->cp && f->codes[k].gid == c->gid) return f->codes[k].code;
  size_t n = f->ncodes;
  uint32_t code = n ? f->codes[n - 1].code + 1u : 0xE000;
  while (code <= 0xF8FF && f->face && font_face_has(f->face, code)) code++;
  f->codes = xrealloc(f->codes, (n + 1) * sizeof *f->codes);
  f->codes[n] = (font_code){(uint16_t)code, c->cp, c->gid};
  f->ncodes = n + 1;
  return (uint16_t)code;
}

/* The sorted, duplicate-free union of a and b (both sorted, duplicate-free). */
static uint32_t *merge_sets(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t *n) {
  uint32_t *out = xmalloc((na + nb + 1) * sizeof *out);
  size_t i = 0, j = 0, k = 0;
  while (i < na || j < nb) {
    if (j == nb || (i < na && a[i] < b[j])) out[k++] = a[i++];
    else if (i == na || b[j] < a[i]) out[k++] = b[j++];
    else {
      out[k++] = a[i++];
      j++;
    }
  }
  *n = k;
  return out;
}

void glyph_inventory_add_chars(glyph_inventory *g, size_t id, const font_face *face, const uint32_t *cps, size_t n) {
  face_glyphs *f = face_of(g, id);
  if (face) f->face = face;
  if (!n) return;
  size_t m;
  uint32_t *set = merge_sets(f->cps, f->ncps, cps, n, &m);
  free(f->cps);
  f->cps = set;
  f->ncps = m;
}

void laid_out_doc_info_free(doc_info *info) {
  free(info->title);
  free(info->author);
  free(info->subject);
  free(info->keywords);
  free(info->date);
  memset(info, 0, sizeof *info);
}

/* ---- joining documents ------------------------------------------------------ */

/* A text item's codes of face through the map from[k] → to[k]. */
static void recode_text(page_item *it, const font_code *from, const uint16_t *to, size_t n) {
  strbuf sb = {0};
  for (const char *q = it->text; *q;) {
    uint32_t cp;
    size_t len = utf8_decode(q, strlen(q), &cp);
    if (!len) break;
    q += len;
    for (size_t k = 0; k < n; k++)
      if (from[k].code == cp) {
        cp = to[k];
        break;
      }
    char buf[4];
    sb_append(&sb, buf, utf8_encode(cp, buf));
  }
  free(it->text);
  it->text = sb_take(&sb);
}

void laid_out_recode(laid_out *lo, glyph_inventory *into) {
  for (size_t id = 0; id < lo->glyphs.nfaces; id++) {
    face_glyphs *f = &lo->glyphs.faces[id];
    if (!f->ncodes) continue;
    if (f->face && !face_of(into, id)->face) into->faces[id].face = f->face;
    uint16_t *to = xcalloc(f->ncodes + 1, sizeof *to);
    bool same = true;
    for (size_t k = 0; k < f->ncodes; k++) {
      to[k] = glyph_inventory_code(into, id, &f->codes[k]);
      same &= to[k] == f->codes[k].code;
    }
    for (size_t p = 0; p < lo->npages && !same; p++)
      for (size_t i = 0; i < lo->pages[p].len; i++) {
        page_item *it = &lo->pages[p].items[i];
        if (it->kind == IT_TEXT && (size_t)it->face == id) recode_text(it, f->codes, to, f->ncodes);
      }
    for (size_t k = 0; k < f->ncodes; k++) f->codes[k].code = to[k]; /* lo's inventory says the new codes too */
    free(to);
  }
}

/* src's glyphs into dst's inventory: its codes first (laid_out_recode
 * re-encodes src's runs), then its characters. */
static void append_glyphs(laid_out *dst, laid_out *src) {
  laid_out_recode(src, &dst->glyphs);
  for (size_t id = 0; id < src->glyphs.nfaces; id++) {
    const face_glyphs *f = &src->glyphs.faces[id];
    if (f->ncps) glyph_inventory_add_chars(&dst->glyphs, id, f->face, f->cps, f->ncps);
  }
}

void laid_out_append(laid_out *dst, laid_out *src) {
  append_glyphs(dst, src); /* first: it re-encodes src's runs to dst's codes */
  size_t blank = dst->npages % 2, offset = dst->npages + blank;
  dst->pages = xrealloc(dst->pages, (offset + src->npages + 1) * sizeof *dst->pages);
  if (blank) { /* the back of dst's last sheet */
    const page_box *last = &dst->pages[dst->npages - 1];
    dst->pages[dst->npages] = (page_box){.w = last->w, .h = last->h};
  }
  memcpy(dst->pages + offset, src->pages, src->npages * sizeof *src->pages);
  dst->npages = dst->cap_pages = offset + src->npages;
  dst->outline = xrealloc(dst->outline, (dst->noutline + src->noutline + 1) * sizeof *dst->outline);
  for (size_t i = 0; i < src->noutline; i++) {
    outline_entry o = src->outline[i];
    o.page += (int)offset;
    dst->outline[dst->noutline++] = o;
  }
  dst->cap_outline = dst->noutline;
  free(src->pages);
  free(src->outline);
  src->pages = NULL;
  src->outline = NULL;
  src->npages = src->noutline = src->cap_pages = src->cap_outline = 0;
}

void laid_out_put_under(laid_out *dst, size_t dst_page, laid_out *src, size_t src_page, int first) {
  page_box *d = &dst->pages[dst_page], *from = &src->pages[src_page];
  page_item *items = xcalloc(from->len + d->len + 1, sizeof *items);
  size_t k = 0;
  for (size_t i = 0; i < from->len; i++) {
    page_item it = from->items[i];
    if (it.kind == IT_TEXT && it.folio) {
      free(it.text);
      continue;
    }
    if (it.kind == IT_LINK && it.dest > 0) it.dest += first;
    items[k++] = it;
  }
  for (size_t i = 0; i < d->len; i++) items[k++] = d->items[i];
  free(d->items);
  free(from->items);
  d->items = items;
  d->len = d->cap = k;
  from->items = NULL;
  from->len = from->cap = 0;
}

/* ---- laid_out_check ---------------------------------------------------- */

static bool listed(const laid_out *lo, int face, uint32_t cp) {
  const face_glyphs *f = &lo->glyphs.faces[face];
  for (size_t k = 0; cp >= 0xE000 && cp <= 0xF8FF && k < f->ncodes; k++)
    if (f->codes[k].code == cp) return true; /* a Private Use code of the face */
  const uint32_t *set = f->cps;
  size_t lo_i = 0, hi = f->ncps;
  while (lo_i < hi) {
    size_t mid = (lo_i + hi) / 2;
    if (set[mid] == cp) return true;
    if (set[mid] < cp) lo_i = mid + 1;
    else hi = mid;
  }
  return false;
}

static bool finite4(const page_item *it) {
  return isfinite(it->x) && isfinite(it->y) && isfinite(it->w) && isfinite(it->h);
}

/* How far an item may reach past the page's edge (a stroke's half width). */
#define SLACK 2.0

static char *check_item(const laid_out *lo, const page_box *page, const page_item *it) {
  if (!finite4(it)) return xasprintf("an item has a coordinate that is not finite");
  double x0 = fmin(it->x, it->x + it->w), x1 = fmax(it->x, it->x + it->w);
  double y0 = fmin(it->y, it->y + it->h), y1 = fmax(it->y, it->y + it->h);
  if (it->kind == IT_TEXT) y0 = y1 = it->y;
  if (x0 < -SLACK || y0 < -SLACK || x1 > page->w + SLACK || y1 > page->h + SLACK)
    return xasprintf("an item at (%.1f, %.1f)-(%.1f, %.1f) is off its %.1f x %.1f page", x0, y0, x1, y1, page->w, page->h);
  if (it->kind == IT_IMAGE || it->kind == IT_LINK) {
    const char *s = it->kind == IT_IMAGE ? it->path : it->url;
    if (!s || !*s) return xasprintf("an image or link item without its path or URL");
    return NULL;
  }
  if (it->kind != IT_TEXT) return NULL;
  if (!it->text) return xasprintf("a text item without text");
  if (!(it->size > 0) || !isfinite(it->size) || !isfinite(it->char_space))
    return xasprintf("the text item '%s' has size %g, spacing %g", it->text, it->size, it->char_space);
  if (it->face < 0 || (size_t)it->face >= lo->glyphs.nfaces || !lo->glyphs.faces[it->face].face)
    return xasprintf("the text item '%s' uses face %d, which is not in the glyph inventory", it->text, it->face);
  size_t len = strlen(it->text);
  if (utf8_invalid_offset(it->text, len) >= 0) return xasprintf("a text item is not valid UTF-8");
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t n = utf8_decode(it->text + i, len - i, &cp);
    i += n ? n : 1;
    if (!listed(lo, it->face, cp))
      return xasprintf("U+%04X of '%s' is not in face %d's glyph inventory", (unsigned)cp, it->text, it->face);
  }
  return NULL;
}

static char *check_page(const laid_out *lo, const page_box *page) {
  if (!(page->w > 0 && page->h > 0 && isfinite(page->w) && isfinite(page->h)))
    return xasprintf("the page size %g x %g is not positive and finite", page->w, page->h);
  for (size_t i = 0; i < page->len; i++) {
    char *why = check_item(lo, page, &page->items[i]);
    if (why) return why;
  }
  return NULL;
}

int laid_out_check(const laid_out *lo, char **why) {
  *why = NULL;
  for (size_t id = 0; id < lo->glyphs.nfaces && !*why; id++)
    for (size_t k = 1; k < lo->glyphs.faces[id].ncps && !*why; k++)
      if (lo->glyphs.faces[id].cps[k - 1] >= lo->glyphs.faces[id].cps[k])
        *why = xasprintf("face %zu's glyph inventory is not sorted and duplicate-free", id);
  for (size_t p = 0; p < lo->npages && !*why; p++) {
    char *w = check_page(lo, &lo->pages[p]);
    if (w) *why = xasprintf("page %zu: %s", p + 1, w);
    free(w);
  }
  for (size_t k = 0; k < lo->ncopies && !*why && lo->npages; k++) {
    char *w = check_page(lo, &(page_box){lo->copy_marks[k].items, lo->copy_marks[k].len, 0,
                                         lo->pages[0].w, lo->pages[0].h});
    if (w) *why = xasprintf("the number of copy %zu: %s", k + 1, w);
    free(w);
  }
  for (size_t i = 0; i < lo->noutline && !*why; i++)
    if (lo->outline[i].page < 0 || (size_t)lo->outline[i].page >= lo->npages || !isfinite(lo->outline[i].y))
      *why = xasprintf("the bookmark '%s' points at page %d of %zu", lo->outline[i].title, lo->outline[i].page + 1,
                       lo->npages);
  return *why ? -1 : 0;
}

/* A brief uses a few hundred of the 65536 characters: whole zero words of
 * the map are skipped (the per-bit loop was most of a small brief's layout). */
uint32_t *laid_out_cp_bitmap_list(const uint8_t *bits, size_t *n) {
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
