/*
 * test_json.c — the JSON writer (escaping, buffering) and reader (the tree
 * parser and the --input jsonl document form).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Write with fn into memory and return the text (caller frees). */
static char *written(void (*fn)(json_writer *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    json_writer w;
    json_writer_init(&w, fp);
    fn(&w);
    json_writer_free(&w);
    fclose(fp);
    return buf;
}

static void write_escapes(json_writer *w)
{
    json_begin(w);
    json_str_field(w, "s", "a\"b\\c\nd\te\x01 商汤", strlen("a\"b\\c\nd\te\x01 商汤"));
    json_uint_field(w, "n", 42);
    json_bool_field(w, "b", false);
    json_uint_field(w, "a \"key\"\\", 1); /* a rule's field name */
    json_end_line(w);
}

static void test_writer_escapes(void **state)
{
    (void)state;
    char *s = written(write_escapes);
    assert_string_equal(s, "{\"s\":\"a\\\"b\\\\c\\nd\\te\\u0001 商汤\",\"n\":42,\"b\":false,"
                           "\"a \\\"key\\\"\\\\\":1}\n");
    free(s);
}

static void write_many(json_writer *w)
{
    for (int i = 0; i < 100000; i++) {
        json_begin(w);
        json_uint_field(w, "i", (uint64_t)i);
        json_end_line(w);
    }
}

static void test_writer_many_lines(void **state)
{
    (void)state;
    char *s = written(write_many);
    size_t lines = 0;
    for (char *p = s; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 100000);
    assert_non_null(strstr(s, "{\"i\":99999}\n"));
    free(s);
}

/* With no FILE the writer keeps every line, however many: nothing is
 * written out, flushing included. */
static void test_writer_in_memory(void **state)
{
    (void)state;
    json_writer w;
    json_writer_init(&w, NULL);
    write_many(&w);
    assert_int_equal(json_flush(&w), 0);
    size_t lines = 0;
    for (size_t i = 0; i < w.len; i++)
        lines += w.buf[i] == '\n';
    assert_int_equal(lines, 100000);
    assert_memory_equal(w.buf, "{\"i\":0}\n{\"i\":1}\n", 16);
    json_writer_free(&w);
}

/* What json_put_string must write, a byte at a time. */
static size_t escaped_ref(const unsigned char *s, size_t n, char *o)
{
    char *start = o;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c == '\n') {
            o += sprintf(o, "\\n");
        } else if (c == '\t') {
            o += sprintf(o, "\\t");
        } else if (c == '\r') {
            o += sprintf(o, "\\r");
        } else if (c < 0x20 || c == 0x7F) {
            o += sprintf(o, "\\u%04x", c);
        } else {
            *o++ = (char)c;
        }
    }
    *o++ = '"';
    return (size_t)(o - start);
}

/* s (n bytes, in a block of its own so that a read past it is caught
 * under ASan) as json_put_string writes it, checked against the
 * reference, and never past its 6n + 2 bytes of room. */
static void check_put_string(const unsigned char *s, size_t n)
{
    unsigned char *in = malloc(n ? n : 1);
    memcpy(in, s, n);
    size_t room = 6 * n + 2;
    char *out = malloc(room + 16), *want = malloc(room);
    memset(out + room, 0x5A, 16);
    size_t len = (size_t)(json_put_string(out, (const char *)in, n) - out);
    size_t want_len = escaped_ref(in, n, want);
    assert_int_equal(len, want_len);
    assert_memory_equal(out, want, len);
    for (size_t i = 0; i < 16; i++)
        assert_int_equal((unsigned char)out[room + i], 0x5A);
    free(in);
    free(out);
    free(want);
}

/* The copies of 16, 8 and 4 bytes at a time: every length up to 48, with
 * each byte that needs an escape (and neighbours that do not: space,
 * DEL's neighbour, bytes of invalid UTF-8 and of U+2028, which JSON allows
 * raw) at every position, over plain ASCII and over Chinese text. */
