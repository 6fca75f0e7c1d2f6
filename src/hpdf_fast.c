/* Faster versions of three of libharu 2.3's own functions, part of the PDF
 * output stage (pdf.c). Like HPDF_TTFontDef_GetGlyphid in pdf.c, each takes
 * the place of the library's exported function (the dynamic linker binds
 * libharu's calls through its PLT to the executable's definition) and gives
 * the same result:
 *
 * - HPDF_MemCpy and HPDF_MemSet are byte-at-a-time loops in libharu; it
 *   copies every font program through them (a tenth of a brief's
 *   instructions before this file). Here they are memcpy and memset.
 * - HPDF_Stream_WriteToStream compresses a stream with zlib's deflate in
 *   4 KB pieces: a third of a brief's instructions. Here a memory stream
 *   (every stream libharu writes: pages, fonts, CMaps) is compressed in one
 *   call to libdeflate, which makes the same format (RFC 1950 zlib) about
 *   three times faster and a little smaller at the same level. Other cases
 *   (encryption, file streams) go to libharu's own function.
 *
 * A memory stream whose bytes start with PDF_PRECOMPRESSED (pdf.h) holds
 * data that is already compressed (a booklet page's body, compressed by the
 * worker that rendered the brief): the rest is written as it is. */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <hpdf.h>
#include <hpdf_streams.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n) {
  if (n > 16) memcpy(out, in, n);
  else /* mostly 2 and 4 bytes (CIDToGIDMap entries, font table fields): no call */
    for (HPDF_UINT i = 0; i < n; i++) out[i] = in[i];
  return out + n;
}

void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n) {
  if (n) memset(s, c, n);
  return (HPDF_BYTE *)s + n;
}

typedef HPDF_STATUS (*write_to_stream_fn)(HPDF_Stream, HPDF_Stream, HPDF_UINT, HPDF_Encrypt);

static HPDF_STATUS libharu_write_to_stream(HPDF_Stream src, HPDF_Stream dst, HPDF_UINT filter, HPDF_Encrypt e) {
  write_to_stream_fn next = (write_to_stream_fn)dlsym(RTLD_NEXT, "HPDF_Stream_WriteToStream");
  return next ? next(src, dst, filter, e) : HPDF_FAILD_TO_ALLOC_MEM;
}

/* The bytes of a memory stream in one buffer (NULL when it is empty). */
unsigned char *hpdf_stream_bytes(HPDF_Stream src, size_t *len);
unsigned char *hpdf_stream_bytes(HPDF_Stream src, size_t *len) {
  *len = src->size;
  if (*len == 0) return NULL;
  unsigned char *buf = malloc(*len);
  if (!buf) return NULL;
  size_t at = 0;
  HPDF_UINT count = HPDF_MemStream_GetBufCount(src);
  for (HPDF_UINT i = 0; i < count && at < *len; i++) {
    HPDF_UINT n = 0;
    HPDF_BYTE *p = HPDF_MemStream_GetBufPtr(src, i, &n);
    if (!p) break;
    if (n > *len - at) n = (HPDF_UINT)(*len - at);
    memcpy(buf + at, p, n);
    at += n;
  }
  *len = at;
  return buf;
}

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

HPDF_STATUS HPDF_Stream_WriteToStream(HPDF_Stream src, HPDF_Stream dst, HPDF_UINT filter, HPDF_Encrypt e) {
  if (e || src->type != HPDF_STREAM_MEMORY || src->size == 0) return libharu_write_to_stream(src, dst, filter, e);
  size_t len;
  unsigned char *buf = hpdf_stream_bytes(src, &len);
  if (!buf) return libharu_write_to_stream(src, dst, filter, e);
  HPDF_STATUS rc;
  size_t magic = sizeof PDF_PRECOMPRESSED - 1;
  if (len >= magic && memcmp(buf, PDF_PRECOMPRESSED, magic) == 0) {
    rc = HPDF_Stream_Write(dst, buf + magic, (HPDF_UINT)(len - magic));
  } else if (filter & HPDF_STREAM_FILTER_FLATE_DECODE) {
    unsigned char *z = NULL;
    size_t n = pdf_deflate(buf, len, &z);
    rc = n ? HPDF_Stream_Write(dst, z, (HPDF_UINT)n) : libharu_write_to_stream(src, dst, filter, e);
    free(z);
  } else {
    rc = HPDF_Stream_Write(dst, buf, (HPDF_UINT)len);
  }
  free(buf);
  return rc;
}

/* zlib-format inflate of a booklet part's body (libdeflate); malloc'd. */
unsigned char *pdf_inflate(const unsigned char *z, size_t len, size_t *out_len);
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
