/*
 * sandbox.c — the Lua state rules run in: an allow-list environment per
 * pack, a byte-counting allocator with a total and a per-call cap, an
 * instruction budget per call, and error reports with file, line and a
 * traceback.  See sandbox.h for the contract.
 *
 * How the fences hold:
 *  - Rules see only their pack's environment table, built from a template
 *    of vetted values kept in the registry; the state's real global table,
 *    the registry and the debug library are out of their reach, and
 *    string.dump is removed from the one string table the string
 *    metatable points at.
 *  - The budget is a count hook, installed once a call has run for one
 *    tick of CPU time (cputick.h): with a hook set, Lua stops at every
 *    instruction, which short calls need not pay for.  Once the budget
 *    runs out the hook re-arms itself to fire at every instruction, so a
 *    rule that catches the error cannot run on; the pcall and xpcall that
 *    rules see also re-raise it at once.  The hook sees nothing inside a
 *    C function, so the string library's pattern functions are
 *    pattern.h's, which charge their work through sb_charge.
 *  - The allocator refuses growth past the cap; Lua then collects garbage,
 *    retries, and raises "not enough memory".  That error, too, goes
 *    through the rules' pcall, and a failed call ends with a full GC.
 *  - A rule cannot give a table a __gc metamethod, so no rule code runs
 *    outside sb_call (during a GC step of another pack, or in sb_free).
 */
#include "sandbox.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lualib.h>

#include "cputick.h"
#include "pattern.h"
#include "words.h"

/* Small blocks (tables, strings, closures: most of what rules allocate)
 * are kept on free lists by size class, 16 bytes apart, instead of going
 * back to malloc: Lua allocates and frees them by the hundred thousand per
 * megabyte of text, and a list pop costs a fraction of malloc.  "Small"
 * goes up to 4 KB: the hash part of a table of a dozen fields (a fact, a
 * quantity) is already 400 to 800 bytes.  They go back to the system
 * when the state is freed.  Builds under AddressSanitizer skip the lists,
 * so that it still sees every block. */
#define SB_SMALL_MAX 4096
#define SB_NCLASS (SB_SMALL_MAX / 16 + 1)
#if defined(__SANITIZE_ADDRESS__)
#define SB_FREE_LISTS 0
#else
#define SB_FREE_LISTS 1
#endif

/* Which cap refused the last allocation. */
enum { SB_CAP_NONE, SB_CAP_CALL, SB_CAP_TOTAL, SB_CAP_SYSTEM };

/* How often the count hook runs; the budget is exact to within this many
 * instructions.  The step hardly changes the cost: once any hook is set,
 * Lua 5.4 checks at every instruction (tight loops run about half as
 * fast), so a hook is installed only once a call has seen a CPU tick. */
#define SB_HOOK_STEP 1000

/* Longest "file:line:" we build; Lua cuts chunk names to LUA_IDSIZE. */
#define SB_WHERE_MAX (LUA_IDSIZE + 32)

/* Room a failing call gets beyond its per-call cap to report the error:
 * calling the message handler, growing the stack for it and building the
 * traceback all need memory just when the rule has used up its own.
 * Granted after the first refusal of a call; the refused request itself
 * (which Lua retries after an emergency collection) does not get it, so
 * the error is still raised. */
#define SB_GRACE ((size_t)256 << 10)

/* Longest module name for require (far beyond any real one). */
#define SB_MODNAME_MAX 200

struct sb_state {
    lua_State *L;
    sb_limits lim;
    size_t used;          /* bytes the Lua state holds */
    size_t call_cap;      /* while a call runs: used at its start + per call */
    int depth;            /* sb_call nesting */
    int in_handler;       /* building an error report: per-call cap lifted */
    unsigned long instr;  /* instructions counted in this call */
    int counting;         /* the count hook is set (a tick came, or no ticker) */
    int ticking;          /* this call holds the CPU ticker */
    cputick_aim tick;     /* {sb_on_tick, this state} */
    const cputick_aim *outer_aim; /* what the ticker aimed at before */
    int over_budget;      /* the hook now raises at every instruction */
    int refused;          /* some allocation was refused in this call */
    int refused_cap;      /* SB_CAP_* of the last refusal */
    int grace;            /* SB_GRACE granted, except to the request: */
    const void *denied_ptr;
    size_t denied_osize, denied_nsize;
    sb_errkind fatal;     /* first budget or memory failure of this call */
    char fatal_msg[SB_WHERE_MAX + 96];
    char last_where[SB_WHERE_MAX]; /* where the hook last found the rule */
    void *small[SB_NCLASS]; /* free small blocks by size class, linked */
};

/* Registry keys: the addresses are unique, the contents unused. */
static const char sb_key_template = 0;  /* vetted globals for every pack */
static const char sb_key_env_mt = 0;    /* metatable of a pack environment */
static const char sb_key_string_mt = 0; /* metatable of a pack's string copy */
static const char sb_key_errerr = 0;    /* keeps a message Lua needs interned */

/* ---- the allocator --------------------------------------------------- */

static sb_state *sb_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

static int sb_fits(size_t used, size_t grow, size_t cap)
{
    return used <= cap && grow <= cap - used;
}

static size_t sb_add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

