/*
 * period_expr.c — the top of the period grammar: one expression read from
 * a position period.c has let through, its years settled, checked, and
 * written out as a num_quantity.
 *
 * An expression is a language-specific head form (period_zh_expr: 截至,
 * 从, 近N年, 报告期, 同期; period_en_expr: as of, from, between, since,
 * six months ended), or else a point, optionally extended by a tail into
 * an interval: a connector and a second point, or 至今 / 以来.  The two
 * ends must have the same grain and be in order (2024年至2018年 is two
 * years, not an interval).
 */
#include "period_impl.h"

/* ---- points and intervals ----------------------------------------------- */

bool period_point(pcur *c, const ppoint *inh, bool bare_ok, pspan *out)
{
    int b = pc_byte(c, 0);
    if (b < 0) return false;
    if ((b >= 0x80 || pc_is_digit(b)) && period_zh_point(c, inh, out)) return true;
    return b < 0x80 && period_en_point(c, bare_ok, out);
}

bool period_join(pcur *c, pspan *s)
{
    pmark m = pc_mark(c);
    pspan b;
    if (period_point(c, &s->a, s->a.g == PG_YEAR, &b) && period_is_single(&b) && !b.to_end &&
        b.a.g == s->a.g && period_order_ok(&s->a, &b.a)) {
        s->b = b.a;
        return true;
    }
    pc_reset(c, m);
    return false;
}

bool period_to_now(pcur *c, pspan *s)
{
    pmark m = pc_mark(c);
    ppoint b = period_doc_point(c, s->a.g, 0);
    if (period_is_single(s) && !s->to_end && period_order_ok(&s->a, &b)) {
        s->b = b;
        return true;
    }
    pc_reset(c, m);
    return false;
}

/* 2018年以来, 2018年至今, 3月以来.  至今年… is 至 + 今年, not 至今. */
static bool until_now(pcur *c, pspan *s)
{
    pmark m = pc_mark(c);
    bool now = pc_lit(c, "以来") || pc_lit(c, "迄今") ||
               (pc_lit(c, "至今") && !pc_peek(c, "年"));
    if (now && period_to_now(c, s)) return true;
    pc_reset(c, m);
    return false;
}

bool period_tail(pcur *c, pspan *s)
{
    if (!period_is_single(s) || s->to_end) return false;
    pmark m = pc_mark(c);
    if (until_now(c, s) || (period_conn(c) && period_join(c, s))) return true;
    pc_reset(c, m);
    return false;
}

/* ---- the match ------------------------------------------------------------ */

static bool read_expr(pcur *c, presult *r)
{
    int b = pc_byte(c, 0);
    if ((b >= 0x80 || pc_is_digit(b)) && period_zh_expr(c, r)) return true;
    if (pc_is_alpha(b) && period_en_expr(c, r)) return true;
    if (!period_point(c, NULL, false, &r->sp)) return false;
    if (!period_zh_ended(c, &r->sp)) (void)period_tail(c, &r->sp);
    return true;
}

/* Pending years come from the other end, else from the document. */
static void settle_years(pcur *c, pspan *s)
{
    if (s->a.y == PY_PENDING) s->a.y = s->b.y;
    if (s->b.y == PY_PENDING) s->b.y = s->a.y;
    if (s->a.y == PY_PENDING) s->a.y = s->b.y = period_doc_year(c, 0);
}

/* Fix the years, turn 止六个月 into months and 末 into a day, and refuse
 * what cannot exist (2月30日, 13月, 2023年2月29日): the whole match goes,
 * so nothing shorter and wrong is reported in its place. */
static bool settle(pcur *c, presult *r)
{
    if (r->opaque) {
        c->flags = (c->flags & NUM_F_ASOF) | NUM_F_UNRESOLVED;
        return true;
    }
    pspan *s = &r->sp;
    settle_years(c, s);
    ppoint last = s->a;
    if (s->ended && !period_months_ending(&last, s->ended, s)) return false;
    if (s->to_end) {
        s->a = s->b = period_end_day(s->a);
        c->flags |= NUM_F_ASOF;
    }
    if (!period_point_valid(&s->a) || !period_point_valid(&s->b) ||
        !period_order_ok(&s->a, &s->b))
        return false;
    if (c->flags & NUM_F_UNRESOLVED) c->flags &= ~(uint32_t)NUM_F_RELATIVE;
    return true;
}

static num_kind kind_of(const presult *r)
{
    if (r->opaque) return r->instant ? NUM_DATE : NUM_PERIOD;
    return period_is_single(&r->sp) && r->sp.a.g == PG_DAY ? NUM_DATE : NUM_PERIOD;
}

size_t period_read(const char *text, size_t len, size_t pos, const num_ctx *ctx,
                   num_quantity *out)
{
    pcur c = {.s = text, .len = len, .i = pos};
    if (ctx) c.doc = ctx->doc_date;
    presult r;
    memset(&r, 0, sizeof r);
    if (!read_expr(&c, &r) || !settle(&c, &r)) return 0;

    num_quantity q;
    memset(&q, 0, sizeof q);
    q.start = pos;
    q.end = c.i;
    q.kind = kind_of(&r);
    q.flags = c.flags;
    if (!(c.flags & NUM_F_UNRESOLVED) && !period_format(&r.sp, q.period, sizeof q.period))
        return 0;
    *out = q;
    return c.i - pos;
}
