/*
 * words.c — the `words` library rules see: questions about a text and a
 * list of words ("does it contain any of these?", "what is left after the
 * last of them?").  Rules ask them thousands of times per megabyte, and in
 * Lua each is a loop over the list; here it is one pass over the text.
 *
 * A short list (SHORT words or fewer, often a table built on the spot) is
 * read from its table at each call.  A longer one is read once and kept,
 * compiled, for as long as the list table lives (a weak-keyed cache):
 * words bucketed by their first and last byte, in list order.  The
 * compiled copy owns its bytes, so changing a list afterwards cannot break
 * anything; a list whose length changed is read again, other changes may
 * go unseen (rules' lists are constants).
 *
 * Matching is on bytes; a word that is valid UTF-8 can only match at the
 * start of a character of valid UTF-8 text.
 */
#include "words.h"

#include <ctype.h>
#include <lauxlib.h>
#include <stdint.h>
#include <string.h>

#include "find.h"

#define NONE UINT32_MAX
#define SHORT 8 /* lists this long are read at each call, not compiled */

/* The words of a list as the matchers see them: word i is s[i] (len[i]
 * bytes) at list position pos[i], in list order.  The candidates for a
 * byte are a bucket of a compiled list, or every word of a short one. */
typedef struct wview {
    uint32_t n;     /* non-empty words */
    uint32_t empty; /* list position of the first empty word, or NONE */
    const char *const *s;
    const uint32_t *len, *pos;
    const uint32_t *first_at, *first; /* bucket b of first bytes: */
    const uint32_t *last_at, *last;   /* first[first_at[b] .. first_at[b + 1]) */
} wview;

/* A short list, read into the caller's frame. */
typedef struct wshort {
    wview v;
    const char *s[SHORT];
    uint32_t len[SHORT], pos[SHORT];
} wshort;

/* A compiled list: one userdata block holding this header, then s[n],
 * len[n], pos[n], first[n], last[n] and the words' bytes. */
typedef struct wlist {
    lua_Unsigned rawlen; /* the list's length when it was read */
    wview v;
    uint32_t first_at[257], last_at[257];
} wlist;

static const uint32_t every[SHORT] = {0, 1, 2, 3, 4, 5, 6, 7};

/* The candidates for byte b (a word's first byte, or last with `last`):
 * order[*from .. *to). */
static const uint32_t *candidates(const wview *v, unsigned char b, int last,
                                  uint32_t *from, uint32_t *to)
{
    if (!v->first_at) {
        *from = 0;
        *to = v->n;
        return every;
    }
    const uint32_t *at = last ? v->last_at : v->first_at;
    *from = at[b];
    *to = at[b + 1];
    return last ? v->last : v->first;
}

/* Counting sort of the words by one byte (the first, or the last). */
static void bucket(const wview *v, uint32_t *at, uint32_t *out, int last)
{
    memset(at, 0, 257 * sizeof *at);
    for (uint32_t i = 0; i < v->n; i++)
        at[(unsigned char)v->s[i][last ? v->len[i] - 1 : 0] + 1]++;
    for (int b = 0; b < 256; b++)
        at[b + 1] += at[b];
    uint32_t fill[256];
    memcpy(fill, at, sizeof fill);
    for (uint32_t i = 0; i < v->n; i++)
        out[fill[(unsigned char)v->s[i][last ? v->len[i] - 1 : 0]]++] = i;
}

/* Item i (1-based) of the list at arg, which must be a string. */
static const char *item(lua_State *L, int arg, lua_Unsigned i, size_t *len)
{
    if (lua_rawgeti(L, arg, (lua_Integer)i) != LUA_TSTRING)
        luaL_error(L, "word list item %d is not a string", (int)i);
    const char *s = lua_tolstring(L, -1, len);
    lua_pop(L, 1); /* the list still holds the string */
    return s;
}

/* Adds item i of the list to the view's arrays (ptr, len, pos). */
static void add_word(wview *v, const char **s, uint32_t *lens, uint32_t *pos,
                     const char *w, size_t len, lua_Unsigned i)
{
    if (len == 0) {
        if (v->empty == NONE)
            v->empty = (uint32_t)(i - 1);
        return;
    }
    s[v->n] = w;
    lens[v->n] = (uint32_t)len;
    pos[v->n++] = (uint32_t)(i - 1);
}

