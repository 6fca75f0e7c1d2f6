/* OFD writer. The package (GB/T 33190-2016, its file structure):
 *
 *   OFD.xml                      entry: DocInfo (metadata), DocRoot
 *   Doc_0/Document.xml           CommonData (page area, resources), Pages, Outlines
 *   Doc_0/PublicRes.xml          colour space and fonts
 *   Doc_0/DocumentRes.xml        images as MultiMedia
 *   Doc_0/Pages/Page_N/Content.xml  one Layer of PathObject, ImageObject and
 *                                TextObject; links as the
 *                                page's Actions with a Region
 *   Doc_0/Res/                   the font subsets and image files
 *
 * OFD measures in millimetres from the top-left corner, y down; the layout
 * gives PDF points from the bottom-left. Entries are written in a fixed
 * order with one fixed time, so the same brief gives the same bytes. */
#include "ofd.h"

#include <libxml/xmlwriter.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#include "docdate.h"
#include "glyphrun.h"
#include "util.h"

#define NS "http://www.ofdspec.org/2016"
#define MM_PER_PT (25.4 / 72)

typedef struct {
  char *name;  /* entry name in the package */
  char *data;  /* malloc'd; handed to libzip */
  size_t len;
} entry;

typedef VEC(entry) entry_list;

typedef struct {
  const char *path; /* from the laid-out page */
  int id;
  char *file;       /* Res/ file name */
  bool jpeg;
} image_res;

typedef struct {
  int id;              /* OFD ID of the font, 0 when the face prints nothing */
  char *data;          /* the subset */
  size_t len;
  subset_cmap *cmap;   /* the subset's own cmap */
} font_res;

/* One page of the OFD: a laid-out page (or a blank one between numbered
 * copies), with the copy's number on its first page. */
typedef struct {
  long page;              /* index into lo->pages, -1: blank */
  const page_box *marks;  /* the 份号 of a numbered copy, or NULL */
} sheet;

typedef struct {
  const laid_out *lo;
  const ofd_options *opts;
  diag_list *dl;
  int next_id, colorspace_id;
  font_res *fonts; /* by face id */
  VEC(image_res) images;
  entry_list pages; /* Content.xml of each page */
  int *page_ids;          /* by sheet */
  VEC(sheet) sheets;
  size_t *copy_start;     /* sheet of each numbered copy's first page */
  run_glyphs glyphs;
  double page_h;    /* the page being written: every page has its own size */
  bool xml_failed;
} ofd_writer;

/* ---- numbers --------------------------------------------------------- */

/* Millimetres to a thousandth (1 µm), without trailing zeros. */
static void put_num(strbuf *sb, double v) {
  double r = round(v * 1000) / 1000;
  if (r == 0) r = 0; /* no "-0" */
  char buf[32];
  snprintf(buf, sizeof buf, "%.3f", r);
  char *e = buf + strlen(buf) - 1;
  while (*e == '0') *e-- = '\0';
  if (*e == '.') *e = '\0';
  sb_puts(sb, buf);
}

static double mm(double pt) { return pt * MM_PER_PT; }

static char *nums(int n, ...) {
  strbuf sb = {0};
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) {
    if (i) sb_putc(&sb, ' ');
    put_num(&sb, va_arg(ap, double));
  }
  va_end(ap);
  return sb_take(&sb);
}

/* ---- XML ------------------------------------------------------------- */

typedef struct {
  xmlBufferPtr buf;
  xmlTextWriterPtr w;
  ofd_writer *o;
} xml_doc;

static void check(xml_doc *x, int rc) {
  if (rc < 0) x->o->xml_failed = true;
}

static void xml_begin(xml_doc *x, ofd_writer *o, const char *root) {
  x->o = o;
  x->buf = xmlBufferCreate();
  x->w = xmlNewTextWriterMemory(x->buf, 0);
  if (!x->w) {
    o->xml_failed = true;
    return;
  }
  check(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL));
  check(x, xmlTextWriterStartElementNS(x->w, BAD_CAST "ofd", BAD_CAST root, BAD_CAST NS));
}

