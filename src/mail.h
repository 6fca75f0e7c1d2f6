/* One brief as an e-mail: RFC 5322 headers with RFC 2047 encoded words,
 * a MIME multipart/mixed body (a UTF-8 text part and the PDF, base64 in
 * lines of 76), RFC 2231 file name parameters, CRLF line ends. The
 * Message-ID and the MIME boundary are a SHA-256 of the content, so the
 * same brief gives the same bytes. The wording comes from a template
 * (mail.yaml: subject, subject_issue, body). */
#ifndef BRIEF_MAIL_H
#define BRIEF_MAIL_H

#include <stddef.h>

#include "contacts.h"
#include "diag.h"
#include "frontmatter.h"

typedef struct {
  char *subject;       /* without an 期号 */
  char *subject_issue; /* with one */
  char *body;
} mail_template;

/* Loads the template keys present in path over those already in t
 * (start from a zeroed t). A missing optional file is not an error. */
int mail_template_load(mail_template *t, const char *path, int optional, diag_list *dl);
void mail_template_free(mail_template *t);
/* Expands {title} {subtitle} {county} {author} {date} (2016年11月14日)
 * {issue} {file} in tmpl; caller frees. */
char *mail_expand(const char *tmpl, const doc_meta *meta, const char *file);

typedef struct {
  const char *from; /* "addr" or "Name <addr>" */
  const recipient_list *to, *cc;
  const char *subject, *body; /* UTF-8; body with LF line ends */
  const char *attachment_name;
  const char *attachment;
  size_t attachment_len;
  long long date; /* seconds since the epoch, written as UTC */
} mail_message;

/* Checks --from; returns 0 or adds an error. */
int mail_check_from(const char *from, diag_list *dl);
/* The whole message (CRLF line ends); *len its size. Caller frees. */
char *mail_build(const mail_message *m, size_t *len);
/* "Mon, 14 Nov 2016 00:00:00 +0000"; caller frees. */
char *mail_date(long long t);

#endif
