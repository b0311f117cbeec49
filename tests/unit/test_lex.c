/*
 * test_lex.c — the lexicon automaton (engine/lex.h): the classic
 * Aho-Corasick cases, Chinese overlaps with exact byte spans, duplicate
 * keywords shared by rules, the caseless and whole-word flags, every
 * error path (each allocation failed in turn, SQLite-style), and a
 * property test against a naive matcher on random pattern sets.
 *
 * Most cases run twice, with the default dense table and with only the
 * root dense, because the two code paths (full DFA rows, sparse edges with
 * failure links) must agree; lex_set_dense_limit exists partly for this.
 * Texts from 1 KiB on take lex_scan's interleaved lanes, so the long-text
 * cases check warm-up, matches across lane and block boundaries, and the
 * re-scan when a lane records too many hits.
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

#include "lex.h"

/* ---- helpers ---------------------------------------------------------- */

typedef struct {
    uint32_t id;
    size_t start, end;
} hit;

typedef struct {
    hit *v;
    size_t n, cap;
    size_t stop_after; /* sink returns 7 after this many calls; 0 = never */
} hits;

typedef struct {
    const char *s;
    uint32_t id;
    unsigned flags;
} pat;

static void hits_push(hits *h, uint32_t id, size_t start, size_t end)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->v = realloc(h->v, h->cap * sizeof *h->v);
        assert_non_null(h->v);
    }
    h->v[h->n++] = (hit){id, start, end};
}

static int collect(void *ud, uint32_t id, size_t start, size_t end)
{
    hits *h = ud;
    hits_push(h, id, start, end);
    return h->stop_after && h->n >= h->stop_after ? 7 : 0;
}

static lex_automaton *build_limit(const pat *p, size_t n, size_t limit)
{
    lex_automaton *a = lex_new();
    assert_non_null(a);
    assert_int_equal(lex_set_dense_limit(a, limit), LEX_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(lex_add(a, p[i].s, strlen(p[i].s), p[i].id,
                                 p[i].flags),
                         LEX_OK);
    assert_int_equal(lex_compile(a), LEX_OK);
    return a;
}

static hits scan_text(const lex_automaton *a, const char *text)
{
    hits h = {0};
    assert_int_equal(lex_scan(a, text, strlen(text), collect, &h), 0);
    return h;
}

static void print_hits(const char *what, const hit *v, size_t n)
{
    fprintf(stderr, "%s (%zu):\n", what, n);
    for (size_t i = 0; i < n && i < 40; i++)
        fprintf(stderr, "  id %u [%zu, %zu)\n", v[i].id, v[i].start,
                v[i].end);
}

static void expect_hits(const hits *h, const hit *want, size_t n)
{
    bool same = h->n == n;
    for (size_t i = 0; same && i < n; i++)
        same = h->v[i].id == want[i].id && h->v[i].start == want[i].start &&
               h->v[i].end == want[i].end;
    if (!same) {
        print_hits("got", h->v, h->n);
        print_hits("want", want, n);
    }
    assert_true(same);
}

/* Builds with both table shapes, scans text, and checks the hits. */
static void check_both(const pat *p, size_t np, const char *text,
                       const hit *want, size_t nw)
{
    const size_t limits[] = {LEX_DENSE_LIMIT_DEFAULT, 0};
    for (size_t k = 0; k < 2; k++) {
        lex_automaton *a = build_limit(p, np, limits[k]);
        hits h = scan_text(a, text);
        expect_hits(&h, want, nw);
        free(h.v);
        lex_free(a);
    }
}

#define N(arr) (sizeof(arr) / sizeof((arr)[0]))

/* ---- life cycle and errors -------------------------------------------- */

static void test_new_free(void **state)
{
    (void)state;
    lex_automaton *a = lex_new();
    assert_non_null(a);
    lex_stats st = lex_get_stats(a);
    assert_int_equal(st.patterns, 0);
    assert_int_equal(st.states, 0);
    assert_true(st.memory > 0);
    lex_free(a);
    lex_free(NULL);
}

static void test_compile_empty_set(void **state)
{
    (void)state;
    lex_automaton *a = lex_new();
    assert_int_equal(lex_compile(a), LEX_EEMPTY);
    assert_int_equal(lex_compile(NULL), LEX_EINVAL);
    lex_free(a);
}

static void test_add_rejects_empty_and_null(void **state)
{
    (void)state;
    lex_automaton *a = lex_new();
    assert_int_equal(lex_add(a, "", 0, 1, 0), LEX_EINVAL);
    assert_int_equal(lex_add(a, NULL, 3, 1, 0), LEX_EINVAL);
    assert_int_equal(lex_add(NULL, "abc", 3, 1, 0), LEX_EINVAL);
    assert_int_equal(lex_get_stats(a).patterns, 0);
    lex_free(a);
}

static void test_add_rejects_unknown_flags(void **state)
{
    (void)state;
    lex_automaton *a = lex_new();
    assert_int_equal(lex_add(a, "abc", 3, 1, 1u << 5), LEX_EINVAL);
    assert_int_equal(lex_add(a, "abc", 3, 1, LEX_WORD | LEX_ASCII_CASELESS),
                     LEX_OK);
    lex_free(a);
}

static void test_add_rejects_invalid_utf8(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\x80",             /* lone continuation byte */
        "\xE9\x98",         /* truncated 3-byte sequence (阿 is E9 98 BF) */
        "a\xE9\x98",        /* truncated at the end */
        ("\xE9\x98" "a"),   /* truncated in the middle */
        "\xC0\x80",         /* overlong NUL */
        "\xE0\x80\xAF",     /* overlong '/' */
        "\xED\xA0\x80",     /* UTF-16 surrogate */
        "\xF4\x90\x80\x80", /* above U+10FFFF */
        "\xF5\x80\x80\x80", /* lead byte never valid */
        "\xFF",
    };
    lex_automaton *a = lex_new();
    for (size_t i = 0; i < N(bad); i++)
        assert_int_equal(lex_add(a, bad[i], strlen(bad[i]), 1, 0), LEX_EUTF8);
    assert_int_equal(lex_get_stats(a).patterns, 0);
    lex_free(a);
}

