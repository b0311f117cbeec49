/*
 * period_lex.c — the small readers every period form is built from: digit
 * runs, ASCII words, connectors, Q/H labels and Chinese numerals.
 *
 * Each follows the contract of period_impl.h: consume and return true, or
 * leave the cursor untouched and return false.  The Chinese numerals here
 * cover only what dates need (a four-digit year, a month, a day, a count
 * of years); the full numeral grammar belongs to num.c, and periods must
 * not wait on it.
 */
#include "period_impl.h"
#include "utf8.h"

bool period_num(pcur *c, int minw, int maxw, int *v)
{
    int n = 0;
    while (pc_is_digit(pc_byte(c, (size_t)n))) n++;
    if (n < minw || n > maxw) return false;
    int x = 0;
    for (int k = 0; k < n; k++) x = x * 10 + (c->s[c->i + (size_t)k] - '0');
    c->i += (size_t)n;
    *v = x;
    return true;
}

static int ascii_lower(int b) { return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b; }

bool period_phrase(pcur *c, const char *w)
{
    /* the grammar tries its phrases one after another: the first byte
     * settles nearly every call */
    if (c->i >= c->len || ascii_lower((unsigned char)c->s[c->i]) != w[0]) return false;
    size_t n = strlen(w);
    if (n > c->len - c->i) return false;
    for (size_t k = 0; k < n; k++)
        if (ascii_lower((unsigned char)c->s[c->i + k]) != w[k]) return false;
    c->i += n;
    return true;
}

bool period_word(pcur *c, const char *w)
{
    size_t at = c->i;
    if (!period_phrase(c, w)) return false;
    if (pc_is_alpha(pc_byte(c, 0))) {
        c->i = at;
        return false;
    }
    return true;
}

void period_spaces(pcur *c)
{
    while (pc_byte(c, 0) == ' ') c->i++;
}

/* Dashes read as connectors only between period ends ("2018 - 2023"), so
 * spaces around them are allowed; the Chinese words take none. */
bool period_conn(pcur *c)
{
    if (pc_lit(c, "至") || pc_lit(c, "到")) return true;
    pmark m = pc_mark(c);
    period_spaces(c);
    if (pc_lit(c, "——") || pc_lit(c, "—") || pc_lit(c, "–") ||
        pc_lit(c, "〜") || pc_lit(c, "~") || pc_lit(c, "-")) {
        period_spaces(c);
        return true;
    }
    pc_reset(c, m);
    return false;
}

bool period_qh(pcur *c, ppoint *p)
{
    int kind = pc_byte(c, 0), n = pc_byte(c, 1) - '0';
    bool q = kind == 'Q' && n >= 1 && n <= 4;
    bool h = kind == 'H' && (n == 1 || n == 2);
    if (!(q || h) || pc_is_digit(pc_byte(c, 2))) return false;
    c->i += 2;
    *p = period_pt(PY_PENDING, q ? PG_QUARTER : PG_HALF, n, 0);
    return true;
}

int period_zh_digit(uint32_t cp)
{
    switch (cp) {
    case 0x3007: /* 〇 */
    case 0x96F6: return 0; /* 零 */
    case 0x4E00: return 1; /* 一 */
    case 0x4E8C: return 2; /* 二 */
    case 0x4E09: return 3; /* 三 */
    case 0x56DB: return 4; /* 四 */
    case 0x4E94: return 5; /* 五 */
    case 0x516D: return 6; /* 六 */
    case 0x4E03: return 7; /* 七 */
    case 0x516B: return 8; /* 八 */
    case 0x4E5D: return 9; /* 九 */
    default: return -1;
    }
}

#define CP_TEN 0x5341u  /* 十 */
#define CP_LIANG 0x4E24u /* 两 */

size_t period_peek_cp(const pcur *c, size_t k, uint32_t *cp)
{
    if (c->i + k >= c->len) return 0;
    return utf8_decode(c->s + c->i + k, c->len - c->i - k, cp);
}

/* 一…九, 十, 十N, N十, N十M: the counts dates and spans use.  〇 and 零
 * alone are no count (nobody writes 零月). */
bool period_zh_small(pcur *c, bool liang, int *v)
{
    uint32_t cp;
    size_t n = period_peek_cp(c, 0, &cp);
    if (!n) return false;
    int d = period_zh_digit(cp);
    if (liang && cp == CP_LIANG) d = 2;
    if (cp != CP_TEN && d <= 0) return false;

    size_t at = n;
    int tens = 0, units = d;
    if (cp == CP_TEN) {
        tens = 1, units = 0;
    } else if (cp != CP_LIANG) {
        size_t m = period_peek_cp(c, at, &cp);
        if (m && cp == CP_TEN) tens = d, units = 0, at += m;
    }
    if (tens) {
        size_t m = period_peek_cp(c, at, &cp);
        int u = m ? period_zh_digit(cp) : -1;
        if (u > 0) units = u, at += m;
    }
    c->i += at;
    *v = tens * 10 + units;
    return true;
}

bool period_count(pcur *c, bool liang, int maxw, int *v)
{
    return period_num(c, 1, maxw, v) || period_zh_small(c, liang, v);
}
