/* Numbered copies: the 份号 (GB/T 9704-2012 7.2.1: "一般用6位3号阿拉伯数字，
 * 顶格编排在版心左上角第一行"). The brief is laid out once with the first
 * line of its type area kept free; each copy's number is then set on its own
 * into that line. Copies differ only in those items: the PDF stage repeats
 * the pages once per copy and adds the copy's number to its first page. The
 * format, the digits, the font and the alignment come from the layout
 * (copy_number and the copy_number role). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout_internal.h"

static double copy_line_height(const layout_ctx *c) {
  return typeset_line_advance(c, ROLE_COPY_NUMBER, c->pitch > 0);
}

/* The layout's format with {copy} replaced by the zero-padded number. */
static char *copy_number_text(const layout_spec *s, int number) {
  strbuf sb = {0};
  for (const char *p = s->copy_number.format; *p;) {
    if (strncmp(p, "{copy}", 6) == 0) {
      sb_printf(&sb, "%0*d", s->copy_number.digits, number);
      p += 6;
    } else {
      sb_putc(&sb, *p++);
    }
  }
  return sb_take(&sb);
}

int layout_copy_line(layout_ctx *c) {
  if (!c->spec->copy_number.format) {
    diag_error(c->dl, c->spec->path, 0, 0,
               "numbered copies need a 份号 in the layout; add 'copy_number: {format: \"{copy}\", digits: 6}' "
               "and a copy_number role (see layouts/official.yaml)");
    c->errors++;
    return -1;
  }
  const role_style *rs = &c->spec->roles[ROLE_COPY_NUMBER];
  vbox *b = box_new(c, copy_line_height(c)); /* kept free: the number goes in per copy */
  b->snap_after = true;
  double after = spec_length_pt(rs->space_after, rs->size, c->pitch);
  if (after > 0) box_new(c, after)->space = true;
  return 0;
}

/* The items of one copy's number, in page coordinates of the first page
 * (the free line is the first box of the flow, at the top of the type area). */
static void set_copy_number(layout_ctx *c, const char *text, page_box *out) {
  const role_style *rs = &c->spec->roles[ROLE_COPY_NUMBER];
  double x = rs->align == ALIGN_RIGHT ? c->area_x + c->area_w
             : rs->align == ALIGN_CENTER ? c->area_x + c->area_w / 2 : c->area_x;
  text_align align = rs->align == ALIGN_JUSTIFY ? ALIGN_LEFT : rs->align;
  double baseline = (copy_line_height(c) - rs->size) / 2 + rs->size * EM_ASCENT;
  vbox tmp = {0};
  box_add_label(c, &tmp, text, ROLE_COPY_NUMBER, rs->size, x, baseline, align, rs->color);
  for (size_t i = 0; i < tmp.items.len; i++) {
    page_item it = tmp.items.items[i];
    it.y = c->page_h - (c->area_top + it.y);
    VEC_PUSH(*out, it);
  }
  VEC_FREE(tmp.items);
}

void layout_copy_marks(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  laid_out *o = c->out;
  o->ncopies = m->nnumbered;
  o->copy_marks = xcalloc(m->nnumbered + 1, sizeof *o->copy_marks);
  o->copy_labels = xcalloc(m->nnumbered + 1, sizeof *o->copy_labels);
  for (size_t k = 0; k < m->nnumbered; k++) {
    o->copy_labels[k] = copy_number_text(c->spec, m->numbered[k]);
    set_copy_number(c, o->copy_labels[k], &o->copy_marks[k]);
  }
}
