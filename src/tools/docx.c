/* Reading a .docx into docx_document (docx.h). WordprocessingML (ECMA-376
 * Part 1, §17): w:body holds w:p paragraphs and w:tbl tables; a paragraph's
 * w:pPr names its style (w:pStyle, resolved through styles.xml with its
 * w:basedOn chain), alignment (w:jc), outline level (w:outlineLvl) and list
 * (w:numPr, numbering.xml); its w:r runs carry w:rPr (w:b, w:i, w:sz,
 * w:color) and w:t text, w:tab, w:br, images (w:drawing's a:blip r:embed,
 * w:pict's v:imagedata r:id) and w:footnoteReference. Content controls,
 * hyperlinks, insertions and smart tags are walked into; deletions skipped. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "docx.h"
#include "ooxml.h"

#define STYLE_DEPTH 16 /* w:basedOn links followed */
#define WALK_DEPTH 48  /* nested w:sdt, w:hyperlink, tables in cells */

typedef struct {
  char *id, *name, *based_on;
  int outline; /* 1-9 or 0 */
  int size;    /* half-points or 0 */
  int bold, italic; /* -1 unset, 0, 1 */
  int jc;      /* -1 unset, else docx_align */
  bool red_set, red;
} style;

typedef struct {
  docx_document *doc;
  const char *path;
  ooxml *zip;
  diag_list *dl;
  VEC(style) styles;
  xmlDoc *numbering, *rels;
  long text_bytes;
  bool too_big, failed;
  int text_boxes;
} reader;

/* ---- small helpers ----------------------------------------------------- */

static bool on_off(const xmlNode *n) {
  const char *v = ooxml_attr(n, "val");
  return !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0 || strcmp(v, "none") == 0);
}

static int int_attr(const xmlNode *n, const char *name, int fallback) {
  const char *v = ooxml_attr(n, name);
  if (!v) return fallback;
  char *end;
  long x = strtol(v, &end, 10);
  return end != v && x >= 0 && x < 100000 ? (int)x : fallback;
}

static int align_of(const char *v) {
  if (!v) return -1;
  if (!strcmp(v, "center")) return ALIGN_MID;
  if (!strcmp(v, "right") || !strcmp(v, "end")) return ALIGN_END;
  if (!strcmp(v, "both") || !strcmp(v, "distribute")) return ALIGN_JUSTIFY;
  return ALIGN_START;
}

/* Red as offices print mastheads: FF0000, C00000, E60012. */
static bool is_red(const char *hex) {
  if (!hex || strlen(hex) != 6) return false;
  unsigned v = (unsigned)strtoul(hex, NULL, 16);
  unsigned r = v >> 16, g = (v >> 8) & 0xFF, b = v & 0xFF;
  return r >= 0xB0 && g < 0x60 && b < 0x60;
}

/* "heading 2", "Heading2", "标题 2", "标题2" → 2; else 0. */
static int heading_level_of_name(const char *name) {
  if (!name) return 0;
  const char *rest = NULL;
  if (!strncasecmp(name, "heading", 7)) rest = name + 7;
  else if (!strncmp(name, "标题", 6)) rest = name + 6;
  if (!rest) return 0;
  while (*rest == ' ') rest++;
  return rest[0] >= '1' && rest[0] <= '9' && !rest[1] ? rest[0] - '0' : 0;
}

/* ---- styles.xml --------------------------------------------------------- */

static void read_run_props(const xmlNode *rpr, int *size, int *bold, int *italic, bool *red_set, bool *red) {
  for (xmlNode *c = rpr ? rpr->children : NULL; c; c = c->next) {
    if (ooxml_is(c, "sz")) *size = int_attr(c, "val", *size);
    else if (ooxml_is(c, "b")) *bold = on_off(c);
    else if (ooxml_is(c, "i")) *italic = on_off(c);
    else if (ooxml_is(c, "color")) {
      *red_set = true;
      *red = is_red(ooxml_attr(c, "val"));
    }
  }
}

