/*
 * text.c — the first stage of the pipeline: raw bytes in, normalised UTF-8
 * out, with a map from every normalised byte back to the original input.
 *
 * decode     UTF-8 is validated strictly; GB18030 (and so GBK and GB2312)
 *            goes through iconv, run by run, with each character's length
 *            decided here so that the map points at its exact source bytes.
 * normalise  NFKC-style width folding with utf8proc, under the policy set out
 *            in text.h.  Chinese news is mostly ASCII and CJK ideographs,
 *            which NFKC leaves alone, so those are copied in bulk; only
 *            other code points pay for a utf8proc call.
 *
 * segment.c works on the result; doc.c streams documents through
 * text_append / text_safe_cut / text_buf_drop.
 */
#include "text.h"

#include <errno.h>
#include <iconv.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "utf8.h"
#include "vscan.h"

/* ---- text_buf ------------------------------------------------------- */

void text_buf_init(text_buf *tb)
{
    memset(tb, 0, sizeof *tb);
}

void text_buf_free(text_buf *tb)
{
    free(tb->buf);
    free(tb->orig);
    text_buf_init(tb);
}

/* Keep buf NUL-terminated and orig[len] pointing past the last consumed
 * byte: the two invariants text.h promises between calls. */
static void seal(text_buf *tb)
{
    if (!tb->buf)
        return;
    tb->buf[tb->len] = '\0';
    tb->orig[tb->len] = tb->raw_pos;
}

void text_buf_reset(text_buf *tb)
{
    tb->len = 0;
    tb->raw_pos = 0;
    seal(tb);
}

void text_buf_drop(text_buf *tb, size_t n)
{
    if (n > tb->len)
        n = tb->len;
    if (n == 0)
        return;
    size_t keep = tb->len - n;
    memmove(tb->buf, tb->buf + n, keep + 1);
    memmove(tb->orig, tb->orig + n, (keep + 1) * sizeof *tb->orig);
    tb->len = keep;
}

/* Room for want bytes (plus the terminator and orig[len]).  Geometric
 * growth keeps appending linear however small the pieces. */
static bool reserve(text_buf *tb, size_t want)
{
    if (tb->buf && want <= tb->cap)
        return true;
    size_t cap = tb->cap ? tb->cap : 256;
    while (cap < want) {
        if (cap > SIZE_MAX / 2)
            return false;
        cap *= 2;
    }
    if (cap >= SIZE_MAX / sizeof(size_t) - 1)
        return false;
    char *b = realloc(tb->buf, cap + 1);
    if (!b)
        return false;
    tb->buf = b;
    size_t *o = realloc(tb->orig, (cap + 1) * sizeof *o);
    if (!o)
        return false;
    tb->orig = o;
    tb->cap = cap;
    return true;
}

