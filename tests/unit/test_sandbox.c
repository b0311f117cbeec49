/*
 * test_sandbox.c — the sandbox's fences, one test per promise in
 * sandbox.h: what a pack can and cannot reach, that packs cannot see each
 * other, that require stays inside the pack, that errors name file and
 * line, and that loops, memory bombs and deep recursion end in an error
 * from which the state recovers.
 *
 * Rule code is mostly inline; what must be reported with a file and line
 * lives in fixtures/sandbox/pack_a.  Run from the repository root (as make
 * does) or anywhere, with SB_FIXTURES pointing at the fixture folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "sandbox.h"

/* Kept well below PATH_MAX, so that paths built from them always fit. */
static char fixtures[1024]; /* .../fixtures/sandbox */
static char pack_a[1100];   /* .../fixtures/sandbox/pack_a */

/* ---- helpers ---------------------------------------------------------- */

/* A sandbox with two packs; env_a has a folder, env_b does not. */
typedef struct fx {
    sb_state *s;
    lua_State *L;
    int env_a, env_b; /* stack slots */
} fx;

static const sb_limits test_limits = {
    (size_t)256 << 20, (size_t)64 << 20, 2000000UL
};

static fx *fx_new(const sb_limits *lim)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->s = sb_new(lim);
    assert_non_null(f->s);
    f->L = sb_lua(f->s);
    assert_int_equal(sb_new_env(f->s, "pack_a", pack_a), SB_OK);
    f->env_a = lua_gettop(f->L);
    assert_int_equal(sb_new_env(f->s, "pack_b", NULL), SB_OK);
    f->env_b = lua_gettop(f->L);
    return f;
}

static void fx_free(fx *f)
{
    assert_int_equal(lua_gettop(f->L), 2); /* every test leaves it balanced */
    sb_free(f->s);
    free(f);
}

static int setup(void **state)
{
    *state = fx_new(&test_limits);
    return 0;
}

static int teardown(void **state)
{
    fx_free(*state);
    return 0;
}

/* Pushes inline code, named "inline.lua", with env as its _ENV. */
static void push_code(fx *f, int env, const char *code)
{
    int rc = luaL_loadbufferx(f->L, code, strlen(code), "=inline.lua", "t");
    if (rc != LUA_OK)
        fail_msg("inline code does not compile: %s", lua_tostring(f->L, -1));
    lua_pushvalue(f->L, env);
    assert_non_null(lua_setupvalue(f->L, -2, 1));
}

/* Runs inline code in env; on success leaves its one result on the stack. */
static int run(fx *f, int env, const char *code, sb_error *e)
{
    int top = lua_gettop(f->L);
    push_code(f, env, code);
    int rc = sb_call(f->s, 0, 1, e);
    assert_int_equal(lua_gettop(f->L), top + (rc == SB_OK));
    return rc;
}

/* Runs code that must succeed and return true. */
static void run_true(fx *f, int env, const char *code)
{
    sb_error e;
    int rc = run(f, env, code, &e);
    if (rc != SB_OK)
        fail_msg("%s\n  failed: %s", code, e.msg);
    if (!lua_toboolean(f->L, -1))
        fail_msg("%s\n  returned %s", code, luaL_tolstring(f->L, -1, NULL));
    lua_pop(f->L, 1);
}

/* Runs code that must fail with kind, and a message containing want. */
static void run_fails(fx *f, int env, const char *code, int kind,
                      const char *want)
{
    sb_error e;
    int rc = run(f, env, code, &e);
    if (rc == SB_OK)
        fail_msg("%s\n  succeeded, expected: %s", code, want);
    if (rc != kind || !strstr(e.msg, want))
        fail_msg("%s\n  kind %d, expected %d; message:\n%s\n  expected to"
                 " contain: %s", code, rc, kind, e.msg, want);
    assert_int_equal(e.kind, kind);
}

static void fixture_path(char *buf, const char *rel)
{
    snprintf(buf, PATH_MAX, "%s/%s", pack_a, rel);
}

/* Loads pack_a/<rel> as "pack_a/<rel>" and calls it for its value. */
static void load_fixture(fx *f, const char *rel)
{
    char path[PATH_MAX], shown[PATH_MAX];
    sb_error e;
    fixture_path(path, rel);
    snprintf(shown, sizeof shown, "pack_a/%s", rel);
    if (sb_load_file(f->s, f->env_a, path, shown, &e) != SB_OK ||
        sb_call(f->s, 0, 1, &e) != SB_OK)
        fail_msg("%s: %s", rel, e.msg);
}

/* Bytes of a binary chunk, compiled by a plain Lua state. */
typedef struct chunk_bytes {
    char b[4096];
    size_t n;
} chunk_bytes;

static int dump_writer(lua_State *L, const void *p, size_t n, void *ud)
{
    chunk_bytes *c = ud;
    (void)L;
    if (n > sizeof c->b - c->n)
        return 1;
    memcpy(c->b + c->n, p, n);
    c->n += n;
    return 0;
}

