/*
 * test_num.c — unit tests of the quantity scanner (num.h): one cmocka test
 * per row of tests/unit/cases/numbers.tsv, plus tests of the decimal
 * formatter and of num_scan's contract (early stop, empty input, byte
 * spans across multi-byte characters, long texts).
 *
 *   test_num [CASES.tsv]     run everything (default: NUM_CASES, relative
 *                            to the repository root, where make runs it)
 *   test_num --show          read lines on stdin, print what the scanner
 *                            finds in the table's notation: for writing
 *                            and checking new rows
 *
 * The table's notation is documented at the top of numbers.tsv; render()
 * below is its one implementation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "num_int.h" /* num_dec_make, num_dec_norm */

#ifndef NUM_CASES
#define NUM_CASES "tests/unit/cases/numbers.tsv"
#endif

/* ---- rendering a scan as text ------------------------------------------ */

typedef struct {
    char *buf;
    size_t len, cap;
    const char *text;
    size_t count;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1) cap *= 2;
        char *nb = realloc(b->buf, cap);
        assert_non_null(nb);
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

static void sb_word(sbuf *b, const char *s)
{
    if (!s || !*s) return;
    sb_str(b, " ");
    sb_str(b, s);
}

static void sb_dec(sbuf *b, num_dec d)
{
    char tmp[40];
    sb_put(b, tmp, num_dec_format(d, tmp, sizeof tmp));
}

/* The value part: a decimal, low..high, an identifier's name, or a
 * period string ("-" when unresolved). */
static void render_value(sbuf *b, const num_quantity *q)
{
    sb_str(b, " ");
    if (q->kind == NUM_IDENT) {
        sb_str(b, q->ident ? q->ident : "?");
    } else if (q->kind == NUM_PERIOD || q->kind == NUM_DATE) {
        sb_str(b, q->period[0] ? q->period : "-");
    } else if (q->flags & NUM_F_RANGE) {
        sb_dec(b, q->low);
        sb_str(b, "..");
        sb_dec(b, q->high);
    } else {
        sb_dec(b, q->value);
    }
}

static void render_one(sbuf *b, const num_quantity *q)
{
    static const char *const change[] = {NULL, "up", "down"};
    static const char *const basis[] = {NULL, "yoy", "qoq"};
    if (b->count++) sb_str(b, " ; ");
    sb_str(b, "[");
    sb_put(b, b->text + q->start, q->end - q->start);
    sb_str(b, "] ");
    sb_str(b, num_kind_name(q->kind));
    render_value(b, q);
    sb_word(b, q->unit);
    sb_word(b, num_qual_name(q->qual));
    sb_word(b, change[q->change]);
    sb_word(b, basis[q->basis]);
    if (q->flags & NUM_F_ASOF) sb_word(b, "asof");
    if (q->flags & NUM_F_RELATIVE) sb_word(b, "relative");
    if (q->flags & NUM_F_UNRESOLVED) sb_word(b, "unresolved");
}

static int render_sink(void *ud, const num_quantity *q)
{
    render_one(ud, q);
    return 0;
}

/* Everything num_scan finds in text, in the table's notation (malloc'd). */
static char *render(const char *text)
{
    sbuf b = {.text = text};
    num_ctx ctx = {{0, 0, 0}};
    num_scan(text, strlen(text), &ctx, render_sink, &b);
    if (!b.count) sb_str(&b, "(none)");
    return b.buf;
}

/* ---- the table --------------------------------------------------------- */

typedef struct {
    int line;
    char *input, *expected;
} table_case;

static void run_table_case(void **state)
{
    const table_case *c = *state;
    char *got = render(c->input);
    if (strcmp(got, c->expected) != 0) {
        print_error("numbers.tsv:%d\n  input:    %s\n  expected: %s\n  actual:   %s\n",
                    c->line, c->input, c->expected, got);
        free(got);
        fail();
    }
    free(got);
}

static char *trim_eol(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) s[--n] = '\0';
    return s;
}