static void test_add_accepts_four_byte_and_nul(void **state)
{
    (void)state;
    static const char emoji[] = "\xF0\x9F\x93\x88"; /* 📈 */
    static const char withnul[] = {'a', '\0', 'b'};
    static const char text[] = {'x', 'a', '\0', 'b', ' ', '\xF0', '\x9F',
                                '\x93', '\x88'};
    lex_automaton *a = lex_new();
    assert_int_equal(lex_add(a, emoji, 4, 1, 0), LEX_OK);
    assert_int_equal(lex_add(a, withnul, 3, 2, 0), LEX_OK);
    assert_int_equal(lex_compile(a), LEX_OK);
    hits h = {0};
    assert_int_equal(lex_scan(a, text, sizeof text, collect, &h), 0);
    const hit want[] = {{2, 1, 4}, {1, 5, 9}};
    expect_hits(&h, want, N(want));
    free(h.v);
    lex_free(a);
}

static void test_state_errors(void **state)
{
    (void)state;
    lex_automaton *a = lex_new();
    hits h = {0};
    assert_int_equal(lex_add(a, "abc", 3, 1, 0), LEX_OK);
    assert_int_equal(lex_scan(a, "abc", 3, collect, &h), LEX_ESTATE);
    assert_int_equal(lex_compile(a), LEX_OK);
    assert_int_equal(lex_add(a, "def", 3, 2, 0), LEX_ESTATE);
    assert_int_equal(lex_compile(a), LEX_ESTATE);
    assert_int_equal(lex_set_dense_limit(a, 0), LEX_ESTATE);
    assert_int_equal(lex_set_dense_limit(NULL, 0), LEX_EINVAL);
    assert_int_equal(h.n, 0);
    lex_free(a);
}

static void test_scan_bad_args(void **state)
{
    (void)state;
    const pat p[] = {{"abc", 1, 0}};
    lex_automaton *a = build_limit(p, 1, LEX_DENSE_LIMIT_DEFAULT);
    hits h = {0};
    assert_int_equal(lex_scan(a, "abc", 3, NULL, &h), LEX_EINVAL);
    assert_int_equal(lex_scan(a, NULL, 3, collect, &h), LEX_EINVAL);
    assert_int_equal(lex_scan(NULL, "abc", 3, collect, &h), LEX_EINVAL);
    assert_int_equal(lex_scan(a, NULL, 0, collect, &h), 0);
    assert_int_equal(h.n, 0);
    lex_free(a);
}

static void test_strerror(void **state)
{
    (void)state;
    for (int c = 0; c >= -7; c--) {
        assert_non_null(lex_strerror(c));
        assert_true(strlen(lex_strerror(c)) > 0);
    }
    assert_string_equal(lex_strerror(LEX_ENOMEM), "out of memory");
}

/* ---- matching --------------------------------------------------------- */

static void test_ushers(void **state)
{
    (void)state;
    const pat p[] = {{"he", 1, 0}, {"she", 2, 0}, {"his", 3, 0},
                     {"hers", 4, 0}};
    const hit want[] = {{2, 1, 4}, {1, 2, 4}, {4, 2, 6}};
    check_both(p, N(p), "ushers", want, N(want));
}

static void test_chinese_overlaps(void **state)
{
    (void)state;
    const pat p[] = {{"阿里", 1, 0}, {"阿里巴巴", 2, 0}, {"阿里云", 3, 0},
                     {"阿里巴巴集团", 4, 0}};
    /* 阿0 里3 巴6 巴9 集12 团15 旗18 下21 的24 阿27 里30 云33 ,36 */
    const char *text = "阿里巴巴集团旗下的阿里云，";
    const hit want[] = {{1, 0, 6},   {2, 0, 12}, {4, 0, 18},
                        {1, 27, 33}, {3, 27, 36}};
    check_both(p, N(p), text, want, N(want));
}

static void test_failure_links_deep(void **state)
{
    (void)state;
    /* After "abcd" fails on 'e' the automaton must resume in "bcd"/"cde"
     * without rescanning. */
    const pat p[] = {{"abcdx", 1, 0}, {"bcde", 2, 0}, {"cd", 3, 0},
                     {"e", 4, 0}};
    const hit want[] = {{3, 2, 4}, {2, 1, 5}, {4, 4, 5}};
    check_both(p, N(p), "abcde", want, N(want));
}

