/* Normalisation of Chinese text in the model (see normalize.h).
 *
 * Each span list (a paragraph, a heading, a table cell) is flattened into
 * characters that remember their span, whether they may change (code,
 * URLs, {{figures}} references and breaks may not) and, found by aligning
 * the model text with the source, their byte offset in the file. The rules
 * run in a fixed order, each seeing the marks the rules before it made
 * (so “）,” sees a full-width bracket), record edits, and the spans are
 * rebuilt from the edited characters at the end.
 *
 * The forms follow clreq (W3C, Requirements for Chinese Text Layout):
 * quotation marks “ ” and ‘ ’ inside them (#h-quotation_marks), the
 * ellipsis …… and dash —— two ems long (#h-ellipsis, #h-dash), full-width
 * brackets and book title marks 《 》 (#h-parentheses, #h-book_title_mark),
 * full-width pause, stops and commas (#h-punctuation_marks); no space is
 * typed between Han and Western text, the layout adds the gap itself
 * (#h-mixed_text_composition_in_horizontal_writing_mode). */
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

const char *const normalize_rule_names[] = {"quotes", "punctuation", "brackets", "ellipsis", "dash",
                                            "spaces", "repeated", "unpaired", "corner_quotes", NULL};

normalize_rules normalize_rules_default(void) {
  return (normalize_rules){true, true, true, true, true, true, true, true, true};
}

normalize_rules normalize_rules_none(void) { return (normalize_rules){0}; }

bool *normalize_rule_flag(normalize_rules *r, const char *name) {
  bool *flags[] = {&r->quotes, &r->punctuation, &r->brackets, &r->ellipsis, &r->dash,
                   &r->spaces, &r->repeated, &r->unpaired, &r->corner_quotes};
  for (size_t i = 0; normalize_rule_names[i]; i++)
    if (strcmp(normalize_rule_names[i], name) == 0) return flags[i];
  return NULL;
}

/* One character of a span list. */
typedef struct {
  uint32_t cp;      /* as written */
  uint32_t eff;     /* after the rules so far: the context later rules see */
  const char *b;    /* its bytes in the span's text */
  size_t span, len;
  bool prot;        /* code, URL, figures reference or break: never changed */
  bool url;         /* part of a URL: a space or mark beside it stays, as a URL
                       typed next to a full-width mark or a Han character would
                       take it in (GFM autolinks end at a space or ASCII mark) */
  bool changed;     /* taken by an edit */
  bool deleted;     /* dropped by an edit */
  long src;         /* byte offset in the source; -1 when unknown */
  bool escaped;     /* written with a backslash before it */
  bool nofix;       /* found, but not as itself (an entity, a line break read as a space) */
  bool line_start;  /* the first character of a source line (after a soft break) */
} nchar;

typedef VEC(nchar) nchar_vec;

typedef struct {
  size_t start, n; /* characters replaced */
  const char *to;
  const char *rule;
} nedit;

typedef struct {
  nchar *c;
  size_t n;
  VEC(nedit) edits;
  const normalize_rules *r;
  nz_report *rep;
  const char *src;
  size_t srclen;
  const size_t *lines; /* byte offset of each line start */
  size_t nlines;
  int fallback_line;   /* where to report what has no known position */
  bool chinese;        /* the text holds a Chinese character: the changing rules apply */
} nctx;

/* ---- characters ---- */

static bool is_han(uint32_t cp) { return cp && is_cjk(cp) && cp != 0x3000; }
static bool is_latin(uint32_t cp) { return is_ascii_alnum(cp) || cp == '%'; }
static bool is_curly_quote(uint32_t cp) { return cp >= 0x2018 && cp <= 0x201D && cp != 0x201A && cp != 0x201B; }

static bool url_like(const span *s) {
  if (!s->url) return false;
  return strcmp(s->text, s->url) == 0 || strstr(s->text, "://") || strncmp(s->text, "www.", 4) == 0 ||
         strncmp(s->text, "mailto:", 7) == 0;
}

static void push_char(nchar_vec *v, uint32_t cp, const char *b, size_t len, size_t span, bool prot, bool url) {
  nchar c = {cp, cp, b, span, len, prot, url, false, false, -1, false, false, false};
  VEC_PUSH(*v, c);
}

static void flatten(const span_list *l, nchar_vec *v) {
  for (size_t i = 0; i < l->len; i++) {
    const span *s = &l->items[i];
    if (s->kind == SPAN_BREAK) {
      push_char(v, '\n', "\n", 1, i, true, false);
      continue;
    }
    bool url = url_like(s), prot = (s->style & ST_CODE) || url;
    size_t n = strlen(s->text), first = v->len;
    /* a span on a later line than the one before starts that line: lines typed 1.… 2.… in one paragraph */
    bool line_start = i > 0 && s->line > l->items[i - 1].line && s->line > 0;
    for (size_t k = 0; k < n;) {
      uint32_t cp = 0;
      size_t len = utf8_decode(s->text + k, n - k, &cp);
      if (len == 0) len = 1;
      push_char(v, cp, s->text + k, len, i, prot, url);
      k += len;
    }
    if (line_start && v->len > first) v->items[first].line_start = true;
  }
}

static bool starts(const nctx *x, size_t i, const char *ascii) {
  for (size_t k = 0; ascii[k]; k++)
    if (i + k >= x->n || x->c[i + k].cp != (unsigned char)ascii[k]) return false;
  return true;
}

