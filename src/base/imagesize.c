/* See imagesize.h. */
#include "imagesize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Pixel size of a PNG or JPEG from its header. The whole file is read: a
 * JPEG's frame header may come after large EXIF or ICC segments. */
int image_pixel_size(const char *path, int *w, int *h) {
  size_t n;
  unsigned char *buf = (unsigned char *)file_read(path, &n);
  if (!buf) return -1;
  int kind = -2;
  if (n >= 24 && memcmp(buf, "\x89PNG\r\n\x1a\n", 8) == 0) {
    uint32_t pw = read_be32(buf + 16), ph = read_be32(buf + 20);
    if (pw > 0 && ph > 0 && pw <= 1000000 && ph <= 1000000) *w = (int)pw, *h = (int)ph, kind = 1;
  } else if (n >= 4 && buf[0] == 0xFF && buf[1] == 0xD8) {
    for (size_t i = 2; i + 9 < n;) {
      if (buf[i] != 0xFF) break;
      unsigned m = buf[i + 1];
      if (m == 0xFF) { i++; continue; } /* fill byte */
      if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { i += 2; continue; } /* markers without a length */
      unsigned len = read_be16(buf + i + 2);
      if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
        *h = (int)read_be16(buf + i + 5);
        *w = (int)read_be16(buf + i + 7);
        kind = 2;
        break;
      }
      if (len < 2) break;
      i += 2 + len;
    }
  }
  free(buf);
  return kind;
}
