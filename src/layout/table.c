/* GFM tables: column widths from content, wrapped cells, full ruled grid
 * in the style of Chinese government tables, header repeated after a page
 * break. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "colwidths.h"
#include "layout_internal.h"
#include "utf8.h"

static const rgb black = {0, 0, 0};

/* 1,234.5  13.8%  -2  ＋3.5: a number, perhaps with a percent sign. */
static bool is_numeric_text(const char *s) {
  while (*s == ' ') s++;
  if (*s == '+' || *s == '-') s++;
  bool digits = false;
  for (; *s; s++) {
    if (is_digit((unsigned char)*s)) digits = true;
    else if (*s != ',' && *s != '.') break;
  }
  if (strcmp(s, "%") == 0 || strcmp(s, "％") == 0 || strcmp(s, "‰") == 0) s += strlen(s);
  while (*s == ' ') s++;
  return digits && !*s;
}

static bool is_no_data(const char *s) { return !*s || strcmp(s, "—") == 0 || strcmp(s, "-") == 0; }

/* Columns the author did not align: numbers right, text left. */
static char column_align(const table_data *t, int col) {
  if (t->align[col]) return t->align[col];
  bool any = false;
  for (int r = 1; r < t->rows; r++) {
    char *text = span_list_text(&t->cells[r * t->cols + col]);
    bool numeric = is_numeric_text(text), empty = is_no_data(text);
    free(text);
    if (!empty && !numeric) return 'l';
    any |= numeric;
  }
  return any ? 'r' : 'l';
}

static text_align to_align(char a) {
  return a == 'r' ? ALIGN_RIGHT : a == 'c' ? ALIGN_CENTER : ALIGN_LEFT;
}

typedef struct {
  double x, width;       /* the table's left edge and width */
  double pad_x, pad_y;
  double *col_x, *col_w;
  text_align *align;     /* body cells, per column */
  double *inset;         /* per cell: room right of the text (decimal alignment) */
} table_geometry;

/* A decimal point between digits: its index, or n. */
static size_t decimal_point(const lb_item *items, size_t n) {
  for (size_t i = n; i-- > 1;)
    if ((items[i].cp == '.' || items[i].cp == 0xFF0E) && i + 1 < n && is_digit(items[i - 1].cp) &&
        is_digit(items[i + 1].cp))
      return i;
  return n;
}

static double items_width(const lb_item *items, size_t from, size_t to) {
  double w = 0;
  for (size_t i = from; i < to; i++) w += items[i].adv + (i > from ? items[i].gap : 0);
  return w;
}

/* Numbers with decimals line up on the decimal point: each cell of a
 * right-aligned column of numbers is inset by the fraction it lacks, as
 * statistical tables set them (an integer ends where the point would be).
 * Returns the content width the column needs for that, or 0. */
static double align_decimals(const table_data *t, const tw_cell *cells, int col, table_geometry *g) {
  if (g->align[col] != ALIGN_RIGHT) return 0;
  double *frac = xcalloc((size_t)t->rows, sizeof *frac);
  double int_w = 0, frac_w = 0;
  bool any = false;
  for (int r = 1; r < t->rows; r++) {
    char *text = span_list_text(&t->cells[r * t->cols + col]);
    bool numeric = is_numeric_text(text), empty = is_no_data(text);
    free(text);
    if (!numeric && !empty) {
      free(frac);
      return 0;
    }
    const tw_cell *cell = &cells[r * t->cols + col];
    if (!numeric || cell->n == 0) continue;
    size_t dot = decimal_point(cell->items, cell->n);
    any |= dot < cell->n;
    frac[r] = dot < cell->n ? items_width(cell->items, dot, cell->n) : 0;
    int_w = fmax(int_w, items_width(cell->items, 0, dot));
    frac_w = fmax(frac_w, frac[r]);
  }
  if (any)
    for (int r = 1; r < t->rows; r++) g->inset[r * t->cols + col] = frac_w - frac[r];
  free(frac);
  return any ? int_w + frac_w : 0;
}

/* An author's width in pt (0: automatic). */
static double fixed_width(const col_width *w, double table_w, double em) {
  switch (w->unit) {
    case '%': return w->value / 100 * table_w;
    case 'p': return w->value;
    case 'e': return w->value * em;
    default: return 0;
  }
}

/* The width the author set for a column: the table's widths comment, else
 * the layout's table_widths entry for the column's header; 0 if neither. */
