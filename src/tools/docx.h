/* A Word document (.docx, as Word, WPS and LibreOffice write it) read into
 * a small model of its own: paragraphs of runs with the formatting that
 * carries meaning (bold, italic, size, colour, alignment, heading style and
 * outline level, list), tables of cells with their merges, footnotes and
 * images. docx_markdown.c turns the model into a summary. The file is
 * hostile input: every part is read with the caps of ooxml.h, and the model
 * is bounded (DOCX_* limits below). */
#ifndef BRIEF_DOCX_H
#define BRIEF_DOCX_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "util.h"

#define DOCX_BLOCKS 200000   /* paragraphs and tables */
#define DOCX_TEXT_BYTES (16L * 1024 * 1024) /* all text, as a summary's limit */
#define DOCX_IMAGES 500
#define DOCX_TABLE_ROWS 10000
#define DOCX_TABLE_COLS 64

typedef enum { RUN_TEXT, RUN_BREAK, RUN_TAB, RUN_FOOTNOTE, RUN_IMAGE } docx_run_kind;

typedef struct {
  docx_run_kind kind;
  char *text;   /* RUN_TEXT: the characters; RUN_FOOTNOTE: the note's id */
  int image;    /* RUN_IMAGE: index into docx_document.images, -1 when unreadable */
  bool bold, italic;
} docx_run;

typedef enum { ALIGN_START, ALIGN_MID, ALIGN_END, ALIGN_JUSTIFY } docx_align;

typedef struct docx_table docx_table;

typedef struct {
  VEC(docx_run) runs;
  char *style;      /* the paragraph style's name ("heading 1", "标题 1"), or NULL */
  int outline;      /* heading level 1-9 from the style or the paragraph, 0 for body text */
  docx_align align;
  int size;         /* the largest run's size in half-points, 0 when unknown */
  bool red;         /* its text is red (a masthead) */
  bool code;        /* a preformatted style */
  int list;         /* 0; 1 bulleted; 2 numbered (Word's automatic lists) */
  int list_level;   /* 0-based */
  int nested_tables; /* tables inside a table cell, flattened into this paragraph */
} docx_para;

typedef struct {
  VEC(docx_para) paras;
  int span;    /* grid columns it covers (gridSpan), at least 1 */
  int vmerge;  /* 0; 1 starts a vertical merge; 2 continues the one above */
} docx_cell;

typedef struct {
  VEC(docx_cell) cells;
} docx_row;

struct docx_table {
  VEC(docx_row) rows;
  bool cut; /* rows or columns past DOCX_TABLE_ROWS/DOCX_TABLE_COLS left out (reported) */
};

typedef struct {
  bool is_table;
  docx_para para;
  docx_table table;
} docx_block;

typedef struct {
  char *id;
  VEC(docx_para) paras;
} docx_note;

typedef struct {
  char *name; /* the part's name in the package ("word/media/image1.png") */
  char *data;
  size_t len;
} docx_image;

typedef struct {
  VEC(docx_block) blocks;
  VEC(docx_note) notes;
  VEC(docx_image) images;
  int body_size; /* the default run size in half-points (docDefaults, Normal) */
} docx_document;

/* Reads a .docx held in memory; path names it in messages. NULL on error
 * (diagnostics added); warnings for what was skipped. */
docx_document *docx_read(const char *data, size_t len, const char *path, diag_list *dl);
void docx_free(docx_document *d);

#endif
