/*
 * test_text.c — unit tests for engine/text.c: UTF-8 validation with exact
 * error offsets, GB18030/GBK transcoding with an exact offset map, chunked
 * decoding (every split point gives the same result as one call), CR/LF
 * and NUL handling, encoding detection, width folding and its map,
 * text_buf_drop, and a large input to catch quadratic behaviour.
 *
 * GBK and GB18030 test bytes are made with iconv from UTF-8 literals, so
 * the test data cannot be wrong by hand.
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
#include <time.h>

#include "text.h"

/* ---- helpers ---------------------------------------------------------- */

/* Decode raw in one call; fails the test on an error. */
static void decode(text_buf *tb, const char *raw, size_t n, text_encoding enc)
{
    text_error err = {0};
    text_buf_init(tb);
    long used = text_append(tb, raw, n, enc, true, &err);
    if (used < 0)
        print_error("unexpected error at %zu: %s\n", err.offset, err.msg);
    assert_int_equal(used, (long)n);
}

static void decode_str(text_buf *tb, const char *s)
{
    decode(tb, s, strlen(s), TEXT_ENC_UTF8);
}

/* Expect an error at offset at; returns the message for further checks. */
static const char *expect_error(const char *raw, size_t n, text_encoding enc,
                                size_t at)
{
    static text_error err;
    text_buf tb;
    text_buf_init(&tb);
    long used = text_append(&tb, raw, n, enc, true, &err);
    assert_int_equal(used, -1);
    assert_int_equal(err.offset, at);
    assert_true(strlen(err.msg) > 0);
    text_buf_free(&tb);
    return err.msg;
}

static void assert_map_sane(const text_buf *tb, size_t n)
{
    for (size_t i = 0; i < tb->len; i++)
        assert_true(tb->orig[i] <= tb->orig[i + 1]);
    assert_int_equal(tb->orig[tb->len], tb->raw_pos);
    assert_true(tb->raw_pos <= n);
    assert_int_equal(tb->buf[tb->len], '\0');
}

static void assert_same(const text_buf *a, const text_buf *b)
{
    assert_int_equal(a->len, b->len);
    assert_memory_equal(a->buf, b->buf, a->len);
    assert_memory_equal(a->orig, b->orig, (a->len + 1) * sizeof *a->orig);
    assert_int_equal(a->raw_pos, b->raw_pos);
}

typedef long (*append_fn)(text_buf *, const char *, size_t, text_encoding,
                          bool, text_error *);

/* text_append_checked in text_append's shape (always UTF-8). */
static long append_checked(text_buf *tb, const char *raw, size_t n,
                           text_encoding enc, bool final, text_error *err)
{
    (void)enc;
    return text_append_checked(tb, raw, n, final, err);
}

/* Decode raw with fn in two calls split at cut (the first not final),
 * carrying over what the first call did not consume. */
static void decode_split_with(append_fn fn, text_buf *tb, const char *raw,
                              size_t n, size_t cut, text_encoding enc)
{
    text_error err = {0};
    text_buf_init(tb);
    long used = fn(tb, raw, cut, enc, false, &err);
    assert_true(used >= 0 && (size_t)used <= cut);
    long rest = fn(tb, raw + used, n - (size_t)used, enc, true, &err);
    assert_int_equal(rest, (long)(n - (size_t)used));
}

static void decode_split(text_buf *tb, const char *raw, size_t n, size_t cut,
                         text_encoding enc)
{
    decode_split_with(text_append, tb, raw, n, cut, enc);
}

/* Convert UTF-8 to another encoding with iconv (caller frees). */
static char *convert(const char *to, const char *utf8, size_t *outlen)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t n = strlen(utf8), cap = n * 2 + 16, inleft = n, outleft = cap;
    char *out = malloc(cap), *in = (char *)utf8, *o = out;
    assert_non_null(out);
    assert_true(iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1);
    iconv_close(cd);
    *outlen = (size_t)(o - out);
    return out;
}

/* A sample touching every path: ASCII, CJK, full-width forms, CRLF, a lone
 * CR, a 2-byte and a 4-byte character, a combining mark, a NUL. */
static const char mixed[] =
    "\xEF\xBB\xBF" "营收１７．４亿元，同比增长２１％。\r\n"
    "HK$\xC2\xA0" "5亿\rcaf" "e\xCC\x81" " 𠀀 ①—“引号”…\0end\r\n";