static double author_width(layout_ctx *c, const table_data *t, int col, double table_w, double em) {
  if (t->widths) return fixed_width(&t->widths[col], table_w, em);
  if (c->spec->table_widths.count == 0) return 0;
  char *head = span_list_text(&t->cells[col]);
  double w = 0;
  for (size_t i = 0; i < c->spec->table_widths.count && w == 0; i++)
    if (strcmp(head, c->spec->table_widths.names[i]) == 0)
      w = fixed_width(&c->spec->table_widths.widths[i], table_w, em);
  free(head);
  return w;
}

/* An author's width narrower than a column's numbers or short labels
 * need: they will wrap, so say so. */
static void warn_narrow(layout_ctx *c, const block *b, const table_data *t, const tw_input *in, int col,
                        double width) {
  double need = 0, mn, mx;
  for (int r = 0; r < t->rows; r++) {
    colwidths_cell_limits(&in->cells[r * t->cols + col], in->long_word, &mn, &mx);
    need = fmax(need, mn);
  }
  if (in->min_content) need = fmax(need, in->min_content[col]);
  double got = width - in->pad_h;
  if (got + 0.01 < need) {
    char *head = span_list_text(&t->cells[col]);
    diag_warning(c->dl, c->doc->file, b->line, b->col,
                 "column %d (%s) is set %.1f mm wide, narrower than the %.1f mm its widest number or label "
                 "needs, which will wrap; widen it",
                 col + 1, head, width * 25.4 / 72, (need + in->pad_h) * 25.4 / 72);
    free(head);
  }
}

/* Column widths for the smallest table height (colwidths.h). */
static void measure_columns(layout_ctx *c, const block *b, const table_data *t, table_geometry *g) {
  int n = t->rows * t->cols;
  tw_cell *cells = xcalloc((size_t)n, sizeof *cells);
  double *line_h = xcalloc((size_t)t->rows, sizeof *line_h);
  double *fixed = xcalloc((size_t)t->cols, sizeof *fixed);
  double *min_content = xcalloc((size_t)t->cols, sizeof *min_content);
  bool *numeric = xcalloc((size_t)t->cols, sizeof *numeric);
  double em = c->spec->roles[ROLE_TABLE].size;
  for (int r = 0; r < t->rows; r++) {
    role_id role = r == 0 ? ROLE_TABLE_HEADER : ROLE_TABLE;
    line_h[r] = typeset_line_advance(c, role, false);
    for (int col = 0; col < t->cols; col++) {
      tw_cell *cell = &cells[r * t->cols + col];
      /* Headers wrap into at most three lines, where words allow. */
      cell->items = typeset_items(c, &t->cells[r * t->cols + col], role, r == 0, r == 0, &cell->n);
      cell->max_lines = r == 0 ? 3 : 0;
    }
  }
  for (int col = 0; col < t->cols; col++) {
    numeric[col] = g->align[col] == ALIGN_RIGHT;
    min_content[col] = align_decimals(t, cells, col, g);
    fixed[col] = author_width(c, t, col, g->width, em);
  }
  tw_input in = {t->rows, t->cols, cells, line_h, 2 * g->pad_x, 2 * g->pad_y, g->width, 6 * em,
                 fixed, numeric, min_content};
  double need = colwidths_min_total(&in);
  if (need > g->width + 0.01)
    diag_warning(c->dl, c->doc->file, b->line, b->col,
                 "the table's %d columns need %.0f mm for their numbers, labels and headers and the "
                 "text is %.0f mm wide: labels and headers will wrap; leave out a column, shorten the "
                 "headers or set widths (<!-- widths: ... -->)",
                 t->cols, need * 25.4 / 72, g->width * 25.4 / 72);
  colwidths_solve(&in, g->col_w);
  for (int col = 0; col < t->cols; col++)
    if (fixed[col] > 0) warn_narrow(c, b, t, &in, col, g->col_w[col]);
  double x = g->x;
  for (int col = 0; col < t->cols; col++) {
    g->col_x[col] = x;
    x += g->col_w[col];
  }
  for (int i = 0; i < n; i++) free((void *)cells[i].items);
  free(cells);
  free(line_h);
  free(fixed);
  free(min_content);
  free(numeric);
}

/* Lines [from, to) of one cell, or the whole cell. */
typedef struct {
  text_lines lines;
  size_t from, to;
} cell_slice;

