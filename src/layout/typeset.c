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
#include "suggest.h"
#include "utf8.h"
#include "wordbreak.h"

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

/* Records that face f prints cp, and returns the code the PDF shows it
 * with: cp itself, or for a character beyond the BMP (libharu 2.3 writes
 * 16-bit codes only) and for a glyph the cmap does not reach (the font's
 * Chinese dash), a Private Use code of that face's subset, U+E000 upwards,
 * skipping codes the font itself maps. /ToUnicode and /ActualText give the
 * real character back (pdf.c). Codes go by first use: same input, same bytes. */
static uint32_t mark_used(layout_ctx *c, const font_face *f, uint32_t cp) {
  int id = font_face_id(f);
  unsigned variant = font_face_variant(f, cp);
  if (cp <= 0xFFFF && !variant) {
    if (!c->used[id]) c->used[id] = xcalloc(65536 / 8, 1);
    c->used[id][cp >> 3] |= (uint8_t)(1u << (cp & 7));
    return cp;
  }
  for (size_t i = 0; i < c->codes[id].len; i++)
    if (c->codes[id].items[i].cp == cp) return c->codes[id].items[i].code;
  uint32_t code = c->codes[id].len ? c->codes[id].items[c->codes[id].len - 1].code + 1u : 0xE000;
  while (code <= 0xF8FF && font_face_has(f, code)) code++;
  if (code > 0xF8FF) return 0; /* 6,400 codes in one face: never in a brief */
  font_code fc = {(uint16_t)code, cp, variant ? variant : font_face_glyph(f, cp)};
  VEC_PUSH(c->codes[id], fc);
  return code;
}

/* ---- setting text into lines ------------------------------------------ */

typedef struct {
  uint32_t cp, code;   /* code: what the PDF shows it with (mark_used) */
  const font_face *face;
  double size, glyph;  /* glyph: the font's advance at size */
  double cell, xoff;   /* the advance set (a full em for quotes in Chinese text) and where in it the glyph goes */
  bool fake_bold, strike;
  rgb color;
  const char *url;
} tchar;

typedef VEC(tchar) tchar_list;

