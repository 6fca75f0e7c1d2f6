/* libFuzzer target: a .docx package read (ooxml.c, docx.c) and turned into a summary (docx_markdown.c). */
#include <stdint.h>
#include <stdlib.h>

#include "docx.h"
#include "docx_markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  diag_list dl = {0};
  docx_document *d = docx_read((const char *)data, size, "fuzz.docx", &dl);
  if (d) {
    docx_summary s;
    docx_to_summary(d, "fuzz", "fuzz.md", &s);
    docx_summary_free(&s);
    docx_free(d);
  }
  diag_clear(&dl);
  return 0;
}