static void read_styles(reader *r, xmlDoc *styles) {
  xmlNode *root = styles ? xmlDocGetRootElement(styles) : NULL;
  for (xmlNode *s = root ? root->children : NULL; s; s = s->next) {
    if (ooxml_is(s, "docDefaults")) {
      xmlNode *rpr = ooxml_child(ooxml_child(s, "rPrDefault"), "rPr");
      int size = 0, b = -1, i = -1;
      bool rs = false, red = false;
      read_run_props(rpr, &size, &b, &i, &rs, &red);
      if (size) r->doc->body_size = size;
      continue;
    }
    const char *id = ooxml_attr(s, "styleId");
    if (!ooxml_is(s, "style") || !id || r->styles.len >= 4096) continue;
    style st = {xstrdup(id), NULL, NULL, 0, 0, -1, -1, -1, false, false};
    const char *name = ooxml_attr(ooxml_child(s, "name"), "val");
    const char *based = ooxml_attr(ooxml_child(s, "basedOn"), "val");
    st.name = name ? xstrdup(name) : NULL;
    st.based_on = based ? xstrdup(based) : NULL;
    xmlNode *ppr = ooxml_child(s, "pPr");
    xmlNode *lvl = ooxml_child(ppr, "outlineLvl");
    if (lvl) st.outline = int_attr(lvl, "val", 9) < 9 ? int_attr(lvl, "val", 9) + 1 : 0;
    st.jc = align_of(ooxml_attr(ooxml_child(ppr, "jc"), "val"));
    read_run_props(ooxml_child(s, "rPr"), &st.size, &st.bold, &st.italic, &st.red_set, &st.red);
    const char *def = ooxml_attr(s, "default"), *type = ooxml_attr(s, "type");
    if (def && on_off(s) && type && !strcmp(type, "paragraph") && st.size) r->doc->body_size = st.size;
    VEC_PUSH(r->styles, st);
  }
}

static const style *find_style(const reader *r, const char *id) {
  for (size_t i = 0; id && i < r->styles.len; i++)
    if (!strcmp(r->styles.items[i].id, id)) return &r->styles.items[i];
  return NULL;
}

/* A style with what it inherits filled in (the nearest setting wins). */
static style resolved(const reader *r, const char *id) {
  style out = {NULL, NULL, NULL, 0, 0, -1, -1, -1, false, false};
  const style *s = find_style(r, id);
  if (s) out.name = s->name;
  for (int depth = 0; s && depth < STYLE_DEPTH; depth++, s = find_style(r, s->based_on)) {
    if (!out.outline) out.outline = s->outline ? s->outline : heading_level_of_name(s->name);
    if (!out.size) out.size = s->size;
    if (out.bold < 0) out.bold = s->bold;
    if (out.italic < 0) out.italic = s->italic;
    if (out.jc < 0) out.jc = s->jc;
    if (!out.red_set && s->red_set) out.red_set = true, out.red = s->red;
  }
  return out;
}

/* ---- numbering.xml: is list numId at level ilvl bulleted or numbered? --- */

static int list_kind(const reader *r, const char *num_id, int ilvl) {
  xmlNode *root = r->numbering ? xmlDocGetRootElement(r->numbering) : NULL;
  const char *abstract = NULL;
  for (xmlNode *n = root ? root->children : NULL; n; n = n->next) {
    const char *id = ooxml_attr(n, "numId");
    if (ooxml_is(n, "num") && id && !strcmp(id, num_id)) abstract = ooxml_attr(ooxml_child(n, "abstractNumId"), "val");
  }
  for (xmlNode *a = root ? root->children : NULL; abstract && a; a = a->next) {
    const char *id = ooxml_attr(a, "abstractNumId");
    if (!ooxml_is(a, "abstractNum") || !id || strcmp(id, abstract)) continue;
    for (xmlNode *l = a->children; l; l = l->next) {
      if (!ooxml_is(l, "lvl") || int_attr(l, "ilvl", -1) != ilvl) continue;
      const char *fmt = ooxml_attr(ooxml_child(l, "numFmt"), "val");
      return fmt && (!strcmp(fmt, "bullet") || !strcmp(fmt, "none")) ? 1 : 2;
    }
  }
  return 1;
}

/* ---- runs and paragraphs ------------------------------------------------ */

