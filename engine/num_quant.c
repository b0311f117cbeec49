/*
 * num_quant.c — one quantity around a figure: the figure (num_core.c) with
 * its scale and unit, the words before it (num_prefix.c), a second end
 * (num_range.c), a qualifier or basis after it; then which kind it is and
 * whether it is worth emitting.  num.c calls num_quantity_at wherever a
 * figure, 第, 翻 or 百分之 may start.
 *
 * The span covers every word that says something about the value:
 * 同比下降约50.6%左右 is one span, from 同 to 右 (num.h states the rule).
 */
#include "num_int.h"

#include <string.h>
#include <uchar.h>

/* ---- the figure and its unit ------------------------------------------- */

bool num_figure_start(const num_src *src, size_t p)
{
    size_t n;
    uint32_t cp = num_cp(src->s, src->len, p, &n);
    return num_is_digit(num_byte(src->s, src->len, p)) ||
           num_cn_digit(cp) >= 0 || num_cn_unit(cp) > 0;
}

/* 成 is tenths of a whole: only small figures take it (三成, 两成半). */
static bool unit_fits(const num_side *sd, const num_unit_hit *u)
{
    if (u->kind != NUM_U_CHENG) return true;
    return !sd->en_scale && !sd->core.has_big &&
           num_dec_cmp(sd->core.hi, num_dec_make(10, 0)) <= 0;
}

static void read_unit(const num_src *src, num_side *sd, size_t p)
{
    num_unit_hit u;
    if (!num_unit_at(src, p, &u) || !unit_fits(sd, &u)) return;
    sd->has_unit = true;
    sd->u = u;
    sd->end = u.end;
    if (u.kind == NUM_U_CHENG && num_text_at(src, u.end, "半")) {
        sd->half = true;
        sd->end += 3;
    }
}

/* million, bn, 12m after an Arabic figure.  12M and $3M are millions, but
 * 3M and 4K are names: one digit and a capital without a currency is a
 * name, like 5G or 3D. */
static size_t read_scale(const num_src *src, size_t pos, num_side *sd)
{
    size_t p = sd->core.end, e;
    int c = num_byte(src->s, src->len, p);
    bool single = sd->core.int_digits == 1 && sd->core.integer;
    bool capital_ok = (c == 'M' || c == 'K') && (!single || num_currency_precedes(src, pos));
    int sc = num_scale_en_at(src, p, capital_ok, &e);
    if (!sc) return p;
    sd->en_scale = sc;
    return e;
}