static void test_put_string_edges(void **state)
{
    (void)state;
    static const unsigned char odd[] = {0x00, 0x01, '\b', '\t', '\n', '\r', 0x1F, 0x20, '"', '\\',
                                        '/', 0x7E, 0x7F, 0x80, 0xC0, 0xE2, 0xA8, 0xFF};
    const char *fills[] = {"abcdefgh", "商汤科技"};
    unsigned char s[48];
    for (size_t f = 0; f < 2; f++) {
        size_t flen = strlen(fills[f]);
        for (size_t n = 0; n <= sizeof s; n++) {
            for (size_t i = 0; i < n; i++)
                s[i] = (unsigned char)fills[f][i % flen];
            check_put_string(s, n);
            for (size_t at = 0; at < n; at++)
                for (size_t k = 0; k < sizeof odd; k++) {
                    unsigned char keep = s[at];
                    s[at] = odd[k];
                    check_put_string(s, n);
                    s[at] = keep;
                }
        }
    }
    /* every byte needs an escape, and U+2028 goes out as it is */
    memset(s, '"', sizeof s);
    check_put_string(s, sizeof s);
    char line_sep[64];
    json_put_string(line_sep, "a\xE2\x80\xA8" "b", 5)[0] = '\0';
    assert_string_equal(line_sep, "\"a\xE2\x80\xA8" "b\"");
}

static void test_parse_tree(void **state)
{
    (void)state;
    jv v;
    char err[128];
    const char *src = " {\"a\": [1, -2.50, 3e2], \"b\": {\"c\": null, \"d\": true}, \"e\": \"\\u5546\\ud83d\\ude00\"} ";
    assert_int_equal(jv_parse(src, strlen(src), &v, err, sizeof err), 0);
    const jv *a = jv_get(&v, "a");
    assert_non_null(a);
    assert_int_equal(a->type, JV_ARR);
    assert_int_equal(a->n, 3);
    assert_string_equal(a->items[1].str, "-2.50"); /* kept as written */
    assert_true(a->items[2].num == 300.0);
    assert_int_equal(jv_get(jv_get(&v, "b"), "c")->type, JV_NULL);
    assert_true(jv_get(jv_get(&v, "b"), "d")->b);
    assert_string_equal(jv_get(&v, "e")->str, "商😀");
    assert_null(jv_get(&v, "zzz"));
    jv_free(&v);
}

static void expect_error(const char *src, const char *fragment)
{
    jv v;
    char err[128] = "";
    assert_int_equal(jv_parse(src, strlen(src), &v, err, sizeof err), -1);
    if (!strstr(err, fragment))
        fail_msg("parsing <%s>: error '%s' lacks '%s'", src, err, fragment);
}

/* Three-byte characters at the edges of what is valid pass as they are. */
static void test_three_byte_edges(void **state)
{
    (void)state;
    const char *src = "\"\xe0\xa0\x80\xe1\x80\x80\xec\xbf\xbf\xed\x9f\xbf"
                      "\xee\x80\x80\xef\xbf\xbf商\"";
    jv v;
    char err[128] = "";
    assert_int_equal(jv_parse(src, strlen(src), &v, err, sizeof err), 0);
    assert_int_equal(v.type, JV_STR);
    assert_string_equal(v.str, "\xe0\xa0\x80\xe1\x80\x80\xec\xbf\xbf\xed\x9f\xbf"
                               "\xee\x80\x80\xef\xbf\xbf商");
    jv_free(&v);
}

/* Parse exactly n bytes from a buffer of that size (ASan sees any read
 * past it); returns jv_parse's result, the string in *out (freed by the
 * caller) or the error in err. */
static int parse_exact(const char *src, size_t n, char **out, char *err, size_t cap)
{
    char *t = malloc(n);
    assert_non_null(t);
    memcpy(t, src, n);
    jv v;
    int rc = jv_parse(t, n, &v, err, cap);
    free(t);
    *out = rc ? NULL : strdup(v.str);
    if (!rc)
        jv_free(&v);
    return rc;
}

/* Strings are crossed sixteen bytes per step (vscan.h; test_vscan tests
 * the scan itself): whatever ends a run (quote, escape, control byte, bad
 * UTF-8, a character) must stop it at the same byte for runs around that
 * step. */
