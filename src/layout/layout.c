/* Layout: the driver of the stage. A document becomes pages: its parts in
 * order (copy number, masthead, title, blocks, signature, distribution),
 * flowed onto pages and decorated, the glyph inventory and document info. */
#include <stdlib.h>
#include <string.h>

#include "layout_internal.h"

/* ---- the whole document ------------------------------------------------ */

static void collect_glyphs(layout_ctx *c) {
  glyph_inventory *g = &c->out->glyphs;
  glyph_inventory_init(g, font_lib_face_count(c->fonts));
  for (size_t id = 0; id < g->nfaces; id++) {
    face_glyphs *f = &g->faces[id];
    if (c->codes[id].len) {
      f->face = font_lib_face(c->fonts, id);
      f->codes = c->codes[id].items;
      f->ncodes = c->codes[id].len;
      memset(&c->codes[id], 0, sizeof c->codes[id]); /* handed over */
    }
    if (!c->used[id]) continue;
    f->face = font_lib_face(c->fonts, id);
    f->cps = laid_out_cp_bitmap_list(c->used[id], &f->ncps);
  }
}

static void fill_info(layout_ctx *c) {
  const doc_meta *m = &c->doc->meta;
  doc_info *o = &c->out->info;
  o->title = m->title ? xstrdup(m->title) : NULL;
  o->author = m->author ? xstrdup(m->author) : NULL;
  o->subject = m->county ? xstrdup(m->county) : NULL;
  o->date = m->date ? xstrdup(m->date) : NULL;
  strbuf kw = {0};
  const char *parts[] = {m->county, c->spec->keywords, c->spec->name};
  for (size_t i = 0; i < 3; i++)
    if (parts[i]) sb_printf(&kw, "%s%s", kw.len ? ", " : "", parts[i]);
  o->keywords = sb_take(&kw);
}

int layout_document(const document *doc, const layout_spec *spec, const font_lib *fonts,
                    laid_out *out, diag_list *dl) {
  return layout_document_until(doc, spec, fonts, NULL, out, dl);
}

int layout_document_until(const document *doc, const layout_spec *spec, const font_lib *fonts,
                          stop_check *stop, laid_out *out, diag_list *dl) {
  memset(out, 0, sizeof *out);
  layout_ctx c;
  layout_ctx_start(&c, doc, spec, fonts, out, dl);
  c.stop = stop;

  if (doc->meta.nnumbered) layout_copy_line(&c); /* 份号 above everything: GB/T 9704-2012 7.2.1 */
  if (spec->masthead.enabled) layout_masthead(&c);
  if (spec->document.enabled) layout_document_head(&c);
  if (spec->title_block) layout_title(&c);
  if (spec->document.enabled) layout_addressee(&c);
  layout_main_blocks(&c);
  bool go_on = !stop_due(stop);
  if (go_on && spec->document.enabled) {
    layout_document_end(&c); /* 附件说明, signature, 附注, 附件, 版记 */
  } else if (go_on) {
    if (spec->signature) layout_signature(&c);
    if (spec->distribution) layout_distribution(&c);
  }
  if (go_on) layout_flow_boxes(&c);
  go_on = !stop_due(stop);
  if (go_on) layout_decorate_pages(&c);
  if (go_on && doc->meta.nnumbered && c.errors == 0) layout_copy_marks(&c);
  collect_glyphs(&c);
  fill_info(&c);
  box_list_free(&c);
  layout_ctx_end(&c);
  return c.errors || !go_on ? -1 : 0;
}

void laid_out_free(laid_out *lo) {
  for (size_t p = 0; p < lo->npages; p++) {
    for (size_t i = 0; i < lo->pages[p].len; i++) free(lo->pages[p].items[i].text);
    free(lo->pages[p].items);
  }
  free(lo->pages);
  for (size_t i = 0; i < lo->noutline; i++) free(lo->outline[i].title);
  free(lo->outline);
  glyph_inventory_free(&lo->glyphs);
  laid_out_doc_info_free(&lo->info);
  for (size_t k = 0; k < lo->ncopies; k++) {
    for (size_t i = 0; i < lo->copy_marks[k].len; i++) free(lo->copy_marks[k].items[i].text);
    free(lo->copy_marks[k].items);
    free(lo->copy_labels[k]);
  }
  free(lo->copy_marks);
  free(lo->copy_labels);
  memset(lo, 0, sizeof *lo);
}
