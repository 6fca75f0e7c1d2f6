/* OFD output (GB/T 33190-2016, 电子文件存储与交换格式 版式文档): the same
 * laid-out pages as pdf.c writes, as an OFD package. XML through libxml2's
 * xmlTextWriter, the package through libzip. */
#ifndef BRIEF_OFD_H
#define BRIEF_OFD_H

#include "diag.h"
#include "layout.h"

typedef struct {
  const char *creator_version; /* "0.1.0" */
  long long source_epoch;      /* SOURCE_DATE_EPOCH, or -1 */
} ofd_options;

/* Writes lo as an OFD package at path (the caller makes it atomic). The
 * same lo and options give the same bytes. Defined once, in ofd_module.c:
 * it loads the writer, brief-ofd.so, the first time (`brief`), or calls it
 * where it is linked in (brief-tools, the tests). */
int ofd_write(const laid_out *lo, const ofd_options *opts, const char *path, diag_list *dl);
/* The writer itself (ofd.c): the module's one entry point. */
int ofd_write_package(const laid_out *lo, const ofd_options *opts, const char *path, diag_list *dl);

#endif
