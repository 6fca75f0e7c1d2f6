#include "fonts.h"
#include "cff_cids.h"
#include "glyf_sparse.h"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_TRUETYPE_TABLES_H
#include FT_TRUETYPE_TAGS_H
#include FT_ADVANCES_H
#include FT_CID_H
#include <hb-subset.h>
#include <hb.h>
#include <hb-ot.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "util.h"
#include "yamlutil.h"

/* The full-width marks whose blank sides are read from the font. */
static const uint32_t punct_marks[] = {
    0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, /* ，。、；：？！ */
    0xFF09, 0x3011, 0x300B, 0x3009, 0x300D, 0x300F, 0x3015, 0x3017, 0x201D, 0x2019, /* ）】》〉」』〕〗”’ */
    0xFF08, 0x3010, 0x300A, 0x3008, 0x300C, 0x300E, 0x3014, 0x3016, 0x201C, 0x2018, /* （【《〈「『〔〖“‘ */
};
#define NPUNCT (sizeof punct_marks / sizeof *punct_marks)

/* Marks whose Chinese form may be a glyph the cmap does not reach: Noto
 * Serif CJK SC maps U+2014 to a proportional dash and gives the full-width one
 * only through its GSUB (as a shaper for zh-Hans would). */
static const uint32_t variant_marks[] = {0x2014, 0x2026, 0x2E3A, 0x00B7, 0x2018, 0x2019, 0x201C, 0x201D};
#define NVARIANT (sizeof variant_marks / sizeof *variant_marks)

struct font_face {
  int id;
  font_lib *lib;   /* its library: FT_Library and the lock for opening faces */
  bool opened;     /* the file was mapped and parsed (open_face), whether or not it worked */
  char *path, *family;
  int index;
  bool cff; /* CID-keyed CFF outlines (Noto CJK's .ttc), else TrueType (glyf) */
  /* CFF faces: the glyphs subset so far, to assemble the next subsets from
   * (cff_store_subset); store_failed: the store cannot serve this face. */
  pthread_mutex_t store_lock;
  cff_store *store;
  bool store_failed;
  /* An FT_Face is not thread-safe (FT_Load_Glyph writes its glyph slot,
   * lookups may touch its caches), yet the font_lib is shared by the
   * threads of `brief serve`. Every FreeType call made after loading holds
   * this lock for its few microseconds: one face in memory, not one per thread. */
  pthread_mutex_t lock;
  hb_blob_t *blob; /* the file, mapped once (hb_blob_create_from_file mmaps it) */
  hb_face_t *hb;   /* HarfBuzz's view of it: blanks from GPOS, subsetting */
  FT_Face ft;      /* FreeType's view of the same bytes: cmap, advances, ink boxes (TrueType) */
  /* A CFF face is read through HarfBuzz alone: FreeType's CFF driver
   * parses the whole 65,535-glyph charset, FDSelect and subroutine INDEXes
   * of a Noto CJK face when it opens it (1–2 ms a face, more than the rest
   * of the face's work in a render); HarfBuzz reads them lazily. */
  hb_font_t *font; /* CFF faces: cmap, advances, ink boxes */
  float blank_left[NPUNCT], blank_right[NPUNCT]; /* ems, by punct_marks index */
  bool blank_from_gpos;
  unsigned variant_gid[NVARIANT]; /* the glyph shaping gives, when not the cmap's; else 0 */
  float variant_adv[NVARIANT];
  uint32_t variant_alias[NVARIANT]; /* a character the cmap maps to that glyph, or 0 */
  bool shaped; /* the blanks and variants above are read (ensure_shaped) */
  /* Subsets made of this face so far (plan_sparse): what the process has
   * read of its file stays mapped, so only the first reads it with pread. */
  atomic_uint subsets;
};

/* One family of a chain as the map names it, and what it resolved to. */
typedef struct {
  char *role, *spec;
  const font_face *face; /* NULL: not installed */
  const char *why;       /* why it was not used */
} resolution;

struct font_lib {
  FT_Library ft;
  FcFontSet *listed; /* every font fontconfig knows, listed once (listed_fonts) */
  struct listed_font { FcPattern *p; const FcChar8 *family[8]; int nfamily; double wmin, wmax; } *fonts; /* its names */
  pthread_mutex_t open_lock; /* FT_New_Memory_Face changes the library: one face opens at a time */
  FcConfig *fc;
  VEC(char *) dirs; /* the folders searched (font_dirs, then the caller's), for `brief fonts` */
  VEC(font_face *) faces;
  VEC(font_chain) chains;
  VEC(resolution) resolved;
};

/* The face's reading of its own font, TrueType through FreeType and CFF
 * through HarfBuzz (the face open, its lock held). The glyph of cp in the
 * cmap, 0 when none: */
static unsigned cmap_glyph(const font_face *f, uint32_t cp) {
  hb_codepoint_t g = 0;
  if (f->font) return hb_font_get_nominal_glyph(f->font, cp, &g) ? g : 0;
  return f->ft ? FT_Get_Char_Index(f->ft, cp) : 0;
}

static double units_per_em(const font_face *f) {
  return f->font ? hb_face_get_upem(f->hb) : f->ft ? f->ft->units_per_EM : 1;
}

/* A glyph's advance in font units (hmtx). */
static long advance_units(const font_face *f, unsigned gid) {
  if (f->font) return hb_font_get_glyph_h_advance(f->font, gid);
  FT_Fixed adv = 0;
  if (f->ft) FT_Get_Advance(f->ft, gid, FT_LOAD_NO_SCALE, &adv);
  return adv;
}

/* Blank space left and right of a glyph's ink, in ems. */
static void ink_blanks(const font_face *f, uint32_t cp, float *left, float *right) {
  *left = *right = 0;
  unsigned gid = cmap_glyph(f, cp);
  double em = units_per_em(f), bearing, width, advance;
  if (!gid) return;
  if (f->font) {
    hb_glyph_extents_t x;
    if (!hb_font_get_glyph_extents(f->font, gid, &x)) return;
    bearing = x.x_bearing, width = x.width, advance = hb_font_get_glyph_h_advance(f->font, gid);
  } else {
    if (FT_Load_Glyph(f->ft, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) != 0) return;
    const FT_Glyph_Metrics *m = &f->ft->glyph->metrics;
    bearing = m->horiBearingX, width = m->width, advance = m->horiAdvance;
  }
  *left = (float)fmax(0, bearing / em);
  *right = (float)fmax(0, (advance - bearing - width) / em);
}

/* Which side of each full-width mark is blank, and how much, as the font
 * itself says: the GPOS 'halt' (alternate half widths) feature gives the
 * amount to take off and where (an opening mark moves left, a closing one
 * loses its right half); clreq #h-punctuation_adjustment_space. A font
 * without 'halt' for a mark falls back to the glyph's ink box. Read the
 * first time a face is asked (ensure_shaped), under the face's lock. */
