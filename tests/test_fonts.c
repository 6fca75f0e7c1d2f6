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
    /* Noto's single TrueType files are ones the copy is made for. */
    if (strstr(path, "NotoSerifSC") || strstr(path, "NotoSansSC")) {
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
  test_sparse_subset(fangsong); /* before any other subset of these faces */
  test_sparse_subset(hei);
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
  CHECK(data && memcmp(data, "\0\1\0\0", 4) == 0);
  free(data);
  /* Mainland punctuation from the font's GPOS 'halt': 、 and ， blank on the
   * right, （ and “ on the left, half an em each (Noto Serif SC). */
  const font_face *song = font_chain_find(font_lib_role(lib, "song", &dl), 0x3001);
  CHECK(song && strstr(font_face_family(song), "Noto Serif SC") != NULL);
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
    /* The PDF's subset (no cmap: /CIDToGIDMap reaches its glyphs): each
     * code's glyph in the subset is its glyph of the full font, the same
     * ink box and advance. */
    font_code_glyph *glyphs = NULL;
    size_t n = 0;
    CHECK(font_face_subset_glyphs(song, bmp, 2, codes, 2, &data, &len, &glyphs, &n, &dl) == 0);
    CHECK(n == 4 && glyphs && glyphs[0].code == 0x4E00 && glyphs[1].code == 0x738B && glyphs[2].code == 0xE000
          && glyphs[3].code == 0xE001);
    blob = hb_blob_create(data, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
    face = hb_face_create(blob, 0);
    font = hb_font_create(face);
    CHECK(hb_face_get_glyph_count(face) == 5);
    hb_codepoint_t unused;
    CHECK(!hb_font_get_nominal_glyph(font, 0x4E00, &unused)); /* its cmap was dropped */
    hb_blob_t *full_blob = hb_blob_create_from_file(font_face_path(song));
    hb_face_t *full_face = hb_face_create(full_blob, 0);
    hb_blob_destroy(full_blob);
    hb_font_t *full = hb_font_create(full_face);
    for (size_t i = 0; glyphs && i < n; i++) {
      hb_glyph_extents_t a, b;
      CHECK(hb_font_get_glyph_extents(font, glyphs[i].gid, &a) && hb_font_get_glyph_extents(full, glyphs[i].full_gid, &b));
      CHECK(a.x_bearing == b.x_bearing && a.y_bearing == b.y_bearing && a.width == b.width && a.height == b.height);
      CHECK(hb_font_get_glyph_h_advance(font, glyphs[i].gid) == hb_font_get_glyph_h_advance(full, glyphs[i].full_gid));
      if (i < 2) CHECK(glyphs[i].full_gid == font_face_glyph(song, glyphs[i].code));
    }
    hb_font_destroy(full);
    hb_face_destroy(full_face);
    CHECK(glyphs && glyphs[3].full_gid == codes[1].gid && hb_font_get_glyph_h_advance(font, glyphs[3].gid) == 1000);
    CHECK_NEAR(font_face_glyph_advance(song, codes[1].gid), 1.0, 0.01);
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    free(data);
    free(glyphs);
    font_metrics m;
    font_face_metrics(song, &m);
    CHECK(strcmp(m.ps_name, "NotoSerifSC-Regular") == 0 && m.ascent > 800 && m.descent < 0 && m.weight == 400);
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
