/* Typesetting: a span list in a role becomes justified lines of text runs.
 * Fonts per style and fallback, the CJK–Latin gap, punctuation squeezing,
 * then the line breaker; the result is page items relative to each line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_internal.h"
#include "linebreaker.h"
#include "nobreak.h"
#include "utf8.h"

static const rgb link_color = {0.10, 0.31, 0.63};

/* ---- fonts of roles ---------------------------------------------------- */

static const font_chain *chain_of(layout_ctx *c, const char *font_role) {
  const font_chain *ch = font_lib_role(c->fonts, font_role, c->dl);
  if (!ch) c->errors++;
  return ch;
}

static const font_chain *role_chain(layout_ctx *c, role_id r, bool bold, bool *fake_bold) {
  *fake_bold = false;
  if (!c->role_chain[r]) {
    c->role_chain[r] = chain_of(c, c->spec->roles[r].font);
    char *bold_role = xasprintf("%s-bold", c->spec->roles[r].font);
    c->role_bold_chain[r] = font_lib_role(c->fonts, bold_role, NULL);
    free(bold_role);
  }
  if (bold && c->role_bold_chain[r]) return c->role_bold_chain[r];
  *fake_bold = bold;
  return c->role_chain[r];
}

static void mark_used(layout_ctx *c, const font_face *f, uint32_t cp) {
  int id = font_face_id(f);
  if (!c->used[id]) c->used[id] = xcalloc(65536 / 8, 1);
  c->used[id][cp >> 3] |= (uint8_t)(1u << (cp & 7));
}

/* ---- setting text into lines ------------------------------------------ */

typedef struct {
  uint32_t cp;
  const font_face *face;
  double size, glyph;  /* glyph: the font's advance at size */
  bool fake_bold, strike;
  rgb color;
  const char *url;
} tchar;

typedef VEC(tchar) tchar_list;

static void missing_glyph(layout_ctx *c, const span *s, int offset, uint32_t cp, const font_chain *ch) {
  char buf[5] = {0};
  utf8_encode(cp, buf);
  strbuf fams = {0};
  for (size_t i = 0; ch && i < ch->len; i++)
    sb_printf(&fams, "%s%s", i ? ", " : "", font_face_family(ch->faces[i]));
  if (cp > 0xFFFF)
    diag_error(c->dl, c->doc->file, s->line, s->col + offset,
               "'%s' (U+%04X) is outside the Basic Multilingual Plane and cannot be printed "
               "(libharu 2.3 turns it into a space); replace it with a BMP character", buf, cp);
  else
    diag_error(c->dl, c->doc->file, s->line, s->col + offset,
               "no font has '%s' (U+%04X): font role '%s' tried %s; put a font file that has it in "
               "fonts/ and add its family to that role in fonts/fontmap.yaml",
               buf, cp, ch ? ch->role : "?", fams.len ? fams.data : "no installed font");
  sb_free(&fams);
  c->errors++;
}

/* The font chain and fake-bold flag for a span's style in a role. */
static const font_chain *style_chain(layout_ctx *c, role_id role, unsigned style, bool bold, bool *fake) {
  const font_chain *base = role_chain(c, role, bold, fake);
  if (style & ST_CODE) {
    if (!c->code_chain) c->code_chain = chain_of(c, c->spec->code_font);
    return c->code_chain ? c->code_chain : base;
  }
  if (style & ST_EMPH) {
    if (!c->emph_chain) c->emph_chain = chain_of(c, c->spec->emphasis_font);
    if (style & ST_STRONG) *fake = true;
    return c->emph_chain ? c->emph_chain : base;
  }
  if (style & ST_STRONG) {
    if (!c->strong_chain) c->strong_chain = chain_of(c, c->spec->strong_font);
    /* Strong in a role already set in the strong face: embolden it. */
    if (!c->strong_chain || strcmp(c->spec->roles[role].font, c->spec->strong_font) == 0) {
      *fake = true;
      return base;
    }
    return c->strong_chain;
  }
  return base;
}

