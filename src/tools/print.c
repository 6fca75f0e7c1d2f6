/* brief print: a thin driver over libcups. Every PDF is one job (so a
 * finisher staples each brief on its own), named after its county (the
 * PDF's /Subject, which brief sets to the county), with collated copies,
 * the page size as `media` and duplex for briefs of more than one page.
 * The destination is found as lp finds it: --printer, else LPDEST, PRINTER,
 * lpoptions and the server's default; CUPS_SERVER picks the scheduler.
 * The PDFs are read (page count, size, county) with qpdf before anything
 * is sent, so a bad file never leaves half a meeting printed. */
#include "print.h"

#include <cups/cups.h>
#include <dirent.h>
#include <errno.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "suggest.h"
#include "util.h"

typedef struct {
  char *path, *name; /* name: the county, else the file's stem */
  int pages;
  double width, height; /* of the first page, pt */
} print_doc;

typedef VEC(print_doc) print_docs;
typedef VEC(char *) path_list;

static const char *const sides_words[] = {"one-sided", "two-sided-long-edge", "two-sided-short-edge", NULL};

/* ---- reading the PDFs ---------------------------------------------------- */

static qpdf_oh inherited_key(qpdf_data q, qpdf_oh page, const char *key) {
  for (int depth = 0; depth < 32 && qpdf_oh_is_dictionary(q, page); depth++) {
    qpdf_oh v = qpdf_oh_get_key(q, page, key);
    if (!qpdf_oh_is_null(q, v)) return v;
    page = qpdf_oh_get_key(q, page, "/Parent");
  }
  return qpdf_oh_new_null(q);
}

static int read_pdf(const char *path, print_doc *d) {
  qpdf_data q = qpdf_init();
  qpdf_set_suppress_warnings(q, QPDF_TRUE);
  int rc = -1;
  if (qpdf_read(q, path, NULL) & QPDF_ERRORS) {
    fprintf(stderr, "%s: error: cannot read this PDF (%s); print PDFs that brief wrote\n", path,
            qpdf_get_error_full_text(q, qpdf_get_error(q)));
  } else if ((d->pages = qpdf_get_num_pages(q)) <= 0) {
    fprintf(stderr, "%s: error: this PDF has no pages to print\n", path);
  } else {
    qpdf_oh box = inherited_key(q, qpdf_get_page_n(q, 0), "/MediaBox");
    if (qpdf_oh_is_array(q, box) && qpdf_oh_get_array_n_items(q, box) == 4) {
      double v[4];
      for (int i = 0; i < 4; i++) v[i] = qpdf_oh_get_numeric_value(q, qpdf_oh_get_array_item(q, box, i));
      d->width = v[2] - v[0];
      d->height = v[3] - v[1];
    }
    qpdf_oh subject = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info"), "/Subject");
    const char *county = qpdf_oh_is_string(q, subject) ? qpdf_oh_get_utf8_value(q, subject) : NULL;
    d->name = county && *county ? xstrdup(county) : path_stem(path);
    rc = 0;
  }
  while (qpdf_more_warnings(q)) qpdf_next_warning(q);
  qpdf_cleanup(&q);
  return rc;
}

static int compare_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A folder's PDFs by name: the order brief batch writes them into the booklet. */
static int list_folder(const char *dir, path_list *out) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "%s: error: cannot open the folder: %s\n", dir, strerror(errno));
    return -1;
  }
  size_t first = out->len;
  for (struct dirent *e; (e = readdir(d));)
    if (e->d_name[0] != '.' && (str_ends_with(e->d_name, ".pdf") || str_ends_with(e->d_name, ".PDF"))) {
      char *p = path_join(dir, e->d_name);
      VEC_PUSH(*out, p);
    }
  closedir(d);
  qsort(out->items + first, out->len - first, sizeof *out->items, compare_str);
  if (out->len == first) {
    fprintf(stderr, "%s: error: no PDF in this folder; render the briefs first (brief batch)\n", dir);
    return -1;
  }
  return 0;
}

