#include "yamlutil.h"

#include <stdlib.h>
#include <string.h>

#include "input_limits.h"
#include "util.h"

/* A key and where it stands, for finding keys written twice. */
typedef struct {
  const char *key;
  const yaml_node_t *node;
  const yaml_node_t *first; /* for a repeat: where the key was first given */
} key_at;

static int compare_keys(const void *a, const void *b) {
  const key_at *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  if (c) return c;
  /* the same key: the earlier one first */
  return (x->node->start_mark.index > y->node->start_mark.index) -
         (x->node->start_mark.index < y->node->start_mark.index);
}

static int compare_positions(const void *a, const void *b) {
  const key_at *x = a, *y = b;
  return (x->node->start_mark.index > y->node->start_mark.index) -
         (x->node->start_mark.index < y->node->start_mark.index);
}

typedef VEC(key_at) key_vec;

/* A mapping's repeated keys, added to repeats. Sorting keeps a mapping with
 * many keys linear-log. */
static void find_repeats(ydoc *y, yaml_node_t *map, key_vec *repeats) {
  size_t n = (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
  if (n < 2) return;
  key_at *keys = xmalloc(n * sizeof *keys);
  size_t k = 0;
  YMAP_FOREACH(y, map, pair) {
    yaml_node_t *node = ydoc_node(y, pair->key);
    if (ydoc_scalar(node)) keys[k++] = (key_at){ydoc_scalar(node), node, NULL};
  }
  qsort(keys, k, sizeof *keys, compare_keys);
  for (size_t i = 1, first = 0; i < k; i++) {
    if (strcmp(keys[i].key, keys[first].key) != 0) first = i;
    else VEC_PUSH(*repeats, ((key_at){keys[first].key, keys[i].node, keys[first].node}));
  }
  free(keys);
}

/* YAML 1.2 (3.2.1.1) requires a mapping's keys to be unique; libyaml loads a
 * repeated key silently and lookups would take the first. Each repeat is an
 * error naming both lines, in the order of the file. */
static int check_duplicate_keys(ydoc *y, diag_list *dl) {
  key_vec repeats = {0};
  for (yaml_node_t *node = y->doc.nodes.start; node < y->doc.nodes.top; node++)
    if (node->type == YAML_MAPPING_NODE) find_repeats(y, node, &repeats);
  if (repeats.len) qsort(repeats.items, repeats.len, sizeof *repeats.items, compare_positions);
  for (size_t i = 0; i < repeats.len; i++)
    diag_error(dl, y->file, ydoc_line(y, repeats.items[i].node), ydoc_col(repeats.items[i].node),
               "key '%s' is given twice (first on line %d); keep one of them", repeats.items[i].key,
               ydoc_line(y, repeats.items[i].first));
  int rc = repeats.len ? -1 : 0;
  VEC_FREE(repeats);
  return rc;
}

/* libyaml 0.2.5 (Debian 12) has no nesting limit and takes quadratic time
 * in the depth of flow collections (`[[[[…`: 28 s): a first pass over the
 * events stops at LIMIT_YAML_DEPTH with a located error, before the
 * document is built. A syntax error is left to the load, which reports it. */
static int check_depth(const char *text, size_t len, const char *file, int line_offset, diag_list *dl) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  int depth = 0, rc = 0;
  for (bool done = false; !done;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) break;
    if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) depth++;
    else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) depth--;
    done = ev.type == YAML_STREAM_END_EVENT;
    if (depth > LIMIT_YAML_DEPTH) {
      diag_error(dl, file, (int)ev.start_mark.line + 1 + line_offset, (int)ev.start_mark.column + 1,
                 "YAML nested more than %d deep; nothing brief reads nests so: flatten it", LIMIT_YAML_DEPTH);
      rc = -1;
      done = true;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
  return rc;
}

int ydoc_load(ydoc *y, const char *text, size_t len, const char *file, int line_offset,
              diag_list *dl) {
  memset(y, 0, sizeof *y);
  if (check_depth(text, len, file, line_offset, dl) != 0) return -1;
  y->file = file;
  y->line_offset = line_offset;
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  int ok = yaml_parser_load(&parser, &y->doc);
  if (!ok) {
    diag_error(dl, file, (int)parser.problem_mark.line + 1 + line_offset,
               (int)parser.problem_mark.column + 1, "YAML: %s%s%s; fix the syntax",
               parser.problem ? parser.problem : "syntax error", parser.context ? " " : "",
               parser.context ? parser.context : "");
    yaml_parser_delete(&parser);
    return -1;
  }
  yaml_parser_delete(&parser);
  y->loaded = true;
  if (check_duplicate_keys(y, dl) != 0) {
    ydoc_free(y);
    return -1;
  }
  return 0;
}

void ydoc_free(ydoc *y) {
  if (y->loaded) yaml_document_delete(&y->doc);
  y->loaded = false;
}

yaml_node_t *ydoc_root(ydoc *y) { return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL; }

yaml_node_t *ydoc_node(ydoc *y, int index) { return yaml_document_get_node(&y->doc, index); }

const char *ydoc_scalar(yaml_node_t *node) {
  return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

yaml_node_t *ydoc_map_get(ydoc *y, yaml_node_t *map, const char *key) {
  if (!map || map->type != YAML_MAPPING_NODE) return NULL;
  YMAP_FOREACH(y, map, pair) {
    const char *k = ydoc_scalar(ydoc_node(y, pair->key));
    if (k && strcmp(k, key) == 0) return ydoc_node(y, pair->value);
  }
  return NULL;
}

int ydoc_line(const ydoc *y, const yaml_node_t *node) {
  return node ? (int)node->start_mark.line + 1 + y->line_offset : 0;
}

int ydoc_col(const yaml_node_t *node) { return node ? (int)node->start_mark.column + 1 : 0; }
