#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_internal.h"
#include "linebreaker.h"
#include "utf8.h"

#define EM_ASCENT 0.88 /* baseline position in the ideographic em box */
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

static bool is_wide(uint32_t cp) { return is_cjk(cp) && cp != 0x2014 && cp != 0xB7; }

/* Width of a character cell: the glyph plus the grid's tracking. */
static double tracking(const layout_ctx *c, role_id role) {
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
  double track = tracking(c, role), gap = c->spec->cjk_latin_space;
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

void set_text(layout_ctx *c, const span_list *spans, const text_frame *f, text_lines *out) {
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

void text_lines_free(text_lines *l) {
  for (size_t i = 0; i < l->len; i++) {
    for (size_t k = 0; k < l->items[i].items.len; k++) free(l->items[i].items.items[k].text);
    VEC_FREE(l->items[i].items);
  }
  VEC_FREE(*l);
}

double text_natural_width(layout_ctx *c, const span_list *spans, role_id role, bool bold,
                          double *min_width) {
  tchar_list chars = {0};
  for (size_t i = 0; i < spans->len; i++)
    if (spans->items[i].kind == SPAN_TEXT)
      push_chars(c, &spans->items[i], role, bold, c->spec->roles[role].size, &chars);
  size_t n = chars.len;
  double total = 0, longest = 0, word = 0;
  if (n) {
    lb_item *items = xcalloc(n, sizeof *items);
    make_items(c, chars.items, n, role, items);
    lb_find_breaks(items, n);
    for (size_t i = 0; i < n; i++) {
      double w = items[i].adv + (word > 0 ? items[i].gap : 0);
      total += w;
      word += w;
      if (items[i].brk != LB_NO) {
        longest = fmax(longest, word);
        word = 0;
      }
    }
    free(items);
  }
  VEC_FREE(chars);
  *min_width = fmax(longest, word);
  return total;
}

/* ---- boxes ------------------------------------------------------------- */

vbox *new_box(layout_ctx *c, double height) {
  vbox b = {0};
  b.height = height;
  b.repeat = -1;
  VEC_PUSH(c->boxes, b);
  return &c->boxes.items[c->boxes.len - 1];
}

void box_add_text_line(vbox *b, const text_line *line, double dy) {
  for (size_t i = 0; i < line->items.len; i++) {
    page_item it = line->items.items[i];
    it.y += dy;
    it.text = it.text ? xstrdup(it.text) : NULL;
    VEC_PUSH(b->items, it);
  }
}

void box_add_line(vbox *b, double x, double y, double w, double h, double width, rgb color) {
  page_item it = {.kind = IT_LINE, .x = x, .y = y, .w = w, .h = h, .line_width = width, .color = color};
  VEC_PUSH(b->items, it);
}

void box_add_rect(vbox *b, double x, double y, double w, double h, bool fill, bool stroke,
                  double width, rgb color) {
  page_item it = {.kind = IT_RECT, .x = x, .y = y, .w = w, .h = h, .fill = fill, .stroke = stroke,
                  .line_width = width, .color = color};
  VEC_PUSH(b->items, it);
}

static void plain_spans(span_list *l, const char *text) {
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

static void add_space(layout_ctx *c, double h) {
  if (h <= 0) return;
  vbox *b = new_box(c, h);
  b->space = true;
}

/* Text lines as boxes of one paragraph group. */
static void add_lines(layout_ctx *c, text_lines *lines, bool keep_with_next, int outline_level,
                      const char *outline_title) {
  int group = ++c->group_counter;
  for (size_t i = 0; i < lines->len; i++) {
    vbox *b = new_box(c, lines->items[i].height);
    box_add_text_line(b, &lines->items[i], 0);
    b->group = group;
    b->index = (int)i;
    b->count = (int)lines->len;
    b->keep_with_next = keep_with_next;
    if (i == 0 && outline_level) {
      b->outline_level = outline_level;
      b->outline_title = xstrdup(outline_title);
    }
  }
}

static void add_text_block(layout_ctx *c, const span_list *spans, text_frame *f, bool keep,
                           int outline_level, const char *outline_title) {
  const role_style *rs = &c->spec->roles[f->role];
  double pitch = c->pitch > 0 ? c->pitch : line_advance(c, ROLE_BODY, false);
  add_space(c, length_pt(rs->space_before, rs->size, pitch));
  text_lines lines = {0};
  set_text(c, spans, f, &lines);
  add_lines(c, &lines, keep, outline_level, outline_title);
  text_lines_free(&lines);
  if (keep && c->boxes.len) c->boxes.items[c->boxes.len - 1].keep_with_next = true;
  double after = length_pt(rs->space_after, rs->size, pitch);
  add_space(c, after);
  if (keep && after > 0) c->boxes.items[c->boxes.len - 1].keep_with_next = true;
}

/* ---- blocks ------------------------------------------------------------ */

static text_frame body_frame(const layout_ctx *c, role_id role, const block *b) {
  const role_style *rs = &c->spec->roles[role];
  double pitch = c->pitch;
  double left = length_pt(rs->margin_left, rs->size, pitch);
  double em = c->spec->roles[ROLE_BODY].size;
  left += (b->list_depth * 2 + b->quote_depth * 2) * em;
  text_frame f = {role, c->area_x + left, c->area_w - left, 0, rs->align, c->pitch > 0, false, NULL, 0};
  /* On a character grid an em of indent is one grid cell. */
  if (!b->list_depth) f.indent = length_pt(rs->indent, rs->size + tracking(c, role), pitch);
  return f;
}

static const char *cn_digits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

static void chinese_number(int n, strbuf *sb) {
  if (n <= 10) sb_puts(sb, cn_digits[n]);
  else if (n < 20) sb_printf(sb, "十%s", n % 10 ? cn_digits[n % 10] : "");
  else sb_printf(sb, "%s十%s", cn_digits[n / 10 % 10], n % 10 ? cn_digits[n % 10] : "");
}

/* 一、 （一） 1. （1） for the hierarchy level and its counter. */
static char *generated_number(int level, int n) {
  strbuf sb = {0};
  switch (level) {
    case 1: chinese_number(n, &sb); sb_puts(&sb, "、"); break;
    case 2: sb_puts(&sb, "（"); chinese_number(n, &sb); sb_puts(&sb, "）"); break;
    case 3: sb_printf(&sb, "%d．", n); break;
    default: sb_printf(&sb, "（%d）", n); break;
  }
  return sb_take(&sb);
}

typedef struct {
  int top_level;       /* Markdown level of the top body heading */
  int counters[5];
} heading_state;

static int heading_hierarchy(const block *b, const heading_state *hs) {
  if (b->number_level) return b->number_level;
  int level = b->level - hs->top_level + 1;
  return level < 1 ? 1 : level > 4 ? 4 : level;
}

static void layout_heading(layout_ctx *c, const block *b, heading_state *hs) {
  int level = heading_hierarchy(b, hs);
  role_id role = (role_id)(ROLE_H1 + level - 1);
  hs->counters[level]++;
  for (int l = level + 1; l <= 4; l++) hs->counters[l] = 0;
  char *number = NULL;
  if (c->spec->numbering == NUMBER_GENERATE && !b->number)
    number = generated_number(level, hs->counters[level]);
  text_frame f = body_frame(c, role, b);
  f.prefix = number;
  char *text = span_list_text(&b->spans);
  char *title = number ? xasprintf("%s%s", number, text) : xstrdup(text);
  add_text_block(c, &b->spans, &f, true, level, title);
  free(title);
  free(text);
  free(number);
}

static void layout_paragraph(layout_ctx *c, const block *b) {
  role_id role = b->quote_depth ? ROLE_QUOTE : ROLE_BODY;
  text_frame f = body_frame(c, role, b);
  size_t first_box = c->boxes.len;
  add_text_block(c, &b->spans, &f, false, 0, NULL);
  if (!b->marker) return;
  /* The list marker hangs left of the item's first line. */
  for (size_t i = first_box; i < c->boxes.len; i++) {
    vbox *box = &c->boxes.items[i];
    if (box->space) continue;
    const role_style *rs = &c->spec->roles[role];
    double baseline = (box->height - rs->size) / 2 + rs->size * EM_ASCENT;
    size_t before = box->items.len;
    box_add_label(c, box, b->marker, role, rs->size, f.x - 0.4 * rs->size, baseline, ALIGN_RIGHT, rs->color);
    /* The marker comes first in reading order: move its runs to the front. */
    size_t added = box->items.len - before;
    page_item *tmp = xmalloc((added + 1) * sizeof *tmp);
    memcpy(tmp, box->items.items + before, added * sizeof *tmp);
    memmove(box->items.items + added, box->items.items, before * sizeof *tmp);
    memcpy(box->items.items, tmp, added * sizeof *tmp);
    free(tmp);
    break;
  }
}

static void layout_code(layout_ctx *c, const block *b) {
  text_frame f = body_frame(c, ROLE_CODE, b);
  f.grid = false;
  f.align = ALIGN_LEFT;
  const role_style *rs = &c->spec->roles[ROLE_CODE];
  double pitch = c->pitch > 0 ? c->pitch : rs->size * 1.5;
  add_space(c, length_pt(rs->space_before, rs->size, pitch));
  int group = ++c->group_counter;
  const char *p = b->literal;
  size_t nlines = 0;
  while (*p) {
    size_t n = strcspn(p, "\n");
    span_list spans = {0};
    span_list_push(&spans, SPAN_TEXT, ST_CODE, p, n, NULL, b->line + 1 + (int)nlines, 1);
    text_lines lines = {0};
    set_text(c, &spans, &f, &lines);
    if (lines.len == 0) { /* an empty line of code still takes a line */
      text_line empty = {0};
      empty.height = line_advance(c, ROLE_CODE, false);
      VEC_PUSH(lines, empty);
    }
    for (size_t i = 0; i < lines.len; i++) {
      vbox *box = new_box(c, lines.items[i].height);
      box_add_rect(box, f.x - 4, 0, f.width + 8, lines.items[i].height, true, false, 0,
                   (rgb){0.94, 0.94, 0.94});
      box_add_text_line(box, &lines.items[i], 0);
      box->group = group;
    }
    text_lines_free(&lines);
    span_list_free(&spans);
    nlines++;
    p += n;
    if (*p) p++;
  }
  add_space(c, length_pt(rs->space_after, rs->size, pitch));
  if (c->boxes.len) c->boxes.items[c->boxes.len - 1].snap_after = true;
}

static void layout_rule(layout_ctx *c) {
  double h = c->pitch > 0 ? c->pitch : 12;
  vbox *b = new_box(c, h);
  box_add_line(b, c->area_x, h / 2, c->area_w, 0, 0.5, (rgb){0, 0, 0});
}

/* Pixel size of a PNG or JPEG from its header. */
static int image_size(const char *path, int *w, int *h) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  unsigned char buf[65536];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  if (n >= 24 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0) {
    *w = (buf[16] << 24) | (buf[17] << 16) | (buf[18] << 8) | buf[19];
    *h = (buf[20] << 24) | (buf[21] << 16) | (buf[22] << 8) | buf[23];
    return 1;
  }
  if (n >= 4 && buf[0] == 0xFF && buf[1] == 0xD8) {
    for (size_t i = 2; i + 9 < n;) {
      if (buf[i] != 0xFF) return -2;
      unsigned m = buf[i + 1], len = (unsigned)(buf[i + 2] << 8 | buf[i + 3]);
      if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
        *h = buf[i + 5] << 8 | buf[i + 6];
        *w = buf[i + 7] << 8 | buf[i + 8];
        return 2;
      }
      i += 2 + len;
    }
  }
  return -2;
}

static void layout_image(layout_ctx *c, const block *b) {
  int w = 0, h = 0;
  int kind = image_size(b->url, &w, &h);
  if (kind == -1) {
    diag_error(c->dl, c->doc->file, b->line, b->col, "image '%s' not found; check the path (relative to the summary)", b->url);
    c->errors++;
    return;
  }
  if (kind < 0 || w <= 0 || h <= 0) {
    diag_error(c->dl, c->doc->file, b->line, b->col, "image '%s' is not a PNG or JPEG file; convert it", b->url);
    c->errors++;
    return;
  }
  double width = fmin(c->area_w, w * 0.75), height = width * h / w;
  if (height > c->area_h * 0.8) {
    height = c->area_h * 0.8;
    width = height * w / h;
  }
  double pad = c->pitch > 0 ? c->pitch / 4 : 6;
  vbox *box = new_box(c, height + 2 * pad);
  page_item it = {.kind = IT_IMAGE, .x = c->area_x + (c->area_w - width) / 2, .y = pad, .w = width,
                  .h = height, .text = xstrdup(b->url)};
  VEC_PUSH(box->items, it);
  box->snap_after = true;
}

static void layout_block(layout_ctx *c, const block *b, heading_state *hs) {
  switch (b->kind) {
    case BLK_PARAGRAPH: layout_paragraph(c, b); break;
    case BLK_HEADING: layout_heading(c, b, hs); break;
    case BLK_CODE: layout_code(c, b); break;
    case BLK_RULE: layout_rule(c); break;
    case BLK_TABLE: layout_table(c, b, b->table); break;
    case BLK_IMAGE: layout_image(c, b); break;
    case BLK_CHART:
      if (b->chart) layout_chart(c, b, b->chart);
      break;
    case BLK_FIGURES: break; /* bound to a table by the figures stage */
  }
}

/* ---- front and back matter --------------------------------------------- */

static void layout_title(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  block plain = {0};
  if (m->title) {
    span_list spans = {0};
    plain_spans(&spans, m->title);
    text_frame f = body_frame(c, ROLE_TITLE, &plain);
    add_text_block(c, &spans, &f, true, 1, m->title);
    span_list_free(&spans);
  }
  if (m->subtitle) {
    span_list spans = {0};
    plain_spans(&spans, m->subtitle);
    text_frame f = body_frame(c, ROLE_SUBTITLE, &plain);
    add_text_block(c, &spans, &f, true, 0, NULL);
    span_list_free(&spans);
  }
}

/* "2016-08-15" → "2016年8月15日". */
static char *chinese_date(const char *iso) {
  if (!iso) return NULL;
  return xasprintf("%.4s年%d月%d日", iso, atoi(iso + 5), atoi(iso + 8));
}

/* The last two body lines go with the signature: a page never holds the
 * signature alone. */
static void keep_last_lines(layout_ctx *c, int lines) {
  for (size_t i = c->boxes.len; i-- > 0 && lines > 0;) {
    vbox *b = &c->boxes.items[i];
    if (!b->space && !b->group) return; /* a table, chart or image ends the body */
    b->keep_with_next = true;
    if (!b->space) lines--;
  }
}

static void layout_signature(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  if (!m->author && !m->date) return;
  keep_last_lines(c, 2);
  char *date = chinese_date(m->date);
  const char *lines[2] = {m->author, date};
  block plain = {0};
  const role_style *rs = &c->spec->roles[ROLE_SIGNATURE];
  add_space(c, length_pt(rs->space_before, rs->size, c->pitch > 0 ? c->pitch : rs->size * 1.5));
  for (int i = 0; i < 2; i++) {
    if (!lines[i]) continue;
    span_list spans = {0};
    plain_spans(&spans, lines[i]);
    text_frame f = body_frame(c, ROLE_SIGNATURE, &plain);
    f.indent = 0;
    double right = length_pt(rs->margin_left, rs->size, c->pitch);
    f.x = c->area_x;
    f.width = c->area_w - right; /* margin_left on a right-aligned role: space from the right */
    text_lines tl = {0};
    set_text(c, &spans, &f, &tl);
    add_lines(c, &tl, i == 0, 0, NULL);
    text_lines_free(&tl);
    span_list_free(&spans);
  }
  free(date);
}

void layout_masthead(layout_ctx *c);
void layout_distribution(layout_ctx *c);

/* ---- flow onto pages --------------------------------------------------- */

static page_box *new_page(layout_ctx *c) {
  laid_out *o = c->out;
  if (o->npages == o->cap_pages) {
    o->cap_pages = o->cap_pages ? o->cap_pages * 2 : 8;
    o->pages = xrealloc(o->pages, o->cap_pages * sizeof *o->pages);
  }
  memset(&o->pages[o->npages], 0, sizeof *o->pages);
  return &o->pages[o->npages++];
}

static void place_box(layout_ctx *c, page_box *page, const vbox *b, double top) {
  double page_h = c->out->page_h, y0 = c->area_top + top;
  for (size_t i = 0; i < b->items.len; i++) {
    page_item it = b->items.items[i];
    it.text = it.text ? xstrdup(it.text) : NULL;
    switch (it.kind) {
      case IT_TEXT: it.y = page_h - (y0 + it.y); break;
      case IT_LINE: it.y = page_h - (y0 + it.y); it.h = -it.h; break;
      default: it.y = page_h - (y0 + it.y + it.h); break;
    }
    VEC_PUSH(*page, it);
  }
  if (b->outline_level) {
    laid_out *o = c->out;
    if (o->noutline == o->cap_outline) {
      o->cap_outline = o->cap_outline ? o->cap_outline * 2 : 16;
      o->outline = xrealloc(o->outline, o->cap_outline * sizeof *o->outline);
    }
    o->outline[o->noutline++] = (outline_entry){b->outline_level, xstrdup(b->outline_title),
                                                (int)(c->out->npages - 1), page_h - y0};
  }
}

/* Height the box at i needs on this page so that headings stay with what
 * follows and no paragraph leaves a single line at a page's top or bottom. */
static double needed_height(const layout_ctx *c, size_t i) {
  const vbox *bs = c->boxes.items;
  size_t n = c->boxes.len, j = i;
  double need = 0;
  while (j < n && (bs[j].keep_with_next || bs[j].space)) need += bs[j++].height;
  if (j >= n) return need;
  const vbox *b = &bs[j];
  need += b->height;
  if (b->count >= 2 && b->group) {
    int k = b->index, cnt = b->count, take = 1;
    if (k == 0) take = cnt <= 3 ? cnt : 2;
    else if (k == cnt - 2) take = 2;
    for (int t = 1; t < take && j + (size_t)t < n; t++) need += bs[j + (size_t)t].height;
  }
  if (b->repeat < 0 && b->group == 0 && j + 1 < n && bs[j + 1].repeat == (long)j)
    need += bs[j + 1].height; /* a table header with its first row */
  return need;
}

static double snap_to_grid(const layout_ctx *c, double y) {
  if (c->pitch <= 0) return y;
  double lines = ceil(y / c->pitch - 1e-6);
  return lines * c->pitch;
}

static void flow_boxes(layout_ctx *c) {
  page_box *page = new_page(c);
  double y = 0;
  for (size_t i = 0; i < c->boxes.len; i++) {
    const vbox *b = &c->boxes.items[i];
    if (b->page_break && y > 0) {
      page = new_page(c);
      y = 0;
    }
    if (b->space) {
      if (y > 0) y += b->height;
      if (y > c->area_h) y = c->area_h;
      continue;
    }
    if (b->bottom) {
      if (y + b->height > c->area_h + 0.01) page = new_page(c);
      place_box(c, page, b, c->area_h - b->height);
      y = c->area_h;
      continue;
    }
    double need = needed_height(c, i);
    if (y > 0 && y + fmin(need, c->area_h) > c->area_h + 0.01) {
      page = new_page(c);
      y = 0;
      if (b->repeat >= 0) {
        place_box(c, page, &c->boxes.items[b->repeat], y);
        y += c->boxes.items[b->repeat].height;
      }
    }
    place_box(c, page, b, y);
    y += b->height;
    if (b->snap_after) y = snap_to_grid(c, y);
  }
}

/* ---- page numbers, headers and footers --------------------------------- */

static bool page_selected(page_selection sel, size_t page) {
  return sel == PAGES_ALL || (sel == PAGES_NOT_FIRST && page > 0);
}

static void add_page_label(layout_ctx *c, page_box *page, const char *text, role_id role,
                           double baseline_from_top, double x, text_align align) {
  vbox tmp = {0};
  const role_style *rs = &c->spec->roles[role];
  box_add_label(c, &tmp, text, role, rs->size, x, 0, align, rs->color);
  for (size_t i = 0; i < tmp.items.len; i++) {
    page_item it = tmp.items.items[i];
    it.y = c->out->page_h - baseline_from_top - it.y;
    VEC_PUSH(*page, it);
  }
  VEC_FREE(tmp.items);
}

static void decorate_pages(layout_ctx *c) {
  const layout_spec *s = c->spec;
  size_t pages = c->out->npages;
  for (size_t p = 0; p < pages; p++) {
    page_box *page = &c->out->pages[p];
    double bottom = c->area_top + c->area_h;
    if (page_selected(s->page_number_pages, p)) {
      const role_style *rs = &s->roles[ROLE_PAGE_NUMBER];
      char *text = layout_expand(s->page_number_format, &c->doc->meta, (int)p + 1, (int)pages);
      double inset = length_pt(s->page_number_inset, rs->size, c->pitch);
      double baseline = bottom + s->page_number_offset + rs->size * EM_ASCENT;
      bool odd = (p % 2) == 0;
      page_position pos = s->page_number_position;
      if (pos == POS_OUTSIDE) pos = odd ? POS_RIGHT : POS_LEFT;
      double x = pos == POS_RIGHT ? c->area_x + c->area_w - inset
                 : pos == POS_LEFT ? c->area_x + inset : c->area_x + c->area_w / 2;
      text_align al = pos == POS_RIGHT ? ALIGN_RIGHT : pos == POS_LEFT ? ALIGN_LEFT : ALIGN_CENTER;
      add_page_label(c, page, text, ROLE_PAGE_NUMBER, baseline, x, al);
      free(text);
    }
    if (s->header && page_selected(s->header_pages, p)) {
      const role_style *rs = &s->roles[ROLE_HEADER];
      char *text = layout_expand(s->header, &c->doc->meta, (int)p + 1, (int)pages);
      double baseline = c->area_top - rs->size * 1.2;
      add_page_label(c, page, text, ROLE_HEADER, baseline, c->area_x + c->area_w / 2, ALIGN_CENTER);
      page_item rule = {.kind = IT_LINE, .x = c->area_x, .y = c->out->page_h - baseline - rs->size * 0.4,
                        .w = c->area_w, .h = 0, .line_width = 0.4, .color = rs->color};
      VEC_PUSH(*page, rule);
      free(text);
    }
    if (s->footer && page_selected(s->footer_pages, p)) {
      const role_style *rs = &s->roles[ROLE_FOOTER];
      char *text = layout_expand(s->footer, &c->doc->meta, (int)p + 1, (int)pages);
      double baseline = bottom + s->page_number_offset + rs->size * 2.2;
      add_page_label(c, page, text, ROLE_FOOTER, baseline, c->area_x + c->area_w / 2, ALIGN_CENTER);
      free(text);
    }
  }
}

/* ---- the whole document ------------------------------------------------ */

static void collect_glyphs(layout_ctx *c) {
  laid_out *o = c->out;
  size_t nf = font_lib_face_count(c->fonts);
  o->nfaces = nf;
  o->faces = xcalloc(nf, sizeof *o->faces);
  o->face_cps = xcalloc(nf, sizeof *o->face_cps);
  o->face_ncps = xcalloc(nf, sizeof *o->face_ncps);
  for (size_t id = 0; id < nf; id++) {
    if (!c->used[id]) continue;
    VEC(uint32_t) cps = {0};
    for (uint32_t cp = 0; cp < 65536; cp++)
      if (c->used[id][cp >> 3] & (1u << (cp & 7))) VEC_PUSH(cps, cp);
    o->faces[id] = font_lib_face(c->fonts, id);
    o->face_cps[id] = cps.items;
    o->face_ncps[id] = cps.len;
  }
}

static void fill_info(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  laid_out *o = c->out;
  o->title = m->title ? xstrdup(m->title) : NULL;
  o->author = m->author ? xstrdup(m->author) : NULL;
  o->subject = m->county ? xstrdup(m->county) : NULL;
  o->date = m->date ? xstrdup(m->date) : NULL;
  strbuf kw = {0};
  const char *parts[] = {m->county, "抓党建促脱贫", c->spec->name};
  for (size_t i = 0; i < 3; i++)
    if (parts[i]) sb_printf(&kw, "%s%s", kw.len ? ", " : "", parts[i]);
  o->keywords = sb_take(&kw);
}

/* The markdown level of the first body heading: it is hierarchy level 1. */
static int top_heading_level(const document *doc) {
  int top = 6;
  for (size_t i = 0; i < doc->len; i++)
    if (doc->items[i].kind == BLK_HEADING && doc->items[i].level < top) top = doc->items[i].level;
  return top;
}

static void free_boxes(layout_ctx *c) {
  for (size_t i = 0; i < c->boxes.len; i++) {
    vbox *b = &c->boxes.items[i];
    for (size_t k = 0; k < b->items.len; k++) free(b->items.items[k].text);
    VEC_FREE(b->items);
    free(b->outline_title);
  }
  VEC_FREE(c->boxes);
}

int layout_document(const document *doc, const layout_spec *spec, const font_lib *fonts,
                    laid_out *out, diag_list *dl) {
  memset(out, 0, sizeof *out);
  layout_ctx c = {0};
  c.doc = doc;
  c.spec = spec;
  c.fonts = fonts;
  c.dl = dl;
  c.out = out;
  c.used = xcalloc(font_lib_face_count(fonts) + 1, sizeof *c.used);
  out->page_w = spec->page_w;
  out->page_h = spec->page_h;
  c.area_x = spec->margin_left;
  c.area_top = spec->margin_top;
  c.area_w = spec->page_w - spec->margin_left - spec->margin_right;
  c.area_h = spec->page_h - spec->margin_top - spec->margin_bottom;
  c.pitch = spec->grid_lines > 0 ? spec->line_pitch : 0;

  if (spec->masthead) layout_masthead(&c);
  if (spec->title_block) layout_title(&c);
  heading_state hs = {top_heading_level(doc), {0}};
  for (size_t i = 0; i < doc->len; i++) layout_block(&c, &doc->items[i], &hs);
  if (spec->signature) layout_signature(&c);
  if (spec->distribution) layout_distribution(&c);
  flow_boxes(&c);
  decorate_pages(&c);
  collect_glyphs(&c);
  fill_info(&c);
  free_boxes(&c);
  for (size_t i = 0; i < font_lib_face_count(fonts); i++) free(c.used[i]);
  free(c.used);
  return c.errors ? -1 : 0;
}

void laid_out_free(laid_out *lo) {
  for (size_t p = 0; p < lo->npages; p++) {
    for (size_t i = 0; i < lo->pages[p].len; i++) free(lo->pages[p].items[i].text);
    free(lo->pages[p].items);
  }
  free(lo->pages);
  for (size_t i = 0; i < lo->noutline; i++) free(lo->outline[i].title);
  free(lo->outline);
  for (size_t i = 0; i < lo->nfaces; i++) free(lo->face_cps[i]);
  free(lo->faces);
  free(lo->face_cps);
  free(lo->face_ncps);
  free(lo->title);
  free(lo->author);
  free(lo->subject);
  free(lo->keywords);
  free(lo->date);
  memset(lo, 0, sizeof *lo);
}
