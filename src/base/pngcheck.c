/* See pngcheck.h. */
#include "pngcheck.h"

#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_limits.h"
#include "util.h"

typedef struct {
  jmp_buf jump;
  char *why;
  size_t size;
} png_ctx;

static void on_error(png_structp png, png_const_charp msg) {
  png_ctx *c = png_get_error_ptr(png);
  snprintf(c->why, c->size, "%s", msg);
  longjmp(c->jump, 1);
}

static void on_warning(png_structp png, png_const_charp msg) {
  (void)png;
  (void)msg;
}

/* A big-endian 32-bit field (unsigned: a byte of 0x80 or more shifted
 * into an int's sign bit is undefined). */
int image_png_check(const char *path, char *why, size_t size) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0; /* not found: the layout stage says so */
  unsigned char head[24]; /* the signature and IHDR's width and height */
  if (fread(head, 1, 24, f) != 24 || png_sig_cmp(head, 0, 8) != 0 ||
      (double)read_be32(head + 16) * read_be32(head + 20) > LIMIT_IMAGE_PIXELS) {
    fclose(f); /* not a PNG, or too large: the layout stage says so */
    return 0;
  }
  rewind(f);
  fseek(f, 8, SEEK_SET);
  png_ctx c = {.why = why, .size = size};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &c, on_error, on_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  png_bytep row = NULL;
  volatile int rc = -1;
  if (!info) {
    snprintf(why, size, "libpng could not start");
  } else if (setjmp(c.jump) == 0) {
    png_init_io(png, f);
    png_set_sig_bytes(png, 8);
    png_read_info(png, info);
    png_uint_32 h = png_get_image_height(png, info);
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    row = malloc(png_get_rowbytes(png, info) + 1);
    if (!row) png_error(png, "out of memory");
    for (int p = 0; p < passes; p++)
      for (png_uint_32 y = 0; y < h; y++) png_read_row(png, row, NULL);
    png_read_end(png, NULL);
    rc = 0;
  }
  free(row);
  png_destroy_read_struct(&png, &info, NULL);
  fclose(f);
  return rc;
}