static void push_binary_chunk(lua_State *into)
{
    lua_State *P = luaL_newstate();
    chunk_bytes c = {.n = 0};
    assert_int_equal(luaL_loadstring(P, "return 42"), LUA_OK);
    assert_int_equal(lua_dump(P, dump_writer, &c, 0), 0);
    lua_close(P);
    assert_true(c.n > 4 && c.b[0] == '\x1b');
    lua_pushlstring(into, c.b, c.n);
}

/* ---- the state ---------------------------------------------------------- */

static void test_new_with_defaults(void **state)
{
    (void)state;
    sb_state *s = sb_new(NULL);
    assert_non_null(s);
    assert_true(sb_mem_used(s) > 0);
    assert_int_equal(sb_new_env(s, "p", NULL), SB_OK);
    assert_int_equal(lua_gettop(sb_lua(s)), 1);
    sb_free(s);
    sb_free(NULL);
}

static void test_new_env_rejects_missing_folder(void **state)
{
    fx *f = *state;
    assert_int_equal(sb_new_env(f->s, "x", "/nonexistent/pack"), SB_ERR_FILE);
    char file[PATH_MAX];
    fixture_path(file, "util.lua");
    assert_int_equal(sb_new_env(f->s, "x", file), SB_ERR_FILE);
}

/* Every allocation size in turn fails: no crash, no leak, only
 * SB_ERR_MEMORY or success (SQLite's out-of-memory loop, coarsely). */
static void test_out_of_memory_everywhere(void **state)
{
    (void)state;
    char path[PATH_MAX];
    fixture_path(path, "uses_modules.lua");
    int worked = 0;
    for (size_t cap = 1024; cap < 400 * 1024 && !worked; cap += 128) {
        sb_limits lim = {cap, cap, 100000};
        sb_state *s = sb_new(&lim);
        if (!s)
            continue;
        lua_State *L = sb_lua(s);
        sb_error e;
        int rc = sb_new_env(s, "pack_a", pack_a);
        if (rc == SB_OK) {
            rc = sb_load_file(s, 1, path, "pack_a/uses_modules.lua", &e);
            if (rc == SB_OK)
                rc = sb_call(s, 0, 1, &e);
            if (rc == SB_OK) {
                lua_pushinteger(L, 1);
                rc = sb_call(s, 1, 2, &e);
                if (rc == SB_OK) {
                    assert_int_equal(lua_tointeger(L, -2), 6);
                    worked = 1;
                }
            }
            if (rc != SB_OK)
                assert_int_equal(rc, SB_ERR_MEMORY);
        } else {
            assert_int_equal(rc, SB_ERR_MEMORY);
        }
        sb_free(s);
    }
    assert_true(worked);
}

/* ---- what a pack sees --------------------------------------------------- */

static void test_env_holds_only_the_allow_list(void **state)
{
    fx *f = *state;
    sb_error e;
    assert_int_equal(run(f, f->env_a,
        "local names = {}\n"
        "for k in pairs(_ENV) do names[#names + 1] = k end\n"
        "table.sort(names)\n"
        "return table.concat(names, ' ')", &e), SB_OK);
    assert_string_equal(lua_tostring(f->L, -1),
        "_G _VERSION assert error getmetatable ipairs load math next pairs"
        " pcall print rawequal rawget rawlen rawset require select"
        " setmetatable string table tonumber tostring type unpack utf8 words"
        " xpcall");
    lua_pop(f->L, 1);
    run_true(f, f->env_a, "return _G == _ENV and unpack == table.unpack");
}

static void test_os_is_named(void **state)
{
    run_fails(*state, ((fx *)*state)->env_a, "os.execute('true')",
              SB_ERR_RUNTIME, "inline.lua:1: os is not available in rules");
}

static void test_io_is_named(void **state)
{
    run_fails(*state, ((fx *)*state)->env_a, "return io.open('/etc/passwd')",
              SB_ERR_RUNTIME, "io is not available in rules");
}

static void test_debug_is_named(void **state)
{
    run_fails(*state, ((fx *)*state)->env_a, "debug.sethook()",
              SB_ERR_RUNTIME, "debug is not available in rules");
}

static void test_dofile_is_named(void **state)
{
    run_fails(*state, ((fx *)*state)->env_a, "dofile('/etc/passwd')",
              SB_ERR_RUNTIME, "dofile is not available in rules");
}

static void test_loadfile_is_named(void **state)
{
    run_fails(*state, ((fx *)*state)->env_a, "loadfile('/etc/passwd')",
              SB_ERR_RUNTIME, "loadfile is not available in rules");
}

static void test_package_is_named(void **state)
{
    run_fails(*state, ((fx *)*state)->env_a,
              "package.loadlib('libc.so.6', 'system')",
              SB_ERR_RUNTIME, "package is not available in rules");
}

static void test_collectgarbage_is_named(void **state)
{
    run_fails(*state, ((fx *)*state)->env_a, "collectgarbage('stop')",
              SB_ERR_RUNTIME, "collectgarbage is not available in rules");
}

