/*
 * pattern.c — Lua 5.4 string patterns with a step budget (pattern.h).
 *
 * Patterns need a backtracking matcher: a repetition tries its lengths
 * one by one against the rest of the pattern.  Every such try is one
 * level of C recursion ("attempt"), limited to 200 nested levels as in
 * Lua, so that the same patterns are "too complex" here and there; and
 * every try, and every subject byte tested, is charged to the budget.
 *
 * Where rules spend their time, searches are cheaper than a plain
 * backtracker: a pattern of plain text is looked for as text (memchr on
 * its last byte); a search skips ahead to where the pattern's first item
 * can match (memchr for a byte); and a repetition tries the rest of the
 * pattern only where the rest's first item matches.  These skip only
 * tries that would fail on their first item without touching a capture
 * or the recursion limit, so results and errors stay Lua's.
 */
#include "pattern.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include <lauxlib.h>

#include "find.h"

#define PAT_MAX_CAPTURES 32 /* as Lua's LUA_MAXCAPTURES */
#define PAT_MAX_DEPTH 200   /* nested attempts, as Lua's MAXCCALLS */
#define PAT_CHARGE_EVERY 4096 /* steps between two charges */
#define PAT_ATTEMPT_STEPS PAT_STEPS_PER_INSTR /* costs (pattern.h) */
#define PAT_TEST_STEPS PAT_STEPS_PER_INSTR

/* The len of a capture still open, and of a position capture "()". */
#define CAP_OPEN (-1)
#define CAP_POSITION (-2)

/* Shared by the four functions of one pat_install: where the charge
 * goes, and the steps not yet charged.  Steps carry over from call to
 * call, so that many short matches are charged too. */
typedef struct meter {
    pat_charge_fn *charge;
    unsigned long steps;
} meter;

typedef struct capture {
    const char *at;
    ptrdiff_t len; /* >= 0, CAP_OPEN or CAP_POSITION */
} capture;

typedef struct matcher {
    lua_State *L;
    const char *subj, *subj_end;
    const char *pat_end;
    int depth_left; /* attempts that may still nest */
    int ncap;
    unsigned long steps; /* not yet charged */
    meter *mt;
    capture cap[PAT_MAX_CAPTURES];
} matcher;

/* A single-character item (p..ep: a byte, '.', %x or a set) every match
 * must begin with; p NULL if unknown.  byte >= 0 when it is one byte. */
typedef struct guard {
    const char *p, *ep;
    int byte;
} guard;

/* How a pattern is searched for. */
typedef struct scan {
    const char *p;   /* the pattern, after a '^' that anchors it */
    int anchored;
    size_t litlen;   /* the pattern is plain text of this length; or 0 */
    guard first;
} scan;

static inline int uc(char c)
{
    return (unsigned char)c;
}

/* Bytes that can make a pattern more than text: SP_FIND for find's test
 * of whether to search for plain text (Lua's own list), SP_ANY for the
 * others, which also take ')' as special. */
enum { SP_FIND = 1, SP_ANY = 2 };
static const unsigned char specials[256] = {
    ['^'] = SP_FIND, ['$'] = SP_FIND | SP_ANY, ['*'] = SP_FIND | SP_ANY,
    ['+'] = SP_FIND | SP_ANY, ['?'] = SP_FIND | SP_ANY,
    ['.'] = SP_FIND | SP_ANY, ['('] = SP_FIND | SP_ANY,
    ['['] = SP_FIND | SP_ANY, ['%'] = SP_FIND | SP_ANY,
    ['-'] = SP_FIND | SP_ANY, [')'] = SP_ANY,
};

/* The SP_ bits of the bytes of p. */
static int specials_in(const char *p, size_t n)
{
    int bits = 0;
    for (size_t i = 0; i < n; i++)
        bits |= specials[uc(p[i])];
    return bits;
}

/* ---- the budget ------------------------------------------------------ */