/* The cap that forbids resizing ptr from old to nsize > old bytes now, or
 * SB_CAP_NONE.  The per-call cap is lifted while the error handler builds
 * its report, which must succeed although the failing rule's data is still
 * alive. */
static int sb_cap_refusing(const sb_state *s, const void *ptr, size_t osize,
                           size_t old, size_t nsize)
{
    size_t grow = nsize - old;
    if (!sb_fits(s->used, grow, s->lim.mem_total))
        return SB_CAP_TOTAL;
    if (s->depth == 0 || s->in_handler)
        return SB_CAP_NONE;
    size_t cap = s->call_cap;
    if (s->grace && !(ptr == s->denied_ptr && osize == s->denied_osize &&
                      nsize == s->denied_nsize))
        cap = sb_add_sat(cap, SB_GRACE);
    return sb_fits(s->used, grow, cap) ? SB_CAP_NONE : SB_CAP_CALL;
}

static void sb_note_refusal(sb_state *s, int cap, const void *ptr,
                            size_t osize, size_t nsize)
{
    s->refused = 1;
    s->refused_cap = cap;
    if (cap == SB_CAP_CALL && !s->grace) {
        s->grace = 1;
        s->denied_ptr = ptr;
        s->denied_osize = osize;
        s->denied_nsize = nsize;
    }
}

/* ---- blocks: small ones from free lists, the rest from malloc ---------- */

static size_t sb_class(size_t n)
{
    return SB_FREE_LISTS && n <= SB_SMALL_MAX ? (n + 15) / 16 : 0;
}

/* Frees a block Lua held at size n. */
static void sb_put(sb_state *s, void *ptr, size_t n)
{
    size_t c = sb_class(n);
    if (!ptr || !c) {
        free(ptr);
        return;
    }
    *(void **)ptr = s->small[c];
    s->small[c] = ptr;
}

/* A new block of n > 0 bytes, or NULL. */
static void *sb_take(sb_state *s, size_t n)
{
    size_t c = sb_class(n);
    if (!c)
        return malloc(n);
    void *p = s->small[c];
    if (!p)
        return malloc(c * 16); /* any request of the class may reuse it */
    s->small[c] = *(void **)p;
    return p;
}

/* Resizes a block held at old (> 0) bytes to n > 0 bytes, or NULL. */
static void *sb_resize(sb_state *s, void *ptr, size_t old, size_t n)
{
    size_t c = sb_class(old);
    if (!c && !sb_class(n))
        return realloc(ptr, n);
    if (c && c == sb_class(n))
        return ptr; /* the block already has room */
    void *p = sb_take(s, n);
    if (p) {
        memcpy(p, ptr, old < n ? old : n);
        sb_put(s, ptr, old);
    }
    return p;
}

static void sb_free_small(sb_state *s)
{
    for (size_t c = 0; c < SB_NCLASS; c++)
        while (s->small[c]) {
            void *p = s->small[c];
            s->small[c] = *(void **)p;
            free(p);
        }
}

/* A cap no allocation now may pass, whatever the state: the per-call cap
 * (stale between calls, when only the total holds, but never above it)
 * and the total. */
static size_t sb_sure_cap(const sb_state *s)
{
    return s->call_cap < s->lim.mem_total ? s->call_cap : s->lim.mem_total;
}

/* Every allocation but the common one: see sb_alloc. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void *sb_alloc_any(sb_state *s, void *ptr, size_t osize, size_t nsize)
{
    size_t old = ptr ? osize : 0;
    int cap = nsize > old ? sb_cap_refusing(s, ptr, osize, old, nsize)
                          : SB_CAP_NONE;
    void *p = cap ? NULL : old ? sb_resize(s, ptr, old, nsize) : sb_take(s, nsize);
    if (!p && nsize <= old)
        p = ptr;
    if (!p) {
        sb_note_refusal(s, cap ? cap : SB_CAP_SYSTEM, ptr, osize, nsize);
        return NULL;
    }
    s->used = s->used - old + nsize;
    return p;
}

/* lua_Alloc.  When ptr is NULL, osize encodes the kind of object, not a
 * size.  Shrinking never fails: Lua relies on that (a block that could not
 * move to a smaller class stays where it is, and is big enough).  Lua
 * calls it millions of times per run, nearly always to free a block or to
 * take a new small one well within the caps: those two are done here,
 * the rest in sb_alloc_any. */
static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sb_state *s = ud;
    if (nsize == 0) {
        size_t old = ptr ? osize : 0;
        sb_put(s, ptr, old);
        s->used -= old;
        return NULL;
    }
    size_t c = sb_class(nsize);
    void *p = c && !ptr ? s->small[c] : NULL;
    if (!p || !sb_fits(s->used, nsize, sb_sure_cap(s)))
        return sb_alloc_any(s, ptr, osize, nsize);
    s->small[c] = *(void **)p;
    s->used += nsize;
    return p;
}

/* ---- error messages -------------------------------------------------- */

/* "file:line:" of the innermost Lua function at or above `level`, or "". */
static void sb_where(lua_State *L, int level, char *buf, size_t n)
{
    lua_Debug ar;
    buf[0] = '\0';
    for (; lua_getstack(L, level, &ar); level++)
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            snprintf(buf, n, "%s:%d:", ar.short_src, ar.currentline);
            return;
        }
}

