/* Reading Office Open XML packages (.docx, .xlsx) as hostile input: the
 * package through libzip from memory, every entry read with a size cap
 * checked against the bytes actually inflated (a zip bomb's headers lie),
 * a cap on the whole package, and XML parsed by libxml2 with no network,
 * no DTD loading and no entity substitution, and a part that declares a
 * DTD refused (ooxml_parse). Element and
 * attribute names are matched by local name, so transitional and strict
 * OOXML namespaces read alike. */
#ifndef BRIEF_OOXML_H
#define BRIEF_OOXML_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "diag.h"

/* Limits of what a package may hold (doc/limits.md). */
#define OOXML_FILE_BYTES (64L * 1024 * 1024)   /* the package file itself */
#define OOXML_XML_BYTES (32L * 1024 * 1024)    /* one XML part, inflated */
#define OOXML_MEDIA_BYTES (32L * 1024 * 1024)  /* one image, inflated */
#define OOXML_TOTAL_BYTES (256L * 1024 * 1024) /* everything read from one package */
#define OOXML_ENTRIES 20000                    /* entries in the package */

typedef struct ooxml ooxml;

/* Reads a package file whole, refusing one over OOXML_FILE_BYTES before
 * reading it. NULL with an error naming path. */
char *ooxml_read_file(const char *path, size_t *len, diag_list *dl);

/* Opens a package held in memory (data must outlive it). NULL with an error
 * naming path when it is not a zip package or breaks a limit. */
ooxml *ooxml_open(const char *data, size_t len, const char *path, diag_list *dl);
void ooxml_close(ooxml *z);
/* Reads an entry whole, at most cap bytes inflated. NULL when the entry is
 * missing (*missing set, no diagnostic) or on error (diagnostic added). */
char *ooxml_read(ooxml *z, const char *name, long cap, size_t *len, bool *missing, diag_list *dl);
/* Parses an entry as XML (hardened, see above). NULL as ooxml_read. */
xmlDoc *ooxml_xml(ooxml *z, const char *name, bool *missing, diag_list *dl);
/* Parses XML bytes with the hardened options; NULL when not well-formed or
 * when it declares a DTD. */
xmlDoc *ooxml_parse(const char *data, size_t len);

/* The element's local name is name. */
bool ooxml_is(const xmlNode *n, const char *name);
/* The first child element called name, or NULL. */
xmlNode *ooxml_child(const xmlNode *n, const char *name);
/* The attribute whose local name is name, or NULL; valid while the document lives. */
const char *ooxml_attr(const xmlNode *n, const char *name);
/* A relationships part (…/_rels/X.rels) as a lookup: the target of an Id,
 * resolved against base (the folder of the source part, "word"), NULL for
 * an external or unsafe target ("..", absolute). Caller frees. */
char *ooxml_rel_target(xmlDoc *rels, const char *id, const char *base);

#endif
