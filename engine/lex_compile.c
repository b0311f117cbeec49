/*
 * lex_compile.c — turns the pattern list into the Aho-Corasick automaton
 * that lex_scan.c runs: a trie over byte classes, numbered breadth-first,
 * with failure links, output links and dense DFA rows for its shallowest
 * states.
 *
 * Why this shape.  The scan must run at hundreds of MB/s over Chinese text
 * with thousands of patterns; the cost that matters is the work per text
 * byte, so:
 *   - Byte-level, not character-level: valid UTF-8 patterns can only match
 *     valid UTF-8 text on character boundaries, and bytes need no decoding.
 *   - Byte classes: bytes no pattern uses share class 0, and ASCII upper
 *     case maps to lower case.  Chinese patterns use the 64 continuation
 *     bytes and a handful of lead bytes, so a row has ~100 entries instead
 *     of 256, and more rows fit in cache.  Folding case in the automaton
 *     means a case-sensitive pattern matches a superset of its hits; the
 *     scan confirms those (few) with memcmp, so one automaton serves both.
 *   - Full DFA rows (failure links precomputed into every entry) make each
 *     byte one dependent load: row offset + class.  A row costs ncls * 4
 *     bytes (~400), so a full DFA for 50,000 names (~600,000 states) would
 *     take ~230 MB.  Only the first ndense states in BFS order get rows, up
 *     to lex_set_dense_limit bytes; BFS puts the shallow states there, and
 *     a scan spends most of its bytes within a character or two of the
 *     root.  Deeper states keep their sorted trie edges (already in the
 *     BFS numbering, so they cost no extra array) and failure link, 13
 *     bytes a state.  This is faster as well as smaller: with 8,000 names
 *     a full DFA (39 MB) scanned at half the speed of an 8 MiB one, as
 *     rows of deep states only spread the scan over more cache lines.
 *   - Outputs: each state lists the patterns that end exactly there
 *     (sorted by id), and an output link to the nearest suffix state that
 *     has any, so reporting is proportional to the matches, and the order
 *     "longest first" falls out of walking the chain.
 *
 * Compile is O(total pattern bytes * siblings + ndense * ncls) time; the
 * trie is built in temporary arrays (about 13 bytes per pattern byte) that
 * are freed before returning.  On any error everything built so far is
 * released and the automaton stays uncompiled.
 */
#include "lex_impl.h"

#include <stdlib.h>
#include <string.h>

/* The trie during construction, in creation order.  Node 0 is the root and
 * never a child, so 0 also means "none" in child and sibling. */
typedef struct {
    uint32_t n;
    uint32_t *child;   /* first child */
    uint32_t *sibling; /* next child of the same parent, sorted by label */
    uint8_t *label;    /* class of the edge into the node */
    uint32_t *term;    /* per pattern: the node where it ends */
} lex_trie;

static uint8_t lex_fold(uint8_t b)
{
    return b >= 'A' && b <= 'Z' ? (uint8_t)(b | 0x20) : b;
}

static void lex_build_classes(lex_automaton *a)
{
    bool used[256] = {false};
    uint8_t id[256] = {0};
    for (size_t i = 0; i < a->nbytes; i++)
        used[lex_fold((uint8_t)a->bytes[i])] = true;
    /* At most 256 - 26 bytes can be used after folding, so ids fit. */
    uint32_t n = 1;
    for (int b = 0; b < 256; b++) {
        if (used[b])
            id[b] = (uint8_t)n++;
    }
    for (int b = 0; b < 256; b++)
        a->cls[b] = id[lex_fold((uint8_t)b)];
    a->ncls = n;
}

static void lex_trie_free(lex_automaton *a, lex_trie *t, size_t cap)
{
    lexi_release(a, t->child, cap, sizeof *t->child);
    lexi_release(a, t->sibling, cap, sizeof *t->sibling);
    lexi_release(a, t->label, cap, sizeof *t->label);
    lexi_release(a, t->term, a->npats, sizeof *t->term);
}

/* A pattern byte makes at most one node, so cap = nbytes + 1 never needs
 * to grow. */
static int lex_trie_alloc(lex_automaton *a, lex_trie *t, size_t cap)
{
    t->n = 1;
    t->child = lexi_array(a, cap, sizeof *t->child);
    t->sibling = lexi_array(a, cap, sizeof *t->sibling);
    t->label = lexi_array(a, cap, sizeof *t->label);
    t->term = lexi_array(a, a->npats, sizeof *t->term);
    if (!t->child || !t->sibling || !t->label || !t->term)
        return LEX_ENOMEM;
    t->child[0] = t->sibling[0] = 0;
    t->label[0] = 0;
    return LEX_OK;
}