static const wview *read_short(lua_State *L, int arg, lua_Unsigned n, wshort *sh)
{
    wview *v = &sh->v;
    *v = (wview){0, NONE, sh->s, sh->len, sh->pos, NULL, NULL, NULL, NULL};
    for (lua_Unsigned i = 1; i <= n; i++) {
        size_t len;
        const char *w = item(L, arg, i, &len);
        add_word(v, sh->s, sh->len, sh->pos, w, len, i);
    }
    return v;
}

/* Reads the list at arg into a new userdata (pushed). */
static wlist *compile(lua_State *L, int arg, lua_Unsigned n)
{
    size_t total = 0, len;
    for (lua_Unsigned i = 1; i <= n; i++) {
        item(L, arg, i, &len);
        total += len;
    }
    if (n >= UINT32_MAX / 8 || total >= UINT32_MAX)
        luaL_error(L, "word list too long");
    wlist *w = lua_newuserdatauv(L, sizeof(wlist) + n * sizeof(char *) + 4 * n * sizeof(uint32_t) + total, 0);
    const char **s = (const char **)(w + 1);
    uint32_t *lens = (uint32_t *)(s + n), *pos = lens + n, *first = pos + n, *last = first + n;
    char *bytes = (char *)(last + n);
    w->rawlen = n;
    w->v = (wview){0, NONE, s, lens, pos, w->first_at, first, w->last_at, last};
    for (lua_Unsigned i = 1; i <= n; i++) {
        const char *from = item(L, arg, i, &len);
        memcpy(bytes, from, len);
        add_word(&w->v, s, lens, pos, bytes, len, i);
        bytes += len;
    }
    bucket(&w->v, w->first_at, first, 0);
    bucket(&w->v, w->last_at, last, 1);
    return w;
}

/* The words of the list at arg: a short list read into sh, or the
 * compiled form, from the cache (upvalue 1) or made now. */
static const wview *list_arg(lua_State *L, int arg, wshort *sh)
{
    luaL_checktype(L, arg, LUA_TTABLE);
    lua_Unsigned n = lua_rawlen(L, arg);
    if (n <= SHORT)
        return read_short(L, arg, n, sh);
    lua_pushvalue(L, arg);
    if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TUSERDATA) {
        wlist *w = lua_touserdata(L, -1);
        lua_pop(L, 1);
        if (w->rawlen == n)
            return &w->v;
    } else {
        lua_pop(L, 1);
    }
    wlist *w = compile(L, arg, n);
    lua_pushvalue(L, arg);
    lua_pushvalue(L, -2);
    lua_rawset(L, lua_upvalueindex(1)); /* the userdata stays alive there */
    lua_pop(L, 1);
    return &w->v;
}

/* The best word found so far: its list position (NONE: none) and its
 * index in the view (NONE for the empty word). */
typedef struct pick {
    uint32_t pos, i;
} pick;

/* What a list's search starts from: its first empty word, which every
 * text holds, starts and ends with, or nothing. */
static pick no_pick(const wview *v)
{
    return (pick){v->empty, NONE};
}

/* Pushes the word picked: "" for the empty word, nil for none. */
static int push_pick(lua_State *L, const wview *v, pick b)
{
    if (b.pos == NONE)
        lua_pushnil(L);
    else if (b.i == NONE)
        lua_pushliteral(L, "");
    else
        lua_pushlstring(L, v->s[b.i], v->len[b.i]);
    return 1;
}

/* Does word i stand in t (tlen bytes) starting at p, or ending at p with
 * `last`? */
static int word_at(const wview *v, uint32_t i, const char *t, size_t tlen, size_t p, int last)
{
    size_t len = v->len[i];
    if (last ? len > p + 1 : len > tlen - p)
        return 0;
    const char *at = last ? t + p + 1 - len : t + p, *w = v->s[i];
    /* The byte at p matched already (the candidates are bucketed by it).
     * A byte that tells most words apart without a call: CJK words share
     * their first bytes, so the last one, or with `last` the one before
     * it. */
    size_t far = !last ? len - 1 : len > 1 ? len - 2 : 0;
    return at[far] == w[far] && memcmp(at, w, len) == 0;
}

