/*
 * annot.h — a document prepared for the rules: its normalised text cut
 * into sentences, every quantity and period, every keyword and lexicon hit,
 * and the entity mentions, each with positions in the normalised text.
 *
 * Built once per document in C (one pass of each scanner; quantities a
 * sentence at a time, when asked for), then only read: the rules never
 * scan the text byte by byte themselves.
 */
#ifndef ENGINE_ANNOT_H
#define ENGINE_ANNOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lex.h"
#include "num.h"

/* A sentence's quantities are read when first asked for (an_quantities):
 * most sentences of a news text wake no rule and are never asked. */
typedef struct {
    size_t start, end;
    uint32_t para;
    bool read;         /* its quantities are read: qty[q0, q1) */
    size_t q0, q1;
} an_sentence;

typedef struct {
    uint32_t id; /* the automaton pattern id */
    size_t start, end;
} an_hit;

/* A place where the text names an entity: from the lexicon, from an alias
 * the text declares (以下简称“商汤”), or added by a mention rule. */
typedef struct {
    size_t start, end;
    const char *canonical, *type, *extra; /* owned elsewhere (lexicon or an_doc strings) */
    size_t id; /* order of adding in this text: outlives sorting, so a cache can key on it */
    uint32_t entry; /* the caller's number of the lexicon entry named + 1 (its Lua strings
                       are made once per run); 0: an alias or a rule's (an_add_mention) */
} an_mention;

/* Does m name an organisation or a business unit (lexicon types org and
 * unit): what subjects and doc:entities() are made of? */
static inline bool an_is_entity(const an_mention *m)
{
    return !strcmp(m->type, "org") || !strcmp(m->type, "unit");
}

typedef struct {
    const char *text;
    size_t len;
    const size_t *orig;
    an_sentence *sent;
    size_t nsent, capsent;
    num_quantity *qty; /* by sentence, in the order sentences were read */
    size_t nqty, capqty;
    const num_ctx *ctx; /* what the quantities resolve against; outlives the reads */
    an_hit *hits;
    size_t nhits, caphits;
    an_mention *ment;
    size_t nment, capment;
    size_t nmade; /* mentions ever added to this text: the next one's id */
    char **strings; /* canonical names made at run time (aliases, rules) */
    size_t nstrings, capstrings;
    /* Hits by group (the runtime's groups are its rules): next_hit[h] is
     * the next hit of hit h's group, or SIZE_MAX; group_first has room
     * for one hit index per group, for the caller's use. */
    size_t *next_hit, capnext;
    size_t *group_first, capgroups;
} an_doc;

void an_init(an_doc *d);
void an_free(an_doc *d);

/* The text alone, nothing read from it yet: no sentences, quantities,
 * hits or mentions (an_build reads them). */
void an_begin(an_doc *d, const char *text, size_t len, const size_t *orig);

/* Segment and scan the automaton; quantities are read later, a sentence
 * at a time (an_quantities), against ctx, which must outlive those reads.
 * Returns 0 or -1 (out of memory).  The arrays are reused from document
 * to document. */
int an_build(an_doc *d, const char *text, size_t len, const size_t *orig,
             const num_ctx *ctx, const lex_automaton *lex);

/* Sentence i's quantities, read on the first call: they are
 * d->qty[sent[i].q0, sent[i].q1), in text order.  Returns 0 or -1 (out of
 * memory).  A quantity lies inside its sentence. */
int an_quantities(an_doc *d, size_t i);

/* Add a mention.  With copy set the strings are copied (names made at run
 * time); otherwise they must outlive the document (lexicon entries).
 * entry: the caller's number of the lexicon entry named + 1, or 0 (the
 * mention's field of that name).  Returns 0 or -1. */
int an_add_mention(an_doc *d, size_t start, size_t end, const char *canonical,
                   const char *type, const char *extra, bool copy, uint32_t entry);
/* Link each hit to the next hit of its group: group(ud, id) is the group
 * of a hit's pattern id, < 0 for none (never linked); groups are below
 * ngroups.  Returns 0 or -1 (out of memory: nothing is linked). */
int an_link_hits(an_doc *d, int32_t (*group)(void *ud, uint32_t id), void *ud, size_t ngroups);

/* Sort mentions by position and drop those inside a longer one. */
void an_settle_mentions(an_doc *d);

/* First index in an array sorted by start whose start is >= pos. */
size_t an_first_hit(const an_doc *d, size_t pos);
size_t an_first_mention(const an_doc *d, size_t pos);
size_t an_first_sentence(const an_doc *d, size_t pos);

#endif
