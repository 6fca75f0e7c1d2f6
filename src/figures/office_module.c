/* sheet_read: in `brief` the workbook readers (sheet_xlsx.c, sheet_xls.c)
 * and their libraries (libxml2, libzip, libfreexl) are the module
 * brief-office.so, loaded the first time figures come from a workbook, so
 * that a render from a CSV loads none of them (as brief-ofd.so, see
 * ofd_module.c). brief-tools and the tests link the readers themselves and
 * build this file with BRIEF_MODULES_LINKED: sheet_read calls them directly. */
#include <pthread.h>
#include <string.h>

#include "sheet.h"

#ifdef BRIEF_MODULES_LINKED
int sheet_read(const char *path, const char *sheet, sheet_grid *g, diag_list *dl) {
  return sheet_read_workbook(path, sheet, g, dl);
}
#else
#include "module.h"
#include "util.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sheet_read_fn module_read;
static char module_error[512];

static void load_module(void) {
  module_read = (sheet_read_fn)module_symbol("brief-office.so", "sheet_read_workbook", module_error, sizeof module_error);
}

int sheet_read(const char *path, const char *sheet, sheet_grid *g, diag_list *dl) {
  memset(g, 0, sizeof *g);
  pthread_once(&once, load_module);
  if (!module_read) {
    diag_error(dl, path, 0, 0, "cannot read workbooks: %s; reinstall brief, or save the sheet as CSV", module_error);
    return -1;
  }
  return module_read(path, sheet, g, dl);
}
#endif
