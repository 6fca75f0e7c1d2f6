/* Unit tests of the input checks (input.h): paths kept inside a folder,
 * encodings, control characters, manual breaks, long links. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "input.h"
#include "jpegcheck.h"
#include "util.h"

static void test_paths(void) {
  char dir[] = "/tmp/brief-test-input-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char *job = xasprintf("%s/job", dir), *img = xasprintf("%s/job/图.png", dir), *sub = xasprintf("%s/job/sub", dir);
  mkdir(job, 0755);
  mkdir(sub, 0755);
  FILE *f = fopen(img, "w");
  if (f) fclose(f);
  char *link_out = xasprintf("%s/job/out.png", dir), *link_in = xasprintf("%s/job/in.png", dir);
  CHECK(symlink("/etc/hostname", link_out) == 0);
  CHECK(symlink("图.png", link_in) == 0);
  struct { const char *rel; int want; } cases[] = {
      {"图.png", 0}, {"sub/../图.png", 0}, {"./sub/新.png", 0} /* missing, judged by its spelling */,
      {"../图.png", -1}, {"sub/../../job/图.png", 0}, {"sub/../../x.png", -1}, {"/etc/passwd", -1},
      {"out.png", -1} /* a symlink out */, {"in.png", 0} /* a symlink within */, {"missing/../../x", -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *p = cases[i].rel[0] == '/' ? xstrdup(cases[i].rel) : xasprintf("%s/%s", job, cases[i].rel);
    int got = input_path_inside(job, p);
    if (got != cases[i].want) fprintf(stderr, "path %s: got %d\n", cases[i].rel, got);
    CHECK(got == cases[i].want);
    free(p);
  }
  CHECK(input_path_inside("/", "/etc/passwd") == 0);
  unlink(link_out);
  unlink(link_in);
  unlink(img);
  rmdir(sub);
  rmdir(job);
  rmdir(dir);
  free(job), free(img), free(sub), free(link_out), free(link_in);
}

static char *check_text(const char *s, bool strict, diag_list *dl) {
  input_options o = {strict, false, false};
  size_t len = strlen(s);
  char *t = input_check_text("t.md", xstrdup(s), &len, &o, dl);
  if (t) CHECK(strlen(t) == len);
  return t;
}

static void test_text(void) {
  diag_list dl = {0};
  /* "东风村" in GB18030: read, converted, one warning */
  char *t = check_text("# \xb6\xab\xb7\xe7\xb4\xe5\n", false, &dl);
  CHECK_STR(t, "# 东风村\n");
  CHECK(dl.len == 1 && dl.items[0].severity == DIAG_WARNING && dl.items[0].line == 1 && dl.items[0].col == 3);
  free(t);
  diag_clear(&dl);
  CHECK(check_text("# \xb6\xab\xb7\xe7\xb4\xe5\n", true, &dl) == NULL && dl.errors == 1);
  diag_clear(&dl);
  /* Latin-1 "é" before a letter is a valid GB18030 pair, but a rare character: refused */
  CHECK(check_text("caf\xe9s et th\xe9s\n", false, &dl) == NULL && dl.errors == 1 && strstr(dl.items[0].message, "0xE9"));
  diag_clear(&dl);
  /* control characters: the first named with its position, the others counted */
  CHECK(check_text("甲\n乙\x07丙\x01", false, &dl) == NULL);
  CHECK(dl.len == 1 && dl.items[0].line == 2 && dl.items[0].col == 2 && strstr(dl.items[0].message, "U+0007 (BEL) (and 1 more"));
  diag_clear(&dl);
  t = check_text("甲\v乙\f丙\t丁\r\n", false, &dl); /* VT, FF, tab, CR pass */
  CHECK(t && dl.len == 0);
  free(t);
  CHECK(check_text(" \t\n\xe3\x80\x80\n", false, &dl) == NULL && dl.len == 1 && dl.items[0].severity == DIAG_WARNING);
  diag_clear(&dl);
}

static void test_document(void) {
  document doc = {0};
  doc.file = xstrdup("t.md");
  doc.dir = xstrdup(".");
  block *b = document_add(&doc, BLK_PARAGRAPH, 3, 1);
  char *url = xmalloc(3001);
  memset(url, 'u', 3000);
  memcpy(url, "https://", 8);
  url[3000] = 0;
  span_list_push(&b->as.text.spans, SPAN_TEXT, 0, "甲\v乙\f丙", 11, NULL, 3, 1);
  span_list_push(&b->as.text.spans, SPAN_TEXT, 0, "链接", 6, url, 3, 6);
  diag_list dl = {0};
  input_options o = {0};
  CHECK(input_check_document(&doc, &o, &dl) == 0);
  CHECK(b->as.text.spans.len == 6);
  CHECK(b->as.text.spans.len == 6 && b->as.text.spans.items[1].kind == SPAN_BREAK && b->as.text.spans.items[3].kind == SPAN_BREAK);
  CHECK(b->as.text.spans.len == 6 && !strcmp(b->as.text.spans.items[4].text, "丙") && b->as.text.spans.items[5].url == NULL);
  CHECK(dl.len == 1 && dl.items[0].severity == DIAG_WARNING && strstr(dl.items[0].message, "3000 bytes"));
  free(url);
  diag_clear(&dl);
  document_free(&doc);
}