static void el(xml_doc *x, const char *name) {
  if (x->w) check(x, xmlTextWriterStartElementNS(x->w, BAD_CAST "ofd", BAD_CAST name, NULL));
}

static void end(xml_doc *x) {
  if (x->w) check(x, xmlTextWriterEndElement(x->w));
}

static void attr(xml_doc *x, const char *name, const char *value) {
  if (x->w) check(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value));
}

static void attr_take(xml_doc *x, const char *name, char *value) {
  attr(x, name, value);
  free(value);
}

static void attr_int(xml_doc *x, const char *name, long v) { attr_take(x, name, xasprintf("%ld", v)); }

static void text(xml_doc *x, const char *s) {
  if (x->w) check(x, xmlTextWriterWriteString(x->w, BAD_CAST s));
}

/* <ofd:name>text</ofd:name> */
static void leaf(xml_doc *x, const char *name, const char *s) {
  el(x, name);
  text(x, s);
  end(x);
}

static entry xml_finish(xml_doc *x, const char *name) {
  entry e = {xstrdup(name), NULL, 0};
  if (x->w) {
    check(x, xmlTextWriterEndDocument(x->w));
    xmlFreeTextWriter(x->w);
  }
  e.len = (size_t)xmlBufferLength(x->buf);
  e.data = xmalloc(e.len + 1);
  memcpy(e.data, xmlBufferContent(x->buf), e.len);
  xmlBufferFree(x->buf);
  return e;
}

static char *color_value(rgb c) {
  return xasprintf("%d %d %d", (int)lround(c.r * 255), (int)lround(c.g * 255), (int)lround(c.b * 255));
}

static void color(xml_doc *x, const char *name, rgb c) {
  el(x, name);
  attr_take(x, "Value", color_value(c));
  end(x);
}

/* ---- page content ---------------------------------------------------- */

static void object_start(xml_doc *x, ofd_writer *o, const char *name, char *boundary) {
  el(x, name);
  attr_int(x, "ID", o->next_id++);
  attr_take(x, "Boundary", boundary);
}

/* A rule from (x,y) to (x+w,y+h): a PathObject around the line. */
static void write_line(xml_doc *x, ofd_writer *o, const page_item *it) {
  double ph = o->page_h, lw = mm(it->line_width);
  double x1 = mm(it->x), y1 = mm(ph - it->y), x2 = mm(it->x + it->w), y2 = mm(ph - (it->y + it->h));
  double bx = fmin(x1, x2) - lw / 2, by = fmin(y1, y2) - lw / 2;
  object_start(x, o, "PathObject", nums(4, bx, by, fabs(x2 - x1) + lw, fabs(y2 - y1) + lw));
  attr_take(x, "LineWidth", nums(1, lw));
  color(x, "StrokeColor", it->color);
  strbuf d = {0};
  sb_puts(&d, "M ");
  put_num(&d, x1 - bx), sb_putc(&d, ' '), put_num(&d, y1 - by);
  sb_puts(&d, " L ");
  put_num(&d, x2 - bx), sb_putc(&d, ' '), put_num(&d, y2 - by);
  leaf(x, "AbbreviatedData", d.data);
  sb_free(&d);
  end(x);
}

static void write_rect(xml_doc *x, ofd_writer *o, const page_item *it) {
  double ph = o->page_h, lw = it->stroke ? mm(it->line_width) : 0;
  double w = mm(it->w), h = mm(it->h);
  object_start(x, o, "PathObject",
               nums(4, mm(it->x) - lw / 2, mm(ph - it->y - it->h) - lw / 2, w + lw, h + lw));
  if (it->stroke) attr_take(x, "LineWidth", nums(1, lw));
  else attr(x, "Stroke", "false");
  if (it->fill) attr(x, "Fill", "true");
  if (it->stroke) color(x, "StrokeColor", it->color);
  if (it->fill) color(x, "FillColor", it->color);
  /* "M x y L x y L x y L x y C", inside the boundary. */
  double o0 = lw / 2, pts[4][2] = {{o0, o0}, {o0 + w, o0}, {o0 + w, o0 + h}, {o0, o0 + h}};
  strbuf d = {0};
  for (int i = 0; i < 4; i++) {
    sb_puts(&d, i ? " L " : "M ");
    put_num(&d, pts[i][0]), sb_putc(&d, ' '), put_num(&d, pts[i][1]);
  }
  sb_puts(&d, " C");
  char *data = sb_take(&d);
  leaf(x, "AbbreviatedData", data);
  free(data);
  end(x);
}

