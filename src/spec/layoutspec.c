#include "layoutspec.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cndate.h"
#include "suggest.h"
#include "input_limits.h"
#include "util.h"
#include "yamlutil.h"

#define MM (72.0 / 25.4)

static const char *const role_names[ROLE_COUNT + 1] = { /* NULL-terminated */
#define BRIEF_ROLE_KEY(id, key) key,
    BRIEF_ROLES(BRIEF_ROLE_KEY)
#undef BRIEF_ROLE_KEY
    NULL};

static const struct { const char *name; double pt; } chinese_sizes[] = {
    {"初号", 42}, {"小初", 36}, {"一号", 26}, {"小一", 24}, {"二号", 22}, {"小二", 18},
    {"三号", 16}, {"小三", 15}, {"四号", 14}, {"小四", 12}, {"五号", 10.5}, {"小五", 9},
    {"六号", 7.5}, {"小六", 6.5}, {"七号", 5.5}, {"八号", 5}};

double spec_chinese_size_pt(const char *s) {
  for (size_t i = 0; i < sizeof chinese_sizes / sizeof *chinese_sizes; i++)
    if (strcmp(s, chinese_sizes[i].name) == 0) return chinese_sizes[i].pt;
  return 0;
}

double spec_length_pt(length len, double size, double pitch) {
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
  double pt = spec_chinese_size_pt(s);
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
  diag_error(c->dl, c->y->file, ydoc_line(c->y, n), ydoc_col(n), "'%s' must be from %g%s to %g%s; got '%s'", key, lo, unit,
             hi, unit, ydoc_scalar(n) ? ydoc_scalar(n) : "?");
  c->errors++;
  return false;
}

/* ---- the schema: one descriptor per key of a layout file ----------------
 * The reader, the range errors, spec_free and doc/layouts.md's table of
 * keys (spec_keys_markdown, `brief layouts --keys`) all walk this. */

typedef enum {
  K_MAP,    /* a mapping of the keys in .keys (same base) */
  K_ROLES,  /* a mapping of role names (role_names), each a mapping of .keys on its role_style */
  K_STRING, /* char *, freed by spec_free */
  K_BOOL,   /* bool */
  K_INT,    /* int, a whole number from lo to hi */
  K_NUMBER, /* double from lo to hi */
  K_PT,     /* double: an absolute length in pt from lo to hi (or to the page's width or height) */
  K_LENGTH, /* length: pt up to hi, em or lines up to hi_rel */
  K_EM,     /* double: a length in em from lo to hi */
  K_CHOICE, /* int (an enum): the index of the word in .words */
  K_COLOR,  /* rgb */
  K_CUSTOM, /* read by .read */
} key_type;

typedef enum { UPTO_HI, UPTO_PAGE_W, UPTO_PAGE_H } key_limit;

typedef struct key_desc key_desc;
struct key_desc {
  const char *name;
  key_type type;
  size_t offset;              /* in layout_spec (role keys: in role_style) */
  double lo, hi, hi_rel;      /* ranges (K_LENGTH: hi in pt, hi_rel in em or lines) */
  key_limit upto;             /* K_PT: hi is the page's width or height */
  const char *const *words;   /* K_CHOICE: the allowed values */
  const key_desc *keys;       /* K_MAP, K_ROLES */
  void (*read)(lctx *c, yaml_node_t *n, layout_spec *l); /* K_CUSTOM */
  void (*present)(layout_spec *l); /* K_MAP: when the mapping is there, before its keys */
  void (*then)(layout_spec *l);    /* after the key was read */
  const char *what;           /* doc/layouts.md's description */
  const char *value, *allowed, *dflt; /* K_CUSTOM: doc/layouts.md's columns */
};

static const char *const align_words[] = {"left", "center", "right", "justify", NULL};
static const char *const punct_words[] = {"quanjiao", "banjiao", "kaiming", "plain", NULL};
static const char *const page_sel_words[] = {"all", "not-first", "none", NULL};
static const char *const position_words[] = {"center", "outside", "right", "left", NULL};
static const char *const numbering_words[] = {"text", "generate", NULL};
static const char *const kf_words[] = {"after_title", "end", NULL};
static const char *const orientation_words[] = {"portrait", "landscape", NULL};

static const struct { const char *name; double w, h; } paper_sizes[] = {
    {"A4", 210, 297}, {"A5", 148, 210}, {"A3", 297, 420}, {"B5", 176, 250}, {"Letter", 215.9, 279.4}};
static const char *const paper_words[] = {"A4", "A5", "A3", "B5", "Letter", NULL};

_Static_assert(sizeof(text_align) == sizeof(int) && sizeof(punct_scheme) == sizeof(int) &&
                   sizeof(page_selection) == sizeof(int) && sizeof(page_position) == sizeof(int) &&
                   sizeof(heading_numbering_mode) == sizeof(int) && sizeof(key_figures_position) == sizeof(int),
               "K_CHOICE stores an int into these enums");

/* page.size and page.orientation give the page's size (margins are checked against it). */
static void set_paper(layout_spec *l) {
  double w = paper_sizes[l->page.size].w * MM, h = paper_sizes[l->page.size].h * MM;
  l->page.width = l->page.orientation ? h : w;
  l->page.height = l->page.orientation ? w : h;
}

