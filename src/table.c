/* GFM tables: column widths from content, wrapped cells, full ruled grid
 * in the style of Chinese government tables, header repeated after a page
 * break. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layout_internal.h"
#include "utf8.h"

static const rgb black = {0, 0, 0};

void table_column_widths(const double *min, const double *max, int cols, double total, double *out) {
  double sum_min = 0, sum_max = 0;
  for (int i = 0; i < cols; i++) {
    sum_min += min[i];
    sum_max += fmax(max[i], min[i]);
  }
  for (int i = 0; i < cols; i++) {
    double mx = fmax(max[i], min[i]);
    if (sum_max <= total) out[i] = sum_max > 0 ? mx * total / sum_max : total / cols;
    else if (sum_min >= total) out[i] = min[i] * total / sum_min;
    else out[i] = min[i] + (total - sum_min) * (mx - min[i]) / (sum_max - sum_min);
  }
}

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
} table_geometry;

static void measure_columns(layout_ctx *c, const table_data *t, table_geometry *g) {
  double *min = xcalloc((size_t)t->cols, sizeof *min), *max = xcalloc((size_t)t->cols, sizeof *max);
  for (int r = 0; r < t->rows; r++)
    for (int col = 0; col < t->cols; col++) {
      double mn;
      role_id role = r == 0 ? ROLE_TABLE_HEADER : ROLE_TABLE;
      double w = text_natural_width(c, &t->cells[r * t->cols + col], role, r == 0, &mn);
      /* Short labels (up to four characters) never wrap. */
      mn = fmax(mn, fmin(w, 4 * c->spec->roles[role].size));
      min[col] = fmax(min[col], mn + 2 * g->pad_x);
      max[col] = fmax(max[col], w + 2 * g->pad_x);
    }
  table_column_widths(min, max, t->cols, g->width, g->col_w);
  double x = g->x;
  for (int col = 0; col < t->cols; col++) {
    g->col_x[col] = x;
    x += g->col_w[col];
  }
  free(min);
  free(max);
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
  if (content == 0) content = line_advance(c, part.head ? ROLE_TABLE_HEADER : ROLE_TABLE, false);
  double pad_top = part.first ? g->pad_y : 0, height = content + pad_top + (part.last ? g->pad_y : 0);
  vbox *b = new_box(c, height);
  for (int col = 0; col < t->cols; col++) {
    double y = pad_top + (part.whole ? (content - slice_height(&cells[col])) / 2 : 0);
    for (size_t i = cells[col].from; i < cells[col].to; i++) {
      box_add_text_line(b, &cells[col].lines.items[i], y);
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
    text_frame f = {role, g->col_x[col] + g->pad_x, g->col_w[col] - 2 * g->pad_x, 0,
                    head ? ALIGN_CENTER : g->align[col], false, head, NULL, 0};
    set_text(c, &t->cells[r * t->cols + col], &f, &cells[col].lines);
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
  for (int col = 0; col < t->cols; col++) text_lines_free(&cells[col].lines);
  free(cells);
}

void layout_table(layout_ctx *c, const block *b, const table_data *t) {
  if (t->rows == 0 || t->cols == 0) return;
  const role_style *rs = &c->spec->roles[ROLE_TABLE];
  double em = c->spec->roles[ROLE_BODY].size;
  double left = fmin((b->list_depth * 2 + b->quote_depth * 2) * em, c->area_w / 2);
  table_geometry g = {c->area_x + left, c->area_w - left, rs->size * 0.4, rs->size * 0.25,
                      xcalloc((size_t)t->cols, sizeof(double)), xcalloc((size_t)t->cols, sizeof(double)),
                      xcalloc((size_t)t->cols, sizeof(text_align))};
  for (int col = 0; col < t->cols; col++) g.align[col] = to_align(column_align(t, col));
  measure_columns(c, t, &g);
  double pitch = c->pitch > 0 ? c->pitch : rs->size * 1.5;
  double before = length_pt(rs->space_before, rs->size, pitch);
  if (before > 0) {
    vbox *sp = new_box(c, before);
    sp->space = true;
  }
  if (b->alt) { /* a caption above, kept with the table */
    text_lines cap = {0};
    span_list spans = {0};
    span_list_push(&spans, SPAN_TEXT, 0, b->alt, strlen(b->alt), NULL, b->line, 1);
    text_frame f = {ROLE_CAPTION, g.x, g.width, 0, ALIGN_CENTER, false, false, NULL, 0};
    set_text(c, &spans, &f, &cap);
    for (size_t i = 0; i < cap.len; i++) {
      vbox *box = new_box(c, cap.items[i].height);
      box_add_text_line(box, &cap.items[i], 0);
      box->keep_with_next = true;
    }
    text_lines_free(&cap);
    span_list_free(&spans);
  }
  long header = (long)c->boxes.len;
  for (int r = 0; r < t->rows; r++) add_row(c, t, &g, r, header);
  c->boxes.items[c->boxes.len - 1].snap_after = true;
  double after = length_pt(rs->space_after, rs->size, pitch);
  if (after > 0) {
    vbox *sp = new_box(c, after);
    sp->space = true;
  }
  free(g.col_x);
  free(g.col_w);
  free(g.align);
}