static void test_duplicate_pattern_ids(void **state)
{
    (void)state;
    /* Two rules share a keyword: both ids, ascending, whatever the order
     * they were added in. */
    const pat p[] = {{"营收", 9, 0}, {"营收", 4, 0}, {"营业收入", 5, 0}};
    const char *text = "公司营收增长，营业收入";
    /* 公0 司3 营6 收9 增12 长15 ，18 营21 业24 收27 入30 */
    const hit want[] = {{4, 6, 12}, {9, 6, 12}, {5, 21, 33}};
    check_both(p, N(p), text, want, N(want));
}

static void test_duplicate_same_id_once(void **state)
{
    (void)state;
    const pat p[] = {{"净利润", 3, 0}, {"净利润", 3, 0}, {"利润", 3, 0}};
    const hit want[] = {{3, 0, 9}, {3, 3, 9}};
    check_both(p, N(p), "净利润", want, N(want));
}

static void test_many_rules_share_keyword(void **state)
{
    (void)state;
    lex_automaton *a = lex_new();
    for (uint32_t id = 1000; id > 0; id--)
        assert_int_equal(lex_add(a, "营收", strlen("营收"), id, 0), LEX_OK);
    assert_int_equal(lex_compile(a), LEX_OK);
    hits h = scan_text(a, "营收营收");
    assert_int_equal(h.n, 2000);
    for (size_t i = 0; i < h.n; i++) {
        assert_int_equal(h.v[i].id, i % 1000 + 1);
        assert_int_equal(h.v[i].start, i < 1000 ? 0 : 6);
    }
    free(h.v);
    lex_free(a);
}

static void test_suffix_patterns(void **state)
{
    (void)state;
    const pat p[] = {{"巴巴", 1, 0}, {"阿里巴巴", 2, 0}, {"集团", 3, 0},
                     {"巴巴集团", 4, 0}};
    const hit want[] = {{2, 0, 12}, {1, 6, 12}, {4, 6, 18}, {3, 12, 18}};
    check_both(p, N(p), "阿里巴巴集团", want, N(want));
}

static void test_start_and_end_of_text(void **state)
{
    (void)state;
    const pat p[] = {{"商汤", 1, 0}, {"阿里", 2, 0}};
    const hit want[] = {{1, 0, 6}, {2, 12, 18}};
    check_both(p, N(p), "商汤求药阿里", want, N(want));
}

static void test_whole_text_and_prefix_only(void **state)
{
    (void)state;
    const pat p[] = {{"阿里巴巴", 1, 0}};
    const hit want[] = {{1, 0, 12}};
    check_both(p, N(p), "阿里巴巴", want, N(want));
    check_both(p, N(p), "阿里巴", NULL, 0);
    check_both(p, N(p), "里巴巴", NULL, 0);
}

static void test_empty_text(void **state)
{
    (void)state;
    const pat p[] = {{"a", 1, 0}};
    check_both(p, N(p), "", NULL, 0);
}

static void test_repeated_overlaps(void **state)
{
    (void)state;
    const pat p[] = {{"aa", 1, 0}, {"a", 2, 0}};
    const hit want[] = {{2, 0, 1}, {1, 0, 2}, {2, 1, 2}, {1, 1, 3},
                        {2, 2, 3}, {1, 2, 4}, {2, 3, 4}};
    check_both(p, N(p), "aaaa", want, N(want));
}

static void test_sink_stops_early(void **state)
{
    (void)state;
    const pat p[] = {{"a", 1, 0}, {"aa", 2, 0}};
    lex_automaton *a = build_limit(p, N(p), LEX_DENSE_LIMIT_DEFAULT);
    hits h = {.stop_after = 3};
    /* Stops in the middle of the matches of one span, too. */
    assert_int_equal(lex_scan(a, "aaaa", 4, collect, &h), 7);
    const hit want[] = {{1, 0, 1}, {2, 0, 2}, {1, 1, 2}};
    expect_hits(&h, want, N(want));
    free(h.v);
    lex_free(a);
}

static void test_caseless(void **state)
{
    (void)state;
    const pat p[] = {{"Revenue", 1, LEX_ASCII_CASELESS}};
    const hit want[] = {{1, 0, 7}, {1, 8, 15}, {1, 16, 23}};
    check_both(p, N(p), "revenue REVENUE ReVeNuE", want, N(want));
}

static void test_case_sensitive_exact(void **state)
{
    (void)state;
    const pat p[] = {{"Revenue", 1, 0}, {"CEO", 2, 0}};
    const hit want[] = {{1, 16, 23}, {2, 24, 27}};
    check_both(p, N(p), "revenue REVENUE Revenue CEO ceo", want, N(want));
}

static void test_caseless_only_ascii(void **state)
{
    (void)state;
    /* É (U+00C9) is not folded to é: only ASCII letters are caseless. */
    const pat p[] = {{"société", 1, LEX_ASCII_CASELESS}};
    const hit want[] = {{1, 0, 9}};
    check_both(p, N(p), "SOCIéTé SOCIÉTÉ", want, N(want));
}

