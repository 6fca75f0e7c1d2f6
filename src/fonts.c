#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H
#include FT_ADVANCES_H
#include <hb-subset.h>
#include <hb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "yamlutil.h"

struct font_face {
  int id;
  char *path, *family;
  int index;
  /* An FT_Face is not thread-safe (FT_Load_Glyph writes its glyph slot,
   * lookups may touch its caches), yet the font_lib is shared by the
   * threads of `brief serve`. Every FreeType call on the face holds this
   * lock for its few microseconds: one face in memory, not one per thread. */
  pthread_mutex_t lock;
  FT_Face ft;
  /* The font file for subsetting, opened once: HarfBuzz faces are safe to
   * share between threads, and keep the tables they parsed (cmap, glyf
   * offsets) for the next brief instead of mapping and parsing them again. */
  hb_face_t *hb;
};

/* One family of a chain as the map names it, and what it resolved to. */
typedef struct {
  char *role, *spec;
  const font_face *face; /* NULL: not installed */
  const char *why;       /* why it was not used */
} resolution;

struct font_lib {
  FT_Library ft;
  FcConfig *fc;
  VEC(font_face *) faces;
  VEC(font_chain) chains;
  VEC(resolution) resolved;
  VEC(char *) dirs; /* folders whose font files were added to the search */
};

static font_face *load_face(font_lib *lib, const char *path, int index, const char *family,
                            const char **why) {
  for (size_t i = 0; i < lib->faces.len; i++)
    if (strcmp(lib->faces.items[i]->path, path) == 0 && lib->faces.items[i]->index == index)
      return lib->faces.items[i];
  FT_Face ft;
  if (FT_New_Face(lib->ft, path, index, &ft) != 0) {
    *why = "FreeType cannot open it";
    return NULL;
  }
  FT_ULong glyf_len = 0;
  if (FT_Load_Sfnt_Table(ft, TTAG_glyf, 0, NULL, &glyf_len) != 0 || glyf_len == 0) {
    FT_Done_Face(ft);
    *why = "no TrueType outlines (CFF/OpenType-PS fonts cannot be embedded by libharu)";
    return NULL;
  }
  FT_Select_Charmap(ft, FT_ENCODING_UNICODE);
  font_face *f = xcalloc(1, sizeof *f);
  f->id = (int)lib->faces.len;
  f->path = xstrdup(path);
  f->family = xstrdup(family);
  f->index = index;
  pthread_mutex_init(&f->lock, NULL);
  f->ft = ft;
  hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
  f->hb = blob ? hb_face_create(blob, (unsigned)index) : NULL;
  hb_blob_destroy(blob);
  VEC_PUSH(lib->faces, f);
  return f;
}

static const char *pattern_file(FcPattern *p) {
  FcChar8 *file = NULL;
  FcPatternGetString(p, FC_FILE, 0, &file);
  return file ? (const char *)file : "";
}

/* Finds the installed face for a fontconfig pattern such as "LXGW WenKai"
 * or "LXGW WenKai:weight=bold": the family must match, not a substitute. */
static const font_face *resolve_spec(font_lib *lib, const char *spec, const char **why) {
  FcPattern *pat = FcNameParse((const FcChar8 *)spec);
  if (!pat) {
    *why = "not a valid font name";
    return NULL;
  }
  FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_WEIGHT, FC_SLANT, FC_FAMILY, NULL);
  FcFontSet *set = FcFontList(lib->fc, pat, os);
  int wanted = FC_WEIGHT_REGULAR, w;
  bool weight_given = FcPatternGetInteger(pat, FC_WEIGHT, 0, &wanted) == FcResultMatch;
  FcPattern *best = NULL;
  int best_score = 1 << 30;
  for (int i = 0; set && i < set->nfont; i++) {
    FcPattern *p = set->fonts[i];
    int slant = 0;
    FcPatternGetInteger(p, FC_SLANT, 0, &slant);
    if (FcPatternGetInteger(p, FC_WEIGHT, 0, &w) != FcResultMatch) w = FC_WEIGHT_REGULAR;
    int score = abs(w - (weight_given ? wanted : FC_WEIGHT_REGULAR)) + (slant ? 1000 : 0);
    /* Ties go to the earlier file name, so the choice never depends on cache order. */
    if (score < best_score ||
        (score == best_score && strcmp(pattern_file(p), pattern_file(best)) < 0)) {
      best = p;
      best_score = score;
    }
  }
  const font_face *face = NULL;
  *why = "not installed";
  if (best) {
    FcChar8 *file = NULL, *family = NULL;
    int index = 0;
    FcPatternGetString(best, FC_FILE, 0, &file);
    FcPatternGetInteger(best, FC_INDEX, 0, &index);
    FcPatternGetString(pat, FC_FAMILY, 0, &family);
    if (file) face = load_face(lib, (const char *)file, index, family ? (const char *)family : spec, why);
  }
  if (set) FcFontSetDestroy(set);
  FcObjectSetDestroy(os);
  FcPatternDestroy(pat);
  return face;
}