static int collect_docs(char *const *inputs, size_t n, print_docs *docs) {
  path_list paths = {0};
  int errors = 0;
  for (size_t i = 0; i < n; i++) {
    struct stat st;
    if (stat(inputs[i], &st) == 0 && S_ISDIR(st.st_mode)) errors += list_folder(inputs[i], &paths) != 0;
    else VEC_PUSH(paths, xstrdup(inputs[i]));
  }
  for (size_t i = 0; i < paths.len; i++) {
    print_doc d = {paths.items[i], NULL, 0, 0, 0};
    if (read_pdf(d.path, &d) != 0) {
      errors++;
      free(d.path);
      continue;
    }
    VEC_PUSH(*docs, d);
  }
  VEC_FREE(paths);
  return errors ? -1 : 0;
}

static void free_docs(print_docs *docs) {
  for (size_t i = 0; i < docs->len; i++) {
    free(docs->items[i].path);
    free(docs->items[i].name);
  }
  VEC_FREE(*docs);
}

/* ---- the destination ----------------------------------------------------- */

/* The scheduler as CUPS_SERVER names it: host:port, or a socket path.
 * Returned by value: server().name lives to the end of the statement. */
typedef struct {
  char name[300];
} server_name;

static server_name server(void) {
  server_name s;
  const char *host = cupsServer();
  if (host[0] == '/') snprintf(s.name, sizeof s.name, "%s", host);
  else snprintf(s.name, sizeof s.name, "%s:%d", host, ippPort());
  return s;
}

/* The printers there: the five closest to the one asked for (by name when
 * none was), then "and N more" (an office server may have hundreds). */
static void list_printers(const char *wanted) {
  cups_dest_t *dests = NULL;
  int n = cupsGetDests2(CUPS_HTTP_DEFAULT, &dests);
  if (n <= 0) {
    fprintf(stderr, "brief: there are no printers on %s\n", server().name);
  } else {
    const char **names = xcalloc((size_t)n, sizeof *names);
    size_t *order = xcalloc((size_t)n, sizeof *order);
    for (int i = 0; i < n; i++) names[i] = dests[i].name; /* instances (name/instance) share a name */
    size_t k = suggest_closest_order(wanted, names, (size_t)n, order);
    fprintf(stderr, "brief: printers on %s:", server().name);
    for (size_t i = 0; i < k && i < CLOSEST_SHOWN; i++)
      fprintf(stderr, "%s %s%s", i ? "," : "", dests[order[i]].name, dests[order[i]].is_default ? " (default)" : "");
    if (k > CLOSEST_SHOWN) fprintf(stderr, " and %zu more", k - CLOSEST_SHOWN);
    fputc('\n', stderr);
    free(order);
    free(names);
  }
  cupsFreeDests(n, dests);
}

/* The queue to print on, or NULL with the error printed. */
static cups_dest_t *find_dest(const char *name) {
  /* libcups answers "no such printer" when the scheduler is not there: ask first. */
  http_t *http = httpConnect2(cupsServer(), ippPort(), NULL, AF_UNSPEC, cupsEncryption(), 1, 10000, NULL);
  if (!http) {
    fprintf(stderr, "brief: error: cannot reach the print scheduler at %s; is CUPS running? "
                    "(CUPS_SERVER picks another)\n", server().name);
    return NULL;
  }
  httpClose(http);
  cups_dest_t *dest = cupsGetNamedDest(CUPS_HTTP_DEFAULT, name, NULL);
  if (dest) return dest;
  if (name)
    fprintf(stderr, "brief: error: printer '%s' does not exist on %s; name one with --printer\n", name, server().name);
  else
    fprintf(stderr, "brief: error: no default printer on %s; name one with --printer\n", server().name);
  list_printers(name);
  return NULL;
}

/* A stopped printer would hold the jobs, one that rejects them loses them:
 * both are errors before anything is sent. */
