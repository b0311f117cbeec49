/*
 * lex.h — one multi-pattern automaton for every rule keyword and every
 * lexicon surface form, so that a document's text is scanned once for all
 * of them (DESIGN.md: "one automaton for every keyword of every rule").
 *
 * Life cycle: lex_new, then lex_add for each pattern, then lex_compile;
 * from then on the automaton is immutable and lex_scan may be called on it
 * from any number of threads at once (it allocates nothing and writes
 * nothing but the caller's sink).  A pack reload builds a new automaton
 * beside the old one and swaps them; lex_free releases one.
 *
 * Patterns and text are UTF-8.  Patterns are checked (empty or invalid
 * UTF-8 is an error); text is trusted to be valid UTF-8, as text.c makes
 * it, and a match then always starts and ends on character boundaries.
 * Invalid text bytes cannot crash a scan; they just match nothing useful.
 *
 * Limits: the total bytes of all patterns must stay below 2^30 (1 GiB), far
 * above any real lexicon; lex_add answers LEX_ELIMIT beyond that.  Memory
 * is about 17 bytes per automaton state (at most one state per pattern
 * byte), 24 per pattern plus its bytes, and a dense transition table
 * capped by lex_set_dense_limit: 50,000 Chinese names take ~20 MB.
 *
 * Stack: a scan uses about 40 KiB (lane records and a packed copy, see
 * lex_scan.c).
 *
 * Speed (scripts/bench-lex): texts of 1 KiB and more are scanned in eight
 * interleaved lanes, ~500 MB/s with 2,000 Chinese names on the machine it
 * was measured on; one pattern longer than 256 bytes makes every scan
 * serial, about three times slower.
 */
#ifndef ENGINE_LEX_H
#define ENGINE_LEX_H

#include <stddef.h>
#include <stdint.h>

typedef struct lex_automaton lex_automaton;

/* Flags for lex_add. */
enum {
    /* ASCII letters match either case ("Revenue" hits "REVENUE").  Other
     * letters match exactly: the text is NFKC already, and full case
     * folding of other scripts is not what rule authors expect of "case". */
    LEX_ASCII_CASELESS = 1u << 0,
    /* Whole words only: where the pattern begins with a word character it
     * must not follow one, and where it ends with one it must not be
     * followed by one ("rev" does not hit "previous", "AI" does hit
     * "生成式AI业务").  Word characters are ASCII letters, digits and '_'
     * and the Latin letters U+00C0..U+024F (so "caf" does not hit "café");
     * CJK and punctuation never are, so the flag has no effect on a CJK
     * end of a pattern.  The ends of the scanned text count as boundaries. */
    LEX_WORD = 1u << 1
};

/* Return codes: 0 is success, errors are negative. */
enum {
    LEX_OK = 0,
    LEX_ENOMEM = -1, /* an allocation failed; nothing changed */
    LEX_EINVAL = -2, /* NULL argument, empty pattern or unknown flag */
    LEX_EUTF8 = -3,  /* the pattern is not valid UTF-8 */
    LEX_ESTATE = -4, /* lex_add/compile after compile, or scan before it */
    LEX_EEMPTY = -5, /* lex_compile with no pattern added */
    LEX_ELIMIT = -6  /* the pattern set is larger than the limits above */
};

/* A short English message for a return code ("out of memory"). */
const char *lex_strerror(int code);

/* Allocator with the contract of Lua's lua_Alloc: nsize == 0 frees ptr and
 * returns NULL; otherwise it resizes ptr (osize bytes, or NULL) to nsize
 * bytes and returns NULL on failure, leaving ptr intact.  Lets the engine
 * account memory and lets tests fail each allocation in turn. */
typedef void *(*lex_alloc_fn)(void *ud, void *ptr, size_t osize,
                              size_t nsize);

/* A new empty automaton (malloc/realloc/free), or NULL if out of memory. */
lex_automaton *lex_new(void);
/* The same with a caller's allocator (NULL alloc means the default). */
lex_automaton *lex_new_with(lex_alloc_fn alloc, void *ud);
/* Releases everything; NULL is allowed. */
void lex_free(lex_automaton *a);

/* Adds pattern[0..len) with the caller's id and LEX_* flags.  The same
 * pattern may be added several times with different ids (rules sharing a
 * keyword) and every id is reported.  The bytes are copied.
 * Returns LEX_OK, LEX_EINVAL, LEX_EUTF8, LEX_ESTATE, LEX_ELIMIT or
 * LEX_ENOMEM. */
int lex_add(lex_automaton *a, const char *pattern, size_t len, uint32_t id,
            unsigned flags);

/* Caps the dense transition table built by lex_compile (default
 * LEX_DENSE_LIMIT_DEFAULT bytes).  The shallowest states get dense rows
 * (one memory load per text byte); deeper ones keep sorted edges and
 * failure links (a few loads, but 13 bytes a state instead of a ~400-byte
 * row).  Bigger is not faster: rows of rarely visited deep states only
 * spread the scan over more cache lines; 8 MiB measured best for 2,000 to
 * 8,000 Chinese names (scripts/bench-lex -d).  0 keeps only the root
 * dense.  Before lex_compile only (else LEX_ESTATE). */
#define LEX_DENSE_LIMIT_DEFAULT ((size_t)8 << 20)
int lex_set_dense_limit(lex_automaton *a, size_t bytes);

/* Builds the automaton.  Returns LEX_OK, LEX_EEMPTY, LEX_ESTATE, LEX_EINVAL
 * or LEX_ENOMEM; on error the automaton is as before and may be compiled
 * again or freed. */
int lex_compile(lex_automaton *a);

/* Called for each match: [start, end) is its byte span in the text. */
typedef int (*lex_sink)(void *ud, uint32_t id, size_t start, size_t end);

/* Reports every occurrence of every pattern in text[0..len), overlapping
 * ones too, ordered by end offset, then longest first, then id ascending.
 * A given (id, start, end) is reported once even if that id was added
 * with several spellings or flags that all match there.
 * Returns 0 when the whole text was scanned; the sink's value as soon as
 * the sink returns non-zero (so sinks should return positive values to
 * tell a stop from an error); LEX_EINVAL or LEX_ESTATE before any call of
 * the sink.  text may be NULL when len is 0. */
int lex_scan(const lex_automaton *a, const char *text, size_t len,
             lex_sink sink, void *ud);

/* Sizes, for logs and benchmarks.  states etc. are 0 before lex_compile. */
typedef struct {
    size_t patterns;     /* successful lex_add calls */
    size_t states;       /* trie states, root included */
    size_t dense_states; /* states with a full transition row */
    size_t classes;      /* byte classes (the dense row width) */
    size_t memory;       /* bytes held now, the automaton itself included */
} lex_stats;
lex_stats lex_get_stats(const lex_automaton *a);

#endif
