/*
 * period_cal.c — calendar arithmetic for periods: validity, order, the last
 * day of a period, resolution against the document date, and the DESIGN.md
 * period format (2024, 2024H1, 2024Q3, 2024-03, 2024-03-26, a/b).
 *
 * Resolution is the only place that reads the document date, so the policy
 * lives here in two functions: with a date, a relative expression resolves
 * and says so (NUM_F_RELATIVE); without one it is marked NUM_F_UNRESOLVED
 * and its year becomes PY_UNKNOWN — never a guess.
 */
#include "period_impl.h"

#include <stdio.h>

bool period_year_ok(int y) { return y >= 1900 && y <= 2100; }

/* News rarely names years before 1970 with two digits, and FY99 still
 * means 1999. */
int period_yy(int yy) { return yy < 70 ? 2000 + yy : 1900 + yy; }

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int period_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    /* An unknown year must not reject 2月29日: it may be right. */
    if (m == 2 && (y == PY_UNKNOWN || leap(y))) return 29;
    return days[m - 1];
}

ppoint period_pt(int y, pgrain g, int n, int d) { return (ppoint){y, g, n, d}; }

pspan period_single(ppoint p) { return (pspan){p, p, false, 0}; }

pspan period_range(ppoint a, ppoint b) { return (pspan){a, b, false, 0}; }

static bool point_eq(const ppoint *a, const ppoint *b)
{
    return a->y == b->y && a->g == b->g && a->n == b->n && a->d == b->d;
}

bool period_is_single(const pspan *s) { return point_eq(&s->a, &s->b); }

static int grain_units(pgrain g)
{
    switch (g) {
    case PG_HALF: return 2;
    case PG_QUARTER: return 4;
    case PG_MONTH:
    case PG_DAY: return 12;
    default: return 0;
    }
}

bool period_point_valid(const ppoint *p)
{
    if (p->y != PY_UNKNOWN && (p->y < 1 || p->y > 9999)) return false;
    if (p->g == PG_YEAR) return true;
    if (p->n < 1 || p->n > grain_units(p->g)) return false;
    return p->g != PG_DAY || (p->d >= 1 && p->d <= period_days_in_month(p->y, p->n));
}

static int cmp_int(int a, int b) { return (a > b) - (a < b); }

int period_point_cmp(const ppoint *a, const ppoint *b)
{
    int r = cmp_int(a->y, b->y);
    if (!r) r = cmp_int(a->n, b->n);
    if (!r) r = cmp_int(a->d, b->d);
    return r;
}

bool period_order_ok(const ppoint *a, const ppoint *b)
{
    ppoint x = *a, y = *b;
    if (x.y == PY_PENDING) x.y = y.y;
    if (y.y == PY_PENDING) y.y = x.y;
    /* One unknown year cannot be ordered against a known one (the output
     * will be empty anyway); two unknown ones are the same year, so 6-1月
     * is refused with or without a document date. */
    if ((x.y == PY_UNKNOWN) != (y.y == PY_UNKNOWN)) return true;
    return period_point_cmp(&x, &y) <= 0;
}

ppoint period_end_day(ppoint p)
{
    int m;
    switch (p.g) {
    case PG_YEAR: m = 12; break;
    case PG_HALF: m = p.n * 6; break;
    case PG_QUARTER: m = p.n * 3; break;
    case PG_MONTH: m = p.n; break;
    default: return p;
    }
    return period_pt(p.y, PG_DAY, m, period_days_in_month(p.y, m));
}

/* Whether the document date is precise enough for grain g; a date that
 * gives only the year cannot say which month 本月 is. */
static bool doc_known(pcur *c, pgrain g)
{
    const num_date *d = &c->doc;
    bool ok = d->year != 0;
    if (g != PG_YEAR) ok = ok && d->month >= 1 && d->month <= 12;
    if (g == PG_DAY) ok = ok && d->day >= 1 && d->day <= 31;
    c->flags |= ok ? NUM_F_RELATIVE : NUM_F_UNRESOLVED;
    return ok;
}

int period_doc_year(pcur *c, int delta)
{
    return doc_known(c, PG_YEAR) ? c->doc.year + delta : PY_UNKNOWN;
}

/* Count periods from year 0 so that shifting across a year boundary (上月
 * in January) is one division. */
