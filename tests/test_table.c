/* Table column widths (colwidths.c) and the break opportunities tables
 * rely on (nobreak.c), on synthetic items: CJK one em wide, ASCII half an
 * em (tests/lb_items.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "colwidths.h"
#include "lb_items.h"
#include "nobreak.h"
#include "utf8.h"

#define MAXN 256

/* Items of text with the table's marks; long words open past 8 em. */
static size_t items_of(const char *text, lb_item *items, bool label) {
  size_t n = lb_items_of(text, strlen(text), items);
  linebreak_keep_units(items, n, 8);
  if (label) linebreak_label_breaks(items, n);
  return n;
}

/* Index of the code point where `part` starts in text (as items count). */
static size_t index_of(const char *text, const char *part) {
  const char *p = strstr(text, part);
  CHECK(p != NULL);
  if (!p) return 0;
  size_t k = 0;
  for (const char *q = text; q < p;) {
    uint32_t cp;
    q += utf8_decode(q, strlen(q), &cp);
    k++;
  }
  return k;
}

/* No break opportunity inside `part` of text. */
static bool unbroken(const char *text, const lb_item *items, const char *part) {
  size_t from = index_of(text, part), len = utf8_length(part);
  for (size_t i = from; i + 1 < from + len; i++)
    if (items[i].brk != LB_NO) return false;
  return true;
}

static void test_numbers_dates_labels(void) {
  const char *text = "合计-1,234.56%，其中13.8万元于2020年7月31日到账，截至2020-07-31共＋3.5‰。";
  lb_item items[MAXN];
  items_of(text, items, false);
  CHECK(unbroken(text, items, "-1,234.56%"));
  CHECK(unbroken(text, items, "13.8万"));
  CHECK(unbroken(text, items, "2020年7月31日"));
  CHECK(unbroken(text, items, "2020-07-31"));
  CHECK(unbroken(text, items, "＋3.5‰"));
  /* Text around them still breaks. */
  CHECK(items[index_of(text, "其中") ].brk == LB_ALLOW);
  CHECK(items[index_of(text, "到账")].brk == LB_ALLOW);
  /* Labels of up to four characters never break; longer ones do. */
  const char *labels[] = {"序号", "完成时限", "县扶贫办"};
  for (int i = 0; i < 3; i++) {
    size_t n = items_of(labels[i], items, false);
    for (size_t k = 0; k + 1 < n; k++) CHECK(items[k].brk == LB_NO);
  }
  items_of("县委组织部", items, false);
  CHECK(items[1].brk == LB_ALLOW);
}

static void test_long_words(void) {
  const char *url = "见http://dangjian.people.com.cn/n1/2016/1114/c117092-28859366.html";
  lb_item items[MAXN];
  size_t n = items_of(url, items, false);
  /* Last-resort breaks after a slash (not inside //), a hyphen, before a dot. */
  CHECK(items[index_of(url, "//") ].brk == LB_NO);
  CHECK(items[index_of(url, "/n1") ].brk == LB_ALLOW);
  CHECK(items[index_of(url, ".people") - 1].brk == LB_ALLOW);
  CHECK(items[index_of(url, "-2885")].brk == LB_ALLOW);
  CHECK(unbroken(url, items, "28859366"));
  (void)n;
  /* A short word keeps its dots. */
  const char *word = "网址people.cn";
  items_of(word, items, false);
  CHECK(unbroken(word, items, "people.cn"));
}

/* The break opportunities (indices of the items they follow) of a header. */
static int label_breaks(const char *text, size_t *at) {
  lb_item items[MAXN];
  size_t n = items_of(text, items, true);
  int k = 0;
  for (size_t i = 0; i + 1 < n; i++)
    if (items[i].brk != LB_NO) at[k++] = i;
  return k;
}