static void test_older_names_give_hints(void **state)
{
    fx *f = *state;
    run_fails(f, f->env_a, "return loadstring('x = 1')", SB_ERR_RUNTIME,
              "loadstring is not available in rules (use load)");
    run_fails(f, f->env_a, "return coroutine.wrap(print)", SB_ERR_RUNTIME,
              "coroutine is not available in rules");
    run_true(f, f->env_a, "return rawget(_ENV, 'os') == nil and"
                          " undefined_name == nil");
}

static void test_string_dump_is_gone(void **state)
{
    fx *f = *state;
    run_fails(f, f->env_a, "return string.dump(print)", SB_ERR_RUNTIME,
              "string.dump is not available in rules");
    /* the methods of strings come from the shared table: gone there too */
    run_fails(f, f->env_a, "return ('').dump(function() end)",
              SB_ERR_RUNTIME, "attempt to call a nil value");
    run_true(f, f->env_a, "return getmetatable('') == false");
}

static void test_env_metatable_is_protected(void **state)
{
    fx *f = *state;
    run_true(f, f->env_a, "return getmetatable(_ENV) == false and"
                          " getmetatable(string) == false");
    run_fails(f, f->env_a, "setmetatable(_ENV, nil)", SB_ERR_RUNTIME,
              "cannot change a protected metatable");
}

static void test_setmetatable_refuses_gc(void **state)
{
    fx *f = *state;
    run_fails(f, f->env_a,
              "setmetatable({}, { __gc = function() while true do end end })",
              SB_ERR_RUNTIME, "__gc metamethods are not available in rules");
    run_true(f, f->env_a,
             "local t = setmetatable({}, { __index = function(_, k)"
             " return k .. '!' end })\n"
             "return t.x == 'x!' and getmetatable(t).__index ~= nil");
}

static void test_load_text_runs_in_pack_env(void **state)
{
    fx *f = *state;
    run_true(f, f->env_a,
             "shared = 41\n"
             "local fn = assert(load('shared = shared + 1; return _ENV'))\n"
             "return fn() == _ENV and shared == 42");
    /* a syntax error is returned, as with the standard load */
    run_true(f, f->env_a,
             "local fn, msg = load('return +', 'chunk')\n"
             "return fn == nil and msg:find('chunk', 1, true) ~= nil");
}

static void test_load_refuses_binary_chunks(void **state)
{
    fx *f = *state;
    sb_error e;
    push_code(f, f->env_a,
              "local bin = ...\n"
              "local fn, msg = load(bin, 'bin', 'bt')\n"
              "return fn == nil and msg:find('binary') ~= nil");
    push_binary_chunk(f->L);
    assert_int_equal(sb_call(f->s, 1, 1, &e), SB_OK);
    assert_true(lua_toboolean(f->L, -1));
    lua_pop(f->L, 1);
    run_fails(f, f->env_a, "return load('return 1', 'x', 'b')",
              SB_ERR_RUNTIME, "rules can load only text chunks");

    /* and from a file */
    char dir[] = "/tmp/sb_test_XXXXXX", path[PATH_MAX];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/bin.lua", dir);
    push_binary_chunk(f->L);
    size_t n;
    const char *bytes = lua_tolstring(f->L, -1, &n);
    FILE *out = fopen(path, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(bytes, 1, n, out), n);
    fclose(out);
    lua_pop(f->L, 1);
    assert_int_equal(sb_load_file(f->s, f->env_a, path, "pack_a/bin.lua", &e),
                     SB_ERR_SYNTAX);
    assert_non_null(strstr(e.msg, "pack_a/bin.lua: "));
    assert_non_null(strstr(e.msg, "binary chunk"));
    unlink(path);
    rmdir(dir);
}

static void test_load_refuses_env_and_readers(void **state)
{
    fx *f = *state;
    run_fails(f, f->env_a, "return load('return 1', 'x', 't', {})",
              SB_ERR_RUNTIME, "the env argument is not available in rules");
    run_fails(f, f->env_a, "return load(function() return nil end)",
              SB_ERR_RUNTIME, "rules can load only a string of Lua text");
}

/* ---- isolation ---------------------------------------------------------- */

static void test_packs_do_not_share_library_tables(void **state)
{
    fx *f = *state;
    run_true(f, f->env_a,
             "string.foo = 1; math.pi = 3; table.insert = nil; utf8.x = 1\n"
             "words.has_any = nil\n"
             "return string.foo == 1");
    run_true(f, f->env_b,
             "return string.foo == nil and math.pi > 3.14 and"
             " table.insert ~= nil and utf8.x == nil and"
             " words.has_any('ab', {'b'}) == 'b' and"
             " ('x'):rep(2) == 'xx'");
    /* a pack's additions to string are not string methods */
    run_true(f, f->env_a, "return ('x').foo == nil");
}

static void test_packs_do_not_share_globals(void **state)
{
    fx *f = *state;
    run_true(f, f->env_a, "answer = 42; _G.other = 1; return answer == 42");
    run_true(f, f->env_b, "return answer == nil and other == nil");
    run_true(f, f->env_a, "return answer == 42 and other == 1");
}

