/*
 * test_annot.c — the lookups by position of annot.h (an_first_hit,
 * an_first_mention, an_first_sentence): each must give the
 * index a linear search gives, for arrays of every length up to 40 with
 * runs of equal starts, from every position before, on and after them.
 * The arrays are allocated at their exact length, so that AddressSanitizer
 * sees a read past the end.  And an_build and an_add_mention, whose pushes
 * call the array's growth only when an array is full: every element must
 * be there, in order, through many growths and a second document that
 * reuses the arrays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annot.h"
#include "num.h"
#include "text.h"

/* The first index whose start is at or after pos: the reference. */
static size_t ref_first(const size_t *starts, size_t n, size_t pos)
{
    size_t i = 0;
    while (i < n && starts[i] < pos)
        i++;
    return i;
}

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* Each array of d filled with the same n sorted starts. */
static void fill(an_doc *d, const size_t *starts, size_t n)
{
    d->sent = calloc(n ? n : 1, sizeof *d->sent);
    d->hits = calloc(n ? n : 1, sizeof *d->hits);
    d->ment = calloc(n ? n : 1, sizeof *d->ment);
    assert_true(d->sent && d->hits && d->ment);
    for (size_t i = 0; i < n; i++)
        d->sent[i].start = d->hits[i].start = d->ment[i].start = starts[i];
    d->nsent = d->nhits = d->nment = n;
}

static void check_every_pos(const size_t *starts, size_t n)
{
    an_doc d;
    an_init(&d);
    fill(&d, starts, n);
    size_t last = n ? starts[n - 1] : 0;
    for (size_t pos = 0; pos <= last + 2; pos++) {
        size_t want = ref_first(starts, n, pos);
        if (an_first_hit(&d, pos) != want || an_first_mention(&d, pos) != want ||
            an_first_sentence(&d, pos) != want)
            fail_msg("%zu starts, pos %zu: want %zu, got %zu %zu %zu", n, pos, want,
                     an_first_hit(&d, pos), an_first_mention(&d, pos),
                     an_first_sentence(&d, pos));
    }
    an_free(&d);
}

/* Starts rising by 0..3 (0: equal to the one before), from 0 or 1. */
static void test_first_at(void **state)
{
    (void)state;
    uint32_t seed = 7;
    size_t starts[40];
    for (int round = 0; round < 300; round++)
        for (size_t n = 0; n <= 40; n++) {
            size_t at = round % 2;
            for (size_t i = 0; i < n; i++) {
                at += next_rand(&seed) % 4;
                starts[i] = at;
            }
            check_every_pos(starts, n);
        }
}

/* All starts equal: the answer is 0 up to them and n past them. */
static void test_all_equal(void **state)
{
    (void)state;
    size_t starts[33];
    for (size_t n = 1; n <= 33; n++) {
        for (size_t i = 0; i < n; i++)
            starts[i] = 5;
        check_every_pos(starts, n);
    }
}

/* ---- growth of the arrays ----------------------------------------------- */

typedef struct {
    size_t start[400], end[400], n;
} spans;

static int on_sentence_ref(void *ud, size_t start, size_t end, size_t para)
{
    (void)para;
    spans *r = ud;
    assert_true(r->n < 400);
    r->start[r->n] = start;
    r->end[r->n++] = end;
    return 0;
}

static int on_quantity_ref(void *ud, const num_quantity *q)
{
    spans *r = ud;
    assert_true(r->n < 400);
    r->start[r->n] = q->start;
    r->end[r->n++] = q->end;
    return 0;
}

/* lines of one sentence with one quantity each */
static char *lines_text(size_t lines, size_t *len)
{
    char *t = malloc(lines * 32 + 1);
    assert_non_null(t);
    size_t n = 0;
    for (size_t i = 0; i < lines; i++)
        n += (size_t)sprintf(t + n, "公司收入%zu亿元。\n", i + 1);
    *len = n;
    return t;
}

/* Sentences and quantities as text_segment and num_scan report them,
 * for texts of 1 to 300 lines built one after another in the same
 * an_doc (the arrays grow, then are reused). */
