/* libFuzzer target: parse and lay out arbitrary Markdown with the official
 * layout and the real fonts (loaded once). Characters no font has are
 * errors, not crashes. The input checks run first, as in the pipeline;
 * every laid-out document must pass laid_out_check and give its text.
 * Set BRIEF_DATA to the source tree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fonts.h"
#include "input.h"
#include "layout.h"
#include "linebreaker.h"
#include "markdown.h"
#include "utf8.h"
#include "util.h"

static font_lib *fonts;
static layout_spec spec;

static int setup(void) {
  const char *data = getenv("BRIEF_DATA") ? getenv("BRIEF_DATA") : ".";
  char *fonts_dir = path_join(data, "fonts"), *layouts_dir = path_join(data, "layouts");
  diag_list dl = {0};
  linebreak_init();
  fonts = font_lib_new(fonts_dir, &dl);
  int rc = fonts && spec_load("official", layouts_dir, &spec, &dl) == 0 ? 0 : -1;
  free(fonts_dir);
  free(layouts_dir);
  diag_clear(&dl);
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready = -2;
  if (ready == -2) ready = setup();
  if (ready != 0) abort();
  diag_list dl = {0};
  input_options io = {false, true, false};
  size_t len = size;
  char *text = input_check_text("fuzz.md", xstrndup((const char *)data, size), &len, &io, &dl);
  if (!text) {
    diag_clear(&dl);
    return 0;
  }
  document doc = {0};
  doc.file = xstrdup("fuzz.md");
  doc.dir = xstrdup("/nonexistent");
  markdown_options opts = {.cjk_emphasis = true};
  if (markdown_parse(text, len, 0, &opts, &doc, &dl) != 0 || input_check_document(&doc, &io, &dl) != 0) {
    free(text);
    document_free(&doc);
    diag_clear(&dl);
    return 0;
  }
  free(text);
  laid_out lo;
  if (layout_document(&doc, &spec, fonts, &lo, &dl) == 0) {
    char *why;
    if (laid_out_check(&lo, &why) != 0) { /* an invariant the writers rely on is broken */
      fprintf(stderr, "laid_out_check: %s\n", why);
      abort();
    }
    free(laid_out_text(&lo));
  }
  laid_out_free(&lo);
  document_free(&doc);
  diag_clear(&dl);
  return 0;
}
