#include "paraheading.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

/* Marks that end or split a sentence: a paragraph holding one is body
 * text (a run-in heading, 1.抓班子。正文…), not a heading. */
static bool sentence_mark(uint32_t cp) {
  return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == 0xFF1B || cp == '!' || cp == '?' || cp == ';';
}

/* Marks a heading does not end with (it introduces what follows). */
static bool continuing_mark(uint32_t cp) {
  return cp == 0xFF0C || cp == 0xFF1A || cp == 0x3001 || cp == ',' || cp == ':' || cp == '.';
}

/* The width of text in ems: a wide character one, others half. Returns a
 * negative width when text holds a sentence mark. */
static double text_ems(const char *text, uint32_t *last) {
  double ems = 0;
  size_t len = strlen(text);
  for (size_t i = 0; i < len;) {
    uint32_t cp = 0;
    size_t k = utf8_decode(text + i, len - i, &cp);
    if (k == 0) k = 1;
    i += k;
    if (sentence_mark(cp)) return -1;
    ems += is_wide(cp) ? 1 : 0.5;
    *last = cp;
  }
  return ems;
}

/* The heading's text fits one line of its role: the type area's width less
 * the role's indents. A heading is a short line; a numbered sentence that
 * runs on is body text (our test: GB/T 9704-2012 7.3.3 gives the numbers
 * 一、（一）1.（1） and their faces, not a length). */
static bool fits_one_line(const layout_spec *spec, int level, double ems) {
  const role_style *rs = &spec->roles[ROLE_H1 + level - 1];
  if (rs->size <= 0) return false;
  double width = spec->page.width - spec->page.margins.left - spec->page.margins.right;
  width -= spec_length_pt(rs->indent, rs->size, spec->line_pitch) + spec_length_pt(rs->margin_left, rs->size, spec->line_pitch);
  return ems * rs->size <= width + 0.01;
}

/* The level a paragraph is a heading of, or 0 when it is body text. */
static int typed_heading_level(const block *b, const layout_spec *spec) {
  if (b->kind != BLK_PARAGRAPH || b->list_depth || b->quote_depth || b->marker) return 0;
  const span_list *l = &b->as.text.spans;
  if (!l->len || l->items[0].kind != SPAN_TEXT || (l->items[0].style & ST_CODE) || l->items[0].url) return 0;
  size_t number_len;
  int level = doc_heading_number_parse(l->items[0].text, &number_len);
  if (!level) return 0;
  if (!l->items[0].text[number_len] && l->len == 1) return 0; /* a number alone */
  double ems = 0;
  uint32_t last = 0;
  for (size_t i = 0; i < l->len; i++) {
    const span *s = &l->items[i];
    if (s->kind != SPAN_TEXT || (s->style & ST_CODE)) return 0;
    double w = text_ems(s->text, &last);
    if (w < 0) return 0;
    ems += w;
  }
  return !continuing_mark(last) && fits_one_line(spec, level, ems) ? level : 0;
}

/* The Markdown level of the first Markdown heading (1 without one): a
 * typed level-1 heading sits where it would. */
static int top_markdown_level(const document *doc) {
  int top = 7;
  for (size_t i = 0; i < doc->len; i++)
    if (doc->items[i].kind == BLK_HEADING && doc->items[i].as.text.level < top) top = doc->items[i].as.text.level;
  return top == 7 ? 1 : top;
}

static void note(nz_report *rep, const block *b, int level) {
  if (!rep) return;
  char *text = span_list_text(&b->as.text.spans);
  nz_item it = {NZ_NOTE, "headings", xstrdup(b->as.text.number), NULL,
                xasprintf("'%s' taken as a level-%d heading (the layout's paragraph_headings: false keeps it a paragraph)",
                          text, level),
                b->line, b->col, -1, -1};
  free(text);
  VEC_PUSH(*rep, it);
}

void spec_paragraph_headings(document *doc, const layout_spec *spec, nz_report *rep) {
  if (!spec->paragraph_headings) return;
  int top = top_markdown_level(doc);
  size_t first = rep ? rep->len : 0;
  for (size_t i = 0; i < doc->len; i++) {
    block *b = &doc->items[i];
    int level = typed_heading_level(b, spec);
    if (!level) continue;
    size_t number_len;
    doc_heading_number_parse(b->as.text.spans.items[0].text, &number_len);
    b->kind = BLK_HEADING;
    b->as.text.level = top + level - 1 > 6 ? 6 : top + level - 1;
    b->as.text.number = xstrndup(b->as.text.spans.items[0].text, number_len);
    b->as.text.number_level = level;
    note(rep, b, level);
  }
  if (rep) normalize_report_merge(rep, first);
}
