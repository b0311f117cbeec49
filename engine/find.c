/*
 * find.c — exact substring search (find.h).
 *
 * The engine looks for a few short words (a CJK word is 6 to 24 bytes) in
 * a whole article, and for one character in a list of forty bytes.  glibc's
 * memmem suits neither: it first hashes the needle into a table, hundreds
 * of instructions at each call, then advances a few bytes a step.  Here a
 * start is a candidate when the needle's first and last bytes stand where
 * they should — sixteen starts tested at once where SSE2 is there — and
 * only candidates are compared in full.  In CJK text the first byte (a
 * lead byte) is common, the pair of it and a last continuation byte rare.
 *
 * A candidate costs up to nl byte comparisons, and in text like "aaaa…"
 * every start is one: hl * nl in all, so a longer needle in a longer text,
 * where that could exceed memmem's set-up by far, goes to memmem, whose
 * time is linear.
 */
#include "find.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Needles of up to SHORT bytes are always filtered: their worst case is a
 * small multiple of memmem's time.  Longer ones are, while the worst case
 * (WORST_MAX byte comparisons) stays below what memmem's set-up and steps
 * would cost. */
#define SHORT 32
#define WORST_MAX 65536

/* Do the len bytes at a and b agree?  Words of eight, the last one
 * overlapping, and no call: a call in the filter's loops would have them
 * keep their registers on the stack. */
static inline int same_bytes(const char *a, const char *b, size_t len)
{
    if (len < 8) {
        for (size_t i = 0; i < len; i++)
            if (a[i] != b[i])
                return 0;
        return 1;
    }
    for (size_t i = 0; i + 8 < len; i += 8)
        if (bytes8(a + i) != bytes8(b + i))
            return 0;
    return bytes8(a + len - 8) == bytes8(b + len - 8);
}

/* Does n stand at p, whose first and last bytes match? */
static inline int rest_matches(const char *p, const char *n, size_t nl)
{
    return nl <= 2 || same_bytes(p + 1, n + 1, nl - 2);
}

/* The first start in [0, last] where n (nl >= 2 bytes) stands.  Its last
 * byte is looked for first: in UTF-8 a continuation byte, rarer than a
 * lead byte.  Kept out of line: its calls would have find_bytes save and
 * restore registers on every path. */
__attribute__((noinline))
static const char *scan(const char *h, size_t last, const char *n, size_t nl)
{
    const char *p = h + nl - 1, *end = h + last + nl;
    while (p < end && (p = memchr(p, n[nl - 1], (size_t)(end - p))) != NULL) {
        const char *at = p - (nl - 1);
        if (*at == n[0] && rest_matches(at, n, nl))
            return at;
        p++;
    }
    return NULL;
}

#if defined(__SSE2__)
/* Byte k set where the byte at p + k is the byte in c. */
static inline __m128i equal16(const char *p, __m128i c)
{
    return _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), c);
}

/* Byte k set where n's first and last bytes stand at start p + k. */
static inline __m128i candidates(const char *p, size_t nl, __m128i first,
                                 __m128i last)
{
    return _mm_and_si128(equal16(p, first), equal16(p + nl - 1, last));
}

static inline uint64_t mask16(const char *p, size_t nl, __m128i first,
                              __m128i last)
{
    return (uint64_t)_mm_movemask_epi8(candidates(p, nl, first, last));
}

/* Of the starts p + k, k a bit of m, the first where n stands. */
static inline const char *first_match(const char *p, uint64_t m,
                                      const char *n, size_t nl)
{
    for (; m; m &= m - 1) {
        const char *at = p + __builtin_ctzll(m);
        if (rest_matches(at, n, nl))
            return at;
    }
    return NULL;
}

/* The candidates among the 64 starts from p.  They are rare: one test
 * for four blocks takes fewer instructions a byte than a test each. */
static inline uint64_t mask64(const char *p, size_t nl, __m128i first,
                              __m128i last)
{
    __m128i a = _mm_or_si128(candidates(p, nl, first, last),
                             candidates(p + 16, nl, first, last));
    __m128i b = _mm_or_si128(candidates(p + 32, nl, first, last),
                             candidates(p + 48, nl, first, last));
    if (!_mm_movemask_epi8(_mm_or_si128(a, b)))
        return 0;
    return mask16(p, nl, first, last) | mask16(p + 16, nl, first, last) << 16 |
           mask16(p + 32, nl, first, last) << 32 | mask16(p + 48, nl, first, last) << 48;
}

/* find_bytes for starts up to last < 15 in h of 16 bytes or more: first
 * bytes from h's first sixteen, last bytes from its last sixteen, their
 * bits shifted to the starts they belong to. */
static const char *filter_short(const char *h, size_t hl, const char *n,
                                size_t nl, size_t last)
{
    uint64_t a = (unsigned)_mm_movemask_epi8(equal16(h, _mm_set1_epi8(n[0])));
    uint64_t b = (unsigned)_mm_movemask_epi8(equal16(h + hl - 16, _mm_set1_epi8(n[nl - 1])));
    return first_match(h, a & b >> (15 - last), n, nl);
}

/* find_bytes for 2 <= nl <= hl: 64 starts a step while they fit, then 16
 * a step.  The final block may overlap the one before: a start tested
 * again cannot match, or the search had ended. */
static const char *filter(const char *h, size_t hl, const char *n, size_t nl)
{
    size_t last = hl - nl; /* the last start n fits at */
    if (last < 15)
        return hl < 16 ? scan(h, last, n, nl) : filter_short(h, hl, n, nl, last);
    __m128i first = _mm_set1_epi8(n[0]), final = _mm_set1_epi8(n[nl - 1]);
    const char *p = h, *stop = h + last - 15; /* the final block's start */
    for (; stop - p >= 48; p += 64) {
        uint64_t m = mask64(p, nl, first, final);
        const char *at = m ? first_match(p, m, n, nl) : NULL;
        if (at)
            return at;
    }
    for (;; p += 16) {
        if (p > stop)
            p = stop;
        const char *at = first_match(p, mask16(p, nl, first, final), n, nl);
        if (at || p == stop)
            return at;
    }
}
#else
static const char *filter(const char *h, size_t hl, const char *n, size_t nl)
{
    return scan(h, hl - nl, n, nl);
}
#endif

const char *find_bytes(const char *h, size_t hl, const char *n, size_t nl)
{
    if (nl == 0)
        return h;
    if (nl > hl)
        return NULL;
    if (nl == 1)
        return memchr(h, n[0], hl);
    if (nl > SHORT && hl > WORST_MAX / nl)
        return memmem(h, hl, n, nl);
    return filter(h, hl, n, nl);
}
