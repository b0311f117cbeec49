/*
 * num.h — the quantities the scanner finds in normalised text.
 *
 * One struct describes every kind of quantity (number, money, percent,
 * ordinal, counted quantity, period, date, identifier) so that the scanner
 * can hand results to a single callback without allocating per token.  Values
 * are exact decimals (mantissa × 10^exponent): 17.4亿 must print as
 * 1740000000, never 1739999999.9999998.
 */
#ifndef ENGINE_NUM_H
#define ENGINE_NUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* value = m × 10^e.  m carries at most 18 significant digits; longer
 * literals are truncated and e adjusted (the loss is beyond anything news
 * text states). */
typedef struct {
    int64_t m;
    int32_t e;
} num_dec;

typedef enum {
    NUM_NUMBER,   /* a bare number: 1,234.56, 一百二十三 */
    NUM_PERCENT,  /* 60.4%, 百分之六十, 三成, 6.1个百分点 (unit "pp") */
    NUM_MONEY,    /* 17.4亿元, HK$2.8bn — value in base units, ISO code */
    NUM_ORDINAL,  /* 第三, 3rd */
    NUM_QUANTITY, /* 16.73亿股 — counted things, unit is the counter */
    NUM_PERIOD,   /* 2024年上半年 → "2024H1", 2018年至2023年 → "2018/2023" */
    NUM_DATE,     /* 2024年3月26日 → "2024-03-26" */
    NUM_IDENT     /* identifiers that look numeric: 00700.HK, AI1.0, 1+X */
} num_kind;

typedef enum {
    NUM_Q_NONE,
    NUM_Q_APPROX, /* 约, 近, 左右, about */
    NUM_Q_GT,     /* 超过, 逾, 多, 余, 以上, more than */
    NUM_Q_GE,     /* 不少于, at least */
    NUM_Q_LT,     /* 不足, 不到, 以下, less than */
    NUM_Q_LE      /* 不超过, 至多, at most */
} num_qual;

typedef enum { NUM_CHANGE_NONE, NUM_CHANGE_UP, NUM_CHANGE_DOWN } num_change;
typedef enum { NUM_BASIS_NONE, NUM_BASIS_YOY, NUM_BASIS_QOQ } num_basis;

/* Flags on a quantity. */
enum {
    NUM_F_RANGE = 1u << 0,      /* low/high are set, value is not */
    NUM_F_ASOF = 1u << 1,       /* 截至…: a point in time, not a span */
    NUM_F_UNRESOLVED = 1u << 2, /* relative period with no date to resolve it */
    NUM_F_RELATIVE = 1u << 3    /* period was relative (今年) and resolved */
};

/* Spans.  A quantity's span covers the figure and every word that says
 * something about its value, and nothing else:
 *   before the figure: a sign, a currency (人民币, HK$), a qualifier (约,
 *     超过, about), a change verb touching the figure (增长, 下降了, rose
 *     by) and the basis before that verb (同比, 环比, 较上年同期);
 *   after it: the scale, the unit (亿元, %, 个百分点, 股), the second end
 *     of a range (3至5亿元), a qualifier (左右, 以上, or more) and, after a
 *     change, an English basis (year on year).
 * So 同比下降约50.6%左右 is one span; 增长256%至近10.51亿元 is two (增长
 * 256%, then 近10.51亿元): 至 after a change verb means "to a level".
 * A basis over a period the period reader already took (较[上年同期]增长)
 * still sets the basis; the span then starts after that period.
 * Values are in base units (17.4亿元 → 1740000000), and a change down is
 * negative whatever the kind (下降50.6% → -50.6, 减少5亿元 → -500000000). */
typedef struct {
    size_t start, end; /* byte span in the scanned (normalised) text */
    num_kind kind;
    uint32_t flags;
    num_dec value;      /* NUM_PERCENT: the percent figure (60.4%% → 60.4);
                           a change down is negative (下降50.6%% → -50.6) */
    num_dec low, high;  /* with NUM_F_RANGE */
    char unit[16];      /* "CNY", "HKD", "%", "pp" (also basis points: 25个
                           基点 → 0.25), "‰", "股", "人", "个月" …, "倍" for a
                           multiple (kind NUM_NUMBER), or "" */
    num_qual qual;
    num_change change;  /* 增长/下降: the quantity states a change */
    num_basis basis;    /* 同比 / 环比 */
    char period[24];    /* NUM_PERIOD / NUM_DATE: DESIGN.md period format */
    const char *ident;  /* NUM_IDENT: "stock_code", "version", "formula",
                           "cohort", "anniversary", "share_class" */
} num_quantity;

/* The document date relative periods resolve against; year 0 = unknown. */
typedef struct {
    int year, month, day;
} num_date;

typedef struct {
    num_date doc_date;
} num_ctx;

/* Receives each quantity in order of start offset.  Return non-zero to stop
 * the scan early. */
typedef int (*num_sink)(void *ud, const num_quantity *q);

/* Scan normalised UTF-8 text (see text.h) once and report every quantity,
 * period and date in it.  text need not be NUL-terminated; bytes that are
 * not valid UTF-8 are stepped over, never read past len.  Quantities never
 * overlap.  ctx may be NULL (no document date).  Returns 0, or the sink's
 * non-zero value if it stopped the scan. */
int num_scan(const char *text, size_t len, const num_ctx *ctx, num_sink sink,
             void *ud);
/* The same over text[from, to) alone: what it reports starts and ends
 * there, and no prefix word is looked for before from.  The text before
 * from is still read as context (a figure does not start inside a word). */
int num_scan_span(const char *text, size_t from, size_t to, const num_ctx *ctx,
                  num_sink sink, void *ud);

/* Format a decimal as the shortest JSON number that states it exactly
 * (1740000000, 60.4, -50.6, 0.05, 1.5e+30): plain notation while the
 * leading digit's exponent is within -6..20, e-notation beyond, as
 * JavaScript prints numbers.  Returns the length written (always < cap
 * when cap >= 32; a shorter cap truncates, NUL-terminated). */
size_t num_dec_format(num_dec d, char *buf, size_t cap);
/* The same text written straight into o, which has room for 32 bytes,
 * without a terminator; returns its end.  For writers that print many. */
char *num_dec_put(num_dec d, char *o);

/* Names used in output. */
const char *num_kind_name(num_kind k);
/* The kind num_kind_name gives that name, or -1. */
int num_kind_of_name(const char *name);
const char *num_qual_name(num_qual q); /* NULL for NUM_Q_NONE */

#endif
