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
const HPDF_STATUS hpdf_err_alloc = HPDF_FAILD_TO_ALLOC_MEM;

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

/* ---- libharu's error codes in words ------------------------------------
 * Every code of hpdf_error.h, by what the author can do about it: the
 * writer names the file (font, image, else the brief) and what it was
 * doing; this says what the code means and what to change. */

typedef enum { ERR_MEMORY, ERR_AFTER_ALLOC, ERR_FILE, ERR_IMAGE, ERR_LONG_TEXT, ERR_TOO_MANY, ERR_RANGE, ERR_DATE, ERR_FONT, ERR_LINK,
               ERR_INTERNAL } error_kind;

static const struct {
  const char *meaning, *fix;
} error_kinds[] = {
    [ERR_MEMORY] = {"out of memory", "the brief needs more memory than there is: split the summary into smaller "
                                     "briefs, or run fewer at once (--jobs)"},
    /* With the fonts, encoders and streams brief builds, libharu reports these
     * only when an allocation inside the call failed (found by failing its
     * allocations one by one): the cause is memory. */
    [ERR_AFTER_ALLOC] = {"out of memory (an allocation inside libharu failed)",
                         "the brief needs more memory than there is: split the summary into smaller briefs, or run "
                         "fewer at once (--jobs)"},
    [ERR_FILE] = {"cannot read the file", "check that it exists and is readable"},
    [ERR_IMAGE] = {"not an image libharu can read", "save it as an 8-bit PNG (RGB or greyscale) or a baseline JPEG"},
    [ERR_LONG_TEXT] = {"a text longer than libharu takes (65,535 bytes)", "shorten it: a title, heading, link or "
                                                                         "front matter field"},
    [ERR_TOO_MANY] = {"more objects than libharu puts in one PDF", "split the summary, or the batch into several "
                                                                   "booklets"},
    [ERR_RANGE] = {"a size or position outside libharu's range", "check the layout's page size, margins and type "
                                                                 "sizes"},
    [ERR_DATE] = {"a date libharu refuses", "write the front matter's date as YYYY-MM-DD (1 to 9999)"},
    [ERR_FONT] = {"a font libharu cannot embed", "give the font role another font in fonts/fontmap.yaml (a TrueType "
                                                 "font, or an OpenType font with CID-keyed CFF outlines)"},
    [ERR_LINK] = {"a link target libharu refuses", "check the link's URL"},
    [ERR_INTERNAL] = {"an error inside brief's PDF writer", "please report it with the summary attached (and "
                                                            "brief --version)"},
};

