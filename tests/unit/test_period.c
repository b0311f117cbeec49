/*
 * test_period.c — period_match (engine/period.h).
 *
 * The cases live in tests/unit/cases/periods.tsv (grammar at its top), a
 * table that is both the documentation of what is read and the test: each
 * row becomes one cmocka test named after its line, so a failure says
 * which row and shows expected against actual.  The table path is relative
 * to the repository root, where the Makefile runs tests; argv[1] overrides
 * it.
 *
 * Besides the table: rejection on ordinary prose (no match, and cheaply),
 * the contract of a failed call (out untouched), spans in text that is not
 * NUL-terminated, and a seeded random test of the invariants over
 * period-like garbage (run under the sanitizers by `make asan`).
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
#include <time.h>

#include "period.h"
#include "utf8.h"

#define DEFAULT_TABLE "tests/unit/cases/periods.tsv"

/* ---- rendering: the table's expected column ---------------------------- */

typedef struct {
    char *buf;
    size_t len, cap;
} strbuf;

static void sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->buf = realloc(b->buf, b->cap);
        assert_non_null(b->buf);
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void sb_str(strbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void render_flags(strbuf *b, uint32_t f)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{NUM_F_ASOF, "asof"},
                 {NUM_F_RELATIVE, "relative"},
                 {NUM_F_UNRESOLVED, "unresolved"},
                 {NUM_F_RANGE, "range"}};
    bool any = false;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (f & names[k].bit) {
            sb_str(b, any ? "," : "");
            sb_str(b, names[k].name);
            any = true;
        }
    if (!any) sb_str(b, "-");
}

/* What the scanner contract promises about any match, whatever the text. */
static void check_match(const num_quantity *q, size_t pos, size_t n, size_t len)
{
    assert_true(n > 0 && pos + n <= len);
    assert_int_equal(q->start, pos);
    assert_int_equal(q->end, pos + n);
    assert_true(q->kind == NUM_PERIOD || q->kind == NUM_DATE);
    assert_string_equal(q->unit, "");
    assert_true(q->value.m == 0 && q->value.e == 0);
    bool unresolved = (q->flags & NUM_F_UNRESOLVED) != 0;
    assert_true(unresolved == (q->period[0] == '\0'));
    assert_false(unresolved && (q->flags & NUM_F_RELATIVE));
    for (const char *p = q->period; *p; p++)
        assert_non_null(strchr("0123456789HQ-/", *p));
}

/* The scanner's walk: try each character, skip over what matched. */
static void render_all(const char *text, size_t len, const num_ctx *ctx, strbuf *out)
{
    size_t pos = 0;
    bool any = false;
    while (pos < len) {
        num_quantity q;
        size_t n = period_match(text, len, pos, ctx, &q);
        if (!n) {
            uint32_t cp;
            pos += utf8_decode(text + pos, len - pos, &cp);
            continue;
        }
        check_match(&q, pos, n, len);
        sb_str(out, any ? " ; [" : "[");
        sb_add(out, text + pos, n);
        sb_str(out, q.kind == NUM_DATE ? "] date " : "] period ");
        sb_str(out, q.period[0] ? q.period : "-");
        sb_str(out, " ");
        render_flags(out, q.flags);
        any = true;
        pos += n;
    }
    if (!any) sb_str(out, "(none)");
}

/* ---- the table ----------------------------------------------------------- */

typedef struct {
    const char *file;
    int line;
    num_ctx ctx;
    char *input, *expected;
    char name[96];
} tcase;

/* "-", YYYY, YYYY-MM or YYYY-MM-DD. */
static bool parse_date(const char *s, num_date *d)
{
    memset(d, 0, sizeof *d);
    if (strcmp(s, "-") == 0) return true;
    int n = sscanf(s, "%d-%d-%d", &d->year, &d->month, &d->day);
    return n >= 1 && d->year > 0;
}

