/* The front-matter keys of a 文件式 document (the document layout, GB/T
 * 9704-2012 7.2–7.4): 发文机关, 发文字号, 签发人, 主送机关, 密级, 紧急程度,
 * 附件, 印章, 附注, 印发日期. */
#ifndef BRIEF_FRONTMATTER_HEAD_H
#define BRIEF_FRONTMATTER_HEAD_H

#include "frontmatter.h"
#include "yamlutil.h"

/* Reads key when it is one of them: returns 0, or -1 (diagnostics added);
 * 1 when key is none of them. */
int frontmatter_head_key(ydoc *y, const char *key, yaml_node_t *value, doc_meta *m, diag_list *dl);
/* Where a value node stands (for `brief mail`'s messages about the units
 * it names); offset as recipient_src says. */
recipient_src frontmatter_head_source(ydoc *y, yaml_node_t *node, size_t offset);
/* Their names, NULL-terminated, for the unknown-key warning. */
extern const char *const frontmatter_head_keys[];

/* 发文字号 as GB/T 9704-2012 7.2.5 prints it: the year in 六角括号 〔〕
 * (from [] () （） 【】 ［］), the serial number without leading zeros and
 * without 第: "陇组发[2016]第012号" → "陇组发〔2016〕12号". Text without a
 * bracketed four-digit year is kept as written. Caller frees. */
char *doc_number_normalize(const char *s);

#endif