static void add_text(reader *r, docx_para *p, const char *text, size_t n, bool bold, bool italic) {
  if (!n) return;
  r->text_bytes += (long)n;
  if (r->text_bytes > DOCX_TEXT_BYTES) {
    r->too_big = true;
    return;
  }
  docx_run run = {RUN_TEXT, xstrndup(text, n), -1, bold, italic};
  VEC_PUSH(p->runs, run);
}

static void add_mark(docx_para *p, docx_run_kind kind, const char *text, int image) {
  if (p->runs.len > 100000) return;
  docx_run run = {kind, text ? xstrdup(text) : NULL, image, false, false};
  VEC_PUSH(p->runs, run);
}

/* The image a relationship id names, read once per package part. */
static int image_of(reader *r, const char *rid) {
  char *name = rid ? ooxml_rel_target(r->rels, rid, "word") : NULL;
  if (!name) return -1;
  for (size_t i = 0; i < r->doc->images.len; i++)
    if (!strcmp(r->doc->images.items[i].name, name)) {
      free(name);
      return (int)i;
    }
  if (r->doc->images.len >= DOCX_IMAGES) {
    diag_warning(r->dl, r->path, 0, 0, "more than %d images: '%s' and later ones are left out", DOCX_IMAGES, name);
    free(name);
    return -1;
  }
  bool missing;
  size_t len;
  char *data = ooxml_read(r->zip, name, OOXML_MEDIA_BYTES, &len, &missing, r->dl);
  if (!data) {
    if (missing) diag_warning(r->dl, r->path, 0, 0, "image part '%s' is missing from the package", name);
    free(name);
    return -1;
  }
  docx_image im = {name, data, len};
  VEC_PUSH(r->doc->images, im);
  return (int)r->doc->images.len - 1;
}

/* The first element called name below n (depth-bounded), or NULL. */
static xmlNode *descendant(xmlNode *n, const char *name, int depth) {
  for (xmlNode *c = n ? n->children : NULL; c && depth < WALK_DEPTH; c = c->next) {
    if (ooxml_is(c, name)) return c;
    xmlNode *d = descendant(c, name, depth + 1);
    if (d) return d;
  }
  return NULL;
}

static void read_run(reader *r, docx_para *p, xmlNode *run, const style *ps) {
  int size = 0, bold = -1, italic = -1;
  bool red_set = false, red = false;
  xmlNode *rpr = ooxml_child(run, "rPr");
  const char *rstyle = ooxml_attr(ooxml_child(rpr, "rStyle"), "val");
  if (rstyle) {
    style cs = resolved(r, rstyle);
    size = cs.size, bold = cs.bold, italic = cs.italic, red_set = cs.red_set, red = cs.red;
  }
  read_run_props(rpr, &size, &bold, &italic, &red_set, &red);
  if (!size) size = ps->size ? ps->size : r->doc->body_size;
  bool b = bold > 0, i = italic > 0;
  bool has_text = false;
  for (xmlNode *c = run->children; c; c = c->next) {
    if (ooxml_is(c, "t")) {
      xmlChar *t = xmlNodeGetContent(c);
      if (t) {
        size_t n = strlen((const char *)t);
        has_text |= n > 0;
        add_text(r, p, (const char *)t, n, b, i);
        xmlFree(t);
      }
    } else if (ooxml_is(c, "tab")) {
      add_mark(p, RUN_TAB, NULL, -1);
    } else if (ooxml_is(c, "br") || ooxml_is(c, "cr")) {
      add_mark(p, RUN_BREAK, NULL, -1);
    } else if (ooxml_is(c, "footnoteReference")) {
      const char *id = ooxml_attr(c, "id");
      if (id) add_mark(p, RUN_FOOTNOTE, id, -1);
    } else if (ooxml_is(c, "drawing") || ooxml_is(c, "pict") || ooxml_is(c, "AlternateContent")) {
      if (descendant(c, "txbxContent", 0)) r->text_boxes++;
      xmlNode *blip = descendant(c, "blip", 0);
      xmlNode *vimg = blip ? NULL : descendant(c, "imagedata", 0);
      const char *rid = blip ? ooxml_attr(blip, "embed") : vimg ? ooxml_attr(vimg, "id") : NULL;
      if (rid) add_mark(p, RUN_IMAGE, NULL, image_of(r, rid));
    }
  }
  if (has_text) {
    if (size > p->size) p->size = size;
    if (red_set ? red : ps->red) p->red = true;
  }
}