/* Length of the longest prefix of s within max bytes that ends on a
 * character boundary: test names stay short and valid UTF-8. */
static size_t utf8_prefix(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    return max;
}

/* Rows of the table as cmocka tests appended to *tests. */
static size_t load_table(const char *path, struct CMUnitTest **tests, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "test_num: cannot open %s (run from the repository root)\n", path);
        exit(1);
    }
    char line[4096];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        trim_eol(line);
        if (!line[0] || line[0] == '#') continue;
        char *tab = strchr(line, '\t');
        if (!tab) {
            fprintf(stderr, "%s:%d: no tab between input and expected\n", path, lineno);
            exit(1);
        }
        *tab = '\0';
        table_case *c = malloc(sizeof *c);
        struct CMUnitTest *nt = realloc(*tests, (n + 1) * sizeof **tests);
        char name[160];
        if (!c || !nt) exit(1);
        *tests = nt;
        c->line = lineno;
        c->input = strdup(line);
        c->expected = strdup(tab + 1);
        snprintf(name, sizeof name, "numbers.tsv:%d %.*s", lineno,
                 (int)utf8_prefix(line, 96), line);
        (*tests)[n++] = (struct CMUnitTest){strdup(name), run_table_case, NULL,
                                            NULL, c};
    }
    fclose(f);
    return n;
}

/* ---- num_dec_format ------------------------------------------------------ */