/* Picks the first word (in list order, and before the one picked) that
 * starts at p (or ends at p, with `last`), if any. */
static void best_at(const wview *v, const char *t, size_t tlen, size_t p, int last, pick *b)
{
    uint32_t k, to;
    const uint32_t *order = candidates(v, (unsigned char)t[p], last, &k, &to);
    for (; k < to; k++) {
        uint32_t i = order[k];
        if (v->pos[i] >= b->pos)
            return; /* candidates are in list order */
        if (word_at(v, i, t, tlen, p, last)) {
            *b = (pick){v->pos[i], i};
            return;
        }
    }
}

/* words.has_any(text, list): the first word of list that text contains. */
static int w_has_any(lua_State *L)
{
    size_t len;
    const char *t = luaL_checklstring(L, 1, &len);
    wshort sh;
    const wview *v = list_arg(L, 2, &sh);
    pick b = no_pick(v);
    for (size_t p = 0; p < len && b.pos > 0; p++)
        best_at(v, t, len, p, 0, &b);
    return push_pick(L, v, b);
}

/* The first word of the list (argument 2) that the text (argument 1)
 * starts with, or ends with when `last`. */
static int edge_any(lua_State *L, int last)
{
    size_t len;
    const char *t = luaL_checklstring(L, 1, &len);
    wshort sh;
    const wview *v = list_arg(L, 2, &sh);
    pick b = no_pick(v);
    if (len)
        best_at(v, t, len, last ? len - 1 : 0, last, &b);
    return push_pick(L, v, b);
}

/* words.starts_any(text, list), words.ends_any(text, list). */
static int w_starts_any(lua_State *L) { return edge_any(L, 0); }
static int w_ends_any(lua_State *L) { return edge_any(L, 1); }

/* words.after_last(text, list): what follows the end of the last-ending
 * occurrence of any word of list; all of text when none occurs. */