static void read_inline(reader *r, docx_para *p, xmlNode *n, const style *ps, int depth) {
  for (xmlNode *c = n->children; c && depth < WALK_DEPTH; c = c->next) {
    if (ooxml_is(c, "r")) read_run(r, p, c, ps);
    else if (ooxml_is(c, "del") || ooxml_is(c, "moveFrom") || ooxml_is(c, "pPr")) continue;
    else if (c->type == XML_ELEMENT_NODE) read_inline(r, p, c, ps, depth + 1); /* hyperlink, ins, sdt, smartTag, … */
  }
}

static bool style_is_code(const char *name) {
  return name && (strstr(name, "Preformatted") || strstr(name, "Source Text") || !strcasecmp(name, "HTML Code"));
}

static void read_para(reader *r, xmlNode *pn, docx_para *p) {
  memset(p, 0, sizeof *p);
  xmlNode *ppr = ooxml_child(pn, "pPr");
  const char *sid = ooxml_attr(ooxml_child(ppr, "pStyle"), "val");
  style ps = resolved(r, sid ? sid : NULL);
  if (!sid) { /* the default paragraph style */
    for (size_t i = 0; i < r->styles.len && !ps.name; i++)
      if (r->styles.items[i].name && !strcasecmp(r->styles.items[i].name, "Normal")) ps = resolved(r, r->styles.items[i].id);
  }
  p->style = ps.name ? xstrdup(ps.name) : NULL;
  p->outline = ps.outline;
  xmlNode *lvl = ooxml_child(ppr, "outlineLvl");
  if (lvl) p->outline = int_attr(lvl, "val", 9) < 9 ? int_attr(lvl, "val", 9) + 1 : 0;
  int jc = align_of(ooxml_attr(ooxml_child(ppr, "jc"), "val"));
  p->align = jc >= 0 ? jc : ps.jc >= 0 ? ps.jc : ALIGN_START;
  p->code = style_is_code(ps.name);
  xmlNode *num = ooxml_child(ppr, "numPr");
  const char *num_id = ooxml_attr(ooxml_child(num, "numId"), "val");
  if (num_id && strcmp(num_id, "0") && !p->outline) {
    p->list_level = int_attr(ooxml_child(num, "ilvl"), "val", 0);
    if (p->list_level > 8) p->list_level = 8;
    p->list = list_kind(r, num_id, p->list_level);
  }
  read_inline(r, p, pn, &ps, 0);
}

/* ---- tables ------------------------------------------------------------- */

static void read_table(reader *r, xmlNode *tn, docx_table *t, int depth);

/* A table inside a cell: its cells' paragraphs join the cell's (reported). */
static void flatten_table(reader *r, docx_cell *cell, xmlNode *tn, int depth) {
  docx_table inner = {0};
  read_table(r, tn, &inner, depth + 1);
  for (size_t i = 0; i < inner.rows.len; i++)
    for (size_t j = 0; j < inner.rows.items[i].cells.len; j++) {
      docx_cell *c = &inner.rows.items[i].cells.items[j];
      for (size_t k = 0; k < c->paras.len; k++) {
        c->paras.items[k].nested_tables = 1;
        VEC_PUSH(cell->paras, c->paras.items[k]);
      }
      VEC_FREE(c->paras);
    }
  for (size_t i = 0; i < inner.rows.len; i++) VEC_FREE(inner.rows.items[i].cells);
  VEC_FREE(inner.rows);
}

static void read_cell(reader *r, xmlNode *tc, docx_cell *cell, int depth) {
  memset(cell, 0, sizeof *cell);
  xmlNode *tcpr = ooxml_child(tc, "tcPr");
  cell->span = int_attr(ooxml_child(tcpr, "gridSpan"), "val", 1);
  if (cell->span < 1) cell->span = 1;
  if (cell->span > DOCX_TABLE_COLS) cell->span = DOCX_TABLE_COLS;
  xmlNode *vm = ooxml_child(tcpr, "vMerge");
  if (vm) {
    const char *v = ooxml_attr(vm, "val");
    cell->vmerge = v && !strcmp(v, "restart") ? 1 : 2;
  }
  for (xmlNode *c = tc->children; c; c = c->next) {
    if (ooxml_is(c, "p")) {
      docx_para p;
      read_para(r, c, &p);
      VEC_PUSH(cell->paras, p);
    } else if (ooxml_is(c, "tbl") && depth < WALK_DEPTH) {
      flatten_table(r, cell, c, depth);
    } else if (ooxml_is(c, "sdt")) {
      xmlNode *content = ooxml_child(c, "sdtContent");
      for (xmlNode *p = content ? content->children : NULL; p; p = p->next)
        if (ooxml_is(p, "p")) {
          docx_para para;
          read_para(r, p, &para);
          VEC_PUSH(cell->paras, para);
        }
    }
  }
}