static const struct {
  HPDF_STATUS code;
  const char *name;
  error_kind kind;
} error_codes[] = {
    {HPDF_ARRAY_COUNT_ERR, "HPDF_ARRAY_COUNT_ERR", ERR_TOO_MANY},
    {HPDF_ARRAY_ITEM_NOT_FOUND, "HPDF_ARRAY_ITEM_NOT_FOUND", ERR_INTERNAL},
    {HPDF_ARRAY_ITEM_UNEXPECTED_TYPE, "HPDF_ARRAY_ITEM_UNEXPECTED_TYPE", ERR_INTERNAL},
    {HPDF_BINARY_LENGTH_ERR, "HPDF_BINARY_LENGTH_ERR", ERR_LONG_TEXT},
    {HPDF_CANNOT_GET_PALLET, "HPDF_CANNOT_GET_PALLET", ERR_IMAGE},
    {HPDF_DICT_COUNT_ERR, "HPDF_DICT_COUNT_ERR", ERR_TOO_MANY},
    {HPDF_DICT_ITEM_NOT_FOUND, "HPDF_DICT_ITEM_NOT_FOUND", ERR_INTERNAL},
    {HPDF_DICT_ITEM_UNEXPECTED_TYPE, "HPDF_DICT_ITEM_UNEXPECTED_TYPE", ERR_INTERNAL},
    {HPDF_DICT_STREAM_LENGTH_NOT_FOUND, "HPDF_DICT_STREAM_LENGTH_NOT_FOUND", ERR_INTERNAL},
    {HPDF_DOC_ENCRYPTDICT_NOT_FOUND, "HPDF_DOC_ENCRYPTDICT_NOT_FOUND", ERR_INTERNAL},
    {HPDF_DOC_INVALID_OBJECT, "HPDF_DOC_INVALID_OBJECT", ERR_INTERNAL},
    {HPDF_DUPLICATE_REGISTRATION, "HPDF_DUPLICATE_REGISTRATION", ERR_INTERNAL},
    {HPDF_EXCEED_JWW_CODE_NUM_LIMIT, "HPDF_EXCEED_JWW_CODE_NUM_LIMIT", ERR_INTERNAL},
    {HPDF_ENCRYPT_INVALID_PASSWORD, "HPDF_ENCRYPT_INVALID_PASSWORD", ERR_INTERNAL},
    {HPDF_ERR_UNKNOWN_CLASS, "HPDF_ERR_UNKNOWN_CLASS", ERR_INTERNAL},
    {HPDF_EXCEED_GSTATE_LIMIT, "HPDF_EXCEED_GSTATE_LIMIT", ERR_TOO_MANY},
    {HPDF_FAILD_TO_ALLOC_MEM, "HPDF_FAILD_TO_ALLOC_MEM", ERR_MEMORY},
    {HPDF_FILE_IO_ERROR, "HPDF_FILE_IO_ERROR", ERR_FILE},
    {HPDF_FILE_OPEN_ERROR, "HPDF_FILE_OPEN_ERROR", ERR_FILE},
    {HPDF_FONT_EXISTS, "HPDF_FONT_EXISTS", ERR_FONT},
    {HPDF_FONT_INVALID_WIDTHS_TABLE, "HPDF_FONT_INVALID_WIDTHS_TABLE", ERR_FONT},
    {HPDF_INVALID_AFM_HEADER, "HPDF_INVALID_AFM_HEADER", ERR_INTERNAL},
    {HPDF_INVALID_ANNOTATION, "HPDF_INVALID_ANNOTATION", ERR_INTERNAL},
    {HPDF_INVALID_BIT_PER_COMPONENT, "HPDF_INVALID_BIT_PER_COMPONENT", ERR_IMAGE},
    {HPDF_INVALID_CHAR_MATRICS_DATA, "HPDF_INVALID_CHAR_MATRICS_DATA", ERR_INTERNAL},
    {HPDF_INVALID_COLOR_SPACE, "HPDF_INVALID_COLOR_SPACE", ERR_IMAGE},
    {HPDF_INVALID_COMPRESSION_MODE, "HPDF_INVALID_COMPRESSION_MODE", ERR_INTERNAL},
    {HPDF_INVALID_DATE_TIME, "HPDF_INVALID_DATE_TIME", ERR_DATE},
    {HPDF_INVALID_DESTINATION, "HPDF_INVALID_DESTINATION", ERR_INTERNAL},
    {HPDF_INVALID_DOCUMENT, "HPDF_INVALID_DOCUMENT", ERR_AFTER_ALLOC},
    {HPDF_INVALID_DOCUMENT_STATE, "HPDF_INVALID_DOCUMENT_STATE", ERR_INTERNAL},
    {HPDF_INVALID_ENCODER, "HPDF_INVALID_ENCODER", ERR_INTERNAL},
    {HPDF_INVALID_ENCODER_TYPE, "HPDF_INVALID_ENCODER_TYPE", ERR_INTERNAL},
    {HPDF_INVALID_ENCODING_NAME, "HPDF_INVALID_ENCODING_NAME", ERR_AFTER_ALLOC},
    {HPDF_INVALID_ENCRYPT_KEY_LEN, "HPDF_INVALID_ENCRYPT_KEY_LEN", ERR_INTERNAL},
    {HPDF_INVALID_FONTDEF_DATA, "HPDF_INVALID_FONTDEF_DATA", ERR_FONT},
    {HPDF_INVALID_FONTDEF_TYPE, "HPDF_INVALID_FONTDEF_TYPE", ERR_FONT},
    {HPDF_INVALID_FONT_NAME, "HPDF_INVALID_FONT_NAME", ERR_FONT},
    {HPDF_INVALID_IMAGE, "HPDF_INVALID_IMAGE", ERR_IMAGE},
    {HPDF_INVALID_JPEG_DATA, "HPDF_INVALID_JPEG_DATA", ERR_IMAGE},
    {HPDF_INVALID_N_DATA, "HPDF_INVALID_N_DATA", ERR_INTERNAL},
    {HPDF_INVALID_OBJECT, "HPDF_INVALID_OBJECT", ERR_AFTER_ALLOC},
    {HPDF_INVALID_OBJ_ID, "HPDF_INVALID_OBJ_ID", ERR_INTERNAL},
    {HPDF_INVALID_OPERATION, "HPDF_INVALID_OPERATION", ERR_INTERNAL},
    {HPDF_INVALID_OUTLINE, "HPDF_INVALID_OUTLINE", ERR_INTERNAL},
    {HPDF_INVALID_PAGE, "HPDF_INVALID_PAGE", ERR_INTERNAL},
    {HPDF_INVALID_PAGES, "HPDF_INVALID_PAGES", ERR_INTERNAL},
    {HPDF_INVALID_PARAMETER, "HPDF_INVALID_PARAMETER", ERR_INTERNAL},
    {HPDF_INVALID_PNG_IMAGE, "HPDF_INVALID_PNG_IMAGE", ERR_IMAGE},
    {HPDF_INVALID_STREAM, "HPDF_INVALID_STREAM", ERR_AFTER_ALLOC},
    {HPDF_MISSING_FILE_NAME_ENTRY, "HPDF_MISSING_FILE_NAME_ENTRY", ERR_INTERNAL},
    {HPDF_INVALID_TTC_FILE, "HPDF_INVALID_TTC_FILE", ERR_FONT},
    {HPDF_INVALID_TTC_INDEX, "HPDF_INVALID_TTC_INDEX", ERR_FONT},
    {HPDF_INVALID_WX_DATA, "HPDF_INVALID_WX_DATA", ERR_INTERNAL},
    {HPDF_ITEM_NOT_FOUND, "HPDF_ITEM_NOT_FOUND", ERR_INTERNAL},
    {HPDF_LIBPNG_ERROR, "HPDF_LIBPNG_ERROR", ERR_IMAGE},
    {HPDF_NAME_INVALID_VALUE, "HPDF_NAME_INVALID_VALUE", ERR_INTERNAL},
    {HPDF_NAME_OUT_OF_RANGE, "HPDF_NAME_OUT_OF_RANGE", ERR_LONG_TEXT},
    {HPDF_PAGE_INVALID_PARAM_COUNT, "HPDF_PAGE_INVALID_PARAM_COUNT", ERR_INTERNAL},
    {HPDF_PAGES_MISSING_KIDS_ENTRY, "HPDF_PAGES_MISSING_KIDS_ENTRY", ERR_INTERNAL},
    {HPDF_PAGE_CANNOT_FIND_OBJECT, "HPDF_PAGE_CANNOT_FIND_OBJECT", ERR_INTERNAL},
    {HPDF_PAGE_CANNOT_GET_ROOT_PAGES, "HPDF_PAGE_CANNOT_GET_ROOT_PAGES", ERR_INTERNAL},
    {HPDF_PAGE_CANNOT_RESTORE_GSTATE, "HPDF_PAGE_CANNOT_RESTORE_GSTATE", ERR_INTERNAL},
    {HPDF_PAGE_CANNOT_SET_PARENT, "HPDF_PAGE_CANNOT_SET_PARENT", ERR_INTERNAL},
    {HPDF_PAGE_FONT_NOT_FOUND, "HPDF_PAGE_FONT_NOT_FOUND", ERR_FONT},
    {HPDF_PAGE_INVALID_FONT, "HPDF_PAGE_INVALID_FONT", ERR_AFTER_ALLOC},
    {HPDF_PAGE_INVALID_FONT_SIZE, "HPDF_PAGE_INVALID_FONT_SIZE", ERR_RANGE},
    {HPDF_PAGE_INVALID_GMODE, "HPDF_PAGE_INVALID_GMODE", ERR_INTERNAL},
    {HPDF_PAGE_INVALID_INDEX, "HPDF_PAGE_INVALID_INDEX", ERR_INTERNAL},
    {HPDF_PAGE_INVALID_ROTATE_VALUE, "HPDF_PAGE_INVALID_ROTATE_VALUE", ERR_INTERNAL},
    {HPDF_PAGE_INVALID_SIZE, "HPDF_PAGE_INVALID_SIZE", ERR_RANGE},
    {HPDF_PAGE_INVALID_XOBJECT, "HPDF_PAGE_INVALID_XOBJECT", ERR_AFTER_ALLOC},
    {HPDF_PAGE_OUT_OF_RANGE, "HPDF_PAGE_OUT_OF_RANGE", ERR_RANGE},
    {HPDF_REAL_OUT_OF_RANGE, "HPDF_REAL_OUT_OF_RANGE", ERR_RANGE},
    {HPDF_STREAM_EOF, "HPDF_STREAM_EOF", ERR_INTERNAL},
    {HPDF_STREAM_READLN_CONTINUE, "HPDF_STREAM_READLN_CONTINUE", ERR_INTERNAL},
    {HPDF_STRING_OUT_OF_RANGE, "HPDF_STRING_OUT_OF_RANGE", ERR_LONG_TEXT},
    {HPDF_THIS_FUNC_WAS_SKIPPED, "HPDF_THIS_FUNC_WAS_SKIPPED", ERR_INTERNAL},
    {HPDF_TTF_CANNOT_EMBEDDING_FONT, "HPDF_TTF_CANNOT_EMBEDDING_FONT", ERR_FONT},
    {HPDF_TTF_INVALID_CMAP, "HPDF_TTF_INVALID_CMAP", ERR_FONT},
    {HPDF_TTF_INVALID_FOMAT, "HPDF_TTF_INVALID_FOMAT", ERR_FONT},
    {HPDF_TTF_MISSING_TABLE, "HPDF_TTF_MISSING_TABLE", ERR_FONT},
    {HPDF_UNSUPPORTED_FONT_TYPE, "HPDF_UNSUPPORTED_FONT_TYPE", ERR_FONT},
    {HPDF_UNSUPPORTED_FUNC, "HPDF_UNSUPPORTED_FUNC", ERR_IMAGE},
    {HPDF_UNSUPPORTED_JPEG_FORMAT, "HPDF_UNSUPPORTED_JPEG_FORMAT", ERR_IMAGE},
    {HPDF_UNSUPPORTED_TYPE1_FONT, "HPDF_UNSUPPORTED_TYPE1_FONT", ERR_INTERNAL},
    {HPDF_XREF_COUNT_ERR, "HPDF_XREF_COUNT_ERR", ERR_TOO_MANY},
    {HPDF_ZLIB_ERROR, "HPDF_ZLIB_ERROR", ERR_MEMORY},
    {HPDF_INVALID_PAGE_INDEX, "HPDF_INVALID_PAGE_INDEX", ERR_INTERNAL},
    {HPDF_INVALID_URI, "HPDF_INVALID_URI", ERR_LINK},
    {HPDF_PAGE_LAYOUT_OUT_OF_RANGE, "HPDF_PAGE_LAYOUT_OUT_OF_RANGE", ERR_INTERNAL},
    {HPDF_PAGE_MODE_OUT_OF_RANGE, "HPDF_PAGE_MODE_OUT_OF_RANGE", ERR_INTERNAL},
    {HPDF_PAGE_NUM_STYLE_OUT_OF_RANGE, "HPDF_PAGE_NUM_STYLE_OUT_OF_RANGE", ERR_INTERNAL},
    {HPDF_ANNOT_INVALID_ICON, "HPDF_ANNOT_INVALID_ICON", ERR_INTERNAL},
    {HPDF_ANNOT_INVALID_BORDER_STYLE, "HPDF_ANNOT_INVALID_BORDER_STYLE", ERR_INTERNAL},
    {HPDF_PAGE_INVALID_DIRECTION, "HPDF_PAGE_INVALID_DIRECTION", ERR_INTERNAL},
    {HPDF_INVALID_FONT, "HPDF_INVALID_FONT", ERR_FONT},
    {HPDF_PAGE_INSUFFICIENT_SPACE, "HPDF_PAGE_INSUFFICIENT_SPACE", ERR_INTERNAL},
    {HPDF_PAGE_INVALID_DISPLAY_TIME, "HPDF_PAGE_INVALID_DISPLAY_TIME", ERR_INTERNAL},
    {HPDF_PAGE_INVALID_TRANSITION_TIME, "HPDF_PAGE_INVALID_TRANSITION_TIME", ERR_INTERNAL},
    {HPDF_INVALID_PAGE_SLIDESHOW_TYPE, "HPDF_INVALID_PAGE_SLIDESHOW_TYPE", ERR_INTERNAL},
    {HPDF_EXT_GSTATE_OUT_OF_RANGE, "HPDF_EXT_GSTATE_OUT_OF_RANGE", ERR_INTERNAL},
    {HPDF_INVALID_EXT_GSTATE, "HPDF_INVALID_EXT_GSTATE", ERR_INTERNAL},
    {HPDF_EXT_GSTATE_READ_ONLY, "HPDF_EXT_GSTATE_READ_ONLY", ERR_INTERNAL},
    {HPDF_INVALID_U3D_DATA, "HPDF_INVALID_U3D_DATA", ERR_INTERNAL},
    {HPDF_NAME_CANNOT_GET_NAMES, "HPDF_NAME_CANNOT_GET_NAMES", ERR_INTERNAL},
    {HPDF_INVALID_ICC_COMPONENT_NUM, "HPDF_INVALID_ICC_COMPONENT_NUM", ERR_IMAGE},
};