static void pay(matcher *m)
{
    unsigned long instr = m->steps / PAT_STEPS_PER_INSTR;
    m->steps %= PAT_STEPS_PER_INSTR;
    if (m->mt->charge)
        m->mt->charge(m->L, instr);
}

/* n steps of work (pattern.h says what a step is). */
static inline void spend(matcher *m, size_t n)
{
    m->steps += n;
    if (m->steps >= PAT_CHARGE_EVERY)
        pay(m);
}

/* n subject bytes tested one by one against an item or a %b. */
static inline void spend_tests(matcher *m, size_t n)
{
    spend(m, n * PAT_TEST_STEPS);
}

/* n bytes gone through by memchr or memcmp, which take about a
 * sixteenth of a step each. */
static inline void spend_bulk(matcher *m, size_t n)
{
    spend(m, (n >> 4) + 1);
}

/* ---- single characters ------------------------------------------------ */

/* Does %cls match c?  An upper-case class letter is the complement; any
 * other character stands for itself.  (cls | 0x20 is the lower case of
 * an ASCII letter, and no other byte becomes a letter by it.) */
static int in_class(int cls, int c)
{
    int yes;
    switch (cls | 0x20) {
    case 'a': yes = isalpha(c); break;
    case 'c': yes = iscntrl(c); break;
    case 'd': yes = isdigit(c); break;
    case 'g': yes = isgraph(c); break;
    case 'l': yes = islower(c); break;
    case 'p': yes = ispunct(c); break;
    case 's': yes = isspace(c); break;
    case 'u': yes = isupper(c); break;
    case 'w': yes = isalnum(c); break;
    case 'x': yes = isxdigit(c); break;
    case 'z': yes = c == 0; break; /* deprecated, still in 5.4 */
    default: return cls == c;
    }
    return cls & 0x20 ? yes != 0 : yes == 0;
}

/* Does the set from p (its '[') to e (its ']') hold c? */
static int in_set(const char *p, const char *e, int c)
{
    int hit = 1;
    if (*++p == '^') {
        hit = 0;
        p++;
    }
    for (; p < e; p++) {
        if (*p == '%') {
            if (in_class(uc(*++p), c))
                return hit;
        } else if (p[1] == '-' && p + 2 < e) {
            if (uc(p[0]) <= c && c <= uc(p[2]))
                return hit;
            p += 2;
        } else if (uc(*p) == c) {
            return hit;
        }
    }
    return !hit;
}

/* Does the single-character item p..ep match c? */
static int item_has(const char *p, const char *ep, int c)
{
    switch (*p) {
    case '.': return 1;
    case '%': return in_class(uc(p[1]), c);
    case '[': return in_set(p, ep - 1, c);
    default: return uc(*p) == c;
    }
}

/* Where the single-character item at p ends.  In a set, the first member
 * may be ']' itself, and "%]" is a member. */
static const char *item_end(const matcher *m, const char *p)
{
    if (*p == '%') {
        if (p + 1 >= m->pat_end)
            luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 2;
    }
    if (*p != '[')
        return p + 1;
    const char *q = p + 1;
    if (q < m->pat_end && *q == '^')
        q++;
    for (;;) {
        if (q >= m->pat_end)
            luaL_error(m->L, "malformed pattern (missing ']')");
        if (*q++ == '%' && q < m->pat_end)
            q++;
        if (q < m->pat_end && *q == ']')
            return q + 1;
    }
}

static int allows_none(const matcher *m, const char *ep)
{
    return ep < m->pat_end && (*ep == '*' || *ep == '?' || *ep == '-');
}

/* ---- guards: what the rest of a pattern must begin with ---------------- */

static int open_captures(const matcher *m)
{
    int n = 0;
    for (int i = 0; i < m->ncap; i++)
        n += m->cap[i].len == CAP_OPEN;
    return n;
}

/* Skips the captures that open and close before the first item of the
 * pattern at q, as long as an attempt would pass them without an error
 * (too many captures, none to close, or too deep); NULL if it might not. */
