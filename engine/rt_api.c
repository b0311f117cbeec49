/*
 * rt_api.c — the Lua API rule authors call (documented in rules/README.md,
 * annotated for editors in rules/api.lua).
 *
 * Sentences and the document are Lua tables with a shared metatable whose
 * methods are C functions reading the annotated document (annot.h); every
 * method table is one luaL_Reg list, so the API surface reads in one place.
 * Facts are Lua tables kept in a per-document list, so document rules can
 * read them back; they are turned into C structs only for output.
 */
#include <lauxlib.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "find.h"
#include "rt_internal.h"
#include "utf8.h"

static rt_runtime *rt_of(lua_State *L)
{
    return lua_touserdata(L, lua_upvalueindex(1));
}

/* ---- fields --------------------------------------------------------------
 *
 * Field names (and the values used most) are pushed as strings made once:
 * lua_setfield and lua_pushstring look a C string up in Lua's string
 * cache at every call.  The tables the API fills are its own, new and
 * without metatables, so raw sets are what lua_setfield would do. */

static void push_s(lua_State *L, const rt_runtime *rt, int s)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->strings[s]);
}

/* The value on top of the stack becomes field k of the table below it. */
static void set_top(lua_State *L, const rt_runtime *rt, int k)
{
    push_s(L, rt, k);
    lua_insert(L, -2);
    lua_rawset(L, -3);
}

static void set_lstr(lua_State *L, const rt_runtime *rt, int k, const char *v, size_t n)
{
    push_s(L, rt, k);
    lua_pushlstring(L, v, n);
    lua_rawset(L, -3);
}

static void set_str(lua_State *L, const rt_runtime *rt, int k, const char *v)
{
    if (v) {
        push_s(L, rt, k);
        lua_pushstring(L, v);
        lua_rawset(L, -3);
    }
}

/* Field k is string s (RT_S_*). */
static void set_s(lua_State *L, const rt_runtime *rt, int k, int s)
{
    push_s(L, rt, k);
    push_s(L, rt, s);
    lua_rawset(L, -3);
}

static void set_int(lua_State *L, const rt_runtime *rt, int k, lua_Integer v)
{
    push_s(L, rt, k);
    lua_pushinteger(L, v);
    lua_rawset(L, -3);
}

static void set_bool(lua_State *L, const rt_runtime *rt, int k, bool v)
{
    push_s(L, rt, k);
    lua_pushboolean(L, v);
    lua_rawset(L, -3);
}

/* Field k of the table at idx, as lua_getfield reads it (metamethods
 * too: a rule may hand in any table). */
static int get_field(lua_State *L, const rt_runtime *rt, int idx, int k)
{
    idx = lua_absindex(L, idx);
    push_s(L, rt, k);
    return lua_gettable(L, idx);
}

/* Drop the value just below the top (a cache table the top was read
 * from): lua_replace moves the top down, where lua_remove rotates. */
static void drop_below(lua_State *L)
{
    lua_replace(L, -2);
}

/* ---- spans and positions ---------------------------------------------- */

static void set_span(lua_State *L, const rt_runtime *rt, size_t a, size_t b)
{
    set_lstr(L, rt, RT_S_TEXT, rt->an.text + a, b - a);
    set_int(L, rt, RT_S_START, (lua_Integer)a);
    set_int(L, rt, RT_S_STOP, (lua_Integer)b);
}

/* The integer at idx, as luaL_checkinteger reads it (and fails), without
 * its call where it is one. */
static lua_Integer check_int(lua_State *L, int idx)
{
    int isnum;
    lua_Integer v = lua_tointegerx(L, idx, &isnum);
    return isnum ? v : luaL_checkinteger(L, idx);
}

/* The integer at idx, or dflt when there is none, as luaL_optinteger
 * reads it: the count of characters most span methods take. */
static lua_Integer opt_int(lua_State *L, int idx, lua_Integer dflt)
{
    int type = lua_type(L, idx);
    return type == LUA_TNONE || type == LUA_TNIL ? dflt : check_int(L, idx);
}

/* Field k of the table at idx, as lua_gettable reads it, raw first: the
 * API's spans (hits, quantities, mentions, sentences) hold their start
 * and stop, and only a table without the field has an __index to ask. */
static int span_field(lua_State *L, const rt_runtime *rt, int idx, int k)
{
    push_s(L, rt, k);
    int type = lua_rawget(L, idx);
    if (type != LUA_TNIL)
        return type;
    lua_pop(L, 1);
    return get_field(L, rt, idx, k);
}

/* A position argument: a span (its start, or its stop when end is set) or
 * a byte offset. */
static size_t pos_arg(lua_State *L, const rt_runtime *rt, int idx, bool end, size_t dflt)
{
    int type = lua_type(L, idx);
    if (type == LUA_TNONE || type == LUA_TNIL)
        return dflt;
    lua_Integer v;
    if (type == LUA_TTABLE) {
        span_field(L, rt, lua_absindex(L, idx), end ? RT_S_STOP : RT_S_START);
        v = check_int(L, -1);
        lua_pop(L, 1);
    } else {
        v = check_int(L, idx);
    }
    return (size_t)(v < 0 ? 0 : v);
}

static size_t chars(const char *s, size_t a, size_t b)
{
    return a < b ? utf8_count(s + a, b - a) : 0;
}

/* The lowest x >= floor with chars(s, x, pos) <= n: just after the
 * (n+1)th character start before pos, counting back to floor.  (A
 * negative n, read as unsigned, limits nothing.) */
static size_t chars_back_limit(const char *s, size_t pos, size_t floor, lua_Integer n)
{
    if (n < 0)
        return floor;
    lua_Integer seen = 0;
    for (size_t i = pos; i > floor; i--)
        if (((unsigned char)s[i - 1] & 0xC0) != 0x80 && ++seen > n)
            return i;
    return floor;
}

/* Byte offset n characters from pos, forwards or backwards, within [lo, hi]. */
static size_t step_chars(const char *s, size_t pos, long n, size_t lo, size_t hi)
{
    while (n > 0 && pos < hi) {
        pos++;
        while (pos < hi && ((unsigned char)s[pos] & 0xC0) == 0x80) pos++;
        n--;
    }
    while (n < 0 && pos > lo) {
        pos = utf8_char_start(s, pos - 1);
        n++;
    }
    return pos;
}

/* Is p the object of sentence i (one made for the sentences cache)? */
static bool is_sentence_obj(const rt_runtime *rt, size_t i, const void *p)
{
    return i < rt->nsentence_obj && rt->sentence_obj[i] == p;
}

/* The sentence index of self (argument 1).  Rules call the methods of a
 * few sentences many times over: the last one's object is known. */
static size_t self_sentence(lua_State *L, rt_runtime *rt)
{
    const void *p = lua_topointer(L, 1);
    if (p && is_sentence_obj(rt, rt->self_hint, p))
        return rt->self_hint;
    luaL_checktype(L, 1, LUA_TTABLE);
    get_field(L, rt, 1, RT_S_INDEX);
    lua_Integer i = luaL_checkinteger(L, -1);
    lua_pop(L, 1);
    if (i < 1 || (size_t)i > rt->an.nsent)
        luaL_error(L, "not a sentence of this document");
    if (is_sentence_obj(rt, (size_t)i - 1, p))
        rt->self_hint = (size_t)i - 1;
    return (size_t)i - 1;
}

/* ---- quantities -------------------------------------------------------- */

/* The sentence of self, its quantities read (an_quantities). */
static const an_sentence *self_with_quantities(lua_State *L, rt_runtime *rt)
{
    size_t i = self_sentence(L, rt);
    if (an_quantities(&rt->an, i))
        luaL_error(L, "out of memory");
    return &rt->an.sent[i];
}

/* The double nearest to d, as strtod of its decimal text gives it.  When
 * the mantissa and the power of ten are both exact doubles, one multiply
 * or divide is correctly rounded too (Clinger's fast path); else the text
 * is made and read back. */
static double dec_value(num_dec d)
{
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const int64_t exact = (int64_t)1 << 53;
    if (d.m > -exact && d.m < exact && d.e >= -22 && d.e <= 22)
        return d.e >= 0 ? (double)d.m * pow10[d.e] : (double)d.m / pow10[-d.e];
    char buf[48];
    num_dec_format(d, buf, sizeof buf);
    return strtod(buf, NULL);
}

static void set_dec(lua_State *L, const rt_runtime *rt, int k, num_dec d)
{
    push_s(L, rt, k);
    lua_pushnumber(L, dec_value(d));
    lua_rawset(L, -3);
}

static void push_quantity(lua_State *L, const rt_runtime *rt, const num_quantity *q)
{
    lua_createtable(L, 0, 12);
    set_span(L, rt, q->start, q->end);
    if ((unsigned)q->kind <= NUM_IDENT)
        set_s(L, rt, RT_S_KIND, RT_S_KIND0 + (int)q->kind);
    else
        set_str(L, rt, RT_S_KIND, num_kind_name(q->kind));
    bool valued = q->kind != NUM_PERIOD && q->kind != NUM_DATE && q->kind != NUM_IDENT;
    if (valued && !(q->flags & NUM_F_RANGE))
        set_dec(L, rt, RT_S_VALUE, q->value);
    if (q->flags & NUM_F_RANGE) {
        set_dec(L, rt, RT_S_LOW, q->low);
        set_dec(L, rt, RT_S_HIGH, q->high);
    }
    if (q->unit[0]) set_str(L, rt, RT_S_UNIT, q->unit);
    if (q->qual > NUM_Q_NONE && q->qual <= NUM_Q_LE)
        set_s(L, rt, RT_S_QUALIFIER, RT_S_QUAL1 + (int)q->qual - 1);
    if (q->change) set_s(L, rt, RT_S_CHANGE, q->change == NUM_CHANGE_UP ? RT_S_UP : RT_S_DOWN);
    if (q->basis) set_s(L, rt, RT_S_BASIS, q->basis == NUM_BASIS_YOY ? RT_S_YOY : RT_S_QOQ);
    if (q->period[0]) set_str(L, rt, RT_S_PERIOD, q->period);
    if (q->flags & NUM_F_ASOF) set_bool(L, rt, RT_S_ASOF, true);
    if (q->flags & NUM_F_RELATIVE) set_bool(L, rt, RT_S_RELATIVE, true);
    if (q->flags & NUM_F_UNRESOLVED) set_bool(L, rt, RT_S_RESOLVED, false);
    if (q->kind == NUM_IDENT) set_str(L, rt, RT_S_IDENT, q->ident);
}

/* Quantity i of the document, as a table made once per document: rules ask
 * for the same quantities again and again (quantities(), money_after()).
 * cache is the stack index of the document's quantity cache. */
static void push_qty_in(lua_State *L, const rt_runtime *rt, int cache, size_t i)
{
    if (lua_rawgeti(L, cache, (lua_Integer)i + 1) != LUA_TTABLE) {
        lua_pop(L, 1);
        push_quantity(L, rt, &rt->an.qty[i]);
        lua_pushvalue(L, -1);
        lua_rawseti(L, cache, (lua_Integer)i + 1);
    }
}

static void push_qty(lua_State *L, const rt_runtime *rt, size_t i)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->qcache_ref);
    push_qty_in(L, rt, lua_gettop(L), i);
    drop_below(L);
}

