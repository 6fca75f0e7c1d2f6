/* 文件式: the parts of a 红头文件 that GB/T 9704-2012 places around the
 * title and body (7.2 版头, 7.3 主体, 7.4 版记). Positions follow the
 * standard's clauses, cited where they are set; every word printed comes
 * from the front matter or the layout (document: in the layout file). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cndate.h"
#include "layout_internal.h"
#include "utf8.h"

static double pitch_of(const layout_ctx *c) { return c->pitch > 0 ? c->pitch : typeset_line_advance(c, ROLE_BODY, false); }

static double em_of(const layout_ctx *c, role_id r) { return c->spec->roles[r].size + typeset_grid_tracking(c, r); }

/* A label whose em box starts top below the box's top, set smaller when
 * it is wider than max_w (a hostile or very long value stays on the page). */
static void label_fit(layout_ctx *c, vbox *b, const char *text, role_id r, double x, double top, text_align align,
                      double max_w) {
  const role_style *rs = &c->spec->roles[r];
  double size = rs->size, w = typeset_label_width(c, text, r, size);
  if (w > max_w && max_w > 0) size *= max_w / w;
  box_add_label(c, b, text, r, size, x, top + size * EM_ASCENT, align, rs->color);
}

static void label_at_top(layout_ctx *c, vbox *b, const char *text, role_id r, double x, double top,
                         text_align align) {
  label_fit(c, b, text, r, x, top, align, c->area_w);
}

/* Spreads the characters of the text items from item `from` of b so that
 * the run is `width` wide (distributed alignment of stacked issuers). */
static void spread_to(vbox *b, size_t from, double width) {
  double have = 0;
  size_t chars = 0;
  for (size_t i = from; i < b->items.len; i++) {
    if (b->items.items[i].kind != IT_TEXT) continue;
    have += b->items.items[i].w;
    chars += utf8_length(b->items.items[i].text);
  }
  if (chars < 2 || width <= have) return;
  double extra = (width - have) / (double)(chars - 1), shift = 0;
  for (size_t i = from; i < b->items.len; i++) {
    page_item *it = &b->items.items[i];
    if (it->kind != IT_TEXT) continue;
    size_t n = utf8_length(it->text);
    it->x += shift;
    it->char_space += extra;
    it->w += extra * (double)n;
    shift += extra * (double)n;
  }
}

/* 发文机关标志 (7.2.4): the issuers' names and 文件, red, centred, the top
 * edge `top` below the box's top; two or more issuers stacked with 文件 to
 * their right, centred on them. Returns the bottom edge. */
static double issuer_mark(layout_ctx *c, vbox *b, double top) {
  const doc_meta *m = &c->doc->meta;
  const layout_spec *s = c->spec;
  const role_style *rs = &s->roles[ROLE_ISSUER];
  const str_list *names = &m->head.issuers;
  const char *suffix = s->document.suffix ? s->document.suffix : "";
  double center = c->area_x + c->area_w / 2, size = rs->size;
  if (names->len <= 1) {
    char *text = xasprintf("%s%s", names->len ? names->items[0] : (m->author ? m->author : ""), suffix);
    double w = typeset_label_width(c, text, ROLE_ISSUER, size);
    if (w > c->area_w) size *= c->area_w / w; /* a long name still fits the type area */
    box_add_label(c, b, text, ROLE_ISSUER, size, center, top + size * EM_ASCENT, ALIGN_CENTER, s->document.color);
    free(text);
    return top + size;
  }
  double widest = 0, suffix_w = *suffix ? typeset_label_width(c, suffix, ROLE_ISSUER, size) + size * 0.5 : 0;
  for (size_t i = 0; i < names->len; i++) widest = fmax(widest, typeset_label_width(c, names->items[i], ROLE_ISSUER, size));
  if (widest + suffix_w > c->area_w) {
    double k = c->area_w / (widest + suffix_w);
    size *= k, widest *= k, suffix_w *= k;
  }
  double tallest = c->area_h * 0.4, stack = size * (1.25 * (double)(names->len - 1) + 1);
  if (stack > tallest) { /* many issuers: the 标志 keeps to the top of the first page */
    double k = tallest / stack;
    size *= k, widest *= k, suffix_w *= k;
  }
  double step = size * 1.25, left = center - (widest + suffix_w) / 2;
  for (size_t i = 0; i < names->len; i++) {
    size_t from = b->items.len;
    box_add_label(c, b, names->items[i], ROLE_ISSUER, size, left, top + step * (double)i + size * EM_ASCENT,
                  ALIGN_LEFT, s->document.color);
    spread_to(b, from, widest);
  }
  double bottom = top + step * (double)(names->len - 1) + size;
  if (*suffix)
    box_add_label(c, b, suffix, ROLE_ISSUER, size, left + widest + size * 0.5,
                  (top + bottom) / 2 - size / 2 + size * EM_ASCENT, ALIGN_LEFT, s->document.color);
  return bottom;
}