/* ---- require ------------------------------------------------------------ */

static void test_require_loads_and_caches(void **state)
{
    fx *f = *state;
    sb_error e;
    load_fixture(f, "uses_modules.lua");
    lua_pushinteger(f->L, 3);
    assert_int_equal(sb_call(f->s, 1, 2, &e), SB_OK);
    assert_int_equal(lua_tointeger(f->L, -2), 3 * 2 + 3 * 4);
    assert_true(lua_toboolean(f->L, -1));
    lua_pop(f->L, 2);
    /* util.lua ran once although required from two files, three times */
    run_true(f, f->env_a,
             "return loads == 1 and require('util') == require('util')");
    /* another environment has its own cache */
    assert_int_equal(sb_new_env(f->s, "pack_a", pack_a), SB_OK);
    run_true(f, lua_gettop(f->L), "local u = require('util') return loads == 1");
    lua_pop(f->L, 1);
}

static void test_require_refuses_bad_names(void **state)
{
    fx *f = *state;
    static const char *const bad[] = {
        "../x", "/etc/passwd", "a..b", "", ".a", "a.", "a/b", "a-b",
        "..", "a.b/c", NULL
    };
    char code[256];
    for (const char *const *b = bad; *b; b++) {
        snprintf(code, sizeof code, "return require('%s')", *b);
        run_fails(f, f->env_a, code, SB_ERR_RUNTIME, "bad module name");
    }
    run_fails(f, f->env_a, "return require(nil)", SB_ERR_RUNTIME,
              "bad argument #1 to 'require'");
}

static void test_require_missing_module_is_named(void **state)
{
    fx *f = *state;
    run_fails(f, f->env_a, "return require('socket')", SB_ERR_RUNTIME,
              "module 'socket' not found in pack 'pack_a'");
    /* a dot separates folders: this is util/lua.lua */
    run_fails(f, f->env_a, "return require('util.lua')", SB_ERR_RUNTIME,
              "not found in pack 'pack_a' (no file util/lua.lua)");
    run_fails(f, f->env_b, "return require('util')", SB_ERR_RUNTIME,
              "pack 'pack_b' has no folder");
}

static void test_require_reports_module_syntax_error(void **state)
{
    fx *f = *state;
    run_fails(f, f->env_a, "return require('broken')", SB_ERR_RUNTIME,
              "pack_a/broken.lua:4:");
}

/* A temporary pack whose symlinks point outside it, and one inside. */
static void test_require_refuses_symlink_escape(void **state)
{
    fx *f = *state;
    char root[] = "/tmp/sb_test_XXXXXX", p[PATH_MAX], q[PATH_MAX];
    assert_non_null(mkdtemp(root));
    snprintf(p, sizeof p, "%s/pack", root);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/outside", root);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/outside/evil.lua", root);
    FILE *out = fopen(p, "w");
    assert_non_null(out);
    fputs("return 'escaped'\n", out);
    fclose(out);
    snprintf(q, sizeof q, "%s/pack/evil.lua", root);
    assert_int_equal(symlink(p, q), 0);
    snprintf(p, sizeof p, "%s/outside", root);
    snprintf(q, sizeof q, "%s/pack/dir", root);
    assert_int_equal(symlink(p, q), 0);
    snprintf(q, sizeof q, "%s/pack/alias.lua", root);
    assert_int_equal(symlink("good.lua", q), 0);
    snprintf(p, sizeof p, "%s/pack/good.lua", root);
    out = fopen(p, "w");
    assert_non_null(out);
    fputs("return 'inside'\n", out);
    fclose(out);

    snprintf(p, sizeof p, "%s/pack", root);
    assert_int_equal(sb_new_env(f->s, "tmp", p), SB_OK);
    int env = lua_gettop(f->L);
    run_fails(f, env, "return require('evil')", SB_ERR_RUNTIME,
              "module 'evil' resolves to a file outside pack 'tmp'");
    run_fails(f, env, "return require('dir.evil')", SB_ERR_RUNTIME,
              "resolves to a file outside pack");
    run_true(f, env, "return require('alias') == 'inside'");
    lua_pop(f->L, 1);

    static const char *const made[] = {
        "pack/evil.lua", "pack/dir", "pack/alias.lua", "pack/good.lua",
        "outside/evil.lua", NULL
    };
    for (const char *const *m = made; *m; m++) {
        snprintf(p, sizeof p, "%s/%s", root, *m);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/pack", root);
    rmdir(p);
    snprintf(p, sizeof p, "%s/outside", root);
    rmdir(p);
    rmdir(root);
}

/* ---- loading files and reporting errors -------------------------------- */

static void test_load_file_syntax_error_has_file_line(void **state)
{
    fx *f = *state;
    char path[PATH_MAX];
    sb_error e;
    fixture_path(path, "syntax_error.lua");
    assert_int_equal(sb_load_file(f->s, f->env_a, path,
                                  "pack_a/syntax_error.lua", &e),
                     SB_ERR_SYNTAX);
    assert_int_equal(e.kind, SB_ERR_SYNTAX);
    assert_true(strncmp(e.msg, "pack_a/syntax_error.lua:3:", 26) == 0);
    assert_int_equal(e.head_len, strlen(e.msg));
}