static void push_chars(layout_ctx *c, const span *s, role_id role, bool bold, double size,
                       tchar_list *out) {
  const role_style *rs = &c->spec->roles[role];
  bool fake;
  const font_chain *ch = style_chain(c, role, s->style, bold, &fake);
  if (!ch) return;
  bool base_fake;
  const font_chain *base = role_chain(c, role, bold, &base_fake);
  int offset = 0;
  for (const char *p = s->text; *p;) {
    uint32_t cp;
    size_t n = utf8_decode(p, strlen(p), &cp);
    if (n == 0) break; /* input was validated; stop rather than misread */
    p += n;
    offset++;
    if (cp == '\t') cp = ' ';
    if (cp < 0x20 || cp == 0x7F || cp == 0xFEFF || cp == 0x200B) continue;
    const font_face *f = cp <= 0xFFFF ? font_chain_find(ch, cp) : NULL;
    bool f_fake = fake;
    if (!f && base && cp <= 0xFFFF) {
      f = font_chain_find(base, cp);
      f_fake = base_fake;
    }
    if (!f) {
      missing_glyph(c, s, offset - 1, cp, ch);
      continue;
    }
    mark_used(c, f, cp);
    tchar t = {cp, f, size, font_face_advance(f, cp) * size, f_fake, (s->style & ST_STRIKE) != 0,
               s->url ? link_color : rs->color, s->url};
    VEC_PUSH(*out, t);
  }
}

/* Width of a character cell: the glyph plus the grid's tracking. */
double grid_tracking(const layout_ctx *c, role_id role) {
  if (role != ROLE_BODY || c->spec->grid_chars <= 0) return 0;
  return c->area_w / c->spec->grid_chars - c->spec->roles[ROLE_BODY].size;
}

/* Squeezable blank of a full-width mark: at most half an em, leaving a
 * tenth of an em beside the ink (fonts place marks differently). */
static double squeezable(double blank_em, double size) {
  double s = blank_em - 0.1;
  return (s > 0.5 ? 0.5 : s < 0 ? 0 : s) * size;
}

static void make_items(layout_ctx *c, const tchar *t, size_t n, role_id role, lb_item *items) {
  double track = grid_tracking(c, role), gap = c->spec->cjk_latin_space;
  double *left = xcalloc(n + 1, sizeof *left), *right = xcalloc(n + 1, sizeof *right);
  for (size_t i = 0; i < n; i++) {
    bool full = t[i].glyph >= 0.9 * t[i].size;
    if (full && (is_closing_punct(t[i].cp) || is_opening_punct(t[i].cp))) {
      font_face_blanks(t[i].face, t[i].cp, &left[i], &right[i]);
      left[i] = is_opening_punct(t[i].cp) ? squeezable(left[i], t[i].size) : 0;
      right[i] = is_closing_punct(t[i].cp) ? squeezable(right[i], t[i].size) : 0;
    }
  }
  for (size_t i = 0; i < n; i++) {
    lb_item *it = &items[i];
    it->cp = t[i].cp;
    it->adv = t[i].glyph + track;
    it->space = t[i].cp == ' ' || t[i].cp == 0xA0;
    it->gap = 0;
    if (i > 0 && ((is_cjk_ideograph(t[i - 1].cp) && is_ascii_alnum(t[i].cp)) ||
                  (is_ascii_alnum(t[i - 1].cp) && is_cjk_ideograph(t[i].cp))))
      it->gap = gap * t[i].size;
    /* A closing mark squeezes its right blank; an opening mark's left blank
     * is squeezed by pulling it towards the item before. */
    it->shrink = right[i] + (i + 1 < n ? left[i + 1] : 0);
    /* Two marks in a row take about 1.5 em: “。”” and “，（”. */
    double pair = right[i] > 0 && i + 1 < n && (right[i + 1] > 0 || left[i + 1] > 0) ? right[i]
                  : i + 1 < n && left[i] > 0 && left[i + 1] > 0 ? left[i + 1] : 0;
    if (pair > 0) {
      it->adv -= pair;
      it->shrink = 0;
    }
    it->stretch = i + 1 < n && (is_wide(t[i].cp) || is_wide(t[i + 1].cp));
    it->brk = LB_NO;
  }
  for (size_t i = 1; i < n; i++)
    if (items[i].gap > 0) items[i - 1].stretch = true;
  free(left);
  free(right);
}

static bool same_run(const tchar *a, const tchar *b, double sa, double sb) {
  return a->face == b->face && a->size == b->size && a->fake_bold == b->fake_bold &&
         a->color.r == b->color.r && a->color.g == b->color.g && a->color.b == b->color.b &&
         fabs(sa - sb) < 0.0005;
}

static void emit_text_run(text_line *tl, const tchar *t, size_t from, size_t to, double x,
                          double baseline, double char_space) {
  strbuf sb = {0};
  for (size_t k = from; k < to; k++) {
    char buf[4];
    sb_append(&sb, buf, utf8_encode(t[k].cp, buf));
  }
  page_item it = {.kind = IT_TEXT, .x = x, .y = baseline, .face = font_face_id(t[from].face),
                  .size = t[from].size, .char_space = char_space, .fake_bold = t[from].fake_bold,
                  .line_width = t[from].size * 0.03, .color = t[from].color, .text = sb_take(&sb)};
  VEC_PUSH(tl->items, it);
}

