/*
 * period_zh.c — Chinese period expressions.
 *
 * A point is an optional year phrase followed by an optional sub-period:
 *
 *   year phrase   2024年 2024年度 2020财年 二〇二四年 今年 去年 上年 前年 明年,
 *                 a bare 2024 only when a sub-period follows (2024Q3,
 *                 2024上半年), and 2018-2023年 / 2018至2023年 (one unit
 *                 after two years covers both)
 *   sub-period    上半年 下半年 全年 | 一季度 第三季度 第三季 首季度 Q3 H1 |
 *                 前三季度 前11个月 | 3月 3月份 1-6月 | 3月26日 3月26号 |
 *                 any of those + 末/底 (the period's last day, as of)
 *   on its own    本月 上月 上个月 本季度 上季度 下季度 (the document's)
 *
 * and period_zh_expr adds what only stands at the head of an expression:
 * 截至/截止 + point (as of; with 止六个月 or 止年度 after a month-end day, the
 * months ending then), 从/自 + interval, 近N年 / 过去N年, 报告期(内|末),
 * and <year phrase>同期 (the same period of another year — which period
 * is in force is the rules layer's knowledge, so it is left unresolved).
 *
 * Readers return what the text says even when it is impossible (13月,
 * 2月30日); period.c rejects the whole match then, which is what keeps an
 * impossible date from being reported as a shorter, wrong one.
 */
#include "period_impl.h"

#include "find.h"

/* ---- year phrases ----------------------------------------------------- */

/* The unit after a year.  One space is tolerated: typeset text sometimes
 * separates "2024 年". */
static bool zh_year_suffix(pcur *c)
{
    pmark m = pc_mark(c);
    (void)pc_lit(c, " ");
    if (pc_lit(c, "财政年度") || pc_lit(c, "会计年度") || pc_lit(c, "财年") ||
        pc_lit(c, "年度") || pc_lit(c, "年"))
        return true;
    pc_reset(c, m);
    return false;
}

static ppoint year_pt(int y) { return period_pt(y, PG_YEAR, 0, 0); }

/* 2018-2023年: the second year must carry the unit, or "2018-2023" could
 * be anything (a code, a phone number). */
static bool zh_year_range(pcur *c, int y, pspan *out)
{
    pmark m = pc_mark(c);
    int y2;
    if (period_conn(c) && period_num(c, 4, 4, &y2) && period_year_ok(y2) && y2 > y &&
        zh_year_suffix(c)) {
        *out = period_range(year_pt(y), year_pt(y2));
        return true;
    }
    pc_reset(c, m);
    return false;
}

static bool zh_digit_year(pcur *c, pspan *out, bool *bare)
{
    pmark m = pc_mark(c);
    int y;
    if (!period_num(c, 4, 4, &y) || !period_year_ok(y)) {
        pc_reset(c, m);
        return false;
    }
    *bare = false;
    if (zh_year_range(c, y, out)) return true;
    *bare = !zh_year_suffix(c);
    *out = period_single(year_pt(y));
    return true;
}

/* 二〇二四年: exactly four numeral digits, and the unit is required. */
static bool zh_numeral_year(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    int y = 0;
    for (int k = 0; k < 4; k++) {
        uint32_t cp;
        size_t n = period_peek_cp(c, 0, &cp);
        int d = n ? period_zh_digit(cp) : -1;
        if (d < 0) {
            pc_reset(c, m);
            return false;
        }
        y = y * 10 + d;
        c->i += n;
    }
    if (!period_year_ok(y) || !zh_year_suffix(c)) {
        pc_reset(c, m);
        return false;
    }
    *out = period_single(year_pt(y));
    return true;
}

/* Longer words first: 上一年度 before 上一年 before 上年. */
static bool zh_relative_year(pcur *c, pspan *out)
{
    static const struct {
        const char *w;
        int delta;
    } words[] = {
        {"今年", 0},      {"本年度", 0}, {"本年", 0},  {"上一年度", -1},
        {"上一年", -1},   {"上年度", -1}, {"上年", -1}, {"去年", -1},
        {"前年", -2},     {"明年", 1},
    };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
        if (pc_lit(c, words[k].w)) {
            *out = period_single(year_pt(period_doc_year(c, words[k].delta)));
            return true;
        }
    return false;
}