/* The child of u along c, created in sorted position if missing. */
static uint32_t lex_trie_step(lex_trie *t, uint32_t u, uint8_t c)
{
    uint32_t *link = &t->child[u];
    while (*link && t->label[*link] < c)
        link = &t->sibling[*link];
    if (*link && t->label[*link] == c)
        return *link;
    uint32_t v = t->n++;
    t->label[v] = c;
    t->child[v] = 0;
    t->sibling[v] = *link;
    *link = v;
    return v;
}

static void lex_trie_fill(lex_automaton *a, lex_trie *t)
{
    a->maxlen = 0;
    for (size_t p = 0; p < a->npats; p++) {
        if (a->pats[p].len > a->maxlen)
            a->maxlen = a->pats[p].len;
        const uint8_t *s = (const uint8_t *)a->bytes + a->pats[p].off;
        uint32_t u = 0;
        for (uint32_t i = 0; i < a->pats[p].len; i++)
            u = lex_trie_step(t, u, a->cls[s[i]]);
        t->term[p] = u;
    }
}

/* After 1 + the longest run of spaces in any pattern, a run of spaces has
 * left the automaton in the state of the spaces alone, and no pattern but
 * one made only of spaces can end inside the rest of the run; with no such
 * pattern, lex_scan may drop that rest (lex_impl.h). */
static uint32_t lex_space_keep(const lex_automaton *a)
{
    uint32_t longest = 0;
    for (size_t p = 0; p < a->npats; p++) {
        const char *s = a->bytes + a->pats[p].off;
        uint32_t len = a->pats[p].len, run = 0, spaces = 0;
        for (uint32_t i = 0; i < len; i++) {
            run = s[i] == ' ' ? run + 1 : 0;
            spaces += s[i] == ' ';
            if (run > longest)
                longest = run;
        }
        if (spaces == len)
            return 0;
    }
    return longest + 1;
}

/* Numbers the states breadth-first into node[].kid0 and lbl (see
 * lex_impl.h) and renumbers t->term to match. */
static int lex_number_bfs(lex_automaton *a, lex_trie *t)
{
    uint32_t n = t->n;
    uint32_t *order = lexi_array(a, n, sizeof *order);
    a->nstates = n;
    a->node = lexi_array(a, (size_t)n + 1, sizeof *a->node);
    a->lbl = lexi_array(a, n, sizeof *a->lbl);
    if (!order || !a->node || !a->lbl) {
        lexi_release(a, order, n, sizeof *order);
        return LEX_ENOMEM;
    }
    uint32_t tail = 1;
    order[0] = 0;
    a->lbl[0] = 0;
    for (uint32_t head = 0; head < n; head++) {
        a->node[head].kid0 = tail;
        for (uint32_t v = t->child[order[head]]; v; v = t->sibling[v]) {
            a->lbl[tail] = t->label[v];
            order[tail++] = v;
        }
    }
    a->node[n] = (lexi_node){.kid0 = n, .fail = 0, .olink = LEXI_NONE};
    /* child[] is no longer needed: reuse it as node -> BFS number. */
    for (uint32_t i = 0; i < n; i++)
        t->child[order[i]] = i;
    for (size_t p = 0; p < a->npats; p++)
        t->term[p] = t->child[t->term[p]];
    lexi_release(a, order, n, sizeof *order);
    return LEX_OK;
}

static int lex_out_cmp(const void *x, const void *y)
{
    const lexi_out *l = x, *r = y;
    if (l->id != r->id)
        return l->id < r->id ? -1 : 1;
    return (l->pat > r->pat) - (l->pat < r->pat);
}

/* Groups the patterns by end state (a counting sort), each group by id,
 * which is the order the sink sees among matches of one span. */