static void read_blanks(font_face *f) {
  hb_font_t *font = f->font ? hb_font_reference(f->font) : hb_font_create(f->hb);
  hb_buffer_t *buf = hb_buffer_create();
  hb_feature_t halt = {HB_TAG('h', 'a', 'l', 't'), 1, 0, (unsigned)-1};
  double em = units_per_em(f);
  int from_gpos = 0;
  for (size_t i = 0; i < NPUNCT; i++) {
    ink_blanks(f, punct_marks[i], &f->blank_left[i], &f->blank_right[i]);
    if (!cmap_glyph(f, punct_marks[i])) continue;
    hb_position_t adv[2] = {0, 0}, off = 0;
    for (int with = 0; with < 2; with++) {
      hb_buffer_clear_contents(buf);
      hb_buffer_add_codepoints(buf, &punct_marks[i], 1, 0, 1);
      hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
      hb_buffer_set_script(buf, HB_SCRIPT_HAN);
      hb_buffer_set_language(buf, hb_language_from_string("zh-Hans", -1));
      hb_shape(font, buf, with ? &halt : NULL, with ? 1 : 0);
      hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
      adv[with] = pos[0].x_advance;
      if (with) off = pos[0].x_offset;
    }
    if (adv[1] >= adv[0]) continue; /* no 'halt' for this mark */
    f->blank_left[i] = (float)(-off / em);
    f->blank_right[i] = (float)((adv[0] - adv[1] + off) / em);
    from_gpos++;
  }
  f->blank_from_gpos = from_gpos > 0;
  for (size_t i = 0; i < NVARIANT; i++) {
    hb_codepoint_t cmap_gid = cmap_glyph(f, variant_marks[i]);
    if (!cmap_gid) continue;
    hb_buffer_clear_contents(buf);
    hb_buffer_add_codepoints(buf, &variant_marks[i], 1, 0, 1);
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_script(buf, HB_SCRIPT_HAN);
    hb_buffer_set_language(buf, hb_language_from_string("zh-Hans", -1));
    hb_shape(font, buf, NULL, 0);
    unsigned len = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &len);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
    if (len != 1 || info[0].codepoint == cmap_gid || !info[0].codepoint) continue;
    f->variant_gid[i] = info[0].codepoint;
    f->variant_adv[i] = (float)(pos[0].x_advance / em);
    /* Subsetting by characters is much cheaper than by glyphs (HarfBuzz
     * then walks the whole 30,000-entry cmap): look for a punctuation
     * character the cmap maps to the variant (Noto's full-em dash is U+2015's). */
    static const uint32_t blocks[][2] = {{0x2000, 0x206F}, {0x2E00, 0x2E7F}, {0x3000, 0x303F}, {0xFE30, 0xFE4F}, {0xFF00, 0xFFEF}};
    for (size_t b = 0; b < 5 && !f->variant_alias[i]; b++)
      for (uint32_t cp = blocks[b][0]; cp <= blocks[b][1]; cp++)
        if (cmap_glyph(f, cp) == info[0].codepoint) {
          f->variant_alias[i] = cp;
          break;
        }
  }
  hb_buffer_destroy(buf);
  hb_font_destroy(font);
}

/* Maps and parses a face's file the first time it is asked anything
 * (with its lock held): the font map names eleven faces, most of them
 * fallbacks that a brief never reaches. One mapping of the file serves
 * FreeType and HarfBuzz: a 15 MB font is neither read nor parsed twice,
 * and a batch shares it. A file that cannot be opened leaves the face
 * empty (it has no characters) and says so once on stderr. */
static void open_face(font_face *f) {
  if (f->opened) return;
  f->opened = true;
  hb_blob_t *blob = hb_blob_create_from_file_or_fail(f->path);
  hb_face_t *hb = blob ? hb_face_create(blob, (unsigned)f->index) : NULL;
  /* TrueType outlines (glyf), read with FreeType, or CID-keyed CFF ones,
   * read with HarfBuzz (a PDF shows those by CID, which cff_cids.c sets; a
   * name-keyed CFF font would need its glyphs renumbered as CIDs too, and
   * no font of the map is one). */
  hb_blob_t *glyf = hb ? hb_face_reference_table(hb, HB_TAG('g', 'l', 'y', 'f')) : NULL;
  hb_blob_t *cff = hb ? hb_face_reference_table(hb, HB_TAG('C', 'F', 'F', ' ')) : NULL;
  bool truetype = glyf && hb_blob_get_length(glyf) > 0, is_cff = false;
  if (!truetype && cff) {
    unsigned len = 0;
    const unsigned char *c = (const unsigned char *)hb_blob_get_data(cff, &len);
    is_cff = c && cff_is_cid_keyed(c, len) && hb_face_get_glyph_count(hb) > 0;
  }
  hb_blob_destroy(glyf);
  hb_blob_destroy(cff);
  FT_Face ft = NULL;
  int err = !truetype && !is_cff;
  if (truetype) {
    unsigned size = 0;
    const char *bytes = hb_blob_get_data(blob, &size);
    pthread_mutex_lock(&f->lib->open_lock);
    err = FT_New_Memory_Face(f->lib->ft, (const FT_Byte *)bytes, (FT_Long)size, f->index, &ft);
    pthread_mutex_unlock(&f->lib->open_lock);
  }
  if (err) {
    hb_face_destroy(hb);
    hb_blob_destroy(blob);
    fprintf(stderr, "brief: warning: %s: cannot open this font as TrueType or CID-keyed CFF; its family is skipped\n",
            f->path);
    return;
  }
  if (ft) FT_Select_Charmap(ft, FT_ENCODING_UNICODE);
  f->cff = is_cff;
  f->blob = blob;
  f->hb = hb;
  hb_face_make_immutable(f->hb);
  f->ft = ft;
  if (is_cff) {
    f->font = hb_font_create(f->hb);
    hb_font_make_immutable(f->font);
  }
}

static font_face *load_face(font_lib *lib, const char *path, int index, const char *family) {
  for (size_t i = 0; i < lib->faces.len; i++)
    if (strcmp(lib->faces.items[i]->path, path) == 0 && lib->faces.items[i]->index == index)
      return lib->faces.items[i];
  font_face *f = xcalloc(1, sizeof *f);
  f->id = (int)lib->faces.len;
  f->lib = lib;
  f->path = xstrdup(path);
  f->family = xstrdup(family);
  f->index = index;
  pthread_mutex_init(&f->lock, NULL);
  pthread_mutex_init(&f->store_lock, NULL);
  VEC_PUSH(lib->faces, f);
  return f;
}

/* Shaping every mark of every face of the font map when it is loaded was
 * a tenth of a render, for faces that are mostly fallbacks never printed
 * with: a face reads its blanks and variants the first time it is asked.
 * Afterwards they are only read, without the lock. */
