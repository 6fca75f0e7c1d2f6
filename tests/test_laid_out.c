/* The output model (issue 14): laid_out_check() on every example in every
 * layout, a check that catches what it is meant to catch, and the booklet
 * concatenation of an A4 and an A5 document keeping both page sizes, every
 * page's text and the glyph inventory, and the glyph inventory's operations. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "figures.h"
#include "fonts.h"
#include "layout.h"
#include "layoutspec.h"
#include "linebreaker.h"
#include "parse.h"
#include "pdf.h"
#include "utf8.h"
#include "util.h"

#define MM (72.0 / 25.4)

static const char *data;

/* The whole pipeline up to the laid-out pages, as render.c runs it. */
static int lay_out_file(const char *md, const char *layout, font_lib *fonts, laid_out *lo) {
  char *layouts = path_join(data, "layouts"), *input = path_join(data, "input");
  char *path = path_join(input, md), *csv = path_join(input, "figures.csv");
  diag_list dl = {0};
  document doc;
  layout_spec spec;
  memset(lo, 0, sizeof *lo);
  char *source;
  size_t source_len;
  int rc = document_parse(path, NULL, &doc, &source, &source_len, &dl);
  free(source);
  document_take_title(&doc);
  figures *f = rc == 0 ? figures_load(csv, &dl) : NULL;
  if (rc == 0) rc = f && figures_bind(&doc, f, &dl) == 0 ? 0 : -1;
  figures_free(f);
  if (rc == 0 && spec_load(layout, layouts, &spec, &dl) == 0) {
    rc = layout_document(&doc, &spec, fonts, lo, &dl);
    spec_free(&spec);
  } else {
    rc = -1;
  }
  document_free(&doc);
  diag_print(&dl, stderr);
  diag_clear(&dl);
  free(layouts);
  free(input);
  free(path);
  free(csv);
  return rc;
}

static bool check_ok(const laid_out *lo, const char *what) {
  char *why;
  int rc = laid_out_check(lo, &why);
  if (rc != 0) fprintf(stderr, "%s: %s\n", what, why);
  free(why);
  return rc == 0;
}

static bool check_fails(const laid_out *lo, const char *expect) {
  char *why;
  int rc = laid_out_check(lo, &why);
  bool ok = rc != 0 && why && strstr(why, expect);
  if (!ok) fprintf(stderr, "laid_out_check: expected '%s', got '%s'\n", expect, why ? why : "(none)");
  free(why);
  return ok;
}

static page_item *first_text(laid_out *lo) {
  for (size_t i = 0; i < lo->pages[0].len; i++)
    if (lo->pages[0].items[i].kind == IT_TEXT) return &lo->pages[0].items[i];
  return NULL;
}

/* Each violation the check names, on a copy of real output. */
static void test_violations(font_lib *fonts) {
  laid_out lo;
  CHECK(lay_out_file("陇西县.md", "official", fonts, &lo) == 0);
  page_item *it = first_text(&lo);
  CHECK(it != NULL);
  if (!it) return;
  double x = it->x;
  it->x = NAN;
  CHECK(check_fails(&lo, "not finite"));
  it->x = lo.pages[0].w + 50;
  CHECK(check_fails(&lo, "off its"));
  it->x = x;
  int face = it->face;
  it->face = (int)lo.glyphs.nfaces + 3;
  CHECK(check_fails(&lo, "not in the glyph inventory"));
  it->face = face;
  char *text = it->text;
  it->text = xstrdup("\xE2\x98\x83"); /* U+2603, printed nowhere */
  CHECK(check_fails(&lo, "U+2603"));
  free(it->text);
  it->text = text;
  double h = lo.pages[1].h;
  lo.pages[1].h = 0;
  CHECK(check_fails(&lo, "page 2: the page size"));
  lo.pages[1].h = h;
  CHECK(check_ok(&lo, "restored"));
  laid_out_free(&lo);
}

