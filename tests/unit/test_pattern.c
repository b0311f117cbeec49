/*
 * test_pattern.c — pattern.c against Lua's own string library.  Each case
 * calls a function (find, match, gmatch, gsub) of both with the same
 * arguments, in one plain Lua state, and compares everything that comes
 * back: each value with its type (an integer is not a float), error
 * messages, every value a gmatch loop yields, and the arguments a gsub
 * replacement function was given.  The cases are a hand-written list, one
 * or more per feature and per error message, and a few thousand made from
 * random pattern pieces, subjects (ASCII and the bytes of Chinese
 * characters) and start positions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "pattern.h"

/* Runs in the test state, with `string` (Lua's) and `pat` (ours).  Both
 * are called from the same line of `call` (or `iterate`) and through a
 * local named f, so that messages carry the same position and name. */
static const char harness[] =
    "local pack, fmt, concat = table.pack, string.format, table.concat\n"
    "local function ser(v)\n"
    "  local t = type(v)\n"
    "  if t == 'string' then return fmt('%q', v) end\n"
    "  if t == 'number' then return math.type(v) .. ':' .. fmt('%.17g', v) end\n"
    "  if t ~= 'table' then return tostring(v) end\n"
    "  local out = {}\n"
    "  for i = 1, v.n or #v do out[i] = ser(v[i]) end\n"
    "  return '{' .. concat(out, ',') .. '}'\n"
    "end\n"
    "local log\n"
    "function F(...)\n" /* a gsub replacement function */
    "  log[#log + 1] = ser(pack(...))\n"
    "  local a = ...\n"
    "  if select('#', ...) % 2 == 0 then return a end\n"
    "  if a == 'b' then return false end\n"
    "  if a == 'c' then return {} end\n"
    "  return nil\n"
    "end\n"
    "T = { a = 'A', b = false, ['的'] = '<de>', ['1'] = 1.5, [1] = 'one',\n"
    "      [2] = 2, c = {}, ab = '%1' }\n"
    "local function call(f, ...) local r = pack(f(...)) return r end\n"
    "local function iterate(f, ...)\n"
    "  local it, out = f(...), {}\n"
    "  for i = 1, 500 do\n"
    "    local r = pack(it())\n"
    "    out[i] = r\n"
    "    if r[1] == nil then break end\n"
    "  end\n"
    "  return out\n"
    "end\n"
    "function run(lib, name, ...)\n"
    "  log = {}\n"
    "  local r = pack(pcall(name == 'gmatch' and iterate or call, lib[name], ...))\n"
    "  return ser(r) .. ' calls: ' .. concat(log, ' ')\n"
    "end\n"
    /* a subject of n distinct bytes (then after) and a pattern of each
     * followed by '?', then tail: taking them all nests n attempts, and
     * leaving one out fails at once, so the depth at tail is known and
     * reached fast */
    "function deep(n, tail, after)\n"
    "  local s, p = {}, {}\n"
    "  for c = 33, 255 do\n"
    "    local ch = string.char(c)\n"
    "    if #s < n and ch ~= 'b' and not ch:find('[%^%$%*%+%?%.%(%)%[%]%%%-]') then\n"
    "      s[#s + 1], p[#p + 1] = ch, ch .. '?'\n"
    "    end\n"
    "  end\n"
    "  return table.concat(s) .. (after or ''), table.concat(p) .. tail\n"
    "end\n"
    "function describe(name, ...) return name .. ser(pack(...)) end\n";

static lua_State *new_state(void)
{
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    luaL_openlibs(L);
    lua_newtable(L);
    pat_install(L, -1, NULL);
    lua_setglobal(L, "pat");
    if (luaL_loadbufferx(L, harness, strlen(harness), "=harness", "t") ||
        lua_pcall(L, 0, 0, 0))
        fail_msg("harness: %s", lua_tostring(L, -1));
    return L;
}

/* Calls run(lib, name, args), the nargs arguments being at stack slots
 * base + 1 on; pushes its result. */
static void run_in(lua_State *L, const char *lib, const char *name, int base,
                   int nargs)
{
    lua_getglobal(L, "run");
    lua_getglobal(L, lib);
    lua_pushstring(L, name);
    for (int i = 1; i <= nargs; i++)
        lua_pushvalue(L, base + i);
    if (lua_pcall(L, 2 + nargs, 1, 0) != LUA_OK)
        fail_msg("harness failed: %s", lua_tostring(L, -1));
}