static void test_header_breaks(void) {
  size_t at[16];
  /* 贫困/人口/（人） */
  CHECK(label_breaks("贫困人口（人）", at) == 2 && at[0] == 1 && at[1] == 3);
  /* 贫困/发生率/（%） and 驻村/工作队/（支）: no single character left. */
  CHECK(label_breaks("贫困发生率（%）", at) == 2 && at[0] == 1 && at[1] == 4);
  CHECK(label_breaks("驻村工作队（支）", at) == 2 && at[0] == 1 && at[1] == 4);
  /* 金额/（万元）: a two-character name stays whole. */
  CHECK(label_breaks("金额（万元）", at) == 1 && at[0] == 1);
  CHECK(label_breaks("序号", at) == 0);
  CHECK(label_breaks("完成时限", at) == 0);
  /* After a solidus: 人口／户数. */
  CHECK(label_breaks("人口／户数", at) == 1 && at[0] == 2);
}

/* A table of texts, row-major, row 0 the header (max 3 lines). */
typedef struct {
  int rows, cols;
  lb_item *items;
  tw_cell *cells;
  double *line_h;
  tw_input in;
} table;

static void table_make(table *t, int rows, int cols, const char *const *texts, double total) {
  t->rows = rows;
  t->cols = cols;
  t->items = calloc((size_t)(rows * cols) * MAXN, sizeof *t->items);
  t->cells = calloc((size_t)(rows * cols), sizeof *t->cells);
  t->line_h = calloc((size_t)rows, sizeof *t->line_h);
  for (int i = 0; i < rows * cols; i++) {
    lb_item *it = t->items + (size_t)i * MAXN;
    t->cells[i] = (tw_cell){it, items_of(texts[i], it, i < cols), i < cols ? 3 : 0};
  }
  for (int r = 0; r < rows; r++) t->line_h[r] = 1.3;
  t->in = (tw_input){rows, cols, t->cells, t->line_h, 0.5, 0.5, total, 6, NULL, NULL, NULL};
}

static void block_table_free(table *t) {
  free(t->items);
  free(t->cells);
  free(t->line_h);
}

static double sum(const double *w, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += w[i];
  return s;
}

static int lines(const table *t, int r, int col, const double *w) {
  return colwidths_cell_lines(&t->cells[r * t->cols + col], w[col] - t->in.pad_h);
}

/* The statistics table in ems: 序号, 乡镇, four numeric columns
 * and a 33-character remark, 28 ems wide with padding. */
static void test_statistics_table(void) {
  const char *texts[] = {
      "序号", "乡镇", "贫困人口（人）", "贫困发生率（%）", "帮扶资金（万元）", "驻村工作队（支）", "备注",
      "1", "巩昌镇", "3,256", "8.2", "1,234.5", "12", "以中药材产业带动贫困户620户增收，计划今年年底前实现整体脱贫退出",
      "2", "文峰镇", "2,874", "10.6", "986.2", "9", "劳务输转为主",
      "3", "首阳镇", "4,102", "13.8", "1,502", "15", "—",
  };
  bool numeric[] = {true, false, true, true, true, true, false};
  table t;
  table_make(&t, 4, 7, texts, 31.5);
  t.in.numeric = numeric;
  double w[7];
  double h = colwidths_solve(&t.in, w);
  CHECK_NEAR(sum(w, 7), 31.5, 1e-6);         /* the full measure */
  CHECK(lines(&t, 1, 6, w) <= 3);           /* the remark in at most three lines */
  for (int col = 0; col < 7; col++) {
    CHECK(lines(&t, 0, col, w) <= 3);       /* headers in at most three lines */
    for (int r = 1; r < 4; r++)
      if (numeric[col]) CHECK(lines(&t, r, col, w) == 1); /* numbers never break */
  }
  CHECK(lines(&t, 1, 1, w) == 1);           /* nor short labels */
  CHECK_NEAR(h, colwidths_height(&t.in, w), 1e-9);
  /* The old proportional split (minimums, then the rest by how much more
   * each column wants) starves the remark. */
  double min[7], max[7], prop[7], smin = 0, smax = 0;
  for (int col = 0; col < 7; col++) {
    min[col] = max[col] = 0;
    for (int r = 0; r < 4; r++) {
      double mn, mx;
      colwidths_cell_limits(&t.cells[r * 7 + col], 6, &mn, &mx);
      min[col] = fmax(min[col], mn + 0.5);
      max[col] = fmax(max[col], mx + 0.5);
    }
    smin += min[col];
    smax += max[col];
  }
  for (int col = 0; col < 7; col++) prop[col] = min[col] + (31.5 - smin) * (max[col] - min[col]) / (smax - smin);
  CHECK(colwidths_height(&t.in, prop) > h + 1);
  block_table_free(&t);
}

