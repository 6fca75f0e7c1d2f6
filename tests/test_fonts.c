#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H
#include <hb.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "check.h"
#include "fonts.h"
#include "glyf_sparse.h"
#include "utf8.h"
#include "util.h"

/* The characters of an example summary that face f has, once each. */
static size_t example_chars(const font_face *f, uint32_t *out, size_t max) {
  char *text = NULL;
  size_t len = 0, n = 0;
  char *path = path_join(getenv("BRIEF_DATA") ? getenv("BRIEF_DATA") : ".", "input/陇西县.md");
  FILE *in = fopen(path, "rb");
  free(path);
  if (in) {
    text = xmalloc(1 << 20);
    len = fread(text, 1, (1 << 20) - 1, in);
    fclose(in);
  }
  for (size_t i = 0; i < len && n < max;) {
    uint32_t cp;
    size_t k = utf8_decode(text + i, len - i, &cp);
    i += k ? k : 1;
    bool seen = false;
    for (size_t j = 0; j < n && !seen; j++) seen = out[j] == cp;
    if (!seen && cp >= 0x20 && cp < 0x10000 && font_face_has(f, cp)) out[n++] = cp;
  }
  free(text);
  return n;
}

/* The first subset of a face in a process is planned on a copy of the font
 * holding only the glyphs it needs, read with pread (glyf_sparse.c); the
 * ones after it on the mapped file. Both must give the same bytes. */
static void test_sparse_subset(const font_chain *chain) {
  for (size_t i = 0; chain && i < chain->len; i++) {
    const font_face *f = chain->faces[i];
    const char *path = font_face_path(f);
    static uint32_t cps[4096];
    size_t n = example_chars(f, cps, 4096);
    CHECK(n > 50);
    /* A single TrueType file with long loca offsets (LXGW WenKai) is one
     * the copy is made for; a CFF face is never copied (no glyf). */
    if (!font_face_is_cff(f) && str_ends_with(path, ".ttf")) {
      int fd = open(path, O_RDONLY);
      struct stat st;
      void *m = fd >= 0 && fstat(fd, &st) == 0 ? mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
      hb_set_t *keep = hb_set_create(), *drop = hb_set_create();
      hb_set_add(keep, 0);
      hb_face_t *sparse = m != MAP_FAILED ? glyf_sparse_face(path, m, (size_t)st.st_size, keep, drop) : NULL;
      CHECK(sparse != NULL);
      hb_face_destroy(sparse);
      hb_set_destroy(keep);
      hb_set_destroy(drop);
      if (m != MAP_FAILED) munmap(m, (size_t)st.st_size);
      if (fd >= 0) close(fd);
    }
    char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0, na = 0, nb = 0;
    font_code_glyph *ga = NULL, *gb = NULL;
    diag_list dl = {0};
    CHECK(font_face_subset_glyphs(f, cps, n, NULL, 0, &a, &alen, &ga, &na, &dl) == 0); /* on the copy */
    CHECK(font_face_subset_glyphs(f, cps, n, NULL, 0, &b, &blen, &gb, &nb, &dl) == 0); /* on the file */
    bool same = a && b && alen == blen && memcmp(a, b, alen) == 0 && na == nb && memcmp(ga, gb, na * sizeof *ga) == 0;
    if (!same) fprintf(stderr, "%s: the subset of %zu characters differs (%zu and %zu bytes)\n", path, n, alen, blen);
    CHECK(same);
    free(a);
    free(b);
    free(ga);
    free(gb);
    diag_clear(&dl);
  }
}

/* The same subset from two processes' worth of history: a store that met
 * the Latin (proportional) glyphs first numbers the font DICTs it keeps in
 * another order, yet gives the same bytes. */
