/* Input checks: what a summary may hold before the parse stage trusts it,
 * and what the parsed document may name. See input.h. */
#include "input.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <linebreak.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input_limits.h"
#include "linebreaker.h"
#include "jpegcheck.h"
#include "pngcheck.h"
#include "utf8.h"
#include "util.h"

/* Line and column (in characters) of a byte offset into valid UTF-8. */
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

/* ---- encodings ---------------------------------------------------------- */

/* Chinese text saved as GBK/GB18030 is nearly all GB2312 characters: both
 * bytes in 0xA1-0xFE. Latin-1 (é before an ASCII letter), Big5 (half its
 * trail bytes below 0x7F) and binary data decode as GB18030 too, but into
 * rare characters: at least 80% of the multi-byte characters must be GB2312
 * ones for the text to be taken as GB18030. */
static bool looks_like_gb_text(const unsigned char *s, size_t n) {
  size_t multi = 0, core = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < 0x80) continue;
    if (s[i] == 0x80 || s[i] == 0xFF || i + 1 >= n) return false;
    multi++;
    if (s[i + 1] >= 0x30 && s[i + 1] <= 0x39) { /* four-byte sequence */
      i += 3;
      continue;
    }
    if (s[i] >= 0xA1 && s[i + 1] >= 0xA1 && s[i + 1] <= 0xFE) core++;
    i++;
  }
  return multi > 0 && core * 5 >= multi * 4;
}

/* GB18030 → UTF-8 with iconv; NULL when the bytes are not GB18030. */
static char *from_gb18030(const char *data, size_t len, size_t *out_len) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == (iconv_t)-1) return NULL;
  size_t cap = len * 2 + 16, left_out = cap, left_in = len; /* 2 bytes → at most 3, 4 → 4 */
  char *out = xmalloc(cap + 1), *op = out, *ip = (char *)data;
  size_t r = iconv(cd, &ip, &left_in, &op, &left_out);
  iconv_close(cd);
  if (r == (size_t)-1 || left_in) {
    free(out);
    return NULL;
  }
  *out_len = (size_t)(op - out);
  *op = '\0';
  return out;
}

/* Not UTF-8: GB18030 with a warning (an error with --strict), else an
 * error naming the first bad byte. Returns the UTF-8 text or NULL. */
static char *decode_other(const char *path, char *text, size_t *len, long bad, const input_options *o,
                          diag_list *dl) {
  int line, col;
  position_of(text, (size_t)bad, &line, &col);
  unsigned char b0 = (unsigned char)text[0], b1 = *len > 1 ? (unsigned char)text[1] : 0;
  if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) {
    diag_error(dl, path, 1, 1, "the summary is UTF-16 (Notepad's \"Unicode\"), not UTF-8; save it as UTF-8");
    return NULL;
  }
  size_t utf8_len = 0;
  char *utf8 = looks_like_gb_text((const unsigned char *)text, *len) ? from_gb18030(text, *len, &utf8_len) : NULL;
  if (!utf8) {
    diag_error(dl, path, line, col, "invalid UTF-8 (byte 0x%02X at offset %ld), and not GB18030 Chinese text "
               "either; save the file as UTF-8", (unsigned char)text[bad], bad);
    return NULL;
  }
  if (o->strict) {
    diag_error(dl, path, line, col, "the summary is GB18030 (GBK, Notepad's \"ANSI\"), not UTF-8 (byte 0x%02X at "
               "offset %ld); convert it: iconv -f GB18030 -t UTF-8 '%s' > NEW.md, or leave out --strict",
               (unsigned char)text[bad], bad, path);
    free(utf8);
    return NULL;
  }
  diag_warning(dl, path, line, col, "not UTF-8 (byte 0x%02X at offset %ld): read as GB18030 (GBK, Notepad's \"ANSI\"); "
               "convert it once: iconv -f GB18030 -t UTF-8 '%s' > NEW.md", (unsigned char)text[bad], bad, path);
  *len = utf8_len;
  return utf8;
}

