/* libFuzzer target: layout files (the YAML of layouts/NAME.yaml): the YAML,
 * every key and value checked or reported, then the page-number, header,
 * footer and masthead templates expanded. */
#include <stdint.h>
#include <stdlib.h>

#include "frontmatter.h"
#include "layoutspec.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  diag_list dl = {0};
  layout_spec spec;
  if (spec_parse_text((const char *)data, size, "fuzz.yaml", &spec, &dl) == 0) {
    doc_meta meta = {0};
    const char *templates[] = {spec.page_number.format, spec.header.text, spec.footer.text, spec.masthead.issue};
    for (size_t i = 0; i < sizeof templates / sizeof *templates; i++)
      if (templates[i]) free(spec_expand(templates[i], &meta, 3, 12));
  }
  spec_free(&spec);
  diag_clear(&dl);
  return 0;
}
