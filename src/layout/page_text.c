/* The text of the laid-out pages, as the PDF shows it: `brief text`, and
 * what the tests compare with pdftotext. Derived from the pages (not the
 * model), so generated heading numbers, masthead, signature, captions,
 * page numbers and 份号 come out exactly as printed. */
#include <math.h>

#include <string.h>

#include "layout.h"
#include "utf8.h"
#include "util.h"

/* A gap wider than this (in ems) between two runs on one baseline reads as
 * a word space, as extractors read it (a list marker and its text, the
 * masthead's author and date). Runs of one line touch: typeset.c gives
 * each run its full advance. */
#define GAP 0.15

typedef struct {
  const laid_out *lo;
  strbuf sb;
  const page_item *last; /* the previous text item of the page */
} text_out;

/* The character a code of a face stands for: itself, or for a Private Use
 * code the real character (beyond the BMP, or a glyph variant). */
static uint32_t real_char(const laid_out *lo, int face, uint32_t code) {
  return glyph_inventory_char(&lo->glyphs, face, code);
}

static void put_text(text_out *o, const page_item *it) {
  size_t len = strlen(it->text);
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t n = utf8_decode(it->text + i, len - i, &cp);
    if (!n) break;
    i += n;
    char buf[4];
    sb_append(&o->sb, buf, utf8_encode(real_char(o->lo, it->face, cp), buf));
  }
}

static void put_item(text_out *o, const page_item *it) {
  const page_item *p = o->last;
  if (p) {
    if (it->sep == SEP_TAB) sb_putc(&o->sb, '\t');
    else if (it->sep == SEP_AUTO && fabs(it->y - p->y) > 0.01) sb_putc(&o->sb, '\n');
    else if (it->sep == SEP_AUTO && !p->join_next && it->x - (p->x + p->w) > GAP * it->size) sb_putc(&o->sb, ' ');
  }
  put_text(o, it);
  o->last = it;
}

/* The page's text, then its page number: pdf.c draws the number last, in a
 * text object of its own (a booklet takes the page's body without it). */
static void put_items(text_out *o, const page_box *box) {
  for (int folio = 0; folio < 2; folio++)
    for (size_t i = 0; i < box->len; i++)
      if (box->items[i].kind == IT_TEXT && box->items[i].text && box->items[i].folio == folio)
        put_item(o, &box->items[i]);
}

static void end_page(text_out *o) {
  if (o->last) sb_putc(&o->sb, '\n');
  sb_putc(&o->sb, '\f');
  o->last = NULL;
}

/* The pages in the order pdf.c writes them: numbered copies one after
 * another, each copy's 份号 after its first page's text, a blank page after
 * a copy with an odd page count. */
char *laid_out_text(const laid_out *lo) {
  text_out o = {lo, {0}, NULL};
  size_t copies = lo->ncopies ? lo->ncopies : 1;
  for (size_t k = 0; k < copies; k++) {
    if (k > 0 && lo->npages % 2) end_page(&o);
    for (size_t p = 0; p < lo->npages; p++) {
      put_items(&o, &lo->pages[p]);
      if (lo->ncopies && p == 0) put_items(&o, &lo->copy_marks[k]);
      end_page(&o);
    }
  }
  if (!o.sb.len) sb_puts(&o.sb, "");
  return sb_take(&o.sb);
}
