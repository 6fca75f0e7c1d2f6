/* An image's size in pixels from its header, for the layout; what the image
 * holds is checked by pngcheck.h and jpegcheck.h. */
#ifndef BRIEF_IMAGESIZE_H
#define BRIEF_IMAGESIZE_H

/* The pixel size of a PNG or JPEG at path into *w and *h: 1 for a PNG, 2 for
 * a JPEG, -1 when the file cannot be read, -2 when it is neither (or its
 * header gives no size). The whole file is read: a JPEG's frame header may
 * come after large EXIF or ICC segments. */
int image_pixel_size(const char *path, int *w, int *h);

#endif
