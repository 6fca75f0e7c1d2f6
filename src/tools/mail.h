/* One brief as an e-mail: RFC 5322 headers with RFC 2047 encoded words,
 * a MIME multipart/mixed body (a UTF-8 text part and the PDF, base64 in
 * lines of 76), RFC 2231 file name parameters, CRLF line ends. The
 * Message-ID and the MIME boundary are a SHA-256 of the content, so the
 * same brief gives the same bytes. The wording comes from a template
 * (mail.yaml: subject, subject_issue, body). */
#ifndef BRIEF_MAIL_H
#define BRIEF_MAIL_H

#include <stdbool.h>
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

/* RFC 5322 section 3.4 addresses, as written in --from and in the From,
 * To, Cc and Bcc headers of an .eml. A mailbox is "addr" or
 * "display name <addr>": its address is the last angle address outside
 * quoted strings and comments ("Finance <x@y>" <real@z> is real@z), the
 * display name what comes before it, quoted strings unquoted, comments
 * left out. Errors (*why, a static string; *at, the byte offset):
 * an open quote, comment or angle bracket, text after the angle address,
 * a name without an address. */
int mail_parse_mailbox(const char *s, size_t n, char **name, char **address, const char **why, size_t *at);
/* An address-list (mailboxes separated by commas, groups "name: a, b;"):
 * the address of each mailbox in order. 0 or -1 as above. */
int mail_parse_address_list(const char *value, str_list *addresses, const char **why, size_t *at);
/* A plain addr-spec local@domain of printable ASCII, no blanks or
 * specials, at most 254 bytes (RFC 5321 section 4.5.3.1.3). */
bool mail_address_ok(const char *address);

/* Checks --from: one mailbox with a valid address, no control characters
 * (a line break would add headers); returns 0 or adds an error. */
int mail_check_from(const char *from, diag_list *dl);
/* The whole message (CRLF line ends); *len its size. Caller frees. */
char *mail_build(const mail_message *m, size_t *len);
/* "Mon, 14 Nov 2016 00:00:00 +0000"; caller frees. */
char *mail_date(long long t);

#endif
