/* The fonts of a PDF as objects of our own making: a Type 0 font over a
 * CIDFontType2 whose program is the HarfBuzz subset as it is, shown with
 * Unicode codes (CID = the character's code point, or its Private Use
 * code), /CIDToGIDMap giving each code's glyph, /W the widths of exactly
 * the codes used. Part of the PDF stage (pdf.c calls it); libharu's own
 * TrueType loader would parse the subset again, build a 65,536-entry map
 * and a width list over it and write the program out once more. */
#ifndef BRIEF_PDF_FONT_H
#define BRIEF_PDF_FONT_H

#include <hpdf.h>
#include <stddef.h>
#include <stdint.h>

#include "fonts.h"

typedef struct {
  const char *name;                 /* /BaseFont with its subset tag: "ABCDEF+NotoSerifSC-Regular" */
  const font_metrics *metrics;
  const unsigned char *program;     /* /FontFile2: the subset TrueType font */
  size_t program_len;
  const font_code_glyph *glyphs;    /* each code shown and its glyph in the program, by code */
  const uint16_t *widths;           /* the width of glyphs[i], in thousandths of an em */
  size_t nglyphs;
  const char *to_unicode;           /* the /ToUnicode CMap program */
} pdf_font_spec;

/* A font the page operators (HPDF_Page_SetFontAndSize, HPDF_Page_TextOut
 * with UTF-8 text) can use; NULL when libharu runs out of memory. */
HPDF_Font pdf_font_new(HPDF_Doc pdf, const pdf_font_spec *spec);

#endif
