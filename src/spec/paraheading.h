/* Headings typed as paragraphs: how a summary written in WPS or Word
 * arrives, `一、基本情况` on a line of its own with no Markdown `#`. */
#ifndef BRIEF_PARAHEADING_H
#define BRIEF_PARAHEADING_H

#include "layoutspec.h"
#include "model.h"
#include "normalize.h"

/* Makes each short top-level paragraph that starts with a heading number
 * (一、 （一） 1. 1． （1）, doc_heading_number_parse) the heading of that
 * level, in sequence with the Markdown headings. Short: no sentence mark
 * in it (。！？；), not ending in a comma or colon, no line break, and it
 * fits one line of the heading's role in spec. A run-in heading
 * (`**1.抓班子。**正文…`) holds a full stop and stays a paragraph. Runs after
 * normalisation and after the title is taken; does nothing when the layout
 * sets paragraph_headings: false. Each heading taken is added to rep (may
 * be NULL) as an NZ_NOTE, in source order with what is there. */
void spec_paragraph_headings(document *doc, const layout_spec *spec, nz_report *rep);

#endif
