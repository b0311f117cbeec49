/*
 * num_core.c — the figure at the heart of a quantity: what the number is,
 * before any unit, currency or qualifier is attached (num_quant.c does
 * that).
 *
 * One reader handles Arabic digits, Chinese numerals and their mixtures,
 * because news mixes them freely: 1,100万, 3万4000, 25万6千, 13万2, 14万一,
 * 一万五千亿, 1.2万亿.  It walks atoms left to right — a figure (Arabic
 * literal or Chinese digit), a small unit (十百千), a large unit (万亿), 零,
 * 点, 几, 多/余 — keeping the classic three accumulators of Chinese
 * numerals: total (亿 groups), wan (the 万 group) and sec (below 万).
 *
 * Approximate figures (两三, 三十几) are ranges, so the reader keeps two
 * accumulators, lo and hi, that see the same atoms and part only where the
 * text is vague: 三十几万 is lo 300000, hi 400000.
 */
#include "num_int.h"
#include "period.h"

#include <uchar.h>

int num_cn_digit(uint32_t cp)
{
    switch (cp) {
    case u'零': case u'〇': return 0;
    case u'一': case u'壹': return 1;
    case u'二': case u'两': case u'贰': case u'貳': case u'兩': return 2;
    case u'三': case u'叁': case u'參': return 3;
    case u'四': case u'肆': return 4;
    case u'五': case u'伍': return 5;
    case u'六': case u'陆': case u'陸': return 6;
    case u'七': case u'柒': return 7;
    case u'八': case u'捌': return 8;
    case u'九': case u'玖': return 9;
    default: return -1;
    }
}

int num_cn_unit(uint32_t cp)
{
    switch (cp) {
    case u'十': case u'拾': return 1;
    case u'百': case u'佰': return 2;
    case u'千': case u'仟': return 3;
    case u'万': case u'萬': return 4;
    case u'亿': case u'億': return 8;
    default: return 0;
    }
}

/* ---- Arabic literals ----------------------------------------------------- */

typedef struct {
    num_dec v;
    size_t end;
    int int_digits, frac_digits;
    bool grouped;
} arabic;

static size_t digit_run(const char *s, size_t len, size_t p)
{
    while (p < len && num_is_digit((unsigned char)s[p])) p++;
    return p;
}

/* Thousands groups after the first run: sep then exactly three digits. */
static size_t groups(const char *s, size_t len, size_t p, char sep)
{
    while (num_byte(s, len, p) == sep && digit_run(s, len, p + 1) == p + 4)
        p += 4;
    return p;
}

static void push_digit(int64_t *m, int32_t *e, int d, bool frac)
{
    if (*m < 100000000000000000LL) { /* keep 18 digits, drop the rest */
        *m = *m * 10 + d;
        if (frac) (*e)--;
    } else if (!frac) {
        (*e)++;
    }
}

/* 1234, 1,234,567, 1 234 567, 12.5.  A space groups digits only after a
 * first run of one to three digits and before runs of exactly three, with
 * no comma grouping: the one reading where "1 234" cannot be two numbers
 * that happen to stand side by side. */
static bool arabic_read(const char *s, size_t len, size_t pos, arabic *a)
{
    int64_t m = 0;
    int32_t e = 0;
    size_t p = pos;
    /* the first run is summed as it is found: most figures are nothing
     * more */
    while (p < len && num_is_digit((unsigned char)s[p])) {
        push_digit(&m, &e, s[p] - '0', false);
        p++;
    }
    if (p == pos) return false;
    size_t end = p;
    if (p - pos <= 3) {
        end = groups(s, len, p, ',');
        if (end == p) end = groups(s, len, p, ' ');
    }
    *a = (arabic){.grouped = end != p, .int_digits = (int)(p - pos)};
    for (size_t i = p; i < end; i++) {
        if (!num_is_digit((unsigned char)s[i])) continue;
        push_digit(&m, &e, s[i] - '0', false);
        a->int_digits++;
    }
    if (num_byte(s, len, end) == '.' && num_is_digit(num_byte(s, len, end + 1))) {
        size_t f = digit_run(s, len, end + 1);
        for (size_t i = end + 1; i < f; i++) push_digit(&m, &e, s[i] - '0', true);
        a->frac_digits = (int)(f - end - 1);
        end = f;
    }
    a->v = num_dec_make(m, e);
    a->end = end;
    return true;
}

/* ---- Chinese numerals and mixtures -------------------------------------- */

typedef struct {
    num_dec total, wan, sec, pend;
} acc;