/* Strikethrough rules and link areas over runs of one line. */
static void emit_decorations(text_line *tl, const tchar *t, const double *xs, size_t s, size_t e,
                             double baseline) {
  for (size_t i = s; i < e;) {
    size_t j = i + 1;
    if (t[i].strike) {
      while (j < e && t[j].strike) j++;
      double y = baseline - t[i].size * 0.32;
      page_item it = {.kind = IT_LINE, .x = xs[i], .y = y, .w = xs[j - 1] + t[j - 1].glyph - xs[i],
                      .h = 0, .line_width = t[i].size * 0.06, .color = t[i].color};
      VEC_PUSH(tl->items, it);
    } else if (t[i].url) {
      while (j < e && t[j].url == t[i].url) j++;
      page_item it = {.kind = IT_LINK, .x = xs[i], .y = baseline - t[i].size * EM_ASCENT,
                      .w = xs[j - 1] + t[j - 1].glyph - xs[i], .h = t[i].size, .text = xstrdup(t[i].url)};
      VEC_PUSH(tl->items, it);
    }
    i = j;
  }
}

double line_advance(const layout_ctx *c, role_id role, bool grid) {
  const role_style *rs = &c->spec->roles[role];
  double natural = rs->size * (rs->line_height > 0 ? rs->line_height : 1.5);
  if (!grid || c->pitch <= 0) return natural;
  return fmax(1, ceil(natural / c->pitch - 0.05)) * c->pitch;
}

static void emit_line(layout_ctx *c, const text_frame *f, const tchar *t, const lb_item *items,
                      const double *extra, const lb_line *line, bool first, text_line *tl) {
  double size = f->size > 0 ? f->size : c->spec->roles[f->role].size;
  double height = f->size > 0 ? size * 1.5 : line_advance(c, f->role, f->grid);
  double baseline = (height - size) / 2 + size * EM_ASCENT;
  double measure = f->width - (first ? f->indent : 0);
  double x = f->x + (first ? f->indent : 0);
  if (f->align == ALIGN_CENTER) x += (measure - line->width) / 2;
  if (f->align == ALIGN_RIGHT) x += measure - line->width;
  size_t s = line->start, e = line->end;
  double *xs = xcalloc(e + 1, sizeof *xs); /* indexed like items */
  for (size_t i = s; i < e; i++) {
    xs[i] = x;
    x += items[i].adv + extra[i];
  }
  size_t from = s;
  for (size_t i = s; i < e; i++) {
    double sp_i = items[i].adv + extra[i] - t[i].glyph;
    double sp_next = i + 1 < e ? items[i + 1].adv + extra[i + 1] - t[i + 1].glyph : 0;
    if (i + 1 < e && same_run(&t[i], &t[i + 1], sp_i, sp_next)) continue;
    emit_text_run(tl, t, from, i + 1, xs[from], baseline, sp_i);
    from = i + 1;
  }
  emit_decorations(tl, t, xs, s, e, baseline);
  free(xs);
  tl->height = height;
  tl->width = line->width;
}

/* Wider than this, a Latin word or URL may break inside (nobreak.h). */
static double long_word_width(double size) { return 8 * size; }