/* Concatenation: an A4 official brief, then the same county on A5 pages. */
static void test_booklet(font_lib *fonts) {
  laid_out a4, a5, book = {0};
  CHECK(lay_out_file("陇西县.md", "official", fonts, &a4) == 0);
  CHECK(lay_out_file("黔西县.md", "plain", fonts, &a5) == 0);
  /* The plain layout's pages, scaled to A5 (148 × 210 mm), positions too. */
  double s = 148 * MM / a5.pages[0].w;
  for (size_t p = 0; p < a5.npages; p++) {
    page_box *pg = &a5.pages[p];
    for (size_t i = 0; i < pg->len; i++) {
      page_item *it = &pg->items[i];
      it->x *= s, it->y *= s, it->w *= s, it->h *= s, it->size *= s, it->char_space *= s;
    }
    pg->w = 148 * MM;
    pg->h = 210 * MM; /* A-sizes are not exactly similar: 209.3 mm scaled */
  }
  CHECK(check_ok(&a5, "A5"));
  char *t4 = laid_out_text(&a4), *t5 = laid_out_text(&a5);
  size_t n4 = a4.npages, n5 = a5.npages, blank = n4 % 2;
  laid_out_append(&book, &a4);
  laid_out_append(&book, &a5);
  CHECK(book.npages == n4 + blank + n5);
  CHECK(check_ok(&book, "booklet"));
  for (size_t p = 0; p < book.npages; p++) {
    bool first = p < n4 + blank;
    CHECK_NEAR(book.pages[p].w, first ? 210 * MM : 148 * MM, 0.01);
    CHECK_NEAR(book.pages[p].h, first ? 297 * MM : 210 * MM, 0.01);
  }
  char *tb = laid_out_text(&book), *want = xasprintf("%s%s%s", t4, blank ? "\f" : "", t5);
  CHECK_STR(tb, want);
  /* The glyph inventory is the union of both, sorted and duplicate-free. */
  size_t total = 0;
  for (size_t id = 0; id < book.glyphs.nfaces; id++) total += book.glyphs.faces[id].ncps;
  CHECK(total > 0);
  laid_out_free(&a4);
  laid_out_free(&a5);
  laid_out_free(&book);
  free(t4);
  free(t5);
  free(tb);
  free(want);
}

/* The glyph inventory and the booklet's joining operations (issue 14):
 * one code per glyph (a variant of the same character keeps its own),
 * codes the face's cmap has skipped, a document's runs re-encoded with its
 * inventory, a page put under another without its page number. */
