/*
 * json_write.c — the buffered JSON Lines writer (json.h).
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum { JSON_FLUSH_AT = 1 << 16, JSON_MAX_DEPTH = 64 };

/* ---- writer ---------------------------------------------------------- */

void json_writer_init(json_writer *w, FILE *fp)
{
    memset(w, 0, sizeof *w);
    w->fp = fp;
}

int json_flush(json_writer *w)
{
    if (!w->fp)
        return w->failed ? -1 : 0;
    if (w->len && !w->failed && fwrite(w->buf, 1, w->len, w->fp) != w->len)
        w->failed = true;
    w->len = 0;
    if (!w->failed && fflush(w->fp) != 0)
        w->failed = true;
    return w->failed ? -1 : 0;
}

void json_writer_free(json_writer *w)
{
    json_flush(w);
    free(w->buf);
    w->buf = NULL;
    w->cap = 0;
}

/* Make room for n more bytes.  On allocation failure the writer is marked
 * failed, which the caller sees at the next json_flush. */
static bool reserve(json_writer *w, size_t n)
{
    if (w->failed)
        return false;
    if (array_room((void **)&w->buf, &w->cap, w->len, n, 1)) {
        w->failed = true;
        return false;
    }
    return true;
}

void json_raw(json_writer *w, const char *s, size_t n)
{
    if (!reserve(w, n))
        return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

/* Bytes that need an escape in a JSON string: a table, because this test
 * runs for every byte of every string the engine prints. */
#define E16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const unsigned char escape_byte[256] = {
    E16, E16, 0, 0, 1 /* " */, [0x5C] = 1 /* \ */, [0x7F] = 1};
#undef E16

static bool needs_escape(unsigned char c)
{
    return escape_byte[c];
}

static char *escape(char *o, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    *o++ = '\\';
    switch (c) {
    case '"': case '\\': *o++ = (char)c; break;
    case '\n': *o++ = 'n'; break;
    case '\t': *o++ = 't'; break;
    case '\r': *o++ = 'r'; break;
    default:
        memcpy(o, "u00", 3);
        o[3] = hex[c >> 4];
        o[4] = hex[c & 15];
        o += 5;
    }
    return o;
}

static uint32_t load32(const char *s)
{
    uint32_t v;
    memcpy(&v, s, sizeof v);
    return v;
}

#if defined(__SSE2__)
/* Bit k set when byte k of v needs an escape. */
static unsigned vec_escapes(__m128i v)
{
    /* v <= 0x1F unsigned: min(v, 0x1F) is v */
    __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
    __m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    __m128i b = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    __m128i d = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(ctl, q), _mm_or_si128(b, d)));
}

/* Bit k set when byte k of the sixteen at s needs an escape. */
static unsigned block_escapes(const char *s)
{
    return vec_escapes(_mm_loadu_si128((const __m128i *)(const void *)s));
}

/* Whether any byte of the words a and b needs an escape: one test of
 * both, for the tail of every string (most are shorter than 16 bytes). */
static bool words_need_escape(uint64_t a, uint64_t b)
{
    return vec_escapes(_mm_set_epi64x((long long)b, (long long)a)) != 0;
}
#else
/* Whether any byte of v needs an escape, tested at once (utf8.h). */
static bool word_needs_escape(uint64_t v)
{
    return (bytes8_below(v, 0x20) | bytes8_equal(v, '"') | bytes8_equal(v, '\\') |
            bytes8_equal(v, 0x7F)) & BYTES8_HIGH;
}

static unsigned block_escapes(const char *s)
{
    if (!word_needs_escape(bytes8(s)) && !word_needs_escape(bytes8(s + 8)))
        return 0;
    unsigned m = 0;
    for (unsigned k = 0; k < 16; k++)
        m |= (unsigned)needs_escape((unsigned char)s[k]) << k;
    return m;
}

static bool words_need_escape(uint64_t a, uint64_t b)
{
    return word_needs_escape(a) || word_needs_escape(b);
}
#endif

static char *put_bytes(char *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (needs_escape(c))
            o = escape(o, c);
        else
            *o++ = (char)c;
    }
    return o;
}

/* The last n < 16 bytes of a string.  From 4 bytes on, two windows that
 * overlap cover them (two words, or the two halves of one): when no byte
 * of them needs an escape, two copies write them, with no byte at a time
 * and no read or write beyond the n bytes. */
static char *put_tail(char *o, const char *s, size_t n)
{
    if (n >= 8) {
        if (!words_need_escape(bytes8(s), bytes8(s + n - 8))) {
            memcpy(o, s, 8);
            memcpy(o + n - 8, s + n - 8, 8);
            return o + n;
        }
    } else if (n >= 4) {
        uint64_t v = (uint64_t)load32(s) << 32 | load32(s + n - 4);
        if (!words_need_escape(v, v)) {
            memcpy(o, s, 4);
            memcpy(o + n - 4, s + n - 4, 4);
            return o + n;
        }
    }
    return put_bytes(o, s, n);
}