/* 7.2.6: two signers a line; more than eight share four lines. */
static size_t signers_per_line(size_t n) { return n > 8 ? (n + 3) / 4 : 2; }
static size_t signer_lines(size_t n) { return (n + signers_per_line(n) - 1) / signers_per_line(n); }

/* 签发人 (7.2.6): the label in the 发文字号's face, the names in the signer
 * role, two to a line, one character in from the right; the last line is
 * the 发文字号's (top: its em box's top). */
static void signers(layout_ctx *c, vbox *b, double top) {
  const str_list *names = &c->doc->meta.head.signers;
  const char *label = c->spec->document.signer ? c->spec->document.signer : "";
  double em = em_of(c, ROLE_DOC_NUMBER), pitch = pitch_of(c);
  size_t per_line = signers_per_line(names->len), lines = signer_lines(names->len);
  char **text = xcalloc(lines + 1, sizeof *text);
  double widest = 0, room = c->area_w / 2 - typeset_label_width(c, label, ROLE_DOC_NUMBER, c->spec->roles[ROLE_DOC_NUMBER].size);
  for (size_t l = 0; l < lines; l++) {
    strbuf sb = {0};
    for (size_t i = l * per_line; i < names->len && i < (l + 1) * per_line; i++)
      sb_printf(&sb, "%s%s", i > l * per_line ? "\xE3\x80\x80" : "", names->items[i]); /* an ideographic space between */
    text[l] = sb_take(&sb);
    widest = fmax(widest, typeset_label_width(c, text[l], ROLE_SIGNER, c->spec->roles[ROLE_SIGNER].size));
  }
  widest = fmin(widest, fmax(room, em));
  double right = c->area_x + c->area_w - em, names_x = right - widest;
  label_at_top(c, b, label, ROLE_DOC_NUMBER, names_x, top - pitch * (double)(lines - 1), ALIGN_RIGHT);
  for (size_t l = 0; l < lines; l++) {
    label_fit(c, b, text[l], ROLE_SIGNER, names_x, top - pitch * (double)(lines - 1 - l), ALIGN_LEFT, widest);
    free(text[l]);
  }
  free(text);
}

/* The 版头 (7.2): 密级 and 紧急程度 on the lines after the 份号's, the
 * 发文机关标志, the 发文字号 (and a 上行文's 签发人), the red rule, and two
 * lines of space before the title (7.3.1). */
