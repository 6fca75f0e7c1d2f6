/* Numbered copies: the RANGE of --numbered and 'numbered:', and the 份号
 * entry of the installed layouts (GB/T 9704-2012 7.2.1: six digits, 3号). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "layoutspec.h"
#include "numbered.h"
#include "util.h"

/* The numbers of spec as "1 2 3", or "error: why". */
static char *parse(const char *spec) {
  int *n;
  size_t len;
  char *why;
  if (numbered_parse(spec, &n, &len, &why) != 0) {
    char *s = xasprintf("error: %s", why);
    free(why);
    return s;
  }
  strbuf sb = {0};
  for (size_t i = 0; i < len; i++) sb_printf(&sb, "%s%d", i ? " " : "", n[i]);
  free(n);
  return sb.data ? sb_take(&sb) : xstrdup("");
}

static void check_parse(const char *spec, const char *want) {
  char *got = parse(spec);
  CHECK_STR(got, want);
  free(got);
}

static void check_error(const char *spec, const char *part) {
  char *got = parse(spec);
  CHECK(strncmp(got, "error: ", 7) == 0 && strstr(got, part));
  if (!strstr(got, part)) fprintf(stderr, "  %s -> %s (want '%s')\n", spec, got, part);
  free(got);
}

int main(void) {
  check_parse("1-5", "1 2 3 4 5");
  check_parse("1,4,7-9", "1 4 7 8 9");
  check_parse(" 3 , 1 - 2 ", "3 1 2");          /* the order written, spaces allowed */
  check_parse("2，5", "2 5");                    /* a full-width comma */
  check_parse("999999", "999999");
  check_error("", "empty");
  check_error("5-1", "runs backwards; write 1-5");
  check_error("1,2,1", "copy 1 is numbered twice");
  check_error("0", "from 1 to 999999");
  check_error("1000000", "from 1 to 999999");
  check_error("1-", "last number");
  check_error("1-3x", "unexpected 'x'");
  check_error("a", "expected a copy number");
  check_error("1-20000", "more than 10000");
  int *n = NULL;
  size_t len = 7;
  char *why = NULL;
  CHECK(numbered_parse("1-30", &n, &len, &why) == 0 && len == 30 && n[29] == 30 && !why);
  free(n);

  /* Every installed layout places a 份号; official and briefing as GB/T 9704 says. */
  diag_list dl = {0};
  const char *data = getenv("BRIEF_DATA") ? getenv("BRIEF_DATA") : ".";
  char *dir = path_join(data, "layouts");
  const char *names[] = {"official", "briefing", "plain"};
  for (int i = 0; i < 3; i++) {
    layout_spec l;
    CHECK(spec_load(names[i], dir, &l, &dl) == 0);
    CHECK_STR(l.copy_number.format, "{copy}");
    CHECK(l.copy_number.digits == 6);
    CHECK(l.roles[ROLE_COPY_NUMBER].align == ALIGN_LEFT);
    if (i < 2) CHECK_NEAR(l.roles[ROLE_COPY_NUMBER].size, 16, 0.01); /* 3号 */
    spec_free(&l);
  }
  free(dir);
  diag_clear(&dl);
  return check_report();
}