static void check_format(int64_t m, int32_t e, const char *want)
{
    char buf[32];
    size_t n = num_dec_format((num_dec){m, e}, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void test_format_plain(void **state)
{
    (void)state;
    check_format(174, 7, "1740000000");
    check_format(604, -1, "60.4");
    check_format(-506, -1, "-50.6");
    check_format(5, -2, "0.05");
    check_format(157, -2, "1.57");
    check_format(12340000, -4, "1234"); /* not normalised on the way in */
    check_format(1, 20, "100000000000000000000");
    check_format(1, -6, "0.000001");
    check_format(INT64_MIN, 0, "-9223372036854775808");
    check_format(123456789012345678, 0, "123456789012345678");
}

/* No trailing zeros after the point, no point without digits after it:
 * the shortest text that reads back as the same decimal. */
static void test_format_shortest(void **state)
{
    (void)state;
    check_format(17400, -4, "1.74");
    check_format(100, -2, "1");
    check_format(-100, -3, "-0.1");
    check_format(50, -1, "5");
    check_format(5, -1, "0.5");
    check_format(1051, 6, "1051000000");
    check_format(-1, 0, "-1");
}

static void test_format_zero(void **state)
{
    (void)state;
    check_format(0, 0, "0");
    check_format(0, 9, "0");
    check_format(0, -9, "0");
}

static void test_format_exponent(void **state)
{
    (void)state;
    check_format(15, 29, "1.5e+30");
    check_format(1, 21, "1e+21");
    check_format(1, -7, "1e-7");
    check_format(-25, -12, "-2.5e-11");
    check_format(123456789012345678, 5, "1.23456789012345678e+22");
}

/* Whatever the input, the result fits 32 bytes and cap is respected. */
static void test_format_limits(void **state)
{
    (void)state;
    char buf[32], small[4];
    size_t n = num_dec_format((num_dec){INT64_MAX, 2000000000}, buf, sizeof buf);
    assert_true(n < sizeof buf);
    assert_memory_equal(buf, "9.2233", 6);
    n = num_dec_format((num_dec){INT64_MIN, INT32_MIN}, buf, sizeof buf);
    assert_true(n < sizeof buf && buf[0] == '-');
    n = num_dec_format((num_dec){174, 7}, small, sizeof small);
    assert_int_equal(n, 3);
    assert_string_equal(small, "174");
    assert_int_equal(num_dec_format((num_dec){1, 0}, small, 0), 0);
}

/* num_dec_make's shortcut for single digits gives what fitting and
 * normalising give, at every exponent up to and past the limits. */
static void test_make_small(void **state)
{
    (void)state;
    static const int32_t es[] = {0, 1, -1, 7, -7, NUM_DEC_E_LIMIT, -NUM_DEC_E_LIMIT,
                                 INT32_MAX, INT32_MIN};
    for (int64_t m = -12; m <= 12; m++)
        for (size_t k = 0; k < sizeof es / sizeof es[0]; k++) {
            num_dec got = num_dec_make(m, es[k]);
            num_dec want = num_dec_norm(num_dec_fit(m, es[k]));
            if (got.m != want.m || got.e != want.e)
                fail_msg("num_dec_make(%lld, %d): %lldE%d, want %lldE%d", (long long)m,
                         (int)es[k], (long long)got.m, (int)got.e, (long long)want.m,
                         (int)want.e);
        }
}

/* num_dec_norm's shortcut for a mantissa that ends in a non-zero digit
 * gives what fitting and stripping trailing zeros (num_dec_strip) give. */
static void test_norm_shortcut(void **state)
{
    (void)state;
    static const int64_t ms[] = {0, 1, -1, 9, 10, -10, 11, -11, 174, 1740, 1000000,
                                 NUM_DEC_MAX_M - 1, -(NUM_DEC_MAX_M - 1), NUM_DEC_MAX_M,
                                 -NUM_DEC_MAX_M, NUM_DEC_MAX_M + 1, INT64_MAX, INT64_MIN,
                                 INT64_MIN + 1};
    static const int32_t es[] = {0, 1, -1, 7, -7, NUM_DEC_E_LIMIT, -NUM_DEC_E_LIMIT,
                                 NUM_DEC_E_LIMIT + 1, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
        for (size_t k = 0; k < sizeof es / sizeof es[0]; k++) {
            num_dec d = {ms[i], es[k]};
            num_dec got = num_dec_norm(d), want = num_dec_strip(d);
            if (got.m != want.m || got.e != want.e)
                fail_msg("num_dec_norm(%lldE%d): %lldE%d, want %lldE%d", (long long)ms[i],
                         (int)es[k], (long long)got.m, (int)got.e, (long long)want.m,
                         (int)want.e);
        }
}

/* ---- num_scan's contract ---------------------------------------------- */

typedef struct {
    int calls, stop_at;
    num_quantity last[64];
} collector;

static int collect(void *ud, const num_quantity *q)
{
    collector *c = ud;
    if (c->calls < 64) c->last[c->calls] = *q;
    c->calls++;
    return c->calls == c->stop_at ? 7 : 0;
}

static void test_stop_early(void **state)
{
    (void)state;
    const char *t = "营收17.4亿元，增长21%，员工3000人，门店120家";
    collector c = {.stop_at = 2};
    assert_int_equal(num_scan(t, strlen(t), NULL, collect, &c), 7);
    assert_int_equal(c.calls, 2);
    collector all = {0};
    assert_int_equal(num_scan(t, strlen(t), NULL, collect, &all), 0);
    assert_int_equal(all.calls, 4);
}

/* num_scan_span reads only [from, to): what it reports lies there, and a
 * prefix word before from is not taken in (the whole scan takes 同比增长
 * into the change). */
static void test_scan_span(void **state)
{
    (void)state;
    const char *t = "营收17.4亿元，同比增长21%，员工3000人";
    size_t len = strlen(t), pct = (size_t)(strstr(t, "21%") - t);
    size_t staff = (size_t)(strstr(t, "员工") - t);
    collector whole = {0}, span = {0};
    assert_int_equal(num_scan(t, len, NULL, collect, &whole), 0);
    assert_int_equal(whole.calls, 3);
    assert_true(whole.last[1].start < pct); /* 同比增长21% */
    assert_int_equal(num_scan_span(t, pct, staff, NULL, collect, &span), 0);
    assert_int_equal(span.calls, 1);
    assert_int_equal(span.last[0].start, pct);
    assert_true(span.last[0].end <= staff);
    assert_int_equal(span.last[0].kind, NUM_PERCENT);
    collector cut = {0}; /* 17.4亿 without its 元 is no money */
    size_t yuan = (size_t)(strstr(t, "元") - t);
    assert_int_equal(num_scan_span(t, 0, yuan, NULL, collect, &cut), 0);
    assert_int_equal(cut.calls, 1);
    assert_true(cut.last[0].end <= yuan);
    assert_int_not_equal(cut.last[0].kind, NUM_MONEY);
}

static void test_empty(void **state)
{
    (void)state;
    collector c = {0};
    assert_int_equal(num_scan("", 0, NULL, collect, &c), 0);
    assert_int_equal(num_scan(NULL, 0, NULL, collect, &c), 0);
    assert_int_equal(num_scan("营收", 0, NULL, collect, &c), 0);
    assert_int_equal(c.calls, 0);
}

static void assert_span(const char *t, const num_quantity *q, const char *want)
{
    const char *at = strstr(t, want);
    assert_non_null(at);
    assert_int_equal(q->start, (size_t)(at - t));
    assert_int_equal(q->end, (size_t)(at - t) + strlen(want));
}

static void test_spans_multibyte(void **state)
{
    (void)state;
    const char *t = "——商汤营收约17.4亿元，净利润同比下降3%；¥50。";
    collector c = {0};
    num_scan(t, strlen(t), NULL, collect, &c);
    assert_int_equal(c.calls, 3);
    assert_span(t, &c.last[0], "约17.4亿元");
    assert_span(t, &c.last[1], "同比下降3%");
    assert_span(t, &c.last[2], "¥50");
    assert_string_equal(c.last[2].unit, "CNY");
}

/* Scan exactly n bytes of src from a buffer of exactly that size, so
 * that ASan reports any read past the end. */
static collector scan_exact(const char *src, size_t n)
{
    collector c = {0};
    char *t = malloc(n);
    assert_non_null(t);
    memcpy(t, src, n);
    num_scan(t, n, NULL, collect, &c);
    free(t);
    return c;
}

/* The text need not end in NUL, and may end inside a character: nothing
 * past len is read. */
static void test_no_terminator(void **state)
{
    (void)state;
    collector c = scan_exact("12345亿元", 3);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.last[0].kind, NUM_NUMBER);
    assert_int_equal(c.last[0].end, 3);
    /* 元 checks the character after it (元素 is no yuan): here only the
     * first byte of 素 is there */
    c = scan_exact("5元素", 5);
    assert_int_equal(c.calls, 1);
    assert_string_equal(c.last[0].unit, "CNY");
    c = scan_exact("约5", 4);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.last[0].start, 0);
}

/* Runs of spaces (a pack's clean() blanks paragraphs into them) are
 * crossed eight bytes at a time: runs of every length around that step,
 * ending right before a figure, a word or the end of the text, must read
 * as single spaces do. */
static void test_blank_runs(void **state)
{
    (void)state;
    static const size_t runs[] = {0, 1, 7, 8, 9, 15, 16, 17};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        char sp[32], t[256];
        memset(sp, ' ', runs[r]);
        sp[runs[r]] = '\0';
        snprintf(t, sizeof t, "营收%s约17.4亿元,%s增长21%%%srev5 x %s5%s", sp, sp, sp, sp, sp);
        collector c = scan_exact(t, strlen(t));
        assert_int_equal(c.calls, 3);
        assert_span(t, &c.last[0], "约17.4亿元");
        assert_span(t, &c.last[1], "增长21%");
        assert_int_equal(c.last[2].start, strlen(t) - runs[r] - 1);
        assert_int_equal(c.last[2].end, strlen(t) - runs[r]);
    }
}

