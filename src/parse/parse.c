/* The parse stage as a whole: a summary file becomes the complete document
 * model (front matter, the title, Markdown blocks, the copy numbers), so
 * the stages after it only read it. */
#include "parse.h"

#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"
#include "markdown.h"
#include "numbered.h"
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

/* The summary's bytes, checked (input.h): size, encoding, control
 * characters, empty. */
static char *summary_text(const char *path, const parse_options *o, size_t *len, diag_list *dl) {
  if (!o->text) return input_read_summary(path, &o->input, len, dl);
  *len = o->text_len;
  return input_check_text(path, xstrndup(o->text, o->text_len), len, &o->input, dl);
}

int document_parse(const char *path, const parse_options *o, document *doc, char **source, size_t *source_len,
                   diag_list *dl) {
  static const parse_options defaults = {0};
  if (!o) o = &defaults;
  *source = NULL;
  *source_len = 0;
  memset(doc, 0, sizeof *doc);
  doc->file = xstrdup(path);
  doc->dir = path_dirname(path);
  size_t len;
  char *text = summary_text(path, o, &len, dl);
  if (!text) return -1;
  int rc, body_line = 0;
  long body = frontmatter_parse(text, len, path, &doc->meta, &body_line, dl);
  if (body >= 0) {
    markdown_options opts = {.cjk_emphasis = true};
    rc = markdown_parse(text + body, len - (size_t)body, body_line, &opts, doc, dl);
    if (rc == 0) rc = input_check_document(doc, &o->input, dl); /* files named, links, words, limits */
  } else {
    rc = -1;
  }
  if (rc == 0 && o->numbered) rc = take_numbered(o->numbered, &doc->meta, dl);
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
    if (b->kind != BLK_HEADING || b->as.text.level != 1) continue;
    doc->meta.title = span_list_text(&b->as.text.spans);
    block_clear(b);
    free(b->marker);
    memmove(b, b + 1, (doc->len - i - 1) * sizeof *b);
    doc->len--;
    return;
  }
}
