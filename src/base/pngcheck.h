/* A PNG read through once with libpng before libharu loads it: libharu
 * 2.3 installs no libpng error handler, so a damaged PNG (a truncated
 * download, a chunk out of place) made libpng abort the whole process. */
#ifndef BRIEF_PNGCHECK_H
#define BRIEF_PNGCHECK_H

#include <stddef.h>

/* 0 when path is not a PNG (its signature) or decodes completely; -1 with
 * libpng's complaint in why (size bytes) when it is a damaged PNG. Decodes
 * row by row: memory stays one row. */
int image_png_check(const char *path, char *why, size_t size);

#endif
