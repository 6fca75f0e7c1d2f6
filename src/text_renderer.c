#include "text_renderer.h"

#include <stdlib.h>

#include "util.h"

static void spans_line(strbuf *sb, const span_list *l) {
  char *t = span_list_text(l);
  sb_puts(sb, t);
  free(t);
}

static void table_text(strbuf *sb, const table_data *t) {
  for (int r = 0; r < t->rows; r++) {
    for (int c = 0; c < t->cols; c++) {
      if (c) sb_putc(sb, '\t');
      spans_line(sb, &t->cells[r * t->cols + c]);
    }
    sb_putc(sb, '\n');
  }
}

static void chart_text(strbuf *sb, const chart_data *ch) {
  if (ch->title) sb_printf(sb, "%s\n", ch->title);
}

char *text_render(const document *doc) {
  strbuf sb = {0};
  if (doc->meta.title) sb_printf(&sb, "%s\n", doc->meta.title);
  if (doc->meta.subtitle) sb_printf(&sb, "%s\n", doc->meta.subtitle);
  for (size_t i = 0; i < doc->len; i++) {
    const block *b = &doc->items[i];
    switch (b->kind) {
      case BLK_PARAGRAPH:
      case BLK_HEADING:
        if (b->marker) sb_printf(&sb, "%s ", b->marker);
        spans_line(&sb, &b->spans);
        sb_putc(&sb, '\n');
        break;
      case BLK_CODE:
        sb_puts(&sb, b->literal);
        break;
      case BLK_TABLE:
        table_text(&sb, b->table);
        break;
      case BLK_CHART:
        if (b->chart) chart_text(&sb, b->chart);
        break;
      default:
        break;
    }
  }
  return sb_take(&sb);
}