/* Kinds as one bit per num_kind: a rule's kind names are read once per
 * call, not compared with each quantity's.  A name of no kind has no bit
 * (it matches nothing); NULL, any kind, has them all. */
static unsigned kind_bits(const char *kind)
{
    int k = kind ? num_kind_of_name(kind) : -2;
    return k == -2 ? ~0u : k < 0 ? 0 : 1u << k;
}

/* Is q of one of the kinds? */
static bool kind_in(const num_quantity *q, unsigned kinds)
{
    return (unsigned)q->kind < 32 && (kinds >> q->kind & 1);
}

/* s:quantities([kind, ...]): those of the kinds given, or all; only the
 * ones listed are made into tables. */
static int s_quantities(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    const an_sentence *s = self_with_quantities(L, rt);
    unsigned kinds = 0;
    int nkinds = 0; /* the first 8 count, as they always have */
    for (int a = 2; a <= lua_gettop(L) && !lua_isnil(L, a); a++) {
        const char *k = luaL_checkstring(L, a);
        if (nkinds < 8) {
            kinds |= kind_bits(k);
            nkinds++;
        }
    }
    if (nkinds == 0)
        kinds = kind_bits(NULL);
    size_t q;
    int n = 0;
    for (q = s->q0; q < s->q1; q++)
        n += kind_in(&rt->an.qty[q], kinds);
    lua_createtable(L, n, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->qcache_ref);
    int list = lua_gettop(L) - 1, cache = lua_gettop(L);
    lua_Integer k = 0;
    for (q = s->q0; q < s->q1; q++)
        if (kind_in(&rt->an.qty[q], kinds)) {
            push_qty_in(L, rt, cache, q);
            lua_rawseti(L, list, ++k);
        }
    lua_pop(L, 1);
    return 1;
}

/* The first quantity of kind starting within n characters after pos. */
static int after(lua_State *L, const char *kind)
{
    rt_runtime *rt = rt_of(L);
    const an_sentence *s = self_with_quantities(L, rt);
    size_t pos = pos_arg(L, rt, 2, true, s->start);
    lua_Integer n = opt_int(L, 3, 20);
    unsigned kinds = kind_bits(kind);
    size_t counted = 0, at = pos; /* counted: characters in [pos, at) */
    size_t q = s->q0;
    while (q < s->q1 && rt->an.qty[q].start < pos)
        q++;
    for (; q < s->q1; q++) {
        counted += chars(rt->an.text, at, rt->an.qty[q].start);
        at = rt->an.qty[q].start;
        if (counted > (size_t)n)
            break;
        if (kind_in(&rt->an.qty[q], kinds)) {
            push_qty(L, rt, q);
            return 1;
        }
    }
    lua_pushnil(L);
    return 1;
}

static int s_money_after(lua_State *L) { return after(L, "money"); }
static int s_quantity_after(lua_State *L) { return after(L, luaL_optstring(L, 4, NULL)); }

/* s:quantity_before(pos, n, kind): the last one ending within n chars. */
static int s_quantity_before(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    const an_sentence *s = self_with_quantities(L, rt);
    size_t pos = pos_arg(L, rt, 2, false, s->end);
    lua_Integer n = opt_int(L, 3, 20);
    unsigned kinds = kind_bits(luaL_optstring(L, 4, NULL));
    size_t best = SIZE_MAX, lo = chars_back_limit(rt->an.text, pos, s->start, n);
    for (size_t q = s->q0; q < s->q1 && rt->an.qty[q].end <= pos; q++)
        if (kind_in(&rt->an.qty[q], kinds) && rt->an.qty[q].end >= lo)
            best = q;
    if (best != SIZE_MAX)
        push_qty(L, rt, best);
    else
        lua_pushnil(L);
    return 1;
}

/* ---- hits, mentions, subject, period ------------------------------------ */

/* Iterator state: a Lua array and a cursor, as upvalues. */
static int iter_next(lua_State *L)
{
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
    lua_pushinteger(L, i);
    lua_replace(L, lua_upvalueindex(2));
    lua_rawgeti(L, lua_upvalueindex(1), i);
    return 1;
}

static int iterate_array(lua_State *L)
{
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, iter_next, 2);
    return 1;
}

/* The keyword of pattern id as a Lua string, made at its first hit and
 * kept for the run. */
static void push_keyword(lua_State *L, const rt_runtime *rt, uint32_t id)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->keywords_ref);
    if (lua_rawgeti(L, -1, (lua_Integer)id + 1) != LUA_TSTRING) {
        lua_pop(L, 1);
        lua_pushstring(L, rt->patterns[id].keyword);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, (lua_Integer)id + 1);
    }
    drop_below(L);
}

/* Hit h of the document as a table {text, start, stop, keyword}, made
 * once per document (a pattern belongs to one rule, so the table is that
 * rule's alone).  Its text is nearly always the keyword itself (not when case was folded to match it): then
 * it is the keyword's string, not a new one to hash and look up. */
static void push_hit(lua_State *L, const rt_runtime *rt, size_t h)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->hcache_ref);
    if (lua_rawgeti(L, -1, (lua_Integer)h + 1) != LUA_TTABLE) {
        lua_pop(L, 1);
        const an_hit *hit = &rt->an.hits[h];
        size_t n = hit->end - hit->start;
        const char *kw = rt->patterns[hit->id].keyword;
        lua_createtable(L, 0, 4);
        push_keyword(L, rt, hit->id);
        push_s(L, rt, RT_S_TEXT);
        if (!strncmp(kw, rt->an.text + hit->start, n) && kw[n] == '\0')
            lua_pushvalue(L, -2);
        else
            lua_pushlstring(L, rt->an.text + hit->start, n);
        lua_rawset(L, -4);
        set_top(L, rt, RT_S_KEYWORD);
        set_int(L, rt, RT_S_START, (lua_Integer)hit->start);
        set_int(L, rt, RT_S_STOP, (lua_Integer)hit->end);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, (lua_Integer)h + 1);
    }
    drop_below(L);
}

/* The state of an s:hits() iterator, a userdata upvalue of its closure:
 * one lua_touserdata a call rather than an upvalue read and write per
 * field.  The keyword asked for (or nil) is the second upvalue, which
 * keeps only alive. */
typedef struct {
    const rt_runtime *rt;
    size_t next;      /* the next hit index to look at */
    size_t end;       /* the sentence's end */
    size_t reach;     /* the end of the last hit returned */
    int32_t rule;
    const char *only; /* the keyword, or NULL for any */
} hits_iter;

/* It walks the document's hit array as it goes: no list is built. */
static int hits_next(lua_State *L)
{
    hits_iter *it = lua_touserdata(L, lua_upvalueindex(1));
    const rt_runtime *rt = it->rt;
    const an_doc *d = &rt->an;
    size_t h = it->next;
    while (h < d->nhits && d->hits[h].start < it->end) {
        const an_hit *hit = &d->hits[h];
        const rt_pattern *p = &rt->patterns[hit->id];
        if (p->rule != it->rule) { /* before the rule's first hit */
            h++;
            continue;
        }
        size_t next = rt->hits_linked ? d->next_hit[h] : h + 1;
        /* reach: a hit inside the last one returned is part of it */
        if (hit->end <= it->reach || (it->only && strcmp(it->only, p->keyword))) {
            h = next;
            continue;
        }
        it->next = next;
        it->reach = hit->end;
        push_hit(L, rt, h);
        return 1;
    }
    it->next = h;
    lua_pushnil(L);
    return 1;
}

/* s:hits([keyword]): this rule's hits; a hit inside a longer hit of the
 * same rule (营收 inside 营收入?) is left out so each is handled once. */
static int s_hits(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    lua_settop(L, 2);
    size_t i = self_sentence(L, rt);
    const an_sentence *s = &rt->an.sent[i];
    const char *only = lua_isnil(L, 2) ? NULL : luaL_checkstring(L, 2);
    /* the rule being run in its own sentence: its first hit is known */
    size_t first = i == rt->hit_sentence ? rt->an.group_first[rt->current_rule]
                                         : an_first_hit(&rt->an, s->start);
    hits_iter *it = lua_newuserdatauv(L, sizeof *it, 0);
    *it = (hits_iter){rt, first, s->end, 0, (int32_t)rt->current_rule, only};
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, hits_next, 2);
    return 1;
}

/* A lexicon entry's strings, as Lua strings made once per run: every
 * document naming the entry shares them, rather than hashing the same
 * bytes into the string table again for each mention's table. */
enum { ES_SURFACE, ES_CANONICAL, ES_TYPE, ES_EXTRA, ES_N };

static const char *entry_str(const lexicon_entry *e, int k)
{
    return k == ES_SURFACE ? e->surface : k == ES_CANONICAL ? e->canonical
         : k == ES_TYPE ? e->type : e->extra;
}

/* String k of the entry of pattern id, pushed; strs is the stack index
 * of the run's table of them (entries_ref), by id * ES_N + k + 1. */
static void push_entry_str(lua_State *L, const rt_runtime *rt, int strs, uint32_t id, int k)
{
    lua_Integer at = (lua_Integer)id * ES_N + k + 1;
    if (lua_rawgeti(L, strs, at) == LUA_TSTRING)
        return;
    lua_pop(L, 1);
    lua_pushstring(L, entry_str(rt->patterns[id].entry, k));
    lua_pushvalue(L, -1);
    lua_rawseti(L, strs, at);
}

/* A mention's fields, in the order its table gets them (the order
 * pairs() sees them in stays what it was), and their names. */
enum { MK_TEXT, MK_START, MK_STOP, MK_CANONICAL, MK_TYPE, MK_EXTRA, MK_N };
static const int mention_keys[MK_N] = {RT_S_TEXT, RT_S_START, RT_S_STOP,
                                       RT_S_CANONICAL, RT_S_TYPE, RT_S_EXTRA};

/* Mention x's canonical, type or extra (f: MK_CANONICAL...). */
static const char *mention_str(const an_mention *x, int f)
{
    return f == MK_CANONICAL ? x->canonical : f == MK_TYPE ? x->type : x->extra;
}

/* What making mention tables reads, pushed on the stack at the first one
 * a call makes (most calls make none: the tables are cached): the field
 * names from keys on, then the entries' strings at keys + MK_N. */
typedef struct {
    int cache; /* the mention tables of this text */
    int keys;  /* 0 until pushed */
} mention_kit;

static void push_kit(lua_State *L, const rt_runtime *rt, mention_kit *kit)
{
    kit->keys = lua_gettop(L) + 1;
    for (int k = 0; k < MK_N; k++)
        push_s(L, rt, mention_keys[k]);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->entries_ref);
}

/* String field f (MK_TEXT, MK_CANONICAL...) of mention x: a lexicon
 * entry's strings are the run's; its text is the entry's surface string
 * when it reads the same (it nearly always does: the automaton matched
 * the surface). */
