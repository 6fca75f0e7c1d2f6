/* Small helpers shared by every stage: checked allocation, growable
 * buffers and arrays. Allocation failure aborts: there is no sensible
 * recovery for a document renderer out of memory. */
#ifndef BRIEF_UTIL_H
#define BRIEF_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
/* count * size, aborting as out of memory when it overflows size_t. */
size_t xmul(size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Growable byte string, always NUL-terminated. */
typedef struct {
  char *data;
  size_t len, cap;
} strbuf;

void sb_append(strbuf *sb, const char *s, size_t n);
void sb_puts(strbuf *sb, const char *s);
void sb_putc(strbuf *sb, char c);
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_take(strbuf *sb); /* hands the string to the caller, resets sb */
void sb_free(strbuf *sb);

/* Growable array of any element type: VEC(T) v = {0}; VEC_PUSH(v, x). */
#define VEC(T) struct { T *items; size_t len, cap; }
#define VEC_GROW(v)                                                       \
  do {                                                                    \
    if ((v).len == (v).cap) {                                             \
      (v).cap = (v).cap ? xmul((v).cap, 2) : 8;                           \
      (v).items = xrealloc((v).items, xmul((v).cap, sizeof *(v).items));  \
    }                                                                     \
  } while (0)
#define VEC_PUSH(v, x)                                                    \
  do {                                                                    \
    VEC_GROW(v);                                                          \
    (v).items[(v).len++] = (x);                                           \
  } while (0)
#define VEC_FREE(v) (free((v).items), (v).items = NULL, (v).len = (v).cap = 0)

/* Big-endian integers of binary file formats (PNG, JPEG, OpenType, CFF). */
static inline unsigned read_be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static inline uint32_t read_be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A list of owned strings. */
typedef struct {
  char **items;
  size_t len, cap;
} str_list;

void str_list_push(str_list *l, const char *s); /* a copy of s */
void str_list_free(str_list *l);

/* Reads a whole file of any kind; returns NULL (errno set) on failure,
 * EFBIG when it holds more than max bytes (a device such as /dev/zero or a
 * FIFO stops there, never read without end). */
char *file_read_max(const char *path, size_t max, size_t *len);
/* file_read_max with READ_FILE_MAX, the bound of every read that has no
 * tighter one of its own (fonts, images, PDFs read back). */
#define READ_FILE_MAX ((size_t)256 * 1024 * 1024)
char *file_read(const char *path, size_t *len);

/* Files written atomically: a temporary file beside path that is renamed
 * over path only when complete, or removed. */
char *file_temp_beside(const char *path); /* creates it; NULL (errno set) on failure */
int file_commit_temp(const char *temp, const char *path); /* rename; 0 or -1 */
/* Writes data over the existing file path with checked writes, fsync and a
 * checked close: 0, or -1 with errno set (ENOSPC on a full disk). */
int file_write_durably(const char *path, const void *data, size_t len);
void file_discard_temp(const char *temp);

bool str_ends_with(const char *s, const char *suffix);
/* The folder part of a path ("." when there is none); caller frees. */
char *path_dirname(const char *path);
/* Joins a folder and a relative path; an absolute rel is returned as is. */
char *path_join(const char *dir, const char *rel);
/* File name without folder and extension; caller frees. */
char *path_stem(const char *path);

#endif