static void missing_glyph(layout_ctx *c, const span *s, int offset, uint32_t cp, const font_chain *ch) {
  int line, col; /* exact in the source, after any markup or placeholder before it */
  span_source(s, offset, &line, &col);
  char buf[5] = {0};
  utf8_encode(cp, buf);
  strbuf fams = {0};
  for (size_t i = 0; ch && i < ch->len && i < CLOSEST_SHOWN; i++) /* in the order tried */
    sb_printf(&fams, "%s%s", i ? ", " : "", font_face_family(ch->faces[i]));
  if (ch && ch->len > CLOSEST_SHOWN) sb_printf(&fams, " and %zu more", ch->len - CLOSEST_SHOWN);
  diag_error(c->dl, c->doc->file, line, col,
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
    if (!c->code_chain) c->code_chain = chain_of(c, c->spec->inline_font.code);
    return c->code_chain ? c->code_chain : base;
  }
  if (style & ST_EMPH) {
    if (!c->emph_chain) c->emph_chain = chain_of(c, c->spec->inline_font.emphasis);
    if (style & ST_STRONG) *fake = true;
    return c->emph_chain ? c->emph_chain : base;
  }
  if (style & ST_STRONG) {
    if (!c->strong_chain) c->strong_chain = chain_of(c, c->spec->inline_font.strong);
    /* Strong in a role already set in the strong face: embolden it. */
    if (!c->strong_chain || strcmp(c->spec->roles[role].font, c->spec->inline_font.strong) == 0) {
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
  size_t left = strlen(s->text); /* once: a strlen per character was quadratic */
  for (const char *p = s->text; *p;) {
    uint32_t cp;
    size_t n = utf8_decode(p, left, &cp);
    if (n == 0) break; /* input was validated; stop rather than misread */
    p += n;
    left -= n;
    offset++;
    if (cp == '\t') cp = ' ';
    if (cp < 0x20 || cp == 0x7F || cp == 0xFEFF || cp == 0x200B) continue;
    const font_face *f = font_chain_find(ch, cp);
    bool f_fake = fake;
    if (!f && base) {
      f = font_chain_find(base, cp);
      f_fake = base_fake;
    }
    if (!f) {
      missing_glyph(c, s, offset - 1, cp, ch);
      continue;
    }
    uint32_t code = mark_used(c, f, cp);
    if (!code) {
      missing_glyph(c, s, offset - 1, cp, NULL);
      continue;
    }
    double glyph = font_face_advance(f, cp) * size;
    tchar t = {cp, code, f, size, glyph, glyph, 0, f_fake, (s->style & ST_STRIKE) != 0,
               s->url ? link_color : rs->color, s->url};
    VEC_PUSH(*out, t);
  }
}

/* Width of a character cell: the glyph plus the grid's tracking. */
double typeset_grid_tracking(const layout_ctx *c, role_id role) {
  if (role != ROLE_BODY || c->spec->grid.chars_per_line <= 0) return 0;
  return c->area_w / c->spec->grid.chars_per_line - c->spec->roles[ROLE_BODY].size;
}

/* Which side of a full-width mark is blank in mainland typesetting: -1 the
 * left (opening marks （“《…), 1 the right (closing and pause marks ，。、；：？！）”》…),
 * 0 not such a mark (clreq #h-punctuation_adjustment_space). How much is
 * blank comes from the font. */
static int blank_side(uint32_t cp) {
  if (uchar_is_opening_punct(cp)) return -1;
  if (uchar_is_closing_punct(cp) || cp == 0xFF1F || cp == 0xFF01) return 1;
  return 0;
}

static bool is_quote(uint32_t cp) { return cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019; }

/* “ ” ‘ ’ are ambiguous-width: in Chinese text (a wide neighbour) they take
 * a full em like every other Chinese mark, the opening ones with their ink
 * on the right half, the closing ones on the left (GB/T 15834, clreq
 * #h-punctuation_marks_width), even where a font draws them a third of an
 * em wide (LXGW WenKai, WenQuanYi Zen Hei). Between Latin letters they keep
 * the font's width. */
static void fit_quotes(tchar *t, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!is_quote(t[i].cp) || t[i].glyph >= 0.9 * t[i].size) continue;
    bool chinese = false;
    for (size_t k = i; k-- > 0 && !chinese;) { /* the nearest non-quote on each side */
      if (is_quote(t[k].cp)) continue;
      chinese = is_wide(t[k].cp);
      break;
    }
    for (size_t k = i + 1; k < n && !chinese; k++) {
      if (is_quote(t[k].cp)) continue;
      chinese = is_wide(t[k].cp);
      break;
    }
    if (!chinese) continue;
    t[i].cell = t[i].size;
    t[i].xoff = blank_side(t[i].cp) < 0 ? t[i].size - t[i].glyph : 0;
  }
}

/* The blank half of each full-width mark, at size (pt): from the font
 * (GPOS 'halt', else its ink box), and for a quote set a full em by
 * fit_quotes the part of the em its glyph leaves free. At most half an em. */
static void mark_blanks(const tchar *t, size_t n, double *left, double *right) {
  for (size_t i = 0; i < n; i++) {
    left[i] = right[i] = 0;
    int side = blank_side(t[i].cp);
    if (!side || t[i].cell < 0.9 * t[i].size) continue;
    double l, r;
    if (t[i].cell != t[i].glyph) {
      l = r = (t[i].cell - t[i].glyph) / t[i].size;
    } else if (!font_face_blanks(t[i].face, t[i].cp, &l, &r)) {
      continue;
    }
    double blank = fmin(side < 0 ? l : r, 0.5) * t[i].size;
    if (side < 0) left[i] = blank;
    else right[i] = blank;
  }
}

/* Squeezable part of a blank when filling a line: a tenth of an em stays
 * beside the ink (fonts place marks differently). */
static double squeezable(double blank, double size) { return fmax(0, blank - 0.1 * size); }

/* 。？！ (and ．): full width in the kaiming scheme. */
static bool is_stop(uint32_t cp) { return cp == 0x3002 || cp == 0xFF1F || cp == 0xFF01 || cp == 0xFF0E; }