static void test_store_history(const char *dir) {
  diag_list dl = {0};
  uint32_t x[] = {0x0041, 0x4E00, 0xFF0C, 0x3002}, y[] = {0x0042, 0x0043, 0x0031};
  char *a = NULL, *b = NULL, *c = NULL;
  size_t alen = 0, blen = 0, clen = 0, na = 0, nb = 0, nc = 0;
  font_code_glyph *ga = NULL, *gb = NULL, *gc = NULL;
  font_lib *one = font_lib_new(dir, &dl), *two = font_lib_new(dir, &dl);
  const font_face *f1 = one ? font_chain_find(font_lib_role(one, "song", &dl), 0x4E00) : NULL;
  const font_face *f2 = two ? font_chain_find(font_lib_role(two, "song", &dl), 0x4E00) : NULL;
  CHECK(f1 && f2 && font_face_is_cff(f1));
  if (f1 && f2) {
    CHECK(font_face_subset_glyphs(f1, x, 4, NULL, 0, &a, &alen, &ga, &na, &dl) == 0);
    CHECK(font_face_subset_glyphs(f2, y, 3, NULL, 0, &c, &clen, &gc, &nc, &dl) == 0);
    CHECK(font_face_subset_glyphs(f2, x, 4, NULL, 0, &b, &blen, &gb, &nb, &dl) == 0);
    CHECK(a && b && alen == blen && memcmp(a, b, alen) == 0 && na == nb && memcmp(ga, gb, na * sizeof *ga) == 0);
  }
  free(a), free(b), free(c), free(ga), free(gb), free(gc);
  font_lib_free(one);
  font_lib_free(two);
  diag_clear(&dl);
}

