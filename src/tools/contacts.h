/* The address book of `brief mail`: contacts.csv with the columns 单位
 * (unit) and 邮箱 (e-mail), one row per address, and optionally 县(市):
 * a row for the briefs of that county only (so "县委、县政府各位领导" can
 * be a different office for each county). Read like the figures
 * file (UTF-8, UTF-8 with BOM or GB18030, CRLF). A brief's 报/送/发 lines
 * are resolved against it into the To and Cc recipients. */
#ifndef BRIEF_CONTACTS_H
#define BRIEF_CONTACTS_H

#include <stddef.h>

#include "diag.h"
#include "frontmatter.h"

typedef struct contacts contacts;

contacts *contacts_load(const char *path, diag_list *dl);
contacts *contacts_parse(const char *data, size_t len, const char *path, diag_list *dl);
void contacts_free(contacts *c);

typedef struct {
  char *unit, *address;
} recipient;

typedef struct {
  recipient *items;
  size_t len, cap;
} recipient_list;

void contacts_recipients_free(recipient_list *l);

/* Resolves the recipients lines of meta (from the summary file): 报 (and
 * 主送) into to, every other label (送, 发, 抄送, 印发) into cc. Each entry
 * is looked up as written, then split at ，、, into units. An address is
 * listed once, where it first appears. A unit without an address is an
 * error at its position naming it and the closest units of the book. */
int contacts_resolve(const contacts *c, const doc_meta *meta, const char *file, recipient_list *to,
                     recipient_list *cc, diag_list *dl);

#endif
