/* libFuzzer target: figures binding. The input is a figures CSV, a NUL
 * byte, then a summary (front matter and Markdown); the summary's
 * {{指标}} references, figures blocks, charts and key figures are bound
 * to the CSV and the resulting model dumped. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "frontmatter.h"
#include "markdown.h"
#include "model.h"
#include "utf8.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *csv = (const char *)data, *nul = memchr(data, 0, size);
  if (!nul) return 0;
  size_t csv_len = (size_t)(nul - csv);
  const char *md = nul + 1;
  size_t md_len = size - csv_len - 1;
  if (utf8_invalid_offset(md, md_len) >= 0 || memchr(md, 0, md_len)) return 0; /* rejected before binding */
  diag_list dl = {0};
  figures *f = figures_parse(csv, csv_len, "fuzz.csv", &dl);
  document doc = {0};
  doc.file = xstrdup("fuzz.md");
  doc.dir = xstrdup("/nonexistent");
  int body_line = 0;
  long body = frontmatter_parse(md, md_len, "fuzz.md", &doc.meta, &body_line, &dl);
  if (body >= 0) {
    markdown_options opts = {.cjk_emphasis = true};
    if (markdown_parse(md + body, md_len - (size_t)body, body_line, &opts, &doc, &dl) == 0 &&
        figures_bind(&doc, f, &dl) == 0)
      free(document_dump(&doc));
  }
  document_free(&doc);
  figures_free(f);
  diag_clear(&dl);
  return 0;
}
