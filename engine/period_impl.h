/*
 * period_impl.h — the inside of period_match, shared by period.c (entry,
 * rejection), period_expr.c (intervals, settling, output), period_zh.c
 * (Chinese forms), period_en.c (English and numeric forms), period_lex.c
 * (cursor readers) and period_cal.c (calendar and the document date).  Not
 * for other modules: they use period.h.
 *
 * A period expression is read by a small recursive-descent parser over a
 * cursor (pcur).  Every reader either consumes what it recognised and
 * returns true, or leaves the cursor AND its flags exactly as it found them
 * and returns false; that one rule is what lets alternatives be tried in
 * sequence without bookkeeping at the call site.
 *
 * Readers return a pspan: one point, or two for an interval.  A point whose
 * year the text did not state carries PY_PENDING; years are settled once the
 * whole expression is read, because a stated year may sit at either end of
 * an interval (2024年1月至6月, from Q1 to Q3 2024).  Only what is still
 * pending then falls back on the document date.
 *
 * Readers report what the text states even when it cannot exist (13月,
 * 2月30日); period.c checks the settled span and refuses the whole match,
 * so an impossible date never turns into a shorter, wrong one.
 */
#ifndef ENGINE_PERIOD_IMPL_H
#define ENGINE_PERIOD_IMPL_H

#include "num.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PY_PENDING (-1) /* the text has not stated the year (yet) */
#define PY_UNKNOWN 0    /* needed the document date, and it is unknown */

typedef enum { PG_YEAR, PG_HALF, PG_QUARTER, PG_MONTH, PG_DAY } pgrain;

/* With PY_UNKNOWN the other fields are placeholders that keep the point
 * valid: an unresolved expression is reported with an empty period, so
 * they never reach the output. */
typedef struct {
    int y;    /* year, PY_PENDING or PY_UNKNOWN */
    pgrain g;
    int n;    /* half 1-2, quarter 1-4, month 1-12 (PG_DAY: the month) */
    int d;    /* PG_DAY: day of month; else 0 */
} ppoint;

typedef struct {
    ppoint a, b; /* b equals a for a single period */
    bool to_end; /* 年末, 6月末, end of June: stands for a's last day */
    int ended;   /* 截至6月30日止六个月: the N months ending on day a */
} pspan;

/* The whole match: a span, or a reference this layer cannot resolve. */
typedef struct {
    pspan sp;
    bool opaque;  /* 报告期内, 上年同期: the period is named elsewhere */
    bool instant; /* an opaque point in time (报告期末): a date */
} presult;

typedef struct {
    const char *s;
    size_t len, i;  /* s[i..len) is still unread */
    num_date doc;   /* document date; doc.year 0 = unknown */
    uint32_t flags; /* NUM_F_ASOF, NUM_F_RELATIVE, NUM_F_UNRESOLVED */
} pcur;

/* What a failing reader restores. */
typedef struct {
    size_t i;
    uint32_t flags;
} pmark;

/* ---- cursor primitives (inline: they run on every attempt) ------------ */

static inline pmark pc_mark(const pcur *c) { return (pmark){c->i, c->flags}; }

static inline void pc_reset(pcur *c, pmark m)
{
    c->i = m.i;
    c->flags = m.flags;
}

/* Byte k ahead of the cursor, or -1 past the end. */
static inline int pc_byte(const pcur *c, size_t k)
{
    return c->i + k < c->len ? (unsigned char)c->s[c->i + k] : -1;
}

static inline bool pc_is_digit(int b) { return b >= '0' && b <= '9'; }