hpdf_error_info hpdf_error_explain(HPDF_STATUS code) {
  for (size_t i = 0; i < sizeof error_codes / sizeof *error_codes; i++)
    if (error_codes[i].code == code)
      return (hpdf_error_info){error_codes[i].name, error_kinds[error_codes[i].kind].meaning,
                               error_kinds[error_codes[i].kind].fix};
  return (hpdf_error_info){"an unknown code", error_kinds[ERR_INTERNAL].meaning, error_kinds[ERR_INTERNAL].fix};
}

size_t hpdf_error_codes(HPDF_STATUS *codes, size_t max) {
  size_t n = sizeof error_codes / sizeof *error_codes;
  for (size_t i = 0; i < n && i < max; i++) codes[i] = error_codes[i].code;
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

/* Each step stops at the first failure: libharu frees an object whose
 * addition failed, so going on would use it after it is freed (found by
 * failing libharu's allocations one by one, tests/e2e_hpdf_errors.py). */
#define TRY(call)                           \
  do {                                      \
    HPDF_STATUS st_ = (call);               \
    if (st_ != HPDF_OK) return st_;         \
  } while (0)
#define TRY_OBJ(call)                       \
  do {                                      \
    if ((call) != HPDF_OK) return NULL;     \
  } while (0)

/* /W: runs of consecutive codes whose width is not the default em. */
static HPDF_STATUS add_widths(HPDF_Dict cid, const pdf_font_spec *s) {
  HPDF_Array w = HPDF_Array_New(cid->mmgr);
  if (!w) return HPDF_FAILD_TO_ALLOC_MEM;
  TRY(HPDF_Dict_Add(cid, "W", w));
  HPDF_Array run = NULL;
  for (size_t i = 0; i < s->nglyphs; i++) {
    if (s->widths[i] == 1000) {
      run = NULL;
      continue;
    }
    if (!run || s->glyphs[i].code != s->glyphs[i - 1].code + 1) {
      run = HPDF_Array_New(cid->mmgr);
      if (!run) return HPDF_FAILD_TO_ALLOC_MEM;
      HPDF_STATUS st = HPDF_Array_AddNumber(w, s->glyphs[i].code);
      if (st != HPDF_OK) {
        HPDF_Array_Free(run); /* not in w yet */
        return st;
      }
      TRY(HPDF_Array_Add(w, run));
    }
    TRY(HPDF_Array_AddNumber(run, s->widths[i]));
  }
  return HPDF_OK;
}

/* A stream holding data compressed already (hpdf_compat's
 * HPDF_Stream_WriteToStream writes it as it is). */
static HPDF_STATUS add_deflated(HPDF_Dict dict, const char *key, HPDF_Xref xref, pdf_deflated data, HPDF_Dict *out) {
  TRY(add_stream(dict, key, xref, out));
  HPDF_Stream s = (*out)->stream;
  TRY(HPDF_Stream_Write(s, (const HPDF_BYTE *)PDF_PRECOMPRESSED, sizeof PDF_PRECOMPRESSED - 1));
  return HPDF_Stream_Write(s, data.z, (HPDF_UINT)data.len);
}

/* ISO 32000-1 9.8: flags 4 (symbolic: glyphs outside the Latin standard
 * set), StemV estimated from the weight class as PDF producers commonly do. */
static HPDF_Dict descriptor(HPDF_Doc pdf, const pdf_font_spec *s) {
  const font_metrics *m = s->metrics;
  HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
  if (!d || HPDF_Xref_Add(pdf->xref, d) != HPDF_OK) return NULL;
  TRY_OBJ(HPDF_Dict_AddName(d, "Type", "FontDescriptor"));
  TRY_OBJ(HPDF_Dict_AddName(d, "FontName", s->name));
  TRY_OBJ(HPDF_Dict_AddNumber(d, "Flags", 4));
  HPDF_Array box = HPDF_Array_New(pdf->mmgr);
  if (!box) return NULL;
  TRY_OBJ(HPDF_Dict_Add(d, "FontBBox", box));
  for (int i = 0; i < 4; i++) TRY_OBJ(HPDF_Array_AddNumber(box, m->bbox[i]));
  TRY_OBJ(HPDF_Dict_AddNumber(d, "ItalicAngle", m->italic_angle));
  TRY_OBJ(HPDF_Dict_AddNumber(d, "Ascent", m->ascent));
  TRY_OBJ(HPDF_Dict_AddNumber(d, "Descent", m->descent));
  TRY_OBJ(HPDF_Dict_AddNumber(d, "CapHeight", m->cap_height));
  TRY_OBJ(HPDF_Dict_AddNumber(d, "StemV", 50 + (m->weight / 65) * (m->weight / 65)));
  HPDF_Dict program;
  if (s->cff) { /* ISO 32000-1 table 126: a CIDFontType0's bare CFF program */
    TRY_OBJ(add_deflated(d, "FontFile3", pdf->xref, s->program, &program));
    TRY_OBJ(HPDF_Dict_AddName(program, "Subtype", "CIDFontType0C"));
  } else {
    TRY_OBJ(add_deflated(d, "FontFile2", pdf->xref, s->program, &program));
    TRY_OBJ(HPDF_Dict_AddNumber(program, "Length1", (HPDF_INT32)s->program_len));
  }
  return d;
}

static HPDF_Dict cid_font(HPDF_Doc pdf, const pdf_font_spec *s) {
  HPDF_Dict cid = HPDF_Dict_New(pdf->mmgr);
  if (!cid || HPDF_Xref_Add(pdf->xref, cid) != HPDF_OK) return NULL;
  TRY_OBJ(HPDF_Dict_AddName(cid, "Type", "Font"));
  TRY_OBJ(HPDF_Dict_AddName(cid, "Subtype", s->cff ? "CIDFontType0" : "CIDFontType2"));
  TRY_OBJ(HPDF_Dict_AddName(cid, "BaseFont", s->name));
  HPDF_Dict info = HPDF_Dict_New(pdf->mmgr);
  if (!info) return NULL;
  TRY_OBJ(HPDF_Dict_Add(cid, "CIDSystemInfo", info));
  TRY_OBJ(HPDF_Dict_Add(info, "Registry", HPDF_String_New(pdf->mmgr, "Adobe", NULL)));
  TRY_OBJ(HPDF_Dict_Add(info, "Ordering", HPDF_String_New(pdf->mmgr, "Identity", NULL)));
  TRY_OBJ(HPDF_Dict_AddNumber(info, "Supplement", 0));
  HPDF_Dict d = descriptor(pdf, s);
  if (!d) return NULL;
  TRY_OBJ(HPDF_Dict_Add(cid, "FontDescriptor", d));
  TRY_OBJ(HPDF_Dict_AddNumber(cid, "DW", 1000));
  TRY_OBJ(add_widths(cid, s));
  if (s->cff) return cid; /* the CFF's charset maps CIDs to glyphs (ISO 32000-1 9.7.4.2) */
  HPDF_Dict map;
  TRY_OBJ(add_deflated(cid, "CIDToGIDMap", pdf->xref, s->gid_map, &map));
  return cid;
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
  TRY_OBJ(HPDF_Dict_AddName(font, "Type", "Font"));
  TRY_OBJ(HPDF_Dict_AddName(font, "Subtype", "Type0"));
  TRY_OBJ(HPDF_Dict_AddName(font, "BaseFont", s->name));
  TRY_OBJ(HPDF_Dict_AddName(font, "Encoding", "Identity-H"));
  HPDF_Dict cid = cid_font(pdf, s);
  HPDF_Array descendants = cid ? HPDF_Array_New(pdf->mmgr) : NULL;
  if (!descendants) return NULL;
  TRY_OBJ(HPDF_Dict_Add(font, "DescendantFonts", descendants));
  TRY_OBJ(HPDF_Array_Add(descendants, cid));
  a->base.descendant_font = cid;
  HPDF_Dict tu;
  TRY_OBJ(add_deflated(font, "ToUnicode", pdf->xref, s->to_unicode, &tu));
  return font;
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
