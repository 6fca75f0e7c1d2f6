/* Normalisation stage: Chinese text as authors type it (half-width input
 * mode, a Word → pandoc round trip, web-copywriting spaces) put into the
 * form Chinese print uses, on the document model after parsing and before
 * layout. Only in Chinese context (a CJK character beside the mark), never
 * inside code, URLs, link targets, {{figures}} references or numbers.
 *
 * Every change is recorded with the source position of what it replaced
 * (line and column in characters) and its byte range in the source, so
 * `brief check` can list it and `--fix` can write it back. */
#ifndef BRIEF_NORMALIZE_H
#define BRIEF_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* Each rule can be switched off in the layout (normalize: {quotes: false}). */
typedef struct {
  bool quotes;      /* "…" '…' → “…” ‘…’ */
  bool punctuation; /* , . ; : ? ! beside CJK → ， 。 ； ： ？ ！ */
  bool brackets;    /* ( ) → （ ）, << >> → 《 》 */
  bool ellipsis;    /* ... … → …… */
  bool dash;        /* -- — → —— */
  bool spaces;      /* spaces between CJK and Latin letters/digits or two CJK characters dropped */
  bool repeated;    /* ，， 。。 reported */
  bool unpaired;    /* unpaired “ ” （ ） 《 》 【 】 and straight quotes reported */
  bool corner_quotes; /* 「」『』 (Taiwan, Hong Kong) → “”‘’ */
} normalize_rules;

/* All rules on: the default. */
normalize_rules normalize_rules_default(void);
/* All rules off: --no-normalize. */
normalize_rules normalize_rules_none(void);
/* The rule names, NULL-terminated, in the order of the struct (for layout files). */
extern const char *const normalize_rule_names[];
/* The flag of a rule by name, or NULL. */
bool *normalize_rule_flag(normalize_rules *r, const char *name);

typedef enum {
  NZ_CHANGE,  /* text replaced (to holds the new text) */
  NZ_WARNING, /* reported, not changed: repeated marks */
  NZ_ERROR,   /* reported, not changed: unpaired quotes and brackets */
  NZ_NOTE,    /* for the author's information: a paragraph taken as a heading */
} nz_kind;

typedef struct {
  nz_kind kind;
  const char *rule;  /* "quotes", "punctuation", … */
  char *from, *to;   /* the text as written and what it becomes (to: "" drops it; NULL for problems) */
  char *message;     /* for problems */
  int line, col;     /* source position, 1-based, col in characters; 0 when unknown */
  long start, end;   /* byte range in the source that --fix replaces; -1 when it cannot */
} nz_item;

typedef struct nz_report {
  nz_item *items;
  size_t len, cap;
  size_t changes, problems;
} nz_report;

/* Normalises the text of every paragraph, heading and table cell of doc in
 * place. src is the whole file the model was parsed from (positions are
 * found in it); rep (may be NULL) receives every change and problem in
 * source order. */
void normalize_document(document *doc, const char *src, size_t len, const normalize_rules *rules,
                        nz_report *rep);
void normalize_report_free(nz_report *rep);
/* Puts items [from, len), themselves in source order, in source order with
 * those before them (a stable merge: linear). */
void normalize_report_merge(nz_report *rep, size_t from);

/* Applies the fixable changes of rep to src; returns the new text (caller
 * frees) and the number applied in *applied. Bytes outside the changes,
 * front matter and line endings included, are copied unchanged. */
char *normalize_apply(const char *src, size_t len, const nz_report *rep, size_t *out_len, size_t *applied);

#endif