/* {{figures}} references and URLs typed as plain text keep every character. */
static void protect_references(nctx *x) {
  for (size_t i = 0; i < x->n; i++) {
    size_t end = i;
    if (starts(x, i, "{{")) {
      for (size_t k = i + 2; k + 1 < x->n; k++)
        if (starts(x, k, "}}")) {
          end = k + 2;
          break;
        }
    } else if (starts(x, i, ":::")) { /* a VitePress/VuePress container: ::: tip 标题 */
      end = i;
      while (end < x->n && x->c[end].cp == ':') end++;
      while (end < x->n && x->c[end].cp == ' ') end++;
      while (end < x->n && (is_ascii_alnum(x->c[end].cp) || x->c[end].cp == '-')) end++;
      while (end < x->n && x->c[end].cp == ' ') end++;
      for (size_t k = i; k < end; k++) x->c[k].prot = true;
      i = end - 1;
      continue;
    } else if (starts(x, i, "http://") || starts(x, i, "https://") || starts(x, i, "www.")) {
      end = i;
      while (end < x->n && x->c[end].cp > ' ' && x->c[end].cp < 0x80) end++;
    }
    for (size_t k = i; k < end; k++) x->c[k].prot = true;
    for (size_t k = i; k < end && x->c[i].cp != '{'; k++) x->c[k].url = true;
    if (end > i) i = end - 1;
  }
}

static bool free_char(const nctx *x, size_t i) { return i < x->n && !x->c[i].prot && !x->c[i].changed; }

/* The neighbours a rule sees: dropped characters are skipped. */
static uint32_t prev_eff(const nctx *x, size_t i) {
  while (i-- > 0)
    if (!x->c[i].deleted) return x->c[i].eff;
  return 0;
}

static uint32_t next_eff(const nctx *x, size_t i) {
  for (i++; i < x->n; i++)
    if (!x->c[i].deleted) return x->c[i].eff;
  return 0;
}

/* The neighbours across typed spaces: `月 , 全` has Chinese on both sides
 * of its comma. */
static uint32_t prev_solid(const nctx *x, size_t i) {
  while (i-- > 0)
    if (!x->c[i].deleted && x->c[i].eff != ' ') return x->c[i].eff;
  return 0;
}

static uint32_t next_solid(const nctx *x, size_t i) {
  for (i++; i < x->n; i++)
    if (!x->c[i].deleted && x->c[i].eff != ' ') return x->c[i].eff;
  return 0;
}

static bool han_between(const nctx *x, size_t a, size_t b) {
  for (size_t k = a; k < b; k++)
    if (is_han(x->c[k].eff) && x->c[k].eff != 0x201C && x->c[k].eff != 0x201D) return true;
  return false;
}

static uint32_t first_cp(const char *s) {
  uint32_t cp = 0;
  if (*s) utf8_decode(s, strlen(s), &cp);
  return cp;
}

static void edit(nctx *x, size_t start, size_t n, const char *to, const char *rule) {
  nedit e = {start, n, to, rule};
  VEC_PUSH(x->edits, e);
  uint32_t eff = first_cp(to);
  for (size_t k = start; k < start + n; k++) {
    x->c[k].changed = true;
    x->c[k].eff = eff;
    x->c[k].deleted = !*to;
  }
}

/* ---- positions ---- */

static void position(const nctx *x, long off, int *line, int *col) {
  if (off < 0 || !x->lines) {
    *line = x->fallback_line;
    *col = 0;
    return;
  }
  size_t lo = 0, hi = x->nlines;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (x->lines[mid] <= (size_t)off) lo = mid;
    else hi = mid;
  }
  *line = (int)lo + 1;
  int c = 1;
  for (size_t k = x->lines[lo]; k < (size_t)off; k++)
    if (((unsigned char)x->src[k] & 0xC0) != 0x80) c++;
  *col = c;
}

static void report(nctx *x, nz_kind kind, size_t i, size_t n, const char *to, const char *rule, char *message) {
  if (!x->rep) {
    free(message);
    return;
  }
  strbuf from = {0};
  for (size_t k = i; k < i + n; k++) sb_append(&from, x->c[k].b, x->c[k].len);
  nz_item it = {kind, rule, sb_take(&from), to ? xstrdup(to) : NULL, message, 0, 0, -1, -1};
  position(x, x->c[i].src, &it.line, &it.col);
  /* --fix replaces a contiguous source range only: the characters as written, one after the other. */
  bool contiguous = kind == NZ_CHANGE && x->c[i].src >= 0 && !x->c[i].nofix;
  for (size_t k = i + 1; contiguous && k < i + n; k++)
    contiguous = x->c[k].src == x->c[k - 1].src + (long)x->c[k - 1].len && !x->c[k].escaped && !x->c[k].nofix;
  if (contiguous) {
    it.start = x->c[i].src - (x->c[i].escaped ? 1 : 0);
    it.end = x->c[i + n - 1].src + (long)x->c[i + n - 1].len;
  }
  VEC_PUSH(*x->rep, it);
  if (kind == NZ_CHANGE) x->rep->changes++;
  else x->rep->problems++;
}

/* ---- rules ---- */

