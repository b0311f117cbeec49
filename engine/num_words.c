/*
 * num_words.c — finding the words around a figure: units and scales after
 * it, currencies, qualifiers, change verbs and bases before it.  The word
 * lists live in num_vocab.c, grouped for speed, except the two tiny lists
 * of filler words.
 *
 * Matching rules shared by every list:
 *  - longest word wins (上升 before 升, 个百分点 before 个);
 *  - at most one space may separate a word from the figure, because
 *    English puts one there and some Chinese publications space digits
 *    from characters ("营收 17.4 亿元");
 *  - English words match in any case and only as whole words ("over" is
 *    not found inside "turnover");
 *  - a word may list neighbours that veto it: 约 after 违 is 违约
 *    (default), not "about"; 元 before 素 is 元素, not yuan.
 */
#include "num_int.h"

#include <string.h>
#include <uchar.h>

typedef num_word word;

#define ZH(s, a, p, f, c, v) {s, sizeof(s) - 1, false, a, p, f, c, v}
#define EN(s, a, p, f, c, v) {s, sizeof(s) - 1, true, a, p, f, c, v}
#define N(t) (sizeof(t) / sizeof((t)[0]))

/* ---- the short lists ---------------------------------------------------- */

/* Between verb and figure: 增长了21%, rose by 21%. */
static const word verb_fillers[] = {
    ZH("了", 0, 0, 0, NULL, NULL), ZH("达", 0, 0, 0, NULL, NULL),
    EN("by", 0, 0, 0, NULL, NULL),
};

/* Between basis and verb: 同比分别增长, 同比均下降. */
static const word basis_fillers[] = {
    ZH("分别", 0, 0, 0, NULL, NULL), ZH("均", 0, 0, 0, NULL, NULL),
    ZH("亦", 0, 0, 0, NULL, NULL),
};

/* ---- matchers -------------------------------------------------------- */

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Words are a few bytes long: a loop beats a call to memcmp. */
static bool same(const char *t, const word *w)
{
    size_t i = 0;
    if (!w->en) {
        while (i < w->len && t[i] == w->w[i]) i++;
    } else {
        while (i < w->len && lower((unsigned char)t[i]) == lower((unsigned char)w->w[i]))
            i++;
    }
    return i == w->len;
}

static size_t lead_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Bytes of the character at p, no more than the text holds. */
static size_t char_at(const num_src *src, size_t p)
{
    size_t n = lead_len((unsigned char)src->s[p]);
    return n <= src->len - p ? n : src->len - p;
}

/* Whether the character at t (n bytes) is in the veto list.  UTF-8 never
 * starts a character inside another, so equal bytes are the same
 * character. */
static bool vetoed(const char *t, size_t n, const char *veto)
{
    /* An ASCII byte in UTF-8 is always a whole character: one library
     * search instead of a step per character (the $ of R$ is vetoed by
     * any of 52 letters). */
    if (n == 1 && (unsigned char)t[0] < 0x80)
        return t[0] != '\0' && strchr(veto, t[0]) != NULL;
    for (const char *v = veto; *v;) {
        size_t vn = lead_len((unsigned char)*v);
        if (vn == n && v[0] == t[0] &&
            (n == 1 || (v[1] == t[1] && (n == 2 || (v[2] == t[2] && (n == 3 || v[3] == t[3]))))))
            return true;
        v += vn;
    }
    return false;
}

/* One byte that differs between most words of a group, tested before the
 * full comparison: words of a forward group share their first character,
 * words of a backward group their last. */
static bool quick_differs(const char *t, const word *w, size_t k)
{
    int a = (unsigned char)t[k], b = (unsigned char)w->w[k];
    return w->en ? lower(a) != lower(b) : a != b;
}

/* Longest of n words starting exactly at `at`. */
static const word *best_at(const num_src *src, size_t at, const word *tab,
                           size_t n, size_t *end)
{
    const word *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const word *w = &tab[i];
        size_t e = at + w->len;
        if (e > src->len || (best && w->len <= best->len)) continue;
        if (quick_differs(src->s + at, w, w->len - 1) || !same(src->s + at, w))
            continue;
        if (w->en && num_is_alpha((unsigned char)w->w[w->len - 1]) &&
            num_is_alpha(num_byte(src->s, src->len, e)))
            continue;
        if (w->veto && e < src->len && vetoed(src->s + e, char_at(src, e), w->veto))
            continue;
        best = w;
        *end = e;
    }
    return best;
}

