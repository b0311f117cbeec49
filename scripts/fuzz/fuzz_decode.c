/*
 * fuzz_decode.c — libFuzzer harness for the decoding stage (engine/text.c)
 * and the segmenter that reads its output (engine/segment.c).
 *
 * For arbitrary bytes it runs text_detect, then text_append in UTF-8 and in
 * GB18030, once in one call and once in pseudo-random chunks (sizes drawn
 * from the input, so a finding replays exactly), and checks:
 *   - the output is strict UTF-8, NUL-terminated, without CR;
 *   - the offset map never decreases, stays within the input, and
 *     orig[len] == raw_pos;
 *   - chunked decoding gives the same text, map and error offset as one
 *     call;
 *   - detection agrees with decoding;
 *   - text_buf_drop keeps the tail and its map;
 *   - text_segment spans are ordered, non-empty, on character boundaries;
 *     text_safe_cut returns a character boundary within the text.
 * Built and run by scripts/fuzz/run
 * (clang -fsanitize=fuzzer,address,undefined).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            abort();                                                         \
        }                                                                    \
    } while (0)

/* An independent strict UTF-8 check, so the harness does not trust the
 * validator it is testing. */
static bool valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

static bool char_boundary(const char *s, size_t len, size_t p)
{
    return p == 0 || p == len || ((unsigned char)s[p] & 0xC0) != 0x80;
}

static void check_buf(const text_buf *tb, size_t base, size_t end)
{
    if (!tb->buf)
        return;
    CHECK(tb->buf[tb->len] == '\0');
    CHECK(valid_utf8((const unsigned char *)tb->buf, tb->len));
    CHECK(memchr(tb->buf, '\r', tb->len) == NULL);
    CHECK(tb->orig[tb->len] == tb->raw_pos);
    CHECK(tb->raw_pos <= end);
    for (size_t i = 0; i < tb->len; i++) {
        CHECK(tb->orig[i] >= base);
        CHECK(tb->orig[i] <= tb->orig[i + 1]);
    }
}

typedef struct {
    long rc;
    size_t err_offset;
} outcome;

static outcome decode_whole(text_buf *tb, const uint8_t *data, size_t size,
                            text_encoding enc)
{
    text_error err = {0};
    text_buf_init(tb);
    outcome o = {text_append(tb, (const char *)data, size, enc, true, &err), 0};
    if (o.rc < 0) {
        CHECK(err.offset < size || size == 0);
        CHECK(err.msg[0] != '\0');
        o.err_offset = err.offset;
    } else {
        CHECK((size_t)o.rc == size);
    }
    check_buf(tb, 0, size);
    return o;
}

static uint32_t next_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x ? x : 0x9E3779B9u;
}

/* Feed data in chunks of random size, carrying over what each call left. */
static outcome decode_chunked(text_buf *tb, const uint8_t *data, size_t size,
                              text_encoding enc, uint32_t seed)
{
    text_error err = {0};
    text_buf_init(tb);
    size_t done = 0, have = 0;
    for (;;) {
        uint32_t r = next_rand(&seed);
        size_t more = (r & 7) == 0 ? r % 4096 : 1 + r % 9;
        have = size - done < have + more ? size - done : have + more;
        bool final = done + have == size;
        long used = text_append(tb, (const char *)data + done, have, enc, final,
                                &err);
        if (used < 0) {
            check_buf(tb, 0, size);
            return (outcome){-1, err.offset};
        }
        CHECK((size_t)used <= have);
        CHECK(tb->raw_pos == done + (size_t)used);
        done += (size_t)used;
        have -= (size_t)used;
        if (final) {
            CHECK(done == size);
            break;
        }
    }
    check_buf(tb, 0, size);
    return (outcome){(long)size, 0};
}

static void check_same(const text_buf *a, const text_buf *b)
{
    CHECK(a->len == b->len);
    CHECK(a->raw_pos == b->raw_pos);
    if (a->len) {
        CHECK(memcmp(a->buf, b->buf, a->len) == 0);
        CHECK(memcmp(a->orig, b->orig, (a->len + 1) * sizeof *a->orig) == 0);
    }
}

typedef struct {
    const char *s;
    size_t len, last_end, last_para;
} span_check;

static int check_span(void *ud, size_t start, size_t end, size_t para)
{
    span_check *c = ud;
    CHECK(start < end && end <= c->len);
    CHECK(start >= c->last_end);
    CHECK(para >= c->last_para);
    CHECK(char_boundary(c->s, c->len, start));
    CHECK(char_boundary(c->s, c->len, end));
    c->last_end = end;
    c->last_para = para;
    return 0;
}

static void check_segment(const text_buf *tb)
{
    if (!tb->buf)
        return;
    span_check c = {tb->buf, tb->len, 0, 0};
    CHECK(text_segment(tb->buf, tb->len, check_span, &c) == 0);
    size_t cut = text_safe_cut(tb->buf, tb->len);
    CHECK(cut <= tb->len);
    CHECK(char_boundary(tb->buf, tb->len, cut));
}

/* Drop a prefix at a character boundary: the tail and its map stay. */
static void check_drop(text_buf *tb, size_t at)
{
    if (!tb->buf || tb->len == 0)
        return;
    size_t cut = at % (tb->len + 1);
    while (!char_boundary(tb->buf, tb->len, cut))
        cut--;
    size_t keep = tb->len - cut, last = tb->orig[tb->len];
    size_t first = tb->orig[cut];
    char tail0 = tb->buf[cut];
    text_buf_drop(tb, cut);
    CHECK(tb->len == keep);
    CHECK(tb->orig[0] == first && tb->orig[tb->len] == last);
    CHECK(tb->buf[0] == tail0);
    CHECK(valid_utf8((const unsigned char *)tb->buf, tb->len));
}

static void run_encoding(const uint8_t *data, size_t size, text_encoding enc,
                         uint32_t seed, int detected, size_t detect_offset)
{
    text_buf whole, parts;
    outcome w = decode_whole(&whole, data, size, enc);
    outcome p = decode_chunked(&parts, data, size, enc, seed);
    CHECK((w.rc < 0) == (p.rc < 0));
    if (w.rc < 0)
        CHECK(w.err_offset == p.err_offset);
    check_same(&whole, &parts);
    if (enc == TEXT_ENC_UTF8 && detected < 0)
        CHECK(w.rc < 0 && w.err_offset == detect_offset);
    if ((int)enc == detected && w.rc < 0)
        CHECK(w.err_offset + 4 > size);  /* only a character cut at the end */
    check_segment(&whole);
    check_drop(&whole, seed);
    text_buf_free(&whole);
    text_buf_free(&parts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    text_error err = {0};
    int detected = text_detect((const char *)data, size, &err);
    CHECK(detected == -1 || detected == TEXT_ENC_UTF8 ||
          detected == TEXT_ENC_GB18030);
    if (detected < 0)
        CHECK(err.offset < size);
    uint32_t seed = 2166136261u;
    for (size_t i = 0; i < size && i < 16; i++)
        seed = (seed ^ data[i]) * 16777619u;
    seed ^= (uint32_t)size;
    run_encoding(data, size, TEXT_ENC_UTF8, seed, detected, err.offset);
    run_encoding(data, size, TEXT_ENC_GB18030, seed * 2654435761u, detected,
                 err.offset);
    return 0;
}