static int compared;

/* Compares Lua's name(args) with ours, the nargs arguments being on the
 * top of the stack; pops them. */
static void compare(lua_State *L, const char *name, int nargs)
{
    int base = lua_gettop(L) - nargs;
    run_in(L, "string", name, base, nargs);
    run_in(L, "pat", name, base, nargs);
    const char *want = lua_tostring(L, -2), *got = lua_tostring(L, -1);
    if (strcmp(want, got) != 0) {
        lua_getglobal(L, "describe");
        lua_pushstring(L, name);
        for (int i = 0; i < nargs; i++)
            lua_pushvalue(L, -4 - nargs);
        lua_call(L, nargs + 1, 1);
        fail_msg("%s\n  Lua:  %s\n  ours: %s", lua_tostring(L, -1), want, got);
    }
    lua_pop(L, 2 + nargs);
    compared++;
}

/* A hand-written case: the function and its arguments as Lua text. */
typedef struct hcase {
    const char *name, *args;
} hcase;

static void compare_text(lua_State *L, const hcase *c)
{
    int top = lua_gettop(L);
    char code[4096];
    snprintf(code, sizeof code, "return %s", c->args);
    if (luaL_loadstring(L, code) || lua_pcall(L, 0, LUA_MULTRET, 0))
        fail_msg("case %s(%s): %s", c->name, c->args, lua_tostring(L, -1));
    compare(L, c->name, lua_gettop(L) - top);
}