static void push_mention_str(lua_State *L, const rt_runtime *rt, const mention_kit *kit,
                             const an_mention *x, int f)
{
    const char *text = rt->an.text + x->start;
    size_t n = x->end - x->start, len;
    if (x->entry) {
        int k = f == MK_TEXT ? ES_SURFACE : ES_CANONICAL + f - MK_CANONICAL;
        push_entry_str(L, rt, kit->keys + MK_N, x->entry - 1, k);
        const char *v = lua_tolstring(L, -1, &len);
        if (f != MK_TEXT || (len == n && !memcmp(v, text, n)))
            return;
        lua_pop(L, 1);
    }
    if (f == MK_TEXT)
        lua_pushlstring(L, text, n);
    else
        lua_pushstring(L, mention_str(x, f));
}

/* Mention x's table {text, start, stop, canonical, type, extra}, pushed. */
static void make_mention(lua_State *L, const rt_runtime *rt, const mention_kit *kit,
                         const an_mention *x)
{
    lua_createtable(L, 0, MK_N);
    for (int f = 0; f < MK_N; f++) {
        if (f >= MK_CANONICAL && !mention_str(x, f))
            continue; /* no string: no field */
        lua_pushvalue(L, kit->keys + f);
        if (f == MK_START || f == MK_STOP)
            lua_pushinteger(L, (lua_Integer)(f == MK_START ? x->start : x->end));
        else
            push_mention_str(L, rt, kit, x, f);
        lua_rawset(L, -3);
    }
}

/* Mention m as a table, made once per document: the cache is keyed by the
 * mention's id, which sorting does not change and mention rules adding
 * more do not reuse, so a table made while mention rules still run stays
 * right after (and is not made a second time for doc:mentions()). */
static void push_mention(lua_State *L, const rt_runtime *rt, mention_kit *kit, size_t m)
{
    const an_mention *x = &rt->an.ment[m];
    lua_Integer key = (lua_Integer)x->id + 1;
    if (lua_rawgeti(L, kit->cache, key) == LUA_TTABLE)
        return;
    lua_pop(L, 1);
    if (!kit->keys)
        push_kit(L, rt, kit);
    make_mention(L, rt, kit, x);
    lua_pushvalue(L, -1);
    lua_rawseti(L, kit->cache, key);
}

/* Is mention m one to list: of the type (NULL: any), and, for the whole
 * document (all set), in a sentence?  Mentions are asked for in order:
 * *sent is the last sentence starting at or before the one asked before
 * (a walk through the sentences, not a search for each mention). */
static bool wanted(const an_doc *d, size_t m, const char *type, bool all, size_t *sent)
{
    const an_mention *x = &d->ment[m];
    if (type && type != x->type && (type[0] != x->type[0] || strcmp(type, x->type)))
        return false;
    if (!all)
        return true;
    while (*sent + 1 < d->nsent && d->sent[*sent + 1].start <= x->start)
        ++*sent;
    return *sent < d->nsent && d->sent[*sent].start <= x->start && x->start < d->sent[*sent].end;
}

/* The registry ref of the mention tables of this text, made at the first
 * call: sized for the mentions so far, which most documents keep. */
static int new_table_ref(lua_State *L, size_t n);
static int mention_cache(lua_State *L, rt_runtime *rt)
{
    if (rt->mcache_ref == LUA_NOREF)
        rt->mcache_ref = new_table_ref(L, rt->an.nmade);
    return rt->mcache_ref;
}

/* The list of mentions [from, to) of the type (NULL: any), in one pass:
 * sized for all of them, which most calls want. */
static int push_mentions(lua_State *L, rt_runtime *rt, size_t from, size_t to, const char *type,
                         bool all)
{
    lua_createtable(L, to - from < INT_MAX ? (int)(to - from) : 0, 0);
    int list = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, mention_cache(L, rt));
    mention_kit kit = {lua_gettop(L), 0};
    lua_Integer k = 0;
    size_t sent = 0;
    for (size_t m = from; m < to; m++)
        if (wanted(&rt->an, m, type, all, &sent)) {
            push_mention(L, rt, &kit, m);
            lua_rawseti(L, list, ++k);
        }
    lua_settop(L, list);
    return 1;
}

/* s:mentions([type]) */
static int s_mentions(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    const an_sentence *s = &rt->an.sent[self_sentence(L, rt)];
    const char *type = luaL_optstring(L, 2, NULL);
    size_t from = an_first_mention(&rt->an, s->start), to = from;
    while (to < rt->an.nment && rt->an.ment[to].start < s->end)
        to++;
    return push_mentions(L, rt, from, to, type, false);
}

static int s_subject(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    size_t i = self_sentence(L, rt);
    const char *subj = rt_subject_at(rt, i, pos_arg(L, rt, 2, false, rt->an.sent[i].end));
    subj ? lua_pushstring(L, subj) : lua_pushnil(L);
    return 1;
}

static int s_period(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    size_t i = self_sentence(L, rt);
    const char *p;
    if (rt_period_at(rt, i, pos_arg(L, rt, 2, false, rt->an.sent[i].end), &p))
        return luaL_error(L, "out of memory");
    p ? lua_pushstring(L, p) : lua_pushnil(L);
    return 1;
}

/* s:add_mention{start=, stop=, canonical=, type=, extra=} — mention rules only. */
static int s_add_mention(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    self_sentence(L, rt);
    luaL_checktype(L, 2, LUA_TTABLE);
    if (rt->phase != RT_PHASE_MENTIONS)
        return luaL_error(L, "add_mention: only a rule's mentions function may add mentions");
    size_t a = pos_arg(L, rt, 2, false, 0), b = pos_arg(L, rt, 2, true, 0);
    get_field(L, rt, 2, RT_S_CANONICAL);
    get_field(L, rt, 2, RT_S_TYPE);
    get_field(L, rt, 2, RT_S_EXTRA);
    const char *canon = luaL_checkstring(L, -3), *type = luaL_optstring(L, -2, "org");
    if (b <= a || b > rt->an.len)
        return luaL_error(L, "add_mention: start/stop out of the document");
    if (an_add_mention(&rt->an, a, b, canon, type, luaL_optstring(L, -1, ""), true, 0))
        return luaL_error(L, "add_mention: out of memory");
    return 0;
}

/* ---- text helpers -------------------------------------------------------- */

static int s_between(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    size_t i = self_sentence(L, rt);
    size_t a = pos_arg(L, rt, 2, true, rt->an.sent[i].start), b = pos_arg(L, rt, 3, false, rt->an.sent[i].end);
    if (b < a || b > rt->an.len)
        b = a;
    lua_pushlstring(L, rt->an.text + a, b - a);
    return 1;
}

static int s_before(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    const an_sentence *s = &rt->an.sent[self_sentence(L, rt)];
    size_t pos = pos_arg(L, rt, 2, false, s->end);
    if (pos < s->start) pos = s->start;
    size_t from = step_chars(rt->an.text, pos, -opt_int(L, 3, 10), s->start, s->end);
    lua_pushlstring(L, rt->an.text + from, pos - from);
    return 1;
}

static int s_after(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    const an_sentence *s = &rt->an.sent[self_sentence(L, rt)];
    size_t pos = pos_arg(L, rt, 2, true, s->start);
    if (pos > s->end) pos = s->end;
    size_t to = step_chars(rt->an.text, pos, opt_int(L, 3, 10), s->start, s->end);
    lua_pushlstring(L, rt->an.text + pos, to - pos);
    return 1;
}

/* The characters that end a clause in normalised text (full-width ，；：（）
 * ！？ arrive folded to ASCII). */
static const char clause_marks[] = ",;:、。()!?“”「」— \n|‘’\"《》";

/* s:clause_before(pos [, n [, stops]]): what s:before(pos, n) gives, from
 * just after the last of the stops in it (default: the clause marks). */
static int s_clause_before(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    const an_sentence *s = &rt->an.sent[self_sentence(L, rt)];
    size_t pos = pos_arg(L, rt, 2, false, s->end);
    if (pos < s->start) pos = s->start;
    lua_Integer n = opt_int(L, 3, 10);
    size_t nstops;
    const char *stops = luaL_optlstring(L, 4, clause_marks, &nstops);
    const char *text = rt->an.text;
    size_t from = step_chars(text, pos, -n, s->start, s->end), cut = pos;
    /* back from pos, a character at a time: a whole character found in
     * stops (valid UTF-8 both) is one of them */
    while (cut > from) {
        size_t c = utf8_char_start(text, cut - 1);
        if (find_bytes(stops, nstops, text + c, cut - c))
            break;
        cut = c;
    }
    lua_pushlstring(L, text + cut, pos - cut);
    return 1;
}

/* s:find(pattern [, init]): string.find over the sentence, offsets in the
 * document's convention (0-based start, exclusive stop), then captures. */
static int s_find(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    const an_sentence *s = &rt->an.sent[self_sentence(L, rt)];
    const char *pat = luaL_checkstring(L, 2);
    size_t init = pos_arg(L, rt, 3, false, s->start);
    if (init < s->start) init = s->start;
    /* The real string library, whatever a pack did to its own copy. */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, "string");
    lua_getfield(L, -1, "find");
    lua_remove(L, -2);
    lua_remove(L, -2);
    lua_pushlstring(L, rt->an.text + s->start, s->end - s->start);
    lua_pushstring(L, pat);
    lua_pushinteger(L, (lua_Integer)(init - s->start) + 1);
    int base = lua_gettop(L) - 4;
    lua_call(L, 3, LUA_MULTRET);
    int nres = lua_gettop(L) - base;
    if (nres < 2 || lua_isnil(L, base + 1))
        return lua_pushnil(L), 1;
    lua_Integer a = lua_tointeger(L, base + 1), b = lua_tointeger(L, base + 2);
    lua_pushinteger(L, (lua_Integer)s->start + a - 1);
    lua_replace(L, base + 1);
    lua_pushinteger(L, (lua_Integer)s->start + b);
    lua_replace(L, base + 2);
    return nres;
}

static int s_neighbour(lua_State *L, int delta)
{
    rt_runtime *rt = rt_of(L);
    long i = (long)self_sentence(L, rt) + delta;
    if (i < 0 || (size_t)i >= rt->an.nsent)
        return lua_pushnil(L), 1;
    rt_api_push_sentence(rt, (size_t)i);
    return 1;
}
static int s_prev(lua_State *L) { return s_neighbour(L, -1); }
static int s_next(lua_State *L) { return s_neighbour(L, 1); }

/* ---- emitting facts ------------------------------------------------------ */

static const char *const fact_kinds[] = {"entity", "metric", "ratio", "event", "check", NULL};
static const char *const qualifiers[] = {"approx", "gt", "ge", "lt", "le", NULL};

static bool in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (list[i][0] == s[0] && !strcmp(list[i], s)) /* the first byte tells most apart */
            return true;
    return false;
}

static bool is_fact(lua_State *L, const rt_runtime *rt, int t);
static const rt_origin *origin_of(lua_State *L, const rt_runtime *rt, int t);

/* The span of the table at idx read raw, into *x and *y: its raw fields
 * when both are integers (what lua_gettable finds before any __index), or
 * for a fact that holds neither, its origin's (what its __index,
 * fact_origin_field, answers).  False, with nothing read, otherwise. */
