/*
 * num_quant.c — one quantity around a figure: what stands before it
 * (sign, currency, qualifier, change verb, basis), the figure itself
 * (num_core.c), and what follows (scale, unit, the second end of a range,
 * a qualifier).  num.c calls num_quantity_at wherever a figure may start.
 *
 * The span covers every word that says something about the value:
 * 同比下降约50.6%左右 is one span, from 同 to 右 (num.h states the rule).
 * Words before the figure are found by looking back — never before the
 * end of the last thing emitted — so the scan itself stops only at
 * figures.
 */
#include "num_int.h"
#include "period.h"

#include <string.h>
#include <uchar.h>

static bool text_at(const num_src *src, size_t p, const char *w)
{
    size_t n = strlen(w);
    return p + n <= src->len && memcmp(src->s + p, w, n) == 0;
}

/* ---- before the figure -------------------------------------------------- */

typedef struct {
    size_t start;       /* leftmost word taken */
    bool neg, plus;     /* explicit sign */
    const char *cur;    /* currency prefix: ISO code */
    num_qual qual;
    bool near;          /* the qualifier was 近 */
    size_t after_qual;  /* the start if verb and basis are dropped */
    num_change change;
    bool en_verb;       /* rose/fell: English verbs only move % and money */
    num_basis basis;
} prefix;

/* A minus or plus ending at p that is a sign, not a hyphen inside a word
 * or between figures (3-5 is a range, A-1 a name). */
static size_t sign_before(const num_src *src, size_t p, prefix *pf)
{
    size_t b;
    if (p >= 1 && (src->s[p - 1] == '-' || src->s[p - 1] == '+')) b = p - 1;
    else if (p >= 3 && memcmp(src->s + p - 3, "\xE2\x88\x92", 3) == 0) b = p - 3;
    else return p;
    if (b < src->floor) return p;
    int before = b > 0 ? (unsigned char)src->s[b - 1] : ' ';
    if (num_is_alnum(before) || strchr(".)%-+", before) != NULL) return p;
    pf->neg = src->s[b] != '+';
    pf->plus = !pf->neg;
    return b;
}

/* own_change: the figure states a change itself (翻倍), so a basis may
 * stand right before it. */
static void read_prefix(const num_src *src, size_t pos, bool allow_qual,
                        bool own_change, prefix *pf)
{
    *pf = (prefix){.start = pos, .after_qual = pos};
    if (!own_change && !num_prefix_possible(src, pos)) return;
    size_t p = sign_before(src, pos, pf);
    p = num_currency_before(src, p, &pf->cur);
    if (!pf->neg && !pf->plus) p = sign_before(src, p, pf); /* -$5 */
    if (allow_qual) p = num_qual_before(src, p, &pf->qual, &pf->near);
    pf->after_qual = p;
    size_t v = num_verb_before(src, p, &pf->change);
    if (v != p) {
        pf->en_verb = num_is_alpha((unsigned char)src->s[v]);
        p = v;
    }
    /* A basis needs a verb or a sign to say which way: 同比+5% */
    if (pf->change != NUM_CHANGE_NONE || pf->neg || pf->plus || own_change) {
        size_t b = num_basis_before(src, p, &pf->basis);
        if (b != p && pf->change == NUM_CHANGE_NONE && !own_change)
            pf->change = pf->neg ? NUM_CHANGE_DOWN : NUM_CHANGE_UP;
        p = b;
    }
    pf->start = p;
}

static void drop_verb(prefix *pf)
{
    pf->change = NUM_CHANGE_NONE;
    pf->basis = NUM_BASIS_NONE;
    pf->start = pf->after_qual;
}

/* ---- the figure and its unit ------------------------------------------- */

typedef struct {
    num_core core;
    int en_scale;       /* million, bn, 12m */
    bool has_unit;
    num_unit_hit u;
    bool half;          /* 两成半 */
    bool ordinal;       /* 3rd */
    bool alnum;         /* runs into letters: 5G, 2B2G */
    size_t end;
} side;

static bool is_figure_start(const num_src *src, size_t p)
{
    size_t n;
    uint32_t cp = num_cp(src->s, src->len, p, &n);
    return num_is_digit(num_byte(src->s, src->len, p)) ||
           num_cn_digit(cp) >= 0 || num_cn_unit(cp) > 0;
}

/* 成 is tenths of a whole: only small figures take it (三成, 两成半). */
static bool unit_fits(const side *sd, const num_unit_hit *u)
{
    if (u->kind != NUM_U_CHENG) return true;
    return !sd->en_scale && !sd->core.has_big &&
           num_dec_cmp(sd->core.hi, num_dec_make(10, 0)) <= 0;
}