typedef struct {
    const num_src *src;
    num_core *c;
    acc lo, hi;       /* hi is kept only once the figure turns vague */
    int sides;        /* 1, or 2 from then on */
    bool started, has_pend, pend_single, wan_set, zero, just_arabic;
    bool trail_zero;  /* the last atom read was 零 */
    bool point;       /* a Chinese decimal point was read (三点五) */
    bool pair_last;   /* the last atom completed a pair (十四五) */
    bool any_figure, any_unit, any_big;
    int digit;        /* the pending Chinese digit (for 两三), or -1 */
    int last_small;   /* 十百千 seen in this section: they must descend */
    int last_unit;    /* the last unit applied: 三万五 means 3.5万 */
    int tail;         /* units since the last figure: 5千万 → 7 */
    int tail_big;     /* 万/亿 part of tail */
    size_t zero_at;   /* where a trailing 零 began: not ours if it ends us */
} cn_state;

static acc *side(cn_state *st, int k) { return k ? &st->hi : &st->lo; }

/* From here on lo and hi differ (两三, 三十几): hi starts as a copy. */
static void go_vague(cn_state *st)
{
    if (st->sides == 2) return;
    st->hi = st->lo;
    st->sides = 2;
    st->c->range = true;
}

static num_dec acc_sum(const acc *a)
{
    return num_dec_add(num_dec_add(a->total, a->wan),
                       num_dec_add(a->sec, a->pend));
}

static void set_pend(cn_state *st, num_dec lo, num_dec hi, bool single)
{
    st->lo.pend = lo;
    st->hi.pend = hi;
    st->has_pend = true;
    st->pend_single = single;
    st->started = st->any_figure = true;
    st->tail = st->tail_big = 0;
}

static bool is_pair(int a, int b)
{
    return (a >= 1 && b == a + 1) || (a == 3 && b == 5);
}

static size_t step_arabic(cn_state *st, size_t p)
{
    const num_src *src = st->src;
    arabic a;
    if (st->started) {
        /* Only the 4000 of 3万4000 (or 1亿零500万): an integer below the
         * unit just passed, and not the year of a period (1.5万2024年). */
        num_quantity scratch;
        if (st->last_unit < 4 || st->has_pend) return 0;
        if (period_match(src->s, src->len, p, src->ctx, &scratch)) return 0;
        if (!arabic_read(src->s, src->len, p, &a) || a.frac_digits || a.grouped)
            return 0;
        if (a.int_digits > st->last_unit) return 0;
    } else {
        if (!arabic_read(src->s, src->len, p, &a)) return 0;
        st->c->arabic = true;
        st->c->int_digits = a.int_digits;
        st->c->frac_digits = a.frac_digits;
        st->just_arabic = true;
    }
    set_pend(st, a.v, a.v, a.int_digits == 1 && a.frac_digits == 0);
    st->digit = -1;
    return a.end;
}

static size_t step_digit(cn_state *st, size_t p, size_t n, int d)
{
    if (st->has_pend) {
        if (st->digit >= 0 && !st->c->range && is_pair(st->digit, d)) {
            go_vague(st);
            st->hi.pend = num_dec_make(d, 0);
            st->pair_last = true;
            st->digit = d;
            return p + n;
        }
        st->c->blocked = true; /* 三一, 统一零售: not a number */
        return 0;
    }
    if (d == 0 && st->started) { /* 一千零五: 零 only keeps places */
        if (!st->trail_zero) st->zero_at = p;
        st->zero = st->trail_zero = true;
        return p + n;
    }
    set_pend(st, num_dec_make(d, 0), num_dec_make(d, 0), true);
    st->digit = d;
    return p + n;
}

/* 十百千 that belong to a following word, not to the figure: 100千瓦 is
 * 100 kW, 3百分点 is 3 pp. */
static bool unit_is_word(const num_src *src, size_t after, int u)
{
    size_t n;
    uint32_t cp = num_cp(src->s, src->len, after, &n);
    if (u == 3) return cp == u'瓦' || cp == u'米' || cp == u'克' || cp == u'帕';
    if (u == 2) return cp == u'分';
    return false;
}

static size_t step_small(cn_state *st, size_t p, size_t n, int u)
{
    if (unit_is_word(st->src, p + n, u) || st->point) return 0; /* 三点五十分 */
    if (st->has_pend) {
        if (st->last_small && u >= st->last_small) return 0;
        for (int k = 0; k < st->sides; k++)
            side(st, k)->sec = num_dec_add(side(st, k)->sec,
                                           num_dec_shift(side(st, k)->pend, u));
    } else if (!st->started) {
        st->lo.sec = st->hi.sec = num_dec_make(1, u); /* 十二, 百万 */
    } else {
        return 0;
    }
    st->lo.pend = st->hi.pend = num_dec_make(0, 0);
    st->has_pend = st->zero = false;
    st->started = st->any_unit = true;
    st->last_small = st->last_unit = u;
    st->tail += u;
    st->digit = -1;
    return p + n;
}

