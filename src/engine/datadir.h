/* Where brief finds its data (layouts/, fonts/fontmap.yaml) and its font
 * files. One function decides, so every command agrees. */
#ifndef BRIEF_DATADIR_H
#define BRIEF_DATADIR_H

#include "diag.h"
#include "util.h" /* str_list */

typedef struct {
  char *data_dir;      /* holds layouts/ and fonts/fontmap.yaml */
  const char *origin;  /* what chose it: "--data", "BRIEF_DATA", "installed", "source tree" */
  str_list font_dirs;  /* further folders of font files, searched after data_dir/fonts */
} brief_paths;

/* The data folder, the first that applies of:
 *   1. data_option (--data DIR),
 *   2. the environment variable BRIEF_DATA,
 *   3. ../share/brief beside the running binary (an installed, possibly
 *      relocated prefix: PREFIX/bin/brief uses PREFIX/share/brief),
 *   4. the source tree the binary was built from (a build/ binary).
 * The font folders, after data_dir/fonts (see brief(1), FILES):
 *   the user's    ${XDG_DATA_HOME:-~/.local/share}/brief/fonts,
 *   the system's  /usr/local/share/brief/fonts.
 * Returns 0, or -1 with an error when no data folder holds layouts/. */
int brief_paths_find(const char *data_option, brief_paths *p, diag_list *dl);
void brief_paths_free(brief_paths *p);

#endif
