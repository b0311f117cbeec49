/*
 * period.c — periods and dates (DESIGN.md "Periods"): period_match and the
 * cheap rejection in front of the grammar.
 *
 * How it fits: num_scan asks period_match at nearly every character before
 * it tries a number, so that 2024年上半年 becomes one period and not the
 * number 2024.  Almost every call must therefore say no at once: an ASCII
 * byte is checked against a table, a Chinese character against a bitmap of
 * 64-character blocks before it is even decoded, and only then the code
 * point against the few that can open a period.  A start that is only the
 * tail of another word (the 去 of 过去年均, the 明 of 说明年报) is refused
 * by looking one character back.  Only then does the grammar run:
 *
 *   period.c      entry and rejection
 *   period_expr.c intervals (至 到 - ~ 至今 以来), settling years, output
 *   period_zh.c   Chinese forms      period_en.c   English, numeric forms
 *   period_lex.c  shared readers     period_cal.c  calendar, document date
 *
 * Resolution policy.  A year the text does not state is taken, in order,
 * from the other end of an interval, from a year word (今年 去年), or from
 * the document date; whenever the document date supplied anything the
 * match carries NUM_F_RELATIVE — also for 3月26日 or 一季度, whose year is
 * implicit.  Without a document date such a match is still reported (its
 * span is useful) with NUM_F_UNRESOLVED and an empty period: never a guess.
 * Some references name a period this layer cannot know at all — 报告期内
 * (which report?) and 上年同期 (the same period as what?) — and are always
 * reported unresolved for the rules layer to tie to their context.
 * Points in time (截至…, 年末, 6月末, as of) carry NUM_F_ASOF.
 */
#include "period.h"
#include "period_impl.h"
#include "utf8.h"

/* ---- rejection ----------------------------------------------------------- */

/* ASCII bytes that can open a period: digits, and the first letters of
 * Q/H/FY labels, month names and the English words period_en.c reads
 * (as, at, between, during, first, full, fiscal, from, in, last, next,
 * second, since, six, this, three, year…). */
static bool ascii_may_start(unsigned char b)
{
    if (b >= '0' && b <= '9') return true;
    switch (b) {
    case 'A': case 'B': case 'D': case 'F': case 'H': case 'I': case 'J': case 'L':
    case 'M': case 'N': case 'O': case 'Q': case 'S': case 'T': case 'Y':
    case 'a': case 'b': case 'd': case 'f': case 'i': case 'l': case 'n': case 's':
    case 't': case 'y':
        return true;
    default:
        return false;
    }
}

/* A digit or letter inside a longer ASCII word or number starts nothing:
 * the 024 of 2024, the 5 of 3.5, and the 1 of 6-1月 — a range the grammar
 * refused as a whole must not be read again from its second half. */
static bool ascii_mid_word(const char *s, size_t pos)
{
    if (pos == 0) return false;
    int prev = (unsigned char)s[pos - 1];
    if (pc_is_alnum(prev)) return true;
    bool joint = prev == '.' || prev == '-' || prev == '~' || prev == '/';
    return joint && pos >= 2 && pc_is_digit((unsigned char)s[pos - 2]) &&
           pc_is_digit((unsigned char)s[pos]);
}

/* Characters before a numeral that make it part of another expression: a
 * longer numeral (十二月 read from 二), an ordinal, 同一季度 "the same
 * quarter", 每三月 "every three months". */
#define AFTER_NUMERAL "〇零一二三四五六七八九十百千万亿两第前首近周星每逐单统唯同该这某上下本任哪各整多几"

/* What may come right after a start, or the grammar cannot match there
 * (period_zh.c).  No Chinese period is one character long, so most
 * openers in running text (上市, 下降, 报告, 一个, 明显) are refused here,
 * before the grammar tries its forms one by one.  Each list is a superset
 * of what the grammar reads next; NX_* add the ASCII it reads:
 *   numerals   a numeral year (二〇二四年), N十M, a count before 季度 / 月,
 *              or a connector (一至三月, 一 - 三月)
 *   从 自      any Chinese point, 2024…, Q3 … */
