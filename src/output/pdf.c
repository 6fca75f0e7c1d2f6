#define _GNU_SOURCE
#include "pdf.h"

#include <ctype.h>
#include <errno.h>
#include <hpdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "docdate.h"
#include "hpdf_compat.h"
#include "utf8.h"
#include "util.h"

/* Text extractors (poppler, Acrobat) read a gap wider than about a tenth
 * of an em between glyphs as a word space. Runs set with such spacing (the
 * quarter em between Chinese and Latin, wide justification) are wrapped in
 * a marked-content span whose /ActualText is the run's own text, so copying
 * gives back exactly the source text. libharu has no call for marked
 * content: the operators go straight into the page's content stream. */
#define SPACED_RUN 0.09

static double monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* cp as UTF-16BE hex: a surrogate pair beyond the BMP. */
static void put_utf16_hex(strbuf *sb, uint32_t cp) {
  if (cp > 0xFFFF)
    sb_printf(sb, "%04X%04X", 0xD800u + ((cp - 0x10000) >> 10), 0xDC00u + ((cp - 0x10000) & 0x3FF));
  else
    sb_printf(sb, "%04X", (unsigned)cp);
}

/* The character a code of a face's subset stands for: itself, or for a
 * Private Use code the real character (beyond the BMP, or a variant). */
static uint32_t real_char(const laid_out *lo, int face, uint32_t code) {
  return glyph_inventory_char(&lo->glyphs, face, code);
}


/* Whether a run needs /ActualText for its text to come back: it holds
 * Private Use codes, or U+3000, which poppler would turn into an ASCII
 * space unless it arrives inside a longer /ActualText. */
static bool needs_actual_text(const laid_out *lo, int face, const char *utf8) {
  for (const char *p = utf8; *p;) {
    uint32_t cp;
    size_t n = utf8_decode(p, strlen(p), &cp);
    if (!n) break;
    p += n;
    if (cp == 0x3000 || real_char(lo, face, cp) != cp) return true;
  }
  return false;
}

/* Opens a marked-content span whose /ActualText is the real text of the
 * runs items[from..to]. */
static void begin_actual_text(HPDF_Page page, const laid_out *lo, const page_item *items, size_t from,
                              size_t to) {
  strbuf sb = {0};
  sb_puts(&sb, "/Span<</ActualText<FEFF");
  for (size_t i = from; i <= to; i++) {
    if (items[i].kind != IT_TEXT) continue;
    for (const char *p = items[i].text; *p;) {
      uint32_t cp;
      size_t n = utf8_decode(p, strlen(p), &cp);
      if (!n) break;
      p += n;
      put_utf16_hex(&sb, real_char(lo, items[i].face, cp));
    }
  }
  sb_puts(&sb, ">>>BDC\n");
  hpdf_page_write_raw(page, sb.data);
  sb_free(&sb);
}

/* libharu's first error, and what the writer was doing when it came. */
typedef struct {
  HPDF_STATUS error, detail;
  const char *file; /* the font or image file it concerned, else NULL (the brief) */
  char what[96];    /* "embedding the font", "drawing page 3" */
} hpdf_errors;

/* Positions to a hundredth of a point (3.5 µm) and spacing to a thousandth:
 * shorter numbers, smaller content streams, no visible difference. */
static HPDF_REAL pos(double v) { return (HPDF_REAL)(round(v * 100) / 100); }
static HPDF_REAL spacing(double v) { return (HPDF_REAL)(round(v * 1000) / 1000); }

typedef struct {
  HPDF_Doc pdf;
  hpdf_errors err;
  const char *doing_file; /* what libharu is working on now (see hpdf_errors) */
  char doing[96];
  int reported;           /* diagnostics before the writer started: finish adds one only if it added none */
  HPDF_Font *fonts;     /* by face id */
  double deadline;      /* CLOCK_MONOTONIC ms; > 0: give up past it */
  stop_check *stop;     /* not NULL: give up when due */
  bool timed_out;
  size_t nfonts;
  VEC(struct image_entry { const char *path; HPDF_Image image; }) images;
  diag_list *dl;
  pdf_page_part *parts; /* batch --booklet: each page's body is kept here too */
  HPDF_Page *pages;     /* the booklet's pages, for links within it */
  pdf_stage_times *times; /* NULL: not timed */
  double lap_start;
} writer;

/* Adds the time since the last lap to *part (NULL: none). */
static void lap(writer *w, double *part) {
  if (!w->times) return;
  double now = monotonic_ms();
  if (part) *part += now - w->lap_start;
  w->lap_start = now;
}
/* The time since the last lap goes to one part of the stage's times. */
#define LAP(w, part) lap(w, (w)->times ? &(w)->times->part : NULL)

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *user) {
  writer *w = user;
  if (w->err.error) return;
  w->err.error = error;
  w->err.detail = detail;
  w->err.file = w->doing_file;
  snprintf(w->err.what, sizeof w->err.what, "%s", w->doing);
}

/* What the writer hands libharu next, for the message if libharu fails. */
static void doing(writer *w, const char *file, const char *what) {
  w->doing_file = file;
  snprintf(w->doing, sizeof w->doing, "%s", what);
}

/* libharu's error: the code it reported, else the one it only recorded
 * (an allocation inside a call that did not check it). */
static HPDF_STATUS error_code(writer *w) {
  if (!w->err.error && w->pdf && HPDF_GetError(w->pdf)) {
    w->err.error = HPDF_GetError(w->pdf);
    w->err.detail = HPDF_GetErrorDetail(w->pdf);
    w->err.file = w->doing_file;
    snprintf(w->err.what, sizeof w->err.what, "%s", w->doing);
  }
  return w->err.error;
}

/* libharu's error as a message: the file it concerned (a font, an image,
 * else the brief), what the writer was doing, what the code means and
 * what to change (hpdf_compat.c's table of libharu's codes). */