/* ---- plain UTF-8 -------------------------------------------------------- */

static void test_ascii_identity(void **state)
{
    (void)state;
    text_buf tb;
    decode_str(&tb, "Revenue rose 21% to 1.74 billion yuan.");
    assert_string_equal(tb.buf, "Revenue rose 21% to 1.74 billion yuan.");
    for (size_t i = 0; i <= tb.len; i++)
        assert_int_equal(tb.orig[i], i);
    text_buf_free(&tb);
}

static void test_chinese_identity(void **state)
{
    (void)state;
    const char *s = "研发费用为十八亿元。";
    text_buf tb;
    decode_str(&tb, s);
    assert_string_equal(tb.buf, s);
    for (size_t i = 0; i <= tb.len; i++)
        assert_int_equal(tb.orig[i], i);
    text_buf_free(&tb);
}

static void test_empty_input(void **state)
{
    (void)state;
    text_buf tb;
    decode(&tb, "", 0, TEXT_ENC_UTF8);
    assert_non_null(tb.buf);
    assert_int_equal(tb.len, 0);
    assert_int_equal(tb.orig[0], 0);
    text_buf_free(&tb);
}

static void test_every_split_point(void **state)
{
    (void)state;
    size_t n = sizeof mixed - 1;
    text_buf whole, part;
    decode(&whole, mixed, n, TEXT_ENC_UTF8);
    assert_map_sane(&whole, n);
    for (size_t cut = 0; cut <= n; cut++) {
        decode_split(&part, mixed, n, cut, TEXT_ENC_UTF8);
        assert_same(&whole, &part);
        text_buf_free(&part);
    }
    text_buf_free(&whole);
}

/* Text the caller has checked comes out as text_append makes it, however
 * it is cut: the sample with every path, and long runs of ideographs and
 * ASCII (crossed sixteen bytes at a time) broken by folded and kept
 * punctuation, a CR and a NUL, cut at every byte. */
static void test_checked_every_split_point(void **state)
{
    (void)state;
    static const char piece[] = "营收17.4亿元，同比增长21%。研发费用大幅上升\r\n"
                                "according to the annual report\0商汤科技";
    char zh[8 * (sizeof piece - 1)];
    for (size_t k = 0; k < 8; k++)
        memcpy(zh + k * (sizeof piece - 1), piece, sizeof piece - 1);
    const char *texts[] = {mixed, zh};
    size_t lens[] = {sizeof mixed - 1, sizeof zh};
    for (size_t t = 0; t < 2; t++) {
        text_buf whole, part;
        decode(&whole, texts[t], lens[t], TEXT_ENC_UTF8);
        for (size_t cut = 0; cut <= lens[t]; cut++) {
            decode_split_with(append_checked, &part, texts[t], lens[t], cut,
                              TEXT_ENC_UTF8);
            assert_same(&whole, &part);
            text_buf_free(&part);
        }
        text_buf_free(&whole);
    }
}

static void test_byte_at_a_time(void **state)
{
    (void)state;
    size_t n = sizeof mixed - 1;
    text_buf whole, tb;
    decode(&whole, mixed, n, TEXT_ENC_UTF8);
    text_buf_init(&tb);
    text_error err;
    size_t have = 0, done = 0;
    while (done < n) {
        have += have < n - done;  /* one more byte each time */
        bool final = done + have == n;
        long used =
            text_append(&tb, mixed + done, have, TEXT_ENC_UTF8, final, &err);
        assert_true(used >= 0);
        done += (size_t)used;
        have -= (size_t)used;
    }
    assert_same(&whole, &tb);
    text_buf_free(&whole);
    text_buf_free(&tb);
}

static void test_incomplete_char_held_back(void **state)
{
    (void)state;
    text_buf tb;
    text_error err;
    text_buf_init(&tb);
    long used = text_append(&tb, "a\xE4\xB8", 3, TEXT_ENC_UTF8, false, &err);
    assert_int_equal(used, 1);
    assert_string_equal(tb.buf, "a");
    assert_int_equal(tb.raw_pos, 1);
    used = text_append(&tb, "\xE4\xB8\xAD", 3, TEXT_ENC_UTF8, true, &err);
    assert_int_equal(used, 3);
    assert_string_equal(tb.buf, "a中");
    assert_int_equal(tb.orig[1], 1);
    assert_int_equal(tb.orig[4], 4);
    text_buf_free(&tb);
}