static int check_dest(cups_dest_t *dest) {
  const char *state = cupsGetOption("printer-state", dest->num_options, dest->options);
  const char *accepting = cupsGetOption("printer-is-accepting-jobs", dest->num_options, dest->options);
  const char *reasons = cupsGetOption("printer-state-message", dest->num_options, dest->options);
  if (!reasons || !*reasons) reasons = cupsGetOption("printer-state-reasons", dest->num_options, dest->options);
  if (state && atoi(state) == IPP_PSTATE_STOPPED) {
    fprintf(stderr, "brief: error: printer '%s' on %s is stopped (%s); start it with 'cupsenable %s'\n",
            dest->name, server().name, reasons ? reasons : "no reason given", dest->name);
    return -1;
  }
  if (accepting && strcmp(accepting, "true") != 0) {
    fprintf(stderr, "brief: error: printer '%s' on %s rejects jobs; let it accept them with 'cupsaccept %s'\n",
            dest->name, server().name, dest->name);
    return -1;
  }
  return 0;
}

/* ---- jobs ---------------------------------------------------------------- */

typedef struct {
  int copies;
  const char *sides; /* NULL: by page count */
} job_settings;

/* The job's options: the destination's defaults (lpoptions), then ours. */
static int job_options(const cups_dest_t *dest, const print_doc *d, const job_settings *js, cups_option_t **opts) {
  int n = 0;
  *opts = NULL;
  for (int i = 0; i < dest->num_options; i++)
    if (strncmp(dest->options[i].name, "printer-", 8) != 0 && strncmp(dest->options[i].name, "marker-", 7) != 0)
      n = cupsAddOption(dest->options[i].name, dest->options[i].value, n, opts);
  char copies[16];
  snprintf(copies, sizeof copies, "%d", js->copies);
  n = cupsAddOption("copies", copies, n, opts);
  n = cupsAddOption("sides", js->sides ? js->sides : d->pages > 1 ? "two-sided-long-edge" : "one-sided", n, opts);
  n = cupsAddOption("multiple-document-handling", "separate-documents-collated-copies", n, opts);
  /* The page size as a PWG media name (hundredths of a millimetre). */
  double w = d->width < d->height ? d->width : d->height, h = d->width < d->height ? d->height : d->width;
  pwg_media_t *media = w > 0 ? pwgMediaForSize((int)(w * 2540 / 72 + 0.5), (int)(h * 2540 / 72 + 0.5)) : NULL;
  if (media && media->pwg) n = cupsAddOption("media", media->pwg, n, opts);
  return n;
}

static void describe(int n, cups_option_t *opts) {
  fprintf(stderr, "  copies=%s sides=%s media=%s collated\n", cupsGetOption("copies", n, opts),
          cupsGetOption("sides", n, opts), cupsGetOption("media", n, opts) ? cupsGetOption("media", n, opts) : "-");
}

/* Sends one PDF as one job; returns the job id, or 0 with *why set. */
static int send_job(const cups_dest_t *dest, const print_doc *d, int n, cups_option_t *opts, char **why) {
  FILE *f = fopen(d->path, "rb");
  if (!f) {
    *why = xasprintf("cannot read the file: %s", strerror(errno));
    return 0;
  }
  int id = cupsCreateJob(CUPS_HTTP_DEFAULT, dest->name, d->name, n, opts);
  if (id <= 0) {
    *why = xstrdup(cupsLastErrorString());
    fclose(f);
    return 0;
  }
  char *base = strrchr(d->path, '/');
  bool ok = cupsStartDocument(CUPS_HTTP_DEFAULT, dest->name, id, base ? base + 1 : d->path, CUPS_FORMAT_PDF, 1) ==
            HTTP_STATUS_CONTINUE;
  char buf[65536];
  for (size_t k; ok && (k = fread(buf, 1, sizeof buf, f)) > 0;)
    ok = cupsWriteRequestData(CUPS_HTTP_DEFAULT, buf, k) == HTTP_STATUS_CONTINUE;
  ok = !ferror(f) && ok;
  fclose(f);
  if (cupsFinishDocument(CUPS_HTTP_DEFAULT, dest->name) != IPP_STATUS_OK) ok = false;
  if (!ok) {
    *why = xstrdup(cupsLastErrorString());
    cupsCancelJob2(CUPS_HTTP_DEFAULT, dest->name, id, 0); /* no half document on paper */
    return 0;
  }
  return id;
}

