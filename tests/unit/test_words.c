/*
 * test_words.c — the `words` library rules see (words.h): each case is a
 * Lua chunk that must return true, run in a plain state with the library
 * loaded as the global `words`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "words.h"

static lua_State *new_state(void)
{
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    luaL_openlibs(L);
    luaL_requiref(L, WORDS_LIBNAME, luaopen_words, 1);
    lua_pop(L, 1);
    return L;
}

/* Runs each chunk; every one must return true. */
static void expect_true(const char *const *cases)
{
    lua_State *L = new_state();
    for (const char *const *c = cases; *c; c++) {
        if (luaL_dostring(L, *c) != LUA_OK)
            fail_msg("%s\n  error: %s", *c, lua_tostring(L, -1));
        if (!lua_toboolean(L, -1))
            fail_msg("not true: %s", *c);
        lua_settop(L, 0);
    }
    lua_close(L);
}

/* Runs the chunk; it must fail with a message containing want. */
static void expect_error(const char *code, const char *want)
{
    lua_State *L = new_state();
    if (luaL_dostring(L, code) == LUA_OK)
        fail_msg("no error: %s", code);
    const char *msg = lua_tostring(L, -1);
    if (!msg || !strstr(msg, want))
        fail_msg("%s\n  error: %s\n  wanted: %s", code, msg ? msg : "(none)", want);
    lua_close(L);
}

static void test_has_any(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "return words.has_any('营业收入为17.4亿元', {'利润', '收入'}) == '收入'",
        /* the first word of the LIST that occurs, not the first in the text */
        "return words.has_any('预计有望增长', {'有望', '预计'}) == '有望'",
        "return words.has_any('净利润', {'营收', '收入'}) == nil",
        "return words.has_any('', {'a'}) == nil",
        "return words.has_any('abc', {}) == nil",
        "return words.has_any('abc', {'x', ''}) == ''",
        "return words.has_any('abc', {'', 'a'}) == ''",
        "return words.has_any('expected to rise', {'sees', 'expected to'}) == 'expected to'",
        /* a long list (one bucket per first byte) */
        "local l = {} for i = 1, 60 do l[i] = 'w' .. i end l[61] = '收入'\n"
        "return words.has_any('x收入', l) == '收入' and words.has_any('w7', l) == 'w7'",
        "return words.has_any('at the end', {'end'}) == 'end'",
        NULL
    };
    expect_true(cases);
}

static void test_starts_and_ends_any(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "return words.starts_any('分别为8.49亿元', {'为', '分别为', '分别'}) == '分别为'",
        "return words.starts_any('分别为', {'分别', '分别为'}) == '分别'",
        "return words.starts_any('较去年', {'去年'}) == nil",
        "return words.starts_any('', {'a'}) == nil and words.starts_any('', {'a', ''}) == ''",
        "return words.starts_any('ab', {'abc'}) == nil",
        "return words.ends_any('2023年较', {'比', '较'}) == '较'",
        "return words.ends_any('相比', {'比', '相比'}) == '比'",
        "return words.ends_any('比较', {'比'}) == nil",
        "return words.ends_any('b', {'ab'}) == nil",
        NULL
    };
    expect_true(cases);
}

static void test_after_last(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "return words.after_last('公司宣布推出新品', {'宣布', '推出'}) == '新品'",
        "return words.after_last('无关的文字', {'宣布'}) == '无关的文字'",
        /* the occurrence that ends last wins, whatever the list order */
        "return words.after_last('abcabc', {'abc', 'b'}) == ''",
        "return words.after_last('xaby', {'ab', 'b'}) == 'y'",
        "return words.after_last('abc', {'a', ''}) == ''",
        "return words.after_last('', {'a'}) == ''",
        NULL
    };
    expect_true(cases);
}

static void test_only(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "local J = {'分别为', '为', '达到', '约', 'of', 'was'}\n"
        "return words.only(' 为 ', J) and words.only('达到约', J) and words.only('', J)",
        /* words are taken in list order within a pass: 约 then 为 needs a
         * second pass, which there is */
        "return words.only('约为', {'为', '约'})",
        "return not words.only('为,', {'为'})",
        "return not words.only('为了', {'为'})",
        /* text is compared ignoring ASCII case; words are lower case */
        "return words.only('Was  OF', {'of', 'was'})",
        "return not words.only('of', {'OF'})",
        "return words.only(' \\t\\n ', {})",
        NULL
    };
    expect_true(cases);
}

