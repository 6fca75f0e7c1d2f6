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

#endif
