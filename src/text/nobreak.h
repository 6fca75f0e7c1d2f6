/* Break opportunities that tables (and all text) must not take, and the
 * restricted ones of table headers. Both work on items whose brk was
 * already filled by linebreak_find. */
#ifndef BRIEF_NOBREAK_H
#define BRIEF_NOBREAK_H

#include "linebreaker.h"

/* Removes the break opportunities inside a number with its sign,
 * separators, decimal point, percent sign or multiplier (-1,234.56%,
 * 13.8万), inside a date (2020年7月31日, 2020-07-31) and inside a text of
 * at most four characters (a short label: 序号, 完成时限). Adds, as a last
 * resort, opportunities inside a Latin word or URL wider than long_word
 * (pt): after / - _ ? & = and before a dot. */
void linebreak_keep_units(lb_item *items, size_t n, double long_word);

/* A table header: keeps only the opportunities that respect words: before
 * an opening bracket (the unit: 贫困人口（人）), after a solidus, at
 * spaces, between Latin and Chinese, and inside a run of four or more
 * ideographs between two-character chunks counted from its start, never
 * leaving one character alone (贫困/人口, 贫困/发生率, 驻村/工作队). Most
 * Chinese statistical terms are built of two-character words; where one
 * is not, the header still breaks only between whole characters. The item
 * before a unit's bracket loses its shrink (the bracket's blank, which a
 * break there moves to the next line). */
void linebreak_label_breaks(lb_item *items, size_t n);

#endif
