/*
 * lex_impl.h — the inside of a lex_automaton, shared by lex.c (building
 * the pattern list), lex_compile.c (building the tables) and lex_scan.c
 * (reading them).  Not for other modules: they use lex.h.
 *
 * States are numbered in breadth-first order of the trie.  That one choice
 * carries three invariants the tables rely on:
 *   - a state's failure target is shallower, hence has a smaller number;
 *   - the children of state s are the consecutive states
 *     node[s].kid0 .. node[s+1].kid0 - 1, sorted by edge class, so the
 *     trie needs no edge arrays of its own;
 *   - the dense states 0 .. ndense-1 are the shallowest, which are the
 *     ones a scan visits nearly all the time.
 *
 * A transition is a 32-bit "code": for a dense target, its row offset
 * (state * ncls) so that the scan loop adds the byte class and loads, with
 * no multiply; for a sparse target, LEXI_SPARSE | state.  LEXI_HIT marks a
 * target at which some pattern ends, so the loop tests one compare for
 * both rare cases.  One more row after the dense ones, the trap row, holds
 * LEXI_TRAP everywhere: a scan that enters a sparse state parks on it, so
 * its next byte too leaves the hot loop, and the hot loop never has to
 * ask whether its current state is sparse.
 */
#ifndef ENGINE_LEX_IMPL_H
#define ENGINE_LEX_IMPL_H

#include "lex.h"

#include <stdbool.h>

#define LEXI_HIT    (UINT32_C(1) << 31)
#define LEXI_SPARSE (UINT32_C(1) << 30)
#define LEXI_INDEX  (LEXI_SPARSE - 1)  /* state or row offset bits */
#define LEXI_NONE   UINT32_MAX
/* Every entry of the trap row: "the state is sparse, ask lexi_delta".  No
 * real code equals it, as state numbers stay below LEXI_INDEX. */
#define LEXI_TRAP   (LEXI_SPARSE | LEXI_INDEX)
/* Total pattern bytes bound the state count (one state per byte at most),
 * which must fit LEXI_INDEX. */
#define LEXI_MAX_BYTES ((size_t)LEXI_INDEX - 1)

/* What a match must still pass once the automaton reports it (the
 * automaton itself works on ASCII-folded bytes and knows no words). */
enum {
    LEXI_EXACT = 1u << 0,  /* case-sensitive with ASCII letters: memcmp */
    LEXI_WSTART = 1u << 1, /* LEX_WORD and starts with a word character */
    LEXI_WEND = 1u << 2    /* LEX_WORD and ends with a word character */
};

typedef struct {
    uint32_t off, len; /* in lex_automaton.bytes */
    uint32_t id;
    uint8_t check;     /* LEXI_* */
} lexi_pattern;

/* What a sparse step reads of a state, side by side: walking deep states
 * costs a cache miss per array touched, and these three go together. */
typedef struct {
    uint32_t kid0;  /* first child (see the top comment) */
    uint32_t fail;  /* longest proper suffix that is a state */
    uint32_t olink; /* nearest state on the suffix chain, this one
                     * included, where patterns end; or LEXI_NONE */
} lexi_node;

/* One output of a state: the pattern, with its id at hand for sorting and
 * for the sink. */
typedef struct {
    uint32_t id, pat;
} lexi_out;

struct lex_automaton {
    lex_alloc_fn alloc;
    void *ud;
    size_t memory;      /* live bytes obtained through alloc */
    size_t dense_limit; /* bytes, see lex_set_dense_limit */
    bool compiled;

    /* Patterns as added (kept after compile: LEXI_EXACT compares bytes). */
    char *bytes;
    size_t nbytes, bytes_cap;
    lexi_pattern *pats;
    size_t npats, pats_cap;

    /* Compiled tables; see the top comment. */
    uint8_t cls[256];  /* byte -> class; ASCII upper case as lower case */
    uint32_t ncls;     /* class 0 is every byte no pattern uses */
    uint32_t nstates, ndense;
    uint32_t trap;     /* code of the trap row: ndense * ncls */
    uint32_t maxlen;   /* longest pattern, bytes */
    uint32_t space_keep; /* 1 + the longest run of spaces in a pattern, or
                          * 0 if a pattern is nothing but spaces: see
                          * lex_scan.c, which drops the rest of longer runs */
    uint32_t *dense;   /* (ndense + 1) * ncls codes: complete DFA rows,
                        * then the trap row */
    lexi_node *node;   /* nstates + 1 (the last one only ends kid0) */
    uint8_t *lbl;      /* nstates: class of the edge into the state */
    uint32_t *out_off; /* nstates + 1: the state's range in outs */
    lexi_out *outs;    /* npats, grouped by state, by id within one */
};

/* Allocation through the automaton's allocator, counted in a->memory. */
void *lexi_realloc(lex_automaton *a, void *p, size_t osize, size_t nsize);
/* Array of n elements of size sz, or NULL on overflow / out of memory. */
void *lexi_array(lex_automaton *a, size_t n, size_t sz);
void lexi_release(lex_automaton *a, void *p, size_t n, size_t sz);
/* Frees the compiled tables and marks a uncompiled: lex_free, and the undo
 * of a lex_compile that ran out of memory. */
void lexi_drop_tables(lex_automaton *a);

/* Word characters for LEX_WORD (see lex.h). */
static inline bool lexi_word_cp(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
               (cp >= 'A' && cp <= 'Z') || cp == '_';
    return cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7;
}

static inline uint32_t lexi_code(const lex_automaton *a, uint32_t s)
{
    uint32_t code = s < a->ndense ? s * a->ncls : (LEXI_SPARSE | s);
    return a->node[s].olink != LEXI_NONE ? code | LEXI_HIT : code;
}

static inline uint32_t lexi_state(const lex_automaton *a, uint32_t code)
{
    return code & LEXI_SPARSE ? code & LEXI_INDEX
                              : (code & LEXI_INDEX) / a->ncls;
}

/* The child of s along class c, or LEXI_NONE.  Edges are sorted and the
 * sparse (deep) states that ask have one or two, so a walk will do. */
static inline uint32_t lexi_child(const lex_automaton *a, uint32_t s,
                                  uint8_t c)
{
    for (uint32_t r = a->node[s].kid0, end = a->node[s + 1].kid0; r < end;
         r++) {
        if (a->lbl[r] >= c)
            return a->lbl[r] == c ? r : LEXI_NONE;
    }
    return LEXI_NONE;
}

/* The DFA transition from state s on class c, as a code.  Dense states
 * answer with one load; a sparse state follows failure links until some
 * state has the edge or a dense state answers.  Requires the rows of every
 * dense state on s's failure chain, which compile fills in BFS order. */
static inline uint32_t lexi_delta(const lex_automaton *a, uint32_t s,
                                  uint8_t c)
{
    while (s >= a->ndense) {
        uint32_t r = lexi_child(a, s, c);
        if (r != LEXI_NONE)
            return lexi_code(a, r);
        s = a->node[s].fail;
    }
    return a->dense[(size_t)s * a->ncls + c];
}

#endif
