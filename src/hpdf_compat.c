/* Everything of brief that needs libharu's private headers (its structs),
 * in one file, so a libharu upgrade touches only this place. pdf.c uses
 * libharu's public calls and these. Each function says which limit of
 * libharu 2.3 it works around. */
#include "hpdf_compat.h"

#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

/* libharu has no call for marked content (/ActualText spans): the
 * operators go straight into the page's content stream. */
void hpdf_page_write_raw(HPDF_Page page, const char *s) {
  HPDF_Stream_WriteStr(((HPDF_PageAttr)page->attr)->stream, s);
}

bool hpdf_page_write_bytes(HPDF_Page page, const void *data, size_t len) {
  return HPDF_Stream_Write(((HPDF_PageAttr)page->attr)->stream, data, (HPDF_UINT)len) == HPDF_OK;
}

/* libharu builds each CID font's /CIDToGIDMap by looking up all 65,536
 * code points in the font's cmap with a linear scan over its segments. A
 * subset of scattered hanzi has hundreds of segments, so that scan was 40%
 * of a brief's instructions. This definition takes the place of libharu's
 * exported function (the dynamic linker binds the library's calls to the
 * executable's symbol) and finds the segment by binary search, following
 * the OpenType cmap format 4 rules. Without the interposition the output is
 * the same, only slower. */
HPDF_UINT16 HPDF_TTFontDef_GetGlyphid(HPDF_FontDef fontdef, HPDF_UINT16 unicode) {
  const HPDF_TTF_CmapRange *cmap = &((HPDF_TTFontDefAttr)fontdef->attr)->cmap;
  if (cmap->format == 0) return cmap->glyph_id_array[unicode & 0xFF];
  size_t segs = cmap->seg_count_x2 / 2, lo = 0, hi = segs;
  /* libharu asks for every code point in ascending order: start from the
   * segment of the previous answer (a per-thread memo, so threads that each
   * write their own PDF do not share it). */
  static _Thread_local struct { HPDF_FontDef font; HPDF_UINT16 code; size_t seg; } last;
  if (last.font == fontdef && last.code <= unicode && last.seg < segs) {
    lo = last.seg;
    if (cmap->end_count[lo] >= unicode) hi = lo;
    else if (lo + 1 < segs && cmap->end_count[lo + 1] >= unicode) lo = hi = lo + 1; /* the next segment */
  }
  while (lo < hi) { /* the first segment ending at or after unicode */
    size_t mid = (lo + hi) / 2;
    if (cmap->end_count[mid] < unicode) lo = mid + 1;
    else hi = mid;
  }
  last.font = fontdef, last.code = unicode, last.seg = lo;
  if (lo == segs || cmap->start_count[lo] > unicode) return 0;
  if (cmap->id_range_offset[lo] == 0) return (HPDF_UINT16)(unicode + cmap->id_delta[lo]);
  size_t idx = cmap->id_range_offset[lo] / 2 + (unicode - cmap->start_count[lo]) - (segs - lo);
  if (idx >= cmap->glyph_id_array_count || cmap->glyph_id_array[idx] == 0) return 0;
  return (HPDF_UINT16)(cmap->glyph_id_array[idx] + cmap->id_delta[lo]);
}

/* libharu 2.3 writes a copy of its Identity-H encoding CMap as the font's
 * /ToUnicode: pdf.c builds the real one, which replaces it in place (no
 * orphaned object), less the keys of an encoding CMap. */
bool hpdf_has_to_unicode(HPDF_Font font) {
  HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
  return tu && tu->stream;
}

void hpdf_set_to_unicode(HPDF_Font font, const char *cmap) {
  HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
  if (!tu || !tu->stream) return;
  const char *encoding_keys[] = {"Type", "CMapName", "CIDSystemInfo", "WMode"};
  for (size_t i = 0; i < 4; i++) HPDF_Dict_RemoveElement(tu, encoding_keys[i]);
  HPDF_MemStream_FreeData(tu->stream);
  HPDF_Stream_WriteStr(tu->stream, cmap);
  tu->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
}

/* libharu's text strings go through its encoders (no characters beyond the
 * BMP, none after a zero byte): a binary string is written as hex. */
void hpdf_dict_add_binary(HPDF_Dict dict, const char *key, const void *data, size_t len) {
  HPDF_Binary bin = HPDF_Binary_New(dict->mmgr, (HPDF_BYTE *)data, (HPDF_UINT)len);
  if (bin) HPDF_Dict_Add(dict, key, bin);
}