static const hcase hand_cases[] = {
    /* plain text and find's plain flag */
    {"find", "'hello world', 'o w'"},
    {"find", "'hello world', 'xyz'"},
    {"find", "'hello', ''"},
    {"find", "'hello', '', 10"},
    {"find", "'hello', '', 6"},
    {"find", "'a.b', '.', 1, true"},
    {"find", "'a.b', '.', 1, false"},
    {"find", "'a+b', 'a+b', 1, true"},
    {"find", "'a)', 'a)'"},
    {"match", "'a)', 'a)'"},
    {"find", "'a\\0b\\0c', '\\0c'"},
    {"find", "'a\\0b\\0c', 'b%z'"},
    {"match", "'a\\0b', '%Z+'"},
    {"find", "'商汤科技营收', '营收'"},
    {"find", "'商汤科技营收', '营收', 1, true"},
    /* long plain texts: filtered sixteen starts at a time (find.h), with
     * memmem for needles over 32 bytes in long subjects (hl * nl above
     * 65536); a match at the very end, and a partial one there */
    {"find", "string.rep('营业收入', 30) .. '展开', '展开', 1, true"},
    {"find", "string.rep('营业收入', 30) .. '收入展', '收入展开', 1, true"},
    {"find", "string.rep('展x开', 40) .. '展开', '展开'"},
    {"find", "'xx' .. string.rep('阅读更多', 9) .. '精彩', string.rep('阅读更多', 8) .. '精彩', 1, true"},
    {"find", "string.rep('阅读更多', 9), string.rep('阅读更多', 8) .. '精彩', 1, true"},
    {"find", "string.rep('ab', 2000) .. 'c' .. string.rep('ab', 20), string.rep('ab', 20) .. 'c', 1, true"},
    {"find", "string.rep('ab', 2000) .. 'c', string.rep('ab', 20) .. 'c', 50, true"},
    {"find", "string.rep('ab', 2000), string.rep('ab', 20) .. 'c', 1, true"},
    {"find", "string.rep('ab', 20) .. 'c' .. string.rep('ab', 40), string.rep('ab', 20) .. 'c' .. string.rep('ab', 3)"},
    {"find", "'aaa', 'a', 2"},
    /* init: negative, zero, beyond the end, not an integer */
    {"find", "'hello', 'l', -2"},
    {"find", "'hello', 'l', -100"},
    {"find", "'hello', 'l', 0"},
    {"find", "'hello', 'h', 6"},
    {"find", "'hello', '$', 6"},
    {"find", "'hello', 'h', 7"},
    {"find", "'hello', '%', 7"},
    {"find", "'hello', 'l', 3.0"},
    {"find", "'hello', 'l', '3'"},
    {"find", "'hello', 'l', 3.5"},
    {"find", "'hello', 'l', 'x'"},
    {"find", "'hello', 'l', math.mininteger"},
    {"find", "'hello', 'l', math.maxinteger"},
    {"match", "'hello', '.', -1"},
    {"match", "'hello', '()', 4"},
    /* numbers where strings are expected, and wrong types */
    {"find", "12345, 34"},
    {"find", "1.5, '%.'"},
    {"match", "2^53, '%d+'"},
    {"gsub", "12345, 3, 9"},
    {"gsub", "'x=1', '%d', 2.5"},
    {"find", "nil, 'a'"},
    {"find", "'a', nil"},
    {"find", "'a'"},
    {"match", "{}, 'a'"},
    {"gmatch", "'a', {}"},
    {"gsub", "'abc', 'a'"},
    {"gsub", "'abc', 'a', true"},
    {"gsub", "'abc', 'a', nil, 'x'"},
    {"gsub", "'abc', 'a', 'x', 1.5"},
    /* anchors */
    {"find", "'hello', '^h'"},
    {"find", "'hello', '^e'"},
    {"find", "'hello', '^l', 3"},
    {"find", "'hello', 'o$'"},
    {"find", "'hello', 'l$'"},
    {"find", "'a$b', '$b'"},
    {"find", "'a^b', 'a^b'"},
    {"find", "'a^b', '%^'"},
    {"match", "'', '^$'"},
    {"match", "'x', '^$'"},
    {"match", "'a$', 'a$$'"},
    {"gsub", "'hello', '^h', 'H'"},
    {"gsub", "'hello', '^', '>'"},
    {"gsub", "'hello', '$', '<'"},
    {"gsub", "'hello', '^x', 'X'"},
    {"gmatch", "'^a^b', '^.'"},
    {"gmatch", "'abab', '^ab'"},
    /* classes and their complements */
    {"gsub", "'aB3 _x\\t\\n!é', '%a', '.'"},
    {"gsub", "'aB3 _x\\t\\n!é', '%A', '.'"},
    {"gsub", "'aB3 _x\\t\\n!\\127', '%c', '.'"},
    {"gsub", "'aB3 _x\\t\\n!é', '%d', '.'"},
    {"gsub", "'aB3 _x\\t\\n!é', '%D', '.'"},
    {"gsub", "'aB3 _x\\t\\n!é', '%g', '.'"},
    {"gsub", "'aB3 _x\\t\\n!é', '%l', '.'"},
    {"gsub", "'aB3 _x\\t\\n!é', '%p', '.'"},
    {"gsub", "'aB3 _x\\t\\n!é', '%s', '.'"},
    {"gsub", "'aB3 _x\\t\\n!é', '%S', '.'"},
    {"gsub", "'aB3 _x\\t\\n!é', '%u', '.'"},
    {"gsub", "'aB3 _x\\t\\n!é', '%w', '.'"},
    {"gsub", "'aB3 _x\\t\\n!é', '%W', '.'"},
    {"gsub", "'aB3 _xfF\\t\\n!é', '%x', '.'"},
    {"gsub", "'aB3 _xfF\\t\\n!é', '%X', '.'"},
    {"gsub", "'a\\0b', '%z', '0'"},
    {"gsub", "'a.b%c', '%.', '!'"},
    {"gsub", "'a.b%c', '%%', '!'"},
    {"gsub", "'aqb', '%q', '!'"},
    {"gsub", "'hello.world', '.', '-'"},
    /* sets */
    {"gsub", "'abcdef-]^', '[a-c]', '.'"},
    {"gsub", "'abcdef-]^', '[^a-c]', '.'"},
    {"gsub", "'abcdef-]^', '[]]', '.'"},
    {"gsub", "'abcdef-]^', '[^]]', '.'"},
    {"gsub", "'abcdef-]^', '[a-]', '.'"},
    {"gsub", "'abcdef-]^', '[-a]', '.'"},
    {"gsub", "'abcdef-]^', '[%]]', '.'"},
    {"gsub", "'abcdef-]^', '[%^]', '.'"},
    {"gsub", "'abcdef-]^', '[f-a]', '.'"},
    {"gsub", "'abcdef-]^', '[]-b]', '.'"},
    {"gsub", "'ab12 cd', '[%d%s]', '.'"},
    {"gsub", "'ab12 cd', '[^%d%s]', '.'"},
    {"gsub", "'ab12 cd', '[%a-]', '.'"},
    {"gsub", "'a^b', '[b^]', '.'"},
    {"gsub", "'营收增长', '[营长]', '.'"},
    {"gsub", "'营收增长', '[^营]', '.'"},
    {"gsub", "'a\\200\\255', '[\\128-\\255]', '.'"},
    /* repetitions */
    {"match", "'aaab', 'a*'"},
    {"match", "'aaab', 'a*ab'"},
    {"match", "'aaab', 'a+'"},
    {"match", "'baaa', 'a+'"},
    {"match", "'aaab', 'a-b'"},
    {"match", "'aaab', 'a-'"},
    {"match", "'aaab', 'a?a?a?a?b'"},
    {"match", "'ab', 'a?b?c?'"},
    {"match", "'<a><b>', '<(.-)>'"},
    {"match", "'<a><b>', '<(.*)>'"},
    {"match", "'xyz', '.-$'"},
    {"match", "'x', 'x**'"},
    {"match", "'x*', 'x**'"},
    {"match", "'-+', '-+'"},
    {"match", "'abc', '[a-c]+$'"},
    {"match", "'2024年上半年营收17.4亿元', '(%d+)年'"},
    {"match", "'2024年上半年营收17.4亿元', '营收([%d%.]+)(.-)元'"},
    {"match", "'商汤的营收是17亿', '(.-)的(.-)是'"},
    {"match", "'商汤的营收是17亿', '^(.-)是'"},
    {"match", "'the 100 shares', '^(.-)shares'"},
    {"match", "'the 100 shares', '^(.-)(shares)'"},
    {"match", "'the 100 shares', '^(.-)()s'"},
    {"match", "'the 100 shares', '(.-)%s(%d+)'"},
    {"match", "'12,345.67', '%d[%d,]*%.?%d*'"},
    {"match", "'Ma Huateng, CEO', '(%u[%a%-\\']+ %u[%a%-\\']+)'"},
    {"match", "'key = value', '(%w+)%s*=%s*(%w+)'"},
    {"match", "'aXb', '.-X.-$'"},
    {"match", "'acb', 'a-b'"},
    {"match", "'aab', 'a-b'"},
    {"match", "'aacb', '[a]-b'"},
    {"match", "'a1a2b', '%a-%d'"},
    {"match", "'aa1a2b', 'a*%d'"},
    {"match", "'aa1a2b', '(a*)(%d)'"},
    {"match", "'x: 12', '(.-)%s*(%d+)'"},
    {"match", "'ab', '(a*(.))%2'"},
    /* captures */
    {"find", "'hello world', '(o)(r)'"},
    {"find", "'hello world', '()o()'"},
    {"match", "'hello world', '()ll()'"},
    {"match", "'hello', '(h)(e)(l)(l)(o)'"},
    {"match", "'hello', '((h)(e))'"},
    {"match", "'hello', '(h(e(l)))'"},
    {"match", "'hello', '()'"},
    {"match", "'hello', '(x*)'"},
    {"match", "'abcabc', '(abc)%1'"},
    {"match", "'abcab', '(abc)%1'"},
    {"match", "'aa bb cd', '(%a)%1'"},
    {"match", "'x=\"a\"', '([\"\\'])(.-)%1'"},
    {"match", "'ab', '()a%1'"},
    {"match", "'ab', '(a)(b)%2%1'"},
    {"match", "'abba', '(a)(b)%2%1'"},
    {"match", "string.rep('a', 40), string.rep('(a)', 32)"},
    {"match", "string.rep('a', 40), string.rep('(a)', 33)"},
    {"match", "string.rep('a', 40), string.rep('()', 33)"},
    {"match", "'b', string.rep('(a)', 31) .. '(.-)(b)'"},
    {"match", "string.rep('a', 40), string.rep('(a)', 31) .. '(.-)(b)'"},
    {"match", "string.rep('a', 31) .. '~~', string.rep('(a)', 31) .. '(.-)(b)'"},
    {"match", "string.rep('a', 30) .. '~~', string.rep('(a)', 30) .. '(.-)(b)'"},
    {"match", "string.rep('a', 30) .. '~~', string.rep('(a)', 30) .. '(.-)(()b)'"},
    {"match", "string.rep('a', 40), string.rep('(a)', 30) .. '(.-)(b)'"},
    {"match", "string.rep('a', 40), string.rep('(a)', 30) .. '(.-)()b'"},
    {"match", "string.rep('a', 40), string.rep('(a)', 31) .. '(.-)()b'"},
    {"match", "string.rep('a', 40), string.rep('(a)', 31) .. '.*()b'"},
    {"match", "string.rep('a', 31) .. 'b', string.rep('(a)', 31) .. '(.-)(b)'"},
    {"match", "string.rep('a', 31) .. 'b', string.rep('(a)', 31) .. '.-(b)'"},
    /* %b and %f */
    {"match", "'f(a(b)c) d', '%b()'"},
    {"match", "'f(a(b)c d', '%b()'"},
    {"match", "'[[x]]', '%b[]'"},
    {"match", "'aaxbb', '%bab'"},
    {"match", "'abab', '%baa'"},
    {"match", "'a', '%b'"},
    {"match", "'a', '%ba'"},
    {"match", "'', '%b()'"},
    {"gsub", "'THE (quick) fox', '%f[%a]%a+', 'W'"},
    {"gsub", "'THE (quick) fox', '%f[%A]', '|'"},
    {"gsub", "'hello', '%f[%z]', '|'"},
    {"gsub", "'hello', '%f[%Z]', '|'"},
    {"find", "'abc', '%f[%l]', 2"},
    {"find", "'abc', '%fa'"},
    {"find", "'abc', '%f'"},
    {"find", "'abc', '%f[a'"},
    /* malformed patterns and bad captures */
    {"find", "'abc', '%'"},
    {"find", "'abc', 'a%'"},
    {"find", "'xyz', 'a%'"},
    {"find", "'abc', '[a'"},
    {"find", "'abc', '[a%'"},
    {"find", "'abc', '[a%]'"},
    {"find", "'abc', '[^'"},
    {"find", "'abc', '[]'"},
    {"find", "'abc', '[^]'"},
    {"find", "'abc', '[%a'"},
    {"find", "'abc', '(a)%2'"},
    {"find", "'abc', '(a%1)'"},
    {"find", "'abc', '%0'"},
    {"find", "'abc', 'a)'"},
    {"find", "'abc', ')'"},
    {"find", "'abc', '(a'"},
    {"find", "'abc', '(a))'"},
    {"match", "'abc', '(()'"},
    {"gmatch", "'abc', '(a'"},
    {"gmatch", "'abc', '[a', 10"},
    {"gsub", "'abc', '[a', 'x', 0"},
    {"gsub", "'abc', '(a', 'x'"},
    {"gsub", "'abc', '(a', '%1'"},
    {"gsub", "'abc', '(a', F"},
    /* recursion depth: 200 nested attempts */
    {"find", "string.rep('a', 300), string.rep('a?', 199)"},
    {"find", "string.rep('a', 300), string.rep('a?', 200)"},
    {"find", "'', string.rep('a?', 300)"},
    {"find", "deep(196, '(.-)b')"},
    {"find", "deep(197, '(.-)b')"},
    {"find", "deep(198, '(.-)b')"},
    {"find", "deep(196, '.-()b')"},
    {"find", "deep(197, '.-()b')"},
    {"find", "deep(196, '(.*)b')"},
    {"find", "deep(197, '(.*)b')"},
    {"find", "deep(196, '(.*)(b)')"},
    {"find", "deep(195, '(.*)(b)')"},
    {"find", "deep(195, '((.-))b')"},
    {"find", "deep(196, '((.-))b')"},
    {"find", "deep(194, '(.*)(b)')"},
    {"find", "deep(193, '(.*)(b)')"},
    {"find", "deep(196, '(.-)b', 'b')"},
    {"find", "deep(197, '(.-)b', 'b')"},
    {"find", "deep(196, '(.*)b', 'b')"},
    {"find", "deep(197, '(.*)b', 'b')"},
    {"find", "deep(194, '(.*)(b)', 'b')"},
    {"find", "deep(193, '(.*)(b)', 'b')"},
    {"find", "deep(198, '.-b', 'b')"},
    {"find", "deep(199, '.-b', 'b')"},
    {"find", "deep(196, '(.-)b', '~~')"},
    {"find", "deep(197, '(.-)b', '~~')"},
    {"find", "deep(196, '(.*)b', '~~')"},
    {"find", "deep(197, '(.*)b', '~~')"},
    {"find", "deep(195, '(.-)(b)', '~~')"},
    {"find", "deep(196, '(.-)(b)', '~~')"},
    {"find", "deep(195, '(.-)()b', '~~')"},
    {"find", "deep(196, '(.-)()b', '~~')"},
    {"find", "deep(197, '.-()b', '~~')"},
    {"find", "deep(198, '.-()b', '~~')"},
    {"find", "deep(198, '.-b', '~~')"},
    {"find", "deep(199, '.-b', '~~')"},
    {"find", "deep(197, '.-b')"},
    {"find", "deep(198, '.-b')"},
    {"find", "deep(199, '.-b')"},
    {"find", "deep(199, '')"},
    {"find", "deep(200, '')"},
    {"find", "string.rep('a', 300), string.rep('(', 20) .. string.rep('a*', 170)"},
    {"match", "string.rep('x', 300), string.rep('x-', 199)"},
    {"match", "string.rep('x', 300), string.rep('x-', 200)"},
    {"match", "string.rep('x', 300), string.rep('x*', 199)"},
    {"match", "string.rep('x', 300), string.rep('x*', 200)"},
    /* gmatch */
    {"gmatch", "'hello world from Lua', '%a+'"},
    {"gmatch", "'k=v, a=b', '(%w+)=(%w+)'"},
    {"gmatch", "'abc', ''"},
    {"gmatch", "'abc', '()'"},
    {"gmatch", "'abc', 'x*'"},
    {"gmatch", "'abc', '.-'"},
    {"gmatch", "'aaa', 'a*'"},
    {"gmatch", "'abc', '%a', 2"},
    {"gmatch", "'abc', '%a', -1"},
    {"gmatch", "'abc', '%a', 4"},
    {"gmatch", "'abc', '', 4"},
    {"gmatch", "'abc', '', 5"},
    {"gmatch", "'abc', '%a', 0"},
    {"gmatch", "'abc', '%a', -10"},
    {"gmatch", "'one two', '%a+', 'x'"},
    {"gmatch", "'营收增长，利润下降', '[^，]+'"},
    {"gmatch", "'a,b,,c', '([^,]*)'"},
    /* gsub: replacement strings */
    {"gsub", "'hello world', 'o', '0'"},
    {"gsub", "'hello world', '(o)', '[%1]'"},
    {"gsub", "'hello world', 'o', '[%0]'"},
    {"gsub", "'hello world', 'o', '[%1]'"},
    {"gsub", "'hello world', 'o', '[%2]'"},
    {"gsub", "'hello world', '(o)', '[%2]'"},
    {"gsub", "'hello world', '(o)(r)', '%2%1'"},
    {"gsub", "'hello world', 'o', '100%%'"},
    {"gsub", "'hello world', 'o', '%'"},
    {"gsub", "'hello world', 'o', 'a%b'"},
    {"gsub", "'hello world', 'o', '%\\0'"},
    {"gsub", "'hello world', 'x', '%'"},
    {"gsub", "'hello world', '()o', '%1'"},
    {"gsub", "'hello world', '()o()', '%2-%1'"},
    {"gsub", "'hello world', '%w+', '%0 %0', 1"},
    {"gsub", "'hello world', '%w+', '<%0>', 0"},
    {"gsub", "'hello world', '%w+', '<%0>', -1"},
    {"gsub", "'hello world', '%w+', '<%0>', 2^53"},
    {"gsub", "'hello world', '', '-'"},
    {"gsub", "'hello world', 'x*', '-'"},
    {"gsub", "'hello world', '%s*', '_'"},
    {"gsub", "'abc', '.-', '-'"},
    {"gsub", "'abc', '()', '%1'"},
    {"gsub", "'', '', 'x'"},
    {"gsub", "'', 'a*', 'x'"},
    {"gsub", "'abc', '%w', 5"},
    {"gsub", "'abc', '%w', 1.5"},
    {"gsub", "'a\\0b', '%z', '%%0'"},
    {"gsub", "'1,234,567', ',', ''"},
    {"gsub", "'营收至增长到', '至', ''"},
    {"gsub", "'ab ab', 'ab', '%1%1'"},
    /* gsub: tables and functions */
    {"gsub", "'a b c 的 1', '%S', T"},
    {"gsub", "'a b c', '%w', T"},
    {"gsub", "'ab', '()', T"},
    {"gsub", "'xab', '(a)(b)', T"},
    {"gsub", "'ab ab', 'ab', T, 1"},
    {"gsub", "'a b c d', '%w', F"},
    {"gsub", "'a b', '(%w)( )', F"},
    {"gsub", "'a b', '()(%w)', F"},
    {"gsub", "'a b', '()', F"},
    {"gsub", "'abc', 'c', F"},
    {"gsub", "'abc', 'a', function() return 1.5 end"},
    {"gsub", "'abc', 'a', function() return 7 end"},
    {"gsub", "'abc', 'a', function() return true end"},
    {"gsub", "'abc', 'a', function() error('boom') end"},
    {"gsub", "'abc', 'a', function() error({}) end"},
    {"gsub", "'abc', '%w', setmetatable({}, {__index = function(t, k) return k:upper() end})"},
    /* long subjects */
    {"find", "string.rep('ab', 500) .. 'c', '(ab)*c'"},
    {"find", "string.rep('ab', 500) .. 'c', 'b+c'"},
    {"find", "string.rep('a', 200) .. 'b', '(a-)(a-)b'"},
    {"find", "string.rep('的是', 200), '的(.-)是', 100"},
    {"find", "string.rep('的是', 200), '(是)', -6"},
    {"gsub", "string.rep('x1y22', 100), '%d+', '<%0>'"},
    {"gsub", "string.rep('x1y22', 100), '(%a)(%d)', '%2%1', 50"},
    {NULL, NULL}
};

