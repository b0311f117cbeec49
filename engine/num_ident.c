/*
 * num_ident.c — things that look numeric but are names: stock codes
 * (00700.HK), versions (AI1.0, Web3.0), formulas (1+X, N+1), generations
 * (85后), anniversaries (10周年) and share classes (B类).
 *
 * They are reported as NUM_IDENT so that no rule ever takes 00700 for an
 * amount.  Tokens that merely mix letters and digits (5G, H20, 2B2G, 4/5G)
 * are stepped over whole and yield nothing: a digit inside a word is never
 * a quantity.
 */
#include "num_int.h"

#include <string.h>
#include <uchar.h>

static size_t run(const num_src *src, size_t p, bool (*is)(int))
{
    while (p < src->len && is((unsigned char)src->s[p])) p++;
    return p;
}

static bool is_upper(int c) { return c >= 'A' && c <= 'Z'; }

/* Capital letters in s[pos..lend).  Only a version (AI 2.0) and a hyphened
 * name (GPT-4) ask, so a word counts them only when what follows it lets
 * one of those matter. */
static int capitals(const num_src *src, size_t pos, size_t lend)
{
    int n = 0;
    for (size_t i = pos; i < lend; i++) n += is_upper((unsigned char)src->s[i]);
    return n;
}

static int ident(num_quantity *q, size_t start, size_t end, const char *name)
{
    *q = (num_quantity){.start = start, .end = end, .kind = NUM_IDENT,
                        .ident = name};
    return 1;
}

/* A character that may follow an identifier: not a letter or digit. */
static bool ends_token(const num_src *src, size_t p)
{
    return !num_is_alnum(num_byte(src->s, src->len, p));
}

/* ---- stock codes --------------------------------------------------------- */

static size_t exchange_suffix(const num_src *src, size_t p)
{
    static const char *const ex[] = {"HK", "SH", "SZ", "SS", "BJ", "US",
                                     "TW", "KS", "SI", "N", "O", "T"};
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++)
        if (num_text_at(src, p, ex[i]) && ends_token(src, p + strlen(ex[i])))
            return p + strlen(ex[i]);
    return 0;
}

/* 00700.HK, 600519.SH: four to six digits and an exchange; returns the
 * end, or 0. */
static size_t listed_code(const num_src *src, size_t pos, size_t dend)
{
    size_t nd = dend - pos;
    if (nd < 4 || nd > 6 || num_byte(src->s, src->len, dend) != '.') return 0;
    return exchange_suffix(src, dend + 1);
}

/* A bare code as Chinese news writes it after a company name: 腾讯控股
 * (00700), 贵州茅台(600519) — five digits from 0, or six from 0 3 6 8 9. */
static bool code_shaped(const num_src *src, size_t pos, size_t dend)
{
    size_t nd = dend - pos;
    int first = num_byte(src->s, src->len, pos);
    return (nd == 5 && first == '0') || (nd == 6 && strchr("03689", first) != NULL);
}

static bool bracketed_code(const num_src *src, size_t pos, size_t dend)
{
    return code_shaped(src, pos, dend) && pos > 0 && src->s[pos - 1] == '(' &&
           num_byte(src->s, src->len, dend) == ')';
}

/* 股票代码:600519, 证券代码 600519 */
static bool code_word_before(const num_src *src, size_t pos)
{
    size_t b = pos;
    if (!code_shaped(src, pos, pos + 6)) return false;
    if (b > 0 && (src->s[b - 1] == ':' || src->s[b - 1] == ' ')) b--;
    return b >= 6 && memcmp(src->s + b - 6, "代码", 6) == 0;
}

/* ---- formulas: 1+X, 1+6+N, N+1 ------------------------------------------ */

static size_t formula_element(const num_src *src, size_t p, bool *numeric)
{
    size_t d = run(src, p, num_is_digit);
    if (d > p) { *numeric = true; return d; }
    if (is_upper(num_byte(src->s, src->len, p)) &&
        !num_is_alpha(num_byte(src->s, src->len, p + 1)))
        return p + 1;
    return 0;
}

