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

static bool is_ws(uint32_t cp) { return cp == 0 || is_unicode_space(cp); }

static void flanking(uint32_t prev, uint32_t next, bool cjk, bool *left, bool *right) {
  *left = !is_ws(next) &&
          (!is_unicode_punct(next) || is_ws(prev) || is_unicode_punct(prev) || (cjk && is_cjk(prev)));
  *right = !is_ws(prev) &&
           (!is_unicode_punct(prev) || is_ws(next) || is_unicode_punct(next) || (cjk && is_cjk(next)));
}

static void classify(delim_run *r, uint32_t prev, uint32_t next) {
  bool l, rt, sl, srt;
  flanking(prev, next, true, &l, &rt);
  flanking(prev, next, false, &sl, &srt);
  if (r->ch == '*') {
    r->can_open = l, r->can_close = rt, r->std_open = sl, r->std_close = srt;
  } else {
    r->can_open = l && (!rt || is_unicode_punct(prev));
    r->can_close = rt && (!l || is_unicode_punct(next));
    r->std_open = sl && (!srt || is_unicode_punct(prev));
    r->std_close = srt && (!sl || is_unicode_punct(next));
  }
}

static bool is_delim_span(const span *s) {
  return s->kind == SPAN_TEXT && !(s->style & ST_CODE) && (s->text[0] == '*' || s->text[0] == '_');
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
    int col = s->col;
    while (*t) {
      size_t n = (*t == '*' || *t == '_') ? strspn(t, *t == '*' ? "*" : "_") : strcspn(t, "*_");
      span_list_push(out, SPAN_TEXT, s->style, t, n, s->url, s->line, col);
      col += (int)n;
      t += n;
    }
    free(s->text);
    free(s->url);
  }
  in->len = 0;
}

static uint32_t char_before(const span_list *l, size_t i) {
  while (i-- > 0) {
    const span *s = &l->items[i];
    if (s->kind != SPAN_TEXT) return 0;
    size_t n = strlen(s->text);
    if (n == 0) continue;
    size_t k = n - 1;
    while (k > 0 && ((unsigned char)s->text[k] & 0xC0) == 0x80) k--;
    uint32_t cp = 0;
    utf8_decode(s->text + k, n - k, &cp);
    return cp;
  }
  return 0;
}

static uint32_t char_after(const span_list *l, size_t i) {
  for (i++; i < l->len; i++) {
    const span *s = &l->items[i];
    if (s->kind != SPAN_TEXT) return 0;
    if (!s->text[0]) continue;
    uint32_t cp = 0;
    utf8_decode(s->text, strlen(s->text), &cp);
    return cp;
  }
  return 0;
}

static void apply_pair(span_list *l, delim_run *open, delim_run *close) {
  size_t use = open->len >= 2 && close->len >= 2 ? 2 : 1;
  unsigned style = use == 2 ? ST_STRONG : ST_EMPH;
  for (size_t i = open->span + 1; i < close->span; i++) l->items[i].style |= style;
  open->len -= use;
  close->len -= use;
  l->items[open->span].text[open->len] = '\0';     /* drop from the opener's end */
  char *ct = l->items[close->span].text;
  memmove(ct, ct + use, strlen(ct + use) + 1);     /* and the closer's start */
}

/* CommonMark's process_emphasis, reduced to what leftover runs need. */
static void match_runs(span_list *l, delim_run *runs, size_t nruns) {
  size_t *stack = xmalloc((nruns + 1) * sizeof *stack);
  size_t top = 0;
  for (size_t r = 0; r < nruns; r++) {
    delim_run *closer = &runs[r];
    while (closer->can_close && closer->len > 0) {
      size_t k = top;
      while (k > 0) {
        delim_run *o = &runs[stack[k - 1]];
        bool needs_cjk = !o->std_open || !closer->std_close;
        if (o->ch == closer->ch && o->len > 0 && needs_cjk) break;
        k--;
      }
      if (k == 0) break;
      delim_run *opener = &runs[stack[k - 1]];
      apply_pair(l, opener, closer);
      top = opener->len > 0 ? k : k - 1; /* openers inside the pair are closed off */
    }
    if (closer->can_open && closer->len > 0) stack[top++] = r;
  }
  free(stack);
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
    classify(&r, char_before(&split, i), char_after(&split, i));
    VEC_PUSH(runs, r);
  }
  match_runs(&split, runs.items, runs.len);
  VEC_FREE(runs);
  free(spans->items);
  *spans = split;
}