void layout_document_head(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  const layout_spec *s = c->spec;
  double pitch = pitch_of(c);
  /* What is above this box on the first page: the 份号's line (copynumber.c). */
  double above = 0;
  if (m->nnumbered) {
    above = typeset_line_advance(c, ROLE_COPY_NUMBER, c->pitch > 0);
    if (c->pitch > 0) above = ceil(above / c->pitch - 1e-6) * c->pitch;
  }
  vbox *b = box_new(c, 0);
  size_t b_index = c->boxes.len - 1;
  /* 7.2.2, 7.2.3: 密级和保密期限, then 紧急程度, flush left, a line each. */
  double line = 0;
  const char *marks[2] = {m->head.secrecy, m->head.urgency};
  const role_style *sr = &s->roles[ROLE_SECRECY];
  for (int i = 0; i < 2; i++) {
    if (!marks[i]) continue;
    label_at_top(c, b, marks[i], ROLE_SECRECY, c->area_x, line + (pitch - sr->size) / 2, ALIGN_LEFT);
    line += pitch;
  }
  double mark_top = fmax(s->document.mark_top - above, line);
  double mark_bottom = issuer_mark(c, b, mark_top);
  /* 7.2.5: the 发文字号 two lines below the 标志, centred; a 上行文's one
   * character in from the left, level with the last line of 签发人. */
  const role_style *nr = &s->roles[ROLE_DOC_NUMBER];
  bool upward = m->head.signers.len > 0;
  double number_top = mark_bottom + 2 * pitch;
  if (upward) number_top += pitch * (double)(signer_lines(m->head.signers.len) - 1);
  if (m->head.number) {
    double x = upward ? c->area_x + em_of(c, ROLE_DOC_NUMBER) : c->area_x + c->area_w / 2;
    label_fit(c, b, m->head.number, ROLE_DOC_NUMBER, x, number_top, upward ? ALIGN_LEFT : ALIGN_CENTER,
              upward ? c->area_w / 2 - 2 * em_of(c, ROLE_DOC_NUMBER) : c->area_w);
  }
  b = &c->boxes.items[b_index];
  if (upward) signers(c, b, number_top);
  /* 7.2.7: the red rule, as wide as the type area, 4 mm below the 发文字号. */
  double rule_y = number_top + nr->size + s->document.rule_gap;
  if (s->document.rule > 0) box_add_line(b, c->area_x, rule_y, c->area_w, 0, s->document.rule, s->document.color);
  /* 7.3.1: the title two lines below the rule. */
  b->height = rule_y + 2 * pitch;
}

/* The text of s without a final stop or comma (7.3.4: no punctuation after
 * an attachment's name), and with one colon at the end when colon is set. */
static char *trimmed(const char *s, const char *end_with) {
  static const char *const stops[] = {"。", "；", "，", "、", "：", ".", ";", ",", ":"};
  char *t = xstrdup(s);
  size_t n = strlen(t);
  for (bool again = true; again;) {
    again = false;
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\n')) t[--n] = 0, again = true;
    for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
      size_t k = strlen(stops[i]);
      if (n >= k && !strcmp(t + n - k, stops[i])) n -= k, t[n] = 0, again = true;
    }
  }
  if (end_with) {
    char *with = xasprintf("%s%s", t, end_with);
    free(t);
    t = with;
  }
  return t;
}

/* 主送机关 (7.3.2): one line below the title, flush left, wrapped lines
 * flush left, ending in a full-width colon. */
void layout_addressee(layout_ctx *c) {
  const char *to = c->doc->meta.head.to;
  if (!to) return;
  char *text = trimmed(to, "\xEF\xBC\x9A"); /* ： */
  span_list spans = {0};
  typeset_plain_spans(&spans, text);
  const role_style *rs = &c->spec->roles[ROLE_ADDRESSEE];
  text_frame f = {.role = ROLE_ADDRESSEE, .x = c->area_x, .width = c->area_w,
                  .align = rs->align == ALIGN_CENTER ? ALIGN_LEFT : rs->align, .grid = c->pitch > 0};
  typeset_block(c, &spans, &f, false, 0, NULL);
  span_list_free(&spans);
  free(text);
}

/* The name of attachment i as listed: its file's title, else the entry. */
static char *attachment_name(const document *doc, size_t i, size_t *attached) {
  const char *entry = doc->meta.head.attachments.items[i];
  if (str_ends_with(entry, ".md")) {
    size_t k = (*attached)++;
    if (k < doc->nattachments && doc->attachments[k].meta.title) return trimmed(doc->attachments[k].meta.title, NULL);
    char *base = xstrdup(strrchr(entry, '/') ? strrchr(entry, '/') + 1 : entry);
    base[strlen(base) - 3] = 0;
    return base;
  }
  return trimmed(entry, NULL);
}

/* 附件说明 (7.3.4): one line below the body, two characters in; several
 * attachments numbered 1. 2.; a wrapped name aligned with its first
 * character. */
