/*
 * vscan.c — the verbatim runs of vscan.h.
 */
#include "vscan.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "utf8.h"

/* ---- a character at a time ------------------------------------------- */

/* Whether the eight bytes at s are printable ASCII other than " and \. */
static bool json_plain8(const char *s)
{
    uint64_t v = bytes8(s);
    return ((v | bytes8_below(v, 0x20) | bytes8_equal(v, '"') |
             bytes8_equal(v, '\\')) & BYTES8_HIGH) == 0;
}

/* Length of the one character at s[i] that a JSON string keeps, or 0. */
static size_t json_char(const char *s, size_t i, size_t n)
{
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80)
        return utf8_valid_len(s + i, n - i);
    return c < 0x20 || c == '"' || c == '\\' ? 0 : 1;
}

/* ASCII eight bytes at a time and CJK characters one test each: the bulk
 * of a document; anything else through the full check. */
static size_t json_end(const char *s, size_t i, size_t n)
{
    while (i < n) {
        if ((unsigned char)s[i] >= 0x80 && utf8_plain_three(s + i, n - i)) {
            do
                i += 3;
            while (utf8_plain_three(s + i, n - i));
        } else if (n - i >= 8 && json_plain8(s + i)) {
            i += 8;
        } else {
            size_t k = json_char(s, i, n);
            if (k == 0)
                return i;
            i += k;
        }
    }
    return i;
}

size_t vscan_json_portable(const char *s, size_t i, size_t n, char *out)
{
    size_t end = json_end(s, i, n);
    memcpy(out, s + i, end - i);
    return end;
}

/* ASCII that is copied as it stands: all but NUL and CR. */
#define A16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const unsigned char plain_ascii[256] = {
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1,
    A16, A16, A16, A16, A16, A16, A16};
#undef A16

/* Whether the eight bytes at u are plain ASCII: no high bit, NUL or CR. */
static bool plain_ascii8(const unsigned char *u)
{
    uint64_t v = bytes8(u);
    return ((v | bytes8_below(v, 1) | bytes8_equal(v, '\r')) & BYTES8_HIGH) == 0;
}

/* An ideograph U+4000..U+9FFF (lead E4..E9) with both continuation bytes
 * in place.  Masking the two bytes as one 16-bit value reads the same in
 * either byte order. */
static bool verbatim_ideograph(const unsigned char *u)
{
    uint16_t tail;
    memcpy(&tail, u + 1, sizeof tail);
    return (unsigned)(u[0] - 0xE4) <= 5 && (tail & 0xC0C0) == 0x8080;
}

size_t vscan_text_portable(const unsigned char *u, size_t i, size_t n)
{
    for (;;) {
        while (n - i >= 8 && plain_ascii8(u + i))
            i += 8;
        while (i < n && plain_ascii[u[i]])
            i++;
        if (n - i < 3 || !verbatim_ideograph(u + i))
            return i;
        do
            i += 3;
        while (n - i >= 3 && verbatim_ideograph(u + i));
    }
}

/* The bytes vscan_sentence stops at (vscan.h). */
static const unsigned char sentence_byte[256] = {
    ['.'] = 1, ['!'] = 1, ['?'] = 1, [';'] = 1,
    [0xE2] = 1, [0xE3] = 1, [0xEF] = 1,
};

size_t vscan_sentence_portable(const unsigned char *u, size_t i, size_t n)
{
    while (i < n && !sentence_byte[u[i]])
        i++;
    return i;
}

size_t vscan_quote_portable(const unsigned char *u, size_t i, size_t n)
{
    while (i < n && (u[i] & 0xFE) != 0xE2)
        i++;
    return i;
}

/* ---- sixteen bytes at a time ------------------------------------------ */

#if defined(__SSE2__)

