/* The glyphs of a laid-out text run, where each one stands: shared by the
 * writers (pdf.c, ofd.c) so both place a run's glyphs the same way. No
 * output library here. */
#ifndef BRIEF_GLYPHRUN_H
#define BRIEF_GLYPHRUN_H

#include <stddef.h>
#include <stdint.h>

#include "fonts.h"
#include "layout.h"
#include "util.h"

typedef struct {
  uint32_t code;  /* the code the run shows it by (what the subset's cmap maps) */
  uint32_t cp;    /* the character it stands for (Unicode, non-BMP included) */
  double x;       /* pen position in points from the page's left edge */
  double advance; /* the glyph's own advance at the run's size, points */
} run_glyph;

typedef VEC(run_glyph) run_glyphs;

/* The glyphs of a text run as the layout set them: the pen starts at the
 * run's origin and after each glyph moves by the glyph's advance plus the
 * run's char_space (the PDF's Tc; squeezed punctuation, justification and
 * the CJK-Latin gap are runs of their own or this spacing). Replaces out's
 * contents; returns the run's width (the pen after the last glyph, less
 * its trailing spacing). */
double glyphrun_of(const page_item *it, const font_face *face, run_glyphs *out);
/* The same for a run of a face whose subset also holds Private Use codes
 * (characters beyond the BMP, glyph variants): each such code is given
 * back as the character it stands for, with that character's advance. */
double glyphrun_with_codes(const page_item *it, const font_face *face, const font_code *codes,
                           size_t ncodes, run_glyphs *out);

/* The run's real text, from the glyphs' characters (malloc'd UTF-8). */
char *glyphrun_text(const run_glyphs *g);

/* The subset's glyph for cp as its own cmap gives it (0 when the cmap has
 * none), for checking that a reader looking the character up in the
 * embedded font finds the glyph the layout chose. */
typedef struct subset_cmap subset_cmap;
subset_cmap *glyphrun_cmap_new(const char *font, size_t len);
uint32_t glyphrun_cmap_glyph(const subset_cmap *m, uint32_t cp);
void glyphrun_cmap_free(subset_cmap *m);

#endif
