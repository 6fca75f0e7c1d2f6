/* The parts of a document's layout, called by the driver (layout.c) and by
 * each other only downwards: blocks.c calls table.c and chart.c,
 * document_layout.c calls blocks.c; all of them build with typeset.h and
 * boxes.h, which call none of them. */
#ifndef BRIEF_LAYOUT_INTERNAL_H
#define BRIEF_LAYOUT_INTERNAL_H

#include "boxes.h"
#include "typeset.h"

/* The body's blocks, title and signature (blocks.c). */
void layout_title(layout_ctx *c);
void layout_main_blocks(layout_ctx *c);
void layout_body_blocks(layout_ctx *c, const document *doc);
void layout_signature(layout_ctx *c);

/* 文件式 (document_layout.c, GB/T 9704-2012 7.2–7.5). */
void layout_document_head(layout_ctx *c);  /* 份号 line aside: 密级, 紧急程度, 标志, 发文字号, 签发人, red rule */
void layout_addressee(layout_ctx *c);      /* 主送机关 */
void layout_document_end(layout_ctx *c);   /* 附件说明, 署名, 日期, 附注, 附件, 版记 */

/* Front and back matter (masthead.c). */
void layout_masthead(layout_ctx *c);
void layout_distribution(layout_ctx *c);

/* Numbered copies (copynumber.c): the free first line, then each copy's 份号. */
int layout_copy_line(layout_ctx *c);
void layout_copy_marks(layout_ctx *c);

/* Pagination (paginate.c). */
void layout_flow_boxes(layout_ctx *c);
void layout_decorate_pages(layout_ctx *c);
void layout_page_number(layout_ctx *c, page_box *page, int number, int pages);

void layout_table(layout_ctx *c, const block *b, const table_data *t);
void layout_chart(layout_ctx *c, const block *b, const chart_data *ch);

#endif
