/* A font file in memory with only some glyphs' outlines (glyf_sparse.c). */
#ifndef BRIEF_GLYF_SPARSE_H
#define BRIEF_GLYF_SPARSE_H

#include <hb.h>
#include <stddef.h>

/* The font file at path, whose bytes are also mapped at `mapped` (only its
 * table directory is read there), as a face whose glyf table holds the
 * outlines of the glyphs in keep and of the glyphs composite ones are made
 * of (added to keep), and no others (their loca entries empty); every other table is the
 * file's, but those in drop that hb-subset does not read (left empty). Read with pread, not through the
 * mapping. NULL when the file is not a single TrueType font with a long
 * loca, or cannot be read: the caller then uses the mapped face. */
hb_face_t *glyf_sparse_face(const char *path, const unsigned char *mapped, size_t mapped_len, hb_set_t *keep,
                            const hb_set_t *drop);

#endif