static void list_sent(const print_docs *docs, const int *ids, size_t sent, const char *printer) {
  if (sent == 0) {
    fprintf(stderr, "brief: no job was sent\n");
    return;
  }
  fprintf(stderr, "brief: %zu job%s already sent to %s:\n", sent, sent == 1 ? "" : "s", printer);
  for (size_t i = 0; i < sent; i++) fprintf(stderr, "  %s (%s) job %d\n", docs->items[i].name, docs->items[i].path, ids[i]);
}

static int print_all(cups_dest_t *dest, const print_docs *docs, const job_settings *js, bool dry_run) {
  int *ids = xcalloc(docs->len + 1, sizeof *ids);
  int rc = 0;
  size_t sent = 0;
  for (size_t i = 0; i < docs->len; i++) {
    const print_doc *d = &docs->items[i];
    cups_option_t *opts;
    char *why = NULL;
    int n = job_options(dest, d, js, &opts);
    if (dry_run) {
      fprintf(stderr, "brief: would print %s (%s, %d page%s) on %s at %s\n", d->name, d->path, d->pages,
              d->pages == 1 ? "" : "s", dest->name, server().name);
      describe(n, opts);
    } else if ((ids[i] = send_job(dest, d, n, opts, &why)) > 0) {
      sent++;
      fprintf(stderr, "brief: %s (%d page%s) → %s, job %d\n", d->name, d->pages, d->pages == 1 ? "" : "s",
              dest->name, ids[i]);
    } else {
      fprintf(stderr, "%s: error: printer '%s' on %s did not take the job '%s': %s\n", d->path, dest->name,
              server().name, d->name, why);
      free(why);
      list_sent(docs, ids, sent, dest->name);
      rc = 1;
    }
    cupsFreeOptions(n, opts);
    if (rc) break;
  }
  if (rc == 0 && dry_run)
    fprintf(stderr, "brief: dry run: %zu job%s for %s, nothing sent\n", docs->len, docs->len == 1 ? "" : "s",
            dest->name);
  else if (rc == 0)
    fprintf(stderr, "brief: %zu job%s sent to %s (%d cop%s each)\n", sent, sent == 1 ? "" : "s", dest->name,
            js->copies, js->copies == 1 ? "y" : "ies");
  free(ids);
  return rc;
}

/* ---- the command --------------------------------------------------------- */

static int parse_settings(const print_options *o, job_settings *js) {
  js->copies = 1;
  js->sides = NULL;
  if (o->copies) {
    char *end;
    long v = strtol(o->copies, &end, 10);
    if (*end || end == o->copies || v < 1 || v > 9999) {
      fprintf(stderr, "brief: error: --copies must be a number from 1 to 9999, not '%s'\n", o->copies);
      return -1;
    }
    js->copies = (int)v;
  }
  if (o->sides) {
    for (int i = 0; sides_words[i]; i++)
      if (strcmp(o->sides, sides_words[i]) == 0) js->sides = sides_words[i];
    if (!js->sides) {
      fprintf(stderr, "brief: error: --sides must be one-sided, two-sided-long-edge or two-sided-short-edge, not '%s'\n",
              o->sides);
      return -1;
    }
  }
  return 0;
}

int print_command(const print_options *o, char *const *inputs, size_t n) {
  job_settings js;
  if (parse_settings(o, &js) != 0) return 2;
  if (n == 0) {
    fprintf(stderr, "brief: error: print takes PDFs or folders of PDFs, e.g. brief print out --printer office\n");
    return 2;
  }
  print_docs docs = {0};
  if (collect_docs(inputs, n, &docs) != 0) {
    fprintf(stderr, "brief: no job was sent\n");
    free_docs(&docs);
    return 1;
  }
  cups_dest_t *dest = find_dest(o->printer);
  int rc = 1;
  if (dest && check_dest(dest) == 0) {
    rc = print_all(dest, &docs, &js, o->dry_run);
  } else {
    if (dest) list_printers(o->printer); /* another may do */
    fprintf(stderr, "brief: no job was sent\n");
  }
  cupsFreeDests(dest ? 1 : 0, dest);
  free_docs(&docs);
  return rc;
}