static const font_face *ensure_shaped(const font_face *cf) {
  font_face *f = (font_face *)cf;
  if (__atomic_load_n(&f->shaped, __ATOMIC_ACQUIRE)) return f;
  pthread_mutex_lock(&f->lock);
  if (!f->shaped) {
    open_face(f);
    if (f->ft || f->font) read_blanks(f);
    __atomic_store_n(&f->shaped, true, __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&f->lock);
  return f;
}

static const char *pattern_file(FcPattern *p) {
  FcChar8 *file = NULL;
  FcPatternGetString(p, FC_FILE, 0, &file);
  return file ? (const char *)file : "";
}

/* Every font fontconfig knows, with what resolve_spec compares: one
 * FcFontList for the font map's forty-odd families instead of one each
 * (each walks every installed font: a tenth of a render). */
static FcFontSet *listed_fonts(font_lib *lib) {
  if (!lib->listed) {
    FcPattern *all = FcPatternCreate();
    FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, FC_WEIGHT, FC_SLANT, FC_FAMILY, FC_FONTFORMAT, NULL);
    lib->listed = all && os ? FcFontList(lib->fc, all, os) : NULL;
    if (os) FcObjectSetDestroy(os);
    if (all) FcPatternDestroy(all);
    int n = lib->listed ? lib->listed->nfont : 0;
    lib->fonts = xcalloc((size_t)n + 1, sizeof *lib->fonts);
    for (int i = 0; i < n; i++) {
      struct listed_font *f = &lib->fonts[i];
      f->p = lib->listed->fonts[i];
      FcChar8 *name;
      while (f->nfamily < 8 && FcPatternGetString(f->p, FC_FAMILY, f->nfamily, &name) == FcResultMatch)
        f->family[f->nfamily++] = name;
      int w;
      FcRange *r;
      f->wmin = f->wmax = -1;
      if (FcPatternGetInteger(f->p, FC_WEIGHT, 0, &w) == FcResultMatch) f->wmin = f->wmax = w;
      else if (FcPatternGetRange(f->p, FC_WEIGHT, 0, &r) == FcResultMatch) FcRangeGetDouble(r, &f->wmin, &f->wmax);
    }
  }
  return lib->listed;
}

/* Family names equal ignoring ASCII case and blanks (as fontconfig
 * compares families when it lists them). */
static bool same_family(const FcChar8 *a, const FcChar8 *b) {
  for (;;) {
    while (*a == ' ') a++;
    while (*b == ' ') b++;
    int ca = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a, cb = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
    if (ca != cb) return false;
    if (!ca) return true;
    a++, b++;
  }
}

/* What FcFontList(pattern) would list: a font one of whose family names
 * equals the pattern's, ignoring case and blanks, and of the pattern's
 * weight when it gives one (fontconfig's FcOpListing comparison). */
static bool font_listed_for(const struct listed_font *font, const FcChar8 *family, bool weight_given, int wanted) {
  bool named = false;
  for (int k = 0; !named && k < font->nfamily; k++) named = same_family(font->family[k], family);
  return named && (!weight_given || (font->wmin <= wanted && wanted <= font->wmax)); /* a variable font: its range */
}

/* Finds the installed face for a fontconfig pattern such as "LXGW WenKai"
 * or "LXGW WenKai:weight=bold": the family must match, not a substitute. */
static const font_face *resolve_spec(font_lib *lib, const char *spec, const char **why) {
  FcPattern *pat = FcNameParse((const FcChar8 *)spec);
  FcChar8 *family = NULL;
  if (!pat || FcPatternGetString(pat, FC_FAMILY, 0, &family) != FcResultMatch) {
    if (pat) FcPatternDestroy(pat);
    *why = "not a valid font name";
    return NULL;
  }
  int wanted = FC_WEIGHT_REGULAR, w;
  bool weight_given = FcPatternGetInteger(pat, FC_WEIGHT, 0, &wanted) == FcResultMatch;
  /* A pattern with more than a family and a weight is fontconfig's to list. */
  bool simple = FcPatternObjectCount(pat) <= 1 + (int)weight_given;
  FcObjectSet *os = simple ? NULL : FcObjectSetBuild(FC_FILE, FC_INDEX, FC_WEIGHT, FC_SLANT, FC_FAMILY, FC_FONTFORMAT, NULL);
  FcFontSet *own = simple ? NULL : FcFontList(lib->fc, pat, os);
  FcFontSet *set = simple ? listed_fonts(lib) : own;
  FcPattern *best = NULL;
  int best_score = 1 << 30;
  for (int i = 0; set && i < set->nfont; i++) {
    FcPattern *p = set->fonts[i];
    if (simple && !font_listed_for(&lib->fonts[i], family, weight_given, wanted)) continue;
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
    FcChar8 *file = NULL, *format = NULL;
    int index = 0;
    FcPatternGetString(best, FC_FILE, 0, &file);
    FcPatternGetInteger(best, FC_INDEX, 0, &index);
    FcPatternGetString(best, FC_FONTFORMAT, 0, &format);
    if (format && strcmp((const char *)format, "TrueType") != 0 && strcmp((const char *)format, "CFF") != 0)
      *why = "neither TrueType nor CFF outlines (a Type 1 or bitmap font)";
    else if (file)
      face = load_face(lib, (const char *)file, index, (const char *)family);
  }
  if (own) FcFontSetDestroy(own);
  if (os) FcObjectSetDestroy(os);
  FcPatternDestroy(pat);
  return face;
}

