/*
 * test_vscan.c — the verbatim runs of the input path and the stop scans of
 * the sentence splitter (vscan.h), with SSE2 and without: each must end
 * where a byte-at-a-time reference says, from every start, with the ending byte at every place of a 16-byte window,
 * runs of 15, 16 and 17 bytes, characters cut by the end of the input,
 * and input and output buffers of exactly the size needed (so that
 * AddressSanitizer sees any read or write past them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vscan.h"

/* ---- references, a byte at a time ------------------------------------ */

/* Length of the strictly valid UTF-8 character at u[0..n), or 0: written
 * out from RFC 3629 here rather than taken from utf8.h, which the
 * portable scan uses. */
static size_t ref_utf8_len(const unsigned char *u, size_t n)
{
    size_t len = u[0] < 0x80 ? 1 : u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t cp = len == 1 ? u[0] : u[0] & (0x7F >> len);
    for (size_t k = 1; k < len; k++) {
        if ((u[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (u[k] & 0x3F);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static size_t ref_json_end(const unsigned char *u, size_t i, size_t n)
{
    while (i < n) {
        if (u[i] < 0x20 || u[i] == '"' || u[i] == '\\')
            return i;
        size_t k = ref_utf8_len(u + i, n - i);
        if (k == 0)
            return i;
        i += k;
    }
    return i;
}

static size_t ref_text_end(const unsigned char *u, size_t i, size_t n)
{
    while (i < n) {
        if (u[i] != 0 && u[i] != '\r' && u[i] < 0x80) {
            i++;
        } else if (u[i] >= 0xE4 && u[i] <= 0xE9 && n - i >= 3 &&
                   (u[i + 1] & 0xC0) == 0x80 && (u[i + 2] & 0xC0) == 0x80) {
            i += 3;
        } else {
            break;
        }
    }
    return i;
}

/* The bytes the sentence scan of segment.c reads, as vscan.h lists them. */
static bool ref_sentence_byte(unsigned char c)
{
    return (c != 0 && strchr(".!?;", c) != NULL) || c == 0xE2 || c == 0xE3 ||
           c == 0xEF;
}

static size_t ref_sentence(const unsigned char *u, size_t i, size_t n)
{
    while (i < n && !ref_sentence_byte(u[i]))
        i++;
    return i;
}

static size_t ref_quote(const unsigned char *u, size_t i, size_t n)
{
    while (i < n && u[i] != 0xE2 && u[i] != 0xE3)
        i++;
    return i;
}

/* Whether u[0..m) (m < 4) begins some valid character: some continuation
 * bytes complete it. */
static bool ref_valid_start(const unsigned char *u, size_t m)
{
    static const unsigned char tails[] = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF};
    unsigned char c[4];
    memcpy(c, u, m);
    for (size_t len = m + 1; len <= 4; len++)
        for (unsigned k = 0; k < 6 * 6 * 6; k++) {
            for (size_t j = m, v = k; j < len; j++, v /= 6)
                c[j] = tails[v % 6];
            if (ref_utf8_len(c, len) == len)
                return true;
        }
    return false;
}

/* Valid UTF-8, perhaps cut inside its last character. */
static bool ref_valid(const unsigned char *u, size_t n)
{
    size_t i = 0, k;
    while (i < n && (k = ref_utf8_len(u + i, n - i)) > 0)
        i += k;
    return i == n || (n - i < 4 && ref_valid_start(u + i, n - i));
}

/* ---- checking every start of one input -------------------------------- */

typedef size_t (*json_fn)(const char *, size_t, size_t, char *);
typedef size_t (*text_fn)(const unsigned char *, size_t, size_t);

static void check_json(json_fn fn, const char *name, const unsigned char *in,
                       size_t n, size_t i)
{
    size_t want = ref_json_end(in, i, n);
    char *out = malloc(n - i ? n - i : 1); /* exactly the room promised */
    assert_non_null(out);
    size_t got = fn((const char *)in, i, n, out);
    if (got != want)
        fail_msg("%s from %zu of %zu bytes: end %zu, want %zu", name, i, n, got, want);
    assert_memory_equal(out, in + i, want - i);
    free(out);
}

static void check_text(text_fn fn, const char *name, const unsigned char *in,
                       size_t n, size_t i)
{
    size_t want = ref_text_end(in, i, n), got = fn(in, i, n);
    if (got != want)
        fail_msg("%s from %zu of %zu bytes: end %zu, want %zu", name, i, n, got, want);
}

/* vscan_text_checked: the same end as vscan_text from the start of each
 * character of valid input; anything in [i, n], read inside the input,
 * from anywhere else. */
static void check_checked(const unsigned char *in, size_t n, size_t i, bool valid)
{
    size_t got = vscan_text_checked(in, i, n);
    if (valid && (i == n || (in[i] & 0xC0) != 0x80)) {
        if (got != ref_text_end(in, i, n))
            fail_msg("vscan_text_checked from %zu of %zu bytes: end %zu, want %zu",
                     i, n, got, ref_text_end(in, i, n));
    } else {
        assert_in_range(got, i, n);
    }
}

/* All five scans from every start of bytes[0..n), read from a heap copy
 * of exactly n bytes. */
/* A stop scan (vscan_sentence, vscan_quote) against its reference, on a
 * buffer of exactly n bytes. */
static void check_stop(text_fn fn, text_fn ref, const char *name,
                       const unsigned char *in, size_t n, size_t i)
{
    size_t want = ref(in, i, n), got = fn(in, i, n);
    if (got != want)
        fail_msg("%s from %zu of %zu bytes: stop %zu, want %zu", name, i, n, got, want);
}

static void check_all(const void *bytes, size_t n)
{
    unsigned char *in = malloc(n ? n : 1);
    assert_non_null(in);
    memcpy(in, bytes, n);
    bool valid = ref_valid(in, n);
    for (size_t i = 0; i <= n; i++) {
        check_checked(in, n, i, valid);
        check_stop(vscan_sentence, ref_sentence, "vscan_sentence", in, n, i);
        check_stop(vscan_sentence_portable, ref_sentence, "vscan_sentence_portable", in, n, i);
        check_stop(vscan_quote, ref_quote, "vscan_quote", in, n, i);
        check_stop(vscan_quote_portable, ref_quote, "vscan_quote_portable", in, n, i);
        check_json(vscan_json, "vscan_json", in, n, i);
        check_json(vscan_json_portable, "vscan_json_portable", in, n, i);
        check_text(vscan_text, "vscan_text", in, n, i);
        check_text(vscan_text_portable, "vscan_text_portable", in, n, i);
    }
    free(in);
}

/* ---- inputs ---------------------------------------------------------- */

typedef struct {
    const char *b;
    size_t n;
} piece;

#define P(s) {s, sizeof s - 1}

/* Characters every scan keeps, or JSON keeps and text stops at. */
static const piece keep[] = {
    P("a"), P(" "), P("~"), P("\x7f"), P("商"), P("务"), P("\xe9\xbf\xbf"),
    P("\xe4\x80\x80"), P("\xea\xb0\x80"), P("\xe3\x80\x80"), P("，"), P("。"),
    P("“"), P("·"), P("é"),
    P("\xe0\xa0\x80"), P("\xed\x9f\xbf"), P("\xee\x80\x80"), P("😀"),
    P("\xf4\x8f\xbf\xbf"), P("\t"), P("\n"),
    /* what the sentence and quote scans stop at, and bytes beside them */
    P("."), P("!"), P("?"), P(";"), P("'"), P(")"), P("]"), P("…"), P("、"),
    P("」"), P("（"), P("("), P("["), P(","), P(":"), P("/"), P("<"), P("^"),
    P("\xe1\x80\x80"), P("\xe4\xb8\x80"), P("\xee\x80\x80"),
};

/* Bytes that end a JSON run, a text run, or both. */
static const piece stop[] = {
    P("\""), P("\\"), P("\x01"), P("\x1f"), P("\r"), {"\0", 1}, P("\xff"),
    P("\xf5"), P("\xc0\xaf"), P("\xc1\xbf"), P("\x80"), P("\xbf"),
    P("\xe0\x80\x80"), P("\xe0\x9f\xbf"), P("\xed\xa0\x80"),
    P("\xf0\x80\x80\x80"), P("\xf4\x90\x80\x80"), P("\xe5\x95\x41"),
    P("\xe5\x41\x86"), P("\xe5\xc0\x86"), P("\xc2\x41"), P("\xe5\x95"),
    P("\xe5"), P("\xf0\x9f\x98"),
};

#define COUNT(a) (sizeof a / sizeof a[0])

static size_t put(unsigned char *buf, size_t at, const piece *p)
{
    memcpy(buf + at, p->b, p->n);
    return at + p->n;
}

/* `len` bytes of ASCII (fill 0) or of ideographs with ASCII to make up
 * the length (fill 1). */
static size_t put_fill(unsigned char *buf, size_t at, size_t len, int fill)
{
    size_t end = at + len;
    while (fill && end - at >= 3)
        at = put(buf, at, &keep[4]);
    while (at < end)
        buf[at++] = 'x';
    return at;
}

/* before bytes of fill, p, then after bytes of fill; returns the length. */
static size_t put_around(unsigned char *buf, size_t before, const piece *p,
                         size_t after, int fill)
{
    return put_fill(buf, put(buf, put_fill(buf, 0, before, fill), p), after, fill);
}

/* Runs of 0..40 bytes (15, 16 and 17 among them) ended by every stop,
 * every kept character after them, and the end of the input right after
 * the stop or 20 bytes later. */
static void test_runs_and_stops(void **state)
{
    (void)state;
    unsigned char buf[128];
    for (int fill = 0; fill < 2; fill++)
        for (size_t len = 0; len <= 40; len++)
            for (size_t s = 0; s < COUNT(stop); s++) {
                check_all(buf, put_around(buf, len, &stop[s], 0, fill));
                check_all(buf, put_around(buf, len, &stop[s], 20, fill));
            }
}

/* A kept character at every place of the first two windows, the run
 * going on to the end of the input or to a quote and a CR. */
static void test_every_place(void **state)
{
    (void)state;
    unsigned char buf[128];
    for (int fill = 0; fill < 2; fill++)
        for (size_t at = 0; at <= 33; at++)
            for (size_t k = 0; k < COUNT(keep); k++)
                for (int closed = 0; closed < 2; closed++) {
                    size_t n = put_around(buf, at, &keep[k], 18, fill);
                    if (closed)
                        n = put(buf, put(buf, n, &stop[0]), &stop[4]);
                    check_all(buf, n);
                }
}

/* The input ends inside a character: cut after each of its bytes, with
 * runs before it of every length around a window. */
static void test_cut_at_the_end(void **state)
{
    (void)state;
    static const piece chars[] = {P("商"), P("é"), P("😀"), P("\xe0\xa0\x80")};
    unsigned char buf[128];
    for (size_t c = 0; c < COUNT(chars); c++)
        for (size_t cut = 1; cut < chars[c].n; cut++)
            for (size_t len = 0; len <= 36; len++)
                for (int fill = 0; fill < 2; fill++) {
                    size_t n = put_fill(buf, 0, len, fill);
                    memcpy(buf + n, chars[c].b, cut);
                    check_all(buf, n + cut);
                }
}

/* Random strings of kept characters with now and then a stop: in every
 * other string only the stops that are valid UTF-8 (the first six), so
 * that vscan_text_checked is compared too. */
static void test_random(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    unsigned char buf[256];
    for (int round = 0; round < 2000; round++) {
        size_t n = 0, stops = round % 2 ? 6 : COUNT(stop);
        while (n < 80) {
            seed = seed * 1103515245u + 12345u;
            uint32_t r = seed >> 8;
            if (r % 23 == 0)
                n = put(buf, n, &stop[(r / 23) % stops]);
            else if (r % 3)
                n = put(buf, n, &keep[4 + (r / 3) % 3]); /* mostly ideographs */
            else
                n = put(buf, n, &keep[(r / 3) % COUNT(keep)]);
            if ((r >> 12) % 97 == 0)
                break;
        }
        check_all(buf, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_and_stops),
        cmocka_unit_test(test_every_place),
        cmocka_unit_test(test_cut_at_the_end),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
