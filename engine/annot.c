/*
 * annot.c — builds the annotated document (annot.h).
 */
#include "annot.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

void an_init(an_doc *d) { memset(d, 0, sizeof *d); }

static void free_strings(an_doc *d)
{
    for (size_t i = 0; i < d->nstrings; i++)
        free(d->strings[i]);
    d->nstrings = 0;
}

void an_free(an_doc *d)
{
    free_strings(d);
    free(d->strings);
    free(d->sent);
    free(d->qty);
    free(d->hits);
    free(d->ment);
    free(d->next_hit);
    free(d->group_first);
    memset(d, 0, sizeof *d);
}

/* Room in arr for element n: array_reserve, called only when the array
 * is full (or not there yet).  The scanners push a sentence, a quantity
 * or a hit every few dozen bytes, and the call was half of each push.  A
 * macro, so that the test reads the array's own pointer, not a void *
 * alias of it. */
#define ROOM_FOR(arr, cap, n) \
    ((arr) && (n) < (cap) ? 0 : array_reserve((void **)&(arr), &(cap), (n), sizeof *(arr)))

static int on_sentence(void *ud, size_t start, size_t end, size_t para)
{
    an_doc *d = ud;
    if (ROOM_FOR(d->sent, d->capsent, d->nsent))
        return -1;
    d->sent[d->nsent++] = (an_sentence){start, end, (uint32_t)para, false, 0, 0};
    return 0;
}

static int on_quantity(void *ud, const num_quantity *q)
{
    an_doc *d = ud;
    if (ROOM_FOR(d->qty, d->capqty, d->nqty))
        return -1;
    d->qty[d->nqty++] = *q;
    return 0;
}

static int on_hit(void *ud, uint32_t id, size_t start, size_t end)
{
    an_doc *d = ud;
    if (ROOM_FOR(d->hits, d->caphits, d->nhits))
        return 1;
    d->hits[d->nhits++] = (an_hit){id, start, end};
    return 0;
}

static int cmp_hit(const void *a, const void *b)
{
    const an_hit *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end > y->end ? -1 : 1; /* longest first */
    return x->id < y->id ? -1 : x->id > y->id;
}

void an_begin(an_doc *d, const char *text, size_t len, const size_t *orig)
{
    free_strings(d);
    d->text = text;
    d->len = len;
    d->orig = orig;
    d->nsent = d->nqty = d->nhits = d->nment = d->nmade = 0;
    d->ctx = NULL;
}

int an_build(an_doc *d, const char *text, size_t len, const size_t *orig,
             const num_ctx *ctx, const lex_automaton *lex)
{
    an_begin(d, text, len, orig);
    d->ctx = ctx;
    if (text_segment(text, len, on_sentence, d))
        return -1;
    if (lex && lex_scan(lex, text, len, on_hit, d))
        return -1;
    /* The automaton reports by end; rules look hits up by start. */
    array_sort_nearly(d->hits, d->nhits, sizeof *d->hits, cmp_hit);
    return 0;
}

int an_quantities(an_doc *d, size_t i)
{
    an_sentence *s = &d->sent[i];
    if (s->read)
        return 0;
    s->q0 = d->nqty;
    if (num_scan_span(d->text, s->start, s->end, d->ctx, on_quantity, d)) {
        d->nqty = s->q0; /* nothing half read stays */
        return -1;
    }
    s->q1 = d->nqty;
    s->read = true;
    return 0;
}

/* Grow *v to at least n elements of size. */
static int at_least(void **v, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap)
        return 0;
    void *p = realloc(*v, n * size);
    if (!p)
        return -1;
    *v = p;
    *cap = n;
    return 0;
}

int an_link_hits(an_doc *d, int32_t (*group)(void *ud, uint32_t id), void *ud, size_t ngroups)
{
    if (at_least((void **)&d->next_hit, &d->capnext, d->nhits ? d->nhits : 1, sizeof *d->next_hit) ||
        at_least((void **)&d->group_first, &d->capgroups, ngroups ? ngroups : 1, sizeof *d->group_first))
        return -1;
    size_t *last = d->group_first; /* the last hit seen of each group */
    for (size_t g = 0; g < ngroups; g++)
        last[g] = SIZE_MAX;
    for (size_t h = 0; h < d->nhits; h++) {
        d->next_hit[h] = SIZE_MAX;
        int32_t g = group(ud, d->hits[h].id);
        if (g < 0 || (size_t)g >= ngroups)
            continue;
        if (last[g] != SIZE_MAX)
            d->next_hit[last[g]] = h;
        last[g] = h;
    }
    return 0;
}

static char *keep(an_doc *d, const char *s)
{
    if (!s)
        return NULL;
    char *copy = strdup(s);
    if (!copy || array_reserve((void **)&d->strings, &d->capstrings, d->nstrings,
                         sizeof *d->strings)) {
        free(copy);
        return NULL;
    }
    d->strings[d->nstrings++] = copy;
    return copy;
}

static int cmp_mention(const void *a, const void *b)
{
    const an_mention *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end > y->end ? -1 : 1;
    return 0;
}

int an_add_mention(an_doc *d, size_t start, size_t end, const char *canonical,
                   const char *type, const char *extra, bool copy, uint32_t entry)
{
    if (ROOM_FOR(d->ment, d->capment, d->nment))
        return -1;
    if (!extra)
        extra = "";
    an_mention m = {start, end, canonical, type, extra, d->nmade, entry};
    if (copy)
        m = (an_mention){start, end, keep(d, canonical), keep(d, type), keep(d, extra), d->nmade, entry};
    if (!m.canonical || !m.type || !m.extra)
        return -1;
    /* In order from the start: a rule's s:mentions() finds a sentence's
     * by binary search while mention rules still add some.  They come
     * nearly in order (the lexicon's by hit, a rule's sentence by
     * sentence), so the place is found a step or two from the end. */
    size_t k = d->nment;
    while (k > 0 && cmp_mention(&d->ment[k - 1], &m) > 0)
        k--;
    memmove(&d->ment[k + 1], &d->ment[k], (d->nment - k) * sizeof *d->ment);
    d->ment[k] = m;
    d->nment++;
    d->nmade++;
    return 0;
}

void an_settle_mentions(an_doc *d)
{
    size_t out = 0, reach = 0;
    for (size_t i = 0; i < d->nment; i++) {
        /* In order, longest first at each start (an_add_mention keeps
         * them so): anything that begins inside
         * the span of a kept mention is part of it (阿里 in 阿里巴巴). */
        if (out > 0 && d->ment[i].start < reach)
            continue;
        d->ment[out++] = d->ment[i];
        reach = d->ment[i].end;
    }
    d->nment = out;
}

/* The first element whose start is at or after pos, by a binary search
 * that halves the range without a branch on the comparison (a
 * conditional move): the rules ask it for every sentence and hit, and
 * this takes about half the instructions of the classic two-sided loop.
 * The answer lies in [base, base + n] throughout. */
#define FIRST_AT(name, arr, count)                                    \
    size_t name(const an_doc *d, size_t pos)                          \
    {                                                                 \
        size_t n = d->count;                                          \
        if (n == 0)                                                   \
            return 0;                                                 \
        size_t base = 0;                                              \
        while (n > 1) {                                               \
            size_t half = n / 2;                                      \
            base = d->arr[base + half - 1].start < pos ? base + half : base; \
            n -= half;                                                \
        }                                                             \
        return base + (d->arr[base].start < pos);                     \
    }

FIRST_AT(an_first_hit, hits, nhits)
FIRST_AT(an_first_mention, ment, nment)
FIRST_AT(an_first_sentence, sent, nsent)
