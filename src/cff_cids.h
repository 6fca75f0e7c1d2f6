/* A CID-keyed CFF font program whose glyphs get the CIDs the caller names
 * (cff_cids.c). */
#ifndef BRIEF_CFF_CIDS_H
#define BRIEF_CFF_CIDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One CID to give a glyph of the font. */
typedef struct {
  uint16_t gid, cid;
} cff_cid;

/* The CID-keyed CFF font program cff (a 'CFF ' table, as hb-subset makes
 * it) with charset giving glyph map[i].gid the CID map[i].cid; a glyph
 * named twice is copied (a CID names one glyph, a glyph has one CID);
 * glyphs not named keep CID 0 … only glyph 0 may (.notdef). CIDs must be
 * unique and not 0. Returns the new program (malloc'd, *out_len bytes) or
 * NULL when cff is not a CID-keyed CFF whose offsets can be rewritten. */
unsigned char *cff_with_cids(const unsigned char *cff, size_t len, const cff_cid *map, size_t n, size_t *out_len);

/* Whether cff (a 'CFF ' table) is a CID-keyed font (its Top DICT has ROS). */
bool cff_is_cid_keyed(const unsigned char *cff, size_t len);

/* The CID of each glyph of a CID-keyed CFF (its charset): cids[gid] for
 * gid < *nglyphs (malloc'd), NULL when cff is not one (for tests). */
uint16_t *cff_charset(const unsigned char *cff, size_t len, size_t *nglyphs);

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