static void test_load_file_missing_is_file_error(void **state)
{
    fx *f = *state;
    sb_error e;
    assert_int_equal(sb_load_file(f->s, f->env_a, "/nonexistent.lua",
                                  "pack_a/nonexistent.lua", &e),
                     SB_ERR_FILE);
    assert_non_null(strstr(e.msg, "pack_a/nonexistent.lua: cannot open"));
    assert_int_equal(sb_load_file(f->s, f->env_a, pack_a, "pack_a", &e),
                     SB_ERR_FILE);
    assert_non_null(strstr(e.msg, "cannot read"));
}

static void test_load_file_skips_bom(void **state)
{
    fx *f = *state;
    load_fixture(f, "bom.lua");
    assert_string_equal(lua_tostring(f->L, -1), "bom ok");
    lua_pop(f->L, 1);
}

static void test_runtime_error_has_file_line_and_traceback(void **state)
{
    fx *f = *state;
    sb_error e;
    load_fixture(f, "runtime_error.lua");
    assert_int_equal(sb_call(f->s, 0, 0, &e), SB_ERR_RUNTIME);
    const char *head = "pack_a/runtime_error.lua:3: attempt to index a nil"
                       " value (field 'missing')";
    assert_true(strncmp(e.msg, head, strlen(head)) == 0);
    assert_int_equal(e.head_len, strlen(head));
    assert_non_null(strstr(e.msg, "\nstack traceback:\n"));
    assert_non_null(strstr(e.msg, "pack_a/runtime_error.lua:7:"));
    /* the state goes on */
    run_true(f, f->env_a, "return 1 + 1 == 2");
}

static void test_errors_without_position_get_one(void **state)
{
    fx *f = *state;
    run_fails(f, f->env_a, "\n error('plain', 0)", SB_ERR_RUNTIME,
              "inline.lua:2: plain");
    run_fails(f, f->env_a, "error({})", SB_ERR_RUNTIME,
              "inline.lua:1: (error object is a table value)");
    run_fails(f, f->env_a,
              "error(setmetatable({}, { __tostring = function()"
              " return 'custom' end }))",
              SB_ERR_RUNTIME, "inline.lua:1: custom");
}

static void test_error_inside_error_handler(void **state)
{
    fx *f = *state;
    /* a rule's own handler fails: xpcall returns false, the rule goes on */
    run_true(f, f->env_a,
             "local ok, msg = xpcall(function() error('first') end,"
             " function(m) error('second') end)\n"
             "return ok == false and msg ~= nil");
    /* the error object's __tostring fails while the report is built */
    sb_error e;
    int rc = run(f, f->env_a,
                 "error(setmetatable({}, { __tostring = function()"
                 " error('broken tostring') end }))", &e);
    assert_int_equal(rc, SB_ERR_RUNTIME);
    assert_non_null(strstr(e.msg, "inline.lua:1:"));
    /* and one that fails forever */
    rc = run(f, f->env_a,
             "local mt = {}\n"
             "mt.__tostring = function() error(setmetatable({}, mt)) end\n"
             "error(setmetatable({}, mt))", &e);
    assert_int_equal(rc, SB_ERR_RUNTIME);
    run_true(f, f->env_a, "return true");
}

/* ---- the instruction budget ------------------------------------------- */

static void test_infinite_loop_is_stopped(void **state)
{
    fx *f = *state;
    sb_error e;
    load_fixture(f, "loop.lua");
    assert_int_equal(sb_call(f->s, 0, 0, &e), SB_ERR_BUDGET);
    assert_int_equal(e.kind, SB_ERR_BUDGET);
    assert_non_null(strstr(e.msg, "instruction budget exceeded (2000000"
                                  " instructions)"));
    assert_true(strncmp(e.msg, "pack_a/loop.lua:", 16) == 0);
    assert_non_null(strstr(e.msg, "stack traceback:"));
    run_true(f, f->env_a, "return true");
}

static void test_infinite_loop_in_pcall_is_stopped(void **state)
{
    fx *f = *state;
    run_fails(f, f->env_a,
              "pcall(function() while true do end end)\n"
              "while true do end",
              SB_ERR_BUDGET, "instruction budget exceeded");
    run_fails(f, f->env_a,
              "for i = 1, 100 do pcall(function() while true do end end) end\n"
              "return 'survived'",
              SB_ERR_BUDGET, "inline.lua:1: instruction budget exceeded");
    run_fails(f, f->env_a,
              "local function spin() while true do end end\n"
              "while true do pcall(pcall, pcall, spin) end",
              SB_ERR_BUDGET, "instruction budget exceeded");
}

