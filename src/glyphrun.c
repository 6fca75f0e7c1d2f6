#include "glyphrun.h"

#include <hb.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

double run_glyphs_of(const page_item *it, const font_face *face, run_glyphs *out) {
  out->len = 0;
  double pen = it->x;
  for (const char *p = it->text ? it->text : "", *end = p + strlen(p); p < end;) {
    uint32_t cp;
    size_t n = utf8_decode(p, (size_t)(end - p), &cp);
    if (!n) break;
    p += n;
    /* Every code is its character's own cmap code today: the layout
     * prints each character with its cmap glyph. */
    run_glyph g = {cp, cp, pen, font_face_advance(face, cp) * it->size};
    VEC_PUSH(*out, g);
    pen += g.advance + it->char_space;
  }
  return out->len ? pen - it->char_space - it->x : 0;
}

char *run_glyphs_text(const run_glyphs *g) {
  strbuf sb = {0};
  sb_puts(&sb, "");
  for (size_t i = 0; i < g->len; i++) {
    char buf[4];
    sb_append(&sb, buf, utf8_encode(g->items[i].cp, buf));
  }
  return sb_take(&sb);
}

struct subset_cmap {
  hb_font_t *font;
};

subset_cmap *subset_cmap_new(const char *font, size_t len) {
  hb_blob_t *blob = hb_blob_create(font, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
  hb_face_t *face = hb_face_create(blob, 0);
  subset_cmap *m = xcalloc(1, sizeof *m);
  m->font = hb_font_create(face);
  hb_face_destroy(face);
  hb_blob_destroy(blob);
  return m;
}

uint32_t subset_cmap_glyph(const subset_cmap *m, uint32_t cp) {
  hb_codepoint_t g = 0;
  return hb_font_get_nominal_glyph(m->font, cp, &g) ? g : 0;
}

void subset_cmap_free(subset_cmap *m) {
  if (!m) return;
  hb_font_destroy(m->font);
  free(m);
}
