#include "pdf_font.h"

#include <hpdf_conf.h>
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_objects.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"
#include "util.h"

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
