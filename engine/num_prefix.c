/*
 * num_prefix.c — the words before a figure: a sign, a currency (人民币,
 * HK$), a qualifier (约, 超过, about), a change verb touching the figure
 * (增长, 下降了, rose by) and the basis before the verb (同比, 环比).
 *
 * They are read backwards from the figure, never past the end of what the
 * scan last emitted (num_src.floor), in the fixed order the languages put
 * them: basis, verb, filler, qualifier, currency, sign — 同比增长了约
 * 人民币-5亿元 read from right to left.  num_quant.c decides afterwards
 * which of them the quantity keeps.
 */
#include "num_int.h"

#include <string.h>

/* A minus or plus ending at p that is a sign, not a hyphen inside a word
 * or between figures (3-5 is a range, A-1 a name). */
size_t num_sign_before(const num_src *src, size_t p, num_prefix *pf)
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

/* A qualifier, also across 有 when it says "about": 约有3000人. */
static size_t qual_before(const num_src *src, size_t p, num_prefix *pf)
{
    size_t q = num_qual_before(src, p, &pf->qual, &pf->near);
    if (q != p || p < src->floor + 3 || memcmp(src->s + p - 3, "有", 3) != 0)
        return q;
    q = num_qual_before(src, p - 3, &pf->qual, &pf->near);
    if (pf->qual == NUM_Q_APPROX) return q;
    pf->qual = NUM_Q_NONE;
    pf->near = false;
    return p;
}

/* Whether a word of kind bit may end at p: num_prefix_words told for the
 * figure's own position, and nothing once a word read has moved p. */
static bool may_end(unsigned words, unsigned bit, size_t p, size_t pos)
{
    return (words & bit) || p != pos;
}

void num_read_prefix(const num_src *src, size_t pos, bool allow_qual,
                     bool own_change, num_prefix *pf)
{
    *pf = (num_prefix){.start = pos, .after_qual = pos};
    unsigned words = own_change ? NUM_PRE_ANY : num_prefix_words(src, pos);
    if (!words) return;
    size_t p = num_sign_before(src, pos, pf);
    if (may_end(words, NUM_PRE_CUR, p, pos)) p = num_currency_before(src, p, &pf->cur);
    if (!pf->neg && !pf->plus) p = num_sign_before(src, p, pf); /* -$5 */
    if (allow_qual && may_end(words, NUM_PRE_QUAL, p, pos)) p = qual_before(src, p, pf);
    pf->after_qual = p;
    size_t v = may_end(words, NUM_PRE_VERB, p, pos) ? num_verb_before(src, p, &pf->change) : p;
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

void num_drop_verb(num_prefix *pf)
{
    pf->change = NUM_CHANGE_NONE;
    pf->basis = NUM_BASIS_NONE;
    pf->start = pf->after_qual;
}

bool num_currency_precedes(const num_src *src, size_t pos)
{
    num_prefix pf = {0};
    const char *code = NULL;
    num_currency_before(src, num_sign_before(src, pos, &pf), &code);
    return code != NULL;
}