/* Bytes from the start of a 16-byte window that are whole characters of
 * the classes given (a byte mask each): ASCII a, continuation bytes c,
 * two- and three-byte leads l2 and l3.  Every lead must be followed by
 * its continuation bytes, and every continuation byte be one of them: the
 * first byte where that fails, or that is in no class, ends the prefix,
 * and so does the window's end before a character it cuts.  *clean: no
 * byte failed.  The leads' continuation bytes and their characters' last
 * bytes are the lead masks shifted along the window, so all but the
 * last steps stay in vector registers. */
static inline unsigned window_prefix(__m128i a, __m128i c, __m128i l2,
                                     __m128i l3, bool *clean)
{
    __m128i l2_next = _mm_slli_si128(l2, 1), l3_last = _mm_slli_si128(l3, 2);
    __m128i expect = _mm_or_si128(_mm_or_si128(l2_next, l3_last),
                                  _mm_slli_si128(l3, 1));
    __m128i known = _mm_or_si128(_mm_or_si128(a, c), _mm_or_si128(l2, l3));
    __m128i good = _mm_and_si128(known, _mm_cmpeq_epi8(c, expect));
    unsigned bad = ~(unsigned)_mm_movemask_epi8(good) & 0xFFFF;
    unsigned ends = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(a, _mm_or_si128(l2_next, l3_last)));
    *clean = bad == 0;
    if (bad)
        ends &= (1u << __builtin_ctz(bad)) - 1;
    return ends ? 32 - (unsigned)__builtin_clz(ends) : 0;
}

/* lo <= byte <= hi as signed bytes, which puts 0x80..0xFF below 0..0x7F. */
static inline __m128i between(__m128i x, signed char lo, signed char hi)
{
    return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8((char)(lo - 1))),
                         _mm_cmpgt_epi8(_mm_set1_epi8((char)(hi + 1)), x));
}

static inline __m128i continuation(__m128i x)
{
    return _mm_cmpgt_epi8(_mm_set1_epi8((char)0xC0), x); /* 0x80..0xBF */
}

/* The JSON classes: printable ASCII but " and \; the leads C2..DF; the
 * leads E1..EF but ED, whose characters are all scalar values in their
 * shortest form (E0 and ED, and four-byte characters, go through
 * json_char). */
static inline unsigned json_window(__m128i x, bool *clean)
{
    __m128i quote = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
    __m128i bslash = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
    __m128i ascii = _mm_andnot_si128(_mm_or_si128(quote, bslash),
                                     _mm_cmpgt_epi8(x, _mm_set1_epi8(0x1F)));
    __m128i l3 = _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xED)),
                                  between(x, (signed char)0xE1, (signed char)0xEF));
    return window_prefix(ascii, continuation(x),
                         between(x, (signed char)0xC2, (signed char)0xDF), l3,
                         clean);
}

size_t vscan_json(const char *s, size_t i, size_t n, char *out)
{
    /* The window is stored whole as it is tested: the caller's room for
     * n - i bytes covers it while sixteen remain. */
    while (n - i >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)out, x);
        bool clean;
        unsigned k = json_window(x, &clean);
        i += k;
        out += k;
        if (clean)
            continue;
        size_t len = json_char(s, i, n);
        if (len == 0)
            return i;
        memcpy(out, s + i, len);
        i += len;
        out += len;
    }
    return vscan_json_portable(s, i, n, out);
}

/* The text's ASCII class: all but NUL and CR. */
static inline __m128i text_ascii(__m128i x)
{
    return _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\r')),
                            _mm_cmpgt_epi8(x, _mm_setzero_si128()));
}

/* The text classes: ASCII but NUL and CR, and the leads E4..E9. */
static inline unsigned text_window(__m128i x, bool *clean)
{
    return window_prefix(text_ascii(x), continuation(x), _mm_setzero_si128(),
                         between(x, (signed char)0xE4, (signed char)0xE9), clean);
}

