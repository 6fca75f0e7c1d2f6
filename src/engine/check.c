/* `brief check SUMMARY.md… [--figures F] [--fix]`: a thin driver over the
 * engine. Parsing, figures binding and normalisation run as for a render,
 * no PDF is written; every change the normaliser makes and every problem it
 * finds is printed as `file:line:col: warning|error: …`. With --fix the
 * changes are written back into the summary: only the bytes of each change
 * are replaced, so the front matter, the line endings and everything else
 * stay byte for byte; the file is replaced atomically (temp file + rename). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "brief.h"
#include "normalize.h"
#include "util.h"

static void add_item(diag_list *out, const char *file, const nz_item *it, bool fixed) {
  const char *unknown = it->col ? "" : " (column not found; fix by hand)";
  if (it->kind == NZ_CHANGE && it->message && !*it->to)
    diag_warning(out, file, it->line, it->col, "space to drop (%s) %s%s", it->rule, it->message, unknown);
  else if (it->kind == NZ_CHANGE && it->message)
    diag_warning(out, file, it->line, it->col, "`%s` becomes `%s` (%s) %s%s", it->from, it->to, it->rule,
                 it->message, unknown);
  else if (it->kind == NZ_CHANGE && !*it->to)
    diag_warning(out, file, it->line, it->col, "%s (%s)%s%s", fixed ? "space dropped" : "space to drop",
                 it->rule, it->start < 0 ? " (cannot be fixed automatically)" : "", unknown);
  else if (it->kind == NZ_CHANGE)
    diag_warning(out, file, it->line, it->col, "`%s` %s `%s` (%s)%s%s", it->from, fixed ? "became" : "becomes",
                 it->to, it->rule, it->start < 0 ? " (cannot be fixed automatically)" : "", unknown);
  else if (it->kind == NZ_NOTE)
    diag_add(out, DIAG_NOTE, file, it->line, it->col, "%s", it->message);
  else if (it->kind == NZ_WARNING)
    diag_warning(out, file, it->line, it->col, "%s%s", it->message, unknown);
  else
    diag_error(out, file, it->line, it->col, "%s%s", it->message, unknown);
}

/* Writes text over path atomically, keeping the file's permissions. */
static int write_back(const char *path, const char *text, size_t len, diag_list *dl) {
  struct stat st;
  char *temp = file_temp_beside(path);
  FILE *f = temp ? fopen(temp, "wb") : NULL;
  int rc = f && fwrite(text, 1, len, f) == len ? 0 : -1;
  if (f && fclose(f) != 0) rc = -1;
  if (rc == 0 && stat(path, &st) == 0) chmod(temp, st.st_mode & 07777);
  if (rc == 0 && file_commit_temp(temp, path) != 0) rc = -1;
  if (rc != 0) {
    diag_error(dl, path, 0, 0, "cannot write the fixed summary: %s; the file is unchanged", strerror(errno));
    if (temp) file_discard_temp(temp);
  }
  free(temp);
  return rc;
}

/* Checks (and with fix, fixes) one summary; returns the number of things
 * left for the author, -1 when it could not be checked. */
static long check_one(brief_engine *e, const brief_job *job, bool fix, diag_list *out, diag_list *dl) {
  nz_report rep = {0};
  char *src = NULL;
  size_t len = 0;
  if (brief_normalize_job(e, job, &rep, &src, &len, dl) != 0) {
    normalize_report_free(&rep);
    return -1;
  }
  size_t applied = 0;
  long left = (long)rep.len;
  if (fix && rep.changes) {
    size_t new_len;
    char *fixed = normalize_apply(src, len, &rep, &new_len, &applied);
    if (applied && write_back(job->input, fixed, new_len, dl) != 0) applied = 0;
    free(fixed);
  }
  for (size_t i = 0; i < rep.len; i++) {
    const nz_item *it = &rep.items[i];
    bool done = applied && it->kind == NZ_CHANGE && it->start >= 0;
    if (done || it->kind == NZ_NOTE) left--; /* a note asks nothing of the author */
    add_item(out, job->input, it, done);
  }
  if (fix && applied) fprintf(stderr, "brief: %s: %zu fixes written\n", job->input, applied);
  normalize_report_free(&rep);
  free(src);
  return left;
}

int brief_check(brief_engine *e, const brief_job *jobs, size_t n, bool fix, FILE *out, diag_list *dl) {
  bool found = false;
  for (size_t i = 0; i < n; i++) {
    diag_list items = {0};
    long left = check_one(e, &jobs[i], fix, &items, dl);
    diag_print(&items, out);
    diag_clear(&items);
    if (left != 0) found = true;
  }
  return found ? 1 : 0;
}