/* ---- characters --------------------------------------------------------- */

static const char *const c0_names[32] = {
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
    "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"};

/* Tab, line ends and Word's manual line (VT) and page (FF) breaks pass;
 * every other C0 or C1 control character and DEL is refused. */
static bool refused_control(uint32_t cp) {
  if (cp < 0x20) return cp != '\t' && cp != '\n' && cp != '\r' && cp != 0x0B && cp != 0x0C;
  return cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

/* The 66 noncharacters (U+FDD0..U+FDEF and the last two code points of
 * every plane, U+FFFE and U+FFFF among them): not text, no font draws them,
 * a broken conversion leaves them. */
static bool is_noncharacter(uint32_t cp) {
  return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

static int check_characters(const char *path, const char *text, size_t len, diag_list *dl) {
  const char *nul = memchr(text, '\0', len);
  if (nul) {
    int line, col;
    position_of(text, (size_t)(nul - text), &line, &col);
    diag_error(dl, path, line, col, "NUL byte at offset %zu; this is not a text file", (size_t)(nul - text));
    return -1;
  }
  size_t first = 0, count = 0;
  uint32_t first_cp = 0;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t n = utf8_decode(text + i, len - i, &cp);
    if (n == 0) { /* not reached: the text is valid UTF-8 by now */
      i++;
      continue;
    }
    if ((refused_control(cp) || is_noncharacter(cp)) && count++ == 0) {
      first = i;
      first_cp = cp;
    }
    i += n;
  }
  if (!count) return 0;
  int line, col;
  position_of(text, first, &line, &col);
  char more[64] = "";
  if (count > 1) snprintf(more, sizeof more, " (and %zu more in the file)", count - 1);
  if (is_noncharacter(first_cp))
    diag_error(dl, path, line, col, "noncharacter U+%04X%s: it is not text and no font prints it; delete it "
               "(a broken conversion leaves these)", (unsigned)first_cp, more);
  else diag_error(dl, path, line, col, "control character U+%04X%s%s%s%s; delete it (a copy and paste leaves these)",
             (unsigned)first_cp, first_cp < 0x20 ? " (" : first_cp == 0x7F ? " (DEL" : "",
             first_cp < 0x20 ? c0_names[first_cp] : "", first_cp < 0x20 || first_cp == 0x7F ? ")" : "", more);
  return -1;
}

/* Nothing but white space (ASCII, the ideographic space, a BOM, VT, FF). */
static bool is_blank_text(const char *text, size_t len) {
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t n = utf8_decode(text + i, len - i, &cp);
    if (n == 0) return false;
    if (!(cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x3000 || cp == 0xFEFF)) return false;
    i += n;
  }
  return true;
}

/* ``` or ~~~ after the line's indentation and quote marks: a code fence
 * (opening or closing; the kind is not matched, a rough count suffices). */
static bool is_fence_line(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '>')) p++;
  return end - p >= 3 && (!strncmp(p, "```", 3) || !strncmp(p, "~~~", 3));
}

/* cmark-gfm 0.29.0.gfm.6 (Debian 12) parses a table row by appending each
 * cell to a list it walks from the start (cmark_llist_append): a row of n
 * cells takes n²/2 steps, and `|a|` repeated 32,000 times 1.2 s. A line
 * outside code fences with more than twice as many unescaped '|' as the
 * widest table has columns is refused before the parse (a table a little
 * too wide still gets check_table's message): at most 128²/2 steps a line
 * of at least 256 bytes, linear in the summary's size. In all, a summary
 * holds at most the cells of one table of the largest size: parsed, a 15 MB
 * table took 7 GB. */