static void test_infinite_loop_in_xpcall_is_stopped(void **state)
{
    fx *f = *state;
    run_fails(f, f->env_a,
              "local caught = 0\n"
              "for i = 1, 100 do\n"
              "  xpcall(function() while true do end end,\n"
              "         function(m) caught = caught + 1 return m end)\n"
              "end\n"
              "return caught",
              SB_ERR_BUDGET, "instruction budget exceeded");
    /* a handler that loops is stopped too */
    run_fails(f, f->env_a,
              "xpcall(error, function() while true do end end)\n"
              "return 'survived'",
              SB_ERR_BUDGET, "instruction budget exceeded");
}

static void test_budget_resets_between_calls(void **state)
{
    fx *f = *state;
    sb_error e;
    /* about 60% of the budget each time */
    push_code(f, f->env_a,
              "return function() local n = 0\n"
              "for i = 1, 300000 do n = n + i end return n end");
    assert_int_equal(sb_call(f->s, 0, 1, &e), SB_OK);
    for (int i = 0; i < 50; i++) {
        lua_pushvalue(f->L, -1);
        if (sb_call(f->s, 0, 1, &e) != SB_OK)
            fail_msg("call %d: %s", i, e.msg);
        assert_int_equal(lua_tointeger(f->L, -1), 300000LL * 300001 / 2);
        lua_pop(f->L, 1);
    }
    lua_pop(f->L, 1);
}

/* Inside a batch (one CPU ticker for many calls) and after it, the budget
 * still stops a runaway call, and every call starts afresh. */
static void test_budget_in_batches(void **state)
{
    fx *f = *state;
    sb_batch_begin(f->s);
    sb_batch_begin(f->s); /* batches nest */
    run_fails(f, f->env_a, "while true do end", SB_ERR_BUDGET,
              "instruction budget exceeded");
    run_true(f, f->env_a, "return true");
    sb_batch_end(f->s);
    run_fails(f, f->env_a, "local n = 0 while true do n = n + 1 end",
              SB_ERR_BUDGET, "instruction budget exceeded");
    sb_batch_end(f->s);
    run_fails(f, f->env_a, "while true do end", SB_ERR_BUDGET,
              "instruction budget exceeded");
    run_true(f, f->env_a, "return true");
}

/* One call of string.find with a pattern that backtracks without end is
 * stopped like a loop, at the rule's line, however the matcher is called
 * (function or method, find match gmatch or gsub, under pcall).  Lua's
 * own matcher takes 25 s to a minute on each. */
static void test_backtracking_pattern_is_stopped(void **state)
{
    fx *f = *state;
    static const char *const rules[] = {
        "local s = string.rep('a', 200)\n"
        "return s:find('(.-)(.-)(.-)(.-)b')",
        "local s = string.rep('a', 80)\n"
        "return string.match(s, string.rep('a*', 6) .. 'b')",
        "local s = string.rep('a', 400)\n"
        "for x in s:gmatch('(.-)(.-)(.-)%d') do end",
        "local s = string.rep('a', 400)\n"
        "return pcall(string.gsub, s, '(.-)(.-)(.-)%d', '')",
        "local s = ('的'):rep(150)\n"
        "return pcall(function() return s:match('(.-)的(.-)(.-)%d') end)",
    };
    for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
        time_t start = time(NULL);
        run_fails(f, f->env_a, rules[i], SB_ERR_BUDGET,
                  "inline.lua:2: instruction budget exceeded (2000000"
                  " instructions)");
        if (time(NULL) - start > 5)
            fail_msg("%s\n  took %lld s", rules[i],
                     (long long)(time(NULL) - start));
    }
    run_true(f, f->env_a, "return ('abc'):find('b') == 2 and"
                          " ('a1b22'):gsub('%d+', '<%0>') == 'a<1>b<22>'");
}

/* ---- memory ------------------------------------------------------------- */

static const sb_limits small_memory = {
    (size_t)16 << 20, (size_t)1 << 20, 50000000UL
};

static void test_memory_bomb_is_stopped_and_state_reusable(void **state)
{
    (void)state;
    fx *f = fx_new(&small_memory);
    sb_error e;
    size_t before = sb_mem_used(f->s);
    load_fixture(f, "bomb.lua");
    assert_int_equal(sb_call(f->s, 0, 0, &e), SB_ERR_MEMORY);
    assert_int_equal(e.kind, SB_ERR_MEMORY);
    assert_non_null(strstr(e.msg, "memory limit exceeded (1 MB per call)"));
    assert_true(strncmp(e.msg, "pack_a/bomb.lua:", 16) == 0);
    /* sb_call collected the bomb's garbage */
    assert_true(sb_mem_used(f->s) < before + (256 << 10));
    lua_gc(f->L, LUA_GCCOLLECT);
    run_true(f, f->env_a,
             "local t = {} for i = 1, 100 do t[i] = ('y'):rep(1000) end\n"
             "return #t == 100");
    fx_free(f);
}