static const char *past_parens(const matcher *m, const char *q)
{
    int open = open_captures(m), ncap = m->ncap, levels = 1;
    for (; q < m->pat_end && (*q == '(' || *q == ')'); q++, levels++) {
        if (levels >= m->depth_left)
            return NULL;
        if (*q == ')') {
            if (open-- == 0)
                return NULL;
        } else if (ncap++ == PAT_MAX_CAPTURES) {
            return NULL;
        } else if (q + 1 < m->pat_end && q[1] == ')') {
            q++; /* a position capture */
        } else {
            open++;
        }
    }
    return m->depth_left > 0 ? q : NULL;
}

/* The item every match of the pattern from q begins with, if an attempt
 * that fails on it would have done nothing else; else none. */
static guard lead_item(const matcher *m, const char *q)
{
    guard g = {NULL, NULL, -1};
    q = past_parens(m, q);
    if (!q || q >= m->pat_end || (*q == '$' && q + 1 == m->pat_end))
        return g;
    if (*q == '%' && (q + 1 == m->pat_end || q[1] == 'b' || q[1] == 'f' ||
                      isdigit(uc(q[1]))))
        return g;
    const char *ep = item_end(m, q);
    if (allows_none(m, ep))
        return g;
    g.p = q;
    g.ep = ep;
    if (*q == '%' && !isalnum(uc(q[1])))
        g.byte = uc(q[1]);
    else if (*q != '%' && *q != '[' && *q != '.')
        g.byte = uc(*q);
    return g;
}

static int guard_lets(const matcher *m, const guard *g, const char *s)
{
    return !g->p || (s < m->subj_end && item_has(g->p, g->ep, uc(*s)));
}

/* ---- matching --------------------------------------------------------- */

static const char *match_here(matcher *m, const char *s, const char *p);

/* Matches the pattern from p at s, one level deeper: the end of the
 * match, or NULL. */
static const char *attempt(matcher *m, const char *s, const char *p)
{
    if (m->depth_left-- == 0)
        luaL_error(m->L, "pattern too complex");
    spend(m, PAT_ATTEMPT_STEPS);
    const char *e = match_here(m, s, p);
    m->depth_left++;
    return e;
}

/* Item p..ep repeated as often as it matches from s, then as few times
 * as the rest of the pattern needs. */
static const char *greedy(matcher *m, const char *s, const char *p,
                          const char *ep)
{
    size_t n = 0;
    if (*p == '.')
        n = (size_t)(m->subj_end - s);
    else
        while (s + n < m->subj_end && item_has(p, ep, uc(s[n])))
            n++;
    spend_tests(m, n);
    guard g = lead_item(m, ep + 1);
    for (;; n--) {
        if (guard_lets(m, &g, s + n)) {
            const char *e = attempt(m, s + n, ep + 1);
            if (e)
                return e;
        }
        if (n == 0)
            return NULL;
    }
}

/* For ".-" followed by a byte: the next place the rest may match. */
static const char *lazy_dot_skip(matcher *m, const char *s, int byte)
{
    const char *hit = memchr(s, byte, (size_t)(m->subj_end - s));
    spend_bulk(m, (size_t)((hit ? hit : m->subj_end) - s));
    return hit;
}

/* Item p..ep repeated as few times as the rest of the pattern needs. */
static const char *lazy(matcher *m, const char *s, const char *p,
                        const char *ep)
{
    guard g = lead_item(m, ep + 1);
    int skip = *p == '.' && g.byte >= 0;
    for (;;) {
        if (skip && !(s = lazy_dot_skip(m, s, g.byte)))
            return NULL;
        if (guard_lets(m, &g, s)) {
            const char *e = attempt(m, s, ep + 1);
            if (e)
                return e;
        }
        if (s >= m->subj_end || !item_has(p, ep, uc(*s)))
            return NULL;
        s++;
        spend_tests(m, 1);
    }
}