/* A run of spaces is crossed in a loop of its own (spaces_end): a run
 * that opens the text, one that closes it, one cut short by len, and runs
 * long enough for many eight-byte steps and a tail of single ones must
 * all leave the figures after them where they are. */
static void test_blank_run_edges(void **state)
{
    (void)state;
    static const size_t runs[] = {1, 7, 8, 9, 23, 24, 25, 200};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        char t[512];
        size_t k = runs[r];
        memset(t, ' ', k);
        memcpy(t + k, "5%", 3);
        collector c = scan_exact(t, k + 2); /* the run opens the text */
        assert_int_equal(c.calls, 1);
        assert_int_equal(c.last[0].start, k);
        assert_int_equal(c.last[0].end, k + 2);
        memcpy(t, "5%", 2);
        memset(t + 2, ' ', k);
        memcpy(t + 2 + k, "6", 2);
        c = scan_exact(t, 2 + k); /* the run closes it */
        assert_int_equal(c.calls, 1);
        assert_int_equal(c.last[0].end, 2);
        c = scan_exact(t, 2 + k + 1); /* a figure right after it */
        assert_int_equal(c.calls, 2);
        assert_int_equal(c.last[1].start, 2 + k);
        c = scan_exact(t, 2 + k / 2); /* len cuts the run */
        assert_int_equal(c.calls, 1);
    }
}

