/* Emphasis next to CJK text. CommonMark's flanking rules leave `**` literal
 * when it closes after punctuation and a letter follows (**报送单位：**中共…,
 * **期数：**2016年, commonmark-spec issue 650). This pass pairs the delimiter
 * runs cmark-gfm left as literal text, counting a run as flanking when the
 * character on its other side is CJK, or when the character on one side is
 * Chinese punctuation and the other is not a space. A pair is made only when
 * at least one of its two runs needs that CJK rule, so text without CJK is
 * never changed. */
#ifndef BRIEF_CJK_EMPHASIS_H
#define BRIEF_CJK_EMPHASIS_H

#include "model.h"

/* Rewrites spans in place: pairs literal delimiters, removes them and sets
 * ST_EMPH / ST_STRONG on the text between. */
void cjk_emphasis_apply(span_list *spans);

#endif