/* "file:line:" where the function at idx begins (its first line for a main
 * chunk), or "" for a C function or a non-function. */
static void sb_where_defined(lua_State *L, int idx, char *buf, size_t n)
{
    lua_Debug ar;
    buf[0] = '\0';
    if (!lua_isfunction(L, idx) || lua_iscfunction(L, idx))
        return;
    lua_pushvalue(L, idx);
    if (lua_getinfo(L, ">S", &ar))
        snprintf(buf, n, "%s:%d:", ar.short_src,
                 ar.linedefined > 0 ? ar.linedefined : 1);
}

/* Does msg start with "chunk:line:"?  Messages from Lua's own errors and
 * from error("...") do; error("...", 0), non-string error objects and
 * some errors from C functions do not. */
static int sb_has_position(const char *msg)
{
    const char *p = msg;
    while (*p && *p != ':' && *p != '\n')
        p++;
    if (p == msg || *p != ':' || p[1] < '0' || p[1] > '9')
        return 0;
    for (p++; *p >= '0' && *p <= '9'; p++)
        ;
    return *p == ':';
}

static void sb_size_text(size_t bytes, char *buf, size_t n)
{
    const size_t mb = (size_t)1 << 20;
    if (bytes >= mb && bytes % mb == 0)
        snprintf(buf, n, "%zu MB", bytes / mb);
    else if (bytes >= mb)
        snprintf(buf, n, "%.1f MB", (double)bytes / (double)mb);
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(buf, n, "%zu KB", bytes / 1024);
    else
        snprintf(buf, n, "%zu bytes", bytes);
}

/* "where memory limit exceeded (1 MB per call)", after the last refusal. */
static void sb_memory_text(const sb_state *s, const char *where, char *buf,
                           size_t n)
{
    char size[32];
    const char *sep = *where ? " " : "";
    switch (s->refused_cap) {
    case SB_CAP_CALL:
        sb_size_text(s->lim.mem_per_call, size, sizeof size);
        snprintf(buf, n, "%s%smemory limit exceeded (%s per call)", where,
                 sep, size);
        break;
    case SB_CAP_TOTAL:
        sb_size_text(s->lim.mem_total, size, sizeof size);
        snprintf(buf, n, "%s%smemory limit exceeded (%s in total)", where,
                 sep, size);
        break;
    default:
        snprintf(buf, n, "%s%sout of memory (the system refused an"
                         " allocation)", where, sep);
    }
}

static void sb_set_fatal_memory(sb_state *s, const char *where)
{
    sb_memory_text(s, where, s->fatal_msg, sizeof s->fatal_msg);
    s->fatal = SB_ERR_MEMORY;
}

static int sb_is_memory_message(lua_State *L, int idx)
{
    return lua_type(L, idx) == LUA_TSTRING &&
           strcmp(lua_tostring(L, idx), "not enough memory") == 0;
}

/* Marks the call as failed for good if the error (status, and the error
 * object at obj) is a memory error.  Lua reports those either with status
 * LUA_ERRMEM or, from the auxiliary library's buffers, as a plain error
 * "not enough memory"; the refusal flag tells the latter from a rule that
 * merely says so. */
static void sb_note_memory(lua_State *L, sb_state *s, int status, int obj,
                           const char *where)
{
    if (s->fatal)
        return;
    if (status == LUA_ERRMEM || (s->refused && sb_is_memory_message(L, obj)))
        sb_set_fatal_memory(s, where);
}

/* Same, with the position of the innermost Lua code from level on. */
static void sb_note_memory_at(lua_State *L, sb_state *s, int status, int obj,
                              int level)
{
    char where[SB_WHERE_MAX];
    if (s->fatal || (status != LUA_ERRMEM && !s->refused))
        return;
    sb_where(L, level, where, sizeof where);
    sb_note_memory(L, s, status, obj, where);
}