size_t text_bom_len(const char *raw, size_t n)
{
    return n >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

/* ---- the decoder's state for one text_append call --------------------- */

typedef struct {
    text_buf *tb;
    const unsigned char *raw;
    size_t n;          /* bytes in raw */
    size_t base;       /* absolute offset of raw[0] */
    bool final;
    size_t stop;       /* bytes consumed, or index of the bad character */
    text_error *err;
    iconv_t cd;        /* GB18030 → UTF-8, opened on the first multibyte run
                          of the call; per call, so no state outlives it */
    bool checked;      /* raw is UTF-8 the caller has checked */
} decoder;

static int fail(decoder *d, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record an error at raw[i]; the text before it stays in tb (text.h). */
static int fail(decoder *d, size_t i, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->err->msg, sizeof d->err->msg, fmt, ap);
    va_end(ap);
    d->err->offset = d->base + i;
    d->stop = i;
    return -1;
}

static int out_of_memory(decoder *d, size_t i)
{
    return fail(d, i, "out of memory");
}

/* ---- writing normalised bytes ---------------------------------------- */

/* m[k] = origin + k for k < n.  The map is written for every byte of the
 * input, so it goes two entries to a vector store where SSE2 is there
 * (every x86-64), which the compiler does not do on its own at -O2. */
static void fill_map(size_t *m, size_t n, size_t origin)
{
    size_t k = 0;
#if defined(__SSE2__) && SIZE_MAX == UINT64_MAX
    __m128i v = _mm_set_epi64x((long long)origin + 1, (long long)origin);
    const __m128i two = _mm_set1_epi64x(2), four = _mm_set1_epi64x(4);
    for (; k + 4 <= n; k += 4) {
        _mm_storeu_si128((__m128i *)(void *)(m + k), v);
        _mm_storeu_si128((__m128i *)(void *)(m + k + 2), _mm_add_epi64(v, two));
        v = _mm_add_epi64(v, four);
    }
#endif
    for (; k < n; k++)
        m[k] = origin + k;
}

/* Verbatim bytes: each keeps the offset of its own original byte. */
static void put_run(text_buf *tb, const unsigned char *src, size_t n,
                    size_t origin)
{
    memcpy(tb->buf + tb->len, src, n);
    fill_map(tb->orig + tb->len, n, origin);
    tb->len += n;
}

static void put_byte(text_buf *tb, char c, size_t origin)
{
    tb->buf[tb->len] = c;
    tb->orig[tb->len++] = origin;
}

/* Code points from one original character: every byte maps to its first
 * byte, so a span never starts or ends inside the original character. */
static void put_cps(text_buf *tb, const int32_t *cp, size_t k, size_t origin)
{
    for (size_t i = 0; i < k; i++) {
        size_t w = utf8_encode((uint32_t)cp[i], tb->buf + tb->len);
        for (size_t j = 0; j < w; j++)
            tb->orig[tb->len + j] = origin;
        tb->len += w;
    }
}

/* ---- normalisation policy -------------------------------------------- */

enum { FOLD_MAX = 32 };  /* longest NFKC expansion of one code point is 18 */

static bool is_hangul_vt(uint32_t cp)
{
    return (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11A8 && cp <= 0x11C2);
}

/* Can cp combine with what precedes it under canonical composition?  Every
 * second member of a composition pair is a mark, except Hangul vowel and
 * trailing jamo.  (Avoids utf8proc's comb_index, whose layout changed
 * between 2.6 and 2.8.) */
static bool composes_backwards(uint32_t cp, const utf8proc_property_t *p)
{
    return p->category == UTF8PROC_CATEGORY_MN ||
           p->category == UTF8PROC_CATEGORY_MC ||
           p->category == UTF8PROC_CATEGORY_ME || is_hangul_vt(cp);
}

/* Code points our policy treats differently from plain NFKC, for which the
 * generic stability test below must not be trusted. */
static bool policy_special(uint32_t cp)
{
    switch (cp) {
    case 0x0085: case 0x00AD: case 0x200B: case 0x2028: case 0x2029:
    case 0x2060: case 0x3000: case 0xFEFF:
        return true;
    default:
        return false;
    }
}

/* True when cp normalises to itself and cannot compose with what came
 * before, so it may be copied as it stands.  The first tests are the
 * bulk of Chinese news: ideographs (U+3400..U+9FFF, all NFKC-stable)
 * and the commonest CJK punctuation. */
static inline bool stable_cp(uint32_t cp)
{
    if (cp >= 0x3400 && cp <= 0x9FFF)
        return true;
    switch (cp) {
    case 0x3001: case 0x3002: case 0x300A: case 0x300B: case 0x300C:
    case 0x300D: case 0x201C: case 0x201D: case 0x2018: case 0x2019:
    case 0x2014: case 0x2026: case 0x00B7:
        return true;
    default:
        break;
    }
    if (policy_special(cp) || (cp >= 0xFF00 && cp <= 0xFFEF))
        return false;  /* width forms: fold_cp has them without utf8proc */
    const utf8proc_property_t *p = utf8proc_get_property((int32_t)cp);
    return p->decomp_seqindex == UINT16_MAX &&
           p->category != UTF8PROC_CATEGORY_ZS && !composes_backwards(cp, p);
}

/* One code point under our policy (text.h): NFKC, except that
 *  - every space separator becomes U+0020 and line/paragraph separators
 *    and NEL become LF;
 *  - soft hyphen, zero-width space, word joiner and U+FEFF are dropped
 *    (they would split a keyword without being visible);
 *  - … and ‥ stay (NFKC would make them dots, which segmentation reads
 *    differently), and so do super- and subscripts (NFKC would glue a
 *    footnote mark ¹ onto the number before it) and spacing diacritics
 *    (NFKC would turn a visible mark into a space).
 * Returns the number of code points written to out (0: dropped). */
static size_t fold_cp(uint32_t cp, int32_t out[FOLD_MAX])
{
    if (cp >= 0xFF01 && cp <= 0xFF5E) {  /* full-width ASCII: the common case */
        out[0] = (int32_t)(cp - 0xFEE0);
        return 1;
    }
    switch (cp) {
    case 0x3000:
        out[0] = ' ';
        return 1;
    case 0x0085: case 0x2028: case 0x2029:
        out[0] = '\n';
        return 1;
    case 0x00AD: case 0x200B: case 0x2060: case 0xFEFF:
        return 0;
    case 0x2025: case 0x2026: case 0x22EF:
        out[0] = (int32_t)cp;
        return 1;
    default:
        break;
    }
    const utf8proc_property_t *p = utf8proc_get_property((int32_t)cp);
    out[0] = (int32_t)cp;
    if (p->category == UTF8PROC_CATEGORY_ZS) {
        out[0] = ' ';
        return 1;
    }
    if (p->decomp_seqindex == UINT16_MAX ||
        p->decomp_type == UTF8PROC_DECOMP_TYPE_SUPER ||
        p->decomp_type == UTF8PROC_DECOMP_TYPE_SUB)
        return 1;
    int boundclass = 0;
    utf8proc_ssize_t k = utf8proc_decompose_char(
        (int32_t)cp, out, FOLD_MAX, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT,
        &boundclass);
    if (k <= 0 || k > FOLD_MAX || (out[0] == ' ' && k > 1)) {
        out[0] = (int32_t)cp;
        return 1;
    }
    k = utf8proc_normalize_utf32(out, k, UTF8PROC_COMPOSE);
    return k > 0 ? (size_t)k : 0;
}

/* ---- canonical composition across characters --------------------------- */

enum { MERGE_CPS = 16, MERGE_BUF = 256 };

/* Output offset of the last starter within MERGE_CPS code points of the
 * end (or of the start of the text, if only marks precede), else
 * SIZE_MAX: composition never reaches further back, and the bound keeps a
 * run of ten thousand marks linear. */
static size_t last_starter(const text_buf *tb)
{
    size_t pos = tb->len;
    for (int k = 0; k < MERGE_CPS && pos > 0; k++) {
        pos = utf8_char_start(tb->buf, pos - 1);
        uint32_t cp;
        utf8_decode(tb->buf + pos, tb->len - pos, &cp);
        if (utf8proc_get_property((int32_t)cp)->combining_class == 0)
            return pos;
    }
    return pos == 0 ? 0 : SIZE_MAX;
}

static int put_plain(decoder *d, const int32_t *f, size_t k, size_t origin,
                     size_t slack, size_t i)
{
    if (!reserve(d->tb, d->tb->len + 4 * k + slack))
        return out_of_memory(d, i);
    put_cps(d->tb, f, k, origin);
    return 0;
}

/* f begins with a mark or jamo: NFC the text from the last starter on
 * together with f, the way NFKC composes across characters.  Only when
 * that changes something is the tail rewritten; the rewritten bytes all
 * map to the starter's original offset. */
static int put_composed(decoder *d, const int32_t *f, size_t k, size_t origin,
                        size_t slack, size_t i)
{
    text_buf *tb = d->tb;
    size_t st = last_starter(tb);
    if (st == SIZE_MAX)
        return put_plain(d, f, k, origin, slack, i);
    unsigned char joined[MERGE_CPS * 4 + FOLD_MAX * 4];
    size_t jlen = tb->len - st;
    memcpy(joined, tb->buf + st, jlen);
    for (size_t j = 0; j < k; j++)
        jlen += utf8_encode((uint32_t)f[j], (char *)joined + jlen);
    int32_t cps[MERGE_BUF];
    utf8proc_ssize_t m = utf8proc_decompose(joined, (utf8proc_ssize_t)jlen,
                                            cps, MERGE_BUF, UTF8PROC_DECOMPOSE);
    if (m < 0 || m > MERGE_BUF)
        return put_plain(d, f, k, origin, slack, i);
    m = utf8proc_normalize_utf32(cps, m, UTF8PROC_COMPOSE);
    char out[MERGE_BUF * 4];
    size_t olen = 0;
    for (utf8proc_ssize_t j = 0; j < m; j++)
        olen += utf8_encode((uint32_t)cps[j], out + olen);
    if (olen == jlen && memcmp(out, joined, jlen) == 0)
        return put_plain(d, f, k, origin, slack, i);
    if (!reserve(tb, st + olen + slack))
        return out_of_memory(d, i);
    size_t at = st < tb->len ? tb->orig[st] : origin;
    memcpy(tb->buf + st, out, olen);
    for (size_t j = 0; j < olen; j++)
        tb->orig[st + j] = at;
    tb->len = st + olen;
    return 0;
}

/* Normalise one decoded character that is not copied verbatim.  slack is
 * how much the caller may still write without reserving (its bytes left
 * to decode, times their worst expansion). */
static int put_cp(decoder *d, uint32_t cp, size_t origin, size_t slack,
                  size_t i)
{
    int32_t f[FOLD_MAX];
    if (stable_cp(cp)) {  /* GB18030 hanzi come this way */
        f[0] = (int32_t)cp;
        return put_plain(d, f, 1, origin, slack, i);
    }
    size_t k = fold_cp(cp, f);
    if (k == 0)
        return 0;
    if (f[0] >= 0x300 &&
        composes_backwards((uint32_t)f[0], utf8proc_get_property(f[0])))
        return put_composed(d, f, k, origin, slack, i);
    return put_plain(d, f, k, origin, slack, i);
}

/* NUL or CR at raw[i].  Returns the bytes consumed; 0 when a CR ends a
 * non-final chunk and must wait to see whether LF follows. */
static size_t put_control(decoder *d, size_t i)
{
    size_t at = d->base + i;
    if (d->raw[i] == '\0') {
        put_byte(d->tb, ' ', at);  /* NUL policy: see text.h */
        return 1;
    }
    if (i + 1 < d->n) {
        put_byte(d->tb, '\n', at);
        return d->raw[i + 1] == '\n' ? 2 : 1;
    }
    if (!d->final)
        return 0;
    put_byte(d->tb, '\n', at);
    return 1;
}

/* ---- UTF-8 ----------------------------------------------------------- */

typedef enum {
    U8_OK,
    U8_INCOMPLETE, /* valid so far, but the input ends */
    U8_STRAY,      /* continuation byte where a character should start */
    U8_OVERLONG,
    U8_SURROGATE,
    U8_TOO_BIG,    /* above U+10FFFF */
    U8_NEVER,      /* 0xF8..0xFF */
    U8_CUT         /* a non-continuation byte inside the sequence */
} u8_status;

/* Strictly validate the multibyte sequence at u[0] (u[0] >= 0x80).  On
 * U8_CUT, *bad is the index of the offending byte. */
static u8_status u8_check(const unsigned char *u, size_t avail, uint32_t *cp,
                          size_t *len, size_t *bad)
{
    unsigned c = u[0];
    unsigned lo = 0x80, hi = 0xBF;
    size_t need;
    if (c < 0xC0)
        return U8_STRAY;
    if (c < 0xC2)
        return U8_OVERLONG;
    if (c < 0xE0) {
        need = 2;
    } else if (c < 0xF0) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c < 0xF5) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return c < 0xF8 ? U8_TOO_BIG : U8_NEVER;
    }
    if (avail < 2)
        return U8_INCOMPLETE;
    if (u[1] < lo || u[1] > hi) {
        if ((u[1] & 0xC0) != 0x80) {
            *bad = 1;
            return U8_CUT;
        }
        return c == 0xED ? U8_SURROGATE : c == 0xF4 ? U8_TOO_BIG : U8_OVERLONG;
    }
    for (size_t k = 2; k < need; k++) {
        if (k >= avail)
            return U8_INCOMPLETE;
        if ((u[k] & 0xC0) != 0x80) {
            *bad = k;
            return U8_CUT;
        }
    }
    *len = utf8_decode((const char *)u, need, cp);
    return U8_OK;
}

