/*
 * lex_scan.c — runs a compiled automaton over a text and reports matches.
 *
 * Why it is shaped so.  A DFA step is one load whose address depends on
 * the previous load, so a scan runs at the memory latency of the table,
 * not at the speed of the CPU.  With thousands of Chinese names the hot
 * rows no longer fit the L1 cache and every byte waits for L2: one lane
 * scanned 2,000 names at ~150 MB/s.  So a text of a few hundred bytes or
 * more is cut into blocks of LEX_LANES equal segments (at most
 * LEX_SEG_MAX bytes each) scanned in lock-step: the lanes' loads are
 * independent and overlap, and the same scan runs at ~500 MB/s
 * (scripts/bench-lex).  Segments adapt to the text, so a news item of
 * under 1 KiB gains as much as a long article.
 *
 * A lane that starts inside the text cannot know the automaton's state
 * there, but no match or state depends on more than the last maxlen bytes
 * (the longest pattern): starting maxlen bytes early from the root, the
 * lane is in the true state when its segment begins ("warm-up").  The
 * first lane of a block continues from the exact state the previous block
 * ended in.
 *
 * Matches must reach the sink in text order, so lanes only record where
 * they hit (a fixed array on the stack: no allocation); once a block is
 * done, its lanes' hits are reported in lane order.  A lane whose record
 * fills up notes where, and that part of its segment is re-scanned
 * serially when its turn comes.  Short texts and the tail are scanned
 * serially, reporting at once.
 *
 * Per byte and lane the hot loop costs one class lookup and one load; per
 * step of all lanes, one compare of the OR of their codes against
 * LEXI_SPARSE, which both rare events (a sparse target, a hit) exceed.
 * Everything else — sparse states, confirming case-sensitive and
 * whole-word matches, calling the sink — happens off that loop.  The
 * automaton is only read, so scans may run concurrently.
 *
 * Long runs of spaces.  A publication's clean() blanks page furniture into
 * runs of hundreds of spaces, half of a real article.  Past the first
 * space_keep bytes of a run (lex_impl.h) the automaton sits in one state
 * that spaces lead back to and that reports nothing, so the rest of the
 * run changes nothing and the scan may skip it.  The lanes cannot skip
 * each on its own (they move in lock-step), so such a text is scanned
 * from a packed copy on the stack without those bytes; a table of pieces
 * maps a match's end back to the text, where it is confirmed and
 * reported.  A match never spans a dropped part, which is space_keep or
 * more spaces in a row.
 */
#include "lex_impl.h"
#include "utf8.h"

#include <string.h>

enum {
    LEX_LANES = 8,        /* 4 left latency exposed; more lanes than
                           * registers spill (scripts/bench-lex) */
    LEX_SEG_MAX = 2048,   /* bytes per lane at most */
    LEX_SEG_MIN = 64,     /* and at least this and 2 * maxlen: warm-up
                           * costs up to half, and the lanes still scan
                           * a 700-byte news item 3x as fast as one lane
                           * (scripts/bench-lex -s 700) */
    LEX_LANE_HITS = 256,  /* recorded per lane (one per 8 bytes) before
                           * it re-scans; 16 KiB of stack in all */
    LEX_PACK_BYTES = LEX_SEG_MAX * LEX_LANES, /* a packed copy: one block */
    LEX_PACK_PIECES = 256,
    LEX_RUN_PROBE = 32,   /* runs are looked for one word in this many
                           * bytes: cheap on text without them, and runs
                           * from LEX_RUN_PROBE + 7 bytes on are found */
    LEX_RUN_DROP = 32     /* a run is dropped from when that saves this
                           * much: each dropped run costs a piece */
};

/* scan[at..] is a copy of text[orig..]. */
typedef struct {
    uint32_t at;
    size_t orig;
} lex_piece;

