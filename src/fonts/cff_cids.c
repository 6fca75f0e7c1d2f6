/* A PDF shows a CIDFontType0 font (a CID-keyed CFF program, /FontFile3
 * /CIDFontType0C) by CID: the content stream's codes pass through
 * Identity-H unchanged and the CFF's charset says which glyph has that CID
 * (ISO 32000-1 9.7.4.2; there is no /CIDToGIDMap for CFF). brief's codes
 * are the characters' own (Unicode, or a Private Use code for a glyph the
 * cmap does not reach), as for TrueType: so each subset's charset gives
 * each glyph the code showing it as CID, and /W, /ToUnicode, the content
 * streams and the booklet stay as they are. A glyph two characters share
 * (⼀ U+2F00 and 一 U+4E00 in Noto CJK) is there twice, for a CID names one
 * glyph and a glyph has one CID.
 *
 * The subsets are assembled here (Adobe Technical Note #5176) from what
 * hb-subset wrote: it does the hard part, interpreting the charstrings and
 * writing them without subroutines. */
#include "cff_cids.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static uint32_t be_n(const unsigned char *p, unsigned n) {
  uint32_t v = 0;
  for (unsigned i = 0; i < n; i++) v = v << 8 | p[i];
  return v;
}

static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v; }
static void put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* An INDEX at off: count items, data of item i at data + offset(i) - 1. */
typedef struct {
  unsigned count, off_size;
  size_t offsets; /* where the offset array starts */
  size_t data;    /* the byte before the first item (offsets are 1-based) */
  size_t end;     /* the first byte after the INDEX */
} cff_index;

static bool read_index(const unsigned char *c, size_t len, size_t off, cff_index *ix) {
  memset(ix, 0, sizeof *ix);
  if (off > len || len - off < 2) return false;
  ix->count = read_be16(c + off);
  if (ix->count == 0) {
    ix->end = off + 2;
    return true;
  }
  if (len - off < 3) return false;
  ix->off_size = c[off + 2];
  if (ix->off_size < 1 || ix->off_size > 4) return false;
  ix->offsets = off + 3;
  size_t table = (size_t)(ix->count + 1) * ix->off_size;
  if (len - ix->offsets < table) return false;
  ix->data = ix->offsets + table - 1;
  uint32_t last = be_n(c + ix->offsets + (size_t)ix->count * ix->off_size, ix->off_size);
  if (last < 1 || last - 1 > len - ix->data - 1) return false;
  ix->end = ix->data + last;
  return true;
}

/* Item i's start and length within c (checked by the caller's bounds). */
static bool index_item(const unsigned char *c, const cff_index *ix, unsigned i, size_t *at, size_t *n) {
  uint32_t a = be_n(c + ix->offsets + (size_t)i * ix->off_size, ix->off_size);
  uint32_t b = be_n(c + ix->offsets + (size_t)(i + 1) * ix->off_size, ix->off_size);
  if (a < 1 || b < a || ix->data + b > ix->end) return false;
  *at = ix->data + a, *n = b - a;
  return true;
}

/* What the Top DICT says: the value of each operator we need and, for the
 * offsets, where its 5-byte operand is (0: encoded otherwise). */
typedef struct {
  bool cid_keyed;
  long charset, charstrings, fdselect, fdarray, cid_count;
  size_t charset_at, charstrings_at, fdselect_at, fdarray_at, cid_count_at;
} top_dict;