static const char *open_capture(matcher *m, const char *s, const char *p,
                                ptrdiff_t kind)
{
    if (m->ncap >= PAT_MAX_CAPTURES)
        luaL_error(m->L, "too many captures");
    m->cap[m->ncap].at = s;
    m->cap[m->ncap].len = kind;
    m->ncap++;
    const char *e = attempt(m, s, p);
    if (!e)
        m->ncap--;
    return e;
}

static const char *close_capture(matcher *m, const char *s, const char *p)
{
    int i = m->ncap - 1;
    while (i >= 0 && m->cap[i].len != CAP_OPEN)
        i--;
    if (i < 0)
        luaL_error(m->L, "invalid pattern capture");
    m->cap[i].len = s - m->cap[i].at;
    const char *e = attempt(m, s, p);
    if (!e)
        m->cap[i].len = CAP_OPEN;
    return e;
}

/* %bxy at p (pointing at x). */
static const char *balanced(matcher *m, const char *s, const char *p)
{
    if (p + 1 >= m->pat_end)
        luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->subj_end || *s != p[0])
        return NULL;
    long open = 1;
    for (const char *t = s + 1; t < m->subj_end; t++) {
        if (*t == p[1]) {
            if (--open == 0) {
                spend_tests(m, (size_t)(t - s));
                return t + 1;
            }
        } else if (*t == p[0]) {
            open++;
        }
    }
    spend_tests(m, (size_t)(m->subj_end - s));
    return NULL;
}

/* %f[set] at *pp (its '%'): where the set starts to hold. */
static const char *frontier(matcher *m, const char *s, const char **pp)
{
    const char *set = *pp + 2;
    if (set >= m->pat_end || *set != '[')
        luaL_error(m->L, "missing '[' after '%%f' in pattern");
    const char *ep = item_end(m, set);
    int before = s > m->subj ? uc(s[-1]) : 0;
    int here = s < m->subj_end ? uc(*s) : 0;
    *pp = ep;
    return !in_set(set, ep - 1, before) && in_set(set, ep - 1, here) ? s
                                                                     : NULL;
}

/* %1 to %9 (and the invalid %0): the text capture d - '1' matched. */
static const char *backref(matcher *m, const char *s, int d)
{
    int i = d - '1';
    if (i < 0 || i >= m->ncap || m->cap[i].len == CAP_OPEN)
        luaL_error(m->L, "invalid capture index %%%d", i + 1);
    if (m->cap[i].len == CAP_POSITION)
        return NULL; /* a position is no text */
    size_t n = (size_t)m->cap[i].len;
    spend_bulk(m, n);
    if ((size_t)(m->subj_end - s) < n || memcmp(m->cap[i].at, s, n) != 0)
        return NULL;
    return s + n;
}

/* %b, %f or a back-reference at *pp (pointing at the '%'); moves *pp
 * past it. */
static const char *escape_item(matcher *m, const char *s, const char **pp)
{
    const char *p = *pp;
    if (p[1] == 'b') {
        s = balanced(m, s, p + 2);
        *pp = p + 4;
        return s;
    }
    if (p[1] == 'f')
        return frontier(m, s, pp);
    *pp = p + 2;
    return backref(m, s, uc(p[1]));
}

/* Matches the pattern from p at s, without going a level deeper except
 * where a repetition or capture needs to come back on failure. */