/* Exhaustive search over a grid of widths for three columns, each at
 * least its minimum (numbers and short labels whole, headers in three
 * lines). */
static double brute_force(const tw_input *in, double step) {
  double best = INFINITY, w[3], min[3] = {0, 0, 0};
  for (int col = 0; col < 3; col++)
    for (int r = 0; r < in->rows; r++) {
      double mn, mx;
      colwidths_cell_limits(&in->cells[r * 3 + col], in->long_word, &mn, &mx);
      min[col] = fmax(min[col], mn + in->pad_h);
    }
  for (w[0] = min[0]; w[0] < in->total; w[0] += step)
    for (w[1] = min[1]; w[0] + w[1] + min[2] <= in->total + 1e-9; w[1] += step) {
      w[2] = in->total - w[0] - w[1];
      best = fmin(best, colwidths_height(in, w));
    }
  return best;
}

static void smallest_height(int rows, const char *const *texts, double from, double to) {
  for (double total = from; total <= to; total += 3) {
    table t;
    table_make(&t, rows, 3, texts, total);
    double w[3];
    double h = colwidths_solve(&t.in, w);
    CHECK_NEAR(sum(w, 3), total, 1e-6);
    double best = brute_force(&t.in, 0.25);
    if (h > best + 1e-6) fprintf(stderr, "%s… at %.0f: %.2f, brute force %.2f\n", texts[3], total, h, best);
    CHECK(h <= best + 1e-6);
    block_table_free(&t);
  }
}

static void test_smallest_height(void) {
  const char *a[] = {"项目", "内容", "说明", "一二三四五六七八九十一二三四五六七八九十", "短", "一二三四五六七八九十一二"};
  const char *b[] = {"存在问题", "整改措施", "责任单位", "部分村党组织书记带富能力不强",
                     "开展村党组织书记轮训，每年集中培训不少于2次", "县委组织部"};
  const char *c[] = {"甲", "乙", "丙", "一二三四五六七", "一二三四五六七八九十一二三四五六七八九十一二三", "一二三四"};
  const char *d[] = {"序号", "整改措施", "完成时限",
                     "1", "开展村党组织书记轮训，每年集中培训不少于2次", "2016年12月",
                     "2", "实行驻村考勤月报制度", "2016-12-31",
                     "3", "对215支工作队开展季度考评，末位约谈", "2017年3月"};
  const char *e[] = {"项目", "金额（万元）", "说明",
                     "中药材标准化种植基地", "1,234.5", "省级专项资金，用于基地建设",
                     "电商扶贫服务站", "86.75", "市级配套"};
  smallest_height(2, a, 14, 26);
  smallest_height(2, b, 14, 26);
  smallest_height(2, c, 14, 26);
  smallest_height(4, d, 14, 26);
  smallest_height(3, e, 14, 26);
}

