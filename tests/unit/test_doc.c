/*
 * test_doc.c — the streaming document reader: the same text and offsets
 * however the bytes arrive, bounded blocks, encoding detection, evidence
 * text in its original form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"

typedef struct {
    doc_reader *r;
    char *text;   /* every block, concatenated */
    size_t len, cap;
    size_t *orig; /* their offsets */
    size_t blocks, max_block;
    int lasts;
    char evidence[64]; /* doc_original of the first "17.4" seen */
} sink;

static int collect(void *ud, const doc_block *b)
{
    sink *k = ud;
    if (k->len + b->len + 1 > k->cap) {
        k->cap = (k->len + b->len + 1) * 2;
        k->text = realloc(k->text, k->cap);
        k->orig = realloc(k->orig, k->cap * sizeof *k->orig);
    }
    memcpy(k->text + k->len, b->text, b->len);
    memcpy(k->orig + k->len, b->orig, (b->len + 1) * sizeof *b->orig);
    k->len += b->len;
    k->text[k->len] = '\0';
    k->blocks++;
    k->max_block = b->len > k->max_block ? b->len : k->max_block;
    k->lasts += b->last;
    const char *hit = memmem(b->text, b->len, "17.4", 4);
    if (hit && !k->evidence[0]) {
        size_t a = (size_t)(hit - b->text);
        const char *s;
        size_t n;
        if (doc_original(k->r, b->orig[a], b->orig[a + 4], &s, &n) == 0 && n < sizeof k->evidence)
            memcpy(k->evidence, s, n);
    }
    return 0;
}

/* Feed bytes in pieces of `step`; returns the sink (caller frees). */
static sink read_all(const char *bytes, size_t n, size_t step, size_t block,
                     text_encoding enc, int *rc, text_error *err)
{
    sink k = {0};
    k.r = doc_reader_new(enc, block);
    doc_start(k.r);
    *rc = 0;
    for (size_t off = 0; off < n && !*rc; off += step)
        *rc = doc_feed(k.r, bytes + off, n - off < step ? n - off : step, collect, &k, err);
    if (!*rc)
        *rc = doc_finish(k.r, collect, &k, err);
    return k;
}

static void sink_free(sink *k)
{
    doc_reader_free(k->r);
    free(k->text);
    free(k->orig);
}

static const char sample[] =
    "\xEF\xBB\xBF商汤营收１７．４亿元，同比增长21%。\r\n研发费用18.9亿元。\r\n";

static void test_same_whatever_the_pieces(void **state)
{
    (void)state;
    int rc;
    text_error err;
    sink whole = read_all(sample, sizeof sample - 1, sizeof sample, 0, TEXT_ENC_AUTO, &rc, &err);
    assert_int_equal(rc, 0);
    assert_string_equal(whole.text, "商汤营收17.4亿元,同比增长21%。\n研发费用18.9亿元。\n");
    assert_string_equal(whole.evidence, "１７．４");
    for (size_t step = 1; step < 12; step++) {
        sink k = read_all(sample, sizeof sample - 1, step, 0, TEXT_ENC_AUTO, &rc, &err);
        assert_int_equal(rc, 0);
        assert_string_equal(k.text, whole.text);
        assert_memory_equal(k.orig, whole.orig, (whole.len + 1) * sizeof *k.orig);
        assert_int_equal(k.lasts, 1);
        sink_free(&k);
    }
    /* the BOM is skipped: the first character maps past it */
    assert_int_equal(whole.orig[0], 3);
    sink_free(&whole);
}