static void test_plain_runs(void **state)
{
    (void)state;
    static const struct { const char *tail, *decoded, *error; } ends[] = {
        {"\"", "", NULL},
        {"\\n商\"", "\n商", NULL},
        {"\\\"x\"", "\"x", NULL},
        {"\x01\"", NULL, "control character"},
        {"\xe5\x95\x41\"", NULL, "invalid UTF-8"},
        {"商务\xe5\x95\"", NULL, "invalid UTF-8"},
        {"\xed\xa0\x80\"", NULL, "invalid UTF-8"},
        {"\xe5\x95", NULL, "invalid UTF-8"}, /* cut by the end of the input */
        {"商", NULL, "unterminated"},
    };
    for (size_t k = 0; k <= 17; k++) {
        for (size_t e = 0; e < sizeof ends / sizeof ends[0]; e++) {
            char src[64], want[64], err[128] = "", *got;
            memset(want, 'a', k);
            strcpy(want + k, ends[e].decoded ? ends[e].decoded : "");
            snprintf(src, sizeof src, "\"%.*s%s", (int)k, want, ends[e].tail);
            int rc = parse_exact(src, strlen(src), &got, err, sizeof err);
            if (ends[e].error) {
                assert_int_equal(rc, -1);
                if (!strstr(err, ends[e].error))
                    fail_msg("<%s>: error '%s' lacks '%s'", src, err, ends[e].error);
            } else {
                assert_int_equal(rc, 0);
                assert_string_equal(got, want);
                free(got);
            }
        }
    }
    char err[128] = "", *got;
    const char *control = "\"abcdefgh\x01\"", *cut = "\"abcdefg商商\xe5\x95\"";
    assert_int_equal(parse_exact(control, strlen(control), &got, err, sizeof err), -1);
    assert_non_null(strstr(err, "column 10:"));
    assert_int_equal(parse_exact(cut, strlen(cut), &got, err, sizeof err), -1);
    assert_non_null(strstr(err, "column 15:"));
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error("{\"a\":1,}", "column 8: expected a key");
    expect_error("{\"a\" 1}", "expected ':'");
    expect_error("[1 2]", "expected ',' or ']'");
    expect_error("\"abc", "unterminated string");
    expect_error("\"a\x01\"", "control character");
    expect_error("\"\\ud800\"", "high surrogate");
    expect_error("\"\\udc00\"", "lone low surrogate");
    expect_error("\"\xff\"", "invalid UTF-8");
    expect_error("\"\xc0\xaf\"", "invalid UTF-8"); /* overlong */
    /* three-byte leads: E0 and ED need their second byte checked, the
     * others only their continuation bytes */
    expect_error("\"\xe0\x80\x80\"", "invalid UTF-8");     /* overlong */
    expect_error("\"\xed\xa0\x80\"", "invalid UTF-8");     /* a surrogate */
    expect_error("\"\xe5\x95\"", "invalid UTF-8");         /* cut short */
    expect_error("\"\xe5\x95\x41\"", "invalid UTF-8");     /* not a continuation */
    expect_error("\"\xef\xbf\xc0\"", "invalid UTF-8");
    expect_error("01x", "text after");
    expect_error("-", "bad number");
    expect_error("1.", "bad number");
    expect_error("tru", "unexpected character");
    expect_error("{} {}", "text after");
    expect_error("", "expected a value");
}

static void test_parse_depth_bounded(void **state)
{
    (void)state;
    char deep[300];
    memset(deep, '[', 200);
    deep[200] = '\0';
    expect_error(deep, "nested too deeply");
}

static void test_doc(void **state)
{
    (void)state;
    json_doc d;
    char err[128];
    const char *line = "{\"id\":\"a-1\",\"x\":[{\"y\":1}],\"text\":\"营收\\n17.4亿元\",\"date\":\"2024-12-15\"}\n";
    assert_int_equal(json_parse_doc(line, strlen(line), &d, err, sizeof err), 0);
    assert_string_equal(d.id, "a-1");
    assert_string_equal(d.text, "营收\n17.4亿元");
    assert_int_equal(d.text_len, strlen("营收\n17.4亿元"));
    assert_string_equal(d.date, "2024-12-15");
    assert_null(d.publication);
    json_doc_free(&d);

    const char *numeric = "{\"id\":17,\"text\":\"\",\"publication\":null}";
    assert_int_equal(json_parse_doc(numeric, strlen(numeric), &d, err, sizeof err), 0);
    assert_string_equal(d.id, "17");
    assert_int_equal(d.text_len, 0);
    json_doc_free(&d);
}

static void test_doc_errors(void **state)
{
    (void)state;
    json_doc d;
    char err[128];
    const char *no_text = "{\"id\":\"a\"}";
    assert_int_equal(json_parse_doc(no_text, strlen(no_text), &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing \"text\""));
    const char *bad_text = "{\"id\":\"a\",\"text\":5}";
    assert_int_equal(json_parse_doc(bad_text, strlen(bad_text), &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "\"text\" must be a string"));
    const char *array = "[1]";
    assert_int_equal(json_parse_doc(array, strlen(array), &d, err, sizeof err), -1);
    assert_non_null(strstr(err, "expected a JSON object"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writer_escapes),
        cmocka_unit_test(test_writer_many_lines),
        cmocka_unit_test(test_writer_in_memory),
        cmocka_unit_test(test_put_string_edges),
        cmocka_unit_test(test_parse_tree),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_three_byte_edges),
        cmocka_unit_test(test_plain_runs),
        cmocka_unit_test(test_parse_depth_bounded),
        cmocka_unit_test(test_doc),
        cmocka_unit_test(test_doc_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