static const image_res *image_for(ofd_writer *o, const char *path) {
  for (size_t i = 0; i < o->images.len; i++)
    if (strcmp(o->images.items[i].path, path) == 0) return &o->images.items[i];
  image_res r = {path, o->next_id++, NULL, false};
  size_t len;
  char *bytes = file_read(path, &len);
  r.jpeg = bytes && len > 2 && (unsigned char)bytes[0] == 0xFF && (unsigned char)bytes[1] == 0xD8;
  free(bytes);
  r.file = xasprintf("image_%d.%s", r.id, r.jpeg ? "jpg" : "png");
  VEC_PUSH(o->images, r);
  return &o->images.items[o->images.len - 1];
}

/* An image: the unit square mapped onto its box (CTM). */
static void write_image(xml_doc *x, ofd_writer *o, const page_item *it) {
  int res = image_for(o, it->path)->id;
  double w = mm(it->w), h = mm(it->h);
  object_start(x, o, "ImageObject", nums(4, mm(it->x), mm(o->page_h - it->y - it->h), w, h));
  attr_take(x, "CTM", nums(6, w, 0.0, 0.0, h, 0.0, 0.0));
  attr_int(x, "ResourceID", res);
  end(x);
}

/* DeltaX: the distance from each glyph to the next;
 * "g N d" stands for N equal distances d, as justified lines mostly are. */
static char *delta_x(const run_glyphs *g) {
  strbuf sb = {0};
  for (size_t i = 0; i + 1 < g->len;) {
    double d = mm(g->items[i + 1].x - g->items[i].x);
    size_t j = i + 1;
    while (j + 1 < g->len && fabs(mm(g->items[j + 1].x - g->items[j].x) - d) < 0.0005) j++;
    if (sb.len) sb_putc(&sb, ' ');
    if (j - i >= 3) sb_printf(&sb, "g %zu ", j - i);
    else j = i + 1;
    put_num(&sb, d);
    i = j;
  }
  return sb_take(&sb);
}

/* CGTransform for every character whose glyph is not the one
 * the embedded font's cmap gives for it (a glyph the run reaches by another
 * code than its character's), so a reader draws the glyph the layout chose
 * while TextCode keeps the real character. */
static void write_cg_transforms(xml_doc *x, const ofd_writer *o, const page_item *it) {
  const font_res *f = &o->fonts[it->face];
  for (size_t i = 0; i < o->glyphs.len; i++) {
    const run_glyph *g = &o->glyphs.items[i];
    uint32_t want = glyphrun_cmap_glyph(f->cmap, g->code);
    if (g->code == g->cp || want == glyphrun_cmap_glyph(f->cmap, g->cp)) continue;
    el(x, "CGTransform");
    attr_int(x, "CodePosition", (long)i);
    attr(x, "CodeCount", "1");
    attr(x, "GlyphCount", "1");
    char glyph[16];
    snprintf(glyph, sizeof glyph, "%u", (unsigned)want);
    leaf(x, "Glyphs", glyph);
    end(x);
  }
}

/* One TextObject per run: its box, font, size and colour, and one TextCode
 * with the run's real text, the first glyph's position and DeltaX for the
 * rest. Fake bold is fill and stroke, as in the PDF. */