static void test_inventory(font_lib *fonts) {
  glyph_inventory g;
  glyph_inventory_init(&g, 2);
  const font_face *face = font_lib_face(fonts, 0);
  g.faces[1].face = face;
  font_code a = {0xE000, 0x2C317, 41}, variant = {0xE001, 0x2C317, 42}, b = {0xE002, 0x4E2D, 7};
  uint16_t ca = glyph_inventory_code(&g, 1, &a), cv = glyph_inventory_code(&g, 1, &variant);
  CHECK(ca >= 0xE000 && ca <= 0xF8FF && cv != ca && !font_face_has(face, ca) && !font_face_has(face, cv));
  CHECK(glyph_inventory_code(&g, 1, &a) == ca && glyph_inventory_code(&g, 1, &b) != cv);
  CHECK(glyph_inventory_char(&g, 1, ca) == 0x2C317 && glyph_inventory_char(&g, 1, 0x4E2D) == 0x4E2D);
  CHECK(glyph_inventory_code(&g, 5, &a) == 0xE000 && g.nfaces == 6); /* grows to a face id it lacks */
  uint32_t x[] = {3, 5, 9}, y[] = {1, 5, 10};
  glyph_inventory_add_chars(&g, 0, face, x, 3);
  glyph_inventory_add_chars(&g, 0, NULL, y, 3);
  CHECK(g.faces[0].ncps == 5 && g.faces[0].cps[0] == 1 && g.faces[0].cps[4] == 10 && g.faces[0].face == face);

  /* A document whose face 1 shows U+E000 for a glyph the inventory already numbers: re-encoded. */
  page_item run = {.kind = IT_TEXT, .face = 1, .size = 12, .x = 10, .y = 10};
  run.text = xstrdup("\xEE\x80\x80" "a"); /* U+E000 a */
  page_item folio = {.kind = IT_TEXT, .face = 1, .size = 12, .x = 20, .y = 5, .folio = true};
  folio.text = xstrdup("1");
  page_item link = {.kind = IT_LINK, .x = 1, .y = 1, .w = 5, .h = 5, .dest = 2};
  link.url = xstrdup("");
  laid_out lo = {0};
  lo.pages = xcalloc(2, sizeof *lo.pages);
  lo.npages = 1;
  lo.pages[0] = (page_box){.w = 100, .h = 100};
  VEC_PUSH(lo.pages[0], run);
  VEC_PUSH(lo.pages[0], folio);
  VEC_PUSH(lo.pages[0], link);
  glyph_inventory_init(&lo.glyphs, 2);
  lo.glyphs.faces[1].face = face;
  lo.glyphs.faces[1].codes = xcalloc(2, sizeof(font_code));
  lo.glyphs.faces[1].codes[0] = (font_code){0xE000, 0x2C317, 42}; /* the variant: cv in g */
  lo.glyphs.faces[1].ncodes = 1;
  laid_out_recode(&lo, &g);
  uint32_t first;
  utf8_decode(lo.pages[0].items[0].text, 4, &first);
  CHECK(first == cv && lo.glyphs.faces[1].codes[0].code == cv && !strcmp(lo.pages[0].items[0].text + 3, "a"));
  CHECK(glyph_inventory_char(&lo.glyphs, 1, cv) == 0x2C317);
  /* Put under a booklet page: no page number, links moved by the brief's first page. */
  laid_out book = {0};
  book.pages = xcalloc(6, sizeof *book.pages);
  book.npages = 5;
  for (size_t p = 0; p < 5; p++) book.pages[p] = (page_box){.w = 100, .h = 100};
  laid_out_put_under(&book, 4, &lo, 0, 3);
  CHECK(book.pages[4].len == 2 && book.pages[4].items[1].kind == IT_LINK && book.pages[4].items[1].dest == 5);
  CHECK(lo.pages[0].len == 0 && lo.pages[0].items == NULL);
  laid_out_free(&book);
  laid_out_free(&lo);
  glyph_inventory_free(&g);
}

/* The writer owns its bytes: written through checked writes, fsync and
 * close, a full disk is an error naming the file, not a short PDF. */
static void test_full_disk(font_lib *fonts) {
  errno = 0;
  CHECK(file_write_durably("/dev/full", "%PDF", 4) != 0 && errno == ENOSPC);
  laid_out lo;
  CHECK(lay_out_file("陇西县.md", "official", fonts, &lo) == 0);
  pdf_options opts = {.creator = "brief test", .source_epoch = 0};
  diag_list dl = {0};
  CHECK(pdf_write(&lo, &opts, "/dev/full", &dl) != 0);
  CHECK(dl.len > 0 && strstr(dl.items[0].message, "No space left") && dl.items[0].file &&
        !strcmp(dl.items[0].file, "/dev/full"));
  diag_clear(&dl);
  laid_out_free(&lo);
}

int main(void) {
  linebreak_init();
  data = getenv("BRIEF_DATA") ? getenv("BRIEF_DATA") : ".";
  char *fonts_dir = path_join(data, "fonts");
  diag_list dl = {0};
  font_lib *fonts = font_lib_new(fonts_dir, &dl);
  free(fonts_dir);
  CHECK(fonts != NULL);
  if (!fonts) return check_report();
  const char *examples[] = {"陇西县.md", "黔西县.md", "盘州市.md"};
  const char *layouts[] = {"official", "briefing", "plain"};
  for (size_t e = 0; e < 3; e++)
    for (size_t l = 0; l < 3; l++) {
      laid_out lo;
      CHECK(lay_out_file(examples[e], layouts[l], fonts, &lo) == 0);
      CHECK(lo.npages >= 2 && check_ok(&lo, examples[e]));
      laid_out_free(&lo);
    }
  test_violations(fonts);
  test_booklet(fonts);
  test_inventory(fonts);
  test_full_disk(fonts);
  font_lib_free(fonts);
  diag_clear(&dl);
  return check_report();
}