static void set_text_breaking(layout_ctx *c, const span_list *spans, const text_frame *f, bool label,
                              text_lines *out) {
  tchar_list chars = {0};
  double size = f->size > 0 ? f->size : c->spec->roles[f->role].size;
  VEC(size_t) forced = {0};
  if (f->prefix) {
    span pre = {SPAN_TEXT, 0, (char *)f->prefix, NULL, 0, 0};
    push_chars(c, &pre, f->role, f->force_bold || c->spec->roles[f->role].bold, size, &chars);
  }
  for (size_t i = 0; i < spans->len; i++) {
    const span *s = &spans->items[i];
    if (s->kind == SPAN_BREAK) {
      if (chars.len) VEC_PUSH(forced, chars.len - 1);
      continue;
    }
    push_chars(c, s, f->role, f->force_bold || c->spec->roles[f->role].bold, size, &chars);
  }
  size_t n = chars.len;
  if (n == 0) {
    VEC_FREE(chars);
    VEC_FREE(forced);
    return;
  }
  lb_item *items = xcalloc(n, sizeof *items);
  double *extra = xcalloc(n, sizeof *extra);
  make_items(c, chars.items, n, f->role, items);
  lb_find_breaks(items, n);
  lb_keep_units(items, n, long_word_width(size));
  if (label) lb_label_breaks(items, n);
  for (size_t i = 0; i < forced.len; i++) items[forced.items[i]].brk = LB_MUST;
  lb_lines lines = {0};
  double width = f->width;
  lb_break_lines(items, n, width - f->indent, width, f->align == ALIGN_JUSTIFY, &lines, extra);
  if (f->align == ALIGN_CENTER && lines.len > 1) {
    /* Centred text (titles) wraps into balanced lines: the narrowest
     * measure that needs no more lines. */
    size_t count = lines.len;
    double lo = width * 0.4, hi = width;
    for (int k = 0; k < 12; k++) {
      double mid = (lo + hi) / 2;
      lb_break_lines(items, n, mid - f->indent, mid, false, &lines, extra);
      if (lines.len <= count) hi = mid;
      else lo = mid;
    }
    lb_break_lines(items, n, hi - f->indent, hi, false, &lines, extra);
  }
  for (size_t i = 0; i < lines.len; i++) {
    text_line tl = {0};
    emit_line(c, f, chars.items, items, extra, &lines.items[i], i == 0, &tl);
    VEC_PUSH(*out, tl);
  }
  VEC_FREE(lines);
  free(items);
  free(extra);
  VEC_FREE(chars);
  VEC_FREE(forced);
}

void set_text(layout_ctx *c, const span_list *spans, const text_frame *f, text_lines *out) {
  set_text_breaking(c, spans, f, false, out);
}

void set_label_text(layout_ctx *c, const span_list *spans, const text_frame *f, text_lines *out) {
  set_text_breaking(c, spans, f, true, out);
}

void text_lines_free(text_lines *l) {
  for (size_t i = 0; i < l->len; i++) {
    for (size_t k = 0; k < l->items[i].items.len; k++) free(l->items[i].items.items[k].text);
    VEC_FREE(l->items[i].items);
  }
  VEC_FREE(*l);
}

lb_item *text_items(layout_ctx *c, const span_list *spans, role_id role, bool bold, bool label,
                    size_t *n_out) {
  tchar_list chars = {0};
  VEC(size_t) forced = {0};
  double size = c->spec->roles[role].size;
  for (size_t i = 0; i < spans->len; i++) {
    if (spans->items[i].kind == SPAN_BREAK) {
      if (chars.len) VEC_PUSH(forced, chars.len - 1);
    } else {
      push_chars(c, &spans->items[i], role, bold || c->spec->roles[role].bold, size, &chars);
    }
  }
  size_t n = chars.len;
  lb_item *items = n ? xcalloc(n, sizeof *items) : NULL;
  if (n) {
    make_items(c, chars.items, n, role, items);
    lb_find_breaks(items, n);
    lb_keep_units(items, n, long_word_width(size));
    if (label) lb_label_breaks(items, n);
    for (size_t i = 0; i < forced.len; i++) items[forced.items[i]].brk = LB_MUST;
  }
  VEC_FREE(chars);
  VEC_FREE(forced);
  *n_out = n;
  return items;
}

void plain_spans(span_list *l, const char *text) {
  span_list_push(l, SPAN_TEXT, 0, text, strlen(text), NULL, 0, 0);
}

/* Sets one line of text with a role's font at a given size. */
static void set_label(layout_ctx *c, const char *text, role_id role, double size, text_lines *out) {
  span_list spans = {0};
  plain_spans(&spans, text);
  text_frame f = {role, 0, 1e9, 0, ALIGN_LEFT, false, false, NULL, size};
  set_text(c, &spans, &f, out);
  span_list_free(&spans);
}

double label_width(layout_ctx *c, const char *text, role_id role, double size) {
  text_lines lines = {0};
  set_label(c, text, role, size, &lines);
  double w = lines.len ? lines.items[0].width : 0;
  text_lines_free(&lines);
  return w;
}

void box_add_label(layout_ctx *c, vbox *b, const char *text, role_id role, double size, double x,
                   double baseline, text_align align, rgb color) {
  text_lines lines = {0};
  set_label(c, text, role, size, &lines);
  if (lines.len) {
    text_line *tl = &lines.items[0];
    double shift = align == ALIGN_CENTER ? -tl->width / 2 : align == ALIGN_RIGHT ? -tl->width : 0;
    double line_base = (tl->height - size) / 2 + size * EM_ASCENT;
    for (size_t i = 0; i < tl->items.len; i++) {
      tl->items.items[i].x += x + shift;
      tl->items.items[i].color = color;
    }
    box_add_text_line(b, tl, baseline - line_base);
  }
  text_lines_free(&lines);
}
