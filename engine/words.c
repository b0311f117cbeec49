/*
 * words.c — the `words` library rules see: questions about a text and a
 * list of words ("does it contain any of these?", "what is left after the
 * last of them?").  Rules ask them thousands of times per megabyte, and in
 * Lua each is a loop over the list; here it is one pass over the text.
 *
 * A list is read once and kept, compiled, for as long as the list table
 * lives (a weak-keyed cache): words bucketed by their first and last byte,
 * in list order.  The compiled copy owns its bytes, so changing a list
 * afterwards cannot break anything; a list whose length changed is read
 * again, other changes may go unseen (rules' lists are constants).
 *
 * Matching is on bytes; a word that is valid UTF-8 can only match at the
 * start of a character of valid UTF-8 text.
 */
#include "words.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdint.h>
#include <string.h>

/* A compiled list: one userdata block holding the header, then
 * off[n + 1] (word i is bytes[off[i] .. off[i + 1])), first[n] and
 * last[n] (word indices sorted by first / last byte, then list order),
 * and the bytes. */
typedef struct wlist {
    lua_Unsigned rawlen;   /* the list's length when it was read */
    uint32_t n;            /* non-empty words */
    uint32_t empty;        /* list index of the first empty word, or UINT32_MAX */
    uint32_t first_at[257], last_at[257]; /* bucket b: [at[b], at[b + 1]) */
    uint32_t *off, *first, *last, *index; /* index: list position of word i */
    char *bytes;
} wlist;

static const char *word(const wlist *w, uint32_t i, size_t *len)
{
    *len = w->off[i + 1] - w->off[i];
    return w->bytes + w->off[i];
}

/* Counting sort of the words by one byte (the first, or the last). */
static void bucket(wlist *w, uint32_t *at, uint32_t *out, int last)
{
    memset(at, 0, 257 * sizeof *at);
    for (uint32_t i = 0; i < w->n; i++) {
        size_t len;
        const char *s = word(w, i, &len);
        at[(unsigned char)s[last ? len - 1 : 0] + 1]++;
    }
    for (int b = 0; b < 256; b++)
        at[b + 1] += at[b];
    uint32_t fill[256];
    memcpy(fill, at, sizeof fill);
    for (uint32_t i = 0; i < w->n; i++) {
        size_t len;
        const char *s = word(w, i, &len);
        out[fill[(unsigned char)s[last ? len - 1 : 0]]++] = i;
    }
}

/* Reads the list at index arg into a new userdata (pushed). */
static wlist *compile(lua_State *L, int arg)
{
    lua_Unsigned n = lua_rawlen(L, arg);
    size_t total = 0;
    for (lua_Unsigned i = 1; i <= n; i++) {
        if (lua_rawgeti(L, arg, (lua_Integer)i) != LUA_TSTRING)
            luaL_error(L, "word list item %d is not a string", (int)i);
        total += lua_rawlen(L, -1);
        lua_pop(L, 1);
    }
    if (n >= UINT32_MAX / 8 || total >= UINT32_MAX)
        luaL_error(L, "word list too long");
    size_t size = sizeof(wlist) + (n + 1 + 4 * n) * sizeof(uint32_t) + total;
    wlist *w = lua_newuserdatauv(L, size, 0);
    w->off = (uint32_t *)(w + 1);
    w->first = w->off + n + 1;
    w->last = w->first + n;
    w->index = w->last + n;
    w->bytes = (char *)(w->index + n);
    w->rawlen = n;
    w->n = 0;
    w->empty = UINT32_MAX;
    uint32_t at = 0;
    for (lua_Unsigned i = 1; i <= n; i++) {
        size_t len;
        lua_rawgeti(L, arg, (lua_Integer)i);
        const char *s = lua_tolstring(L, -1, &len);
        if (len == 0 && w->empty == UINT32_MAX)
            w->empty = (uint32_t)(i - 1);
        if (len > 0) {
            w->off[w->n] = at;
            w->index[w->n++] = (uint32_t)(i - 1);
            memcpy(w->bytes + at, s, len);
            at += (uint32_t)len;
        }
        lua_pop(L, 1);
    }
    w->off[w->n] = at;
    bucket(w, w->first_at, w->first, 0);
    bucket(w, w->last_at, w->last, 1);
    return w;
}