static bool section_empty(const cn_state *st)
{
    return !st->has_pend && st->lo.sec.m == 0 && st->hi.sec.m == 0;
}

static size_t step_big(cn_state *st, size_t p, size_t n, int u)
{
    const num_src *src = st->src;
    size_t n2;
    if (!st->started) {
        /* 万亿 alone is a number (10^12); 万 alone never is (万一, 万科). */
        if (u != 4 || num_cn_unit(num_cp(src->s, src->len, p + n, &n2)) != 8)
            return 0;
        st->lo.sec = st->hi.sec = num_dec_make(1, 0);
        st->started = true;
    }
    if (u == 4) {
        if (st->wan_set || section_empty(st)) return 0; /* 万万, 亿万 */
        for (int k = 0; k < st->sides; k++) {
            acc *a = side(st, k);
            a->wan = num_dec_shift(num_dec_add(a->sec, a->pend), 4);
            a->sec = a->pend = num_dec_make(0, 0);
        }
        st->wan_set = true;
    } else {
        if (section_empty(st) && !st->wan_set) return 0; /* 亿亿 */
        for (int k = 0; k < st->sides; k++) {
            acc *a = side(st, k);
            a->total = num_dec_shift(acc_sum(a), 8);
            a->wan = a->sec = a->pend = num_dec_make(0, 0);
        }
        st->wan_set = false;
    }
    st->has_pend = st->zero = false;
    st->any_unit = st->any_big = true;
    st->last_small = 0;
    st->last_unit = u;
    st->tail += u;
    st->tail_big += u;
    st->digit = -1;
    return p + n;
}

/* 三点五: the Chinese decimal point, only with Chinese digits after it. */
static size_t step_point(cn_state *st, size_t p, size_t n)
{
    const num_src *src = st->src;
    size_t q = p + n, dn;
    int64_t m = 0;
    int32_t e = 0;
    int d;
    if (st->c->range || (section_empty(st) && !st->any_unit)) return 0;
    while ((d = num_cn_digit(num_cp(src->s, src->len, q, &dn))) >= 0) {
        push_digit(&m, &e, d, true);
        q += dn;
    }
    if (q == p + n) return 0;
    num_dec v = num_dec_add(num_dec_add(st->lo.sec, st->lo.pend),
                            num_dec_make(m, e));
    st->lo.sec = st->hi.sec = num_dec_make(0, 0);
    set_pend(st, v, v, false);
    st->last_small = 0;
    st->point = true;
    st->c->integer = false;
    st->digit = -1;
    return q;
}

/* 三十几: some number of ones after 十 — 30 to 40. */
static size_t step_ji(cn_state *st, size_t p, size_t n)
{
    if (st->has_pend || st->last_small != 1 || st->c->range) return 0;
    go_vague(st);
    st->hi.sec = num_dec_add(st->hi.sec, num_dec_make(10, 0));
    st->c->approx = true;
    st->tail = st->tail_big = 0;
    return p + n;
}

/* 一千多万, 10余家: "more than" inside the figure. */
static size_t step_more(cn_state *st, size_t p, size_t n, uint32_t cp)
{
    const num_src *src = st->src;
    size_t n2, n3;
    uint32_t next = num_cp(src->s, src->len, p + n, &n2);
    uint32_t next2 = num_cp(src->s, src->len, p + n + n2, &n3);
    if (!st->started || st->c->qual != NUM_Q_NONE || st->zero) return 0;
    if (cp == u'余' && next == u'额') return 0;                      /* 余额 */
    if (cp == u'多' && (next == u'少' || (next == u'元' && next2 == u'化')))
        return 0;                                                   /* 多少, 多元化 */
    st->c->qual = NUM_Q_GT;
    st->pend_single = false; /* 三万多: not 3.x万 */
    return p + n;
}