static void test_caseless_and_exact_same_id(void **state)
{
    (void)state;
    /* One id spelled twice: reported once per span. */
    const pat p[] = {{"AI", 5, 0}, {"ai", 5, LEX_ASCII_CASELESS},
                     {"Ai", 6, 0}};
    const hit want[] = {{5, 0, 2}, {5, 3, 5}, {6, 3, 5}};
    check_both(p, N(p), "AI Ai", want, N(want));
}

static void test_word_boundary_ascii(void **state)
{
    (void)state;
    const pat p[] = {{"rev", 1, LEX_WORD}, {"rev", 2, 0}};
    /* "previous" p0 r1; "rev." at 9; "(rev)" rev at 15; "rev_x" at 20 */
    const hit want[] = {{2, 1, 4}, {1, 9, 12}, {2, 9, 12}, {1, 15, 18},
                        {2, 15, 18}, {2, 20, 23}};
    check_both(p, N(p), "previous rev. (rev) rev_x", want, N(want));
}

static void test_word_boundary_cjk_neighbours(void **state)
{
    (void)state;
    const pat p[] = {{"AI", 1, LEX_WORD}};
    /* 生0 成3 式6 A9 I10 业11 务14 ，17 M20 A21 I22 L23 */
    const hit want[] = {{1, 9, 11}};
    check_both(p, N(p), "生成式AI业务，MAIL", want, N(want));
}

static void test_word_flag_on_cjk_pattern(void **state)
{
    (void)state;
    /* CJK has no word boundaries: the flag changes nothing here. */
    const pat p[] = {{"营收", 1, LEX_WORD}};
    const hit want[] = {{1, 3, 9}, {1, 10, 16}};
    check_both(p, N(p), "总营收a营收额", want, N(want));
}

static void test_word_boundary_digits_and_latin(void **state)
{
    (void)state;
    const pat p[] = {{"Q3", 1, LEX_WORD}, {"caf", 2, LEX_WORD}};
    /* "Q35" no; "2024Q3" no ('4' is a word character); "(Q3)" yes;
     * "café" no (é is a Latin letter); "caf×" yes (× is not). */
    const char *text = "Q35 2024Q3 (Q3) café caf×";
    const hit want[] = {{1, 12, 14}, {2, 22, 25}};
    check_both(p, N(p), text, want, N(want));
}

static void test_word_mixed_pattern(void **state)
{
    (void)state;
    /* Only the ASCII end of "A股" is checked. */
    const pat p[] = {{"A股", 1, LEX_WORD}};
    /* 发0 行3 A6 股7 ，10 B13 A14 股15 ，18 A21 股22 份25 */
    const hit want[] = {{1, 6, 10}, {1, 21, 25}};
    check_both(p, N(p), "发行A股，BA股，A股份", want, N(want));
}

static void test_word_at_text_ends(void **state)
{
    (void)state;
    const pat p[] = {{"ipo", 1, LEX_WORD | LEX_ASCII_CASELESS}};
    const hit want[] = {{1, 0, 3}, {1, 10, 13}};
    check_both(p, N(p), "IPO, ipoX ipo", want, N(want));
}

/* ---- memory ----------------------------------------------------------- */

typedef struct {
    size_t live;
    long budget; /* allocations left before failing; < 0 = unlimited */
} tally;

static void *tally_alloc(void *ud, void *p, size_t osize, size_t nsize)
{
    tally *t = ud;
    if (nsize == 0) {
        free(p);
        t->live -= osize;
        return NULL;
    }
    if (t->budget == 0)
        return NULL;
    if (t->budget > 0)
        t->budget--;
    void *q = realloc(p, nsize);
    if (q)
        t->live = t->live - osize + nsize;
    return q;
}

static const pat oom_pats[] = {
    {"阿里巴巴", 1, 0},  {"阿里", 2, 0},    {"Revenue", 3, 0},
    {"ipo", 4, LEX_WORD | LEX_ASCII_CASELESS}, {"营收", 5, 0},
    {"营收", 6, 0},      {"集团", 7, 0},    {"巴巴集团", 8, 0},
};
static const char oom_text[] = "阿里巴巴集团 Revenue IPO 营收";

static void check_oom_result(const lex_automaton *a)
{
    hits h = scan_text(a, oom_text);
    const hit want[] = {{2, 0, 6},  {1, 0, 12},  {8, 6, 18},  {7, 12, 18},
                        {3, 19, 26}, {4, 27, 30}, {5, 31, 37}, {6, 31, 37}};
    expect_hits(&h, want, N(want));
    free(h.v);
}

/* Fails the k-th allocation for k = 0, 1, 2, ... until a whole build
 * succeeds: every failure must be reported, leak nothing, leave the
 * memory count exact, and leave the automaton usable (compile is retried
 * with an unlimited budget). */