static int fail_utf8(decoder *d, size_t i, u8_status st, size_t bad)
{
    const unsigned char *u = d->raw + i;
    switch (st) {
    case U8_STRAY:
        return fail(d, i, "invalid UTF-8: stray continuation byte 0x%02X",
                    u[0]);
    case U8_OVERLONG:
        return fail(d, i, "invalid UTF-8: overlong encoding (byte 0x%02X)",
                    u[0]);
    case U8_SURROGATE:
        return fail(d, i, "invalid UTF-8: UTF-16 surrogate (bytes 0xED 0x%02X)",
                    u[1]);
    case U8_TOO_BIG:
        return fail(d, i,
                    "invalid UTF-8: code point above U+10FFFF (byte 0x%02X)",
                    u[0]);
    case U8_NEVER:
        return fail(d, i, "invalid UTF-8: byte 0x%02X never occurs in UTF-8",
                    u[0]);
    case U8_CUT:
        return fail(d, i,
                    "invalid UTF-8: character starting with 0x%02X is cut "
                    "short by byte 0x%02X %zu byte(s) later",
                    u[0], u[bad], bad);
    case U8_INCOMPLETE:
        return fail(d, i, "invalid UTF-8: truncated character at end of input "
                          "(byte 0x%02X)", u[0]);
    case U8_OK:
        break;
    }
    return fail(d, i, "invalid UTF-8");
}

