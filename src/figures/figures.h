/* County figures: a CSV exported from Excel (UTF-8, UTF-8 with BOM or
 * GB18030, detected), one row per county (or per county and year), bound
 * into the document as {{values}}, ```figures tables and ```chart charts. */
#ifndef BRIEF_FIGURES_H
#define BRIEF_FIGURES_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "model.h"

typedef struct figures figures;

/* Reads a figures file: a CSV, or a workbook (.xlsx, .xls) by its
 * extension, its first sheet. Returns NULL on error (diagnostics added). */
figures *figures_load(const char *path, diag_list *dl);
/* The same, a workbook's sheet by name (NULL: the first; an error for a CSV). */
figures *figures_load_sheet(const char *path, const char *sheet, diag_list *dl);
/* A workbook by its extension (.xlsx, .xlsm, .xls). */
bool figures_is_workbook(const char *path);
/* The figures of a workbook's sheet (figures_sheet.c), read as Excel shows
 * the cells, checked as a CSV's are. */
figures *figures_from_workbook(const char *path, const char *sheet, diag_list *dl);
figures *figures_parse(const char *data, size_t len, const char *path, diag_list *dl);
void figures_free(figures *f);

/* Binds figures into doc: substitutes {{indicator}} and {{indicator@year}},
 * turns ```figures blocks into tables and ```chart blocks into charts, and
 * adds the key-figures table named by the front matter. f may be NULL when
 * no figures file was given: then any use of figures is an error. */
int figures_bind(document *doc, const figures *f, diag_list *dl);

/* For tests: the printed value of an indicator for a county ("13.8%"),
 * year 0 meaning the latest. NULL when there is none; caller frees. */
char *figures_value(const figures *f, const char *county, const char *indicator, int year);

/* Detects the encoding of raw CSV bytes and converts them to UTF-8
 * (BOM removed). Returns NULL with an error naming the first bad byte. */
char *figures_to_utf8(const char *data, size_t len, const char *path, size_t *out_len, diag_list *dl);

#endif