static void make_items(layout_ctx *c, const tchar *t, size_t n, role_id role, lb_item *items) {
  double track = typeset_grid_tracking(c, role), gap = c->spec->cjk_latin_space;
  punct_scheme scheme = c->spec->roles[role].punctuation;
  double *left = xcalloc(n + 1, sizeof *left), *right = xcalloc(n + 1, sizeof *right);
  mark_blanks(t, n, left, right);
  for (size_t i = 0; i < n; i++) {
    lb_item *it = &items[i];
    it->cp = t[i].cp;
    it->adv = t[i].cell + track;
    it->space = t[i].cp == ' ' || t[i].cp == 0xA0;
    it->gap = 0;
    it->hang = 0;
    it->on_grid = false;
    if (i > 0 && ((uchar_is_cjk_ideograph(t[i - 1].cp) && is_ascii_alnum(t[i].cp)) ||
                  (is_ascii_alnum(t[i - 1].cp) && uchar_is_cjk_ideograph(t[i].cp))))
      it->gap = gap * t[i].size;
    it->stretch = i + 1 < n && (is_wide(t[i].cp) || is_wide(t[i + 1].cp));
    it->brk = LB_NO;
    it->shrink = 0;
  }
  for (size_t i = 0; i < n; i++) {
    lb_item *it = &items[i];
    switch (scheme) {
      case PUNCT_PLAIN:
        /* No adjustment: every mark a full cell, nothing squeezed, no
         * stretch before the line's first Latin letter or digit, so body
         * characters stay on the grid; a closing mark that would have to
         * start a line hangs past the measure instead (clreq #h-hanging_punctuation). */
        it->on_grid = true;
        it->hang = right[i] > 0 ? it->adv : 0;
        break;
      case PUNCT_BANJIAO:
      case PUNCT_KAIMING:
        /* Half-width marks lose their blank half outright: a closing mark
         * its right half, an opening mark its left half (pulled towards the
         * item before). kaiming keeps 。？！ a full em (they may lose their
         * blank half at a line end or when squeezing). */
        if (scheme == PUNCT_KAIMING && is_stop(t[i].cp)) {
          it->shrink = squeezable(right[i], t[i].size);
          it->hang = right[i];
        } else if (right[i] > 0) {
          it->adv -= right[i];
        } else if (left[i] > 0 && i > 0) {
          items[i - 1].adv -= left[i];
        }
        break;
      default: {
        /* quanjiao. A closing mark squeezes its right blank; an opening mark's
         * left blank is squeezed by pulling it towards the item before. At a
         * line end a closing mark may lose its blank half. */
        it->shrink = squeezable(right[i], t[i].size) + (i + 1 < n ? squeezable(left[i + 1], t[i + 1].size) : 0);
        it->hang = right[i];
        /* Adjacent marks take 1.5 em (clreq #h-adjustment_of_adjacent_punctuation_marks):
         * after a closing mark its right blank goes (。” ，“ ？“ ）、 ）。); between two
         * opening marks the second one's left blank goes (《（). Whatever the role. */
        bool next_mark = i + 1 < n && (right[i + 1] > 0 || left[i + 1] > 0);
        double pair = right[i] > 0 && next_mark ? right[i]
                      : i + 1 < n && left[i] > 0 && left[i + 1] > 0 ? left[i + 1] : 0;
        if (pair > 0) {
          it->adv -= pair;
          it->shrink = 0;
          it->hang = 0;
        }
      }
    }
  }
  for (size_t i = 1; i < n; i++)
    if (items[i].gap > 0) items[i - 1].stretch = true;
  free(left);
  free(right);
}

static bool same_run(const tchar *a, const tchar *b, double sa, double sb) {
  return a->xoff == 0 && b->xoff == 0 && a->face == b->face && a->size == b->size && a->fake_bold == b->fake_bold &&
         a->color.r == b->color.r && a->color.g == b->color.g && a->color.b == b->color.b &&
         fabs(sa - sb) < 0.0005;
}

