/* libFuzzer target: a .docx package read (ooxml.c, docx.c) and turned into a
 * summary (docx_markdown.c). An input that is not a zip is word/document.xml,
 * wrapped with fixed styles, numbering, footnotes and relationships. */
#include <stdint.h>
#include <stdlib.h>

#include "docx.h"
#include "docx_markdown.h"
#include "ooxml_wrap.h"

#define W "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\""

static const char *const parts[] = {
    "word/styles.xml",
    "<w:styles " W "><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val=\"32\"/></w:rPr></w:rPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:styleId=\"a3\"><w:name w:val=\"标题 1\"/><w:basedOn w:val=\"a4\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"a4\"><w:name w:val=\"x\"/><w:basedOn w:val=\"a3\"/>"
    "<w:pPr><w:outlineLvl w:val=\"1\"/><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:b/><w:sz w:val=\"44\"/></w:rPr></w:style>"
    "<w:style w:type=\"character\" w:styleId=\"s\"><w:name w:val=\"Strong\"/><w:rPr><w:b/></w:rPr></w:style></w:styles>",
    "word/numbering.xml",
    "<w:numbering " W "><w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"decimal\"/></w:lvl>"
    "</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>",
    "word/footnotes.xml",
    "<w:footnotes " W "><w:footnote w:id=\"1\"><w:p><w:r><w:t>注</w:t></w:r></w:p></w:footnote></w:footnotes>",
    "word/_rels/document.xml.rels",
    "<Relationships><Relationship Id=\"rId1\" Target=\"media/image1.png\"/>"
    "<Relationship Id=\"rId2\" Target=\"../../etc/passwd\"/></Relationships>",
    "word/media/image1.png", "\x89PNG\r\n\x1a\n not really",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t len = size;
  char *package = NULL;
  if (size < 2 || data[0] != 'P' || data[1] != 'K')
    package = wrap_package(data, size, "word/document.xml", parts, sizeof parts / sizeof *parts, &len);
  diag_list dl = {0};
  docx_document *d = docx_read(package ? package : (const char *)data, len, "fuzz.docx", &dl);
  if (d) {
    docx_summary s;
    docx_to_summary(d, "fuzz", "fuzz.md", &s);
    docx_summary_free(&s);
    docx_free(d);
  }
  diag_clear(&dl);
  free(package);
  return 0;
}
