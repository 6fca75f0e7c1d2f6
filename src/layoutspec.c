#include "layoutspec.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "util.h"
#include "yamlutil.h"

#define MM (72.0 / 25.4)

static const char *role_names[ROLE_COUNT + 1] = { /* NULL-terminated for check_keys */
    "title", "subtitle", "heading1", "heading2", "heading3", "heading4", "body", "table",
    "table_header", "caption", "code", "quote", "page_number", "header", "footer", "masthead",
    "masthead_issue", "masthead_line", "signature", "distribution", "copy_number", NULL};

static const struct { const char *name; double pt; } chinese_sizes[] = {
    {"初号", 42}, {"小初", 36}, {"一号", 26}, {"小一", 24}, {"二号", 22}, {"小二", 18},
    {"三号", 16}, {"小三", 15}, {"四号", 14}, {"小四", 12}, {"五号", 10.5}, {"小五", 9},
    {"六号", 7.5}, {"小六", 6.5}, {"七号", 5.5}, {"八号", 5}};

double chinese_size_pt(const char *s) {
  for (size_t i = 0; i < sizeof chinese_sizes / sizeof *chinese_sizes; i++)
    if (strcmp(s, chinese_sizes[i].name) == 0) return chinese_sizes[i].pt;
  return 0;
}

double length_pt(length len, double size, double pitch) {
  switch (len.unit) {
    case LEN_EM: return len.value * size;
    case LEN_LINE: return len.value * pitch;
    default: return len.value;
  }
}

/* Parsing context: the file, its YAML and the diagnostics. */
typedef struct {
  ydoc *y;
  diag_list *dl;
  int errors;
} lctx;

static void bad(lctx *c, yaml_node_t *n, const char *fmt, const char *a, const char *b) {
  char *msg = xasprintf(fmt, a, b);
  diag_error(c->dl, c->y->file, yline(c->y, n), ycol(n), "%s", msg);
  free(msg);
  c->errors++;
}

/* Checks that every key of map is one of allowed (NULL-terminated). */
static void check_keys(lctx *c, yaml_node_t *map, const char *where, const char *const *allowed) {
  if (!map) return;
  if (map->type != YAML_MAPPING_NODE) {
    bad(c, map, "'%s' must be a mapping of keys%s", where, "");
    return;
  }
  YMAP_FOREACH(c->y, map, pair) {
    yaml_node_t *kn = ydoc_node(c->y, pair->key);
    const char *k = yscalar(kn);
    bool ok = false;
    for (const char *const *a = allowed; *a && k; a++) ok |= strcmp(*a, k) == 0;
    if (ok) continue;
    size_t n = 0;
    while (allowed[n]) n++;
    char *list = listed_names(k ? k : "", allowed, n);
    char *where_key = xasprintf("%s.%s", where, k ? k : "?");
    bad(c, kn, "unknown key '%s'; allowed: %s", where_key, list);
    free(where_key);
    free(list);
  }
}

/* A finite number (strtod also reads "nan" and "inf"). */
static bool parse_number(const char *s, double *v, const char **rest) {
  char *end;
  *v = strtod(s, &end);
  if (end == s || !isfinite(*v)) return false;
  while (*end == ' ') end++;
  *rest = end;
  return true;
}

/* "37mm", "16pt", "2em", "2字", "1line", "1行", "三号" or a bare number (pt). */
static bool parse_length(const char *s, length *out) {
  double pt = chinese_size_pt(s);
  if (pt > 0) {
    *out = (length){pt, LEN_PT};
    return true;
  }
  double v;
  const char *u;
  if (!parse_number(s, &v, &u)) return false;
  if (!*u || strcmp(u, "pt") == 0) *out = (length){v, LEN_PT};
  else if (strcmp(u, "mm") == 0) *out = (length){v * MM, LEN_PT};
  else if (strcmp(u, "cm") == 0) *out = (length){v * 10 * MM, LEN_PT};
  else if (strcmp(u, "em") == 0 || strcmp(u, "字") == 0) *out = (length){v, LEN_EM};
  else if (strcmp(u, "line") == 0 || strcmp(u, "lines") == 0 || strcmp(u, "行") == 0) *out = (length){v, LEN_LINE};
  else return false;
  return true;
}