static bool raw_span(lua_State *L, const rt_runtime *rt, int idx, bool is_fact_item, size_t *x,
                     size_t *y)
{
    push_s(L, rt, is_fact_item ? RT_S_NSTART : RT_S_START);
    int tx = lua_rawget(L, idx);
    push_s(L, rt, is_fact_item ? RT_S_NSTOP : RT_S_STOP);
    int ty = lua_rawget(L, idx);
    bool ok = tx == LUA_TNUMBER && ty == LUA_TNUMBER && lua_isinteger(L, -2) && lua_isinteger(L, -1);
    if (ok) {
        *x = (size_t)lua_tointeger(L, -2);
        *y = (size_t)lua_tointeger(L, -1);
    }
    lua_pop(L, 2);
    if (ok || !is_fact_item || tx != LUA_TNIL || ty != LUA_TNIL || !rt->doc || !is_fact(L, rt, idx))
        return ok;
    const rt_origin *o = origin_of(L, rt, idx);
    if (o) {
        *x = o->a;
        *y = o->b;
    }
    return o != NULL;
}

/* Widen [*a, *b) by the span of the table at idx (a span, or a fact with
 * its hidden normalised span). */
static void widen(lua_State *L, const rt_runtime *rt, int idx, size_t *a, size_t *b, bool is_fact_item)
{
    size_t x, y;
    if (!raw_span(L, rt, idx, is_fact_item, &x, &y)) { /* through __index, as a rule reads it */
        get_field(L, rt, idx, is_fact_item ? RT_S_NSTART : RT_S_START);
        get_field(L, rt, idx, is_fact_item ? RT_S_NSTOP : RT_S_STOP);
        if (!lua_isinteger(L, -2) || !lua_isinteger(L, -1))
            luaL_error(L, "emit: each %s needs start and stop", is_fact_item ? "'from' fact" : "evidence item");
        x = (size_t)lua_tointeger(L, -2);
        y = (size_t)lua_tointeger(L, -1);
        lua_pop(L, 2);
    }
    if (x < *a) *a = x;
    if (y > *b) *b = y;
}

/* The length of the list on top of the stack, as # reads it.  A list a
 * rule writes has no metatable, and then its raw length is that, without
 * luaL_len's metamethod lookup. */
static lua_Integer list_len(lua_State *L)
{
    if (!lua_getmetatable(L, -1))
        return (lua_Integer)lua_rawlen(L, -1);
    lua_pop(L, 1);
    return luaL_len(L, -1);
}

/* Field k of the rule's table t pushed: the value the walk of read_fields
 * kept at stack index at when there is one (a raw value is what
 * lua_gettable finds before any __index); else as get_field reads it. */
static int walked_field(lua_State *L, const rt_runtime *rt, int t, int at, int k)
{
    if (!at)
        return get_field(L, rt, t, k);
    lua_pushvalue(L, at);
    return lua_type(L, -1);
}

/* The normalised span of the evidence (or of the facts in `from`), found
 * at evidence_at and from_at on the stack when read_fields kept them
 * (0: look them up). */
static void evidence_span(lua_State *L, rt_runtime *rt, int t, int evidence_at, int from_at,
                          size_t *a, size_t *b)
{
    *a = SIZE_MAX;
    *b = 0;
    bool from = walked_field(L, rt, t, evidence_at, RT_S_EVIDENCE) != LUA_TTABLE;
    if (from) {
        lua_pop(L, 1);
        if (walked_field(L, rt, t, from_at, RT_S_FROM) != LUA_TTABLE)
            luaL_error(L, "emit: a fact needs evidence = { span, ... } (or from = { fact, ... } in a document rule)");
    }
    lua_Integer n = list_len(L);
    if (n == 0)
        luaL_error(L, "emit: %s is empty", from ? "from" : "evidence");
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_geti(L, -1, i) != LUA_TTABLE)
            luaL_error(L, "emit: %s[%d] is not a table", from ? "from" : "evidence", (int)i);
        widen(L, rt, lua_gettop(L), a, b, from);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (*b > rt->an.len || *a > *b)
        luaL_error(L, "emit: evidence lies outside the document");
}

/* Is the key k (n bytes) the literal lit? */
#define KEY_IS(k, n, lit) ((n) == sizeof lit - 1 && !memcmp(k, lit, sizeof lit - 1))

/* What a name in the rule's emit table is to emit.  Fields of the fact
 * come first, the four it checks in the order of emit_table.checked. */
typedef enum {
    EK_FIELD,
    EK_KIND, EK_NAME, EK_VALUE, EK_QUALIFIER,
    EK_CONTROL, /* _hidden: not a field of the fact */
    EK_EVIDENCE, /* control, read by evidence_span */
    EK_FROM,    /* control, but the fact keeps it: the facts a check used */
    EK_KEY,     /* control: the rule's own repeat key */
    EK_RESERVED /* set by the engine; a rule may not */
} emit_key;

/* By length first: this runs for every field of every emit. */
static emit_key emit_key_of(const char *k, size_t n)
{
    if (k[0] == '_')
        return EK_CONTROL;
    switch (n) {
    case 3:
        return KEY_IS(k, n, "key") ? EK_KEY
             : KEY_IS(k, n, "doc") || KEY_IS(k, n, "end") ? EK_RESERVED : EK_FIELD;
    case 4:
        return KEY_IS(k, n, "kind") ? EK_KIND : KEY_IS(k, n, "name") ? EK_NAME
             : KEY_IS(k, n, "from") ? EK_FROM
             : KEY_IS(k, n, "pack") || KEY_IS(k, n, "rule") || KEY_IS(k, n, "text") ? EK_RESERVED
             : EK_FIELD;
    case 5: return KEY_IS(k, n, "value") ? EK_VALUE : KEY_IS(k, n, "start") ? EK_RESERVED : EK_FIELD;
    case 8: return KEY_IS(k, n, "evidence") ? EK_EVIDENCE : EK_FIELD;
    case 9: return KEY_IS(k, n, "qualifier") ? EK_QUALIFIER : EK_FIELD;
    case 12: return KEY_IS(k, n, "pack_version") ? EK_RESERVED : EK_FIELD;
    default: return EK_FIELD;
    }
}

/* A field of the rule's emit table that becomes a field of the fact, as
 * read while checking them: the key of a repeat is made from these
 * without a second lookup. */
typedef struct {
    const char *k;      /* the table holds the strings */
    size_t klen;
    int type;
    const char *s;
    size_t len;
    lua_Number num;
    lua_Integer i;
    bool isint, b;
} emit_field;

/* The most fields an emit table may have (a fact has a dozen or so): the
 * repeat key is made of all of them, on the C stack. */
#define EMIT_FIELDS_MAX 64

/* While there are at most PAIRS_MAX, each (name, value) of the rule's
 * table is left on the stack from `at` on, with a bit of copy set for
 * those the fact gets (its fields and from).  A fact is made from the
 * pairs without a second walk of the table. */
#define PAIRS_MAX 64
typedef struct {
    int at;
    size_t npairs;  /* SIZE_MAX: more than PAIRS_MAX, walk the table again */
    uint64_t copy;
} emit_pairs;

/* The rule's table as read_fields finds it in one walk. */
typedef struct {
    emit_field x[EMIT_FIELDS_MAX]; /* its fields */
    size_t n;
    const emit_field *checked[4];  /* kind, name, value, qualifier in x; NULL: absent */
    bool key;                      /* it has a key field */
    int name_at;                   /* where the name's value is kept on the stack; 0: not kept */
    int evidence_at, from_at;      /* where evidence's and from's values are kept; 0: not kept */
    emit_pairs kept;
} emit_table;

/* The value on top of the stack as field k (klen bytes) of type type,
 * noted in place (a field is read once per emit: no copy of it). */
static void note(lua_State *L, emit_field *f, const char *k, size_t klen, int type)
{
    f->k = k;
    f->klen = klen;
    f->type = type;
    if (type == LUA_TSTRING) {
        f->s = lua_tolstring(L, -1, &f->len);
    } else if (type == LUA_TNUMBER) {
        /* put_value reads i of an integer, num of a float */
        f->isint = lua_isinteger(L, -1);
        if (f->isint)
            f->i = lua_tointeger(L, -1);
        else
            f->num = lua_tonumber(L, -1);
    } else {
        f->b = lua_toboolean(L, -1);
    }
}

/* Leave the pair lua_next pushed on the stack (the value and a copy of
 * the name, for lua_next to take), while there is room for it. */
static void keep_pair(lua_State *L, emit_pairs *kept, bool copy)
{
    if (kept->npairs >= PAIRS_MAX) {
        kept->npairs = SIZE_MAX;
        lua_pop(L, 1);
        return;
    }
    if (copy)
        kept->copy |= (uint64_t)1 << kept->npairs;
    if (kept->npairs % 16 == 0) /* room for 16 pairs, and what emit pushes after */
        luaL_checkstack(L, 2 * 16 + 8, "emit: too many fields");
    kept->npairs++;
    lua_pushvalue(L, -2);
}

/* luaL_error for a field of the rule's table t.  The evidence is checked
 * first, as it was before the walk that finds the field: a table wrong in
 * both ways is reported for its evidence. */
static int field_error(lua_State *L, rt_runtime *rt, int t, const char *fmt, ...)
{
    size_t a, b;
    evidence_span(L, rt, t, 0, 0, &a, &b);
    va_list ap;
    va_start(ap, fmt);
    luaL_where(L, 1);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 2);
    return lua_error(L);
}

/* Where the value of the pair lua_next pushed will be kept, or 0 when
 * keep_pair has no room for it. */
static int value_at(const emit_pairs *kept)
{
    return kept->npairs < PAIRS_MAX ? kept->at + 2 * (int)kept->npairs + 1 : 0;
}

/* Check the rule's fields (names are strings, none is set by the engine,
 * values are strings, numbers or booleans) and note them in e. */
static void read_fields(lua_State *L, rt_runtime *rt, int t, emit_table *e)
{
    e->n = 0;
    e->key = false;
    e->name_at = e->evidence_at = e->from_at = 0;
    for (size_t i = 0; i < 4; i++)
        e->checked[i] = NULL;
    e->kept = (emit_pairs){lua_gettop(L) + 1, 0, 0};
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            field_error(L, rt, t, "emit: field names must be strings");
        size_t klen;
        const char *k = lua_tolstring(L, -2, &klen);
        int type = lua_type(L, -1);
        emit_key what = emit_key_of(k, klen);
        if (what == EK_RESERVED)
            field_error(L, rt, t, "emit: '%s' is set by the engine", k);
        if (what < EK_CONTROL) {
            if (type != LUA_TSTRING && type != LUA_TNUMBER && type != LUA_TBOOLEAN)
                field_error(L, rt, t, "emit: field '%s' must be a string, number or boolean, not %s", k,
                            luaL_typename(L, -1));
            if (e->n == EMIT_FIELDS_MAX)
                field_error(L, rt, t, "emit: a fact has at most %d fields", EMIT_FIELDS_MAX);
            emit_field *f = &e->x[e->n++];
            note(L, f, k, klen, type);
            if (what != EK_FIELD)
                e->checked[what - EK_KIND] = f;
        }
        e->key |= what == EK_KEY;
        if (what == EK_NAME)
            e->name_at = value_at(&e->kept);
        else if (what == EK_EVIDENCE)
            e->evidence_at = value_at(&e->kept);
        else if (what == EK_FROM)
            e->from_at = value_at(&e->kept);
        keep_pair(L, &e->kept, what < EK_CONTROL || what == EK_FROM);
    }
}