/* Longest of n words ending exactly at `at`, no earlier than the floor. */
static const word *best_before(const num_src *src, size_t at, const word *tab,
                               size_t n, size_t *start)
{
    const word *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const word *w = &tab[i];
        if (w->len > at || at - w->len < src->floor) continue;
        if (best && w->len <= best->len) continue;
        size_t b = at - w->len;
        if (quick_differs(src->s + b, w, w->len > 4 ? w->len - 4 : 0) ||
            !same(src->s + b, w))
            continue;
        if (w->en && num_is_alpha((unsigned char)w->w[0]) && b > 0 &&
            num_is_alpha((unsigned char)src->s[b - 1]))
            continue;
        if (w->veto && b > 0) {
            size_t c = utf8_char_start(src->s, b - 1);
            if (vetoed(src->s + c, b - c, w->veto)) continue;
        }
        best = w;
        *start = b;
    }
    return best;
}

static uint32_t key(uint32_t cp) { return cp < 0x80 ? (uint32_t)lower((int)cp) : cp; }

/* A word of a list, or of a grouped list (group != NULL), at pos or after
 * one space. */
static const word *forward(const num_src *src, size_t pos, const word *tab,
                           size_t n, num_group (*group)(uint32_t), size_t *end)
{
    for (size_t at = pos; at <= pos + 1; at++) {
        size_t cn;
        if (at > pos && num_byte(src->s, src->len, pos) != ' ') break;
        if (group) {
            num_group g = group(key(num_cp(src->s, src->len, at, &cn)));
            tab = g.w;
            n = g.n;
        }
        const word *w = best_at(src, at, tab, n, end);
        if (w) return w;
    }
    return NULL;
}

/* A word ending at pos, or one space before it. */
static const word *backward(const num_src *src, size_t pos, const word *tab,
                            size_t n, num_group (*group)(uint32_t), size_t *start)
{
    for (size_t at = pos; at + 1 >= pos && at > 0; at--) {
        if (at < pos && src->s[at] != ' ') break;
        if (group) {
            num_group g = group(key(num_cp_before(src->s, at)));
            tab = g.w;
            n = g.n;
        }
        const word *w = best_before(src, at, tab, n, start);
        if (w) return w;
    }
    return NULL;
}

/* ---- what the rest of the scanner asks ------------------------------- */

bool num_unit_at(const num_src *src, size_t pos, num_unit_hit *u)
{
    size_t end;
    const word *w = forward(src, pos, NULL, 0, num_units_from, &end);
    if (w) {
        *u = (num_unit_hit){
            .kind = (num_unit_kind)w->a,
            .unit = w->code,
            .pow10 = w->pow10,
            .generic_yuan = w->flags & NUM_W_GENERIC,
            .qual = (w->flags & NUM_W_GT) ? NUM_Q_GT : NUM_Q_NONE,
            .end = end,
        };
        return true;
    }
    size_t at = num_byte(src->s, src->len, pos) == ' ' ? pos + 1 : pos, n;
    const char *c = num_counter_char(num_cp(src->s, src->len, at, &n));
    if (!c) return false;
    *u = (num_unit_hit){.kind = NUM_U_COUNT, .unit = c, .end = at + 3};
    return true;
}

int num_scale_en_at(const num_src *src, size_t pos, bool capital_ok,
                    size_t *end)
{
    /* every scale word and letter is a letter first (at pos, or after one
     * space): most figures are followed by something else, 亿 or % or a
     * comma, and are settled here */
    int first = num_byte(src->s, src->len, pos);
    if (first == ' ') first = num_byte(src->s, src->len, pos + 1);
    if (!num_is_alpha(first)) return 0;
    const word *w = forward(src, pos, NULL, 0, num_scales_from, end);
    if (w) return w->a;
    /* 12m, 5k: one letter, touching the figure; a capital only when the
     * caller allows it (3M, 4K are names) */
    int c = num_byte(src->s, src->len, pos);
    if (num_is_alpha(num_byte(src->s, src->len, pos + 1))) return 0;
    if (c == 'm' || (c == 'M' && capital_ok)) { *end = pos + 1; return 6; }
    if (c == 'k' || (c == 'K' && capital_ok)) { *end = pos + 1; return 3; }
    return 0;
}