static void read_unit(const num_src *src, side *sd, size_t p)
{
    num_unit_hit u;
    if (!num_unit_at(src, p, &u) || !unit_fits(sd, &u)) return;
    sd->has_unit = true;
    sd->u = u;
    sd->end = u.end;
    if (u.kind == NUM_U_CHENG && text_at(src, u.end, "半")) {
        sd->half = true;
        sd->end += 3;
    }
}

static bool currency_before(const num_src *src, size_t pos);

static bool read_side(const num_src *src, size_t pos, side *sd)
{
    *sd = (side){0};
    if (!num_core_read(src, pos, &sd->core)) return false;
    size_t p = sd->core.end, e;
    if (sd->core.arabic && !sd->core.has_units) {
        int c = num_byte(src->s, src->len, p);
        bool currency = (c == 'M' || c == 'K') && currency_before(src, pos);
        int sc = num_scale_en_at(src, p, currency, &e);
        if (sc) { sd->en_scale = sc; p = e; }
    }
    sd->end = p;
    if (sd->core.arabic && sd->core.integer && !sd->en_scale &&
        !sd->core.has_units && (e = num_ordinal_suffix_at(src, p)) != 0) {
        sd->ordinal = true;
        sd->end = e;
        return true;
    }
    read_unit(src, sd, p);
    /* 5G, 12mg, 2B2G: a figure that runs into letters is part of a name */
    if (!sd->has_unit && num_is_alpha(num_byte(src->s, src->len, p)) &&
        !num_is_alpha((unsigned char)src->s[p - 1])) {
        sd->alnum = true;
        while (p < src->len && num_is_alnum((unsigned char)src->s[p])) p++;
        sd->end = p;
    }
    return true;
}

/* The side's value with a unit's power of ten and an inherited scale. */
static void side_value(const side *sd, int pow10, int extra, num_dec *lo,
                       num_dec *hi)
{
    int k = sd->en_scale + pow10 + extra;
    *lo = num_dec_shift(sd->core.lo, k);
    *hi = num_dec_shift(sd->core.hi, k);
    if (sd->half) { /* 两成半: half a 成 is 5% */
        *lo = num_dec_add(*lo, num_dec_make(5, 0));
        *hi = num_dec_add(*hi, num_dec_make(5, 0));
    }
}

/* A figure that can stand alone: Arabic, or a Chinese numeral with both
 * a digit and a unit character (十二, 三万). */
static bool strong(const num_core *c)
{
    return c->arabic || (!c->bare && !c->unit_only);
}

/* ---- building the quantity --------------------------------------------- */

typedef struct {
    const num_src *src;
    prefix pf;
    side L;
    bool strong;        /* see strong(); for a range, either end */
    size_t end;
    num_dec lo, hi;
    bool range;
    bool has_unit;
    num_unit_hit u;
    bool own_change;    /* 翻倍: up by itself */
} build;

/* 123元1角1分: jiao and fen after a whole amount of yuan. */
static size_t money_cents(const num_src *src, size_t p, num_dec *add)
{
    static const struct { const char *w; int pow; } subs[] = {
        {"角", -1}, {"毛", -1}, {"分", -2}};
    size_t n;
    *add = num_dec_make(0, 0);
    for (size_t i = 0; i < 3; i++) {
        uint32_t cp = num_cp(src->s, src->len, p, &n);
        int d = num_cn_digit(cp);
        if (d < 0 && cp >= '0' && cp <= '9') d = (int)cp - '0';
        if (d < 0 || !text_at(src, p + n, subs[i].w)) continue;
        *add = num_dec_add(*add, num_dec_make(d, subs[i].pow));
        p += n + 3;
        if (i == 0) i = 1; /* after 角 only 分 may follow, not 毛 */
    }
    return p;
}

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
static int inherited_scale(const side *L, const side *R)
{
    if (R->en_scale && !L->en_scale && !L->core.has_units) return R->en_scale;
    if (!L->core.has_units) return R->core.scale;
    if (!L->core.has_big) return R->core.scale_big;
    return 0;
}

/* The second end: an optional currency and sign, then a figure that is not
 * the start of a period.  The currency is found as a prefix of that figure
 * (looking back no further than p), so one list serves both ends. */
