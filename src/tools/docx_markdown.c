/* A Word document's model as a case summary: see docx_markdown.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docx_markdown.h"
#include "utf8.h"

#define LEAD_PARAS 8        /* the title, masthead and 报送单位 line are among the first paragraphs */
#define HEADING_MAX_CHARS 40 /* a numbered paragraph longer than this is body text */
#define SIGNATURE_MAX_CHARS 30

/* ---- text of a paragraph ------------------------------------------------ */

/* A stretch of a paragraph with one formatting: Word splits runs anywhere
 * (spell checks, revisions, WPS mid-word), so runs of equal formatting are
 * merged before any Markdown is written. raw: already Markdown (images, notes). */
typedef struct {
  strbuf text;
  bool bold, italic, raw;
} segment;

typedef VEC(segment) segments;

typedef struct {
  const docx_document *d;
  const char *images_dir, *md_name;
  str_list *report;
  int notes_used;
  VEC(const char *) note_ids; /* in order of first reference */
  int images_left_out, code_blocks;
} ctx;

static void report(ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *line = xvasprintf(fmt, ap);
  va_end(ap);
  str_list_push(c->report, line);
  free(line);
}

static bool is_blank_cp(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xA0; }

static void seg_add(segments *s, const char *text, size_t n, bool bold, bool italic, bool raw) {
  if (!n) return;
  if (s->len && !raw && !s->items[s->len - 1].raw) {
    segment *last = &s->items[s->len - 1];
    bool blank = true;
    for (size_t i = 0; i < n;) {
      uint32_t cp;
      i += utf8_decode(text + i, n - i, &cp);
      blank &= is_blank_cp(cp);
    }
    if ((last->bold == bold && last->italic == italic) || blank) {
      sb_append(&last->text, text, n);
      return;
    }
  }
  segment seg = {{0}, bold, italic, raw};
  sb_append(&seg.text, text, n);
  VEC_PUSH(*s, seg);
}

static void segs_free(segments *s) {
  for (size_t i = 0; i < s->len; i++) sb_free(&s->items[i].text);
  VEC_FREE(*s);
}

/* ①-⑳, then 〔21〕: a note's mark in the text and before its text at the end. */
static void note_mark(int n, char *out, size_t cap) {
  if (n >= 1 && n <= 20) {
    size_t len = utf8_encode(0x2460 + (uint32_t)(n - 1), out);
    out[len] = '\0';
  } else {
    snprintf(out, cap, "〔%d〕", n);
  }
}

static int note_number(ctx *c, const char *id) {
  for (size_t i = 0; i < c->note_ids.len; i++)
    if (!strcmp(c->note_ids.items[i], id)) return (int)i + 1;
  VEC_PUSH(c->note_ids, id);
  return (int)c->note_ids.len;
}

static bool last_is_ascii_alnum(const segments *s) {
  if (!s->len) return false;
  const strbuf *t = &s->items[s->len - 1].text;
  return t->len && is_ascii_alnum((unsigned char)t->data[t->len - 1]);
}

/* The paragraph's runs as segments: manual line breaks dropped (a space
 * between two Latin words), tabs as one space. */
static void para_segments(ctx *c, const docx_para *p, segments *out) {
  bool pending_break = false;
  for (size_t i = 0; i < p->runs.len; i++) {
    const docx_run *r = &p->runs.items[i];
    switch (r->kind) {
      case RUN_TEXT:
        if (pending_break && last_is_ascii_alnum(out) && is_ascii_alnum((unsigned char)r->text[0]))
          seg_add(out, " ", 1, r->bold, r->italic, false);
        pending_break = false;
        seg_add(out, r->text, strlen(r->text), r->bold, r->italic, false);
        break;
      case RUN_BREAK: pending_break = true; break;
      case RUN_TAB: seg_add(out, " ", 1, r->bold, r->italic, false); break;
      case RUN_FOOTNOTE: {
        char mark[32];
        note_mark(note_number(c, r->text), mark, sizeof mark);
        seg_add(out, mark, strlen(mark), false, false, true);
        break;
      }
      case RUN_IMAGE: {
        char *file = r->image >= 0 ? docx_image_file(c->d, r->image) : NULL;
        if (!file) {
          c->images_left_out++;
          break;
        }
        char *md = xasprintf("![](%s/%s)", c->images_dir, file);
        seg_add(out, md, strlen(md), false, false, true);
        free(md);
        free(file);
        break;
      }
    }
  }
}

