/* A worksheet of an Excel workbook (.xlsx, .xls) as the grid of what Excel
 * shows: every cell's text as displayed (shared and inline strings; numbers
 * through their number format: thousands separators, decimals, percent;
 * dates as 2016年11月14日; formulas by their cached values), and the merged
 * ranges. figures_sheet.c reads the figures from it as from a CSV. The
 * readers (sheet_xlsx.c: libzip + libxml2; sheet_xls.c: libfreexl) live in
 * the module brief-office.so for `brief` (src/office_module.c), linked in
 * directly elsewhere. */
#ifndef BRIEF_SHEET_H
#define BRIEF_SHEET_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Limits of a figures sheet (doc/limits.md). */
#define SHEET_ROWS 100000
#define SHEET_COLS 256
#define SHEET_CELLS 2000000 /* rows × columns of the used range */

typedef struct {
  int r0, c0, r1, c1; /* 0-based, inclusive */
} sheet_range;

typedef struct {
  char *path;           /* as given */
  char *name;           /* the sheet's name */
  size_t nrows, ncols;  /* the used range from A1 */
  char **cells;         /* nrows × ncols, row-major; NULL for an empty cell */
  sheet_range *merges;
  size_t nmerges;
} sheet_grid;

/* Reads the sheet called sheet (NULL: the first) of the workbook at path
 * (.xlsx or .xls by its extension) into g. 0, or -1 with errors when it
 * cannot be read. A cell that cannot be shown (#DIV/0!) adds an error
 * located as FILE.xlsx:Sheet1!C7 and is left empty, and reading goes on:
 * the caller checks dl->errors. */
int sheet_read(const char *path, const char *sheet, sheet_grid *g, diag_list *dl);
/* The readers themselves (sheet_xlsx.c, sheet_xls.c): brief-office.so's one
 * entry point. sheet_read is defined once, in office_module.c: it loads the
 * module the first time (`brief`), or calls this where it is linked in. */
int sheet_read_workbook(const char *path, const char *sheet, sheet_grid *g, diag_list *dl);
/* The .xlsx reader on bytes in memory (for the fuzz target). */
int sheet_read_xlsx_memory(const char *data, size_t len, const char *path, const char *sheet, sheet_grid *g,
                           diag_list *dl);
typedef int (*sheet_read_fn)(const char *, const char *, sheet_grid *, diag_list *);
void sheet_grid_free(sheet_grid *g);

/* A cell's address: "C7" for row 6, column 2 (0-based); buf of 16. */
char *sheet_cell_name(int row, int col, char buf[16]);
/* FILE.xlsx:Sheet1!C7, as errors name a cell (caller frees). */
char *sheet_location(const char *path, const char *sheet, int row, int col);
/* Excel's display of v under a number format code ("#,##0.0", "0.0%",
 * "yyyy-mm-dd": dates as 2016年11月14日). date1904: the workbook's epoch. */
char *sheet_format_number(double v, const char *code, bool date1904);
/* The format code of a built-in number format id (ECMA-376 Part 1,
 * §18.8.30), or NULL for General and unknown ids. */
const char *sheet_builtin_format(int id);

#endif