static void write_text(xml_doc *x, ofd_writer *o, const page_item *it) {
  const face_glyphs *g = &o->lo->glyphs.faces[it->face];
  const font_face *face = g->face;
  double width = glyphrun_with_codes(it, face, g->codes, g->ncodes,
                                     &o->glyphs);
  if (!o->glyphs.len) return;
  double size = mm(it->size), left = mm(it->x), base = mm(o->page_h - it->y);
  /* The box holds the em square and a descender: top one em above the baseline. */
  double top = base - size, pad = size * 0.1;
  object_start(x, o, "TextObject", nums(4, left - pad, top, mm(width) + 2 * pad, size * 1.3));
  attr_int(x, "Font", o->fonts[it->face].id);
  attr_take(x, "Size", nums(1, size));
  if (it->fake_bold) {
    attr(x, "Stroke", "true");
    attr_take(x, "LineWidth", nums(1, mm(it->line_width)));
  }
  color(x, "FillColor", it->color);
  if (it->fake_bold) color(x, "StrokeColor", it->color);
  write_cg_transforms(x, o, it);
  el(x, "TextCode");
  attr_take(x, "X", nums(1, pad));
  attr_take(x, "Y", nums(1, size));
  char *dx = delta_x(&o->glyphs);
  if (*dx) attr(x, "DeltaX", dx);
  free(dx);
  char *real = glyphrun_text(&o->glyphs);
  text(x, real);
  free(real);
  end(x);
  end(x);
}

/* The sheet of page dest (1-based) of the copy sheet p belongs to. */
static size_t dest_sheet(const ofd_writer *o, size_t p, int dest) {
  size_t first = 0;
  for (size_t k = 0; k < o->lo->ncopies; k++)
    if (o->copy_start[k] <= p) first = o->copy_start[k];
  size_t s = first + (size_t)dest - 1;
  return s < o->sheets.len ? s : o->sheets.len - 1;
}

/* Links: a CLICK action on the page with the link's area as its Region,
 * opening the URI, or for a link within the document (a booklet's 目录)
 * going to the top of its page (GB/T 33190-2016 Goto, as the outline). */
static void write_links(xml_doc *x, ofd_writer *o, const page_box *box, size_t p) {
  bool open = false;
  for (size_t i = 0; i < box->len; i++) {
    const page_item *it = &box->items[i];
    if (it->kind != IT_LINK || (it->dest <= 0 && (!it->url || !*it->url))) continue;
    if (!open) el(x, "Actions");
    open = true;
    el(x, "Action");
    attr(x, "Event", "CLICK");
    el(x, "Region");
    el(x, "Area");
    double l = mm(it->x), t = mm(o->page_h - it->y - it->h), w = mm(it->w), h = mm(it->h);
    attr_take(x, "Start", nums(2, l, t));
    const double pts[3][2] = {{l + w, t}, {l + w, t + h}, {l, t + h}};
    for (int k = 0; k < 3; k++) {
      el(x, "Line");
      attr_take(x, "Point1", nums(2, pts[k][0], pts[k][1]));
      end(x);
    }
    el(x, "Close");
    end(x);
    end(x); /* Area */
    end(x); /* Region */
    if (it->dest > 0) {
      el(x, "Goto");
      el(x, "Dest");
      attr(x, "Type", "XYZ");
      attr_int(x, "PageID", o->page_ids[dest_sheet(o, p, it->dest)]);
      attr(x, "Left", "0");
      attr(x, "Top", "0");
      end(x);
      end(x);
    } else {
      el(x, "URI");
      attr(x, "URI", it->url);
      end(x);
    }
    end(x); /* Action */
  }
  if (open) end(x);
}

/* As the PDF: graphics first (backgrounds, rules, images), then the text,
 * the page number last (pdf.c draws it in a text object after the body, so
 * the text comes back in the same order from both). */
static void write_items(xml_doc *x, ofd_writer *o, const page_box *box, bool text) {
  for (int pass = 0; pass < (text ? 2 : 1); pass++)
    for (size_t i = 0; box && i < box->len; i++) {
      const page_item *it = &box->items[i];
      if (text && it->kind == IT_TEXT && it->folio == (pass == 1)) write_text(x, o, it);
      else if (!text && it->kind == IT_LINE) write_line(x, o, it);
      else if (!text && it->kind == IT_RECT) write_rect(x, o, it);
      else if (!text && it->kind == IT_IMAGE) write_image(x, o, it);
    }
}