/* Fills err with kind and msg, cut to fit on a character boundary. */
static int sb_fail(sb_error *err, int kind, const char *msg)
{
    if (!err)
        return kind;
    size_t n = strlen(msg);
    if (n >= sizeof err->msg) {
        n = sizeof err->msg - 1;
        while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(err->msg, msg, n);
    err->msg[n] = '\0';
    const char *tb = strstr(err->msg, "\nstack traceback:");
    err->head_len = tb ? (size_t)(tb - err->msg) : n;
    err->kind = kind;
    return kind;
}

static int sb_failf(sb_error *err, int kind, const char *fmt, ...)
{
    char buf[SB_ERRMSG_MAX + 8];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return sb_fail(err, kind, buf);
}

/* Pushes the message for the error object at idx, with a position. */
static const char *sb_push_message(lua_State *L, sb_state *s, int idx)
{
    char where[SB_WHERE_MAX];
    const char *msg;
    if (s->fatal)
        return lua_pushstring(L, s->fatal_msg);
    if (lua_type(L, idx) == LUA_TSTRING) {
        msg = lua_tostring(L, idx);
    } else if (luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
        lua_pop(L, 1);
        s->in_handler = 0; /* rule code: under the rule's caps */
        msg = luaL_tolstring(L, idx, NULL);
        s->in_handler = 1;
    } else {
        sb_where(L, 1, where, sizeof where);
        return lua_pushfstring(L, "%s%s(error object is a %s value)", where,
                               *where ? " " : "", luaL_typename(L, idx));
    }
    if (sb_has_position(msg))
        return lua_pushstring(L, msg);
    sb_where(L, 1, where, sizeof where);
    return lua_pushfstring(L, "%s%s%s", where, *where ? " " : "", msg);
}

/* The message handler of sb_call: "file:line: message" and a traceback. */
static int sb_msgh(lua_State *L)
{
    sb_state *s = sb_of(L);
    sb_note_memory_at(L, s, LUA_ERRRUN, 1, 1);
    s->in_handler = 1;
    const char *msg = sb_push_message(L, s, 1);
    if (!strstr(msg, "\nstack traceback:"))
        luaL_traceback(L, L, msg, 1);
    s->in_handler = 0;
    return 1;
}

/* ---- the instruction budget ------------------------------------------ */

static void sb_hook(lua_State *L, lua_Debug *ar);

/* Adds n instructions to the call's count; 0 once that reaches the
 * budget. */
static int sb_spend(sb_state *s, unsigned long n)
{
    if (n < s->lim.instr_per_call - s->instr) {
        s->instr += n;
        return 1;
    }
    s->instr = s->lim.instr_per_call;
    return 0;
}

/* The budget is spent: from now on the hook raises the error at every
 * instruction, so that a rule that catches it cannot run on.  Raises it
 * now, as "where instruction budget exceeded (N instructions)". */
static void sb_raise_budget(lua_State *L, sb_state *s)
{
    if (!s->over_budget) {
        s->over_budget = 1;
        lua_sethook(L, sb_hook, LUA_MASKCOUNT, 1);
    }
    if (!s->fatal) {
        snprintf(s->fatal_msg, sizeof s->fatal_msg,
                 "%s%sinstruction budget exceeded (%lu instructions)",
                 s->last_where, *s->last_where ? " " : "",
                 s->lim.instr_per_call);
        s->fatal = SB_ERR_BUDGET;
    }
    lua_pushstring(L, s->fatal_msg);
    lua_error(L);
}

static void sb_hook(lua_State *L, lua_Debug *ar)
{
    sb_state *s = sb_of(L);
    if (!s->over_budget) {
        s->last_where[0] = '\0';
        if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
            snprintf(s->last_where, sizeof s->last_where, "%s:%d:",
                     ar->short_src, ar->currentline);
        if (sb_spend(s, SB_HOOK_STEP))
            return;
    }
    sb_raise_budget(L, s);
}

void sb_charge(lua_State *L, unsigned long instructions)
{
    sb_state *s = sb_of(L);
    if (!s->counting)
        return;
    if (!s->over_budget) {
        if (sb_spend(s, instructions))
            return;
        sb_where(L, 1, s->last_where, sizeof s->last_where);
    }
    sb_raise_budget(L, s);
}

/* From now on, count the call's instructions.  Also runs in the SIGPROF
 * handler: lua_sethook is safe there (lua.c stops scripts on SIGINT the
 * same way). */
static void sb_start_counting(sb_state *s)
{
    if (s->counting)
        return;
    s->counting = 1;
    lua_sethook(s->L, sb_hook, LUA_MASKCOUNT,
                s->lim.instr_per_call < SB_HOOK_STEP
                    ? (int)s->lim.instr_per_call : SB_HOOK_STEP);
}

static void sb_on_tick(void *ud)
{
    sb_start_counting(ud);
}

/* ---- what a pack sees instead of the standard functions -------------- */

/* Upvalues shared by the functions of sb_env_funcs. */
enum { SB_UP_ENV = 1, SB_UP_PACK, SB_UP_DIR, SB_UP_CACHE, SB_NUP = 4 };

/* After a failed protected call inside a rule: budget and memory errors
 * are raised again, anything else is the rule's to handle.  The message
 * is raised rather than the error object: lua_error turns Lua's own
 * "not enough memory" object into a memory error, for which no message
 * handler runs, and the report would lose its traceback. */
static void sb_reraise_fatal(lua_State *L, int status)
{
    sb_state *s = sb_of(L);
    sb_note_memory_at(L, s, status, -1, 1);
    if (s->fatal) {
        lua_pushstring(L, s->fatal_msg);
        lua_error(L);
    }
}

static int sb_pcall(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
    if (status == LUA_OK)
        return lua_gettop(L);
    sb_reraise_fatal(L, status);
    lua_pushboolean(L, 0);
    lua_replace(L, 1);
    return 2;
}

/* Runs before a rule's xpcall handler: a budget or memory error passes
 * through untouched, so the rule's handler never sees (or spends budget
 * on) it. */
static int sb_xpcall_guard(lua_State *L)
{
    sb_state *s = sb_of(L);
    sb_note_memory_at(L, s, LUA_ERRRUN, 1, 1);
    if (s->fatal)
        return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int sb_xpcall(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, sb_xpcall_guard, 1);
    lua_replace(L, 2);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2); /* f, guard, true, f, args... */
    int status = lua_pcall(L, n - 2, LUA_MULTRET, 2);
    if (status == LUA_OK)
        return lua_gettop(L) - 2;
    sb_reraise_fatal(L, status);
    lua_pushboolean(L, 0);
    lua_replace(L, 3);
    return 2;
}

