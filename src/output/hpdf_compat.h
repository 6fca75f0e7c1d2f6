/* The things pdf.c needs from libharu beyond its public API, behind
 * public handle types; hpdf_compat.c is the only file that includes
 * libharu's private headers (lint_wording checks the includes;
 * lint_hpdf_public compiles pdf.c with libharu's opaque handles). */
#ifndef BRIEF_HPDF_COMPAT_H
#define BRIEF_HPDF_COMPAT_H

#include <hpdf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fonts.h"

/* Appends raw operators to the page's content stream (marked content);
 * appends len bytes to it (a booklet page's finished body). */
void hpdf_page_write_raw(HPDF_Page page, const char *s);
bool hpdf_page_write_bytes(HPDF_Page page, const void *data, size_t len);
/* dict[key] = a binary string of len bytes (written as hex). */
void hpdf_dict_add_binary(HPDF_Dict dict, const char *key, const void *data, size_t len);
/* The page's current content stream; showing another page's stream as its
 * /Contents; a second stream after first, which drawing then goes to
 * (NULL on failure). */
HPDF_Dict hpdf_page_contents(HPDF_Page page);
void hpdf_page_show_contents(HPDF_Page page, HPDF_Dict contents);
HPDF_Dict hpdf_page_add_stream(HPDF_Page page, HPDF_Dict first);
/* The document's info dictionary (for binary text strings). */
HPDF_Dict hpdf_doc_info(HPDF_Doc pdf);
/* Registers a font or image in the page's resources as drawing would:
 * its resource name ("F1", "X1"), NULL on failure. */
const char *hpdf_page_register_font(HPDF_Page page, HPDF_Font font);
const char *hpdf_page_register_image(HPDF_Page page, HPDF_Image image);
/* libharu's error codes pdf.c sets (hpdf_error.h needs the private structs). */
extern const HPDF_STATUS hpdf_err_invalid_image, hpdf_err_alloc;
/* A libharu error code in words: its name (HPDF_FAILD_TO_ALLOC_MEM), what
 * it means and what the author can change. Every code of hpdf_error.h has
 * one; hpdf_error_codes lists them (for tests: up to max into codes, their
 * number returned). */
typedef struct {
  const char *name, *meaning, *fix;
} hpdf_error_info;
hpdf_error_info hpdf_error_explain(HPDF_STATUS code);
size_t hpdf_error_codes(HPDF_STATUS *codes, size_t max);
/* Whether st is the status of reading a saved stream to its end. */
bool hpdf_is_end_of_stream(HPDF_STATUS st);
/* Whether page's font and image resources have first's names. */
bool hpdf_same_resource_names(HPDF_Page page, HPDF_Page first);

/* The booklet (batch --booklet) takes pages over from the briefs' PDFs:
 * the bytes of the page's current content stream (malloc'd; NULL when
 * empty); the fonts (or images) its resources name, in the order of their
 * names F1, F2 … (X1 …) as *objs (malloc'd, compare with HPDF_Font or
 * HPDF_Image handles), their number returned. */
unsigned char *hpdf_page_stream_bytes(HPDF_Page page, size_t *len);
size_t hpdf_page_resources(HPDF_Page page, bool images, const void ***objs);

/* The fonts of a PDF as objects of our own making: a Type 0 font over a
 * CIDFontType2 whose program is the HarfBuzz subset as it is (or, for a
 * CFF face, a CIDFontType0 whose CFF's CIDs are the codes), shown with
 * Unicode codes (CID = the character's code point, or its Private Use
 * code), /CIDToGIDMap giving each code's glyph, /W the widths of exactly
 * the codes used. Part of the PDF stage (pdf.c calls it); libharu's own
 * TrueType loader would parse the subset again, build a 65,536-entry map
 * and a width list over it and write the program out once more. */
typedef struct {
  const unsigned char *z; /* zlib-compressed (pdf_deflate), written as it is */
  size_t len;
} pdf_deflated;

typedef struct {
  const char *name;                 /* /BaseFont with its subset tag: "ABCDEF+NotoSerifCJKsc-Regular" */
  const font_metrics *metrics;
  bool cff;                         /* a CIDFontType0 over a CID-keyed CFF program (CID = code), no map */
  pdf_deflated program;             /* /FontFile2: the subset TrueType font; /FontFile3: the CFF */
  size_t program_len;               /* its /Length1, uncompressed (TrueType) */
  pdf_deflated gid_map;             /* /CIDToGIDMap: each code's glyph (ISO 32000-1 table 117), TrueType */
  const font_code_glyph *glyphs;    /* each code shown and its glyph in the program, by code */
  const uint16_t *widths;           /* the width of glyphs[i], in thousandths of an em */
  size_t nglyphs;
  pdf_deflated to_unicode;          /* the /ToUnicode CMap program */
} pdf_font_spec;

/* A font the page operators (HPDF_Page_SetFontAndSize, HPDF_Page_TextOut
 * with UTF-8 text) can use; NULL when libharu runs out of memory. Its
 * streams come compressed (pdf.c prepares them before libharu sees them). */
HPDF_Font pdf_font_new(HPDF_Doc pdf, const pdf_font_spec *spec);

/* hpdf_compat.c also defines HPDF_MemCpy,
 * HPDF_MemSet and HPDF_Stream_WriteToStream in place of libharu's own
 * (faster, same output): see there. */

#endif
