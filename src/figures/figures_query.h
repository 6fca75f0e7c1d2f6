/* The figures of a county sheet as the binding and the chart specs read
 * them: the sheet's columns and records (figures_csv.c fills them), and the
 * queries over them with suggestions for names that are not there
 * (figures_query.c). Internal to the figures stage: the rest of brief uses
 * figures.h. */
#ifndef BRIEF_FIGURES_QUERY_H
#define BRIEF_FIGURES_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "figures.h"

typedef struct {
  char *header, *name, *unit;
  bool text; /* a text column: never a number */
} column;

typedef struct {
  char **cells; /* ncols */
  int row;      /* 1-based record number in the file (the header is row 1) */
  int year;     /* 0 without a year column */
} record;

struct figures {
  char *path;
  char *sheet;   /* a workbook's sheet (NULL for a CSV): errors name cells as FILE.xlsx:Sheet1!C7 */
  int first_col; /* a sheet's column of the county column (0: A) */
  column *cols;
  size_t ncols;
  record *rows;
  size_t nrows, cap_rows;
  int year_col; /* -1 if none */
};

/* A county's records, sorted by year (ascending); rows is malloc'd. */
typedef struct {
  const record **rows;
  size_t n;
} county_rows;

/* The column of an indicator (not the county or year column), or -1. */
int figures_column(const figures *f, const char *name);
/* The closest indicator (county) names to a wanted one, for a message; caller frees. */
char *figures_suggest_indicators(const figures *f, const char *wanted);
char *figures_suggest_counties(const figures *f, const char *wanted);
county_rows figures_rows_of(const figures *f, const char *county);
/* The record of a year (0: the latest with data in col), or NULL. */
const record *figures_record_for(const county_rows *cr, int col, int year);
/* A cell as printed, with the column's unit ("13.8%"); "—" for no data. Caller frees. */
char *figures_format_value(const figures *f, int col, const record *r);
/* The years of cr: "2014, 2015, 2016". Caller frees. */
char *figures_years(const county_rows *cr, int wanted);

/* A cell as a number once thousands separators are removed ("1,234.5");
 * false for text or misplaced separators. */
bool figures_number(const char *s, double *v);
/* Splits the headers into names and units and checks every cell (numbers,
 * thousands separators, years): 0, or -1 with errors located at the cells. */
int figures_check_columns(figures *f, diag_list *dl);
/* Spaces, tabs and CRs off both ends, in place. */
void figures_trim(char *s);

#endif