/* A __gc field would let rule code run whenever the collector runs: in
 * another pack's call, outside any budget, or while the state closes. */
static int sb_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not available in rules");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* The function on the top runs with the table at env as its _ENV (its
 * first upvalue; a chunk always has one). */
static void sb_set_env(lua_State *L, int env)
{
    lua_pushvalue(L, env);
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
}

/* Text only, since a crafted binary chunk can break the VM; and always in
 * the pack's environment, so that every chunk a pack makes plays by the
 * same allow-list. */
static int sb_load(lua_State *L)
{
    size_t len;
    if (lua_type(L, 1) != LUA_TSTRING)
        return luaL_error(L, "load: rules can load only a string of Lua text"
                             " (got a %s)", luaL_typename(L, 1));
    const char *chunk = lua_tolstring(L, 1, &len);
    const char *name = luaL_optstring(L, 2, chunk);
    const char *mode = luaL_optstring(L, 3, "t");
    luaL_argcheck(L, strchr(mode, 't') != NULL, 3,
                  "rules can load only text chunks (mode \"t\")");
    if (!lua_isnoneornil(L, 4))
        return luaL_error(L, "load: the env argument is not available in"
                             " rules (a chunk runs in its pack's environment)");
    int status = luaL_loadbufferx(L, chunk, len, name, "t");
    if (status == LUA_OK) {
        sb_set_env(L, lua_upvalueindex(SB_UP_ENV));
        return 1;
    }
    sb_reraise_fatal(L, status);
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

static int sb_print(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addchar(&b, '[');
    lua_pushvalue(L, lua_upvalueindex(SB_UP_PACK));
    luaL_addvalue(&b);
    luaL_addstring(&b, "] ");
    for (int i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_addchar(&b, '\n');
    luaL_pushresult(&b);
    size_t len;
    const char *out = lua_tolstring(L, -1, &len);
    fwrite(out, 1, len, stderr);
    fflush(stderr);
    return 0;
}

/* Reads a Lua file for lua_load, skipping a UTF-8 byte order mark (which
 * editors on some systems add and Lua would take for code). */
typedef struct sb_reader {
    FILE *f;
    int err;     /* errno of a failed read, or 0 */
    int started;
    char buf[4096];
} sb_reader;

static const char *sb_read(lua_State *L, void *ud, size_t *size)
{
    sb_reader *r = ud;
    (void)L;
    size_t n = fread(r->buf, 1, sizeof r->buf, r->f);
    const char *p = r->buf;
    if (n == 0 && ferror(r->f))
        r->err = errno ? errno : EIO;
    if (!r->started) {
        r->started = 1;
        if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
            p += 3;
            n -= 3;
        }
    }
    *size = n;
    return n ? p : NULL;
}

/* Compiles the text file at path as chunkname and pushes the function (or
 * lua_load's message); returns lua_load's status, or -1 with nothing
 * pushed and errno set when the file cannot be opened.  *read_err is the
 * errno of a failed read (0: none).  The file is closed on return. */
static int sb_load_path(lua_State *L, const char *path, const char *chunkname, int *read_err)
{
    sb_reader r;
    memset(&r, 0, sizeof r);
    r.f = fopen(path, "rb");
    if (!r.f)
        return -1;
    int status = lua_load(L, sb_read, &r, chunkname, "t");
    fclose(r.f);
    *read_err = r.err;
    return status;
}

/* "a.b_c" -> "a/b_c", or 0 if the name is not [A-Za-z0-9_] parts joined
 * by single dots.  No '/', so no absolute path and no ".." can appear. */
static int sb_module_path(const char *name, char *out, size_t n)
{
    size_t len = strlen(name);
    if (len == 0 || len > SB_MODNAME_MAX || len >= n)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c == '.') {
            if (i == 0 || i + 1 == len || name[i + 1] == '.')
                return 0;
            out[i] = '/';
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                   (c >= '0' && c <= '9') || c == '_') {
            out[i] = c;
        } else {
            return 0;
        }
    }
    out[len] = '\0';
    return 1;
}

/* Is the resolved path `real` inside the resolved folder `dir`? */
static int sb_is_under(const char *real, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return real[0] == '/';
    return strncmp(real, dir, n) == 0 && real[n] == '/';
}

/* Scratch space for sb_require_load, kept off the C stack: require
 * recurses through the C stack once per nested module. */
typedef struct sb_require_buf {
    char path[PATH_MAX];
    char real[PATH_MAX];
} sb_require_buf;

/* Finds and compiles module `name` of the pack (rel: its path in the
 * pack, without .lua); pushes its function.  Every file is closed before
 * an error is raised. */