/* Ideographs are crossed three bytes at a time, the two continuation
 * bytes read as one masked unit: an opener that is the very last
 * character is still seen, a text cut inside its last character is read
 * no further than its end, and a lead byte followed by bytes that are not
 * continuations is stepped as one character, as the scan always stepped
 * it — the 12 of \xE4 12% goes with it, and \xE4 8@ masks to 一. */
static void test_ideograph_runs(void **state)
{
    (void)state;
    const char *t = "他排名第三";
    size_t n = strlen(t);
    collector c = scan_exact(t, n);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.last[0].kind, NUM_ORDINAL);
    assert_int_equal(c.last[0].end, n);
    for (size_t cut = n - 2; cut < n; cut++) {
        c = scan_exact(t, cut);
        assert_int_equal(c.calls, 0);
    }
    c = scan_exact("\xE4" "12% 5%", 7);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.last[0].start, 5);
    c = scan_exact("\xE3" "12% 5%", 7); /* not an ideograph's lead byte */
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.last[0].start, 5);
    c = scan_exact("\xE4" "8@" "5%", 5);
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.last[0].start, 3);
}

/* num_prefix_words says which kinds of word end right before the figure
 * (or one space before it), and read_prefix looks up only those — until a
 * word it read moves the position, after which every kind is looked up:
 * the sign of $-5 before the currency, the currency of 约$5 before the
 * qualifier, the qualifier of 增长约5% before the verb. */
static void test_prefix_kinds(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"售价$5", "[$5] money 5 USD"},
        {"$-5", "[$-5] money -5 USD"},
        {"-$5", "[-$5] money -5 USD"},
        {"约$5", "[约$5] money 5 USD approx"},
        {"约有3000人", "[约有3000人] quantity 3000 人 approx"},
        {"约 5%", "[约 5%] percent 5 % approx"},
        {"about 5%", "[about 5%] percent 5 % approx"},
        {"增长了5%", "[增长了5%] percent 5 % up"},
        {"增长约5%", "[增长约5%] percent 5 % approx up"},
        {"rose by 5%", "[rose by 5%] percent 5 % up"},
        {"同比-5%", "[同比-5%] percent -5 % down yoy"},
        {"营收5亿元", "[5亿元] money 500000000 CNY"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = render(cases[i][0]);
        assert_string_equal(got, cases[i][1]);
        free(got);
    }
}

/* num_suffix_possible settles ASCII bytes by its own short list of keys:
 * it must agree with the word lists for every one of them. */
static void test_suffix_ascii(void **state)
{
    (void)state;
    for (int c = 1; c < 0x80; c++) {
        char t[2] = {(char)c, 0};
        num_src src = {.s = t, .len = 1};
        uint32_t k = c >= 'A' && c <= 'Z' ? (uint32_t)c + 32 : (uint32_t)c;
        bool want = num_seps_from(k).n || num_quals_from(k).n || num_bases_from(k).n;
        if (num_suffix_possible(&src, 0) != want) fail_msg("byte 0x%02x", c);
    }
}

