/* The date a writer stamps on a document (PDF /CreationDate, OFD
 * CreationDate and package times): shared by pdf.c and ofd.c. */
#ifndef BRIEF_DOCDATE_H
#define BRIEF_DOCDATE_H

#include <stdbool.h>
#include <time.h>

#include "layout.h"

/* The front matter's date (YYYY-MM-DD, midnight UTC), else
 * SOURCE_DATE_EPOCH (source_epoch >= 0); never the clock, so the same input
 * gives the same bytes. False when there is neither. tm is in UTC. (A mail's
 * Date header is the other way round: tools/mailcmd.c.) */
bool docdate_resolve(const laid_out *lo, long long source_epoch, struct tm *tm);

#endif
