/*
 * test_keyset.c — the set of byte strings the runtime finds repeated facts
 * in: every key put is found with its value, keys that differ in any byte
 * or in length are not, and a cleared set is empty but still works.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "keyset.h"

/* Key i: a few bytes to a few hundred, with NULs and \x1f in them. */
static size_t make_key(char *buf, size_t i)
{
    size_t n = (size_t)snprintf(buf, 64, "kind\x1fname\x1f%zu=", i);
    size_t extra = (i * 7) % 300;
    for (size_t k = 0; k < extra; k++)
        buf[n + k] = (char)((i + k) % 3 == 0 ? '\0' : 'a' + (k % 26));
    return n + extra;
}

static void test_put_and_get(void **state)
{
    (void)state;
    keyset k;
    keyset_init(&k);
    char buf[512];
    for (int round = 0; round < 2; round++) {
        assert_int_equal(keyset_get(&k, "", 0), 0);
        for (size_t i = 0; i < 5000; i++) {
            size_t n = make_key(buf, i);
            assert_int_equal(keyset_get(&k, buf, n), 0);
            assert_int_equal(keyset_put(&k, buf, n, i + 1), 0);
        }
        for (size_t i = 0; i < 5000; i++) {
            size_t n = make_key(buf, i);
            assert_int_equal(keyset_get(&k, buf, n), i + 1);
            assert_int_equal(keyset_get(&k, buf, n - 1), 0); /* a prefix */
            buf[n / 2] ^= 1;
            assert_int_equal(keyset_get(&k, buf, n), 0); /* one byte off */
        }
        keyset_clear(&k);
        assert_int_equal(keyset_get(&k, "kind\x1fname\x1f" "0=", 12), 0);
    }
    assert_int_equal(keyset_put(&k, "", 0, 7), 0);
    assert_int_equal(keyset_get(&k, "", 0), 7);
    keyset_free(&k);
}

/* With the hash given, the same set: what one way puts the other finds. */
static void test_hashed(void **state)
{
    (void)state;
    keyset k;
    keyset_init(&k);
    char buf[512];
    for (size_t i = 0; i < 3000; i++) {
        size_t n = make_key(buf, i);
        uint64_t h = keyset_hash(buf, n);
        assert_int_equal(keyset_get_hashed(&k, buf, n, h), 0);
        if (i % 2)
            assert_int_equal(keyset_put_hashed(&k, buf, n, h, i + 1), 0);
        else
            assert_int_equal(keyset_put(&k, buf, n, i + 1), 0);
    }
    for (size_t i = 0; i < 3000; i++) {
        size_t n = make_key(buf, i);
        assert_int_equal(keyset_get(&k, buf, n), i + 1);
        assert_int_equal(keyset_get_hashed(&k, buf, n, keyset_hash(buf, n)), i + 1);
    }
    keyset_free(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_and_get),
        cmocka_unit_test(test_hashed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