static double slice_height(const cell_slice *s) {
  double h = 0;
  for (size_t i = s->from; i < s->to; i++) h += s->lines.items[i].height;
  return h;
}

/* One box of a row: the cells' lines of this slice. A whole row is
 * centred vertically; a row taller than a page is set one line a box (pad
 * above the first, below the last), and the rule under a box that is not
 * the row's last is drawn only where a page ends after it. */
typedef struct {
  bool head;       /* the header row */
  bool first, last; /* the row's first and last box */
  bool whole;      /* the row in one box */
  bool table_end;  /* the table's last row */
} row_part;

static void add_row_box(layout_ctx *c, const table_data *t, const table_geometry *g, cell_slice *cells,
                        row_part part, long header) {
  double content = 0;
  for (int col = 0; col < t->cols; col++) content = fmax(content, slice_height(&cells[col]));
  if (content == 0) content = typeset_line_advance(c, part.head ? ROLE_TABLE_HEADER : ROLE_TABLE, false);
  double pad_top = part.first ? g->pad_y : 0, height = content + pad_top + (part.last ? g->pad_y : 0);
  vbox *b = box_new(c, height);
  for (int col = 0; col < t->cols; col++) {
    double y = pad_top + (part.whole ? (content - slice_height(&cells[col])) / 2 : 0);
    for (size_t i = cells[col].from; i < cells[col].to; i++) {
      size_t first = b->items.len;
      box_add_text_line(b, &cells[col].lines.items[i], y);
      if (first < b->items.len && (col > 0 || i > cells[col].from))
        b->items.items[first].sep = i > cells[col].from ? SEP_JOIN : SEP_TAB;
      y += cells[col].lines.items[i].height;
    }
  }
  double frame = 1.0, inner = 0.5;
  /* Rows meet on one rule: each draws its bottom; the header (which opens
   * the table and every continuation page) also draws the top. */
  if (part.head) box_add_line(b, g->x, 0, g->width, 0, frame, black);
  for (int col = 0; col <= t->cols; col++) {
    double x = col == t->cols ? g->x + g->width : g->col_x[col];
    box_add_line(b, x, 0, 0, height, col == 0 || col == t->cols ? frame : inner, black);
  }
  box_add_line(b, g->x, height, g->width, 0, part.last && part.table_end ? frame : inner, black);
  b->cut_rule = !part.last; /* the bottom rule, the box's last item */
  b->repeat = part.head ? -1 : header;
}

/* A row is one box; a row taller than a page (under its repeated header)
 * is set one line a box, so it flows over pages like a paragraph. */
static void add_row(layout_ctx *c, const table_data *t, const table_geometry *g, int r, long header) {
  bool head = r == 0, table_end = r == t->rows - 1;
  role_id role = head ? ROLE_TABLE_HEADER : ROLE_TABLE;
  cell_slice *cells = xcalloc((size_t)t->cols, sizeof *cells);
  double content = 0;
  size_t most = 0;
  for (int col = 0; col < t->cols; col++) {
    double inset = g->inset[r * t->cols + col];
    text_frame f = {.role = role, .x = g->col_x[col] + g->pad_x, .width = g->col_w[col] - 2 * g->pad_x - inset,
                    .align = head ? ALIGN_CENTER : g->align[col], .force_bold = head};
    if (head) typeset_label(c, &t->cells[r * t->cols + col], &f, &cells[col].lines);
    else typeset_text(c, &t->cells[r * t->cols + col], &f, &cells[col].lines);
    cells[col].to = cells[col].lines.len;
    content = fmax(content, slice_height(&cells[col]));
    if (cells[col].lines.len > most) most = cells[col].lines.len;
  }
  double header_h = header >= 0 && !head ? c->boxes.items[header].height : 0;
  if (content + 2 * g->pad_y <= c->area_h - header_h) {
    add_row_box(c, t, g, cells, (row_part){head, true, true, true, table_end}, header);
  } else {
    for (size_t line = 0; line < most; line++) {
      for (int col = 0; col < t->cols; col++) {
        cells[col].from = line < cells[col].lines.len ? line : cells[col].lines.len;
        cells[col].to = line < cells[col].lines.len ? line + 1 : cells[col].lines.len;
      }
      add_row_box(c, t, g, cells, (row_part){head, line == 0, line + 1 == most, false, table_end}, header);
    }
  }
  for (int col = 0; col < t->cols; col++) box_text_lines_free(&cells[col].lines);
  free(cells);
}