static bool read_top_dict(const unsigned char *c, size_t from, size_t to, top_dict *t) {
  memset(t, 0, sizeof *t);
  t->cid_count = 8720; /* the default (5176, table 10) */
  long operand = 0;
  size_t operand_at = 0; /* of the last operand when it is a 5-byte integer */
  for (size_t i = from; i < to;) {
    unsigned b = c[i];
    if (b <= 21) { /* an operator */
      unsigned op = b;
      if (b == 12) {
        if (i + 1 >= to) return false;
        op = 1200 + c[i + 1];
        i++;
      }
      i++;
      switch (op) {
        case 1230: t->cid_keyed = true; break; /* ROS */
        case 15: t->charset = operand, t->charset_at = operand_at; break;
        case 17: t->charstrings = operand, t->charstrings_at = operand_at; break;
        case 1237: t->fdselect = operand, t->fdselect_at = operand_at; break;
        case 1236: t->fdarray = operand, t->fdarray_at = operand_at; break;
        case 1234: t->cid_count = operand, t->cid_count_at = operand_at; break;
        default: break;
      }
      operand_at = 0;
      continue;
    }
    operand_at = 0;
    if (b >= 32 && b <= 246) {
      operand = (long)b - 139, i += 1;
    } else if (b >= 247 && b <= 250) {
      if (i + 1 >= to) return false;
      operand = ((long)b - 247) * 256 + c[i + 1] + 108, i += 2;
    } else if (b >= 251 && b <= 254) {
      if (i + 1 >= to) return false;
      operand = -((long)b - 251) * 256 - c[i + 1] - 108, i += 2;
    } else if (b == 28) {
      if (i + 2 >= to) return false;
      operand = (int16_t)read_be16(c + i + 1), i += 3;
    } else if (b == 29) {
      if (to - i < 5) return false;
      operand = (int32_t)be_n(c + i + 1, 4), operand_at = i + 1, i += 5;
    } else if (b == 30) { /* a real: nibbles up to an 0xf */
      for (i++; i < to && (c[i] & 0x0f) != 0x0f && (c[i] >> 4) != 0x0f; i++) {}
      i++;
      operand = 0;
    } else {
      return false;
    }
  }
  return true;
}

typedef struct {
  top_dict top;
  cff_index charstrings;
  size_t prefix_end; /* the end of the Global Subr INDEX: header, names, Top DICT, strings, subroutines */
} cff_font;

static bool parse(const unsigned char *c, size_t len, cff_font *f) {
  if (len < 4 || c[0] != 1 || c[2] < 4 || c[2] > len) return false;
  cff_index names, tops, strings, gsubrs;
  if (!read_index(c, len, c[2], &names) || !read_index(c, len, names.end, &tops) || tops.count < 1) return false;
  if (!read_index(c, len, tops.end, &strings) || !read_index(c, len, strings.end, &gsubrs)) return false;
  f->prefix_end = gsubrs.end;
  size_t at, n;
  if (!index_item(c, &tops, 0, &at, &n) || !read_top_dict(c, at, at + n, &f->top)) return false;
  const top_dict *t = &f->top;
  if (!t->cid_keyed || t->charset <= 0 || t->charstrings <= 0 || t->fdselect <= 0) return false;
  if ((size_t)t->charset >= len || (size_t)t->fdselect >= len) return false;
  return read_index(c, len, (size_t)t->charstrings, &f->charstrings) && f->charstrings.count > 0;
}

/* The font DICT of each glyph (FDSelect formats 0 and 3). */
static bool read_fdselect(const unsigned char *c, size_t len, size_t off, unsigned n, unsigned char *fd) {
  unsigned format = c[off];
  if (format == 0) {
    if (len - off - 1 < n) return false;
    memcpy(fd, c + off + 1, n);
    return true;
  }
  if (format != 3 || len - off < 5) return false;
  unsigned ranges = read_be16(c + off + 1);
  if ((len - off - 3) / 3 < ranges + 1) return false;
  const unsigned char *r = c + off + 3;
  for (unsigned i = 0; i < ranges; i++) {
    unsigned first = read_be16(r + 3 * i), next = read_be16(r + 3 * i + 3);
    for (unsigned g = first; g < next && g < n; g++) fd[g] = r[3 * i + 2];
  }
  return true;
}

bool cff_is_cid_keyed(const unsigned char *cff, size_t len) {
  cff_font f;
  return parse(cff, len, &f);
}