/* The straight quotes a rule may pair: free ones, not apostrophes. */
static void quote_candidates(const nctx *x, uint32_t q, void *out) {
  VEC(size_t) *at = out;
  for (size_t i = 0; i < x->n; i++) {
    if (!free_char(x, i) || x->c[i].cp != q) continue;
    if (q == '\'' && is_ascii_alnum(prev_eff(x, i)) && is_ascii_alnum(next_eff(x, i))) continue;
    VEC_PUSH(*at, i);
  }
}

typedef VEC(size_t) index_vec;

/* Straight quotes, paired by position: "…" → “…”, '…' → ‘…’, and a pair
 * inside “ ” becomes ‘ ’ (clreq #h-quotation_marks). An apostrophe between
 * letters is no quote. */
static void rule_quotes(nctx *x, uint32_t q) {
  index_vec at = {0};
  quote_candidates(x, q, &at);
  int depth = 0; /* of “ ” before a, counted once over the list */
  size_t scanned = 0;
  for (size_t k = 0; k + 1 < at.len; k += 2) {
    size_t a = at.items[k], b = at.items[k + 1];
    for (; scanned < a; scanned++) depth += x->c[scanned].eff == 0x201C ? 1 : x->c[scanned].eff == 0x201D ? -1 : 0;
    /* 他说 "OK" 。: the Chinese beside the pair may be across a typed space */
    if (!han_between(x, a + 1, b) && !is_han(prev_solid(x, a)) && !is_han(next_solid(x, b))) continue;
    bool inner = q == '\'' || depth > 0;
    edit(x, a, 1, inner ? "‘" : "“", "quotes");
    edit(x, b, 1, inner ? "’" : "”", "quotes");
  }
  VEC_FREE(at);
}

/* An odd straight quote left over in Chinese text is reported, not guessed. */
static void rule_unpaired_quotes(nctx *x, uint32_t q) {
  index_vec at = {0};
  quote_candidates(x, q, &at);
  if (at.len % 2 && han_between(x, 0, x->n)) {
    size_t i = at.items[at.len - 1];
    report(x, NZ_ERROR, i, 1, NULL, "unpaired",
           xasprintf("unpaired straight quote '%c' left as written; add its partner or write %s yourself",
                     (char)q, q == '"' ? "“ or ”" : "‘ or ’"));
  }
  VEC_FREE(at);
}

static size_t run_of(const nctx *x, size_t i, uint32_t cp) {
  size_t n = 0;
  while (free_char(x, i + n) && x->c[i + n].cp == cp) n++;
  return n;
}

/* ... or … → …… and -- or — → ——, two ems, in Chinese context (clreq #h-ellipsis, #h-dash). */
static void rule_runs(nctx *x, uint32_t cp, size_t min, size_t max, const char *to, const char *rule) {
  for (size_t i = 0; i < x->n; i++) {
    if (!free_char(x, i) || x->c[i].cp != cp || (i > 0 && x->c[i - 1].cp == cp)) continue;
    size_t n = run_of(x, i, cp);
    if (n >= min && n <= max && (is_han(prev_eff(x, i)) || is_han(next_eff(x, i + n - 1))))
      edit(x, i, n, to, rule);
    i += n - 1;
  }
}

/* ( ) → （ ） and << >> → 《 》, as pairs, when what they hold or what is
 * beside them is Chinese (clreq #h-parentheses, #h-book_title_mark). */
static void rule_pairs(nctx *x, const char *open, const char *close, const char *to_open, const char *to_close) {
  size_t w = strlen(open);
  VEC(size_t) stack = {0};
  for (size_t i = 0; i < x->n; i++) {
    bool can = true;
    for (size_t k = 0; k < w; k++) can &= free_char(x, i + k);
    if (!can) continue;
    if (starts(x, i, open)) {
      VEC_PUSH(stack, i);
      i += w - 1;
    } else if (starts(x, i, close) && stack.len) {
      size_t a = stack.items[--stack.len];
      if (han_between(x, a + w, i) || is_han(prev_solid(x, a)) || is_han(next_solid(x, i + w - 1))) {
        edit(x, a, w, to_open, "brackets");
        edit(x, i, w, to_close, "brackets");
      }
      i += w - 1;
    }
  }
  VEC_FREE(stack);
}

/* The point of a heading number at the start of the text or of a line
 * (1.抓班子, GB/T 9704-2012 7.3.3 writes it with a half-width point): part
 * of the number, never a full stop. */
static bool heading_point(const nctx *x, size_t i) {
  size_t k = i;
  while (k > 0 && is_digit(x->c[k - 1].cp) && i - k < 3) k--;
  return k < i && (k == 0 || x->c[k - 1].cp == '\n' || x->c[k].line_start) && !is_digit(next_eff(x, i));
}

/* A mark typed after a number, a % or a Latin word at the end of a
 * Chinese clause (同比增长8.3%. 来自GDP. 提供一个 setter :) is the Chinese
 * mark: the text or line ends after it, or Chinese follows across a space,
 * and the clause back to the mark before it holds Chinese, so an English
 * clause in the paragraph keeps its own marks. An abbreviation's last
 * point (U.S.) stays. */
