/*
 * num_int.h — private to the quantity scanner's own files (num*.c); no
 * other module includes it.
 *
 * The scanner is split by job:
 *   num.c        the single pass: cheap character test, period first, emit
 *   num_quant.c  one quantity around a figure: unit, kind, what to emit
 *   num_prefix.c the words before a figure: sign, currency, 约, 同比增长
 *   num_range.c  the second end of a range: 3至5亿元, 3 to 5 billion
 *   num_core.c   the figure itself: 1,234.5, 一百二十三, 3万4000, 两三, 三十几
 *   num_words.c  finding words before and after a figure
 *   num_vocab.c  the word lists: units, currencies, qualifiers, verbs …
 *   num_ident.c  numeric-looking identifiers, and tokens to step over
 *   num_dec.c    exact decimal arithmetic and JSON formatting
 */
#ifndef ENGINE_NUM_INT_H
#define ENGINE_NUM_INT_H

#include "num.h"
#include "utf8.h"

#include <string.h>

/* ---- num_dec.c: results keep |m| < 10^18 ------------------------------ */

#define NUM_DEC_MAX_M 1000000000000000000LL /* 10^18: mantissas stay below */
#define NUM_DEC_E_LIMIT 1000000000          /* exponents saturate here */

static inline int32_t num_dec_clamp_e(int64_t e)
{
    if (e > NUM_DEC_E_LIMIT) return NUM_DEC_E_LIMIT;
    if (e < -NUM_DEC_E_LIMIT) return -NUM_DEC_E_LIMIT;
    return (int32_t)e;
}

/* Keep |m| below 10^18 (dropping digits past 18) and e in range.  The
 * arithmetic does not strip trailing zeros (divisions cost more than the
 * parse around them); num_dec_norm does, once, for what is emitted. */
static inline num_dec num_dec_fit(int64_t m, int64_t e)
{
    if (m == INT64_MIN) { m /= 10; e++; } /* it has no positive twin */
    while (m >= NUM_DEC_MAX_M || m <= -NUM_DEC_MAX_M) { m /= 10; e++; }
    return (num_dec){m, m ? num_dec_clamp_e(e) : 0};
}

/* d × 10^k */
static inline num_dec num_dec_shift(num_dec d, int32_t k)
{
    return num_dec_fit(d.m, (int64_t)d.e + k);
}

num_dec num_dec_make(int64_t m, int32_t e); /* normalised */
num_dec num_dec_norm(num_dec d);             /* strip trailing zeros */
num_dec num_dec_strip(num_dec d);            /* the same, without the
                                                shortcut (for its test) */
num_dec num_dec_add(num_dec a, num_dec b);
num_dec num_dec_neg(num_dec a);
int num_dec_cmp(num_dec a, num_dec b);       /* -1, 0, 1 */

/* ---- characters ---------------------------------------------------------- */

static inline bool num_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool num_is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool num_is_alnum(int c) { return num_is_digit(c) || num_is_alpha(c); }

/* Byte at i, or 0 past the end: lets the parsers peek without a bound test
 * at every step. */
static inline int num_byte(const char *s, size_t len, size_t i)
{
    return i < len ? (unsigned char)s[i] : 0;
}

/* Code point at pos and its length in *n; 0 with *n = 0 past the end. */
static inline uint32_t num_cp(const char *s, size_t len, size_t pos, size_t *n)
{
    uint32_t cp = 0;
    *n = pos < len ? utf8_decode(s + pos, len - pos, &cp) : 0;
    return cp;
}

/* Code point that ends just before pos (0 at the start of the text). */
static inline uint32_t num_cp_before(const char *s, size_t pos)
{
    if (pos == 0) return 0;
    size_t b = utf8_char_start(s, pos - 1);
    uint32_t cp;
    utf8_decode(s + b, pos - b, &cp);
    return cp;
}

/* ---- the text being scanned ------------------------------------------- */

