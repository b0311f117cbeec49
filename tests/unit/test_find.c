/*
 * test_find.c — find_bytes (find.h) against memmem, which it stands in
 * for: every answer must be the same.  Haystack and needle are copied into
 * heap blocks of their exact size, so that under AddressSanitizer a read
 * past either end (the sixteen-byte blocks are the risk) fails the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "find.h"

/* An exact-size heap copy of s[0..n) (one byte for n = 0). */
static char *copy(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

/* find_bytes and memmem agree on n (nl bytes) in h (hl bytes); returns
 * the offset found, or -1. */
static long same_as_memmem(const char *h, size_t hl, const char *n, size_t nl)
{
    char *hc = copy(h, hl), *nc = copy(n, nl);
    const char *want = memmem(hc, hl, nc, nl), *got = find_bytes(hc, hl, nc, nl);
    if (got != want)
        fail_msg("needle %zu bytes in haystack %zu bytes: found at %ld, memmem at %ld",
                 nl, hl, got ? (long)(got - hc) : -1L, want ? (long)(want - hc) : -1L);
    long at = got ? (long)(got - hc) : -1L;
    free(hc);
    free(nc);
    return at;
}

/* A deterministic generator (xorshift), so that a failure repeats. */
static uint32_t next_random(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* len bytes drawn from the first k bytes of alphabet. */
static void fill(char *out, size_t len, const char *alphabet, uint32_t k, uint32_t *seed)
{
    for (size_t i = 0; i < len; i++)
        out[i] = alphabet[next_random(seed) % k];
}

static void test_edges(void **state)
{
    (void)state;
    assert_int_equal(same_as_memmem("", 0, "", 0), 0);
    assert_int_equal(same_as_memmem("abc", 3, "", 0), 0);
    assert_int_equal(same_as_memmem("", 0, "a", 1), -1);
    assert_int_equal(same_as_memmem("ab", 2, "abc", 3), -1);
    assert_int_equal(same_as_memmem("abc", 3, "abc", 3), 0);
    assert_int_equal(same_as_memmem("abd", 3, "abc", 3), -1);
    /* the first of overlapping matches */
    assert_int_equal(same_as_memmem("xaaaa", 5, "aaa", 3), 1);
    assert_int_equal(same_as_memmem("abababababababababababac", 24, "abac", 4), 20);
    /* first and last bytes right, a middle one wrong */
    assert_int_equal(same_as_memmem("axbxxxxxxxxxxxxxxxxxxxxxxxxxxab", 31, "ayb", 3), -1);
}

/* A needle put at every offset of haystacks around one, two and four
 * blocks long (four are tested at once) and beyond, in filler that holds
 * its first and last bytes elsewhere. */
static void test_every_offset(void **state)
{
    (void)state;
    static const size_t hls[] = {15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65,
                                 79, 80, 81, 95, 96, 97, 127, 128, 129, 143, 144, 145};
    static const size_t nls[] = {1, 2, 3, 4, 15, 16, 17, 31, 32, 33};
    const char *needle = "N0123456789abcdefghijklmnopqrstuvwxyzL";
    char h[160];
    for (size_t a = 0; a < sizeof hls / sizeof *hls; a++) {
        for (size_t b = 0; b < sizeof nls / sizeof *nls; b++) {
            size_t hl = hls[a], nl = nls[b];
            for (size_t at = 0; at + nl <= hl; at++) {
                for (size_t i = 0; i < hl; i++)
                    h[i] = i % 3 ? 'N' : 'L';
                memcpy(h + at, needle, nl);
                assert_true(same_as_memmem(h, hl, needle, nl) <= (long)at);
            }
            /* all but its last byte, at the very end */
            memset(h, '.', hl);
            if (nl > 1 && nl - 1 <= hl) {
                memcpy(h + hl - (nl - 1), needle, nl - 1);
                assert_int_equal(same_as_memmem(h, hl, needle, nl), -1);
            }
        }
    }
}

/* Runs of one byte: every start a candidate. */
static void test_repeated_bytes(void **state)
{
    (void)state;
    char h[200], n[40];
    memset(h, 'a', sizeof h);
    for (size_t nl = 1; nl <= sizeof n; nl++) {
        memset(n, 'a', nl);
        for (size_t hl = 0; hl <= sizeof h; hl += 7)
            same_as_memmem(h, hl, n, nl);
        n[nl - 1] = 'b';
        for (size_t hl = 0; hl <= sizeof h; hl += 7)
            same_as_memmem(h, hl, n, nl);
        h[199] = 'b';
        assert_int_equal(same_as_memmem(h, sizeof h, n, nl), (long)(sizeof h - nl));
        h[199] = 'a';
    }
}

/* CJK words in CJK text, which share their lead bytes. */
static void test_cjk(void **state)
{
    (void)state;
    static const char text[] =
        "公司公告称，2024年上半年营业收入为17.4亿元，同比增长12%；"
        "净利润较上年同期下降，主要因研发投入增加。阅读更多 展开全文";
    static const char *const words[] = {
        "公司", "营业收入", "上年同期", "展开全文", "文", "展开全", "同比下降",
        "阅读更多 展开", "增加。", "，", "亿元，同比", "收入为17.4亿", "全文全文",
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        for (size_t from = 0; from < sizeof text - 1; from++)
            same_as_memmem(text + from, sizeof text - 1 - from, words[i], strlen(words[i]));
    /* one character in a list of clause marks, as s:clause_before asks */
    static const char marks[] = ",;:、。()!?“”「」— \n|‘’\"《》";
    static const char *const chars[] = {"，", "。", "”", "》", "a", ",", "\"", "的", "\x80\x9c"};
    for (size_t i = 0; i < sizeof chars / sizeof *chars; i++)
        same_as_memmem(marks, sizeof marks - 1, chars[i], strlen(chars[i]));
}

/* Random haystacks and needles over small alphabets (many near misses),
 * needles cut from the haystack or made up. */
static void test_random(void **state)
{
    (void)state;
    static const char alphabet[] = "ab\xe5\x85\xac\x80\xff";
    uint32_t seed = 2463534242u;
    char h[300], n[80];
    for (int round = 0; round < 20000; round++) {
        uint32_t k = 2 + next_random(&seed) % 6;
        size_t hl = next_random(&seed) % sizeof h, nl = 1 + next_random(&seed) % 40;
        fill(h, hl, alphabet, k, &seed);
        if (nl <= hl && next_random(&seed) % 2)
            memcpy(n, h + next_random(&seed) % (hl - nl + 1), nl);
        else
            fill(n, nl, alphabet, k, &seed);
        same_as_memmem(h, hl, n, nl);
    }
}

/* Needles past 32 bytes in long text take memmem's way; the answers are
 * the same either side of that line. */
static void test_long_needles(void **state)
{
    (void)state;
    uint32_t seed = 88172645u;
    size_t hl = 5000;
    char *h = malloc(hl);
    assert_non_null(h);
    fill(h, hl, "ab", 2, &seed);
    for (size_t nl = 30; nl <= 70; nl += 4) {
        same_as_memmem(h, hl, h + hl - nl, nl);
        same_as_memmem(h, 1000, h + 500, nl);
        same_as_memmem(h, hl, "ababababababababababababababababababababababababababababababababababababab", nl);
    }
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_every_offset),
        cmocka_unit_test(test_repeated_bytes),
        cmocka_unit_test(test_cjk),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_long_needles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
