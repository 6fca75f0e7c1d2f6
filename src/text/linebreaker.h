/* Line breaking for Chinese text: UAX #14 break opportunities from
 * libunibreak, tailored with the clreq prohibition rules, then greedy
 * filling that squeezes punctuation before it pushes a character to the
 * next line, and justification. Knows characters and widths, nothing else. */
#ifndef BRIEF_LINEBREAKER_H
#define BRIEF_LINEBREAKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { LB_MUST = 0, LB_ALLOW = 1, LB_NO = 2 };

typedef struct {
  uint32_t cp;
  double adv;      /* natural advance, pt */
  double gap;      /* natural glue before this item (CJK–Latin space), pt */
  double shrink;   /* how much adv may shrink when squeezing, pt */
  double hang;     /* how far it may reach past the measure when it ends a line, pt
                    * (a closing mark's blank half, or the whole mark: hanging punctuation) */
  bool space;      /* an inter-word space: stretches, vanishes at line ends */
  bool stretch;    /* justification may add space after this item */
  bool on_grid;    /* it stands on a character grid: justification stretches only
                    * from the line's first Latin letter or digit on (the plain scheme) */
  unsigned char brk; /* break opportunity after this item */
} lb_item;

typedef struct {
  size_t start, end;  /* items [start, end) are on the line; trailing spaces excluded */
  double width;       /* set width after squeezing or stretching */
  bool justified;
} lb_line;

typedef struct {
  lb_line *items;
  size_t len, cap;
} lb_lines;

/* Prepares libunibreak's lookup tables; call once before breaking. */
void linebreak_init(void);

/* libunibreak's UAX #14 breaks ("zh") of text, one entry of brks per code
 * point (utf32) or byte (utf8), for any valid text: U+FFFF, which
 * libunibreak 1.1 takes for the end of the text, included. Every call of
 * libunibreak goes through these two. */
void linebreak_unibreak_utf32(const uint32_t *text, size_t n, char *brks);
void linebreak_unibreak_utf8(const char *text, size_t len, char *brks);

/* Fills items[i].brk from UAX #14 (libunibreak) plus the clreq rules. */
void linebreak_find(lb_item *items, size_t n);

/* Whether a break may come between a and b by the clreq rules alone. */
bool linebreak_clreq_allows(uint32_t a, uint32_t b);

/* Breaks items into lines: the first line is first_width wide, the rest
 * width. extra[i] receives the space to add after item i (negative when
 * squeezed), the line's gap before its next item included. */
void linebreak_lines(const lb_item *items, size_t n, double first_width, double width, bool justify,
                     lb_lines *out, double *extra);

#endif
