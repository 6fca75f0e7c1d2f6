/* A PDF shows a CIDFontType0 font (a CID-keyed CFF program, /FontFile3
 * /CIDFontType0C) by CID: the content stream's codes pass through
 * Identity-H unchanged and the CFF's charset says which glyph has that CID
 * (ISO 32000-1 9.7.4.2; there is no /CIDToGIDMap for CFF). brief's codes
 * are the characters' own (Unicode, or a Private Use code for a glyph the
 * cmap does not reach), as for TrueType: so the subset's charset is
 * rewritten to give each glyph its code as CID, and /W, /ToUnicode, the
 * content streams and the booklet stay as they are.
 *
 * The CFF (Adobe Technical Note #5176) is edited, not rebuilt: hb-subset
 * writes the Top DICT's offsets as 5-byte integers (operator 29), so a new
 * charset (and, for a glyph two codes show, a new CharStrings INDEX and
 * FDSelect with copies) is put at the end and the offsets patched. A
 * format 0 charset, as hb-subset writes for scattered CIDs, has the same
 * size whatever the CIDs and is rewritten in place. */
#include "cff_cids.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }

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
  ix->count = be16(c + off);
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
  long charset, charstrings, fdselect, cid_count;
  size_t charset_at, charstrings_at, fdselect_at, cid_count_at;
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
      operand = (int16_t)be16(c + i + 1), i += 3;
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
} cff_font;

static bool parse(const unsigned char *c, size_t len, cff_font *f) {
  if (len < 4 || c[0] != 1 || c[2] < 4 || c[2] > len) return false;
  cff_index names, tops;
  if (!read_index(c, len, c[2], &names) || !read_index(c, len, names.end, &tops) || tops.count < 1) return false;
  size_t at, n;
  if (!index_item(c, &tops, 0, &at, &n) || !read_top_dict(c, at, at + n, &f->top)) return false;
  const top_dict *t = &f->top;
  if (!t->cid_keyed || t->charset <= 0 || t->charstrings <= 0 || t->fdselect <= 0) return false;
  if ((size_t)t->charset >= len || (size_t)t->fdselect >= len) return false;
  return read_index(c, len, (size_t)t->charstrings, &f->charstrings) && f->charstrings.count > 0;
}

/* The charset's CIDs, by glyph (glyph 0 is CID 0). */
static bool read_charset(const unsigned char *c, size_t len, size_t off, unsigned n, uint16_t *cid) {
  cid[0] = 0;
  unsigned format = c[off], g = 1;
  size_t at = off + 1;
  if (format == 0) {
    if (len - at < 2 * (size_t)(n - 1)) return false;
    for (; g < n; g++, at += 2) cid[g] = (uint16_t)be16(c + at);
    return true;
  }
  if (format != 1 && format != 2) return false;
  size_t range = format == 1 ? 3 : 4;
  while (g < n) {
    if (len - at < range) return false;
    unsigned first = be16(c + at), left = format == 1 ? c[at + 2] : be16(c + at + 2);
    for (unsigned k = 0; k <= left && g < n; k++) cid[g++] = (uint16_t)(first + k);
    at += range;
  }
  return true;
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
  unsigned ranges = be16(c + off + 1);
  if ((len - off - 3) / 3 < ranges + 1) return false;
  const unsigned char *r = c + off + 3;
  for (unsigned i = 0; i < ranges; i++) {
    unsigned first = be16(r + 3 * i), next = be16(r + 3 * i + 3);
    for (unsigned g = first; g < next && g < n; g++) fd[g] = r[3 * i + 2];
  }
  return true;
}

bool cff_is_cid_keyed(const unsigned char *cff, size_t len) {
  cff_font f;
  return parse(cff, len, &f);
}

uint16_t *cff_charset(const unsigned char *cff, size_t len, size_t *nglyphs) {
  cff_font f;
  if (!parse(cff, len, &f)) return NULL;
  uint16_t *cid = calloc(f.charstrings.count, sizeof *cid);
  if (!cid) return NULL;
  if (!read_charset(cff, len, (size_t)f.top.charset, f.charstrings.count, cid)) {
    free(cid);
    return NULL;
  }
  *nglyphs = f.charstrings.count;
  return cid;
}

/* The new CID of every glyph (old glyphs, then the copies), from map; the
 * glyphs map does not name keep their own CID when it is free, else take
 * a free one. copy_of[k]: the old glyph copy k is made of. */