static entry write_page(ofd_writer *o, size_t p) {
  const sheet *sh = &o->sheets.items[p];
  const page_box *box = sh->page >= 0 ? &o->lo->pages[sh->page] : NULL;
  /* A blank sheet (after a copy of odd length) is the back of the page before. */
  const page_box *size = box ? box : &o->lo->pages[o->lo->npages - 1];
  o->page_h = size->h;
  xml_doc x;
  xml_begin(&x, o, "Page");
  el(&x, "Area");
  char *box_mm = nums(4, 0.0, 0.0, mm(size->w), mm(size->h));
  leaf(&x, "PhysicalBox", box_mm);
  free(box_mm);
  end(&x);
  el(&x, "Content");
  el(&x, "Layer");
  attr_int(&x, "ID", o->next_id++);
  attr(&x, "Type", "Body");
  write_items(&x, o, box, false);
  write_items(&x, o, sh->marks, false);
  write_items(&x, o, box, true);
  write_items(&x, o, sh->marks, true);
  end(&x); /* Layer */
  end(&x); /* Content */
  if (box) write_links(&x, o, box, p);
  char *name = xasprintf("Doc_0/Pages/Page_%zu/Content.xml", p);
  entry e = xml_finish(&x, name);
  free(name);
  return e;
}

/* ---- document -------------------------------------------------------- */

/* The creation date (xs:date) and the package's entry time, as the PDF's
 * (docdate_resolve); without one, the first time a zip entry can hold. */
