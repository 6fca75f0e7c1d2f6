/* Everything of brief that needs libharu's private headers (its structs),
 * in one file, so a libharu upgrade touches only this place. pdf.c uses
 * libharu's public calls and these. Each function says which limit of
 * libharu 2.3 it works around. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include "hpdf_compat.h"

#include <dlfcn.h>
#include <hpdf.h>
#include <hpdf_conf.h>
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"
#include "util.h"

/* libharu has no call for marked content (/ActualText spans): the
 * operators go straight into the page's content stream. */
void hpdf_page_write_raw(HPDF_Page page, const char *s) {
  HPDF_Stream_WriteStr(((HPDF_PageAttr)page->attr)->stream, s);
}

bool hpdf_page_write_bytes(HPDF_Page page, const void *data, size_t len) {
  return HPDF_Stream_Write(((HPDF_PageAttr)page->attr)->stream, data, (HPDF_UINT)len) == HPDF_OK;
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

/* ---- fonts as objects of our own (pdf_font_new) ----------------------- */

/* The fonts of a PDF as objects of our own making: a Type 0 font over a
 * CIDFontType2 whose program is the HarfBuzz subset as it is, shown with
 * Unicode codes (CID = the character's code point, or its Private Use
 * code), /CIDToGIDMap giving each code's glyph, /W the widths of exactly
 * the codes used. Part of the PDF stage (pdf.c calls it); libharu's own
 * TrueType loader would parse the subset again, build a 65,536-entry map
 * and a width list over it and write the program out once more. */

/* What libharu's text operators read of a font (the base), and the widths
 * they measure text with. */
typedef struct {
  HPDF_FontAttr_Rec base;
  uint16_t *codes, *widths;
  size_t n;
} font_attr;

static unsigned width_of(const font_attr *a, uint32_t code) {
  size_t lo = 0, hi = a->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (a->codes[mid] < code) lo = mid + 1;
    else hi = mid;
  }
  return lo < a->n && a->codes[lo] == code ? a->widths[lo] : 1000;
}

/* The width of UTF-8 text in thousandths of the font size, as libharu's
 * HPDF_Page_ShowText asks it to advance its text position. */
static HPDF_TextWidth text_width(HPDF_Font font, const HPDF_BYTE *text, HPDF_UINT len) {
  const font_attr *a = font->attr;
  HPDF_TextWidth tw = {0, 0, 0, 0};
  for (HPDF_UINT i = 0; i < len;) {
    uint32_t cp = text[i];
    HPDF_UINT k = cp < 0x80 ? 1 : cp < 0xE0 ? 2 : cp < 0xF0 ? 3 : 4;
    if (k > 1) cp &= 0x3Fu >> (k - 1);
    for (HPDF_UINT j = 1; j < k && i + j < len; j++) cp = cp << 6 | (text[i + j] & 0x3Fu);
    i += k;
    tw.numchars++;
    if (cp == ' ') tw.numspace++;
    tw.width += width_of(a, cp);
  }
  return tw;
}

static void free_attr(HPDF_Dict obj) {
  font_attr *a = obj->attr;
  if (!a) return;
  free(a->codes);
  free(a->widths);
  HPDF_FreeMem(obj->mmgr, a);
  obj->attr = NULL;
}

static HPDF_STATUS add_stream(HPDF_Dict dict, const char *key, HPDF_Xref xref, HPDF_Dict *out) {
  *out = HPDF_DictStream_New(dict->mmgr, xref);
  if (!*out) return HPDF_FAILD_TO_ALLOC_MEM;
  (*out)->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
  return HPDF_Dict_Add(dict, key, *out);
}

