/* A ```chart block's spec (chart_spec.c), called by the binding of figures. */
#ifndef BRIEF_CHART_SPEC_H
#define BRIEF_CHART_SPEC_H

#include "figures_binder.h"

/* A ```chart block's YAML spec (type, title, indicators) bound into a chart. */
void chart_spec_bind(binder *b, block *blk);

#endif