static void test_row(void **state)
{
    const tcase *t = *state;
    size_t len = strlen(t->input);
    /* An exact-size copy without NUL, so the sanitizers see any read past
     * the end of the text. */
    char *text = malloc(len ? len : 1);
    assert_non_null(text);
    memcpy(text, t->input, len);
    strbuf got = {0};
    render_all(text, len, &t->ctx, &got);
    if (strcmp(got.buf, t->expected) != 0)
        print_error("%s:%d: %s\n  expected: %s\n  actual:   %s\n", t->file, t->line,
                    t->input, t->expected, got.buf);
    assert_string_equal(got.buf, t->expected);
    free(got.buf);
    free(text);
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* One case from a line "doc_date<TAB>input<TAB>expected"; false for a
 * malformed line (reported, and the table counts as failed). */
static bool parse_row(const char *file, char *line, int lineno, tcase *t)
{
    char *f1 = strchr(line, '\t');
    char *f2 = f1 ? strchr(f1 + 1, '\t') : NULL;
    if (!f2 || strchr(f2 + 1, '\t')) return false;
    *f1 = *f2 = '\0';
    memset(t, 0, sizeof *t);
    t->file = file;
    t->line = lineno;
    if (!parse_date(line, &t->ctx.doc_date)) return false;
    t->input = dup_str(f1 + 1);
    t->expected = dup_str(f2 + 1);
    if (!t->input || !t->expected) return false;
    snprintf(t->name, sizeof t->name, "periods.tsv:%d %s", lineno, t->input);
    return true;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
}

/* Reads every case; returns the count, or -1 if the file is missing or a
 * line is malformed. */
static long load_table(const char *path, tcase **out)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "test_period: cannot open %s (run from the repository root, "
                        "or pass the table's path)\n", path);
        return -1;
    }
    char line[4096];
    long n = 0, cap = 0, bad = 0;
    int lineno = 0;
    tcase *v = NULL;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        chomp(line);
        if (line[0] == '#' || line[0] == '\0') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 128;
            v = realloc(v, (size_t)cap * sizeof *v);
            if (!v) abort();
        }
        if (parse_row(path, line, lineno, &v[n])) n++;
        else fprintf(stderr, "%s:%d: malformed row\n", path, lineno), bad++;
    }
    fclose(f);
    *out = v;
    return bad ? -1 : n;
}

/* ---- fixed tests ------------------------------------------------------- */

/* Prose full of characters that may open a period (上 下 本 前 近 全 最
 * 自 从 截 明 今 去 第 十 and digits) in words that are not periods. */
static const char PROSE[] =
    "公司上市以来，下游需求回暖，本公司前景向好。接近年底时，管理层表示将自主研发"
    "新产品，从而提升全面竞争力。截止日期前，最重要的是说明年报中的关键事项，"
    "如今年轻人更看重品牌。第一名的产品线上月活用户增长，过去年均增速较快。"
    "自然语言模型是重点，首先要稳住基本盘，十分重要。上下游协同，本地化服务持续推进。"
    "The company said the first results were good and the last word was not said.";

static void test_prose_rejected_cheaply(void **state)
{
    (void)state;
    num_ctx ctx = {{2024, 12, 15}};
    size_t len = sizeof PROSE - 1;
    num_quantity q;
    const int rounds = 2000;
    clock_t t0 = clock();
    for (int r = 0; r < rounds; r++)
        for (size_t pos = 0; pos < len; pos++)
            if (period_match(PROSE, len, pos, &ctx, &q))
                fail_msg("matched at byte %zu: %.12s", pos, PROSE + pos);
    double ns = (double)(clock() - t0) / CLOCKS_PER_SEC * 1e9 / ((double)rounds * (double)len);
    print_message("period_match on prose: %.1f ns per byte position\n", ns);
    /* Generous even under the sanitizers: only a grammar run at every
     * position (no cheap rejection) gets near it. */
    assert_true(ns < 500.0);
}

static void test_failure_leaves_out_untouched(void **state)
{
    (void)state;
    static const char *const misses[] = {"1688和闲鱼", "10周年", "85后", "2月30日", "Q5",
                                         "截至目前"};
    num_ctx ctx = {{2024, 12, 15}};
    for (size_t k = 0; k < sizeof misses / sizeof misses[0]; k++) {
        num_quantity q, before;
        memset(&q, 0xA5, sizeof q);
        before = q;
        assert_int_equal(period_match(misses[k], strlen(misses[k]), 0, &ctx, &q), 0);
        assert_memory_equal(&q, &before, sizeof q);
    }
}