/* Only http, https and mailto targets stay links; others and an empty one
 * are dropped with a warning at the span (PDF /URI actions are followed). */
static void test_link_schemes(void) {
  document doc = {0};
  doc.file = xstrdup("t.md");
  doc.dir = xstrdup(".");
  block *b = document_add(&doc, BLK_PARAGRAPH, 3, 1);
  const char *urls[] = {"https://a.cn", "HTTP://a.cn", "mailto:a@b.cn", "javascript:alert(1)", "file:///etc/passwd",
                        "data:text/html,x", "", "http://", "附件.docx"};
  for (int i = 0; i < 9; i++) span_list_push(&b->as.text.spans, SPAN_TEXT, 0, "字", 3, urls[i], 3, 1 + i);
  diag_list dl = {0};
  input_options o = {0};
  CHECK(input_check_document(&doc, &o, &dl) == 0);
  span_list *l = &b->as.text.spans;
  CHECK(l->len == 9 && l->items[0].url && l->items[1].url && l->items[2].url);
  for (size_t i = 3; i < l->len; i++) CHECK(l->items[i].url == NULL);
  CHECK(dl.len == 6 && dl.items[0].line == 3 && dl.items[0].col == 4 && strstr(dl.items[0].message, "javascript:"));
  CHECK(dl.len == 6 && strstr(dl.items[3].message, "empty target"));
  diag_clear(&dl);
  document_free(&doc);
}

/* A JPEG's structure (ITU T.81 annex B) from synthetic bytes: a 1×1
 * greyscale frame, one scan with a stuffed 0xFF in its data, the end. */
static int jpeg_of(const unsigned char *sof, const unsigned char *between, size_t nb, const unsigned char *data,
                   size_t nd, bool eoi) {
  unsigned char buf[128];
  size_t n = 0;
  static const unsigned char soi[] = {0xFF, 0xD8}, sos[] = {0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0};
  memcpy(buf + n, soi, 2), n += 2;
  memcpy(buf + n, sof, 13), n += 13;
  memcpy(buf + n, sos, sizeof sos), n += sizeof sos;
  memcpy(buf + n, data, nd), n += nd;
  if (nb) memcpy(buf + n, between, nb), n += nb;
  if (eoi) buf[n++] = 0xFF, buf[n++] = 0xD9;
  char why[128] = "";
  return image_jpeg_check_bytes(buf, n, why, sizeof why);
}

static void test_jpeg(void) {
  const unsigned char sof0[] = {0xFF, 0xC0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0};
  const unsigned char data[] = {0x12, 0xFF, 0x00, 0x34};
  const unsigned char dht_sos[] = {0xFF, 0xC4, 0, 2, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0x10, 0x56};
  CHECK(jpeg_of(sof0, NULL, 0, data, sizeof data, true) == 0);
  CHECK(jpeg_of(sof0, dht_sos, sizeof dht_sos, data, sizeof data, true) == 0); /* progressive: more scans */
  CHECK(jpeg_of(sof0, NULL, 0, data, 0, true) != 0);                         /* a header and no data */
  CHECK(jpeg_of(sof0, NULL, 0, data, sizeof data, false) != 0);               /* cut short */
  unsigned char bad[13];
  memcpy(bad, sof0, 13), bad[7] = bad[8] = 0; /* no width */
  CHECK(jpeg_of(bad, NULL, 0, data, sizeof data, true) != 0);
  memcpy(bad, sof0, 13), bad[4] = 12; /* 12-bit samples */
  CHECK(jpeg_of(bad, NULL, 0, data, sizeof data, true) != 0);
  memcpy(bad, sof0, 13), bad[1] = 0xC3; /* lossless */
  CHECK(jpeg_of(bad, NULL, 0, data, sizeof data, true) != 0);
  memcpy(bad, sof0, 13), bad[9] = 2; /* two components, one described */
  CHECK(jpeg_of(bad, NULL, 0, data, sizeof data, true) != 0);
  char why[64];
  CHECK(image_jpeg_check_bytes((const unsigned char *)"\x89PNG", 4, why, sizeof why) == 0); /* not a JPEG: not ours */
  const unsigned char only_soi[] = {0xFF, 0xD8, 0xFF, 0xD9};
  CHECK(image_jpeg_check_bytes(only_soi, sizeof only_soi, why, sizeof why) != 0 && strstr(why, "no frame header"));
}

int main(void) {
  test_paths();
  test_jpeg();
  test_link_schemes();
  test_text();
  test_document();
  printf("%d passed, %d failed\n", check_passed, check_failed);
  return check_failed ? 1 : 0;
}