static void emit_text_run(text_line *tl, const tchar *t, size_t from, size_t to, double x, double w,
                          double baseline, double char_space) {
  /* libharu does not draw text whose advance adds up to nothing (a closing
   * mark followed by an opening one in the half-width schemes gives its
   * whole cell to the opening mark): keep a trace of advance. */
  double total = 0;
  for (size_t k = from; k < to; k++) total += t[k].glyph + char_space;
  if (fabs(total) < 0.01) char_space += 0.02 / (double)(to - from);
  strbuf sb = {0};
  for (size_t k = from; k < to; k++) {
    char buf[4];
    sb_append(&sb, buf, utf8_encode(t[k].code, buf));
  }
  page_item it = {.kind = IT_TEXT, .x = x, .y = baseline, .w = w, .face = font_face_id(t[from].face),
                  .size = t[from].size, .char_space = char_space, .fake_bold = t[from].fake_bold,
                  .line_width = t[from].size * 0.03, .color = t[from].color, .text = sb_take(&sb)};
  VEC_PUSH(tl->items, it);
}

/* Strikethrough rules and link areas over runs of one line (xs[i - s] is item i's x). */
static void emit_decorations(text_line *tl, const tchar *t, const double *line_xs, size_t s, size_t e,
                             double baseline) {
  for (size_t i = s; i < e;) {
    size_t j = i + 1;
    if (t[i].strike) {
      while (j < e && t[j].strike) j++;
      double y = baseline - t[i].size * 0.32;
      page_item it = {.kind = IT_LINE, .x = line_xs[i - s], .y = y, .w = line_xs[j - 1 - s] + t[j - 1].cell - line_xs[i - s],
                      .h = 0, .line_width = t[i].size * 0.06, .color = t[i].color};
      VEC_PUSH(tl->items, it);
    } else if (t[i].url) {
      while (j < e && t[j].url == t[i].url) j++;
      page_item it = {.kind = IT_LINK, .x = line_xs[i - s], .y = baseline - t[i].size * EM_ASCENT,
                      .w = line_xs[j - 1 - s] + t[j - 1].cell - line_xs[i - s], .h = t[i].size, .url = xstrdup(t[i].url)};
      VEC_PUSH(tl->items, it);
    }
    i = j;
  }
}

double typeset_line_advance(const layout_ctx *c, role_id role, bool grid) {
  const role_style *rs = &c->spec->roles[role];
  double natural = rs->size * (rs->line_height > 0 ? rs->line_height : 1.5);
  if (!grid || c->pitch <= 0) return natural;
  return fmax(1, ceil(natural / c->pitch - 0.05)) * c->pitch;
}

static void emit_line(layout_ctx *c, const text_frame *f, const tchar *t, const lb_item *items,
                      const double *extra, const lb_line *line, bool first, text_line *tl) {
  double size = f->size > 0 ? f->size : c->spec->roles[f->role].size;
  double height = f->size > 0 ? size * 1.5 : typeset_line_advance(c, f->role, f->grid);
  double baseline = (height - size) / 2 + size * EM_ASCENT;
  double measure = f->width - (first ? f->indent : 0);
  double x = f->x + (first ? f->indent : 0);
  if (f->align == ALIGN_CENTER) x += (measure - line->width) / 2;
  if (f->align == ALIGN_RIGHT) x += measure - line->width;
  size_t s = line->start, e = line->end;
  double *xs = xcalloc(e - s + 1, sizeof *xs); /* xs[i - s] for item i: the line's, not the paragraph's */
  for (size_t i = s; i < e; i++) {
    xs[i - s] = x;
    x += items[i].adv + extra[i];
  }
  xs[e - s] = x;
  size_t from = s;
  for (size_t i = s; i < e; i++) {
    double sp_i = items[i].adv + extra[i] - t[i].glyph;
    double sp_next = i + 1 < e ? items[i + 1].adv + extra[i + 1] - t[i + 1].glyph : 0;
    if (i + 1 < e && same_run(&t[i], &t[i + 1], sp_i, sp_next)) continue;
    /* A glyph placed inside a wider cell (a narrow quote) is a run of its own. */
    emit_text_run(tl, t, from, i + 1, xs[from - s] + t[from].xoff, xs[i + 1 - s] - xs[from - s] - t[from].xoff, baseline,
                  from == i && t[i].xoff ? 0 : sp_i);
    /* A compressed mark overlaps the next glyph's box, a narrow opening quote
     * leaves a gap before its ink: extractors would split the word there. */
    if (i + 1 < e && (sp_i < -0.15 * t[i].size || t[i + 1].xoff > 0.1 * t[i + 1].size))
      tl->items.items[tl->items.len - 1].join_next = true;
    from = i + 1;
  }
  emit_decorations(tl, t, xs, s, e, baseline);
  free(xs);
  tl->height = height;
  tl->width = line->width;
}

