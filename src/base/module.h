/* A module of brief (brief-ofd.so, brief-office.so): a shared object with
 * the libraries only some runs need, opened the first time it is needed
 * from beside the executable (the build tree) or from BRIEF_MODULE_DIR
 * relative to it (installed). Linked into the `brief` executable only. */
#ifndef BRIEF_MODULE_H
#define BRIEF_MODULE_H

#include <stddef.h>

/* The address of SYMBOL in the module NAME (e.g. "brief-ofd.so"), or NULL
 * with why in error (errlen bytes). Callers call it once (pthread_once) and
 * keep the address: the handle is never closed. */
void *module_symbol(const char *name, const char *symbol, char *error, size_t errlen);

#endif