#define NEXT_NUMERAL "〇零一二三四五六七八九十季月至到—–〜"
#define NEXT_COUNT "一二三四五六七八九十两"
#define NEXT_POINT "〇零一二三四五六七八九十今本上去前明下全首第"
enum {
    NX_DIGIT = 1, /* an ASCII digit: 前3季度, 第2季度, 近5年, 从2018年 */
    NX_QH = 2,    /* Q or H: 从Q1至Q3 */
    NX_CONN = 4   /* a space, ~ or -: the connectors of 一 - 三月 */
};

/* The code points that can open a period, each with the characters that,
 * just before it, make it the tail of another word (过 before 去 is
 * decided in cjk_blocked), and those that may follow it.  The one list
 * builds the filters below. */
#define CJK_STARTS(X)                                                       \
    X(0x4E00, AFTER_NUMERAL, NEXT_NUMERAL, NX_CONN) /* 一 */                \
    X(0x4E8C, AFTER_NUMERAL, NEXT_NUMERAL, NX_CONN) /* 二 */                \
    X(0x4E09, AFTER_NUMERAL, NEXT_NUMERAL, NX_CONN) /* 三 */                \
    X(0x56DB, AFTER_NUMERAL, NEXT_NUMERAL, NX_CONN) /* 四 */                \
    X(0x4E94, AFTER_NUMERAL, NEXT_NUMERAL, NX_CONN) /* 五 */                \
    X(0x516D, AFTER_NUMERAL, NEXT_NUMERAL, NX_CONN) /* 六 */                \
    X(0x4E03, AFTER_NUMERAL, NEXT_NUMERAL, NX_CONN) /* 七 */                \
    X(0x516B, AFTER_NUMERAL, NEXT_NUMERAL, NX_CONN) /* 八 */                \
    X(0x4E5D, AFTER_NUMERAL, NEXT_NUMERAL, NX_CONN) /* 九 */                \
    X(0x5341, AFTER_NUMERAL, NEXT_NUMERAL, NX_CONN) /* 十 */                \
    X(0x4ECA, "如迄", "年", 0)         /* 今: 如今年轻人 */                 \
    X(0x53BB, "失出下回进上离死除", "年", 0) /* 去: 失去年… */              \
    X(0x524D, "提之此以目当空眼面跟门先事向往生战史", "年" NEXT_COUNT, NX_DIGIT) /* 前: 提前三季度 */ \
    X(0x4E0A, "线之网马向北晚早路世地天乡手私加", "年一个半季月", 0) /* 上: 线上月活 */ \
    X(0x4E0B, "线之南地天乡旗手眼私底陛部属", "一个半季月", 0) /* 下: 线下月 */ \
    X(0x672C, "成资基日根账版样文课标股原书副蓝脚读人剧工话范", "年季月报", 0) /* 本: 成本年均 */ \
    X(0x660E, "说表证声透查发注标申光分阐指简英高公鲜清文黎聪鉴神失", "年", 0) /* 明: 说明年报 */ \
    X(0x5168, "安完健齐周保双十万", "年", 0) /* 全: 安全年度 */             \
    X(0x8FD1, "接将附靠邻逼贴亲", "的" NEXT_COUNT, NX_DIGIT) /* 近: 接近3年 */ \
    X(0x62A5, "", "告", 0) /* 报 */                                         \
    X(0x622A, "", "至止", 0) /* 截 */                                       \
    X(0x8FC7, "", "去", 0) /* 过 */                                         \
    X(0x6700, "", "近", 0) /* 最 */                                         \
    X(0x9996, "", "季", 0) /* 首 */                                         \
    X(0x7B2C, "", "一二三四五六七八九十", NX_DIGIT) /* 第 */                \
    X(0x4ECE, "", NEXT_POINT, NX_DIGIT | NX_QH) /* 从 */                    \
    X(0x81EA, "", NEXT_POINT, NX_DIGIT | NX_QH) /* 自 */

