#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fonts.h"
#include "util.h"

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
  font_lib_free(lib);
  free(dir);
  diag_clear(&dl);
  return check_report();
}