/* /W: runs of consecutive codes whose width is not the default em. */
static HPDF_STATUS add_widths(HPDF_Dict cid, const pdf_font_spec *s) {
  HPDF_Array w = HPDF_Array_New(cid->mmgr);
  if (!w) return HPDF_FAILD_TO_ALLOC_MEM;
  HPDF_STATUS ret = HPDF_Dict_Add(cid, "W", w);
  HPDF_Array run = NULL;
  for (size_t i = 0; i < s->nglyphs && ret == HPDF_OK; i++) {
    if (s->widths[i] == 1000) {
      run = NULL;
      continue;
    }
    if (!run || s->glyphs[i].code != s->glyphs[i - 1].code + 1) {
      run = HPDF_Array_New(cid->mmgr);
      if (!run) return HPDF_FAILD_TO_ALLOC_MEM;
      ret |= HPDF_Array_AddNumber(w, s->glyphs[i].code);
      ret |= HPDF_Array_Add(w, run);
    }
    ret |= HPDF_Array_AddNumber(run, s->widths[i]);
  }
  return ret;
}

/* /CIDToGIDMap: two bytes per code up to the largest, the glyph's number
 * big-endian (ISO 32000-1 table 117). Mostly zeros: compressed at the
 * fastest level, which makes them as small as level 6 does. */
static HPDF_STATUS add_gid_map(HPDF_Dict cid, const pdf_font_spec *s, HPDF_Xref xref) {
  HPDF_Dict map;
  HPDF_STATUS ret = add_stream(cid, "CIDToGIDMap", xref, &map);
  if (ret != HPDF_OK) return ret;
  size_t n = s->nglyphs ? (size_t)s->glyphs[s->nglyphs - 1].code + 1 : 1;
  unsigned char *bytes = xcalloc(n, 2);
  for (size_t i = 0; i < s->nglyphs; i++) {
    bytes[2 * s->glyphs[i].code] = (unsigned char)(s->glyphs[i].gid >> 8);
    bytes[2 * s->glyphs[i].code + 1] = (unsigned char)s->glyphs[i].gid;
  }
  unsigned char *z = NULL;
  size_t zn = pdf_deflate_at(bytes, 2 * n, 1, &z);
  free(bytes);
  if (!zn) {
    free(z);
    return HPDF_FAILD_TO_ALLOC_MEM;
  }
  ret = HPDF_Stream_Write(map->stream, (const HPDF_BYTE *)PDF_PRECOMPRESSED, sizeof PDF_PRECOMPRESSED - 1);
  if (ret == HPDF_OK) ret = HPDF_Stream_Write(map->stream, z, (HPDF_UINT)zn);
  free(z);
  return ret;
}

/* ISO 32000-1 9.8: flags 4 (symbolic: glyphs outside the Latin standard
 * set), StemV estimated from the weight class as PDF producers commonly do. */
static HPDF_Dict descriptor(HPDF_Doc pdf, const pdf_font_spec *s) {
  const font_metrics *m = s->metrics;
  HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
  if (!d || HPDF_Xref_Add(pdf->xref, d) != HPDF_OK) return NULL;
  HPDF_STATUS ret = HPDF_Dict_AddName(d, "Type", "FontDescriptor");
  ret |= HPDF_Dict_AddName(d, "FontName", s->name);
  ret |= HPDF_Dict_AddNumber(d, "Flags", 4);
  HPDF_Array box = HPDF_Array_New(pdf->mmgr);
  if (!box) return NULL;
  ret |= HPDF_Dict_Add(d, "FontBBox", box);
  for (int i = 0; i < 4; i++) ret |= HPDF_Array_AddNumber(box, m->bbox[i]);
  ret |= HPDF_Dict_AddNumber(d, "ItalicAngle", m->italic_angle);
  ret |= HPDF_Dict_AddNumber(d, "Ascent", m->ascent);
  ret |= HPDF_Dict_AddNumber(d, "Descent", m->descent);
  ret |= HPDF_Dict_AddNumber(d, "CapHeight", m->cap_height);
  ret |= HPDF_Dict_AddNumber(d, "StemV", 50 + (m->weight / 65) * (m->weight / 65));
  HPDF_Dict program;
  ret |= add_stream(d, "FontFile2", pdf->xref, &program);
  if (ret != HPDF_OK) return NULL;
  ret |= HPDF_Dict_AddNumber(program, "Length1", (HPDF_INT32)s->program_len);
  ret |= HPDF_Stream_Write(program->stream, s->program, (HPDF_UINT)s->program_len);
  return ret == HPDF_OK ? d : NULL;
}

