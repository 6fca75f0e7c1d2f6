/* A figures file read by its kind: a workbook (.xlsx, .xls: figures_sheet.c)
 * or a CSV (figures_csv.c), bounded in size; a Word document named by
 * mistake is told apart. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "input_limits.h"
#include "util.h"

figures *figures_load(const char *path, diag_list *dl) { return figures_load_sheet(path, NULL, dl); }

figures *figures_load_sheet(const char *path, const char *sheet, diag_list *dl) {
  if (figures_is_workbook(path)) return figures_from_workbook(path, sheet, dl);
  if (str_ends_with(path, ".docx") || str_ends_with(path, ".doc") || str_ends_with(path, ".wps")) {
    diag_error(dl, path, 0, 0, "is a Word document, not figures: give a CSV, .xlsx or .xls (brief import turns a Word "
               "document into a summary)");
    return NULL;
  }
  if (sheet) {
    diag_error(dl, path, 0, 0, "--sheet '%s' names a sheet of a workbook, and this is a CSV; give the .xlsx or .xls", sheet);
    return NULL;
  }
  size_t len;
  char *data = file_read_max(path, LIMIT_FIGURES_BYTES, &len);
  if (!data && errno == EFBIG) {
    diag_error(dl, path, 0, 0, "the figures file holds more than %ld MB, the most read; split the sheet "
               "(one per county or year)", LIMIT_FIGURES_BYTES / 1048576);
    return NULL;
  }
  if (!data) {
    diag_error(dl, path, 0, 0, "cannot read the figures file: %s", strerror(errno));
    return NULL;
  }
  figures *f = figures_parse(data, len, path, dl);
  free(data);
  return f;
}
