/* libFuzzer target: encoding detection, CSV parsing and value lookup. */
#include <stdint.h>
#include <stdlib.h>

#include "figures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  diag_list dl = {0};
  figures *f = figures_parse((const char *)data, size, "fuzz.csv", &dl);
  if (f) {
    free(figures_value(f, "陇西县", "贫困发生率", 0));
    free(figures_value(f, "陇西县", "贫困发生率", 2015));
    figures_free(f);
  }
  diag_clear(&dl);
  return 0;
}
