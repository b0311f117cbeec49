/*
 * num.c — the quantity scanner's single pass (num_scan) and the names
 * used in output.
 *
 * The pass walks the text once, left to right.  At each character that
 * can open a period it asks the period module first (period_match), so
 * that 2024年上半年 is a period and not the number 2024; then, where a
 * figure can start, the quantity reader (num_quant.c).  Whatever matched is handed to the sink and the
 * walk resumes after it; the next quantity may look back for its prefix
 * words (约, 同比增长) but never past what was already emitted, so results
 * come out in order and never overlap.
 *
 * Speed: almost all of a news text is characters that start nothing.  A
 * tight loop steps over CJK ideographs, each decoded and looked up in a
 * table of the few that can open a quantity or a period; ASCII is settled
 * on its byte.  Only where something can open does any parsing run.
 */
#include "num_int.h"
#include "period.h"

#include <uchar.h>

/* ---- which characters open something ---------------------------------- */

enum {
    OPEN_NUM = 1,    /* a figure, ordinal or word quantity (第, 翻, 百分之) */
    OPEN_PERIOD = 2, /* a period or date (今年, 截至, 上半年) */
    OPEN_WORD = 4    /* an ASCII letter: opens something only at a word start */
};

/* Code points U+4000..U+9FFF: lead bytes E4..E9, where every ideograph
 * that opens something lies.  The table is indexed by the lead byte's
 * offset from E4 and the payload bits of the two continuation bytes left
 * where they stand in the bytes (cjk_key): the inner loop of skip_inert
 * then reads those bytes as one 16-bit unit and masks them once, instead
 * of shifting each into place — a third fewer instructions for each of
 * the ideographs that are most of a Chinese text. */
#define CJK_KEY(lead, c1, c2) \
    ((((uint32_t)(lead) - 0xE4u) << 14) | ((uint32_t)(c1) & 0x3F) | (((uint32_t)(c2) & 0x3F) << 8))
#define CJK(c) [CJK_KEY(0xE0u | ((c) >> 12), (c) >> 6, (c))]

/* The two bytes at p as c1 | c2 << 8, the order CJK_KEY puts them in: one
 * load where the machine stores them that way. */
static inline uint32_t cont_pair(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
#else
    return p[0] | (uint32_t)p[1] << 8;
#endif
}

/* Ideographs that open a figure (numerals, 第, 翻), and those that open a
 * period: the openers period.c's may_start accepts (its CJK_STARTS: 一…十
 * 今 去 前 上 下 本 明 全 近 报 截 过 最 首 第 从 自).  A character missing
 * here is never offered to period_match, so this table must keep covering
 * that list.  Each character appears once: a designated initializer may
 * not repeat. */
static const unsigned char cjk_open[6u << 14] = {
    /* numerals: figures, and periods written in Chinese (三季度) */
    CJK(u'零') = 3, CJK(u'一') = 3, CJK(u'二') = 3, CJK(u'三') = 3,
    CJK(u'四') = 3, CJK(u'五') = 3, CJK(u'六') = 3, CJK(u'七') = 3,
    CJK(u'八') = 3, CJK(u'九') = 3, CJK(u'十') = 3, CJK(u'两') = 3,
    CJK(u'百') = 3, CJK(u'千') = 3, CJK(u'万') = 3, CJK(u'亿') = 3,
    CJK(u'第') = 3,
    /* financial capitals and traditional forms, 翻 (翻倍): figures only */
    CJK(u'壹') = 1, CJK(u'贰') = 1, CJK(u'貳') = 1, CJK(u'叁') = 1,
    CJK(u'參') = 1, CJK(u'肆') = 1, CJK(u'伍') = 1, CJK(u'陆') = 1,
    CJK(u'陸') = 1, CJK(u'柒') = 1, CJK(u'捌') = 1, CJK(u'玖') = 1,
    CJK(u'拾') = 1, CJK(u'佰') = 1, CJK(u'仟') = 1, CJK(u'萬') = 1,
    CJK(u'億') = 1, CJK(u'兩') = 1, CJK(u'翻') = 1,
    /* periods only */
    CJK(u'今') = 2, CJK(u'去') = 2, CJK(u'前') = 2, CJK(u'上') = 2,
    CJK(u'下') = 2, CJK(u'本') = 2, CJK(u'明') = 2, CJK(u'全') = 2,
    CJK(u'近') = 2, CJK(u'报') = 2, CJK(u'截') = 2, CJK(u'过') = 2,
    CJK(u'最') = 2, CJK(u'首') = 2, CJK(u'从') = 2, CJK(u'自') = 2,
};