static void flush(decoder *d, size_t from, size_t to)
{
    if (to > from)
        put_run(d->tb, d->raw + from, to - from, d->base + from);
}

/* The whole UTF-8 path.  Bytes that normalise to themselves accumulate in
 * a run [run, i) and are copied in one go when something else turns up. */
static int decode_utf8(decoder *d)
{
    const unsigned char *u = d->raw;
    size_t n = d->n, i = 0, run = 0;
    size_t (*verbatim_end)(const unsigned char *, size_t, size_t) =
        d->checked ? vscan_text_checked : vscan_text;
    while ((i = verbatim_end(u, i, n)) < n) {
        unsigned c = u[i];
        if (c < 0x80) { /* NUL or CR */
            flush(d, run, i);
            run = i;
            size_t used = put_control(d, i);
            if (!used)
                break;
            i += used;
            run = i;
            continue;
        }
        uint32_t cp = 0;
        size_t len = 3, bad = 0;
        if (utf8_plain_three((const char *)u + i, n - i)) {
            cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(u[i + 1] & 0x3F) << 6) |
                 (u[i + 2] & 0x3F);
        } else {
            u8_status st = u8_check(u + i, n - i, &cp, &len, &bad);
            if (st == U8_INCOMPLETE && !d->final)
                break;
            if (st != U8_OK) {
                flush(d, run, i);
                return fail_utf8(d, i, st, bad);
            }
        }
        if (!stable_cp(cp)) {
            flush(d, run, i);
            if (cp >= 0xFF01 && cp <= 0xFF5E) /* full-width ASCII: fold_cp's first case */
                put_byte(d->tb, (char)(cp - 0xFEE0), d->base + i);
            else if (put_cp(d, cp, d->base + i, n - i - len, i))
                return -1;
            run = i + len;
        }
        i += len;
    }
    flush(d, run, i);
    d->stop = i;
    return 0;
}