size_t num_ordinal_suffix_at(const num_src *src, size_t pos)
{
    static const char *const sfx[] = {"st", "nd", "rd", "th"};
    int c = num_byte(src->s, src->len, pos);
    if (c != 's' && c != 'n' && c != 'r' && c != 't') return 0; /* most figures */
    if (pos + 2 > src->len || num_is_alpha(num_byte(src->s, src->len, pos + 2)))
        return 0;
    for (size_t i = 0; i < N(sfx); i++)
        if (memcmp(src->s + pos, sfx[i], 2) == 0) return pos + 2;
    return 0;
}

size_t num_qual_suffix_at(const num_src *src, size_t pos, num_qual *q)
{
    size_t end;
    const word *w = forward(src, pos, NULL, 0, num_quals_from, &end);
    if (!w) return 0;
    *q = (num_qual)w->a;
    return end;
}

size_t num_basis_suffix_at(const num_src *src, size_t pos, num_basis *b)
{
    size_t end;
    const word *w = forward(src, pos, NULL, 0, num_bases_from, &end);
    if (!w) return 0;
    *b = (num_basis)w->a;
    return end;
}

size_t num_range_sep_at(const num_src *src, size_t pos, int *sep)
{
    size_t end;
    const word *w = forward(src, pos, NULL, 0, num_seps_from, &end);
    if (!w) return 0;
    /* "to" needs spaces on both sides: 3 to 5, never 3to5 */
    if (w->en && (end == pos + w->len || num_byte(src->s, src->len, end) != ' '))
        return 0;
    if (num_byte(src->s, src->len, end) == ' ') end++;
    *sep = w->a;
    return end;
}

size_t num_between_before(const num_src *src, size_t pos)
{
    static const word between = EN("between", 0, 0, 0, NULL, NULL);
    size_t start;
    return best_before(src, pos > 0 && src->s[pos - 1] == ' ' ? pos - 1 : pos,
                       &between, 1, &start)
               ? start
               : pos;
}

/* ¥ is the yuan in Chinese text and the yen elsewhere: look for CJK
 * ideographs (UTF-8 lead bytes E4..E9) close by. */
static const char *yen_code(const num_src *src, size_t pos)
{
    size_t lo = pos > 48 ? pos - 48 : 0;
    size_t hi = pos + 48 < src->len ? pos + 48 : src->len;
    for (size_t i = lo; i < hi; i++) {
        unsigned char c = (unsigned char)src->s[i];
        if (c >= 0xE4 && c <= 0xE9) return "CNY";
    }
    return "JPY";
}

/* Whether some word of g ends at `at`, as bytes: a superset of what the
 * lookups accept (they also heed the floor, vetoes and word ends). */
static bool ends_at(const num_src *src, size_t at, const word *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (w[i].len <= at && same(src->s + at - w[i].len, &w[i])) return true;
    return false;
}

static bool group_ends_at(const num_src *src, size_t at, num_group g)
{
    return ends_at(src, at, g.w, g.n);
}

/* Whether k (a key) is the last character of a verb filler: 了 达 by.
 * Most characters before a figure are not, and are spared the list. */
static bool filler_last(uint32_t k)
{
    return k == u'了' || k == u'达' || k == 'y';
}

/* Signs, 有, and the words that may end right before a figure: a
 * currency, a qualifier, a verb or a verb's filler (了 达 by).  Most
 * characters before a figure end none (营收17.4亿元), and a few end
 * words only sometimes (为 of 约为 and 增幅为). */
unsigned num_prefix_words(const num_src *src, size_t pos)
{
    unsigned m = 0;
    for (size_t at = pos; at + 1 >= pos && at > src->floor; at--) {
        if (at < pos && src->s[at] != ' ') break;
        uint32_t k = key(num_cp_before(src->s, at));
        if (!num_prefix_key(k)) continue; /* ends no word of any kind */
        if (k == '-' || k == '+' || k == u'−') m |= NUM_PRE_SIGN;
        if (group_ends_at(src, at, num_currencies_to(k))) m |= NUM_PRE_CUR;
        if (k == u'有' || group_ends_at(src, at, num_quals_to(k))) m |= NUM_PRE_QUAL;
        if (group_ends_at(src, at, num_verbs_to(k)) ||
            (filler_last(k) && ends_at(src, at, verb_fillers, N(verb_fillers))))
            m |= NUM_PRE_VERB;
    }
    return m;
}