static void test_build_keeps_all(void **state)
{
    (void)state;
    an_doc d;
    an_init(&d);
    static const size_t sizes[] = {1, 15, 16, 17, 300, 3, 64};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t len;
        char *t = lines_text(sizes[k], &len);
        spans sent = {.n = 0}, qty = {.n = 0};
        assert_int_equal(text_segment(t, len, on_sentence_ref, &sent), 0);
        assert_int_equal(num_scan(t, len, NULL, on_quantity_ref, &qty), 0);
        assert_int_equal(sent.n, sizes[k]);
        assert_int_equal(qty.n, sizes[k]);
        assert_int_equal(an_build(&d, t, len, NULL, NULL, NULL), 0);
        assert_int_equal(d.nsent, sent.n);
        assert_int_equal(d.nqty, 0); /* none read until asked for */
        for (size_t i = 0; i < sent.n; i++) {
            assert_int_equal(d.sent[i].start, sent.start[i]);
            assert_int_equal(d.sent[i].end, sent.end[i]);
            assert_int_equal(an_quantities(&d, i), 0);
            assert_int_equal(d.sent[i].q1 - d.sent[i].q0, 1);
            assert_int_equal(d.qty[d.sent[i].q0].start, qty.start[i]);
            assert_int_equal(d.qty[d.sent[i].q0].end, qty.end[i]);
        }
        assert_int_equal(d.nqty, qty.n);
        free(t);
    }
    an_free(&d);
}

/* Sentences asked for out of order, some twice: each gets its own
 * quantities, read once, the same as a scan of the whole text finds in
 * it, and the prefix and period words around them are read as there. */
static void test_quantities_on_demand(void **state)
{
    (void)state;
    static const char t[] = "2024年上半年营收17.4亿元，同比增长21%。研发费用约18.9亿元。\n"
                            "没有数字的一句。Revenue rose 5% to $3.2 billion in 2023.";
    size_t len = sizeof t - 1;
    spans whole = {.n = 0};
    assert_int_equal(num_scan(t, len, NULL, on_quantity_ref, &whole), 0);
    an_doc d;
    an_init(&d);
    assert_int_equal(an_build(&d, t, len, NULL, NULL, NULL), 0);
    assert_int_equal(d.nsent, 4);
    static const size_t order[] = {3, 1, 3, 0, 2, 1};
    for (size_t k = 0; k < sizeof order / sizeof *order; k++)
        assert_int_equal(an_quantities(&d, order[k]), 0);
    size_t seen = 0;
    for (size_t i = 0; i < d.nsent; i++)
        for (size_t q = d.sent[i].q0; q < d.sent[i].q1; q++, seen++) {
            assert_true(d.qty[q].start >= d.sent[i].start && d.qty[q].end <= d.sent[i].end);
            assert_int_equal(d.qty[q].start, whole.start[seen]);
            assert_int_equal(d.qty[q].end, whole.end[seen]);
        }
    assert_int_equal(seen, whole.n);
    assert_int_equal(d.nqty, whole.n); /* none read twice */
    assert_int_equal(d.sent[2].q1, d.sent[2].q0);
    an_free(&d);
}

/* Mentions added out of order, more than one growth's worth, come out
 * sorted with none lost. */
static void test_mentions_grow(void **state)
{
    (void)state;
    an_doc d;
    an_init(&d);
    an_begin(&d, "", 0, NULL);
    for (size_t i = 0; i < 100; i++) {
        size_t at = (i * 37) % 100;
        assert_int_equal(an_add_mention(&d, at, at + 1, "c", "t", NULL, i % 2, 0), 0);
    }
    assert_int_equal(d.nment, 100);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(d.ment[i].start, i);
    an_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_at),
        cmocka_unit_test(test_all_equal),
        cmocka_unit_test(test_build_keeps_all),
        cmocka_unit_test(test_quantities_on_demand),
        cmocka_unit_test(test_mentions_grow),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