static HPDF_Dict cid_font(HPDF_Doc pdf, const pdf_font_spec *s) {
  HPDF_Dict cid = HPDF_Dict_New(pdf->mmgr);
  if (!cid || HPDF_Xref_Add(pdf->xref, cid) != HPDF_OK) return NULL;
  HPDF_STATUS ret = HPDF_Dict_AddName(cid, "Type", "Font");
  ret |= HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2");
  ret |= HPDF_Dict_AddName(cid, "BaseFont", s->name);
  HPDF_Dict info = HPDF_Dict_New(pdf->mmgr);
  if (!info) return NULL;
  ret |= HPDF_Dict_Add(cid, "CIDSystemInfo", info);
  ret |= HPDF_Dict_Add(info, "Registry", HPDF_String_New(pdf->mmgr, "Adobe", NULL));
  ret |= HPDF_Dict_Add(info, "Ordering", HPDF_String_New(pdf->mmgr, "Identity", NULL));
  ret |= HPDF_Dict_AddNumber(info, "Supplement", 0);
  HPDF_Dict d = descriptor(pdf, s);
  if (!d) return NULL;
  ret |= HPDF_Dict_Add(cid, "FontDescriptor", d);
  ret |= HPDF_Dict_AddNumber(cid, "DW", 1000);
  if (ret == HPDF_OK) ret = add_widths(cid, s);
  if (ret == HPDF_OK) ret = add_gid_map(cid, s, pdf->xref);
  return ret == HPDF_OK ? cid : NULL;
}

static font_attr *new_attr(HPDF_Doc pdf, const pdf_font_spec *s) {
  font_attr *a = HPDF_GetMem(pdf->mmgr, sizeof *a);
  if (!a) return NULL;
  memset(a, 0, sizeof *a);
  a->base.type = HPDF_FONT_TYPE0_TT;
  a->base.writing_mode = HPDF_WMODE_HORIZONTAL;
  a->base.text_width_fn = text_width;
  a->base.encoder = HPDF_GetEncoder(pdf, "UTF-8");
  a->base.xref = pdf->xref;
  a->n = s->nglyphs;
  a->codes = xcalloc(s->nglyphs + 1, sizeof *a->codes);
  a->widths = xcalloc(s->nglyphs + 1, sizeof *a->widths);
  for (size_t i = 0; i < s->nglyphs; i++) a->codes[i] = s->glyphs[i].code, a->widths[i] = s->widths[i];
  return a;
}

HPDF_Font pdf_font_new(HPDF_Doc pdf, const pdf_font_spec *s) {
  HPDF_Dict font = HPDF_Dict_New(pdf->mmgr);
  if (!font || HPDF_Xref_Add(pdf->xref, font) != HPDF_OK) return NULL; /* the xref frees what it was given */
  font_attr *a = new_attr(pdf, s);
  if (!a) return NULL;
  font->header.obj_class |= HPDF_OSUBCLASS_FONT;
  font->attr = a;
  font->free_fn = free_attr;
  if (!a->base.encoder) return NULL;
  HPDF_STATUS ret = HPDF_Dict_AddName(font, "Type", "Font");
  ret |= HPDF_Dict_AddName(font, "Subtype", "Type0");
  ret |= HPDF_Dict_AddName(font, "BaseFont", s->name);
  ret |= HPDF_Dict_AddName(font, "Encoding", "Identity-H");
  HPDF_Dict cid = ret == HPDF_OK ? cid_font(pdf, s) : NULL;
  HPDF_Array descendants = cid ? HPDF_Array_New(pdf->mmgr) : NULL;
  if (!descendants) return NULL;
  ret |= HPDF_Dict_Add(font, "DescendantFonts", descendants);
  ret |= HPDF_Array_Add(descendants, cid);
  a->base.descendant_font = cid;
  HPDF_Dict tu;
  ret |= add_stream(font, "ToUnicode", pdf->xref, &tu);
  if (ret == HPDF_OK) ret = HPDF_Stream_WriteStr(tu->stream, s->to_unicode);
  return ret == HPDF_OK ? font : NULL;
}

/* ---- libharu's slow helpers replaced ------------------------------------
 * Faster versions of three of libharu 2.3's own functions. Each takes the place of the library's
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
