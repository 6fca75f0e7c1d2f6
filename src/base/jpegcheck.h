/* A JPEG checked before libharu embeds it. libharu reads only a JPEG's
 * frame header and copies the file into the PDF as it is (DCTDecode), so a
 * file with a header and no image data, or one cut short, made a PDF whose
 * reader shows nothing or stops with an error. PNGs are decoded by
 * pngcheck.h; a JPEG's structure is walked here (ITU T.81, annex B:
 * markers and segment lengths), without decoding. */
#ifndef BRIEF_JPEGCHECK_H
#define BRIEF_JPEGCHECK_H

#include <stddef.h>

/* 0 when bytes are not a JPEG (no SOI) or a sound one: a frame header
 * (SOF0, SOF1 or SOF2: what PDF readers decode) of 8-bit samples with a
 * width, a height and 1, 3 or 4 components, a scan (SOS) with data after
 * it, and the end-of-image marker. -1 with the reason in why (size bytes). */
int image_jpeg_check_bytes(const unsigned char *bytes, size_t n, char *why, size_t size);
/* The same for a file; 0 when it cannot be read (the layout stage says so). */
int image_jpeg_check(const char *path, char *why, size_t size);

#endif
