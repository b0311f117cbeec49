/*
 * test_array.c — array_sort_nearly: sorted output that holds the same
 * elements, equal elements kept in order while the array is nearly
 * sorted, and arrays far from sorted (reversed, shuffled) still sorted
 * when the insertion sort hands them to qsort.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

/* Sorted by key only; seq tells equal keys apart (their first order). */
typedef struct {
    uint32_t key, seq;
    char pad[16]; /* an element of hit size, not a word */
} item;

static int cmp_key(const void *a, const void *b)
{
    const item *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

static uint32_t next_rand(uint32_t *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

/* Sorted by key, the same multiset of seqs as 0..n-1, and (when stable)
 * equal keys in seq order. */
static void check_sorted(const item *v, size_t n, int stable)
{
    char *seen = calloc(n ? n : 1, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < n; i++) {
        assert_true(v[i].seq < n);
        assert_false(seen[v[i].seq]);
        seen[v[i].seq] = 1;
        if (i > 0) {
            assert_true(v[i - 1].key <= v[i].key);
            if (stable && v[i - 1].key == v[i].key)
                assert_true(v[i - 1].seq < v[i].seq);
        }
    }
    free(seen);
}

/* Keys that rise with i, each moved back by up to `spread`, with ties. */
static void fill_nearly(item *v, size_t n, uint32_t spread, uint32_t *seed)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t back = spread ? next_rand(seed) % (spread + 1) : 0;
        v[i] = (item){(uint32_t)(i / 2) + spread - back, (uint32_t)i, {0}};
    }
}

static void test_nearly_sorted_is_stable(void **state)
{
    (void)state;
    uint32_t seed = 7;
    static const size_t sizes[] = {0, 1, 2, 3, 17, 1000, 20000};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++)
        for (uint32_t spread = 0; spread <= 6; spread += 3) {
            size_t n = sizes[k];
            item *v = malloc((n ? n : 1) * sizeof *v);
            assert_non_null(v);
            fill_nearly(v, n, spread, &seed);
            array_sort_nearly(v, n, sizeof *v, cmp_key);
            check_sorted(v, n, 1);
            free(v);
        }
}

static void test_far_from_sorted(void **state)
{
    (void)state;
    uint32_t seed = 11;
    size_t n = 5000;
    item *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++) /* reversed */
        v[i] = (item){(uint32_t)(n - i), (uint32_t)i, {0}};
    array_sort_nearly(v, n, sizeof *v, cmp_key);
    check_sorted(v, n, 0);
    for (size_t i = 0; i < n; i++) /* shuffled, with many equal keys */
        v[i] = (item){next_rand(&seed) % 50, (uint32_t)i, {0}};
    array_sort_nearly(v, n, sizeof *v, cmp_key);
    check_sorted(v, n, 0);
    /* one element far out of place is still an insertion, not qsort */
    for (size_t i = 0; i < n; i++)
        v[i] = (item){(uint32_t)i + 1, (uint32_t)i, {0}};
    v[n - 1].key = 0;
    array_sort_nearly(v, n, sizeof *v, cmp_key);
    check_sorted(v, n, 1);
    assert_int_equal(v[0].seq, n - 1);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nearly_sorted_is_stable),
        cmocka_unit_test(test_far_from_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