static const char *match_here(matcher *m, const char *s, const char *p)
{
    while (p < m->pat_end) {
        switch (*p) {
        case '(':
            if (p + 1 < m->pat_end && p[1] == ')')
                return open_capture(m, s, p + 2, CAP_POSITION);
            return open_capture(m, s, p + 1, CAP_OPEN);
        case ')':
            return close_capture(m, s, p + 1);
        case '$':
            if (p + 1 == m->pat_end)
                return s == m->subj_end ? s : NULL;
            break;
        case '%':
            if (p + 1 < m->pat_end && (p[1] == 'b' || p[1] == 'f' ||
                                       isdigit(uc(p[1])))) {
                if (!(s = escape_item(m, s, &p)))
                    return NULL;
                continue;
            }
            break;
        }
        const char *ep = item_end(m, p);
        int ok = s < m->subj_end && item_has(p, ep, uc(*s));
        if (allows_none(m, ep)) {
            if (ok && *ep != '?')
                return *ep == '*' ? greedy(m, s, p, ep) : lazy(m, s, p, ep);
            const char *e = ok ? attempt(m, s + 1, ep + 1) : NULL; /* x? */
            if (e)
                return e;
            p = ep + 1; /* on, with the item matching nothing */
        } else if (!ok) {
            return NULL;
        } else if (ep < m->pat_end && *ep == '+') {
            return greedy(m, s + 1, p, ep);
        } else {
            s++;
            p = ep;
        }
    }
    return s;
}

/* ---- searching -------------------------------------------------------- */

static void matcher_init(matcher *m, lua_State *L, const char *s, size_t sl,
                         const char *p, size_t pl, meter *mt)
{
    m->L = L;
    m->subj = s;
    m->subj_end = s + sl;
    m->pat_end = p + pl;
    m->depth_left = PAT_MAX_DEPTH;
    m->ncap = 0;
    m->mt = mt;
    m->steps = mt->steps;
}

/* At the end of a call: what was not charged yet waits for the next. */
static void matcher_done(matcher *m)
{
    m->mt->steps = m->steps;
}

/* anchors: a leading '^' anchors the pattern (everywhere but gmatch). */
static void scan_init(scan *sc, const char *p, size_t n, int anchors)
{
    sc->anchored = anchors && n > 0 && *p == '^';
    sc->p = p + sc->anchored;
    n -= (size_t)sc->anchored;
    sc->litlen = !sc->anchored && !(specials_in(sc->p, n) & SP_ANY) ? n : 0;
    sc->first.p = NULL;
    sc->first.byte = -2; /* not looked for yet */
}

/* The first place at or after s where the scan's first item matches, or
 * NULL.  The item is looked for only now, just before a first attempt
 * would meet it: a malformed one must raise its error then, not before. */
static const char *next_start(matcher *m, scan *sc, const char *s)
{
    if (sc->first.byte == -2) {
        m->ncap = 0;
        sc->first = lead_item(m, sc->p);
    }
    const guard *g = &sc->first;
    const char *from = s;
    if (!g->p)
        return s;
    if (g->byte >= 0) {
        s = memchr(s, g->byte, (size_t)(m->subj_end - s));
        spend_bulk(m, (size_t)((s ? s : m->subj_end) - from));
        return s;
    }
    while (s < m->subj_end && !item_has(g->p, g->ep, uc(*s)))
        s++;
    spend_tests(m, (size_t)(s - from));
    return s < m->subj_end ? s : NULL;
}

/* The first match at s or after (only at s if anchored) that does not
 * end at last: its end, with its start in *at; or NULL. */
static const char *search(matcher *m, scan *sc, const char *s,
                          const char *last, const char **at)
{
    if (sc->litlen) {
        size_t n = (size_t)(m->subj_end - s);
        *at = find_bytes(s, n, sc->p, sc->litlen);
        spend_bulk(m, *at ? (size_t)(*at - s) : n);
        return *at ? *at + sc->litlen : NULL;
    }
    for (;; s++) {
        if (!sc->anchored && !(s = next_start(m, sc, s)))
            return NULL;
        m->ncap = 0;
        const char *e = attempt(m, s, sc->p);
        if (e && e != last) {
            *at = s;
            return e;
        }
        if (sc->anchored || s == m->subj_end)
            return NULL;
    }
}

/* ---- results ---------------------------------------------------------- */

/* Pushes capture i of the match s..e; with no captures, capture 0 is the
 * whole match. */
