/* Reads CommonMark examples from stdin, separated by 0x1E, and prints the
 * number of every example whose parse differs with and without the CJK
 * emphasis pass, then how many examples it read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"
#include "model.h"
#include "util.h"

static char *parse_dump(const char *md, size_t len, bool cjk) {
  document doc = {0};
  doc.file = xstrdup("spec.md");
  doc.dir = xstrdup(".");
  diag_list dl = {0};
  markdown_options opts = {.cjk_emphasis = cjk};
  markdown_parse(md, len, 0, &opts, &doc, &dl);
  char *s = document_dump(&doc);
  document_free(&doc);
  diag_clear(&dl);
  return s;
}

int main(void) {
  strbuf in = {0};
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) sb_append(&in, buf, n);
  int count = 0;
  for (char *p = in.data ? in.data : ""; *p;) {
    char *end = strchr(p, '\x1e');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    char *a = parse_dump(p, len, false), *b = parse_dump(p, len, true);
    count++;
    if (strcmp(a, b) != 0) printf("DIFF %d\n", count);
    free(a);
    free(b);
    p += len + (end ? 1 : 0);
  }
  printf("TOTAL %d\n", count);
  sb_free(&in);
  return 0;
}
