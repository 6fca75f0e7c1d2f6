/* zlib-format (RFC 1950) compression for the PDF writer, with libdeflate:
 * the streams libharu writes (hpdf_compat.c) and a booklet page's body. */
#include <libdeflate.h>
#include <stdlib.h>

#include "pdf.h"

/* The deflate level: libharu (zlib's default) uses 6. */
#define DEFLATE_LEVEL 6

size_t pdf_deflate(const void *in, size_t len, unsigned char **out) {
  struct libdeflate_compressor *c = libdeflate_alloc_compressor(DEFLATE_LEVEL);
  if (!c) return 0;
  size_t bound = libdeflate_zlib_compress_bound(c, len);
  *out = malloc(bound + sizeof PDF_PRECOMPRESSED);
  size_t n = *out ? libdeflate_zlib_compress(c, in, len, *out, bound) : 0;
  libdeflate_free_compressor(c);
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