static int check_table_lines(const char *path, const char *text, size_t len, diag_list *dl) {
  bool in_code = false;
  int line = 1;
  size_t total = 0; /* a cell costs some 900 bytes parsed (cmark-gfm's nodes, the model's spans) */
  for (const char *p = text, *end = text + len; p < end; line++) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    if (is_fence_line(p, eol)) in_code = !in_code;
    size_t pipes = 0;
    for (const char *q = p; !in_code && q < eol; q++) {
      if (*q == '\\') q++;
      else if (*q == '|') pipes++;
    }
    if (pipes > 2 * LIMIT_TABLE_COLS) {
      diag_error(dl, path, line, 1, "a line with %zu '|', far too many for a table row (a table has at most %d "
                 "columns); split the table, or write \\| for a '|' that is text", pipes, LIMIT_TABLE_COLS);
      return -1;
    }
    total += pipes;
    if (total > (size_t)LIMIT_TABLE_ROWS * (LIMIT_TABLE_COLS + 1)) {
      diag_error(dl, path, line, 1, "more than %zu '|' (table cells) by this line, the cells of the largest table "
                 "(%d rows of %d columns); split the summary", (size_t)LIMIT_TABLE_ROWS * (LIMIT_TABLE_COLS + 1),
                 LIMIT_TABLE_ROWS, LIMIT_TABLE_COLS);
      return -1;
    }
    p = eol + 1;
  }
  return 0;
}

/* cmark-gfm 0.29.0.gfm.6 (Debian 12), after each link it forms, walks back
 * over every image opener `![` still open in the paragraph (the walk that
 * deactivates earlier link openers skips images): `![[]()` repeated costs
 * (images × links), 2.6 s at 20,000 and hours at the summary's size limit.
 * A paragraph (lines up to a blank one, outside code fences) with more than
 * LIMIT_PARAGRAPH_IMAGES unescaped `![` and as many `]` is refused before the
 * parse: the walk is then at most that long a link, linear in the summary.
 * Either alone is harmless (`[a` or `![[a` repeated stay text). */
static int check_image_openers(const char *path, const char *text, size_t len, diag_list *dl) {
  bool in_code = false;
  int line = 1, first = 1;
  size_t images = 0, closers = 0;
  for (const char *p = text, *end = text + len; p < end; line++) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    if (is_fence_line(p, eol)) in_code = !in_code;
    bool blank = true;
    for (const char *q = p; q < eol; q++) blank &= *q == ' ' || *q == '\t' || *q == '\r';
    if (blank || in_code) {
      images = closers = 0;
      first = line + 1;
    }
    for (const char *q = p; !in_code && q < eol; q++) {
      if (*q == '\\') q++;
      else if (*q == '!' && q + 1 < eol && q[1] == '[') images++;
      else if (*q == ']') closers++;
    }
    if (images > LIMIT_PARAGRAPH_IMAGES && closers > LIMIT_PARAGRAPH_IMAGES) {
      diag_error(dl, path, first, 1, "a paragraph with more than %d '![' (images) and as many ']', which the "
                 "Markdown parser takes quadratic time over; split the paragraph, or write \\! and \\] for "
                 "marks that are text", LIMIT_PARAGRAPH_IMAGES);
      return -1;
    }
    p = eol + 1;
  }
  return 0;
}

char *input_read_summary(const char *path, const input_options *o, size_t *len, diag_list *dl) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > LIMIT_SUMMARY_BYTES) {
    diag_error(dl, path, 0, 0, "the summary is %.1f MB; at most %ld MB is read: split it into several summaries",
               st.st_size / 1048576.0, LIMIT_SUMMARY_BYTES / 1048576);
    return NULL;
  }
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    diag_error(dl, path, 0, 0, "this is a folder, not a summary; name a .md file (batch takes folders)");
    return NULL;
  }
  char *text = file_read_max(path, LIMIT_SUMMARY_BYTES, len); /* bounded: a device or FIFO has no size */
  if (!text && errno == EFBIG) {
    diag_error(dl, path, 0, 0, "the summary holds more than %ld MB (it is no regular file: a device or a pipe?); "
               "at most %ld MB is read: name a summary file", LIMIT_SUMMARY_BYTES / 1048576, LIMIT_SUMMARY_BYTES / 1048576);
    return NULL;
  }
  if (!text) {
    diag_error(dl, path, 0, 0, "cannot read the summary: %s", strerror(errno));
    return NULL;
  }
  return input_check_text(path, text, len, o, dl);
}

