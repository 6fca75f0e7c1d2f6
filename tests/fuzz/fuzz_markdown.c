/* libFuzzer target: the input checks (encodings, GB18030, control
 * characters, empty summaries), the parse stage (front matter, Markdown,
 * the CJK emphasis pass), the document checks (files named, links, words,
 * limits) and the model dump, on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "input.h"
#include "markdown.h"
#include "model.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  diag_list dl = {0};
  input_options io = {false, size % 2 == 0, false};
  size_t len = size;
  char *text = input_check_text("fuzz.md", xstrndup((const char *)data, size), &len, &io, &dl);
  if (!text) {
    diag_clear(&dl);
    return 0;
  }
  document doc = {0};
  doc.file = xstrdup("fuzz.md");
  doc.dir = xstrdup(".");
  int body_line = 0;
  long body = frontmatter_parse(text, len, "fuzz.md", &doc.meta, &body_line, &dl);
  if (body >= 0) {
    markdown_options opts = {.cjk_emphasis = true};
    if (markdown_parse(text + body, len - (size_t)body, body_line, &opts, &doc, &dl) == 0)
      input_check_document(&doc, &io, &dl);
    free(document_dump(&doc));
  }
  free(text);
  document_free(&doc);
  diag_clear(&dl);
  return 0;
}
