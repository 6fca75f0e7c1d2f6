#include "colwidths.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"

/* Scratch space for the line breaker, and how often it ran. */
typedef struct {
  double *extra;
  lb_lines lines;
  long calls;
} breaker;

/* The search stops after this many cell breakings (about 10 ms): enough
 * for tables of a few dozen rows to converge; a longer table keeps what
 * the search found by then. */
#define SEARCH_BUDGET 20000

/* The narrowest a line can be set: its ink less what squeezing can take
 * off (its last item's shrink only if that is its own closing mark). */
static double squeezed_width(const lb_item *it, const lb_line *line) {
  double w = 0;
  for (size_t i = line->start; i < line->end; i++) {
    w += it[i].adv + (i > line->start ? it[i].gap * 0.5 : 0);
    if (i + 1 < line->end || uchar_is_closing_punct(it[i].cp)) w -= it[i].shrink;
  }
  return w;
}

/* Whether a line's ink is wider than width. The line breaker lets a line
 * squeeze by its last item's shrink, which holds the left blank of the
 * next item (an opening bracket) when that item is not its own closing
 * mark; the blank is on the next line, so the ink would stick out. */
static bool overflows(const lb_item *it, const lb_line *line, double width) {
  return squeezed_width(it, line) > width + 0.01;
}

/* Lines of a cell at a width; a width at which a line's ink would stick
 * out counts as OVERFLOW more lines, so the search avoids it. */
enum { OVERFLOW = 100 };
static int lines_at(breaker *b, const tw_cell *cell, double width) {
  if (cell->n == 0) return 0;
  b->calls++;
  linebreak_lines(cell->items, cell->n, width, width, false, &b->lines, b->extra);
  int k = (int)b->lines.len;
  for (size_t i = 0; i < b->lines.len; i++)
    if (overflows(cell->items, &b->lines.items[i], width)) return k + OVERFLOW;
  return k;
}

int colwidths_cell_lines(const tw_cell *cell, double width) {
  breaker b = {xcalloc(cell->n + 1, sizeof(double)), {0}, 0};
  int k = lines_at(&b, cell, width);
  free(b.extra);
  VEC_FREE(b.lines);
  return k;
}

static bool has_letter(const lb_item *items, size_t from, size_t to) {
  for (size_t i = from; i < to; i++)
    if ((items[i].cp | 0x20) >= 'a' && (items[i].cp | 0x20) <= 'z') return true;
  return false;
}

/* Widest unit between break opportunities (Latin words capped; less
 * what squeezing its punctuation can take off, as the line breaker does),
 * and the widest line between forced breaks; trailing spaces are not
 * counted. */
static void units(const tw_cell *cell, double long_word, double *unit, double *line) {
  const lb_item *it = cell->items;
  double u = 0, l = 0, u_ink = 0, l_ink = 0, squeeze = 0;
  size_t from = 0;
  *unit = *line = 0;
  for (size_t i = 0; i < cell->n; i++) {
    double w = it[i].adv + (i > from ? it[i].gap : 0);
    u += w;
    squeeze += it[i].shrink + (i > from ? it[i].gap * 0.5 : 0);
    l += it[i].adv + (l > 0 ? it[i].gap : 0);
    if (!it[i].space) {
      u_ink = u;
      l_ink = l;
    }
    if (it[i].brk == LB_NO && i + 1 < cell->n) continue;
    /* The last item's shrink counts only as its own right blank (，）):
     * the next item's left blank is not on this line. */
    if (!uchar_is_closing_punct(it[i].cp)) squeeze -= it[i].shrink;
    double uw = has_letter(it, from, i + 1) ? fmin(u_ink, long_word) : fmax(u_ink - squeeze, 0);
    *unit = fmax(*unit, uw);
    u = u_ink = squeeze = 0;
    from = i + 1;
    if (it[i].brk == LB_MUST) {
      *line = fmax(*line, l_ink);
      l = l_ink = 0;
    }
  }
  *line = fmax(*line, l_ink);
}