static void test_memory_bomb_in_pcall_is_stopped(void **state)
{
    (void)state;
    fx *f = fx_new(&small_memory);
    run_fails(f, f->env_a,
              "local ok = pcall(function()\n"
              "  local t = {} while true do t[#t + 1] = {} end\n"
              "end)\n"
              "return 'survived'",
              SB_ERR_MEMORY, "inline.lua:1: memory limit exceeded (1 MB per"
              " call)\nstack traceback:\n\t[C]: in global 'pcall'");
    run_fails(f, f->env_a,
              "local t = {}\n"
              "for i = 1, 1000 do\n"
              "  xpcall(function() t[#t + 1] = ('z'):rep(4096) end,\n"
              "         function(m) return m end)\n"
              "end\n"
              "return #t",
              SB_ERR_MEMORY, "memory limit exceeded");
    /* load, too, hands memory errors on */
    run_fails(f, f->env_a,
              "return load(('x = 1 '):rep(400000))",
              SB_ERR_MEMORY, "memory limit exceeded");
    run_true(f, f->env_a, "return #('x'):rep(1000) == 1000");
    fx_free(f);
}

static void test_memory_total_cap(void **state)
{
    (void)state;
    sb_limits lim = {(size_t)4 << 20, (size_t)64 << 20, 50000000UL};
    fx *f = fx_new(&lim);
    /* what a pack keeps across calls counts against the total */
    run_fails(f, f->env_a,
              "keep = {} while true do keep[#keep + 1] = ('k'):rep(1000) end",
              SB_ERR_MEMORY, "memory limit exceeded (4 MB in total)");
    /* the hoard stays: until it is dropped, even compiling fails */
    sb_error e;
    char path[PATH_MAX];
    fixture_path(path, "util.lua");
    assert_int_equal(sb_load_file(f->s, f->env_a, path, "pack_a/util.lua", &e),
                     SB_ERR_MEMORY);
    lua_pushnil(f->L);
    lua_setfield(f->L, f->env_a, "keep");
    lua_gc(f->L, LUA_GCCOLLECT);
    run_true(f, f->env_a,
             "local t = {} for i = 1, 1000 do t[i] = ('k'):rep(1000) end\n"
             "return #t == 1000");
    fx_free(f);
}

static void test_memory_per_call_resets(void **state)
{
    (void)state;
    fx *f = fx_new(&small_memory);
    sb_error e;
    /* about 600 KB of a 1 MB allowance, left as garbage each time */
    push_code(f, f->env_a,
              "return function() local t = {}\n"
              "for i = 1, 600 do t[i] = ('m'):rep(1000) end return #t end");
    assert_int_equal(sb_call(f->s, 0, 1, &e), SB_OK);
    for (int i = 0; i < 100; i++) {
        lua_pushvalue(f->L, -1);
        if (sb_call(f->s, 0, 1, &e) != SB_OK)
            fail_msg("call %d: %s", i, e.msg);
        assert_int_equal(lua_tointeger(f->L, -1), 600);
        lua_pop(f->L, 1);
    }
    lua_pop(f->L, 1);
    fx_free(f);
}

/* ---- recursion ---------------------------------------------------------- */

static void test_deep_recursion_is_an_error(void **state)
{
    fx *f = *state;
    run_fails(f, f->env_a,
              "local function down(n) return 1 + down(n + 1) end\n"
              "return down(1)",
              SB_ERR_RUNTIME, "stack overflow");
    run_true(f, f->env_a, "return true");
}

static void test_c_stack_overflow_is_an_error(void **state)
{
    fx *f = *state;
    run_fails(f, f->env_a,
              "local t = setmetatable({}, { __index = function(t, k)"
              " return t[k] end })\n"
              "return t.x",
              SB_ERR_RUNTIME, "stack overflow");
    run_fails(f, f->env_a,
              "local t = setmetatable({}, { __tostring = function(t)"
              " return tostring(t) end })\n"
              "return tostring(t)",
              SB_ERR_RUNTIME, "stack overflow");
    /* pcall recursion: each level's error is caught by the one above */
    run_true(f, f->env_a,
             "local function f() return pcall(f) end\n"
             "local ok = f() return ok == true");
    run_true(f, f->env_a, "return true");
}

/* ---- print, results, nesting ------------------------------------------- */

static void test_print_goes_to_stderr_with_pack_name(void **state)
{
    fx *f = *state;
    char path[] = "/tmp/sb_test_stderr_XXXXXX", buf[256] = "";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    sb_error e;
    int moved = dup2(fd, 2) == 2;
    push_code(f, f->env_a, "print('hello', 1, nil, true)");
    int rc = sb_call(f->s, 0, 0, &e); /* no assertion while stderr is moved */
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_true(moved);
    assert_int_equal(rc, SB_OK);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_true(read(fd, buf, sizeof buf - 1) > 0);
    close(fd);
    unlink(path);
    assert_string_equal(buf, "[pack_a] hello\t1\tnil\ttrue\n");
}