/* Every number of a layout has an allowed range, named in the error. */
static bool in_range(lctx *c, yaml_node_t *n, const char *key, double v, double lo, double hi, const char *unit) {
  if (v >= lo && v <= hi) return true;
  diag_error(c->dl, c->y->file, yline(c->y, n), ycol(n), "'%s' must be from %g%s to %g%s; got '%s'", key, lo, unit,
             hi, unit, yscalar(n) ? yscalar(n) : "?");
  c->errors++;
  return false;
}

/* A length from 0 to max_pt points, or to max_rel em or lines. */
static void get_length(lctx *c, yaml_node_t *map, const char *key, length *out, double max_pt, double max_rel) {
  yaml_node_t *n = ymap_get(c->y, map, key);
  if (!n) return;
  const char *s = yscalar(n);
  length len;
  if (!s || !parse_length(s, &len)) {
    bad(c, n, "'%s' must be a length: 12pt, 37mm, 2em (or 2字), 1line (or 1行), or a size name such as 三号; got '%s'",
        key, s ? s : "?");
    return;
  }
  if (len.unit == LEN_PT ? in_range(c, n, key, len.value, 0, max_pt, "pt")
                         : in_range(c, n, key, len.value, 0, max_rel, len.unit == LEN_EM ? "em" : "line"))
    *out = len;
}

/* A length that must be absolute: pt, mm or a size name, from lo to hi pt. */
static void get_pt(lctx *c, yaml_node_t *map, const char *key, double *out, double lo, double hi) {
  yaml_node_t *n = ymap_get(c->y, map, key);
  if (!n) return;
  length len = {0, LEN_PT};
  const char *s = yscalar(n);
  if (!s || !parse_length(s, &len) || len.unit != LEN_PT) {
    bad(c, n, "'%s' must be an absolute length (e.g. 37mm, 16pt, 三号); got '%s'", key, s ? s : "?");
    return;
  }
  if (in_range(c, n, key, len.value, lo, hi, "pt")) *out = len.value;
}

static void get_string(lctx *c, yaml_node_t *map, const char *key, char **out) {
  yaml_node_t *n = ymap_get(c->y, map, key);
  if (!n) return;
  if (!yscalar(n)) {
    bad(c, n, "'%s' must be text%s", key, "");
    return;
  }
  free(*out);
  *out = xstrdup(yscalar(n));
}

static void get_bool(lctx *c, yaml_node_t *map, const char *key, bool *out) {
  yaml_node_t *n = ymap_get(c->y, map, key);
  if (!n) return;
  const char *s = yscalar(n);
  if (s && (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)) *out = true;
  else if (s && (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)) *out = false;
  else bad(c, n, "'%s' must be true or false; got '%s'", key, s ? s : "?");
}

static void get_double(lctx *c, yaml_node_t *map, const char *key, double *out, double lo, double hi) {
  yaml_node_t *n = ymap_get(c->y, map, key);
  if (!n) return;
  const char *s = yscalar(n), *rest;
  double v;
  if (!s || !parse_number(s, &v, &rest) || *rest) {
    bad(c, n, "'%s' must be a number; got '%s'", key, s ? s : "?");
    return;
  }
  if (in_range(c, n, key, v, lo, hi, "")) *out = v;
}

static void get_int(lctx *c, yaml_node_t *map, const char *key, int *out, int lo, int hi) {
  double v = *out;
  yaml_node_t *n = ymap_get(c->y, map, key);
  get_double(c, map, key, &v, lo, hi);
  if (n && v != floor(v)) {
    bad(c, n, "'%s' must be a whole number; got '%s'", key, yscalar(n));
    return;
  }
  *out = (int)v;
}

/* Picks one of a fixed set of words; the error lists them. */
static void get_choice(lctx *c, yaml_node_t *map, const char *key, const char *const *words, int *out) {
  yaml_node_t *n = ymap_get(c->y, map, key);
  if (!n) return;
  const char *s = yscalar(n);
  for (int i = 0; words[i]; i++)
    if (s && strcmp(s, words[i]) == 0) {
      *out = i;
      return;
    }
  size_t count = 0;
  while (words[count]) count++;
  char *list = listed_names(s ? s : "", words, count);
  char *msg = xasprintf("'%s' must be one of: %s; got '%s'", key, list, s ? s : "?");
  diag_error(c->dl, c->y->file, yline(c->y, n), ycol(n), "%s", msg);
  c->errors++;
  free(msg);
  free(list);
}