void colwidths_cell_limits(const tw_cell *cell, double long_word, double *min, double *max) {
  double unit, line;
  units(cell, long_word, &unit, &line);
  *max = fmax(line, unit);
  *min = unit;
  if (cell->max_lines <= 0 || cell->n == 0) return;
  breaker b = {xcalloc(cell->n + 1, sizeof(double)), {0}, 0};
  if (lines_at(&b, cell, unit) > cell->max_lines) {
    /* The narrowest width that keeps the cell within max_lines. */
    double lo = unit, hi = *max;
    for (int k = 0; k < 30 && hi - lo > 0.01; k++) {
      double mid = (lo + hi) / 2;
      if (lines_at(&b, cell, mid) <= cell->max_lines) hi = mid;
      else lo = mid;
    }
    *min = hi;
  }
  free(b.extra);
  VEC_FREE(b.lines);
}

/* A cell's line counts at the last two widths the search set it to: a
 * move tried and undone sets a column to the same width again and again
 * (column b at w[b] + d for every a). A hit counts as a breaking towards
 * SEARCH_BUDGET as a miss does, so the search takes the same path. */
typedef struct {
  double w[2];
  int k[2];
  unsigned char next; /* the entry to replace */
} cell_memo;

/* The search state: content widths and the lines of every cell. */
typedef struct {
  const tw_input *in;
  breaker b;
  double *w;     /* per column: content width */
  int *lines;    /* rows × cols */
  int *saved;    /* one column of lines, to undo a move */
  cell_memo *memo; /* rows × cols, or NULL */
} search;

static int memo_lines(search *s, int cell, double width) {
  cell_memo *m = s->memo ? &s->memo[cell] : NULL;
  for (int i = 0; m && i < 2; i++)
    if (m->k[i] >= 0 && m->w[i] == width) {
      if (s->in->cells[cell].n) s->b.calls++;
      return m->k[i];
    }
  int k = lines_at(&s->b, &s->in->cells[cell], width);
  if (m) {
    m->w[m->next] = width;
    m->k[m->next] = k;
    m->next ^= 1;
  }
  return k;
}

static void set_column(search *s, int col) {
  const tw_input *in = s->in;
  for (int r = 0; r < in->rows; r++) s->lines[r * in->cols + col] = memo_lines(s, r * in->cols + col, s->w[col]);
}

/* The table's height, plus a thousandth of the lines set: of two layouts
 * of the same height the one with fewer broken cells wins. */
static double cost(const search *s, double *height) {
  const tw_input *in = s->in;
  double h = 0, all = 0;
  for (int r = 0; r < in->rows; r++) {
    int most = 1;
    for (int col = 0; col < in->cols; col++) {
      int k = s->lines[r * in->cols + col];
      if (k > most) most = k;
      all += k * in->line_h[r];
    }
    h += most * in->line_h[r] + in->pad_v;
  }
  if (height) *height = h;
  return h + all * 1e-3;
}

double colwidths_height(const tw_input *in, const double *widths) {
  search s = {in, {xcalloc(1, sizeof(double)), {0}, 0}, xcalloc((size_t)in->cols, sizeof(double)),
              xcalloc((size_t)(in->rows * in->cols) + 1, sizeof(int)), NULL};
  size_t most = 0;
  for (int i = 0; i < in->rows * in->cols; i++)
    if (in->cells[i].n > most) most = in->cells[i].n;
  free(s.b.extra);
  s.b.extra = xcalloc(most + 1, sizeof(double));
  for (int col = 0; col < in->cols; col++) {
    s.w[col] = widths[col] - in->pad_h;
    set_column(&s, col);
  }
  double h;
  cost(&s, &h);
  free(s.b.extra);
  VEC_FREE(s.b.lines);
  free(s.w);
  free(s.lines);
  return h;
}

/* Moves width from column a to b; keeps the move if the table gets
 * shorter. */