/* ---- invalid UTF-8: one case per class, each with its offset ----------- */

static void test_truncated_at_end(void **state)
{
    (void)state;
    const char *msg = expect_error("ab\xE4\xB8", 4, TEXT_ENC_UTF8, 2);
    assert_non_null(strstr(msg, "truncated"));
}

static void test_cut_by_ascii(void **state)
{
    (void)state;
    const char *msg = expect_error("xyz\xE4\x41\x42", 6, TEXT_ENC_UTF8, 3);
    assert_non_null(strstr(msg, "0x41"));
}

static void test_cut_in_third_byte(void **state)
{
    (void)state;
    expect_error("\xF0\x9F\x98 ok", 6, TEXT_ENC_UTF8, 0);
}

static void test_stray_continuation(void **state)
{
    (void)state;
    const char *msg = expect_error("ok\x80", 3, TEXT_ENC_UTF8, 2);
    assert_non_null(strstr(msg, "0x80"));
}

static void test_overlong_two_byte(void **state)
{
    (void)state;
    const char *msg = expect_error("a\xC0\xAF", 3, TEXT_ENC_UTF8, 1);
    assert_non_null(strstr(msg, "overlong"));
    expect_error("a\xC1\xBF", 3, TEXT_ENC_UTF8, 1);
}

static void test_overlong_three_and_four_byte(void **state)
{
    (void)state;
    expect_error("\xE0\x80\xAF", 3, TEXT_ENC_UTF8, 0);
    expect_error("中\xF0\x80\x80\xAF", 7, TEXT_ENC_UTF8, 3);
}

static void test_surrogate(void **state)
{
    (void)state;
    const char *msg = expect_error("ab\xED\xA0\x80", 5, TEXT_ENC_UTF8, 2);
    assert_non_null(strstr(msg, "surrogate"));
}

static void test_above_max(void **state)
{
    (void)state;
    const char *msg = expect_error("\xF4\x90\x80\x80", 4, TEXT_ENC_UTF8, 0);
    assert_non_null(strstr(msg, "10FFFF"));
    expect_error("a\xF5\x80\x80\x80", 5, TEXT_ENC_UTF8, 1);
}

static void test_never_byte(void **state)
{
    (void)state;
    expect_error("ab\xFF", 3, TEXT_ENC_UTF8, 2);
    expect_error("\xFE", 1, TEXT_ENC_UTF8, 0);
}

static void test_error_offset_is_absolute(void **state)
{
    (void)state;
    text_buf tb;
    text_error err;
    text_buf_init(&tb);
    assert_int_equal(
        text_append(&tb, "0123456789", 10, TEXT_ENC_UTF8, false, &err), 10);
    assert_int_equal(
        text_append(&tb, "ab\x80", 3, TEXT_ENC_UTF8, true, &err), -1);
    assert_int_equal(err.offset, 12);
    text_buf_free(&tb);
}

static void test_error_keeps_text_before(void **state)
{
    (void)state;
    text_buf tb;
    text_error err;
    text_buf_init(&tb);
    assert_int_equal(
        text_append(&tb, "好\xC0", 4, TEXT_ENC_UTF8, true, &err), -1);
    assert_string_equal(tb.buf, "好");
    assert_int_equal(tb.raw_pos, 3);
    assert_map_sane(&tb, 4);
    text_buf_free(&tb);
}

/* ---- BOM, line ends, NUL ------------------------------------------------ */

static void test_bom_len(void **state)
{
    (void)state;
    assert_int_equal(text_bom_len("\xEF\xBB\xBFhi", 5), 3);
    assert_int_equal(text_bom_len("\xEF\xBB", 2), 0);
    assert_int_equal(text_bom_len("hi", 2), 0);
    assert_int_equal(text_bom_len("\xEF\xBB\xBE", 3), 0);
}

static void test_bom_leaves_no_text(void **state)
{
    (void)state;
    text_buf tb;
    decode_str(&tb, "\xEF\xBB\xBFok");
    assert_string_equal(tb.buf, "ok");
    assert_int_equal(tb.orig[0], 3);
    text_buf_free(&tb);
}