/* Drops the blanks ('　　' indents, spaces, tabs) at both ends of the paragraph. */
static void trim_segments(segments *s) {
  while (s->len) {
    strbuf *t = &s->items[0].text;
    size_t at = 0;
    while (at < t->len) {
      uint32_t cp;
      size_t n = utf8_decode(t->data + at, t->len - at, &cp);
      if (!is_blank_cp(cp) || s->items[0].raw) break;
      at += n;
    }
    memmove(t->data, t->data + at, t->len - at + 1);
    t->len -= at;
    if (t->len) break;
    sb_free(t);
    memmove(s->items, s->items + 1, (s->len - 1) * sizeof *s->items);
    s->len--;
  }
  while (s->len) {
    strbuf *t = &s->items[s->len - 1].text;
    while (t->len && !s->items[s->len - 1].raw) {
      size_t start = t->len - 1;
      while (start > 0 && ((unsigned char)t->data[start] & 0xC0) == 0x80) start--;
      uint32_t cp;
      utf8_decode(t->data + start, t->len - start, &cp);
      if (!is_blank_cp(cp)) break;
      t->len = start;
      t->data[start] = '\0';
    }
    if (t->len) break;
    sb_free(t);
    s->len--;
  }
}

static char *plain_text(const segments *s) {
  strbuf sb = {0};
  for (size_t i = 0; i < s->len; i++)
    if (!s->items[i].raw) sb_append(&sb, s->items[i].text.data, s->items[i].text.len);
  sb_puts(&sb, "");
  return sb_take(&sb);
}

/* Markdown's punctuation escaped so that the text prints as it was typed;
 * '{{' stays (a figure's placeholder typed in Word is meant as one). */
static void escape_text(strbuf *out, const char *s, size_t n, bool in_table, bool line_start) {
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    bool esc = strchr("\\`*_[]<~", ch) != NULL || (in_table && ch == '|') ||
               (ch == '&' && i + 1 < n && (s[i + 1] == '#' || (s[i + 1] | 0x20) >= 'a'));
    if (line_start && out->len == 0 && strchr("#>-+=", ch)) esc = true;
    if (line_start && (ch == '.' || ch == ')') && i > 0 && i < 10 && strspn(s, "0123456789") == i) esc = true;
    if (ch == '!' && i + 1 < n && s[i + 1] == '[') esc = true;
    if (esc) sb_putc(out, '\\');
    sb_putc(out, ch);
  }
}

/* Segments as Markdown: bold as **, italic as *, blanks kept outside the markers. */
static char *segments_markdown(const segments *s, bool in_table, bool line_start) {
  strbuf out = {0};
  for (size_t i = 0; i < s->len; i++) {
    const segment *g = &s->items[i];
    if (g->raw) {
      sb_append(&out, g->text.data, g->text.len);
      continue;
    }
    const char *t = g->text.data;
    size_t n = g->text.len, lead = 0, trail = 0;
    while (lead < n && (t[lead] == ' ' || t[lead] == '\t')) lead++;
    while (trail < n - lead && (t[n - 1 - trail] == ' ' || t[n - 1 - trail] == '\t')) trail++;
    const char *mark = g->bold && g->italic ? "***" : g->bold ? "**" : g->italic ? "*" : "";
    if (lead == n) mark = "";
    sb_append(&out, t, *mark ? lead : 0);
    sb_puts(&out, mark);
    if (*mark) escape_text(&out, t + lead, n - lead - trail, in_table, line_start && i == 0);
    else escape_text(&out, t, n, in_table, line_start && i == 0);
    sb_puts(&out, mark);
    sb_append(&out, t + n - trail, *mark ? trail : 0);
  }
  sb_puts(&out, "");
  return sb_take(&out);
}

static size_t char_count(const char *s) { return utf8_length(s); }

/* ---- headings from numbering (GB/T 9704-2012 7.3.3) ---------------------- */