static void read_row(reader *r, xmlNode *tr, docx_row *row, bool *cut, int depth) {
  for (xmlNode *c = tr->children; c; c = c->next) {
    xmlNode *tc = c;
    if (ooxml_is(c, "sdt")) tc = ooxml_child(ooxml_child(c, "sdtContent"), "tc");
    if (!ooxml_is(tc, "tc")) continue;
    if (row->cells.len >= DOCX_TABLE_COLS) {
      *cut = true;
      continue;
    }
    docx_cell cell;
    read_cell(r, tc, &cell, depth);
    VEC_PUSH(row->cells, cell);
  }
}

static void read_table(reader *r, xmlNode *tn, docx_table *t, int depth) {
  for (xmlNode *c = tn->children; c; c = c->next) {
    xmlNode *tr = c;
    if (ooxml_is(c, "sdt")) tr = ooxml_child(ooxml_child(c, "sdtContent"), "tr");
    if (!ooxml_is(tr, "tr")) continue;
    if (t->rows.len >= DOCX_TABLE_ROWS) {
      t->cut = true;
      break;
    }
    docx_row row = {0};
    read_row(r, tr, &row, &t->cut, depth);
    VEC_PUSH(t->rows, row);
  }
}

/* ---- the body ----------------------------------------------------------- */

static void read_blocks(reader *r, xmlNode *parent, int depth) {
  for (xmlNode *c = parent->children; c && depth < WALK_DEPTH && !r->too_big; c = c->next) {
    if (r->doc->blocks.len >= DOCX_BLOCKS) {
      r->too_big = true;
      return;
    }
    docx_block b = {0};
    if (ooxml_is(c, "p")) {
      read_para(r, c, &b.para);
      VEC_PUSH(r->doc->blocks, b);
    } else if (ooxml_is(c, "tbl")) {
      b.is_table = true;
      read_table(r, c, &b.table, depth);
      VEC_PUSH(r->doc->blocks, b);
    } else if (ooxml_is(c, "sdt") || ooxml_is(c, "sdtContent") || ooxml_is(c, "customXml") || ooxml_is(c, "ins")) {
      read_blocks(r, c, depth + 1);
    }
  }
}

static void read_notes(reader *r, xmlDoc *notes) {
  xmlNode *root = notes ? xmlDocGetRootElement(notes) : NULL;
  for (xmlNode *n = root ? root->children : NULL; n; n = n->next) {
    const char *id = ooxml_attr(n, "id"), *type = ooxml_attr(n, "type");
    if (!ooxml_is(n, "footnote") || !id || (type && strcmp(type, "normal")) || r->doc->notes.len >= 10000) continue;
    docx_note note = {xstrdup(id), {0}};
    for (xmlNode *p = n->children; p; p = p->next)
      if (ooxml_is(p, "p")) {
        docx_para para;
        read_para(r, p, &para);
        VEC_PUSH(note.paras, para);
      }
    VEC_PUSH(r->doc->notes, note);
  }
}

/* word/document.xml, or the part the package's root relationships name as the main document. */
static char *main_part(reader *r) {
  bool missing;
  xmlDoc *rels = ooxml_xml(r->zip, "_rels/.rels", &missing, r->dl);
  char *name = NULL;
  xmlNode *root = rels ? xmlDocGetRootElement(rels) : NULL;
  for (xmlNode *c = root ? root->children : NULL; c && !name; c = c->next) {
    const char *type = ooxml_attr(c, "Type"), *target = ooxml_attr(c, "Target");
    if (type && target && str_ends_with(type, "/officeDocument") && !strstr(target, "..") && !strstr(target, "://"))
      name = xstrdup(target[0] == '/' ? target + 1 : target);
  }
  if (rels) xmlFreeDoc(rels);
  return name ? name : xstrdup("word/document.xml");
}