/* A figures table's header words are the layout's (figures_headers): a
 * copy of t whose marked header cells hold them. *own gets the cells to free. */
static const table_data *with_header_words(const layout_ctx *c, const table_data *t, table_data *local,
                                           span_list **own) {
  *own = NULL;
  if (!t->header_words) return t;
  size_t n = (size_t)(t->rows * t->cols);
  *local = *t;
  *own = xcalloc(n + 1, sizeof **own);
  memcpy(*own, t->cells, n * sizeof **own);
  for (int col = 0; col < t->cols; col++) {
    const char *kinds = "ivu", *k = t->header_words[col] ? strchr(kinds, t->header_words[col]) : NULL;
    if (!k) continue; /* the cell's own text */
    const char *word = c->spec->figures_headers[k - kinds];
    (*own)[col] = (span_list){0}; /* empty when the layout has no word */
    if (word) span_list_push(&(*own)[col], SPAN_TEXT, 0, word, strlen(word), NULL, 0, 0);
  }
  local->cells = *own;
  return local;
}

static void free_header_words(const table_data *t, span_list *own) {
  if (!own) return;
  for (int col = 0; col < t->cols; col++)
    if (t->header_words[col]) span_list_free(&own[col]);
  free(own);
}

static void lay_out_table(layout_ctx *c, const block *b, const table_data *t);

void layout_table(layout_ctx *c, const block *b, const table_data *t) {
  table_data local;
  span_list *own;
  const table_data *shown = with_header_words(c, t, &local, &own);
  lay_out_table(c, b, shown);
  free_header_words(t, own);
}

static void lay_out_table(layout_ctx *c, const block *b, const table_data *t) {
  if (t->rows == 0 || t->cols == 0) return;
  const role_style *rs = &c->spec->roles[ROLE_TABLE];
  double em = c->spec->roles[ROLE_BODY].size;
  double left = fmin((b->list_depth * 2 + b->quote_depth * 2) * em, c->area_w / 2);
  table_geometry g = {c->area_x + left, c->area_w - left, rs->size * 0.25, rs->size * 0.25,
                      xcalloc((size_t)t->cols, sizeof(double)), xcalloc((size_t)t->cols, sizeof(double)),
                      xcalloc((size_t)t->cols, sizeof(text_align)),
                      xcalloc((size_t)(t->rows * t->cols), sizeof(double))};
  for (int col = 0; col < t->cols; col++) g.align[col] = to_align(column_align(t, col));
  measure_columns(c, b, t, &g);
  double pitch = c->pitch > 0 ? c->pitch : rs->size * 1.5;
  double before = spec_length_pt(rs->space_before, rs->size, pitch);
  if (before > 0) {
    vbox *sp = box_new(c, before);
    sp->space = true;
  }
  /* The key-figures table's caption is the layout's words (key_figures.title). */
  const char *caption = b->as.table.key_figures ? c->spec->key_figures.title : NULL;
  if (caption && *caption) { /* a caption above, kept with the table */
    text_lines cap = {0};
    span_list spans = {0};
    span_list_push(&spans, SPAN_TEXT, 0, caption, strlen(caption), NULL, b->line, 1);
    text_frame f = {.role = ROLE_CAPTION, .x = g.x, .width = g.width, .align = ALIGN_CENTER};
    typeset_text(c, &spans, &f, &cap);
    for (size_t i = 0; i < cap.len; i++) {
      vbox *box = box_new(c, cap.items[i].height);
      box_add_text_line(box, &cap.items[i], 0);
      box->keep_with_next = true;
    }
    box_text_lines_free(&cap);
    span_list_free(&spans);
  }
  long header = (long)c->boxes.len;
  for (int r = 0; r < t->rows && !stop_due(c->stop); r++) add_row(c, t, &g, r, header);
  if (c->boxes.len) c->boxes.items[c->boxes.len - 1].snap_after = true; /* none when stopped (stop.h) */
  double after = spec_length_pt(rs->space_after, rs->size, pitch);
  if (after > 0) {
    vbox *sp = box_new(c, after);
    sp->space = true;
  }
  free(g.col_x);
  free(g.col_w);
  free(g.align);
  free(g.inset);
}