static bool doc_date(const ofd_writer *o, char date[32], time_t *when) {
  struct tm tm;
  if (!docdate_resolve(o->lo, o->opts->source_epoch, &tm)) {
    *when = 315576000; /* 1980-01-01 12:00 UTC */
    return false;
  }
  *when = timegm(&tm);
  snprintf(date, 32, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return true;
}

/* DocID (a 32-digit identifier): a hash of the document's text, so the
 * same brief keeps its ID wherever its files lie (an image's path or a
 * link's target is not text). */
static void doc_id(const laid_out *lo, char id[33]) {
  uint64_t h[2] = {0xcbf29ce484222325u, 0x84222325cbf29ce4u};
  for (size_t p = 0; p < lo->npages; p++)
    for (size_t i = 0; i < lo->pages[p].len; i++) {
      const page_item *it = &lo->pages[p].items[i];
      if (it->kind != IT_TEXT) continue;
      for (const char *s = it->text; s && *s; s++)
        for (int k = 0; k < 2; k++) h[k] = (h[k] ^ (unsigned char)*s) * 0x100000001b3u;
    }
  snprintf(id, 33, "%016llx%016llx", (unsigned long long)h[0], (unsigned long long)h[1]);
}

/* The PDF's keyword string ("a, b, c") as one Keyword element each. */
static void write_keywords(xml_doc *x, const char *keywords) {
  el(x, "Keywords");
  char *kw = xstrdup(keywords), *s = kw;
  for (char *k; (k = strsep(&s, ",;"));) {
    while (*k == ' ') k++;
    size_t n = strlen(k);
    while (n && k[n - 1] == ' ') k[--n] = '\0';
    if (*k) leaf(x, "Keyword", k);
  }
  free(kw);
  end(x);
}

static entry write_ofd_xml(ofd_writer *o) {
  const laid_out *lo = o->lo;
  xml_doc x;
  xml_begin(&x, o, "OFD");
  attr(&x, "Version", "1.0");
  attr(&x, "DocType", "OFD");
  el(&x, "DocBody");
  el(&x, "DocInfo");
  char id[33], date[32];
  time_t when;
  doc_id(lo, id);
  leaf(&x, "DocID", id);
  if (lo->info.title) leaf(&x, "Title", lo->info.title);
  if (lo->info.author) leaf(&x, "Author", lo->info.author);
  if (lo->info.subject) leaf(&x, "Subject", lo->info.subject);
  if (doc_date(o, date, &when)) leaf(&x, "CreationDate", date);
  if (lo->info.keywords && *lo->info.keywords) write_keywords(&x, lo->info.keywords);
  leaf(&x, "Creator", "brief");
  leaf(&x, "CreatorVersion", o->opts->creator_version);
  end(&x); /* DocInfo */
  leaf(&x, "DocRoot", "Doc_0/Document.xml");
  end(&x);
  return xml_finish(&x, "OFD.xml");
}

/* Bookmarks nest by level, a deeper one inside the last shallower one
 * (OutlineElem), each going to its heading's page and height. */
static void goto_action(xml_doc *x, int page_id, const char *top) {
  el(x, "Actions");
  el(x, "Action");
  attr(x, "Event", "CLICK");
  el(x, "Goto");
  el(x, "Dest");
  attr(x, "Type", "XYZ");
  attr_int(x, "PageID", page_id);
  attr(x, "Left", "0");
  attr(x, "Top", top);
  end(x);
  end(x);
  end(x);
  end(x); /* Actions */
}

/* The headings of the copy whose first page is sheet first. */
static void write_headings(xml_doc *x, const ofd_writer *o, size_t first) {
  const laid_out *lo = o->lo;
  int open[16], depth = 0;
  for (size_t i = 0; i < lo->noutline; i++) {
    const outline_entry *e = &lo->outline[i];
    int level = e->level < 1 ? 1 : e->level > 15 ? 15 : e->level;
    while (depth > 0 && open[depth - 1] >= level) end(x), depth--;
    el(x, "OutlineElem");
    attr(x, "Title", e->title ? e->title : "");
    open[depth++] = level;
    char *top = nums(1, mm(lo->pages[e->page].h - e->y));
    goto_action(x, o->page_ids[first + (size_t)e->page], top);
    free(top);
  }
  while (depth-- > 0) end(x);
}

/* Numbered copies: a bookmark per copy (its 份号) holding its headings. */
static void write_outlines(xml_doc *x, const ofd_writer *o) {
  const laid_out *lo = o->lo;
  if (!lo->noutline && !lo->ncopies) return;
  el(x, "Outlines");
  if (!lo->ncopies) write_headings(x, o, 0);
  for (size_t k = 0; k < lo->ncopies && lo->npages; k++) {
    el(x, "OutlineElem");
    attr(x, "Title", lo->copy_labels[k]);
    goto_action(x, o->page_ids[o->copy_start[k]], "0");
    write_headings(x, o, o->copy_start[k]);
    end(x);
  }
  end(x);
}


static entry write_document_xml(ofd_writer *o) {
  const laid_out *lo = o->lo;
  xml_doc x;
  xml_begin(&x, o, "Document");
  el(&x, "CommonData");
  char *max_id = xasprintf("%d", o->next_id - 1);
  leaf(&x, "MaxUnitID", max_id);
  free(max_id);
  el(&x, "PageArea");
  char *box = nums(4, 0.0, 0.0, mm(lo->pages[0].w), mm(lo->pages[0].h)); /* the default; pages say their own */
  leaf(&x, "PhysicalBox", box);
  free(box);
  end(&x);
  leaf(&x, "PublicRes", "PublicRes.xml");
  leaf(&x, "DocumentRes", "DocumentRes.xml");
  char *cs = xasprintf("%d", o->colorspace_id);
  leaf(&x, "DefaultCS", cs);
  free(cs);
  end(&x); /* CommonData */
  el(&x, "Pages");
  for (size_t p = 0; p < o->sheets.len; p++) {
    el(&x, "Page");
    attr_int(&x, "ID", o->page_ids[p]);
    attr_take(&x, "BaseLoc", xasprintf("Pages/Page_%zu/Content.xml", p));
    end(&x);
  }
  end(&x);
  write_outlines(&x, o);
  return xml_finish(&x, "Doc_0/Document.xml");
}

/* Colour space and fonts: every colour is RGB with
 * 8 bits a component; one font per face, its file the same hb-subset
 * subset the PDF embeds. */
/* A font's file in the package: an OpenType font with CFF outlines is an
 * .otf, a TrueType one a .ttf. */
static char *font_file_name(int id, const font_face *face) {
  return xasprintf("font_%d.%s", id, font_face_is_cff(face) ? "otf" : "ttf");
}

static entry write_public_res(ofd_writer *o) {
  const laid_out *lo = o->lo;
  xml_doc x;
  xml_begin(&x, o, "Res");
  attr(&x, "BaseLoc", "Res");
  el(&x, "ColorSpaces");
  el(&x, "ColorSpace");
  attr_int(&x, "ID", o->colorspace_id);
  attr(&x, "Type", "RGB");
  attr(&x, "BitsPerComponent", "8");
  end(&x);
  end(&x);
  el(&x, "Fonts");
  for (size_t id = 0; id < lo->glyphs.nfaces; id++) {
    if (!o->fonts[id].id) continue;
    el(&x, "Font");
    attr_int(&x, "ID", o->fonts[id].id);
    attr(&x, "FontName", font_face_family(lo->glyphs.faces[id].face));
    attr(&x, "FamilyName", font_face_family(lo->glyphs.faces[id].face));
    char *file = font_file_name(o->fonts[id].id, lo->glyphs.faces[id].face);
    leaf(&x, "FontFile", file);
    free(file);
    end(&x);
  }
  end(&x);
  return xml_finish(&x, "Doc_0/PublicRes.xml");
}

/* Images as MultiMedia resources, files in Res/. */
static entry write_document_res(ofd_writer *o) {
  xml_doc x;
  xml_begin(&x, o, "Res");
  attr(&x, "BaseLoc", "Res");
  if (o->images.len) {
    el(&x, "MultiMedias");
    for (size_t i = 0; i < o->images.len; i++) {
      const image_res *r = &o->images.items[i];
      el(&x, "MultiMedia");
      attr_int(&x, "ID", r->id);
      attr(&x, "Type", "Image");
      attr(&x, "Format", r->jpeg ? "JPEG" : "PNG");
      leaf(&x, "MediaFile", r->file);
      end(&x);
    }
    end(&x);
  }
  return xml_finish(&x, "Doc_0/DocumentRes.xml");
}

/* The subset of every face that prints something (the same call, the same
 * bytes as the PDF's), and its cmap. */
static int load_fonts(ofd_writer *o) {
  const laid_out *lo = o->lo;
  for (size_t id = 0; id < lo->glyphs.nfaces; id++) {
    const face_glyphs *g = &lo->glyphs.faces[id];
    if (!g->ncps && !g->ncodes) continue;
    font_res *f = &o->fonts[id];
    if (font_face_subset(g->face, g->cps, g->ncps, g->codes, g->ncodes, &f->data, &f->len, o->dl) != 0)
      return -1;
    f->cmap = glyphrun_cmap_new(f->data, f->len);
    f->id = o->next_id++;
  }
  return 0;
}

/* The package: entries in a fixed order, each with the same time, deflated. */
static int add_entry(zip_t *za, entry *e, time_t when) {
  zip_source_t *src = zip_source_buffer(za, e->data, e->len, 1);
  if (!src) return -1;
  e->data = NULL; /* libzip frees it */
  zip_int64_t idx = zip_file_add(za, e->name, src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
  if (idx < 0) {
    zip_source_free(src);
    return -1;
  }
  /* libzip turns the time into zip's DOS date and time in the local time
   * zone: shifted by the zone's offset, the entry shows the UTC time
   * wherever it is written, so the bytes do not depend on TZ. */
  struct tm local;
  localtime_r(&when, &local);
  if (zip_file_set_mtime(za, (zip_uint64_t)idx, when - local.tm_gmtoff, 0) != 0) return -1;
  return zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 0);
}

static int write_package(ofd_writer *o, const char *path, entry *parts, size_t n, time_t when) {
  int err = 0;
  zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!za) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    diag_error(o->dl, path, 0, 0, "cannot write the OFD: %s", zip_error_strerror(&ze));
    zip_error_fini(&ze);
    return -1;
  }
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) rc = add_entry(za, &parts[i], when);
  if (rc != 0) {
    diag_error(o->dl, path, 0, 0, "cannot write the OFD: %s", zip_strerror(za));
    zip_discard(za);
    return -1;
  }
  if (zip_close(za) != 0) {
    diag_error(o->dl, path, 0, 0, "cannot write the OFD: %s", zip_strerror(za));
    zip_discard(za);
    return -1;
  }
  return 0;
}