docx_document *docx_read(const char *data, size_t len, const char *path, diag_list *dl) {
  ooxml *zip = ooxml_open(data, len, path, dl);
  if (!zip) return NULL;
  docx_document *doc = xcalloc(1, sizeof *doc);
  doc->body_size = 21; /* Word's default, 10.5 pt (五号) */
  reader r = {doc, path, zip, dl, {0}, NULL, NULL, 0, false, false, 0};
  int errors = dl->errors;
  char *main = main_part(&r);
  bool missing;
  xmlDoc *body = ooxml_xml(zip, main, &missing, dl);
  if (!body) {
    if (missing)
      diag_error(dl, path, 0, 0, "has no document part '%s': it is not a Word document (an Excel sheet goes to "
                 "--figures)", main);
  } else {
    xmlDoc *styles = ooxml_xml(zip, "word/styles.xml", &missing, dl);
    read_styles(&r, styles);
    if (styles) xmlFreeDoc(styles);
    r.numbering = ooxml_xml(zip, "word/numbering.xml", &missing, dl);
    r.rels = ooxml_xml(zip, "word/_rels/document.xml.rels", &missing, dl);
    xmlNode *b = ooxml_child(xmlDocGetRootElement(body), "body");
    if (b) read_blocks(&r, b, 0);
    xmlDoc *notes = ooxml_xml(zip, "word/footnotes.xml", &missing, dl);
    read_notes(&r, notes);
    if (notes) xmlFreeDoc(notes);
    xmlFreeDoc(body);
  }
  free(main);
  if (r.too_big)
    diag_error(dl, path, 0, 0, "holds more than %ld MB of text or %d paragraphs, past what a summary may hold",
               DOCX_TEXT_BYTES >> 20, DOCX_BLOCKS);
  if (r.text_boxes)
    diag_warning(dl, path, 0, 0, "%d text box%s (drawn shapes holding text) left out: move their text into the body",
                 r.text_boxes, r.text_boxes > 1 ? "es" : "");
  if (r.numbering) xmlFreeDoc(r.numbering);
  if (r.rels) xmlFreeDoc(r.rels);
  for (size_t i = 0; i < r.styles.len; i++) {
    free(r.styles.items[i].id);
    free(r.styles.items[i].name);
    free(r.styles.items[i].based_on);
  }
  VEC_FREE(r.styles);
  ooxml_close(zip);
  if (dl->errors > errors) {
    docx_free(doc);
    return NULL;
  }
  return doc;
}

static void free_para(docx_para *p) {
  for (size_t i = 0; i < p->runs.len; i++) free(p->runs.items[i].text);
  VEC_FREE(p->runs);
  free(p->style);
}

static void free_paras(docx_para *items, size_t n) {
  for (size_t i = 0; i < n; i++) free_para(&items[i]);
}

void docx_free(docx_document *d) {
  if (!d) return;
  for (size_t i = 0; i < d->blocks.len; i++) {
    docx_block *b = &d->blocks.items[i];
    free_para(&b->para);
    for (size_t j = 0; j < b->table.rows.len; j++) {
      docx_row *row = &b->table.rows.items[j];
      for (size_t k = 0; k < row->cells.len; k++) {
        free_paras(row->cells.items[k].paras.items, row->cells.items[k].paras.len);
        VEC_FREE(row->cells.items[k].paras);
      }
      VEC_FREE(row->cells);
    }
    VEC_FREE(b->table.rows);
  }
  VEC_FREE(d->blocks);
  for (size_t i = 0; i < d->notes.len; i++) {
    free(d->notes.items[i].id);
    free_paras(d->notes.items[i].paras.items, d->notes.items[i].paras.len);
    VEC_FREE(d->notes.items[i].paras);
  }
  VEC_FREE(d->notes);
  for (size_t i = 0; i < d->images.len; i++) {
    free(d->images.items[i].name);
    free(d->images.items[i].data);
  }
  VEC_FREE(d->images);
  free(d);
}