/* Copy the rule's fields into the fact table f (checked already), in the
 * order read_fields read them. */
static void copy_fields(lua_State *L, int t, int f, const emit_pairs *kept)
{
    if (kept->npairs != SIZE_MAX) {
        for (size_t i = 0; i < kept->npairs; i++)
            if (kept->copy >> i & 1) {
                lua_pushvalue(L, kept->at + 2 * (int)i);
                lua_pushvalue(L, kept->at + 2 * (int)i + 1);
                lua_rawset(L, f);
            }
        return;
    }
    lua_pushnil(L);
    while (lua_next(L, t)) {
        size_t klen;
        const char *k = lua_tolstring(L, -2, &klen);
        emit_key what = emit_key_of(k, klen);
        if (what < EK_CONTROL || what == EK_FROM) {
            lua_pushvalue(L, -2);
            lua_pushvalue(L, -2);
            lua_rawset(L, f);
        }
        lua_pop(L, 1);
    }
}

/* kind, name, value and qualifier, as the fact will hold them.  Returns
 * kind and name. */
static void check_fact(lua_State *L, const emit_table *e, const char **kind, const char **name)
{
    const emit_field *f = e->checked[EK_KIND - EK_KIND];
    if (!f || f->type != LUA_TSTRING || !in_list(fact_kinds, f->s))
        luaL_error(L, "emit: 'kind' must be one of entity, metric, ratio, event, check");
    *kind = f->s;
    f = e->checked[EK_NAME - EK_KIND];
    if (!f || f->type != LUA_TSTRING || !f->s[0])
        luaL_error(L, "emit: a fact needs a 'name'");
    *name = f->s;
    f = e->checked[EK_VALUE - EK_KIND];
    if (f && f->type != LUA_TNUMBER)
        luaL_error(L, "emit: 'value' must be a number");
    f = e->checked[EK_QUALIFIER - EK_KIND];
    if (f && !in_list(qualifiers, f->type == LUA_TSTRING ? f->s : ""))
        luaL_error(L, "emit: 'qualifier' must be approx, gt, ge, lt or le");
}

/* The precision of LUA_NUMBER_FMT ("%.14g" for doubles), which
 * fact_plain_decimal matches without printf when it can; 0: never. */
#if LUA_FLOAT_TYPE == LUA_FLOAT_DOUBLE
#define NUMBER_FMT_DIGITS 14
#else
#define NUMBER_FMT_DIGITS 0
#endif

/* Room for n more bytes in the key being made (rt->key): where they go. */
static char *key_room(lua_State *L, rt_runtime *rt, size_t n)
{
    if (array_room((void **)&rt->key, &rt->keycap, rt->keylen, n, 1))
        luaL_error(L, "emit: out of memory");
    return rt->key + rt->keylen;
}

/* A value as tostring() writes it (so that 21 and 21.0 stay apart, as
 * they always have in the key), without making a Lua string: at o, with
 * room for 64 bytes; returns the end. */
static char *put_value(char *o, const emit_field *x)
{
    if (x->type == LUA_TBOOLEAN) {
        memcpy(o, x->b ? "true" : "false", x->b ? 4 : 5);
        return o + (x->b ? 4 : 5);
    }
    bool whole = !x->isint && x->num != 0 && x->num > -1e14 && x->num < 1e14 &&
                 x->num == (lua_Number)(long long)x->num;
    if (x->isint || whole) {
        /* an integer, or a whole float: what "%.14g" writes, then
         * tostring's ".0" */
        long long v = x->isint ? (long long)x->i : (long long)x->num;
        o = json_put_int(o, v);
        if (whole) {
            memcpy(o, ".0", 2);
            o += 2;
        }
        return o;
    }
    size_t n = fact_plain_decimal(x->num, NUMBER_FMT_DIGITS, o);
    if (n)
        return o + n;
    n = (size_t)snprintf(o, 48, LUA_NUMBER_FMT, (LUAI_UACNUMBER)x->num);
    if (o[strspn(o, "-0123456789")] == '\0') {
        o[n++] = '.'; /* looks like an int: tostring adds ".0" */
        o[n++] = '0';
    }
    return o + n;
}

/* strcmp(a->k, b->k) > 0, without the call where the first bytes differ. */
static bool name_after(const emit_field *a, const emit_field *b)
{
    unsigned char x = (unsigned char)a->k[0], y = (unsigned char)b->k[0];
    return x != y ? x > y : strcmp(a->k, b->k) > 0;
}

/* A key that is equal for two statements of the same fact: every field but
 * the evidence and who emitted it, sorted by name, as name=value. */
static void repeat_key(lua_State *L, rt_runtime *rt, emit_field *x, size_t n)
{
    const emit_field *order[EMIT_FIELDS_MAX];
    for (size_t i = 0; i < n; i++) { /* few fields: insertion sort */
        size_t k = i;
        for (; k > 0 && name_after(order[k - 1], &x[i]); k--)
            order[k] = order[k - 1];
        order[k] = &x[i];
    }
    size_t room = 0; /* name=value and the separator; a number takes 64 at most */
    for (size_t i = 0; i < n; i++)
        room += x[i].klen + (x[i].type == LUA_TSTRING ? x[i].len : 64) + 2;
    char *o = key_room(L, rt, room);
    for (size_t i = 0; i < n; i++) {
        const emit_field *f = order[i];
        bool str = f->type == LUA_TSTRING;
        memcpy(o, f->k, f->klen);
        o += f->klen;
        *o++ = '=';
        if (str) {
            memcpy(o, f->s, f->len);
            o += f->len;
        } else {
            o = put_value(o, f);
        }
        *o++ = '\x1f';
    }
    rt->keylen = (size_t)(o - rt->key);
}

/* The rule's key pushed, when it gives one.  Without a key field, nor a
 * metatable that could give one, there is nothing to look up. */
static bool push_key(lua_State *L, const rt_runtime *rt, int t, const emit_table *e)
{
    if (!e->key) {
        if (!lua_getmetatable(L, t))
            return false;
        lua_pop(L, 1);
    }
    if (get_field(L, rt, t, RT_S_KEY) != LUA_TNIL)
        return true;
    lua_pop(L, 1);
    return false;
}

/* The rule's own key when it gives one (the same event told in several
 * sentences with different details), else every field: made in rt->key
 * (rt->keylen bytes), where the facts emitted so far are looked up by it
 * without a Lua string. */
static void make_key(lua_State *L, rt_runtime *rt, int t, emit_table *e, const char *kind,
                     const char *name)
{
    rt->keylen = 0;
    if (!push_key(L, rt, t, e)) {
        repeat_key(L, rt, e->x, e->n);
        return;
    }
    /* A string is its own tostring: the sandbox keeps rules from the
     * string metatable, so no __tostring can be there to look up. */
    int top = lua_gettop(L);
    const char *key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_tolstring(L, -1, NULL);
    /* kind, name and the key as C strings, each up to a NUL */
    size_t nkind = strlen(kind), nname = strlen(name), nkey = strlen(key);
    char *o = key_room(L, rt, nkind + nname + nkey + 2);
    memcpy(o, kind, nkind);
    o[nkind] = '\x1f';
    memcpy(o + nkind + 1, name, nname);
    o[nkind + 1 + nname] = '\x1f';
    memcpy(o + nkind + nname + 2, key, nkey);
    rt->keylen = nkind + nname + nkey + 2;
    lua_settop(L, top - 1);
}

/* ---- a fact's origin ------------------------------------------------------
 *
 * A fact's table holds the rule's fields and _fact, its number in the
 * document (with the document's serial above FACT_ID_BASE, so that a fact
 * a rule kept from an earlier document is told apart).  Who emitted it
 * (rule, pack, pack_version) and where (text, start, end, and the
 * normalised _nstart, _nstop) are kept in C: setting those eight fields
 * on every fact's table cost more than all else emit does, and rules
 * seldom read them.  The facts' metatable reads them from C when asked. */

#define FACT_ID_BASE ((lua_Integer)1 << 32)

/* The origin of the fact numbered id (its _fact), or NULL when it is no
 * fact of the current document. */
static const rt_origin *origin_at(const rt_runtime *rt, lua_Integer id)
{
    lua_Integer n = id - rt->doc_serial * FACT_ID_BASE;
    return n >= 1 && n <= rt->nfacts ? &rt->origins[n - 1] : NULL;
}

/* The origin of the fact table at t, or NULL. */
static const rt_origin *origin_of(lua_State *L, const rt_runtime *rt, int t)
{
    push_s(L, rt, RT_S_FACT);
    lua_Integer id = lua_rawget(L, t) == LUA_TNUMBER ? lua_tointeger(L, -1) : 0;
    lua_pop(L, 1);
    return origin_at(rt, id);
}

/* The fields of a fact that have their own place in the C struct, the
 * engine's first (those a fact's origin answers for: FX_RULE..FX_NSTOP). */
enum { FX_NONE, FX_SKIP, FX_FACT, FX_RULE, FX_PACK, FX_PACK_VERSION, FX_TEXT, FX_START, FX_END,
       FX_NSTART, FX_NSTOP, FX_KIND, FX_NAME, FX_ENTITY, FX_VALUE, FX_UNIT, FX_PERIOD,
       FX_QUALIFIER };

/* By length first: a fact has a dozen fields, and this runs for each.
 * _nstart and _nstop are in no fact's table: only its origin has them. */
static int fixed_field(const char *k, size_t n)
{
    if (k[0] == '_') /* _fact, read on the walk: origin_of's lookup spared */
        return KEY_IS(k, n, "_fact") ? FX_FACT : KEY_IS(k, n, "_nstart") ? FX_NSTART
             : KEY_IS(k, n, "_nstop") ? FX_NSTOP : FX_SKIP;
    switch (n) {
    case 3: return KEY_IS(k, n, "doc") ? FX_SKIP : KEY_IS(k, n, "end") ? FX_END : FX_NONE;
    case 4:
        return KEY_IS(k, n, "pack") ? FX_PACK : KEY_IS(k, n, "rule") ? FX_RULE
             : KEY_IS(k, n, "kind") ? FX_KIND : KEY_IS(k, n, "name") ? FX_NAME
             : KEY_IS(k, n, "text") ? FX_TEXT : KEY_IS(k, n, "unit") ? FX_UNIT : FX_NONE;
    case 5: return KEY_IS(k, n, "start") ? FX_START : KEY_IS(k, n, "value") ? FX_VALUE : FX_NONE;
    case 6: return KEY_IS(k, n, "entity") ? FX_ENTITY : KEY_IS(k, n, "period") ? FX_PERIOD : FX_NONE;
    case 9: return KEY_IS(k, n, "qualifier") ? FX_QUALIFIER : FX_NONE;
    case 12: return KEY_IS(k, n, "pack_version") ? FX_PACK_VERSION : FX_NONE;
    default: return FX_NONE;
    }
}

/* The fact's evidence in the original input: its offsets, and its text
 * when text is not NULL. */
static void original_span(const rt_runtime *rt, const rt_origin *o, size_t *oa, size_t *ob,
                          const char **text, size_t *n)
{
    *oa = rt->an.orig[o->a];
    *ob = rt->an.orig[o->b];
    if (text && doc_original(rt->doc->reader, *oa, *ob, text, n))
        *text = "", *n = 0;
}