static bool try_move(search *s, int a, int b, double d, double *best) {
  const tw_input *in = s->in;
  int *col_a = s->saved, *col_b = s->saved + in->rows;
  for (int r = 0; r < in->rows; r++) {
    col_a[r] = s->lines[r * in->cols + a];
    col_b[r] = s->lines[r * in->cols + b];
  }
  s->w[a] -= d;
  s->w[b] += d;
  set_column(s, a);
  set_column(s, b);
  double c = cost(s, NULL);
  if (c < *best - 1e-9) {
    *best = c;
    return true;
  }
  s->w[a] += d;
  s->w[b] -= d;
  for (int r = 0; r < in->rows; r++) {
    s->lines[r * in->cols + a] = col_a[r];
    s->lines[r * in->cols + b] = col_b[r];
  }
  return false;
}

typedef struct {
  double *min, *max, *weight;
  double *relaxed;  /* the minimum when the minimums do not fit: numbers whole */
  bool *is_auto, *text, *num;
} column_facts;

/* The narrowest width above w at which the cell takes fewer lines than
 * at w, or 0 when none up to max does. */
static double next_critical(breaker *b, const tw_cell *cell, double w, double max) {
  int k = lines_at(b, cell, w);
  if (k <= 1 || lines_at(b, cell, max) >= k) return 0;
  double lo = w, hi = max;
  for (int i = 0; i < 40 && hi - lo > 1e-6; i++) {
    double mid = (lo + hi) / 2;
    if (lines_at(b, cell, mid) < k) hi = mid;
    else lo = mid;
  }
  return hi;
}

/* A width (down to min) at which column col keeps the line counts it has
 * now: what it can give away for free. Its lines squeezed as far as they
 * go, else as set now (at that width greedy breaking takes the same
 * breaks), else its width. */
static double tight_width(search *s, int col, double min) {
  const tw_input *in = s->in;
  double natural = min, squeezed = min;
  for (int r = 0; r < in->rows; r++) {
    const tw_cell *cell = &in->cells[r * in->cols + col];
    if (cell->n == 0) continue;
    lines_at(&s->b, cell, s->w[col]);
    for (size_t i = 0; i < s->b.lines.len; i++) {
      const lb_line *l = &s->b.lines.items[i];
      natural = fmax(natural, l->width);
      squeezed = fmax(squeezed, squeezed_width(cell->items, l));
    }
  }
  double candidates[] = {squeezed, natural};
  for (int k = 0; k < 2; k++) {
    double t = fmin(candidates[k], s->w[col]);
    bool keeps = true;
    for (int r = 0; r < in->rows && keeps; r++)
      keeps = lines_at(&s->b, &in->cells[r * in->cols + col], t) <= s->lines[r * in->cols + col];
    if (keeps) return t;
  }
  return s->w[col];
}

/* Shortens row r by a line: every column whose cell in r has the row's
 * most lines widens to where that cell loses one. The width comes first
 * from what the other columns can give without taking more lines, then
 * from them in proportion to their room above their minimums. Keeps the
 * move if the table gets shorter. (Moves between two columns cannot find
 * this when several columns must widen at once, or the width must come
 * from several.) */
