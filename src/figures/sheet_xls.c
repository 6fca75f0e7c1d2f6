/* An .xls (BIFF, Excel 97-2003) worksheet as a sheet_grid (sheet.h), read
 * with libfreexl: text (shared strings), integers and doubles (printed as
 * Excel's General: libfreexl gives no number formats), dates as 2016年11月14日.
 * libfreexl reports no merged ranges: an .xls's merges are not filled. */
#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheet.h"
#include "util.h"

/* "2016-11-14" (and "2016-11-14 08:30:00") as 2016年11月14日. */
static char *xls_date(const char *iso) {
  int y, m, d;
  if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3) return xasprintf("%d年%d月%d日", y, m, d);
  return xstrdup(iso);
}

static char *xls_cell(const FreeXL_CellValue *v) {
  switch (v->type) {
    case FREEXL_CELL_INT: return xasprintf("%d", v->value.int_value);
    case FREEXL_CELL_DOUBLE: return sheet_format_number(v->value.double_value, NULL, false);
    case FREEXL_CELL_TEXT:
    case FREEXL_CELL_SST_TEXT:
    case FREEXL_CELL_TIME: return v->value.text_value && *v->value.text_value ? xstrdup(v->value.text_value) : NULL;
    case FREEXL_CELL_DATE:
    case FREEXL_CELL_DATETIME: return v->value.text_value ? xls_date(v->value.text_value) : NULL;
    default: return NULL;
  }
}

static int select_sheet(const void *h, const char *path, const char *wanted, char **name, diag_list *dl) {
  unsigned count = 0;
  if (freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK || count == 0) {
    diag_error(dl, path, 0, 0, "has no worksheet");
    return -1;
  }
  strbuf names = {0};
  for (unsigned i = 0; i < count && i < 1000; i++) {
    const char *n = NULL;
    if (freexl_get_worksheet_name(h, (unsigned short)i, &n) != FREEXL_OK || !n) continue;
    sb_printf(&names, "%s%s", names.len ? ", " : "", n);
    if (wanted && strcmp(wanted, n)) continue;
    if (freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK) break;
    *name = xstrdup(n);
    sb_free(&names);
    return 0;
  }
  diag_error(dl, path, 0, 0, "has no sheet '%s'; its sheets: %s", wanted ? wanted : "", names.len ? names.data : "none");
  sb_free(&names);
  return -1;
}

int sheet_read_xls(const char *path, const char *wanted, sheet_grid *g, diag_list *dl) {
  const void *h = NULL;
  int rc = freexl_open(path, &h);
  if (rc != FREEXL_OK) {
    diag_error(dl, path, 0, 0, "is not an Excel 97-2003 workbook libfreexl can read (error %d); save it again as "
               ".xlsx", rc);
    if (h) freexl_close(h);
    return -1;
  }
  char *name = NULL;
  unsigned rows = 0;
  unsigned short cols = 0;
  if (select_sheet(h, path, wanted, &name, dl) != 0 || freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK) {
    freexl_close(h);
    free(name);
    return -1;
  }
  if (rows > SHEET_ROWS || cols > SHEET_COLS || (size_t)rows * cols > SHEET_CELLS) {
    diag_error(dl, path, 0, 0, "sheet '%s' uses %u rows × %u columns, over the limits (%d rows, %d columns)", name, rows,
               (unsigned)cols, SHEET_ROWS, SHEET_COLS);
    freexl_close(h);
    free(name);
    return -1;
  }
  g->path = xstrdup(path);
  g->name = name;
  g->nrows = rows;
  g->ncols = cols;
  g->cells = xcalloc((size_t)rows * cols + 1, sizeof *g->cells);
  for (unsigned r = 0; r < rows; r++)
    for (unsigned short c = 0; c < cols; c++) {
      FreeXL_CellValue v;
      if (freexl_get_cell_value(h, r, c, &v) == FREEXL_OK) g->cells[(size_t)r * cols + c] = xls_cell(&v);
    }
  freexl_close(h);
  return 0;
}
