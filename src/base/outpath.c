/* Output paths checked against the inputs and the kind of file: see outpath.h. */
#include "outpath.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "util.h"

void outpath_inputs_add(input_files *in, const char *path, const char *role) {
  struct stat st;
  if (!path || stat(path, &st) != 0) return;
  input_file f = {st.st_dev, st.st_ino, xstrdup(path), role};
  VEC_PUSH(*in, f);
}

void outpath_inputs_free(input_files *in) {
  for (size_t i = 0; i < in->len; i++) free(in->items[i].path);
  VEC_FREE(*in);
}

static const char *kind_of(mode_t mode) {
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

int outpath_check(const char *output, const input_files *inputs, diag_list *dl) {
  struct stat st;
  if (stat(output, &st) != 0) return 0; /* nothing there yet (or a dangling link, which the rename replaces) */
  for (size_t i = 0; inputs && i < inputs->len; i++) {
    const input_file *f = &inputs->items[i];
    if (f->dev == st.st_dev && f->ino == st.st_ino) {
      diag_error(dl, output, 0, 0, "this output is %s %s itself; writing it would destroy the input: choose "
                 "another output name", f->role, f->path);
      return -1;
    }
  }
  if (S_ISDIR(st.st_mode)) {
    diag_error(dl, output, 0, 0, "this output is a folder; name the file to write in it, e.g. %s/brief.pdf", output);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    diag_error(dl, output, 0, 0, "this output is %s; brief writes only regular files (a temporary file renamed "
               "into place), never through a device, FIFO or socket: name a file, e.g. out/brief.pdf", kind_of(st.st_mode));
    return -1;
  }
  return 0;
}
