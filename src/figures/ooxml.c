/* Office Open XML packages read as hostile input: see ooxml.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <zip.h>

#include "ooxml.h"
#include "util.h"

struct ooxml {
  zip_t *zip;
  const char *path;
  long total; /* bytes inflated so far */
};

char *ooxml_read_file(const char *path, size_t *len, diag_list *dl) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
    diag_error(dl, path, 0, 0, "cannot read it: %s", errno ? strerror(errno) : "not a file");
    return NULL;
  }
  if (st.st_size > OOXML_FILE_BYTES) {
    diag_error(dl, path, 0, 0, "is larger than %ld MB; save it again without embedded videos or fonts",
               OOXML_FILE_BYTES >> 20);
    return NULL;
  }
  char *data = file_read(path, len);
  if (!data) diag_error(dl, path, 0, 0, "cannot read it: %s", strerror(errno));
  return data;
}

ooxml *ooxml_open(const char *data, size_t len, const char *path, diag_list *dl) {
  if (len > (size_t)OOXML_FILE_BYTES) {
    diag_error(dl, path, 0, 0, "is larger than %ld MB; save it again without embedded videos or fonts",
               OOXML_FILE_BYTES >> 20);
    return NULL;
  }
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t *src = zip_source_buffer_create(data, len, 0, &err);
  zip_t *zip = src ? zip_open_from_source(src, ZIP_RDONLY, &err) : NULL;
  if (!zip) {
    if (src) zip_source_free(src);
    diag_error(dl, path, 0, 0, "is not an Office Open XML package (%s); open it in Word or WPS and save it "
               "again as .docx/.xlsx", zip_error_strerror(&err));
    zip_error_fini(&err);
    return NULL;
  }
  zip_error_fini(&err);
  if (zip_get_num_entries(zip, 0) > OOXML_ENTRIES) {
    diag_error(dl, path, 0, 0, "holds more than %d files; it is not a document Word or Excel wrote", OOXML_ENTRIES);
    zip_discard(zip);
    return NULL;
  }
  ooxml *z = xcalloc(1, sizeof *z);
  z->zip = zip;
  z->path = path;
  return z;
}

void ooxml_close(ooxml *z) {
  if (!z) return;
  zip_discard(z->zip);
  free(z);
}

char *ooxml_read(ooxml *z, const char *name, long cap, size_t *len, bool *missing, diag_list *dl) {
  *missing = false;
  zip_int64_t index = zip_name_locate(z->zip, name, 0);
  if (index < 0) {
    *missing = true;
    return NULL;
  }
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(z->zip, (zip_uint64_t)index, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) && st.size > (zip_uint64_t)cap) {
    diag_error(dl, z->path, 0, 0, "part '%s' inflates to %llu bytes, over the limit of %ld MB", name,
               (unsigned long long)st.size, cap >> 20);
    return NULL;
  }
  zip_file_t *f = zip_fopen_index(z->zip, (zip_uint64_t)index, 0);
  if (!f) {
    diag_error(dl, z->path, 0, 0, "cannot read part '%s': %s", name, zip_strerror(z->zip));
    return NULL;
  }
  /* The size in the header is not trusted: at most cap + 1 bytes are inflated. */
  strbuf sb = {0};
  char buf[65536];
  zip_int64_t n;
  long got = 0;
  bool over = false;
  while ((n = zip_fread(f, buf, sizeof buf)) > 0) {
    got += (long)n;
    if (got > cap || z->total + got > OOXML_TOTAL_BYTES) {
      over = true;
      break;
    }
    sb_append(&sb, buf, (size_t)n);
  }
  bool failed = n < 0;
  zip_fclose(f);
  if (over || failed) {
    if (over)
      diag_error(dl, z->path, 0, 0, "part '%s' inflates past the limit of %ld MB (a zip bomb?)", name,
                 (got > cap ? cap : OOXML_TOTAL_BYTES) >> 20);
    else
      diag_error(dl, z->path, 0, 0, "part '%s' is damaged (%s); save the file again", name, zip_strerror(z->zip));
    sb_free(&sb);
    return NULL;
  }
  z->total += got;
  *len = sb.len;
  if (!sb.data) sb_puts(&sb, "");
  return sb_take(&sb);
}

xmlDoc *ooxml_parse(const char *data, size_t len) {
  if (len > (size_t)OOXML_XML_BYTES) return NULL;
  /* No XML_PARSE_NOENT (entities stay references), no DTDLOAD, no network,
   * no XML_PARSE_HUGE (libxml2's own depth and size limits hold). */
  int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
  xmlDoc *doc = xmlReadMemory(data, (int)len, "part.xml", NULL, options);
  /* ECMA-376 Part 2 (§8.1.4) forbids DTDs in a package's parts: one is an
   * attack (entity expansion, external entities), refused whole. */
  if (doc && (doc->intSubset || doc->extSubset)) {
    xmlFreeDoc(doc);
    return NULL;
  }
  return doc;
}

xmlDoc *ooxml_xml(ooxml *z, const char *name, bool *missing, diag_list *dl) {
  size_t len;
  char *data = ooxml_read(z, name, OOXML_XML_BYTES, &len, missing, dl);
  if (!data) return NULL;
  xmlDoc *doc = ooxml_parse(data, len);
  free(data);
  if (!doc) diag_error(dl, z->path, 0, 0, "part '%s' is not well-formed XML or declares a DTD (office software "
                          "never writes one); save the file again", name);
  return doc;
}

bool ooxml_is(const xmlNode *n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

xmlNode *ooxml_child(const xmlNode *n, const char *name) {
  for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
    if (ooxml_is(c, name)) return c;
  return NULL;
}

const char *ooxml_attr(const xmlNode *n, const char *name) {
  for (xmlAttr *a = n ? n->properties : NULL; a; a = a->next)
    if (!strcmp((const char *)a->name, name) && a->children && a->children->type == XML_TEXT_NODE)
      return (const char *)a->children->content;
  return NULL;
}

char *ooxml_rel_target(xmlDoc *rels, const char *id, const char *base) {
  xmlNode *root = rels ? xmlDocGetRootElement(rels) : NULL;
  for (xmlNode *r = root ? root->children : NULL; r; r = r->next) {
    const char *rid = ooxml_attr(r, "Id"), *target = ooxml_attr(r, "Target"), *mode = ooxml_attr(r, "TargetMode");
    if (!ooxml_is(r, "Relationship") || !rid || !target || strcmp(rid, id)) continue;
    if ((mode && !strcmp(mode, "External")) || strstr(target, "..") || strstr(target, "://")) return NULL;
    if (target[0] == '/') return target[1] ? xstrdup(target + 1) : NULL;
    return xasprintf("%s/%s", base, target);
  }
  return NULL;
}
