/* PDF output: the only stage that calls libharu. Fonts are subset with
 * HarfBuzz first and embedded as CID TrueType; every stream compressed. */
#ifndef BRIEF_PDF_H
#define BRIEF_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "layout.h"
#include "stop.h"

/* Where the PDF stage's time went, in ms (BRIEF_TIMING): the fonts
 * subset, compressed and embedded; the pages drawn; the document
 * compressed and laid out in memory; the file written and synced. */
typedef struct {
  double fonts, pages, save, file;
} pdf_stage_times;

typedef struct {
  const char *creator;       /* "brief 0.1.0" */
  long long source_epoch;    /* SOURCE_DATE_EPOCH, or -1 */
  double deadline_ms;        /* CLOCK_MONOTONIC time in ms; > 0: stop past it (checked per page) */
  stop_check *stop;          /* not NULL: polled per page (stop.h); PDF_TIME_LIMIT when due */
  const char *target;        /* the file named in write errors (path is renamed to it); NULL: path */
  const char *input;         /* the summary, named in libharu's errors about its pages (NULL: target) */
  pdf_stage_times *times;    /* not NULL: adds where the time went */
} pdf_options;

#define PDF_TIME_LIMIT (-2)  /* returned when the deadline passed */

/* Writes lo as a PDF file at path (the caller makes it atomic). */
int pdf_write(const laid_out *lo, const pdf_options *opts, const char *path, diag_list *dl);
/* The same into memory: *data (malloc'd, *len bytes). */
int pdf_write_memory(const laid_out *lo, const pdf_options *opts, char **data, size_t *len, diag_list *dl);

/* A page of a brief as a booklet takes it over (batch --booklet): its body
 * (everything but the page number) as a compressed content stream, and the
 * fonts and images that stream names, in the order of their resource names
 * (F1, F2 … and X1 …). Content streams show Unicode code points (CID =
 * Unicode), so the same bytes print with the booklet's own font subsets. */
typedef struct {
  int *faces;            /* face ids: F1, F2 … */
  size_t nfaces;
  char **images;         /* image paths: X1, X2 … */
  size_t nimages;
  page_item *links;      /* IT_LINK items of the page (URLs) */
  size_t nlinks;
  unsigned char *body;   /* PDF_PRECOMPRESSED, then the zlib-compressed stream */
  size_t body_len;
} pdf_page_part;

/* As pdf_write, and fills parts[0 .. lo->npages-1] (the first copy's pages
 * for numbered copies, without their numbers). */
int pdf_write_parts(const laid_out *lo, const pdf_options *opts, const char *path, pdf_page_part *parts,
                    diag_list *dl);
void pdf_page_part_free(pdf_page_part *p);
/* Re-encodes the text shown with face's font in a part's body: code
 * from[k] becomes to[k] (Private Use codes the booklet numbers anew). */
void pdf_part_recode(pdf_page_part *p, int face, const uint16_t *from, const uint16_t *to, size_t n);

/* Writes a booklet: frame holds every page (cover, contents, and for each
 * brief page its booklet page number), the outline and the characters of
 * every face used by the frame and the parts; parts[p] (NULL for none) is
 * drawn under frame page p. */
int pdf_write_booklet(const laid_out *frame, const pdf_page_part *const *parts, const pdf_options *opts,
                      const char *path, diag_list *dl);

/* The leading bytes of a memory stream that holds compressed data already
 * (hpdf_compat.c writes the rest as it is). */
#define PDF_PRECOMPRESSED "\001brief-deflated\001"
/* zlib-format deflate and inflate (libdeflate, deflate.c): *out and the
 * result malloc'd; 0 (NULL) on failure. */
size_t pdf_deflate(const void *in, size_t len, unsigned char **out);
unsigned char *pdf_inflate(const unsigned char *z, size_t len, size_t *out_len);
size_t pdf_deflate_at(const void *in, size_t len, int level, unsigned char **out); /* level 1 (fastest) to 12 */
/* The same for data that is mostly runs of one byte (zlib's Z_RLE). */
size_t pdf_deflate_runs(const void *in, size_t len, unsigned char **out);
/* Frees the calling thread's compressors (kept for its next streams; other threads free theirs when they end). */
void pdf_deflate_release(void);

#endif