static void test_crlf(void **state)
{
    (void)state;
    text_buf tb;
    decode_str(&tb, "a\r\nb\r\n");
    assert_string_equal(tb.buf, "a\nb\n");
    size_t want[] = {0, 1, 3, 4, 6};
    assert_memory_equal(tb.orig, want, sizeof want);
    text_buf_free(&tb);
}

static void test_lone_cr(void **state)
{
    (void)state;
    text_buf tb;
    decode_str(&tb, "a\rb\r");
    assert_string_equal(tb.buf, "a\nb\n");
    size_t want[] = {0, 1, 2, 3, 4};
    assert_memory_equal(tb.orig, want, sizeof want);
    text_buf_free(&tb);
}

static void test_cr_held_back(void **state)
{
    (void)state;
    text_buf tb;
    text_error err;
    text_buf_init(&tb);
    assert_int_equal(text_append(&tb, "a\r", 2, TEXT_ENC_UTF8, false, &err), 1);
    assert_string_equal(tb.buf, "a");
    assert_int_equal(
        text_append(&tb, "\r\nb", 3, TEXT_ENC_UTF8, true, &err), 3);
    assert_string_equal(tb.buf, "a\nb");
    assert_int_equal(tb.orig[1], 1);
    assert_int_equal(tb.orig[2], 3);
    text_buf_free(&tb);
}

static void test_nul_becomes_space(void **state)
{
    (void)state;
    text_buf tb;
    decode(&tb, "a\0b\0", 4, TEXT_ENC_UTF8);
    assert_int_equal(tb.len, 4);
    assert_memory_equal(tb.buf, "a b ", 4);
    for (size_t i = 0; i <= 4; i++)
        assert_int_equal(tb.orig[i], i);
    text_buf_free(&tb);
}

/* ---- GB18030 / GBK ------------------------------------------------------ */

static void test_gbk_offsets(void **state)
{
    (void)state;
    size_t n;
    char *gbk = convert("GBK", "营业收入17.4亿元，增长", &n);
    assert_int_equal(n, 8 + 4 + 4 + 2 + 4);
    text_buf tb;
    decode(&tb, gbk, n, TEXT_ENC_GB18030);
    assert_string_equal(tb.buf, "营业收入17.4亿元,增长");
    /* 营 业 收 入 at 0 2 4 6, digits 8..11, 亿 12, 元 14, ， 16, 增 18 长 20 */
    size_t starts[] = {0, 2, 4, 6};
    for (size_t c = 0; c < 4; c++)
        for (size_t b = 0; b < 3; b++)
            assert_int_equal(tb.orig[c * 3 + b], starts[c]);
    for (size_t d = 0; d < 4; d++)
        assert_int_equal(tb.orig[12 + d], 8 + d);
    assert_int_equal(tb.orig[16], 12);
    assert_int_equal(tb.orig[18], 12);
    assert_int_equal(tb.orig[19], 14);
    assert_int_equal(tb.orig[22], 16);   /* the folded comma */
    assert_int_equal(tb.orig[23], 18);
    assert_int_equal(tb.orig[26], 20);
    assert_int_equal(tb.orig[tb.len], n);
    free(gbk);
    text_buf_free(&tb);
}

static void test_gb18030_four_byte(void **state)
{
    (void)state;
    size_t n;
    char *gb = convert("GB18030", "a𠀀€b", &n);
    /* 𠀀 needs four bytes in GB18030; € is A2E3 */
    assert_int_equal(n, 1 + 4 + 2 + 1);
    text_buf tb;
    decode(&tb, gb, n, TEXT_ENC_GB18030);
    assert_string_equal(tb.buf, "a𠀀€b");
    size_t want[] = {0, 1, 1, 1, 1, 5, 5, 5, 7, 8};
    assert_memory_equal(tb.orig, want, sizeof want);
    free(gb);
    text_buf_free(&tb);
}

static void test_gb_every_split_point(void **state)
{
    (void)state;
    size_t n;
    char *gb = convert(
        "GB18030", "标题\r\n商汤２０２４年营收１７．４亿元；𠀀\r同比增长21%。",
        &n);
    text_buf whole, part;
    decode(&whole, gb, n, TEXT_ENC_GB18030);
    assert_map_sane(&whole, n);
    assert_string_equal(whole.buf,
                        "标题\n商汤2024年营收17.4亿元;𠀀\n同比增长21%。");
    for (size_t cut = 0; cut <= n; cut++) {
        decode_split(&part, gb, n, cut, TEXT_ENC_GB18030);
        assert_same(&whole, &part);
        text_buf_free(&part);
    }
    free(gb);
    text_buf_free(&whole);
}