/* *bare: four digits with no unit, a year only if a sub-period follows. */
static bool zh_year_phrase(pcur *c, pspan *out, bool *bare)
{
    *bare = false;
    if (pc_is_digit(pc_byte(c, 0))) return zh_digit_year(c, out, bare);
    return zh_numeral_year(c, out) || zh_relative_year(c, out);
}

/* ---- sub-periods (year pending) ---------------------------------------- */

static pspan pending(pgrain g, int a, int b)
{
    ppoint pa = period_pt(PY_PENDING, g, a, 0), pb = period_pt(PY_PENDING, g, b, 0);
    return period_range(pa, pb);
}

static bool zh_half_or_full(pcur *c, pspan *out)
{
    if (pc_lit(c, "上半年")) *out = pending(PG_HALF, 1, 1);
    else if (pc_lit(c, "下半年")) *out = pending(PG_HALF, 2, 2);
    else if (pc_lit(c, "全年")) *out = pending(PG_YEAR, 0, 0);
    else return false;
    return true;
}

/* 第三季度, 第三季, 首季度.  Plain N季 without 度 is not read: 四季 is
 * also "four seasons" (四季酒店). */
static bool zh_named_quarter(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    int n;
    if (pc_lit(c, "首季度") || pc_lit(c, "首季")) {
        *out = pending(PG_QUARTER, 1, 1);
        return true;
    }
    if (pc_lit(c, "第") && period_count(c, false, 1, &n) &&
        (pc_lit(c, "季度") || pc_lit(c, "季"))) {
        *out = pending(PG_QUARTER, n, n);
        return true;
    }
    pc_reset(c, m);
    return false;
}

/* 前三季度 → Q1..Q3, 前11个月 → months 1..11.  N must be at least two:
 * 前一季度 means "the quarter before", not Q1. */
static bool zh_leading(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    int n;
    if (pc_lit(c, "前") && period_count(c, true, 2, &n) && n >= 2) {
        if (n <= 4 && (pc_lit(c, "个季度") || pc_lit(c, "季度") || pc_lit(c, "季"))) {
            *out = pending(PG_QUARTER, 1, n);
            return true;
        }
        if (n <= 12 && (pc_lit(c, "个月") || pc_lit(c, "月"))) {
            *out = pending(PG_MONTH, 1, n);
            return true;
        }
    }
    pc_reset(c, m);
    return false;
}

/* 2024Q3, 2024年H1: only after a year; Q3 on its own is English. */
static bool zh_label(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    ppoint p;
    if (period_qh(c, &p) && pc_boundary(c)) {
        *out = period_single(p);
        return true;
    }
    pc_reset(c, m);
    return false;
}

/* N or N-M (N至M, N~M): the unit after the second number covers both. */
static bool zh_num_range(pcur *c, int *a, int *b)
{
    if (!period_count(c, false, 2, a)) return false;
    pmark m = pc_mark(c);
    if (period_conn(c) && period_count(c, false, 2, b)) return true;
    pc_reset(c, m);
    *b = *a;
    return true;
}

/* After N月: 26日, 26号, 1-5日. */
static void zh_days(pcur *c, int month, pspan *out)
{
    pmark m = pc_mark(c);
    int a, b;
    if (zh_num_range(c, &a, &b) && (pc_lit(c, "日") || pc_lit(c, "号"))) {
        *out = period_range(period_pt(PY_PENDING, PG_DAY, month, a),
                            period_pt(PY_PENDING, PG_DAY, month, b));
        return;
    }
    pc_reset(c, m);
}

/* 三季度, 1-3季度, 3月, 3月份, 1-6月, 3月26日. */
static bool zh_counted(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    int a, b;
    if (zh_num_range(c, &a, &b)) {
        if (pc_lit(c, "季度")) {
            *out = pending(PG_QUARTER, a, b);
            return true;
        }
        if (pc_lit(c, "月")) {
            (void)pc_lit(c, "份");
            *out = pending(PG_MONTH, a, b);
            if (a == b) zh_days(c, a, out);
            return true;
        }
    }
    pc_reset(c, m);
    return false;
}

