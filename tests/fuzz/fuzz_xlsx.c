/* libFuzzer target: an .xlsx workbook read (ooxml.c, sheet_xlsx.c,
 * sheet_format.c) into a sheet grid. An input that is not a zip is the
 * worksheet's XML, wrapped with a fixed workbook, shared strings and number
 * formats. */
#include <stdint.h>
#include <stdlib.h>

#include "ooxml_wrap.h"
#include "sheet.h"

static const char *const parts[] = {
    "xl/workbook.xml",
    "<workbook><workbookPr date1904=\"0\"/><sheets><sheet name=\"S\" id=\"rId1\"/></sheets></workbook>",
    "xl/_rels/workbook.xml.rels", "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/></Relationships>",
    "xl/sharedStrings.xml", "<sst><si><t>县(市)</t></si><si><r><t>贫困发生率</t></r><r><t>(%)</t></r></si></sst>",
    "xl/styles.xml",
    "<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"#,##0.0;[Red]\\(#,##0.0\\);&quot;-&quot;\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/></numFmts>"
    "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"10\"/></cellXfs></styleSheet>",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t len = size;
  char *package = NULL;
  if (size < 2 || data[0] != 'P' || data[1] != 'K')
    package = wrap_package(data, size, "xl/worksheets/sheet1.xml", parts, sizeof parts / sizeof *parts, &len);
  diag_list dl = {0};
  sheet_grid g;
  sheet_read_xlsx_memory(package ? package : (const char *)data, len, "fuzz.xlsx", NULL, &g, &dl);
  sheet_grid_free(&g);
  diag_clear(&dl);
  free(package);
  return 0;
}