static void add_chain(font_lib *lib, ydoc *y, const char *role, yaml_node_t *list) {
  font_chain chain = {xstrdup(role), NULL, 0};
  size_t cap = 0;
  YSEQ_FOREACH(y, list, item) {
    const char *spec = ydoc_scalar(ydoc_node(y, *item));
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
  char *text = file_read(path, &len);
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
      const char *role = ydoc_scalar(ydoc_node(&y, pair->key));
      yaml_node_t *list = ydoc_node(&y, pair->value);
      if (!role || list->type != YAML_SEQUENCE_NODE) {
        diag_error(dl, path, ydoc_line(&y, list), ydoc_col(list), "role '%s' must map to a list of families",
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

/* The folders whose font files are searched besides the system's, in this
 * order (the first folder that has a family wins a tie): the data folder's
 * fonts/ (licensed GB fonts dropped there), then where
 * scripts/install-deps.sh puts the free mainland fonts: $BRIEF_FONT_DIR,
 * else $XDG_DATA_HOME/brief/fonts (~/.local/share/brief/fonts), then the
 * system-wide data folders. An install step extends this list. Returns the
 * number of paths written to dirs (each malloc'd). */
static void add_dir(font_lib *lib, char *dir) { /* takes dir; a folder listed twice is added once */
  for (size_t i = 0; i < lib->dirs.len; i++)
    if (strcmp(lib->dirs.items[i], dir) == 0) {
      free(dir);
      return;
    }
  VEC_PUSH(lib->dirs, dir);
}

static void font_dirs(font_lib *lib, const char *fonts_dir) {
  add_dir(lib, xstrdup(fonts_dir));
  const char *env = getenv("BRIEF_FONT_DIR"), *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
  if (env && *env) add_dir(lib, xstrdup(env));
  else if (xdg && *xdg) add_dir(lib, path_join(xdg, "brief/fonts"));
  else if (home && *home) add_dir(lib, path_join(home, ".local/share/brief/fonts"));
  add_dir(lib, xstrdup("/usr/local/share/brief/fonts"));
  add_dir(lib, xstrdup("/usr/share/brief/fonts"));
}

/* fontconfig with the font folders and caches of its default fonts.conf
 * (fonts-conf(5)) and the machine's local.conf, but not the fifty-odd
 * files of /etc/fonts/conf.d: those are matching and substitution rules
 * for FcFontMatch, which brief never calls (a family either is installed
 * or is skipped, see resolve_spec), and parsing them was a fifth of a
 * render's instructions. A user who points FONTCONFIG_FILE or
 * FONTCONFIG_PATH somewhere gets that whole configuration instead. */
static const char fontconfig_xml[] =
    "<?xml version=\"1.0\"?><!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\"><fontconfig>"
    "<dir>/usr/share/fonts</dir><dir>/usr/local/share/fonts</dir>"
    "<dir prefix=\"xdg\">fonts</dir><dir>~/.fonts</dir>"
    "<include ignore_missing=\"yes\">/etc/fonts/local.conf</include>"
    "<cachedir>/var/cache/fontconfig</cachedir><cachedir prefix=\"xdg\">fontconfig</cachedir>"
    "<cachedir>~/.fontconfig</cachedir></fontconfig>";

static FcConfig *start_fontconfig(void) {
  const char *file = getenv("FONTCONFIG_FILE"), *path = getenv("FONTCONFIG_PATH");
  if ((file && *file) || (path && *path)) return FcInitLoadConfigAndFonts();
  FcConfig *fc = FcConfigCreate();
  if (!fc) return NULL;
  if (!FcConfigParseAndLoadFromMemory(fc, (const FcChar8 *)fontconfig_xml, FcTrue) || !FcConfigBuildFonts(fc)) {
    FcConfigDestroy(fc);
    return FcInitLoadConfigAndFonts();
  }
  return fc;
}

font_lib *font_lib_new(const char *fonts_dir, diag_list *dl) { return font_lib_new_in(fonts_dir, NULL, 0, dl); }

font_lib *font_lib_new_in(const char *fonts_dir, const char *const *extra_dirs, size_t n, diag_list *dl) {
  font_lib *lib = xcalloc(1, sizeof *lib);
  pthread_mutex_init(&lib->open_lock, NULL);
  if (FT_Init_FreeType(&lib->ft) != 0) {
    diag_error(dl, NULL, 0, 0, "FreeType failed to start");
    free(lib);
    return NULL;
  }
  lib->fc = start_fontconfig();
  if (!lib->fc) {
    diag_error(dl, NULL, 0, 0, "fontconfig failed to start; is the fontconfig package installed?");
    font_lib_free(lib);
    return NULL;
  }
  font_dirs(lib, fonts_dir);
  for (size_t i = 0; i < n; i++) add_dir(lib, xstrdup(extra_dirs[i]));
  for (size_t i = 0; i < lib->dirs.len; i++) /* a missing folder is skipped */
    if (!FcConfigAppFontAddDir(lib->fc, (const FcChar8 *)lib->dirs.items[i]) && i == 0)
      diag_warning(dl, lib->dirs.items[i], 0, 0, "fontconfig could not add this folder: font files in it are "
                   "not used; check that it exists and can be read"); /* the data folder's fonts/, always there */
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
    if (f->ft) FT_Done_Face(f->ft);
    hb_font_destroy(f->font);
    cff_store_free(f->store);
    pthread_mutex_destroy(&f->store_lock);
    hb_face_destroy(f->hb);
    hb_blob_destroy(f->blob);
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
  if (lib->listed) FcFontSetDestroy(lib->listed);
  free(lib->fonts);
  if (lib->fc) FcConfigDestroy(lib->fc);
  if (lib->ft) FT_Done_FreeType(lib->ft);
  pthread_mutex_destroy(&lib->open_lock);
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

/* The face's lock, taken around every FreeType call (see struct font_face);
 * whether the face opened. */
static bool lock_face(const font_face *f) {
  pthread_mutex_lock(&((font_face *)f)->lock);
  open_face((font_face *)f);
  return f->ft || f->font;
}

static void unlock_face(const font_face *f) { pthread_mutex_unlock(&((font_face *)f)->lock); }

static unsigned char_index(const font_face *f, uint32_t cp) {
  lock_face(f);
  unsigned gid = cmap_glyph(f, cp);
  unlock_face(f);
  return gid;
}

bool font_face_has(const font_face *f, uint32_t cp) { return char_index(f, cp) != 0; }

unsigned font_face_variant(const font_face *f, uint32_t cp) {
  for (size_t i = 0; i < NVARIANT; i++)
    if (variant_marks[i] == cp) return ensure_shaped(f)->variant_gid[i];
  return 0;
}

unsigned font_face_glyph(const font_face *f, uint32_t cp) {
  unsigned v = font_face_variant(f, cp);
  return v ? v : char_index(f, cp);
}

double font_face_advance(const font_face *f, uint32_t cp) {
  for (size_t i = 0; i < NVARIANT; i++)
    if (variant_marks[i] == cp && ensure_shaped(f)->variant_gid[i]) return f->variant_adv[i];
  lock_face(f);
  double adv = (double)advance_units(f, cmap_glyph(f, cp)) / units_per_em(f);
  unlock_face(f);
  return adv;
}

bool font_face_blanks(const font_face *f, uint32_t cp, double *left, double *right) {
  *left = *right = 0;
  ensure_shaped(f);
  for (size_t i = 0; i < NPUNCT; i++)
    if (punct_marks[i] == cp) {
      *left = f->blank_left[i];
      *right = f->blank_right[i];
      return true;
    }
  return false;
}

bool font_face_blanks_from_gpos(const font_face *f) { return ensure_shaped(f)->blank_from_gpos; }

const char *font_face_path(const font_face *f) { return f->path; }
const char *font_face_family(const font_face *f) { return f->family; }
int font_face_id(const font_face *f) { return f->id; }
size_t font_lib_face_count(const font_lib *lib) { return lib->faces.len; }
const font_face *font_lib_face(const font_lib *lib, size_t id) { return lib->faces.items[id]; }

static void put_be32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static uint32_t sfnt_checksum(const unsigned char *p, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i < len; i += 4) {
    unsigned char word[4] = {0};
    memcpy(word, p + i, len - i < 4 ? len - i : 4);
    sum += read_be32(word);
  }
  return sum;
}

/* libharu took the PDF's default glyph width (/DW) from glyph 0, the
 * never-printed .notdef, and listed every other width in /W; the OFD's
 * subsets still get .notdef an ideograph's width (one em), as before, so
 * their bytes stay the same. Checksums are kept valid. */
void font_set_notdef_width_to_em(unsigned char *font, size_t len) {
  if (len < 12) return;
  unsigned ntables = (unsigned)(font[4] << 8 | font[5]);
  unsigned char *hmtx_entry = NULL, *head = NULL, *hhea = NULL;
  for (unsigned i = 0; i < ntables && 12 + 16 * (i + 1) <= len; i++) {
    unsigned char *e = font + 12 + 16 * i;
    uint32_t off = read_be32(e + 8), size = read_be32(e + 12);
    if (off > len || size > len - off) return; /* off + size could wrap */
    if (!memcmp(e, "hmtx", 4) && size >= 4) hmtx_entry = e;
    if (!memcmp(e, "head", 4) && size >= 54) head = font + off;
    if (!memcmp(e, "hhea", 4) && size >= 36) hhea = font + off;
  }
  /* With a single horizontal metric (monospaced fonts) every glyph shares
   * glyph 0's advance: leave such fonts alone. */
  if (!hmtx_entry || !head || !hhea || (hhea[34] << 8 | hhea[35]) < 2) return;
  unsigned char *hmtx = font + read_be32(hmtx_entry + 8);
  hmtx[0] = head[18], hmtx[1] = head[19]; /* advance of glyph 0 = unitsPerEm */
  put_be32(hmtx_entry + 4, sfnt_checksum(hmtx, read_be32(hmtx_entry + 12)));
  put_be32(head + 8, 0);
  put_be32(head + 8, 0xB1B0AFBAu - sfnt_checksum(font, len));
}

static const char *const dropped_tables[] = {"GSUB", "GPOS", "GDEF", "EBDT", "EBLC", "EBSC", "vhea",
                                             "vmtx", "VORG", "BASE", "JSTF", "kern", "hdmx", "LTSH",
                                             "VDMX", "gasp", "DSIG", "morx", "feat", "meta"};

static void put_be16(strbuf *sb, unsigned v) {
  char b[2] = {(char)(v >> 8), (char)v};
  sb_append(sb, b, 2);
}

static int by_code(const void *a, const void *b) {
  return (int)((const font_code_glyph *)a)->code - (int)((const font_code_glyph *)b)->code;
}

/* A cmap table with one format 4 subtable (3,1) mapping each code to its
 * glyph: what an OFD reader looks the codes up in. Runs of consecutive
 * codes share a segment (idDelta when their glyphs are consecutive too,
 * else a slice of glyphIdArray). map must be sorted by code, unique. */
struct seg {
  uint16_t start, end;
  int delta;
  size_t first;
  bool linear;
};

static void build_cmap(const font_code_glyph *map, size_t n, strbuf *out) {
  VEC(struct seg) segs = {0};
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && map[j].code == map[j - 1].code + 1 && map[j].code != 0xFFFF) j++;
    bool linear = true;
    for (size_t k = i + 1; k < j; k++) linear &= map[k].gid == map[k - 1].gid + 1;
    struct seg sg = {map[i].code, map[j - 1].code, (int)map[i].gid - (int)map[i].code, i, linear};
    VEC_PUSH(segs, sg);
    i = j;
  }
  struct seg last = {0xFFFF, 0xFFFF, 1, 0, true};
  VEC_PUSH(segs, last);
  size_t nseg = segs.len, arr = 0;
  unsigned search = 1, selector = 0;
  while (search * 2 <= nseg) search *= 2, selector++;
  strbuf sub = {0};
  put_be16(&sub, 4), put_be16(&sub, 0), put_be16(&sub, 0); /* format, length (below), language */
  put_be16(&sub, (unsigned)nseg * 2), put_be16(&sub, search * 2), put_be16(&sub, selector);
  put_be16(&sub, (unsigned)(nseg - search) * 2);
  for (size_t i = 0; i < nseg; i++) put_be16(&sub, segs.items[i].end);
  put_be16(&sub, 0);
  for (size_t i = 0; i < nseg; i++) put_be16(&sub, segs.items[i].start);
  for (size_t i = 0; i < nseg; i++) put_be16(&sub, segs.items[i].linear ? (unsigned)(segs.items[i].delta & 0xFFFF) : 0);
  for (size_t i = 0; i < nseg; i++) {
    struct seg *sg = &segs.items[i];
    if (sg->linear) {
      put_be16(&sub, 0);
    } else { /* offset from this idRangeOffset entry to its glyphs in glyphIdArray */
      put_be16(&sub, (unsigned)((nseg - i + arr) * 2));
      arr += (size_t)(sg->end - sg->start) + 1;
    }
  }
  for (size_t i = 0; i < nseg; i++) {
    struct seg *sg = &segs.items[i];
    if (sg->linear) continue;
    for (size_t k = 0; k <= (size_t)(sg->end - sg->start); k++) put_be16(&sub, map[sg->first + k].gid);
  }
  sub.data[2] = (char)(sub.len >> 8), sub.data[3] = (char)sub.len;
  put_be16(out, 0), put_be16(out, 1);             /* version, one subtable */
  put_be16(out, 3), put_be16(out, 1);             /* Windows, Unicode BMP */
  put_be16(out, 0), put_be16(out, 12);            /* offset (32-bit) */
  sb_append(out, sub.data, sub.len);
  sb_free(&sub);
  VEC_FREE(segs);
}

/* The subset's tables with our cmap in place of HarfBuzz's: HarfBuzz's
 * face builder serialises them into a font file. */
static hb_blob_t *rebuild_with_cmap(hb_face_t *subset, const strbuf *cmap) {
  /* The subset is itself a builder face, which cannot list its tables:
   * read them back from its serialised bytes. */
  hb_blob_t *bytes = hb_face_reference_blob(subset);
  hb_face_t *sub = hb_face_create(bytes, 0);
  hb_blob_destroy(bytes);
  hb_face_t *builder = hb_face_builder_create();
  hb_tag_t tags[64];
  unsigned count = 64;
  hb_face_get_table_tags(sub, 0, &count, tags);
  for (unsigned i = 0; i < count; i++) {
    if (tags[i] == HB_TAG('c', 'm', 'a', 'p')) continue;
    hb_blob_t *t = hb_face_reference_table(sub, tags[i]);
    hb_face_builder_add_table(builder, tags[i], t);
    hb_blob_destroy(t);
  }
  hb_blob_t *c = hb_blob_create(cmap->data, (unsigned)cmap->len, HB_MEMORY_MODE_READONLY, NULL, NULL);
  hb_face_builder_add_table(builder, HB_TAG('c', 'm', 'a', 'p'), c);
  hb_blob_destroy(c);
  hb_blob_t *out = hb_face_reference_blob(builder);
  hb_face_destroy(builder);
  hb_face_destroy(sub);
  return out;
}

/* The subset's glyph for each code the text shows: the BMP characters of
 * cps (their cmap glyph) and the Private Use codes; sorted by code. */
static size_t subset_glyphs(const font_face *f, const hb_map_t *old_to_new, const uint32_t *cps, size_t n,
                            const font_code *codes, size_t ncodes, font_code_glyph *map) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned old = char_index(f, cps[i]);
    if (cps[i] > 0xFFFF || !old || !hb_map_has(old_to_new, old)) continue;
    map[m++] = (font_code_glyph){(uint16_t)cps[i], (uint16_t)hb_map_get(old_to_new, old), old};
  }
  for (size_t i = 0; i < ncodes; i++)
    if (hb_map_has(old_to_new, codes[i].gid))
      map[m++] = (font_code_glyph){codes[i].code, (uint16_t)hb_map_get(old_to_new, codes[i].gid), codes[i].gid};
  qsort(map, m, sizeof *map, by_code);
  return m;
}