static void page_number_present(layout_spec *l) { l->page_number.pages = PAGES_ALL; }
static void masthead_present(layout_spec *l) { l->masthead.enabled = true; }
static void copy_number_present(layout_spec *l) {
  if (!l->copy_number.format) l->copy_number.format = xstrdup("{copy}");
}

static void read_normalize(lctx *c, yaml_node_t *n, layout_spec *l);
static void read_table_widths(lctx *c, yaml_node_t *map, layout_spec *l);

#define L(field) offsetof(layout_spec, field)
#define R(field) offsetof(role_style, field)

static const key_desc role_keys[] = {
    {"font", K_STRING, R(font), .what = "font-map role (fonts/fontmap.yaml): song, fangsong, hei, kai, mono …"},
    {"size", K_PT, R(size), 4, 144, .what = "type size"},
    {"bold", K_BOOL, R(bold), .what = "bold (the font's bold, else fake bold)"},
    {"color", K_COLOR, R(color), .what = "colour"},
    {"align", K_CHOICE, R(align), .words = align_words, .what = "alignment"},
    {"space_before", K_LENGTH, R(space_before), 0, 400, 20, .what = "space above"},
    {"space_after", K_LENGTH, R(space_after), 0, 400, 20, .what = "space below"},
    {"indent", K_LENGTH, R(indent), 0, 400, 20, .what = "first-line indent"},
    {"margin_left", K_LENGTH, R(margin_left), 0, 400, 20, .what = "indent of every line"},
    {"line_height", K_NUMBER, R(line_height), 0.5, 5, .what = "lines of the grid a text line takes, or × the size"},
    {"punctuation", K_CHOICE, R(punctuation), .words = punct_words,
     .what = "punctuation widths ([schemes](#punctuation-width-schemes)); default: the layout's `punctuation`"},
    {NULL}};

static const key_desc margin_keys[] = {
    {"top", K_PT, L(page.margins.top), 0, 0, .upto = UPTO_PAGE_H, .what = "top margin (天头)"},
    {"bottom", K_PT, L(page.margins.bottom), 0, 0, .upto = UPTO_PAGE_H, .what = "bottom margin"},
    {"left", K_PT, L(page.margins.left), 0, 0, .upto = UPTO_PAGE_W, .what = "left margin (订口)"},
    {"right", K_PT, L(page.margins.right), 0, 0, .upto = UPTO_PAGE_W, .what = "right margin"},
    {NULL}};

static const key_desc page_keys[] = {
    {"size", K_CHOICE, L(page.size), .words = paper_words, .then = set_paper, .what = "paper"},
    {"orientation", K_CHOICE, L(page.orientation), .words = orientation_words, .then = set_paper, .what = "orientation"},
    {"margins", K_MAP, 0, .keys = margin_keys, .what = "margins; the type area is what they leave"},
    {NULL}};

static const key_desc grid_keys[] = {
    {"chars_per_line", K_INT, L(grid.chars_per_line), 1, 200, .what = "characters per line of the character grid"},
    {"lines_per_page", K_INT, L(grid.lines_per_page), 1, 200, .what = "lines per page (the pitch: the type area's height / lines)"},
    {NULL}};

static const key_desc inline_keys[] = {
    {"emphasis", K_STRING, L(inline_font.emphasis), .what = "font role of `*emphasis*`"},
    {"strong", K_STRING, L(inline_font.strong), .what = "font role of `**strong**` (fake bold where it is the role's own)"},
    {"code", K_STRING, L(inline_font.code), .what = "font role of `` `code` ``"},
    {NULL}};

static const key_desc page_number_keys[] = {
    {"format", K_STRING, L(page_number.format),
     .what = "text with `{page} {pages} {title} {county} {date} {issue} {author} {copies}`"},
    {"position", K_CHOICE, L(page_number.position), .words = position_words,
     .what = "where on the page (outside: odd pages right, even left)"},
    {"pages", K_CHOICE, L(page_number.pages), .words = page_sel_words, .what = "which pages"},
    {"offset", K_PT, L(page_number.offset), 0, 100 * MM, .what = "below the type area"},
    {"inset", K_LENGTH, L(page_number.inset), 0, 100 * MM, 20, .what = "in from the type area's edge"},
    {NULL}};

static const key_desc header_keys[] = {
    {"text", K_STRING, L(header.text), .what = "text with the page-number fields"},
    {"pages", K_CHOICE, L(header.pages), .words = page_sel_words, .what = "which pages"},
    {NULL}};

static const key_desc footer_keys[] = {
    {"text", K_STRING, L(footer.text), .what = "text with the page-number fields"},
    {"pages", K_CHOICE, L(footer.pages), .words = page_sel_words, .what = "which pages"},
    {NULL}};

static const key_desc masthead_keys[] = {
    {"name", K_STRING, L(masthead.name), .what = "the bulletin's name (扶贫工作简报)"},
    {"issue", K_STRING, L(masthead.issue), .what = "the issue line with `{issue}` (第{issue}期)"},
    {"color", K_COLOR, L(masthead.color), .what = "colour of the red separator"},
    {"rule", K_PT, L(masthead.rule), 0, 20, .what = "weight of the red separator, 0: none"},
    {NULL}};

