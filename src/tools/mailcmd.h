/* brief mail: every brief rendered (as batch does) and written as a ready
 * e-mail beside its PDF, addressed from its 版记 and the address book. */
#ifndef BRIEF_MAILCMD_H
#define BRIEF_MAILCMD_H

#include "brief.h"

typedef struct {
  const char *outdir, *from;
  const char *contacts; /* NULL: contacts.csv beside each summary */
  const char *figures;  /* NULL: figures.csv beside each summary, when there */
  const char *layout;
  const char *data_dir; /* for the default wording, templates/mail.yaml */
} mail_options;

/* Writes OUTDIR/<name>.pdf and OUTDIR/<name>.eml for every summary, going
 * on past failures; prints the diagnostics and lists failed briefs.
 * Returns the exit status. */
int mail_command(brief_engine *e, const mail_options *o, const str_list *summaries);

#endif