/* A title wraps between words (GB/T 9704-2012 7.3.1: 回行时，要做到词意完整):
 * a break that ICU's word boundaries do not allow is taken away, unless a
 * line would then overflow the measure (a word longer than the line). */
/* The narrowest measure (up to width) at which items still take as few
 * lines as at width, and that count in *count (SIZE_MAX when a line
 * overflows width: a word wider than the line). */
static double balanced_measure(const lb_item *items, size_t n, double first_width, double width, size_t *count) {
  lb_lines lines = {0};
  double *extra = xcalloc(n, sizeof *extra), indent = width - first_width;
  linebreak_lines(items, n, first_width, width, false, &lines, extra);
  *count = lines.len;
  for (size_t i = 0; i < lines.len; i++)
    if (lines.items[i].width > (i ? width : first_width) + 0.01) *count = SIZE_MAX;
  double lo = width * 0.4, hi = width;
  for (int k = 0; k < 12 && *count != SIZE_MAX; k++) {
    double mid = (lo + hi) / 2;
    linebreak_lines(items, n, mid - indent, mid, false, &lines, extra);
    if (lines.len <= *count) hi = mid;
    else lo = mid;
  }
  VEC_FREE(lines);
  free(extra);
  return hi;
}

static bool is_han_cp(uint32_t c) { return (c >= 0x3400 && c <= 0x9FFF) || (c >= 0x20000 && c <= 0x3FFFF); }

/* Whether the balanced lines at this measure end between two Han
 * characters: the only places a word can be split (a break beside
 * punctuation, a digit or a Latin word needs no dictionary). */
static bool breaks_between_han(const tchar *t, const lb_item *items, size_t n, double first_width, double width) {
  lb_lines lines = {0};
  double *extra = xcalloc(n, sizeof *extra);
  linebreak_lines(items, n, first_width, width, false, &lines, extra);
  bool han = false;
  for (size_t i = 0; i + 1 < lines.len; i++) {
    size_t end = lines.items[i].end;
    han |= end > 0 && end < n && is_han_cp(t[end - 1].cp) && is_han_cp(t[end].cp);
  }
  VEC_FREE(lines);
  free(extra);
  return han;
}

/* Breaks between words of two or more characters when the title then
 * still wraps into as many lines of about the same measure (within three
 * characters), else next to a one-character word too, else (a word wider
 * than the line) where UAX #14 allows. */
static void title_word_breaks(const tchar *t, lb_item *items, size_t n, double first_width, double width,
                              double em) {
  uint32_t *cps = xmalloc(n * sizeof *cps);
  unsigned char *at = xmalloc(n + 1), *saved = xmalloc(n);
  for (size_t i = 0; i < n; i++) cps[i] = t[i].cp, saved[i] = items[i].brk;
  size_t count, best;
  double measure = balanced_measure(items, n, first_width, width, &best);
  if (breaks_between_han(t, items, n, measure - (width - first_width), measure) && wordbreak_boundaries(cps, n, at) == 0) {
    for (int need = WB_STRONG; need >= WB_WEAK; need--) {
      for (size_t i = 0; i + 1 < n; i++) items[i].brk = saved[i] == LB_ALLOW && at[i + 1] < need ? LB_NO : saved[i];
      double m = balanced_measure(items, n, first_width, width, &count);
      if (count == best && m <= measure + 3 * em) break;
      if (count != SIZE_MAX && need == WB_WEAK) break; /* words whole, though less even */
      if (need == WB_WEAK)
        for (size_t i = 0; i < n; i++) items[i].brk = saved[i];
    }
  }
  free(saved);
  free(at);
  free(cps);
}

/* Wider than this, a Latin word or URL may break inside (nobreak.h). */
static double long_word_width(double size) { return 8 * size; }