/* ---- a store of a face's glyphs, subset once ---------------------------
 * hb-subset interprets every charstring it keeps twice (closure and
 * desubroutinizing): for a Noto CJK face some 40,000 instructions a glyph,
 * five times what a TrueType glyph costs. A batch prints the same few
 * thousand characters brief after brief, so each glyph's desubroutinized
 * charstring and its font DICT (as hb-subset wrote them: the same bytes
 * whichever subset they came from) are kept, and a subset is assembled
 * from them: header, names, Top DICT and strings of the face's .notdef-only
 * subset, then charset (CIDs = codes), FDSelect, FDArray, CharStrings and
 * Private DICTs. The bytes depend only on the glyphs and CIDs asked for,
 * never on what was kept before (a batch's PDFs do not depend on --jobs). */

/* One operator of a DICT: where its operands start and it ends, and its
 * last two operands. */
typedef struct {
  unsigned op;
  size_t start, end;
  long a, b;
} dict_op;

static size_t dict_ops(const unsigned char *c, size_t from, size_t to, dict_op *ops, size_t max) {
  size_t n = 0, start = from;
  long a = 0, b = 0;
  for (size_t i = from; i < to;) {
    unsigned v = c[i];
    long operand = 0;
    if (v <= 21) {
      unsigned op = v;
      if (v == 12) {
        if (i + 1 >= to) return (size_t)-1;
        op = 1200 + c[++i];
      }
      i++;
      if (n == max) return (size_t)-1;
      ops[n++] = (dict_op){op, start, i, a, b};
      start = i, a = b = 0;
      continue;
    }
    if (v >= 32 && v <= 246) {
      operand = (long)v - 139, i += 1;
    } else if (v >= 247 && v <= 250 && i + 1 < to) {
      operand = ((long)v - 247) * 256 + c[i + 1] + 108, i += 2;
    } else if (v >= 251 && v <= 254 && i + 1 < to) {
      operand = -((long)v - 251) * 256 - c[i + 1] - 108, i += 2;
    } else if (v == 28 && i + 2 < to) {
      operand = (int16_t)read_be16(c + i + 1), i += 3;
    } else if (v == 29 && to - i >= 5) {
      operand = (int32_t)be_n(c + i + 1, 4), i += 5;
    } else if (v == 30) {
      for (i++; i < to && (c[i] & 0x0f) != 0x0f && (c[i] >> 4) != 0x0f; i++) {}
      i++;
    } else {
      return (size_t)-1;
    }
    a = b, b = operand;
  }
  return start == to ? n : (size_t)-1;
}

typedef struct {
  unsigned char *rest; /* the font DICT without FontName and Private */
  size_t rest_len;
  unsigned char *priv; /* its Private DICT */
  size_t priv_len;
} stored_fd;

typedef struct {
  uint32_t at, len; /* in the arena */
  uint8_t fd;
  bool have;
} stored_glyph;

struct cff_store {
  unsigned char *prefix; /* the .notdef-only subset up to its Global Subr INDEX */
  size_t prefix_len, charset_at, charstrings_at, fdselect_at, fdarray_at, cid_count_at;
  long cid_count;
  stored_fd fds[256];
  size_t nfds;
  stored_glyph *pages[256]; /* by glyph of the whole font: 256 pages of 256, made when first used */
  size_t nglyphs;
  unsigned char *arena;
  size_t arena_len, arena_cap;
};

void cff_store_free(cff_store *s) {
  if (!s) return;
  for (size_t i = 0; i < s->nfds; i++) free(s->fds[i].rest), free(s->fds[i].priv);
  free(s->prefix);
  for (size_t i = 0; i < 256; i++) free(s->pages[i]);
  free(s->arena);
  free(s);
}