static void test_hand_written_cases(void **state)
{
    (void)state;
    lua_State *L = new_state();
    compared = 0;
    for (const hcase *c = hand_cases; c->name; c++)
        compare_text(L, c);
    assert_int_equal(lua_gettop(L), 0);
    print_message("%d hand-written cases compared\n", compared);
    lua_close(L);
}

/* ---- generated cases ---------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ULL;

static unsigned pick(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

#define COUNT(a) (sizeof(a) / sizeof *(a))

static const char *const atoms[] = {
    "a", "b", "c", ".", "%a", "%d", "%s", "%w", "%A", "%p", "%x", "%u", "%l",
    "%c", "%g", "%z", "%S", "[ab]", "[^a]", "[a-c]", "[%d.]", "[]]", "[^]a]",
    "[a-]", "[%a-]", "(", ")", "()", "*", "+", "-", "?", "*", "+", "-", "?",
    "^", "$", "%b()", "%bab", "%f[%w]", "%f[%W]", "%f[a]", "%1", "%2", "%0",
    "的", "是", "\xe7", "\xe7\x9a", "[的]", "[^的]", "%", "[", "]", "%%", "%.",
    "%(", "%-", "%f", "%b", "%bx", "(a)", "(.-)", "(.*)", "(%d+)", ".-", ".*",
    "a*", "a+", "b?", "%1", "()",
};

static const char *const pieces[] = {
    "a", "b", "c", "1", "2", " ", "(", ")", "的", "是", "ab", "\xe7", "$", "^",
    "%", ".", "\t", "A", "Z", "aa", "bb", "12",
};

static const char *const templates[] = {
    "<%0>", "%1-%2", "x", "%%", "%", "%3", "", "%1%1", "[%1]", "%9", "%a",
};

/* Pushes a random pattern of 1 to 6 pieces. */
static void push_pattern(lua_State *L)
{
    char buf[256] = "";
    for (unsigned i = 0, n = 1 + pick(6); i < n; i++)
        strcat(buf, atoms[pick(COUNT(atoms))]);
    lua_pushstring(L, buf);
}