/* What the character at i opens (0: nothing), and its length in *n. */
static unsigned open_at(const char *s, size_t len, size_t i, size_t *n)
{
    unsigned char b = (unsigned char)s[i];
    *n = 1;
    if (b < 0x80) {
        if (num_is_digit(b)) return OPEN_NUM | OPEN_PERIOD;
        return num_is_alpha(b) ? OPEN_NUM | OPEN_PERIOD | OPEN_WORD : 0;
    }
    if (b < 0xE0) { *n = b >= 0xC0 && i + 1 < len ? 2 : 1; return 0; }
    if (b >= 0xF0) { *n = i + 3 < len ? 4 : 1; return 0; }
    if (i + 2 >= len) return 0;
    *n = 3;
    /* the continuation bytes masked, as in skip_inert: the text may hold
     * bytes that are not UTF-8 */
    unsigned char c1 = (unsigned char)s[i + 1], c2 = (unsigned char)s[i + 2];
    if (b >= 0xE4 && b <= 0xE9) return cjk_open[CJK_KEY(b, c1, c2)];
    bool zero = b == 0xE3 && (c1 & 0x3F) == 0 && (c2 & 0x3F) == 0x07; /* 〇 */
    return zero ? OPEN_NUM | OPEN_PERIOD : 0;
}

/* Step over what opens nothing — the ideographs that are most of a
 * Chinese text, and ASCII other than letters and digits, blanked runs of
 * spaces — with as little work per character as the test allows. */
static size_t skip_inert(const char *s, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)s;
    const size_t lim = len > 2 ? len - 2 : 0; /* i < lim: a whole character fits */
    for (;;) {
        /* the continuation bytes are masked (CJK_KEY): the text may hold
         * bytes that are not UTF-8, and the index must stay in the table
         * whatever they are */
        while (i < lim) {
            uint32_t lead = (uint32_t)u[i] - 0xE4;
            if (lead > 5) break;
            if (cjk_open[lead << 14 | (cont_pair(u + i + 1) & 0x3F3F)]) return i;
            i += 3;
        }
        if (i >= len || u[i] >= 0x80 || num_is_alnum(u[i]))
            return i;
        /* The text arrives with markup and boilerplate blanked to spaces,
         * often half of its bytes in runs of hundreds: spaces_end reads
         * them eight at a time instead of passing each through the tests
         * above. */
        i = u[i] == ' ' ? spaces_end(s, i, len) : i + 1;
    }
}

/* ---- the pass ------------------------------------------------------------ */

int num_scan(const char *text, size_t len, const num_ctx *ctx, num_sink sink,
             void *ud)
{
    return num_scan_span(text, 0, len, ctx, sink, ud);
}

int num_scan_span(const char *text, size_t from, size_t len, const num_ctx *ctx,
                  num_sink sink, void *ud)
{
    static const num_ctx no_ctx;
    num_src src = {text, len, from, NULL, ctx ? ctx : &no_ctx};
    num_quantity q, last;
    size_t i = from, n, resume = 0;
    if (!text || !sink) return 0;
    while ((i = skip_inert(text, len, i)) < len) {
        unsigned open = open_at(text, len, i, &n);
        if (!open) { i += n; continue; }
        if ((open & OPEN_WORD) && i > 0 && num_is_alnum((unsigned char)text[i - 1])) {
            i++;
            continue;
        }
        size_t m = (open & OPEN_PERIOD) ? period_match(text, len, i, src.ctx, &q) : 0;
        if (m || ((open & OPEN_NUM) && num_quantity_at(&src, i, &q, &resume))) {
            int r = sink(ud, &q);
            if (r) return r;
            i = src.floor = q.end > i ? q.end : i + n;
            last = q;
            src.prev = &last;
            continue;
        }
        i = (open & OPEN_NUM) && resume > i ? resume : i + n;
    }
    return 0;
}

/* ---- names ---------------------------------------------------------------- */

const char *num_kind_name(num_kind k)
{
    static const char *const names[] = {"number", "percent", "money", "ordinal",
                                        "quantity", "period", "date", "ident"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

int num_kind_of_name(const char *name)
{
    for (int k = NUM_NUMBER; k <= NUM_IDENT; k++)
        if (!strcmp(num_kind_name((num_kind)k), name))
            return k;
    return -1;
}

const char *num_qual_name(num_qual q)
{
    static const char *const names[] = {NULL, "approx", "gt", "ge", "lt", "le"};
    return (unsigned)q < sizeof names / sizeof names[0] ? names[q] : NULL;
}