static int formula(const num_src *src, size_t pos, num_quantity *q)
{
    bool numeric = false;
    size_t p = formula_element(src, pos, &numeric), parts = 1, e;
    if (!p) return 0;
    while (num_byte(src->s, src->len, p) == '+' &&
           (e = formula_element(src, p + 1, &numeric)) != 0) {
        p = e;
        parts++;
    }
    if (parts < 2 || !numeric) return 0;
    int after = num_byte(src->s, src->len, p);
    if (num_is_alnum(after) || after == '%' || after == '.') return 0;
    return ident(q, pos, p, "formula");
}

/* ---- versions ------------------------------------------------------------ */

/* 1.0, 2.0, 3.5: one or two digits, a point, one or two digits. */
static size_t version_number(const num_src *src, size_t p)
{
    size_t i = run(src, p, num_is_digit);
    if (i == p || i - p > 2 || num_byte(src->s, src->len, i) != '.') return 0;
    size_t f = run(src, i + 1, num_is_digit);
    if (f == i + 1 || f - i - 1 > 2) return 0;
    return f;
}

/* Nothing that would make the figure an amount may follow it (AI 2.0%). */
static bool bare_after(const num_src *src, size_t p)
{
    num_unit_hit u;
    size_t e;
    int c = num_byte(src->s, src->len, p);
    if (num_is_alnum(c) || c == '%' || c == '.') return false;
    if (num_unit_at(src, p, &u)) return false;
    if (num_scale_en_at(src, p, false, &e)) return false;
    size_t n;
    return num_cn_unit(num_cp(src->s, src->len, p, &n)) == 0;
}

/* Dotted tails: V1.2.3 is one version. */
static size_t dotted_tail(const num_src *src, size_t p)
{
    while (num_byte(src->s, src->len, p) == '.' &&
           num_is_digit(num_byte(src->s, src->len, p + 1)))
        p = run(src, p + 1, num_is_digit);
    return p;
}

/* AI1.0, Web3.0 (name and number joined), AI 2.0, A1 2.0 (a short name
 * with a digit or two capitals, then one space).  Other words are prose:
 * "grew 2.0", "In 2.5 years" hold no version. */
static int version(const num_src *src, size_t pos, size_t lend, size_t aend,
                   num_quantity *q)
{
    size_t e;
    if (aend > lend && num_byte(src->s, src->len, aend) == '.' &&
        num_is_digit(num_byte(src->s, src->len, aend + 1))) {
        e = dotted_tail(src, aend);
        return ident(q, pos, e, "version");
    }
    /* the space and the number first: the capitals of most words of prose
     * would be counted for nothing */
    if (aend - pos > 8 || num_byte(src->s, src->len, aend) != ' ' ||
        !num_is_digit(num_byte(src->s, src->len, aend + 1)))
        return 0;
    e = version_number(src, aend + 1);
    if (!e || (aend == lend && capitals(src, pos, lend) < 2)) return 0;
    if (!bare_after(src, e)) return 0;
    return ident(q, pos, e, "version");
}

/* ---- share classes: B类股份, A类和B类普通股 ------------------------------ */

static bool class_word(const num_src *src, size_t p)
{
    return is_upper(num_byte(src->s, src->len, p)) &&
           num_text_at(src, p + 1, "类");
}

static int share_class(const num_src *src, size_t pos, num_quantity *q)
{
    static const char *const joins[] = {"、", "和", "及", "与", ","};
    if (!class_word(src, pos)) return 0;
    size_t p = pos + 4;
    for (;;) { /* A类、B类…股: follow the list to the noun */
        bool joined = false;
        for (size_t i = 0; i < sizeof joins / sizeof joins[0] && !joined; i++) {
            size_t n = strlen(joins[i]);
            if (num_text_at(src, p, joins[i]) && class_word(src, p + n)) {
                p += n + 4;
                joined = true;
            }
        }
        if (!joined) break;
    }
    if (num_text_at(src, p, "普通")) p += 6;
    else if (num_text_at(src, p, "优先")) p += 6;
    if (!num_text_at(src, p, "股")) return 0;
    return ident(q, pos, pos + 4, "share_class");
}

/* ---- tokens starting with a letter ------------------------------------- */