/* Pushes a random subject of up to 12 pieces, sometimes with a NUL. */
static void push_subject(lua_State *L)
{
    char buf[256];
    size_t len = 0;
    for (unsigned i = 0, n = pick(13); i < n; i++) {
        const char *p = pick(30) ? pieces[pick(COUNT(pieces))] : "";
        size_t k = *p ? strlen(p) : 1; /* "" stands for a NUL byte */
        memcpy(buf + len, p, k);
        len += k;
    }
    lua_pushlstring(L, buf, len);
}

/* Pushes a start position, or nothing; returns how many values. */
static int push_init(lua_State *L)
{
    static const int inits[] = {1, 2, 3, 0, -1, -2, -5, 7, 40, -40};
    unsigned k = pick(COUNT(inits) + 3);
    if (k < COUNT(inits))
        lua_pushinteger(L, inits[k]);
    else if (k == COUNT(inits))
        lua_pushnumber(L, 2.0);
    else if (k == COUNT(inits) + 1)
        lua_pushnil(L);
    else
        return 0;
    return 1;
}

/* Pushes a gsub replacement and maybe a count; returns how many values. */
static int push_replacement(lua_State *L)
{
    switch (pick(5)) {
    case 0: lua_getglobal(L, "F"); break;
    case 1: lua_getglobal(L, "T"); break;
    case 2: lua_pushinteger(L, 42); break;
    default: lua_pushstring(L, templates[pick(COUNT(templates))]);
    }
    if (pick(3))
        return 1;
    lua_pushinteger(L, (lua_Integer)pick(4) - 1);
    return 2;
}