char *input_check_text(const char *path, char *text, size_t *len, const input_options *o, diag_list *dl) {
  if (*len > LIMIT_SUMMARY_BYTES) { /* text that came without a file (a server's request) */
    diag_error(dl, path, 0, 0, "the summary is %.1f MB; at most %ld MB is read: split it into several summaries",
               *len / 1048576.0, LIMIT_SUMMARY_BYTES / 1048576);
    free(text);
    return NULL;
  }
  long bad = utf8_invalid_offset(text, *len);
  if (bad >= 0) {
    char *utf8 = decode_other(path, text, len, bad, o, dl);
    free(text);
    if (!utf8) return NULL;
    text = utf8;
  }
  if (check_characters(path, text, *len, dl) != 0 || check_table_lines(path, text, *len, dl) != 0 ||
      check_image_openers(path, text, *len, dl) != 0) {
    free(text);
    return NULL;
  }
  if (is_blank_text(text, *len)) {
    if (o->allow_empty) {
      diag_warning(dl, path, 0, 0, "the summary is empty (nothing but white space): a blank brief is written");
    } else {
      diag_warning(dl, path, 0, 0, "the summary is empty (nothing but white space): no PDF written; write the "
                   "brief, or pass --allow-empty for a blank one");
      free(text);
      return NULL;
    }
  }
  return text;
}

/* ---- the parsed document ------------------------------------------------ */

/* VT and FF (Word's manual line and page breaks) in a text span become
 * line breaks between the pieces. */
static void split_manual_breaks(span_list *l) {
  bool any = false;
  for (size_t i = 0; i < l->len && !any; i++) any = l->items[i].kind == SPAN_TEXT && strpbrk(l->items[i].text, "\v\f");
  if (!any) return;
  span_list out = {0};
  for (size_t i = 0; i < l->len; i++) {
    span *s = &l->items[i];
    const char *p = s->text;
    for (const char *q; s->kind == SPAN_TEXT && (q = strpbrk(p, "\v\f"));) {
      if (q > p) span_list_push(&out, SPAN_TEXT, s->style, p, (size_t)(q - p), s->url, s->line, s->col);
      span_list_push(&out, SPAN_BREAK, 0, "", 0, NULL, s->line, s->col);
      p = q + 1;
    }
    if (*p || s->kind != SPAN_TEXT) span_list_push(&out, s->kind, s->style, p, strlen(p), s->url, s->line, s->col);
  }
  span_list_free(l);
  *l = out;
}

static void manual_breaks_in_literal(char *s) {
  for (; s && *s; s++)
    if (*s == '\v' || *s == '\f') *s = '\n';
}

/* A link target too long to be a link: the text stays, the link goes. */
static void drop_long_links(const document *doc, span_list *l, diag_list *dl) {
  const char *reported = NULL;
  for (size_t i = 0; i < l->len; i++) {
    span *s = &l->items[i];
    if (!s->url || strlen(s->url) <= LIMIT_LINK_BYTES) continue;
    if (!reported || strcmp(reported, s->url) != 0)
      diag_warning(dl, doc->file, s->line, s->col, "a link target of %zu bytes (at most %d): the text is printed but "
                   "is not clickable; shorten the link", strlen(s->url), LIMIT_LINK_BYTES);
    free((char *)reported);
    reported = xstrdup(s->url);
    free(s->url);
    s->url = NULL;
  }
  free((char *)reported);
}