typedef struct {
    const lex_automaton *a;
    const char *text;      /* where matches are confirmed and reported */
    size_t len;
    const uint8_t *scan;   /* what the automaton reads: text, or a packed
                            * copy of part of it */
    const lex_piece *piece;/* scan's pieces, by at */
    size_t npiece;
    size_t *cursor;        /* the piece of the last match reported */
    lex_sink sink;
    void *ud;
} lex_run;

typedef struct {
    uint32_t end;   /* offset from the block start */
    uint32_t state;
} lex_hit;

typedef struct {
    uint32_t sparse;   /* the real state while the lane is on the trap row */
    uint32_t nhit;
    bool record;       /* false during warm-up */
    bool full;         /* hits from resume_at on were not recorded */
    uint32_t resume_at, resume_code;
    lex_hit hit[LEX_LANE_HITS];
} lex_lane;

/* ---- confirming and reporting ----------------------------------------- */

/* Is the character that ends just before byte `at` a word character?
 * Looks back at most 4 bytes, so invalid text cannot make this slow. */
static bool lex_word_before(const char *text, size_t at)
{
    size_t lo = at > 4 ? at - 4 : 0;
    size_t i = lo + utf8_char_start(text + lo, at - 1 - lo);
    uint32_t cp;
    utf8_decode(text + i, at - i, &cp);
    return lexi_word_cp(cp);
}

static bool lex_word_at(const char *text, size_t len, size_t at)
{
    uint32_t cp;
    utf8_decode(text + at, len - at, &cp);
    return lexi_word_cp(cp);
}

/* The checks the automaton cannot make (LEXI_* in lex_impl.h). */
static bool lex_confirm(const lex_run *run, const lexi_pattern *p,
                        size_t start, size_t end)
{
    if ((p->check & LEXI_EXACT) &&
        memcmp(run->text + start, run->a->bytes + p->off, p->len) != 0)
        return false;
    if ((p->check & LEXI_WSTART) && start > 0 &&
        lex_word_before(run->text, start))
        return false;
    if ((p->check & LEXI_WEND) && end < run->len &&
        lex_word_at(run->text, run->len, end))
        return false;
    return true;
}

/* Reports the patterns ending at state q's own list; an id already
 * reported for this span (the list is sorted by id) is skipped. */
static int lex_report_state(const lex_run *run, uint32_t q, size_t end)
{
    const lex_automaton *a = run->a;
    bool any = false;
    uint32_t last = 0;
    for (uint32_t k = a->out_off[q]; k < a->out_off[q + 1]; k++) {
        const lexi_out *o = &a->outs[k];
        const lexi_pattern *p = &a->pats[o->pat];
        size_t start = end - p->len;
        if ((any && o->id == last) ||
            (p->check && !lex_confirm(run, p, start, end)))
            continue;
        int rc = run->sink(run->ud, o->id, start, end);
        if (rc != 0)
            return rc;
        any = true;
        last = o->id;
    }
    return 0;
}

/* The text offset of scan offset end, the end of a match: in the piece
 * of its last byte, as no match spans two pieces.  Matches reach the sink
 * in order, so the piece only ever moves forward. */
static size_t lex_text_end(const lex_run *run, size_t end)
{
    size_t k = *run->cursor;
    while (k + 1 < run->npiece && run->piece[k + 1].at < end)
        k++;
    *run->cursor = k;
    return run->piece[k].orig + (end - run->piece[k].at);
}

/* Every pattern ending at scan offset `end` in state s, longest first: s's
 * own outputs, then those of the output-linked suffix states. */