static const key_desc distribution_rule_keys[] = {
    {"outer", K_PT, L(distribution_rules.outer), 0, 20, .what = "the 版记's first and last rules (GB/T 9704-2012 7.4.1)"},
    {"inner", K_PT, L(distribution_rules.inner), 0, 20, .what = "the rules between its lines"},
    {NULL}};

static const key_desc key_figures_keys[] = {
    {"title", K_STRING, L(key_figures.title), .what = "caption of the front matter's key-figures table (主要数据); none: no caption"},
    {"position", K_CHOICE, L(key_figures.position), .words = kf_words, .what = "after the title or after the body"},
    {NULL}};

static const key_desc copy_number_keys[] = {
    {"format", K_STRING, L(copy_number.format), .what = "the 份号 of numbered copies, with `{copy}`"},
    {"digits", K_INT, L(copy_number.digits), 0, 9, .what = "zero-padded to this many digits"},
    {NULL}};

static const key_desc figures_header_keys[] = {
    {"indicator", K_STRING, L(figures_headers[0]), .what = "header of the indicator column (指标)"},
    {"value", K_STRING, L(figures_headers[1]), .what = "header of the value column (数值)"},
    {"unit", K_STRING, L(figures_headers[2]), .what = "header of the unit column (单位)"},
    {NULL}};

static const key_desc booklet_keys[] = {
    {"title", K_STRING, L(booklet.title), .what = "cover title without booklet.yaml's or `--booklet-title` (会议材料汇编)"},
    {"contents", K_STRING, L(booklet.contents), .what = "heading of the 目录 (目　录)"},
    {"untitled", K_STRING, L(booklet.untitled), .what = "目录 line of a brief without a title (（无标题）)"},
    {NULL}};

static void document_present(layout_spec *l) { l->document.enabled = true; }

/* 文件式: GB/T 9704-2012 7.2–7.5 (the words printed are the layout's). */
static const key_desc document_keys[] = {
    {"suffix", K_STRING, L(document.suffix), .what = "after the issuers' names in the 发文机关标志 (文件); none: the names alone"},
    {"color", K_COLOR, L(document.color), .what = "colour of the 发文机关标志 and the red rule"},
    {"mark_top", K_PT, L(document.mark_top), 0, 0, .upto = UPTO_PAGE_H,
     .what = "the 发文机关标志's top edge below the type area's top (7.2.4: 35 mm)"},
    {"rule", K_PT, L(document.rule), 0, 20, .what = "weight of the red rule under the 发文字号"},
    {"rule_gap", K_PT, L(document.rule_gap), 0, 100 * MM, .what = "from the 发文字号 down to the red rule (7.2.7: 4 mm)"},
    {"signer", K_STRING, L(document.signer), .what = "the 签发人 label of a 上行文 (签发人：)"},
    {"attachments", K_STRING, L(document.attachments), .what = "the 附件说明's label (附件：)"},
    {"attachment", K_STRING, L(document.attachment), .what = "the label on an attachment's first page, with `{n}` (附件{n})"},
    {"printed", K_STRING, L(document.printed), .what = "the 版记's 印发日期, with `{date}` ({date}印发)"},
    {"cc_end", K_STRING, L(document.cc_end), .what = "ends the 抄送 line when it has no stop (。)"},
    {NULL}};