typedef struct {
    const char *s;
    size_t len;
    size_t floor;       /* look-back never reaches before this: the end of
                           the last thing emitted */
    const num_quantity *prev; /* that last thing, or NULL */
    const num_ctx *ctx;
} num_src;

/* Whether the bytes of w stand at p. */
static inline bool num_text_at(const num_src *src, size_t p, const char *w)
{
    size_t n = strlen(w);
    return p + n <= src->len && memcmp(src->s + p, w, n) == 0;
}

/* ---- num_core.c: the figure -------------------------------------------- */

typedef struct {
    size_t start, end;
    num_dec lo, hi;     /* equal unless the figure is itself a range */
    bool range;         /* 两三, 三十几 */
    bool approx;        /* 几 */
    num_qual qual;      /* 多 / 余 inside the figure: 一千多万 */
    bool arabic;        /* starts with ASCII digits */
    bool chinese;       /* uses Chinese numeral characters */
    bool bare;          /* Chinese digits only (三, 两三): no 十百千万亿 */
    bool unit_only;     /* 十百千万亿 only, no digit: 百万, 千万 */
    bool yi;            /* exactly the one character 一 (or 壹) */
    bool integer;       /* no fractional part */
    bool has_units;     /* any of 十百千万亿 */
    bool has_big;       /* any of 万亿 */
    int scale;          /* units after the last figure (5千万 → 7, 三十五万
                           → 4), else 0: what 3至5千万 lends the 3 */
    int scale_big;      /* the 万/亿 part of scale */
    int int_digits;     /* Arabic: digits before the point */
    int frac_digits;    /* Arabic: digits after the point */
    bool blocked;       /* stopped by a digit that cannot continue it:
                           三一, 统一零售 — a name, not a number */
    bool pair_end;      /* ends in a pair of digits (十四五): a count only
                           with a unit after it (十四五个), else a name */
} num_core;

/* Read the figure starting exactly at pos (an ASCII digit or a Chinese
 * numeral).  Returns false if there is none. */
bool num_core_read(const num_src *src, size_t pos, num_core *c);

/* Chinese digit value 0..9 of cp, or -1. */
int num_cn_digit(uint32_t cp);
/* Power of ten of a Chinese unit (十 1, 百 2, 千 3, 万 4, 亿 8), or 0. */
int num_cn_unit(uint32_t cp);

/* ---- num_vocab.c: the word lists ------------------------------------- */

typedef enum {
    NUM_U_MONEY,     /* unit is an ISO code */
    NUM_U_PERCENT,   /* %, ‰, pp */
    NUM_U_COUNT,     /* a counter or measure: 股, 人, 吨 */
    NUM_U_TIMES,     /* 倍: a multiple, stays a number */
    NUM_U_CHENG      /* 成: tenths, a percent ×10 */
} num_unit_kind;

typedef struct {
    const char *w;
    unsigned char len;
    bool en;             /* English: any case, whole word */
    signed char a;       /* what it means: a num_qual, num_change, num_basis,
                            num_unit_kind or power of ten, by list */
    signed char pow10;   /* units: value × 10^pow10 (basis points: -2) */
    unsigned char flags; /* NUM_W_* */
    const char *code;    /* units: ISO code, "%", the counter */
    const char *veto;    /* characters that must not stand beside it */
} num_word;

enum {
    NUM_W_GENERIC = 1,   /* 元: a currency before the figure overrides it */
    NUM_W_GT = 2,        /* 个多月 carries its own 多 */
    NUM_W_NEAR = 4,      /* 近: "nearly", or "the last" before a time word */
    NUM_W_YEN = 8        /* ¥: yuan or yen, by the script around it */
};

typedef struct {
    const num_word *w;
    size_t n;
} num_group;

/* Groups keyed by the character that touches the figure (ASCII keys in
 * lower case): a unit's first, a qualifier's or verb's last. */