static void test_oom_every_allocation(void **state)
{
    (void)state;
    for (long k = 0;; k++) {
        tally t = {0, k};
        lex_automaton *a = lex_new_with(tally_alloc, &t);
        if (!a) {
            assert_int_equal(t.live, 0);
            continue;
        }
        assert_int_equal(lex_set_dense_limit(a, k % 2 ? 0 : LEX_DENSE_LIMIT_DEFAULT), LEX_OK);
        int rc = LEX_OK;
        for (size_t i = 0; i < N(oom_pats) && rc == LEX_OK; i++)
            rc = lex_add(a, oom_pats[i].s, strlen(oom_pats[i].s),
                         oom_pats[i].id, oom_pats[i].flags);
        assert_true(rc == LEX_OK || rc == LEX_ENOMEM);
        assert_int_equal(lex_get_stats(a).memory, t.live);
        bool failed = rc != LEX_OK;
        if (!failed) {
            rc = lex_compile(a);
            assert_true(rc == LEX_OK || rc == LEX_ENOMEM);
            assert_int_equal(lex_get_stats(a).memory, t.live);
            if (rc == LEX_ENOMEM) {
                failed = true;
                t.budget = -1;
                assert_int_equal(lex_compile(a), LEX_OK);
            }
            check_oom_result(a);
        }
        lex_free(a);
        assert_int_equal(t.live, 0);
        if (!failed)
            break;
        assert_true(k < 1000);
    }
}

static void test_stats(void **state)
{
    (void)state;
    tally t = {0, -1};
    lex_automaton *a = lex_new_with(tally_alloc, &t);
    assert_int_equal(lex_add(a, "he", 2, 1, 0), LEX_OK);
    assert_int_equal(lex_add(a, "she", 3, 2, 0), LEX_OK);
    assert_int_equal(lex_add(a, "she", 3, 3, 0), LEX_OK);
    assert_int_equal(lex_compile(a), LEX_OK);
    lex_stats st = lex_get_stats(a);
    assert_int_equal(st.patterns, 3);
    assert_int_equal(st.states, 6); /* root, h, he, s, sh, she */
    assert_int_equal(st.dense_states, 6);
    assert_int_equal(st.classes, 4); /* e, h, s and everything else */
    assert_int_equal(st.memory, t.live);
    lex_free(a);
    assert_int_equal(t.live, 0);
}

/* ---- properties ------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s) /* splitmix64: fixed seeds, same runs */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static size_t rng_below(uint64_t *s, size_t n)
{
    return (size_t)(rng_next(s) % n);
}

/* The reference's own notion of a word character, written from lex.h's
 * words rather than shared with the code under test. */
static bool ref_word(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return c == '_' || (c >= '0' && c <= '9') ||
               ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    if (c < 0xC0 || c >= 0xE0 || n < 2)
        return false;
    unsigned cp = (c & 0x1Fu) << 6 | (s[1] & 0x3Fu);
    return cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7;
}

static bool ref_word_before(const char *text, size_t at)
{
    size_t i = at - 1;
    while (i > 0 && ((unsigned char)text[i] & 0xC0) == 0x80)
        i--;
    return ref_word((const unsigned char *)text + i, at - i);
}

static bool ref_equal(const char *x, const char *y, size_t n, bool caseless)
{
    if (!caseless)
        return memcmp(x, y, n) == 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)x[i], b = (unsigned char)y[i];
        if (a >= 'A' && a <= 'Z')
            a |= 0x20;
        if (b >= 'A' && b <= 'Z')
            b |= 0x20;
        if (a != b)
            return false;
    }
    return true;
}

static bool ref_at(const pat *p, const char *text, size_t len, size_t at)
{
    size_t n = strlen(p->s);
    if (!ref_equal(text + at, p->s, n, p->flags & LEX_ASCII_CASELESS))
        return false;
    if (!(p->flags & LEX_WORD))
        return true;
    const unsigned char *ps = (const unsigned char *)p->s;
    size_t last = n - 1;
    while (last > 0 && (ps[last] & 0xC0) == 0x80)
        last--;
    if (ref_word(ps, n) && at > 0 && ref_word_before(text, at))
        return false;
    if (ref_word(ps + last, n - last) && at + n < len &&
        ref_word((const unsigned char *)text + at + n, len - at - n))
        return false;
    return true;
}

static int hit_order(const void *x, const void *y)
{
    const hit *l = x, *r = y;
    if (l->end != r->end)
        return l->end < r->end ? -1 : 1;
    if (l->start != r->start)
        return l->start < r->start ? -1 : 1;
    return (l->id > r->id) - (l->id < r->id);
}

/* Every pattern tried at every offset, sorted into lex_scan's order. */
static hits ref_scan(const pat *p, size_t np, const char *text)
{
    size_t len = strlen(text);
    hits h = {0};
    for (size_t i = 0; i < np; i++) {
        size_t n = strlen(p[i].s);
        for (size_t at = 0; at + n <= len; at++) {
            if (ref_at(&p[i], text, len, at))
                hits_push(&h, p[i].id, at, at + n);
        }
    }
    if (h.n)
        qsort(h.v, h.n, sizeof *h.v, hit_order);
    size_t w = 0;
    for (size_t i = 0; i < h.n; i++) {
        if (w == 0 || hit_order(&h.v[w - 1], &h.v[i]) != 0)
            h.v[w++] = h.v[i];
    }
    h.n = w;
    return h;
}

/* A small alphabet so that patterns overlap and repeat a lot: ASCII both
 * cases, digits, punctuation, CJK, Latin letters, a 4-byte character. */
static const char *const alphabet[] = {
    "a", "b", "A", "B", "1", "_", " ", "-", "阿", "里", "巴", "云",
    "é", "É", "×", "\xF0\x9F\x93\x88",
};