/* The longest run of characters without a break opportunity (UAX #14). */
static size_t longest_word(const char *text, size_t len, char *brks) {
  linebreak_unibreak_utf8(text, len, brks);
  size_t run = 0, longest = 0;
  for (size_t i = 0; i < len; i++) {
    if (brks[i] == LINEBREAK_INSIDEACHAR) continue;
    run++;
    if (run > longest) longest = run;
    if (brks[i] == LINEBREAK_ALLOWBREAK || brks[i] == LINEBREAK_MUSTBREAK) run = 0;
  }
  return longest;
}

static void report_long_words(const document *doc, const span_list *l, diag_list *dl) {
  for (size_t i = 0; i < l->len; i++) {
    const span *s = &l->items[i];
    size_t len = strlen(s->text);
    if (s->kind != SPAN_TEXT || len <= LIMIT_WORD_CHARS) continue;
    char *brks = xmalloc(len + 1);
    size_t longest = longest_word(s->text, len, brks);
    free(brks);
    if (longest > LIMIT_WORD_CHARS)
      diag_warning(dl, doc->file, s->line, s->col, "a word of %zu characters with no break opportunity (a long URL?) "
                   "is broken wherever it reaches the end of a line; put spaces in it or shorten it", longest);
  }
}

/* Only web and mail addresses become clickable (a PDF's /URI action is
 * followed by the reader: javascript:, file: and data: targets run code or
 * open local files on the reader's machine); an empty target (valid
 * CommonMark, `[附件]()`) links nowhere. */
static bool is_clickable_url(const char *url) {
  static const char *const schemes[] = {"http://", "https://", "mailto:"};
  for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
    size_t n = strlen(schemes[i]);
    if (!strncasecmp(url, schemes[i], n) && url[n]) return true;
  }
  return false;
}

/* A target that is not a web or mail address: the text stays, the link goes. */
static void drop_unsafe_links(const document *doc, span_list *l, diag_list *dl) {
  char *reported = NULL;
  for (size_t i = 0; i < l->len; i++) {
    span *s = &l->items[i];
    if (!s->url || is_clickable_url(s->url)) continue;
    if (!reported || strcmp(reported, s->url) != 0) {
      if (!*s->url)
        diag_warning(dl, doc->file, s->line, s->col, "a link with an empty target: its text is printed, not "
                     "clickable; write the address in the parentheses, or drop them");
      else
        diag_warning(dl, doc->file, s->line, s->col, "a link to '%.80s%s' is not a web or mail address (http, https, "
                     "mailto): its text is printed, not clickable", s->url, strlen(s->url) > 80 ? "..." : "");
    }
    free(reported);
    reported = s->url; /* moved: the span keeps no target */
    s->url = NULL;
  }
  free(reported);
}

static void check_spans(const document *doc, span_list *l, diag_list *dl) {
  split_manual_breaks(l);
  drop_unsafe_links(doc, l, dl);
  drop_long_links(doc, l, dl);
  report_long_words(doc, l, dl);
}

/* "/a/b/../c" → "/a/c", lexically; path must be absolute. */
static char *normalise(const char *path) {
  strbuf sb = {0};
  for (const char *p = path; *p;) {
    while (*p == '/') p++;
    const char *end = strchr(p, '/');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (n == 0 || (n == 1 && p[0] == '.')) {
    } else if (n == 2 && p[0] == '.' && p[1] == '.') {
      char *slash = sb.data ? strrchr(sb.data, '/') : NULL;
      if (slash) *slash = '\0', sb.len = (size_t)(slash - sb.data);
    } else {
      sb_putc(&sb, '/');
      sb_append(&sb, p, n);
    }
    p += n;
  }
  return sb.len ? sb_take(&sb) : (sb_free(&sb), xstrdup("/"));
}

/* The real path of a file, or for one that does not exist the real path
 * of its folder (or the lexical path) joined with its name. */
