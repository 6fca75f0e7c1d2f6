/* UTF-8 decoding and the character classes Chinese layout needs. */
#ifndef BRIEF_UTF8_H
#define BRIEF_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s (n bytes left). Returns its length in bytes,
 * or 0 for an invalid or truncated sequence. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encodes cp into out (4 bytes at most); returns the length. */
size_t utf8_encode(uint32_t cp, char *out);
/* Offset of the first invalid byte, or -1 when s is valid UTF-8. */
long utf8_invalid_offset(const char *s, size_t n);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_length(const char *s);

/* Han ideographs, kana, hangul: characters set on the em grid. */
bool uchar_is_cjk_ideograph(uint32_t cp);
/* Full-width punctuation of CJK text (，。、“”（）《》… and the fullwidth forms). */
bool uchar_is_cjk_punct(uint32_t cp);
static inline bool is_cjk(uint32_t cp) { return uchar_is_cjk_ideograph(cp) || uchar_is_cjk_punct(cp); }
/* CJK set full width: no space beside it at a soft break, a stretch point
 * when justifying. The dash and middle dot are CJK punctuation set narrow. */
static inline bool is_wide(uint32_t cp) { return is_cjk(cp) && cp != 0x2014 && cp != 0xB7; }
/* Unicode punctuation in the sense cmark-gfm 0.29's flanking rules use (P*, not S*). */
bool uchar_is_punct(uint32_t cp);
bool uchar_is_space(uint32_t cp);
static inline bool is_ascii_alnum(uint32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}
static inline bool is_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

/* clreq prohibition rules. */
bool uchar_cannot_start_line(uint32_t cp);
bool uchar_cannot_end_line(uint32_t cp);
/* Full-width punctuation whose right half is blank (，。）” …): compressible after. */
bool uchar_is_closing_punct(uint32_t cp);
/* Full-width punctuation whose left half is blank (（“《 …): compressible before. */
bool uchar_is_opening_punct(uint32_t cp);
/* Characters that never split from an identical neighbour (—— and ……). */
bool uchar_is_inseparable(uint32_t cp);

#endif
