#include "docdate.h"

#include <stdlib.h>
#include <string.h>

/* The front matter's date is the document's own; SOURCE_DATE_EPOCH (the
 * reproducible-builds convention: instead of the clock) only stands in
 * when it has none. */
bool docdate_resolve(const laid_out *lo, long long source_epoch, struct tm *tm) {
  memset(tm, 0, sizeof *tm);
  const char *date = lo->info.date;
  if (date && strlen(date) >= 10) {
    tm->tm_year = atoi(date) - 1900;
    tm->tm_mon = atoi(date + 5) - 1;
    tm->tm_mday = atoi(date + 8);
    return true;
  }
  if (source_epoch < 0) return false;
  time_t t = (time_t)source_epoch;
  gmtime_r(&t, tm);
  return true;
}