static void sb_require_load(lua_State *L, const char *name, const char *rel)
{
    const char *pack = lua_tostring(L, lua_upvalueindex(SB_UP_PACK));
    const char *dir = lua_tostring(L, lua_upvalueindex(SB_UP_DIR));
    sb_require_buf *b = lua_newuserdatauv(L, sizeof *b, 0);
    struct stat st;
    if (!dir)
        luaL_error(L, "require: pack '%s' has no folder to load '%s' from",
                   pack, name);
    if (snprintf(b->path, sizeof b->path, "%s/%s.lua", dir, rel) >=
            (int)sizeof b->path ||
        !realpath(b->path, b->real))
        luaL_error(L, "require: module '%s' not found in pack '%s' (no file"
                      " %s.lua)", name, pack, rel);
    if (!sb_is_under(b->real, dir))
        luaL_error(L, "require: module '%s' resolves to a file outside pack"
                      " '%s'", name, pack);
    if (stat(b->real, &st) != 0 || !S_ISREG(st.st_mode))
        luaL_error(L, "require: %s/%s.lua is not a regular file", pack, rel);
    const char *chunkname = lua_pushfstring(L, "@%s/%s.lua", pack, rel);
    int read_err, status = sb_load_path(L, b->real, chunkname, &read_err);
    if (status < 0)
        luaL_error(L, "require: cannot open %s/%s.lua (%s)", pack, rel,
                   strerror(errno));
    if (read_err)
        luaL_error(L, "require: cannot read %s/%s.lua (%s)", pack, rel,
                   strerror(read_err));
    if (status != LUA_OK) {
        sb_reraise_fatal(L, status);
        lua_error(L);
    }
    sb_set_env(L, lua_upvalueindex(SB_UP_ENV));
}

/* A module runs once per pack environment; its value (true if it returns
 * nothing) is cached.  A require loop ends in "C stack overflow". */
static int sb_require(lua_State *L)
{
    char rel[SB_MODNAME_MAX + 1];
    const char *name = luaL_checkstring(L, 1);
    if (!sb_module_path(name, rel, sizeof rel))
        return luaL_error(L, "require: bad module name '%s' (letters, digits"
                             " and '_', with '.' between folder names)", name);
    lua_settop(L, 1);
    if (lua_getfield(L, lua_upvalueindex(SB_UP_CACHE), name) != LUA_TNIL)
        return 1;
    lua_pop(L, 1);
    sb_require_load(L, name, rel);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, lua_upvalueindex(SB_UP_CACHE), name);
    return 1;
}

/* The functions a pack sees in place of the standard ones. */
static const luaL_Reg sb_env_funcs[] = {
    {"load", sb_load},
    {"pcall", sb_pcall},
    {"print", sb_print},
    {"require", sb_require},
    {"setmetatable", sb_setmetatable},
    {"xpcall", sb_xpcall},
    {NULL, NULL}
};

/* Standard functions rules keep as they are. */
static const char *const sb_base_names[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "rawequal",
    "rawget", "rawlen", "rawset", "select", "tonumber", "tostring", "type",
    "_VERSION", NULL
};

static const luaL_Reg sb_libs[] = {
    {LUA_STRLIBNAME, luaopen_string},
    {LUA_TABLIBNAME, luaopen_table},
    {LUA_MATHLIBNAME, luaopen_math},
    {LUA_UTF8LIBNAME, luaopen_utf8},
    {WORDS_LIBNAME, luaopen_words},
    {NULL, NULL}
};

/* Names rule authors reach for that are not there, and a hint. */
typedef struct sb_removed_name {
    const char *name, *hint;
} sb_removed_name;

static const sb_removed_name sb_removed_globals[] = {
    {"os", ""}, {"io", ""}, {"debug", ""}, {"package", ""},
    {"dofile", ""}, {"loadfile", ""}, {"collectgarbage", ""},
    {"coroutine", ""}, {"loadstring", " (use load)"},
    {"setfenv", " (each pack has its own environment)"},
    {"getfenv", " (each pack has its own environment)"},
    {"module", " (a module returns its table)"}, {NULL, NULL}
};

static const sb_removed_name sb_removed_string[] = {
    {"dump", " (bytecode cannot be loaded)"}, {NULL, NULL}
};

/* __index of a pack environment and of its string table: reading a
 * removed name is an error that names it; anything else reads as nil.
 * Upvalues: the sb_removed_name list, the prefix ("" or "string."). */
static int sb_removed(lua_State *L)
{
    const sb_removed_name *r = lua_touserdata(L, lua_upvalueindex(1));
    if (lua_type(L, 2) != LUA_TSTRING)
        return 0;
    const char *key = lua_tostring(L, 2);
    for (; r->name; r++)
        if (strcmp(r->name, key) == 0)
            return luaL_error(L, "%s%s is not available in rules%s",
                              lua_tostring(L, lua_upvalueindex(2)), key,
                              r->hint);
    return 0;
}

/* Pushes a protected metatable whose __index reports removed names. */
static void sb_push_removed_mt(lua_State *L, const sb_removed_name *list,
                               const char *prefix)
{
    lua_createtable(L, 0, 2);
    lua_pushlightuserdata(L, (void *)list);
    lua_pushstring(L, prefix);
    lua_pushcclosure(L, sb_removed, 2);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
}

/* Opens the libraries and builds the registry entries every environment
 * is made from.  Runs protected: any allocation may fail. */