/* First filter: every start encodes with a lead byte E4..E9, and the lead
 * byte with the second byte's six payload bits names a block of 64 code
 * points.  One bit per block (a row of 64 per lead byte) refuses nearly
 * every Chinese character before it is even decoded. */
#define BLOCK_BIT(cp, row) \
    ((((cp) >> 12) - 4 == (row)) ? UINT64_C(1) << (((cp) >> 6) & 63) : 0)
#define ROW0(cp, bl, nx, nxa) | BLOCK_BIT(cp, 0)
#define ROW1(cp, bl, nx, nxa) | BLOCK_BIT(cp, 1)
#define ROW2(cp, bl, nx, nxa) | BLOCK_BIT(cp, 2)
#define ROW3(cp, bl, nx, nxa) | BLOCK_BIT(cp, 3)
#define ROW4(cp, bl, nx, nxa) | BLOCK_BIT(cp, 4)
#define ROW5(cp, bl, nx, nxa) | BLOCK_BIT(cp, 5)

static bool cjk_block_may_start(unsigned char lead, unsigned char second)
{
    static const uint64_t rows[6] = {
        0 CJK_STARTS(ROW0), 0 CJK_STARTS(ROW1), 0 CJK_STARTS(ROW2),
        0 CJK_STARTS(ROW3), 0 CJK_STARTS(ROW4), 0 CJK_STARTS(ROW5),
    };
    return lead >= 0xE4 && lead <= 0xE9 && (rows[lead - 0xE4] >> (second & 0x3F) & 1);
}

typedef struct {
    const char *blocked; /* characters that may not stand before it */
    const char *next;    /* characters that may follow it */
    unsigned next_ascii; /* NX_*: ASCII that may follow it */
} cjk_start;

/* Second filter: the code point itself.  NULL if it opens nothing. */
static const cjk_start *cjk_may_start(uint32_t cp)
{
#define START_CASE(cp, bl, nx, nxa) \
    case cp: {                      \
        static const cjk_start st = {bl, nx, nxa}; \
        return &st;                 \
    }
    switch (cp) {
        CJK_STARTS(START_CASE)
    default:
        return NULL;
    }
#undef START_CASE
}

/* Whether the character s[p..q) is one of list's, compared as bytes
 * (list holds only three-byte characters). */
static bool char_in(const char *list, const char *s, size_t p, size_t q)
{
    if (q - p != 3) return false;
    for (; *list; list += 3)
        if (memcmp(list, s + p, 3) == 0) return true;
    return false;
}

#define CP_QU 0x53BBu /* 去 */

/* 过去年均 is 过去 "past" + 年均, but 通过去年 is 通过 + 去年: 过 ends
 * a word when one of these stands before it. */
static bool guo_ends_word(const char *s, size_t guo)
{
    return guo > 0 && char_in("通经超不越错度", s, utf8_char_start(s, guo - 1), guo);
}

/* Third filter: the character after the start (at q). */
static bool cjk_next_ok(const char *s, size_t len, size_t q, const cjk_start *st)
{
    if (q >= len) return false;
    unsigned char b = (unsigned char)s[q];
    if (b < 0x80) {
        if (b >= '0' && b <= '9') return st->next_ascii & NX_DIGIT;
        if (b == 'Q' || b == 'H') return st->next_ascii & NX_QH;
        return (b == ' ' || b == '~' || b == '-') && (st->next_ascii & NX_CONN);
    }
    return len - q >= 3 && char_in(st->next, s, q, q + 3);
}

static bool cjk_blocked(const char *s, size_t pos, uint32_t cp, const char *blocked)
{
    if (pos == 0) return false;
    size_t p = utf8_char_start(s, pos - 1);
    if (cp == CP_QU && pos - p == 3 && memcmp(s + p, "过", 3) == 0) return !guo_ends_word(s, p);
    return *blocked && char_in(blocked, s, p, pos);
}