/* Numbered copies share content streams (ISO 32000-1 7.7.3.3: /Contents may
 * be an array); libharu gives every page exactly one stream of its own. */
HPDF_Dict hpdf_page_contents(HPDF_Page page) { return ((HPDF_PageAttr)page->attr)->contents; }

void hpdf_page_show_contents(HPDF_Page page, HPDF_Dict contents) { HPDF_Dict_Add(page, "Contents", contents); }

/* A second content stream for page, which drawing now goes to. */
HPDF_Dict hpdf_page_add_stream(HPDF_Page page, HPDF_Dict first) {
  HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
  HPDF_Dict own = HPDF_DictStream_New(page->mmgr, attr->xref);
  HPDF_Array both = HPDF_Array_New(page->mmgr);
  if (!own || !both) return NULL;
  own->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
  HPDF_Array_Add(both, first);
  HPDF_Array_Add(both, own);
  HPDF_Dict_Add(page, "Contents", both);
  attr->contents = own;
  attr->stream = own->stream;
  return own;
}

/* Whether page names its fonts and images as first does (same names for
 * the same objects), so first's content stream draws the same on page. */
bool hpdf_same_resource_names(HPDF_Page page, HPDF_Page first) {
  HPDF_PageAttr a = (HPDF_PageAttr)page->attr, b = (HPDF_PageAttr)first->attr;
  HPDF_Dict dicts[2][2] = {{a->fonts, b->fonts}, {a->xobjects, b->xobjects}};
  for (int d = 0; d < 2; d++) {
    HPDF_Dict mine = dicts[d][0], theirs = dicts[d][1];
    if (!mine || !theirs) {
      if (mine != theirs) return false;
      continue;
    }
    for (HPDF_UINT i = 0; i < theirs->list->count; i++) {
      HPDF_DictElement e = HPDF_List_ItemAt(theirs->list, i);
      HPDF_Obj_Header *h = e->value;
      void *obj = h->obj_class == HPDF_OCLASS_PROXY ? ((HPDF_Proxy)e->value)->obj : e->value;
      const char *key = HPDF_Dict_GetKeyByObj(mine, obj);
      if (!key || strcmp(key, e->key) != 0) return false;
    }
  }
  return true;
}

HPDF_Dict hpdf_doc_info(HPDF_Doc pdf) { return pdf->info; }

const char *hpdf_page_register_font(HPDF_Page page, HPDF_Font font) { return HPDF_Page_GetLocalFontName(page, font); }

const char *hpdf_page_register_image(HPDF_Page page, HPDF_Image image) { return HPDF_Page_GetXObjectName(page, image); }

const HPDF_STATUS hpdf_err_invalid_image = HPDF_INVALID_IMAGE;

bool hpdf_is_end_of_stream(HPDF_STATUS st) { return st == HPDF_STREAM_EOF; }

/* ---- booklet pages (batch --booklet) ----------------------------------- */

/* The bytes of a memory stream in one buffer (NULL when it is empty). */
static unsigned char *stream_bytes(HPDF_Stream src, size_t *len) {
  *len = src->size;
  if (*len == 0) return NULL;
  unsigned char *buf = malloc(*len);
  if (!buf) return NULL;
  size_t at = 0;
  HPDF_UINT count = HPDF_MemStream_GetBufCount(src);
  for (HPDF_UINT i = 0; i < count && at < *len; i++) {
    HPDF_UINT n = 0;
    HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(src, i, &n);
    if (!p) break;
    if (n > *len - at) n = (HPDF_UINT)(*len - at);
    memcpy(buf + at, p, n);
    at += n;
  }
  *len = at;
  return buf;
}

unsigned char *hpdf_page_stream_bytes(HPDF_Page page, size_t *len) {
  return stream_bytes(((HPDF_PageAttr)page->attr)->stream, len);
}

/* The font or image a resource dictionary entry names. */
static void *resource_object(HPDF_DictElement e) {
  HPDF_Obj_Header *h = e->value;
  return h->obj_class == HPDF_OCLASS_PROXY ? ((HPDF_Proxy)e->value)->obj : e->value;
}

