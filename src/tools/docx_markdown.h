/* A Word document's model (docx.h) as a case summary: front matter
 * recognised from the parts of an official document (GB/T 9704-2012: the
 * title, subtitle, masthead, 报送单位/期数 line, the signature and date at
 * the end), headings from heading styles and outline levels and from the
 * numbered paragraphs of §7.3.3 (一、 （一） 1. （1）), Markdown for the
 * rest (GFM tables, images, notes), and a report of what was recognised. */
#ifndef BRIEF_DOCX_MARKDOWN_H
#define BRIEF_DOCX_MARKDOWN_H

#include "docx.h"
#include "frontmatter.h"

typedef struct {
  char *markdown;    /* front matter and body */
  str_list report;   /* one line each: what was recognised, what was not kept as it was */
} docx_summary;

/* The file name an image is written under in the images folder ("image3.png"),
 * or NULL when brief cannot print its format (only PNG and JPEG). Caller frees. */
char *docx_image_file(const docx_document *d, int image);

/* Converts d. images_dir is the folder the images are referred to by
 * (relative to the summary, e.g. "陇西县"); md_name names the summary in the
 * report's positions. */
void docx_to_summary(const docx_document *d, const char *images_dir, const char *md_name, docx_summary *out);
void docx_summary_free(docx_summary *s);

/* A date as offices write it ("2016年11月14日", "二〇一六年十一月十四日") as
 * YYYY-MM-DD; false when s is not such a date (nothing else around it). */
bool docx_parse_date(const char *s, char out[11]);

#endif