/* ---- GB18030 --------------------------------------------------------- */

enum { GB_RUN = 4096 };  /* source bytes converted per iconv call */

/* Length of the GB18030 character at u[0] from its lead and second bytes:
 * 1, 2 or 4; 0 if the input ends inside it; -1 if it is malformed. */
static int gb_len(const unsigned char *u, size_t avail)
{
    unsigned c = u[0];
    if (c < 0x80)
        return 1;
    if (c == 0x80 || c == 0xFF)
        return -1;
    if (avail < 2)
        return 0;
    unsigned c1 = u[1];
    if ((c1 >= 0x40 && c1 <= 0x7E) || (c1 >= 0x80 && c1 <= 0xFE))
        return 2;
    if (c1 < 0x30 || c1 > 0x39)
        return -1;
    if (avail < 3)
        return 0;
    if (u[2] < 0x81 || u[2] > 0xFE)
        return -1;
    if (avail < 4)
        return 0;
    return u[3] >= 0x30 && u[3] <= 0x39 ? 4 : -1;
}

static iconv_t gb_open(void)
{
    return iconv_open("UTF-8", "GB18030");
}

/* Convert raw[i..j) (whole multibyte characters); returns how many source
 * bytes converted cleanly (the rest starts with an unmappable character)
 * and the output length in *outlen. */
