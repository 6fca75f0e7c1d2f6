/* CID-keyed CFF font programs whose glyphs have the CIDs the caller names,
 * assembled from hb-subset's output (cff_cids.c). */
#ifndef BRIEF_CFF_CIDS_H
#define BRIEF_CFF_CIDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One CID to give a glyph of the font. */
typedef struct {
  uint16_t gid, cid;
} cff_cid;

/* Whether cff (a 'CFF ' table) is a CID-keyed font (its Top DICT has ROS). */
bool cff_is_cid_keyed(const unsigned char *cff, size_t len);

/* A face's glyphs as hb-subset wrote them (desubroutinized charstrings
 * and their font DICTs), to assemble subsets from without subsetting again
 * (cff_cids.c). Not locked: the caller serialises its use. */
typedef struct cff_store cff_store;
/* A store for a face of nglyphs glyphs, whose subsets take the header,
 * names, Top DICT and strings of cff, the face's subset of .notdef alone
 * (its glyph kept too, with cff_store_add); NULL when cff is not a
 * CID-keyed CFF with 5-byte offsets, as hb-subset writes. */
cff_store *cff_store_new(const unsigned char *cff, size_t len, size_t nglyphs);
/* Keeps the glyphs of a subset cff whose glyph i is old_of_new[i] of the
 * face (n glyphs); -1 when cff cannot be read or is not desubroutinized. */
int cff_store_add(cff_store *s, const unsigned char *cff, size_t len, const uint32_t *old_of_new, size_t n);
bool cff_store_has(const cff_store *s, unsigned gid);
/* A CID-keyed CFF holding .notdef and, for each of map's n entries, the
 * face's glyph map[i].gid with CID map[i].cid (CIDs unique, not 0; a glyph
 * may be named twice). NULL when a glyph is not in the store. */
unsigned char *cff_store_build(const cff_store *s, const cff_cid *map, size_t n, size_t *out_len);
void cff_store_free(cff_store *s);

#endif