static void set_text_breaking(layout_ctx *c, const span_list *spans, const text_frame *f, bool label,
                              text_lines *out) {
  tchar_list chars = {0};
  double size = f->size > 0 ? f->size : c->spec->roles[f->role].size;
  VEC(size_t) forced = {0};
  if (f->prefix) {
    span pre = {SPAN_TEXT, 0, (char *)f->prefix, NULL, 0, 0, NULL, 0};
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
  fit_quotes(chars.items, n);
  make_items(c, chars.items, n, f->role, items);
  linebreak_find(items, n);
  linebreak_keep_units(items, n, long_word_width(size));
  if (label) linebreak_label_breaks(items, n);
  for (size_t i = 0; i < forced.len; i++) items[forced.items[i]].brk = LB_MUST;
  lb_lines lines = {0};
  double width = f->width;
  linebreak_lines(items, n, width - f->indent, width, f->align == ALIGN_JUSTIFY, &lines, extra);
  if (f->role == ROLE_TITLE && lines.len > 1) {
    title_word_breaks(chars.items, items, n, width - f->indent, width, size);
    linebreak_lines(items, n, width - f->indent, width, f->align == ALIGN_JUSTIFY, &lines, extra);
  }
  if (f->align == ALIGN_CENTER && lines.len > 1) {
    /* Centred text (titles) wraps into balanced lines: the narrowest
     * measure that needs no more lines. */
    size_t count = lines.len;
    double lo = width * 0.4, hi = width;
    for (int k = 0; k < 12; k++) {
      double mid = (lo + hi) / 2;
      linebreak_lines(items, n, mid - f->indent, mid, false, &lines, extra);
      if (lines.len <= count) hi = mid;
      else lo = mid;
    }
    linebreak_lines(items, n, hi - f->indent, hi, false, &lines, extra);
  }
  for (size_t i = 0; i < lines.len && !stop_due(c->stop); i++) {
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

void typeset_text(layout_ctx *c, const span_list *spans, const text_frame *f, text_lines *out) {
  set_text_breaking(c, spans, f, false, out);
}

void typeset_label(layout_ctx *c, const span_list *spans, const text_frame *f, text_lines *out) {
  set_text_breaking(c, spans, f, true, out);
}

lb_item *typeset_items(layout_ctx *c, const span_list *spans, role_id role, bool bold, bool label,
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
    fit_quotes(chars.items, n);
    make_items(c, chars.items, n, role, items);
    linebreak_find(items, n);
    linebreak_keep_units(items, n, long_word_width(size));
    if (label) linebreak_label_breaks(items, n);
    for (size_t i = 0; i < forced.len; i++) items[forced.items[i]].brk = LB_MUST;
  }
  VEC_FREE(chars);
  VEC_FREE(forced);
  *n_out = n;
  return items;
}

void typeset_plain_spans(span_list *l, const char *text) {
  span_list_push(l, SPAN_TEXT, 0, text, strlen(text), NULL, 0, 0);
}

/* Sets one line of text with a role's font at a given size. */
static void set_label(layout_ctx *c, const char *text, role_id role, double size, text_lines *out) {
  span_list spans = {0};
  typeset_plain_spans(&spans, text);
  text_frame f = {.role = role, .width = 1e9, .align = ALIGN_LEFT, .size = size};
  typeset_text(c, &spans, &f, out);
  span_list_free(&spans);
}

double typeset_label_width(layout_ctx *c, const char *text, role_id role, double size) {
  text_lines lines = {0};
  set_label(c, text, role, size, &lines);
  double w = lines.len ? lines.items[0].width : 0;
  box_text_lines_free(&lines);
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
  box_text_lines_free(&lines);
}

/* Spans set in a frame as one paragraph group, with the role's space before and after. */
void typeset_block(layout_ctx *c, const span_list *spans, text_frame *f, bool keep,
                   int outline_level, const char *outline_title) {
  const role_style *rs = &c->spec->roles[f->role];
  double pitch = c->pitch > 0 ? c->pitch : typeset_line_advance(c, ROLE_BODY, false);
  box_add_space(c, spec_length_pt(rs->space_before, rs->size, pitch));
  text_lines lines = {0};
  typeset_text(c, spans, f, &lines);
  box_add_lines(c, &lines, keep, outline_level, outline_title);
  box_text_lines_free(&lines);
  if (keep && c->boxes.len) c->boxes.items[c->boxes.len - 1].keep_with_next = true;
  double after = spec_length_pt(rs->space_after, rs->size, pitch);
  box_add_space(c, after);
  if (keep && after > 0) c->boxes.items[c->boxes.len - 1].keep_with_next = true;
}