static void compare_generated(lua_State *L)
{
    static const char *const names[] = {"find", "match", "gmatch", "gsub"};
    const char *name = names[pick(COUNT(names))];
    push_subject(L);
    push_pattern(L);
    int nargs = 2;
    if (strcmp(name, "gsub") == 0) {
        nargs += push_replacement(L);
    } else {
        nargs += push_init(L);
        if (nargs == 3 && name[0] == 'f' && pick(4) == 0) {
            lua_pushboolean(L, 1);
            nargs++;
        }
    }
    compare(L, name, nargs);
}

static void test_generated_cases(void **state)
{
    (void)state;
    lua_State *L = new_state();
    /* PATTERN_CASES and PATTERN_SEED ask for a longer or another run */
    const char *cases = getenv("PATTERN_CASES"), *seed = getenv("PATTERN_SEED");
    long n = cases ? atol(cases) : 6000;
    if (seed)
        rng ^= strtoull(seed, NULL, 10) * 0x2545F4914F6CDD1DULL;
    compared = 0;
    for (long i = 0; i < n; i++)
        compare_generated(L);
    assert_int_equal(lua_gettop(L), 0);
    print_message("%d generated cases compared\n", compared);
    lua_close(L);
}

/* The harness must be able to tell two implementations apart: ours is not
 * Lua's function under another name, and a wrong result shows. */
