/* The first and last things on a brief's pages: the red masthead of a
 * 工作简报 and the 版记 (distribution block) at the foot of the last page. */
#include <stdlib.h>
#include <string.h>

#include "cndate.h"
#include "layout_internal.h"

void layout_masthead(layout_ctx *c) {
  const layout_spec *s = c->spec;
  const doc_meta *m = &c->doc->meta;
  const role_style *name = &s->roles[ROLE_MASTHEAD], *issue = &s->roles[ROLE_MASTHEAD_ISSUE],
                   *line = &s->roles[ROLE_MASTHEAD_LINE];
  double center = c->area_x + c->area_w / 2;
  double h_name = name->size * 1.6, h_issue = issue->size * 2.0, h_line = line->size * 1.8;
  vbox *b = box_new(c, h_name + h_issue + h_line + 6);
  double y = name->size * 1.1;
  if (s->masthead.name) /* the bulletin's name: the layout's words (masthead.name) */
    box_add_label(c, b, s->masthead.name, ROLE_MASTHEAD, name->size, center, y, ALIGN_CENTER, name->color);
  y = h_name + issue->size * 1.2;
  if (s->masthead.issue && m->issue) {
    char *text = spec_expand(s->masthead.issue, m, 0, 0);
    box_add_label(c, b, text, ROLE_MASTHEAD_ISSUE, issue->size, center, y, ALIGN_CENTER, issue->color);
    free(text);
  }
  y = h_name + h_issue + line->size * 1.1;
  if (m->author)
    box_add_label(c, b, m->author, ROLE_MASTHEAD_LINE, line->size, c->area_x + line->size, y, ALIGN_LEFT, line->color);
  if (m->date) {
    char *date = cndate_print(m->date);
    box_add_label(c, b, date, ROLE_MASTHEAD_LINE, line->size, c->area_x + c->area_w - line->size, y,
                  ALIGN_RIGHT, line->color);
    free(date);
  }
  y = h_name + h_issue + h_line + 2;
  if (s->masthead.rule > 0) box_add_line(b, c->area_x, y, c->area_w, 0, s->masthead.rule, s->masthead.color);
  b->snap_after = true;
  vbox *sp = box_new(c, c->pitch > 0 ? c->pitch : line->size * 1.5);
  sp->space = true;
}

/* 版记: rules the width of the type area, 报/送/发 lines and the print count,
 * sitting on the bottom of the last page's type area. */
void layout_distribution(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  const role_style *rs = &c->spec->roles[ROLE_DISTRIBUTION];
  bool count = m->copies && c->spec->print_count; /* the layout's words */
  size_t lines = m->recipients.len + (count ? 1 : 0);
  if (lines == 0) return;
  double row = rs->size * 1.9;
  vbox *b = box_new(c, row * (double)lines + 4);
  b->bottom = true;
  const rgb black = {0, 0, 0};
  /* GB/T 9704-2012 7.4.1: the first and last rules thick (0.35 mm), those between thin (0.25 mm). */
  double outer = c->spec->distribution_rules.outer, inner = c->spec->distribution_rules.inner;
  box_add_line(b, c->area_x, 1, c->area_w, 0, outer, black);
  double y = 0;
  for (size_t i = 0; i < m->recipients.len; i++) {
    box_add_label(c, b, m->recipients.items[i], ROLE_DISTRIBUTION, rs->size, c->area_x + rs->size, y + row * 0.68,
                  ALIGN_LEFT, rs->color);
    y += row;
    box_add_line(b, c->area_x, y, c->area_w, 0, inner, black);
  }
  if (count) {
    char *text = spec_expand(c->spec->print_count, m, 0, 0);
    box_add_label(c, b, text, ROLE_DISTRIBUTION, rs->size, c->area_x + c->area_w - rs->size, y + row * 0.68,
                  ALIGN_RIGHT, rs->color);
    free(text);
    y += row;
  }
  box_add_line(b, c->area_x, b->height - 1, c->area_w, 0, outer, black);
}