/* The first filters, cheap enough to run at every byte: a table for
 * ASCII, the block bitmap for CJK. */
static bool may_start(const char *s, size_t len, size_t pos)
{
    unsigned char b = (unsigned char)s[pos];
    if (b < 0x80) return ascii_may_start(b);
    return len - pos >= 3 && cjk_block_may_start(b, (unsigned char)s[pos + 1]);
}

/* The English words a period can start with (period_en.c): a letter that
 * passed ascii_may_start is worth reading further only when its word is one
 * of these.  English prose is full of a/b/d/f/i/s/t words; without this the
 * full English grammar ran at every one of them. */
typedef struct {
    unsigned char n;
    const char *w;
    const char *next; /* NULL, or the bytes one of which must follow the
                         word and one space: the first letters of what the
                         grammar reads after it (a superset) */
} en_word;

#define W(s) {sizeof(s) - 1, s, NULL}
#define WN(s, next) {sizeof(s) - 1, s, next}
/* After in / during only a month alone (capitalised) or early, late, mid
 * (any case): "in Beijing" and "in the" are refused here, not by the
 * grammar's forty-odd attempts.  The words read by period_phrase match in
 * any case. */
#define NX_IN_MONTH "JFMASONDeElLmM"
#define NX_REL_UNIT "yYqQmM" /* last / this / next year|quarter|month */
#define NX_MONTHS "mM"       /* six / nine / three / twelve months ended */

/* The words of one first letter (lower case), or NULL with *n = 0. */
static const en_word *en_words_from(int first, size_t *n)
{
#define GROUP(...)                                                 \
    {                                                              \
        static const en_word g[] = {__VA_ARGS__};                  \
        *n = sizeof g / sizeof g[0];                               \
        return g;                                                  \
    }
    switch (first) {
    case 'a': GROUP(WN("as", "oOaA"), WN("at", "tT"), W("apr"), W("april"), W("aug"),
                    W("august")) /* as of, as at, at the end of */
    case 'b': GROUP(W("between"))
    case 'd': GROUP(WN("during", NX_IN_MONTH), W("dec"), W("december"))
    case 'f': GROUP(W("fiscal"), W("from"), W("full"), W("first"), W("fourth"), W("fy"),
                    W("feb"), W("february"))
    case 'h': GROUP(W("h"))
    case 'i': GROUP(WN("in", NX_IN_MONTH))
    case 'j': GROUP(W("jan"), W("january"), W("jun"), W("june"), W("jul"), W("july"))
    case 'l': GROUP(WN("last", NX_REL_UNIT))
    case 'm': GROUP(W("mar"), W("march"), W("may"))
    case 'n': GROUP(WN("next", NX_REL_UNIT), WN("nine", NX_MONTHS), W("nov"), W("november"))
    case 'o': GROUP(W("oct"), W("october"))
    case 'q': GROUP(W("q"))
    case 's': GROUP(W("second"), W("since"), WN("six", NX_MONTHS), W("sep"), W("sept"),
                    W("september"))
    case 't': GROUP(W("third"), WN("this", NX_REL_UNIT), WN("three", NX_MONTHS),
                    WN("twelve", NX_MONTHS))
    case 'y': GROUP(WN("year", "eE")) /* year ended, year ending */
    default: *n = 0; return NULL;
    }
#undef GROUP
}

#undef W
#undef WN

/* Whether what follows the word at e fits its follow set: a space, then
 * one of the bytes of next. */
static bool en_next_ok(const char *s, size_t len, size_t e, const char *next)
{
    if (!next) return true;
    if (len - e < 2 || s[e] != ' ' || s[e + 1] == '\0') return false;
    return strchr(next, s[e + 1]) != NULL;
}

/* The longest word of en_words_from (september, november, december): a
 * longer word is none of them, however it goes on. */
#define EN_WORD_MAX 9

/* Whether the n letters at t, folded to lower case, spell w. */
static bool en_same(const char *w, const char *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((char)((unsigned char)t[i] | 0x20) != w[i]) return false;
    return true;
}