static char *resolve(const char *path) {
  char *real = realpath(path, NULL);
  if (real) return real;
  char cwd[PATH_MAX];
  char *abs = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", getcwd(cwd, sizeof cwd) ? cwd : "", path);
  char *norm = normalise(abs);
  free(abs);
  char *dir = path_dirname(norm), *rdir = realpath(dir, NULL);
  const char *base = strrchr(norm, '/') + 1;
  char *out = rdir ? xasprintf("%s/%s", strcmp(rdir, "/") ? rdir : "", base) : xstrdup(norm);
  free(dir);
  free(rdir);
  free(norm);
  return out;
}

int input_path_inside(const char *dir, const char *path) {
  char *rdir = realpath(dir, NULL), *rpath = resolve(path);
  size_t n = rdir ? strlen(rdir) : 0;
  bool inside = rdir && (!strcmp(rdir, "/") ||
                         (!strncmp(rpath, rdir, n) && (rpath[n] == '/' || rpath[n] == '\0')));
  free(rdir);
  free(rpath);
  return inside ? 0 : -1;
}

static int check_image(const document *doc, const block *b, const input_options *o, diag_list *dl) {
  const char *path = b->as.image.path;
  size_t n = strlen(doc->dir); /* the path as the summary spells it */
  const char *written = !strncmp(path, doc->dir, n) && path[n] == '/' ? path + n + 1 : path;
  if (!o->allow_outside && input_path_inside(doc->dir, path) != 0) {
    diag_error(dl, doc->file, b->line, b->col, "image '%s' is outside the summary's folder %s; copy it there "
               "(or pass --allow-outside)", written, doc->dir);
    return -1;
  }
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) { /* a FIFO would block the read, a device never end */
    diag_error(dl, doc->file, b->line, b->col, "image '%s' is no regular file (a device, FIFO or folder); name a "
               "PNG or JPEG file", written);
    return -1;
  }
  char why[256];
  if (image_png_check(path, why, sizeof why) != 0) {
    diag_error(dl, doc->file, b->line, b->col, "image '%s' is a damaged PNG (%s); save it again or export it anew",
               written, why);
    return -1;
  }
  if (image_jpeg_check(path, why, sizeof why) != 0) {
    diag_error(dl, doc->file, b->line, b->col, "image '%s' is a JPEG that cannot be printed (%s); save it again or export it anew "
               "as an ordinary JPEG",
               written, why);
    return -1;
  }
  return 0;
}

static int check_table(const document *doc, block *b, diag_list *dl) {
  table_data *t = b->as.table.data;
  if (t->rows > LIMIT_TABLE_ROWS || t->cols > LIMIT_TABLE_COLS) {
    diag_error(dl, doc->file, b->line, b->col, "a table of %d rows and %d columns; at most %d rows and %d columns: "
               "split it", t->rows, t->cols, LIMIT_TABLE_ROWS, LIMIT_TABLE_COLS);
    return -1;
  }
  for (int i = 0; i < t->rows * t->cols; i++) check_spans(doc, &t->cells[i], dl);
  return 0;
}

int input_check_document(document *doc, const input_options *o, diag_list *dl) {
  int rc = 0;
  for (size_t i = 0; i < doc->len; i++) {
    block *b = &doc->items[i];
    if (b->list_depth + b->quote_depth > LIMIT_NESTING) {
      diag_error(dl, doc->file, b->line, b->col, "lists and quotes nested %d deep; at most %d: flatten them",
                 b->list_depth + b->quote_depth, LIMIT_NESTING);
      return -1; /* once: every deeper block would say the same */
    }
    span_list *spans = block_spans(b);
    if (spans) check_spans(doc, spans, dl);
    manual_breaks_in_literal(block_literal(b));
    if (b->kind == BLK_IMAGE && check_image(doc, b, o, dl) != 0) rc = -1;
    if (block_table_data(b) && check_table(doc, b, dl) != 0) rc = -1;
  }
  return rc;
}
