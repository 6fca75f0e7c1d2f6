/* libFuzzer target: an .xlsx workbook read (ooxml.c, sheet_xlsx.c, sheet_format.c) into a sheet grid. */
#include <stdint.h>
#include <stdlib.h>

#include "sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  diag_list dl = {0};
  sheet_grid g;
  sheet_read_xlsx_memory((const char *)data, size, "fuzz.xlsx", NULL, &g, &dl);
  sheet_grid_free(&g);
  diag_clear(&dl);
  return 0;
}