static char *random_string(uint64_t *rng, size_t chars, size_t nalpha)
{
    char *s = malloc(chars * 4 + 1);
    assert_non_null(s);
    size_t n = 0;
    for (size_t i = 0; i < chars; i++) {
        const char *c = alphabet[rng_below(rng, nalpha)];
        size_t k = strlen(c);
        memcpy(s + n, c, k);
        n += k;
    }
    s[n] = '\0';
    return s;
}

/* The automaton, with each table shape, against the reference. */
static void check_vs_ref(const pat *p, size_t np, const char *text)
{
    hits want = ref_scan(p, np, text);
    const size_t limits[] = {LEX_DENSE_LIMIT_DEFAULT, 0, 2048};
    for (size_t k = 0; k < N(limits); k++) {
        lex_automaton *a = build_limit(p, np, limits[k]);
        hits got = scan_text(a, text);
        expect_hits(&got, want.v, want.n);
        free(got.v);
        lex_free(a);
    }
    free(want.v);
}

static void free_pats(pat *p, size_t np)
{
    for (size_t i = 0; i < np; i++)
        free((char *)p[i].s);
    free(p);
}

static pat *random_pats(uint64_t *rng, size_t np, size_t maxchars,
                        size_t nalpha)
{
    pat *p = calloc(np, sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < np; i++) {
        p[i].s = random_string(rng, 1 + rng_below(rng, maxchars), nalpha);
        p[i].id = (uint32_t)rng_below(rng, np); /* shared ids too */
        p[i].flags = (unsigned)rng_below(rng, 4);
    }
    return p;
}

static void property_round(uint64_t seed, size_t np, size_t maxchars,
                           size_t nalpha, size_t textchars)
{
    uint64_t rng = seed;
    pat *p = random_pats(&rng, np, maxchars, nalpha);
    char *text = random_string(&rng, textchars, nalpha);
    check_vs_ref(p, np, text);
    free(text);
    free_pats(p, np);
}

static void test_property_random_vs_naive(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        property_round(seed, 40, 5, 4, 4000);       /* dense overlaps */
        property_round(seed * 7919, 300, 5, N(alphabet), 4000);
    }
}

/* Texts long enough for the lock-step lanes of lex_scan.c (from 1 KiB on,
 * several blocks from 32 KiB on), with lengths that do not divide evenly,
 * and matches that straddle lane and block boundaries. */
static void test_property_long_texts(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 4; seed++) {
        property_round(seed, 30, 12, 4, 40000 + seed * 777);
        property_round(seed * 31, 120, 6, N(alphabet), 50000 + seed);
    }
}

/* Names packed so closely (1 to 3 filler bytes apart) that every lane and
 * block boundary, wherever the scan puts it, falls inside or right next
 * to one. */
static void test_matches_across_lane_boundaries(void **state)
{
    (void)state;
    const pat p[] = {{"阿里巴巴集团", 1, 0}, {"巴巴", 2, 0},
                     {"ipo", 3, LEX_WORD | LEX_ASCII_CASELESS}};
    uint64_t rng = 7;
    for (size_t len = 1000; len < 120000; len = len * 3 + 17) {
        char *text = malloc(len + 1);
        assert_non_null(text);
        memset(text, '.', len);
        for (size_t at = 0; at + 21 < len;) {
            bool ipo = rng_below(&rng, 8) == 0;
            memcpy(text + at, ipo ? "IPO" : "阿里巴巴集团", ipo ? 3 : 18);
            at += (ipo ? 3 : 18) + 1 + rng_below(&rng, 3);
        }
        text[len] = '\0';
        check_vs_ref(p, N(p), text);
        free(text);
    }
}

/* A hit at every byte overflows the lanes' hit records, so parts of
 * segments are re-scanned serially; a sink stop anywhere in that still
 * sees exactly the first hits, in order. */
static void test_dense_hits_and_stops(void **state)
{
    (void)state;
    const pat p[] = {{"a", 1, 0}, {"aa", 2, 0}, {"aaa", 3, 0}};
    size_t len = 40000;
    char *text = malloc(len + 1);
    assert_non_null(text);
    memset(text, 'a', len);
    text[len] = '\0';
    check_vs_ref(p, N(p), text);
    hits want = ref_scan(p, N(p), text);
    lex_automaton *a = build_limit(p, N(p), LEX_DENSE_LIMIT_DEFAULT);
    const size_t stops[] = {1, 257, 700, 20000, 60000, 119000};
    for (size_t k = 0; k < N(stops); k++) {
        hits got = {.stop_after = stops[k]};
        assert_int_equal(lex_scan(a, text, len, collect, &got), 7);
        expect_hits(&got, want.v, stops[k]);
        free(got.v);
    }
    free(want.v);
    lex_free(a);
    free(text);
}

/* Long patterns: 60 characters make the lanes' warm-up long, 300 make
 * it too long (the scan goes serial); both must find every occurrence. */