static void push_capture(matcher *m, int i, const char *s, const char *e)
{
    lua_State *L = m->L;
    if (i >= m->ncap) {
        if (i != 0)
            luaL_error(L, "invalid capture index %%%d", i + 1);
        lua_pushlstring(L, s, (size_t)(e - s));
    } else if (m->cap[i].len == CAP_OPEN) {
        luaL_error(L, "unfinished capture");
    } else if (m->cap[i].len == CAP_POSITION) {
        lua_pushinteger(L, m->cap[i].at - m->subj + 1);
    } else {
        lua_pushlstring(L, m->cap[i].at, (size_t)m->cap[i].len);
    }
}

/* Pushes every capture, or the whole match s..e if there are none and s
 * is not NULL; returns how many values. */
static int push_captures(matcher *m, const char *s, const char *e)
{
    int n = m->ncap == 0 && s ? 1 : m->ncap;
    luaL_checkstack(m->L, n, "too many captures");
    for (int i = 0; i < n; i++)
        push_capture(m, i, s, e);
    return n;
}

/* ---- the library functions --------------------------------------------- */

/* A 1-based position argument as a 0-based offset (beyond len if it is). */
static size_t start_offset(lua_Integer pos, size_t len)
{
    if (pos > 0)
        return (size_t)pos - 1;
    if (pos == 0 || pos < -(lua_Integer)len)
        return 0;
    return len - (size_t)-pos;
}

static int push_found(lua_State *L, const char *s, size_t sl, size_t init,
                      const char *p, size_t pl)
{
    const char *hit = find_bytes(s + init, sl - init, p, pl);
    if (!hit) {
        luaL_pushfail(L);
        return 1;
    }
    lua_pushinteger(L, hit - s + 1);
    lua_pushinteger(L, (lua_Integer)(hit - s) + (lua_Integer)pl);
    return 2;
}

static int find_or_match(lua_State *L, int find)
{
    size_t sl, pl;
    const char *s = luaL_checklstring(L, 1, &sl);
    const char *p = luaL_checklstring(L, 2, &pl);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), sl);
    if (init > sl) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || !(specials_in(p, pl) & SP_FIND)))
        return push_found(L, s, sl, init, p, pl);
    matcher m;
    scan sc;
    const char *at;
    matcher_init(&m, L, s, sl, p, pl, lua_touserdata(L, lua_upvalueindex(1)));
    scan_init(&sc, p, pl, 1);
    const char *e = search(&m, &sc, s + init, NULL, &at);
    matcher_done(&m);
    if (!e) {
        luaL_pushfail(L);
        return 1;
    }
    if (!find)
        return push_captures(&m, at, e);
    lua_pushinteger(L, at - s + 1);
    lua_pushinteger(L, e - s);
    return push_captures(&m, NULL, NULL) + 2;
}

static int pat_find(lua_State *L)
{
    return find_or_match(L, 1);
}

static int pat_match(lua_State *L)
{
    return find_or_match(L, 0);
}

/* The state of one gmatch loop. */
typedef struct iter {
    matcher m;
    scan sc;
    const char *src, *last; /* where to go on; end of the last match */
    int done;
} iter;

/* Upvalues: subject, pattern (kept alive), the iter, the meter. */
static int gmatch_next(lua_State *L)
{
    iter *it = lua_touserdata(L, lua_upvalueindex(3));
    const char *at;
    if (it->done)
        return 0;
    it->m.L = L;
    it->m.steps = it->m.mt->steps;
    const char *e = search(&it->m, &it->sc, it->src, it->last, &at);
    matcher_done(&it->m);
    if (!e) {
        it->done = 1;
        return 0;
    }
    it->src = it->last = e;
    return push_captures(&it->m, at, e);
}

static int pat_gmatch(lua_State *L)
{
    size_t sl, pl;
    const char *s = luaL_checklstring(L, 1, &sl);
    const char *p = luaL_checklstring(L, 2, &pl);
    size_t init = start_offset(luaL_optinteger(L, 3, 1), sl);
    meter *mt = lua_touserdata(L, lua_upvalueindex(1));
    lua_settop(L, 2);
    iter *it = lua_newuserdatauv(L, sizeof *it, 0);
    matcher_init(&it->m, L, s, sl, p, pl, mt);
    scan_init(&it->sc, p, pl, 0);
    it->done = init > sl; /* starts after the end: no match at all */
    it->src = s + (it->done ? sl : init);
    it->last = NULL;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, gmatch_next, 4);
    return 1;
}