static void test_author_widths_and_room(void) {
  const char *texts[] = {"序号", "金额（万元）", "说明", "1", "1,234.5", "一二三四五六七八九十一二三四五六七八九十"};
  table t;
  table_make(&t, 2, 3, texts, 20);
  bool numeric[] = {true, true, false};
  t.in.numeric = numeric;
  /* An author's width is kept; the others share the rest. */
  double fixed[] = {3, 0, 0}, w[3];
  t.in.fixed = fixed;
  colwidths_solve(&t.in, w);
  CHECK_NEAR(w[0], 3, 1e-9);
  CHECK_NEAR(sum(w, 3), 20, 1e-6);
  CHECK(lines(&t, 1, 1, w) == 1);
  /* Author widths wider than the table shrink to fit it. */
  double too_wide[] = {15, 15, 0};
  t.in.fixed = too_wide;
  colwidths_solve(&t.in, w);
  CHECK_NEAR(sum(w, 3), 20, 1e-6);
  CHECK(w[2] > 0.5);
  /* Room for every cell on one line: the columns grow in proportion to
   * their widest cells. */
  t.in.fixed = NULL;
  t.in.total = 40;
  colwidths_solve(&t.in, w);
  double mn, mx1, mx2;
  colwidths_cell_limits(&t.cells[1], 6, &mn, &mx1);
  colwidths_cell_limits(&t.cells[5], 6, &mn, &mx2);
  CHECK_NEAR((w[1] - 0.5) / (w[2] - 0.5), mx1 / mx2, 1e-9);
  CHECK_NEAR(sum(w, 3), 40, 1e-6);
  block_table_free(&t);
}

static void test_limits(void) {
  lb_item items[MAXN];
  /* A URL counts towards the minimum only up to long_word. */
  tw_cell url = {items, items_of("http://dangjian.people.com.cn/n1/2016/1114/c117092-28859366.html", items, false), 0};
  double mn, mx;
  colwidths_cell_limits(&url, 6, &mn, &mx);
  CHECK(mn <= 6 + 1e-9);
  CHECK(mx > 20);
  /* A number's minimum is all of it. */
  tw_cell num = {items, items_of("-1,234.56%", items, false), 0};
  colwidths_cell_limits(&num, 6, &mn, &mx);
  CHECK_NEAR(mn, 5, 1e-9);
  /* A header within three lines at its narrowest. */
  lb_item h[MAXN];
  tw_cell head = {h, items_of("贫困人口（人）", h, true), 3};
  colwidths_cell_limits(&head, 6, &mn, &mx);
  CHECK(colwidths_cell_lines(&head, mn) <= 3);
  CHECK(mn < 4);
}

static void test_edge_cases(void) {
  /* Empty cells share the width equally; one column takes it all. */
  const char *empty[] = {"", "", "", "", "", ""};
  table t;
  table_make(&t, 2, 3, empty, 12);
  double w[3];
  colwidths_solve(&t.in, w);
  CHECK_NEAR(w[0], 4, 1e-9);
  CHECK_NEAR(w[2], 4, 1e-9);
  block_table_free(&t);
  const char *one[] = {"说明", "一二三四五六七八九十一二三四五六七八九十"};
  table_make(&t, 2, 1, one, 7.5);
  double h = colwidths_solve(&t.in, w);
  CHECK_NEAR(w[0], 7.5, 1e-9);
  CHECK_NEAR(h, 1.3 + 0.5 + 3 * 1.3 + 0.5, 1e-9);
  block_table_free(&t);
  /* Too narrow for the minimums: scaled to the width, never past it. */
  const char *wide[] = {"完成时限", "责任单位", "存在问题", "2016年12月", "县委组织部", "一二三"};
  table_make(&t, 2, 3, wide, 6);
  colwidths_solve(&t.in, w);
  CHECK_NEAR(sum(w, 3), 6, 1e-6);
  CHECK(w[0] > 0 && w[1] > 0 && w[2] > 0);
  CHECK(colwidths_min_total(&t.in) > 6);
  block_table_free(&t);
  /* Too narrow for the labels but not for the numbers: the date stays whole. */
  table_make(&t, 2, 3, wide, 9);
  colwidths_solve(&t.in, w);
  CHECK_NEAR(sum(w, 3), 9, 1e-6);
  CHECK(lines(&t, 1, 0, w) == 1);
  block_table_free(&t);
}

int main(void) {
  test_edge_cases();
  test_numbers_dates_labels();
  test_long_words();
  test_header_breaks();
  test_limits();
  test_statistics_table();
  test_smallest_height();
  test_author_widths_and_room();
  return check_report();
}