static const key_desc layout_keys[] = {
    {"name", K_STRING, L(name), .what = "the layout's name (default: the file's)"},
    {"description", K_STRING, L(description), .what = "one line for `brief layouts`"},
    {"page", K_MAP, 0, .keys = page_keys, .what = "paper and margins"},
    {"grid", K_MAP, 0, .keys = grid_keys, .what = "a character grid (GB/T 9704: 28 × 22)"},
    {"line_pitch", K_PT, L(line_pitch), 1, 144, .what = "line pitch without a grid of lines"},
    {"cjk_latin_space", K_EM, L(cjk_latin_space), 0, 2, .what = "space between Chinese and Latin letters or digits"},
    {"punctuation", K_CHOICE, L(punctuation), .words = punct_words, .what = "punctuation widths of every role"},
    {"inline", K_MAP, 0, .keys = inline_keys, .what = "font roles of inline styles"},
    {"heading_numbering", K_CHOICE, L(heading_numbering), .words = numbering_words,
     .what = "headings numbered as written, or generated 一、（一）1．（1）"},
    {"paragraph_headings", K_BOOL, L(paragraph_headings),
     .what = "a short paragraph starting 一、（一）1.（1） (as typed in WPS) is the heading of that level"},
    {"title_block", K_BOOL, L(title_block), .what = "the title and subtitle at the top"},
    {"signature", K_BOOL, L(signature), .what = "the issuing unit and date at the end"},
    {"roles", K_ROLES, L(roles), .keys = role_keys, .what = "the style of each role"},
    {"page_number", K_MAP, 0, .keys = page_number_keys, .present = page_number_present,
     .what = "page numbers (none without this key)"},
    {"header", K_MAP, 0, .keys = header_keys, .what = "a running header"},
    {"footer", K_MAP, 0, .keys = footer_keys, .what = "a running footer"},
    {"masthead", K_MAP, 0, .keys = masthead_keys, .present = masthead_present, .what = "a red masthead (简报)"},
    {"distribution", K_BOOL, L(distribution), .what = "the 版记 (报/送/发 lines, print count) at the end"},
    {"distribution_rules", K_MAP, 0, .keys = distribution_rule_keys, .what = "the 版记's rules"},
    {"print_count", K_STRING, L(print_count), .what = "the 版记's last line, with `{copies}` (（共印{copies}份）); none: no line"},
    {"key_figures", K_MAP, 0, .keys = key_figures_keys, .what = "the front matter's key figures"},
    {"figures_headers", K_MAP, 0, .keys = figures_header_keys, .what = "header words of the figures tables"},
    {"keywords", K_STRING, L(keywords), .what = "the PDF's keywords, beside the county and the layout's name"},
    {"copy_number", K_MAP, 0, .keys = copy_number_keys, .present = copy_number_present,
     .what = "the 份号 of numbered copies (GB/T 9704-2012 7.2.1); none: no numbered copies"},
    {"table_widths", K_CUSTOM, 0, .read = read_table_widths, .value = "mapping",
     .allowed = "column header → N%, Nmm, Ncm, Npt or N字", .dflt = "—",
     .what = "widths of table columns by header text ([Tables](#tables))"},
    {"normalize", K_CUSTOM, 0, .read = read_normalize, .value = "true, false or mapping",
     .allowed = "rules quotes punctuation brackets ellipsis dash spaces repeated unpaired corner_quotes: true or false",
     .dflt = "true", .what = "punctuation and spacing normalisation"},
    {"booklet", K_MAP, 0, .keys = booklet_keys, .what = "the meeting booklet (batch --booklet) in this layout"},
    {"document", K_MAP, 0, .keys = document_keys, .present = document_present,
     .what = "a 红头文件 (文件式, GB/T 9704-2012 7.2–7.5): 版头, 签发人, 主送, 附件, 版记 from the front matter"},
    {NULL}};

/* ---- reading -------------------------------------------------------------- */