static void test_blocks_are_bounded(void **state)
{
    (void)state;
    /* 3 MB of prose with a sentence end every 300 bytes or so */
    size_t n = 3u << 20;
    char *big = malloc(n + 64);
    size_t len = 0;
    while (len < n) {
        const char *piece = "营收17.4亿元，研发费用18.9亿元，这是一段很长的文字用来测试分块读取的效果与正确性。";
        memcpy(big + len, piece, strlen(piece));
        len += strlen(piece);
    }
    int rc;
    text_error err;
    sink whole = read_all(big, len, len, 0, TEXT_ENC_AUTO, &rc, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(whole.blocks, 1);
    sink k = read_all(big, len, 65536, 1 << 18, TEXT_ENC_AUTO, &rc, &err);
    assert_int_equal(rc, 0);
    /* nothing lost, nothing twice, the same offsets */
    assert_int_equal(k.len, whole.len);
    assert_memory_equal(k.text, whole.text, whole.len);
    assert_memory_equal(k.orig, whole.orig, (whole.len + 1) * sizeof *k.orig);
    assert_int_equal(k.orig[k.len], len);
    assert_true(k.blocks > 8);
    assert_true(k.max_block <= (1u << 18) + 65536 + 4);
    assert_int_equal(k.lasts, 1);
    sink_free(&whole);
    sink_free(&k);
    free(big);
}

static char *to_gbk(const char *utf8, size_t *n)
{
    iconv_t cd = iconv_open("GBK", "UTF-8");
    size_t inleft = strlen(utf8), cap = inleft * 2 + 4, outleft = cap;
    char *out = malloc(cap), *o = out, *in = (char *)utf8;
    assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
    iconv_close(cd);
    *n = cap - outleft;
    return out;
}

static void test_gbk_detected_after_ascii(void **state)
{
    (void)state;
    /* A long ASCII start must not fix the encoding before the first
     * Chinese character arrives. */
    char src[5000];
    memset(src, 'a', 4000);
    strcpy(src + 4000, " 商汤营收17.4亿元，同比增长21%。");
    size_t n;
    char *gbk = to_gbk(src, &n);
    int rc;
    text_error err;
    sink k = read_all(gbk, n, 700, 0, TEXT_ENC_AUTO, &rc, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(doc_encoding(k.r), TEXT_ENC_GB18030);
    assert_non_null(strstr(k.text, "商汤营收17.4亿元,同比增长21%。"));
    assert_string_equal(k.evidence, "17.4");
    sink_free(&k);
    free(gbk);
}

static void test_invalid_bytes_named(void **state)
{
    (void)state;
    const char bad[] = "营收17.4亿元\xff\xfe\xff\x80\x80 and more";
    int rc;
    text_error err;
    sink k = read_all(bad, sizeof bad - 1, 5, 0, TEXT_ENC_AUTO, &rc, &err);
    assert_int_equal(rc, -1);
    assert_int_equal(err.offset, 16);
    sink_free(&k);
    /* Told it is UTF-8, the same bytes fail at the same place. */
    k = read_all(bad, sizeof bad - 1, 64, 0, TEXT_ENC_UTF8, &rc, &err);
    assert_int_equal(rc, -1);
    assert_int_equal(err.offset, 16);
    sink_free(&k);
}

/* Text the caller vouches for is decoded at once, as detection would have
 * decoded it; a named encoding still wins. */
static void test_known_utf8(void **state)
{
    (void)state;
    text_error err;
    int rc;
    sink whole = read_all(sample, sizeof sample - 1, sizeof sample, 0, TEXT_ENC_AUTO, &rc, &err);
    for (size_t step = 1; step < 12; step += 5) {
        sink k = {0};
        k.r = doc_reader_new(TEXT_ENC_AUTO, 0);
        doc_start(k.r);
        doc_known_utf8(k.r);
        for (size_t off = 0; off < sizeof sample - 1; off += step)
            assert_int_equal(doc_feed(k.r, sample + off, sizeof sample - 1 - off < step ? sizeof sample - 1 - off : step,
                                      collect, &k, &err), 0);
        assert_int_equal(doc_finish(k.r, collect, &k, &err), 0);
        assert_string_equal(k.text, whole.text);
        assert_memory_equal(k.orig, whole.orig, (whole.len + 1) * sizeof *k.orig);
        assert_int_equal(doc_encoding(k.r), TEXT_ENC_UTF8);
        sink_free(&k);
    }
    sink_free(&whole);

    /* Undecided, a reader holds Chinese back until it has a sample; told
     * it is UTF-8, it hands blocks on before the document ends. */
    char zh[4000] = "";
    while (strlen(zh) + 40 < sizeof zh)
        strcat(zh, "营收17.4亿元，同比增长21%。");
    sink k = {0};
    k.r = doc_reader_new(TEXT_ENC_AUTO, 256);
    doc_start(k.r);
    assert_int_equal(doc_feed(k.r, zh, strlen(zh), collect, &k, &err), 0);
    assert_int_equal(k.blocks, 0);
    doc_start(k.r);
    doc_known_utf8(k.r);
    assert_int_equal(doc_feed(k.r, zh, strlen(zh), collect, &k, &err), 0);
    assert_true(k.blocks > 0);
    sink_free(&k);

    size_t n;
    char *gbk = to_gbk("商汤营收17.4亿元", &n);
    k = (sink){0};
    k.r = doc_reader_new(TEXT_ENC_GB18030, 0);
    doc_start(k.r);
    doc_known_utf8(k.r);
    assert_int_equal(doc_feed(k.r, gbk, n, collect, &k, &err), 0);
    assert_int_equal(doc_finish(k.r, collect, &k, &err), 0);
    assert_string_equal(k.text, "商汤营收17.4亿元");
    sink_free(&k);
    free(gbk);
}

/* Cut into blocks and fed in pieces that split characters, text the
 * caller vouches for (not checked again) reads as text that is checked. */
static void test_known_utf8_in_blocks(void **state)
{
    (void)state;
    char zh[4000] = "";
    while (strlen(zh) + 100 < sizeof zh)
        strcat(zh, "营收１７．４亿元，同比增长21%。研发费用大幅上升\r\nannual report 商汤");
    text_error err;
    int rc;
    for (size_t step = 1; step < 200; step += 33) {
        sink want = read_all(zh, strlen(zh), step, 256, TEXT_ENC_UTF8, &rc, &err);
        assert_int_equal(rc, 0);
        sink k = {0};
        k.r = doc_reader_new(TEXT_ENC_AUTO, 256);
        doc_start(k.r);
        doc_known_utf8(k.r);
        for (size_t off = 0; off < strlen(zh); off += step)
            assert_int_equal(doc_feed(k.r, zh + off, strlen(zh) - off < step ? strlen(zh) - off : step,
                                      collect, &k, &err), 0);
        assert_int_equal(doc_finish(k.r, collect, &k, &err), 0);
        assert_int_equal(k.len, want.len);
        assert_string_equal(k.text, want.text);
        assert_memory_equal(k.orig, want.orig, (want.len + 1) * sizeof *k.orig);
        assert_true(k.blocks > 1);
        sink_free(&k);
        sink_free(&want);
    }
}

static void test_empty_document(void **state)
{
    (void)state;
    int rc;
    text_error err;
    sink k = read_all("", 0, 1, 0, TEXT_ENC_AUTO, &rc, &err);
    assert_int_equal(rc, 0);
    assert_int_equal(k.len, 0);
    assert_int_equal(k.lasts, 1);
    sink_free(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_whatever_the_pieces),
        cmocka_unit_test(test_blocks_are_bounded),
        cmocka_unit_test(test_gbk_detected_after_ascii),
        cmocka_unit_test(test_invalid_bytes_named),
        cmocka_unit_test(test_known_utf8),
        cmocka_unit_test(test_known_utf8_in_blocks),
        cmocka_unit_test(test_empty_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