static void test_harness_sees_differences(void **state)
{
    (void)state;
    lua_State *L = new_state();
    assert_int_equal(luaL_dostring(L, "return pat.find ~= string.find and"
                                      " pat.gsub ~= string.gsub and"
                                      " pat.match ~= string.match and"
                                      " pat.gmatch ~= string.gmatch"), LUA_OK);
    assert_true(lua_toboolean(L, -1));
    lua_pop(L, 1);
    lua_pushstring(L, "abc");
    lua_pushstring(L, "b");
    run_in(L, "pat", "find", lua_gettop(L) - 2, 2);
    assert_string_equal(lua_tostring(L, -1),
                        "{true,{integer:2,integer:2}} calls: ");
    lua_pop(L, 3);
    lua_close(L);
}

/* With a charge function, matching is charged at about one instruction
 * per byte tested; a plain find is not charged. */
static unsigned long charged;

static void count_charge(lua_State *L, unsigned long instructions)
{
    (void)L;
    charged += instructions;
}

static void test_steps_are_charged(void **state)
{
    (void)state;
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_newtable(L);
    pat_install(L, -1, count_charge);
    lua_setglobal(L, "pat");
    charged = 0;
    assert_int_equal(luaL_dostring(L, "return pat.find(string.rep('a', 100),"
                                      " '(.-)(.-)(.-)%d')"), LUA_OK);
    assert_true(lua_isnil(L, -1));
    /* the innermost .- tests about n^3 / 6 bytes from each start: n^4 / 24,
     * over 4 million in all */
    assert_in_range(charged, 2000000, 20000000);
    unsigned long before = charged;
    assert_int_equal(luaL_dostring(L, "for i = 1, 1000 do"
                                      " pat.find('abc', 'b', 1, true) end"),
                     LUA_OK);
    assert_int_equal(charged, before);
    lua_close(L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_harness_sees_differences),
        cmocka_unit_test(test_hand_written_cases),
        cmocka_unit_test(test_generated_cases),
        cmocka_unit_test(test_steps_are_charged),
    };
    return cmocka_run_group_tests_name("pattern", tests, NULL, NULL);
}