num_group num_units_from(uint32_t first);
num_group num_quals_to(uint32_t last);
num_group num_verbs_to(uint32_t last);
num_group num_currencies_to(uint32_t last);
/* Is cp a currency sign ($ ¥ ￥ € £): a key of num_currencies_to that is
 * a sign, not the last letter of a code or a word (USD, 美元)? */
bool num_currency_sign(uint32_t cp);
num_group num_quals_from(uint32_t first);   /* 左右, 以上, or more */
num_group num_scales_from(uint32_t first);  /* million, bn */
num_group num_seps_from(uint32_t first);    /* 至, -, to */
num_group num_bases_to(uint32_t last);      /* 同比, 较上年同期 */
num_group num_bases_from(uint32_t first);   /* year on year */
/* Whether key k may end a word before a figure (num_prefix_words): a
 * superset of the last characters of the three lists above, signs, 有 and
 * the verb fillers. */
bool num_prefix_key(uint32_t k);
/* A one-character counter (家, 名, 次 …): its text, or NULL. */
const char *num_counter_char(uint32_t cp);

/* ---- num_words.c: matching words around a figure ---------------------- */

typedef struct {
    num_unit_kind kind;
    const char *unit;   /* "CNY", "%", "股" … */
    int pow10;          /* value × 10^pow10: basis points → pp is -2 */
    bool generic_yuan;  /* 元: a currency prefix (港币, US$) overrides it */
    num_qual qual;      /* 个多月 carries its own 多 */
    size_t end;
} num_unit_hit;

/* A unit word starting at pos (after at most one space). */
bool num_unit_at(const num_src *src, size_t pos, num_unit_hit *u);

/* English scale words after a figure: million, bn, 12m, 5k (any case, but
 * a lone capital M or K only with capital_ok).  Returns the power of ten
 * and sets *end, or returns 0. */
int num_scale_en_at(const num_src *src, size_t pos, bool capital_ok,
                    size_t *end);

/* English ordinal suffix (st, nd, rd, th) at pos: end or 0. */
size_t num_ordinal_suffix_at(const num_src *src, size_t pos);

/* Suffix qualifier (左右, 以上, or more) at pos: its end, or 0. */
size_t num_qual_suffix_at(const num_src *src, size_t pos, num_qual *q);

/* English basis after the figure (year on year, q/q): its end, or 0. */
size_t num_basis_suffix_at(const num_src *src, size_t pos, num_basis *b);

/* Whether a range separator, qualifier or basis may start at pos (or
 * after one space): spares most figures the three lookups. */
bool num_suffix_possible(const num_src *src, size_t pos);

/* Range separator (至, 到, -, ~, to, and) at pos: the position after it
 * and any space, or 0.  *sep is 1 for 至 / 到 / to, which also mean "to a
 * level" after a change verb, 2 for "and" (only after "between"), else 0. */
size_t num_range_sep_at(const num_src *src, size_t pos, int *sep);
/* Start of "between " ending at pos, or pos. */
size_t num_between_before(const num_src *src, size_t pos);

/* Which kinds of word that may precede a figure end at pos or one space
 * before it, as bytes: NUM_PRE_* bits.  0 spares most figures all the
 * lookups below; a clear bit spares the lookup of that kind at pos (the
 * bits say nothing about words ending anywhere else). */
enum {
    NUM_PRE_SIGN = 1, /* - + − */
    NUM_PRE_CUR = 2,  /* a currency */
    NUM_PRE_QUAL = 4, /* a qualifier, or 有 (约有3000人) */
    NUM_PRE_VERB = 8, /* a change verb or its filler (了 达 by) */
    NUM_PRE_ANY = 15
};
unsigned num_prefix_words(const num_src *src, size_t pos);

/* Backward matchers: each looks for its word ending at pos (after at most
 * one space) no earlier than src->floor, and returns the word's start, or
 * pos if there is none. */
