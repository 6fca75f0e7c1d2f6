/* libFuzzer target: the parse stage (front matter, Markdown, the CJK
 * emphasis pass) and the model dump on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "markdown.h"
#include "model.h"
#include "utf8.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  if (utf8_invalid_offset(text, size) >= 0 || memchr(text, 0, size)) return 0; /* the pipeline rejects these first */
  document doc = {0};
  doc.file = xstrdup("fuzz.md");
  doc.dir = xstrdup(".");
  diag_list dl = {0};
  int body_line = 0;
  long body = frontmatter_parse(text, size, "fuzz.md", &doc.meta, &body_line, &dl);
  if (body >= 0) {
    markdown_options opts = {.cjk_emphasis = true};
    markdown_parse(text + body, size - (size_t)body, body_line, &opts, &doc, &dl);
    free(document_dump(&doc));
  }
  document_free(&doc);
  diag_clear(&dl);
  return 0;
}