static int sb_open(lua_State *L)
{
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    int globals = lua_gettop(L);
    lua_createtable(L, 0, 24);
    int tmpl = lua_gettop(L);
    for (const char *const *n = sb_base_names; *n; n++) {
        lua_getfield(L, globals, *n);
        lua_setfield(L, tmpl, *n);
    }
    for (const luaL_Reg *lib = sb_libs; lib->name; lib++) {
        luaL_requiref(L, lib->name, lib->func, 0);
        lua_setfield(L, tmpl, lib->name);
    }
    lua_getfield(L, tmpl, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump"); /* also gone from ("").dump */
    pat_install(L, -1, sb_charge); /* and patterns count, in both */
    lua_pop(L, 1);
    lua_getfield(L, tmpl, LUA_TABLIBNAME);
    lua_getfield(L, -1, "unpack");
    lua_setfield(L, tmpl, "unpack");
    lua_pop(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &sb_key_template);

    /* getmetatable("") would hand out the string table every pack shares */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);

    sb_push_removed_mt(L, sb_removed_globals, "");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &sb_key_env_mt);
    sb_push_removed_mt(L, sb_removed_string, "string.");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &sb_key_string_mt);

    /* Lua interns this message after a failed message handler, unprotected;
     * kept alive, it never needs memory at that moment. */
    lua_pushliteral(L, "error in error handling");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &sb_key_errerr);
    return 0;
}

static int sb_panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "engine: unprotected Lua error: %s\n", msg ? msg : "?");
    return 0; /* Lua aborts */
}

/* ---- public: state ---------------------------------------------------- */

static sb_limits sb_limits_or_defaults(const sb_limits *lim)
{
    sb_limits l = lim ? *lim : (sb_limits){0, 0, 0};
    if (!l.mem_total)
        l.mem_total = SB_DEFAULT_MEM_TOTAL;
    if (!l.mem_per_call)
        l.mem_per_call = SB_DEFAULT_MEM_PER_CALL;
    if (!l.instr_per_call)
        l.instr_per_call = SB_DEFAULT_INSTR_PER_CALL;
    return l;
}

sb_state *sb_new(const sb_limits *lim)
{
    sb_state *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->lim = sb_limits_or_defaults(lim);
    s->tick = (cputick_aim){sb_on_tick, s};
    s->L = lua_newstate(sb_alloc, s);
    if (!s->L) {
        sb_free_small(s);
        free(s);
        return NULL;
    }
    lua_atpanic(s->L, sb_panic);
    lua_pushcfunction(s->L, sb_open);
    if (lua_pcall(s->L, 0, 0, 0) != LUA_OK) {
        sb_free(s);
        return NULL;
    }
    return s;
}

void sb_free(sb_state *s)
{
    if (!s)
        return;
    lua_close(s->L);
    sb_free_small(s);
    free(s);
}

lua_State *sb_lua(sb_state *s)
{
    return s->L;
}

size_t sb_mem_used(const sb_state *s)
{
    return s->used;
}

/* ---- public: environments and files ----------------------------------- */

typedef struct sb_env_args {
    const char *pack;
    const char *dir; /* resolved, or NULL */
} sb_env_args;

/* Copies table idx (one level: library tables hold no tables). */
static void sb_push_copy(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

/* Protected: builds and returns one pack's environment. */
static int sb_build_env(lua_State *L)
{
    const sb_env_args *a = lua_touserdata(L, 1);
    lua_newtable(L);
    int env = lua_gettop(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &sb_key_template);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_istable(L, -1)) {
            sb_push_copy(L, -1);
            lua_replace(L, -2);
        }
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, env);
    }
    lua_pop(L, 1);
    lua_pushvalue(L, env);
    lua_pushstring(L, a->pack);
    if (a->dir)
        lua_pushstring(L, a->dir);
    else
        lua_pushnil(L);
    lua_newtable(L);
    luaL_setfuncs(L, sb_env_funcs, SB_NUP);
    lua_pushvalue(L, env);
    lua_setfield(L, env, LUA_GNAME);
    lua_getfield(L, env, LUA_STRLIBNAME);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &sb_key_string_mt);
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &sb_key_env_mt);
    lua_setmetatable(L, env);
    return 1;
}

int sb_new_env(sb_state *s, const char *pack_name, const char *pack_dir)
{
    lua_State *L = s->L;
    char real[PATH_MAX];
    struct stat st;
    assert(pack_name != NULL);
    if (pack_dir && (!realpath(pack_dir, real) || stat(real, &st) != 0 ||
                     !S_ISDIR(st.st_mode)))
        return SB_ERR_FILE;
    sb_env_args a = {pack_name, pack_dir ? real : NULL};
    if (!lua_checkstack(L, 2))
        return SB_ERR_MEMORY;
    lua_pushcfunction(L, sb_build_env);
    lua_pushlightuserdata(L, &a);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        lua_pop(L, 1); /* only allocations can fail in sb_build_env */
        return SB_ERR_MEMORY;
    }
    return SB_OK;
}

