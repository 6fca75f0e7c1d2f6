/* See jpegcheck.h. Marker codes and segment layout: ITU T.81 (JPEG),
 * annex B.1-B.2 and table B.1. */
#include "jpegcheck.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

enum { SOI = 0xD8, EOI = 0xD9, SOS = 0xDA, TEM = 0x01, RST0 = 0xD0, RST7 = 0xD7 };

/* Frame headers: SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
static bool is_sof(unsigned m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }

static int fail(char *why, size_t size, const char *reason) {
  snprintf(why, size, "%s", reason);
  return -1;
}

/* The frame header's fields (B.2.2): P, Y, X, Nf. */
static int check_frame(unsigned marker, const unsigned char *seg, unsigned len, char *why, size_t size) {
  if (marker != 0xC0 && marker != 0xC1 && marker != 0xC2)
    return fail(why, size, "lossless, hierarchical or arithmetic-coded, which PDF readers do not show");
  if (len < 8) return fail(why, size, "its frame header is cut short");
  unsigned precision = seg[0], height = read_be16(seg + 1), width = read_be16(seg + 3), components = seg[5];
  if (precision != 8) return fail(why, size, "12-bit samples, which PDF readers do not show");
  if (width == 0 || height == 0) return fail(why, size, "its frame header gives no width or height");
  if (components != 1 && components != 3 && components != 4)
    return fail(why, size, "its frame header gives neither 1, 3 nor 4 colour components");
  if (len < 8 + 3 * components) return fail(why, size, "its frame header is cut short");
  return 0;
}

/* From the first scan on: entropy-coded data (a 0xFF in it is followed by
 * 0x00 or a restart marker), more segments and scans, then EOI. */
static int check_scans(const unsigned char *b, size_t n, size_t i, char *why, size_t size) {
  size_t data = 0;
  while (i + 1 < n) {
    if (b[i] != 0xFF || b[i + 1] == 0x00) {
      data++;
      i += b[i] == 0xFF ? 2 : 1;
      continue;
    }
    unsigned m = b[i + 1];
    if (m == 0xFF) {
      i++;
      continue;
    }
    if (m == EOI) return data ? 0 : fail(why, size, "a header and no image data: its scan is empty");
    if ((m >= RST0 && m <= RST7) || m == TEM) {
      i += 2;
      continue;
    }
    if (i + 4 > n) break;
    unsigned len = read_be16(b + i + 2);
    if (len < 2 || i + 2 + len > n) break;
    i += 2 + len; /* DHT, DQT, another SOS header... of a progressive JPEG */
  }
  return fail(why, size, data ? "cut short: no end-of-image marker"
                              : "a header and no image data: nothing follows the scan header");
}

int image_jpeg_check_bytes(const unsigned char *b, size_t n, char *why, size_t size) {
  if (n < 2 || b[0] != 0xFF || b[1] != SOI) return 0;
  bool frame = false;
  for (size_t i = 2; i < n;) {
    if (b[i] != 0xFF) return fail(why, size, "a byte out of place between its segments");
    if (i + 1 >= n) break;
    unsigned m = b[i + 1];
    if (m == 0xFF) { /* fill byte */
      i++;
      continue;
    }
    if (m == EOI) break;
    if ((m >= RST0 && m <= RST7) || m == TEM || m == SOI) {
      i += 2;
      continue;
    }
    if (i + 4 > n) break;
    unsigned len = read_be16(b + i + 2);
    if (len < 2 || i + 2 + len > n) return fail(why, size, "cut short: a segment runs past the end of the file");
    if (is_sof(m)) {
      if (frame) return fail(why, size, "two frame headers");
      if (check_frame(m, b + i + 4, len, why, size) != 0) return -1;
      frame = true;
    }
    if (m == SOS) {
      if (!frame) return fail(why, size, "a scan before any frame header");
      return check_scans(b, n, i + 2 + len, why, size);
    }
    i += 2 + len;
  }
  return fail(why, size, frame ? "a header and no image data: no scan" : "a header and no image data: no frame header");
}

int image_jpeg_check(const char *path, char *why, size_t size) {
  size_t n;
  unsigned char *bytes = (unsigned char *)file_read(path, &n);
  if (!bytes) return 0;
  int rc = image_jpeg_check_bytes(bytes, n, why, size);
  free(bytes);
  return rc;
}