static void test_call_passes_arguments_and_results(void **state)
{
    fx *f = *state;
    sb_error e;
    push_code(f, f->env_a, "return ...");
    lua_pushinteger(f->L, 1);
    lua_pushstring(f->L, "two");
    lua_pushboolean(f->L, 1);
    assert_int_equal(sb_call(f->s, 3, LUA_MULTRET, &e), SB_OK);
    assert_int_equal(e.kind, SB_OK);
    assert_string_equal(e.msg, "");
    assert_int_equal(lua_gettop(f->L), 5);
    assert_int_equal(lua_tointeger(f->L, 3), 1);
    assert_string_equal(lua_tostring(f->L, 4), "two");
    assert_true(lua_toboolean(f->L, 5));
    lua_settop(f->L, 2);
    /* calling a non-function is an error, not a crash */
    lua_pushnil(f->L);
    assert_int_equal(sb_call(f->s, 0, 0, &e), SB_ERR_RUNTIME);
    assert_non_null(strstr(e.msg, "attempt to call a nil value"));
    /* err may be NULL */
    lua_pushnil(f->L);
    assert_int_equal(sb_call(f->s, 0, 0, NULL), SB_ERR_RUNTIME);
}

/* A C function of the runtime that calls back into a rule's function. */
static sb_state *nested_sb;

static int call_back(lua_State *L)
{
    sb_error e;
    lua_settop(L, 1);
    int rc = sb_call(nested_sb, 0, 1, &e);
    if (rc != SB_OK)
        return luaL_error(L, "callback failed: %s", e.msg);
    return 1;
}

static void test_nested_call_from_c(void **state)
{
    fx *f = *state;
    nested_sb = f->s;
    lua_pushcfunction(f->L, call_back);
    lua_setfield(f->L, f->env_a, "call_back");
    run_true(f, f->env_a, "return call_back(function() return 7 end) == 7");
    /* the inner call spends the outer call's budget */
    run_fails(f, f->env_a,
              "call_back(function() while true do end end) return 1",
              SB_ERR_BUDGET, "instruction budget exceeded");
    run_true(f, f->env_a, "return call_back(function() return 8 end) == 8");
}

/* ---- main ---------------------------------------------------------------- */

static int find_fixtures(void)
{
    const char *env = getenv("SB_FIXTURES");
    struct stat st;
    if (env)
        snprintf(fixtures, sizeof fixtures, "%s", env);
    else
        snprintf(fixtures, sizeof fixtures, "tests/unit/fixtures/sandbox");
    if (stat(fixtures, &st) != 0) {
        /* __FILE__ is relative to where the compiler ran */
        const char *slash = strrchr(__FILE__, '/');
        int n = slash ? (int)(slash - __FILE__) : 0;
        snprintf(fixtures, sizeof fixtures, "%.*s%sfixtures/sandbox", n,
                 __FILE__, slash ? "/" : "");
    }
    snprintf(pack_a, sizeof pack_a, "%s/pack_a", fixtures);
    if (stat(pack_a, &st) != 0) {
        fprintf(stderr, "test_sandbox: fixtures not found at %s (set"
                        " SB_FIXTURES)\n", fixtures);
        return 0;
    }
    return 1;
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    if (!find_fixtures())
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_with_defaults),
        T(test_new_env_rejects_missing_folder),
        cmocka_unit_test(test_out_of_memory_everywhere),
        T(test_env_holds_only_the_allow_list),
        T(test_os_is_named),
        T(test_io_is_named),
        T(test_debug_is_named),
        T(test_dofile_is_named),
        T(test_loadfile_is_named),
        T(test_package_is_named),
        T(test_collectgarbage_is_named),
        T(test_older_names_give_hints),
        T(test_string_dump_is_gone),
        T(test_env_metatable_is_protected),
        T(test_setmetatable_refuses_gc),
        T(test_load_text_runs_in_pack_env),
        T(test_load_refuses_binary_chunks),
        T(test_load_refuses_env_and_readers),
        T(test_packs_do_not_share_library_tables),
        T(test_packs_do_not_share_globals),
        T(test_require_loads_and_caches),
        T(test_require_refuses_bad_names),
        T(test_require_missing_module_is_named),
        T(test_require_reports_module_syntax_error),
        T(test_require_refuses_symlink_escape),
        T(test_load_file_syntax_error_has_file_line),
        T(test_load_file_missing_is_file_error),
        T(test_load_file_skips_bom),
        T(test_runtime_error_has_file_line_and_traceback),
        T(test_errors_without_position_get_one),
        T(test_error_inside_error_handler),
        T(test_infinite_loop_is_stopped),
        T(test_infinite_loop_in_pcall_is_stopped),
        T(test_infinite_loop_in_xpcall_is_stopped),
        T(test_budget_resets_between_calls),
        T(test_budget_in_batches),
        T(test_backtracking_pattern_is_stopped),
        cmocka_unit_test(test_memory_bomb_is_stopped_and_state_reusable),
        cmocka_unit_test(test_memory_bomb_in_pcall_is_stopped),
        cmocka_unit_test(test_memory_total_cap),
        cmocka_unit_test(test_memory_per_call_resets),
        T(test_deep_recursion_is_an_error),
        T(test_c_stack_overflow_is_an_error),
        T(test_print_goes_to_stderr_with_pack_name),
        T(test_call_passes_arguments_and_results),
        T(test_nested_call_from_c),
    };
    return cmocka_run_group_tests_name("sandbox", tests, NULL, NULL);
}
