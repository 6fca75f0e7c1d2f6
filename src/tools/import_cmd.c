/* brief import: see import_cmd.h. A thin driver: the file checks, the
 * LibreOffice conversion of .doc/.wps, and writing the summary and its
 * images atomically (temporary file + rename), never outside the folder. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "docx.h"
#include "docx_markdown.h"
#include "import_cmd.h"
#include "ooxml.h"
#include "util.h"

extern char **environ;

#define SOFFICE_SECONDS 120 /* a conversion taking longer is given up (a hostile .doc must not hang import) */

static bool has_extension(const char *path, const char *ext) {
  size_t n = strlen(path), m = strlen(ext);
  return n > m && !strcasecmp(path + n - m, ext);
}

/* soffice on PATH, or NULL. Caller frees. */
static char *find_soffice(void) {
  const char *path = getenv("PATH");
  if (!path) return NULL;
  char *copy = xstrdup(path), *save = NULL;
  for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    char *exe = path_join(dir, "soffice");
    if (access(exe, X_OK) == 0) {
      free(copy);
      return exe;
    }
    free(exe);
  }
  free(copy);
  return NULL;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}

/* Runs soffice --convert-to docx into a private folder (its own profile:
 * a running LibreOffice is not disturbed), at most SOFFICE_SECONDS. */
static char *convert_with_soffice(const char *input, size_t *len, diag_list *dl) {
  char *soffice = find_soffice();
  if (!soffice) {
    diag_error(dl, input, 0, 0, "a .doc or .wps file needs LibreOffice to convert it, and soffice is not installed: "
               "install it (apt-get install libreoffice-writer) or save the file as .docx in Word or WPS");
    return NULL;
  }
  char tmpl[] = "/tmp/brief-import-XXXXXX";
  char *dir = mkdtemp(tmpl);
  if (!dir) {
    diag_error(dl, input, 0, 0, "cannot make a temporary folder for LibreOffice: %s", strerror(errno));
    free(soffice);
    return NULL;
  }
  char *profile = xasprintf("-env:UserInstallation=file://%s/profile", dir);
  char *argv[] = {soffice, "--headless", "--norestore", profile, "--convert-to", "docx", "--outdir", dir,
                  (char *)input, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawn(&pid, soffice, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  int status = -1;
  if (rc == 0) {
    struct timespec tick = {0, 100 * 1000 * 1000};
    int waited = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (waited++ > SOFFICE_SECONDS * 10) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        status = -1;
        break;
      }
      nanosleep(&tick, NULL);
    }
  }
  char *stem = path_stem(input);
  char *out = xasprintf("%s/%s.docx", dir, stem);
  char *data = rc == 0 && status == 0 ? file_read(out, len) : NULL;
  if (!data)
    diag_error(dl, input, 0, 0, "LibreOffice could not convert it to .docx%s; open it in Word or WPS and save it "
               "as .docx", status == -1 && rc == 0 ? " within the time limit" : "");
  nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(out);
  free(stem);
  free(profile);
  free(soffice);
  return data;
}

static char *read_document(const char *input, size_t *len, diag_list *dl) {
  struct stat st;
  if (stat(input, &st) != 0 || !S_ISREG(st.st_mode)) {
    diag_error(dl, input, 0, 0, "cannot read the document: %s", errno ? strerror(errno) : "not a file");
    return NULL;
  }
  if (has_extension(input, ".doc") || has_extension(input, ".wps")) return convert_with_soffice(input, len, dl);
  if (!has_extension(input, ".docx")) {
    diag_error(dl, input, 0, 0, "import reads Word documents (.docx, .doc, .wps); for figures (.xlsx, .xls, .csv) "
               "use --figures");
    return NULL;
  }
  return ooxml_read_file(input, len, dl); /* the package's size cap, as for a workbook */
}

static int write_whole(const char *path, const char *data, size_t len, diag_list *dl) {
  char *tmp = file_temp_beside(path);
  if (!tmp || file_write_durably(tmp, data, len) != 0 || file_commit_temp(tmp, path) != 0) {
    diag_error(dl, path, 0, 0, "cannot write: %s", strerror(errno));
    if (tmp) file_discard_temp(tmp);
    free(tmp);
    return -1;
  }
  free(tmp);
  return 0;
}

/* The images, then the summary: a summary is never there without its images. */
static int write_outputs(const docx_document *d, const docx_summary *s, const char *md_path, const char *img_dir,
                         diag_list *dl) {
  bool made_dir = false;
  for (size_t i = 0; i < d->images.len; i++) {
    char *file = docx_image_file(d, (int)i);
    if (!file) continue;
    if (!made_dir && mkdir(img_dir, 0755) != 0 && errno != EEXIST) {
      diag_error(dl, img_dir, 0, 0, "cannot create the images folder: %s", strerror(errno));
      free(file);
      return -1;
    }
    made_dir = true;
    char *path = path_join(img_dir, file);
    int rc = write_whole(path, d->images.items[i].data, d->images.items[i].len, dl);
    free(path);
    free(file);
    if (rc) return -1;
  }
  return write_whole(md_path, s->markdown, strlen(s->markdown), dl);
}

/* A folder name as a Markdown link destination: in <> when it holds a blank or brackets. */
static char *link_folder(const char *stem) {
  return strpbrk(stem, " ()<>") ? xasprintf("<%s>", stem) : xstrdup(stem);
}

static int import_one(const char *input, const char *outdir, diag_list *dl) {
  char *stem = path_stem(input);
  char *dir = outdir ? xstrdup(outdir) : path_dirname(input);
  char *md_name = xasprintf("%s.md", stem);
  char *md_path = path_join(dir, md_name), *img_dir = path_join(dir, stem);
  int rc = -1;
  if (access(md_path, F_OK) == 0) {
    diag_error(dl, md_path, 0, 0, "already exists; import does not overwrite a summary: move it away or choose "
               "another -o");
  } else {
    size_t len = 0;
    char *data = read_document(input, &len, dl);
    docx_document *d = data ? docx_read(data, len, input, dl) : NULL;
    free(data);
    if (d) {
      char *folder = link_folder(stem);
      docx_summary s;
      docx_to_summary(d, folder, md_name, &s);
      free(folder);
      rc = write_outputs(d, &s, md_path, img_dir, dl);
      if (rc == 0) {
        printf("%s → %s\n", input, md_path);
        for (size_t i = 0; i < s.report.len; i++) printf("  %s\n", s.report.items[i]);
      }
      docx_summary_free(&s);
      docx_free(d);
    }
  }
  free(md_path);
  free(img_dir);
  free(md_name);
  free(dir);
  free(stem);
  return rc;
}

int import_command(const import_options *o, const str_list *documents) {
  if (documents->len == 0) {
    fprintf(stderr, "brief: error: import needs documents, e.g. brief import 陇西县.docx -o input\n");
    return 2;
  }
  struct stat st;
  if (o->outdir && (stat(o->outdir, &st) != 0 || !S_ISDIR(st.st_mode)) && mkdir(o->outdir, 0755) != 0) {
    fprintf(stderr, "brief: error: cannot create the output folder '%s': %s\n", o->outdir, strerror(errno));
    return 1;
  }
  size_t failed = 0;
  for (size_t i = 0; i < documents->len; i++) {
    diag_list dl = {0};
    if (import_one(documents->items[i], o->outdir, &dl) != 0) failed++;
    diag_print(&dl, stderr);
    diag_clear(&dl);
  }
  if (failed && documents->len > 1)
    fprintf(stderr, "brief: %zu of %zu documents not imported\n", failed, documents->len);
  return failed ? 1 : 0;
}