static void get_color(lctx *c, yaml_node_t *map, const char *key, rgb *out) {
  yaml_node_t *n = ymap_get(c->y, map, key);
  if (!n) return;
  const char *s = yscalar(n);
  unsigned v;
  if (s && strcmp(s, "black") == 0) *out = (rgb){0, 0, 0};
  else if (s && strcmp(s, "red") == 0) *out = (rgb){0.9, 0, 0};
  else if (s && strlen(s) == 7 && s[0] == '#' && sscanf(s + 1, "%6x", &v) == 1)
    *out = (rgb){((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0};
  else bad(c, n, "'%s' must be a colour: #RRGGBB, red or black; got '%s'", key, s ? s : "?");
}

static const char *const align_words[] = {"left", "center", "right", "justify", NULL};
static const char *const punct_words[] = {"quanjiao", "banjiao", "kaiming", "plain", NULL};

static void read_role(lctx *c, yaml_node_t *map, role_style *r, const char *name) {
  static const char *const keys[] = {"font", "size", "bold", "color", "align", "space_before",
                                     "space_after", "indent", "margin_left", "line_height",
                                     "punctuation", NULL};
  check_keys(c, map, name, keys);
  get_string(c, map, "font", &r->font);
  get_pt(c, map, "size", &r->size, 4, 144);
  get_bool(c, map, "bold", &r->bold);
  get_color(c, map, "color", &r->color);
  int align = (int)r->align;
  get_choice(c, map, "align", align_words, &align);
  r->align = (text_align)align;
  get_length(c, map, "space_before", &r->space_before, 400, 20);
  get_length(c, map, "space_after", &r->space_after, 400, 20);
  get_length(c, map, "indent", &r->indent, 400, 20);
  get_length(c, map, "margin_left", &r->margin_left, 400, 20);
  get_double(c, map, "line_height", &r->line_height, 0.5, 5);
  int punct = (int)r->punctuation;
  get_choice(c, map, "punctuation", punct_words, &punct);
  r->punctuation = (punct_scheme)punct;
}

static void read_roles(lctx *c, yaml_node_t *map, layout_spec *l) {
  check_keys(c, map, "roles", role_names);
  for (int r = 0; r < ROLE_COUNT; r++) {
    yaml_node_t *n = ymap_get(c->y, map, role_names[r]);
    if (n) read_role(c, n, &l->roles[r], role_names[r]);
  }
}

static const struct { const char *name; double w, h; } paper_sizes[] = {
    {"A4", 210, 297}, {"A5", 148, 210}, {"A3", 297, 420}, {"B5", 176, 250}, {"Letter", 215.9, 279.4}};

static void read_page(lctx *c, yaml_node_t *map, layout_spec *l) {
  static const char *const keys[] = {"size", "orientation", "margins", NULL};
  static const char *const margin_keys[] = {"top", "bottom", "left", "right", NULL};
  static const char *const sizes[] = {"A4", "A5", "A3", "B5", "Letter", NULL};
  static const char *const orientations[] = {"portrait", "landscape", NULL};
  check_keys(c, map, "page", keys);
  int size = 0, orient = 0;
  get_choice(c, map, "size", sizes, &size);
  get_choice(c, map, "orientation", orientations, &orient);
  l->page_w = paper_sizes[size].w * MM;
  l->page_h = paper_sizes[size].h * MM;
  if (orient) {
    double t = l->page_w;
    l->page_w = l->page_h;
    l->page_h = t;
  }
  yaml_node_t *m = ymap_get(c->y, map, "margins");
  check_keys(c, m, "page.margins", margin_keys);
  /* each within the page; finish_layout checks they leave a type area */
  get_pt(c, m, "top", &l->margin_top, 0, l->page_h);
  get_pt(c, m, "bottom", &l->margin_bottom, 0, l->page_h);
  get_pt(c, m, "left", &l->margin_left, 0, l->page_w);
  get_pt(c, m, "right", &l->margin_right, 0, l->page_w);
}

static const char *const page_sel_words[] = {"all", "not-first", "none", NULL};

static void read_page_number(lctx *c, yaml_node_t *map, layout_spec *l) {
  static const char *const keys[] = {"format", "position", "pages", "offset", "inset", NULL};
  static const char *const positions[] = {"center", "outside", "right", "left", NULL};
  check_keys(c, map, "page_number", keys);
  get_string(c, map, "format", &l->page_number_format);
  int pos = (int)l->page_number_position, pages = (int)l->page_number_pages;
  get_choice(c, map, "position", positions, &pos);
  get_choice(c, map, "pages", page_sel_words, &pages);
  l->page_number_position = (page_position)pos;
  l->page_number_pages = (page_selection)pages;
  get_pt(c, map, "offset", &l->page_number_offset, 0, 100 * MM);
  get_length(c, map, "inset", &l->page_number_inset, 100 * MM, 20);
}

static void read_band(lctx *c, yaml_node_t *map, const char *name, char **text, page_selection *pages) {
  static const char *const keys[] = {"text", "pages", NULL};
  check_keys(c, map, name, keys);
  get_string(c, map, "text", text);
  int p = (int)*pages;
  get_choice(c, map, "pages", page_sel_words, &p);
  *pages = (page_selection)p;
}

static void read_masthead(lctx *c, yaml_node_t *map, layout_spec *l) {
  static const char *const keys[] = {"name", "issue", "color", "rule", NULL};
  check_keys(c, map, "masthead", keys);
  l->masthead = true;
  get_string(c, map, "name", &l->masthead_name);
  get_string(c, map, "issue", &l->masthead_issue);
  get_color(c, map, "color", &l->masthead_color);
  get_pt(c, map, "rule", &l->masthead_rule, 0, 20);
}

/* normalize: false switches every rule off; a mapping switches single
 * rules (normalize: {quotes: false, spaces: false}). */
static void read_normalize(lctx *c, yaml_node_t *n, normalize_rules *r) {
  if (!n) return;
  if (n->type == YAML_SCALAR_NODE) {
    bool on = true;
    const char *s = yscalar(n);
    if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) on = false;
    else if (!s || (strcmp(s, "true") && strcmp(s, "yes"))) {
      bad(c, n, "'normalize' must be true, false or a mapping of rules; got '%s'%s", s ? s : "?", "");
      return;
    }
    if (!on) *r = normalize_rules_none();
    return;
  }
  check_keys(c, n, "normalize", normalize_rule_names);
  for (const char *const *name = normalize_rule_names; *name; name++) get_bool(c, n, *name, normalize_rule_flag(r, *name));
}

/* copy_number: {format: "{copy}", digits: 6}: the 份号 of numbered copies. */
static void read_copy_number(lctx *c, yaml_node_t *map, layout_spec *l) {
  static const char *const keys[] = {"format", "digits", NULL};
  check_keys(c, map, "copy_number", keys);
  get_string(c, map, "format", &l->copy_number_format);
  if (!l->copy_number_format) l->copy_number_format = xstrdup("{copy}");
  double digits = 0;
  get_double(c, map, "digits", &digits, -1e9, 1e9); /* the range is checked below, with its own message */
  if (digits < 0 || digits > 9 || digits != (int)digits)
    bad(c, ymap_get(c->y, map, "digits"), "'%s' must be a whole number from 0 to 9%s", "digits", "");
  else
    l->copy_number_digits = (int)digits;
}

/* table_widths: a mapping of column header text to width (col_width_parse). */
static void read_table_widths(lctx *c, yaml_node_t *map, layout_spec *l) {
  if (map->type != YAML_MAPPING_NODE) {
    bad(c, map, "'%s' must be a mapping of column headers to widths, e.g. {序号: 3字, 备注: 30%%}%s",
        "table_widths", "");
    return;
  }
  YMAP_FOREACH(c->y, map, pair) {
    yaml_node_t *k = ydoc_node(c->y, pair->key), *v = ydoc_node(c->y, pair->value);
    const char *name = yscalar(k), *text = yscalar(v);
    col_width w;
    if (!name || !text || !col_width_parse(text, &w)) {
      bad(c, v, "table_widths: '%s' is not a column width; write N%% (of the table), Nmm, Ncm, Npt or N字%s",
          text ? text : "?", "");
      continue;
    }
    l->table_width_names = xrealloc(l->table_width_names, (l->ntable_widths + 1) * sizeof(char *));
    l->table_widths = xrealloc(l->table_widths, (l->ntable_widths + 1) * sizeof(col_width));
    l->table_width_names[l->ntable_widths] = xstrdup(name);
    l->table_widths[l->ntable_widths++] = w;
  }
}

static void set_defaults(layout_spec *l) {
  l->page_w = 210 * MM;
  l->page_h = 297 * MM;
  l->margin_top = l->margin_bottom = l->margin_left = l->margin_right = 25 * MM;
  l->cjk_latin_space = 0.25;
  l->emphasis_font = xstrdup("kai");
  l->strong_font = xstrdup("hei");
  l->code_font = xstrdup("mono");
  l->page_number_format = xstrdup("{page}");
  l->page_number_offset = 7 * MM;
  l->title_block = true;
  l->signature = true;
  l->key_figures_title = xstrdup("主要数据");
  l->normalize = normalize_rules_default();
  for (int r = 0; r < ROLE_COUNT; r++) {
    l->roles[r].font = xstrdup(r == ROLE_CODE ? "mono" : "song");
    l->roles[r].size = 12;
    l->roles[r].line_height = 1.5;
    l->roles[r].align = ALIGN_LEFT;
    l->roles[r].punctuation = PUNCT_INHERIT;
  }
  l->punctuation = PUNCT_QUANJIAO;
}

static void read_layout(lctx *c, yaml_node_t *root, layout_spec *l) {
  static const char *const keys[] = {
      "name", "description", "page", "grid", "line_pitch", "cjk_latin_space", "inline",
      "heading_numbering", "title_block", "signature", "roles", "page_number", "header",
      "footer", "masthead", "distribution", "key_figures", "copy_number", "table_widths", "punctuation", "normalize", NULL};
  static const char *const grid_keys[] = {"chars_per_line", "lines_per_page", NULL};
  static const char *const inline_keys[] = {"emphasis", "strong", "code", NULL};
  static const char *const numbering[] = {"text", "generate", NULL};
  static const char *const kf_keys[] = {"title", "position", NULL};
  static const char *const kf_positions[] = {"after_title", "end", NULL};
  check_keys(c, root, "layout", keys);
  get_string(c, root, "name", &l->name);
  get_string(c, root, "description", &l->description);
  read_page(c, ymap_get(c->y, root, "page"), l);
  yaml_node_t *grid = ymap_get(c->y, root, "grid");
  check_keys(c, grid, "grid", grid_keys);
  get_int(c, grid, "chars_per_line", &l->grid_chars, 1, 200);
  get_int(c, grid, "lines_per_page", &l->grid_lines, 1, 200);
  get_pt(c, root, "line_pitch", &l->line_pitch, 1, 144);
  length cls = {l->cjk_latin_space, LEN_EM};
  get_length(c, root, "cjk_latin_space", &cls, 0, 2);
  if (cls.unit != LEN_EM) bad(c, ymap_get(c->y, root, "cjk_latin_space"), "'%s' must be in em (e.g. 0.25em)%s",
                              "cjk_latin_space", "");
  l->cjk_latin_space = cls.value;
  int punct = (int)l->punctuation;
  get_choice(c, root, "punctuation", punct_words, &punct);
  l->punctuation = (punct_scheme)punct;
  yaml_node_t *in = ymap_get(c->y, root, "inline");
  check_keys(c, in, "inline", inline_keys);
  get_string(c, in, "emphasis", &l->emphasis_font);
  get_string(c, in, "strong", &l->strong_font);
  get_string(c, in, "code", &l->code_font);
  int num = 0;
  get_choice(c, root, "heading_numbering", numbering, &num);
  l->numbering = (numbering_mode)num;
  get_bool(c, root, "title_block", &l->title_block);
  get_bool(c, root, "signature", &l->signature);
  get_bool(c, root, "distribution", &l->distribution);
  yaml_node_t *kf = ymap_get(c->y, root, "key_figures");
  check_keys(c, kf, "key_figures", kf_keys);
  get_string(c, kf, "title", &l->key_figures_title);
  int kf_pos = 0;
  get_choice(c, kf, "position", kf_positions, &kf_pos);
  l->key_figures_at_end = kf_pos == 1;
  read_normalize(c, ymap_get(c->y, root, "normalize"), &l->normalize);
  yaml_node_t *roles = ymap_get(c->y, root, "roles");
  if (roles) read_roles(c, roles, l);
  yaml_node_t *pn = ymap_get(c->y, root, "page_number");
  if (pn) read_page_number(c, pn, l);
  else l->page_number_pages = PAGES_NONE;
  yaml_node_t *h = ymap_get(c->y, root, "header"), *f = ymap_get(c->y, root, "footer");
  if (h) read_band(c, h, "header", &l->header, &l->header_pages);
  if (f) read_band(c, f, "footer", &l->footer, &l->footer_pages);
  yaml_node_t *mh = ymap_get(c->y, root, "masthead");
  if (mh) read_masthead(c, mh, l);
  yaml_node_t *cn = ymap_get(c->y, root, "copy_number");
  if (cn) read_copy_number(c, cn, l);
  yaml_node_t *tw = ymap_get(c->y, root, "table_widths");
  if (tw) read_table_widths(c, tw, l);
}

/* Derived values: the pitch from the grid, sanity of the type area. */
static void finish_layout(lctx *c, yaml_node_t *root, layout_spec *l) {
  double area_w = l->page_w - l->margin_left - l->margin_right;
  double area_h = l->page_h - l->margin_top - l->margin_bottom;
  if (area_w < 72 || area_h < 72) {
    bad(c, root, "the margins leave a type area under 1 inch; make them smaller%s%s", "", "");
    return;
  }
  /* The grid within the type area: characters may be set a little
   * closer than their size (GB/T 9704 puts 28 3号 characters on 156 mm,
   * 97% of their width), lines must not overlap. */
  yaml_node_t *grid = ymap_get(c->y, root, "grid");
  double body = l->roles[ROLE_BODY].size;
  if (l->grid_chars > 0 && l->grid_chars * body * 0.9 > area_w) {
    char *msg = xasprintf("%d characters of %gpt need at least %.1fpt but the type area is %.1fpt wide; allowed: 1 to %d",
                          l->grid_chars, body, l->grid_chars * body * 0.9, area_w, (int)(area_w / (body * 0.9)));
    bad(c, ymap_get(c->y, grid, "chars_per_line"), "'chars_per_line': %s%s", msg, "");
    free(msg);
  }
  if (l->grid_lines > 0 && area_h / l->grid_lines < body) {
    char *msg = xasprintf("%d lines of %gpt do not fit the type area's %.1fpt; allowed: 1 to %d", l->grid_lines, body,
                          area_h, (int)(area_h / body + 0.001));
    bad(c, ymap_get(c->y, grid, "lines_per_page"), "'lines_per_page': %s%s", msg, "");
    free(msg);
  }
  for (int r = 0; r < ROLE_COUNT; r++)
    if (l->roles[r].punctuation == PUNCT_INHERIT) l->roles[r].punctuation = l->punctuation;
  if (l->grid_lines > 0) l->line_pitch = area_h / l->grid_lines;
  if (l->line_pitch <= 0) l->line_pitch = l->roles[ROLE_BODY].size * 1.6;
}

int layout_load(const char *name_or_path, const char *layouts_dir, layout_spec *out, diag_list *dl) {
  bool is_path = strchr(name_or_path, '/') || str_ends_with(name_or_path, ".yaml");
  char *path = is_path ? xstrdup(name_or_path) : xasprintf("%s/%s.yaml", layouts_dir, name_or_path);
  size_t len;
  char *text = read_file(path, &len);
  int rc;
  if (!text) {
    memset(out, 0, sizeof *out);
    set_defaults(out);
    out->path = xstrdup(path);
    out->name = path_stem(path);
    diag_error(dl, path, 0, 0, "cannot read layout '%s'; 'brief layouts' lists the installed ones", name_or_path);
    rc = -1;
  } else {
    rc = layout_parse_text(text, len, path, out, dl);
  }
  free(text);
  free(path);
  return rc;
}

int layout_parse_text(const char *text, size_t len, const char *path, layout_spec *out, diag_list *dl) {
  memset(out, 0, sizeof *out);
  set_defaults(out);
  out->path = xstrdup(path);
  ydoc y;
  int rc = ydoc_load(&y, text, len, path, 0, dl);
  if (rc == 0) {
    lctx c = {&y, dl, 0};
    yaml_node_t *root = ydoc_root(&y);
    if (!root || root->type != YAML_MAPPING_NODE) {
      diag_error(dl, path, 1, 1, "a layout file must be a mapping of keys (name, page, roles, …)");
      rc = -1;
    } else {
      read_layout(&c, root, out);
      if (!c.errors) finish_layout(&c, root, out);
      rc = c.errors ? -1 : 0;
    }
    ydoc_free(&y);
  }
  if (!out->name) out->name = path_stem(path);
  return rc;
}

void layout_spec_free(layout_spec *l) {
  free(l->name);
  free(l->description);
  free(l->path);
  free(l->emphasis_font);
  free(l->strong_font);
  free(l->code_font);
  for (int r = 0; r < ROLE_COUNT; r++) free(l->roles[r].font);
  free(l->page_number_format);
  free(l->header);
  free(l->footer);
  free(l->masthead_name);
  free(l->masthead_issue);
  free(l->key_figures_title);
  free(l->copy_number_format);
  for (size_t i = 0; i < l->ntable_widths; i++) free(l->table_width_names[i]);
  free(l->table_width_names);
  free(l->table_widths);
  memset(l, 0, sizeof *l);
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int layout_list(const char *layouts_dir, FILE *out, diag_list *dl) {
  DIR *d = opendir(layouts_dir);
  if (!d) {
    diag_error(dl, layouts_dir, 0, 0, "cannot open the layouts folder");
    return -1;
  }
  str_list names = {0};
  for (struct dirent *e; (e = readdir(d));)
    if (str_ends_with(e->d_name, ".yaml")) str_list_push(&names, e->d_name);
  closedir(d);
  qsort(names.items, names.len, sizeof *names.items, compare_names);
  int rc = 0;
  for (size_t i = 0; i < names.len; i++) {
    char *path = path_join(layouts_dir, names.items[i]);
    layout_spec l;
    if (layout_load(path, layouts_dir, &l, dl) == 0)
      fprintf(out, "%-10s %s\n", l.name, l.description ? l.description : "");
    else
      rc = -1;
    layout_spec_free(&l);
    free(path);
  }
  str_list_free(&names);
  return rc;
}

char *layout_expand(const char *tmpl, const doc_meta *meta, int page, int pages) {
  strbuf sb = {0};
  for (const char *p = tmpl; *p;) {
    const char *close = p[0] == '{' ? strchr(p, '}') : NULL;
    if (!close) {
      sb_putc(&sb, *p++);
      continue;
    }
    size_t n = (size_t)(close - p - 1);
    const char *field = p + 1;
    if (n == 4 && !strncmp(field, "page", 4)) sb_printf(&sb, "%d", page);
    else if (n == 5 && !strncmp(field, "pages", 5)) sb_printf(&sb, "%d", pages);
    else if (n == 5 && !strncmp(field, "title", 5)) sb_puts(&sb, meta->title ? meta->title : "");
    else if (n == 6 && !strncmp(field, "county", 6)) sb_puts(&sb, meta->county ? meta->county : "");
    else if (n == 4 && !strncmp(field, "date", 4)) sb_puts(&sb, meta->date ? meta->date : "");
    else if (n == 5 && !strncmp(field, "issue", 5)) sb_puts(&sb, meta->issue ? meta->issue : "");
    else if (n == 6 && !strncmp(field, "author", 6)) sb_puts(&sb, meta->author ? meta->author : "");
    else sb_append(&sb, p, n + 2);
    p = close + 1;
  }
  return sb_take(&sb);
}