/* The second end of 3月1日至5日: a day alone, in the first end's month. */
static bool zh_day_only(pcur *c, const ppoint *inh, pspan *out)
{
    pmark m = pc_mark(c);
    int d;
    if (inh && inh->g == PG_DAY && period_count(c, false, 2, &d) &&
        (pc_lit(c, "日") || pc_lit(c, "号"))) {
        *out = period_single(period_pt(PY_PENDING, PG_DAY, inh->n, d));
        return true;
    }
    pc_reset(c, m);
    return false;
}

/* 6月末, 三季度末, 上半年底: the last day, a point in time. */
static void zh_end_mark(pcur *c, pspan *s)
{
    if (period_is_single(s) && s->a.g != PG_YEAR && s->a.g != PG_DAY &&
        (pc_lit(c, "末") || pc_lit(c, "底")))
        s->to_end = true;
}

static bool zh_sub(pcur *c, const ppoint *inh, pspan *out)
{
    if (!(zh_half_or_full(c, out) || zh_named_quarter(c, out) || zh_leading(c, out) ||
          zh_label(c, out) || zh_counted(c, out) || zh_day_only(c, inh, out)))
        return false;
    zh_end_mark(c, out);
    return true;
}

/* ---- points ------------------------------------------------------------ */

static void give_year(pspan *s, int y)
{
    if (s->a.y == PY_PENDING) s->a.y = y;
    if (s->b.y == PY_PENDING) s->b.y = y;
}

/* 2024年末, 2024年底, 今年年底, 去年末. */
static bool zh_year_end(pcur *c)
{
    return pc_lit(c, "年末") || pc_lit(c, "年底") || pc_lit(c, "末") || pc_lit(c, "底");
}

/* What may follow a year phrase.  After bare digits only a sub-period
 * written against them (2024Q3, 2024上半年) or a spaced label (2024 Q3). */
static bool zh_after_year(pcur *c, pspan *yr, bool bare)
{
    pmark m = pc_mark(c);
    pspan sub;
    if (zh_sub(c, NULL, &sub) || (bare && pc_lit(c, " ") && zh_label(c, &sub))) {
        give_year(&sub, yr->a.y);
        *yr = sub;
        return true;
    }
    pc_reset(c, m);
    if (!bare && zh_year_end(c)) {
        yr->to_end = true;
        return true;
    }
    return false;
}

/* 本月 上月 上个月 下个月 本季度 上一季度 …: the document's own month or
 * quarter, shifted. */
static bool zh_relative_unit(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    int delta;
    if (pc_lit(c, "本")) delta = 0;
    else if (pc_lit(c, "上")) delta = -1;
    else if (pc_lit(c, "下")) delta = 1;
    else return false;
    if (delta) {
        (void)pc_lit(c, "一");
        (void)pc_lit(c, "个");
    }
    pgrain g;
    if (pc_lit(c, "季度") || pc_lit(c, "季")) g = PG_QUARTER;
    else if (pc_lit(c, "月")) g = PG_MONTH, (void)pc_lit(c, "份");
    else {
        pc_reset(c, m);
        return false;
    }
    *out = period_single(period_doc_point(c, g, delta));
    zh_end_mark(c, out);
    return true;
}

bool period_zh_point(pcur *c, const ppoint *inh, pspan *out)
{
    pmark m = pc_mark(c);
    bool bare;
    if (zh_year_phrase(c, out, &bare)) {
        if (!period_is_single(out) || zh_after_year(c, out, bare) || !bare) return true;
        pc_reset(c, m);
        return false;
    }
    return zh_relative_unit(c, out) || zh_sub(c, inh, out);
}

/* ---- expressions -------------------------------------------------------- */

/* 报告期, 报告期内, 本报告期, 报告期末: which report is meant is stated
 * elsewhere (the rules layer knows), so the period stays unresolved. */
static bool zh_report(pcur *c, presult *r)
{
    pmark m = pc_mark(c);
    (void)pc_lit(c, "本");
    if (!pc_lit(c, "报告期")) {
        pc_reset(c, m);
        return false;
    }
    r->opaque = true;
    if (pc_lit(c, "末") || pc_lit(c, "初")) {
        r->instant = true;
        c->flags |= NUM_F_ASOF;
    } else {
        (void)pc_lit(c, "内");
    }
    return true;
}