static void test_gb_malformed(void **state)
{
    (void)state;
    expect_error("ab\x81\x20", 4, TEXT_ENC_GB18030, 2);
    expect_error("\x80", 1, TEXT_ENC_GB18030, 0);
    expect_error("x\x81\x30\x20\x30", 5, TEXT_ENC_GB18030, 1);
}

static void test_gb_truncated(void **state)
{
    (void)state;
    expect_error("ab\xD6", 3, TEXT_ENC_GB18030, 2);
    text_buf tb;
    text_error err;
    text_buf_init(&tb);
    assert_int_equal(
        text_append(&tb, "ab\x81\x30\x81", 5, TEXT_ENC_GB18030, false, &err),
        2);
    text_buf_free(&tb);
}

static void test_gb_nul_and_cr(void **state)
{
    (void)state;
    text_buf tb;
    decode(&tb, "a\0\xD6\xD0\r\nb", 7, TEXT_ENC_GB18030);
    assert_string_equal(tb.buf, "a 中\nb");
    size_t want[] = {0, 1, 2, 2, 2, 4, 6, 7};
    assert_memory_equal(tb.orig, want, sizeof want);
    text_buf_free(&tb);
}

/* ---- detection ---------------------------------------------------------- */

static void test_detect_utf8(void **state)
{
    (void)state;
    text_error err;
    const char *s = "商汤集团实现营业收入。";
    assert_int_equal(text_detect(s, strlen(s), &err), TEXT_ENC_UTF8);
    assert_int_equal(text_detect("plain ascii", 11, &err), TEXT_ENC_UTF8);
    assert_int_equal(text_detect("", 0, &err), TEXT_ENC_UTF8);
}

static void test_detect_utf8_cut_sample(void **state)
{
    (void)state;
    text_error err;
    const char *s = "营业收入";
    assert_int_equal(text_detect(s, strlen(s) - 1, &err), TEXT_ENC_UTF8);
}

static void test_detect_gbk(void **state)
{
    (void)state;
    size_t n;
    char *gbk =
        convert("GBK", "上半年，公司实现营业收入十七亿元，同比增长两成。", &n);
    text_error err;
    assert_int_equal(text_detect(gbk, n, &err), TEXT_ENC_GB18030);
    /* a sample cut inside a character still reads as GBK */
    assert_int_equal(text_detect(gbk, n - 1, &err), TEXT_ENC_GB18030);
    free(gbk);
}

static void test_detect_garbage(void **state)
{
    (void)state;
    unsigned char junk[64];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 37 + 11);
    junk[0] = 'o';
    junk[1] = 'k';
    junk[2] = 0xC3;  /* first byte that is not UTF-8: a lead without tail */
    junk[3] = 0x01;
    text_error err;
    assert_int_equal(text_detect((const char *)junk, sizeof junk, &err), -1);
    assert_int_equal(err.offset, 2);
    assert_non_null(strstr(err.msg, "not UTF-8 or GB18030"));
    assert_non_null(strstr(err.msg, "0xC3"));
}

/* The first bad byte is found wherever it falls: after ASCII read eight
 * bytes at a time, after ideographs read without the full check, and in
 * the three-byte forms that the shortcut leaves to it (ED: a surrogate;
 * E0: overlong). */