/* A plan made on a copy of f holding only the outlines the plan needs
 * (glyf_sparse.c: the file's pages are not faulted in one by one). The
 * first copy holds the glyphs the characters and codes name; a plan that
 * reaches others (substitutions, composite glyphs' parts) is made again
 * with them. NULL: make it on f itself. */
static hb_subset_plan_t *plan_sparse(const font_face *cf, hb_subset_input_t *input) {
  /* A batch or `brief serve` subsets the same face again and again: the
   * glyphs its first briefs used are then mapped already, and a copy per
   * subset cost more (the copy's tables checked again) than the faults it
   * saved. Only the first subset of a face in a process is made on a copy;
   * both ways give the same bytes. */
  font_face *f = (font_face *)cf; /* the counter only */
  if (atomic_fetch_add(&f->subsets, 1) != 0) return NULL;
  unsigned mlen = 0;
  const unsigned char *m = f->blob ? (const unsigned char *)hb_blob_get_data(f->blob, &mlen) : NULL;
  if (!m) return NULL;
  hb_set_t *keep = hb_set_create();
  hb_set_add(keep, 0); /* .notdef, always kept */
  hb_set_union(keep, hb_subset_input_glyph_set(input));
  /* the characters' glyphs as HarfBuzz's cmap gives them, with those of
   * their variation sequences (format 14), as hb-subset keeps them */
  hb_font_t *font = hb_font_create(f->hb);
  hb_set_t *selectors = hb_set_create();
  hb_face_collect_variation_selectors(f->hb, selectors);
  hb_codepoint_t cp = HB_SET_VALUE_INVALID, g;
  for (hb_set_t *u = hb_subset_input_unicode_set(input); hb_set_next(u, &cp);) {
    if (hb_font_get_nominal_glyph(font, cp, &g)) hb_set_add(keep, g);
    for (hb_codepoint_t vs = HB_SET_VALUE_INVALID; hb_set_next(selectors, &vs);)
      if (hb_font_get_variation_glyph(font, cp, vs, &g)) hb_set_add(keep, g);
  }
  hb_set_destroy(selectors);
  hb_font_destroy(font);
  hb_subset_plan_t *plan = NULL;
  for (int round = 0; round < 4 && !plan; round++) {
    hb_face_t *face = glyf_sparse_face(f->path, m, mlen, keep, hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG));
    if (!face) break;
    plan = hb_subset_plan_create_or_fail(face, input);
    hb_face_destroy(face); /* the plan holds its own reference */
    if (!plan) break;
    const hb_map_t *new_to_old = hb_subset_plan_new_to_old_glyph_mapping(plan);
    bool all = true;
    for (unsigned i = 0, count = hb_map_get_population(new_to_old); i < count; i++) {
      hb_codepoint_t old = hb_map_get(new_to_old, i);
      if (!hb_set_has(keep, old)) all = false, hb_set_add(keep, old);
    }
    if (!all) {
      hb_subset_plan_destroy(plan);
      plan = NULL;
    }
  }
  hb_set_destroy(keep);
  return plan;
}