cff_store *cff_store_new(const unsigned char *cff, size_t len, size_t nglyphs) {
  cff_font f;
  if (!parse(cff, len, &f)) return NULL;
  const top_dict *t = &f.top;
  if (!t->charset_at || !t->charstrings_at || !t->fdselect_at || !t->fdarray_at || t->fdarray <= 0) return NULL;
  if ((size_t)t->charset < f.prefix_end || (size_t)t->charstrings < f.prefix_end || (size_t)t->fdselect < f.prefix_end ||
      (size_t)t->fdarray < f.prefix_end)
    return NULL;
  cff_store *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->prefix = malloc(f.prefix_end);
  if (!s->prefix || nglyphs > 65536) {
    cff_store_free(s);
    return NULL;
  }
  memcpy(s->prefix, cff, f.prefix_end);
  s->prefix_len = f.prefix_end;
  s->charset_at = t->charset_at, s->charstrings_at = t->charstrings_at;
  s->fdselect_at = t->fdselect_at, s->fdarray_at = t->fdarray_at;
  s->cid_count_at = t->cid_count_at < f.prefix_end ? t->cid_count_at : 0, s->cid_count = t->cid_count;
  s->nglyphs = nglyphs;
  return s;
}

/* The glyph's slot; NULL when its page is not made (and make is false) or out of memory. */
static stored_glyph *slot(const cff_store *s, unsigned gid, bool make) {
  if (gid >= s->nglyphs) return NULL;
  stored_glyph **page = (stored_glyph **)&s->pages[gid >> 8];
  if (!*page && make) *page = calloc(256, sizeof **page);
  return *page ? &(*page)[gid & 255] : NULL;
}

bool cff_store_has(const cff_store *s, unsigned gid) {
  const stored_glyph *g = slot(s, gid, false);
  return g && g->have;
}

/* The font DICT's index in the store, kept the first time it is met. */
static int store_fd(cff_store *s, const unsigned char *c, size_t len, const unsigned char *d, size_t dlen) {
  dict_op ops[32];
  size_t n = dict_ops(d, 0, dlen, ops, 32);
  if (n == (size_t)-1) return -1;
  unsigned char rest[256];
  size_t rest_len = 0;
  long psize = -1, poff = -1;
  for (size_t i = 0; i < n; i++) {
    if (ops[i].op == 18) psize = ops[i].a, poff = ops[i].b;
    if (ops[i].op == 18 || ops[i].op == 1238) continue; /* Private, FontName (a SID of that subset's strings) */
    size_t k = ops[i].end - ops[i].start;
    if (rest_len + k > sizeof rest) return -1;
    memcpy(rest + rest_len, d + ops[i].start, k);
    rest_len += k;
  }
  if (psize < 0 || poff < 0 || (size_t)poff > len || (size_t)psize > len - (size_t)poff) return -1;
  const unsigned char *priv = c + poff;
  dict_op pops[64];
  size_t pn = dict_ops(priv, 0, (size_t)psize, pops, 64);
  if (pn == (size_t)-1) return -1;
  for (size_t i = 0; i < pn; i++)
    if (pops[i].op == 19) return -1; /* Subrs: not a desubroutinized subset */
  for (size_t i = 0; i < s->nfds; i++)
    if (s->fds[i].rest_len == rest_len && s->fds[i].priv_len == (size_t)psize && !memcmp(s->fds[i].rest, rest, rest_len) &&
        !memcmp(s->fds[i].priv, priv, (size_t)psize))
      return (int)i;
  if (s->nfds == 256) return -1;
  stored_fd *fd = &s->fds[s->nfds];
  fd->rest = malloc(rest_len + 1), fd->priv = malloc((size_t)psize + 1);
  if (!fd->rest || !fd->priv) {
    free(fd->rest), free(fd->priv);
    return -1;
  }
  memcpy(fd->rest, rest, rest_len), memcpy(fd->priv, priv, (size_t)psize);
  fd->rest_len = rest_len, fd->priv_len = (size_t)psize;
  return (int)s->nfds++;
}