/* Appends capture i (of %1 to %9) of the match s..e. */
static void add_capture(matcher *m, luaL_Buffer *b, int i, const char *s,
                        const char *e)
{
    if (i < m->ncap && m->cap[i].len >= 0) {
        luaL_addlstring(b, m->cap[i].at, (size_t)m->cap[i].len);
    } else if (i == 0 && m->ncap == 0) {
        luaL_addlstring(b, s, (size_t)(e - s));
    } else {
        push_capture(m, i, s, e); /* a position, or an error */
        luaL_addvalue(b);
    }
}

/* Appends the replacement string (argument 3) for the match s..e. */
static void add_template(matcher *m, luaL_Buffer *b, const char *s,
                         const char *e)
{
    size_t n;
    const char *t = lua_tolstring(m->L, 3, &n), *end = t + n, *pc;
    while ((pc = memchr(t, '%', (size_t)(end - t))) != NULL) {
        luaL_addlstring(b, t, (size_t)(pc - t));
        int k = pc + 1 < end ? uc(pc[1]) : 0;
        if (k == '%')
            luaL_addchar(b, '%');
        else if (k == '0')
            luaL_addlstring(b, s, (size_t)(e - s));
        else if (isdigit(k))
            add_capture(m, b, k - '1', s, e);
        else
            luaL_error(m->L, "invalid use of '%c' in replacement string", '%');
        t = pc + 2;
    }
    luaL_addlstring(b, t, (size_t)(end - t));
}

/* Appends what replaces the match s..e (tr: the type of argument 3);
 * returns 0 if that is the match itself (a false or nil replacement). */
static int add_value(matcher *m, luaL_Buffer *b, const char *s, const char *e,
                     int tr)
{
    lua_State *L = m->L;
    if (tr == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        lua_call(L, push_captures(m, s, e), 1);
    } else if (tr == LUA_TTABLE) {
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
    } else {
        add_template(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) {
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)",
                          luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

static int pat_gsub(lua_State *L)
{
    size_t sl, pl;
    const char *s = luaL_checklstring(L, 1, &sl);
    const char *p = luaL_checklstring(L, 2, &pl);
    int tr = lua_type(L, 3);
    lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)sl + 1), n = 0;
    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING ||
                        tr == LUA_TFUNCTION || tr == LUA_TTABLE,
                     3, "string/function/table");
    matcher m;
    scan sc;
    luaL_Buffer b;
    const char *src = s, *last = NULL, *at, *e;
    int changed = 0;
    matcher_init(&m, L, s, sl, p, pl, lua_touserdata(L, lua_upvalueindex(1)));
    scan_init(&sc, p, pl, 1);
    luaL_buffinit(L, &b);
    while (n < max && (e = search(&m, &sc, src, last, &at)) != NULL) {
        luaL_addlstring(&b, src, (size_t)(at - src));
        n++;
        changed |= add_value(&m, &b, at, e, tr);
        src = last = e;
        if (sc.anchored)
            break;
    }
    matcher_done(&m);
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, src, (size_t)(m.subj_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

void pat_install(lua_State *L, int idx, pat_charge_fn *charge)
{
    static const luaL_Reg fns[] = {
        {"find", pat_find}, {"match", pat_match}, {"gmatch", pat_gmatch},
        {"gsub", pat_gsub}, {NULL, NULL}
    };
    lua_pushvalue(L, idx);
    meter *mt = lua_newuserdatauv(L, sizeof *mt, 0);
    mt->charge = charge;
    mt->steps = 0;
    luaL_setfuncs(L, fns, 1);
    lua_pop(L, 1);
}
