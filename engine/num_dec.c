/*
 * num_dec.c — exact decimal values (m × 10^e) for the quantity scanner.
 *
 * Money in news is stated in decimal (17.4亿, 1.57%); going through double
 * would print 1739999999.9999998.  The scanner only ever scales by powers of
 * ten and adds (3万 + 4000, 123元 + 1角), so a 64-bit mantissa with a
 * decimal exponent is all it needs.  Mantissas stay below 10^18; emitted
 * values are normalised (no trailing zeros in m) so that equal values have
 * equal bits.
 */
#include "num_int.h"

#include <string.h>

num_dec num_dec_make(int64_t m, int32_t e)
{
    /* A single digit, as the numeral reader makes at every character (and
     * zero to start its sums), has no trailing zero to strip: no division */
    if (m > -10 && m < 10)
        return (num_dec){m, m ? num_dec_clamp_e(e) : 0};
    num_dec d = num_dec_fit(m, e);
    return num_dec_norm(d);
}

num_dec num_dec_norm(num_dec d)
{
    /* Most figures end in a non-zero digit (17.4, 21): nothing to cut,
     * nothing to strip, one remainder says so. */
    if (d.m > -NUM_DEC_MAX_M && d.m < NUM_DEC_MAX_M && d.m % 10 != 0)
        return (num_dec){d.m, num_dec_clamp_e(d.e)};
    return num_dec_strip(d);
}

num_dec num_dec_strip(num_dec d)
{
    d = num_dec_fit(d.m, d.e);
    if (d.m == 0) return d;
    int64_t e = d.e;
    while (d.m % 10 == 0) { d.m /= 10; e++; }
    d.e = num_dec_clamp_e(e);
    return d;
}

num_dec num_dec_neg(num_dec a)
{
    a = num_dec_fit(a.m, a.e);
    a.m = -a.m;
    return a;
}

num_dec num_dec_add(num_dec a, num_dec b)
{
    a = num_dec_fit(a.m, a.e);
    b = num_dec_fit(b.m, b.e);
    if (a.m == 0) return b;
    if (b.m == 0) return a;
    num_dec *big = a.e >= b.e ? &a : &b; /* the larger exponent */
    num_dec *small = big == &a ? &b : &a;
    /* Bring the larger exponent down while the mantissa has room; only if
     * it has none does the smaller value lose digits (beyond 18 digits). */
    while (big->e > small->e && big->m < NUM_DEC_MAX_M / 10 &&
           big->m > -NUM_DEC_MAX_M / 10) {
        big->m *= 10;
        big->e--;
    }
    while (small->e < big->e) {
        small->m /= 10;
        small->e++;
    }
    return num_dec_fit(a.m + b.m, a.e); /* each < 10^18: no overflow */
}

int num_dec_cmp(num_dec a, num_dec b)
{
    num_dec d = num_dec_add(a, num_dec_neg(b));
    return (d.m > 0) - (d.m < 0);
}

/* Digits of |m| into out (no NUL); returns how many. */
static size_t mantissa_digits(uint64_t u, char *out)
{
    char rev[24];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    for (size_t i = 0; i < n; i++) out[i] = rev[n - 1 - i];
    return n;
}

static size_t put_int(int64_t v, char *out)
{
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (v < 0) out[n++] = '-';
    return n + mantissa_digits(u, out + n);
}

/* Plain notation: digits with the point placed by x, the exponent of the
 * leading digit (JavaScript prints this way for -7 < x < 21). */
static size_t format_plain(const char *dig, size_t n, int64_t x, char *o)
{
    size_t k = 0;
    if (x < 0) {
        o[k++] = '0';
        o[k++] = '.';
        for (int64_t z = -1; z > x; z--) o[k++] = '0';
        memcpy(o + k, dig, n);
        return k + n;
    }
    size_t ip = (size_t)x + 1; /* digits before the point */
    for (size_t i = 0; i < ip; i++) o[k++] = i < n ? dig[i] : '0';
    if (n > ip) {
        o[k++] = '.';
        memcpy(o + k, dig + ip, n - ip);
        k += n - ip;
    }
    return k;
}

static size_t format_exp(const char *dig, size_t n, int64_t x, char *o)
{
    size_t k = 0;
    o[k++] = dig[0];
    if (n > 1) {
        o[k++] = '.';
        memcpy(o + k, dig + 1, n - 1);
        k += n - 1;
    }
    o[k++] = 'e';
    o[k++] = x < 0 ? '-' : '+';
    return k + put_int(x < 0 ? -x : x, o + k);
}

size_t num_dec_format(num_dec d, char *buf, size_t cap)
{
    char dig[24], tmp[64];
    size_t k = 0;
    if (cap == 0) return 0;
    uint64_t u = d.m < 0 ? (uint64_t)0 - (uint64_t)d.m : (uint64_t)d.m;
    int64_t e = d.e;
    if (u == 0) e = 0;
    while (u != 0 && u % 10 == 0) { u /= 10; e++; }
    size_t n = mantissa_digits(u, dig);
    if (d.m < 0) tmp[k++] = '-';
    int64_t x = e + (int64_t)n - 1;
    if (u == 0) {
        tmp[k++] = '0';
    } else if (x > -7 && x < 21) {
        k += format_plain(dig, n, x, tmp + k);
    } else {
        /* A caller-made value with 19 digits and a huge exponent would not
         * fit 31 characters: such a value is not news, so drop digits. */
        size_t xl = 1;
        for (int64_t t = x < 0 ? -x : x; t >= 10; t /= 10) xl++;
        while (n > 1 && k + n + (n > 1) + 2 + xl > 31) n--;
        k += format_exp(dig, n, x, tmp + k);
    }
    if (k >= cap) k = cap - 1;
    memcpy(buf, tmp, k);
    buf[k] = '\0';
    return k;
}

char *num_dec_put(num_dec d, char *o)
{
    uint64_t u = d.m < 0 ? (uint64_t)0 - (uint64_t)d.m : (uint64_t)d.m;
    if (u == 0) {
        *o = '0';
        return o + 1;
    }
    int64_t e = d.e;
    while (u % 10 == 0) { u /= 10; e++; }
    char dig[24], *p = dig + sizeof dig;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t n = (size_t)(dig + sizeof dig - p);
    int64_t x = e + (int64_t)n - 1;
    if (x <= -7 || x >= 21) /* e-notation: rare, and may drop digits */
        return o + num_dec_format(d, o, 32);
    if (d.m < 0) *o++ = '-';
    return o + format_plain(p, n, x, o);
}