/* The compiled form of the list at index arg, from the cache (upvalue 1)
 * or read now. */
static const wlist *list_arg(lua_State *L, int arg)
{
    luaL_checktype(L, arg, LUA_TTABLE);
    lua_pushvalue(L, arg);
    if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TUSERDATA) {
        wlist *w = lua_touserdata(L, -1);
        lua_pop(L, 1);
        if (w->rawlen == lua_rawlen(L, arg))
            return w;
    } else {
        lua_pop(L, 1);
    }
    wlist *w = compile(L, arg);
    lua_pushvalue(L, arg);
    lua_pushvalue(L, -2);
    lua_rawset(L, lua_upvalueindex(1)); /* the userdata stays alive there */
    lua_pop(L, 1);
    return w;
}

/* Pushes word i of the list (its list position: the first empty word is
 * ""), or nil for UINT32_MAX. */
static int push_word(lua_State *L, const wlist *w, uint32_t pos)
{
    if (pos == UINT32_MAX) {
        lua_pushnil(L);
        return 1;
    }
    if (pos == w->empty) {
        lua_pushliteral(L, "");
        return 1;
    }
    for (uint32_t i = 0; i < w->n; i++) /* list positions are increasing */
        if (w->index[i] == pos) {
            size_t len;
            const char *s = word(w, i, &len);
            lua_pushlstring(L, s, len);
            return 1;
        }
    lua_pushnil(L);
    return 1;
}

/* The list position of the first word (in list order) among the bucket of
 * byte b whose bytes equal text at p (or end at p, with `last`). */
static uint32_t best_at(const wlist *w, const char *t, size_t tlen, size_t p, int last, uint32_t best)
{
    const uint32_t *at = last ? w->last_at : w->first_at;
    const uint32_t *order = last ? w->last : w->first;
    unsigned char b = (unsigned char)t[p];
    for (uint32_t k = at[b]; k < at[b + 1]; k++) {
        uint32_t i = order[k];
        if (w->index[i] >= best)
            break; /* the bucket is in list order */
        size_t len;
        const char *s = word(w, i, &len);
        if (last ? len <= p + 1 && memcmp(t + p + 1 - len, s, len) == 0
                 : len <= tlen - p && memcmp(t + p, s, len) == 0)
            return w->index[i];
    }
    return best;
}

/* words.has_any(text, list): the first word of list that text contains. */
static int w_has_any(lua_State *L)
{
    size_t len;
    const char *t = luaL_checklstring(L, 1, &len);
    const wlist *w = list_arg(L, 2);
    uint32_t best = w->empty;
    for (size_t p = 0; p < len && best > 0; p++)
        best = best_at(w, t, len, p, 0, best);
    return push_word(L, w, best);
}

/* words.starts_any(text, list), words.ends_any(text, list): the first
 * word of list that text starts / ends with. */
static int w_starts_any(lua_State *L)
{
    size_t len;
    const char *t = luaL_checklstring(L, 1, &len);
    const wlist *w = list_arg(L, 2);
    return push_word(L, w, len ? best_at(w, t, len, 0, 0, w->empty) : w->empty);
}

static int w_ends_any(lua_State *L)
{
    size_t len;
    const char *t = luaL_checklstring(L, 1, &len);
    const wlist *w = list_arg(L, 2);
    return push_word(L, w, len ? best_at(w, t, len, len - 1, 1, w->empty) : w->empty);
}

/* words.after_last(text, list): what follows the end of the last-ending
 * occurrence of any word of list; all of text when none occurs. */
static int w_after_last(lua_State *L)
{
    size_t len;
    const char *t = luaL_checklstring(L, 1, &len);
    const wlist *w = list_arg(L, 2);
    size_t cut = w->empty != UINT32_MAX ? len : 0;
    for (size_t p = len; p-- > cut;) { /* the first end found from the back */
        unsigned char b = (unsigned char)t[p];
        for (uint32_t k = w->last_at[b]; k < w->last_at[b + 1]; k++) {
            size_t wl;
            const char *s = word(w, w->last[k], &wl);
            if (wl <= p + 1 && memcmp(t + p + 1 - wl, s, wl) == 0) {
                cut = p + 1;
                break;
            }
        }
    }
    lua_pushlstring(L, t + cut, len - cut);
    return 1;
}

