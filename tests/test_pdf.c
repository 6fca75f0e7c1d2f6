/* The PDF stage's libharu error table against libharu's header, and a
 * subset with its cmap (as the OFD writer embeds it) read by two
 * independent readers, libharu's TrueType loader and FreeType: they agree
 * on every code point, and it maps exactly the characters asked for. */
#include <ft2build.h>
#include FT_FREETYPE_H
#include <hpdf.h>
#include <hpdf_fontdef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hpdf_compat.h"
#include "fonts.h"
#include "pdf.h"
#include "utf8.h"
#include "util.h"

static const char *sample =
    "全面建成小康社会，难点在农村，关键在农村基层党组织。陇西县扶贫开发已进入攻坚拔寨的冲刺期，"
    "贫困人口多数居住在偏远山区，受教育程度低，因灾因病返贫的风险高，稳定脱贫难度很大。"
    "盘州市组建联村党委、村级合作社和村办公司，黔西县开展城乡共建新农村党建结对帮扶。ABC 123%";

/* Every code of libharu's hpdf_error.h is in hpdf_compat.c's table, under
 * its own name, with a meaning and a fix (issue 14). */
static void test_error_table(void) {
  FILE *f = fopen(HPDF_ERROR_H, "r");
  CHECK(f != NULL);
  if (!f) return;
  char line[256], name[128];
  unsigned code;
  size_t n = 0;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "#define %127s 0x%x", name, &code) == 2 && code >= 0x1000 && code < 0x1100) {
      hpdf_error_info e = hpdf_error_explain((HPDF_STATUS)code);
      CHECK_STR(e.name, name);
      CHECK(e.meaning && *e.meaning && e.fix && *e.fix);
      n++;
    }
  fclose(f);
  CHECK(n > 100 && n == hpdf_error_codes(NULL, 0));
  CHECK(strstr(hpdf_error_explain(0x1015).meaning, "out of memory") != NULL);
  CHECK(strstr(hpdf_error_explain(0x105B).fix, "shorten") != NULL);
  CHECK(!strcmp(hpdf_error_explain(0x7777).name, "an unknown code"));
}

int main(void) {
  test_error_table();
  diag_list dl = {0};
  char *dir = path_join(getenv("BRIEF_DATA") ? getenv("BRIEF_DATA") : ".", "fonts");
  font_lib *lib = font_lib_new(dir, &dl);
  CHECK(lib != NULL);
  if (!lib) return check_report();
  /* A TrueType face (LXGW WenKai): libharu reads TrueType subsets only. */
  const font_chain *ch = font_lib_role(lib, "kai", &dl);
  CHECK(ch && !font_face_is_cff(ch->faces[0]));
  VEC(uint32_t) cps = {0};
  for (const char *p = sample; *p;) {
    uint32_t cp;
    p += utf8_decode(p, strlen(p), &cp);
    if (font_face_has(ch->faces[0], cp)) VEC_PUSH(cps, cp);
  }
  char *data;
  size_t len;
  CHECK(font_face_subset(ch->faces[0], cps.items, cps.len, NULL, 0, &data, &len, &dl) == 0);
  char path[] = "/tmp/brief-subset-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0 && write(fd, data, len) == (ssize_t)len);
  close(fd);

  /* Every code point: libharu's font definition of the subset
   * (HPDF_TTFontDef_GetGlyphid) agrees with FreeType's cmap of it. */
  HPDF_Doc pdf = HPDF_New(NULL, NULL);
  HPDF_FontDef def = HPDF_GetTTFontDefFromFile(pdf, path, HPDF_FALSE);
  FT_Library ft;
  FT_Face face;
  FT_Init_FreeType(&ft);
  CHECK(def != NULL && FT_New_Face(ft, path, 0, &face) == 0);
  int mismatches = 0, mapped = 0;
  for (uint32_t u = 0; def && u < 0x10000; u++) {
    HPDF_UINT16 ours = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)u);
    FT_UInt theirs = FT_Get_Char_Index(face, u);
    mismatches += ours != theirs;
    mapped += theirs != 0;
  }
  for (uint32_t u = 0x10000; def && u-- > 0;) /* and in descending order (no memo help) */
    mismatches += HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)u) != FT_Get_Char_Index(face, u);
  printf("cmap lookup: %d code points mapped, %d mismatches against FreeType\n", mapped, mismatches);
  CHECK(mismatches == 0);
  int distinct = 0;
  for (size_t i = 0; i < cps.len; i++) {
    bool seen = false;
    for (size_t k = 0; k < i; k++) seen |= cps.items[k] == cps.items[i];
    distinct += !seen;
  }
  CHECK(mapped == distinct); /* the subset maps exactly the characters asked for */
  /* The subset keeps .notdef one em wide: glyph 0's advance is unitsPerEm. */
  CHECK(FT_Load_Glyph(face, 0, FT_LOAD_NO_SCALE) == 0 && face->units_per_EM > 0 &&
        face->glyph->metrics.horiAdvance == face->units_per_EM);
  FT_Done_Face(face);
  FT_Done_FreeType(ft);
  if (def) HPDF_FontDef_Free(def); /* HPDF_GetTTFontDefFromFile hands the definition to the caller */
  HPDF_Free(pdf);

  /* So libharu writes /DW 1000 (the default width, from glyph 0) into the
   * CID font of a PDF that uses it, and /W lists only the exceptions. */
  CHECK(memcmp(data, "\0\1\0\0", 4) == 0); /* TrueType outlines */
  HPDF_Doc doc = HPDF_New(NULL, NULL);
  HPDF_UseUTFEncodings(doc);
  const char *name = HPDF_LoadTTFontFromFile(doc, path, HPDF_TRUE);
  HPDF_Font font = name ? HPDF_GetFont(doc, name, "UTF-8") : NULL;
  HPDF_Page page = HPDF_AddPage(doc);
  CHECK(font != NULL);
  if (font) {
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font, 12);
    HPDF_Page_ShowText(page, "全面建成小康社会");
    HPDF_Page_EndText(page);
  }
  char pdf_path[] = "/tmp/brief-dw-XXXXXX";
  int pfd = mkstemp(pdf_path);
  close(pfd);
  CHECK(HPDF_SaveToFile(doc, pdf_path) == HPDF_OK); /* uncompressed: the dictionaries are plain text */
  HPDF_Free(doc);
  size_t pdf_len = 0;
  char *pdf_bytes = file_read(pdf_path, &pdf_len);
  const char *dw = pdf_bytes ? strstr(pdf_bytes, "/DW ") : NULL;
  CHECK(dw != NULL && strncmp(dw, "/DW 1000", 8) == 0 && (dw[8] < '0' || dw[8] > '9'));
  if (dw) printf("CID font default width: %.8s\n", dw);
  free(pdf_bytes);
  unlink(pdf_path);
  unlink(path);
  free(data);
  VEC_FREE(cps);
  font_lib_free(lib);
  free(dir);
  diag_clear(&dl);
  return check_report();
}
