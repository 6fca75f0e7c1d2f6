/* The parse stage as a whole: a summary file becomes the complete document
 * model (front matter, the title, Markdown blocks, the copy numbers), so
 * the stages after it only read it. */
#include "parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "markdown.h"
#include "numbered.h"
#include "utf8.h"
#include "util.h"

/* --numbered RANGE replaces the front matter's 'numbered'. */
static int take_numbered(const char *range, doc_meta *meta, diag_list *dl) {
  int *numbers;
  size_t n;
  char *why;
  if (numbered_parse(range, &numbers, &n, &why) != 0) {
    diag_error(dl, NULL, 0, 0, "--numbered '%s': %s", range, why);
    free(why);
    return -1;
  }
  free(meta->numbered);
  meta->numbered = numbers;
  meta->nnumbered = n;
  return 0;
}

/* Line and column of a byte offset, for messages about raw bytes. */
static void position_of(const char *text, size_t offset, int *line, int *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < offset; i++) {
    if (text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
      (*col)++;
    }
  }
}

static int check_text(const char *file, const char *text, size_t len, diag_list *dl) {
  long bad = utf8_invalid_offset(text, len);
  const char *nul = memchr(text, '\0', len);
  if (bad < 0 && !nul) return 0;
  size_t at = bad >= 0 ? (size_t)bad : (size_t)(nul - text);
  int line, col;
  position_of(text, at, &line, &col);
  if (bad >= 0)
    diag_error(dl, file, line, col, "invalid UTF-8 (byte 0x%02X at offset %zu); save the file as UTF-8",
               (unsigned char)text[at], at);
  else
    diag_error(dl, file, line, col, "NUL byte at offset %zu; this is not a text file", at);
  return -1;
}

int document_parse(const char *path, const char *text_in, size_t text_len, const char *numbered, document *doc,
                   char **source, size_t *source_len, diag_list *dl) {
  *source = NULL;
  *source_len = 0;
  memset(doc, 0, sizeof *doc);
  doc->file = xstrdup(path);
  doc->dir = path_dirname(path);
  size_t len;
  char *text = text_in ? xstrndup(text_in, len = text_len) : read_file(path, &len);
  if (!text) {
    diag_error(dl, path, 0, 0, "cannot read the summary: %s", strerror(errno));
    return -1;
  }
  int rc = check_text(path, text, len, dl);
  int body_line = 0;
  long body = rc == 0 ? frontmatter_parse(text, len, path, &doc->meta, &body_line, dl) : -1;
  if (body >= 0) {
    markdown_options opts = {.cjk_emphasis = true};
    rc = markdown_parse(text + body, len - (size_t)body, body_line, &opts, doc, dl);
  } else {
    rc = -1;
  }
  if (rc == 0 && numbered) rc = take_numbered(numbered, &doc->meta, dl);
  *source = text; /* the normalisation stage finds its positions in it */
  *source_len = len;
  return rc;
}

/* Without a front matter title, the first level-1 heading is the title
 * (and no longer a heading of the body). */
void document_take_title(document *doc) {
  if (doc->meta.title) return;
  for (size_t i = 0; i < doc->len; i++) {
    block *b = &doc->items[i];
    if (b->kind != BLK_HEADING || b->level != 1) continue;
    doc->meta.title = span_list_text(&b->spans);
    span_list_free(&b->spans);
    free(b->marker);
    free(b->number);
    memmove(b, b + 1, (doc->len - i - 1) * sizeof *b);
    doc->len--;
    return;
  }
}