static void test_detect_bad_byte_anywhere(void **state)
{
    (void)state;
    static const char *const bad[] = {"\xC3\x01", "\xED\xA0\x80", "\xE0\x80\x80", "\xFF"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
        for (size_t ascii = 0; ascii < 20; ascii++) {
            char buf[128];
            size_t n = 0;
            for (size_t i = 0; i < ascii; i++)
                buf[n++] = (char)('a' + i);
            memcpy(buf + n, "中文字", 9);
            n += 9;
            size_t at = n;
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s tail 中 and more text", bad[k]);
            text_error err;
            assert_int_equal(text_detect(buf, n, &err), -1);
            assert_int_equal(err.offset, at);
        }
}

static void test_detect_latin1(void **state)
{
    (void)state;
    const char *s = "Soci\xE9t\xE9 G\xE9n\xE9rale a publi\xE9 ses r\xE9sultats";
    text_error err;
    assert_int_equal(text_detect(s, strlen(s), &err), -1);
    assert_int_equal(err.offset, 4);
}

static void test_detect_utf16(void **state)
{
    (void)state;
    text_error err;
    assert_int_equal(text_detect("\xFF\xFEh\0i\0", 6, &err), -1);
    assert_non_null(strstr(err.msg, "UTF-16"));
}

static void test_append_auto(void **state)
{
    (void)state;
    size_t n;
    char *gbk = convert("GBK", "净利润增长。", &n);
    text_buf tb;
    decode(&tb, gbk, n, TEXT_ENC_AUTO);
    assert_string_equal(tb.buf, "净利润增长。");
    free(gbk);
    text_buf_free(&tb);
}

/* ---- normalisation ------------------------------------------------------ */

static void assert_folds(const char *in, const char *want)
{
    text_buf tb;
    decode_str(&tb, in);
    assert_string_equal(tb.buf, want);
    assert_map_sane(&tb, strlen(in));
    text_buf_free(&tb);
}

static void test_fold_digits(void **state)
{
    (void)state;
    assert_folds("２０２４年", "2024年");
}

static void test_fold_hk_dollar(void **state)
{
    (void)state;
    assert_folds("ＨＫ＄２．８ｂｎ", "HK$2.8bn");
}

static void test_fold_amount(void **state)
{
    (void)state;
    assert_folds("１７．４亿元", "17.4亿元");
}

static void test_fold_percent_and_punct(void **state)
{
    (void)state;
    assert_folds("增长２１％，占比（约）：三成！", "增长21%,占比(约):三成!");
}

static void test_fold_spaces(void **state)
{
    (void)state;
    assert_folds("　　正文\xC2\xA0" "a\xE2\x80\x82" "b\xE2\x80\xAF" "c",
                 "  正文 a b c");
}

static void test_fold_yen(void **state)
{
    (void)state;
    assert_folds("￥５", "¥5");
}

static void test_fold_compat_forms(void **state)
{
    (void)state;
    assert_folds("①②⑴ﬁ㈱⼀", "12(1)fi(株)一");
}

static void test_cjk_punct_kept(void **state)
{
    (void)state;
    const char *s = "。、“”‘’「」『』《》〈〉【】……——·〔〕";
    assert_folds(s, s);
}

static void test_no_case_folding(void **state)
{
    (void)state;
    assert_folds("Ａｂ ABC abc", "Ab ABC abc");
}

static void test_superscripts_kept(void **state)
{
    (void)state;
    assert_folds("净利润1.2亿元²", "净利润1.2亿元²");
}

static void test_invisible_dropped(void **state)
{
    (void)state;
    text_buf tb;
    decode_str(&tb, "营业\xE2\x80\x8B收入\xC2\xAD");
    assert_string_equal(tb.buf, "营业收入");
    assert_int_equal(tb.orig[6], 9);  /* 收 after the 3-byte ZWSP */
    assert_int_equal(tb.orig[tb.len], 17);
    text_buf_free(&tb);
}

static void test_line_separators(void **state)
{
    (void)state;
    assert_folds("a\xE2\x80\xA8" "b\xC2\x85" "c", "a\nb\nc");
}

static void test_combining_mark_composed(void **state)
{
    (void)state;
    text_buf tb;
    decode_str(&tb, "Cafe\xCC\x81!");
    assert_string_equal(tb.buf, "Café!");
    size_t want[] = {0, 1, 2, 3, 3, 6, 7};
    assert_memory_equal(tb.orig, want, sizeof want);
    text_buf_free(&tb);
}

static void test_combining_across_chunks(void **state)
{
    (void)state;
    text_buf tb;
    text_error err;
    text_buf_init(&tb);
    assert_int_equal(text_append(&tb, "e", 1, TEXT_ENC_UTF8, false, &err), 1);
    assert_int_equal(
        text_append(&tb, "\xCC\x81", 2, TEXT_ENC_UTF8, true, &err), 2);
    assert_string_equal(tb.buf, "é");
    text_buf_free(&tb);
}

static void test_map_of_folded(void **state)
{
    (void)state;
    text_buf tb;
    decode_str(&tb, "Ａ１。㎡");
    assert_string_equal(tb.buf, "A1。m2");
    size_t want[] = {0, 3, 6, 7, 8, 9, 9, 12};
    assert_memory_equal(tb.orig, want, sizeof want);
    text_buf_free(&tb);
}

static void test_long_expansion(void **state)
{
    (void)state;
    /* U+FDFA folds to 18 code points (33 bytes) from 3: the buffer must
     * grow mid-call. */
    size_t reps = 5000;
    char *in = malloc(reps * 3 + 1);
    assert_non_null(in);
    for (size_t i = 0; i < reps; i++)
        memcpy(in + i * 3, "\xEF\xB7\xBA", 3);
    text_buf tb;
    decode(&tb, in, reps * 3, TEXT_ENC_UTF8);
    assert_int_equal(tb.len, reps * 33);
    assert_int_equal(tb.orig[tb.len - 1], (reps - 1) * 3);
    assert_map_sane(&tb, reps * 3);
    free(in);
    text_buf_free(&tb);
}

/* ---- text_buf ----------------------------------------------------------- */

static void test_drop_keeps_tail(void **state)
{
    (void)state;
    text_buf tb;
    text_error err;
    decode_str(&tb, "第一句。\n第二句");
    size_t cut = strlen("第一句。\n");
    text_buf_drop(&tb, cut);
    assert_string_equal(tb.buf, "第二句");
    assert_int_equal(tb.orig[0], cut);
    assert_int_equal(tb.orig[tb.len], tb.raw_pos);
    text_buf_free(&tb);

    text_buf_init(&tb);
    assert_int_equal(
        text_append(&tb, "ab\r", 3, TEXT_ENC_UTF8, false, &err), 2);
    text_buf_drop(&tb, 1);
    assert_int_equal(
        text_append(&tb, "\r\nc", 3, TEXT_ENC_UTF8, true, &err), 3);
    assert_string_equal(tb.buf, "b\nc");
    size_t want[] = {1, 2, 4, 5};
    assert_memory_equal(tb.orig, want, sizeof want);
    text_buf_free(&tb);
}

static void test_drop_everything_and_reset(void **state)
{
    (void)state;
    text_buf tb;
    decode_str(&tb, "abc");
    text_buf_drop(&tb, tb.len);
    assert_int_equal(tb.len, 0);
    assert_string_equal(tb.buf, "");
    assert_int_equal(tb.orig[0], 3);
    text_buf_reset(&tb);
    assert_int_equal(tb.raw_pos, 0);
    text_error err;
    assert_int_equal(text_append(&tb, "xy", 2, TEXT_ENC_UTF8, true, &err), 2);
    assert_string_equal(tb.buf, "xy");
    assert_int_equal(tb.orig[0], 0);
    text_buf_free(&tb);
}

/* ---- scale -------------------------------------------------------------- */

static char *big_text(size_t target, size_t *n)
{
    const char *para =
        "　　２０２４年上半年，公司实现营业收入１７．４亿元，"
        "同比增长２１％；研发费用为18.9亿元，占比“超过一成”。"
        "Revenue rose 21%.\r\n";
    size_t plen = strlen(para);
    char *s = malloc(target + plen);
    assert_non_null(s);
    size_t len = 0;
    while (len < target) {
        memcpy(s + len, para, plen);
        len += plen;
    }
    *n = len;
    return s;
}

/* 10 MB in pieces: all of it arrives, and the buffer grows by doubling
 * (a few dozen reallocations at most), not piece by piece, which would
 * copy the text over again at every piece (quadratic). */
static void test_big_input_chunked(void **state)
{
    (void)state;
    size_t n;
    char *s = big_text(10u << 20, &n);
    text_buf tb;
    text_buf_init(&tb);
    text_error err;
    size_t done = 0, growths = 0, cap = tb.cap;
    while (done < n) {
        /* an odd piece size, so that pieces end inside characters */
        size_t piece = n - done < 65521 ? n - done : 65521;
        long used = text_append(&tb, s + done, piece, TEXT_ENC_UTF8,
                                done + piece == n, &err);
        assert_true(used > 0);
        done += (size_t)used;
        growths += tb.cap != cap;
        cap = tb.cap;
    }
    assert_int_equal(tb.raw_pos, n);
    assert_map_sane(&tb, n);
    assert_true(growths <= 40);
    free(s);
    text_buf_free(&tb);
}

static void test_big_input_streamed_with_drop(void **state)
{
    (void)state;
    size_t n;
    char *s = big_text(10u << 20, &n);
    text_buf tb;
    text_buf_init(&tb);
    text_error err;
    size_t done = 0, max_cap = 0, total = 0;
    while (done < n) {
        size_t piece = n - done < 40000 ? n - done : 40000;
        long used = text_append(&tb, s + done, piece, TEXT_ENC_UTF8,
                                done + piece == n, &err);
        assert_true(used >= 0);
        done += (size_t)used;
        size_t cut = tb.len / 2;
        while (cut > 0 && ((unsigned char)tb.buf[cut] & 0xC0) == 0x80)
            cut--;
        total += cut;
        text_buf_drop(&tb, cut);
        if (tb.cap > max_cap)
            max_cap = tb.cap;
    }
    assert_true(max_cap < 1u << 20);  /* memory bounded by the pieces */
    assert_int_equal(tb.orig[tb.len], n);
    assert_true(total > 0);
    free(s);
    text_buf_free(&tb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ascii_identity),
        cmocka_unit_test(test_chinese_identity),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_every_split_point),
        cmocka_unit_test(test_checked_every_split_point),
        cmocka_unit_test(test_byte_at_a_time),
        cmocka_unit_test(test_incomplete_char_held_back),
        cmocka_unit_test(test_truncated_at_end),
        cmocka_unit_test(test_cut_by_ascii),
        cmocka_unit_test(test_cut_in_third_byte),
        cmocka_unit_test(test_stray_continuation),
        cmocka_unit_test(test_overlong_two_byte),
        cmocka_unit_test(test_overlong_three_and_four_byte),
        cmocka_unit_test(test_surrogate),
        cmocka_unit_test(test_above_max),
        cmocka_unit_test(test_never_byte),
        cmocka_unit_test(test_error_offset_is_absolute),
        cmocka_unit_test(test_error_keeps_text_before),
        cmocka_unit_test(test_bom_len),
        cmocka_unit_test(test_bom_leaves_no_text),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_lone_cr),
        cmocka_unit_test(test_cr_held_back),
        cmocka_unit_test(test_nul_becomes_space),
        cmocka_unit_test(test_gbk_offsets),
        cmocka_unit_test(test_gb18030_four_byte),
        cmocka_unit_test(test_gb_every_split_point),
        cmocka_unit_test(test_gb_malformed),
        cmocka_unit_test(test_gb_truncated),
        cmocka_unit_test(test_gb_nul_and_cr),
        cmocka_unit_test(test_detect_utf8),
        cmocka_unit_test(test_detect_utf8_cut_sample),
        cmocka_unit_test(test_detect_gbk),
        cmocka_unit_test(test_detect_garbage),
        cmocka_unit_test(test_detect_bad_byte_anywhere),
        cmocka_unit_test(test_detect_latin1),
        cmocka_unit_test(test_detect_utf16),
        cmocka_unit_test(test_append_auto),
        cmocka_unit_test(test_fold_digits),
        cmocka_unit_test(test_fold_hk_dollar),
        cmocka_unit_test(test_fold_amount),
        cmocka_unit_test(test_fold_percent_and_punct),
        cmocka_unit_test(test_fold_spaces),
        cmocka_unit_test(test_fold_yen),
        cmocka_unit_test(test_fold_compat_forms),
        cmocka_unit_test(test_cjk_punct_kept),
        cmocka_unit_test(test_no_case_folding),
        cmocka_unit_test(test_superscripts_kept),
        cmocka_unit_test(test_invisible_dropped),
        cmocka_unit_test(test_line_separators),
        cmocka_unit_test(test_combining_mark_composed),
        cmocka_unit_test(test_combining_across_chunks),
        cmocka_unit_test(test_map_of_folded),
        cmocka_unit_test(test_long_expansion),
        cmocka_unit_test(test_drop_keeps_tail),
        cmocka_unit_test(test_drop_everything_and_reset),
        cmocka_unit_test(test_big_input_chunked),
        cmocka_unit_test(test_big_input_streamed_with_drop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