/* The ASCII keys (lower case) of num_seps_from, num_quals_from and
 * num_bases_from: the comma or full stop after most figures is settled
 * without the three lookups.  test_num's test_suffix_ascii checks this
 * against the lists. */
static bool suffix_ascii_key(int k)
{
    switch (k) {
    case '-': case '~': case 't': case 'a': /* 3-5, 3~5, 3 to 5, and */
    case 'o':                               /* or more, or so */
    case 'y': case 'f': case 'q': case 's': /* yoy, from a year…, q/q, sequentially */
        return true;
    default:
        return false;
    }
}

bool num_suffix_possible(const num_src *src, size_t pos)
{
    for (size_t at = pos; at <= pos + 1 && at < src->len; at++) {
        size_t n;
        if (at > pos && src->s[pos] != ' ') break;
        unsigned char b = (unsigned char)src->s[at];
        if (b < 0x80) {
            if (suffix_ascii_key(lower(b))) return true;
            continue;
        }
        uint32_t k = num_cp(src->s, src->len, at, &n);
        if (num_seps_from(k).n || num_quals_from(k).n || num_bases_from(k).n)
            return true;
    }
    return false;
}

size_t num_currency_before(const num_src *src, size_t pos, const char **code)
{
    size_t start;
    const word *w = backward(src, pos, NULL, 0, num_currencies_to, &start);
    if (!w) return pos;
    *code = (w->flags & NUM_W_YEN) ? yen_code(src, start) : w->code;
    return start;
}

size_t num_qual_before(const num_src *src, size_t pos, num_qual *q, bool *near)
{
    size_t start;
    const word *w = backward(src, pos, NULL, 0, num_quals_to, &start);
    if (!w) return pos;
    *q = (num_qual)w->a;
    *near = w->flags & NUM_W_NEAR;
    return start;
}

size_t num_verb_before(const num_src *src, size_t pos, num_change *ch)
{
    size_t start, f = pos;
    uint32_t k = pos > src->floor ? key(num_cp_before(src->s, pos)) : 0;
    bool filler = filler_last(k) || k == ' ';
    if (filler && backward(src, pos, verb_fillers, N(verb_fillers), NULL, &start))
        f = start;
    const word *w = backward(src, f, NULL, 0, num_verbs_to, &start);
    if (!w && f != pos) w = backward(src, pos, NULL, 0, num_verbs_to, &start);
    if (!w) return pos;
    *ch = (num_change)w->a;
    return start;
}

size_t num_basis_before(const num_src *src, size_t pos, num_basis *b)
{
    size_t start, f = pos;
    num_src wide = *src;
    const num_quantity *p = src->prev;
    /* 较上年同期增长15%: the period reader has already taken 上年同期, yet
     * the words still say yoy.  The basis may reach back over that period
     * (and the 较 before it); the span stays after it. */
    if (p && p->kind == NUM_PERIOD && p->end == src->floor)
        wide.floor = p->start >= 6 ? p->start - 6 : 0;
    uint32_t k = pos > src->floor ? num_cp_before(src->s, pos) : 0;
    if ((k == u'别' || k == u'均' || k == u'亦' || k == ' ') &&
        backward(src, pos, basis_fillers, N(basis_fillers), NULL, &start))
        f = start; /* the fillers end in 别 均 亦, perhaps before a space */
    const word *w = backward(&wide, f, NULL, 0, num_bases_to, &start);
    if (!w) return pos;
    *b = (num_basis)w->a;
    return start < src->floor ? src->floor : start;
}

bool num_time_word_at(const num_src *src, size_t pos)
{
    size_t n, n2;
    if (num_byte(src->s, src->len, pos) == ' ') pos++;
    uint32_t cp = num_cp(src->s, src->len, pos, &n);
    switch (cp) {
    case u'年': case u'月': case u'日': case u'天': case u'周': case u'季':
    case u'期': case u'星':
        return true;
    case u'个': {
        uint32_t c2 = num_cp(src->s, src->len, pos + n, &n2);
        return c2 == u'月' || c2 == u'季' || c2 == u'星' || c2 == u'小';
    }
    default:
        return false;
    }
}
