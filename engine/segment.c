/*
 * segment.c — sentences and paragraphs of normalised text (text_segment),
 * and the places where a stream of it may be cut (text_safe_cut).
 *
 * Both read the output of text.c, so full-width punctuation has already
 * been folded: the Chinese ！？；，： arrive as ASCII !?;,: and only 。
 * (and the quotes, brackets and ellipsis, which normalisation keeps) are
 * still CJK.  The unfolded forms are accepted too, for callers that
 * segment text of their own.
 *
 * Sentence rules, as text.h documents them: every line is a paragraph; a
 * sentence ends after 。!?; (a run of them counts once), after a '.' that
 * is not a decimal point, an initial or an abbreviation, or after an
 * ellipsis that closes a thought; closing quotes and brackets right after
 * the terminator stay with the sentence; and a terminator inside a quote
 * ends the sentence only at the closing quote.
 */
#include "text.h"

#include <stdbool.h>
#include <string.h>
#include <utf8proc.h>

#include "utf8.h"
#include "vscan.h"

/* ---- character classes ---------------------------------------------- */

static uint32_t cp_at(const char *s, size_t i, size_t end, size_t *len)
{
    uint32_t cp;
    size_t n = utf8_decode(s + i, end - i, &cp);
    if (len)
        *len = n;
    return cp;
}

static uint32_t cp_before(const char *s, size_t p, size_t *start)
{
    size_t a = utf8_char_start(s, p - 1);
    if (start)
        *start = a;
    return cp_at(s, a, p, NULL);
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\v' || cp == '\f' || cp == '\r' ||
           cp == 0x3000 || cp == 0x00A0;
}

static bool is_alpha_byte(char c)
{
    return (unsigned)((unsigned char)(c | 0x20) - 'a') < 26u;
}

static bool is_ascii_alnum(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') ||
           ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
}

/* Terminators that end a sentence wherever they stand. */
static bool is_cjk_end(uint32_t cp)
{
    return cp == 0x3002 || cp == 0xFF61 || cp == 0xFF01 || cp == 0xFF1F ||
           cp == 0xFF1B;
}

/* '!' '?' ';': also in URLs, entities (&amp;) and names (Yahoo!), so they
 * end a sentence only where something plausible follows. */
static bool is_ascii_end(uint32_t cp)
{
    return cp == '!' || cp == '?' || cp == ';';
}

static bool is_ellipsis(uint32_t cp)
{
    return cp == 0x2026 || cp == 0x22EF || cp == 0x2025;
}

/* Tracked quote pairs: “” 「」 『』 《》.  The last is a title, inside
 * which terminators are part of the name (《你好!》上映了。). */
enum { QUOTE_TYPES = 4, TITLE = 3 };
static int quote_open(uint32_t cp)
{
    switch (cp) {
    case 0x201C: return 0;
    case 0x300C: return 1;
    case 0x300E: return 2;
    case 0x300A: return 3;
    default: return -1;
    }
}

static int quote_close(uint32_t cp)
{
    switch (cp) {
    case 0x201D: return 0;
    case 0x300D: return 1;
    case 0x300F: return 2;
    case 0x300B: return 3;
    default: return -1;
    }
}

static bool is_quote_closer(uint32_t cp)
{
    return quote_close(cp) >= 0 || cp == 0x2019 || cp == '"' || cp == '\'' ||
           cp == 0x3009;
}

/* Closers that stay with the sentence after 。!?; — brackets too, as in
 * （见附注。）.  After '.', brackets are left out: (Apple Inc.) is no end. */
static bool is_closer(uint32_t cp, bool brackets)
{
    if (is_quote_closer(cp))
        return true;
    return brackets && (cp == ')' || cp == ']' || cp == 0xFF09 ||
                        cp == 0x3011 || cp == 0x3015 || cp == 0xFF3D);
}

/* What may follow a closing quote without ending the sentence:
 * 他说“增长了。”，并… */
static bool is_clause_mark(uint32_t cp)
{
    return cp == ',' || cp == ':' || cp == 0xFF0C || cp == 0xFF1A ||
           cp == 0x3001;
}

