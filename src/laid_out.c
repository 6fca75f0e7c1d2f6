/* Operations on the output model as a whole: concatenating documents (the
 * booklet) and checking its invariants. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "utf8.h"
#include "util.h"

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

/* The code the booklet dst gives a glyph of face id shown under a Private
 * Use code (dst's own codes first, then each document's in the order they
 * come: the same for any number of workers). A character and a glyph: two
 * variants of one character keep two codes. */
uint16_t laid_out_booklet_code(laid_out *dst, const font_code *c, size_t id) {
  for (size_t k = 0; k < dst->face_ncodes[id]; k++)
    if (dst->face_codes[id][k].cp == c->cp && dst->face_codes[id][k].gid == c->gid) return dst->face_codes[id][k].code;
  size_t n = dst->face_ncodes[id];
  uint32_t code = n ? dst->face_codes[id][n - 1].code + 1u : 0xE000;
  while (code <= 0xF8FF && font_face_has(dst->faces[id], code)) code++;
  dst->face_codes[id] = xrealloc(dst->face_codes[id], (n + 1) * sizeof *dst->face_codes[id]);
  dst->face_codes[id][n] = (font_code){(uint16_t)code, c->cp, c->gid};
  dst->face_ncodes[id] = n + 1;
  return (uint16_t)code;
}

/* Each document numbers its Private Use codes from U+E000: in dst a
 * character keeps one code per face, so src's runs are re-encoded. */
void laid_out_recode(laid_out *dst, laid_out *src, size_t id) {
  size_t n = src->face_ncodes ? src->face_ncodes[id] : 0;
  if (!n) return;
  uint16_t *to = xcalloc(n + 1, sizeof *to);
  bool same = true;
  for (size_t k = 0; k < n; k++) {
    to[k] = laid_out_booklet_code(dst, &src->face_codes[id][k], id);
    same &= to[k] == src->face_codes[id][k].code;
  }
  for (size_t p = 0; p < src->npages && !same; p++)
    for (size_t i = 0; i < src->pages[p].len; i++) {
      page_item *it = &src->pages[p].items[i];
      if (it->kind != IT_TEXT || (size_t)it->face != id) continue;
      strbuf sb = {0};
      for (const char *q = it->text; *q;) {
        uint32_t cp;
        size_t len = utf8_decode(q, strlen(q), &cp);
        if (!len) break;
        q += len;
        for (size_t k = 0; k < n; k++)
          if (src->face_codes[id][k].code == cp) {
            cp = to[k];
            break;
          }
        char buf[4];
        sb_append(&sb, buf, utf8_encode(cp, buf));
      }
      free(it->text);
      it->text = sb_take(&sb);
    }
  free(to);
}

#define GROW(field) dst->field = xrealloc(dst->field, (src->nfaces + 1) * sizeof *dst->field)

static void append_glyphs(laid_out *dst, laid_out *src) {
  if (dst->nfaces < src->nfaces) {
    GROW(faces);
    GROW(face_cps);
    GROW(face_ncps);
    GROW(face_codes);
    GROW(face_ncodes);
    for (size_t id = dst->nfaces; id < src->nfaces; id++) {
      dst->faces[id] = NULL;
      dst->face_cps[id] = NULL;
      dst->face_ncps[id] = 0;
      dst->face_codes[id] = NULL;
      dst->face_ncodes[id] = 0;
    }
    dst->nfaces = src->nfaces;
  }
  for (size_t id = 0; id < src->nfaces; id++) {
    if (src->face_ncodes[id]) {
      dst->faces[id] = src->faces[id];
      laid_out_recode(dst, src, id);
    }
    if (!src->face_ncps[id]) continue;
    dst->faces[id] = src->faces[id];
    size_t n;
    uint32_t *set = merge_sets(dst->face_cps[id], dst->face_ncps[id], src->face_cps[id], src->face_ncps[id], &n);
    free(dst->face_cps[id]);
    dst->face_cps[id] = set;
    dst->face_ncps[id] = n;
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

/* ---- laid_out_check ---------------------------------------------------- */

static bool listed(const laid_out *lo, int face, uint32_t cp) {
  for (size_t k = 0; cp >= 0xE000 && cp <= 0xF8FF && k < lo->face_ncodes[face]; k++)
    if (lo->face_codes[face][k].code == cp) return true; /* a Private Use code of the face */
  const uint32_t *set = lo->face_cps[face];
  size_t lo_i = 0, hi = lo->face_ncps[face];
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
  if (it->face < 0 || (size_t)it->face >= lo->nfaces || !lo->faces[it->face])
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
  for (size_t id = 0; id < lo->nfaces && !*why; id++)
    for (size_t k = 1; k < lo->face_ncps[id] && !*why; k++)
      if (lo->face_cps[id][k - 1] >= lo->face_cps[id][k])
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
