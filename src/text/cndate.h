/* Chinese dates, 期号 and numerals: read as offices type them, printed as
 * GB/T 9704-2012 prints them. The one home of Chinese numerals. */
#ifndef BRIEF_CNDATE_H
#define BRIEF_CNDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* The forms a date is accepted in, for messages. */
#define CNDATE_FORMS "2016-11-14, 2016年11月14日, 2016.11.14, 2016/11/14 or 二〇一六年十一月十四日"

/* Reads a date in any of CNDATE_FORMS (month and day may have one digit,
 * digits may be full-width, spaces are ignored) into iso ("2016-11-14").
 * Returns false for anything else, for a day the month does not have
 * (2016-02-30) and for an order that cannot be known (11/14/2016);
 * *why then says what is wrong (static text). */
bool cndate_parse(const char *text, char iso[11], const char **why);

/* "2016-08-15" → "2016年8月15日", as GB/T 9704-2012 7.3.5 prints a date
 * (Arabic numerals, no leading zeros); text not in the ISO form (a date
 * already printed) is returned as it is; NULL for NULL. Caller frees. */
char *cndate_print(const char *iso);

/* The 期号: a whole number (1 to 9999999, digits of either width; *number
 * set true and out the ASCII digits), or text that holds 期 or 刊 as it is
 * printed (第12期, 2020年第3期, 总第125期, 增刊; *number false, out a copy
 * without surrounding spaces). Returns NULL for anything else; the caller
 * frees what is returned. */
char *cndate_issue_parse(const char *text, bool *number);

/* The length in bytes of a run of the numerals 一 … 十 at s (the numbers
 * of headings typed 一、 or （一）), 0 when s starts with none. */
size_t cndate_number_len(const char *s);

/* n (0 to 99) in Chinese numerals appended to sb: 三, 十二, 二十一, as a
 * generated heading number 一、 （一） counts. */
void cndate_number_print(int n, strbuf *sb);

#endif