/* Punctuation and symbols: a "sentence" of nothing else is not reported. */
static bool is_filler(uint32_t cp)
{
    if (cp < 0x80)
        return !is_ascii_alnum(cp);
    return cp <= 0xBF || (cp >= 0x2000 && cp <= 0x206F) ||
           (cp >= 0x2500 && cp <= 0x25FF) || (cp >= 0x3000 && cp <= 0x303F) ||
           (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
           (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65);
}

/* ---- sentences --------------------------------------------------------- */

typedef struct {
    const char *s;
    size_t len;       /* of the whole text */
    text_sentence_sink sink;
    void *ud;
    size_t from, stop;/* the first byte worth reading at or after from */
    size_t para;
    size_t line, end; /* the current line */
    size_t start;     /* start of the current sentence */
    bool any;         /* the line has reported a sentence */
    bool quotes;      /* the line's quotes are balanced, so track them */
    bool quotes_known;/* quotes is set: only once the line shows a quote */
    bool pending;     /* a terminator was seen inside a quote */
    int depth[QUOTE_TYPES];
} seg;

static bool in_quote(const seg *g)
{
    for (int t = 0; t < QUOTE_TYPES; t++)
        if (g->depth[t] > 0)
            return true;
    return false;
}

/* The first byte from i on (before b) that is worth decoding, or b:
 * what the scan of a line steps over, sixteen bytes at a time
 * (vscan_sentence).  The scan runs to the text's end, not the line's, and
 * its answer is kept: every later line up to that byte then costs
 * nothing, and the vector scan meets the end of the input only once
 * instead of at each line. */
static size_t next_to_decode(seg *g, size_t i, size_t b)
{
    if (i < g->from || i > g->stop) {
        g->from = i;
        g->stop = vscan_sentence((const unsigned char *)g->s, i, g->len);
    }
    return g->stop < b ? g->stop : b;
}

/* Quotes are honoured only on a line where they pair up: one stray “ must
 * not swallow every sentence after it.  Every tracked quote starts with
 * the byte E2 or E3 (vscan_quote). */
static bool quotes_balanced(const char *s, size_t a, size_t b)
{
    const unsigned char *u = (const unsigned char *)s;
    int depth[QUOTE_TYPES] = {0};
    for (size_t i = vscan_quote(u, a, b); i < b; i = vscan_quote(u, i, b)) {
        size_t n;
        uint32_t cp = cp_at(s, i, b, &n);
        int t;
        if ((t = quote_open(cp)) >= 0)
            depth[t]++;
        else if ((t = quote_close(cp)) >= 0 && --depth[t] < 0)
            return false;
        i += n;
    }
    for (int t = 0; t < QUOTE_TYPES; t++)
        if (depth[t])
            return false;
    return true;
}

/* ASCII is tested as a byte, without decoding. */
static size_t skip_space(const char *s, size_t i, size_t end)
{
    while (end - i >= 8 && spaces8(s + i))
        i += 8;
    while (i < end) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (!is_space(c))
                break;
            i++;
            continue;
        }
        size_t n;
        if (!is_space(cp_at(s, i, end, &n)))
            break;
        i += n;
    }
    return i;
}

static size_t trim_back(const char *s, size_t a, size_t b)
{
    while (b > a) {
        size_t st;
        if (!is_space(cp_before(s, b, &st)))
            break;
        b = st;
    }
    return b;
}

static bool has_content(const char *s, size_t a, size_t b)
{
    while (a < b) {
        size_t n;
        if (!is_filler(cp_at(s, a, b, &n)))
            return true;
        a += n;
    }
    return false;
}

/* The sentence [g->start, to) is complete: report it, trimmed. */
static int emit(seg *g, size_t to)
{
    size_t a = skip_space(g->s, g->start, to);
    size_t b = trim_back(g->s, a, to);
    g->start = to;
    g->pending = false;
    if (!has_content(g->s, a, b))
        return 0;
    g->any = true;
    return g->sink(g->ud, a, b, g->para);
}

