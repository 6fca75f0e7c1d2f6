/* libFuzzer target: the address book of brief mail (encodings, CSV, rows),
 * the 版记 lookup against it, and the MIME message built from the result
 * (the input's bytes also serve as subject, file name and attachment). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "contacts.h"
#include "frontmatter.h"
#include "mail.h"
#include "util.h"

static const char front[] =
    "---\ncounty: 陇西县\nrecipients:\n  报: 市委组织部，市扶贫办\n  送: 县委、县政府各位领导\n"
    "  发: 各乡镇党委，县直各部门党组织\n---\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  diag_list dl = {0};
  doc_meta meta = {0};
  int body_line;
  frontmatter_parse(front, sizeof front - 1, "fuzz.md", &meta, &body_line, &dl);
  contacts *c = contacts_parse((const char *)data, size, "fuzz.csv", &dl);
  recipient_list to = {0}, cc = {0};
  if (c && contacts_resolve(c, &meta, "fuzz.md", &to, &cc, &dl) == 0 && to.len) {
    char *text = xstrndup((const char *)data, size < 200 ? size : 200);
    mail_message m = {"办公室 <office@example.gov.cn>", &to, &cc, text, text, text, (const char *)data, size, 0};
    size_t n;
    free(mail_build(&m, &n));
    free(text);
  }
  contacts_recipients_free(&to);
  contacts_recipients_free(&cc);
  contacts_free(c);
  doc_meta_free(&meta);
  diag_clear(&dl);
  return 0;
}