static bool currency_code(const num_src *src, size_t pos, size_t lend)
{
    static const char *const codes[] = {"RMB", "CNY", "USD", "HKD",
                                        "EUR", "GBP", "JPY"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (lend - pos == 3 && memcmp(src->s + pos, codes[i], 3) == 0) return true;
    return false;
}

/* A name with a short number after a hyphen, A-1, GPT-4, COVID-19: the
 * number is part of the name.  Four digits are left alone, since mid-2024
 * holds a year for the period reader. */
static size_t hyphen_tail(const num_src *src, size_t pos, size_t lend, size_t aend)
{
    if (num_byte(src->s, src->len, aend) != '-' || capitals(src, pos, lend) == 0)
        return aend;
    size_t d = run(src, aend + 1, num_is_digit);
    if (d == aend + 1 || d - aend - 1 > 3 || num_is_alpha(num_byte(src->s, src->len, d)))
        return aend;
    return d;
}

static int letter_token(const num_src *src, size_t pos, num_quantity *q,
                        size_t *skip)
{
    size_t lend = run(src, pos, num_is_alpha);
    size_t aend = run(src, lend, num_is_alnum);
    /* a share class and a formula start with one capital alone (B类, N+1) */
    if (lend == pos + 1 && (share_class(src, pos, q) || formula(src, pos, q)))
        return 1;
    if (version(src, pos, lend, aend, q))
        return 1;
    if (lend - pos == 2 && aend - lend == 6 && ends_token(src, aend) &&
        (num_text_at(src, pos, "SH") || num_text_at(src, pos, "SZ") ||
         num_text_at(src, pos, "BJ")))
        return ident(q, pos, aend, "stock_code");
    if (aend > lend && currency_code(src, pos, lend)) {
        *skip = lend; /* RMB5bn: the figure reads the code back */
        return -1;
    }
    *skip = hyphen_tail(src, pos, lend, aend);
    return -1;
}

/* ---- tokens starting with a digit --------------------------------------- */

static bool token_char(int c) { return num_is_alnum(c) || c == '/' || c == '.'; }

/* Whether the point at p, its digits, and another point and digit
 * follow (1.2.3): what dotted_tail would read past the first group. */
static bool more_dots(const num_src *src, size_t p)
{
    if (!num_is_digit(num_byte(src->s, src->len, p + 1))) return false;
    size_t f = run(src, p + 1, num_is_digit);
    return num_byte(src->s, src->len, f) == '.' &&
           num_is_digit(num_byte(src->s, src->len, f + 1));
}

/* The character after the digits decides what the token can be. */
static int digit_token(const num_src *src, size_t pos, num_quantity *q,
                       size_t *skip)
{
    size_t dend = run(src, pos, num_is_digit), e;
    int c = num_byte(src->s, src->len, dend);
    if (dend - pos == 6 && code_word_before(src, pos))
        return ident(q, pos, dend, "stock_code");
    switch (c) {
    case '.':
        if ((e = listed_code(src, pos, dend)) != 0) return ident(q, pos, e, "stock_code");
        /* a version has one or two digits before its point (17.4亿 is
         * settled before reading further) */
        if (dend - pos <= 2 && (e = version_number(src, pos)) != 0 &&
            (num_text_at(src, e, "版") || num_text_at(src, e, "时代")))
            return ident(q, pos, e, "version");
        if (more_dots(src, dend)) {
            *skip = run(src, dend, token_char); /* 1.2.3: one token */
            return -1;
        }
        return 0;
    case '+':
        return formula(src, pos, q);
    case '/': /* 4/5G: one token, no quantity */
        if (!num_is_alnum(num_byte(src->s, src->len, dend + 1))) return 0;
        *skip = run(src, dend, token_char);
        return -1;
    case ')':
        return bracketed_code(src, pos, dend) ? ident(q, pos, dend, "stock_code") : 0;
    default:
        if (dend - pos == 2 && num_text_at(src, dend, "后"))
            return ident(q, pos, dend + 3, "cohort");
        return 0;
    }
}

int num_ident_at(const num_src *src, size_t pos, num_quantity *q, size_t *skip)
{
    int c = num_byte(src->s, src->len, pos);
    if (num_is_alpha(c)) return letter_token(src, pos, q, skip);
    if (num_is_digit(c)) return digit_token(src, pos, q, skip);
    return 0;
}

bool num_ident_after_core(const num_src *src, const num_core *c,
                          num_quantity *q)
{
    if (c->range || !c->integer || !num_text_at(src, c->end, "周年")) return false;
    return ident(q, c->start, c->end + 6, "anniversary");
}