static bool read_high_end(const num_src *src, size_t p, const char **rcur,
                          bool *rneg, side *R)
{
    num_quantity scratch;
    num_src at = *src;
    prefix pf = {0};
    size_t q = p, n;
    while (q < src->len && q < p + 8 && !is_figure_start(src, q)) {
        num_cp(src->s, src->len, q, &n);
        q += n;
    }
    if (q >= src->len || !is_figure_start(src, q)) return false;
    at.floor = p;
    size_t b = sign_before(&at, q, &pf);
    b = num_currency_before(&at, b, &pf.cur);
    if (!pf.neg && !pf.plus) b = sign_before(&at, b, &pf);
    if (b != p || period_match(src->s, src->len, q, src->ctx, &scratch))
        return false;
    *rcur = pf.cur;
    *rneg = pf.neg;
    if (!read_side(src, q, R)) return false;
    return !R->core.range && !R->core.blocked && !R->alnum && !R->ordinal;
}

/* 3至5亿元, 3-5%, 3 to 5 billion: the same kind of figure on both sides.
 * After a change verb 至/到/to mean "to a level" (增长256%至10.51亿元, 营收
 * 增长2亿元至10亿元); only a growth rate stays a range (增长3%至5%). */
static void try_range(build *b)
{
    const num_src *src = b->src;
    bool rneg;
    int sep;
    const char *rcur = NULL;
    side R;
    size_t p = num_range_sep_at(src, b->end, &sep), between = b->pf.start;
    if (!p || b->L.core.range) return;
    if (sep == 2 && (between = num_between_before(src, b->pf.start)) == b->pf.start)
        return; /* "and" joins a range only after "between" */
    if (!read_high_end(src, p, &rcur, &rneg, &R)) return;
    bool to_word = sep == 1;
    if (!same_kind(b->L.has_unit ? &b->L.u : NULL, b->pf.cur,
                   R.has_unit ? &R.u : NULL, rcur))
        return;
    const num_unit_hit *u = R.has_unit ? &R.u : b->L.has_unit ? &b->L.u : NULL;
    if (u == &R.u && R.u.generic_yuan && b->L.has_unit) u = &b->L.u; /* 3亿美元至5亿元 */
    bool growth = u && u->kind == NUM_U_PERCENT && strcmp(u->unit, "%") == 0;
    if (to_word && b->pf.change != NUM_CHANGE_NONE && !growth) return;
    int pow = u ? u->pow10 : 0;
    num_dec lo, hi, rlo, rhi;
    side_value(&R, pow, 0, &rlo, &rhi);
    if (rneg) rlo = num_dec_neg(rlo);
    side_value(&b->L, pow, inherited_scale(&b->L, &R), &lo, &hi);
    if (b->pf.neg) lo = num_dec_neg(lo);
    if (num_dec_cmp(lo, rlo) >= 0) { /* 500至2万: the 500 keeps its own scale */
        side_value(&b->L, pow, 0, &lo, &hi);
        if (b->pf.neg) lo = num_dec_neg(lo);
    }
    if (num_dec_cmp(lo, rlo) >= 0) return;
    b->lo = lo;
    b->hi = rlo;
    b->range = true;
    b->end = R.end;
    b->pf.start = b->pf.after_qual = between;
    b->strong |= strong(&R.core);
    if (u) { b->has_unit = true; b->u = *u; }
    if (rcur && !b->pf.cur) b->pf.cur = rcur;
}

static num_kind kind_of(const build *b, const char **unit)
{
    *unit = "";
    if (b->has_unit) {
        *unit = b->u.unit;
        switch (b->u.kind) {
        case NUM_U_MONEY:
            if (b->u.generic_yuan && b->pf.cur) *unit = b->pf.cur; /* 港币5亿元 */
            return NUM_MONEY;
        case NUM_U_PERCENT: case NUM_U_CHENG: return NUM_PERCENT;
        case NUM_U_COUNT: return NUM_QUANTITY;
        case NUM_U_TIMES: return NUM_NUMBER;
        }
    }
    if (b->pf.cur) { *unit = b->pf.cur; return NUM_MONEY; }
    return NUM_NUMBER;
}

/* Chinese numerals are words too (统一, 一些, 两会, 千万别): a weak figure
 * counts only with a unit, and 一 with a mere counter is the article "a"
 * (一家公司), not a count. */
static bool worth_emitting(const build *b, num_kind kind)
{
    const num_core *c = &b->L.core;
    if (b->strong) return true;
    if (c->bare && (b->has_unit || b->pf.cur))
        return !(c->yi && !b->range && kind == NUM_QUANTITY);
    if (c->unit_only)
        return b->has_unit || b->pf.cur || b->pf.qual != NUM_Q_NONE;
    return false;
}