static int w_after_last(lua_State *L)
{
    size_t len;
    const char *t = luaL_checklstring(L, 1, &len);
    wshort sh;
    const wview *v = list_arg(L, 2, &sh);
    size_t cut = v->empty != NONE ? len : 0;
    for (size_t p = len; p-- > cut;) { /* the first end found from the back */
        pick b = {NONE, NONE};
        best_at(v, t, len, p, 1, &b);
        if (b.pos != NONE)
            cut = p + 1;
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

/* Pushes the line [start, stop) of t as words.lines gives it: start,
 * stop and the text trimmed. */
static int push_line(lua_State *L, const char *t, size_t start, size_t stop)
{
    size_t from = start, to = stop;
    trim_bounds(t, &from, &to);
    lua_pushinteger(L, (lua_Integer)start);
    lua_pushinteger(L, (lua_Integer)stop);
    lua_pushlstring(L, t + from, to - from);
    return 3;
}

/* The end of the line that holds byte at of t (len bytes). */
static size_t line_end(const char *t, size_t len, size_t at)
{
    const char *nl = memchr(t + at, '\n', len - at);
    return nl ? (size_t)(nl - t) : len;
}

/* The state of words.lines(text[, list]): where the next line starts, and
 * for each word where it next occurs, so that each occurrence is looked
 * for once however many lines lie between two of them.  Without a list,
 * the one word is the empty word, which every line holds. */
#define AT_UNKNOWN (SIZE_MAX - 1) /* not looked for since pos moved on */
#define AT_NONE SIZE_MAX          /* not in the rest of the text */
typedef struct line_word {
    const char *s;
    size_t len, at;
} line_word;
typedef struct line_filter {
    size_t pos, n;
    line_word w[]; /* then the words' bytes */
} line_filter;

/* Where the first word of f occurs in t at or after f->pos, or AT_NONE. */
static size_t next_word_at(line_filter *f, const char *t, size_t len)
{
    size_t first = AT_NONE;
    for (size_t i = 0; i < f->n; i++) {
        line_word *w = &f->w[i];
        if (w->at == AT_UNKNOWN || (w->at != AT_NONE && w->at < f->pos)) {
            const char *hit = find_bytes(t + f->pos, len - f->pos, w->s, w->len);
            w->at = hit ? (size_t)(hit - t) : AT_NONE;
        }
        if (w->at < first)
            first = w->at;
    }
    return first;
}

/* The iterator of words.lines; upvalues: the text, the line_filter. */
static int lines_next(lua_State *L)
{
    size_t len;
    const char *t = lua_tolstring(L, lua_upvalueindex(1), &len);
    line_filter *f = lua_touserdata(L, lua_upvalueindex(2));
    if (f->pos >= len)
        return 0;
    size_t at = next_word_at(f, t, len);
    if (at == AT_NONE) {
        f->pos = len;
        return 0;
    }
    const char *nl = memrchr(t + f->pos, '\n', at - f->pos);
    size_t start = nl ? (size_t)(nl - t) + 1 : f->pos, stop = line_end(t, len, at);
    f->pos = stop + 1;
    return push_line(L, t, start, stop);
}

/* The words of the list at arg (none: the empty word) copied into a new
 * line_filter (pushed). */
static line_filter *new_filter(lua_State *L, int arg)
{
    int all = lua_isnoneornil(L, arg);
    lua_Unsigned n = all ? 1 : lua_rawlen(L, arg);
    size_t bytes = 0, len = 0;
    for (lua_Unsigned i = 1; i <= n && !all; i++) {
        const char *w = item(L, arg, i, &len);
        if (memchr(w, '\n', len))
            luaL_error(L, "words.lines: word list item %d holds a line break", (int)i);
        bytes += len;
    }
    line_filter *f = lua_newuserdatauv(L, sizeof *f + n * sizeof *f->w + bytes, 0);
    char *at = (char *)&f->w[n];
    *f = (line_filter){0, n};
    for (lua_Unsigned i = 1; i <= n; i++) {
        const char *w = all ? "" : item(L, arg, i, &len);
        memcpy(at, w, len);
        f->w[i - 1] = (line_word){at, len, AT_UNKNOWN};
        at += len;
    }
    return f;
}

/* words.lines(text[, list]): for start, stop, line in words.lines(text)
 * — each line's bounds as 0-based byte offsets [start, stop), the "\n"
 * left out (the spans a pack's clean() returns), and its text trimmed.
 * With a list, only the lines that hold one of its words: C finds them,
 * so that a clean() looking for a trailer's few lines does not walk every
 * line of the article in Lua. */
static int w_lines(lua_State *L)
{
    luaL_checkstring(L, 1);
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    new_filter(L, 2);
    lua_remove(L, 2);
    lua_pushcclosure(L, lines_next, 2);
    return 1;
}

/* Does the rest of text, from p, start with word i, ignoring ASCII case? */
static int starts_nocase(const wview *v, uint32_t i, const char *t, size_t p, size_t to)
{
    size_t len = v->len[i];
    if (len > to - p)
        return 0;
    for (size_t k = 0; k < len; k++)
        if (tolower((unsigned char)t[p + k]) != (unsigned char)v->s[i][k])
            return 0;
    return 1;
}

/* One pass of words.only: from the list position after `after` on, the
 * first word the rest starts with.  Words are lower case; the bucket of
 * the rest's first byte in lower case holds every candidate. */
static uint32_t next_word(const wview *v, const char *t, size_t p, size_t to, uint32_t after)
{
    uint32_t k, end;
    const uint32_t *order = candidates(v, (unsigned char)tolower((unsigned char)t[p]), 0, &k, &end);
    for (; k < end; k++) {
        uint32_t i = order[k];
        if ((after == NONE || v->pos[i] > after) && starts_nocase(v, i, t, p, to))
            return i;
    }
    return NONE;
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
    wshort sh;
    const wview *v = list_arg(L, 2, &sh);
    size_t to = len;
    trim_bounds(t, &p, &to);
    int changed = 1;
    while (changed && p < to) {
        changed = 0;
        uint32_t after = NONE, i;
        while (p < to && (i = next_word(v, t, p, to, after)) != NONE) {
            p += v->len[i];
            trim_bounds(t, &p, &to);
            after = v->pos[i];
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
    {"lines", w_lines},
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