/* The name of the rule, pack or pack version of origin o (which = FX_RULE,
 * FX_PACK, FX_PACK_VERSION); NULL when the pack has no version. */
static const char *origin_name(const rt_runtime *rt, const rt_origin *o, int which)
{
    const rt_rule *r = &rt->rules[o->rule];
    return which == FX_RULE ? r->name
         : which == FX_PACK ? rt->packs[r->pack].name : rt->packs[r->pack].version;
}

/* __index of facts: fact[k] for a field the fact's table does not hold. */
static int fact_origin_field(lua_State *L)
{
    const rt_runtime *rt = rt_of(L);
    size_t klen;
    const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &klen) : NULL;
    int which = k ? fixed_field(k, klen) : FX_NONE;
    bool origin = which >= FX_RULE && which <= FX_NSTOP;
    const rt_origin *o = origin && rt->doc ? origin_of(L, rt, 1) : NULL;
    if (!o)
        return 0;
    size_t oa, ob, n;
    const char *text;
    switch (which) {
    case FX_RULE: case FX_PACK: case FX_PACK_VERSION:
        lua_pushstring(L, origin_name(rt, o, which));
        break;
    case FX_NSTART: lua_pushinteger(L, (lua_Integer)o->a); break;
    case FX_NSTOP: lua_pushinteger(L, (lua_Integer)o->b); break;
    case FX_TEXT:
        original_span(rt, o, &oa, &ob, &text, &n);
        lua_pushlstring(L, text, n);
        break;
    default: /* start, end */
        original_span(rt, o, &oa, &ob, NULL, NULL);
        lua_pushinteger(L, (lua_Integer)(which == FX_START ? oa : ob));
    }
    return 1;
}

/* The facts' metatable, made once per run (protected: a rule cannot swap
 * it for its own). */
static int make_fact_metatable(rt_runtime *rt)
{
    lua_State *L = rt->L;
    lua_createtable(L, 0, 2);
    lua_pushlightuserdata(L, rt);
    lua_pushcclosure(L, fact_origin_field, 1);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    rt->fact_mt = lua_topointer(L, -1); /* the registry keeps it: the address holds */
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Make the new fact f (on the stack) the document's next: its origin
 * noted in C, its number and the metatable set. */
static void number_fact(lua_State *L, rt_runtime *rt, int f, size_t a, size_t b)
{
    if (array_room((void **)&rt->origins, &rt->caporigins, (size_t)rt->nfacts, 1, sizeof *rt->origins))
        luaL_error(L, "emit: out of memory");
    rt->origins[rt->nfacts] = (rt_origin){rt->current_rule, a, b};
    set_int(L, rt, RT_S_FACT, rt->doc_serial * FACT_ID_BASE + rt->nfacts + 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->fact_mt_ref);
    lua_setmetatable(L, f);
}

/* Hash slots for a new fact: the fields copied and _fact. */
static int fact_slots(const emit_pairs *kept, size_t nfields)
{
    size_t copied = kept->npairs == SIZE_MAX ? nfields + 1 : (size_t)__builtin_popcountll(kept->copy);
    return (int)copied + 1;
}

/* s:emit(fact), doc:emit(fact).  A repeat is found from the rule's table
 * alone: only a new fact is built. */
static int emit_fact(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    int t = 2;
    luaL_checktype(L, t, LUA_TTABLE);
    if (rt->phase == RT_PHASE_MENTIONS)
        return luaL_error(L, "emit: a mentions function may not emit facts");
    emit_table e;
    read_fields(L, rt, t, &e);
    size_t a, b;
    evidence_span(L, rt, t, e.evidence_at, e.from_at, &a, &b);
    const char *kind, *name;
    check_fact(L, &e, &kind, &name);
    /* The fact seen under the key: a repeat returns it, so a rule can
     * still add to the fact it already emitted. */
    make_key(L, rt, t, &e, kind, name);
    uint64_t hash = keyset_hash(rt->key, rt->keylen);
    size_t seen = keyset_get_hashed(&rt->seen, rt->key, rt->keylen, hash);
    if (seen) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, rt->facts_ref);
        lua_rawgeti(L, -1, (lua_Integer)seen);
        return 1;
    }
    lua_createtable(L, 0, fact_slots(&e.kept, e.n));
    int f = lua_gettop(L);
    copy_fields(L, t, f, &e.kept);
    number_fact(L, rt, f, a, b);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->facts_ref);
    lua_pushvalue(L, f);
    lua_rawseti(L, -2, ++rt->nfacts);
    if (keyset_put_hashed(&rt->seen, rt->key, rt->keylen, hash, (size_t)rt->nfacts))
        return luaL_error(L, "emit: out of memory");
    /* byname[name]: doc:facts{name = ...} reads only these */
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->byname_ref);
    if (e.name_at) {
        lua_pushvalue(L, e.name_at);
    } else {
        push_s(L, rt, RT_S_NAME);
        lua_rawget(L, f);
    }
    lua_pushvalue(L, -1);
    if (lua_rawget(L, -3) != LUA_TTABLE) {
        lua_pop(L, 1);
        rt->nnames++;
        lua_createtable(L, 4, 0);
        lua_pushvalue(L, -2);
        lua_pushvalue(L, -2);
        lua_rawset(L, -5);
    }
    lua_pushvalue(L, f);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pushvalue(L, f);
    return 1;
}

/* ---- the document -------------------------------------------------------- */

/* The filter at fidx as (name, value) pairs pushed on the stack, read
 * once rather than walked again for every fact.  Returns how many. */
static int push_filter(lua_State *L, int fidx)
{
    int n = 0;
    lua_pushnil(L);
    while (lua_next(L, fidx)) {
        luaL_checkstack(L, 3, "doc:facts: filter too large");
        lua_pushvalue(L, -2); /* the pair stays; lua_next takes the copy */
        n++;
    }
    return n;
}

/* Does the fact at idx match every field of the filter, whose n pairs
 * start at the stack index pairs? */
static bool matches(lua_State *L, int idx, int pairs, int n)
{
    for (int j = 0; j < n; j++) {
        lua_pushvalue(L, pairs + 2 * j);
        lua_gettable(L, idx);
        bool ok = lua_compare(L, -1, pairs + 2 * j + 1, LUA_OPEQ);
        lua_pop(L, 1);
        if (!ok)
            return false;
    }
    return true;
}

/* The facts list a filter with a name reads (byname[name]), pushed, or
 * false when no fact has that name; without a name, every fact. */
static bool push_candidates(lua_State *L, rt_runtime *rt, int fidx)
{
    if (fidx) {
        push_s(L, rt, RT_S_NAME);
        if (lua_rawget(L, fidx) == LUA_TSTRING) {
            lua_rawgeti(L, LUA_REGISTRYINDEX, rt->byname_ref);
            lua_insert(L, -2);
            if (lua_rawget(L, -2) != LUA_TTABLE) {
                lua_pop(L, 2);
                return false;
            }
            lua_remove(L, -2);
            return true;
        }
        lua_pop(L, 1);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->facts_ref);
    return true;
}

/* The facts matching the filter at fidx (0: every fact), as a list, or
 * with first set the first of them or nil.  A filter with a name reads
 * only the facts of that name. */
static void push_matching(lua_State *L, rt_runtime *rt, int fidx, bool first)
{
    int base = lua_gettop(L), pairs = base + 1;
    int nf = fidx ? push_filter(L, fidx) : 0;
    if (!push_candidates(L, rt, fidx)) {
        lua_settop(L, base);
        if (first) lua_pushnil(L); else lua_newtable(L);
        return;
    }
    int all = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, all);
    if (first)
        lua_pushnil(L); /* the answer if none matches */
    else
        lua_newtable(L);
    int out = lua_gettop(L);
    lua_Integer k = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, all, i);
        if (!matches(L, lua_gettop(L), pairs, nf)) {
            lua_pop(L, 1);
        } else if (first) {
            lua_replace(L, out);
            break;
        } else {
            lua_rawseti(L, out, ++k);
        }
    }
    lua_replace(L, base + 1);
    lua_settop(L, base + 1);
}

static int d_facts(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    push_matching(L, rt, lua_istable(L, 2) ? 2 : 0, false);
    return iterate_array(L);
}

static int d_fact(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    push_matching(L, rt, lua_istable(L, 2) ? 2 : 0, true);
    return 1;
}

/* The runtime, with the document read past its text: detect() and
 * clean() may ask for its sentences before the rules run. */
static rt_runtime *annotated_rt(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    if (rt_annotate(rt))
        luaL_error(L, "out of memory");
    return rt;
}

static int d_sentences(lua_State *L)
{
    rt_runtime *rt = annotated_rt(L);
    lua_createtable(L, (int)rt->an.nsent, 0);
    for (size_t i = 0; i < rt->an.nsent; i++) {
        rt_api_push_sentence(rt, i);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return iterate_array(L);
}

/* The sentence holding pos, or SIZE_MAX. */
static size_t sentence_at(const an_doc *d, size_t pos)
{
    size_t lo = an_first_sentence(d, pos + 1); /* the first starting after pos */
    return lo > 0 && pos < d->sent[lo - 1].end ? lo - 1 : SIZE_MAX;
}

/* doc:sentence_at(pos): the sentence holding pos (a span's start or an
 * offset), or nil. */
static int d_sentence_at(lua_State *L)
{
    rt_runtime *rt = annotated_rt(L);
    size_t i = sentence_at(&rt->an, pos_arg(L, rt, 2, false, 0));
    if (i == SIZE_MAX)
        return lua_pushnil(L), 1;
    rt_api_push_sentence(rt, i);
    return 1;
}

/* doc:mentions([type]): every mention of the document's sentences, in
 * order: what a loop over doc:sentences() and s:mentions() would give. */
static int d_mentions(lua_State *L)
{
    rt_runtime *rt = annotated_rt(L);
    return push_mentions(L, rt, 0, rt->an.nment, luaL_optstring(L, 2, NULL), true);
}

/* doc:entities(): the organisations and business units the document's
 * sentences name, each once, at its first mention, in order.  The same as
 * keeping the first of each canonical name from doc:mentions(), without a
 * table for every other mention (a long article names its companies many
 * times over). */
static int d_entities(lua_State *L)
{
    rt_runtime *rt = annotated_rt(L);
    const an_doc *d = &rt->an;
    keyset_clear(&rt->entity_seen);
    lua_createtable(L, 16, 0);
    int list = lua_gettop(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, mention_cache(L, rt));
    mention_kit kit = {lua_gettop(L), 0};
    lua_Integer k = 0;
    size_t sent = 0;
    for (size_t m = 0; m < d->nment; m++) {
        const an_mention *x = &d->ment[m];
        if (!an_is_entity(x) || !wanted(d, m, NULL, true, &sent))
            continue;
        size_t n = strlen(x->canonical);
        if (keyset_get(&rt->entity_seen, x->canonical, n))
            continue;
        if (keyset_put(&rt->entity_seen, x->canonical, n, 1))
            return luaL_error(L, "doc:entities: out of memory");
        push_mention(L, rt, &kit, m);
        lua_rawseti(L, list, ++k);
    }
    lua_settop(L, list);
    return 1;
}

/* doc:occurrences(text): every place the text occurs, as spans. */
static int d_occurrences(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    size_t n;
    const char *needle = luaL_checklstring(L, 2, &n);
    lua_newtable(L);
    lua_Integer k = 0;
    for (const char *p = rt->an.text, *end = rt->an.text + rt->an.len; n && p < end;) {
        const char *hit = find_bytes(p, (size_t)(end - p), needle, n);
        if (!hit)
            break;
        lua_createtable(L, 0, 3);
        set_span(L, rt, (size_t)(hit - rt->an.text), (size_t)(hit - rt->an.text) + n);
        lua_rawseti(L, -2, ++k);
        p = hit + n;
    }
    return 1;
}

/* doc:text(): one Lua string per document, however often it is asked for. */
static int d_text(lua_State *L)
{
    rt_runtime *rt = rt_of(L);
    if (rt->text_ref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, rt->text_ref);
        return 1;
    }
    lua_pushlstring(L, rt->an.text, rt->an.len);
    lua_pushvalue(L, -1);
    rt->text_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 1;
}

