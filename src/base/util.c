#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void out_of_memory(void) {
  fputs("brief: out of memory\n", stderr);
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) out_of_memory();
  return p;
}

void *xcalloc(size_t count, size_t n) {
  void *p = calloc(count ? count : 1, n ? n : 1);
  if (!p) out_of_memory();
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) out_of_memory();
  return q;
}

size_t xmul(size_t count, size_t size) {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) out_of_memory();
  return n;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

void str_list_push(str_list *l, const char *s) { VEC_PUSH(*l, xstrdup(s)); }

void str_list_free(str_list *l) {
  for (size_t i = 0; i < l->len; i++) free(l->items[i]);
  VEC_FREE(*l);
}

char *xstrndup(const char *s, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *xvasprintf(const char *fmt, va_list ap) {
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  if (n < 0) return xstrdup(""); /* an encoding error: nothing printable */
  char *p = xmalloc((size_t)n + 1);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *p = xvasprintf(fmt, ap);
  va_end(ap);
  return p;
}

static void sb_reserve(strbuf *sb, size_t extra) {
  if (extra >= SIZE_MAX - sb->len) out_of_memory();
  if (sb->len + extra + 1 <= sb->cap) return;
  size_t cap = sb->cap ? sb->cap : 64;
  while (cap < sb->len + extra + 1) cap = xmul(cap, 2);
  sb->data = xrealloc(sb->data, cap);
  sb->cap = cap;
}

void sb_append(strbuf *sb, const char *s, size_t n) {
  sb_reserve(sb, n);
  memcpy(sb->data + sb->len, s, n);
  sb->len += n;
  sb->data[sb->len] = '\0';
}

void sb_puts(strbuf *sb, const char *s) { sb_append(sb, s, strlen(s)); }
void sb_putc(strbuf *sb, char c) { sb_append(sb, &c, 1); }

void sb_printf(strbuf *sb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *p = xvasprintf(fmt, ap);
  va_end(ap);
  sb_puts(sb, p);
  free(p);
}

char *sb_take(strbuf *sb) {
  char *p = sb->data ? sb->data : xstrdup("");
  sb->data = NULL;
  sb->len = sb->cap = 0;
  return p;
}

void sb_free(strbuf *sb) {
  free(sb->data);
  sb->data = NULL;
  sb->len = sb->cap = 0;
}

/* Any kind of file: a FIFO is opened without waiting for a writer (one
 * with none reads as empty), a character device or a FIFO is read only up
 * to max, like a regular file. */
char *file_read_max(const char *path, size_t max, size_t *len) {
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat st;
  int bad = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
  if (bad) {
    int e = bad;
    close(fd);
    errno = e;
    return NULL;
  }
  if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max) {
    close(fd);
    errno = EFBIG;
    return NULL;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK); /* a FIFO's writer is waited for from here */
  strbuf sb = {0};
  char chunk[65536];
  int err = 0;
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk); /* EINTR too ends it: a signal stops a wait on a FIFO */
    if (n < 0) err = errno;
    if (n <= 0) break;
    if (sb.len + (size_t)n > max) {
      err = EFBIG;
      break;
    }
    sb_append(&sb, chunk, (size_t)n);
  }
  close(fd);
  if (err) {
    sb_free(&sb);
    errno = err;
    return NULL;
  }
  if (len) *len = sb.len;
  return sb_take(&sb);
}

char *file_read(const char *path, size_t *len) { return file_read_max(path, READ_FILE_MAX, len); }

/* Created with mode 0666 so that the umask applies, as for any new file
 * (mkstemp's 0600 would need a chmod that ignores the umask). */
char *file_temp_beside(const char *path) {
  for (int attempt = 0; attempt < 1000; attempt++) {
    char *tmp = xasprintf("%s.tmp-%ld-%d", path, (long)getpid(), attempt);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      close(fd);
      return tmp;
    }
    free(tmp);
    if (errno != EEXIST) return NULL;
  }
  return NULL;
}

int file_write_durably(const char *path, const void *data, size_t len) {
  int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return -1;
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : EIO;
      close(fd);
      errno = e;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  if (fsync(fd) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return close(fd);
}

/* The rename is made durable too: the folder is synced after it. */
int file_commit_temp(const char *temp, const char *path) {
  if (rename(temp, path) != 0) return -1;
  char *dir = path_dirname(path);
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  free(dir);
  if (fd < 0) return 0;
  int rc = fsync(fd) != 0 && errno != EINVAL ? -1 : 0; /* some file systems cannot sync a folder */
  close(fd);
  return rc;
}

void file_discard_temp(const char *temp) { unlink(temp); }

bool str_ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

char *path_dirname(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return xstrdup(".");
  if (slash == path) return xstrdup("/");
  return xstrndup(path, (size_t)(slash - path));
}

char *path_join(const char *dir, const char *rel) {
  if (rel[0] == '/' || !dir || !dir[0]) return xstrdup(rel);
  return xasprintf("%s/%s", dir, rel);
}

char *path_stem(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  return dot && dot != base ? xstrndup(base, (size_t)(dot - base)) : xstrdup(base);
}