static bool zh_asof_target(pcur *c, presult *r)
{
    if (zh_report(c, r)) return true;
    if (pc_lit(c, "年末") || pc_lit(c, "年底")) {
        r->sp = period_single(year_pt(period_doc_year(c, 0)));
        r->sp.to_end = true;
        return true;
    }
    return period_point(c, NULL, false, &r->sp) && period_is_single(&r->sp);
}

bool period_zh_ended(pcur *c, pspan *s)
{
    if (!period_is_single(s) || s->to_end || !period_month_end_ok(&s->a)) return false;
    pmark m = pc_mark(c);
    int n = 0, k;
    if (pc_lit(c, "止")) {
        if (pc_lit(c, "年度")) n = 12;
        else if (period_count(c, true, 2, &k) && pc_lit(c, "个月")) n = k;
    }
    if (n >= 1 && n <= 12) {
        s->ended = n;
        return true;
    }
    pc_reset(c, m);
    return false;
}

/* 截至2024年6月30日, 截止到6月末, 截至报告期末: a point in time — unless
 * 止六个月 / 止年度 follows, which makes it the span ending then (the way
 * Hong Kong reports name their periods). */
static bool zh_asof(pcur *c, presult *r)
{
    pmark m = pc_mark(c);
    if (!(pc_lit(c, "截至") || pc_lit(c, "截止"))) return false;
    (void)(pc_lit(c, "到") || pc_lit(c, "至"));
    period_spaces(c);
    if (!zh_asof_target(c, r)) {
        pc_reset(c, m);
        return false;
    }
    if (!period_zh_ended(c, &r->sp)) {
        (void)pc_lit(c, "止");
        c->flags |= NUM_F_ASOF;
    }
    return true;
}

/* 从2018年至2023年, 自2018年以来: 从/自 belongs to the span only when an
 * interval follows; else (从2018年起) the year is matched on its own. */
static bool zh_from(pcur *c, presult *r)
{
    pmark m = pc_mark(c);
    if (!(pc_lit(c, "从") || pc_lit(c, "自"))) return false;
    if (period_zh_point(c, NULL, &r->sp) &&
        (!period_is_single(&r->sp) || period_tail(c, &r->sp)))
        return true;
    pc_reset(c, m);
    return false;
}

/* 近6年, 近两年来, 过去三年, 最近5年: the N years ending with the
 * document's.  N = 1 (近一年) means the last twelve months, which no
 * period string states, so it is not read. */
static bool zh_recent(pcur *c, presult *r)
{
    pmark m = pc_mark(c);
    if (!(pc_lit(c, "最近") || pc_lit(c, "近") || pc_lit(c, "过去"))) return false;
    (void)pc_lit(c, "的");
    int n;
    if (period_count(c, true, 2, &n) && n >= 2 && n <= 50 && pc_lit(c, "年")) {
        if (!pc_lit(c, "以来")) (void)pc_lit(c, "来");
        int y = period_doc_year(c, 0);
        int first = y == PY_UNKNOWN ? y : y - n + 1;
        r->sp = period_range(year_pt(first), year_pt(y));
        return true;
    }
    pc_reset(c, m);
    return false;
}

/* 上年同期, 去年同期, 2023年同期: "the same period" of that year.  Which
 * period is in force (H1? Q3?) is known only from the sentence around, so
 * this is reported unresolved rather than as the whole year. */
static bool zh_same_period(pcur *c, presult *r)
{
    pmark m = pc_mark(c);
    pspan yr;
    bool bare;
    /* 同期 ends within 34 bytes of the start or not at (the longest single
     * year phrase, 二〇二四 财政年度, is 25, then 的): most year phrases
     * are followed by something else, and period_point reads them next. */
    size_t near = c->len - c->i < 34 ? c->len - c->i : 34;
    if (!find_bytes(c->s + c->i, near, "同期", 6)) return false;
    if (zh_year_phrase(c, &yr, &bare) && !bare && period_is_single(&yr)) {
        (void)pc_lit(c, "的");
        if (pc_lit(c, "同期")) {
            r->opaque = true;
            return true;
        }
    }
    pc_reset(c, m);
    return false;
}

bool period_zh_expr(pcur *c, presult *r)
{
    return zh_asof(c, r) || zh_from(c, r) || zh_recent(c, r) || zh_report(c, r) ||
           zh_same_period(c, r);
}