static void key_error(lctx *c, yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void key_error(lctx *c, yaml_node_t *n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = xvasprintf(fmt, ap);
  va_end(ap);
  diag_error(c->dl, c->y->file, ydoc_line(c->y, n), ydoc_col(n), "%s", msg);
  free(msg);
  c->errors++;
}

static const char *text_of(yaml_node_t *n) { return ydoc_scalar(n) ? ydoc_scalar(n) : "?"; }

/* Every key of map is one of keys (an error lists them). */
static void check_keys(lctx *c, yaml_node_t *map, const char *where, const key_desc *keys, const char *const *names) {
  YMAP_FOREACH(c->y, map, pair) {
    yaml_node_t *kn = ydoc_node(c->y, pair->key);
    const char *k = ydoc_scalar(kn);
    bool ok = false;
    for (size_t i = 0; k && (keys ? keys[i].name != NULL : names[i] != NULL); i++)
      ok |= strcmp(keys ? keys[i].name : names[i], k) == 0;
    if (ok) continue;
    size_t n = 0;
    while (keys ? keys[n].name != NULL : names[n] != NULL) n++;
    const char **all = xcalloc(n + 1, sizeof *all);
    for (size_t i = 0; i < n; i++) all[i] = keys ? keys[i].name : names[i];
    char *list = suggest_listed_names(k ? k : "", all, n); /* the five closest of a longer list */
    key_error(c, kn, "unknown key '%s%s%s'; allowed: %s", where, *where ? "." : "", k ? k : "?", list);
    free(list);
    free(all);
  }
}

static bool is_mapping(lctx *c, yaml_node_t *n, const char *where) {
  if (n->type == YAML_MAPPING_NODE) return true;
  key_error(c, n, "'%s' must be a mapping of keys", where);
  return false;
}

static double upper(const key_desc *k, const layout_spec *l) {
  return k->upto == UPTO_PAGE_W ? l->page.width : k->upto == UPTO_PAGE_H ? l->page.height : k->hi;
}

static void read_keys(lctx *c, yaml_node_t *map, const char *where, const key_desc *keys, char *base, layout_spec *l);

static void read_value(lctx *c, yaml_node_t *n, const char *where, const key_desc *k, char *base, layout_spec *l) {
  void *at = base + k->offset;
  const char *s = ydoc_scalar(n);
  length len;
  double v;
  const char *rest;
  switch (k->type) {
    case K_MAP:
      if (!is_mapping(c, n, where)) return;
      if (k->present) k->present(l);
      read_keys(c, n, where, k->keys, base, l);
      break;
    case K_ROLES:
      if (!is_mapping(c, n, where)) return;
      check_keys(c, n, where, NULL, role_names);
      for (int r = 0; r < ROLE_COUNT; r++) {
        yaml_node_t *rn = ydoc_map_get(c->y, n, role_names[r]);
        char *path = xasprintf("%s.%s", where, role_names[r]);
        if (rn && is_mapping(c, rn, path)) read_keys(c, rn, path, k->keys, (char *)&((role_style *)at)[r], l);
        free(path);
      }
      break;
    case K_STRING:
      if (!s) {
        key_error(c, n, "'%s' must be text", k->name);
        return;
      }
      free(*(char **)at);
      *(char **)at = xstrdup(s);
      break;
    case K_BOOL:
      if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) *(bool *)at = true;
      else if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) *(bool *)at = false;
      else key_error(c, n, "'%s' must be true or false; got '%s'", k->name, text_of(n));
      break;
    case K_INT:
    case K_NUMBER:
      if (!s || !parse_number(s, &v, &rest) || *rest) {
        key_error(c, n, "'%s' must be a %s; got '%s'", k->name, k->type == K_INT ? "whole number" : "number", text_of(n));
      } else if (k->type == K_INT && (v != floor(v) || v < k->lo || v > k->hi)) {
        key_error(c, n, "'%s' must be a whole number from %g to %g; got '%s'", k->name, k->lo, k->hi, s);
      } else if (in_range(c, n, k->name, v, k->lo, k->hi, "")) {
        if (k->type == K_INT) *(int *)at = (int)v;
        else *(double *)at = v;
      }
      break;
    case K_PT:
      if (!s || !parse_length(s, &len) || len.unit != LEN_PT)
        key_error(c, n, "'%s' must be an absolute length (e.g. 37mm, 16pt, 三号); got '%s'", k->name, text_of(n));
      else if (in_range(c, n, k->name, len.value, k->lo, upper(k, l), "pt"))
        *(double *)at = len.value;
      break;
    case K_LENGTH:
      if (!s || !parse_length(s, &len))
        key_error(c, n, "'%s' must be a length: 12pt, 37mm, 2em (or 2字), 1line (or 1行), or a size name such as "
                  "三号; got '%s'", k->name, text_of(n));
      else if (len.unit == LEN_PT ? in_range(c, n, k->name, len.value, k->lo, k->hi, "pt")
                                  : in_range(c, n, k->name, len.value, k->lo, k->hi_rel, len.unit == LEN_EM ? "em" : "line"))
        *(length *)at = len;
      break;
    case K_EM:
      if (!s || !parse_length(s, &len) || len.unit != LEN_EM)
        key_error(c, n, "'%s' must be in em (e.g. 0.25em); got '%s'", k->name, text_of(n));
      else if (in_range(c, n, k->name, len.value, k->lo, k->hi, "em"))
        *(double *)at = len.value;
      break;
    case K_CHOICE: {
      for (int i = 0; k->words[i]; i++)
        if (s && !strcmp(s, k->words[i])) {
          *(int *)at = i;
          if (k->then) k->then(l);
          return;
        }
      size_t count = 0;
      while (k->words[count]) count++;
      char *list = suggest_listed_names(s ? s : "", k->words, count);
      key_error(c, n, "'%s' must be one of: %s; got '%s'", k->name, list, text_of(n));
      free(list);
      return;
    }
    case K_COLOR: {
      unsigned rgbv;
      if (s && !strcmp(s, "black")) *(rgb *)at = (rgb){0, 0, 0};
      else if (s && !strcmp(s, "red")) *(rgb *)at = (rgb){0.9, 0, 0};
      else if (s && strlen(s) == 7 && s[0] == '#' && strspn(s + 1, "0123456789abcdefABCDEF") == 6 &&
               sscanf(s + 1, "%6x", &rgbv) == 1)
        *(rgb *)at = (rgb){((rgbv >> 16) & 255) / 255.0, ((rgbv >> 8) & 255) / 255.0, (rgbv & 255) / 255.0};
      else key_error(c, n, "'%s' must be a colour: #RRGGBB, red or black; got '%s'", k->name, text_of(n));
      break;
    }
    case K_CUSTOM:
      k->read(c, n, l);
      break;
  }
  if (k->then && k->type != K_CHOICE) k->then(l);
}

/* The keys of map, in the schema's order (so page.size comes before the
 * margins checked against it), after checking that it has no others. */
static void read_keys(lctx *c, yaml_node_t *map, const char *where, const key_desc *keys, char *base, layout_spec *l) {
  check_keys(c, map, where, keys, NULL);
  for (const key_desc *k = keys; k->name; k++) {
    yaml_node_t *n = ydoc_map_get(c->y, map, k->name);
    if (!n) continue;
    char *path = *where ? xasprintf("%s.%s", where, k->name) : xstrdup(k->name);
    read_value(c, n, path, k, base, l);
    free(path);
  }
}

/* normalize: false switches every rule off; a mapping switches single
 * rules (normalize: {quotes: false, spaces: false}). */