/* HarfBuzz's input for a subset of f holding the characters cps and the
 * glyphs of codes; pdf: for a PDF's font program (fewer tables). NULL when
 * HarfBuzz runs out of memory. */
static hb_subset_input_t *subset_input(const font_face *f, const uint32_t *cps, size_t n, const font_code *codes,
                                       size_t ncodes, bool pdf) {
  hb_subset_input_t *input = hb_subset_input_create_or_fail();
  if (!input) return NULL;
  hb_set_t *unicodes = hb_subset_input_unicode_set(input);
  for (size_t i = 0; i < n; i++) hb_set_add(unicodes, cps[i]);
  hb_set_t *glyph_set = hb_subset_input_glyph_set(input);
  ensure_shaped(f); /* opens the face too */
  for (size_t i = 0; i < ncodes; i++) {
    /* A glyph a character reaches is kept by that character (cheaper). */
    uint32_t by = char_index(f, codes[i].cp) == codes[i].gid ? codes[i].cp : 0;
    for (size_t k = 0; k < NVARIANT && !by; k++)
      if (f->variant_gid[k] == codes[i].gid) by = f->variant_alias[k];
    if (by) hb_set_add(unicodes, by);
    else hb_set_add(glyph_set, codes[i].gid);
  }
  hb_set_t *drop = hb_subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (size_t i = 0; i < sizeof dropped_tables / sizeof *dropped_tables; i++)
    hb_set_add(drop, hb_tag_from_string(dropped_tables[i], 4));
  /* A PDF's CIDFontType2 program is reached through /CIDToGIDMap, never
   * its cmap, and its names come from the font dictionaries (ISO 32000-1
   * 9.9): cmap, name, post and STAT are dead weight there. */
  static const char *const pdf_dropped[] = {"cmap", "name", "post", "STAT"};
  for (size_t i = 0; pdf && i < sizeof pdf_dropped / sizeof *pdf_dropped; i++)
    hb_set_add(drop, hb_tag_from_string(pdf_dropped[i], 4));
  /* A CIDFontType0's program is the bare CFF table (/CIDFontType0C): the
   * sfnt's other tables are not even written. */
  static const char *const cff_dropped[] = {"head", "hhea", "hmtx", "maxp", "OS/2"};
  for (size_t i = 0; pdf && f->cff && i < sizeof cff_dropped / sizeof *cff_dropped; i++)
    hb_set_add(drop, hb_tag_from_string(cff_dropped[i], 4));
  /* CFF charstrings written out in full, without subroutines: the
   * subroutines a few hundred CJK glyphs share save less than their INDEX
   * and calls cost (Noto Serif CJK SC, 373 glyphs: 67 KB compressed
   * against 78 KB), and HarfBuzz need not renumber them. */
  hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING | (f->cff ? HB_SUBSET_FLAGS_DESUBROUTINIZE : 0));
  return input;
}

