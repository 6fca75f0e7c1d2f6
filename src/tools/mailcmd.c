#include "mailcmd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "contacts.h"
#include "mail.h"
#include "util.h"

/* The address books used so far, loaded once each. */
typedef struct {
  VEC(char *) paths;
  VEC(contacts *) books;
} book_cache;

static const contacts *book_for(book_cache *bc, const char *path, diag_list *dl) {
  for (size_t i = 0; i < bc->paths.len; i++)
    if (!strcmp(bc->paths.items[i], path)) return bc->books.items[i];
  contacts *c = contacts_load(path, dl);
  char *p = xstrdup(path);
  VEC_PUSH(bc->paths, p);
  VEC_PUSH(bc->books, c);
  return c;
}

static void book_cache_free(book_cache *bc) {
  for (size_t i = 0; i < bc->paths.len; i++) {
    free(bc->paths.items[i]);
    contacts_free(bc->books.items[i]);
  }
  VEC_FREE(bc->paths);
  VEC_FREE(bc->books);
}

static char *beside(const char *summary, const char *name) {
  char *dir = path_dirname(summary);
  char *p = path_join(dir, name);
  free(dir);
  return p;
}

/* The wording: templates/mail.yaml of the data folder, then mail.yaml
 * beside the summary for the keys it sets. */
static int load_template(const mail_options *o, const char *summary, mail_template *t, diag_list *dl) {
  char *base = xasprintf("%s/templates/mail.yaml", o->data_dir);
  char *local = beside(summary, "mail.yaml");
  int rc = mail_template_load(t, base, 0, dl);
  if (rc == 0) rc = mail_template_load(t, local, 1, dl);
  if (rc == 0 && (!t->subject || !t->subject_issue || !t->body)) {
    diag_error(dl, base, 0, 0, "the mail template needs 'subject', 'subject_issue' and 'body'");
    rc = -1;
  }
  free(base);
  free(local);
  return rc;
}

/* Date: SOURCE_DATE_EPOCH, else the front matter's date (00:00 UTC), as
 * for the PDF; the clock only when neither is there. */
static long long mail_time(const doc_meta *m) {
  const char *epoch = getenv("SOURCE_DATE_EPOCH");
  if (epoch && *epoch) return atoll(epoch);
  if (m->date) {
    struct tm tm = {0};
    tm.tm_year = atoi(m->date) - 1900;
    tm.tm_mon = atoi(m->date + 5) - 1;
    tm.tm_mday = atoi(m->date + 8);
    return (long long)timegm(&tm);
  }
  return (long long)time(NULL);
}

static int write_eml(const char *path, const char *data, size_t len, diag_list *dl) {
  char *temp = file_temp_beside(path);
  FILE *f = temp ? fopen(temp, "wb") : NULL;
  int rc = f && fwrite(data, 1, len, f) == len ? 0 : -1;
  if (f && fclose(f) != 0) rc = -1;
  if (rc == 0 && file_commit_temp(temp, path) != 0) rc = -1;
  if (rc != 0) {
    diag_error(dl, path, 0, 0, "cannot write the e-mail: %s", strerror(errno));
    if (temp) file_discard_temp(temp);
  }
  free(temp);
  return rc;
}

/* The subject as one line: a title written on two lines (or any field
 * with a line break or tab) is joined with a blank, as a mail client would
 * show it; a header cannot hold a line break. Caller frees. */
static char *one_line(const char *s) {
  strbuf sb = {0};
  sb_puts(&sb, "");
  for (; *s; s++) {
    bool blank = *s == '\r' || *s == '\n' || *s == '\t';
    if (!blank) sb_putc(&sb, *s);
    else if (sb.len && sb.data[sb.len - 1] != ' ') sb_putc(&sb, ' ');
  }
  while (sb.len && sb.data[sb.len - 1] == ' ') sb.data[--sb.len] = '\0';
  return sb_take(&sb);
}

/* The attachment's name is the summary's file name: a control character
 * in it (a line break) has no place in a header. */
static int check_file_name(const char *summary, const char *name, diag_list *dl) {
  for (const unsigned char *p = (const unsigned char *)name; *p; p++)
    if (*p < 0x20 || *p == 0x7F) {
      diag_error(dl, summary, 0, 0, "the file name has a line break or control character (byte %zu of '%s'); "
                 "it names the attachment: rename the summary", (size_t)(p - (const unsigned char *)name) + 1, name);
      return -1;
    }
  return 0;
}

typedef struct {
  const mail_options *o;
  book_cache books;
  diag_list *dl;
} mailer;