static bool try_shorten_row(search *s, const column_facts *f, int r, double *best) {
  const tw_input *in = s->in;
  int cols = in->cols, most = 0;
  for (int j = 0; j < cols; j++)
    if (s->lines[r * cols + j] > most) most = s->lines[r * cols + j];
  if (most <= 1) return false;
  double *target = xcalloc((size_t)cols, sizeof *target), *tight = xcalloc((size_t)cols, sizeof *tight);
  double need = 0, slack = 0, free_sum = 0, rest_sum = 0;
  bool ok = true;
  for (int j = 0; j < cols && ok; j++) {
    if (s->lines[r * cols + j] < most) continue;
    target[j] = f->is_auto[j] ? next_critical(&s->b, &in->cells[r * cols + j], s->w[j], f->max[j]) : 0;
    ok = target[j] > 0;
    need += target[j] - s->w[j];
  }
  for (int j = 0; j < cols && ok; j++)
    if (target[j] == 0 && f->is_auto[j]) slack += s->w[j] - f->min[j];
  ok = ok && need > 1e-6 && need <= slack + 1e-9;
  for (int j = 0; j < cols && ok; j++)
    if (target[j] == 0 && f->is_auto[j]) {
      tight[j] = tight_width(s, j, f->min[j]);
      free_sum += s->w[j] - tight[j];
      rest_sum += tight[j] - f->min[j];
    }
  bool done = false;
  if (ok) {
    size_t cells = (size_t)(in->rows * cols);
    double *old_w = xcalloc((size_t)cols, sizeof *old_w), *best_w = xcalloc((size_t)cols, sizeof *best_w);
    int *old_lines = xcalloc(cells + 1, sizeof *old_lines), *best_lines = xcalloc(cells + 1, sizeof *best_lines);
    memcpy(old_w, s->w, (size_t)cols * sizeof *old_w);
    memcpy(old_lines, s->lines, cells * sizeof *old_lines);
    double extra = need - free_sum; /* beyond what comes for free */
    /* Donors: -1 all in proportion, else the one column that gives the extra. */
    for (int donor = -1; donor < cols; donor++) {
      if (donor >= 0 && (target[donor] > 0 || !f->is_auto[donor] || extra <= 0 ||
                         tight[donor] - f->min[donor] < extra - 1e-5))
        continue;
      for (int j = 0; j < cols; j++) {
        if (target[j] > 0) s->w[j] = target[j];
        else if (!f->is_auto[j]) continue;
        else if (extra <= 0) s->w[j] = old_w[j] - need * (old_w[j] - tight[j]) / free_sum;
        else if (donor >= 0) s->w[j] = j == donor ? fmax(tight[j] - extra, f->min[j]) : tight[j];
        else s->w[j] = tight[j] - (rest_sum > 0 ? extra * (tight[j] - f->min[j]) / rest_sum : 0);
      }
      /* What rounding left over goes to the widest widened column. */
      double total = 0;
      int widest = -1;
      for (int j = 0; j < cols; j++) {
        total += s->w[j];
        if (target[j] > 0 && (widest < 0 || s->w[j] > s->w[widest])) widest = j;
      }
      for (int j = 0; j < cols; j++) total -= old_w[j];
      s->w[widest] -= total;
      for (int j = 0; j < cols; j++) set_column(s, j);
      double c = cost(s, NULL);
      if (c < *best - 1e-9) {
        *best = c;
        done = true;
        memcpy(best_w, s->w, (size_t)cols * sizeof *best_w);
        memcpy(best_lines, s->lines, cells * sizeof *best_lines);
      }
      memcpy(s->w, old_w, (size_t)cols * sizeof *old_w);
      memcpy(s->lines, old_lines, cells * sizeof *old_lines);
    }
    if (done) {
      memcpy(s->w, best_w, (size_t)cols * sizeof *best_w);
      memcpy(s->lines, best_lines, cells * sizeof *best_lines);
    }
    free(old_w);
    free(best_w);
    free(old_lines);
    free(best_lines);
  }
  free(target);
  free(tight);
  return done;
}

/* Hands out room to the columns in `take` in proportion to weight, never
 * past max; returns what is left. */
static double water_fill(double *w, const double *max, const double *weight, const bool *take, int cols,
                         double room) {
  for (int round = 0; round < cols && room > 1e-9; round++) {
    double sum = 0;
    for (int j = 0; j < cols; j++)
      if (take[j] && w[j] < max[j] - 1e-9) sum += weight[j];
    if (sum <= 0) break;
    double given = 0;
    for (int j = 0; j < cols; j++) {
      if (!take[j] || w[j] >= max[j] - 1e-9) continue;
      double d = fmin(room * weight[j] / sum, max[j] - w[j]);
      w[j] += d;
      given += d;
    }
    room -= given;
  }
  return room;
}

/* A cell's minimum when the table cannot give every column its own:
 * numbers and dates (units with a digit) stay whole, anything else may
 * break between any two characters. */
static double relaxed_min(const tw_cell *cell, double long_word) {
  const lb_item *it = cell->items;
  double need = 0, u = 0;
  bool digit = false;
  size_t from = 0;
  for (size_t i = 0; i < cell->n; i++) {
    u += it[i].adv + (i > from ? it[i].gap : 0);
    digit |= it[i].cp >= '0' && it[i].cp <= '9';
    if (!it[i].space) need = fmax(need, it[i].adv);
    if (it[i].brk == LB_NO && i + 1 < cell->n) continue;
    if (digit) need = fmax(need, has_letter(it, from, i + 1) ? fmin(u, long_word) : u);
    u = 0;
    digit = false;
    from = i + 1;
  }
  return need;
}