static void report_libharu(writer *w, const char *brief, const char *prefix) {
  hpdf_error_info e = hpdf_error_explain(error_code(w));
  diag_error(w->dl, w->err.file ? w->err.file : brief, 0, 0, "%slibharu failed %s: %s (%s, detail %u); %s", prefix,
             w->err.what[0] ? w->err.what : "writing the PDF", e.meaning, e.name, (unsigned)w->err.detail, e.fix);
}

/* The /ToUnicode CMap: codes are Unicode code points (CID = Unicode), so
 * it is one bfrange per 256-code block in use. Private Use codes
 * (font_code) map to their real character, as a UTF-16 surrogate pair
 * beyond the BMP (<E000> <D870DF17> for U+2C317), so search and copy give
 * the character, not the code. */
static void put_bfchars(strbuf *sb, const uint16_t *codes, const uint32_t *chars, size_t n) {
  for (size_t i = 0; i < n; i += 100) { /* at most 100 entries a section */
    size_t k = n - i < 100 ? n - i : 100;
    sb_printf(sb, "%zu beginbfchar\n", k);
    for (size_t j = i; j < i + k; j++) {
      sb_printf(sb, "<%04X> <", codes[j]);
      put_utf16_hex(sb, chars[j]);
      sb_puts(sb, ">\n");
    }
    sb_puts(sb, "endbfchar\n");
  }
}