/* A sentence may end at j, just past its terminator: take in the closing
 * quotes (and brackets) that follow, then end it — unless a quote is
 * still open (it will end at the closing quote) or a clause goes on after
 * the quote.  *next is where scanning resumes. */
static int close_at(seg *g, size_t j, bool brackets, bool quote_closed,
                    size_t *next)
{
    size_t k = j, n;
    while (k < g->end) {
        uint32_t cp = cp_at(g->s, k, g->end, &n);
        if (!is_closer(cp, brackets))
            break;
        int t = quote_close(cp);
        if (t >= 0 && g->depth[t] > 0)
            g->depth[t]--;
        quote_closed |= is_quote_closer(cp);
        k += n;
    }
    *next = k;
    if (in_quote(g)) {
        g->pending = true;
        return 0;
    }
    size_t m = skip_space(g->s, k, g->end);
    if (quote_closed && m < g->end &&
        is_clause_mark(cp_at(g->s, m, g->end, NULL))) {
        g->pending = false;
        return 0;
    }
    return emit(g, k);
}

/* Index just past the run of terminators starting at i; *strong is set
 * if the run holds a CJK terminator. */
static size_t end_run(const char *s, size_t i, size_t end, bool *strong)
{
    *strong = false;
    while (i < end) {
        size_t n;
        uint32_t cp = cp_at(s, i, end, &n);
        if (is_cjk_end(cp))
            *strong = true;
        else if (!is_ascii_end(cp))
            break;
        i += n;
    }
    return i;
}

static size_t skip_closers(const char *s, size_t i, size_t end, bool brackets)
{
    while (i < end) {
        size_t n;
        if (!is_closer(cp_at(s, i, end, &n), brackets))
            break;
        i += n;
    }
    return i;
}

/* After !?; (ASCII): the sentence ends at the end of the line, before a
 * space not followed by a lower-case continuation ("Really?" he said), or
 * before non-ASCII text (folded Chinese ！？；). */
static bool ascii_end_ok(const seg *g, size_t i, size_t j)
{
    size_t k = skip_closers(g->s, j, g->end, false);
    if (k == g->end)
        return true;
    uint32_t cp = cp_at(g->s, k, g->end, NULL);
    if (cp >= 0x80)
        return true;
    if (!is_space(cp))
        return false;
    size_t m = skip_space(g->s, k, g->end);
    if (m == g->end)
        return true;
    uint32_t next = cp_at(g->s, m, g->end, NULL);
    return !(g->s[i] != ';' && next >= 'a' && next <= 'z');
}

/* Titles that never end a sentence, and company suffixes that do not
 * end one when Chinese follows directly (苹果Apple Inc.宣布). */
static const char *const titles[] = {
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "St", "Mt", "Gen", "Gov", "Sen",
    "Rep", "Lt", "Col", "Capt", "Sgt", "Rev", "Hon", "Messrs", "vs", NULL};
static const char *const companies[] = {
    "Inc", "Corp", "Co", "Ltd", "Plc", "PLC", "LLC", "LP", "Bhd", "AG", "SA",
    "NV", "Pte", "Pty", NULL};

static bool word_in(const char *w, size_t n, const char *const *list)
{
    if (n == 0) /* no list holds the empty word: spares 10.5 the strlens */
        return false;
    for (; *list; list++)
        if (strlen(*list) == n && memcmp(*list, w, n) == 0)
            return true;
    return false;
}

/* The ASCII letters just before s[i], from *w. */
static size_t word_before(const char *s, size_t from, size_t i, size_t *w)
{
    size_t a = i;
    while (a > from && is_alpha_byte(s[a - 1]))
        a--;
    *w = a;
    return i - a;
}

/* "J. P. Morgan", "U.S.": one capital letter standing alone. */
static bool is_initial(const char *s, size_t from, size_t w, size_t n)
{
    return n == 1 && s[w] >= 'A' && s[w] <= 'Z' &&
           (w == from || !is_ascii_alnum((unsigned char)s[w - 1]));
}

