/* An .xlsx worksheet as a sheet_grid (sheet.h). SpreadsheetML (ECMA-376
 * Part 1, §18): xl/workbook.xml lists the sheets (names, relationship ids,
 * workbookPr date1904), xl/sharedStrings.xml the shared strings, xl/styles.xml
 * the cell formats (cellXfs → numFmtId → numFmts), and each worksheet's
 * sheetData the cells: c@r the address, c@t the type (s shared string,
 * inlineStr, str a formula's text, b boolean, e error, else a number), v the
 * value (a formula's cached value), and mergeCells the merged ranges. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "ooxml.h"
#include "sheet.h"
#include "util.h"

typedef struct {
  int row, col;
  char *text;
} cell_value;

typedef VEC(cell_value) cell_list;

typedef struct {
  const char *path;
  char *sheet;
  ooxml *zip;
  diag_list *dl;
  VEC(char *) strings;
  VEC(int) xf_fmt;           /* cellXfs: numFmtId of each style index */
  VEC(struct fmt { int id; char *code; }) fmts;
  bool date1904;
} book;

/* "C7" → row 6, column 2; false when it is not an address within the limits. */
static bool parse_ref(const char *s, int *row, int *col) {
  int c = 0, r = 0, letters = 0, digits = 0;
  for (; *s >= 'A' && *s <= 'Z' && letters < 4; s++, letters++) c = c * 26 + (*s - 'A' + 1);
  for (; *s >= '0' && *s <= '9' && digits < 8; s++, digits++) r = r * 10 + (*s - '0');
  if (*s || !letters || !digits || c > SHEET_COLS || r < 1 || r > SHEET_ROWS) return false;
  *row = r - 1;
  *col = c - 1;
  return true;
}

static char *text_of(xmlNode *n) {
  xmlChar *t = xmlNodeGetContent(n);
  char *s = xstrdup(t ? (const char *)t : "");
  xmlFree(t);
  return s;
}

/* A rich or plain string (si, is): its t elements, phonetic runs (rPh) left out. */
static char *string_item(xmlNode *si) {
  strbuf sb = {0};
  for (xmlNode *c = si->children; c; c = c->next) {
    xmlNode *t = ooxml_is(c, "t") ? c : ooxml_is(c, "r") ? ooxml_child(c, "t") : NULL;
    if (!t) continue;
    char *s = text_of(t);
    sb_puts(&sb, s);
    free(s);
  }
  sb_puts(&sb, "");
  return sb_take(&sb);
}

static void read_strings(book *b) {
  bool missing;
  xmlDoc *doc = ooxml_xml(b->zip, "xl/sharedStrings.xml", &missing, b->dl);
  xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
  for (xmlNode *si = root ? root->children : NULL; si; si = si->next)
    if (ooxml_is(si, "si")) VEC_PUSH(b->strings, string_item(si));
  if (doc) xmlFreeDoc(doc);
}

static void read_styles(book *b) {
  bool missing;
  xmlDoc *doc = ooxml_xml(b->zip, "xl/styles.xml", &missing, b->dl);
  xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
  for (xmlNode *f = ooxml_child(ooxml_child(root, "numFmts"), "numFmt"); f; f = f->next) {
    const char *id = ooxml_attr(f, "numFmtId"), *code = ooxml_attr(f, "formatCode");
    if (!ooxml_is(f, "numFmt") || !id || !code) continue;
    struct fmt x = {atoi(id), xstrdup(code)};
    VEC_PUSH(b->fmts, x);
  }
  for (xmlNode *xf = ooxml_child(ooxml_child(root, "cellXfs"), "xf"); xf; xf = xf->next) {
    if (!ooxml_is(xf, "xf")) continue;
    const char *id = ooxml_attr(xf, "numFmtId");
    VEC_PUSH(b->xf_fmt, id ? atoi(id) : 0);
  }
  if (doc) xmlFreeDoc(doc);
}

static const char *format_code(const book *b, const char *style) {
  long s = style ? strtol(style, NULL, 10) : 0;
  if (s < 0 || (size_t)s >= b->xf_fmt.len) return NULL;
  int id = b->xf_fmt.items[s];
  for (size_t i = 0; i < b->fmts.len; i++)
    if (b->fmts.items[i].id == id) return b->fmts.items[i].code;
  return sheet_builtin_format(id);
}