static inline bool pc_is_alpha(int b)
{
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

static inline bool pc_is_alnum(int b) { return pc_is_digit(b) || pc_is_alpha(b); }

/* Whether the bytes w come next.  The first byte settles nearly every call
 * (the grammar tries its words one after another), so it is tested before
 * paying for the length and the compare. */
static inline bool pc_peek(const pcur *c, const char *w)
{
    if (c->i >= c->len || c->s[c->i] != w[0]) return false;
    size_t n = strlen(w);
    return n <= c->len - c->i && memcmp(c->s + c->i, w, n) == 0;
}

/* Consume the exact bytes w if they come next. */
static inline bool pc_lit(pcur *c, const char *w)
{
    if (!pc_peek(c, w)) return false;
    c->i += strlen(w);
    return true;
}

/* The next byte does not continue an ASCII word or number. */
static inline bool pc_boundary(const pcur *c) { return !pc_is_alnum(pc_byte(c, 0)); }

/* ---- period_lex.c: readers shared by both languages ------------------- */

/* A run of ASCII digits whose length is within [minw, maxw] (maxw <= 4);
 * the whole run counts, so 20245 is not a four-digit year. */
bool period_num(pcur *c, int minw, int maxw, int *v);
/* An ASCII word, case-insensitive (w in lower case), not followed by a
 * letter. */
bool period_word(pcur *c, const char *w);
/* An ASCII phrase, case-insensitive (lower case), with no boundary test:
 * for phrases that end in a space or hyphen. */
bool period_phrase(pcur *c, const char *w);
void period_spaces(pcur *c);
/* An interval connector: 至 到 - ~ — – 〜 (dashes may have spaces). */
bool period_conn(pcur *c);
/* The code point k bytes ahead of the cursor and its length; 0 at the end. */
size_t period_peek_cp(const pcur *c, size_t k, uint32_t *cp);
/* Q1..Q4 or H1, H2 with the year pending; the caller checks what follows. */
bool period_qh(pcur *c, ppoint *p);
/* Chinese numerals: 〇零一…九 as digits, and a small count 一…九十九
 * (两 too when liang).  Kept here rather than in num.c so that periods
 * do not depend on the number scanner. */
int period_zh_digit(uint32_t cp);
bool period_zh_small(pcur *c, bool liang, int *v);
/* ASCII digits (1..maxw) or a small Chinese count. */
bool period_count(pcur *c, bool liang, int maxw, int *v);

/* ---- period_cal.c: calendar, document date, format -------------------- */

bool period_year_ok(int y);            /* 1900..2100: what text may state */
int period_yy(int yy);                 /* two-digit year: 24 → 2024, 98 → 1998 */
int period_days_in_month(int y, int m); /* y PY_UNKNOWN: February has 29 */
ppoint period_pt(int y, pgrain g, int n, int d);
pspan period_single(ppoint p);
pspan period_range(ppoint a, ppoint b);
bool period_is_single(const pspan *s);
bool period_point_valid(const ppoint *p);
/* Order of two points of the same grain; years must be settled. */
int period_point_cmp(const ppoint *a, const ppoint *b);
/* a is not after b, reading a pending year from the other end. */
bool period_order_ok(const ppoint *a, const ppoint *b);
ppoint period_end_day(ppoint p);
/* The document's year + delta; PY_UNKNOWN (and NUM_F_UNRESOLVED) without
 * a document date, else sets NUM_F_RELATIVE. */
int period_doc_year(pcur *c, int delta);
/* The document's own half, quarter, month or day, shifted by delta units. */
ppoint period_doc_point(pcur *c, pgrain g, int delta);
size_t period_format(const pspan *s, char *buf, size_t cap);
/* Whether d could end its month once its year is known (a pending year
 * admits both 2月28日 and 2月29日; settling checks again). */
bool period_month_end_ok(const ppoint *d);
/* The months months ending with day d's month: 2024-01/2024-06 for six
 * months to June 30, the year itself for twelve ending in December.
 * False if d does not end its month. */
bool period_months_ending(const ppoint *d, int months, pspan *out);

/* ---- the grammar ------------------------------------------------------ */

/* period_match after the cheap rejection: the same contract. */
size_t period_read(const char *text, size_t len, size_t pos, const num_ctx *ctx,
                   num_quantity *out);

/* One point or compact range (2024年上半年, 2018-2023年, March 26, 2024).
 * inh is the first end of an interval being read, for 3月1日至5日;
 * bare_ok admits a bare four-digit year (after "from", "in", a year). */
bool period_point(pcur *c, const ppoint *inh, bool bare_ok, pspan *out);
/* Extend a single point into an interval: 至今 / 以来, or a connector and
 * a second point.  Returns whether it did. */
bool period_tail(pcur *c, pspan *s);
/* With the cursor after a connector: read the second end of s. */
bool period_join(pcur *c, pspan *s);
/* End the single point s at the document's own period of the same grain
 * (以来, 至今, since). */
bool period_to_now(pcur *c, pspan *s);

bool period_zh_expr(pcur *c, presult *r);  /* 截至 从 近N年 报告期 同期 */
/* After a day: 止六个月, 止年度 — the span becomes the months ending then. */
bool period_zh_ended(pcur *c, pspan *s);
bool period_zh_point(pcur *c, const ppoint *inh, pspan *out);
bool period_en_expr(pcur *c, presult *r);  /* as of, from, between */
bool period_en_point(pcur *c, bool bare_ok, pspan *out);

#endif
