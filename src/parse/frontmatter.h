/* YAML front matter of a case summary: the document's metadata. */
#ifndef BRIEF_FRONTMATTER_H
#define BRIEF_FRONTMATTER_H

#include <stddef.h>

#include "diag.h"
#include "util.h" /* str_list */

/* Where a recipients line came from: the file position of its YAML value
 * and the byte offset in the stored line at which that value's text starts
 * ("报：" is added in front of a mapping value). Columns count characters. */
typedef struct {
  int line, col;
  size_t offset;
  int exact; /* 1 when the value is a one-line plain scalar: columns inside it are exact */
} recipient_src;

/* What a 文件式 document (the document layout, GB/T 9704-2012 7.2–7.4) adds
 * to the front matter (frontmatter_head.c). */
typedef struct {
  str_list issuers;     /* 发文机关 (issuer: one, or a list for a joint document) */
  char *number;         /* 发文字号 as printed: 陇组发〔2016〕12号 */
  str_list signers;     /* 签发人: a 上行文 (report upward) when there are any */
  char *to;             /* 主送机关 */
  recipient_src to_src; /* where it is written (brief mail resolves its units) */
  char *secrecy;        /* 密级和保密期限: 秘密★1年 */
  char *urgency;        /* 紧急程度: 特急 */
  str_list attachments; /* 附件: Markdown files beside the summary, or titles */
  int attachments_line;
  int seal;             /* 1: room for the seal (7.3.5.1) */
  char *note;           /* 附注 */
  char *printed;        /* 印发日期, YYYY-MM-DD (default: date) */
} doc_head_meta;

void doc_head_meta_free(doc_head_meta *h);

typedef struct {
  char *title, *subtitle, *county, *author, *date, *issue, *layout, *copies;
  str_list recipients; /* lines of the distribution block, e.g. "报：市委组织部" */
  struct { recipient_src *items; size_t len, cap; } recipients_src; /* one per recipients line */
  str_list figures;    /* indicators for the key-figures table */
  int figures_line;
  int *numbered;       /* copy numbers (份号) to write, from 'numbered:' or --numbered */
  size_t nnumbered;
  doc_head_meta head;  /* the document layout's keys */
} doc_meta;

void doc_meta_free(doc_meta *m);

/* Splits off front matter at the start of text (after an optional BOM).
 * Fills meta, returns the offset where the Markdown body starts and the
 * number of lines before it in *body_line (0 without front matter).
 * Returns -1 on error (diagnostics added). */
long frontmatter_parse(const char *text, size_t len, const char *file, doc_meta *meta,
                       int *body_line, diag_list *dl);

#endif
