/* The documented limits of what brief reads (doc/limits.md). Each is
 * checked before the memory for it is taken, and exceeding one is an error
 * naming the input and the limit (a warning where the input can still be
 * printed). */
#ifndef BRIEF_INPUT_LIMITS_H
#define BRIEF_INPUT_LIMITS_H

/* A summary larger than this is refused before it is read (a brief of 16 MB
 * of text is some 2,500 pages; the 1 MB stress paragraph takes ~80 MB). */
#define LIMIT_SUMMARY_BYTES (16L * 1024 * 1024)
/* A figures sheet (a county-year row is some 100 bytes: 64 MB is half a
 * million rows) and a layout or booklet.yaml file. Every other file read
 * (fonts, images) is bounded by READ_FILE_MAX (util.h); a device or a FIFO
 * stops at its bound as a regular file does. */
#define LIMIT_FIGURES_BYTES (64L * 1024 * 1024)
#define LIMIT_SETTINGS_BYTES (1L * 1024 * 1024)
/* YAML (front matter, layouts, booklet.yaml) nested deeper than this: the
 * deepest key brief reads is a few levels down. */
#define LIMIT_YAML_DEPTH 64
/* Lists and block quotes nested deeper than this (indentation stops at half
 * the measure long before). */
#define LIMIT_NESTING 100
/* Tables: rows and columns (a column is at least a character wide: 28 fit
 * the official measure). */
#define LIMIT_TABLE_ROWS 10000
#define LIMIT_TABLE_COLS 64
/* Images opened in one paragraph, with as many `]` (input.c, check_image_openers). */
#define LIMIT_PARAGRAPH_IMAGES 256
/* Images: width × height in pixels (libharu decodes a PNG into memory,
 * 3-4 bytes a pixel); 50 M is a 48-megapixel phone photo. */
#define LIMIT_IMAGE_PIXELS (50.0 * 1000 * 1000)
/* Link targets longer than this stay as text but are not made clickable
 * (libharu refuses strings over 65,535 bytes, and every line of a link
 * carries its target). */
#define LIMIT_LINK_BYTES 2048
/* A run of more characters than this without a break opportunity is
 * reported (it is broken wherever it overflows the line). */
#define LIMIT_WORD_CHARS 200

/* The PDF's document title, author and bookmarks keep this many characters
 * (libharu refuses strings over 65,535 bytes). */
#define LIMIT_PDF_STRING_CHARS 1000

#endif