static bool ends_chinese_clause(const nctx *x, size_t i) {
  uint32_t n = next_solid(x, i);
  if (n && n != '\n' && !is_han(n)) return false;
  size_t k = i;
  while (k > 0 && x->c[k - 1].eff == ' ') k--;
  if (x->c[i].cp == '.') /* a point between letters before it: an abbreviation (U.S.), not v1.0 */
    for (size_t w = k; w > 1 && (is_ascii_alnum(x->c[w - 1].eff) || x->c[w - 1].eff == '.'); w--)
      if (x->c[w - 1].eff == '.' && !is_digit(x->c[w - 2].eff) && w < k && !is_digit(x->c[w].eff)) return false;
  while (k-- > 0) {
    uint32_t cp = x->c[k].eff;
    if (cp == '\n' || (cp < 0x80 && strchr(",;:!?", (int)cp)) || cp == 0xFF0C || cp == 0x3002 || cp == 0xFF1B ||
        cp == 0xFF1A || cp == 0xFF01 || cp == 0xFF1F || cp == 0x3001)
      return false;
    if (uchar_is_cjk_ideograph(cp)) return true;
  }
  return false;
}

/* , . ; : ? ! beside a Chinese character → ， 。 ； ： ？ ！, also after
 * Chinese across typed spaces (月 , 全) and at the end of a Chinese clause
 * after a Latin word or number (增长8.3%.); a mark between digits
 * is part of a number (3.14, 1,234, 10:30), a full stop before a letter or
 * digit is part of a name (报告.pdf), and a run of colons is markup (:::
 * containers). */
static void rule_punctuation(nctx *x) {
  static const char marks[] = ",.;:?!";
  static const char *const full[] = {"，", "。", "；", "：", "？", "！"};
  for (size_t i = 0; i < x->n; i++) {
    if (!free_char(x, i) || x->c[i].cp >= 0x80 || !x->c[i].cp) continue;
    const char *m = strchr(marks, (int)x->c[i].cp);
    if (!m) continue;
    uint32_t p = prev_eff(x, i), n = next_eff(x, i);
    if (is_digit(p) && is_digit(n)) continue;
    if (x->c[i].cp == '.' && (is_ascii_alnum(n) || n == '.' || p == '.')) continue;
    if (x->c[i].cp == '.' && heading_point(x, i)) continue;
    if (x->c[i].cp == ':' && (n == '/' || (i > 0 && x->c[i - 1].cp == ':') || (i + 1 < x->n && x->c[i + 1].cp == ':')))
      continue;
    if ((i > 0 && x->c[i - 1].url) || (i + 1 < x->n && x->c[i + 1].url)) continue;
    /* a mark ends what stands before it: Chinese across typed spaces (中文 , 一) */
    bool spaced = p == ' ' && is_han(prev_solid(x, i));
    bool clause = (is_latin(p) || p == ' ' || p == ')') && ends_chinese_clause(x, i);
    if (is_han(p) || is_han(n) || spaced || clause) edit(x, i, 1, full[m - marks], "punctuation");
  }
}

/* 「」『』 typed from a Taiwan or Hong Kong source → “”‘’, the mainland's
 * quotation marks (GB/T 15834-2011 4.1; clreq #h-quotation_marks). */
static void rule_corner_quotes(nctx *x) {
  static const uint32_t from[] = {0x300C, 0x300D, 0x300E, 0x300F};
  static const char *const to[] = {"“", "”", "‘", "’"};
  for (size_t i = 0; i < x->n; i++)
    for (int t = 0; t < 4; t++)
      if (free_char(x, i) && x->c[i].cp == from[t]) edit(x, i, 1, to[t], "corner_quotes");
}

/* Spaces between Chinese and Latin letters or digits, or between two
 * Chinese characters, are dropped: the layout sets the CJK–Latin gap
 * (clreq #h-mixed_text_composition_in_horizontal_writing_mode), so
 * `2020 年` and `2020年` come out the same. */
static void rule_spaces(nctx *x) {
  for (size_t i = 0; i < x->n; i++) {
    /* A line break the parser read as a space because neither neighbour
     * was wide goes once one is: as the parser will read the fixed source. */
    if (free_char(x, i) && x->c[i].cp == ' ' && x->c[i].nofix && x->src && x->src[x->c[i].src] != ' ' &&
        (is_wide(prev_eff(x, i)) || is_wide(next_eff(x, i)))) {
      edit(x, i, 1, "", NULL);
      continue;
    }
    if (!free_char(x, i) || x->c[i].cp != ' ' || (i > 0 && x->c[i - 1].cp == ' ' && free_char(x, i - 1))) continue;
    size_t n = run_of(x, i, ' ');
    uint32_t p = i > 0 ? x->c[i - 1].eff : 0, q = i + n < x->n ? x->c[i + n].eff : 0;
    bool url = (i > 0 && x->c[i - 1].url) || (i + n < x->n && x->c[i + n].url);
    if (url) p = 0;
    bool p_han = is_han(p) && !is_curly_quote(p), q_han = is_han(q) && !is_curly_quote(q);
    /* code and {{figures}} references are Western text (URLs keep their spaces: p is 0 then) */
    bool p_west = is_latin(p) || (p && x->c[i - 1].prot), q_west = is_latin(q) || (q && !url && x->c[i + n].prot);
    /* “ ” ‘ ’ are English quotes too: Chinese when what they hold beside the space is */
    bool p_cn = p_han || (is_curly_quote(p) && is_han(prev_eff(x, i - 1)));
    bool q_cn = q_han || (is_curly_quote(q) && is_han(next_eff(x, i + n)));
    if ((p_han && (is_han(q) || q_west)) || (is_han(p) && q_han) || (p_west && q_cn) || (p_cn && q_west))
      edit(x, i, n, "", "spaces");
    i += n - 1;
  }
}