static bool assign_cids(const uint16_t *old, unsigned n, const cff_cid *map, size_t nmap, uint16_t *cid,
                        uint16_t *copy_of, unsigned *ncopies) {
  unsigned char *used = calloc(65536 / 8, 1);
  bool *named = calloc(n, sizeof *named);
  bool ok = used && named;
  *ncopies = 0;
  for (size_t i = 0; ok && i < nmap; i++) {
    unsigned g = map[i].gid, c = map[i].cid;
    if (g >= n || c == 0 || (used[c >> 3] & (1u << (c & 7)))) {
      ok = false;
      break;
    }
    used[c >> 3] |= (unsigned char)(1u << (c & 7));
    if (!named[g]) {
      named[g] = true, cid[g] = (uint16_t)c;
    } else {
      cid[n + *ncopies] = (uint16_t)c, copy_of[(*ncopies)++] = (uint16_t)g;
    }
  }
  unsigned free_cid = 65535;
  cid[0] = 0;
  for (unsigned g = 1; ok && g < n; g++) {
    if (named[g]) continue;
    unsigned c = old[g];
    if (c == 0 || (used[c >> 3] & (1u << (c & 7)))) {
      while (free_cid > 0 && (used[free_cid >> 3] & (1u << (free_cid & 7)))) free_cid--;
      if (free_cid == 0) ok = false;
      c = free_cid;
    }
    used[c >> 3] |= (unsigned char)(1u << (c & 7));
    cid[g] = (uint16_t)c;
  }
  free(used);
  free(named);
  return ok;
}

unsigned char *cff_with_cids(const unsigned char *cff, size_t len, const cff_cid *map, size_t nmap, size_t *out_len) {
  cff_font f;
  if (!parse(cff, len, &f)) return NULL;
  const top_dict *t = &f.top;
  unsigned n = f.charstrings.count;
  uint16_t *old = calloc(n, sizeof *old), *cid = calloc((size_t)n + nmap, sizeof *cid);
  uint16_t *copy_of = calloc(nmap + 1, sizeof *copy_of);
  unsigned char *out = NULL, *fd = NULL;
  unsigned copies = 0;
  bool ok = old && cid && copy_of && read_charset(cff, len, (size_t)t->charset, n, old) &&
            assign_cids(old, n, map, nmap, cid, copy_of, &copies);
  unsigned total = n + copies, max_cid = 0;
  for (unsigned g = 0; ok && g < total; g++) max_cid = cid[g] > max_cid ? cid[g] : max_cid;
  /* CIDCount: the CIDs must be below it (5176, table 10) */
  bool count_patch = ok && (long)max_cid >= t->cid_count;
  if (count_patch && !t->cid_count_at) ok = false;
  bool in_place = ok && copies == 0 && cff[t->charset] == 0;
  if (ok && !in_place && (!t->charset_at || (copies && (!t->charstrings_at || !t->fdselect_at)))) ok = false;
  /* The charstrings and their font DICTs, with the copies. */
  size_t cs_bytes = 0;
  if (ok && copies) {
    fd = calloc(total, 1);
    ok = fd && read_fdselect(cff, len, (size_t)t->fdselect, n, fd);
    for (unsigned k = 0; ok && k < copies; k++) fd[n + k] = fd[copy_of[k]];
    cs_bytes = f.charstrings.end - f.charstrings.data - 1;
    for (unsigned k = 0; ok && k < copies; k++) {
      size_t at, sz;
      ok = index_item(cff, &f.charstrings, copy_of[k], &at, &sz);
      cs_bytes += sz;
    }
  }
  size_t charset_len = 1 + 2 * (size_t)(total - 1);
  size_t extra = !ok || in_place ? 0 : charset_len + (copies ? (1 + (size_t)total) + 3 + 4 * ((size_t)total + 1) + cs_bytes : 0);
  if (ok) out = malloc(len + extra);
  if (out) {
    memcpy(out, cff, len);
    size_t at = in_place ? (size_t)t->charset : len;
    if (!in_place) put32(out + t->charset_at, (uint32_t)at);
    out[at] = 0; /* format 0 */
    for (unsigned g = 1; g < total; g++) put16(out + at + 1 + 2 * (size_t)(g - 1), cid[g]);
    at += charset_len;
    if (copies) {
      put32(out + t->fdselect_at, (uint32_t)at); /* FDSelect format 0 */
      out[at++] = 0;
      memcpy(out + at, fd, total);
      at += total;
      put32(out + t->charstrings_at, (uint32_t)at); /* CharStrings INDEX, 4-byte offsets */
      put16(out + at, total);
      out[at + 2] = 4;
      size_t offsets = at + 3, data = offsets + 4 * ((size_t)total + 1), pos = 1;
      for (unsigned g = 0; g < total; g++) {
        size_t from, sz;
        index_item(cff, &f.charstrings, g < n ? g : copy_of[g - n], &from, &sz);
        put32(out + offsets + 4 * (size_t)g, (uint32_t)pos);
        memcpy(out + data + pos - 1, cff + from, sz);
        pos += sz;
      }
      put32(out + offsets + 4 * (size_t)total, (uint32_t)pos);
      at = data + pos - 1;
    }
    if (count_patch) put32(out + t->cid_count_at, max_cid + 1);
    *out_len = in_place ? len : at;
  }
  free(old);
  free(cid);
  free(copy_of);
  free(fd);
  return out;
}