/* Subsets f on its mapped file and keeps the glyphs in f's store. */
static int store_subset(font_face *f, const uint32_t *cps, size_t n, const font_code *codes, size_t ncodes) {
  hb_subset_input_t *input = subset_input(f, cps, n, codes, ncodes, true);
  hb_subset_plan_t *plan = input ? hb_subset_plan_create_or_fail(f->hb, input) : NULL;
  hb_subset_input_destroy(input);
  hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
  hb_blob_t *table = sub ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' ')) : NULL;
  unsigned len = 0;
  const unsigned char *cff = table ? (const unsigned char *)hb_blob_get_data(table, &len) : NULL;
  int rc = -1;
  if (cff) {
    const hb_map_t *new_to_old = hb_subset_plan_new_to_old_glyph_mapping(plan);
    size_t count = hb_map_get_population(new_to_old);
    uint32_t *old = xcalloc(count + 1, sizeof *old);
    for (size_t i = 0; i < count; i++) old[i] = hb_map_get(new_to_old, (hb_codepoint_t)i);
    if (!f->store) f->store = cff_store_new(cff, len, hb_face_get_glyph_count(f->hb));
    rc = f->store ? cff_store_add(f->store, cff, len, old, count) : -1;
    free(old);
  }
  hb_blob_destroy(table);
  hb_face_destroy(sub);
  hb_subset_plan_destroy(plan);
  return rc;
}

/* The PDF's subset of a CFF face, assembled from the face's store of
 * desubroutinized glyphs (cff_cids.c), which HarfBuzz fills with the
 * glyphs it lacks: CIDs = the codes, *glyphs as for TrueType with each
 * gid its CID. 1 when the store cannot serve. */
static int cff_store_subset(const font_face *cf, const uint32_t *cps, size_t n, const font_code *codes, size_t ncodes,
                            char **data, size_t *len, font_code_glyph **glyphs, size_t *nglyphs) {
  font_face *f = (font_face *)cf;
  font_code_glyph *map = xcalloc(n + ncodes + 1, sizeof *map);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned g = cps[i] <= 0xFFFF ? char_index(f, cps[i]) : 0;
    if (g) map[m++] = (font_code_glyph){(uint16_t)cps[i], (uint16_t)cps[i], g};
  }
  for (size_t i = 0; i < ncodes; i++) map[m++] = (font_code_glyph){codes[i].code, codes[i].code, codes[i].gid};
  qsort(map, m, sizeof *map, by_code);
  size_t u = 0; /* each code once */
  for (size_t i = 0; i < m; i++)
    if (i == 0 || map[i].code != map[i - 1].code) map[u++] = map[i];
  m = u;
  uint32_t *lack = xcalloc(n + 1, sizeof *lack);
  font_code *lack_codes = xcalloc(ncodes + 1, sizeof *lack_codes);
  size_t nlack = 0, nlack_codes = 0;
  unsigned char *out = NULL;
  size_t out_len = 0;
  pthread_mutex_lock(&f->store_lock);
  if (!f->store && !f->store_failed && store_subset(f, NULL, 0, NULL, 0) != 0) f->store_failed = true; /* .notdef alone */
  if (f->store) {
    for (size_t i = 0; i < n; i++) {
      unsigned g = cps[i] <= 0xFFFF ? char_index(f, cps[i]) : 0;
      if (g && !cff_store_has(f->store, g)) lack[nlack++] = cps[i];
    }
    for (size_t i = 0; i < ncodes; i++)
      if (!cff_store_has(f->store, codes[i].gid)) lack_codes[nlack_codes++] = codes[i];
    if ((nlack || nlack_codes) && store_subset(f, lack, nlack, lack_codes, nlack_codes) != 0) f->store_failed = true;
  }
  if (f->store && !f->store_failed) {
    cff_cid *cids = xcalloc(m + 1, sizeof *cids);
    for (size_t i = 0; i < m; i++) cids[i] = (cff_cid){(uint16_t)map[i].full_gid, map[i].code};
    out = cff_store_build(f->store, cids, m, &out_len);
    free(cids);
  }
  pthread_mutex_unlock(&f->store_lock);
  free(lack);
  free(lack_codes);
  if (!out) {
    free(map);
    return 1;
  }
  *data = (char *)out;
  *len = out_len;
  *glyphs = map;
  *nglyphs = m;
  return 0;
}

/* Subsets f; with glyphs (the PDF writer, which maps codes to glyphs in
 * /CIDToGIDMap) the font keeps HarfBuzz's cmap and *glyphs lists the codes'
 * glyphs; without (OFD, whose readers look codes up in the font) the
 * Private Use codes go into a cmap of our own. */
static int subset(const font_face *f, const uint32_t *cps, size_t n, const font_code *codes, size_t ncodes,
                  char **data, size_t *len, font_code_glyph **glyphs, size_t *nglyphs, diag_list *dl) {
  ensure_shaped(f); /* opens the face: is it CFF? */
  if (glyphs && f->cff) {
    if (cff_store_subset(f, cps, n, codes, ncodes, data, len, glyphs, nglyphs) == 0) return 0;
    diag_error(dl, f->path, 0, 0, "HarfBuzz's subset of this CFF font could not be read (not a CID-keyed CFF "
               "with its charstrings written out); give its font role another font in fonts/fontmap.yaml");
    return -1;
  }
  hb_subset_input_t *input = subset_input(f, cps, n, codes, ncodes, glyphs != NULL);
  if (!input) {
    diag_error(dl, f->path, 0, 0, "HarfBuzz could not start subsetting this font (out of memory?)");
    return -1;
  }
  /* glyf_sparse.c's copy is a TrueType one (glyf and loca): not for CFF. */
  hb_subset_plan_t *plan = f->hb && !f->cff ? plan_sparse(f, input) : NULL;
  if (!plan && f->hb) plan = hb_subset_plan_create_or_fail(f->hb, input);
  hb_subset_input_destroy(input);
  hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
  if (!sub) {
    hb_subset_plan_destroy(plan);
    diag_error(dl, f->path, 0, 0, "HarfBuzz could not subset this font");
    return -1;
  }
  const hb_map_t *old_to_new = hb_subset_plan_old_to_new_glyph_mapping(plan);
  font_code_glyph *map = xcalloc(n + ncodes + 1, sizeof *map);
  size_t m = subset_glyphs(f, old_to_new, cps, n, codes, ncodes, map);
  hb_blob_t *out;
  if (glyphs || ncodes == 0) {
    out = hb_face_reference_blob(sub);
  } else {
    /* Glyphs reached by Private Use codes (characters beyond the BMP, glyph
     * variants) get a cmap of our own holding the BMP characters and these codes. */
    strbuf cmap = {0};
    build_cmap(map, m, &cmap);
    out = rebuild_with_cmap(sub, &cmap);
    sb_free(&cmap);
  }
  hb_subset_plan_destroy(plan);
  unsigned size = 0;
  const char *bytes = hb_blob_get_data(out, &size);
  *data = xmalloc(size ? size : 1);
  memcpy(*data, bytes, size);
  *len = size;
  if (!glyphs) font_set_notdef_width_to_em((unsigned char *)*data, size); /* the PDF's /DW and /W are our own */
  hb_blob_destroy(out);
  hb_face_destroy(sub);
  if (glyphs) {
    *glyphs = map;
    *nglyphs = m;
  } else {
    free(map);
  }
  if (size == 0) {
    free(*data);
    if (glyphs) free(*glyphs), *glyphs = NULL;
    diag_error(dl, f->path, 0, 0, "HarfBuzz could not build the subset font");
    return -1;
  }
  return 0;
}