static void to_unicode_cmap(strbuf *sb, const uint32_t *cps, size_t n, const font_code *pua, size_t npua) {
  bool blocks[256] = {false}, coded[256] = {false};
  for (size_t i = 0; i < npua; i++) coded[pua[i].code >> 8] = true;
  /* Characters in a block that also holds Private Use codes get entries of their own. */
  VEC(uint16_t) codes = {0};
  VEC(uint32_t) chars = {0};
  size_t nblocks = 0;
  for (size_t i = 0; i < n; i++) {
    if (cps[i] > 0xFFFF) continue;
    if (coded[cps[i] >> 8]) {
      VEC_PUSH(codes, (uint16_t)cps[i]);
      VEC_PUSH(chars, cps[i]);
    } else if (!blocks[cps[i] >> 8]) {
      blocks[cps[i] >> 8] = true, nblocks++;
    }
  }
  for (size_t i = 0; i < npua; i++) {
    VEC_PUSH(codes, pua[i].code);
    VEC_PUSH(chars, pua[i].cp);
  }
  sb_puts(sb, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
              "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
              "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
              "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
  size_t left = nblocks;
  for (unsigned hi = 0; hi < 256; hi++) {
    if (!blocks[hi]) continue;
    if (left == nblocks || (nblocks - left) % 100 == 0) /* at most 100 entries a section */
      sb_printf(sb, "%zu beginbfrange\n", left < 100 ? left : 100);
    sb_printf(sb, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
    left--;
    if ((nblocks - left) % 100 == 0 || left == 0) sb_puts(sb, "endbfrange\n");
  }
  put_bfchars(sb, codes.items, chars.items, codes.len);
  VEC_FREE(codes);
  VEC_FREE(chars);
  sb_puts(sb, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

/* The subset tag of /BaseFont (ISO 32000-1 9.6.4): six capitals, here a
 * hash of the font's name and the glyphs it keeps, so the same subset gets
 * the same tag in every run. */
static void subset_name(char *out, size_t cap, const char *ps_name, const font_code_glyph *g, size_t n) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (const char *p = ps_name; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ull;
  for (size_t i = 0; i < n; i++) h = (h ^ ((uint64_t)g[i].code << 16 | g[i].gid)) * 1099511628211ull;
  char tag[7];
  for (int i = 0; i < 6; i++, h /= 26) tag[i] = (char)('A' + h % 26);
  tag[6] = 0;
  snprintf(out, cap, "%s+%s", tag, ps_name);
}

/* /CIDToGIDMap: two bytes per code up to the largest, the glyph's number
 * big-endian (ISO 32000-1 table 117); mostly zeros, so compressed as runs. */
static size_t gid_map(const font_code_glyph *g, size_t n, unsigned char **z) {
  size_t codes = n ? (size_t)g[n - 1].code + 1 : 1;
  unsigned char *bytes = xcalloc(codes, 2);
  for (size_t i = 0; i < n; i++) {
    bytes[2 * g[i].code] = (unsigned char)(g[i].gid >> 8);
    bytes[2 * g[i].code + 1] = (unsigned char)g[i].gid;
  }
  size_t zn = pdf_deflate_runs(bytes, 2 * codes, z);
  free(bytes);
  return zn;
}

/* One face's font made ready for embedding, without libharu: the subset,
 * its widths and name, and its streams compressed (three for TrueType;
 * a CFF program's CIDs are the codes, so it needs no /CIDToGIDMap). */
typedef struct {
  const face_glyphs *g;
  bool cff; /* a CID-keyed CFF program: CIDFontType0, no /CIDToGIDMap */
  font_metrics m;
  char name[96];
  font_code_glyph *glyphs;
  size_t nglyphs;
  uint16_t *widths;
  size_t program_len;
  unsigned char *program, *map, *to_unicode; /* zlib */
  size_t program_z, map_z, to_unicode_z;
} font_prep;

static int prepare_font(font_prep *p, diag_list *dl) {
  const face_glyphs *g = p->g;
  char *data;
  if (font_face_subset_glyphs(g->face, g->cps, g->ncps, g->codes, g->ncodes, &data, &p->program_len, &p->glyphs,
                              &p->nglyphs, dl) != 0)
    return -1;
  p->widths = xcalloc(p->nglyphs + 1, sizeof *p->widths);
  for (size_t i = 0; i < p->nglyphs; i++)
    p->widths[i] = (uint16_t)lround(1000 * font_face_glyph_advance(g->face, p->glyphs[i].full_gid));
  font_face_metrics(g->face, &p->m);
  subset_name(p->name, sizeof p->name, p->m.ps_name, p->glyphs, p->nglyphs);
  strbuf cmap = {0};
  to_unicode_cmap(&cmap, g->cps, g->ncps, g->codes, g->ncodes);
  p->cff = font_face_is_cff(g->face);
  p->program_z = pdf_deflate(data, p->program_len, &p->program);
  p->map_z = p->cff ? 1 : gid_map(p->glyphs, p->nglyphs, &p->map);
  p->to_unicode_z = pdf_deflate(cmap.data, cmap.len, &p->to_unicode);
  sb_free(&cmap);
  free(data);
  if (!p->program_z || !p->map_z || !p->to_unicode_z) {
    diag_error(dl, font_face_path(g->face), 0, 0, "cannot compress the font's subset: out of memory");
    return -1;
  }
  return 0;
}

static void font_prep_free(font_prep *p) {
  free(p->glyphs);
  free(p->widths);
  free(p->program);
  free(p->map);
  free(p->to_unicode);
}

/* Embeds a prepared face (hpdf_compat.c). */
static int load_font(writer *w, size_t id, const font_prep *p) {
  pdf_font_spec spec = {.name = p->name,
                        .metrics = &p->m,
                        .cff = p->cff,
                        .program = {p->program, p->program_z},
                        .program_len = p->program_len,
                        .gid_map = {p->map, p->map_z},
                        .glyphs = p->glyphs,
                        .widths = p->widths,
                        .nglyphs = p->nglyphs,
                        .to_unicode = {p->to_unicode, p->to_unicode_z}};
  doing(w, font_face_path(p->g->face), "embedding this font");
  w->fonts[id] = pdf_font_new(w->pdf, &spec);
  if (!w->fonts[id]) {
    if (!error_code(w)) w->err.error = hpdf_err_alloc; /* pdf_font_new fails only for memory */
    report_libharu(w, NULL, "");
    return -1;
  }
  return 0;
}

/* Every face the document uses, prepared and embedded in face order. */
static int load_fonts(writer *w, const laid_out *lo) {
  int rc = 0;
  for (size_t id = 0; id < lo->glyphs.nfaces && rc == 0; id++) {
    font_prep p = {.g = &lo->glyphs.faces[id]};
    if (!p.g->ncps && !p.g->ncodes) continue;
    rc = prepare_font(&p, w->dl) != 0 ? -1 : load_font(w, id, &p);
    font_prep_free(&p);
  }
  return rc;
}

static HPDF_Image image_for(writer *w, const char *path) {
  for (size_t i = 0; i < w->images.len; i++)
    if (strcmp(w->images.items[i].path, path) == 0) return w->images.items[i].image;
  const char *was_file = w->doing_file;
  char was[sizeof w->doing];
  memcpy(was, w->doing, sizeof was);
  doing(w, path, "reading this image");
  HPDF_Image img = str_ends_with(path, ".png") || str_ends_with(path, ".PNG")
                       ? HPDF_LoadPngImageFromFile(w->pdf, path)
                       : HPDF_LoadJpegImageFromFile(w->pdf, path);
  if (!img) { /* the name may lie (a JPEG called .png): try both; each failure is reset or it fails the save */
    HPDF_ResetError(w->pdf);
    w->err.error = w->err.detail = 0;
    img = HPDF_LoadPngImageFromFile(w->pdf, path);
    if (!img) {
      HPDF_ResetError(w->pdf);
      w->err.error = w->err.detail = 0;
      img = HPDF_LoadJpegImageFromFile(w->pdf, path);
    }
    if (!img) {
      if (!error_code(w)) w->err.error = hpdf_err_invalid_image;
      report_libharu(w, path, "");
    }
  }
  struct image_entry e = {path, img};
  VEC_PUSH(w->images, e);
  doing(w, was_file, was); /* back to the page */
  return img;
}

/* The graphics state last set on the page, so each operator is written
 * only when its value changes. */
typedef struct {
  double line_width;
  rgb stroke, fill;
} graphics_state;

static bool same_color(rgb a, rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; }

static void set_line(HPDF_Page page, graphics_state *gs, double width, rgb color) {
  if (width != gs->line_width) {
    HPDF_Page_SetLineWidth(page, (HPDF_REAL)width);
    gs->line_width = width;
  }
  if (!same_color(color, gs->stroke)) {
    HPDF_Page_SetRGBStroke(page, (HPDF_REAL)color.r, (HPDF_REAL)color.g, (HPDF_REAL)color.b);
    gs->stroke = color;
  }
}

static void set_fill(HPDF_Page page, graphics_state *gs, rgb color) {
  if (!same_color(color, gs->fill)) {
    HPDF_Page_SetRGBFill(page, (HPDF_REAL)color.r, (HPDF_REAL)color.g, (HPDF_REAL)color.b);
    gs->fill = color;
  }
}

/* Whether libharu has failed: drawing stops (a failed call may have freed
 * what the next one would use). */
static bool failed(writer *w) { return w->err.error || HPDF_GetError(w->pdf) != HPDF_OK; }

/* Graphics first (backgrounds, rules, images), then all text in one text object. */
static void draw_graphics(writer *w, HPDF_Page page, const page_box *box) {
  graphics_state gs = {1, {0, 0, 0}, {0, 0, 0}}; /* the PDF defaults */
  for (size_t i = 0; i < box->len; i++) {
    if (failed(w)) return;
    const page_item *it = &box->items[i];
    switch (it->kind) {
      case IT_LINE:
        set_line(page, &gs, it->line_width, it->color);
        HPDF_Page_MoveTo(page, pos(it->x), pos(it->y));
        HPDF_Page_LineTo(page, pos(it->x + it->w), pos(it->y + it->h));
        HPDF_Page_Stroke(page);
        break;
      case IT_RECT:
        set_fill(page, &gs, it->color);
        if (it->stroke) set_line(page, &gs, it->line_width, it->color);
        HPDF_Page_Rectangle(page, pos(it->x), pos(it->y), pos(it->w), pos(it->h));
        if (it->fill && it->stroke) HPDF_Page_FillStroke(page);
        else if (it->fill) HPDF_Page_Fill(page);
        else HPDF_Page_Stroke(page);
        break;
      case IT_IMAGE: {
        HPDF_Image img = image_for(w, it->path);
        if (img) HPDF_Page_DrawImage(page, img, (HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)it->w, (HPDF_REAL)it->h);
        break;
      }
      case IT_LINK: {
        HPDF_Rect r = {(HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)(it->x + it->w), (HPDF_REAL)(it->y + it->h)};
        HPDF_Annotation a = it->dest > 0 && w->pages
                                ? HPDF_Page_CreateLinkAnnot(page, r, HPDF_Page_CreateDestination(w->pages[it->dest - 1]))
                                : HPDF_Page_CreateURILinkAnnot(page, r, it->url);
        if (a) HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
        break;
      }
      default: break;
    }
  }
}

typedef struct {
  HPDF_Font font;
  double size, char_space, line_width;
  rgb color;
  int mode;
} text_state;

/* The last text item of the span starting at i: runs joined by join_next. */
static size_t span_end(const page_box *box, size_t i) {
  while (i + 1 < box->len && box->items[i + 1].kind == IT_TEXT && box->items[i + 1].folio == box->items[i].folio &&
         (box->items[i].join_next ||
          (strcmp(box->items[i].text, "\u3000") == 0 && box->items[i + 1].y == box->items[i].y)))
    i++;
  return i;
}

/* The page's text but its page number (folio false), or only the page
 * number in a text object of its own (folio true), which sets every text
 * state parameter again: a booklet draws it after another body. */
static void draw_text_part(writer *w, const laid_out *lo, HPDF_Page page, const page_box *box, bool folio) {
  bool open = false;
  text_state ts = {NULL, 0, folio ? NAN : 0, -1, {-1, -1, -1}, folio ? -1 : 0};
  size_t span_last = 0; /* an /ActualText span is open up to this item */
  bool in_span = false;
  for (size_t i = 0; i < box->len; i++) {
    if (failed(w)) return;
    const page_item *it = &box->items[i];
    if (it->kind != IT_TEXT || it->folio != folio) continue;
    if (!open) {
      HPDF_Page_BeginText(page);
      open = true;
    }
    HPDF_Font font = w->fonts[it->face];
    if (font != ts.font || it->size != ts.size) {
      HPDF_Page_SetFontAndSize(page, font, (HPDF_REAL)it->size);
      ts.font = font;
      ts.size = it->size;
    }
    if (spacing(it->char_space) != ts.char_space) {
      HPDF_Page_SetCharSpace(page, spacing(it->char_space));
      ts.char_space = spacing(it->char_space);
    }
    if (!same_color(it->color, ts.color)) {
      HPDF_Page_SetRGBFill(page, (HPDF_REAL)it->color.r, (HPDF_REAL)it->color.g, (HPDF_REAL)it->color.b);
      HPDF_Page_SetRGBStroke(page, (HPDF_REAL)it->color.r, (HPDF_REAL)it->color.g, (HPDF_REAL)it->color.b);
      ts.color = it->color;
    }
    int mode = it->fake_bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL;
    if (mode != ts.mode) {
      HPDF_Page_SetTextRenderingMode(page, (HPDF_TextRenderingMode)mode);
      ts.mode = mode;
    }
    if (it->fake_bold && it->line_width != ts.line_width) {
      HPDF_Page_SetLineWidth(page, (HPDF_REAL)it->line_width);
      ts.line_width = it->line_width;
    }
    bool spaced = it->char_space >= SPACED_RUN * it->size;
    if (!in_span) {
      /* Spaced runs, runs that overlap or leave a gap (join_next) and runs
       * with Private Use codes carry their real text as /ActualText. */
      size_t last = span_end(box, i);
      bool overlapping = it->char_space < -0.15 * it->size && strlen(it->text) > 4; /* several glyphs */
      bool actual = last > i || spaced || overlapping || needs_actual_text(lo, it->face, it->text);
      if (actual) {
        begin_actual_text(page, lo, box->items, i, last);
        in_span = true;
        span_last = last;
      }
    }
    HPDF_Page_TextOut(page, pos(it->x), pos(it->y), it->text);
    if (in_span && spaced) { /* the span's extent must be measured with its spacing */
      HPDF_Page_SetCharSpace(page, 0);
      ts.char_space = 0;
    }
    if (in_span && i == span_last) {
      hpdf_page_write_raw(page, "EMC\n");
      in_span = false;
    }
  }
  if (open) HPDF_Page_EndText(page);
}

static void draw_text(writer *w, const laid_out *lo, HPDF_Page page, const page_box *box) {
  draw_text_part(w, lo, page, box, false);
  draw_text_part(w, lo, page, box, true);
}

/* libharu 2.3's UTF-8 encoder turns a character beyond the BMP into a
 * space, and its plain strings stop at a zero byte: a text string (a
 * bookmark title, the document info) is put as a binary string of its
 * UTF-16BE bytes instead (BOM, surrogate pairs), which it writes as hex. */
static void set_text_string(HPDF_Dict dict, const char *key, const char *utf8) {
  strbuf sb = {0};
  sb_append(&sb, "\xFE\xFF", 2);
  for (const char *p = utf8; *p;) {
    uint32_t cp;
    size_t n = utf8_decode(p, strlen(p), &cp);
    if (!n) break;
    p += n;
    uint16_t units[2] = {(uint16_t)cp, 0};
    size_t k = 1;
    if (cp > 0xFFFF) {
      units[0] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
      units[1] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
      k = 2;
    }
    for (size_t j = 0; j < k; j++) {
      char b[2] = {(char)(units[j] >> 8), (char)units[j]};
      sb_append(&sb, b, 2);
    }
  }
  hpdf_dict_add_binary(dict, key, sb.data, sb.len);
  sb_free(&sb);
}

static bool beyond_bmp(const char *utf8) {
  for (const unsigned char *p = (const unsigned char *)utf8; *p; p++)
    if (*p >= 0xF0) return true;
  return false;
}

/* Bookmarks nest by level; a deeper level hangs under the last shallower
 * one, and all under root (a numbered copy's own bookmark) when given. */
static void add_outline(writer *w, const laid_out *lo, HPDF_Page *pages, HPDF_Outline root) {
  HPDF_Encoder utf8 = HPDF_GetEncoder(w->pdf, "UTF-8");
  HPDF_Outline parents[8] = {root};
  for (size_t i = 0; i < lo->noutline; i++) {
    const outline_entry *e = &lo->outline[i];
    int level = e->level < 1 ? 1 : e->level > 6 ? 6 : e->level;
    HPDF_Outline parent = NULL;
    for (int l = level - 1; l >= 0 && !parent; l--) parent = parents[l];
    HPDF_Outline o = HPDF_CreateOutline(w->pdf, parent, e->title, utf8);
    if (!o) continue;
    if (beyond_bmp(e->title)) set_text_string(o, "Title", e->title);
    HPDF_Destination dst = HPDF_Page_CreateDestination(pages[e->page]);
    HPDF_Destination_SetFitH(dst, (HPDF_REAL)e->y);
    HPDF_Outline_SetDestination(o, dst);
    HPDF_Outline_SetOpened(o, HPDF_TRUE);
    parents[level] = o;
    for (int l = level + 1; l < 8; l++) parents[l] = NULL;
  }
}

static void set_date(writer *w, const laid_out *lo, const pdf_options *opts) {
  struct tm tm;
  if (!docdate_resolve(lo, opts->source_epoch, &tm)) return;
  HPDF_Date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, 'Z', 0, 0};
  HPDF_SetInfoDateAttr(w->pdf, HPDF_INFO_CREATION_DATE, d);
  HPDF_SetInfoDateAttr(w->pdf, HPDF_INFO_MOD_DATE, d);
}

static void set_info(writer *w, const laid_out *lo, const pdf_options *opts) {
  doing(w, NULL, "writing the document information (title, author, county, keywords, date)");
  HPDF_SetCurrentEncoder(w->pdf, "UTF-8");
  const doc_info *info = &lo->info;
  if (info->title) HPDF_SetInfoAttr(w->pdf, HPDF_INFO_TITLE, info->title);
  if (info->author) HPDF_SetInfoAttr(w->pdf, HPDF_INFO_AUTHOR, info->author);
  if (info->subject) HPDF_SetInfoAttr(w->pdf, HPDF_INFO_SUBJECT, info->subject);
  if (info->keywords) HPDF_SetInfoAttr(w->pdf, HPDF_INFO_KEYWORDS, info->keywords);
  HPDF_SetInfoAttr(w->pdf, HPDF_INFO_CREATOR, opts->creator);
  const char *keys[] = {"Title", "Author", "Subject", "Keywords"};
  const char *values[] = {info->title, info->author, info->subject, info->keywords};
  for (size_t i = 0; i < 4; i++)
    if (values[i] && beyond_bmp(values[i])) set_text_string(hpdf_doc_info(w->pdf), keys[i], values[i]);
  set_date(w, lo, opts);
}

/* libharu's own file stream ignores the result of fclose, so a full disk
 * gave a truncated PDF and exit 0. The document goes to libharu's memory
 * stream and is written here with checked writes, fsync and a checked close. */
static int save(writer *w, const char *path, const char *target) {
  doing(w, NULL, "saving the PDF");
  if (HPDF_SaveToStream(w->pdf) != HPDF_OK) return -1;
  LAP(w, save);
  HPDF_UINT32 size = HPDF_GetStreamSize(w->pdf);
  char *data = xmalloc((size_t)size + 1);
  size_t got = 0;
  while (got < size) {
    HPDF_UINT32 n = size - (HPDF_UINT32)got;
    HPDF_STATUS st = HPDF_ReadFromStream(w->pdf, (HPDF_BYTE *)data + got, &n);
    got += n;
    if (st != HPDF_OK || n == 0) break;
  }
  HPDF_ResetError(w->pdf); /* HPDF_ReadFromStream reports the end of the stream as an error */
  w->err.error = 0;
  int rc = got == size ? 0 : -1;
  if (rc == 0 && file_write_durably(path, data, got) != 0) {
    diag_error(w->dl, target ? target : path, 0, 0, "cannot write the PDF: %s; free some space or write elsewhere (-o)",
               strerror(errno));
    rc = -1;
  }
  LAP(w, file);
  free(data);
  return rc;
}

/* A page of box's size (each page carries its own: a booklet mixes them);
 * NULL when libharu fails (its error recorded). */
static HPDF_Page add_page(writer *w, const page_box *box) {
  HPDF_Page page = HPDF_AddPage(w->pdf);
  if (!page) {
    error_code(w);
    return NULL;
  }
  HPDF_Page_SetWidth(page, (HPDF_REAL)box->w);
  HPDF_Page_SetHeight(page, (HPDF_REAL)box->h);
  return page;
}

/* Numbered copies share the first copy's page contents: page p of every
 * copy shows the content stream of the first copy's page p (a page's
 * /Contents may be an array of streams, and nothing keeps two pages from
 * naming the same stream: ISO 32000-1 7.7.3.3), and each copy's first page
 * adds a small stream of its own holding its number. The shared stream
 * names fonts and images by the page's resource names, which libharu hands
 * out in order of first use (F1, F2 …, X1 …): a copy's page registers the
 * same resources in the same order, and the names are compared before the
 * stream is shared (otherwise that page is drawn in full). */
typedef struct {
  HPDF_Page page;
  HPDF_Dict contents; /* its content stream, without any number */
} first_copy_page;

static void add_links(HPDF_Page page, const page_box *box) {
  for (size_t i = 0; i < box->len; i++) {
    const page_item *it = &box->items[i];
    if (it->kind != IT_LINK) continue;
    HPDF_Rect r = {(HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)(it->x + it->w), (HPDF_REAL)(it->y + it->h)};
    HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(page, r, it->url);
    if (a) HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
  }
}

/* Registers box's images and fonts on page in the order drawing does
 * (graphics first, then text); true when every name matches first's. */
static bool same_resources(writer *w, HPDF_Page page, HPDF_Page first, const page_box *box) {
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < box->len; i++) {
      const page_item *it = &box->items[i];
      if (pass == 0 && it->kind == IT_IMAGE) {
        HPDF_Image img = image_for(w, it->path);
        if (img) hpdf_page_register_image(page, img);
      } else if (pass == 1 && it->kind == IT_TEXT) {
        hpdf_page_register_font(page, w->fonts[it->face]);
      }
    }
  return hpdf_same_resource_names(page, first);
}

/* Keeps the page's body (drawn so far) for a booklet: its content stream
 * wrapped in q … Q (the booklet draws its own page number after it),
 * compressed, and its resources in the order of their names. */
static void take_part(writer *w, HPDF_Page page, const page_box *box, pdf_page_part *part) {
  memset(part, 0, sizeof *part);
  size_t len = 0;
  unsigned char *bytes = hpdf_page_stream_bytes(page, &len);
  strbuf sb = {0};
  sb_puts(&sb, "q\n");
  if (bytes) sb_append(&sb, (const char *)bytes, len);
  sb_puts(&sb, "\nQ\n");
  free(bytes);
  unsigned char *z = NULL;
  size_t n = pdf_deflate(sb.data, sb.len, &z);
  sb_free(&sb);
  size_t magic = sizeof PDF_PRECOMPRESSED - 1;
  part->body = xmalloc(magic + n);
  memcpy(part->body, PDF_PRECOMPRESSED, magic);
  if (n) memcpy(part->body + magic, z, n);
  part->body_len = n ? magic + n : 0;
  free(z);
  const void **objs;
  size_t n_objs = hpdf_page_resources(page, false, &objs);
  if (n_objs) {
    part->faces = xcalloc(n_objs + 1, sizeof *part->faces);
    for (size_t i = 0; i < n_objs; i++)
      for (size_t id = 0; id < w->nfonts; id++)
        if ((const void *)w->fonts[id] == objs[i]) part->faces[part->nfaces++] = (int)id;
  }
  free(objs);
  n_objs = hpdf_page_resources(page, true, &objs);
  if (n_objs) {
    part->images = xcalloc(n_objs + 1, sizeof *part->images);
    for (size_t i = 0; i < n_objs; i++)
      for (size_t k = 0; k < w->images.len; k++)
        if ((const void *)w->images.items[k].image == objs[i])
          part->images[part->nimages++] = xstrdup(w->images.items[k].path);
  }
  free(objs);
  for (size_t i = 0; i < box->len; i++)
    if (box->items[i].kind == IT_LINK) part->nlinks++;
  part->links = xcalloc(part->nlinks + 1, sizeof *part->links);
  part->nlinks = 0;
  for (size_t i = 0; i < box->len; i++)
    if (box->items[i].kind == IT_LINK) {
      part->links[part->nlinks] = box->items[i];
      part->links[part->nlinks++].url = xstrdup(box->items[i].url);
    }
}

/* The body as libharu wrote it: "/F2 16 Tf" selects the page's second font,
 * "<4e2d6587> Tj" shows codes as 4 hex digits each. */
void pdf_part_recode(pdf_page_part *p, int face, const uint16_t *from, const uint16_t *to, size_t n) {
  size_t magic = sizeof PDF_PRECOMPRESSED - 1;
  if (p->body_len <= magic) return;
  int font = 0; /* the resource number F<font> of face on this page, 0: none */
  for (size_t i = 0; i < p->nfaces; i++)
    if (p->faces[i] == face) font = (int)i + 1;
  if (!font) return;
  size_t len = 0;
  unsigned char *text = pdf_inflate(p->body + magic, p->body_len - magic, &len);
  if (!text) return;
  strbuf sb = {0};
  int current = 0;
  for (size_t i = 0; i < len;) {
    if (text[i] == '/' && i + 1 < len && text[i + 1] == 'F') { /* a font selection: /F<k> <size> Tf */
      /* Read within the inflated bytes, which have no NUL at their end
       * (atoi read past it: AddressSanitizer, strict_string_checks). */
      current = 0;
      for (size_t k = i + 2; k < len && isdigit(text[k]) && current < 1000000; k++) current = current * 10 + (text[k] - '0');
    }
    if (text[i] == '<' && current == font && (i == 0 || text[i - 1] != '<')) {
      size_t j = i + 1;
      while (j < len && isxdigit(text[j])) j++;
      if (j < len && text[j] == '>' && (j - i - 1) % 4 == 0 && j + 3 < len && !memcmp(text + j + 1, " Tj", 3)) {
        sb_putc(&sb, '<');
        for (size_t k = i + 1; k < j; k += 4) {
          char hex[5] = {(char)text[k], (char)text[k + 1], (char)text[k + 2], (char)text[k + 3], 0};
          unsigned code = (unsigned)strtoul(hex, NULL, 16);
          for (size_t m = 0; m < n; m++)
            if (from[m] == code) {
              code = to[m];
              break;
            }
          sb_printf(&sb, "%04x", code);
        }
        i = j; /* the '>' is copied below */
      }
    }
    sb_putc(&sb, (char)text[i]);
    i++;
  }
  free(text);
  unsigned char *z = NULL;
  size_t zn = pdf_deflate(sb.data, sb.len, &z);
  sb_free(&sb);
  if (!zn) {
    free(z);
    return;
  }
  free(p->body);
  p->body = xmalloc(magic + zn);
  memcpy(p->body, PDF_PRECOMPRESSED, magic);
  memcpy(p->body + magic, z, zn);
  p->body_len = magic + zn;
  free(z);
}

void pdf_page_part_free(pdf_page_part *p) {
  if (!p) return;
  free(p->faces);
  for (size_t i = 0; i < p->nimages; i++) free(p->images[i]);
  free(p->images);
  for (size_t i = 0; i < p->nlinks; i++) free(p->links[i].url);
  free(p->links);
  free(p->body);
  memset(p, 0, sizeof *p);
}

/* The body, then the page number in a text object of its own. */
static void draw_page(writer *w, const laid_out *lo, HPDF_Page page, const page_box *box, pdf_page_part *part) {
  draw_graphics(w, page, box);
  draw_text_part(w, lo, page, box, false);
  if (part) take_part(w, page, box, part);
  draw_text_part(w, lo, page, box, true);
}

/* One copy of the laid-out pages. A numbered copy adds its 份号 (marks) in
 * a stream of its own on its first page and gets a bookmark of its own
 * holding the headings. first[] records the first copy's pages for the
 * others to share (NULL: nothing to share, nothing to record). */

static void write_copy(writer *w, const laid_out *lo, const page_box *marks, const char *label,
                       first_copy_page *first, bool share) {
  HPDF_Page *pages = xcalloc(lo->npages + 1, sizeof *pages);
  for (size_t p = 0; p < lo->npages && !failed(w) && !w->timed_out; p++) {
    if ((w->deadline > 0 && monotonic_ms() > w->deadline) || stop_due(w->stop)) {
      w->timed_out = true;
      break;
    }
    char what[64];
    snprintf(what, sizeof what, "drawing page %zu", p + 1);
    doing(w, NULL, what);
    HPDF_Page page = pages[p] = add_page(w, &lo->pages[p]);
    if (!page) break;
    if (share && same_resources(w, page, first[p].page, &lo->pages[p])) {
      add_links(page, &lo->pages[p]);
      if (marks && p == 0) hpdf_page_add_stream(page, first[p].contents); /* then the number, below */
      else hpdf_page_show_contents(page, first[p].contents);                /* its own stream stays empty */
    } else {
      draw_page(w, lo, page, &lo->pages[p], w->parts && !share ? &w->parts[p] : NULL);
      if (first && !share) first[p] = (first_copy_page){page, hpdf_page_contents(page)};
      if (marks && p == 0 && !hpdf_page_add_stream(page, hpdf_page_contents(page))) {
        if (!error_code(w)) w->err.error = hpdf_err_alloc;
        break;
      }
    }
    if (marks && p == 0) draw_text(w, lo, page, marks);
  }
  HPDF_Outline root = NULL;
  if (w->timed_out) { /* the PDF is abandoned: no outline over missing pages */
    free(pages);
    return;
  }
  doing(w, NULL, "writing the bookmarks");
  if (label && !w->err.error && lo->npages) {
    root = HPDF_CreateOutline(w->pdf, NULL, label, HPDF_GetEncoder(w->pdf, "UTF-8"));
    if (root) HPDF_Outline_SetDestination(root, HPDF_Page_CreateDestination(pages[0]));
  }
  if (!w->err.error) add_outline(w, lo, pages, root);
  free(pages);
}

/* Numbered copies follow one another, each starting on an odd page (a
 * blank page after a copy with an odd page count) so that every copy
 * comes out of a duplex printer on sheets of its own. */
static int write_pages(writer *w, const laid_out *lo) {
  if (lo->ncopies == 0) {
    write_copy(w, lo, NULL, NULL, NULL, false);
    return w->timed_out ? PDF_TIME_LIMIT : w->err.error ? -1 : 0;
  }
  first_copy_page *first = xcalloc(lo->npages + 1, sizeof *first);
  for (size_t k = 0; k < lo->ncopies && !w->err.error && !w->timed_out; k++) {
    if (k > 0 && lo->npages % 2 && !add_page(w, &lo->pages[lo->npages - 1])) break; /* a blank page in the last page's size */
    write_copy(w, lo, &lo->copy_marks[k], lo->copy_labels[k], first, k > 0);
  }
  free(first);
  return w->timed_out ? PDF_TIME_LIMIT : w->err.error ? -1 : 0;
}

/* Reads the saved PDF out of libharu's memory stream. */
static int save_to_memory(writer *w, char **data, size_t *len) {
  if (HPDF_SaveToStream(w->pdf) != HPDF_OK) return -1;
  HPDF_UINT32 size = HPDF_GetStreamSize(w->pdf);
  *data = xmalloc(size + 1);
  HPDF_UINT32 got = size;
  HPDF_STATUS st = HPDF_ReadFromStream(w->pdf, (HPDF_BYTE *)*data, &got);
  if ((st != HPDF_OK && !hpdf_is_end_of_stream(st)) || got != size) {
    free(*data);
    *data = NULL;
    return -1;
  }
  *len = size;
  return 0;
}

/* Starts a document with lo's fonts subset and loaded, and its info. */
static int writer_open(writer *w, const laid_out *lo, const pdf_options *opts, diag_list *dl) {
  w->dl = dl;
  w->reported = dl->errors;
  doing(w, NULL, "starting the PDF");
  w->pdf = HPDF_New(on_error, w);
  if (!w->pdf) { /* HPDF_New fails for memory only */
    w->err.error = hpdf_err_alloc;
    snprintf(w->err.what, sizeof w->err.what, "%s", w->doing);
    report_libharu(w, opts->input ? opts->input : opts->target, "");
    return -1;
  }
  HPDF_UseUTFEncodings(w->pdf);
  HPDF_SetCompressionMode(w->pdf, HPDF_COMP_ALL);
  HPDF_SetPageMode(w->pdf, lo->noutline ? HPDF_PAGE_MODE_USE_OUTLINE : HPDF_PAGE_MODE_USE_NONE);
  if (error_code(w)) { /* the encoders' tables are allocated here: the later calls would fail for want of them */
    report_libharu(w, opts->input ? opts->input : opts->target, "");
    return -1;
  }
  w->nfonts = lo->glyphs.nfaces;
  w->fonts = xcalloc(lo->glyphs.nfaces + 1, sizeof *w->fonts);
  w->deadline = opts->deadline_ms;
  w->stop = opts->stop;
  int rc = load_fonts(w, lo);
  LAP(w, fonts);
  if (rc == 0) set_info(w, lo, opts);
  return rc;
}

/* Builds the whole document in libharu; 0, -1, or PDF_TIME_LIMIT. */
static int build(writer *w, const laid_out *lo, const pdf_options *opts, diag_list *dl) {
  w->times = opts->times;
  lap(w, NULL);
  int rc = writer_open(w, lo, opts, dl);
  if (rc == 0) rc = write_pages(w, lo);
  LAP(w, pages);
  if (rc == 0 && error_code(w)) rc = -1; /* an error libharu recorded without reporting it */
  return rc;
}

/* Ends the writer; a failure nothing has reported yet is libharu's. */
static int finish(writer *w, int rc, const pdf_options *opts, diag_list *dl) {
  w->dl = dl;
  if (rc == PDF_TIME_LIMIT)
    diag_error(dl, NULL, 0, 0, "the PDF took longer than the time limit; split the summary or raise the limit");
  else if (rc != 0 && dl->errors == w->reported)
    report_libharu(w, opts->input ? opts->input : opts->target, "");
  if (w->pdf) HPDF_Free(w->pdf);
  free(w->fonts);
  VEC_FREE(w->images);
  return rc;
}

int pdf_write_memory(const laid_out *lo, const pdf_options *opts, char **data, size_t *len, diag_list *dl) {
  writer w = {0};
  *data = NULL;
  *len = 0;
  int rc = build(&w, lo, opts, dl);
  if (rc == 0) rc = save_to_memory(&w, data, len);
  return finish(&w, rc, opts, dl);
}


int pdf_write_parts(const laid_out *lo, const pdf_options *opts, const char *path, pdf_page_part *parts,
                    diag_list *dl) {
  writer w = {0};
  w.parts = parts;
  int rc = build(&w, lo, opts, dl);
  if (rc == 0) rc = save(&w, path, opts->target);
  if (rc != 0 && parts)
    for (size_t p = 0; p < lo->npages; p++) pdf_page_part_free(&parts[p]);
  return finish(&w, rc, opts, dl);
}

int pdf_write(const laid_out *lo, const pdf_options *opts, const char *path, diag_list *dl) {
  return pdf_write_parts(lo, opts, path, NULL, dl);
}

/* A brief's page body under a booklet page: the same fonts and images
 * registered in the same order get the same resource names, which are
 * checked; then the compressed body as the page's first content stream.
 * The booklet's own items follow in a second stream. */
static int put_part(writer *w, HPDF_Page page, const pdf_page_part *part) {
  char want[32];
  for (size_t i = 0; i < part->nfaces; i++) {
    const char *name = w->fonts[part->faces[i]] ? hpdf_page_register_font(page, w->fonts[part->faces[i]]) : NULL;
    snprintf(want, sizeof want, "F%zu", i + 1);
    if (!name || strcmp(name, want) != 0) return -1;
  }
  for (size_t i = 0; i < part->nimages; i++) {
    HPDF_Image img = image_for(w, part->images[i]);
    const char *name = img ? hpdf_page_register_image(page, img) : NULL;
    snprintf(want, sizeof want, "X%zu", i + 1);
    if (!name || strcmp(name, want) != 0) return -1;
  }
  if (part->body_len && !hpdf_page_write_bytes(page, part->body, part->body_len)) return -1;
  if (!hpdf_page_add_stream(page, hpdf_page_contents(page))) return -1;
  for (size_t i = 0; i < part->nlinks; i++) {
    const page_item *it = &part->links[i];
    HPDF_Rect r = {(HPDF_REAL)it->x, (HPDF_REAL)it->y, (HPDF_REAL)(it->x + it->w), (HPDF_REAL)(it->y + it->h)};
    HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(page, r, it->url);
    if (a) HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0);
  }
  return 0;
}

int pdf_write_booklet(const laid_out *frame, const pdf_page_part *const *parts, const pdf_options *opts,
                      const char *path, diag_list *dl) {
  writer w = {0};
  int rc = writer_open(&w, frame, opts, dl);
  if (rc == 0) {
    w.pages = xcalloc(frame->npages + 1, sizeof *w.pages);
    for (size_t p = 0; p < frame->npages && !w.err.error; p++) w.pages[p] = add_page(&w, &frame->pages[p]);
    for (size_t p = 0; p < frame->npages && rc == 0 && !w.err.error; p++) {
      if (parts[p] && put_part(&w, w.pages[p], parts[p]) != 0) {
        diag_error(dl, path, 0, 0, "page %zu: a brief's fonts or images could not be named as in its own PDF", p + 1);
        rc = -1;
      }
      draw_graphics(&w, w.pages[p], &frame->pages[p]);
      draw_text(&w, frame, w.pages[p], &frame->pages[p]);
    }
    if (rc == 0 && !w.err.error) add_outline(&w, frame, w.pages, NULL);
    if (w.err.error) rc = -1;
  }
  if (rc == 0) rc = save(&w, path, opts->target);
  free(w.pages);
  return finish(&w, rc, opts, dl);
}