ppoint period_doc_point(pcur *c, pgrain g, int delta)
{
    if (g == PG_YEAR) return period_pt(period_doc_year(c, delta), g, 0, 0);
    if (!doc_known(c, g)) return period_pt(PY_UNKNOWN, g, 1, g == PG_DAY);
    if (g == PG_DAY) return period_pt(c->doc.year, g, c->doc.month, c->doc.day);
    int per = grain_units(g), span = 12 / per;
    int idx = c->doc.year * per + (c->doc.month - 1) / span + delta;
    return period_pt(idx / per, g, idx % per + 1, 0);
}

static int format_point(const ppoint *p, char *buf, size_t cap)
{
    switch (p->g) {
    case PG_YEAR: return snprintf(buf, cap, "%04d", p->y);
    case PG_HALF: return snprintf(buf, cap, "%04dH%d", p->y, p->n);
    case PG_QUARTER: return snprintf(buf, cap, "%04dQ%d", p->y, p->n);
    case PG_MONTH: return snprintf(buf, cap, "%04d-%02d", p->y, p->n);
    default: return snprintf(buf, cap, "%04d-%02d-%02d", p->y, p->n, p->d);
    }
}

static char *put_digits(char *o, int v, int width)
{
    for (int k = width - 1; k >= 0; k--) {
        o[k] = (char)('0' + v % 10);
        v /= 10;
    }
    return o + width;
}

/* What format_point prints, without snprintf (a period is formatted for
 * every one the scanner reports): only for the fields a valid point has. */
static bool fast_point_ok(const ppoint *p)
{
    int n_max = p->g == PG_HALF || p->g == PG_QUARTER ? 9 : 99;
    return p->y >= 0 && p->y <= 9999 && p->n >= 0 && p->n <= n_max && p->d >= 0 && p->d <= 99;
}

static char *fast_point(const ppoint *p, char *o)
{
    o = put_digits(o, p->y, 4);
    switch (p->g) {
    case PG_YEAR: return o;
    case PG_HALF: *o++ = 'H'; return put_digits(o, p->n, 1);
    case PG_QUARTER: *o++ = 'Q'; return put_digits(o, p->n, 1);
    case PG_MONTH: *o++ = '-'; return put_digits(o, p->n, 2);
    default:
        *o++ = '-';
        o = put_digits(o, p->n, 2);
        *o++ = '-';
        return put_digits(o, p->d, 2);
    }
}

size_t period_format(const pspan *s, char *buf, size_t cap)
{
    bool single = period_is_single(s);
    /* the longest, two days and a slash, is 21 bytes */
    if (cap > 21 && fast_point_ok(&s->a) && (single || fast_point_ok(&s->b))) {
        char *o = fast_point(&s->a, buf);
        if (!single) {
            *o++ = '/';
            o = fast_point(&s->b, o);
        }
        *o = '\0';
        return (size_t)(o - buf);
    }
    int n = format_point(&s->a, buf, cap);
    if (n < 0 || (size_t)n >= cap) return 0;
    if (single) return (size_t)n;
    int m = snprintf(buf + n, cap - (size_t)n, "/");
    int k = format_point(&s->b, buf + n + m, cap - (size_t)(n + m));
    if (k < 0 || (size_t)(n + m + k) >= cap) return 0;
    return (size_t)(n + m + k);
}

bool period_month_end_ok(const ppoint *d)
{
    if (d->g != PG_DAY) return false;
    if (d->y == PY_PENDING && d->n == 2) return d->d == 28 || d->d == 29;
    return d->d == period_days_in_month(d->y, d->n);
}

bool period_months_ending(const ppoint *d, int months, pspan *out)
{
    if (!period_month_end_ok(d) || months < 1 || months > 12) return false;
    if (months == 12 && d->n == 12) {
        *out = period_single(period_pt(d->y, PG_YEAR, 0, 0));
        return true;
    }
    int first = d->y * 12 + (d->n - 1) - (months - 1);
    ppoint a = period_pt(d->y == PY_UNKNOWN ? d->y : first / 12, PG_MONTH, first % 12 + 1, 0);
    if (d->y == PY_UNKNOWN) a.n = 1; /* placeholder: the period is not printed */
    *out = period_range(a, period_pt(d->y, PG_MONTH, d->n, 0));
    return true;
}