/* 下降50.6% is -50.6: a change down is a negative amount. */
static void apply_change(build *b)
{
    if (b->pf.change != NUM_CHANGE_DOWN) return;
    if (b->lo.m > 0) b->lo = num_dec_neg(b->lo);
    if (b->hi.m > 0) b->hi = num_dec_neg(b->hi);
    if (num_dec_cmp(b->lo, b->hi) > 0) {
        num_dec t = b->lo;
        b->lo = b->hi;
        b->hi = t;
    }
}

static num_qual suffix_words(build *b)
{
    num_qual q = NUM_Q_NONE;
    num_basis basis;
    size_t e = num_qual_suffix_at(b->src, b->end, &q);
    if (e) b->end = e;
    if (b->pf.change != NUM_CHANGE_NONE &&
        (e = num_basis_suffix_at(b->src, b->end, &basis)) != 0) {
        if (b->pf.basis == NUM_BASIS_NONE) b->pf.basis = basis;
        b->end = e;
    }
    return q;
}

/* 同比分别增长21%和35%: a figure joined to the one just emitted by 和, 、,
 * 及 or 与 shares its change and basis, if it is of the same kind. */
static void inherit_change(build *b, num_kind kind, const char *unit)
{
    static const char *const joins[] = {"和", "、", "及", "与"};
    const num_quantity *p = b->src->prev;
    if (!p || b->pf.change != NUM_CHANGE_NONE || p->change == NUM_CHANGE_NONE ||
        p->kind != kind || strcmp(p->unit, unit) != 0 || p->end > b->pf.start)
        return;
    for (size_t i = 0; i < sizeof joins / sizeof joins[0]; i++) {
        if (b->pf.start - p->end == strlen(joins[i]) && text_at(b->src, p->end, joins[i])) {
            b->pf.change = p->change;
            b->pf.basis = p->basis;
            return;
        }
    }
}

static int complete(build *b, num_quantity *q)
{
    const char *unit;
    num_kind kind = kind_of(b, &unit);
    if (!worth_emitting(b, kind)) return 0;
    if (b->pf.en_verb && kind != NUM_PERCENT && kind != NUM_MONEY)
        drop_verb(&b->pf); /* "set up 5 stores" states no change */
    inherit_change(b, kind, unit);
    num_qual sq = num_suffix_possible(b->src, b->end) ? suffix_words(b) : NUM_Q_NONE;
    num_qual qual = b->pf.qual;
    if (qual == NUM_Q_NONE) qual = b->L.core.approx ? NUM_Q_APPROX : b->L.core.qual;
    if (qual == NUM_Q_NONE && b->has_unit) qual = b->u.qual;
    if (qual == NUM_Q_NONE) qual = sq;
    apply_change(b);
    *q = (num_quantity){.start = b->pf.start, .end = b->end, .kind = kind,
                        .qual = qual, .change = b->pf.change,
                        .basis = b->pf.basis};
    if (b->range) {
        q->flags = NUM_F_RANGE;
        q->low = num_dec_norm(b->lo);
        q->high = num_dec_norm(b->hi);
    } else {
        q->value = num_dec_norm(b->lo);
    }
    size_t n = strlen(unit);
    if (n >= sizeof q->unit) n = sizeof q->unit - 1;
    memcpy(q->unit, unit, n);
    return 1;
}

/* ---- the kinds of start ------------------------------------------------- */

/* A currency right before pos ($12M may use a capital M). */
static bool currency_before(const num_src *src, size_t pos)
{
    prefix pf = {0};
    const char *code = NULL;
    num_currency_before(src, sign_before(src, pos, &pf), &code);
    return code != NULL;
}