static const luaL_Reg sentence_methods[] = {
    {"hits", s_hits},
    {"quantities", s_quantities},
    {"money_after", s_money_after},
    {"quantity_after", s_quantity_after},
    {"quantity_before", s_quantity_before},
    {"period", s_period},
    {"subject", s_subject},
    {"mentions", s_mentions},
    {"between", s_between},
    {"before", s_before},
    {"after", s_after},
    {"clause_before", s_clause_before},
    {"find", s_find},
    {"prev", s_prev},
    {"next", s_next},
    {"emit", emit_fact},
    {"add_mention", s_add_mention},
    {NULL, NULL},
};

static const luaL_Reg doc_methods[] = {
    {"facts", d_facts},
    {"fact", d_fact},
    {"sentences", d_sentences},
    {"sentence_at", d_sentence_at},
    {"mentions", d_mentions},
    {"entities", d_entities},
    {"occurrences", d_occurrences},
    {"text", d_text},
    {"emit", emit_fact},
    {NULL, NULL},
};

static int make_metatable(rt_runtime *rt, const luaL_Reg *methods)
{
    lua_State *L = rt->L;
    lua_newtable(L);                 /* metatable */
    lua_newtable(L);                 /* methods */
    lua_pushlightuserdata(L, rt);
    luaL_setfuncs(L, methods, 1);
    lua_setfield(L, -2, "__index");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable"); /* rules cannot swap the methods */
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

void rt_api_push_doc(rt_runtime *rt)
{
    lua_State *L = rt->L;
    if (rt->doc_obj_ref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, rt->doc_obj_ref);
        return;
    }
    lua_createtable(L, 0, 3);
    set_str(L, rt, RT_S_ID, rt->doc->id);
    set_str(L, rt, RT_S_DATE, rt->doc->date);
    set_str(L, rt, RT_S_PUBLICATION, rt->doc->publication);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->doc_mt_ref);
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    rt->doc_obj_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

void rt_api_push_sentence(rt_runtime *rt, size_t i)
{
    lua_State *L = rt->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->sentences_ref);
    if (lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TTABLE) {
        drop_below(L);
        rt->self_hint = i; /* the rule called with it asks about it first */
        return;
    }
    lua_pop(L, 1);
    const an_sentence *s = &rt->an.sent[i];
    lua_createtable(L, 0, 6);
    set_span(L, rt, s->start, s->end);
    set_int(L, rt, RT_S_INDEX, (lua_Integer)i + 1);
    set_int(L, rt, RT_S_PARAGRAPH, (lua_Integer)s->para + 1);
    push_s(L, rt, RT_S_DOC); /* the name first: no rotation under the value */
    rt_api_push_doc(rt);
    lua_rawset(L, -3);
    lua_rawgeti(L, LUA_REGISTRYINDEX, rt->sentence_mt_ref);
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, (lua_Integer)i + 1);
    drop_below(L);
    if (i < rt->nsentence_obj)
        rt->sentence_obj[i] = lua_topointer(L, -1);
    rt->self_hint = i;
}

/* The RT_S_* strings, in enum order. */
static const char *const api_strings[] = {
    "text", "start", "stop", "end", "_nstart", "_nstop", "index", "paragraph", "doc", "id",
    "date", "publication", "kind", "value", "low", "high", "unit", "qualifier", "change",
    "basis", "period", "asof", "relative", "resolved", "ident", "keyword", "canonical", "type",
    "extra", "name", "entity", "rule", "pack", "pack_version", "evidence", "from", "key", "up",
    "down", "yoy", "qoq", "_fact"};
_Static_assert(sizeof api_strings / sizeof *api_strings == RT_S_KIND0, "one string per RT_S_*");

static const char *api_string(int i)
{
    if (i < RT_S_KIND0)
        return api_strings[i];
    if (i < RT_S_QUAL1)
        return num_kind_name((num_kind)(i - RT_S_KIND0));
    return num_qual_name((num_qual)(i - RT_S_QUAL1 + 1));
}

void rt_api_open(rt_runtime *rt)
{
    for (int i = 0; i < RT_NSTRINGS; i++) {
        lua_pushstring(rt->L, api_string(i));
        rt->strings[i] = luaL_ref(rt->L, LUA_REGISTRYINDEX);
    }
    lua_newtable(rt->L);
    rt->keywords_ref = luaL_ref(rt->L, LUA_REGISTRYINDEX);
    lua_newtable(rt->L);
    rt->entries_ref = luaL_ref(rt->L, LUA_REGISTRYINDEX);
    rt->fact_mt_ref = make_fact_metatable(rt);
    rt->sentence_mt_ref = make_metatable(rt, sentence_methods);
    rt->doc_mt_ref = make_metatable(rt, doc_methods);
    rt->doc_obj_ref = LUA_NOREF;
    rt->hit_sentence = SIZE_MAX;
    rt->facts_ref = rt->byname_ref = LUA_NOREF;
    rt->sentences_ref = rt->qcache_ref = rt->hcache_ref = rt->mcache_ref = rt->text_ref = LUA_NOREF;
}

/* ---- per-document tables ---------------------------------------------------- */

static void drop(lua_State *L, int *ref)
{
    luaL_unref(L, LUA_REGISTRYINDEX, *ref);
    *ref = LUA_NOREF;
}

/* A new table of n array slots, referenced from the registry. */
static int new_table_ref(lua_State *L, size_t n)
{
    lua_createtable(L, n < INT_MAX ? (int)n : 0, 0);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

static int32_t rule_of_pattern(void *ud, uint32_t id)
{
    const rt_runtime *rt = ud;
    return rt->patterns[id].rule;
}

/* A new, empty cache of sentence objects. */
static void new_sentences_cache(rt_runtime *rt)
{
    drop(rt->L, &rt->sentences_ref);
    rt->sentences_ref = new_table_ref(rt->L, rt->an.nsent);
    size_t n = rt->an.nsent;
    if (n > rt->capsentence_obj) {
        const void **p = realloc(rt->sentence_obj, n * sizeof *p);
        if (p) {
            rt->sentence_obj = p;
            rt->capsentence_obj = n;
        }
    }
    /* without room, objects are known by their index field alone */
    rt->nsentence_obj = n <= rt->capsentence_obj ? n : 0;
    if (rt->nsentence_obj)
        memset(rt->sentence_obj, 0, n * sizeof *rt->sentence_obj);
}

void rt_api_new_caches(rt_runtime *rt)
{
    rt->hits_linked = an_link_hits(&rt->an, rule_of_pattern, rt, rt->nrules) == 0;
    rt->hit_sentence = SIZE_MAX;
    lua_State *L = rt->L;
    int *refs[] = {&rt->qcache_ref, &rt->hcache_ref, &rt->mcache_ref, &rt->text_ref};
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
        drop(L, refs[i]);
    new_sentences_cache(rt);
    rt->qcache_ref = new_table_ref(L, 0); /* quantities are read later (an_quantities) */
    rt->hcache_ref = new_table_ref(L, rt->an.nhits);
}

/* The most slots the last document's counts give a new one's tables. */
#define FACTS_HINT_MAX 1024

void rt_api_begin_document(rt_runtime *rt)
{
    lua_State *L = rt->L;
    /* Documents of a run are alike: the last one's counts size the new
     * tables, which then seldom grow (each growth moves every entry). */
    lua_Integer nfacts = rt->nfacts < FACTS_HINT_MAX ? rt->nfacts : FACTS_HINT_MAX;
    rt->facts_ref = new_table_ref(L, (size_t)nfacts);
    rt->doc_serial++;
    keyset_clear(&rt->seen);
    lua_createtable(L, 0, rt->nnames < FACTS_HINT_MAX ? rt->nnames : FACTS_HINT_MAX);
    rt->byname_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    rt->nfacts = 0;
    rt->nnames = 0;
    rt->doc_obj_ref = LUA_NOREF;
    rt->hit_sentence = SIZE_MAX;
}

/* The mentions are final.  The sentence objects are made afresh, so that
 * whatever a rule memoised per sentence object while mention rules still
 * ran (weak tables keyed by the sentence) is not taken for the final
 * answer.  (The mention tables stay: each is keyed by its mention's id.) */
void rt_api_mentions_settled(rt_runtime *rt)
{
    new_sentences_cache(rt);
}

void rt_api_end_document(rt_runtime *rt)
{
    int *refs[] = {&rt->facts_ref, &rt->byname_ref, &rt->sentences_ref, &rt->qcache_ref,
                   &rt->hcache_ref, &rt->mcache_ref, &rt->text_ref, &rt->doc_obj_ref};
    for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
        drop(rt->L, refs[i]);
    rt->nsentence_obj = 0;
}

/* ---- rule{...} ------------------------------------------------------------- */

static const char *const rule_fields[] = {
    "name", "keywords", "needs", "sentence", "document", "mentions", "description", NULL};

static void check_keywords(lua_State *L, int t)
{
    int type = lua_getfield(L, t, "keywords");
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    if (type != LUA_TTABLE)
        luaL_error(L, "rule: 'keywords' must be a list of strings");
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        if (lua_geti(L, -1, i) != LUA_TSTRING || lua_rawlen(L, -1) == 0)
            luaL_error(L, "rule: keywords[%d] must be a non-empty string", (int)i);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* The list of quantity kinds on top of the stack (num_kind_name's names)
 * as one bit per kind; 0 with *bad set to the first entry that names no
 * kind. */
static unsigned needs_bits(lua_State *L, lua_Integer *bad)
{
    unsigned bits = 0;
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
        int k = lua_geti(L, -1, i) == LUA_TSTRING ? num_kind_of_name(lua_tostring(L, -1)) : -1;
        lua_pop(L, 1);
        if (k < 0) {
            *bad = i;
            return 0;
        }
        bits |= 1u << k;
    }
    return bits;
}

unsigned rt_api_rule_needs(lua_State *L, int t)
{
    lua_Integer bad;
    unsigned bits = lua_getfield(L, t, "needs") == LUA_TTABLE ? needs_bits(L, &bad) : 0;
    lua_pop(L, 1);
    return bits;
}

/* needs: a non-empty list of quantity kinds. */
static void check_needs(lua_State *L, int t)
{
    int type = lua_getfield(L, t, "needs");
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    lua_Integer bad = 0;
    if (type != LUA_TTABLE || luaL_len(L, -1) == 0)
        luaL_error(L, "rule: 'needs' must be a non-empty list of quantity kinds");
    if (!needs_bits(L, &bad))
        luaL_error(L, "rule: needs[%d] is not a kind of quantity (number, percent, money, "
                      "ordinal, quantity, period, date, ident)", (int)bad);
    lua_pop(L, 1);
}

/* rule{...}: checks the table and returns it.  Errors point at the line
 * of the rule{} call in the rule's file. */
static int rule_ctor(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 1)) {
        if (lua_type(L, -2) != LUA_TSTRING || !in_list(rule_fields, lua_tostring(L, -2)))
            return luaL_error(L, "rule: unknown field '%s' (known: name, keywords, needs, sentence, document, mentions, description)",
                              lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
        lua_pop(L, 1);
    }
    if (lua_getfield(L, 1, "name") != LUA_TSTRING || !lua_tostring(L, -1)[0])
        return luaL_error(L, "rule: 'name' must be a non-empty string");
    check_keywords(L, 1);
    check_needs(L, 1);
    bool sentence = lua_getfield(L, 1, "sentence") == LUA_TFUNCTION;
    bool mentions = lua_getfield(L, 1, "mentions") == LUA_TFUNCTION;
    bool document = lua_getfield(L, 1, "document") == LUA_TFUNCTION;
    bool keywords = lua_getfield(L, 1, "keywords") == LUA_TTABLE && luaL_len(L, -1) > 0;
    if (!sentence && !mentions && !document)
        return luaL_error(L, "rule: needs a sentence, mentions or document function");
    if ((sentence || mentions) && !keywords)
        return luaL_error(L, "rule: a sentence or mentions rule needs keywords that wake it");
    if (!sentence && !mentions && lua_getfield(L, 1, "needs") != LUA_TNIL)
        return luaL_error(L, "rule: 'needs' only applies to sentence and mentions rules");
    lua_settop(L, 1);
    return 1;
}

void rt_api_install_rule_ctor(rt_runtime *rt, int env_index)
{
    (void)rt;
    lua_pushcfunction(rt->L, rule_ctor);
    lua_setfield(rt->L, env_index, "rule");
}

/* ---- facts for output ------------------------------------------------------- */

/* Field k of table t: raw when raw is set, through __index otherwise. */
static int from_field(lua_State *L, const rt_runtime *rt, int t, int k, bool raw)
{
    if (!raw)
        return get_field(L, rt, t, k);
    push_s(L, rt, k);
    return lua_rawget(L, t);
}

static const char *field_str(lua_State *L, const rt_runtime *rt, int t, int k, bool raw)
{
    from_field(L, rt, t, k, raw);
    const char *s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 1); /* the string stays alive: the fact table holds it */
    return s;
}