static size_t step(cn_state *st, size_t p)
{
    const num_src *src = st->src;
    int b = num_byte(src->s, src->len, p);
    bool after_arabic = st->just_arabic;
    size_t n;
    st->just_arabic = false;
    if (num_is_digit(b)) return step_arabic(st, p);
    if (b == ' ' && after_arabic) { /* 17.4 亿: spacing between scripts */
        uint32_t cp = num_cp(src->s, src->len, p + 1, &n);
        int u = num_cn_unit(cp);
        return u >= 4 ? step_big(st, p + 1, n, u) : 0;
    }
    uint32_t cp = num_cp(src->s, src->len, p, &n);
    int d = num_cn_digit(cp);
    if (d >= 0) return step_digit(st, p, n, d);
    int u = num_cn_unit(cp);
    if (u >= 1 && u <= 3) return step_small(st, p, n, u);
    if (u >= 4) return step_big(st, p, n, u);
    switch (cp) {
    case u'点': return step_point(st, p, n);
    case u'几': return step_ji(st, p, n);
    case u'多': case u'余': return step_more(st, p, n, cp);
    default: return 0;
    }
}

/* 三万五 is 35000, 13万2 is 132000: a lone digit after a unit fills the
 * next place down. */
static void abbreviation(cn_state *st)
{
    if (!st->has_pend || !st->pend_single || st->zero || st->last_unit < 2)
        return;
    for (int k = 0; k < st->sides; k++)
        side(st, k)->pend = num_dec_shift(side(st, k)->pend, st->last_unit - 1);
}

static void finish(cn_state *st, size_t end)
{
    num_core *c = st->c;
    const num_src *src = st->src;
    size_t n;
    if (st->trail_zero) end = st->zero_at; /* 1万零售: 零 starts a word */
    abbreviation(st);
    c->end = end;
    c->lo = acc_sum(&st->lo);
    c->hi = c->range ? acc_sum(&st->hi) : c->lo;
    c->bare = c->chinese && !c->arabic && !st->any_unit && !st->point;
    c->pair_end = st->pair_last && st->has_pend;
    c->unit_only = !st->any_figure;
    c->scale = st->has_pend ? 0 : st->tail;
    c->scale_big = st->has_pend ? 0 : st->tail_big;
    c->has_units = st->any_unit;
    c->has_big = st->any_big;
    uint32_t cp = num_cp(src->s, src->len, c->start, &n);
    c->yi = c->start + n == end && (cp == u'一' || cp == u'壹');
}

/* The usual case, 21% or 17.4亿: an Arabic literal, perhaps with 万, 亿 or
 * 万亿, and nothing numeral after it.  Anything else takes the full reader. */
static bool plain_arabic(const num_src *src, size_t pos, num_core *c)
{
    arabic a;
    size_t p, n;
    int scale = 0, u;
    if (!arabic_read(src->s, src->len, pos, &a)) return false;
    p = a.end;
    if (num_byte(src->s, src->len, p) == ' ' &&
        num_cn_unit(num_cp(src->s, src->len, p + 1, &n)) >= 4)
        p++; /* 17.4 亿 */
    while ((u = num_cn_unit(num_cp(src->s, src->len, p, &n))) >= 4 &&
           (scale == 0 || (scale == 4 && u == 8))) {
        scale += u;
        p += n;
    }
    uint32_t cp = num_cp(src->s, src->len, p, &n);
    if (num_cn_digit(cp) >= 0 || num_cn_unit(cp) || cp == u'点' || cp == u'几' ||
        cp == u'多' || cp == u'余' || (cp < 0x80 && num_is_digit((int)cp)))
        return false;
    if (scale == 0) p = a.end;
    *c = (num_core){
        .start = pos, .end = p, .arabic = true, .chinese = scale > 0,
        .integer = a.frac_digits == 0, .has_units = scale > 0,
        .has_big = scale > 0, .scale = scale, .scale_big = scale,
        .int_digits = a.int_digits, .frac_digits = a.frac_digits,
    };
    c->lo = c->hi = num_dec_shift(a.v, scale);
    return true;
}

bool num_core_read(const num_src *src, size_t pos, num_core *c)
{
    if (num_is_digit(num_byte(src->s, src->len, pos)) && plain_arabic(src, pos, c))
        return true;
    cn_state st = {.src = src, .c = c, .digit = -1, .sides = 1};
    *c = (num_core){.start = pos, .integer = true};
    st.lo.total = st.lo.wan = st.lo.sec = st.lo.pend = num_dec_make(0, 0);
    st.hi = st.lo;
    size_t p = pos, q;
    for (;;) {
        bool trail = st.trail_zero, pair = st.pair_last;
        st.trail_zero = st.pair_last = false;
        if ((q = step(&st, p)) == 0) {
            st.trail_zero = trail;
            st.pair_last = pair;
            break;
        }
        if (!num_is_digit(num_byte(src->s, src->len, p))) c->chinese = true;
        p = q;
    }
    if (!st.started || p == pos) return false;
    if (c->arabic && c->frac_digits) c->integer = false;
    finish(&st, p);
    return c->end > pos;
}