static bool starts_with(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

/* Chinese numerals 一…十, as many as there are: the byte length. */
static size_t chinese_numeral_run(const char *s) {
  static const char *const digits[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "〇", "零"};
  size_t at = 0;
  for (bool more = true; more;) {
    more = false;
    for (size_t k = 0; k < sizeof digits / sizeof *digits; k++)
      if (starts_with(s + at, digits[k])) {
        at += strlen(digits[k]);
        more = true;
        break;
      }
  }
  return at;
}

/* The heading level a numbered paragraph's number gives: 一、 1, （一） 2, 1. 3, （1） 4; else 0. */
static int numbered_level(const char *s) {
  size_t n = chinese_numeral_run(s);
  if (n && starts_with(s + n, "、")) return 1;
  bool paren = starts_with(s, "（") || s[0] == '(';
  if (paren) {
    const char *in = s + (s[0] == '(' ? 1 : 3);
    size_t cn = chinese_numeral_run(in), dn = strspn(in, "0123456789");
    if (cn && (starts_with(in + cn, "）") || in[cn] == ')')) return 2;
    if (dn && dn <= 3 && (starts_with(in + dn, "）") || in[dn] == ')')) return 4;
    return 0;
  }
  size_t dn = strspn(s, "0123456789");
  if (dn && dn <= 3 && (starts_with(s + dn, "、") || starts_with(s + dn, "．") ||
                        (s[dn] == '.' && !(s[dn + 1] >= '0' && s[dn + 1] <= '9'))))
    return 3;
  return 0;
}

/* Short, and no sentence ends inside it: a heading, not a paragraph that starts with a number. */
static bool heading_shaped(const char *s) {
  if (char_count(s) > HEADING_MAX_CHARS) return false;
  static const char *const stops[] = {"。", "；", "！", "？", "："};
  for (size_t k = 0; k < sizeof stops / sizeof *stops; k++) {
    const char *at = strstr(s, stops[k]);
    if (at && at[strlen(stops[k])] != '\0') return false;
  }
  return true;
}

/* ---- dates and names ----------------------------------------------------- */

static int chinese_digit(const char *s, size_t *len) {
  static const char *const d[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  if (starts_with(s, "零") || starts_with(s, "○") || starts_with(s, "Ｏ")) {
    *len = strlen(starts_with(s, "Ｏ") ? "Ｏ" : "零");
    return 0;
  }
  for (int k = 0; k < 10; k++)
    if (starts_with(s, d[k])) {
      *len = strlen(d[k]);
      return k;
    }
  return -1;
}

/* A number written with Arabic digits, or in Chinese (二〇一六, 十一, 二十三). */
static bool read_number(const char **p, int *v, bool year) {
  const char *s = *p;
  size_t n = strspn(s, "0123456789");
  if (n) {
    if (n > 4) return false;
    *v = atoi(s);
    *p = s + n;
    return true;
  }
  int value = 0, digits = 0;
  size_t len;
  if (year) {
    for (int d; (d = chinese_digit(s, &len)) >= 0 && digits < 4; digits++, s += len) value = value * 10 + d;
  } else {
    int d = chinese_digit(s, &len);
    if (d > 0) value = d, s += len, digits = 1;
    if (starts_with(s, "十")) {
      value = (digits ? value : 1) * 10;
      s += strlen("十");
      digits = 1;
      if ((d = chinese_digit(s, &len)) > 0) value += d, s += len;
    }
  }
  if (!digits) return false;
  *v = value;
  *p = s;
  return true;
}

bool docx_parse_date(const char *s, char out[11]) {
  int y, m, d;
  const char *p = s;
  if (!read_number(&p, &y, true) || !starts_with(p, "年")) return false;
  p += strlen("年");
  if (!read_number(&p, &m, false) || !starts_with(p, "月")) return false;
  p += strlen("月");
  if (!read_number(&p, &d, false) || !(starts_with(p, "日") || starts_with(p, "号"))) return false;
  p += strlen("日");
  if (*p || y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31) return false;
  snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
  return true;
}

/* "中共陇西县委组织部" → "陇西县": the county a unit's name starts with, or NULL. */
static char *county_of(const char *unit) {
  const char *s = starts_with(unit, "中共") ? unit + strlen("中共") : unit;
  static const char *const ends[] = {"县", "市", "区", "旗"};
  const char *best = NULL;
  size_t best_len = 0;
  for (size_t k = 0; k < 4; k++) {
    const char *at = strstr(s, ends[k]);
    if (at && (!best || at < best)) best = at, best_len = strlen(ends[k]);
  }
  if (!best) return NULL;
  size_t chars = 0;
  for (const char *q = s; q < best; q += utf8_decode(q, (size_t)(best - q), &(uint32_t){0})) chars++;
  return chars >= 1 && chars <= 6 ? xstrndup(s, (size_t)(best + best_len - s)) : NULL;
}

/* ---- front matter --------------------------------------------------------- */

typedef struct {
  char *title, *subtitle, *author, *date, *issue, *layout, *county;
  size_t skip_lead;       /* leading blocks taken into the front matter */
  size_t body_end;        /* blocks from here on are the signature */
  char *date_text;        /* the date as the signature wrote it */
  bool author_signed;     /* the author is the signature's unit */
} front;

static void yaml_string(strbuf *sb, const char *key, const char *value) {
  if (!value) return;
  sb_printf(sb, "%s: \"", key);
  for (const char *p = value; *p; p++) {
    if (*p == '"' || *p == '\\') sb_putc(sb, '\\');
    sb_putc(sb, *p);
  }
  sb_puts(sb, "\"\n");
}

static char *para_plain(ctx *c, const docx_para *p) {
  segments s = {0};
  para_segments(c, p, &s);
  trim_segments(&s);
  char *t = plain_text(&s);
  segs_free(&s);
  return t;
}

/* A year written before a 期号's 第 at (2020年, 二〇二〇年) as Arabic
 * digits into year, or false. */
static bool year_before(const char *s, const char *at, int *year) {
  if (at - s < 3 || strncmp(at - 3, "年", 3) != 0) return false;
  const char *end = at - 3;
  for (size_t width = 1; width <= 3; width += 2) { /* four ASCII digits, or four numerals of 3 bytes */
    if ((size_t)(end - s) < 4 * width) continue;
    const char *p = end - 4 * width;
    if (read_number(&p, year, true) && p == end && *year >= 1000) return true;
  }
  return false;
}

/* The 期号 in s as offices write it, its numbers in Arabic digits: 第12期
 * (第十二期), with the year before it (2020年第3期), 总第125期, and the
 * running number after it (第12期（总第125期）). NULL when s has no 第…期. */
static char *issue_in(const char *s) {
  for (const char *at = strstr(s, "第"); at; at = strstr(at + 1, "第")) {
    const char *p = at + strlen("第");
    int v, year, total;
    if (!read_number(&p, &v, false) || !starts_with(p, "期")) continue;
    p += strlen("期");
    char before[32] = "", after[48] = "";
    if (at - s >= 3 && strncmp(at - 3, "总", 3) == 0) snprintf(before, sizeof before, "总");
    else if (year_before(s, at, &year)) snprintf(before, sizeof before, "%d年", year);
    const char *open = starts_with(p, "（总第") ? "（总第" : starts_with(p, "(总第") ? "(总第" : NULL;
    if (open) {
      const char *q = p + strlen(open);
      if (read_number(&q, &total, false) && starts_with(q, "期") &&
          (starts_with(q + strlen("期"), "）") || starts_with(q + strlen("期"), ")")))
        snprintf(after, sizeof after, "（总第%d期）", total);
    }
    return xasprintf("%s第%d期%s", before, v, after);
  }
  return NULL;
}

/* The value after a label ("报送单位：中共陇西县委组织部　　期数：…"), up to the next blank. */
static char *labelled(const char *s, const char *label) {
  const char *at = strstr(s, label);
  if (!at) return NULL;
  at += strlen(label);
  size_t n = 0;
  while (at[n]) {
    uint32_t cp;
    size_t k = utf8_decode(at + n, strlen(at + n), &cp);
    if (is_blank_cp(cp)) break;
    n += k;
  }
  return n ? xstrndup(at, n) : NULL;
}

static bool is_empty_para(ctx *c, const docx_block *b) {
  if (b->is_table) return false;
  for (size_t i = 0; i < b->para.runs.len; i++)
    if (b->para.runs.items[i].kind == RUN_IMAGE || b->para.runs.items[i].kind == RUN_FOOTNOTE) return false;
  char *t = para_plain(c, &b->para);
  bool empty = !*t;
  free(t);
  return empty;
}

static void recognise_lead(ctx *c, front *f) {
  const docx_document *d = c->d;
  int seen = 0;
  for (size_t i = 0; i < d->blocks.len && seen < LEAD_PARAS; i++) {
    const docx_block *b = &d->blocks.items[i];
    if (b->is_table) break;
    if (is_empty_para(c, b)) {
      if (!f->title && !seen) f->skip_lead = i + 1;
      continue;
    }
    seen++;
    const docx_para *p = &b->para;
    char *t = para_plain(c, p), *issue = NULL;
    bool centred = p->align == ALIGN_MID;
    bool large = p->size > d->body_size || (p->style && (!strcasecmp(p->style, "Title") || !strcmp(p->style, "标题")));
    if (!f->title && centred && p->red && large) { /* the red masthead: 工作简报 */
      if (!f->layout) report(c, "masthead: red title → layout: briefing");
      if (!f->layout) f->layout = xstrdup("briefing");
      issue = issue_in(t);
      if (issue && !f->issue) f->issue = issue;
      else free(issue);
      issue = NULL;
      f->skip_lead = i + 1;
    } else if (!f->title && centred && !p->outline && numbered_level(t) == 0 && char_count(t) < 30 &&
               (issue = issue_in(t))) {
      free(f->issue);
      f->issue = issue; /* 第12期 under the masthead */
      issue = NULL;
      f->skip_lead = i + 1;
    } else if (!f->title && centred && large && numbered_level(t) == 0) {
      f->title = t;
      t = NULL;
      f->skip_lead = i + 1;
    } else if (f->title && !f->subtitle && f->skip_lead == i && centred && numbered_level(t) == 0 &&
               (starts_with(t, "—") || p->size <= d->blocks.items[i - 1].para.size)) {
      f->subtitle = t;
      t = NULL;
      f->skip_lead = i + 1;
    } else if (strstr(t, "报送单位：") || strstr(t, "期数：")) {
      char *unit = labelled(t, "报送单位："), *issue_text = labelled(t, "期数：");
      if (unit && !f->author) f->author = unit;
      else free(unit);
      char *issue = issue_text ? issue_in(issue_text) : NULL;
      if (issue && !f->issue) f->issue = issue;
      else free(issue);
      free(issue_text);
    }
    free(t);
  }
}

/* Blanks (spaces, 　, tabs) a paragraph starts with: WPS users push a
 * signature to the right with them instead of aligning it. */
static int leading_blanks(const docx_para *p) {
  int n = 0;
  for (size_t i = 0; i < p->runs.len; i++) {
    const docx_run *r = &p->runs.items[i];
    if (r->kind == RUN_TAB) {
      n += 4;
      continue;
    }
    if (r->kind != RUN_TEXT) return n;
    for (const char *t = r->text; *t;) {
      uint32_t cp;
      t += utf8_decode(t, strlen(t), &cp);
      if (!is_blank_cp(cp)) return n;
      n += cp == 0x3000 ? 2 : 1;
    }
  }
  return n;
}

/* The signature at the end: a date (right-aligned, or alone) and the unit above it. */
static void recognise_signature(ctx *c, front *f) {
  const docx_document *d = c->d;
  size_t end = d->blocks.len;
  while (end > f->skip_lead && is_empty_para(c, &d->blocks.items[end - 1])) end--;
  f->body_end = d->blocks.len;
  if (end <= f->skip_lead || d->blocks.items[end - 1].is_table) return;
  char *t = para_plain(c, &d->blocks.items[end - 1].para);
  char date[11];
  bool is_date = docx_parse_date(t, date);
  if (!is_date) {
    free(t);
    return;
  }
  f->date = xstrdup(date);
  f->body_end = end - 1;
  f->date_text = t;
  size_t u = end - 1;
  while (u > f->skip_lead && is_empty_para(c, &d->blocks.items[u - 1])) u--;
  if (u <= f->skip_lead || d->blocks.items[u - 1].is_table) return;
  const docx_para *p = &d->blocks.items[u - 1].para;
  char *unit = para_plain(c, p);
  bool pushed_right = p->align == ALIGN_END || p->align == ALIGN_MID || leading_blanks(p) >= 8;
  if (pushed_right && char_count(unit) <= SIGNATURE_MAX_CHARS &&
      !strstr(unit, "。") && numbered_level(unit) == 0) {
    free(f->author);
    f->author = unit;
    f->body_end = u - 1;
    f->author_signed = true;
  } else {
    free(unit);
  }
}

static void write_front(ctx *c, const front *f, strbuf *md) {
  bool any = f->title || f->subtitle || f->county || f->author || f->date || f->issue || f->layout;
  if (any) sb_puts(md, "---\n");
  yaml_string(md, "title", f->title);
  yaml_string(md, "subtitle", f->subtitle);
  yaml_string(md, "county", f->county);
  yaml_string(md, "author", f->author);
  /* Written as offices write them and as the page prints them (GB/T 9704 7.3.5.1:
   * Arabic numerals, no leading zeros; the 期号 with 第…期); front matter reads both. */
  int y, m, d;
  if (f->date && sscanf(f->date, "%4d-%2d-%2d", &y, &m, &d) == 3)
    sb_printf(md, "date: %d年%d月%d日\n", y, m, d);
  if (f->issue) sb_printf(md, "issue: %s\n", f->issue);
  if (f->layout) sb_printf(md, "layout: %s\n", f->layout);
  if (any) sb_puts(md, "---\n\n");
  if (f->title) report(c, "title: %s", f->title);
  if (f->subtitle) report(c, "subtitle: %s", f->subtitle);
  if (!f->title) report(c, "title: none found (no centred paragraph larger than the body text at the top)");
  if (f->author) report(c, "author: %s (from %s)", f->author, f->author_signed ? "the signature" : "报送单位");
  if (f->date) report(c, "date: %s (from the signature's %s)", f->date, f->date_text);
  if (f->county) report(c, "county: %s (from the author)", f->county);
  if (f->issue) report(c, "issue: %s", f->issue);
}

/* ---- tables ------------------------------------------------------------- */

static bool ends_wide(const char *s) {
  size_t n = strlen(s);
  if (!n) return false;
  size_t start = n - 1;
  while (start > 0 && ((unsigned char)s[start] & 0xC0) == 0x80) start--;
  uint32_t cp;
  utf8_decode(s + start, n - start, &cp);
  return is_wide(cp);
}

static bool starts_wide(const char *s) {
  uint32_t cp;
  return *s && utf8_decode(s, strlen(s), &cp) && is_wide(cp);
}

/* A cell's paragraphs as one line of Markdown: joined directly between
 * Chinese characters, with a space between Latin words. */
static char *cell_markdown(ctx *c, const docx_cell *cell, bool *nested) {
  strbuf sb = {0};
  for (size_t i = 0; i < cell->paras.len; i++) {
    const docx_para *p = &cell->paras.items[i];
    *nested |= p->nested_tables > 0;
    segments s = {0};
    para_segments(c, p, &s);
    trim_segments(&s);
    char *md = segments_markdown(&s, true, false);
    segs_free(&s);
    if (*md && sb.len && !(ends_wide(sb.data) && starts_wide(md))) sb_putc(&sb, ' ');
    sb_puts(&sb, md);
    free(md);
  }
  sb_puts(&sb, "");
  return sb_take(&sb);
}

static int md_line(const strbuf *md) {
  int line = 1;
  for (size_t i = 0; i < md->len; i++) line += md->data[i] == '\n';
  return line;
}

static void write_table(ctx *c, const docx_table *t, int number, strbuf *md) {
  size_t ncols = 0;
  for (size_t r = 0; r < t->rows.len; r++) {
    size_t w = 0;
    for (size_t k = 0; k < t->rows.items[r].cells.len; k++) w += (size_t)t->rows.items[r].cells.items[k].span;
    if (w > ncols) ncols = w;
  }
  int line = md_line(md);
  if (!t->rows.len || !ncols) {
    report(c, "%s:%d: table %d is empty: left out", c->md_name, line, number);
    return;
  }
  bool cut = t->cut || ncols > DOCX_TABLE_COLS;
  if (ncols > DOCX_TABLE_COLS) ncols = DOCX_TABLE_COLS;
  char ***grid = xcalloc(t->rows.len, sizeof *grid);
  int repeated = 0;
  bool nested = false, tall_header = false;
  for (size_t r = 0; r < t->rows.len; r++) {
    grid[r] = xcalloc(ncols, sizeof **grid);
    size_t col = 0;
    for (size_t k = 0; k < t->rows.items[r].cells.len && col < ncols; k++) {
      const docx_cell *cell = &t->rows.items[r].cells.items[k];
      char *text;
      if (cell->vmerge == 2 && r > 0 && grid[r - 1][col]) {
        text = xstrdup(grid[r - 1][col]);
        repeated++;
        tall_header |= r == 1;
      } else {
        text = cell_markdown(c, cell, &nested);
      }
      for (int s = 0; s < cell->span && col < ncols; s++, col++) {
        grid[r][col] = s ? xstrdup(text) : text;
        repeated += s > 0;
      }
    }
    for (; col < ncols; col++) grid[r][col] = xstrdup("");
  }
  for (size_t r = 0; r < t->rows.len; r++) {
    if (r == 1) {
      sb_puts(md, "|");
      for (size_t k = 0; k < ncols; k++) sb_puts(md, " --- |");
      sb_puts(md, "\n");
    }
    sb_puts(md, "|");
    for (size_t k = 0; k < ncols; k++) sb_printf(md, " %s |", grid[r][k]);
    sb_puts(md, "\n");
  }
  if (t->rows.len == 1) { /* a header row alone: GFM needs the delimiter row */
    sb_puts(md, "|");
    for (size_t k = 0; k < ncols; k++) sb_puts(md, " --- |");
    sb_puts(md, "\n");
  }
  sb_puts(md, "\n");
  report(c, "%s:%d: table %d: %zu rows × %zu columns", c->md_name, line, number, t->rows.len, ncols);
  if (repeated)
    report(c, "%s:%d: table %d: %d merged cell%s repeated in each row and column %s cover%s (GFM has no merged "
           "cells)", c->md_name, line, number, repeated, repeated > 1 ? "s" : "", repeated > 1 ? "they" : "it",
           repeated > 1 ? "" : "s");
  if (tall_header)
    report(c, "%s:%d: table %d: its header spans two rows; GFM has one header row, the second is the first body row",
           c->md_name, line, number);
  if (cut)
    report(c, "%s:%d: table %d: more than %d columns or %d rows, which a brief cannot print: the cells past them "
           "are left out; split the table", c->md_name, line, number, DOCX_TABLE_COLS, DOCX_TABLE_ROWS);
  if (nested)
    report(c, "%s:%d: table %d: holds a table inside a cell, which GFM cannot: the inner table's text is kept in "
           "the cell; check it", c->md_name, line, number);
  for (size_t r = 0; r < t->rows.len; r++) {
    for (size_t k = 0; k < ncols; k++) free(grid[r][k]);
    free(grid[r]);
  }
  free(grid);
}

/* ---- the body -------------------------------------------------------------- */

typedef struct {
  int styled[10], numbered[10];
  int paragraphs, list_items;
} counts;

static void write_code(const char *text, strbuf *md) {
  size_t fence = 3, run = 0;
  for (const char *p = text; *p; p++) {
    run = *p == '`' ? run + 1 : 0;
    if (run >= fence) fence = run + 1;
  }
  for (size_t k = 0; k < fence; k++) sb_putc(md, '`');
  sb_printf(md, "\n%s\n", text);
  for (size_t k = 0; k < fence; k++) sb_putc(md, '`');
  sb_puts(md, "\n\n");
}

static void write_para(ctx *c, const docx_para *p, strbuf *md, counts *n, bool *in_list) {
  segments s = {0};
  para_segments(c, p, &s);
  trim_segments(&s);
  if (!s.len) { /* an empty paragraph (an empty heading too) */
    segs_free(&s);
    return;
  }
  char *plain = plain_text(&s);
  int numbered = numbered_level(plain);
  int level = p->outline ? p->outline : numbered && heading_shaped(plain) ? numbered : 0;
  if (level > 6) level = 6;
  if (*in_list && !p->list) sb_puts(md, "\n");
  *in_list = p->list && level == 0;
  if (level) {
    (p->outline ? n->styled : n->numbered)[level]++;
    for (int k = 0; k < level; k++) sb_putc(md, '#');
    sb_putc(md, ' ');
    escape_text(md, plain, strlen(plain), false, false);
    sb_puts(md, "\n\n");
  } else if (p->list) {
    n->list_items++;
    for (int k = 0; k < p->list_level; k++) sb_puts(md, p->list == 2 ? "   " : "  ");
    sb_puts(md, p->list == 2 ? "1. " : "- ");
    char *text = segments_markdown(&s, false, false);
    sb_printf(md, "%s\n", text);
    free(text);
  } else if (s.len) {
    n->paragraphs++;
    char *text = segments_markdown(&s, false, true);
    sb_printf(md, "%s\n\n", text);
    free(text);
  }
  free(plain);
  segs_free(&s);
}

static void write_body(ctx *c, const front *f, strbuf *md) {
  counts n = {0};
  int tables = 0;
  bool in_list = false;
  strbuf code = {0};
  const docx_document *d = c->d;
  for (size_t i = f->skip_lead; i < f->body_end; i++) {
    const docx_block *b = &d->blocks.items[i];
    bool is_code = !b->is_table && b->para.code;
    if (code.len && !is_code) {
      write_code(code.data, md);
      sb_free(&code);
    }
    if (is_code) {
      char *t = para_plain(c, &b->para);
      if (code.data) sb_putc(&code, '\n');
      sb_puts(&code, t);
      free(t);
      if (!code.len) sb_puts(&code, " ");
      continue;
    }
    if (b->is_table) {
      if (in_list) sb_puts(md, "\n");
      in_list = false;
      write_table(c, &b->table, ++tables, md);
    } else {
      write_para(c, &b->para, md, &n, &in_list);
    }
  }
  if (code.len) write_code(code.data, md);
  sb_free(&code);
  if (in_list) sb_puts(md, "\n");
  for (int level = 1; level <= 6; level++)
    if (n.styled[level] || n.numbered[level])
      report(c, "headings level %d: %d from heading styles, %d from numbered paragraphs", level, n.styled[level],
             n.numbered[level]);
  report(c, "paragraphs: %d; list items: %d; tables: %d", n.paragraphs, n.list_items, tables);
}

static void write_notes(ctx *c, strbuf *md) {
  if (!c->note_ids.len) return;
  sb_puts(md, "注释：\n\n");
  for (size_t i = 0; i < c->note_ids.len; i++) {
    char mark[32];
    note_mark((int)i + 1, mark, sizeof mark);
    sb_puts(md, mark);
    for (size_t k = 0; k < c->d->notes.len; k++) {
      const docx_note *note = &c->d->notes.items[k];
      if (strcmp(note->id, c->note_ids.items[i])) continue;
      for (size_t j = 0; j < note->paras.len; j++) {
        segments s = {0};
        para_segments(c, &note->paras.items[j], &s);
        trim_segments(&s);
        char *text = segments_markdown(&s, false, false);
        sb_puts(md, text);
        free(text);
        segs_free(&s);
      }
    }
    sb_puts(md, "\n\n");
  }
  report(c, "footnotes: %zu, marked ①… in the text, their text under 注释 at the end (brief prints no page "
         "footnotes)", c->note_ids.len);
}

char *docx_image_file(const docx_document *d, int image) {
  if (image < 0 || (size_t)image >= d->images.len) return NULL;
  const docx_image *im = &d->images.items[image];
  bool png = im->len >= 8 && !memcmp(im->data, "\x89PNG\r\n\x1a\n", 8);
  bool jpeg = im->len >= 3 && !memcmp(im->data, "\xFF\xD8\xFF", 3);
  if (!png && !jpeg) return NULL;
  return xasprintf("image%d.%s", image + 1, png ? "png" : "jpg");
}

void docx_to_summary(const docx_document *d, const char *images_dir, const char *md_name, docx_summary *out) {
  memset(out, 0, sizeof *out);
  ctx c = {d, images_dir, md_name, &out->report, 0, {0}, 0, 0};
  front f = {0};
  recognise_lead(&c, &f);
  recognise_signature(&c, &f);
  if (f.author) f.county = county_of(f.author);
  strbuf md = {0};
  write_front(&c, &f, &md);
  write_body(&c, &f, &md);
  write_notes(&c, &md);
  if (c.images_left_out)
    report(&c, "images: %d left out (not PNG or JPEG, or missing): save them as PNG and add them with ![](…)",
           c.images_left_out);
  while (md.len >= 2 && md.data[md.len - 1] == '\n' && md.data[md.len - 2] == '\n') md.data[--md.len] = '\0';
  out->markdown = sb_take(&md);
  free(f.title);
  free(f.subtitle);
  free(f.author);
  free(f.date);
  free(f.date_text);
  free(f.issue);
  free(f.layout);
  free(f.county);
  VEC_FREE(c.note_ids);
}

void docx_summary_free(docx_summary *s) {
  free(s->markdown);
  str_list_free(&s->report);
}