/* "1. Revenue", "a. Costs": a list number is not a sentence.  Read
 * backwards from the '.', so that the cost does not grow with the
 * sentence. */
static bool is_list_marker(const seg *g, size_t i)
{
    size_t a = i;
    while (a > g->start && i - a < 4 && g->s[a - 1] >= '0' &&
           g->s[a - 1] <= '9')
        a--;
    bool number = a < i && i - a <= 3;
    if (!number) {
        if (a == i && a > g->start && is_alpha_byte(g->s[a - 1]))
            a--;
        else
            return false;
    }
    if (!number && a > g->start && is_alpha_byte(g->s[a - 1]))
        return false;
    return skip_space(g->s, g->start, a) == a;
}

/* Does the single '.' at s[i] end a sentence? */
static bool period_ends(const seg *g, size_t i)
{
    const char *s = g->s;
    size_t k = skip_closers(s, i + 1, g->end, false);
    if (k == g->end)
        return !is_list_marker(g, i);
    uint32_t cp = cp_at(s, k, g->end, NULL);
    size_t w, n = word_before(s, g->start, i, &w);
    bool abbrev = is_initial(s, g->start, w, n) || word_in(s + w, n, titles);
    if (cp < 0x80 && !is_space(cp))
        return false;  /* 10.51, U.S, example.com, "Inc.," */
    if (cp >= 0x80) {
        if (is_cjk_end(cp) || is_clause_mark(cp) || is_ellipsis(cp))
            return false;
        return !abbrev && !word_in(s + w, n, companies) &&
               !is_list_marker(g, i);
    }
    size_t m = skip_space(s, k, g->end);
    if (m == g->end)
        return !is_list_marker(g, i);
    uint32_t next = cp_at(s, m, g->end, NULL);
    if ((next >= 'a' && next <= 'z') || (next >= '0' && next <= '9'))
        return false;  /* "U.S. economy", "Inc. said", "No. 1" */
    return !abbrev && !is_list_marker(g, i);
}

/* Does the ellipsis ending at j close the sentence?  Only where the
 * thought plainly stops: before a closing quote, before a space and a
 * capital letter, or at the end of the paragraph.  Chinese uses …… as
 * often for "and so on" or a trailing pause inside a sentence. */
static bool ellipsis_ends(const seg *g, size_t j)
{
    if (j == g->end)
        return true;
    uint32_t cp = cp_at(g->s, j, g->end, NULL);
    if (is_quote_closer(cp))
        return true;
    if (!is_space(cp))
        return false;
    size_t m = skip_space(g->s, j, g->end);
    if (m == g->end)
        return true;
    uint32_t next = cp_at(g->s, m, g->end, NULL);
    return next >= 'A' && next <= 'Z';
}

/* End of a run of ellipsis characters and dots starting at i. */
static size_t ellipsis_run(const char *s, size_t i, size_t end)
{
    while (i < end) {
        size_t n;
        uint32_t cp = cp_at(s, i, end, &n);
        if (cp != '.' && !is_ellipsis(cp))
            break;
        i += n;
    }
    return i;
}

/* A tracked quote closes at [i, j): a terminator seen inside it ends the
 * sentence here. */
static int quote_closed(seg *g, int t, size_t j, size_t *next)
{
    *next = j;
    if (g->depth[t] > 0)
        g->depth[t]--;
    if (!g->pending || in_quote(g))
        return 0;
    return close_at(g, j, true, true, next);
}

/* Whether the line's quotes are tracked.  Asked only at a quote, so that
 * a line without any is never read for them; but from the line's start,
 * as a closing quote may have been passed before (close_at takes it). */
static bool tracking_quotes(seg *g)
{
    if (!g->quotes_known) {
        g->quotes = quotes_balanced(g->s, g->line, g->end);
        g->quotes_known = true;
    }
    return g->quotes;
}