char *json_put_string(char *o, const char *s, size_t n)
{
    *o++ = '"';
    size_t i = 0;
    /* Sixteen bytes at a time; a block with an escape is copied up to it.
     * The whole block may be stored: with sixteen bytes still to come,
     * the room (6n + 2) is there. */
    while (n - i >= 16) {
        unsigned m = block_escapes(s + i);
        memcpy(o, s + i, 16);
        if (!m) {
            o += 16;
            i += 16;
            continue;
        }
        unsigned k = (unsigned)__builtin_ctz(m);
        o = escape(o + k, (unsigned char)s[i + k]);
        i += k + 1;
    }
    o = put_tail(o, s + i, n - i);
    *o++ = '"';
    return o;
}

void json_string(json_writer *w, const char *s, size_t n)
{
    /* Worst case every byte becomes \u00XX. */
    if (!reserve(w, n * 6 + 2))
        return;
    w->len = (size_t)(json_put_string(w->buf + w->len, s, n) - w->buf);
}

char *json_line_room(json_writer *w, size_t n)
{
    return reserve(w, n) ? w->buf + w->len : NULL;
}

/* Output goes out in large writes, and only between lines. */
static void line_end_flush(json_writer *w)
{
    if (w->fp && w->len >= JSON_FLUSH_AT && !w->failed) {
        if (fwrite(w->buf, 1, w->len, w->fp) != w->len)
            w->failed = true;
        w->len = 0;
    }
}

void json_members_done(json_writer *w, char *end)
{
    w->len = (size_t)(end - w->buf);
    w->first = false;
}

void json_line_done(json_writer *w, char *end)
{
    w->len = (size_t)(end - w->buf);
    line_end_flush(w);
}

void json_begin(json_writer *w)
{
    json_raw(w, "{", 1);
    w->first = true;
}

void json_end_line(json_writer *w)
{
    json_raw(w, "}\n", 2);
    line_end_flush(w);
}

/* Keys are mostly the engine's own ASCII names, written as they are; a
 * rule's field name may hold anything, and is escaped when it must be. */
void json_key(json_writer *w, const char *key)
{
    size_t n = strlen(key);
    for (size_t i = 0; i < n; i++)
        if (needs_escape((unsigned char)key[i])) {
            json_raw(w, w->first ? "" : ",", !w->first);
            w->first = false;
            json_string(w, key, n);
            json_raw(w, ":", 1);
            return;
        }
    if (!reserve(w, n + 4))
        return;
    char *o = w->buf + w->len;
    if (!w->first)
        *o++ = ',';
    w->first = false;
    *o++ = '"';
    memcpy(o, key, n);
    o += n;
    *o++ = '"';
    *o++ = ':';
    w->len = (size_t)(o - w->buf);
}

void json_str_field(json_writer *w, const char *key, const char *s, size_t n)
{
    json_key(w, key);
    json_string(w, s, n);
}

static size_t digit_count(uint64_t v)
{
    size_t n = 1;
    while (v > UINT32_MAX) {
        v /= 100;
        n += 2;
    }
    uint32_t w = (uint32_t)v;
    while (w >= 100) {
        w /= 100;
        n += 2;
    }
    return n + (w >= 10);
}

/* Written from the last digit back, two digits per division: offsets are
 * printed twice on every quantity and fact line. */
char *json_put_uint(char *o, uint64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char *end = o + digit_count(v), *p = end;
    while (v > UINT32_MAX) {
        p -= 2;
        memcpy(p, pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    uint32_t w = (uint32_t)v; /* cheaper divisions: offsets below 4 GB */
    while (w >= 100) {
        p -= 2;
        memcpy(p, pairs + 2 * (w % 100), 2);
        w /= 100;
    }
    if (w >= 10)
        memcpy(p - 2, pairs + 2 * w, 2);
    else
        p[-1] = (char)('0' + w);
    return end;
}

char *json_put_int(char *o, int64_t v)
{
    if (v < 0)
        *o++ = '-';
    return json_put_uint(o, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

void json_uint_field(json_writer *w, const char *key, uint64_t v)
{
    char tmp[24];
    json_key(w, key);
    json_raw(w, tmp, (size_t)(json_put_uint(tmp, v) - tmp));
}

void json_bool_field(json_writer *w, const char *key, bool v)
{
    json_key(w, key);
    json_raw(w, v ? "true" : "false", v ? 4 : 5);
}

char *json_quote(const char *s)
{
    json_writer w;
    json_writer_init(&w, NULL);
    json_string(&w, s, strlen(s));
    json_raw(&w, "", 1); /* the terminating NUL */
    if (w.failed) {
        free(w.buf);
        return NULL;
    }
    return w.buf; /* never flushed: fp is NULL */
}