static void read_normalize(lctx *c, yaml_node_t *n, layout_spec *l) {
  normalize_rules *r = &l->normalize;
  if (n->type == YAML_SCALAR_NODE) {
    const char *s = ydoc_scalar(n);
    if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) *r = normalize_rules_none();
    else if (!s || (strcmp(s, "true") && strcmp(s, "yes")))
      key_error(c, n, "'normalize' must be true, false or a mapping of rules; got '%s'", text_of(n));
    return;
  }
  if (!is_mapping(c, n, "normalize")) return;
  check_keys(c, n, "normalize", NULL, normalize_rule_names);
  for (const char *const *name = normalize_rule_names; *name; name++) {
    yaml_node_t *v = ydoc_map_get(c->y, n, *name);
    if (!v) continue;
    const char *s = ydoc_scalar(v);
    bool *flag = normalize_rule_flag(r, *name);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) *flag = true;
    else if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) *flag = false;
    else key_error(c, v, "'%s' must be true or false; got '%s'", *name, text_of(v));
  }
}

/* table_widths: a mapping of column header text to width (doc_col_width_parse). */
static void read_table_widths(lctx *c, yaml_node_t *map, layout_spec *l) {
  if (map->type != YAML_MAPPING_NODE) {
    key_error(c, map, "'table_widths' must be a mapping of column headers to widths, e.g. {序号: 3字, 备注: 30%%}");
    return;
  }
  YMAP_FOREACH(c->y, map, pair) {
    yaml_node_t *k = ydoc_node(c->y, pair->key), *v = ydoc_node(c->y, pair->value);
    const char *name = ydoc_scalar(k), *text = ydoc_scalar(v);
    col_width w;
    if (!name || !text || !doc_col_width_parse(text, &w)) {
      key_error(c, v, "table_widths: '%s' is not a column width; write N%% (of the table), Nmm, Ncm, Npt or N字",
                text ? text : "?");
      continue;
    }
    l->table_widths.names = xrealloc(l->table_widths.names, (l->table_widths.count + 1) * sizeof(char *));
    l->table_widths.widths = xrealloc(l->table_widths.widths, (l->table_widths.count + 1) * sizeof(col_width));
    l->table_widths.names[l->table_widths.count] = xstrdup(name);
    l->table_widths.widths[l->table_widths.count++] = w;
  }
}

