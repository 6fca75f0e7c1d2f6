/* A thin layer over libyaml's document API: load, look up keys, report
 * positions in the file the YAML came from. */
#ifndef BRIEF_YAMLUTIL_H
#define BRIEF_YAMLUTIL_H

#include <stdbool.h>
#include <yaml.h>

#include "diag.h"

typedef struct {
  yaml_document_t doc;
  bool loaded;
  const char *file;  /* for messages; not owned */
  int line_offset;   /* lines before the YAML text in its file */
} ydoc;

/* Parses text; on a syntax error adds `file:line:col: error` and returns -1. */
int ydoc_load(ydoc *y, const char *text, size_t len, const char *file, int line_offset,
              diag_list *dl);
void ydoc_free(ydoc *y);
yaml_node_t *ydoc_root(ydoc *y);
yaml_node_t *ydoc_node(ydoc *y, int index);
/* Value of key in a mapping node, or NULL. */
yaml_node_t *ydoc_map_get(ydoc *y, yaml_node_t *map, const char *key);
/* Scalar text, or NULL when the node is not a scalar. */
const char *ydoc_scalar(yaml_node_t *node);
int ydoc_line(const ydoc *y, const yaml_node_t *node);
int ydoc_col(const yaml_node_t *node);

#define YMAP_FOREACH(y, map, pair)                                               \
  for (yaml_node_pair_t *pair = (map)->data.mapping.pairs.start;                 \
       pair < (map)->data.mapping.pairs.top; pair++)
#define YSEQ_FOREACH(y, seq, item)                                               \
  for (yaml_node_item_t *item = (seq)->data.sequence.items.start;                \
       item < (seq)->data.sequence.items.top; item++)

#endif
