/* zlib-format (RFC 1950) compression for the PDF writer, with libdeflate
 * (zlib itself for runs of one byte):
 * the streams libharu writes (hpdf_compat.c) and a booklet page's body. */
#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>
#include <zlib.h>

#include "pdf.h"

/* The deflate level: libharu (zlib's default) uses 6. */
#define DEFLATE_LEVEL 6

size_t pdf_deflate(const void *in, size_t len, unsigned char **out) {
  return pdf_deflate_at(in, len, DEFLATE_LEVEL, out);
}

/* A compressor holds hundreds of kilobytes of match-finder tables: made
 * fresh for each of a brief's twenty-odd streams, its pages were faulted in
 * every time (an eighth of a render's page faults). Each thread keeps one
 * per level, freed when the thread ends. */
#define LEVELS 13
static pthread_key_t compressors_key;
static pthread_once_t compressors_once = PTHREAD_ONCE_INIT;

static void free_compressors(void *p) {
  struct libdeflate_compressor **c = p;
  for (int i = 0; i < LEVELS; i++) libdeflate_free_compressor(c[i]);
  free(c);
}

static void make_compressors_key(void) { pthread_key_create(&compressors_key, free_compressors); }

static struct libdeflate_compressor *compressor(int level) {
  if (level < 0 || level >= LEVELS) return NULL;
  pthread_once(&compressors_once, make_compressors_key);
  struct libdeflate_compressor **c = pthread_getspecific(compressors_key);
  if (!c) {
    c = calloc(LEVELS, sizeof *c);
    if (!c || pthread_setspecific(compressors_key, c) != 0) {
      free(c);
      return NULL;
    }
  }
  if (!c[level]) c[level] = libdeflate_alloc_compressor(level);
  return c[level];
}

/* The main thread's compressors, before exit (leak checkers see the rest). */
void pdf_deflate_release(void) {
  pthread_once(&compressors_once, make_compressors_key);
  struct libdeflate_compressor **c = pthread_getspecific(compressors_key);
  if (c) free_compressors(c);
  pthread_setspecific(compressors_key, NULL);
}

size_t pdf_deflate_at(const void *in, size_t len, int level, unsigned char **out) {
  struct libdeflate_compressor *c = compressor(level);
  *out = NULL;
  if (!c) return 0;
  size_t bound = libdeflate_zlib_compress_bound(c, len);
  *out = malloc(bound + sizeof PDF_PRECOMPRESSED);
  return *out ? libdeflate_zlib_compress(c, in, len, *out, bound) : 0;
}

/* zlib's run-length strategy finds only repeats of the byte before (RFC
 * 1951 matches at distance 1), which is all a /CIDToGIDMap has to offer:
 * 130 KB of mostly zeros in 0.14 ms against libdeflate level 1's 0.38 ms,
 * and smaller (1.19 against 1.44 KB, bench/profile.md). */
size_t pdf_deflate_runs(const void *in, size_t len, unsigned char **out) {
  *out = NULL;
  z_stream z = {0};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK) return 0;
  uLong bound = deflateBound(&z, (uLong)len);
  *out = malloc(bound);
  size_t n = 0;
  if (*out) {
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = *out;
    z.avail_out = (uInt)bound;
    if (deflate(&z, Z_FINISH) == Z_STREAM_END) n = z.total_out;
  }
  deflateEnd(&z);
  return n;
}

unsigned char *pdf_inflate(const unsigned char *z, size_t len, size_t *out_len) {
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  if (!d) return NULL;
  size_t cap = len * 8 + 1024;
  unsigned char *out = NULL;
  for (int tries = 0; tries < 8; tries++, cap *= 4) {
    free(out);
    out = malloc(cap);
    if (!out) break;
    enum libdeflate_result r = libdeflate_zlib_decompress(d, z, len, out, cap, out_len);
    if (r == LIBDEFLATE_SUCCESS) {
      libdeflate_free_decompressor(d);
      return out;
    }
    if (r != LIBDEFLATE_INSUFFICIENT_SPACE) break;
  }
  free(out);
  libdeflate_free_decompressor(d);
  return NULL;
}