/* v as a JSON string ("" for NULL) at o; the room was checked. */
static char *put_cstr(char *o, const char *v)
{
    return json_put_string(o, v ? v : "", v ? strlen(v) : 0);
}

/* Whether the table at t is a fact: its __index (fact_origin_field) answers
 * for none of name, entity, period and value, so a raw get of those reads
 * what an indexed one would, without a call into C for each one absent. */
static bool is_fact(lua_State *L, const rt_runtime *rt, int t)
{
    if (!lua_getmetatable(L, t))
        return false;
    bool same = lua_topointer(L, -1) == rt->fact_mt; /* one table, one address */
    lua_pop(L, 1);
    return same;
}

/* The start of the fact at t.  A fact that does not hold it has it from
 * its origin, as its __index (fact_origin_field) would answer, without
 * the call into C; other tables go through their __index. */
static lua_Integer from_start(lua_State *L, const rt_runtime *rt, int t, bool raw)
{
    int type = from_field(L, rt, t, RT_S_START, raw);
    lua_Integer start = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (type != LUA_TNIL || !raw)
        return start;
    const rt_origin *o = rt->doc ? origin_of(L, rt, t) : NULL;
    if (!o)
        return 0;
    size_t oa, ob;
    original_span(rt, o, &oa, &ob, NULL, NULL);
    return (lua_Integer)oa;
}

/* `from` as JSON: the name, entity, period and value of each fact used,
 * in rt->json, which grows to hold however many there are.  Returns it,
 * or NULL when memory runs out. */
static const char *from_json(lua_State *L, rt_runtime *rt, int t)
{
    size_t used = 0;
    lua_pushvalue(L, t);
    lua_Integer count = list_len(L);
    lua_pop(L, 1);
    for (lua_Integer i = 1; i <= count; i++) {
        lua_geti(L, t, i);
        int f = lua_gettop(L);
        bool raw = is_fact(L, rt, f);
        char num[40] = "null";
        size_t numlen = 4;
        if (from_field(L, rt, f, RT_S_VALUE, raw) == LUA_TNUMBER)
            numlen = fact_format_number(lua_tonumber(L, -1), num, sizeof num);
        lua_pop(L, 1);
        const char *name = field_str(L, rt, f, RT_S_NAME, raw);
        const char *period = field_str(L, rt, f, RT_S_PERIOD, raw);
        const char *entity = field_str(L, rt, f, RT_S_ENTITY, raw);
        lua_Integer start = from_start(L, rt, f, raw);
        /* each string at most 6 bytes a byte, quoted; keys, number, start,
         * and the brackets */
        size_t need = 6 * ((name ? strlen(name) : 0) + (entity ? strlen(entity) : 0) +
                           (period ? strlen(period) : 0)) + numlen + 96;
        if (array_room((void **)&rt->json, &rt->jsoncap, used, need, 1)) {
            lua_pop(L, 1);
            return NULL;
        }
        char *o = rt->json + used;
        *o++ = i > 1 ? ',' : '[';
        memcpy(o, "{\"name\":", 8);
        o = put_cstr(o + 8, name);
        o = put_cstr(json_put_key(o, "entity"), entity);
        o = put_cstr(json_put_key(o, "period"), period);
        o = json_put_key(o, "value");
        memcpy(o, num, numlen);
        o = json_put_int(json_put_key(o + numlen, "start"), start);
        *o++ = '}';
        used = (size_t)(o - rt->json);
        lua_pop(L, 1);
    }
    if (array_room((void **)&rt->json, &rt->jsoncap, used, 3, 1))
        return NULL;
    memcpy(rt->json + used, count > 0 ? "]" : "[]", count > 0 ? 2 : 3);
    return rt->json;
}

/* The fields of f its table does not hold (a rule may set them after
 * emit), from its origin o. */
static void fill_origin(const rt_runtime *rt, const rt_origin *o, fact *f, unsigned held)
{
    if (!(held & 1u << FX_RULE)) f->rule = origin_name(rt, o, FX_RULE);
    if (!(held & 1u << FX_PACK)) f->pack = origin_name(rt, o, FX_PACK);
    if (!(held & 1u << FX_PACK_VERSION)) f->pack_version = origin_name(rt, o, FX_PACK_VERSION);
    size_t oa, ob, n;
    const char *text;
    original_span(rt, o, &oa, &ob, &text, &n);
    if (!(held & 1u << FX_TEXT)) {
        f->text = text;
        f->text_len = n;
    }
    if (!(held & 1u << FX_START)) f->start = oa;
    if (!(held & 1u << FX_END)) f->end = ob;
}

static int cmp_extra(const void *a, const void *b)
{
    return strcmp(((const fact_field *)a)->key, ((const fact_field *)b)->key);
}

/* The fact table at t as a C struct, in one pass over its fields.  The
 * strings stay alive while the fact table does, and `from` in rt->json
 * until the next call.  Returns 0, -1 when the table is no fact, 1 when it
 * has more than cap extra fields (a rule may add fields to the fact emit
 * returned): f->nextra then says how many, for a second call with room
 * for them all; or 2 when memory runs out. */
int rt_api_fact_to_c(rt_runtime *rt, int t, fact *f, fact_field *extra,
                     size_t cap)
{
    lua_State *L = rt->L;
    memset(f, 0, sizeof *f);
    f->doc = rt->doc->id;
    size_t n = 0;
    unsigned held = 0; /* 1 << FX_*: the fields the table holds itself */
    lua_Integer id = 0; /* _fact, as origin_of reads it */
    lua_pushnil(L);
    while (lua_next(L, t)) {
        size_t klen = 0, len = 0;
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &klen) : NULL;
        int fx = k ? fixed_field(k, klen) : FX_SKIP;
        if (fx == FX_SKIP) { /* a hidden _field, or doc: the value is not read */
            lua_pop(L, 1);
            continue;
        }
        held |= 1u << fx;
        int type = lua_type(L, -1);
        if (fx == FX_FACT) {
            id = type == LUA_TNUMBER ? lua_tointeger(L, -1) : 0;
            lua_pop(L, 1);
            continue;
        }
        const char *str = type == LUA_TSTRING ? lua_tolstring(L, -1, &len) : NULL;
        switch (fx) {
        case FX_NSTART: case FX_NSTOP: break; /* hidden, as the other _fields */
        case FX_PACK: f->pack = str; break;
        case FX_RULE: f->rule = str; break;
        case FX_PACK_VERSION: f->pack_version = str; break;
        case FX_KIND: f->kind = str; break;
        case FX_NAME: f->name = str; break;
        case FX_TEXT:
            f->text = str;
            f->text_len = len;
            break;
        case FX_START: f->start = (size_t)lua_tointeger(L, -1); break;
        case FX_END: f->end = (size_t)lua_tointeger(L, -1); break;
        case FX_VALUE:
            f->has_value = type == LUA_TNUMBER;
            f->value = lua_tonumber(L, -1);
            break;
        case FX_ENTITY: f->entity = str; break;
        case FX_UNIT: f->unit = str; break;
        case FX_PERIOD: f->period = str; break;
        case FX_QUALIFIER: f->qualifier = str; break;
        default:
            if (n++ < cap) {
                fact_field *x = &extra[n - 1];
                x->key = k;
                if (type == LUA_TTABLE && KEY_IS(k, klen, "from")) {
                    x->type = FACT_JSON;
                    if (!(x->str = from_json(L, rt, lua_gettop(L)))) {
                        lua_pop(L, 2); /* the value and the key */
                        return 2;
                    }
                } else if (type == LUA_TNUMBER) {
                    x->type = FACT_NUM;
                    x->num = lua_tonumber(L, -1);
                } else if (type == LUA_TBOOLEAN) {
                    x->type = FACT_BOOL;
                    x->boolean = lua_toboolean(L, -1);
                } else {
                    x->type = FACT_STR;
                    x->str = str;
                }
            }
        }
        lua_pop(L, 1);
    }
    f->nextra = n;
    if (n > cap)
        return 1;
    const rt_origin *o = origin_at(rt, id);
    if (o)
        fill_origin(rt, o, f, held);
    /* a fact's few extras: an insertion sort, not qsort's whole apparatus */
    array_sort_nearly(extra, n, sizeof *extra, cmp_extra);
    f->extra = extra;
    return f->kind && f->name ? 0 : -1;
}