static int is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The bounds of text without leading and trailing spaces (%s). */
static void trim_bounds(const char *t, size_t *from, size_t *to)
{
    while (*from < *to && is_space((unsigned char)t[*from]))
        (*from)++;
    while (*to > *from && is_space((unsigned char)t[*to - 1]))
        (*to)--;
}

/* words.trim(text): text without leading and trailing white space. */
static int w_trim(lua_State *L)
{
    size_t len, from = 0;
    const char *t = luaL_checklstring(L, 1, &len);
    size_t to = len;
    trim_bounds(t, &from, &to);
    if (from == 0 && to == len)
        lua_settop(L, 1);
    else
        lua_pushlstring(L, t + from, to - from);
    return 1;
}

/* Does the rest of text, from p, start with word i, ignoring ASCII case? */
static int starts_nocase(const wlist *w, uint32_t i, const char *t, size_t p, size_t to)
{
    size_t len;
    const char *s = word(w, i, &len);
    if (len > to - p)
        return 0;
    for (size_t k = 0; k < len; k++)
        if (tolower((unsigned char)t[p + k]) != (unsigned char)s[k])
            return 0;
    return 1;
}

/* One pass of words.only: from the list position after `after` on, the
 * first word the rest starts with.  Words are lower case; the bucket of
 * the rest's first byte in lower case holds every candidate. */
static uint32_t next_word(const wlist *w, const char *t, size_t p, size_t to, uint32_t after)
{
    unsigned char b = (unsigned char)tolower((unsigned char)t[p]);
    for (uint32_t k = w->first_at[b]; k < w->first_at[b + 1]; k++) {
        uint32_t i = w->first[k];
        if ((after == UINT32_MAX || w->index[i] > after) && starts_nocase(w, i, t, p, to))
            return i;
    }
    return UINT32_MAX;
}

/* words.only(text, list): is text nothing but words of list (lower case;
 * text compared ignoring ASCII case) and white space?  Each pass takes
 * words off the front in list order (a word later in the list than the
 * one just taken), until a pass takes nothing: "同比增长至" is 同比 then
 * 增长至, but a list must put "为" after "分别为" to read 分别为. */
static int w_only(lua_State *L)
{
    size_t len, p = 0;
    const char *t = luaL_checklstring(L, 1, &len);
    const wlist *w = list_arg(L, 2);
    size_t to = len;
    trim_bounds(t, &p, &to);
    int changed = 1;
    while (changed && p < to) {
        changed = 0;
        uint32_t after = UINT32_MAX, i;
        while (p < to && (i = next_word(w, t, p, to, after)) != UINT32_MAX) {
            size_t wl;
            word(w, i, &wl);
            p += wl;
            trim_bounds(t, &p, &to);
            after = w->index[i];
            changed = 1;
        }
    }
    lua_pushboolean(L, p == to);
    return 1;
}

/* words.tail(text, set): what follows the last character of text that is
 * a key of set (a table of characters); all of text when none is. */
static int w_tail(lua_State *L)
{
    size_t len;
    const char *t = luaL_checklstring(L, 1, &len);
    luaL_checktype(L, 2, LUA_TTABLE);
    size_t i = len;
    while (i > 0) {
        size_t j = i - 1; /* back to the first byte of the character */
        while (j > 0 && ((unsigned char)t[j] & 0xC0) == 0x80 && i - j < 4)
            j--;
        lua_pushlstring(L, t + j, i - j);
        int stop = lua_rawget(L, 2) != LUA_TNIL && lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (stop)
            break;
        i = j;
    }
    lua_pushlstring(L, t + i, len - i);
    return 1;
}

static const luaL_Reg words_funcs[] = {
    {"has_any", w_has_any},
    {"starts_any", w_starts_any},
    {"ends_any", w_ends_any},
    {"after_last", w_after_last},
    {"only", w_only},
    {"trim", w_trim},
    {"tail", w_tail},
    {NULL, NULL}
};

int luaopen_words(lua_State *L)
{
    luaL_newlibtable(L, words_funcs);
    lua_createtable(L, 0, 0); /* the cache: list → compiled, weak keys */
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    luaL_setfuncs(L, words_funcs, 1);
    return 1;
}
