/* The chart spec of a ```chart block: YAML (type: bar|line, title,
 * indicators as a list or a comma-separated line), checked (at most two
 * units, one per axis) and made into the model's chart_data from the
 * county's records. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart_spec.h"
#include "util.h"
#include "yamlutil.h"

static chart_data *build_chart(binder *b, const int *cols, size_t n, bool line, const char *title) {
  const figures *f = b->f;
  chart_data *ch = xcalloc(1, sizeof *ch);
  ch->line = line;
  ch->title = title ? xstrdup(title) : NULL;
  bool series = f->year_col >= 0;
  /* Categories: the years with data for any of the indicators. */
  const record **recs = xcalloc(b->rows.n + 1, sizeof *recs);
  size_t nrec = 0;
  for (size_t k = 0; series && k < b->rows.n; k++) {
    bool any = false;
    for (size_t s = 0; s < n; s++) any |= b->rows.rows[k]->cells[cols[s]][0] != '\0';
    if (any) recs[nrec++] = b->rows.rows[k];
  }
  ch->ncat = series ? nrec : 1;
  ch->categories = xcalloc(ch->ncat + 1, sizeof *ch->categories);
  for (size_t k = 0; k < ch->ncat; k++)
    ch->categories[k] = series ? xasprintf("%d年", recs[k]->year) : xstrdup(b->doc->meta.county);
  ch->nseries = n;
  ch->series = xcalloc(n, sizeof *ch->series);
  for (size_t s = 0; s < n; s++) {
    chart_series *se = &ch->series[s];
    se->name = xstrdup(f->cols[cols[s]].name);
    se->unit = xstrdup(f->cols[cols[s]].unit);
    se->values = xcalloc(ch->ncat, sizeof *se->values);
    se->labels = xcalloc(ch->ncat, sizeof *se->labels);
    for (size_t k = 0; k < ch->ncat; k++) {
      const record *r = series ? recs[k] : figures_record_for(&b->rows, cols[s], 0);
      double v;
      const char *cell = r ? r->cells[cols[s]] : "";
      se->values[k] = *cell && figures_number(cell, &v) ? v : NAN;
      se->labels[k] = xstrdup(*cell ? cell : "—");
    }
  }
  free(recs);
  return ch;
}

/* A chart has one value axis per unit, left and right: a third unit has
 * no axis to be drawn on. */
static bool chart_units_ok(binder *b, const int *cols, size_t n, int line, int col) {
  const char *units[3];
  size_t nunits = 0;
  for (size_t s = 0; s < n && nunits < 3; s++) {
    bool seen = false;
    for (size_t u = 0; u < nunits; u++) seen |= !strcmp(units[u], b->f->cols[cols[s]].unit);
    if (!seen) units[nunits++] = b->f->cols[cols[s]].unit;
  }
  if (nunits <= 2) return true;
  diag_error(b->dl, b->doc->file, line, col,
             "a chart has one axis per unit, at most two, but these indicators have a third unit ('%s' after '%s' "
             "and '%s'); put the indicators of other units into a second chart", units[2], units[0], units[1]);
  b->errors++;
  return false;
}

void chart_spec_bind(binder *b, block *blk) {
  ydoc y;
  int line0 = blk->line; /* the fence line; YAML starts on the next */
  if (ydoc_load(&y, blk->as.chart.literal, strlen(blk->as.chart.literal), b->doc->file, line0, b->dl) != 0) {
    b->errors++;
    return;
  }
  yaml_node_t *root = ydoc_root(&y);
  const char *type = ydoc_scalar(ydoc_map_get(&y, root, "type"));
  const char *title = ydoc_scalar(ydoc_map_get(&y, root, "title"));
  yaml_node_t *ind = ydoc_map_get(&y, root, "indicators");
  bool line = type && !strcmp(type, "line");
  if (!root || root->type != YAML_MAPPING_NODE || !ind) {
    diag_error(b->dl, b->doc->file, blk->line + 1, 1,
               "a chart block needs 'type: bar|line', 'title:' and 'indicators: 名称, 名称'");
    b->errors++;
  } else if (type && strcmp(type, "bar") && strcmp(type, "line")) {
    yaml_node_t *tn = ydoc_map_get(&y, root, "type");
    diag_error(b->dl, b->doc->file, ydoc_line(&y, tn), ydoc_col(tn), "chart type '%s' is not known; use bar or line", type);
    b->errors++;
  } else {
    /* indicators: a comma-separated line or a YAML list */
    strbuf names = {0};
    if (ydoc_scalar(ind)) {
      for (const char *p = ydoc_scalar(ind); *p; p++) {
        if (*p == ',') sb_putc(&names, '\n');
        else if (!strncmp(p, "，", 3) || !strncmp(p, "、", 3)) { sb_putc(&names, '\n'); p += 2; }
        else sb_putc(&names, *p);
      }
    } else if (ind->type == YAML_SEQUENCE_NODE) {
      YSEQ_FOREACH(&y, ind, item) {
        const char *s = ydoc_scalar(ydoc_node(&y, *item));
        if (s) sb_printf(&names, "%s\n", s);
      }
    }
    int *cols;
    size_t n = figures_binder_indicators(b, blk, names.data ? names.data : "", ydoc_line(&y, ind), &cols);
    if (n > 0 && b->errors == 0 && chart_units_ok(b, cols, n, ydoc_line(&y, ind), ydoc_col(ind)))
      blk->as.chart.data = build_chart(b, cols, n, line, title);
    free(cols);
    sb_free(&names);
  }
  ydoc_free(&y);
}

