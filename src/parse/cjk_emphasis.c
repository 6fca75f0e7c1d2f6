#include "cjk_emphasis.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

/* A literal delimiter run that cmark-gfm left in the text. */
typedef struct {
  size_t span;        /* index of its own span after splitting */
  char ch;            /* '*' or '_' */
  size_t len;         /* delimiters left */
  bool can_open, can_close;         /* with the CJK extension */
  bool std_open, std_close;         /* by CommonMark's rules alone */
} delim_run;

static bool is_ws(uint32_t cp) { return cp == 0 || uchar_is_space(cp); }

/* What stands either side of a run. */
typedef struct {
  uint32_t prev, next;     /* the characters (0: none or a break) */
  bool cn_prev, cn_next;   /* that character is punctuation set in Chinese */
} sides;

/* CommonMark's flanking rules assume a space between a closing mark and
 * the next word: a run after punctuation closes only before a space or more
 * punctuation. Chinese sets no spaces, so with cjk a run is also
 * right-flanking when the character before it is Chinese punctuation or the
 * one after it is CJK (**报送单位：**中共, **期数：**2016年), and left-flanking
 * when the character after it is Chinese punctuation or the one before it is
 * CJK (**“两委”**, 学习**《决定》**). Beside Chinese punctuation any non-space
 * character will do on the other side: digit, Latin letter, symbol, a link. */
static void flanking(const sides *n, bool cjk, bool *left, bool *right) {
  uint32_t prev = n->prev, next = n->next;
  *left = !is_ws(next) && (!uchar_is_punct(next) || is_ws(prev) || uchar_is_punct(prev) ||
                           (cjk && (is_cjk(prev) || n->cn_next)));
  *right = !is_ws(prev) && (!uchar_is_punct(prev) || is_ws(next) || uchar_is_punct(next) ||
                            (cjk && (is_cjk(next) || n->cn_prev)));
}

/* `_` must not open or close inside a word (snake_case, 中_文_字). A run with
 * Chinese punctuation on one side is not inside a word: _说明：_2017年 closes. */
static void classify(delim_run *r, const sides *n) {
  bool l, rt, sl, srt;
  flanking(n, true, &l, &rt);
  flanking(n, false, &sl, &srt);
  if (r->ch == '*') {
    r->can_open = l, r->can_close = rt, r->std_open = sl, r->std_close = srt;
  } else {
    r->can_open = l && (!rt || uchar_is_punct(n->prev) || n->cn_next);
    r->can_close = rt && (!l || uchar_is_punct(n->next) || n->cn_prev);
    r->std_open = sl && (!srt || uchar_is_punct(n->prev));
    r->std_close = srt && (!sl || uchar_is_punct(n->next));
  }
}

static bool is_delim_span(const span *s) {
  return s->kind == SPAN_TEXT && !(s->style & ST_CODE) && (s->text[0] == '*' || s->text[0] == '_');
}

static size_t chars_in(const char *s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) count++;
  return count;
}

/* Splits text spans so that every run of * or _ is a span of its own. */
static void split_runs(span_list *in, span_list *out) {
  for (size_t i = 0; i < in->len; i++) {
    span *s = &in->items[i];
    if (s->kind != SPAN_TEXT || (s->style & ST_CODE)) {
      VEC_PUSH(*out, *s);
      continue;
    }
    const char *t = s->text;
    int at = 0; /* in characters: columns count characters, not bytes */
    while (*t) {
      /* The run at t: one delimiter repeated, or text up to the next one.
       * By hand: strspn/strcspn read the whole rest of the text under
       * AddressSanitizer's strict_string_checks, quadratic on a long
       * paragraph (tests/pathological_test.py under the sanitizers). */
      size_t n = 0;
      if (*t == '*' || *t == '_')
        while (t[n] == *t) n++;
      else
        while (t[n] && t[n] != '*' && t[n] != '_') n++;
      span_list_push(out, SPAN_TEXT, s->style, t, n, s->url, s->line, s->col);
      int chars = (int)chars_in(t, n);
      span_map_positions(&out->items[out->len - 1], 0, s, at, at + chars); /* exact past merged pieces */
      at += chars;
      t += n;
    }
    free(s->text);
    free(s->url);
    free(s->anchors);
  }
  in->len = 0;
}

/* A position between two code points of the split span list. The walk
 * gives 0 at a break and the list's ends, and '`' at a code span: what
 * cmark-gfm saw there in the source. */
typedef struct {
  const span_list *l;
  size_t span, pos; /* byte offset into items[span].text */
} cursor;

static uint32_t step_back(cursor *c) {
  while (c->pos == 0) {
    if (c->span == 0 || c->l->items[c->span - 1].kind != SPAN_TEXT) return 0;
    if (c->l->items[c->span - 1].style & ST_CODE) return '`';
    c->span--;
    c->pos = strlen(c->l->items[c->span].text);
  }
  const char *t = c->l->items[c->span].text;
  size_t k = c->pos - 1;
  while (k > 0 && ((unsigned char)t[k] & 0xC0) == 0x80) k--;
  uint32_t cp = 0;
  utf8_decode(t + k, c->pos - k, &cp);
  c->pos = k;
  return cp;
}

