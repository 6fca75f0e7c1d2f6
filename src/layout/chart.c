/* Vector charts of county figures: bars or lines drawn as PDF paths, with
 * axes at round numbers, Chinese labels as real text, a legend for several
 * series, a second axis when units differ and values on the marks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_internal.h"

static const rgb palette[] = {{0.78, 0.12, 0.12}, {0.16, 0.36, 0.66}, {0.93, 0.58, 0.12},
                              {0.22, 0.55, 0.32}, {0.45, 0.45, 0.45}};
static const rgb axis_color = {0.2, 0.2, 0.2}, grid_color = {0.82, 0.82, 0.82};

/* A step of 1, 2, 2.5 or 5 × 10^k giving about `ticks` intervals. */
static double nice_step(double range, int ticks) {
  if (range <= 0) return 1;
  double raw = range / ticks, mag = pow(10, floor(log10(raw))), f = raw / mag;
  double nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nf * mag;
}

typedef struct {
  double lo, hi, step;
  const char *unit;
} axis;

static axis make_axis(const chart_data *ch, const char *unit) {
  double lo = 0, hi = 0;
  for (size_t s = 0; s < ch->nseries; s++) {
    if (strcmp(ch->series[s].unit, unit) != 0) continue;
    for (size_t k = 0; k < ch->ncat; k++) {
      double v = ch->series[s].values[k];
      if (isnan(v)) continue;
      lo = fmin(lo, v);
      hi = fmax(hi, v);
    }
  }
  if (hi == lo) hi = lo + 1;
  double step = nice_step(hi - lo, 5);
  axis a = {floor(lo / step) * step, ceil(hi / step) * step, step, unit};
  if (a.hi - hi < step * 0.15) a.hi += step; /* room for the value labels */
  return a;
}

static void tick_label(double v, char *buf, size_t n) {
  snprintf(buf, n, "%g", fabs(v) < 1e-9 ? 0.0 : v);
}

typedef struct {
  double x, y, w, h; /* plot area, y from the box top */
} plot_area;

static double value_y(const plot_area *p, const axis *a, double v) {
  return p->y + p->h - (v - a->lo) / (a->hi - a->lo) * p->h;
}

static void draw_axis(layout_ctx *c, vbox *b, const plot_area *p, const axis *a, bool right, double size) {
  double x = right ? p->x + p->w : p->x;
  box_add_line(b, x, p->y, 0, p->h, 0.6, axis_color);
  for (double v = a->lo; v <= a->hi + a->step * 0.01; v += a->step) {
    double y = value_y(p, a, v);
    char buf[32];
    tick_label(v, buf, sizeof buf);
    if (!right && v > a->lo + a->step * 0.01) box_add_line(b, p->x, y, p->w, 0, 0.3, grid_color);
    box_add_line(b, right ? x : x - 3, y, 3, 0, 0.6, axis_color);
    box_add_label(c, b, buf, ROLE_CAPTION, size, right ? x + 5 : x - 5, y + size * 0.35,
                  right ? ALIGN_LEFT : ALIGN_RIGHT, axis_color);
  }
  if (a->unit[0]) {
    char *u = xasprintf("（%s）", a->unit);
    box_add_label(c, b, u, ROLE_CAPTION, size, x, p->y - size * 0.8, right ? ALIGN_LEFT : ALIGN_RIGHT, axis_color);
    free(u);
  }
}

static void draw_bars(layout_ctx *c, vbox *b, const chart_data *ch, const plot_area *p, const axis *axes,
                      const int *which, double size) {
  double group = p->w / (double)ch->ncat, bar = group * 0.7 / (double)ch->nseries;
  for (size_t k = 0; k < ch->ncat; k++)
    for (size_t s = 0; s < ch->nseries; s++) {
      const axis *a = &axes[which[s]];
      double v = ch->series[s].values[k];
      if (isnan(v)) continue;
      double x = p->x + group * k + group * 0.15 + bar * s;
      double y0 = value_y(p, a, fmax(a->lo, 0)), y1 = value_y(p, a, v);
      box_add_rect(b, x, fmin(y0, y1), bar * 0.9, fabs(y0 - y1), true, false, 0, palette[s % 5]);
      box_add_label(c, b, ch->series[s].labels[k], ROLE_CAPTION, size * 0.9, x + bar * 0.45,
                    fmin(y0, y1) - size * 0.3, ALIGN_CENTER, axis_color);
    }
}