static void add_chain(font_lib *lib, ydoc *y, const char *role, yaml_node_t *list) {
  font_chain chain = {xstrdup(role), NULL, 0};
  size_t cap = 0;
  YSEQ_FOREACH(y, list, item) {
    const char *spec = yscalar(ydoc_node(y, *item));
    if (!spec) continue;
    const char *why = NULL;
    const font_face *face = resolve_spec(lib, spec, &why);
    resolution r = {xstrdup(role), xstrdup(spec), face, why};
    VEC_PUSH(lib->resolved, r);
    if (!face) continue;
    bool dup = false;
    for (size_t i = 0; i < chain.len; i++) dup |= chain.faces[i] == face;
    if (dup) continue;
    if (chain.len == cap) {
      cap = cap ? cap * 2 : 4;
      chain.faces = xrealloc(chain.faces, cap * sizeof *chain.faces);
    }
    chain.faces[chain.len++] = face;
  }
  VEC_PUSH(lib->chains, chain);
}

static int read_font_map(font_lib *lib, const char *fonts_dir, diag_list *dl) {
  char *path = path_join(fonts_dir, "fontmap.yaml");
  size_t len;
  char *text = read_file(path, &len);
  if (!text) {
    diag_error(dl, path, 0, 0, "cannot read the font map; it names a chain of font families per role");
    free(path);
    return -1;
  }
  ydoc y;
  int rc = ydoc_load(&y, text, len, path, 0, dl);
  yaml_node_t *root = rc == 0 ? ydoc_root(&y) : NULL;
  if (rc == 0 && (!root || root->type != YAML_MAPPING_NODE)) {
    diag_error(dl, path, 1, 1, "the font map must map roles to lists of families, e.g. 'hei: [WenQuanYi Zen Hei]'");
    rc = -1;
  }
  if (rc == 0) {
    YMAP_FOREACH(&y, root, pair) {
      const char *role = yscalar(ydoc_node(&y, pair->key));
      yaml_node_t *list = ydoc_node(&y, pair->value);
      if (!role || list->type != YAML_SEQUENCE_NODE) {
        diag_error(dl, path, yline(&y, list), ycol(list), "role '%s' must map to a list of families",
                   role ? role : "?");
        rc = -1;
        continue;
      }
      add_chain(lib, &y, role, list);
    }
  }
  if (y.loaded) ydoc_free(&y);
  free(text);
  free(path);
  return rc;
}

font_lib *font_lib_new(const char *fonts_dir, diag_list *dl) { return font_lib_new_in(fonts_dir, NULL, 0, dl); }

/* Font files of a folder join the search; a missing folder is skipped. */
static void add_font_dir(font_lib *lib, const char *dir) {
  FcConfigAppFontAddDir(lib->fc, (const FcChar8 *)dir);
  VEC_PUSH(lib->dirs, xstrdup(dir));
}

font_lib *font_lib_new_in(const char *fonts_dir, const char *const *extra_dirs, size_t n, diag_list *dl) {
  font_lib *lib = xcalloc(1, sizeof *lib);
  if (FT_Init_FreeType(&lib->ft) != 0) {
    diag_error(dl, NULL, 0, 0, "FreeType failed to start");
    free(lib);
    return NULL;
  }
  lib->fc = FcInitLoadConfigAndFonts();
  if (!lib->fc) {
    diag_error(dl, NULL, 0, 0, "fontconfig failed to start; is the fontconfig package installed?");
    font_lib_free(lib);
    return NULL;
  }
  add_font_dir(lib, fonts_dir);
  for (size_t i = 0; i < n; i++) add_font_dir(lib, extra_dirs[i]);
  if (read_font_map(lib, fonts_dir, dl) != 0) {
    font_lib_free(lib);
    return NULL;
  }
  return lib;
}

