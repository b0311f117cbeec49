/*
 * lex.c — the lexicon automaton's life cycle: creation with a pluggable
 * allocator, the checked list of patterns that lex_add builds, statistics
 * and release.  The automaton proper is built by lex_compile.c and run by
 * lex_scan.c; lex_impl.h explains its layout.
 *
 * Every pattern is validated here, once, so that compile and scan can
 * trust their input: non-empty, strict UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF), known flags.  What a match must
 * still pass at scan time (exact case, word boundaries) is decided here
 * too and stored as a few bits, so the scan does no per-pattern analysis.
 */
#include "lex_impl.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

static void *lex_default_alloc(void *ud, void *p, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(p);
        return NULL;
    }
    return realloc(p, nsize);
}

void *lexi_realloc(lex_automaton *a, void *p, size_t osize, size_t nsize)
{
    void *q = a->alloc(a->ud, p, osize, nsize);
    if (nsize == 0 || q) /* a failed resize keeps the old block */
        a->memory = a->memory - osize + nsize;
    return q;
}

void *lexi_array(lex_automaton *a, size_t n, size_t sz)
{
    if (n == 0)
        n = 1; /* a valid pointer even for an empty table */
    if (n > SIZE_MAX / sz)
        return NULL;
    return lexi_realloc(a, NULL, 0, n * sz);
}

void lexi_release(lex_automaton *a, void *p, size_t n, size_t sz)
{
    if (p)
        lexi_realloc(a, p, (n ? n : 1) * sz, 0);
}

const char *lex_strerror(int code)
{
    switch (code) {
    case LEX_OK: return "success";
    case LEX_ENOMEM: return "out of memory";
    case LEX_EINVAL: return "invalid argument (NULL, empty pattern or unknown flag)";
    case LEX_EUTF8: return "pattern is not valid UTF-8";
    case LEX_ESTATE: return "wrong state (add or compile after compile, scan before)";
    case LEX_EEMPTY: return "no pattern to compile";
    case LEX_ELIMIT: return "pattern set too large";
    default: return "unknown lex error";
    }
}

lex_automaton *lex_new_with(lex_alloc_fn alloc, void *ud)
{
    if (!alloc)
        alloc = lex_default_alloc;
    lex_automaton *a = alloc(ud, NULL, 0, sizeof *a);
    if (!a)
        return NULL;
    memset(a, 0, sizeof *a);
    a->alloc = alloc;
    a->ud = ud;
    a->memory = sizeof *a;
    a->dense_limit = LEX_DENSE_LIMIT_DEFAULT;
    return a;
}

lex_automaton *lex_new(void)
{
    return lex_new_with(NULL, NULL);
}

void lexi_drop_tables(lex_automaton *a)
{
    lexi_release(a, a->dense, ((size_t)a->ndense + 1) * a->ncls,
                 sizeof *a->dense);
    lexi_release(a, a->node, (size_t)a->nstates + 1, sizeof *a->node);
    lexi_release(a, a->lbl, a->nstates, sizeof *a->lbl);
    lexi_release(a, a->out_off, (size_t)a->nstates + 1, sizeof *a->out_off);
    lexi_release(a, a->outs, a->npats, sizeof *a->outs);
    a->dense = a->out_off = NULL;
    a->node = NULL;
    a->lbl = NULL;
    a->outs = NULL;
    a->nstates = a->ndense = a->ncls = a->trap = a->maxlen = 0;
    a->compiled = false;
}

void lex_free(lex_automaton *a)
{
    if (!a)
        return;
    lexi_drop_tables(a);
    lexi_release(a, a->bytes, a->bytes_cap, 1);
    lexi_release(a, a->pats, a->pats_cap, sizeof *a->pats);
    a->alloc(a->ud, a, sizeof *a, 0);
}

int lex_set_dense_limit(lex_automaton *a, size_t bytes)
{
    if (!a)
        return LEX_EINVAL;
    if (a->compiled)
        return LEX_ESTATE;
    a->dense_limit = bytes;
    return LEX_OK;
}

/* Strict UTF-8 throughout (utf8_valid_len). */
static bool lex_utf8_valid(const char *s, size_t n)
{
    for (size_t i = 0, k; i < n; i += k)
        if (!(k = utf8_valid_len(s + i, n - i)))
            return false;
    return true;
}

/* The scan-time checks a pattern needs (LEXI_*), from its bytes and flags. */
static uint8_t lex_checks(const char *p, size_t len, unsigned flags)
{
    uint8_t check = 0;
    if (!(flags & LEX_ASCII_CASELESS)) {
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)p[i];
            if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
                check |= LEXI_EXACT;
                break;
            }
        }
    }
    if (flags & LEX_WORD) {
        uint32_t first, last;
        utf8_decode(p, len, &first);
        size_t at = utf8_char_start(p, len - 1);
        utf8_decode(p + at, len - at, &last);
        if (lexi_word_cp(first))
            check |= LEXI_WSTART;
        if (lexi_word_cp(last))
            check |= LEXI_WEND;
    }
    return check;
}

/* Grows *p (cap elements of sz) to hold at least need; doubling keeps
 * lex_add amortised O(1) per byte. */
static int lex_reserve(lex_automaton *a, void **p, size_t *cap, size_t need,
                       size_t sz)
{
    if (need <= *cap)
        return LEX_OK;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    if (ncap > SIZE_MAX / sz)
        return LEX_ENOMEM;
    void *q = lexi_realloc(a, *p, *cap * sz, ncap * sz);
    if (!q)
        return LEX_ENOMEM;
    *p = q;
    *cap = ncap;
    return LEX_OK;
}

int lex_add(lex_automaton *a, const char *pattern, size_t len, uint32_t id,
            unsigned flags)
{
    if (!a || !pattern || len == 0 ||
        (flags & ~(unsigned)(LEX_ASCII_CASELESS | LEX_WORD)))
        return LEX_EINVAL;
    if (a->compiled)
        return LEX_ESTATE;
    if (!lex_utf8_valid(pattern, len))
        return LEX_EUTF8;
    if (len > LEXI_MAX_BYTES - a->nbytes)
        return LEX_ELIMIT;
    void *bytes = a->bytes, *pats = a->pats;
    int rc = lex_reserve(a, &bytes, &a->bytes_cap, a->nbytes + len, 1);
    a->bytes = bytes;
    if (rc == LEX_OK)
        rc = lex_reserve(a, &pats, &a->pats_cap, a->npats + 1,
                         sizeof *a->pats);
    a->pats = pats;
    if (rc != LEX_OK)
        return rc;
    memcpy(a->bytes + a->nbytes, pattern, len);
    a->pats[a->npats++] = (lexi_pattern){
        .off = (uint32_t)a->nbytes,
        .len = (uint32_t)len,
        .id = id,
        .check = lex_checks(pattern, len, flags),
    };
    a->nbytes += len;
    return LEX_OK;
}

lex_stats lex_get_stats(const lex_automaton *a)
{
    lex_stats st = {0};
    if (a) {
        st.patterns = a->npats;
        st.states = a->nstates;
        st.dense_states = a->ndense;
        st.classes = a->compiled ? a->ncls : 0;
        st.memory = a->memory;
    }
    return st;
}