static bool is_stop(uint32_t cp) {
  return cp == 0xFF0C || cp == 0x3002 || cp == 0x3001 || cp == 0xFF1B || cp == 0xFF1A;
}

/* ，， 。。: reported, never changed (which one was meant is the author's call). */
static void rule_repeated(nctx *x) {
  for (size_t i = 0; i + 1 < x->n; i++) {
    if (x->c[i].deleted || x->c[i].prot || !is_stop(x->c[i].eff)) continue;
    size_t j = i + 1;
    while (j < x->n && x->c[j].deleted) j++;
    if (j >= x->n || x->c[j].eff != x->c[i].eff || x->c[j].prot) continue;
    char mark[8] = {0};
    utf8_encode(x->c[i].eff, mark);
    report(x, NZ_WARNING, j, 1, NULL, "repeated",
           xasprintf("repeated mark '%s%s'; delete one (not changed)", mark, mark));
    while (j + 1 < x->n && x->c[j + 1].eff == x->c[i].eff) j++;
    i = j;
  }
}

/* “ ” （ ） 《 》 【 】 must pair up. */
static void rule_unpaired(nctx *x) {
  static const uint32_t opens[] = {0x201C, 0xFF08, 0x300A, 0x3010};
  static const uint32_t closes[] = {0x201D, 0xFF09, 0x300B, 0x3011};
  VEC(size_t) stack = {0};
  for (size_t i = 0; i < x->n; i++) {
    if (x->c[i].prot || x->c[i].deleted) continue;
    for (int t = 0; t < 4; t++) {
      if (x->c[i].eff == opens[t]) VEC_PUSH(stack, i);
      if (x->c[i].eff != closes[t]) continue;
      if (stack.len && x->c[stack.items[stack.len - 1]].eff == opens[t]) {
        stack.len--;
      } else {
        char m[8] = {0}, o[8] = {0};
        utf8_encode(closes[t], m);
        utf8_encode(opens[t], o);
        report(x, NZ_ERROR, i, 1, NULL, "unpaired", xasprintf("'%s' closes nothing; add the '%s' it closes or delete it", m, o));
      }
    }
  }
  for (size_t k = 0; k < stack.len; k++) {
    size_t i = stack.items[k];
    char m[8] = {0}, c[8] = {0};
    utf8_encode(x->c[i].eff, m);
    for (int t = 0; t < 4; t++)
      if (opens[t] == x->c[i].eff) utf8_encode(closes[t], c);
    report(x, NZ_ERROR, i, 1, NULL, "unpaired", xasprintf("'%s' is never closed; add its '%s'", m, c));
  }
  VEC_FREE(stack);
}

/* The changing rules, once over the list. */
static void run_changes(nctx *x) {
  const normalize_rules *r = x->r;
  if (r->corner_quotes) rule_corner_quotes(x);
  if (r->quotes) {
    rule_quotes(x, '"');
    rule_quotes(x, '\'');
  }
  if (r->brackets) {
    rule_pairs(x, "<<", ">>", "《", "》");
    rule_pairs(x, "(", ")", "（", "）");
  }
  if (r->ellipsis) {
    rule_runs(x, '.', 3, 6, "……", "ellipsis");
    rule_runs(x, 0x2026, 1, 1, "……", "ellipsis");
  }
  if (r->dash) {
    rule_runs(x, '-', 2, 3, "——", "dash");
    rule_runs(x, 0x2014, 1, 1, "——", "dash");
  }
  if (r->punctuation) rule_punctuation(x);
  if (r->spaces) rule_spaces(x);
}

/* Until nothing more changes: a mark made by a later rule is context for
 * an earlier one (`?…` → `？` makes the `…` Chinese), so normalising the
 * result again finds nothing. Each pass only takes characters no edit has
 * taken, so this ends. */
static void run_rules(nctx *x) {
  protect_references(x);
  size_t before;
  int passes = 0;
  do { /* two passes settle real text; the bound keeps a contrived chain linear */
    before = x->edits.len;
    if (x->chinese) run_changes(x); /* text without Chinese is left as typed */
  } while (x->edits.len > before && ++passes < 16);
  if (x->r->repeated) rule_repeated(x);
  if (x->r->unpaired && x->r->quotes) {
    rule_unpaired_quotes(x, '"');
    rule_unpaired_quotes(x, '\'');
  }
  if (x->r->unpaired) rule_unpaired(x);
}

/* ---- source alignment ---- */

static bool is_markup(unsigned char ch) { return ch && strchr("*_~[`\\<>|#=!", ch) != NULL; }

/* s[p] opens a group: the offset after its matching close, or p when the
 * paragraph ends first or the group nests deeper than MAX_DEPTH. The cap
 * keeps alignment linear: every scan that passes a byte holds it at a
 * depth of its own, so at most MAX_DEPTH scans pass any byte (`![[]()`
 * repeated was one scan to the paragraph's end per `![`, quadratic). The
 * CommonMark spec lets implementations limit parenthesis nesting (6.3,
 * link destinations; cmark stops at 32); no link text nests brackets so. */
