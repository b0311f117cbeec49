/*
 * num_range.c — the second end of a range: 3至5亿元, 3-5%, 3 to 5 billion,
 * between $3 and $5 billion.
 *
 * num_quant.c has read the first end (figure, scale, unit); here a
 * separator and a second figure of the same kind turn it into low..high.
 * The ends share what only one of them states: 3至5亿元 is 300000000 to
 * 500000000 CNY, the 3 borrowing 亿 and 元 from the 5.
 */
#include "num_int.h"
#include "period.h"

#include <string.h>

/* What one end of a range says it is: a unit, a currency, or nothing. */
typedef struct {
    int kind;           /* num_unit_kind, or -1 for nothing */
    const char *unit;
    int pow10;
} end_sig;

/* A bare 元 is money in whatever currency the other end names (港币3亿至
 * 5亿元): its unit is left NULL. */
static end_sig sig_of(const num_unit_hit *u, const char *cur)
{
    if (u && u->kind == NUM_U_MONEY)
        return (end_sig){NUM_U_MONEY, !u->generic_yuan ? u->unit : cur, 0};
    if (u) return (end_sig){(int)u->kind, u->unit, u->pow10};
    if (cur) return (end_sig){NUM_U_MONEY, cur, 0};
    return (end_sig){-1, "", 0};
}

/* Both ends state the same thing, or one end states nothing and shares
 * the other's (3至5亿元): rose 2.5% to HK$380 is no range. */
static bool same_kind(const num_unit_hit *lu, const char *lcur,
                      const num_unit_hit *ru, const char *rcur)
{
    end_sig l = sig_of(lu, lcur), r = sig_of(ru, rcur);
    if (l.kind < 0 || r.kind < 0) return true;
    if (l.kind != r.kind || l.pow10 != r.pow10) return false;
    return !l.unit || !r.unit || strcmp(l.unit, r.unit) == 0;
}

/* The low end borrows the high end's scale: 3至5亿 is 3亿 to 5亿, 三十至
 * 五十万 is 30万 to 50万. */
static int inherited_scale(const num_side *L, const num_side *R)
{
    if (R->en_scale && !L->en_scale && !L->core.has_units) return R->en_scale;
    if (!L->core.has_units) return R->core.scale;
    if (!L->core.has_big) return R->core.scale_big;
    return 0;
}

/* The second end as read: its figure, and the currency and sign before
 * it. */
typedef struct {
    num_side side;
    const char *cur;
    bool neg;
} high_end;

/* The second end: an optional currency and sign, then a figure that is not
 * the start of a period.  The currency is found as a prefix of that figure
 * (looking back no further than p), so one list serves both ends. */
static bool read_high_end(const num_src *src, size_t p, high_end *h)
{
    num_quantity scratch;
    num_src at = *src;
    num_prefix pf = {0};
    size_t q = p, n;
    while (q < src->len && q < p + 8 && !num_figure_start(src, q)) {
        num_cp(src->s, src->len, q, &n);
        q += n;
    }
    if (q >= src->len || !num_figure_start(src, q)) return false;
    at.floor = p;
    size_t b = num_sign_before(&at, q, &pf);
    b = num_currency_before(&at, b, &pf.cur);
    if (!pf.neg && !pf.plus) b = num_sign_before(&at, b, &pf);
    if (b != p || period_match(src->s, src->len, q, src->ctx, &scratch))
        return false;
    h->cur = pf.cur;
    h->neg = pf.neg;
    const num_side *R = &h->side;
    if (!num_read_side(src, q, &h->side)) return false;
    return !R->core.range && !R->core.blocked && !R->alnum && !R->ordinal;
}

/* The unit the whole range takes, or NULL: the one stated, and of two the
 * more specific (3亿美元至5亿元 is in dollars). */
static const num_unit_hit *shared_unit(const num_build *b, const num_side *R)
{
    if (!R->has_unit) return b->L.has_unit ? &b->L.u : NULL;
    if (R->u.generic_yuan && b->L.has_unit) return &b->L.u;
    return &R->u;
}

/* Low and high in base units, or false if low is not below high.  The low
 * end borrows the high end's scale unless that makes it the larger (500至
 * 2万: the 500 keeps its own). */
static bool range_values(const num_build *b, const high_end *h, int pow,
                         num_dec *lo, num_dec *hi)
{
    num_dec unused;
    num_side_value(&h->side, pow, 0, hi, &unused);
    if (h->neg) *hi = num_dec_neg(*hi);
    for (int borrow = 1; borrow >= 0; borrow--) {
        int extra = borrow ? inherited_scale(&b->L, &h->side) : 0;
        num_side_value(&b->L, pow, extra, lo, &unused);
        if (b->pf.neg) *lo = num_dec_neg(*lo);
        if (num_dec_cmp(*lo, *hi) < 0) return true;
    }
    return false;
}

/* 3至5亿元, 3-5%, 3 to 5 billion: the same kind of figure on both sides.
 * After a change verb 至/到/to mean "to a level" (增长256%至10.51亿元, 营收
 * 增长2亿元至10亿元); only a growth rate stays a range (增长3%至5%). */
void num_try_range(num_build *b)
{
    const num_src *src = b->src;
    int sep;
    high_end h;
    num_dec lo, hi;
    size_t p = num_range_sep_at(src, b->end, &sep), between = b->pf.start;
    if (!p || b->L.core.range) return;
    if (sep == 2 && (between = num_between_before(src, b->pf.start)) == b->pf.start)
        return; /* "and" joins a range only after "between" */
    if (!read_high_end(src, p, &h)) return;
    if (!same_kind(b->L.has_unit ? &b->L.u : NULL, b->pf.cur,
                   h.side.has_unit ? &h.side.u : NULL, h.cur))
        return;
    const num_unit_hit *u = shared_unit(b, &h.side);
    bool growth = u && u->kind == NUM_U_PERCENT && strcmp(u->unit, "%") == 0;
    if (sep == 1 && b->pf.change != NUM_CHANGE_NONE && !growth) return;
    if (!range_values(b, &h, u ? u->pow10 : 0, &lo, &hi)) return;
    b->lo = lo;
    b->hi = hi;
    b->range = true;
    b->end = h.side.end;
    b->pf.start = b->pf.after_qual = between;
    b->strong |= num_strong(&h.side.core);
    if (u) { b->has_unit = true; b->u = *u; }
    if (h.cur && !b->pf.cur) b->pf.cur = h.cur;
}