static void attachment_list(layout_ctx *c) {
  const document *doc = c->doc;
  const str_list *a = &doc->meta.head.attachments;
  if (!a->len || !c->spec->document.attachments) return;
  double em = em_of(c, ROLE_BODY), size = c->spec->roles[ROLE_BODY].size;
  const rgb color = c->spec->roles[ROLE_BODY].color;
  box_keep_last_lines(c, 2); /* 7.3.5.5: body text goes with the 附件说明 and the signature */
  box_add_space(c, pitch_of(c));
  c->boxes.items[c->boxes.len - 1].keep_with_next = true;
  const char *label = c->spec->document.attachments;
  double label_x = c->area_x + 2 * em, label_w = typeset_label_width(c, label, ROLE_BODY, size);
  double number_w = 0;
  if (a->len > 1) {
    char *widest = xasprintf("%zu.", a->len);
    number_w = ceil(typeset_label_width(c, widest, ROLE_BODY, size) / em) * em;
    free(widest);
  }
  size_t attached = 0;
  for (size_t i = 0; i < a->len; i++) {
    char *name = attachment_name(doc, i, &attached);
    span_list spans = {0};
    typeset_plain_spans(&spans, name);
    text_frame f = {.role = ROLE_BODY, .x = label_x + label_w + number_w, .align = ALIGN_LEFT, .grid = c->pitch > 0};
    f.width = c->area_x + c->area_w - f.x;
    text_lines lines = {0};
    typeset_text(c, &spans, &f, &lines);
    size_t first = c->boxes.len;
    box_add_lines(c, &lines, true, 0, NULL); /* the 附件说明 stays whole, with the signature below it */
    box_text_lines_free(&lines);
    if (first < c->boxes.len) {
      vbox *b = &c->boxes.items[first];
      double base = (b->height - size) / 2 + size * EM_ASCENT;
      if (i == 0) box_add_label(c, b, label, ROLE_BODY, size, label_x, base, ALIGN_LEFT, color);
      if (a->len > 1) {
        char *number = xasprintf("%zu.", i + 1);
        box_add_label(c, b, number, ROLE_BODY, size, label_x + label_w, base, ALIGN_LEFT, color);
        free(number);
      }
    }
    span_list_free(&spans);
    free(name);
  }
}

/* 署名 and 成文日期 (7.3.5): without a seal the signature one line below
 * the text, two characters from the right, the date on the next line with
 * its first character two to the right of the signature's (or two from
 * the right when longer, the signature moving left to match); a joint
 * document's issuers (7.3.5.2: 主办机关 first, the others below it) in one
 * column, the longest name setting it. With a seal (7.3.5.1) the date four
 * characters from the right, the signature centred above it, room for the
 * seal between them and the text. 附注 (7.3.6) in parentheses two characters
 * in on the next line. Never alone on a page (7.3.5.5): the last body lines
 * go with them. */
static void signature(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  const char *who = m->author ? m->author : m->head.issuers.len ? m->head.issuers.items[0] : NULL;
  bool joint = m->head.issuers.len > 1 && !m->head.seal;
  const char *const *names = joint ? (const char *const *)m->head.issuers.items : &who;
  size_t nnames = joint ? m->head.issuers.len : who != NULL;
  if (!nnames && !m->date) return;
  box_keep_last_lines(c, 2);
  const role_style *rs = &c->spec->roles[ROLE_SIGNATURE];
  double pitch = pitch_of(c), size = rs->size, em = em_of(c, ROLE_SIGNATURE);
  char *date = cndate_print(m->date);
  double right = c->area_x + c->area_w;
  double who_w = 0, date_w = date ? typeset_label_width(c, date, ROLE_SIGNATURE, size) : 0;
  for (size_t k = 0; k < nnames; k++) who_w = fmax(who_w, typeset_label_width(c, names[k], ROLE_SIGNATURE, size));
  double who_x, date_x;
  if (m->head.seal) {
    date_x = right - 4 * em - date_w;
    who_x = date_x + date_w / 2 - who_w / 2;
  } else {
    who_x = right - 2 * em - who_w;
    date_x = who_x + 2 * em;
    if (date_x + date_w > right - 2 * em) {
      date_x = right - 2 * em - date_w;
      who_x = date_x - 2 * em;
    }
  }
  double line = typeset_line_advance(c, ROLE_SIGNATURE, c->pitch > 0);
  box_add_space(c, m->head.seal ? 2 * pitch : pitch);
  c->boxes.items[c->boxes.len - 1].keep_with_next = true;
  double base = (line - size) / 2 + size * EM_ASCENT;
  int group = ++c->group_counter;
  for (size_t k = 0; k <= nnames; k++) {
    const char *text = k < nnames ? names[k] : date;
    if (!text) continue;
    vbox *b = box_new(c, line);
    box_add_label(c, b, text, ROLE_SIGNATURE, size, k < nnames ? who_x : date_x, base, ALIGN_LEFT, rs->color);
    b->group = group;
    b->keep_with_next = k < nnames || m->head.note;
  }
  free(date);
  if (m->head.note) {
    char *note = strncmp(m->head.note, "\xEF\xBC\x88", 3) ? xasprintf("\xEF\xBC\x88%s\xEF\xBC\x89", m->head.note)
                                                         : xstrdup(m->head.note); /* （…） */
    span_list spans = {0};
    typeset_plain_spans(&spans, note);
    const role_style *nr = &c->spec->roles[ROLE_NOTE];
    text_frame f = {.role = ROLE_NOTE, .x = c->area_x, .width = c->area_w, .align = nr->align,
                    .grid = c->pitch > 0, .indent = 2 * em_of(c, ROLE_NOTE)};
    typeset_block(c, &spans, &f, false, 0, NULL);
    span_list_free(&spans);
    free(note);
  }
}