void font_lib_free(font_lib *lib) {
  if (!lib) return;
  for (size_t i = 0; i < lib->faces.len; i++) {
    font_face *f = lib->faces.items[i];
    FT_Done_Face(f->ft);
    hb_face_destroy(f->hb);
    pthread_mutex_destroy(&f->lock);
    free(f->path);
    free(f->family);
    free(f);
  }
  VEC_FREE(lib->faces);
  for (size_t i = 0; i < lib->chains.len; i++) {
    free(lib->chains.items[i].role);
    free(lib->chains.items[i].faces);
  }
  VEC_FREE(lib->chains);
  for (size_t i = 0; i < lib->resolved.len; i++) {
    free(lib->resolved.items[i].role);
    free(lib->resolved.items[i].spec);
  }
  VEC_FREE(lib->resolved);
  for (size_t i = 0; i < lib->dirs.len; i++) free(lib->dirs.items[i]);
  VEC_FREE(lib->dirs);
  if (lib->fc) FcConfigDestroy(lib->fc);
  if (lib->ft) FT_Done_FreeType(lib->ft);
  free(lib);
}

const font_chain *font_lib_role(const font_lib *lib, const char *role, diag_list *dl) {
  for (size_t i = 0; i < lib->chains.len; i++) {
    const font_chain *c = &lib->chains.items[i];
    if (strcmp(c->role, role) != 0) continue;
    if (c->len > 0) return c;
    if (dl) diag_error(dl, NULL, 0, 0, "no font of role '%s' is installed; run 'brief fonts' and install one of its families", role);
    return NULL;
  }
  if (dl) diag_error(dl, NULL, 0, 0, "the font map has no role '%s'; add it to fonts/fontmap.yaml", role);
  return NULL;
}

const font_face *font_chain_find(const font_chain *c, uint32_t cp) {
  for (size_t i = 0; i < c->len; i++)
    if (font_face_has(c->faces[i], cp)) return c->faces[i];
  return NULL;
}

/* The face's lock, taken around every FreeType call (see struct font_face). */
static FT_Face lock_face(const font_face *f) {
  pthread_mutex_lock(&((font_face *)f)->lock);
  return f->ft;
}

static void unlock_face(const font_face *f) { pthread_mutex_unlock(&((font_face *)f)->lock); }

bool font_face_has(const font_face *f, uint32_t cp) {
  FT_UInt gid = FT_Get_Char_Index(lock_face(f), cp);
  unlock_face(f);
  return gid != 0;
}

double font_face_advance(const font_face *f, uint32_t cp) {
  FT_Fixed adv = 0;
  FT_Face ft = lock_face(f);
  FT_UInt gid = FT_Get_Char_Index(ft, cp);
  FT_Get_Advance(ft, gid, FT_LOAD_NO_SCALE, &adv);
  unlock_face(f);
  return (double)adv / ft->units_per_EM;
}

void font_face_blanks(const font_face *f, uint32_t cp, double *left, double *right) {
  *left = *right = 0;
  FT_Face ft = lock_face(f);
  FT_UInt gid = FT_Get_Char_Index(ft, cp);
  if (gid && FT_Load_Glyph(ft, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) == 0) {
    const FT_Glyph_Metrics *m = &ft->glyph->metrics;
    double em = ft->units_per_EM;
    *left = m->horiBearingX / em;
    *right = (m->horiAdvance - m->horiBearingX - m->width) / em;
  }
  unlock_face(f);
  if (*left < 0) *left = 0;
  if (*right < 0) *right = 0;
}

const char *font_face_path(const font_face *f) { return f->path; }
const char *font_face_family(const font_face *f) { return f->family; }
int font_face_id(const font_face *f) { return f->id; }
size_t font_lib_face_count(const font_lib *lib) { return lib->faces.len; }
const font_face *font_lib_face(const font_lib *lib, size_t id) { return lib->faces.items[id]; }

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static uint32_t sfnt_checksum(const unsigned char *p, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i < len; i += 4) {
    unsigned char word[4] = {0};
    memcpy(word, p + i, len - i < 4 ? len - i : 4);
    sum += be32(word);
  }
  return sum;
}

