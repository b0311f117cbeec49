/*
 * period_en.c — English and numeric period expressions.
 *
 *   numeric       2024-03-26 2024/3/26 2024.3.26 2024-03 | 3Q24 1H2024 24Q3
 *   labels        Q3 2024, Q3'24, Q3 FY24, H1 2024, Q3 (year from context)
 *                 FY2024 FY24 FY 2024, FY24 Q3
 *   months        March 26, 2024 | Mar. 26 | 26 March 2024 | Mar. 2024
 *   words         first quarter of 2024, second-half 2024, full year 2023,
 *                 full-year, fiscal 2024, last/this/next year|quarter|month
 *   bare years    2024 only after in/during/for/by/until/through/year, or
 *                 where the caller allows it (after "from", a year)
 *
 * and period_en_expr: as of / as at / at the end of + point, from X to Y,
 * between X and Y, since X (up to the document date), six months / year
 * ended <day> (the months ending that day).  Articles and prepositions
 * ("the", "in") stay outside the span; "as of", "from", "between", "since"
 * and "six months ended" are inside because they change what it means.
 *
 * Month names must be capitalised ("may" and "march" are also verbs), and
 * a month name alone is read only after "end of", "from", and "in" or
 * "during" (with early/mid/late: "In early December").
 */
#include "period_impl.h"

/* ---- small readers ------------------------------------------------------ */

/* Where a year may end: not inside a longer number, a decimal, a code
 * (2024-25, 2024/25) or a word. */
static bool en_year_end(const pcur *c)
{
    int b = pc_byte(c, 0);
    if (pc_is_alnum(b) || b == '%') return false;
    bool sep = b == '.' || b == ',' || b == '/' || b == '-';
    return !(sep && pc_is_digit(pc_byte(c, 1)));
}

static bool en_year4(pcur *c, int *y)
{
    pmark m = pc_mark(c);
    if (period_num(c, 4, 4, y) && period_year_ok(*y) && en_year_end(c)) return true;
    pc_reset(c, m);
    return false;
}

/* FY2024, FY24, FY 2024, FY'24.  Letters may follow (FY24Q3); a slash
 * and digits may not: FY2018/19 is a label this layer cannot normalise. */
static bool en_fy(pcur *c, int *y)
{
    pmark m = pc_mark(c);
    if (pc_lit(c, "FY")) {
        (void)(pc_lit(c, " ") || pc_lit(c, "'"));
        int v;
        bool four = period_num(c, 4, 4, &v);
        if (four || period_num(c, 2, 2, &v)) {
            *y = four ? v : period_yy(v);
            bool code = pc_byte(c, 0) == '/' && pc_is_digit(pc_byte(c, 1));
            if (period_year_ok(*y) && !code && !pc_is_digit(pc_byte(c, 0))) return true;
        }
    }
    pc_reset(c, m);
    return false;
}

/* The year after a label: '24, " 2024", "-2024", " of 2024", " FY24". */
static bool en_label_year(pcur *c, int *y)
{
    pmark m = pc_mark(c);
    int yy;
    if (pc_lit(c, "'") && period_num(c, 2, 2, &yy) && pc_boundary(c)) {
        *y = period_yy(yy);
        return true;
    }
    pc_reset(c, m);
    (void)(pc_lit(c, " of ") || pc_lit(c, " ") || pc_lit(c, "-"));
    if (en_fy(c, y) || en_year4(c, y)) return true;
    pc_reset(c, m);
    return false;
}

/* Whether the word just before the cursor (across spaces) is one of
 * words; those are lower case. */
static bool en_word_before(const pcur *c, const char *const *words, size_t nwords)
{
    size_t e = c->i;
    if (e == 0 || c->s[e - 1] != ' ') return false;
    while (e > 0 && c->s[e - 1] == ' ') e--;
    size_t b = e;
    while (b > 0 && pc_is_alpha((unsigned char)c->s[b - 1])) b--;
    for (size_t k = 0; k < nwords; k++) {
        size_t n = strlen(words[k]);
        if (n != e - b) continue;
        pcur probe = {.s = c->s, .len = e, .i = b};
        if (period_phrase(&probe, words[k])) return true;
    }
    return false;
}