size_t hpdf_page_resources(HPDF_Page page, bool images, const void ***objs) {
  HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
  HPDF_Dict d = images ? attr->xobjects : attr->fonts;
  size_t n = d ? d->list->count : 0;
  *objs = calloc(n + 1, sizeof **objs);
  if (!*objs) return 0;
  for (size_t i = 0; i < n; i++) (*objs)[i] = resource_object(HPDF_List_ItemAt(d->list, (HPDF_UINT)i));
  return n;
}

/* libharu embeds only the glyphs of the text drawn through it (its glyph
 * table flags); a booklet's bodies come as finished content streams. */
void hpdf_font_use_all_glyphs(HPDF_Font font) {
  HPDF_FontDef def = ((HPDF_FontAttr)font->attr)->fontdef;
  if (!def || def->type != HPDF_FONTDEF_TYPE_TRUETYPE) return;
  HPDF_TTFontDefAttr a = (HPDF_TTFontDefAttr)def->attr;
  if (a->glyph_tbl.flgs) memset(a->glyph_tbl.flgs, 1, a->num_glyphs);
}

/* ---- libharu's slow helpers replaced ------------------------------------
 * Faster versions of three of libharu 2.3's own functions. Like
 * HPDF_TTFontDef_GetGlyphid above, each takes the place of the library's
 * exported function (the dynamic linker binds libharu's calls through its
 * PLT to the executable's definition) and gives the same result:
 *
 * - HPDF_MemCpy and HPDF_MemSet are byte-at-a-time loops in libharu; it
 *   copies every font program through them (a tenth of a brief's
 *   instructions before this). Here they are memcpy and memset.
 * - HPDF_Stream_WriteToStream compresses a stream with zlib's deflate in
 *   4 KB pieces: a third of a brief's instructions. Here a memory stream
 *   (every stream libharu writes: pages, fonts, CMaps) is compressed in one
 *   call to libdeflate (pdf_deflate, deflate.c), which makes the same
 *   format (RFC 1950 zlib) about three times faster and a little smaller at
 *   the same level. Other cases (encryption, file streams) go to libharu's
 *   own function.
 *
 * A memory stream whose bytes start with PDF_PRECOMPRESSED (pdf.h) holds
 * data that is already compressed (a booklet page's body, compressed by the
 * worker that rendered the brief): the rest is written as it is. */

HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n) {
  if (n > 16) memcpy(out, in, n);
  else /* mostly 2 and 4 bytes (CIDToGIDMap entries, font table fields): no call */
    for (HPDF_UINT i = 0; i < n; i++) out[i] = in[i];
  return out + n;
}

void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n) {
  if (n) memset(s, c, n);
  return (HPDF_BYTE *)s + n;
}

typedef HPDF_STATUS (*write_to_stream_fn)(HPDF_Stream, HPDF_Stream, HPDF_UINT, HPDF_Encrypt);

static HPDF_STATUS libharu_write_to_stream(HPDF_Stream src, HPDF_Stream dst, HPDF_UINT filter, HPDF_Encrypt e) {
  write_to_stream_fn next = (write_to_stream_fn)dlsym(RTLD_NEXT, "HPDF_Stream_WriteToStream");
  return next ? next(src, dst, filter, e) : HPDF_FAILD_TO_ALLOC_MEM;
}

HPDF_STATUS HPDF_Stream_WriteToStream(HPDF_Stream src, HPDF_Stream dst, HPDF_UINT filter, HPDF_Encrypt e) {
  if (e || src->type != HPDF_STREAM_MEMORY || src->size == 0) return libharu_write_to_stream(src, dst, filter, e);
  size_t len;
  unsigned char *buf = stream_bytes(src, &len);
  if (!buf) return libharu_write_to_stream(src, dst, filter, e);
  HPDF_STATUS rc;
  size_t magic = sizeof PDF_PRECOMPRESSED - 1;
  if (len >= magic && memcmp(buf, PDF_PRECOMPRESSED, magic) == 0) {
    rc = HPDF_Stream_Write(dst, buf + magic, (HPDF_UINT)(len - magic));
  } else if (filter & HPDF_STREAM_FILTER_FLATE_DECODE) {
    unsigned char *z = NULL;
    size_t n = pdf_deflate(buf, len, &z);
    rc = n ? HPDF_Stream_Write(dst, z, (HPDF_UINT)n) : libharu_write_to_stream(src, dst, filter, e);
    free(z);
  } else {
    rc = HPDF_Stream_Write(dst, buf, (HPDF_UINT)len);
  }
  free(buf);
  return rc;
}