static uint32_t step_forward(cursor *c) {
  while (!c->l->items[c->span].text[c->pos]) {
    if (c->span + 1 >= c->l->len || c->l->items[c->span + 1].kind != SPAN_TEXT) return 0;
    if (c->l->items[c->span + 1].style & ST_CODE) return '`';
    c->span++;
    c->pos = 0;
  }
  const char *t = c->l->items[c->span].text + c->pos;
  uint32_t cp = 0;
  size_t n = utf8_decode(t, strlen(t), &cp);
  c->pos += n ? n : 1;
  return cp;
}

/* Punctuation set in Chinese: the CJK and full-width forms (，：。、《》（）…),
 * or a mark Western text shares (“ ” ‘ ’ — … ·) whose own neighbour on the
 * far side is Chinese (策”**2019). English with curly quotes stays CommonMark. */
static bool chinese_punct(cursor c, bool back) {
  uint32_t cp = back ? step_back(&c) : step_forward(&c);
  if (is_ws(cp) || !uchar_is_cjk_punct(cp)) return false;
  while (uchar_is_cjk_punct(cp) && cp < 0x3000) cp = back ? step_back(&c) : step_forward(&c);
  return is_cjk(cp);
}

static sides sides_of(const span_list *l, size_t i) {
  cursor before = {l, i, 0}, after = {l, i, strlen(l->items[i].text)};
  sides n = {0, 0, chinese_punct(before, true), chinese_punct(after, false)};
  n.prev = step_back(&before);
  n.next = step_forward(&after);
  return n;
}

/* The styles of pairs are recorded as +1/-1 at their ends (depth[i] for
 * span i, emph and strong) and applied in one sweep: setting them span by
 * span was quadratic for deeply nested pairs. */
typedef struct {
  int emph, strong;
} style_delta;

static void apply_pair(span_list *l, delim_run *open, delim_run *close, style_delta *delta) {
  size_t use = open->len >= 2 && close->len >= 2 ? 2 : 1;
  int *from = use == 2 ? &delta[open->span + 1].strong : &delta[open->span + 1].emph;
  int *to = use == 2 ? &delta[close->span].strong : &delta[close->span].emph;
  ++*from, --*to;
  open->len -= use;
  close->len -= use;
  l->items[open->span].text[open->len] = '\0';     /* drop from the opener's end */
  char *ct = l->items[close->span].text;
  memmove(ct, ct + use, strlen(ct + use) + 1);     /* and the closer's start */
  span_drop_front(&l->items[close->span], (int)use);
}

/* CommonMark's process_emphasis, reduced to what leftover runs need. As in
 * cmark (inlines.c, openers_bottom), a search for an opener that failed
 * records how far down it looked, per kind of closer (its character and
 * whether it closes by CommonMark's rules alone, which is all the match
 * depends on): the next closer of that kind stops there. Linear time. */
static void match_runs(span_list *l, delim_run *runs, size_t nruns, style_delta *delta) {
  size_t *stack = xmalloc((nruns + 1) * sizeof *stack);
  size_t top = 0, bottom[2][2] = {{0, 0}, {0, 0}};
  for (size_t r = 0; r < nruns; r++) {
    delim_run *closer = &runs[r];
    size_t *floor = &bottom[closer->ch == '_'][closer->std_close];
    while (closer->can_close && closer->len > 0) {
      size_t k = top;
      while (k > *floor) {
        delim_run *o = &runs[stack[k - 1]];
        bool needs_cjk = !o->std_open || !closer->std_close;
        if (o->ch == closer->ch && o->len > 0 && needs_cjk) break;
        k--;
      }
      if (k == *floor) {
        *floor = top; /* nothing below the top opens this kind of closer */
        break;
      }
      delim_run *opener = &runs[stack[k - 1]];
      apply_pair(l, opener, closer, delta);
      top = opener->len > 0 ? k : k - 1; /* openers inside the pair are closed off */
      for (int c = 0; c < 2; c++)
        for (int s = 0; s < 2; s++)
          if (bottom[c][s] > top) bottom[c][s] = top;
    }
    if (closer->can_open && closer->len > 0) stack[top++] = r;
  }
  free(stack);
  int emph = 0, strong = 0;
  for (size_t i = 0; i < l->len; i++) {
    emph += delta[i].emph;
    strong += delta[i].strong;
    if (emph > 0) l->items[i].style |= ST_EMPH;
    if (strong > 0) l->items[i].style |= ST_STRONG;
  }
}

void cjk_emphasis_apply(span_list *spans) {
  bool any = false;
  for (size_t i = 0; i < spans->len && !any; i++)
    any = spans->items[i].kind == SPAN_TEXT && !(spans->items[i].style & ST_CODE) &&
          strpbrk(spans->items[i].text, "*_");
  if (!any) return;
  span_list split = {0};
  split_runs(spans, &split);
  VEC(delim_run) runs = {0};
  for (size_t i = 0; i < split.len; i++) {
    if (!is_delim_span(&split.items[i])) continue;
    delim_run r = {i, split.items[i].text[0], strlen(split.items[i].text), false, false, false, false};
    sides n = sides_of(&split, i);
    classify(&r, &n);
    VEC_PUSH(runs, r);
  }
  style_delta *delta = xcalloc(split.len + 1, sizeof *delta);
  match_runs(&split, runs.items, runs.len, delta);
  free(delta);
  VEC_FREE(runs);
  free(spans->items);
  *spans = split;
}