size_t vscan_text(const unsigned char *u, size_t i, size_t n)
{
    while (n - i >= 16) {
        bool clean;
        i += text_window(_mm_loadu_si128((const __m128i *)(const void *)(u + i)),
                         &clean);
        if (!clean)
            return i;
    }
    return vscan_text_portable(u, i, n);
}

/* Bytes of the window that are not ASCII but NUL and CR, continuation
 * bytes, or the leads E4..E9. */
static inline unsigned text_window_others(__m128i x)
{
    __m128i ok = _mm_or_si128(_mm_or_si128(text_ascii(x), continuation(x)),
                              between(x, (signed char)0xE4, (signed char)0xE9));
    return ~(unsigned)_mm_movemask_epi8(ok) & 0xFFFF;
}

size_t vscan_text_checked(const unsigned char *u, size_t i, size_t n)
{
    /* A window may begin with the continuation bytes of a character the
     * one before cut, which are in its classes.  Two bytes to spare past
     * the window: a lead in it then has both its continuation bytes in
     * the input even when the input is cut inside a later character. */
    while (n - i >= 18) {
        unsigned others = text_window_others(
            _mm_loadu_si128((const __m128i *)(const void *)(u + i)));
        if (others)
            return i + (unsigned)__builtin_ctz(others);
        i += 16;
    }
    for (int k = 0; k < 2 && i < n && (u[i] & 0xC0) == 0x80; k++)
        i++; /* the rest of a character the last window cut */
    return vscan_text_portable(u, i, n);
}

/* The leads E2 and E3, which differ in the last bit only. */
static inline __m128i quote_leads(__m128i x)
{
    return _mm_cmpeq_epi8(_mm_and_si128(x, _mm_set1_epi8((char)0xFE)),
                          _mm_set1_epi8((char)0xE2));
}

#define IS_BYTE(x, c) _mm_cmpeq_epi8((x), _mm_set1_epi8((char)(c)))

/* The bytes of sentence_byte in the window, as a bit mask: one compare
 * each, but for E2 and E3 (quote_leads). */
static inline unsigned sentence_window(__m128i x)
{
    __m128i ascii = _mm_or_si128(_mm_or_si128(IS_BYTE(x, '.'), IS_BYTE(x, '!')),
                                 _mm_or_si128(IS_BYTE(x, '?'), IS_BYTE(x, ';')));
    __m128i leads = _mm_or_si128(quote_leads(x), IS_BYTE(x, 0xEF));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(ascii, leads));
}

#undef IS_BYTE

size_t vscan_sentence(const unsigned char *u, size_t i, size_t n)
{
    for (; n - i >= 16; i += 16) {
        unsigned m = sentence_window(_mm_loadu_si128((const __m128i *)(const void *)(u + i)));
        if (m)
            return i + (unsigned)__builtin_ctz(m);
    }
    return vscan_sentence_portable(u, i, n);
}

size_t vscan_quote(const unsigned char *u, size_t i, size_t n)
{
    for (; n - i >= 16; i += 16) {
        unsigned m = (unsigned)_mm_movemask_epi8(
            quote_leads(_mm_loadu_si128((const __m128i *)(const void *)(u + i))));
        if (m)
            return i + (unsigned)__builtin_ctz(m);
    }
    return vscan_quote_portable(u, i, n);
}

#else

size_t vscan_text_checked(const unsigned char *u, size_t i, size_t n)
{
    return vscan_text_portable(u, i, n);
}

size_t vscan_json(const char *s, size_t i, size_t n, char *out)
{
    return vscan_json_portable(s, i, n, out);
}

size_t vscan_text(const unsigned char *u, size_t i, size_t n)
{
    return vscan_text_portable(u, i, n);
}

size_t vscan_sentence(const unsigned char *u, size_t i, size_t n)
{
    return vscan_sentence_portable(u, i, n);
}

size_t vscan_quote(const unsigned char *u, size_t i, size_t n)
{
    return vscan_quote_portable(u, i, n);
}

#endif