size_t num_currency_before(const num_src *src, size_t pos, const char **code);
size_t num_qual_before(const num_src *src, size_t pos, num_qual *q,
                       bool *near);
size_t num_verb_before(const num_src *src, size_t pos, num_change *ch);
size_t num_basis_before(const num_src *src, size_t pos, num_basis *b);

/* A time word right after pos (年, 月, 日, 天 …): 近 before a figure then
 * means "the last", not "nearly". */
bool num_time_word_at(const num_src *src, size_t pos);

/* ---- num_ident.c ------------------------------------------------------- */

/* Identifiers and tokens at pos.  Returns 1 and fills q (kind NUM_IDENT)
 * for an identifier; returns -1 with *skip set when pos starts a token
 * that holds no quantity (5G, H20, 2B2G, Web3) so the scan steps over it;
 * returns 0 when pos should be read as a quantity. */
int num_ident_at(const num_src *src, size_t pos, num_quantity *q, size_t *skip);

/* An identifier that shows only after the figure is read: 10周年, 十周年. */
bool num_ident_after_core(const num_src *src, const num_core *c,
                          num_quantity *q);

/* ---- num_prefix.c: words before a figure ------------------------------ */

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
} num_prefix;

/* Read the words before the figure at pos.  allow_qual false skips the
 * qualifier (近3年 is "the last 3 years"); own_change: the figure states a
 * change itself (翻倍), so a basis may stand right before it. */
void num_read_prefix(const num_src *src, size_t pos, bool allow_qual,
                     bool own_change, num_prefix *pf);
/* Forget the verb and basis (they stated no change after all). */
void num_drop_verb(num_prefix *pf);
/* A sign ending at p: its start (setting pf->neg or pf->plus), or p. */
size_t num_sign_before(const num_src *src, size_t p, num_prefix *pf);
/* Whether a currency (after an optional sign) ends right before pos. */
bool num_currency_precedes(const num_src *src, size_t pos);

/* ---- num_quant.c: one quantity ----------------------------------------- */

/* One end of a quantity: the figure with its scale and unit. */
typedef struct {
    num_core core;
    int en_scale;       /* million, bn, 12m */
    bool has_unit;
    num_unit_hit u;
    bool half;          /* 两成半 */
    bool ordinal;       /* 3rd */
    bool alnum;         /* runs into letters: 5G, 2B2G */
    size_t end;
} num_side;

/* The quantity being built around its first end. */
typedef struct {
    const num_src *src;
    num_prefix pf;
    num_side L;
    bool strong;        /* see num_strong(); for a range, either end */
    size_t end;
    num_dec lo, hi;
    bool range;
    bool has_unit;
    num_unit_hit u;
    size_t suffix_at;   /* end + 1 where suffix_ok was decided, or 0 */
    bool suffix_ok;     /* num_suffix_possible there */
} num_build;

/* Whether a figure (ASCII digit or Chinese numeral) starts at p. */
bool num_figure_start(const num_src *src, size_t p);
/* Read a figure and what directly follows it (scale, unit, 3rd). */
bool num_read_side(const num_src *src, size_t pos, num_side *sd);
/* The side's value with a unit's power of ten and an inherited scale. */
void num_side_value(const num_side *sd, int pow10, int extra, num_dec *lo,
                    num_dec *hi);
/* A figure that stands alone: Arabic, or a Chinese numeral with both a
 * digit and a unit character (十二, 三万). */
bool num_strong(const num_core *c);

/* The quantity whose figure starts at pos.  Returns 1 with *q filled, or 0
 * with *resume set to where the scan goes on (past a token that holds no
 * quantity, or just past pos). */
int num_quantity_at(const num_src *src, size_t pos, num_quantity *q,
                    size_t *resume);

/* ---- num_range.c --------------------------------------------------------- */

/* Extend b into a range if a separator and a second end of the same kind
 * follow it. */
void num_try_range(num_build *b);

#endif