static int figure_at(const num_src *src, size_t pos, num_quantity *q,
                     size_t *resume)
{
    build b = {.src = src};
    if (!read_side(src, pos, &b.L)) return 0;
    *resume = b.L.core.end;
    if (b.L.core.blocked) return 0;
    if (b.L.alnum) { *resume = b.L.end; return 0; }
    /* most Chinese numerals in text are words (一定, 进一步): settle them
     * before looking at anything around them */
    int sep;
    if (b.L.core.pair_end && !b.L.has_unit) return 0;
    if (b.L.core.bare && !b.L.has_unit && !num_range_sep_at(src, b.L.end, &sep))
        return 0; /* but 三至五成 */
    if (num_ident_after_core(src, &b.L.core, q)) return 1;
    if (b.L.ordinal) {
        *q = (num_quantity){.start = pos, .end = b.L.end, .kind = NUM_ORDINAL,
                            .value = num_dec_norm(b.L.core.lo)};
        return 1;
    }
    read_prefix(src, pos, true, false, &b.pf);
    if (b.pf.near && num_time_word_at(src, b.L.core.end))
        read_prefix(src, pos, false, false, &b.pf); /* 近3年: the last 3 */
    b.end = b.L.end;
    b.strong = strong(&b.L.core);
    b.has_unit = b.L.has_unit;
    b.u = b.L.u;
    side_value(&b.L, b.has_unit ? b.u.pow10 : 0, 0, &b.lo, &b.hi);
    if (b.pf.neg) { b.lo = num_dec_neg(b.lo); b.hi = num_dec_neg(b.hi); }
    b.range = b.L.core.range;
    if (b.has_unit && b.u.kind == NUM_U_MONEY && b.u.generic_yuan && !b.range) {
        num_dec cents;
        b.end = money_cents(src, b.end, &cents);
        b.lo = b.hi = num_dec_add(b.lo, cents);
    }
    if (num_suffix_possible(src, b.end)) try_range(&b);
    return complete(&b, q);
}

/* 第三, 第12: never 第一时间 ("at once") or 第三方 ("third party"). */
static int ordinal_at(const num_src *src, size_t pos, num_quantity *q,
                      size_t *resume)
{
    static const char *const words[] = {"第一时间", "第三方", "第一手", "第一线"};
    num_core c;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (text_at(src, pos, words[i])) {
            *resume = pos + strlen(words[i]);
            return 0;
        }
    size_t p = pos + 3;
    if (!is_figure_start(src, p) || !num_core_read(src, p, &c) || c.range ||
        c.blocked || !c.integer || c.qual != NUM_Q_NONE)
        return 0;
    *q = (num_quantity){.start = pos, .end = c.end, .kind = NUM_ORDINAL,
                        .value = num_dec_norm(c.lo)};
    return 1;
}

/* 百分之六十, 千分之三: the unit comes first. */
static int fraction_words_at(const num_src *src, size_t pos, num_quantity *q,
                             size_t *resume)
{
    build b = {.src = src};
    bool permille = text_at(src, pos, "千分之");
    if (!permille && !text_at(src, pos, "百分之")) return 0;
    size_t p = pos + 9;
    if (!is_figure_start(src, p) || !num_core_read(src, p, &b.L.core) ||
        b.L.core.blocked)
        return 0;
    *resume = b.L.core.end;
    read_prefix(src, pos, true, false, &b.pf);
    b.strong = true;
    b.has_unit = true;
    b.u = (num_unit_hit){.kind = NUM_U_PERCENT, .unit = permille ? "‰" : "%"};
    b.end = b.L.core.end;
    b.lo = b.L.core.lo;
    b.hi = b.L.core.hi;
    b.range = b.L.core.range;
    return complete(&b, q);
}

/* 翻倍, 翻番, 翻了一番: doubled, +100%; 翻两番 quadrupled, +300%. */
static int doubling_at(const num_src *src, size_t pos, num_quantity *q)
{
    static const struct { const char *w; int pct; } words[] = {
        {"翻了一番", 100}, {"翻了两番", 300}, {"翻了一倍", 100},
        {"翻一番", 100}, {"翻两番", 300}, {"翻一倍", 100},
        {"翻倍", 100}, {"翻番", 100}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (!text_at(src, pos, words[i].w)) continue;
        build b = {.src = src, .strong = true, .has_unit = true};
        read_prefix(src, pos, true, true, &b.pf);
        b.pf.change = NUM_CHANGE_UP;
        b.u = (num_unit_hit){.kind = NUM_U_PERCENT, .unit = "%"};
        b.end = pos + strlen(words[i].w);
        b.lo = b.hi = num_dec_make(words[i].pct, 0);
        return complete(&b, q);
    }
    return 0;
}

int num_quantity_at(const num_src *src, size_t pos, num_quantity *q,
                    size_t *resume)
{
    size_t n, skip = 0;
    uint32_t cp = num_cp(src->s, src->len, pos, &n);
    *resume = pos + (n ? n : 1);
    int r = num_ident_at(src, pos, q, &skip);
    if (r > 0) return 1;
    if (r < 0) {
        if (skip > pos) *resume = skip;
        return 0;
    }
    if (cp == u'第') return ordinal_at(src, pos, q, resume);
    if (cp == u'翻') return doubling_at(src, pos, q);
    if ((cp == u'百' || cp == u'千') && fraction_words_at(src, pos, q, resume))
        return 1;
    if (!is_figure_start(src, pos)) return 0;
    return figure_at(src, pos, q, resume);
}