static void column_limits(const tw_input *in, column_facts *f) {
  for (int col = 0; col < in->cols; col++) {
    f->is_auto[col] = !(in->fixed && in->fixed[col] > 0);
    bool numeric = in->numeric && in->numeric[col];
    f->text[col] = f->is_auto[col] && !numeric;
    f->num[col] = f->is_auto[col] && numeric;
    f->min[col] = in->min_content ? in->min_content[col] : 0;
    for (int r = 0; r < in->rows; r++) {
      double mn, mx;
      colwidths_cell_limits(&in->cells[r * in->cols + col], in->long_word, &mn, &mx);
      f->min[col] = fmax(f->min[col], mn);
      f->max[col] = fmax(f->max[col], mx);
      f->relaxed[col] = fmax(f->relaxed[col], relaxed_min(&in->cells[r * in->cols + col], in->long_word));
      f->weight[col] += mx;
    }
    f->max[col] = fmax(f->max[col], f->min[col]);
    if (in->min_content) f->relaxed[col] = fmax(f->relaxed[col], in->min_content[col]);
    f->relaxed[col] = fmin(f->relaxed[col], f->min[col]);
  }
}

/* f's arrays for in's columns, filled by column_limits; column_facts_free frees them. */
static void column_facts_of(const tw_input *in, column_facts *f) {
  size_t cols = (size_t)in->cols;
  *f = (column_facts){xcalloc(cols, sizeof(double)), xcalloc(cols, sizeof(double)), xcalloc(cols, sizeof(double)),
                      xcalloc(cols, sizeof(double)), xcalloc(cols, sizeof(bool)),   xcalloc(cols, sizeof(bool)),
                      xcalloc(cols, sizeof(bool))};
  column_limits(in, f);
}

static void column_facts_free(column_facts *f) {
  free(f->min);
  free(f->max);
  free(f->weight);
  free(f->relaxed);
  free(f->is_auto);
  free(f->text);
  free(f->num);
}

/* The starting widths of the auto columns: minimums, then the spare room
 * to the text columns by content, then to the numeric ones (their
 * headers), never past one line. Returns whether the search should run. */
static bool start_widths(const tw_input *in, const column_facts *f, double room, double *w) {
  double sum_min = 0, sum_max = 0;
  for (int j = 0; j < in->cols; j++)
    if (f->is_auto[j]) {
      sum_min += f->min[j];
      sum_max += f->max[j];
    }
  if (sum_min >= room) { /* too narrow even for the minimums: scale them */
    for (int j = 0; j < in->cols; j++)
      if (f->is_auto[j]) w[j] = sum_min > 0 ? f->min[j] * room / sum_min : 0;
    return false;
  }
  if (sum_max <= room) {
    /* Every cell on one line: the columns grow in proportion to their
     * content (numbers too: nothing breaks, the table keeps its balance). */
    double spare = room - sum_max;
    int n_auto = 0;
    for (int j = 0; j < in->cols; j++) n_auto += f->is_auto[j];
    for (int j = 0; j < in->cols; j++)
      if (f->is_auto[j]) w[j] = f->max[j] + (sum_max > 0 ? spare * f->max[j] / sum_max : spare / n_auto);
    return false;
  }
  for (int j = 0; j < in->cols; j++)
    if (f->is_auto[j]) w[j] = f->min[j];
  double *want = xcalloc((size_t)in->cols, sizeof *want);
  for (int j = 0; j < in->cols; j++) want[j] = f->max[j] - f->min[j];
  double left = water_fill(w, f->max, f->weight, f->text, in->cols, room - sum_min);
  left = water_fill(w, f->max, want, f->num, in->cols, left);
  free(want);
  return left <= 1e-9;
}

double colwidths_min_total(const tw_input *in) {
  int cols = in->cols;
  column_facts f;
  column_facts_of(in, &f);
  double total = 0;
  for (int j = 0; j < cols; j++) total += f.is_auto[j] ? f.min[j] + in->pad_h : in->fixed[j];
  column_facts_free(&f);
  return total;
}