/* The worksheet part of the named (or first) sheet; NULL with an error listing the sheets. */
static char *sheet_part(book *b, const char *wanted) {
  bool missing;
  xmlDoc *wb = ooxml_xml(b->zip, "xl/workbook.xml", &missing, b->dl);
  if (!wb) {
    if (missing) diag_error(b->dl, b->path, 0, 0, "has no workbook part 'xl/workbook.xml': it is not an Excel workbook");
    return NULL;
  }
  xmlDoc *rels = ooxml_xml(b->zip, "xl/_rels/workbook.xml.rels", &missing, b->dl);
  xmlNode *root = xmlDocGetRootElement(wb);
  const char *d1904 = ooxml_attr(ooxml_child(root, "workbookPr"), "date1904");
  b->date1904 = d1904 && (!strcmp(d1904, "1") || !strcmp(d1904, "true"));
  char *part = NULL;
  strbuf names = {0};
  for (xmlNode *s = ooxml_child(ooxml_child(root, "sheets"), "sheet"); s && !part; s = s->next) {
    const char *name = ooxml_attr(s, "name"), *rid = ooxml_attr(s, "id");
    if (!ooxml_is(s, "sheet") || !name || !rid) continue;
    sb_printf(&names, "%s%s", names.len ? ", " : "", name);
    if (wanted && strcmp(wanted, name)) continue;
    part = ooxml_rel_target(rels, rid, "xl");
    b->sheet = xstrdup(name);
  }
  if (!part)
    diag_error(b->dl, b->path, 0, 0, wanted ? "has no sheet '%s'; its sheets: %s" : "has no worksheet%s%s",
               wanted ? wanted : "", names.len ? names.data : "none");
  sb_free(&names);
  if (rels) xmlFreeDoc(rels);
  xmlFreeDoc(wb);
  return part;
}

static void cell_error(book *b, int row, int col, const char *fmt, const char *arg) {
  char *at = sheet_location(b->path, b->sheet, row, col);
  diag_add(b->dl, DIAG_ERROR, at, 0, 0, fmt, arg);
  free(at);
}

/* A cell's displayed text, or NULL for an empty one (errors added). */
static char *cell_text(book *b, xmlNode *c, int row, int col) {
  const char *type = ooxml_attr(c, "t");
  xmlNode *v = ooxml_child(c, "v");
  if (type && !strcmp(type, "inlineStr")) {
    xmlNode *is = ooxml_child(c, "is");
    return is ? string_item(is) : NULL;
  }
  if (!v) return NULL;
  char *raw = text_of(v);
  if (type && !strcmp(type, "s")) {
    char *end;
    long i = strtol(raw, &end, 10);
    bool bad = *end || end == raw || i < 0 || (size_t)i >= b->strings.len;
    free(raw);
    if (bad) {
      cell_error(b, row, col, "refers to a shared string the workbook does not have%s; save it again in Excel", "");
      return NULL;
    }
    return xstrdup(b->strings.items[i]);
  }
  if (type && (!strcmp(type, "str") || !strcmp(type, "d"))) return raw;
  if (type && !strcmp(type, "b")) {
    char *s = xstrdup(!strcmp(raw, "1") ? "TRUE" : "FALSE");
    free(raw);
    return s;
  }
  if (type && !strcmp(type, "e")) {
    cell_error(b, row, col, "the cell shows the error %s (its formula fails); correct the formula, or clear the cell "
               "for no data", raw);
    free(raw);
    return NULL;
  }
  char *end;
  double x = strtod(raw, &end);
  if (*end || !isfinite(x)) {
    cell_error(b, row, col, "'%s' is not a number though the cell is a number cell; save the workbook again", raw);
    free(raw);
    return NULL;
  }
  free(raw);
  return sheet_format_number(x, format_code(b, ooxml_attr(c, "s")), b->date1904);
}

static int read_cells(book *b, xmlNode *data, cell_list *cells, int *maxr, int *maxc) {
  int rc = 0, next_row = 0;
  for (xmlNode *r = data ? data->children : NULL; r; r = r->next) {
    if (!ooxml_is(r, "row")) continue;
    const char *rn = ooxml_attr(r, "r");
    int row = rn ? atoi(rn) - 1 : next_row, next_col = 0;
    if (row < 0 || row >= SHEET_ROWS) {
      diag_error(b->dl, b->path, 0, 0, "sheet '%s' has more than %d rows; a figures sheet has one per county and year",
                 b->sheet, SHEET_ROWS);
      return -1;
    }
    next_row = row + 1;
    for (xmlNode *c = r->children; c; c = c->next) {
      if (!ooxml_is(c, "c")) continue;
      const char *ref = ooxml_attr(c, "r");
      int cr = row, cc = next_col;
      if (ref && !parse_ref(ref, &cr, &cc)) {
        diag_error(b->dl, b->path, 0, 0, "sheet '%s': cell '%s' lies beyond %d columns and %d rows", b->sheet, ref,
                   SHEET_COLS, SHEET_ROWS);
        return -1;
      }
      if (cc >= SHEET_COLS) continue;
      next_col = cc + 1;
      char *text = cell_text(b, c, cr, cc); /* a bad cell: its error added, the cell empty, the rest read on */
      if (!text) continue;
      if (!*text) {
        free(text);
        continue;
      }
      cell_value v = {cr, cc, text};
      VEC_PUSH(*cells, v);
      if (cr > *maxr) *maxr = cr;
      if (cc > *maxc) *maxc = cc;
    }
  }
  return rc;
}