bool num_read_side(const num_src *src, size_t pos, num_side *sd)
{
    size_t p, e;
    /* all but the figure, which num_core_read writes whole: clearing it
     * too cost as much again as its own fields */
    sd->en_scale = 0;
    sd->has_unit = sd->half = sd->ordinal = sd->alnum = false;
    sd->u = (num_unit_hit){0};
    sd->end = 0;
    if (!num_core_read(src, pos, &sd->core)) return false;
    p = sd->core.end;
    if (sd->core.arabic && !sd->core.has_units) p = read_scale(src, pos, sd);
    sd->end = p;
    if (sd->core.arabic && sd->core.integer && !sd->en_scale &&
        !sd->core.has_units && (e = num_ordinal_suffix_at(src, p)) != 0) {
        sd->ordinal = true; /* 3rd */
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
void num_side_value(const num_side *sd, int pow10, int extra, num_dec *lo,
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
bool num_strong(const num_core *c)
{
    return c->arabic || (!c->bare && !c->unit_only);
}

/* ---- building the quantity --------------------------------------------- */

/* One sub-unit of the yuan after its amount: 1角, 5分, 2毛. */
static bool sub_unit(const num_src *src, size_t *p, const char *w, int pow,
                     num_dec *add)
{
    size_t n;
    uint32_t cp = num_cp(src->s, src->len, *p, &n);
    int d = cp >= '0' && cp <= '9' ? (int)cp - '0' : num_cn_digit(cp);
    if (d < 0 || !num_text_at(src, *p + n, w)) return false;
    *add = num_dec_add(*add, num_dec_make(d, pow));
    *p += n + strlen(w);
    return true;
}

/* 123元1角1分: jiao (or mao) and fen after a whole amount of yuan. */
static size_t money_cents(const num_src *src, size_t p, num_dec *add)
{
    *add = num_dec_make(0, 0);
    if (!num_figure_start(src, p)) return p; /* each sub-unit starts with a digit */
    if (!sub_unit(src, &p, "角", -1, add)) sub_unit(src, &p, "毛", -1, add);
    sub_unit(src, &p, "分", -2, add);
    return p;
}

static num_kind kind_of(const num_build *b, const char **unit)
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
static bool worth_emitting(const num_build *b, num_kind kind)
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
static void apply_change(num_build *b)
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

static num_qual suffix_words(num_build *b)
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
static void inherit_change(num_build *b, num_kind kind, const char *unit)
{
    static const char *const joins[] = {"和", "、", "及", "与"};
    const num_quantity *p = b->src->prev;
    if (!p || b->pf.change != NUM_CHANGE_NONE || p->change == NUM_CHANGE_NONE ||
        p->kind != kind || strcmp(p->unit, unit) != 0 || p->end > b->pf.start)
        return;
    for (size_t i = 0; i < sizeof joins / sizeof joins[0]; i++) {
        if (b->pf.start - p->end == strlen(joins[i]) && num_text_at(b->src, p->end, joins[i])) {
            b->pf.change = p->change;
            b->pf.basis = p->basis;
            return;
        }
    }
}

/* num_suffix_possible at the end, which both the range and the qualifier
 * ask: remembered while the end stays where it is. */
static bool suffix_possible(num_build *b)
{
    if (b->suffix_at != b->end + 1) {
        b->suffix_ok = num_suffix_possible(b->src, b->end);
        b->suffix_at = b->end + 1;
    }
    return b->suffix_ok;
}

/* The qualifier, the first stated of: before the figure (约), inside it
 * (三十几, 一千多万), in the unit (个多月), after it (左右).  Reading the
 * last moves the end. */
static num_qual pick_qual(num_build *b)
{
    num_qual after = suffix_possible(b) ? suffix_words(b) : NUM_Q_NONE;
    if (b->pf.qual != NUM_Q_NONE) return b->pf.qual;
    if (b->L.core.approx) return NUM_Q_APPROX;
    if (b->L.core.qual != NUM_Q_NONE) return b->L.core.qual;
    if (b->has_unit && b->u.qual != NUM_Q_NONE) return b->u.qual;
    return after;
}

/* Fill *q from the build, if it is worth emitting. */
static int complete(num_build *b, num_quantity *q)
{
    const char *unit;
    num_kind kind = kind_of(b, &unit);
    if (!worth_emitting(b, kind)) return 0;
    if (b->pf.en_verb && kind != NUM_PERCENT && kind != NUM_MONEY)
        num_drop_verb(&b->pf); /* "set up 5 stores" states no change */
    inherit_change(b, kind, unit);
    num_qual qual = pick_qual(b);
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
    /* units are a few bytes ("CNY", "%"): a loop beats strlen and memcpy;
     * q->unit was cleared above, so it stays terminated */
    for (size_t i = 0; i < sizeof q->unit - 1 && unit[i]; i++) q->unit[i] = unit[i];
    return 1;
}

/* ---- the kinds of start ------------------------------------------------- */

/* End of the run of Chinese numeral characters from pos. */
static size_t numeral_run_end(const num_src *src, size_t pos)
{
    size_t n;
    for (;;) {
        uint32_t cp = num_cp(src->s, src->len, pos, &n);
        if (!n || (num_cn_digit(cp) < 0 && !num_cn_unit(cp))) return pos;
        pos += n;
    }
}

/* What the figure alone settles: 1 it is an identifier or an ordinal (in
 * *q), 0 it yields nothing (the scan resumes at *resume), -1 read on. */
static int settle_figure(const num_src *src, size_t pos, num_build *b,
                         num_quantity *q, size_t *resume)
{
    const num_side *L = &b->L;
    int sep;
    if (!num_read_side(src, pos, &b->L)) return 0;
    *resume = L->core.end;
    if (L->core.blocked) { /* 三一, 一五一十: the whole run is a name */
        *resume = numeral_run_end(src, pos);
        return 0;
    }
    if (L->alnum) {
        *resume = L->end;
        return 0;
    }
    /* most Chinese numerals in text are words (一定, 进一步): settle them
     * before looking at anything around them */
    if (L->core.pair_end && !L->has_unit) return 0;
    if (L->core.bare && !L->has_unit && !num_range_sep_at(src, L->end, &sep))
        return 0; /* but 三至五成 */
    if (num_ident_after_core(src, &L->core, q)) return 1;
    if (!L->ordinal) return -1;
    *q = (num_quantity){.start = pos, .end = L->end, .kind = NUM_ORDINAL,
                        .value = num_dec_norm(L->core.lo)};
    return 1;
}

/* The value of the first end: its figure, scale, unit, sign and cents. */
static void first_end(num_build *b)
{
    b->end = b->L.end;
    b->strong = num_strong(&b->L.core);
    b->has_unit = b->L.has_unit;
    b->u = b->L.u;
    b->range = b->L.core.range;
    num_side_value(&b->L, b->has_unit ? b->u.pow10 : 0, 0, &b->lo, &b->hi);
    if (b->pf.neg) {
        b->lo = num_dec_neg(b->lo);
        b->hi = num_dec_neg(b->hi);
    }
    if (b->has_unit && b->u.kind == NUM_U_MONEY && b->u.generic_yuan && !b->range) {
        num_dec cents;
        b->end = money_cents(b->src, b->end, &cents);
        b->lo = b->hi = num_dec_add(b->lo, cents);
    }
}

/* ---- accounting brackets ------------------------------------------------ */

/* Financial statements write a negative amount in brackets: $(75.3)
 * million, (12.5)%.  Brackets are everywhere else in news — list numbers
 * (2), asides ($4.5 million), stock codes (00700.HK), (75.3) million —
 * so only two forms are read: a currency sign touching the opening
 * bracket, or a per cent sign touching the closing one.  The figure at pos
 * has been read into b->L and stands right after the "(".  Returns 1 with
 * *q filled, or 0 to read the figure the ordinary way. */
static int accounting_at(num_build *b, size_t pos, num_quantity *q)
{
    const num_src *src = b->src;
    const num_core *c = &b->L.core;
    size_t open = pos - 1, close = c->end, e;
    if (open < src->floor || num_byte(src->s, src->len, close) != ')' ||
        b->L.end != close || !c->arabic || c->has_units || c->range || c->approx ||
        c->qual != NUM_Q_NONE)
        return 0;
    bool pct = num_byte(src->s, src->len, close + 1) == '%';
    if (!pct && !num_currency_sign(num_cp_before(src->s, open))) return 0;
    num_read_prefix(src, open, true, false, &b->pf);
    /* -$(5) says the sign twice; R$ is a code we do not know */
    if (b->pf.neg || b->pf.plus || (!pct && !b->pf.cur)) return 0;
    /* a verb before a bracketed figure (fell $(5) million) would state the
     * direction twice: the brackets alone say it */
    num_drop_verb(&b->pf);
    int scale = 0;
    b->end = close + 1;
    if (pct) {
        b->end++;
        b->has_unit = true;
        b->u = (num_unit_hit){.kind = NUM_U_PERCENT, .unit = "%"};
    } else {
        b->has_unit = false;
        /* the sign is there, so $(3)M is millions as $3M is */
        if ((scale = num_scale_en_at(src, b->end, true, &e)) != 0) b->end = e;
        /* ￥(3)万, $(5)元: a scale or unit the brackets cut from the figure
         * is not read here, so neither is the figure */
        num_unit_hit u;
        size_t n, p = b->end + (num_byte(src->s, src->len, b->end) == ' ');
        if (num_cn_unit(num_cp(src->s, src->len, p, &n)) > 0 || num_unit_at(src, b->end, &u))
            return 0;
    }
    b->strong = true;
    b->range = false;
    b->lo = b->hi = num_dec_neg(num_dec_shift(c->lo, scale));
    return complete(b, q);
}

/* ---- a figure ------------------------------------------------------------- */

static int figure_at(const num_src *src, size_t pos, num_quantity *q,
                     size_t *resume)
{
    /* Not cleared as a whole, for most figures end in settle_figure: each
     * part is filled whole by the step that reads it — the side by
     * num_read_side, the words by num_read_prefix, the value by
     * first_end — before anything reads it. */
    num_build b;
    b.src = src;
    b.suffix_at = 0;
    b.suffix_ok = false;
    int r = settle_figure(src, pos, &b, q, resume);
    if (r >= 0) return r;
    if (pos > 0 && src->s[pos - 1] == '(' && accounting_at(&b, pos, q)) return 1;
    num_read_prefix(src, pos, true, false, &b.pf);
    if (b.pf.near && num_time_word_at(src, b.L.core.end))
        num_read_prefix(src, pos, false, false, &b.pf); /* 近3年: the last 3 */
    first_end(&b);
    if (suffix_possible(&b)) num_try_range(&b);
    return complete(&b, q);
}

/* 第三, 第12: never 第一时间 ("at once") or 第三方 ("third party"). */
static int ordinal_at(const num_src *src, size_t pos, num_quantity *q,
                      size_t *resume)
{
    static const char *const words[] = {"第一时间", "第三方", "第一手", "第一线"};
    num_core c;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (num_text_at(src, pos, words[i])) {
            *resume = pos + strlen(words[i]);
            return 0;
        }
    size_t p = pos + 3;
    if (!num_figure_start(src, p) || !num_core_read(src, p, &c) || c.range ||
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
    num_build b = {.src = src};
    bool permille = num_text_at(src, pos, "千分之");
    if (!permille && !num_text_at(src, pos, "百分之")) return 0;
    size_t p = pos + 9;
    if (!num_figure_start(src, p) || !num_core_read(src, p, &b.L.core) ||
        b.L.core.blocked)
        return 0;
    *resume = b.L.core.end;
    num_read_prefix(src, pos, true, false, &b.pf);
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
        if (!num_text_at(src, pos, words[i].w)) continue;
        num_build b = {.src = src, .strong = true, .has_unit = true};
        num_read_prefix(src, pos, true, true, &b.pf);
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
    if (!num_figure_start(src, pos)) return 0;
    return figure_at(src, pos, q, resume);
}