static void draw_lines(layout_ctx *c, vbox *b, const chart_data *ch, const plot_area *p, const axis *axes,
                       const int *which, double size) {
  double group = p->w / (double)ch->ncat;
  for (size_t s = 0; s < ch->nseries; s++) {
    const axis *a = &axes[which[s]];
    double px = 0, py = 0;
    bool have = false;
    for (size_t k = 0; k < ch->ncat; k++) {
      double v = ch->series[s].values[k];
      if (isnan(v)) {
        have = false;
        continue;
      }
      double x = p->x + group * (k + 0.5), y = value_y(p, a, v);
      if (have) box_add_line(b, px, py, x - px, y - py, 1.5, palette[s % 5]);
      box_add_rect(b, x - 2.5, y - 2.5, 5, 5, true, false, 0, palette[s % 5]);
      box_add_label(c, b, ch->series[s].labels[k], ROLE_CAPTION, size * 0.9, x, y - size * 0.6,
                    ALIGN_CENTER, axis_color);
      px = x, py = y, have = true;
    }
  }
}

/* The legend, centred rows no wider than width; returns the rows drawn. */
static int draw_legend(layout_ctx *c, vbox *b, const chart_data *ch, double x_center, double width, double y,
                       double size) {
  double *widths = xcalloc(ch->nseries, sizeof *widths);
  for (size_t s = 0; s < ch->nseries; s++)
    widths[s] = typeset_label_width(c, ch->series[s].name, ROLE_CAPTION, size) + size * 2.2;
  int rows = 0;
  for (size_t first = 0; first < ch->nseries; rows++) {
    double total = widths[first];
    size_t end = first + 1;
    while (end < ch->nseries && total + widths[end] <= width) total += widths[end++];
    double x = x_center - total / 2, row_y = y + rows * size * 1.5;
    for (size_t s = first; s < end; s++) {
      box_add_rect(b, x, row_y - size * 0.75, size * 0.9, size * 0.7, true, false, 0, palette[s % 5]);
      box_add_label(c, b, ch->series[s].name, ROLE_CAPTION, size, x + size * 1.2, row_y, ALIGN_LEFT, axis_color);
      x += widths[s];
    }
    first = end;
  }
  free(widths);
  return rows;
}

void layout_chart(layout_ctx *c, const block *blk, const chart_data *ch) {
  (void)blk;
  if (ch->ncat == 0 || ch->nseries == 0) return;
  double size = c->spec->roles[ROLE_CAPTION].size;
  double width = c->area_w, height = fmin(width * 0.5, c->area_h * 0.6);
  double pitch = c->pitch > 0 ? c->pitch : size * 1.5;
  vbox *sp = box_new(c, pitch * 0.5);
  sp->space = true;
  vbox *b = box_new(c, height);
  double top = 0;
  if (ch->title) {
    box_add_label(c, b, ch->title, ROLE_CAPTION, size * 1.15, c->area_x + width / 2, size * 1.2,
                  ALIGN_CENTER, (rgb){0, 0, 0});
    top += size * 2;
  }
  /* One axis per unit, at most two: the binder rejects a third unit
   * (figures.c, bind_chart_block), so which[s] is always 0 or 1. */
  int *which = xcalloc(ch->nseries, sizeof *which);
  axis axes[2];
  axes[0] = make_axis(ch, ch->series[0].unit);
  int naxes = 1;
  for (size_t s = 0; s < ch->nseries; s++) {
    if (strcmp(ch->series[s].unit, ch->series[0].unit) == 0) continue;
    if (naxes == 1) axes[naxes++] = make_axis(ch, ch->series[s].unit);
    which[s] = 1;
  }
  if (ch->nseries > 1) {
    int rows = draw_legend(c, b, ch, c->area_x + width / 2, width, top + size * 1.1, size);
    top += size * 1.8 + (rows - 1) * size * 1.5;
  }
  plot_area p = {c->area_x + size * 4, top + size * 1.6, width - size * (naxes > 1 ? 8 : 5),
                 height - top - size * 1.6 - size * 2.2};
  draw_axis(c, b, &p, &axes[0], false, size);
  if (naxes > 1) draw_axis(c, b, &p, &axes[1], true, size);
  box_add_line(b, p.x, p.y + p.h, p.w, 0, 0.6, axis_color);
  double group = p.w / (double)ch->ncat;
  for (size_t k = 0; k < ch->ncat; k++)
    box_add_label(c, b, ch->categories[k], ROLE_CAPTION, size, p.x + group * (k + 0.5),
                  p.y + p.h + size * 1.3, ALIGN_CENTER, axis_color);
  if (ch->line) draw_lines(c, b, ch, &p, axes, which, size);
  else draw_bars(c, b, ch, &p, axes, which, size);
  free(which);
  b->snap_after = true;
  vbox *after = box_new(c, pitch * 0.5);
  after->space = true;
}