static void read_merges(book *b, xmlNode *ws, sheet_grid *g) {
  VEC(sheet_range) merges = {0};
  for (xmlNode *m = ooxml_child(ooxml_child(ws, "mergeCells"), "mergeCell"); m && merges.len < 10000; m = m->next) {
    const char *ref = ooxml_attr(m, "ref");
    const char *colon = ref ? strchr(ref, ':') : NULL;
    if (!ooxml_is(m, "mergeCell") || !colon || colon - ref > 12) continue;
    char first[16];
    memcpy(first, ref, (size_t)(colon - ref));
    first[colon - ref] = '\0';
    sheet_range x;
    if (parse_ref(first, &x.r0, &x.c0) && parse_ref(colon + 1, &x.r1, &x.c1) && x.r0 <= x.r1 && x.c0 <= x.c1)
      VEC_PUSH(merges, x);
  }
  (void)b;
  g->merges = merges.items;
  g->nmerges = merges.len;
}

static int read_xlsx(const char *data, size_t len, const char *path, const char *wanted, sheet_grid *g, diag_list *dl) {
  ooxml *zip = ooxml_open(data, len, path, dl);
  if (!zip) return -1;
  book b = {path, NULL, zip, dl, {0}, {0}, {0}, false};
  int rc = -1;
  char *part = sheet_part(&b, wanted);
  bool missing;
  xmlDoc *ws = part ? ooxml_xml(zip, part, &missing, dl) : NULL;
  if (part && !ws && missing) diag_error(dl, path, 0, 0, "sheet '%s' (part '%s') is missing; save the workbook again", b.sheet, part);
  if (ws) {
    read_strings(&b);
    read_styles(&b);
    cell_list cells = {0};
    int maxr = -1, maxc = -1;
    xmlNode *root = xmlDocGetRootElement(ws);
    rc = read_cells(&b, ooxml_child(root, "sheetData"), &cells, &maxr, &maxc);
    if (rc == 0 && (size_t)(maxr + 1) * (size_t)(maxc + 1) > SHEET_CELLS) {
      diag_error(dl, path, 0, 0, "sheet '%s' uses %d rows × %d columns, over the limit of %d cells", b.sheet, maxr + 1,
                 maxc + 1, SHEET_CELLS);
      rc = -1;
    }
    if (rc == 0) {
      g->path = xstrdup(path);
      g->name = xstrdup(b.sheet);
      g->nrows = (size_t)(maxr + 1);
      g->ncols = (size_t)(maxc + 1);
      g->cells = xcalloc(g->nrows * g->ncols + 1, sizeof *g->cells);
      for (size_t i = 0; i < cells.len; i++) {
        char **slot = &g->cells[(size_t)cells.items[i].row * g->ncols + (size_t)cells.items[i].col];
        free(*slot); /* a cell written twice: the later wins */
        *slot = cells.items[i].text;
        cells.items[i].text = NULL;
      }
      read_merges(&b, root, g);
    }
    for (size_t i = 0; i < cells.len; i++) free(cells.items[i].text);
    VEC_FREE(cells);
    xmlFreeDoc(ws);
  }
  for (size_t i = 0; i < b.strings.len; i++) free(b.strings.items[i]);
  VEC_FREE(b.strings);
  for (size_t i = 0; i < b.fmts.len; i++) free(b.fmts.items[i].code);
  VEC_FREE(b.fmts);
  VEC_FREE(b.xf_fmt);
  free(b.sheet);
  free(part);
  ooxml_close(zip);
  return rc;
}

int sheet_read_xls(const char *path, const char *sheet, sheet_grid *g, diag_list *dl);

int sheet_read_xlsx_memory(const char *data, size_t len, const char *path, const char *sheet, sheet_grid *g,
                           diag_list *dl) {
  memset(g, 0, sizeof *g);
  return read_xlsx(data, len, path, sheet, g, dl);
}

int sheet_read_workbook(const char *path, const char *sheet, sheet_grid *g, diag_list *dl) {
  memset(g, 0, sizeof *g);
  if (str_ends_with(path, ".xls") || str_ends_with(path, ".XLS")) return sheet_read_xls(path, sheet, g, dl);
  size_t len;
  char *data = ooxml_read_file(path, &len, dl);
  if (!data) return -1;
  int rc = read_xlsx(data, len, path, sheet, g, dl);
  free(data);
  return rc;
}