static size_t skip_group(const char *s, size_t len, size_t p, char open, char close) {
  enum { MAX_DEPTH = 32 };
  int depth = 0;
  for (size_t q = p; q < len; q++) {
    if (s[q] == '\\' && q + 1 < len) q++;
    else if (s[q] == open && ++depth > MAX_DEPTH) break;
    else if (s[q] == close && --depth == 0) return q + 1;
    else if (s[q] == '\n' && q + 1 < len && s[q + 1] == '\n') break;
  }
  return p;
}

/* Raw inline HTML at s[p] (`<br>`, `</b>`, `<!-- … -->`), which the
 * model leaves out: its length, or 0. `<http://…>` is an autolink, not HTML. */
static size_t html_len(const char *s, size_t len, size_t p) {
  size_t q = p + 1;
  if (q + 2 < len && !strncmp(s + q, "!--", 3)) {
    for (size_t e = q + 3; e + 2 < len; e++)
      if (!strncmp(s + e, "-->", 3)) return e + 3 - p;
    return 0;
  }
  if (q < len && s[q] == '/') q++;
  if (q >= len || !((s[q] >= 'a' && s[q] <= 'z') || (s[q] >= 'A' && s[q] <= 'Z'))) return 0;
  while (q < len && (is_ascii_alnum((unsigned char)s[q]) || s[q] == '-')) q++;
  if (q >= len || !strchr(" \t\n/>", s[q])) return 0;
  while (q < len && s[q] != '>' && s[q] != '<') q++;
  return q < len && s[q] == '>' ? q + 1 - p : 0;
}

static size_t entity_len(const char *s, size_t len, size_t p) {
  size_t q = p + 1;
  if (q < len && s[q] == '#') q++;
  while (q < len && is_ascii_alnum((unsigned char)s[q])) q++;
  return q < len && s[q] == ';' && q > p + 1 ? q + 1 - p : 0;
}

/* Finds c's byte offset in src, looking forward from *p over what Markdown
 * spends on markup (emphasis runs, brackets and link destinations, code
 * fences, escapes, the line prefixes of lists, quotes and tables). Returns
 * false when the source holds something else. */
static bool align_char(nchar *c, const char *src, size_t len, size_t *p, bool *prefix) {
  for (;;) {
    size_t q = *p;
    if (q >= len) return false;
    unsigned char ch = (unsigned char)src[q];
    if (ch == '!' && q + 1 < len && src[q + 1] == '[' && !(q > 0 && src[q - 1] == '\\')) {
      /* an image, placed as a block of its own: none of it is in the text */
      size_t r = skip_group(src, len, q + 1, '[', ']');
      size_t e = r > q + 1 && r < len && src[r] == '(' ? skip_group(src, len, r, '(', ')') : r;
      if (e > r) {
        *p = e;
        continue;
      }
    }
    if (q + c->len <= len && memcmp(src + q, c->b, c->len) == 0) {
      c->src = (long)q;
      c->escaped = q > 0 && src[q - 1] == '\\' && !(q > 1 && src[q - 2] == '\\');
      *p = q + c->len;
      *prefix = false;
      return true;
    }
    if (c->cp == ' ' && (ch == '\n' || ch == '\r')) { /* a soft break read as a space: no source space */
      c->src = (long)q;
      c->nofix = true;
      *p = q + 1;
      *prefix = true;
      return true;
    }
    if (ch == '\n') {
      *p = q + 1;
      *prefix = true;
      continue;
    }
    if (ch == ' ' || ch == '\t' || ch == '\r' || (*prefix && strchr(">-+*.):|0123456789", ch))) {
      *p = q + 1;
      continue;
    }
    *prefix = false;
    size_t e;
    if (ch == ']') { /* the end of link text: skip the destination */
      *p = q + 1;
      if (q + 1 < len && src[q + 1] == '(') *p = skip_group(src, len, q + 1, '(', ')');
      else if (q + 1 < len && src[q + 1] == '[') *p = skip_group(src, len, q + 1, '[', ']');
      if (*p == q + 1 && src[q + 1] == '(') return false;
      continue;
    }
    if (ch == '&' && (e = entity_len(src, len, q)) > 0) { /* an entity: found, but not fixable */
      c->src = (long)q;
      c->nofix = true;
      *p = q + e;
      return true;
    }
    if (ch == '<' && (e = html_len(src, len, q)) > 0) {
      *p = q + e;
      continue;
    }
    if (is_markup(ch)) {
      *p = q + 1;
      continue;
    }
    return false;
  }
}

static void align(nctx *x, size_t *cursor) {
  if (!x->src || !cursor) return;
  size_t p = *cursor;
  bool prefix = false;
  for (size_t i = 0; i < x->n; i++)
    if (!align_char(&x->c[i], x->src, x->srclen, &p, &prefix)) {
      for (size_t k = i; k < x->n; k++) x->c[k].src = -1;
      return;
    }
  *cursor = p;
}

/* ---- rebuilding ---- */

