/* Subsetting reads the outlines of a few hundred glyphs scattered over a
 * CJK font's 10–15 MB glyf table. Through the file's mapping each read of
 * a glyph not yet seen is a page fault, which the kernel answers by mapping
 * the sixteen pages around it: on the development VM some 20 us each, and
 * 180 of them per render, the largest share of its remaining faults. A
 * pread of the same bytes costs a tenth of that (bench/profile.md). So
 * hb-subset is given a copy of the font made with pread: every table as
 * in the file but glyf, which holds only the glyphs asked for, and loca,
 * which points at them (the other glyphs empty). Glyph numbers, every
 * other table and the outlines hb-subset copies are the file's, so the
 * subset is the same font byte for byte, as long as each glyph hb-subset
 * looks at is in the copy: the caller checks that against the plan and
 * asks again with the glyphs it lacked (fonts.c, subset). */
#include "glyf_sparse.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"


static int read_at(int fd, unsigned char *to, size_t len, uint64_t off) {
  while (len) {
    ssize_t r = pread(fd, to, len, (off_t)off);
    if (r <= 0) return -1;
    to += r, len -= (size_t)r, off += (uint64_t)r;
  }
  return 0;
}

typedef struct {
  uint32_t tag, off, len;
} table;

/* The directory's entries, checked against the file's length. */
static size_t tables_of(const unsigned char *m, size_t mlen, table *t, size_t max) {
  if (mlen < 12) return 0;
  uint32_t version = read_be32(m);
  if (version != 0x00010000u && version != 0x74727565u /* 'true' */) return 0;
  size_t n = read_be16(m + 4);
  if (n == 0 || n > max || 12 + 16 * n > mlen) return 0;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *e = m + 12 + 16 * i;
    t[i] = (table){read_be32(e), read_be32(e + 8), read_be32(e + 12)};
    if ((uint64_t)t[i].off + t[i].len > mlen) return 0;
  }
  return n;
}

static const table *find(const table *t, size_t n, uint32_t tag) {
  for (size_t i = 0; i < n; i++)
    if (t[i].tag == tag) return &t[i];
  return NULL;
}

#define TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define PAD4(x) (((x) + 3u) & ~(size_t)3)

/* Big-endian uint32 store (compilers make it one byte swap and a store). */
static void store32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* The glyphs a composite glyph is made of (ISO/IEC 14496-22 5.3.3.2). */
static void add_components(const unsigned char *g, size_t len, hb_set_t *all, hb_codepoint_t current, bool *behind) {
  if (len < 10 || (int16_t)read_be16(g) >= 0) return;
  size_t at = 10;
  for (;;) {
    if (at + 4 > len) return;
    uint16_t flags = read_be16(g + at), glyph = read_be16(g + at + 2);
    if (!hb_set_has(all, glyph)) {
      hb_set_add(all, glyph);
      if (glyph < current) *behind = true; /* already passed: read again */
    }
    at += 4 + ((flags & 0x1) ? 4 : 2);                             /* ARG_1_AND_2_ARE_WORDS */
    at += (flags & 0x8) ? 2 : (flags & 0x40) ? 4 : (flags & 0x80) ? 8 : 0; /* scales */
    if (!(flags & 0x20)) return;                                   /* MORE_COMPONENTS */
  }
}

typedef struct {
  unsigned char *data; /* the font being built; glyf from glyf_at on */
  size_t glyf_at, cap;
} font_buf;

static int reserve(font_buf *b, size_t glyf_len) {
  size_t need = b->glyf_at + glyf_len + 4;
  if (need <= b->cap) return 0;
  size_t cap = b->cap * 2 > need ? b->cap * 2 : need;
  unsigned char *d = realloc(b->data, cap);
  if (!d) return -1;
  b->data = d, b->cap = cap;
  return 0;
}

/* Reads the outlines of the glyphs of all into glyf (after b->glyf_at) in
 * glyph order, and writes the new loca; a run of neighbouring glyphs is one
 * pread. The parts of composite glyphs join all as they are met: returns 1
 * when one was before the glyph that named it (read again), -1 on error. */
static int read_glyphs(int fd, const table *glyf, const unsigned char *loca, unsigned nglyphs, hb_set_t *all,
                       font_buf *b, size_t loca_at, size_t *glyf_len) {
  size_t at = 0;
  bool behind = false;
  hb_codepoint_t g = HB_SET_VALUE_INVALID;
  unsigned next = 0; /* the first glyph whose loca entry is not yet written */
  while (hb_set_next(all, &g) && g < nglyphs) {
    for (unsigned char *l = b->data + loca_at; next <= g; next++) store32(l + 4 * next, (uint32_t)at);
    uint32_t from = read_be32(loca + 4 * g), to = read_be32(loca + 4 * g + 4);
    hb_codepoint_t last = g;
    for (hb_codepoint_t h = g; hb_set_next(all, &h) && h == last + 1 && h < nglyphs && read_be32(loca + 4 * h) == to &&
                               read_be32(loca + 4 * h + 4) >= to;)
      last = h, to = read_be32(loca + 4 * h + 4);
    if (to < from || to > glyf->len || reserve(b, at + (to - from)) != 0) return -1; /* a loca out of its glyf */
    unsigned char *out = b->data + b->glyf_at + at;
    if (to > from && read_at(fd, out, to - from, (uint64_t)glyf->off + from) != 0) return -1;
    unsigned char *l = b->data + loca_at;
    for (hb_codepoint_t h = g; h <= last; h++) {
      uint32_t a = read_be32(loca + 4 * h), e = read_be32(loca + 4 * h + 4);
      store32(l + 4 * h, (uint32_t)(at + a - from));
      if (e > a) add_components(out + (a - from), e - a, all, h, &behind);
    }
    at += to - from;
    next = last + 1;
    g = last;
  }
  for (unsigned char *l = b->data + loca_at; next <= nglyphs; next++) store32(l + 4 * next, (uint32_t)at);
  *glyf_len = at;
  return behind ? 1 : 0;
}

