#include "glyphrun.h"

#include <hb.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static uint32_t char_of_code(const font_code *codes, size_t ncodes, uint32_t code) {
  if (code < 0xE000 || code > 0xF8FF) return code;
  for (size_t i = 0; i < ncodes; i++)
    if (codes[i].code == code) return codes[i].cp;
  return code;
}

double glyphrun_of(const page_item *it, const font_face *face, run_glyphs *out) {
  return glyphrun_with_codes(it, face, NULL, 0, out);
}

double glyphrun_with_codes(const page_item *it, const font_face *face, const font_code *codes,
                           size_t ncodes, run_glyphs *out) {
  out->len = 0;
  double pen = it->x;
  for (const char *p = it->text ? it->text : "", *end = p + strlen(p); p < end;) {
    uint32_t cp;
    size_t n = utf8_decode(p, (size_t)(end - p), &cp);
    if (!n) break;
    p += n;
    /* A BMP character is shown by its own code; a Private Use code of the
     * subset stands for a character beyond the BMP or a glyph variant
     * (font_face_advance gives the variant's advance for its character). */
    uint32_t real = char_of_code(codes, ncodes, cp);
    run_glyph g = {cp, real, pen, font_face_advance(face, real) * it->size};
    VEC_PUSH(*out, g);
    pen += g.advance + it->char_space;
  }
  return out->len ? pen - it->char_space - it->x : 0;
}

char *glyphrun_text(const run_glyphs *g) {
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

subset_cmap *glyphrun_cmap_new(const char *font, size_t len) {
  hb_blob_t *blob = hb_blob_create(font, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
  hb_face_t *face = hb_face_create(blob, 0);
  subset_cmap *m = xcalloc(1, sizeof *m);
  m->font = hb_font_create(face);
  hb_face_destroy(face);
  hb_blob_destroy(blob);
  return m;
}

uint32_t glyphrun_cmap_glyph(const subset_cmap *m, uint32_t cp) {
  hb_codepoint_t g = 0;
  return hb_font_get_nominal_glyph(m->font, cp, &g) ? g : 0;
}

void glyphrun_cmap_free(subset_cmap *m) {
  if (!m) return;
  hb_font_destroy(m->font);
  free(m);
}