/* Counts the characters of a UTF-8 string. */
static int char_count(const char *s) {
  int n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

/* Writes the edited text back into the spans. Each span's source anchors
 * are rebuilt from where every kept or replacing character came from in
 * the old text, so a diagnostic about a character after a dropped space or
 * a replaced mark still names its own source column. */
static void rebuild(nctx *x, span_list *l) {
  long *edit_at = xmalloc((x->n + 1) * sizeof *edit_at);
  for (size_t i = 0; i < x->n; i++) edit_at[i] = -1;
  for (size_t e = 0; e < x->edits.len; e++) edit_at[x->edits.items[e].start] = (long)e;
  strbuf *texts = xcalloc(l->len + 1, sizeof *texts);
  span *fresh = xcalloc(l->len + 1, sizeof *fresh); /* only the positions: line, col, anchors */
  int *old_off = xcalloc(l->len + 1, sizeof *old_off), *new_off = xcalloc(l->len + 1, sizeof *new_off);
  for (size_t i = 0; i < x->n; i++) {
    const nchar *c = &x->c[i];
    const span *from = &l->items[c->span];
    span *to = &fresh[c->span];
    const char *piece = NULL;
    size_t piece_len = 0;
    if (edit_at[i] >= 0) piece = x->edits.items[edit_at[i]].to, piece_len = strlen(piece);
    else if (!c->changed) piece = c->b, piece_len = c->len;
    if (piece && piece_len && from->kind != SPAN_BREAK) {
      int line, col;
      span_source(from, old_off[c->span], &line, &col);
      if (new_off[c->span] == 0) to->line = line, to->col = col;
      span_add_anchor(to, new_off[c->span], line, col);
      sb_append(&texts[c->span], piece, piece_len);
      char *tmp = xstrndup(piece, piece_len);
      new_off[c->span] += char_count(tmp);
      free(tmp);
    }
    if (from->kind != SPAN_BREAK) old_off[c->span]++;
  }
  size_t out = 0;
  for (size_t s = 0; s < l->len; s++) {
    span *sp = &l->items[s];
    if (sp->kind == SPAN_BREAK) sb_free(&texts[s]); /* a break keeps its "" */
    else {
      free(sp->text);
      sp->text = texts[s].data ? sb_take(&texts[s]) : xstrdup("");
      if (!sp->text[0]) { /* a span left empty (a dropped space) goes */
        free(sp->text);
        free(sp->url);
        free(sp->anchors);
        free(fresh[s].anchors);
        continue;
      }
      free(sp->anchors);
      sp->line = fresh[s].line, sp->col = fresh[s].col;
      sp->anchors = fresh[s].anchors, sp->nanchors = fresh[s].nanchors;
    }
    l->items[out++] = *sp;
  }
  l->len = out;
  free(texts);
  free(fresh);
  free(old_off);
  free(new_off);
  free(edit_at);
}

static void report_edits(nctx *x) {
  for (size_t e = 0; e < x->edits.len; e++) {
    const nedit *d = &x->edits.items[e];
    if (!d->rule) continue; /* follows from another change: not reported */
    report(x, NZ_CHANGE, d->start, d->n, d->to, d->rule, NULL);
  }
}

static void normalize_list(span_list *l, const char *src, size_t len, const size_t *lines, size_t nlines,
                           const normalize_rules *rules, nz_report *rep, size_t *cursor) {
  nchar_vec chars = {0};
  flatten(l, &chars);
  nctx x = {chars.items, chars.len, {0}, rules, rep, src, len, lines, nlines, l->len ? l->items[0].line : 0, false};
  for (size_t i = 0; i < x.n && !x.chinese; i++) x.chinese = uchar_is_cjk_ideograph(x.c[i].cp);
  if (x.n) {
    align(&x, cursor);
    run_rules(&x);
    report_edits(&x);
    if (x.edits.len) rebuild(&x, l);
  }
  VEC_FREE(x.edits);
  VEC_FREE(chars);
}

/* The byte offset of a 1-based line and byte column. */
static size_t offset_of(const size_t *lines, size_t nlines, size_t len, int line, int col) {
  if (line < 1 || (size_t)line > nlines) return len;
  size_t off = lines[line - 1] + (size_t)(col > 0 ? col - 1 : 0);
  return off < len ? off : len;
}

static void recount_heading_number(block_text *h) {
  free(h->number);
  h->number = NULL;
  h->number_level = 0;
  if (!h->spans.len || h->spans.items[0].kind != SPAN_TEXT) return;
  size_t n;
  int level = doc_heading_number_parse(h->spans.items[0].text, &n);
  if (level) {
    h->number = xstrndup(h->spans.items[0].text, n);
    h->number_level = level;
  }
}

static int item_cmp(const nz_item *a, const nz_item *b) {
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  return a->col < b->col ? -1 : a->col > b->col;
}

/* Source order; insertion sort keeps equal positions in rule order. */
static void sort_items(nz_report *rep, size_t from) {
  for (size_t i = from + 1; i < rep->len; i++) {
    nz_item it = rep->items[i];
    size_t j = i;
    while (j > from && item_cmp(&rep->items[j - 1], &it) > 0) {
      rep->items[j] = rep->items[j - 1];
      j--;
    }
    rep->items[j] = it;
  }
}

/* Where the value of a front-matter key starts: the byte offset after
 * `key:` and its spaces (and an opening quote) on the key's line, or len. */
static size_t meta_value_offset(const char *src, size_t len, const size_t *lines, size_t nlines, const char *key) {
  size_t k = strlen(key);
  for (size_t i = 1; i < nlines; i++) {
    const char *l = src + lines[i];
    size_t left = len - lines[i];
    if (left >= 3 && (!strncmp(l, "---", 3) || !strncmp(l, "...", 3))) break;
    if (left > k && !strncmp(l, key, k) && l[k] == ':') {
      size_t off = lines[i] + k + 1;
      while (off < len && src[off] == ' ') off++;
      if (off < len && (src[off] == '"' || src[off] == '\'')) off++;
      return off;
    }
  }
  return len;
}

/* The printed front-matter values (title, subtitle, issuing unit) are
 * normalised too, but --fix never rewrites the front matter: their
 * changes are reported for the author to make. */
static void normalize_meta(char **value, const char *key, const char *src, size_t len, const size_t *lines,
                           size_t nlines, const normalize_rules *rules, nz_report *rep) {
  if (!*value || !**value) return;
  span_list l = {0};
  size_t start = src ? meta_value_offset(src, len, lines, nlines, key) : len;
  int line = 0;
  for (size_t i = 0; i < nlines && lines[i] <= start && start < len; i++) line = (int)i + 1;
  span_list_push(&l, SPAN_TEXT, 0, *value, strlen(*value), NULL, line, 1);
  size_t first = rep ? rep->len : 0;
  size_t cursor = start;
  normalize_list(&l, src, len, lines, nlines, rules, rep, start < len ? &cursor : NULL);
  for (size_t i = first; rep && i < rep->len; i++) {
    rep->items[i].start = rep->items[i].end = -1;
    if (!rep->items[i].message)
      rep->items[i].message = xasprintf("in the front matter's '%s': fix by hand", key);
  }
  free(*value);
  *value = l.len ? span_list_text(&l) : xstrdup("");
  span_list_free(&l);
}

void normalize_document(document *doc, const char *src, size_t len, const normalize_rules *rules,
                        nz_report *rep) {
  VEC(size_t) lines = {0};
  VEC_PUSH(lines, 0);
  for (size_t i = 0; src && i < len; i++)
    if (src[i] == '\n') VEC_PUSH(lines, i + 1);
  size_t first = rep ? rep->len : 0;
  for (size_t i = 0; i < doc->len; i++) {
    block *b = &doc->items[i];
    size_t cursor = offset_of(lines.items, lines.len, len, b->line, b->col);
    size_t *cur = src ? &cursor : NULL;
    span_list *spans = block_spans(b);
    table_data *t = block_table_data(b);
    if (spans) normalize_list(spans, src, len, lines.items, lines.len, rules, rep, cur);
    if (b->kind == BLK_HEADING) recount_heading_number(&b->as.text);
    for (int c = 0; t && c < t->rows * t->cols; c++) /* cells in order: each one's search goes on from the last */
      normalize_list(&t->cells[c], src, len, lines.items, lines.len, rules, rep, cur);
  }
  normalize_meta(&doc->meta.title, "title", src, len, lines.items, lines.len, rules, rep);
  normalize_meta(&doc->meta.subtitle, "subtitle", src, len, lines.items, lines.len, rules, rep);
  normalize_meta(&doc->meta.author, "author", src, len, lines.items, lines.len, rules, rep);
  if (rep) sort_items(rep, first);
  VEC_FREE(lines);
}

void normalize_report_free(nz_report *rep) {
  for (size_t i = 0; i < rep->len; i++) {
    free(rep->items[i].from);
    free(rep->items[i].to);
    free(rep->items[i].message);
  }
  VEC_FREE(*rep);
  rep->changes = rep->problems = 0;
}

void normalize_report_merge(nz_report *rep, size_t from) {
  if (from == 0 || from >= rep->len) return;
  nz_item *out = xmalloc(rep->len * sizeof *out);
  size_t a = 0, b = from, k = 0;
  while (a < from || b < rep->len)
    out[k++] = b >= rep->len || (a < from && item_cmp(&rep->items[a], &rep->items[b]) <= 0) ? rep->items[a++]
                                                                                           : rep->items[b++];
  memcpy(rep->items, out, rep->len * sizeof *out);
  free(out);
}

static int by_start(const void *a, const void *b) {
  long x = (*(const nz_item *const *)a)->start, y = (*(const nz_item *const *)b)->start;
  return x < y ? -1 : x > y;
}

char *normalize_apply(const char *src, size_t len, const nz_report *rep, size_t *out_len, size_t *applied) {
  const nz_item **fix = xcalloc(rep->len + 1, sizeof *fix);
  size_t n = 0;
  for (size_t i = 0; i < rep->len; i++)
    if (rep->items[i].kind == NZ_CHANGE && rep->items[i].start >= 0 && (size_t)rep->items[i].end <= len)
      fix[n++] = &rep->items[i];
  qsort(fix, n, sizeof *fix, by_start);
  strbuf sb = {0};
  size_t at = 0;
  *applied = 0;
  for (size_t i = 0; i < n; i++) {
    if ((size_t)fix[i]->start < at) continue; /* overlapping: the first one wins */
    sb_append(&sb, src + at, (size_t)fix[i]->start - at);
    sb_puts(&sb, fix[i]->to);
    at = (size_t)fix[i]->end;
    (*applied)++;
  }
  sb_append(&sb, src + at, len - at);
  free(fix);
  *out_len = sb.len;
  if (!sb.data) return xstrdup("");
  return sb_take(&sb);
}