static int mail_one(mailer *m, brief_engine *e, const char *summary) {
  const mail_options *o = m->o;
  doc_meta meta = {0};
  recipient_list to = {0}, cc = {0};
  mail_template t = {0};
  char *stem = path_stem(summary);
  char *pdf = xasprintf("%s/%s.pdf", o->outdir, stem), *eml = xasprintf("%s/%s.eml", o->outdir, stem);
  char *name = xasprintf("%s.pdf", stem);
  char *book_path = o->contacts ? xstrdup(o->contacts) : beside(summary, "contacts.csv");
  char *figures = o->figures ? xstrdup(o->figures) : NULL;
  static const char *const sheets[] = {"figures.csv", "figures.xlsx", "figures.xls"}; /* as batch */
  for (int k = 0; k < 3 && !figures; k++) {
    figures = beside(summary, sheets[k]);
    if (access(figures, F_OK) != 0) {
      free(figures);
      figures = NULL;
    }
  }
  int rc = check_file_name(summary, name, m->dl);
  if (rc == 0) rc = brief_read_meta(summary, &meta, m->dl);
  const contacts *book = rc == 0 ? book_for(&m->books, book_path, m->dl) : NULL;
  if (rc == 0 && !book) rc = -1;
  if (rc == 0) rc = contacts_resolve(book, &meta, summary, &to, &cc, m->dl);
  if (rc == 0 && to.len + cc.len == 0) {
    diag_error(m->dl, summary, 1, 1, "the brief has no recipients to mail it to; add 'recipients:' "
               "(the 报/送/发 lines of the 版记) to its front matter");
    rc = -1;
  }
  if (rc == 0) rc = load_template(o, summary, &t, m->dl);
  brief_job job = {.input = summary, .output = pdf, .figures = figures, .layout = o->layout}; /* as batch */
  if (rc == 0) rc = brief_render(e, &job, m->dl);
  size_t len = 0;
  char *bytes = rc == 0 ? file_read(pdf, &len) : NULL;
  if (rc == 0 && !bytes) {
    diag_error(m->dl, pdf, 0, 0, "cannot read the PDF back: %s", strerror(errno));
    rc = -1;
  }
  if (rc == 0) {
    char *expanded = mail_expand(meta.issue ? t.subject_issue : t.subject, &meta, name);
    char *subject = one_line(expanded);
    free(expanded);
    char *body = mail_expand(t.body, &meta, name);
    mail_message msg = {o->from, &to, &cc, subject, body, name, bytes, len, mail_time(&meta)};
    size_t n;
    char *text = mail_build(&msg, &n);
    rc = write_eml(eml, text, n, m->dl);
    free(text);
    free(subject);
    free(body);
  }
  free(bytes);
  mail_template_free(&t);
  contacts_recipients_free(&to);
  contacts_recipients_free(&cc);
  doc_meta_free(&meta);
  free(stem);
  free(pdf);
  free(eml);
  free(name);
  free(book_path);
  free(figures);
  return rc;
}

int mail_command(brief_engine *e, const mail_options *o, const str_list *summaries) {
  diag_list dl = {0};
  if (!o->outdir || summaries->len == 0 || mail_check_from(o->from, &dl) != 0) {
    diag_print(&dl, stderr);
    diag_clear(&dl);
    fprintf(stderr, "brief: error: mail needs summaries, -o OUTDIR and --from ADDRESS, "
                    "e.g. brief mail input -o out --from office@example.gov.cn\n");
    return 2;
  }
  struct stat st;
  if (stat(o->outdir, &st) != 0 && mkdir(o->outdir, 0755) != 0) {
    fprintf(stderr, "brief: error: cannot create the output folder '%s': %s\n", o->outdir, strerror(errno));
    return 1;
  }
  mailer m = {.o = o, .dl = &dl};
  bool *failed = xcalloc(summaries->len + 1, sizeof *failed);
  size_t nfailed = 0;
  for (size_t i = 0; i < summaries->len; i++) {
    failed[i] = mail_one(&m, e, summaries->items[i]) != 0;
    nfailed += failed[i];
    diag_print(&dl, stderr); /* as each brief is done */
    diag_clear(&dl);
  }
  if (nfailed) {
    fprintf(stderr, "brief: %zu of %zu briefs failed (no e-mail written for them):\n", nfailed, summaries->len);
    for (size_t i = 0; i < summaries->len; i++)
      if (failed[i]) fprintf(stderr, "  %s\n", summaries->items[i]);
  } else {
    fprintf(stderr, "brief: %zu briefs and e-mails written to %s; send them with brief send %s --smtp URL\n",
            summaries->len, o->outdir, o->outdir);
  }
  free(failed);
  book_cache_free(&m.books);
  return nfailed ? 1 : 0;
}