static void set_defaults(layout_spec *l) {
  set_paper(l); /* A4 portrait */
  l->page.margins.top = l->page.margins.bottom = l->page.margins.left = l->page.margins.right = 25 * MM;
  l->cjk_latin_space = 0.25;
  l->inline_font.emphasis = xstrdup("kai");
  l->inline_font.strong = xstrdup("hei");
  l->inline_font.code = xstrdup("mono");
  l->page_number.format = xstrdup("{page}");
  l->page_number.pages = PAGES_NONE; /* page_number: turns them on */
  l->page_number.offset = 7 * MM;
  /* GB/T 9704-2012 7.4.1: the 版记's first and last rules 0.35 mm, the others 0.25 mm. */
  l->distribution_rules.outer = 0.35 * MM;
  l->distribution_rules.inner = 0.25 * MM;
  l->title_block = true;
  l->signature = true;
  l->paragraph_headings = true;
  l->document.color = (rgb){0.9, 0, 0};
  l->document.mark_top = 35 * MM;  /* GB/T 9704-2012 7.2.4 */
  l->document.rule_gap = 4 * MM;   /* GB/T 9704-2012 7.2.7 */
  l->document.rule = 0.35 * MM;
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

static void read_layout(lctx *c, yaml_node_t *root, layout_spec *l) { read_keys(c, root, "", layout_keys, (char *)l, l); }

/* ---- freeing and doc/layouts.md's table------------------------------------ */

static void free_keys(const key_desc *keys, char *base) {
  for (const key_desc *k = keys; k->name; k++) {
    if (k->type == K_STRING) {
      free(*(char **)(base + k->offset));
      *(char **)(base + k->offset) = NULL;
    } else if (k->type == K_MAP) {
      free_keys(k->keys, base);
    } else if (k->type == K_ROLES) {
      for (int r = 0; r < ROLE_COUNT; r++) free_keys(k->keys, (char *)&((role_style *)(base + k->offset))[r]);
    }
  }
}

/* pt as doc/layouts.md writes it: a whole number of pt as such, else in mm. */
static void put_pt(strbuf *sb, double pt) {
  if (pt == 0) sb_puts(sb, "0");
  else if (fabs(pt - round(pt)) < 1e-9) sb_printf(sb, "%g pt", pt);
  else sb_printf(sb, "%.4g mm", pt / MM);
}

static void put_words(strbuf *sb, const char *const *words) {
  for (int i = 0; words[i]; i++) sb_printf(sb, "%s%s", i ? ", " : "", words[i]);
}

static void put_default(strbuf *sb, const key_desc *k, const char *at) {
  switch (k->type) {
    case K_STRING: sb_puts(sb, *(char *const *)at ? *(char *const *)at : "—"); break;
    case K_BOOL: sb_puts(sb, *(const bool *)at ? "true" : "false"); break;
    case K_INT: /* below the range: not set (no grid) */
      if (*(const int *)at < k->lo) sb_puts(sb, "—");
      else sb_printf(sb, "%d", *(const int *)at);
      break;
    case K_NUMBER: sb_printf(sb, "%g", *(const double *)at); break;
    case K_PT:
      if (*(const double *)at < k->lo) sb_puts(sb, "—"); /* not set: derived (the pitch from the grid) */
      else put_pt(sb, *(const double *)at);
      break;
    case K_EM: sb_printf(sb, "%g em", *(const double *)at); break;
    case K_LENGTH: {
      const length *len = (const length *)at;
      if (len->unit == LEN_PT) put_pt(sb, len->value);
      else sb_printf(sb, "%g %s", len->value, len->unit == LEN_EM ? "em" : "line");
      break;
    }
    case K_CHOICE: {
      int i = *(const int *)at, n = 0;
      while (k->words[n]) n++;
      sb_puts(sb, i >= 0 && i < n ? k->words[i] : "—");
      break;
    }
    case K_COLOR: {
      const rgb *c = (const rgb *)at;
      sb_printf(sb, "#%02X%02X%02X", (int)lround(c->r * 255), (int)lround(c->g * 255), (int)lround(c->b * 255));
      break;
    }
    default: sb_puts(sb, k->dflt ? k->dflt : "—"); break;
  }
}

static void put_rows(strbuf *sb, const char *where, const key_desc *keys, const char *base, const layout_spec *l) {
  for (const key_desc *k = keys; k->name; k++) {
    char *path = *where ? xasprintf("%s.%s", where, k->name) : xstrdup(k->name);
    if (k->type == K_MAP) {
      put_rows(sb, path, k->keys, base, l);
      free(path);
      continue;
    }
    if (k->type == K_ROLES) {
      sb_printf(sb, "| `%s.ROLE` | mapping | ", path);
      for (int r = 0; r < ROLE_COUNT; r++) sb_printf(sb, "%s`%s`", r ? ", " : "", role_names[r]);
      sb_printf(sb, " | — | %s |\n", k->what);
      char *role = xasprintf("%s.ROLE", path);
      put_rows(sb, role, k->keys, (const char *)&((const role_style *)(base + k->offset))[ROLE_BODY], l);
      free(role);
      free(path);
      continue;
    }
    static const char *const value[] = {[K_STRING] = "text", [K_BOOL] = "true or false", [K_INT] = "whole number",
                                        [K_NUMBER] = "number", [K_PT] = "absolute length", [K_LENGTH] = "length",
                                        [K_EM] = "length in em", [K_CHOICE] = "one of", [K_COLOR] = "colour"};
    sb_printf(sb, "| `%s` | %s | ", path, k->type == K_CUSTOM ? k->value : value[k->type]);
    switch (k->type) {
      case K_STRING: sb_puts(sb, "any"); break;
      case K_BOOL: sb_puts(sb, "true, false"); break;
      case K_INT:
      case K_NUMBER: sb_printf(sb, "%g to %g", k->lo, k->hi); break;
      case K_PT:
        put_pt(sb, k->lo);
        sb_puts(sb, " to ");
        if (k->upto == UPTO_HI) put_pt(sb, k->hi);
        else sb_puts(sb, k->upto == UPTO_PAGE_W ? "the page's width" : "the page's height");
        sb_puts(sb, " (pt, mm, cm or a 字号 name)");
        break;
      case K_LENGTH:
        sb_puts(sb, "0 to ");
        put_pt(sb, k->hi);
        sb_printf(sb, ", %g em (字) or %g line (行)", k->hi_rel, k->hi_rel);
        break;
      case K_EM: sb_printf(sb, "%g to %g em", k->lo, k->hi); break;
      case K_CHOICE: put_words(sb, k->words); break;
      case K_COLOR: sb_puts(sb, "#RRGGBB, red, black"); break;
      default: sb_puts(sb, k->allowed); break;
    }
    sb_puts(sb, " | ");
    put_default(sb, k, base + k->offset);
    sb_printf(sb, " | %s |\n", k->what);
    free(path);
  }
}

char *spec_keys_markdown(void) {
  layout_spec l;
  memset(&l, 0, sizeof l);
  set_defaults(&l);
  page_number_present(&l); /* the defaults once a mapping is given */
  copy_number_present(&l);
  strbuf sb = {0};
  sb_puts(&sb, "| key | value | allowed | default | what |\n|---|---|---|---|---|\n");
  put_rows(&sb, "", layout_keys, (const char *)&l, &l);
  spec_free(&l);
  return sb_take(&sb);
}

/* Derived values: the pitch from the grid, sanity of the type area. */
static void finish_layout(lctx *c, yaml_node_t *root, layout_spec *l) {
  double area_w = l->page.width - l->page.margins.left - l->page.margins.right;
  double area_h = l->page.height - l->page.margins.top - l->page.margins.bottom;
  if (area_w < 72 || area_h < 72) {
    key_error(c, root, "the margins leave a type area under 1 inch; make them smaller");
    return;
  }
  /* The grid within the type area: characters may be set a little
   * closer than their size (GB/T 9704 puts 28 3号 characters on 156 mm,
   * 97% of their width), lines must not overlap. */
  yaml_node_t *grid = ydoc_map_get(c->y, root, "grid");
  double body = l->roles[ROLE_BODY].size;
  if (l->grid.chars_per_line > 0 && l->grid.chars_per_line * body * 0.9 > area_w) {
    char *msg = xasprintf("%d characters of %gpt need at least %.1fpt but the type area is %.1fpt wide; allowed: 1 to %d",
                          l->grid.chars_per_line, body, l->grid.chars_per_line * body * 0.9, area_w, (int)(area_w / (body * 0.9)));
    key_error(c, ydoc_map_get(c->y, grid, "chars_per_line"), "'chars_per_line': %s", msg);
    free(msg);
  }
  if (l->grid.lines_per_page > 0 && area_h / l->grid.lines_per_page < body) {
    char *msg = xasprintf("%d lines of %gpt do not fit the type area's %.1fpt; allowed: 1 to %d", l->grid.lines_per_page, body,
                          area_h, (int)(area_h / body + 0.001));
    key_error(c, ydoc_map_get(c->y, grid, "lines_per_page"), "'lines_per_page': %s", msg);
    free(msg);
  }
  for (int r = 0; r < ROLE_COUNT; r++)
    if (l->roles[r].punctuation == PUNCT_INHERIT) l->roles[r].punctuation = l->punctuation;
  if (l->grid.lines_per_page > 0) l->line_pitch = area_h / l->grid.lines_per_page;
  if (l->line_pitch <= 0) l->line_pitch = l->roles[ROLE_BODY].size * 1.6;
}

int spec_load(const char *name_or_path, const char *layouts_dir, layout_spec *out, diag_list *dl) {
  bool is_path = strchr(name_or_path, '/') || str_ends_with(name_or_path, ".yaml");
  char *path = is_path ? xstrdup(name_or_path) : xasprintf("%s/%s.yaml", layouts_dir, name_or_path);
  size_t len;
  char *text = file_read_max(path, LIMIT_SETTINGS_BYTES, &len);
  int rc;
  if (!text && errno == EFBIG) {
    memset(out, 0, sizeof *out);
    set_defaults(out);
    out->path = xstrdup(path);
    out->name = path_stem(path);
    diag_error(dl, path, 0, 0, "layout '%s' holds more than %ld MB, the most read of a layout file", name_or_path,
               LIMIT_SETTINGS_BYTES / 1048576);
    rc = -1;
  } else if (!text) {
    memset(out, 0, sizeof *out);
    set_defaults(out);
    out->path = xstrdup(path);
    out->name = path_stem(path);
    diag_error(dl, path, 0, 0, "cannot read layout '%s'; 'brief layouts' lists the installed ones", name_or_path);
    rc = -1;
  } else {
    rc = spec_parse_text(text, len, path, out, dl);
  }
  free(text);
  free(path);
  return rc;
}

int spec_parse_text(const char *text, size_t len, const char *path, layout_spec *out, diag_list *dl) {
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

void spec_free(layout_spec *l) {
  free_keys(layout_keys, (char *)l); /* every text a key holds */
  free(l->path);
  for (size_t i = 0; i < l->table_widths.count; i++) free(l->table_widths.names[i]);
  free(l->table_widths.names);
  free(l->table_widths.widths);
  memset(l, 0, sizeof *l);
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int spec_list(const char *layouts_dir, FILE *out, diag_list *dl) {
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
    if (spec_load(path, layouts_dir, &l, dl) == 0)
      fprintf(out, "%-10s %s\n", l.name, l.description ? l.description : "");
    else
      rc = -1;
    spec_free(&l);
    free(path);
  }
  str_list_free(&names);
  return rc;
}

/* {date}: as the page prints it, 2016年11月14日 (GB/T 9704-2012 7.3.5.1). */
static void put_date(strbuf *sb, const char *date) {
  char *printed = cndate_print(date);
  sb_puts(sb, printed ? printed : "");
  free(printed);
}

/* {issue}: a number goes into the template as it is (第{issue}期 → 第12期);
 * a 期号 written out (第12期, 2020年第3期) is printed as written, so the
 * template's own 第 before and 期 after the field are dropped rather than
 * doubled. Returns where the template goes on (close, or past its 期). */
static const char *put_issue(strbuf *sb, const char *issue, const char *close) {
  if (!issue) return close;
  if (strspn(issue, "0123456789") == strlen(issue)) {
    sb_puts(sb, issue);
    return close;
  }
  static const char di[] = "第", qi[] = "期";
  size_t n = sizeof di - 1;
  if (sb->len >= n && memcmp(sb->data + sb->len - n, di, n) == 0) sb->len -= n, sb->data[sb->len] = '\0';
  sb_puts(sb, issue);
  return strncmp(close + 1, qi, sizeof qi - 1) == 0 ? close + sizeof qi - 1 : close;
}

char *spec_expand(const char *tmpl, const doc_meta *meta, int page, int pages) {
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
    else if (n == 4 && !strncmp(field, "date", 4)) put_date(&sb, meta->date);
    else if (n == 5 && !strncmp(field, "issue", 5)) close = put_issue(&sb, meta->issue, close);
    else if (n == 6 && !strncmp(field, "author", 6)) sb_puts(&sb, meta->author ? meta->author : "");
    else if (n == 6 && !strncmp(field, "copies", 6)) sb_puts(&sb, meta->copies ? meta->copies : "");
    else sb_append(&sb, p, n + 2);
    p = close + 1;
  }
  return sb_take(&sb);
}