/* 附件 (7.3.7): each on a new page, 附件N in the attachment role flush
 * left on the first line, its title centred on the third, then its body;
 * page numbers go on. */
static void attachments(layout_ctx *c) {
  const document *doc = c->doc;
  const layout_spec *s = c->spec;
  double pitch = pitch_of(c);
  const str_list *entries = &doc->meta.head.attachments;
  size_t entry = 0; /* the 附件说明's number of attachment k: its entry's, counting those named by title only */
  for (size_t k = 0; k < doc->nattachments; k++, entry++) {
    const document *a = &doc->attachments[k];
    while (entry < entries->len && !str_ends_with(entries->items[entry], ".md")) entry++;
    vbox *b = box_new(c, pitch);
    b->page_break = true;
    b->keep_with_next = true;
    if (s->document.attachment) {
      char *n = entries->len > 1 ? xasprintf("%zu", entry + 1) : xstrdup("");
      strbuf sb = {0};
      for (const char *p = s->document.attachment; *p;) {
        if (!strncmp(p, "{n}", 3)) sb_puts(&sb, n), p += 3;
        else sb_putc(&sb, *p++);
      }
      char *label = sb_take(&sb);
      const role_style *ar = &s->roles[ROLE_ATTACHMENT];
      label_at_top(c, b, label, ROLE_ATTACHMENT, c->area_x, (pitch - ar->size) / 2, ALIGN_LEFT);
      b->outline_level = 1;
      b->outline_title = a->meta.title ? xasprintf("%s %s", label, a->meta.title) : xstrdup(label);
      free(label);
      free(n);
    }
    box_add_space(c, pitch);
    c->boxes.items[c->boxes.len - 1].keep_with_next = true;
    if (a->meta.title) {
      span_list spans = {0};
      typeset_plain_spans(&spans, a->meta.title);
      const role_style *tr = &s->roles[ROLE_TITLE];
      text_frame f = {.role = ROLE_TITLE, .x = c->area_x, .width = c->area_w, .align = tr->align, .grid = c->pitch > 0};
      typeset_block(c, &spans, &f, true, 0, NULL);
      span_list_free(&spans);
    }
    layout_body_blocks(c, a);
  }
}

/* One item of the 版记: "label：text" set in the distribution role, one
 * character in on each side, wrapped lines aligned after the colon (7.4.2);
 * *height gets its height. Items are added to b from y. */