static void add_file(entry_list *parts, char *name, char *data, size_t len) {
  entry e = {name, data, len};
  VEC_PUSH(*parts, e);
}

/* The pages in order. Numbered copies follow one another, each starting on
 * an odd page (a blank page after a copy with an odd page count), as in the
 * PDF, so that every copy comes out of a duplex printer on its own sheets. */
static void plan_sheets(ofd_writer *o) {
  const laid_out *lo = o->lo;
  size_t copies = lo->ncopies ? lo->ncopies : 1;
  o->copy_start = xcalloc(copies + 1, sizeof *o->copy_start);
  for (size_t k = 0; k < copies; k++) {
    if (k > 0 && lo->npages % 2) VEC_PUSH(o->sheets, ((sheet){-1, NULL}));
    o->copy_start[k] = o->sheets.len;
    for (size_t p = 0; p < lo->npages; p++)
      VEC_PUSH(o->sheets, ((sheet){(long)p, lo->ncopies && p == 0 ? &lo->copy_marks[k] : NULL}));
  }
}

static int build_parts(ofd_writer *o, entry_list *parts) {
  const laid_out *lo = o->lo;
  if (load_fonts(o) != 0) return -1;
  plan_sheets(o);
  o->page_ids = xcalloc(o->sheets.len + 1, sizeof *o->page_ids);
  for (size_t p = 0; p < o->sheets.len; p++) o->page_ids[p] = o->next_id++;
  for (size_t p = 0; p < o->sheets.len; p++) {
    entry e = write_page(o, p);
    VEC_PUSH(o->pages, e);
  }
  VEC_PUSH(*parts, write_ofd_xml(o));
  VEC_PUSH(*parts, write_document_xml(o));
  VEC_PUSH(*parts, write_public_res(o));
  VEC_PUSH(*parts, write_document_res(o));
  for (size_t p = 0; p < o->pages.len; p++) VEC_PUSH(*parts, o->pages.items[p]);
  o->pages.len = 0; /* moved */
  for (size_t id = 0; id < lo->glyphs.nfaces; id++) {
    font_res *f = &o->fonts[id];
    if (!f->id) continue;
    char *name = font_file_name(f->id, lo->glyphs.faces[id].face);
    add_file(parts, xasprintf("Doc_0/Res/%s", name), f->data, f->len);
    free(name);
    f->data = NULL;
  }
  for (size_t i = 0; i < o->images.len; i++) {
    const image_res *r = &o->images.items[i];
    size_t len = 0;
    char *bytes = file_read(r->path, &len);
    if (!bytes) {
      diag_error(o->dl, r->path, 0, 0, "cannot read the image for the OFD");
      return -1;
    }
    add_file(parts, xasprintf("Doc_0/Res/%s", r->file), bytes, len);
  }
  if (o->xml_failed) {
    diag_error(o->dl, NULL, 0, 0, "libxml2 failed writing the OFD's XML (out of memory?)");
    return -1;
  }
  return 0;
}