int main(void) {
  diag_list dl = {0};
  char *dir = path_join(getenv("BRIEF_DATA") ? getenv("BRIEF_DATA") : ".", "fonts");
  font_lib *lib = font_lib_new(dir, &dl);
  CHECK(lib != NULL);
  if (!lib) return check_report();
  const font_chain *fangsong = font_lib_role(lib, "fangsong", &dl);
  const font_chain *hei = font_lib_role(lib, "hei", &dl);
  CHECK(fangsong && fangsong->len >= 2);
  CHECK(hei && hei->len >= 1);
  const font_chain *kai = font_lib_role(lib, "kai", &dl);
  CHECK(kai && kai->len >= 1 && !font_face_is_cff(kai->faces[0]));
  test_sparse_subset(kai); /* before any other subset of these faces */
  test_sparse_subset(hei);
  test_store_history(dir);
  /* Fallback: the first face of the chain that has the character. */
  const font_face *f = font_chain_find(fangsong, 0x9647); /* 陇 */
  CHECK(f != NULL);
  CHECK(f && strstr(font_face_path(f), ".tt") != NULL);
  CHECK(font_chain_find(hei, 0x9647) != NULL);
  /* A character in no font of the chain: NULL, never a tofu glyph. */
  CHECK(font_chain_find(fangsong, 0x2FFF) == NULL);
  CHECK(font_lib_role(lib, "no-such-role", &dl) == NULL && dl.errors == 1);
  /* Metrics: ideographs are one em; subsets are small TrueType fonts. */
  CHECK_NEAR(font_face_advance(f, 0x4E00), 1.0, 0.02);
  uint32_t cps[] = {0x4E00, 0x9647, 0x3002};
  char *data = NULL;
  size_t len = 0;
  CHECK(font_face_subset(f, cps, 3, NULL, 0, &data, &len, &dl) == 0);
  CHECK(len > 100 && len < 60000);
  CHECK(data && memcmp(data, font_face_is_cff(f) ? "OTTO" : "\0\1\0\0", 4) == 0);
  free(data);
  /* Mainland punctuation from the font's GPOS 'halt': 、 and ， blank on the
   * right, （ and “ on the left, half an em each (Noto Serif CJK SC: the
   * collection's SC face; its JP face's “ is a proportional glyph). */
  const font_face *song = font_chain_find(font_lib_role(lib, "song", &dl), 0x3001);
  CHECK(song && strcmp(font_face_family(song), "Noto Serif CJK SC") == 0 && font_face_is_cff(song));
  if (song) {
    double l, r;
    CHECK(font_face_blanks_from_gpos(song));
    CHECK(font_face_blanks(song, 0x3001, &l, &r) && l < 0.01 && fabs(r - 0.5) < 0.01);
    CHECK(font_face_blanks(song, 0xFF0C, &l, &r) && l < 0.01 && fabs(r - 0.5) < 0.01);
    CHECK(font_face_blanks(song, 0xFF08, &l, &r) && fabs(l - 0.5) < 0.01 && r < 0.01);
    CHECK(font_face_blanks(song, 0x201C, &l, &r) && fabs(l - 0.5) < 0.01 && r < 0.01);
    CHECK(!font_face_blanks(song, 0x4E00, &l, &r));
    /* Its Chinese dash is a full-em glyph the cmap does not reach. */
    CHECK(font_face_variant(song, 0x2014) != 0);
    CHECK_NEAR(font_face_advance(song, 0x2014), 1.0, 0.01);
    /* A subset with Private Use codes: 𬌗 under U+E000, the dash under U+E001. */
    uint32_t bmp[] = {0x4E00, 0x738B};
    font_code codes[] = {{0xE000, 0x2C317, font_face_glyph(song, 0x2C317)},
                         {0xE001, 0x2014, font_face_variant(song, 0x2014)}};
    CHECK(font_face_has(song, 0x2C317) && codes[0].gid != 0);
    CHECK(font_face_subset(song, bmp, 2, codes, 2, &data, &len, &dl) == 0);
    hb_blob_t *blob = hb_blob_create(data, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_font_t *font = hb_font_create(face);
    hb_codepoint_t g1 = 0, g2 = 0, g3 = 0, g4 = 0;
    CHECK(hb_font_get_nominal_glyph(font, 0x4E00, &g1) && hb_font_get_nominal_glyph(font, 0x738B, &g2));
    CHECK(hb_font_get_nominal_glyph(font, 0xE000, &g3) && hb_font_get_nominal_glyph(font, 0xE001, &g4));
    CHECK(g1 && g2 && g3 && g4 && g1 != g2 && g3 != g4 && g3 != g1);
    CHECK(hb_font_get_glyph_h_advance(font, g4) == 1000);
    CHECK(hb_face_get_glyph_count(face) == 5); /* .notdef and the four */
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    free(data);
    /* The PDF's subset of a CFF face: the bare CID-keyed CFF program
     * (/FontFile3 /CIDFontType0C), each glyph's CID the code showing it,
     * as FreeType reads its charset. The glyph with CID = code is the
     * code's glyph of the full font: the same ink box and advance.
     * (FreeType loads a bare CID-keyed CFF's glyphs by CID, as a PDF
     * reader does.) */
    font_code_glyph *glyphs = NULL;
    size_t n = 0;
    CHECK(font_face_subset_glyphs(song, bmp, 2, codes, 2, &data, &len, &glyphs, &n, &dl) == 0);
    CHECK(n == 4 && glyphs && glyphs[0].code == 0x4E00 && glyphs[1].code == 0x738B && glyphs[2].code == 0xE000
          && glyphs[3].code == 0xE001);
    for (size_t i = 0; glyphs && i < n; i++) CHECK(glyphs[i].gid == glyphs[i].code); /* CID = code */
    FT_Library ftl;
    FT_Face sub = NULL, whole = NULL;
    CHECK(FT_Init_FreeType(&ftl) == 0);
    CHECK(data && len > 4 && data[0] == 1 && FT_New_Memory_Face(ftl, (const FT_Byte *)data, (FT_Long)len, 0, &sub) == 0);
    CHECK(FT_New_Face(ftl, font_face_path(song), 2, &whole) == 0 && strstr(whole->family_name, "SC") != NULL);
    FT_Bool cid_keyed = 0;
    CHECK(sub && FT_Get_CID_Is_Internally_CID_Keyed(sub, &cid_keyed) == 0 && cid_keyed);
    for (size_t i = 0; sub && whole && glyphs && i < n; i++) {
      FT_UInt by_cid = 0, cid = 0;
      for (FT_UInt g = 1; g < (FT_UInt)sub->num_glyphs; g++)
        if (FT_Get_CID_From_Glyph_Index(sub, g, &cid) == 0 && cid == glyphs[i].code) by_cid = g;
      CHECK(by_cid != 0);
      CHECK(FT_Load_Glyph(sub, glyphs[i].code, FT_LOAD_NO_SCALE) == 0);
      FT_Glyph_Metrics a = sub->glyph->metrics;
      CHECK(FT_Load_Glyph(whole, glyphs[i].full_gid, FT_LOAD_NO_SCALE) == 0);
      FT_Glyph_Metrics b = whole->glyph->metrics;
      CHECK(a.horiBearingX == b.horiBearingX && a.horiBearingY == b.horiBearingY && a.width == b.width &&
            a.height == b.height && a.width > 0);
      if (i < 2) CHECK(glyphs[i].full_gid == font_face_glyph(song, glyphs[i].code));
    }
    CHECK(glyphs && glyphs[3].full_gid == codes[1].gid);
    CHECK_NEAR(font_face_glyph_advance(song, codes[1].gid), 1.0, 0.01);
    if (sub) FT_Done_Face(sub);
    free(data);
    free(glyphs);
    /* Two codes of one glyph (U+2F00 ⼀ and U+4E00 一, U+3000 and U+2003 in
     * Noto CJK): a CID names one glyph, so the glyph is copied and each
     * code has its own. */
    uint32_t twins[] = {0x2003, 0x2F00, 0x3000, 0x4E00};
    CHECK(font_face_glyph(song, 0x2F00) == font_face_glyph(song, 0x4E00));
    CHECK(font_face_subset_glyphs(song, twins, 4, NULL, 0, &data, &len, &glyphs, &n, &dl) == 0);
    CHECK(n == 4 && FT_New_Memory_Face(ftl, (const FT_Byte *)data, (FT_Long)len, 0, &sub) == 0);
    for (size_t i = 0; sub && whole && i < n; i++) {
      FT_UInt by_cid = 0, cid = 0, count = 0;
      for (FT_UInt g = 1; g < (FT_UInt)sub->num_glyphs; g++)
        if (FT_Get_CID_From_Glyph_Index(sub, g, &cid) == 0 && cid == twins[i]) by_cid = g, count++;
      CHECK(count == 1 && by_cid && FT_Load_Glyph(sub, twins[i], FT_LOAD_NO_SCALE) == 0);
      FT_Glyph_Metrics a = sub->glyph->metrics;
      CHECK(FT_Load_Glyph(whole, FT_Get_Char_Index(whole, twins[i]), FT_LOAD_NO_SCALE) == 0);
      CHECK(a.width == whole->glyph->metrics.width && a.horiBearingX == whole->glyph->metrics.horiBearingX);
    }
    if (sub) FT_Done_Face(sub);
    if (whole) FT_Done_Face(whole);
    FT_Done_FreeType(ftl);
    /* A subset's bytes depend on its glyphs and CIDs only, not on what the
     * face's store of glyphs held when it was made (a batch's PDFs must not
     * depend on which worker rendered which brief). */
    static uint32_t many[4096];
    size_t nmany = example_chars(song, many, 4096);
    char *all = NULL, *again = NULL;
    size_t all_len = 0, again_len = 0, nall = 0, nagain = 0;
    font_code_glyph *gall = NULL, *gagain = NULL;
    CHECK(nmany > 300 && font_face_subset_glyphs(song, many, nmany, NULL, 0, &all, &all_len, &gall, &nall, &dl) == 0);
    CHECK(font_face_subset_glyphs(song, twins, 4, NULL, 0, &again, &again_len, &gagain, &nagain, &dl) == 0);
    CHECK(again && again_len == len && memcmp(again, data, len) == 0 && nagain == n);
    CHECK(all && all_len > 20 * len && nall >= nmany - 2);
    free(all), free(again), free(gall), free(gagain);
    free(data);
    free(glyphs);
    font_metrics m;
    font_face_metrics(song, &m);
    CHECK(strcmp(m.ps_name, "NotoSerifCJKsc-Regular") == 0 && m.ascent > 800 && m.descent < 0 && m.weight == 400);
  }
  font_lib_free(lib);
  /* Families are matched as fontconfig lists them: case and blanks aside,
   * and of the weight a pattern names. */
  char tmpl[] = "/tmp/brief-fontmap-XXXXXX";
  char *tmp = mkdtemp(tmpl);
  CHECK(tmp != NULL);
  if (tmp) {
    char *map = path_join(tmp, "fontmap.yaml");
    FILE *fp = fopen(map, "w");
    fputs("bold: [\"notoserif SC:weight=bold\"]\nplain: [NOTO SERIF SC]\nnone: [No Such Family]\n", fp);
    fclose(fp);
    lib = font_lib_new(tmp, &dl);
    CHECK(lib != NULL);
    const font_chain *bold = lib ? font_lib_role(lib, "bold", NULL) : NULL;
    const font_chain *plain = lib ? font_lib_role(lib, "plain", NULL) : NULL;
    CHECK(bold && bold->len == 1 && strstr(font_face_path(bold->faces[0]), "Bold") != NULL);
    CHECK(plain && plain->len == 1 && strstr(font_face_path(plain->faces[0]), "Regular") != NULL);
    CHECK(lib && font_lib_role(lib, "none", NULL) == NULL);
    font_lib_free(lib);
    remove(map);
    rmdir(tmp);
    free(map);
  }
  free(dir);
  diag_clear(&dl);
  return check_report();
}
