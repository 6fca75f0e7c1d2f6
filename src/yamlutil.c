#include "yamlutil.h"

#include <string.h>

#include "input_limits.h"

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
  return 0;
}

void ydoc_free(ydoc *y) {
  if (y->loaded) yaml_document_delete(&y->doc);
  y->loaded = false;
}

yaml_node_t *ydoc_root(ydoc *y) { return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL; }

yaml_node_t *ydoc_node(ydoc *y, int index) { return yaml_document_get_node(&y->doc, index); }

const char *yscalar(yaml_node_t *node) {
  return node && node->type == YAML_SCALAR_NODE ? (const char *)node->data.scalar.value : NULL;
}

yaml_node_t *ymap_get(ydoc *y, yaml_node_t *map, const char *key) {
  if (!map || map->type != YAML_MAPPING_NODE) return NULL;
  YMAP_FOREACH(y, map, pair) {
    const char *k = yscalar(ydoc_node(y, pair->key));
    if (k && strcmp(k, key) == 0) return ydoc_node(y, pair->value);
  }
  return NULL;
}

int yline(const ydoc *y, const yaml_node_t *node) {
  return node ? (int)node->start_mark.line + 1 + y->line_offset : 0;
}

int ycol(const yaml_node_t *node) { return node ? (int)node->start_mark.column + 1 : 0; }