static size_t gb_convert(iconv_t cd, const unsigned char *src, size_t n,
                         char *out, size_t cap, size_t *outlen)
{
    char *in = (char *)src, *o = out;
    size_t inleft = n, outleft = cap;
    iconv(cd, NULL, NULL, NULL, NULL);
    iconv(cd, &in, &inleft, &o, &outleft);
    *outlen = (size_t)(o - out);
    return n - inleft;
}

/* Each character of raw[i..j) on its own: the fallback for a run whose
 * conversion did not give one code point per character, so that no
 * output byte is ever mapped to the wrong source character. */
static int gb_one_by_one(decoder *d, size_t i, size_t j)
{
    while (i < j) {
        size_t len = (size_t)gb_len(d->raw + i, j - i);
        char out[16];
        size_t olen;
        if (gb_convert(d->cd, d->raw + i, len, out, sizeof out, &olen) != len)
            return fail(d, i, "invalid GB18030: no Unicode mapping for this "
                              "character");
        for (size_t o = 0; o < olen;) {
            uint32_t cp;
            o += utf8_decode(out + o, olen - o, &cp);
            if (put_cp(d, cp, d->base + i, 2 * (d->n - i), i))
                return -1;
        }
        i += len;
    }
    return 0;
}

/* Transcode the multibyte run raw[i..j) and normalise it, walking source
 * characters and output code points side by side. */
static int gb_run(decoder *d, size_t i, size_t j)
{
    if (d->cd == (iconv_t)-1 && (d->cd = gb_open()) == (iconv_t)-1)
        return fail(d, i, "cannot convert GB18030: %s", strerror(errno));
    char out[GB_RUN * 2 + 16];
    size_t olen;
    size_t ok = gb_convert(d->cd, d->raw + i, j - i, out, sizeof out, &olen);
    size_t chars = 0;
    for (size_t k = i; k < i + ok; k += (size_t)gb_len(d->raw + k, j - k))
        chars++;
    if (chars != utf8_count(out, olen)) {
        if (gb_one_by_one(d, i, i + ok))
            return -1;
    } else {
        size_t o = 0;
        for (size_t k = i; k < i + ok;) {
            uint32_t cp;
            size_t w = utf8_decode(out + o, olen - o, &cp);
            if (stable_cp(cp)) {
                /* within the slack text_append reserved: at most 4 bytes
                 * for a character of 2 or 4 */
                memcpy(d->tb->buf + d->tb->len, out + o, w);
                for (size_t b = 0; b < w; b++)
                    d->tb->orig[d->tb->len + b] = d->base + k;
                d->tb->len += w;
            } else if (put_cp(d, cp, d->base + k, 2 * (d->n - k), k)) {
                return -1;
            }
            o += w;
            k += (size_t)gb_len(d->raw + k, j - k);
        }
    }
    if (ok < j - i)
        return fail(d, i + ok, "invalid GB18030: no Unicode mapping for this "
                               "character");
    return 0;
}