static void test_lines(void **state)
{
    (void)state;
    static const char *const cases[] = {
        /* bounds are 0-based [start, stop) without the "\n"; text trimmed */
        "local out = {}\n"
        "for a, b, t in words.lines(' 作者|x \\n\\n展开\\nend') do out[#out + 1] = a .. ',' .. b .. ',' .. t end\n"
        "return table.concat(out, ';') == '0,10,作者|x;11,11,;12,18,展开;19,22,end'",
        /* a final newline starts no line; an empty text has none */
        "local n = 0 for _ in words.lines('a\\n') do n = n + 1 end\n"
        "for _ in words.lines('') do n = n + 10 end return n == 1",
        "local n, last = 0 for a, b, t in words.lines('\\n\\n') do n, last = n + 1, a .. b .. t end\n"
        "return n == 2 and last == '11'",
        /* two iterators do not share their place */
        "local i, j = words.lines('a\\nb'), words.lines('c\\nd')\n"
        "local _, _, x = i() local _, _, y = j() local _, _, z = i()\n"
        "return x == 'a' and y == 'c' and z == 'b' and i() == nil",
        "return not pcall(words.lines, nil)",
        /* with a list: only the lines holding a word, each once however
         * many words it holds; the same bounds and trimming */
        "local out = {}\n"
        "local text = 'a\\n 展开 \\nb 阅读更多 展开\\n\\nc\\n展开'\n"
        "for a, b, t in words.lines(text, {'阅读更多', '展开'}) do out[#out + 1] = a .. ',' .. b .. ',' .. t end\n"
        "return table.concat(out, ';') == '2,10,展开;11,32,b 阅读更多 展开;36,42,展开'",
        /* a word at the very start, at the very end, none at all, and one
         * that occurs again only several lines on */
        "local function list(text, ws) local o = {} for a, b in words.lines(text, ws) do o[#o + 1] = a .. '-' .. b end return table.concat(o, ' ') end\n"
        "return list('xy\\nq\\nq\\nxz', {'x'}) == '0-2 7-9' and list('abc', {'zz'}) == ''\n"
        "  and list('', {'x'}) == '' and list('a\\nb', {}) == '' and list('a\\n\\nb', {''}) == '0-1 2-2 3-4'",
        /* in a text longer than the search's blocks: a word on the last
         * line, at the very end, and one cut short there */
        "local t = string.rep('正文内容', 30) .. '\\n' .. string.rep('段落', 20) .. '\\n末尾阅读更多'\n"
        "local o = {} for a, b, l in words.lines(t, {'阅读更多精彩', '阅读更多', '段落'}) do o[#o + 1] = a .. '-' .. b .. ',' .. l end\n"
        "return table.concat(o, ';') == '361-481,' .. string.rep('段落', 20) .. ';482-500,末尾阅读更多'",
        /* a word holding a line break is refused */
        "return not pcall(words.lines, 'a', {'x\\ny'})",
        "return not pcall(words.lines, 'a', {1})",
        NULL
    };
    expect_true(cases);
}

static void test_trim_and_tail(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "return words.trim('  营收 \\n') == '营收' and words.trim('x') == 'x'",
        "return words.trim(' \\t ') == '' and words.trim('') == ''",
        "local stops = {[','] = true, ['的'] = true}\n"
        "return words.tail('去年,公司的研发', stops) == '研发' and"
        " words.tail('研发', stops) == '研发' and words.tail('研发的', stops) == ''",
        "return words.tail('', {}) == ''",
        /* a stop set to false is no stop */
        "return words.tail('a,b', {[','] = false}) == 'a,b'",
        NULL
    };
    expect_true(cases);
}

/* Lists longer than eight words are compiled (buckets by byte): the same
 * answers as short lists read at each call. */
static void test_long_lists(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "PAD = function(l) local p = {} for i = 1, 9 do p[i] = '#' .. i .. '#' end\n"
        "  for _, w in ipairs(l) do p[#p + 1] = w end return p end\n"
        "return true",
        "return words.starts_any('分别为', PAD{'分别', '分别为'}) == '分别'",
        "return words.ends_any('相比', PAD{'比', '相比'}) == '比'",
        "return words.after_last('xaby', PAD{'ab', 'b'}) == 'y'",
        "return words.after_last('abc', PAD{'a', ''}) == ''",
        "return words.only('约为', PAD{'为', '约'}) and not words.only('为了', PAD{'为'})",
        "return words.only('Was  OF', PAD{'of', 'was'})",
        "return words.has_any('预计有望增长', PAD{'有望', '预计'}) == '有望'",
        "return words.has_any('abc', PAD{'x', ''}) == ''",
        NULL
    };
    expect_true(cases);
}

/* A compiled list is kept per table: growing the table is seen, and the
 * copy owns its bytes, so the strings may go. */
static void test_lists_are_cached_safely(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "local l = {'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'}\n"
        "assert(words.has_any('xb', l) == nil)\n"
        "l[10] = 'b'\n"
        "return words.has_any('xb', l) == 'b'",
        "local l = {'alpha', 'beta', '1', '2', '3', '4', '5', '6', '7', '8'}\n"
        "assert(words.starts_any('beta', l) == 'beta')\n"
        "l = nil collectgarbage() collectgarbage()\n"
        "return words.starts_any('beta', {'beta'}) == 'beta'",
        NULL
    };
    expect_true(cases);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    expect_error("words.has_any('x', {'a', 3})", "word list item 2 is not a string");
    expect_error("words.has_any('x', 'a')", "table expected");
    expect_error("words.only(nil, {})", "string expected");
    expect_error("words.tail('x', nil)", "table expected");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_has_any),
        cmocka_unit_test(test_starts_and_ends_any),
        cmocka_unit_test(test_after_last),
        cmocka_unit_test(test_only),
        cmocka_unit_test(test_trim_and_tail),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_long_lists),
        cmocka_unit_test(test_lists_are_cached_safely),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