int cff_store_add(cff_store *s, const unsigned char *cff, size_t len, const uint32_t *old_of_new, size_t n) {
  cff_font f;
  if (!parse(cff, len, &f) || f.charstrings.count != n || f.top.fdarray <= 0) return -1;
  cff_index fdarray;
  unsigned char *fd_of = calloc(n, 1);
  int map[256];
  bool ok = fd_of && read_index(cff, len, (size_t)f.top.fdarray, &fdarray) && fdarray.count <= 256 &&
            read_fdselect(cff, len, (size_t)f.top.fdselect, (unsigned)n, fd_of);
  for (unsigned i = 0; ok && i < fdarray.count; i++) {
    size_t at, sz;
    ok = index_item(cff, &fdarray, i, &at, &sz) && (map[i] = store_fd(s, cff, len, cff + at, sz)) >= 0;
  }
  for (size_t g = 0; ok && g < n; g++) {
    uint32_t old = old_of_new[g];
    size_t at, sz;
    stored_glyph *to = slot(s, old, true);
    if (!to || to->have) continue;
    ok = fd_of[g] < fdarray.count && index_item(cff, &f.charstrings, (unsigned)g, &at, &sz);
    if (ok && s->arena_len + sz > s->arena_cap) {
      size_t cap = s->arena_cap ? s->arena_cap * 2 : 1 << 16;
      while (cap < s->arena_len + sz) cap *= 2;
      unsigned char *a = realloc(s->arena, cap);
      ok = a != NULL;
      if (ok) s->arena = a, s->arena_cap = cap;
    }
    if (!ok) break;
    memcpy(s->arena + s->arena_len, cff + at, sz);
    *to = (stored_glyph){(uint32_t)s->arena_len, (uint32_t)sz, (uint8_t)map[fd_of[g]], true};
    s->arena_len += sz;
  }
  free(fd_of);
  return ok ? 0 : -1;
}

static int by_cid(const void *a, const void *b) { return (int)((const cff_cid *)a)->cid - (int)((const cff_cid *)b)->cid; }

/* The smallest offset size for offsets up to max. */
static unsigned off_size(size_t max) { return max < 0x100 ? 1 : max < 0x10000 ? 2 : max < 0x1000000 ? 3 : 4; }

