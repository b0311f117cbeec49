/*
 * test_fact.c — numbers as facts print them: fact_plain_decimal must write
 * exactly what printf's %g does whenever it writes anything, and
 * fact_format_number must stay the shortest decimal that reads back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fact.h"

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Numbers of every sort the rules make: decimals as written (17.4, 0.0523),
 * the results of arithmetic on them, and doubles of any bits. */
static double sample(int i)
{
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
                                 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20};
    uint64_t r = next();
    double sign = r & 1 ? -1 : 1;
    double m = (double)(r >> 1 & ((1ULL << (1 + r % 50)) - 1));
    double d = sign * m / p10[(r >> 55) % 21];
    switch (i % 4) {
    case 0: return d;
    case 1: return d / 3;
    case 2: return d * 1.1;
    default: {
        double x;
        uint64_t bits = next();
        memcpy(&x, &bits, sizeof x);
        return x;
    }
    }
}

static void check_plain(double v, int digits)
{
    char fast[FACT_PLAIN_MAX], slow[64];
    size_t n = fact_plain_decimal(v, digits, fast);
    snprintf(slow, sizeof slow, "%.*g", digits, v);
    if (n == 0) {
        /* none written: %g's digits do not read back as v, or it writes
         * v whole or with an exponent */
        if (fabs(v) >= 1e-4 && fabs(v) < 1e15 && v != floor(v) && strtod(slow, NULL) == v &&
            !strchr(slow, 'e'))
            fail_msg("%.17g at %d digits: nothing written, printf %s", v, digits, slow);
        return;
    }
    if (strcmp(fast, slow) || n != strlen(slow))
        fail_msg("%.17g at %d digits: %s, printf %s", v, digits, fast, slow);
}

static void test_plain_matches_printf(void **state)
{
    (void)state;
    static const double edges[] = {0.1, 0.0001, 0.00012, 9.9999e-5, 0.30000000000000004, 17.4,
                                   -60.4, 123456789012345.6, 99999999999999.9, 1e15 - 0.5,
                                   0.5, 1.5, 2.675, 1.0 / 3, 5e-324, 0, -0.0, 1e300};
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
        for (int d = 1; d <= 15; d++)
            check_plain(edges[i], d);
    for (int i = 0; i < 400000; i++) {
        double v = sample(i);
        check_plain(v, 14);
        check_plain(v, 15);
        check_plain(v, 1 + i % 15);
    }
    /* around each power of ten, where the digits before the point change */
    for (int e = -4; e <= 15; e++)
        for (double v = nextafter(pow(10, e), 0), n = 0; n < 8; n++, v = nextafter(v, INFINITY))
            for (int d = 1; d <= 15; d++)
                check_plain(v, d);
    char buf[FACT_PLAIN_MAX];
    assert_int_equal(fact_plain_decimal(17.4, 15, buf), 4);
    assert_string_equal(buf, "17.4");
    assert_int_equal(fact_plain_decimal(-0.0523, 15, buf), 7);
    assert_string_equal(buf, "-0.0523");
    assert_int_equal(fact_plain_decimal(21, 15, buf), 0);       /* whole */
    assert_int_equal(fact_plain_decimal(0.00001, 15, buf), 0);  /* %g: 1e-05 */
    assert_int_equal(fact_plain_decimal(NAN, 15, buf), 0);
    assert_int_equal(fact_plain_decimal(0.1 + 0.2, 15, buf), 0); /* 17 digits */
}

/* What fact_format_number wrote before its printf-free path. */
static size_t reference(double v, char *buf, size_t cap)
{
    if (!isfinite(v))
        return (size_t)snprintf(buf, cap, "null");
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        return (size_t)snprintf(buf, cap, "%.0f", v);
    for (int prec = 15; prec <= 17; prec++) {
        int n = snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return (size_t)n;
    }
    return (size_t)snprintf(buf, cap, "%.17g", v);
}

static void test_format_number_unchanged(void **state)
{
    (void)state;
    /* around 1e-4 and 1e15, where the search by printf starts at 16
     * digits; 16 and 17 digits; numbers that %g writes with an exponent */
    static const double edges[] = {1e-4, 9.9999e-5, 1.0000000000000002e-4, 0.1 + 0.2,
                                   1.0862068965517242, 0.604022988506, 2.29885057471e-05,
                                   999999999999999.9, 1e15 + 0.25, 123456789012345.67,
                                   -0.00114942528736, 1.0 / 3, 2.0 / 3e-5, 1e23, 5e-324, 1e300 / 7};
    for (size_t i = 0; i < sizeof edges / sizeof *edges; i++) {
        char a[40], b[40];
        size_t na = fact_format_number(edges[i], a, sizeof a), nb = reference(edges[i], b, sizeof b);
        if (edges[i] != 0 && fabs(edges[i]) < 2.2250738585072014e-308)
            assert_string_equal(a, "5e-324");
        else if (na != nb || strcmp(a, b))
            fail_msg("%.17g: %s, before %s", edges[i], a, b);
    }
    for (int i = 0; i < 400000; i++) {
        double v = sample(i);
        if (v != 0 && fabs(v) < 2.2250738585072014e-308)
            continue; /* subnormals: the reference starts at 15 digits */
        char a[40], b[40];
        size_t na = fact_format_number(v, a, sizeof a), nb = reference(v, b, sizeof b);
        if (na != nb || strcmp(a, b))
            fail_msg("%.17g: %s, before %s", v, a, b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_matches_printf),
        cmocka_unit_test(test_format_number_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