/* libharu takes the PDF's default glyph width (/DW) from glyph 0, the
 * never-printed .notdef, and lists every other width in /W. Giving .notdef
 * the width of an ideograph (one em) leaves /W with only the exceptions,
 * which saves several kilobytes per Chinese font. Checksums are kept valid. */
static void set_notdef_width_to_em(unsigned char *font, size_t len) {
  if (len < 12) return;
  unsigned ntables = (unsigned)(font[4] << 8 | font[5]);
  unsigned char *hmtx_entry = NULL, *head = NULL, *hhea = NULL;
  for (unsigned i = 0; i < ntables && 12 + 16 * (i + 1) <= len; i++) {
    unsigned char *e = font + 12 + 16 * i;
    uint32_t off = be32(e + 8), size = be32(e + 12);
    if (off + size > len) return;
    if (!memcmp(e, "hmtx", 4) && size >= 4) hmtx_entry = e;
    if (!memcmp(e, "head", 4) && size >= 54) head = font + off;
    if (!memcmp(e, "hhea", 4) && size >= 36) hhea = font + off;
  }
  /* With a single horizontal metric (monospaced fonts) every glyph shares
   * glyph 0's advance: leave such fonts alone. */
  if (!hmtx_entry || !head || !hhea || (hhea[34] << 8 | hhea[35]) < 2) return;
  unsigned char *hmtx = font + be32(hmtx_entry + 8);
  hmtx[0] = head[18], hmtx[1] = head[19]; /* advance of glyph 0 = unitsPerEm */
  put_be32(hmtx_entry + 4, sfnt_checksum(hmtx, be32(hmtx_entry + 12)));
  put_be32(head + 8, 0);
  put_be32(head + 8, 0xB1B0AFBAu - sfnt_checksum(font, len));
}

static const char *const dropped_tables[] = {"GSUB", "GPOS", "GDEF", "EBDT", "EBLC", "EBSC", "vhea",
                                             "vmtx", "VORG", "BASE", "JSTF", "kern", "hdmx", "LTSH",
                                             "VDMX", "gasp", "DSIG", "morx", "feat", "meta"};

int font_face_subset(const font_face *f, const uint32_t *cps, size_t n, char **data, size_t *len,
                     diag_list *dl) {
  if (!f->hb) {
    diag_error(dl, f->path, 0, 0, "cannot read the font file");
    return -1;
  }
  hb_face_t *face = hb_face_reference(f->hb);
  hb_subset_input_t *input = hb_subset_input_create_or_fail();
  hb_set_t *unicodes = hb_subset_input_unicode_set(input);
  for (size_t i = 0; i < n; i++) hb_set_add(unicodes, cps[i]);
  hb_set_t *drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (size_t i = 0; i < sizeof dropped_tables / sizeof *dropped_tables; i++)
    hb_set_add(drop, hb_tag_from_string(dropped_tables[i], 4));
  hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING);
  hb_face_t *sub = hb_subset_or_fail(face, input);
  hb_subset_input_destroy(input);
  hb_face_destroy(face);
  if (!sub) {
    diag_error(dl, f->path, 0, 0, "HarfBuzz could not subset this font");
    return -1;
  }
  hb_blob_t *out = hb_face_reference_blob(sub);
  unsigned size = 0;
  const char *bytes = hb_blob_get_data(out, &size);
  *data = xmalloc(size);
  memcpy(*data, bytes, size);
  *len = size;
  set_notdef_width_to_em((unsigned char *)*data, size);
  hb_blob_destroy(out);
  hb_face_destroy(sub);
  return 0;
}

void font_lib_report(const font_lib *lib, FILE *out) {
  fputs("font folders (font files found there join the search):\n", out);
  for (size_t i = 0; i < lib->dirs.len; i++) fprintf(out, "  %s\n", lib->dirs.items[i]);
  const char *role = NULL;
  for (size_t i = 0; i < lib->resolved.len; i++) {
    const resolution *r = &lib->resolved.items[i];
    if (!role || strcmp(role, r->role) != 0) fprintf(out, "%s:\n", r->role);
    role = r->role;
    if (r->face)
      fprintf(out, "  %-28s %s (face %d)\n", r->spec, r->face->path, r->face->index);
    else
      fprintf(out, "  %-28s -- %s\n", r->spec, r->why);
  }
}