/* Tables hb-subset reads whether or not they are dropped from its output. */
static bool always_read(uint32_t tag) {
  static const uint32_t tags[] = {TAG('c', 'm', 'a', 'p'), TAG('h', 'e', 'a', 'd'), TAG('m', 'a', 'x', 'p'),
                                  TAG('h', 'h', 'e', 'a'), TAG('h', 'm', 't', 'x'), TAG('O', 'S', '/', '2')};
  for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
    if (tags[i] == tag) return true;
  return false;
}

hb_face_t *glyf_sparse_face(const char *path, const unsigned char *m, size_t mlen, hb_set_t *keep,
                            const hb_set_t *drop) {
  table t[64];
  size_t n = tables_of(m, mlen, t, 64);
  const table *glyf = find(t, n, TAG('g', 'l', 'y', 'f')), *loca = find(t, n, TAG('l', 'o', 'c', 'a'));
  const table *head = find(t, n, TAG('h', 'e', 'a', 'd')), *maxp = find(t, n, TAG('m', 'a', 'x', 'p'));
  if (!glyf || !loca || !head || !maxp || head->len < 54 || maxp->len < 6) return NULL;
  if (read_be16(m + head->off + 50) != 1) return NULL; /* indexToLocFormat: long offsets only */
  unsigned nglyphs = read_be16(m + maxp->off + 4);
  size_t loca_len = 4 * ((size_t)nglyphs + 1);
  if (loca->len < loca_len) return NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  unsigned char *old_loca = malloc(loca_len);
  hb_set_t *all = keep;
  font_buf b = {0};
  size_t dir_len = PAD4(12 + 16 * n), at = dir_len, loca_at = 0;
  int bad = !old_loca || read_at(fd, old_loca, loca_len, loca->off) != 0;
  /* the directory and every table but glyf, which goes last */
  size_t before_glyf = dir_len;
  for (size_t i = 0; i < n; i++)
    if (t[i].tag != glyf->tag) before_glyf += PAD4(t[i].tag == loca->tag ? loca_len : t[i].len);
  if (!bad) {
    b.cap = before_glyf + (1u << 16);
    b.data = malloc(b.cap);
    bad = !b.data;
  }
  if (!bad) memcpy(b.data, m, 12 + 16 * n), memset(b.data + 12 + 16 * n, 0, dir_len - (12 + 16 * n));
  for (size_t i = 0; i < n && !bad; i++) {
    if (t[i].tag == glyf->tag) continue;
    size_t len = t[i].len;
    if (t[i].tag == loca->tag) {
      len = loca_len, loca_at = at;
    } else if (hb_set_has(drop, t[i].tag) && !always_read(t[i].tag)) {
      len = 0; /* dropped from the subset, not read by hb-subset */
    } else {
      bad = read_at(fd, b.data + at, len, t[i].off) != 0;
    }
    memset(b.data + at + len, 0, PAD4(len) - len);
    store32(b.data + 12 + 16 * i + 8, (uint32_t)(len ? at : 0));
    store32(b.data + 12 + 16 * i + 12, (uint32_t)len);
    at += PAD4(len);
  }
  b.glyf_at = at;
  size_t glyf_len = 0;
  int r = bad ? -1 : 1;
  /* r == 1: a composite glyph's part was met after the glyph's place */
  for (int round = 0; round < 4 && r == 1; round++) r = read_glyphs(fd, glyf, old_loca, nglyphs, all, &b, loca_at, &glyf_len);
  free(old_loca);
  close(fd);
  if (r != 0 || !hb_set_allocation_successful(all)) {
    free(b.data);
    return NULL;
  }
  memset(b.data + at + glyf_len, 0, PAD4(glyf_len) - glyf_len);
  for (size_t i = 0; i < n; i++)
    if (t[i].tag == glyf->tag) {
      store32(b.data + 12 + 16 * i + 8, (uint32_t)at);
      store32(b.data + 12 + 16 * i + 12, (uint32_t)glyf_len);
    }
  hb_blob_t *blob = hb_blob_create_or_fail((const char *)b.data, (unsigned)(at + PAD4(glyf_len)), HB_MEMORY_MODE_READONLY,
                                           b.data, free);
  if (!blob) {
    free(b.data);
    return NULL;
  }
  hb_face_t *face = hb_face_create(blob, 0);
  hb_blob_destroy(blob);
  return face;
}