/* End of the run of multibyte characters starting at raw[i], at most
 * GB_RUN bytes; *st is 0 if it ended at ASCII or the run limit, or the
 * gb_len verdict (0 or -1) of the character that stopped it. */
static size_t gb_run_end(const decoder *d, size_t i, int *st)
{
    size_t j = i;
    *st = 1;
    while (j < d->n && d->raw[j] >= 0x80 && j - i < GB_RUN) {
        int len = gb_len(d->raw + j, d->n - j);
        if (len <= 0) {
            *st = len;
            break;
        }
        j += (size_t)len;
    }
    return j;
}

static int decode_gb(decoder *d)
{
    const unsigned char *u = d->raw;
    size_t n = d->n, i = 0;
    while (i < n) {
        if (u[i] < 0x80) {
            size_t j = i;
            while (j < n && u[j] < 0x80 && u[j] != '\0' && u[j] != '\r')
                j++;
            flush(d, i, j);
            i = j;
            if (i < n && u[i] < 0x80) {
                size_t used = put_control(d, i);
                if (!used)
                    break;
                i += used;
            }
            continue;
        }
        int st;
        size_t j = gb_run_end(d, i, &st);
        if (j > i && gb_run(d, i, j))
            return -1;
        i = j;
        if (st == 0 && !d->final)
            break;
        if (st == 0)
            return fail(d, i, "invalid GB18030: truncated character at end of "
                              "input (byte 0x%02X)", u[i]);
        if (st < 0)
            return fail(d, i, "invalid GB18030: malformed character (byte "
                              "0x%02X)", u[i]);
    }
    d->stop = i;
    return 0;
}

/* ---- text_append / text_detect ----------------------------------------- */

/* text_append; checked: raw is UTF-8 the caller has checked. */
static long append(text_buf *tb, const char *raw, size_t n, text_encoding enc,
                   bool checked, bool final, text_error *err)
{
    text_error scratch;
    if (!err)
        err = &scratch;
    if (n > LONG_MAX / 2) {
        err->offset = tb->raw_pos;
        snprintf(err->msg, sizeof err->msg, "input piece too large");
        return -1;
    }
    if (enc == TEXT_ENC_AUTO) {
        int e = text_detect(raw, n, err);
        if (e < 0) {
            err->offset += tb->raw_pos;
            return -1;
        }
        enc = (text_encoding)e;
    }
    decoder d = {tb, (const unsigned char *)raw, n, tb->raw_pos, final, 0,
                 err, (iconv_t)-1, checked};
    /* Verbatim copies never grow the text, GB18030 at most doubles it;
     * put_cp reserves for itself plus this slack whenever it expands. */
    size_t slack = enc == TEXT_ENC_GB18030 ? 2 * n : n;
    int rc;
    if (!reserve(tb, tb->len + slack + 16))
        rc = out_of_memory(&d, 0);
    else
        rc = enc == TEXT_ENC_GB18030 ? decode_gb(&d) : decode_utf8(&d);
    if (d.cd != (iconv_t)-1)
        iconv_close(d.cd);
    tb->raw_pos += d.stop;
    seal(tb);
    return rc ? -1 : (long)d.stop;
}

long text_append(text_buf *tb, const char *raw, size_t n, text_encoding enc,
                 bool final, text_error *err)
{
    return append(tb, raw, n, enc, false, final, err);
}

long text_append_checked(text_buf *tb, const char *raw, size_t n, bool final,
                         text_error *err)
{
    return append(tb, raw, n, TEXT_ENC_UTF8, true, final, err);
}

/* Length of the valid UTF-8 prefix of raw[0..n); a character cut by the
 * end of the sample counts as valid. */