static void put_n(unsigned char *p, size_t v, unsigned n) {
  for (unsigned i = 0; i < n; i++) p[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

/* An INDEX header (count, offSize, offsets) for items of the given sizes. */
static size_t put_index_head(unsigned char *p, const size_t *sizes, size_t count) {
  size_t total = 0;
  for (size_t i = 0; i < count; i++) total += sizes[i];
  unsigned os = off_size(total + 1);
  put16(p, (unsigned)count);
  p[2] = (unsigned char)os;
  size_t pos = 1;
  for (size_t i = 0; i <= count; i++) {
    put_n(p + 3 + i * os, pos, os);
    if (i < count) pos += sizes[i];
  }
  return 3 + (count + 1) * os;
}

static size_t index_head_len(size_t count, size_t total) { return 3 + (count + 1) * off_size(total + 1); }

/* Font DICTs compared by their bytes, so a subset orders the ones it uses
 * the same way whenever the store met them. */
static int fd_cmp(const cff_store *s, uint8_t a, uint8_t b) {
  const stored_fd *x = &s->fds[a], *y = &s->fds[b];
  if (x->rest_len != y->rest_len) return x->rest_len < y->rest_len ? -1 : 1;
  int c = memcmp(x->rest, y->rest, x->rest_len);
  if (c) return c;
  if (x->priv_len != y->priv_len) return x->priv_len < y->priv_len ? -1 : 1;
  return memcmp(x->priv, y->priv, x->priv_len);
}

unsigned char *cff_store_build(const cff_store *s, const cff_cid *map, size_t n, size_t *out_len) {
  cff_cid *g = calloc(n + 1, sizeof *g); /* .notdef (CID 0), then by CID */
  bool ok = g != NULL && cff_store_has(s, 0);
  if (ok) {
    memcpy(g + 1, map, n * sizeof *map);
    qsort(g + 1, n, sizeof *g, by_cid);
  }
  size_t total = n + 1, cs_total = 0;
  uint8_t used[256], nused = 0, out_fd[256];
  bool in_use[256] = {false};
  for (size_t i = 0; ok && i < total; i++) {
    ok = cff_store_has(s, g[i].gid) && (i == 0 || g[i].cid > g[i - 1].cid);
    if (!ok) break;
    const stored_glyph *sg = slot(s, g[i].gid, false);
    cs_total += sg->len;
    if (!in_use[sg->fd]) in_use[sg->fd] = true, used[nused++] = sg->fd;
  }
  long max_cid = ok && n ? g[n].cid : 0;
  if (ok && max_cid >= s->cid_count && !s->cid_count_at) ok = false;
  if (!ok) {
    free(g);
    return NULL;
  }
  for (size_t i = 1; i < nused; i++) /* insertion sort: a few font DICTs */
    for (size_t k = i; k > 0 && fd_cmp(s, used[k - 1], used[k]) > 0; k--) {
      uint8_t t = used[k];
      used[k] = used[k - 1], used[k - 1] = t;
    }
  for (uint8_t i = 0; i < nused; i++) out_fd[used[i]] = i;
  size_t dict_sizes[256], dict_total = 0, priv_total = 0;
  for (size_t i = 0; i < nused; i++) {
    dict_sizes[i] = s->fds[used[i]].rest_len + 11; /* + Private: two 5-byte integers and the operator */
    dict_total += dict_sizes[i];
    priv_total += s->fds[used[i]].priv_len;
  }
  size_t charset_at = s->prefix_len, fdselect_at = charset_at + 1 + 2 * n;
  size_t fdarray_at = fdselect_at + 1 + total;
  size_t charstrings_at = fdarray_at + index_head_len(nused, dict_total) + dict_total;
  size_t privates_at = charstrings_at + index_head_len(total, cs_total) + cs_total;
  size_t len = privates_at + priv_total;
  unsigned char *out = malloc(len);
  if (!out) {
    free(g);
    return NULL;
  }
  memcpy(out, s->prefix, s->prefix_len);
  put32(out + s->charset_at, (uint32_t)charset_at);
  put32(out + s->fdselect_at, (uint32_t)fdselect_at);
  put32(out + s->fdarray_at, (uint32_t)fdarray_at);
  put32(out + s->charstrings_at, (uint32_t)charstrings_at);
  if (max_cid >= s->cid_count) put32(out + s->cid_count_at, (uint32_t)max_cid + 1);
  out[charset_at] = 0; /* format 0 */
  for (size_t i = 1; i < total; i++) put16(out + charset_at + 1 + 2 * (i - 1), g[i].cid);
  out[fdselect_at] = 0; /* format 0 */
  for (size_t i = 0; i < total; i++) out[fdselect_at + 1 + i] = out_fd[slot(s, g[i].gid, false)->fd];
  size_t at = fdarray_at + put_index_head(out + fdarray_at, dict_sizes, nused), priv = privates_at;
  for (size_t i = 0; i < nused; i++) {
    const stored_fd *fd = &s->fds[used[i]];
    memcpy(out + at, fd->rest, fd->rest_len);
    at += fd->rest_len;
    out[at] = 29, put32(out + at + 1, (uint32_t)fd->priv_len);
    out[at + 5] = 29, put32(out + at + 6, (uint32_t)priv);
    out[at + 10] = 18; /* Private */
    at += 11;
    memcpy(out + priv, fd->priv, fd->priv_len);
    priv += fd->priv_len;
  }
  size_t *cs_sizes = calloc(total, sizeof *cs_sizes);
  if (!cs_sizes) {
    free(out), free(g);
    return NULL;
  }
  for (size_t i = 0; i < total; i++) cs_sizes[i] = slot(s, g[i].gid, false)->len;
  at = charstrings_at + put_index_head(out + charstrings_at, cs_sizes, total);
  for (size_t i = 0; i < total; i++) {
    memcpy(out + at, s->arena + slot(s, g[i].gid, false)->at, cs_sizes[i]);
    at += cs_sizes[i];
  }
  free(cs_sizes);
  free(g);
  *out_len = len;
  return out;
}
