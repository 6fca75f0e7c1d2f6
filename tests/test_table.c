#include "check.h"
#include "layout_internal.h"

static double sum(const double *w, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += w[i];
  return s;
}

int main(void) {
  double out[3];
  /* Content narrower than the measure: widths grow in proportion. */
  table_column_widths((double[]){1, 1}, (double[]){2, 6}, 2, 16, out);
  CHECK_NEAR(out[0], 4, 1e-9);
  CHECK_NEAR(out[1], 12, 1e-9);
  /* Wider: every column gets its minimum, the rest by how much more it wants. */
  table_column_widths((double[]){2, 2}, (double[]){10, 30}, 2, 20, out);
  CHECK_NEAR(out[0], 2 + 16.0 * 8 / 36, 1e-9);
  CHECK_NEAR(out[1], 2 + 16.0 * 28 / 36, 1e-9);
  CHECK_NEAR(sum(out, 2), 20, 1e-9);
  /* Minimums alone too wide: scaled down to fit. */
  table_column_widths((double[]){10, 20, 30}, (double[]){10, 20, 30}, 3, 30, out);
  CHECK_NEAR(out[2], 15, 1e-9);
  CHECK_NEAR(sum(out, 3), 30, 1e-9);
  /* A column never gets less than its minimum while the total allows it. */
  table_column_widths((double[]){5, 1, 1}, (double[]){5, 40, 40}, 3, 30, out);
  CHECK(out[0] >= 5 - 1e-9);
  CHECK_NEAR(sum(out, 3), 30, 1e-9);
  return check_report();
}