/* The caller has seen a letter at pos.  The group of its first letter
 * comes first: most letters open no candidate word, and then the word
 * need not even be measured. */
static bool en_start_word(const char *s, size_t len, size_t pos)
{
    size_t n = 0, k;
    const en_word *g = en_words_from((unsigned char)s[pos] | 0x20, &k);
    if (k == 0) return false;
    while (pos + n < len && n <= EN_WORD_MAX && pc_is_alpha((unsigned char)s[pos + n])) n++;
    if (n > EN_WORD_MAX) return false;
    for (size_t i = 0; i < k; i++)
        if (g[i].n == n && en_same(g[i].w, s + pos, n))
            return en_next_ok(s, len, pos + n, g[i].next);
    return false;
}

/* A period that starts with a digit starts with a four-digit year, or with
 * a short number right before what makes it a period: 3月, 26日, 3Q24,
 * 1H24, 1-6月, 26 March.  Numbers in running text (17.4亿元, 21%, 1,234)
 * are far more common than periods, and this keeps them from paying for
 * the whole grammar. */
static bool digit_start(const char *s, size_t len, size_t pos)
{
    size_t n = 0;
    while (pos + n < len && pc_is_digit((unsigned char)s[pos + n]))
        n++;
    if (n == 4) /* every reader of four digits wants a year (9251.5美元) */
        return period_year_ok((s[pos] - '0') * 1000 + (s[pos + 1] - '0') * 100 +
                              (s[pos + 2] - '0') * 10 + (s[pos + 3] - '0'));
    if (n > 2 || pos + n == len)
        return false;
    const char *p = s + pos + n;
    size_t rest = len - pos - n;
    switch (*p) {
    case 'Q': case 'q': case 'H': case 'h': case '-': case '~':
        return true;
    case ' ':
        return rest > 1 && (((unsigned char)p[1] >= 'A' && (unsigned char)p[1] <= 'Z') ||
                            (unsigned char)p[1] >= 0x80);
    default:
        break;
    }
    if (rest < 3 || (unsigned char)*p < 0xE0)
        return false;
    uint32_t cp;
    utf8_decode(p, rest, &cp);
    switch (cp) {
    case 0x5E74: case 0x6708: case 0x65E5: case 0x53F7: /* 年 月 日 号 */
    case 0x5B63: case 0x81F3: case 0x5230:              /* 季 至 到 */
        return true;
    default:
        return false;
    }
}

/* What survives them: the exact start, the character before it. */
static bool start_ok(const char *s, size_t len, size_t pos)
{
    unsigned char b = (unsigned char)s[pos];
    if (b < 0x80)
        return !ascii_mid_word(s, pos) &&
               (pc_is_digit(b) ? digit_start(s, len, pos)
                               : !pc_is_alpha(b) || en_start_word(s, len, pos));
    uint32_t cp;
    size_t n = utf8_decode(s + pos, len - pos, &cp);
    const cjk_start *st = cjk_may_start(cp);
    return st && cjk_next_ok(s, len, pos + n, st) && !cjk_blocked(s, pos, cp, st->blocked);
}

/* ---- entry ------------------------------------------------------------------ */

/* Keeps the rare path out of period_match, whose reject path then needs
 * no register saves (what SQLite calls SQLITE_NOINLINE). */
#if defined(__GNUC__) || defined(__clang__)
#define PERIOD_NOINLINE __attribute__((noinline))
#else
#define PERIOD_NOINLINE
#endif

static PERIOD_NOINLINE size_t match_candidate(const char *text, size_t len, size_t pos,
                                              const num_ctx *ctx, num_quantity *out)
{
    return start_ok(text, len, pos) ? period_read(text, len, pos, ctx, out) : 0;
}

size_t period_match(const char *text, size_t len, size_t pos, const num_ctx *ctx,
                    num_quantity *out)
{
    if (!text || !out || pos >= len || !may_start(text, len, pos)) return 0;
    return match_candidate(text, len, pos, ctx, out);
}