int font_face_subset(const font_face *f, const uint32_t *cps, size_t n, const font_code *codes,
                     size_t ncodes, char **data, size_t *len, diag_list *dl) {
  return subset(f, cps, n, codes, ncodes, data, len, NULL, NULL, dl);
}

int font_face_subset_glyphs(const font_face *f, const uint32_t *cps, size_t n, const font_code *codes,
                            size_t ncodes, char **data, size_t *len, font_code_glyph **glyphs, size_t *nglyphs,
                            diag_list *dl) {
  return subset(f, cps, n, codes, ncodes, data, len, glyphs, nglyphs, dl);
}

bool font_face_is_cff(const font_face *f) {
  lock_face(f);
  bool cff = f->cff;
  unlock_face(f);
  return cff;
}

double font_face_glyph_advance(const font_face *f, unsigned gid) {
  lock_face(f);
  double adv = (double)advance_units(f, gid) / units_per_em(f);
  unlock_face(f);
  return adv;
}

/* A PostScript name as a PDF name: letters, digits and '-' only. */
static void ps_name(FT_Face ft, char *out, size_t cap) {
  const char *name = FT_Get_Postscript_Name(ft);
  size_t k = 0;
  for (const char *p = name ? name : "Font"; *p && k + 1 < cap; p++)
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-') out[k++] = *p;
  if (k == 0) memcpy(out, "Font", 4), k = 4;
  out[k] = 0;
}

/* A big-endian field of one of the face's tables (0 past its end). */
static long table_field(hb_face_t *hb, hb_tag_t tag, unsigned off, unsigned size, bool is_signed) {
  hb_blob_t *t = hb_face_reference_table(hb, tag);
  unsigned len = 0;
  const unsigned char *p = (const unsigned char *)hb_blob_get_data(t, &len);
  long v = 0;
  if (p && off + size <= len) {
    uint32_t u = 0;
    for (unsigned i = 0; i < size; i++) u = u << 8 | p[off + i];
    v = !is_signed ? (long)u : size == 2 ? (int16_t)u : (int32_t)u;
  }
  hb_blob_destroy(t);
  return v;
}

/* The same figures as FreeType gives a TrueType face, read from the
 * tables (OpenType spec: hhea, head, OS/2, post) of a CFF one. */
static void cff_metrics(const font_face *f, font_metrics *m) {
  double k = 1000.0 / hb_face_get_upem(f->hb);
  char name[64] = "";
  unsigned len = sizeof name;
  hb_ot_name_get_utf8(f->hb, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, name);
  size_t n = 0;
  for (const char *p = name; *p && n + 1 < sizeof m->ps_name; p++)
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-') m->ps_name[n++] = *p;
  if (n == 0) memcpy(m->ps_name, "Font", 5);
  const hb_tag_t hhea = HB_TAG('h', 'h', 'e', 'a'), head = HB_TAG('h', 'e', 'a', 'd');
  const hb_tag_t os2 = HB_TAG('O', 'S', '/', '2'), post = HB_TAG('p', 'o', 's', 't');
  m->ascent = (int)lround(table_field(f->hb, hhea, 4, 2, true) * k);
  m->descent = (int)lround(table_field(f->hb, hhea, 6, 2, true) * k);
  for (int i = 0; i < 4; i++) m->bbox[i] = (int)lround(table_field(f->hb, head, 36 + 2 * (unsigned)i, 2, true) * k);
  long version = table_field(f->hb, os2, 0, 2, false), cap = version >= 2 ? table_field(f->hb, os2, 88, 2, true) : 0;
  m->cap_height = cap ? (int)lround(cap * k) : m->ascent;
  m->weight = (int)table_field(f->hb, os2, 4, 2, false);
  if (!m->weight) m->weight = 400;
  m->italic_angle = (int)lround(table_field(f->hb, post, 4, 4, true) / 65536.0);
}

void font_face_metrics(const font_face *f, font_metrics *m) {
  memset(m, 0, sizeof *m);
  if (!lock_face(f)) {
    unlock_face(f);
    memcpy(m->ps_name, "Font", 5);
    return;
  }
  if (f->font) {
    cff_metrics(f, m);
    unlock_face(f);
    return;
  }
  FT_Face ft = f->ft;
  double k = 1000.0 / ft->units_per_EM;
  ps_name(ft, m->ps_name, sizeof m->ps_name);
  m->ascent = (int)lround(ft->ascender * k);
  m->descent = (int)lround(ft->descender * k);
  m->bbox[0] = (int)lround(ft->bbox.xMin * k), m->bbox[1] = (int)lround(ft->bbox.yMin * k);
  m->bbox[2] = (int)lround(ft->bbox.xMax * k), m->bbox[3] = (int)lround(ft->bbox.yMax * k);
  const TT_OS2 *os2 = FT_Get_Sfnt_Table(ft, FT_SFNT_OS2);
  m->cap_height = os2 && os2->version >= 2 && os2->sCapHeight ? (int)lround(os2->sCapHeight * k) : m->ascent;
  m->weight = os2 ? os2->usWeightClass : 400;
  const TT_Postscript *post = FT_Get_Sfnt_Table(ft, FT_SFNT_POST);
  m->italic_angle = post ? (int)lround(post->italicAngle / 65536.0) : 0;
  unlock_face(f);
}

void font_lib_report(const font_lib *lib, FILE *out) {
  fprintf(out, "font folders (besides the system's):");
  for (size_t i = 0; i < lib->dirs.len; i++) fprintf(out, " %s", lib->dirs.items[i]);
  fprintf(out, "\n");
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
