/*
 * rt_clean.c — a publication pack's clean(): before the rules read a
 * document, a pack may name the parts that are not the article (an app's
 * header and trailer, the body printed a second time).  Those bytes are
 * blanked with spaces rather than cut out, so every offset the rules see
 * still maps to the original input unchanged.
 */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "utf8.h"

/* Blank [a, b) of text, widened to whole characters: a span cut inside a
 * character must not leave half of it behind as invalid UTF-8. */
static void blank(char *text, size_t len, size_t a, size_t b)
{
    if (b > len)
        b = len;
    if (a >= b)
        return;
    a = utf8_char_start(text, a);
    while (b < len && ((unsigned char)text[b] & 0xC0) == 0x80)
        b++;
    while (a < b) { /* keep line ends: paragraphs stay apart */
        const char *nl = memchr(text + a, '\n', b - a);
        size_t end = nl ? (size_t)(nl - text) : b;
        memset(text + a, ' ', end - a);
        a = end + 1;
    }
}

/* The spans returned by clean() (at the top of the stack), blanked into
 * copy.  Returns 0, or -1 when the value is not a list of spans
 * (reported). */
static int apply(rt_runtime *rt, rt_pack *p, char *copy)
{
    lua_State *L = rt->L;
    if (lua_isnil(L, -1))
        return 0;
    if (!lua_istable(L, -1)) {
        rt_report(rt, rt->doc->id, "clean() of pack '%s' must return a list of {start=, stop=}", p->name);
        return -1;
    }
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, -1, i);
        lua_getfield(L, -1, "start");
        lua_getfield(L, -2, "stop");
        int ok_a, ok_b;
        lua_Integer a = lua_tointegerx(L, -2, &ok_a), b = lua_tointegerx(L, -1, &ok_b);
        lua_pop(L, 3);
        if (!ok_a || !ok_b || a < 0 || b < a) {
            rt_report(rt, rt->doc->id, "clean() of pack '%s': item %d is not a span {start=, stop=}",
                      p->name, (int)i);
            return -1;
        }
        blank(copy, rt->an.len, (size_t)a, (size_t)b);
    }
    return 0;
}

char *rt_clean_text(rt_runtime *rt)
{
    char *copy = NULL;
    for (size_t k = 0; k < rt->npacks; k++) {
        rt_pack *p = &rt->packs[k];
        if (!p->active || p->clean_ref == LUA_NOREF)
            continue;
        if (!copy) {
            if (!(copy = malloc(rt->an.len + 1)))
                return NULL;
            memcpy(copy, rt->an.text, rt->an.len);
            copy[rt->an.len] = '\0';
        }
        sb_error e;
        lua_rawgeti(rt->L, LUA_REGISTRYINDEX, p->clean_ref);
        rt_api_push_doc(rt);
        if (sb_call(rt->sb, 1, 1, &e)) {
            rt_report(rt, rt->doc->id, "clean() of pack '%s': %s", p->name, e.msg);
            rt->errors++;
            continue;
        }
        if (apply(rt, p, copy))
            rt->errors++;
        lua_pop(rt->L, 1);
    }
    return copy;
}