double colwidths_solve(const tw_input *in, double *widths) {
  int cols = in->cols;
  column_facts f;
  column_facts_of(in, &f);
  double *w = xcalloc((size_t)cols, sizeof *w);
  double room = fmax(in->total - cols * in->pad_h, 0), fixed_sum = 0;
  for (int j = 0; j < cols; j++)
    if (!f.is_auto[j]) {
      w[j] = fmax(in->fixed[j] - in->pad_h, 0);
      fixed_sum += w[j];
    }
  int n_auto = 0;
  double auto_min = 0;
  for (int j = 0; j < cols; j++)
    if (f.is_auto[j]) {
      n_auto++;
      auto_min += f.min[j];
    }
  double auto_room = room - fixed_sum;
  if (n_auto > 0 && auto_room < auto_min) {
    /* Too narrow for every column's labels and headers: only numbers and
     * dates stay whole, the search still makes the table as short as it can. */
    double relaxed = 0;
    for (int j = 0; j < cols; j++)
      if (f.is_auto[j]) relaxed += f.relaxed[j];
    if (relaxed <= auto_room) {
      for (int j = 0; j < cols; j++)
        if (f.is_auto[j]) f.min[j] = f.relaxed[j];
      auto_min = relaxed;
    }
  }
  if (n_auto == 0 || auto_room < auto_min) {
    /* The author's widths leave the other columns too little: they shrink
     * (or, with no other column, stretch) so the table keeps its width. */
    double for_fixed = n_auto == 0 ? room : fmax(room - auto_min, 0);
    double scale = fixed_sum > 0 ? for_fixed / fixed_sum : 0;
    double rest = room - fixed_sum * scale; /* for the auto columns */
    for (int j = 0; j < cols; j++)
      w[j] = !f.is_auto[j] ? w[j] * scale : auto_min > 0 ? f.min[j] * rest / auto_min : rest / n_auto;
    if (n_auto == 0 && fixed_sum <= 0)
      for (int j = 0; j < cols; j++) w[j] = room / cols;
  } else if (start_widths(in, &f, auto_room, w)) {
    size_t most = 0;
    for (int i = 0; i < in->rows * cols; i++)
      if (in->cells[i].n > most) most = in->cells[i].n;
    size_t cells = (size_t)(in->rows * cols);
    search s = {in, {xcalloc(most + 1, sizeof(double)), {0}, 0}, w,
                xcalloc(cells + 1, sizeof(int)),
                xcalloc((size_t)(2 * in->rows) + 1, sizeof(int)), xcalloc(cells + 1, sizeof(cell_memo))};
    for (size_t i = 0; i < cells; i++) s.memo[i].k[0] = s.memo[i].k[1] = -1;
    for (int j = 0; j < cols; j++) set_column(&s, j);
    double best = cost(&s, NULL);
    bool changed = true;
    for (int pass = 0; changed && pass < 16; pass++) {
      changed = false;
      for (int r = 0; r < in->rows && s.b.calls < SEARCH_BUDGET; r++)
        if (try_shorten_row(&s, &f, r, &best)) changed = true;
      for (int div = 8; div <= 64; div *= 2) {
        double step = auto_room / div;
        bool moved = true;
        for (int round = 0; moved && round < 64; round++) {
          moved = false;
          for (int b = 0; b < cols; b++)
            for (int a = 0; a < cols; a++) {
              if (a == b || !f.is_auto[a] || !f.is_auto[b] || s.b.calls >= SEARCH_BUDGET) continue;
              double d = fmin(step, w[a] - f.min[a]);
              if (d > 1e-6 && try_move(&s, a, b, d, &best)) moved = changed = true;
            }
        }
      }
    }
    free(s.b.extra);
    VEC_FREE(s.b.lines);
    free(s.lines);
    free(s.saved);
    free(s.memo);
  }
  for (int j = 0; j < cols; j++) widths[j] = w[j] + in->pad_h;
  free(w);
  column_facts_free(&f);
  return colwidths_height(in, widths);
}