static void long_pattern_case(size_t chars)
{
    char *longp = malloc(3 * chars + 1);
    assert_non_null(longp);
    for (size_t i = 0; i < chars; i++)
        memcpy(longp + 3 * i, i % 7 ? "里" : "阿", 3);
    longp[3 * chars] = '\0';
    const pat p[] = {{longp, 1, 0}, {"阿里", 2, 0}};
    size_t len = 60000;
    char *text = malloc(len + 1);
    assert_non_null(text);
    memset(text, '-', len);
    for (size_t at = 100; at + 3 * chars < len; at += 3 * chars + 1001)
        memcpy(text + at, longp, 3 * chars);
    text[len] = '\0';
    check_vs_ref(p, N(p), text);
    free(text);
    free(longp);
}

static void test_long_patterns(void **state)
{
    (void)state;
    long_pattern_case(60);
    long_pattern_case(300);
}

/* Random bytes as text (not valid UTF-8): no crash, no read outside the
 * text, and flag-free patterns still agree with the reference. */
static void test_invalid_text_is_safe(void **state)
{
    (void)state;
    uint64_t rng = 42;
    static char text[40001];
    for (size_t i = 0; i < 40000; i++)
        text[i] = (char)(1 + rng_below(&rng, 255)); /* no NUL: strlen */
    text[40000] = '\0';
    const pat p[] = {{"a", 1, 0}, {"é", 2, 0}, {"ab", 3, LEX_WORD}};
    lex_automaton *a = build_limit(p, N(p), 0);
    hits got = scan_text(a, text);
    hits want = ref_scan(p, 2, text);
    size_t n = 0;
    for (size_t i = 0; i < got.n; i++) {
        if (got.v[i].id != 3)
            got.v[n++] = got.v[i];
    }
    got.n = n;
    expect_hits(&got, want.v, want.n);
    free(got.v);
    free(want.v);
    lex_free(a);
}

/* ---- long runs of spaces ---------------------------------------------- */

/* lex_scan drops the inside of long runs of spaces; these cases put runs
 * of every length around that limit next to patterns that begin, end or
 * are cut by spaces, and check against the reference. */
static const size_t run_lengths[] = {0,  1,  7,  8,  9,  15, 16, 17, 31,
                                     32, 33, 39, 40, 41, 47, 64, 65, 100,
                                     300, 2000};

static const pat spaced_pats[] = {
    {"total revenue", 1, LEX_ASCII_CASELESS | LEX_WORD},
    {"revenue ", 2, 0},            /* ends with a space */
    {" ipo", 3, LEX_ASCII_CASELESS}, /* begins with one */
    {"a  b", 4, 0},                /* two inside */
    {"营收", 5, 0},
    {"  营收", 6, 0},
    {"营收   ", 7, 0},
    {"b", 8, LEX_WORD},
    {"a   b", 9, LEX_ASCII_CASELESS}, /* as many spaces as any has */
};

/* Appends run spaces to buf at *n, a newline in the middle if nl. */
static void put_spaces(char *buf, size_t *n, size_t run, bool nl)
{
    memset(buf + *n, ' ', run);
    if (nl && run > 2)
        buf[*n + run / 2] = '\n';
    *n += run;
}

/* Runs of one length between the keywords, and at both ends; "a" run "b"
 * would hit "a   b" if the scan kept one space too few of a run. */
static char *spaced_text(size_t run, bool nl, size_t repeat)
{
    static const char *const words[] = {"Total Revenue", "revenue", "IPO",
                                        "a  b", "营收", "x营收", "a", "b"};
    char *buf = malloc(repeat * N(words) * (run + 16) + run + 1);
    assert_non_null(buf);
    size_t n = 0;
    for (size_t r = 0; r < repeat; r++) {
        for (size_t w = 0; w < N(words); w++) {
            put_spaces(buf, &n, run, nl);
            memcpy(buf + n, words[w], strlen(words[w]));
            n += strlen(words[w]);
        }
    }
    put_spaces(buf, &n, run, nl);
    buf[n] = '\0';
    return buf;
}

static void test_space_runs_around_keywords(void **state)
{
    (void)state;
    for (size_t k = 0; k < N(run_lengths); k++) {
        for (int nl = 0; nl < 2; nl++) {
            char *text = spaced_text(run_lengths[k], nl, 1);
            check_vs_ref(spaced_pats, N(spaced_pats), text);
            free(text);
        }
    }
}

/* Long enough for the lanes, for several packed copies and for more runs
 * than one copy's table of pieces holds. */
static void test_space_runs_long_texts(void **state)
{
    (void)state;
    const size_t runs[] = {40, 65, 300, 2000};
    for (size_t k = 0; k < N(runs); k++) {
        char *text = spaced_text(runs[k], k % 2, 60000 / (runs[k] + 8));
        check_vs_ref(spaced_pats, N(spaced_pats), text);
        free(text);
    }
}

/* A pattern of spaces alone hits all along a run: nothing may be dropped. */
static void test_space_only_patterns(void **state)
{
    (void)state;
    const pat p[] = {{"   ", 1, 0}, {"营收", 2, 0}, {" 营", 3, 0}};
    for (size_t k = 0; k < N(run_lengths); k++) {
        char *text = spaced_text(run_lengths[k], false, 3);
        check_vs_ref(p, N(p), text);
        free(text);
    }
}

/* Random tokens of the small alphabet (which has a space) between random
 * runs, against random patterns. */