static int lex_outputs(lex_automaton *a, const uint32_t *term)
{
    uint32_t n = a->nstates;
    a->out_off = lexi_array(a, (size_t)n + 1, sizeof *a->out_off);
    a->outs = lexi_array(a, a->npats, sizeof *a->outs);
    if (!a->out_off || !a->outs)
        return LEX_ENOMEM;
    memset(a->out_off, 0, ((size_t)n + 1) * sizeof *a->out_off);
    for (size_t p = 0; p < a->npats; p++)
        a->out_off[term[p] + 1]++;
    for (uint32_t s = 0; s < n; s++)
        a->out_off[s + 1] += a->out_off[s];
    /* Place with out_off[s] as the cursor of s, then shift back. */
    for (size_t p = 0; p < a->npats; p++)
        a->outs[a->out_off[term[p]]++] =
            (lexi_out){.id = a->pats[p].id, .pat = (uint32_t)p};
    for (uint32_t s = n; s > 0; s--)
        a->out_off[s] = a->out_off[s - 1];
    a->out_off[0] = 0;
    for (uint32_t s = 0; s < n; s++) {
        uint32_t k = a->out_off[s + 1] - a->out_off[s];
        if (k > 1)
            qsort(a->outs + a->out_off[s], k, sizeof *a->outs, lex_out_cmp);
    }
    return LEX_OK;
}

/* As many of the shallowest states as the dense limit allows, at least
 * the root (every failure chain ends there), and few enough that row
 * offsets, the trap row's included, fit a code. */
static uint32_t lex_dense_count(const lex_automaton *a)
{
    size_t n = a->dense_limit / ((size_t)a->ncls * sizeof *a->dense);
    if (n < 1)
        n = 1;
    if (n > a->nstates)
        n = a->nstates;
    if (n > LEXI_INDEX / a->ncls)
        n = LEXI_INDEX / a->ncls;
    return (uint32_t)n;
}

/* The complete row of dense state s: its failure state's row (complete,
 * as that state is shallower) with s's own edges written over it. */
static void lex_fill_row(lex_automaton *a, uint32_t s)
{
    uint32_t *row = a->dense + (size_t)s * a->ncls;
    if (s == 0)
        memset(row, 0, a->ncls * sizeof *row); /* code 0: root, no hit */
    else
        memcpy(row, a->dense + (size_t)a->node[s].fail * a->ncls,
               a->ncls * sizeof *row);
    for (uint32_t r = a->node[s].kid0; r < a->node[s + 1].kid0; r++)
        row[a->lbl[r]] = lexi_code(a, r);
}

/* Failure and output links of s's children, computed from s's failure
 * state's transitions (all of which are final by then, BFS order). */
static void lex_link_children(lex_automaton *a, uint32_t s)
{
    for (uint32_t r = a->node[s].kid0; r < a->node[s + 1].kid0; r++) {
        uint32_t f = 0;
        if (s != 0)
            f = lexi_state(a, lexi_delta(a, a->node[s].fail, a->lbl[r]) &
                                  ~LEXI_HIT);
        a->node[r].fail = f;
        a->node[r].olink =
            a->out_off[r + 1] > a->out_off[r] ? r : a->node[f].olink;
    }
}

static int lex_links(lex_automaton *a)
{
    uint32_t n = a->nstates;
    a->ndense = lex_dense_count(a);
    a->dense = lexi_array(a, ((size_t)a->ndense + 1) * a->ncls,
                          sizeof *a->dense);
    if (!a->dense)
        return LEX_ENOMEM;
    a->trap = a->ndense * a->ncls;
    for (uint32_t c = 0; c < a->ncls; c++)
        a->dense[a->trap + c] = LEXI_TRAP;
    a->node[0].fail = 0;
    a->node[0].olink = LEXI_NONE;
    for (uint32_t s = 0; s < n; s++) {
        lex_link_children(a, s);
        if (s < a->ndense)
            lex_fill_row(a, s);
    }
    return LEX_OK;
}

int lex_compile(lex_automaton *a)
{
    if (!a)
        return LEX_EINVAL;
    if (a->compiled)
        return LEX_ESTATE;
    if (a->npats == 0)
        return LEX_EEMPTY;
    lex_build_classes(a);
    size_t cap = a->nbytes + 1;
    lex_trie t = {0};
    int rc = lex_trie_alloc(a, &t, cap);
    if (rc == LEX_OK) {
        lex_trie_fill(a, &t);
        a->space_keep = lex_space_keep(a);
        rc = lex_number_bfs(a, &t);
    }
    if (rc == LEX_OK)
        rc = lex_outputs(a, t.term);
    if (rc == LEX_OK)
        rc = lex_links(a);
    lex_trie_free(a, &t, cap);
    if (rc != LEX_OK) {
        lexi_drop_tables(a);
        return rc;
    }
    a->compiled = true;
    return LEX_OK;
}