int sb_load_file(sb_state *s, int env_index, const char *path,
                 const char *chunkname, sb_error *err)
{
    lua_State *L = s->L;
    char name[PATH_MAX + 2];
    const char *shown = chunkname ? chunkname : path;
    env_index = lua_absindex(L, env_index);
    assert(lua_istable(L, env_index));
    snprintf(name, sizeof name, "@%s", shown);
    if (!lua_checkstack(L, 2))
        return sb_failf(err, SB_ERR_MEMORY, "%s: out of memory", shown);
    if (s->depth == 0)
        s->refused = 0;
    int read_err, status = sb_load_path(L, path, name, &read_err);
    if (status < 0)
        return sb_failf(err, SB_ERR_FILE, "%s: cannot open (%s)", shown,
                        strerror(errno));
    if (read_err) {
        lua_pop(L, 1);
        return sb_failf(err, SB_ERR_FILE, "%s: cannot read (%s)", shown,
                        strerror(read_err));
    }
    if (status == LUA_ERRMEM) {
        char where[PATH_MAX + 2], msg[PATH_MAX + 96];
        snprintf(where, sizeof where, "%s:", shown);
        sb_memory_text(s, where, msg, sizeof msg);
        lua_pop(L, 1);
        return sb_fail(err, SB_ERR_MEMORY, msg);
    }
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (sb_has_position(msg))
            sb_fail(err, SB_ERR_SYNTAX, msg);
        else
            sb_failf(err, SB_ERR_SYNTAX, "%s: %s", shown, msg);
        lua_pop(L, 1);
        return SB_ERR_SYNTAX;
    }
    sb_set_env(L, env_index);
    return SB_OK;
}

/* ---- public: calls ---------------------------------------------------- */

static void sb_begin_call(sb_state *s)
{
    const sb_limits *l = &s->lim;
    s->instr = 0;
    s->over_budget = 0;
    s->refused = 0;
    s->refused_cap = SB_CAP_NONE;
    s->in_handler = 0;
    s->fatal = SB_OK;
    s->fatal_msg[0] = '\0';
    s->grace = 0;
    s->last_where[0] = '\0';
    s->call_cap = sb_add_sat(s->used, l->mem_per_call);
    s->counting = 0;
    if (l->instr_per_call == ULONG_MAX)
        return;
    if (cputick_hold() == 0) {
        s->ticking = 1;
        s->outer_aim = cputick_target(&s->tick);
    } else {
        sb_start_counting(s); /* no ticker: count from the first instruction */
    }
}

static void sb_end_call(sb_state *s, int kind)
{
    if (s->ticking) { /* first no more ticks, then no hook */
        cputick_target(s->outer_aim);
        cputick_release();
        s->ticking = 0;
    }
    lua_sethook(s->L, NULL, 0, 0);
    s->counting = 0;
    s->over_budget = 0;
    s->in_handler = 0;
    s->fatal = SB_OK;
    if (kind == SB_ERR_MEMORY)
        lua_gc(s->L, LUA_GCCOLLECT);
}

/* Turns a failed call's status and error object (on the top; fn_copy is
 * the called function) into err, and pops the error object. */
static int sb_report(sb_state *s, int status, int fn_copy, sb_error *err)
{
    lua_State *L = s->L;
    char where[SB_WHERE_MAX];
    /* no Lua frame is left: the best guess is where the hook last saw the
     * rule, else where the called function begins */
    if (s->last_where[0])
        snprintf(where, sizeof where, "%s", s->last_where);
    else
        sb_where_defined(L, fn_copy, where, sizeof where);
    if (status == LUA_ERRERR && s->refused && !s->fatal)
        sb_set_fatal_memory(s, where);
    sb_note_memory(L, s, status, -1, where);
    int kind = s->fatal ? (int)s->fatal : SB_ERR_RUNTIME;
    if (status == LUA_ERRRUN && lua_type(L, -1) == LUA_TSTRING)
        sb_fail(err, kind, lua_tostring(L, -1));
    else if (s->fatal)
        sb_fail(err, kind, s->fatal_msg);
    else
        sb_failf(err, kind, "%s%s%s", where, *where ? " " : "",
                 lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                : "error in error handling");
    lua_pop(L, 1);
    return kind;
}

void sb_batch_begin(sb_state *s)
{
    (void)s; /* the ticker is the process's; a failure shows in sb_call */
    cputick_hold();
}

void sb_batch_end(sb_state *s)
{
    (void)s;
    cputick_release();
}

int sb_call(sb_state *s, int nargs, int nresults, sb_error *err)
{
    lua_State *L = s->L;
    assert(nargs >= 0 && lua_gettop(L) > nargs);
    int fn = lua_gettop(L) - nargs;
    if (!lua_checkstack(L, 3)) {
        lua_pop(L, nargs + 1);
        return sb_fail(err, SB_ERR_MEMORY, "out of memory (Lua stack)");
    }
    /* below the function: the handler, and a copy of the function that
     * names it if the call fails without running the handler */
    lua_pushcfunction(L, sb_msgh);
    lua_pushvalue(L, fn);
    lua_rotate(L, fn, 2);
    int top_level = s->depth == 0;
    if (top_level)
        sb_begin_call(s);
    s->depth++;
    int status = lua_pcall(L, nargs, nresults, fn);
    s->depth--;
    int kind = status == LUA_OK ? SB_OK : sb_report(s, status, fn + 1, err);
    lua_rotate(L, fn, -2);
    lua_pop(L, 2);
    if (top_level)
        sb_end_call(s, kind);
    if (kind == SB_OK && err) {
        err->kind = SB_OK;
        err->head_len = 0;
        err->msg[0] = '\0';
    }
    return kind;
}