/* num_prefix_words skips the keys num_prefix_key refuses: none of them
 * may end a word of the lists, or be a sign, 有 or a filler's end. */
static void test_prefix_key(void **state)
{
    (void)state;
    for (uint32_t k = 0; k < 0x30000; k++) {
        if (k >= 'A' && k <= 'Z') continue; /* keys are lower case */
        bool any = num_currencies_to(k).n || num_quals_to(k).n || num_verbs_to(k).n ||
                   k == '-' || k == '+' || k == 0x2212 || k == 0x6709 /* 有 */ ||
                   k == 0x4E86 /* 了 */ || k == 0x8FBE /* 达 */ || k == 'y';
        if (any && !num_prefix_key(k)) fail_msg("key U+%04X", (unsigned)k);
    }
}

typedef struct {
    size_t count, prev_end;
    bool ordered;
    char first[512];
} long_check;

static int check_long(void *ud, const num_quantity *q)
{
    long_check *lc = ud;
    if (q->start < lc->prev_end || q->end <= q->start) lc->ordered = false;
    lc->prev_end = q->end;
    lc->count++;
    return 0;
}

/* A long text: every repetition of a sentence yields the same quantities,
 * in order, without overlap. */
static void test_long_text(void **state)
{
    (void)state;
    const char *s = "公司营收同比增长21%至17.4亿元，近3000名员工中约两成为研发人员，"
                    "新开门店120家；revenue rose 5.2% to $241 million. ";
    char *one = render(s);
    size_t per = 1;
    for (const char *p = strstr(one, " ; "); p; p = strstr(p + 3, " ; ")) per++;
    free(one);
    size_t reps = 2000, n = strlen(s);
    char *t = malloc(n * reps + 1);
    assert_non_null(t);
    for (size_t i = 0; i < reps; i++) memcpy(t + i * n, s, n);
    t[n * reps] = '\0';
    long_check lc = {.ordered = true};
    num_scan(t, n * reps, NULL, check_long, &lc);
    assert_true(lc.ordered);
    assert_int_equal(lc.count, per * reps);
    assert_int_equal(per, 7);
    free(t);
}

/* ---- main ---------------------------------------------------------------- */

static int show(void)
{
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        trim_eol(line);
        if (!line[0] || line[0] == '#') continue;
        char *got = render(line);
        printf("%s\t%s\n", line, got);
        free(got);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--show") == 0) return show();
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_suffix_ascii),
        cmocka_unit_test(test_prefix_key),
        cmocka_unit_test(test_format_plain),
        cmocka_unit_test(test_format_shortest),
        cmocka_unit_test(test_format_zero),
        cmocka_unit_test(test_format_exponent),
        cmocka_unit_test(test_format_limits),
        cmocka_unit_test(test_make_small),
        cmocka_unit_test(test_norm_shortcut),
        cmocka_unit_test(test_stop_early),
        cmocka_unit_test(test_scan_span),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_spans_multibyte),
        cmocka_unit_test(test_no_terminator),
        cmocka_unit_test(test_blank_runs),
        cmocka_unit_test(test_blank_run_edges),
        cmocka_unit_test(test_ideograph_runs),
        cmocka_unit_test(test_prefix_kinds),
        cmocka_unit_test(test_long_text),
    };
    size_t n = sizeof fixed / sizeof fixed[0];
    struct CMUnitTest *tests = malloc(sizeof fixed);
    if (!tests) return 1;
    memcpy(tests, fixed, sizeof fixed);
    n = load_table(argc > 1 ? argv[1] : NUM_CASES, &tests, n);
    int failed = _cmocka_run_group_tests("num", tests, n, NULL, NULL);
    for (size_t i = sizeof fixed / sizeof fixed[0]; i < n; i++) {
        table_case *c = tests[i].initial_state;
        free(c->input);
        free(c->expected);
        free(c);
        free((char *)tests[i].name);
    }
    free(tests);
    return failed != 0;
}