static bool en_month(pcur *c, int *mon)
{
    static const char *const full[12] = {
        "january", "february", "march",     "april",   "may",      "june",
        "july",    "august",   "september", "october", "november", "december"};
    static const char *const abbr[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    int b = pc_byte(c, 0);
    if (b < 'A' || b > 'Z') return false;
    for (int k = 0; k < 12; k++)
        if (period_word(c, full[k])) {
            *mon = k + 1;
            return true;
        }
    for (int k = 0; k < 12; k++)
        if (period_word(c, abbr[k]) || (k == 8 && period_word(c, "sept"))) {
            *mon = k + 1;
            (void)pc_lit(c, ".");
            return true;
        }
    return false;
}

/* After the digits of a day: st, nd, rd, th or nothing, ending the word. */
static bool en_day_end(pcur *c)
{
    pmark m = pc_mark(c);
    (void)(period_phrase(c, "st") || period_phrase(c, "nd") || period_phrase(c, "rd") ||
           period_phrase(c, "th"));
    if (pc_boundary(c)) return true;
    pc_reset(c, m);
    return false;
}

static pspan day_pt(int y, int mon, int d) { return period_single(period_pt(y, PG_DAY, mon, d)); }

/* The year after a day: "March 26, 2024", "26 March 2024". */
static void en_day_year(pcur *c, pspan *s)
{
    pmark m = pc_mark(c);
    int y;
    (void)pc_lit(c, ",");
    if (pc_lit(c, " ") && en_year4(c, &y)) {
        s->a.y = s->b.y = y;
        return;
    }
    pc_reset(c, m);
}

/* ---- points -------------------------------------------------------------- */

/* March 26, 2024 | March 26 | March 2024 | Mar. 2024.  A month name alone
 * is not read: too often it is a verb or a name. */
static bool en_month_first(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    int mon, d, y;
    if (en_month(c, &mon) && pc_lit(c, " ")) {
        pmark after = pc_mark(c);
        if (period_num(c, 1, 2, &d) && en_day_end(c)) {
            *out = day_pt(PY_PENDING, mon, d);
            en_day_year(c, out);
            return true;
        }
        pc_reset(c, after);
        if (en_year4(c, &y)) {
            *out = period_single(period_pt(y, PG_MONTH, mon, 0));
            return true;
        }
    }
    pc_reset(c, m);
    return false;
}

/* "the end of June": after "end of" a month name alone is safe to read. */
static bool en_month_alone(pcur *c, pspan *out)
{
    int mon;
    if (!en_month(c, &mon)) return false;
    *out = period_single(period_pt(PY_PENDING, PG_MONTH, mon, 0));
    return true;
}

/* 26 March 2024 | 26th March | 26 March. */
static bool en_day_first(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    int d, mon;
    if (period_num(c, 1, 2, &d) && en_day_end(c) && pc_lit(c, " ") && en_month(c, &mon)) {
        *out = day_pt(PY_PENDING, mon, d);
        en_day_year(c, out);
        return true;
    }
    pc_reset(c, m);
    return false;
}

/* A numeric date ends where no further number part follows (2024.3.26.1
 * is a version, 2024-03-2611 nothing). */
static bool numeric_end(const pcur *c)
{
    int b = pc_byte(c, 0);
    bool sep = b == '.' || b == '/' || b == '-';
    return !pc_is_digit(b) && !(sep && pc_is_digit(pc_byte(c, 1)));
}

/* After "2024-3": "-26" makes a day; "2024-03" alone is the ISO month
 * (two month digits: 2024-3 is too often a range). */
static bool en_iso_rest(pcur *c, int y, int sep, int mon, bool two, pspan *out)
{
    pmark m = pc_mark(c);
    int d;
    if (pc_byte(c, 0) == sep) {
        c->i++;
        if (period_num(c, 1, 2, &d) && numeric_end(c)) {
            *out = day_pt(y, mon, d);
            return true;
        }
        pc_reset(c, m);
    }
    if (sep == '-' && two && mon >= 1 && mon <= 12 && numeric_end(c) && pc_boundary(c)) {
        *out = period_single(period_pt(y, PG_MONTH, mon, 0));
        return true;
    }
    return false;
}

/* 2024-03-26, 2024/3/26, 2024.3.26 (one separator throughout), 2024-03. */
static bool en_iso(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    int y, mon;
    if (period_num(c, 4, 4, &y) && period_year_ok(y)) {
        int sep = pc_byte(c, 0);
        if (sep == '-' || sep == '/' || sep == '.') {
            c->i++;
            size_t at = c->i;
            if (period_num(c, 1, 2, &mon) && en_iso_rest(c, y, sep, mon, c->i - at == 2, out))
                return true;
        }
    }
    pc_reset(c, m);
    return false;
}

/* 3Q24, 1H2024: a count, the letter, a year of two or four digits. */
static bool en_count_label(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    int n, y;
    if (period_num(c, 1, 1, &n)) {
        int k = pc_byte(c, 0);
        bool ok = (k == 'Q' && n >= 1 && n <= 4) || (k == 'H' && (n == 1 || n == 2));
        if (ok) {
            c->i++;
            bool four = period_num(c, 4, 4, &y);
            if ((four || period_num(c, 2, 2, &y)) && pc_boundary(c)) {
                y = four ? y : period_yy(y);
                if (period_year_ok(y)) {
                    *out = period_single(period_pt(y, k == 'Q' ? PG_QUARTER : PG_HALF, n, 0));
                    return true;
                }
            }
        }
    }
    pc_reset(c, m);
    return false;
}

/* 3Q24, 1H2024 (broker style), and 24Q3, 24H1 (Chinese broker style). */
static bool en_numeric_label(pcur *c, pspan *out)
{
    if (en_count_label(c, out)) return true;
    pmark m = pc_mark(c);
    int y;
    ppoint p;
    if (period_num(c, 2, 2, &y) && period_qh(c, &p) && pc_boundary(c)) {
        p.y = period_yy(y);
        *out = period_single(p);
        return true;
    }
    pc_reset(c, m);
    return false;
}

/* A bare year, where English says it is one: "in 2024", "for 2024"; also
 * "in 2018-2023".  Elsewhere a four-digit number is just a number. */
static bool en_bare_year(pcur *c, bool bare_ok, pspan *out)
{
    static const char *const before[] = {"in", "during", "for", "by", "until", "through",
                                         "year"};
    if (!bare_ok && !en_word_before(c, before, sizeof before / sizeof before[0])) return false;
    pmark m = pc_mark(c);
    int y, y2;
    if (!period_num(c, 4, 4, &y) || !period_year_ok(y)) {
        pc_reset(c, m);
        return false;
    }
    pmark after = pc_mark(c);
    if (period_conn(c) && en_year4(c, &y2) && y2 > y) {
        *out = period_range(period_pt(y, PG_YEAR, 0, 0), period_pt(y2, PG_YEAR, 0, 0));
        return true;
    }
    pc_reset(c, after);
    if (!en_year_end(c)) {
        pc_reset(c, m);
        return false;
    }
    *out = period_single(period_pt(y, PG_YEAR, 0, 0));
    return true;
}

/* Q3 2024, Q3'24, Q3 FY24, H1 2024, or Q3 alone (year from context). */
static bool en_label(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    ppoint p;
    int y;
    if (period_qh(c, &p)) {
        if (en_label_year(c, &y)) p.y = y;
        if (p.y != PY_PENDING || pc_boundary(c)) {
            *out = period_single(p);
            return true;
        }
    }
    pc_reset(c, m);
    return false;
}

/* FY2024, FY24 Q3, FY2024-H1. */
static bool en_fiscal_label(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    int y;
    ppoint p;
    if (!en_fy(c, &y)) return false;
    pmark after = pc_mark(c);
    (void)(pc_lit(c, " ") || pc_lit(c, "-"));
    if (period_qh(c, &p) && pc_boundary(c)) {
        p.y = y;
        *out = period_single(p);
        return true;
    }
    pc_reset(c, after);
    if (pc_boundary(c)) {
        *out = period_single(period_pt(y, PG_YEAR, 0, 0));
        return true;
    }
    pc_reset(c, m);
    return false;
}

/* The year after "first quarter" or "full year": " of 2024", " 2024",
 * " of fiscal 2024", " of fiscal year 2024", " FY24". */
static void en_words_year(pcur *c, ppoint *p)
{
    pmark m = pc_mark(c);
    int y;
    (void)period_phrase(c, " of");
    if (pc_lit(c, " ")) {
        (void)period_phrase(c, "fiscal ");
        (void)period_phrase(c, "year ");
        if (en_fy(c, &y) || en_year4(c, &y)) {
            p->y = y;
            return;
        }
    }
    pc_reset(c, m);
}

/* first quarter, second-half, fourth quarter of 2024. */
static bool en_ordinal(pcur *c, pspan *out)
{
    static const char *const ord[4] = {"first", "second", "third", "fourth"};
    pmark m = pc_mark(c);
    for (int k = 0; k < 4; k++) {
        if (!period_word(c, ord[k])) continue;
        if (pc_lit(c, "-") || pc_lit(c, " ")) {
            ppoint p = period_pt(PY_PENDING, PG_QUARTER, k + 1, 0);
            bool q = period_word(c, "quarter");
            if (!q && k < 2 && period_word(c, "half")) p.g = PG_HALF;
            if (q || p.g == PG_HALF) {
                en_words_year(c, &p);
                *out = period_single(p);
                return true;
            }
        }
        break;
    }
    pc_reset(c, m);
    return false;
}

/* full year 2023, full-year, fiscal 2024, fiscal year 2024.  "fiscal
 * year" with no year names nothing. */
static bool en_year_words(pcur *c, pspan *out)
{
    pmark m = pc_mark(c);
    ppoint p = period_pt(PY_PENDING, PG_YEAR, 0, 0);
    int y;
    if (period_word(c, "full") && (pc_lit(c, "-") || pc_lit(c, " ")) && period_word(c, "year")) {
        en_words_year(c, &p);
        *out = period_single(p);
        return true;
    }
    pc_reset(c, m);
    if (period_phrase(c, "fiscal ")) {
        (void)period_phrase(c, "year ");
        if (en_year4(c, &y)) {
            *out = period_single(period_pt(y, PG_YEAR, 0, 0));
            return true;
        }
    }
    pc_reset(c, m);
    return false;
}

/* last year, this quarter, next month.  Not after "the": "over the last
 * year" means the past twelve months. */
static bool en_relative(pcur *c, pspan *out)
{
    static const char *const the[] = {"the"};
    static const struct {
        const char *w;
        int delta;
    } rel[] = {{"last", -1}, {"this", 0}, {"next", 1}};
    static const struct {
        const char *w;
        pgrain g;
    } unit[] = {{"year", PG_YEAR}, {"quarter", PG_QUARTER}, {"month", PG_MONTH}};
    if (en_word_before(c, the, 1)) return false;
    pmark m = pc_mark(c);
    for (size_t r = 0; r < 3; r++) {
        if (!(period_word(c, rel[r].w) && pc_lit(c, " "))) continue;
        for (size_t u = 0; u < 3; u++)
            if (period_word(c, unit[u].w)) {
                *out = period_single(period_doc_point(c, unit[u].g, rel[r].delta));
                return true;
            }
        break;
    }
    pc_reset(c, m);
    return false;
}

bool period_en_point(pcur *c, bool bare_ok, pspan *out)
{
    if (pc_is_digit(pc_byte(c, 0)))
        return en_iso(c, out) || en_numeric_label(c, out) || en_day_first(c, out) ||
               en_bare_year(c, bare_ok, out);
    return en_label(c, out) || en_fiscal_label(c, out) || en_month_first(c, out) ||
           en_ordinal(c, out) || en_year_words(c, out) || en_relative(c, out);
}

/* ---- expressions ---------------------------------------------------------- */

/* as of June 30, 2024 | as at end-2024 | at the end of June. */
static bool en_asof(pcur *c, presult *r)
{
    pmark m = pc_mark(c);
    bool end;
    if (period_phrase(c, "as of ") || period_phrase(c, "as at "))
        end = period_phrase(c, "the end of ") || period_phrase(c, "end of ") ||
              period_phrase(c, "end-");
    else if (period_phrase(c, "at the end of "))
        end = true;
    else
        return false;
    pspan *s = &r->sp;
    if ((period_point(c, NULL, true, s) || (end && en_month_alone(c, s))) &&
        period_is_single(s) && !s->to_end && !(end && s->a.g == PG_DAY)) {
        s->to_end = end;
        c->flags |= NUM_F_ASOF;
        return true;
    }
    pc_reset(c, m);
    return false;
}

/* since 2018, since March 2023: up to the document date, like 以来. */
static bool en_since(pcur *c, presult *r)
{
    pmark m = pc_mark(c);
    pspan *s = &r->sp;
    if (period_phrase(c, "since ") && period_point(c, NULL, true, s) && period_to_now(c, s))
        return true;
    pc_reset(c, m);
    return false;
}

static bool en_to(pcur *c)
{
    return pc_lit(c, " to ") || pc_lit(c, " through ") || pc_lit(c, " until ") ||
           period_conn(c);
}

/* from 2018 to 2023, from Q1 to Q3 2024, from March to June 2024: an
 * interval or nothing (so a month name alone is safe here). */
static bool en_from(pcur *c, presult *r)
{
    pmark m = pc_mark(c);
    pspan *s = &r->sp;
    if (period_phrase(c, "from ") &&
        (period_point(c, NULL, true, s) || en_month_alone(c, s)) && period_is_single(s) &&
        !s->to_end && en_to(c) && period_join(c, s))
        return true;
    pc_reset(c, m);
    return false;
}

static bool en_between(pcur *c, presult *r)
{
    pmark m = pc_mark(c);
    pspan *s = &r->sp;
    if (period_phrase(c, "between ") && period_point(c, NULL, true, s) &&
        period_is_single(s) && !s->to_end && pc_lit(c, " and ") && period_join(c, s))
        return true;
    pc_reset(c, m);
    return false;
}

/* six months ended June 30, 2024; year ended December 31, 2023: the
 * months ending on a month's last day (see period_months_ending). */
static bool en_ended(pcur *c, presult *r)
{
    static const struct {
        const char *w;
        int months;
    } spans[] = {{"three months", 3}, {"six months", 6},   {"nine months", 9},
                 {"twelve months", 12}, {"fiscal year", 12}, {"year", 12}};
    pmark m = pc_mark(c);
    pspan *s = &r->sp;
    for (size_t k = 0; k < sizeof spans / sizeof spans[0]; k++) {
        if (!period_phrase(c, spans[k].w)) continue;
        if ((period_phrase(c, " ended ") || period_phrase(c, " ending ")) &&
            period_point(c, NULL, false, s) && period_is_single(s) && !s->to_end &&
            period_month_end_ok(&s->a)) {
            s->ended = spans[k].months;
            return true;
        }
        break;
    }
    pc_reset(c, m);
    return false;
}

/* in October, In early December, during mid-March: a month name alone,
 * its year from the document date.  "in March 26, 2024" and "in March
 * 2024" are left to the month's own position, which reads them whole. */
static bool en_in_month(pcur *c, presult *r)
{
    pmark m = pc_mark(c);
    pspan *s = &r->sp;
    if (period_phrase(c, "in ") || period_phrase(c, "during ")) {
        if (!period_phrase(c, "early ") && !period_phrase(c, "late ") &&
            !period_phrase(c, "mid-"))
            (void)period_phrase(c, "mid ");
        if (en_month_alone(c, s) && !pc_is_alpha(pc_byte(c, 0)) &&
            !(pc_byte(c, 0) == ' ' && pc_is_digit(pc_byte(c, 1))) &&
            !(pc_byte(c, 0) == '.' && pc_byte(c, 1) == ' ' && pc_is_digit(pc_byte(c, 2))))
            return true;
    }
    pc_reset(c, m);
    return false;
}

bool period_en_expr(pcur *c, presult *r)
{
    return en_asof(c, r) || en_from(c, r) || en_between(c, r) || en_since(c, r) ||
           en_ended(c, r) || en_in_month(c, r);
}
