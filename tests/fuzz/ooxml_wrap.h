/* For the .docx and .xlsx fuzz targets: an input that is not a zip package
 * is taken as the main XML part and wrapped into a package in memory with
 * the other parts fixed, so that the fuzzer works on the XML the readers
 * walk instead of on zip headers and CRCs that libzip rejects. */
#ifndef BRIEF_OOXML_WRAP_H
#define BRIEF_OOXML_WRAP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "util.h"

/* parts: name, content pairs; the input goes in as part name main. Caller frees. */
static char *wrap_package(const uint8_t *data, size_t size, const char *main, const char *const *parts, size_t n,
                          size_t *len) {
  zip_error_t err;
  zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
  zip_source_keep(src);
  zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  zip_file_add(z, main, zip_source_buffer(z, data, size, 0), ZIP_FL_OVERWRITE);
  for (size_t i = 0; i + 1 < n; i += 2)
    zip_file_add(z, parts[i], zip_source_buffer(z, parts[i + 1], strlen(parts[i + 1]), 0), ZIP_FL_OVERWRITE);
  zip_close(z);
  zip_source_open(src);
  zip_source_seek(src, 0, SEEK_END);
  *len = (size_t)zip_source_tell(src);
  zip_source_seek(src, 0, SEEK_SET);
  char *out = xmalloc(*len + 1);
  zip_source_read(src, out, *len);
  zip_source_close(src);
  zip_source_free(src);
  return out;
}

#endif
