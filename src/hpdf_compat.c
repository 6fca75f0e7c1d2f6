/* Everything of brief that needs libharu's private headers (its structs),
 * in one file, so a libharu upgrade touches only this place. pdf.c uses
 * libharu's public calls and these. Each function says which limit of
 * libharu 2.3 it works around. */
#include "hpdf_compat.h"

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <stddef.h>
#include <string.h>

/* libharu has no call for marked content (/ActualText spans): the
 * operators go straight into the page's content stream. */
void hpdf_page_write_raw(HPDF_Page page, const char *s) {
  HPDF_Stream_WriteStr(((HPDF_PageAttr)page->attr)->stream, s);
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

void hpdf_page_register_font(HPDF_Page page, HPDF_Font font) { HPDF_Page_GetLocalFontName(page, font); }

void hpdf_page_register_image(HPDF_Page page, HPDF_Image image) { HPDF_Page_GetXObjectName(page, image); }

bool hpdf_is_end_of_stream(HPDF_STATUS st) { return st == HPDF_STREAM_EOF; }
