/* libFuzzer target: the normalisation stage and --fix on arbitrary bytes:
 * parse, normalise (positions found in the source), apply the fixes, and
 * normalise the fixed text again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "markdown.h"
#include "model.h"
#include "normalize.h"
#include "utf8.h"
#include "util.h"

static void normalize_text(const char *text, size_t size, nz_report *rep) {
  document doc = {0};
  doc.file = xstrdup("fuzz.md");
  doc.dir = xstrdup(".");
  diag_list dl = {0};
  int body_line = 0;
  long body = frontmatter_parse(text, size, "fuzz.md", &doc.meta, &body_line, &dl);
  if (body >= 0) {
    markdown_options opts = {true};
    markdown_parse(text + body, size - (size_t)body, body_line, &opts, &doc, &dl);
    normalize_rules rules = normalize_rules_default();
    normalize_document(&doc, text, size, &rules, rep);
  }
  document_free(&doc);
  diag_clear(&dl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  if (utf8_invalid_offset(text, size) >= 0 || memchr(text, 0, size)) return 0; /* the pipeline rejects these first */
  char *copy = xstrndup(text, size); /* the stage reads a NUL-terminated file, as file_read gives it */
  nz_report rep = {0};
  normalize_text(copy, size, &rep);
  size_t len, applied;
  char *fixed = normalize_apply(copy, size, &rep, &len, &applied);
  nz_report again = {0};
  if (utf8_invalid_offset(fixed, len) < 0) normalize_text(fixed, len, &again);
  else abort(); /* a fix must never cut a character */
  normalize_report_free(&again);
  normalize_report_free(&rep);
  free(fixed);
  free(copy);
  return 0;
}