/* Handle the character at i if it matters; *next is where to go on. */
static int step(seg *g, size_t i, size_t *next)
{
    const char *s = g->s;
    size_t n;
    uint32_t cp = cp_at(s, i, g->end, &n);
    *next = i + n;
    int t;
    /* depth stays 0 unless the quotes are tracked */
    if ((t = quote_open(cp)) >= 0) {
        if (tracking_quotes(g))
            g->depth[t]++;
        return 0;
    }
    if ((t = quote_close(cp)) >= 0)
        return tracking_quotes(g) ? quote_closed(g, t, i + n, next) : 0;
    if (g->depth[TITLE] > 0)
        return 0;
    if (is_cjk_end(cp) || is_ascii_end(cp)) {
        bool strong;
        size_t j = end_run(s, i, g->end, &strong);
        *next = j;
        if (strong || ascii_end_ok(g, i, j))
            return close_at(g, j, true, false, next);
        return 0;
    }
    if (cp == '.' || is_ellipsis(cp)) {
        size_t j = ellipsis_run(s, i, g->end);
        *next = j;
        if (cp == '.' && j == i + 1) {
            if (period_ends(g, i))
                return close_at(g, j, false, false, next);
            return 0;
        }
        if (ellipsis_ends(g, j))
            return close_at(g, j, false, false, next);
    }
    return 0;
}

static int segment_line(seg *g, size_t a, size_t b)
{
    g->end = b;
    g->start = g->line = a;
    g->any = false;
    g->pending = false;
    memset(g->depth, 0, sizeof g->depth);
    g->quotes_known = false;
    for (size_t i = next_to_decode(g, a, b); i < b; i = next_to_decode(g, i, b)) {
        int rc = step(g, i, &i);
        if (rc)
            return rc;
    }
    return emit(g, b);
}

int text_segment(const char *s, size_t len, text_sentence_sink sink, void *ud)
{
    seg g = {.s = s, .len = len, .sink = sink, .ud = ud, .from = SIZE_MAX};
    size_t a = 0;
    while (a < len) {
        const char *nl = memchr(s + a, '\n', len - a);
        size_t b = nl ? (size_t)(nl - s) : len;
        int rc = segment_line(&g, a, b);
        if (rc)
            return rc;
        g.para += g.any;
        a = b + 1;
    }
    return 0;
}

/* ---- safe cuts --------------------------------------------------------- */

/* Characters that can belong to a quantity or a period: digits and their
 * punctuation, currency signs, Chinese numerals and scale words, and the
 * characters periods are made of (2024年3月, 第三季度, 上半年). */
static bool numberish(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') ||
               (cp != 0 && strchr(".,%+-/:$#", (int)cp) != NULL);
    switch (cp) {
    case 0x00A2: case 0x00A3: case 0x00A5: case 0x20AC: case 0x20A9:
    case 0x2030:  /* ¢ £ ¥ € ₩ ‰ */
    case 0x3007: case 0x96F6: case 0x4E00: case 0x4E8C: case 0x4E09:
    case 0x56DB: case 0x4E94: case 0x516D: case 0x4E03: case 0x516B:
    case 0x4E5D: case 0x5341: case 0x767E: case 0x5343: case 0x4E07:
    case 0x4EBF: case 0x5146: case 0x4E24:  /* 〇零一…九十百千万亿兆两 */
    case 0x58F9: case 0x8D30: case 0x53C1: case 0x8086: case 0x4F0D:
    case 0x9646: case 0x67D2: case 0x634C: case 0x7396: case 0x62FE:
    case 0x4F70: case 0x4EDF: case 0x842C: case 0x5104:  /* 壹…玖拾佰仟萬億 */
    case 0x5143: case 0x5706: case 0x89D2:  /* 元圆角 */
    case 0x5E74: case 0x6708: case 0x65E5: case 0x5B63: case 0x5EA6:
    case 0x534A: case 0x53F7: case 0x7B2C:  /* 年月日季度半号第 */
        return true;
    default:
        return false;
    }
}

