/*
 * utf8.h — the UTF-8 primitives every module needs, inline so that the
 * scanner's inner loops pay no call.  Input to the decoder is already
 * validated (text.c checks and repairs nothing silently), so it decodes
 * without re-checking continuation bytes; utf8_valid_len is the check, for
 * text that comes from elsewhere (JSON input, rule keywords).
 */
#ifndef ENGINE_UTF8_H
#define ENGINE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Decode the code point at s[0..n) (n >= 1) into *cp; returns its length in
 * bytes (1..4).  A truncated sequence decodes as U+FFFD with length 1. */
static inline size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80) { *cp = u[0]; return 1; }
    if (u[0] < 0xE0 && n >= 2) {
        *cp = ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
        return 2;
    }
    if (u[0] < 0xF0 && n >= 3) {
        *cp = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) |
              (u[2] & 0x3F);
        return 3;
    }
    if (n >= 4) {
        *cp = ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) |
              ((uint32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
        return 4;
    }
    *cp = 0xFFFD;
    return 1;
}

/* Encode cp into out (room for 4 bytes); returns the length written. */
static inline size_t utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Start of the character that contains byte i (walks back over
 * continuation bytes). */
static inline size_t utf8_char_start(const char *s, size_t i)
{
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80) i--;
    return i;
}

/* Characters (code points) in s[0..n) of valid UTF-8. */
static inline size_t utf8_count(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Length of the strictly valid UTF-8 sequence at s[0..n) (n >= 1): the
 * shortest form of a scalar value, as RFC 3629 says; 0 if it is not. */
static inline size_t utf8_valid_len(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    if (s[0] < 0x80)
        return 1;
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (len == 0 || s[0] > 0xF4 || n < len)
        return 0;
    for (size_t k = 1; k < len; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    uint32_t cp;
    utf8_decode(str, n, &cp);
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Whether s[0..n) starts with a three-byte character that needs no check
 * beyond its continuation bytes: leads E1..EC and EE..EF can be neither
 * overlong nor a surrogate.  That is nearly every CJK character and
 * full-width form, which then costs one test instead of the full check
 * (utf8_valid_len, or utf8proc's).  Both continuation bytes are tested as
 * one 16-bit value, which reads the same in either byte order. */
static inline bool utf8_plain_three(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    uint16_t tail;
    if (n < 3 || (unsigned)(s[0] - 0xE1) > 0xEF - 0xE1 || s[0] == 0xED)
        return false;
    memcpy(&tail, s + 1, sizeof tail);
    return (tail & 0xC0C0) == 0x8080;
}

/* ---- eight bytes at a time ------------------------------------------- */

/* Eight bytes from p as one word, for the tests below: the scanners cross
 * plain ASCII eight bytes per step. */
static inline uint64_t bytes8(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

#define BYTES8_ONES UINT64_C(0x0101010101010101)
#define BYTES8_HIGH (BYTES8_ONES * 0x80)

/* High bit set in some byte of the result iff some byte of v is below k
 * (k <= 0x80): the borrow of v - k leaves a byte's high bit only where that
 * byte was below k, or above such a byte, so "any" is exact. */
static inline uint64_t bytes8_below(uint64_t v, unsigned char k)
{
    return (v - BYTES8_ONES * k) & ~v;
}

/* The same for "some byte of v equals c". */
static inline uint64_t bytes8_equal(uint64_t v, unsigned char c)
{
    return bytes8_below(v ^ (BYTES8_ONES * c), 1);
}

/* Eight spaces at p.  A pack's clean() blanks whole paragraphs (a body
 * printed twice) into runs of spaces, which the scans cross eight bytes
 * at a time. */
static inline bool spaces8(const char *p)
{
    return bytes8(p) == BYTES8_ONES * ' ';
}

/* The end of the run of spaces from s[i] (i <= len): i itself when s[i]
 * is none. */
static inline size_t spaces_end(const char *s, size_t i, size_t len)
{
    while (len - i >= 8 && spaces8(s + i))
        i += 8;
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

#endif