static void test_text_not_terminated(void **state)
{
    (void)state;
    const char *s = "2024年3月26日";
    num_quantity q;
    num_ctx ctx = {{0, 0, 0}};
    /* Cut after the digits: a bare year is no period. */
    assert_int_equal(period_match(s, 4, 0, &ctx, &q), 0);
    /* Cut inside 月: the year alone. */
    assert_int_equal(period_match(s, 8, 0, &ctx, &q), 7);
    assert_string_equal(q.period, "2024");
    /* Whole: a date; and pos past the end is refused. */
    assert_int_equal(period_match(s, strlen(s), 0, &ctx, &q), strlen(s));
    assert_int_equal(q.kind, NUM_DATE);
    assert_int_equal(period_match(s, strlen(s), strlen(s), &ctx, &q), 0);
}

static void test_null_ctx_is_unknown_date(void **state)
{
    (void)state;
    num_quantity q;
    assert_int_equal(period_match("今年", strlen("今年"), 0, NULL, &q), strlen("今年"));
    assert_true(q.flags & NUM_F_UNRESOLVED);
    assert_string_equal(q.period, "");
}

static void test_match_mid_text(void **state)
{
    (void)state;
    const char *s = "营收在2024年上半年增长";
    size_t at = strlen("营收在");
    num_quantity q;
    num_ctx ctx = {{0, 0, 0}};
    assert_int_equal(period_match(s, strlen(s), at, &ctx, &q), strlen("2024年上半年"));
    assert_int_equal(q.start, at);
    assert_string_equal(q.period, "2024H1");
    /* Inside the year: 024年 is not a year. */
    assert_int_equal(period_match(s, strlen(s), at + 1, &ctx, &q), 0);
}

/* Tokens that exercise the grammar's joints; random strings of them must
 * never break the match contract. */
static const char *const PIECES[] = {
    "2024", "2023", "1899", "12", "3", "31", "29", "年", "月", "日", "号", "季度", "上半年",
    "至", "-", "/", ".", "~", "今", "去年", "前三", "截至", "末", "近", "从", "同期", "Q3",
    "H1", "FY", "24", " ", ",", "March ", "as of ", "from ", " to ", "first quarter",
    "以来", "至今", "报告期", "二〇二四", "十二", "个月", "财年", "第", "本月", "上", "x"};

static void test_random_pieces_keep_contract(void **state)
{
    (void)state;
    uint64_t seed = 0x9E3779B97F4A7C15u;
    const size_t npieces = sizeof PIECES / sizeof PIECES[0];
    num_ctx ctxs[2] = {{{2024, 2, 29}}, {{0, 0, 0}}};
    for (int round = 0; round < 20000; round++) {
        char text[256];
        size_t len = 0;
        int pieces = 1 + (int)(seed >> 60);
        for (int k = 0; k < pieces; k++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            const char *p = PIECES[(seed >> 33) % npieces];
            size_t n = strlen(p);
            if (len + n > sizeof text) break;
            memcpy(text + len, p, n);
            len += n;
        }
        char *exact = malloc(len ? len : 1);
        assert_non_null(exact);
        memcpy(exact, text, len);
        strbuf sink = {0};
        render_all(exact, len, &ctxs[round & 1], &sink);
        free(sink.buf);
        free(exact);
    }
}

/* ---- main ----------------------------------------------------------------- */

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : DEFAULT_TABLE;
    tcase *cases = NULL;
    long n = load_table(path, &cases);
    if (n < 0) return 1;

    struct CMUnitTest *tests = calloc((size_t)n + 1, sizeof *tests);
    assert_non_null(tests);
    for (long k = 0; k < n; k++)
        tests[k] = (struct CMUnitTest){cases[k].name, test_row, NULL, NULL, &cases[k]};
    int failed = _cmocka_run_group_tests("periods.tsv", tests, (size_t)n, NULL, NULL);

    const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_prose_rejected_cheaply),
        cmocka_unit_test(test_failure_leaves_out_untouched),
        cmocka_unit_test(test_text_not_terminated),
        cmocka_unit_test(test_null_ctx_is_unknown_date),
        cmocka_unit_test(test_match_mid_text),
        cmocka_unit_test(test_random_pieces_keep_contract),
    };
    failed += cmocka_run_group_tests_name("period_match", fixed, NULL, NULL);

    for (long k = 0; k < n; k++) {
        free(cases[k].input);
        free(cases[k].expected);
    }
    free(cases);
    free(tests);
    return failed ? 1 : 0;
}