static double record_item(layout_ctx *c, vbox *b, const char *line, double y, bool stop) {
  const role_style *rs = &c->spec->roles[ROLE_DISTRIBUTION];
  double size = rs->size, row = size * 1.9, step = size * 1.5;
  const char *colon = strstr(line, "\xEF\xBC\x9A"); /* ： */
  size_t label_len = colon ? (size_t)(colon - line) + 3 : 0;
  char *label = xasprintf("%.*s", (int)label_len, line);
  const char *end = c->spec->document.cc_end;
  char *text = stop && end ? trimmed(line + label_len, end) : xstrdup(line + label_len);
  double x = c->area_x + size, label_w = *label ? typeset_label_width(c, label, ROLE_DISTRIBUTION, size) : 0;
  span_list spans = {0};
  typeset_plain_spans(&spans, text);
  text_frame f = {.role = ROLE_DISTRIBUTION, .x = x + label_w, .width = c->area_w - 2 * size - label_w,
                  .align = ALIGN_LEFT};
  text_lines lines = {0};
  typeset_text(c, &spans, &f, &lines);
  double h = row + step * (double)(lines.len > 1 ? lines.len - 1 : 0);
  double first_base = y + (row - size) / 2 + size * EM_ASCENT;
  if (*label) box_add_label(c, b, label, ROLE_DISTRIBUTION, size, x, first_base, ALIGN_LEFT, rs->color);
  for (size_t i = 0; i < lines.len; i++) {
    text_line *tl = &lines.items[i];
    double tl_base = (tl->height - size) / 2 + size * EM_ASCENT;
    box_add_text_line(b, tl, first_base + step * (double)i - tl_base);
  }
  box_text_lines_free(&lines);
  span_list_free(&spans);
  free(label);
  free(text);
  return h;
}

/* The 版记 (7.4) on the document's last page, an even one: thick rules
 * first and last (the last on the type area's bottom edge), thin ones
 * between; the 抄送 items, then the 印发机关 one character in from the
 * left and the 印发日期 one in from the right. */
static void record(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  const layout_spec *s = c->spec;
  const role_style *rs = &s->roles[ROLE_DISTRIBUTION];
  const char *printer = NULL;
  for (size_t i = 0; i < m->recipients.len; i++) {
    const char *r = m->recipients.items[i], *colon = strstr(r, "\xEF\xBC\x9A");
    if (colon && !strncmp(r, "\xE5\x8D\xB0\xE5\x8F\x91", 6) && colon == r + 6) printer = colon + 3; /* 印发： */
  }
  const char *when = m->head.printed ? m->head.printed : m->date;
  char *date = NULL;
  if (when && s->document.printed) {
    char *cn = cndate_print(when);
    strbuf sb = {0};
    for (const char *p = s->document.printed; *p;) {
      if (!strncmp(p, "{date}", 6)) sb_puts(&sb, cn), p += 6;
      else sb_putc(&sb, *p++);
    }
    date = sb_take(&sb);
    free(cn);
  }
  if (!printer && m->recipients.len == 0 && !date) return;
  vbox *b = box_new(c, 0);
  size_t b_index = c->boxes.len - 1;
  const rgb black = {0, 0, 0};
  double y = 0, size = rs->size, row = size * 1.9;
  VEC(double) rules = {0};
  for (size_t i = 0; i < m->recipients.len; i++) {
    const char *r = m->recipients.items[i];
    if (printer && r + 9 == printer) continue; /* the 印发 line, below */
    b = &c->boxes.items[b_index];
    y += record_item(c, b, r, y, true);
    VEC_PUSH(rules, y);
  }
  b = &c->boxes.items[b_index];
  double base = y + (row - size) / 2 + size * EM_ASCENT;
  const char *who = printer ? printer : m->author;
  if (who) box_add_label(c, b, who, ROLE_DISTRIBUTION, size, c->area_x + size, base, ALIGN_LEFT, rs->color);
  if (date) box_add_label(c, b, date, ROLE_DISTRIBUTION, size, c->area_x + c->area_w - size, base, ALIGN_RIGHT, rs->color);
  free(date);
  y += row;
  /* 7.4.1: rules as wide as the type area; the first and last 0.35 mm, the others 0.25 mm. */
  box_add_line(b, c->area_x, 0, c->area_w, 0, s->distribution_rules.outer, black);
  for (size_t i = 0; i < rules.len; i++) box_add_line(b, c->area_x, rules.items[i], c->area_w, 0, s->distribution_rules.inner, black);
  box_add_line(b, c->area_x, y, c->area_w, 0, s->distribution_rules.outer, black);
  VEC_FREE(rules);
  b->height = y;
  b->bottom = true;
  b->even_page = true;
}

void layout_document_end(layout_ctx *c) {
  attachment_list(c);
  if (c->spec->signature) signature(c);
  attachments(c);
  if (c->spec->distribution) record(c);
}
