#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "layoutspec.h"
#include "util.h"

#define MM (72.0 / 25.4)

static int load_text(const char *yaml, layout_spec *l, diag_list *dl) {
  char path[] = "/tmp/brief-layout-XXXXXX.yaml";
  int fd = mkstemps(path, 5);
  FILE *f = fdopen(fd, "w");
  fputs(yaml, f);
  fclose(f);
  int rc = spec_load(path, ".", l, dl);
  remove(path);
  return rc;
}

int main(void) {
  diag_list dl = {0};
  const char *data = getenv("BRIEF_DATA") ? getenv("BRIEF_DATA") : ".";
  char *dir = path_join(data, "layouts");
  layout_spec l;
  CHECK(spec_load("official", dir, &l, &dl) == 0);
  CHECK_NEAR(l.page.width, 210 * MM, 0.01);
  CHECK_NEAR(l.page.margins.top, 37 * MM, 0.01);
  CHECK_NEAR(l.page.margins.left, 28 * MM, 0.01);
  CHECK_NEAR(l.page.width - l.page.margins.left - l.page.margins.right, 156 * MM, 0.01);
  CHECK_NEAR(l.page.height - l.page.margins.top - l.page.margins.bottom, 225 * MM, 0.01);
  CHECK(l.grid.chars_per_line == 28 && l.grid.lines_per_page == 22);
  CHECK_NEAR(l.line_pitch, 225 * MM / 22, 0.001);
  CHECK_NEAR(l.roles[ROLE_BODY].size, 16, 0);
  CHECK_NEAR(l.roles[ROLE_TITLE].size, 22, 0);
  CHECK_NEAR(l.roles[ROLE_PAGE_NUMBER].size, 14, 0);
  CHECK_STR(l.page_number.format, "— {page} —");
  /* Punctuation schemes: the layout's for every role, unless a role sets its own. */
  CHECK(l.punctuation == PUNCT_PLAIN && l.roles[ROLE_BODY].punctuation == PUNCT_PLAIN);
  CHECK(l.roles[ROLE_H2].punctuation == PUNCT_PLAIN && l.roles[ROLE_TABLE].punctuation == PUNCT_BANJIAO);
  spec_free(&l);
  CHECK(spec_load("briefing", dir, &l, &dl) == 0 && l.masthead.enabled && l.distribution);
  CHECK(l.roles[ROLE_BODY].punctuation == PUNCT_KAIMING && l.roles[ROLE_TABLE_HEADER].punctuation == PUNCT_BANJIAO);
  spec_free(&l);
  CHECK(spec_load("plain", dir, &l, &dl) == 0);
  CHECK(l.roles[ROLE_BODY].punctuation == PUNCT_QUANJIAO && l.roles[ROLE_TABLE].punctuation == PUNCT_QUANJIAO);
  spec_free(&l);
  CHECK(load_text("name: x\n", &l, &dl) == 0 && l.roles[ROLE_CAPTION].punctuation == PUNCT_QUANJIAO);
  spec_free(&l);
  CHECK(dl.errors == 0);
  /* Size names. */
  CHECK_NEAR(spec_chinese_size_pt("二号"), 22, 0);
  CHECK_NEAR(spec_chinese_size_pt("小四"), 12, 0);
  CHECK_NEAR(spec_chinese_size_pt("五号"), 10.5, 0);
  /* Bad values name the line and the allowed values. */
  CHECK(load_text("name: x\nroles:\n  body: {align: middle}\n", &l, &dl) != 0);
  CHECK(dl.errors == 1 && dl.items[0].line == 3 && strstr(dl.items[0].message, "left, center, right, justify"));
  spec_free(&l);
  diag_clear(&dl);
  CHECK(load_text("name: x\npunctuation: kaiming\nroles:\n  quote: {punctuation: half}\n", &l, &dl) != 0);
  CHECK(dl.errors == 1 && dl.items[0].line == 4 && strstr(dl.items[0].message, "quanjiao, banjiao, kaiming, plain"));
  spec_free(&l);
  diag_clear(&dl);
  CHECK(load_text("name: x\npage: {size: A4, colour: red}\n", &l, &dl) != 0);
  CHECK(dl.errors == 1 && dl.items[0].line == 2 && strstr(dl.items[0].message, "allowed: size, orientation, margins"));
  spec_free(&l);
  diag_clear(&dl);
  CHECK(load_text("name: x\nroles:\n  body: {size: 大号}\n", &l, &dl) != 0);
  CHECK(dl.errors == 1 && strstr(dl.items[0].message, "三号"));
  spec_free(&l);
  diag_clear(&dl);
  /* The schema (issue 14): nested unknown keys by their path, whole numbers with their range. */
  CHECK(load_text("name: x\nroles:\n  body: {colour: red}\n", &l, &dl) != 0);
  CHECK(dl.errors == 1 && dl.items[0].line == 3 &&
        strstr(dl.items[0].message, "unknown key 'roles.body.colour'; allowed: color, bold, align, font, indent and 6 more"));
  spec_free(&l);
  diag_clear(&dl);
  CHECK(load_text("name: x\ncopy_number: {digits: 12}\n", &l, &dl) != 0);
  CHECK(dl.errors == 1 && strstr(dl.items[0].message, "'digits' must be a whole number from 0 to 9; got '12'"));
  spec_free(&l);
  diag_clear(&dl);
  CHECK(load_text("name: x\npage: {size: A5, orientation: landscape, margins: {left: 250mm}}\n", &l, &dl) != 0);
  CHECK(dl.errors == 1 && strstr(dl.items[0].message, "'left' must be from 0pt to 595.27")); /* A5's long side */
  spec_free(&l);
  diag_clear(&dl);
  CHECK(load_text("name: x\nroles: {caption: bold}\n", &l, &dl) != 0);
  CHECK(dl.errors == 1 && strstr(dl.items[0].message, "'roles.caption' must be a mapping"));
  spec_free(&l);
  diag_clear(&dl);
  /* What a mapping turns on, and the defaults without it. */
  CHECK(load_text("name: x\n", &l, &dl) == 0 && l.page_number.pages == PAGES_NONE && !l.masthead.enabled &&
        !l.copy_number.format && l.key_figures.position == KF_AFTER_TITLE);
  spec_free(&l);
  CHECK(load_text("name: x\npage_number: {}\nmasthead: {}\ncopy_number: {}\nkey_figures: {position: end}\n", &l,
                  &dl) == 0);
  CHECK(l.page_number.pages == PAGES_ALL && l.masthead.enabled && l.copy_number.format &&
        !strcmp(l.copy_number.format, "{copy}") && l.key_figures.position == KF_END);
  spec_free(&l);
  CHECK(dl.errors == 0);
  /* doc/layouts.md's table comes from the same schema: every role and role key is in it. */
  char *table = spec_keys_markdown();
  CHECK(strstr(table, "| `roles.ROLE.line_height` | number | 0.5 to 5 | 1.5 |") != NULL);
  CHECK(strstr(table, "`copy_number`") != NULL && strstr(table, "`masthead_issue`") != NULL);
  CHECK(strstr(table, "| `page.margins.left` | absolute length | 0 to the page's width") != NULL);
  CHECK(strstr(table, "| `key_figures.position` | one of | after_title, end | after_title |") != NULL);
  free(table);
  CHECK(spec_load("no-such-layout", dir, &l, &dl) != 0 && strstr(dl.items[0].message, "brief layouts"));
  spec_free(&l);
  diag_clear(&dl);
  free(dir);
  return check_report();
}