static size_t utf8_valid_prefix(const unsigned char *u, size_t n)
{
    const uint64_t high = UINT64_C(0x8080808080808080);
    size_t i = 0;
    while (i < n) {
        /* The whole document is read here before it is decoded: ASCII
         * eight bytes at a time, and the common three-byte characters
         * without the full check. */
        uint64_t v;
        if (n - i >= 8 && (memcpy(&v, u + i, sizeof v), !(v & high))) {
            i += 8;
            continue;
        }
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        if (utf8_plain_three((const char *)u + i, n - i)) {
            i += 3;
            continue;
        }
        uint32_t cp;
        size_t len = 0, bad = 0;
        u8_status st = u8_check(u + i, n - i, &cp, &len, &bad);
        if (st == U8_INCOMPLETE)
            return n;
        if (st != U8_OK)
            return i;
        i += len;
    }
    return n;
}

typedef struct {
    size_t controls;  /* C0 controls no text file has */
    size_t multi;     /* 2- and 4-byte characters */
    size_t common;    /* of them, in the GB2312 symbol and hanzi rows */
    size_t valid;     /* bytes of whole characters */
} gb_stats;

static bool odd_control(unsigned c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' &&
            c != '\v' && c != '\0' && c != 0x1A) || c == 0x7F;
}

/* Structural scan; false on a malformed character. */
static bool gb_scan(const unsigned char *u, size_t n, gb_stats *s)
{
    memset(s, 0, sizeof *s);
    size_t i = 0;
    while (i < n) {
        int len = gb_len(u + i, n - i);
        if (len < 0)
            return false;
        if (len == 0)
            break;  /* cut by the end of the sample */
        if (len == 1) {
            s->controls += odd_control(u[i]);
        } else {
            s->multi++;
            bool row = (u[i] >= 0xA1 && u[i] <= 0xA9) ||
                       (u[i] >= 0xB0 && u[i] <= 0xF7);
            s->common += len == 2 && row && u[i + 1] >= 0xA1;
        }
        i += (size_t)len;
    }
    s->valid = i;
    return true;
}

static bool gb_converts(const unsigned char *u, size_t n)
{
    iconv_t cd = gb_open();
    if (cd == (iconv_t)-1)
        return false;
    bool ok = true;
    size_t i = 0;
    while (ok && i < n) {
        size_t j = i;
        while (j < n && j - i < GB_RUN)
            j += (size_t)gb_len(u + j, n - j);
        char out[GB_RUN * 2 + 16];
        size_t olen;
        ok = gb_convert(cd, u + i, j - i, out, sizeof out, &olen) == j - i;
        i = j;
    }
    iconv_close(cd);
    return ok;
}

/* GB18030 that reads as Chinese: well formed, convertible, hardly any
 * control bytes, and most multibyte characters in the GB2312 rows that
 * real Chinese text lives in.  Latin-1 or binary data that happens to be
 * well formed fails the last two tests. */
static bool gb_plausible(const unsigned char *u, size_t n)
{
    gb_stats s;
    if (!gb_scan(u, n, &s) || s.multi == 0)
        return false;
    if (s.controls * 100 > n || s.common * 2 < s.multi)
        return false;
    return gb_converts(u, s.valid);
}

int text_detect(const char *raw, size_t n, text_error *err)
{
    const unsigned char *u = (const unsigned char *)raw;
    size_t bad = utf8_valid_prefix(u, n);
    if (bad == n)
        return TEXT_ENC_UTF8;
    if (gb_plausible(u, n))
        return TEXT_ENC_GB18030;
    if (err) {
        bool utf16 = n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
                                (u[0] == 0xFE && u[1] == 0xFF));
        err->offset = utf16 ? 0 : bad;
        if (utf16)
            snprintf(err->msg, sizeof err->msg,
                     "not UTF-8 or GB18030: UTF-16 byte-order mark (UTF-16 is "
                     "not supported; convert to UTF-8)");
        else
            snprintf(err->msg, sizeof err->msg,
                     "not UTF-8 or GB18030: invalid byte 0x%02X", u[bad]);
    }
    return -1;
}