/* English words that belong to the quantity beside them across a space. */
static bool quantity_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "million", "billion", "trillion", "thousand", "hundred", "mn", "bn",
        "tn", "m", "b", "k", "per", "percent", "pct", "cent", "yuan",
        "dollars", "dollar", "euros", "yen", "shares", "points", "bps",
        "USD", "HKD", "CNY", "RMB", "EUR", "GBP", "JPY", "SGD", "AUD", "CAD",
        "CHF", "TWD", "HK", "US", NULL};
    return word_in(w, n, words);
}

/* Just after a newline, or after 。!?; (and any closing quotes after it)
 * when the next character is there to show that no closer follows. */
static bool cut_after_end(const char *s, size_t p, size_t len)
{
    size_t a;
    uint32_t prev = cp_before(s, p, &a);
    if (prev == '\n')
        return true;
    if (p == len)
        return false;
    uint32_t next = cp_at(s, p, len, NULL);
    if (is_closer(next, true) || is_cjk_end(next) || is_ascii_end(next))
        return false;
    while (is_closer(prev, true) && a > 0)
        prev = cp_before(s, a, &a);
    if (is_cjk_end(prev))
        return true;
    if (!is_ascii_end(prev))
        return false;
    if (next >= 0x80 || is_space(next))
        return true;
    /* 增长;2024年: a folded Chinese ；, judged by what stands before it */
    return a > 0 && cp_before(s, a, NULL) >= 0x80 && !numberish(next);
}

/* Just after a run of spaces, with no quantity on either side of it. */
static bool cut_after_space(const char *s, size_t p, size_t len)
{
    if (p == len || (s[p - 1] != ' ' && s[p - 1] != '\t'))
        return false;
    uint32_t next = cp_at(s, p, len, NULL);
    if (is_space(next) || next == '\n' || numberish(next))
        return false;
    size_t w, e = p;
    while (e < len && is_alpha_byte(s[e]))
        e++;
    if (quantity_word(s + p, e - p))
        return false;
    size_t q = p - 1;
    while (q > 0 && (s[q - 1] == ' ' || s[q - 1] == '\t'))
        q--;
    if (q == 0)
        return true;
    if (numberish(cp_before(s, q, NULL)))
        return false;
    size_t n = word_before(s, 0, q, &w);
    return !quantity_word(s + w, n);
}

/* Between two characters neither of which can be part of a number, not
 * inside an ASCII word, not beside a space (cut_after_space judges those),
 * and not where punctuation would be torn from the text it closes or
 * opens, nor before a combining mark. */
static bool cut_between(const char *s, size_t p, size_t len)
{
    if (p == len)
        return false;
    uint32_t prev = cp_before(s, p, NULL), next = cp_at(s, p, len, NULL);
    if (numberish(prev) || numberish(next) || is_space(prev) || is_space(next))
        return false;
    if (is_ascii_alnum(prev) && is_ascii_alnum(next))
        return false;
    if (is_closer(next, true) || is_cjk_end(next) || is_ascii_end(next) ||
        is_clause_mark(next) || is_ellipsis(next) || quote_open(prev) >= 0 ||
        prev == 0x2018 || prev == '(' || prev == 0xFF08)
        return false;
    if (next >= 0x80) {
        utf8proc_category_t c = utf8proc_category((int32_t)next);
        if (c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC ||
            c == UTF8PROC_CATEGORY_ME || next == 0x200D ||
            (next >= 0xFE00 && next <= 0xFE0F))
            return false;
    }
    return true;
}

/* One backward pass keeps the latest candidate of each kind; in order of
 * preference: a sentence end in the last quarter, a space in the last
 * quarter, any sentence end, any space, any other safe boundary. */
size_t text_safe_cut(const char *s, size_t len)
{
    size_t q = len - len / 4, ws = 0, other = 0;
    for (size_t p = len; p > 0; p = utf8_char_start(s, p - 1)) {
        if (cut_after_end(s, p, len))
            return p < q && ws >= q ? ws : p;
        if (!ws && cut_after_space(s, p, len))
            ws = p;
        if (!other && cut_between(s, p, len))
            other = p;
    }
    return ws ? ws : other;
}
