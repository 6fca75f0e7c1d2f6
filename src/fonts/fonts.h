/* Fonts: the font map (roles → fallback chains of families), fontconfig
 * lookup, FreeType metrics and HarfBuzz subsetting. A font_lib is built
 * once and then only read, so a batch shares it across briefs and the
 * threads of `brief serve` share it too (FreeType calls are locked per face). */
#ifndef BRIEF_FONTS_H
#define BRIEF_FONTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"

typedef struct font_face font_face;
typedef struct font_lib font_lib;

typedef struct {
  char *role;
  const font_face **faces; /* owned by the font_lib */
  size_t len;
} font_chain;

/* Reads fonts_dir/fontmap.yaml, adds the font files in fonts_dir to the
 * search and resolves every role. Returns NULL on error. */
font_lib *font_lib_new(const char *fonts_dir, diag_list *dl);
/* The same, with more folders of font files (the user's and the system's
 * brief font folders) added to the search after fonts_dir. */
font_lib *font_lib_new_in(const char *fonts_dir, const char *const *extra_dirs, size_t n, diag_list *dl);
void font_lib_free(font_lib *lib);

/* The chain of a role, or NULL (with an error when dl is not NULL) when the map has no such role
 * or none of its families is installed. */
const font_chain *font_lib_role(const font_lib *lib, const char *role, diag_list *dl);
/* The first face of the chain that has a glyph for cp, or NULL. */
const font_face *font_chain_find(const font_chain *c, uint32_t cp);

bool font_face_has(const font_face *f, uint32_t cp);
double font_face_advance(const font_face *f, uint32_t cp); /* in ems */
/* The blank space left and right of a full-width punctuation mark, in ems,
 * as the font reports it (GPOS 'halt', else the glyph's ink box). False
 * (and zeros) for a character that is not one of those marks. */
bool font_face_blanks(const font_face *f, uint32_t cp, double *left, double *right);
/* Whether the font's GPOS 'halt' feature gave the blanks. */
bool font_face_blanks_from_gpos(const font_face *f);
const char *font_face_path(const font_face *f);
const char *font_face_family(const font_face *f);
int font_face_id(const font_face *f); /* stable index within its font_lib */
size_t font_lib_face_count(const font_lib *lib);
const font_face *font_lib_face(const font_lib *lib, size_t id);

/* The glyph a character is printed with: the font's Chinese form for the
 * marks whose cmap glyph is not it (font_face_variant), else the cmap's. */
unsigned font_face_glyph(const font_face *f, uint32_t cp);
/* The glyph shaping for zh-Hans gives a mark when it differs from the
 * cmap's (Noto Serif CJK SC's full-width U+2014), else 0. */
unsigned font_face_variant(const font_face *f, uint32_t cp);

/* A glyph reached through a Private Use code in the subset (a character
 * beyond the BMP, or a glyph variant): libharu writes 16-bit codes only. */
typedef struct {
  uint16_t code; /* U+E000... */
  uint32_t cp;   /* the character it stands for (for /ToUnicode, /ActualText) */
  unsigned gid;  /* glyph in the full font */
} font_code;

/* A TrueType font holding only the glyphs of cps (BMP characters, reached
 * through its cmap) and of codes (reached through their PUA codes);
 * malloc'd bytes. */
int font_face_subset(const font_face *f, const uint32_t *cps, size_t n, const font_code *codes,
                     size_t ncodes, char **data, size_t *len, diag_list *dl);

/* A code the text shows (a BMP character or a Private Use code) and its
 * glyph in a subset (and in the whole font). */
typedef struct {
  uint16_t code, gid;
  unsigned full_gid;
} font_code_glyph;

/* The same subset for the PDF writer, which maps codes to glyphs itself
 * (/CIDToGIDMap): HarfBuzz's cmap is kept, and *glyphs (malloc'd, sorted
 * by code, *nglyphs long) gives each code's glyph in the subset. For a CFF
 * face (font_face_is_cff) the subset is the bare CFF table, CID-keyed,
 * each glyph's CID the code showing it, and *glyphs' gid that CID. */
int font_face_subset_glyphs(const font_face *f, const uint32_t *cps, size_t n, const font_code *codes,
                            size_t ncodes, char **data, size_t *len, font_code_glyph **glyphs, size_t *nglyphs,
                            diag_list *dl);
double font_face_glyph_advance(const font_face *f, unsigned gid); /* in ems */
/* Whether the face has CID-keyed CFF outlines (else TrueType ones). */
bool font_face_is_cff(const font_face *f);

/* What a PDF font descriptor says of a face, in thousandths of an em. */
typedef struct {
  char ps_name[64]; /* the PostScript name, as a PDF name */
  int ascent, descent, cap_height, italic_angle, weight;
  int bbox[4];
} font_metrics;
void font_face_metrics(const font_face *f, font_metrics *m);

/* `brief fonts`: each role with the file every family resolved to. */
void font_lib_report(const font_lib *lib, FILE *out);

/* For tests: gives glyph 0 an em's advance in a TrueType font in memory;
 * table offsets and sizes are bounds-checked (a bad font is left alone). */
void font_set_notdef_width_to_em(unsigned char *font, size_t len);

#endif
