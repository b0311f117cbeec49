/*
 * test_annot.c — the lookups by position of annot.h (an_first_qty,
 * an_first_hit, an_first_mention, an_first_sentence): each must give the
 * index a linear search gives, for arrays of every length up to 40 with
 * runs of equal starts, from every position before, on and after them.
 * The arrays are allocated at their exact length, so that AddressSanitizer
 * sees a read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "annot.h"

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
    d->qty = calloc(n ? n : 1, sizeof *d->qty);
    d->hits = calloc(n ? n : 1, sizeof *d->hits);
    d->ment = calloc(n ? n : 1, sizeof *d->ment);
    assert_true(d->sent && d->qty && d->hits && d->ment);
    for (size_t i = 0; i < n; i++) {
        d->sent[i].start = d->qty[i].start = starts[i];
        d->hits[i].start = d->ment[i].start = starts[i];
    }
    d->nsent = d->nqty = d->nhits = d->nment = n;
}

static void check_every_pos(const size_t *starts, size_t n)
{
    an_doc d;
    an_init(&d);
    fill(&d, starts, n);
    size_t last = n ? starts[n - 1] : 0;
    for (size_t pos = 0; pos <= last + 2; pos++) {
        size_t want = ref_first(starts, n, pos);
        if (an_first_qty(&d, pos) != want || an_first_hit(&d, pos) != want ||
            an_first_mention(&d, pos) != want || an_first_sentence(&d, pos) != want)
            fail_msg("%zu starts, pos %zu: want %zu, got %zu %zu %zu %zu", n, pos, want,
                     an_first_qty(&d, pos), an_first_hit(&d, pos),
                     an_first_mention(&d, pos), an_first_sentence(&d, pos));
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_at),
        cmocka_unit_test(test_all_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