static void free_writer(ofd_writer *o) {
  for (size_t id = 0; o->fonts && id < o->lo->glyphs.nfaces; id++) {
    free(o->fonts[id].data);
    glyphrun_cmap_free(o->fonts[id].cmap);
  }
  free(o->fonts);
  for (size_t i = 0; i < o->images.len; i++) free(o->images.items[i].file);
  VEC_FREE(o->images);
  for (size_t i = 0; i < o->pages.len; i++) free(o->pages.items[i].name), free(o->pages.items[i].data);
  VEC_FREE(o->pages);
  VEC_FREE(o->glyphs);
  free(o->page_ids);
  free(o->copy_start);
  VEC_FREE(o->sheets);
}

int ofd_write_package(const laid_out *lo, const ofd_options *opts, const char *path, diag_list *dl) {
  ofd_writer o = {0};
  o.lo = lo, o.opts = opts, o.dl = dl;
  o.next_id = 1;
  o.colorspace_id = o.next_id++;
  o.fonts = xcalloc(lo->glyphs.nfaces + 1, sizeof *o.fonts);
  entry_list parts = {0};
  int rc = build_parts(&o, &parts);
  if (rc == 0) {
    char date[32];
    time_t when;
    doc_date(&o, date, &when);
    rc = write_package(&o, path, parts.items, parts.len, when);
  }
  for (size_t i = 0; i < parts.len; i++) free(parts.items[i].name), free(parts.items[i].data);
  VEC_FREE(parts);
  free_writer(&o);
  return rc;
}