static int lex_report(const lex_run *run, uint32_t s, size_t end)
{
    const lex_automaton *a = run->a;
    end = lex_text_end(run, end);
    for (uint32_t q = a->node[s].olink; q != LEXI_NONE;
         q = a->node[a->node[q].fail].olink) {
        int rc = lex_report_state(run, q, end);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- serial scan ------------------------------------------------------ */

/* Scans text[i..end) from *code, a real code (never the trap) that may
 * carry LEXI_HIT for a hit at i not yet reported; leaves the final code
 * (without LEXI_HIT) in *code.  Returns 0 or the sink's stop value. */
static int lex_serial(const lex_run *run, size_t i, size_t end,
                      uint32_t *code)
{
    const lex_automaton *a = run->a;
    const uint8_t *t = run->scan, *cls = a->cls;
    const uint32_t *dense = a->dense;
    uint32_t st = *code;
    for (;;) {
        while (st >= LEXI_SPARSE) { /* a hit to report, or sparse */
            if (st & LEXI_HIT) {
                st &= ~LEXI_HIT;
                int rc = lex_report(run, lexi_state(a, st), i);
                if (rc != 0)
                    return rc;
                continue;
            }
            if (i == end)
                break;
            st = lexi_delta(a, st & LEXI_INDEX, cls[t[i++]]);
        }
        if (i == end)
            break;
        uint32_t nx;
        while ((nx = dense[st + cls[t[i++]]]) < LEXI_SPARSE && i < end)
            st = nx;
        st = nx;
    }
    *code = st;
    return 0;
}

/* ---- lanes ------------------------------------------------------------ */

static void lex_record(lex_lane *ln, uint32_t end, uint32_t code,
                       const lex_automaton *a)
{
    if (ln->full)
        return;
    if (ln->nhit == LEX_LANE_HITS) {
        ln->full = true;
        ln->resume_at = end;
        ln->resume_code = code | LEXI_HIT;
        return;
    }
    ln->hit[ln->nhit++] = (lex_hit){end, lexi_state(a, code)};
}

/* The hot loop's exit: nx is a hit, a sparse target or the trap (then c
 * is the byte's class and the lane's real state is ln->sparse).  Returns
 * the next value of the lane's dense-table cursor. */
static uint32_t lex_special(const lex_automaton *a, lex_lane *ln,
                            uint32_t nx, uint8_t c, uint32_t end)
{
    if (nx == LEXI_TRAP)
        nx = lexi_delta(a, ln->sparse, c);
    if (nx & LEXI_HIT) {
        nx &= ~LEXI_HIT;
        if (ln->record)
            lex_record(ln, end, nx, a);
    }
    if (nx & LEXI_SPARSE) {
        ln->sparse = nx & LEXI_INDEX;
        nx = a->trap;
    }
    return nx;
}

/* The lanes' cursors: a real code becomes the trap while it is sparse. */
static uint32_t lex_park(const lex_automaton *a, lex_lane *ln, uint32_t code)
{
    if (code & LEXI_SPARSE) {
        ln->sparse = code & LEXI_INDEX;
        return a->trap;
    }
    return code;
}

static uint32_t lex_unpark(const lex_automaton *a, const lex_lane *ln,
                           uint32_t st)
{
    return st == a->trap ? (LEXI_SPARSE | ln->sparse) : st;
}

/* Lanes 1.. run the maxlen bytes before their segments from the root,
 * recording nothing. */
static void lex_warm_up(const lex_run *run, lex_lane *ln, uint32_t *st,
                        size_t base, size_t seg)
{
    const lex_automaton *a = run->a;
    const uint8_t *t = run->scan;
    size_t w = a->maxlen;
    for (size_t j = 0; j < w; j++) {
        for (size_t l = 1; l < LEX_LANES; l++) {
            uint8_t c = a->cls[t[base + l * seg - w + j]];
            uint32_t nx = a->dense[st[l] + c];
            st[l] = nx >= LEXI_SPARSE ? lex_special(a, &ln[l], nx, c, 0) : nx;
        }
    }
}

/* The lock-step loop.  The hot part calls nothing, so that the lanes'
 * cursors stay in registers (a call would force most of them to the
 * stack, and each step would wait on a store and a reload); one test of
 * the OR of all lanes' codes sends the rare step to lex_special. */
static void lex_lockstep(const lex_run *run, lex_lane *ln, uint32_t *st,
                         size_t base, size_t seg)
{
    const lex_automaton *a = run->a;
    const uint8_t *t = run->scan + base, *cls = a->cls;
    const uint32_t *dense = a->dense;
    const uint8_t *p[LEX_LANES];
    for (size_t l = 0; l < LEX_LANES; l++)
        p[l] = t + l * seg;
    /* One variable per lane, as wide as a pointer: with an array GCC
     * moves the codes through vector registers every step. */
    size_t s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3], s4 = st[4],
           s5 = st[5], s6 = st[6], s7 = st[7];
    for (size_t j = 0; j < seg; j++) {
        s0 = dense[s0 + cls[p[0][j]]];
        s1 = dense[s1 + cls[p[1][j]]];
        s2 = dense[s2 + cls[p[2][j]]];
        s3 = dense[s3 + cls[p[3][j]]];
        s4 = dense[s4 + cls[p[4][j]]];
        s5 = dense[s5 + cls[p[5][j]]];
        s6 = dense[s6 + cls[p[6][j]]];
        s7 = dense[s7 + cls[p[7][j]]];
        if ((s0 | s1 | s2 | s3 | s4 | s5 | s6 | s7) >= LEXI_SPARSE) {
            uint32_t n[LEX_LANES] = {s0, s1, s2, s3, s4, s5, s6, s7};
            for (size_t l = 0; l < LEX_LANES; l++) {
                size_t at = l * seg + j;
                if (n[l] >= LEXI_SPARSE)
                    n[l] = lex_special(a, &ln[l], n[l], cls[t[at]],
                                       (uint32_t)at + 1);
            }
            s0 = n[0], s1 = n[1], s2 = n[2], s3 = n[3], s4 = n[4];
            s5 = n[5], s6 = n[6], s7 = n[7];
        }
    }
    const size_t end[LEX_LANES] = {s0, s1, s2, s3, s4, s5, s6, s7};
    for (size_t l = 0; l < LEX_LANES; l++)
        st[l] = (uint32_t)end[l];
}

/* Reports the lanes' hits in order, re-scanning where a lane's record
 * overflowed. */
static int lex_emit(const lex_run *run, const lex_lane *ln, size_t base,
                    size_t seg)
{
    for (size_t l = 0; l < LEX_LANES; l++) {
        for (uint32_t k = 0; k < ln[l].nhit; k++) {
            int rc = lex_report(run, ln[l].hit[k].state,
                                base + ln[l].hit[k].end);
            if (rc != 0)
                return rc;
        }
        if (ln[l].full) {
            uint32_t code = ln[l].resume_code;
            int rc = lex_serial(run, base + ln[l].resume_at,
                                base + (l + 1) * seg, &code);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* One block of LEX_LANES segments from base; *code is the state at base
 * on entry and at the block's end on return. */
static int lex_block(const lex_run *run, size_t base, size_t seg,
                     uint32_t *code)
{
    const lex_automaton *a = run->a;
    lex_lane ln[LEX_LANES];
    uint32_t st[LEX_LANES];
    for (size_t l = 0; l < LEX_LANES; l++) {
        ln[l].nhit = 0;
        ln[l].full = false;
        ln[l].record = false;
        st[l] = 0;
    }
    st[0] = lex_park(a, &ln[0], *code);
    lex_warm_up(run, ln, st, base, seg);
    for (size_t l = 0; l < LEX_LANES; l++)
        ln[l].record = true;
    lex_lockstep(run, ln, st, base, seg);
    *code = lex_unpark(a, &ln[LEX_LANES - 1], st[LEX_LANES - 1]);
    return lex_emit(run, ln, base, seg);
}

/* The lane length for a text of len bytes: equal blocks of at most
 * LEX_SEG_MAX per lane that leave less than one byte per lane to the
 * serial tail; 0 (all serial) when the text is too short for warm-up to
 * pay, or a pattern too long. */
static size_t lex_segment(const lex_automaton *a, size_t len)
{
    size_t least = (size_t)a->maxlen * 2;
    if (least < LEX_SEG_MIN)
        least = LEX_SEG_MIN;
    if (least > LEX_SEG_MAX / 2 || len < least * LEX_LANES)
        return 0;
    size_t per = (size_t)LEX_SEG_MAX * LEX_LANES;
    size_t blocks = len / per + (len % per != 0);
    return len / (blocks * LEX_LANES);
}

/* Scans scan[0..len) from *code, leaving the final code there. */
static int lex_scan_bytes(const lex_run *run, size_t len, uint32_t *code)
{
    size_t seg = lex_segment(run->a, len), i = 0;
    for (; seg && len - i >= seg * LEX_LANES; i += seg * LEX_LANES) {
        int rc = lex_block(run, i, seg, code);
        if (rc != 0)
            return rc;
    }
    return i < len ? lex_serial(run, i, len, code) : 0;
}

/* ---- long runs of spaces ---------------------------------------------- */

/* Start of the first run of spaces in t[i..len) that is at least keep +
 * LEX_RUN_DROP long, its end in *end; len if there is none (or only runs
 * too short for the probes to meet). */
static size_t lex_next_run(const char *t, size_t i, size_t len, size_t keep,
                           size_t *end)
{
    for (size_t p = i; p + 8 <= len;) {
        if (!spaces8(t + p)) {
            p += LEX_RUN_PROBE;
            continue;
        }
        size_t s = p, e = spaces_end(t, p + 8, len);
        while (s - i >= 8 && spaces8(t + s - 8))
            s -= 8;
        while (s > i && t[s - 1] == ' ')
            s--;
        if (e - s >= keep + LEX_RUN_DROP) {
            *end = e;
            return s;
        }
        p = e;
    }
    return len;
}

typedef struct {
    uint8_t bytes[LEX_PACK_BYTES];
    lex_piece piece[LEX_PACK_PIECES];
} lex_pack;

/* Packs text[*pos..) into pk as far as it fits, each long run cut to its
 * first space_keep bytes; advances *pos past what it took and points
 * run->piece at pk's pieces.  Returns the bytes packed. */
static size_t lex_pack_text(lex_run *run, lex_pack *pk, size_t *pos)
{
    const char *t = run->text;
    size_t keep = run->a->space_keep, i = *pos, n = 0, np = 0;
    while (i < run->len && n < LEX_PACK_BYTES && np < LEX_PACK_PIECES) {
        size_t end, s = lex_next_run(t, i, run->len, keep, &end);
        size_t stop = s == run->len ? s : s + keep;
        size_t k = stop - i < LEX_PACK_BYTES - n ? stop - i
                                                 : LEX_PACK_BYTES - n;
        pk->piece[np++] = (lex_piece){(uint32_t)n, i};
        memcpy(pk->bytes + n, t + i, k);
        n += k;
        i += k;
        if (i == stop && s != run->len)
            i = end;
    }
    run->scan = pk->bytes;
    run->piece = pk->piece;
    run->npiece = np;
    *run->cursor = 0;
    *pos = i;
    return n;
}

/* The whole text through packed copies, the automaton's code carried from
 * one to the next. */
static int lex_scan_packed(lex_run *run)
{
    lex_pack pk;
    uint32_t code = 0;
    for (size_t pos = 0; pos < run->len;) {
        size_t n = lex_pack_text(run, &pk, &pos);
        int rc = lex_scan_bytes(run, n, &code);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int lex_scan(const lex_automaton *a, const char *text, size_t len,
             lex_sink sink, void *ud)
{
    if (!a || !sink || (!text && len > 0))
        return LEX_EINVAL;
    if (!a->compiled)
        return LEX_ESTATE;
    static const lex_piece whole = {0, 0};
    size_t cursor = 0;
    lex_run run = {a,     text, len,     (const uint8_t *)text, &whole, 1,
                   &cursor, sink, ud};
    size_t end;
    if (a->space_keep != 0 &&
        lex_next_run(text, 0, len, a->space_keep, &end) < len)
        return lex_scan_packed(&run);
    uint32_t code = 0;
    return lex_scan_bytes(&run, len, &code);
}
