/* The shared glyph walker and subset cmap (glyphrun.c), and the OFD
 * writer on a hand-made page: one run's TextCode, X/Y and DeltaX. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "check.h"
#include "fonts.h"
#include "glyphrun.h"
#include "ofd.h"
#include "util.h"


static char *entry_text(const char *path, const char *name) {
  zip_t *z = zip_open(path, ZIP_RDONLY, NULL);
  if (!z) return NULL;
  zip_stat_t st;
  char *buf = NULL;
  if (zip_stat(z, name, 0, &st) == 0) {
    zip_file_t *f = zip_fopen(z, name, 0);
    buf = xcalloc(st.size + 1, 1);
    if (!f || zip_fread(f, buf, st.size) != (zip_int64_t)st.size) buf[0] = '\0';
    if (f) zip_fclose(f);
  }
  zip_close(z);
  return buf;
}

int main(void) {
  diag_list dl = {0};
  char *dir = path_join(getenv("BRIEF_DATA") ? getenv("BRIEF_DATA") : ".", "fonts");
  font_lib *lib = font_lib_new(dir, &dl);
  CHECK(lib != NULL);
  if (!lib) return check_report();
  const font_face *f = font_chain_find(font_lib_role(lib, "fangsong", &dl), 0x4E2D); /* 中 */
  CHECK(f != NULL);
  if (!f) return check_report();

  /* Pen positions: each glyph's advance at the size plus char_space. */
  page_item run = {.kind = IT_TEXT, .x = 100, .y = 700, .face = font_face_id(f), .size = 16,
                   .char_space = 2, .text = "中文A"};
  run_glyphs g = {0};
  double width = glyphrun_of(&run, f, &g);
  CHECK(g.len == 3);
  double a0 = font_face_advance(f, 0x4E2D) * 16, a1 = font_face_advance(f, 0x6587) * 16,
         a2 = font_face_advance(f, 'A') * 16;
  CHECK_NEAR(g.items[0].x, 100, 1e-9);
  CHECK_NEAR(g.items[1].x, 100 + a0 + 2, 1e-9);
  CHECK_NEAR(g.items[2].x, 100 + a0 + a1 + 4, 1e-9);
  CHECK_NEAR(width, a0 + a1 + a2 + 4, 1e-9); /* no spacing after the last glyph */
  CHECK(g.items[0].cp == 0x4E2D && g.items[0].code == 0x4E2D);
  /* Characters beyond the BMP are one glyph each, their real code point. */
  page_item far = run;
  far.text = "\xF0\xA0\xAE\xB7"; /* U+20BB7 𠮷 */
  glyphrun_of(&far, f, &g);
  CHECK(g.len == 1 && g.items[0].cp == 0x20BB7);
  char *back = glyphrun_text(&g);
  CHECK_STR(back, "\xF0\xA0\xAE\xB7");
  free(back);

  /* The subset's own cmap: kept characters map to distinct glyphs, others to 0. */
  uint32_t cps[] = {0x4E2D, 0x6587};
  char *data = NULL;
  size_t len = 0;
  CHECK(font_face_subset(f, cps, 2, NULL, 0, &data, &len, &dl) == 0);
  subset_cmap *m = data ? glyphrun_cmap_new(data, len) : NULL;
  CHECK(m && glyphrun_cmap_glyph(m, 0x4E2D) != 0 && glyphrun_cmap_glyph(m, 0x6587) != 0);
  CHECK(m && glyphrun_cmap_glyph(m, 0x4E2D) != glyphrun_cmap_glyph(m, 0x6587));
  CHECK(m && glyphrun_cmap_glyph(m, 0x56FD) == 0); /* 国: not in the subset */
  glyphrun_cmap_free(m);
  free(data);

  /* The OFD of one page holding the run "中中中中" (equal steps: "g 3 d"). */
  page_item item = run;
  item.text = xstrdup("中中中中");
  item.char_space = 1;
  page_box page = {&item, 1, 1};
  face_glyphs faces[64] = {{0}};
  uint32_t zhong = 0x4E2D;
  size_t nf = font_lib_face_count(lib);
  CHECK(nf < 64);
  faces[item.face] = (face_glyphs){.face = f, .cps = &zhong, .ncps = 1};
  page.w = 595.276, page.h = 841.89;
  laid_out lo = {.pages = &page, .npages = 1, .glyphs = {faces, nf},
                 .info = {.title = "标题", .date = "2020-01-02"}};
  char path[] = "/tmp/test_glyphrun-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0);
  if (fd >= 0) close(fd);
  ofd_options opts = {"0", -1};
  CHECK(ofd_write(&lo, &opts, path, &dl) == 0);
  char *content = entry_text(path, "Doc_0/Pages/Page_0/Content.xml");
  CHECK(content != NULL);
  if (content) {
    char want[128];
    double step = (a0 + 1) * 25.4 / 72;
    snprintf(want, sizeof want, "DeltaX=\"g 3 %.3f", step);
    CHECK(strstr(content, want) != NULL);
    CHECK(strstr(content, ">中中中中</ofd:TextCode>") != NULL);
    CHECK(strstr(content, "CGTransform") == NULL); /* every glyph is its cmap glyph */
    CHECK(strstr(content, "Size=\"5.644\"") != NULL); /* 16 pt in mm */
  }
  free(content);
  char *ofd = entry_text(path, "OFD.xml");
  CHECK(ofd && strstr(ofd, "<ofd:CreationDate>2020-01-02</ofd:CreationDate>") != NULL);
  free(ofd);
  unlink(path);
  free(item.text);
  VEC_FREE(g);
  font_lib_free(lib);
  free(dir);
  diag_clear(&dl);
  return check_report();
}