static void test_property_space_runs(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 8; seed++) {
        uint64_t rng = seed * 104729;
        pat *p = random_pats(&rng, 60, 6, N(alphabet));
        size_t cap = 90000, n = 0;
        char *text = malloc(cap + 1);
        assert_non_null(text);
        while (n + 2100 + 40 < cap) {
            size_t run = run_lengths[rng_below(&rng, N(run_lengths))];
            put_spaces(text, &n, run, rng_below(&rng, 4) == 0);
            char *tok = random_string(&rng, 1 + rng_below(&rng, 8),
                                      N(alphabet));
            memcpy(text + n, tok, strlen(tok));
            n += strlen(tok);
            free(tok);
        }
        text[n] = '\0';
        check_vs_ref(p, 60, text);
        free(text);
        free_pats(p, 60);
    }
}

/* ---- scale ------------------------------------------------------------ */

static size_t cjk_name(uint64_t *rng, char *out)
{
    size_t chars = 2 + rng_below(rng, 9), n = 0;
    for (size_t i = 0; i < chars; i++) {
        uint32_t cp = 0x4E00 + (uint32_t)rng_below(rng, 600);
        out[n++] = (char)(0xE0 | (cp >> 12));
        out[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[n++] = (char)(0x80 | (cp & 0x3F));
    }
    out[n] = '\0';
    return n;
}

/* 50,000 company-like names: compiles in bounded memory with the default
 * dense limit (so deep states are sparse) and finds planted names. */
static void test_large_pattern_set(void **state)
{
    (void)state;
    enum { NPAT = 50000, NPLANT = 200 };
    uint64_t rng = 2024;
    lex_automaton *a = lex_new();
    char name[40];
    char *text = malloc(NPLANT * 40);
    assert_non_null(text);
    size_t tlen = 0;
    uint32_t planted[NPLANT];
    for (uint32_t i = 0; i < NPAT; i++) {
        size_t n = cjk_name(&rng, name);
        assert_int_equal(lex_add(a, name, n, i, 0), LEX_OK);
        if (i % (NPAT / NPLANT) == 0) {
            planted[i / (NPAT / NPLANT)] = i;
            memcpy(text + tlen, name, n);
            tlen += n;
            text[tlen++] = '\n'; /* never in a pattern */
        }
    }
    text[tlen] = '\0';
    assert_int_equal(lex_compile(a), LEX_OK);
    lex_stats st = lex_get_stats(a);
    assert_int_equal(st.patterns, NPAT);
    assert_true(st.dense_states < st.states);
    assert_true(st.memory < (size_t)128 << 20);
    hits h = scan_text(a, text);
    size_t k = 0;
    for (size_t i = 0; i < h.n && k < NPLANT; i++)
        k += h.v[i].id == planted[k];
    assert_int_equal(k, NPLANT);
    free(h.v);
    free(text);
    lex_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_free),
        cmocka_unit_test(test_compile_empty_set),
        cmocka_unit_test(test_add_rejects_empty_and_null),
        cmocka_unit_test(test_add_rejects_unknown_flags),
        cmocka_unit_test(test_add_rejects_invalid_utf8),
        cmocka_unit_test(test_add_accepts_four_byte_and_nul),
        cmocka_unit_test(test_state_errors),
        cmocka_unit_test(test_scan_bad_args),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_ushers),
        cmocka_unit_test(test_chinese_overlaps),
        cmocka_unit_test(test_failure_links_deep),
        cmocka_unit_test(test_duplicate_pattern_ids),
        cmocka_unit_test(test_duplicate_same_id_once),
        cmocka_unit_test(test_many_rules_share_keyword),
        cmocka_unit_test(test_suffix_patterns),
        cmocka_unit_test(test_start_and_end_of_text),
        cmocka_unit_test(test_whole_text_and_prefix_only),
        cmocka_unit_test(test_empty_text),
        cmocka_unit_test(test_repeated_overlaps),
        cmocka_unit_test(test_sink_stops_early),
        cmocka_unit_test(test_caseless),
        cmocka_unit_test(test_case_sensitive_exact),
        cmocka_unit_test(test_caseless_only_ascii),
        cmocka_unit_test(test_caseless_and_exact_same_id),
        cmocka_unit_test(test_word_boundary_ascii),
        cmocka_unit_test(test_word_boundary_cjk_neighbours),
        cmocka_unit_test(test_word_flag_on_cjk_pattern),
        cmocka_unit_test(test_word_boundary_digits_and_latin),
        cmocka_unit_test(test_word_mixed_pattern),
        cmocka_unit_test(test_word_at_text_ends),
        cmocka_unit_test(test_oom_every_allocation),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_property_random_vs_naive),
        cmocka_unit_test(test_property_long_texts),
        cmocka_unit_test(test_matches_across_lane_boundaries),
        cmocka_unit_test(test_dense_hits_and_stops),
        cmocka_unit_test(test_long_patterns),
        cmocka_unit_test(test_invalid_text_is_safe),
        cmocka_unit_test(test_space_runs_around_keywords),
        cmocka_unit_test(test_space_runs_long_texts),
        cmocka_unit_test(test_space_only_patterns),
        cmocka_unit_test(test_property_space_runs),
        cmocka_unit_test(test_large_pattern_set),
    };
    return cmocka_run_group_tests_name("lex", tests, NULL, NULL);
}
