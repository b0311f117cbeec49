/*
 * rt_internal.h — what the runtime's files (rt.c loads packs, rt_run.c
 * runs a document, rt_api.c is the Lua API rules call) share.  Not for
 * other modules: they use rt.h.
 */
#ifndef ENGINE_RT_INTERNAL_H
#define ENGINE_RT_INTERNAL_H

#include <lua.h>

#include "annot.h"
#include "keyset.h"
#include "lex.h"
#include "lexicon.h"
#include "pack.h"
#include "rt.h"
#include "sandbox.h"

typedef struct {
    char *name;
    char *file;       /* as shown in errors: "common/revenue.lua" */
    size_t pack;
    int ref;          /* registry reference to the rule table */
    int sentence_ref, document_ref, mentions_ref; /* LUA_NOREF if absent */
    unsigned needs;   /* rule{needs}: one bit per num_kind; 0 for none */
    bool active;      /* for the current document */
    size_t calls;     /* with ENGINE_PROFILE: calls, time spent, */
    double seconds;
    size_t idle;      /* calls that added no fact */
} rt_rule;

typedef struct {
    pack_files files;
    char *name, *version, *description, *extends;
    int env_ref, detect_ref, clean_ref; /* detect: a function or a table of matchers */
    lexicon lex;
    bool active;      /* for the current document */
} rt_pack;

/* rt_clean.c: the text with what active packs' clean() returned blanked,
 * or NULL when nothing was (or on error, reported). */
char *rt_clean_text(rt_runtime *rt);

/* What a pattern id of the automaton stands for. */
typedef struct {
    int32_t rule;                /* rule index, or -1 for a lexicon entry */
    const char *keyword;         /* as the rule wrote it */
    const lexicon_entry *entry;  /* for a lexicon entry */
    size_t pack;                 /* whose lexicon: it counts only when active */
} rt_pattern;

typedef enum { RT_PHASE_MENTIONS, RT_PHASE_SENTENCE, RT_PHASE_DOCUMENT } rt_phase;

/* What the engine knows of a fact of the document beyond the rule's
 * fields: the rule that emitted it and its evidence's normalised span.
 * Kept in C, by fact number, not as fields of each fact's table. */
typedef struct {
    size_t rule, a, b;
} rt_origin;

/* Strings the API uses again and again as field names and values, made
 * once (rt_api_open) and pushed from the registry.  The kinds and the
 * qualifiers are in num_kind and num_qual order. */
enum {
    RT_S_TEXT, RT_S_START, RT_S_STOP, RT_S_END, RT_S_NSTART, RT_S_NSTOP, RT_S_INDEX,
    RT_S_PARAGRAPH, RT_S_DOC, RT_S_ID, RT_S_DATE, RT_S_PUBLICATION, RT_S_KIND, RT_S_VALUE,
    RT_S_LOW, RT_S_HIGH, RT_S_UNIT, RT_S_QUALIFIER, RT_S_CHANGE, RT_S_BASIS, RT_S_PERIOD,
    RT_S_ASOF, RT_S_RELATIVE, RT_S_RESOLVED, RT_S_IDENT, RT_S_KEYWORD, RT_S_CANONICAL,
    RT_S_TYPE, RT_S_EXTRA, RT_S_NAME, RT_S_ENTITY, RT_S_RULE, RT_S_PACK, RT_S_PACK_VERSION,
    RT_S_EVIDENCE, RT_S_FROM, RT_S_KEY, RT_S_UP, RT_S_DOWN, RT_S_YOY, RT_S_QOQ, RT_S_FACT,
    RT_S_KIND0,                      /* num_kind_name(0) … */
    RT_S_QUAL1 = RT_S_KIND0 + NUM_IDENT + 1, /* num_qual_name(1) … */
    RT_NSTRINGS = RT_S_QUAL1 + NUM_Q_LE
};

struct rt_runtime {
    sb_state *sb;
    lua_State *L;
    rt_options opt;
    rt_error_fn err;
    void *err_ud;
    rt_pack *packs;
    size_t npacks;
    rt_rule *rules;
    size_t nrules, caprules;
    rt_pattern *patterns;
    size_t npatterns, cappatterns;
    lex_automaton *ac;
    int sentence_mt_ref, doc_mt_ref; /* metatables of the Lua objects */
    int strings[RT_NSTRINGS];        /* registry references, RT_S_* */

    /* The document being run. */
    const rt_doc *doc;
    const num_ctx *ctx;     /* the document's, while rt_run runs */
    an_doc an;
    /* an holds more than the text (rt_annotate).  detect() and clean()
     * mostly read the text alone, and a document clean() changes is read
     * again anyway: it is read only when something asks. */
    bool annotated;
    const char **subject_in; /* per sentence: the subject carried into it */
    size_t capsubject;
    /* Per-document Lua tables, each made at most once per document and
     * then shared by every rule that asks (rules ask for the same ones
     * again and again).  Arrays are sized when the document is annotated. */
    int sentences_ref;      /* Lua array of sentence objects (lazy) */
    /* The objects in it by index, so that a method knows its sentence by
     * identity rather than by reading its index field: sentence_obj[i]
     * for i < nsentence_obj is sentence i's object or NULL, and
     * self_hint the index of the one used last. */
    const void **sentence_obj;
    size_t nsentence_obj, capsentence_obj, self_hint;
    int doc_obj_ref;
    int facts_ref;
    int fact_mt_ref;        /* facts' metatable: their origin's fields */
    const void *fact_mt;    /* the same, as lua_topointer knows it */
    rt_origin *origins;     /* the document's facts' origins, by number - 1 */
    size_t caporigins;
    lua_Integer doc_serial; /* counts documents: a fact's _fact tells its own */
    keyset seen;            /* facts by repeat key: their index in facts */
    keyset entity_seen;     /* doc:entities: the canonical names listed */
    char *key;              /* the repeat key being made (keylen bytes) */
    size_t keylen, keycap;
    int byname_ref;         /* facts by name: name -> list, for doc:facts */
    int nnames;             /* names in byname (the last document's, until
                               the next begins: its tables' sizes) */
    int qcache_ref;         /* quantity tables made so far, by index */
    int hcache_ref;         /* keyword hit tables made so far, by index */
    int keywords_ref;       /* the patterns' keywords as Lua strings, by id + 1 */
    int entries_ref;        /* lexicon entries' strings as Lua strings, made once per
                               run: by pattern id * 4 + k + 1 (rt_api.c's ES_*) */
    int mcache_ref;         /* mention tables, by mention id + 1; LUA_NOREF
                               until the first is asked for */
    int text_ref;           /* doc:text(), LUA_NOREF until asked */
    char *json;             /* the `from` of the fact being printed, as JSON */
    size_t jsoncap;
    lua_Integer nfacts;     /* length of facts */
    /* s:hits() walks only its own rule's hits (an.next_hit links them):
     * while the sentence phases run, an.group_first[r] is rule r's first
     * hit in sentence hit_sentence (SIZE_MAX otherwise). */
    size_t hit_sentence;
    bool hits_linked;       /* an.next_hit is made for this annotation */
    size_t current_rule;
    rt_phase phase;
    size_t errors;
};

/* rt_api.c */
void rt_api_open(rt_runtime *rt);            /* metatables, the rule() constructor */
void rt_api_push_sentence(rt_runtime *rt, size_t i);
void rt_api_push_doc(rt_runtime *rt);
int rt_api_fact_to_c(rt_runtime *rt, int idx, fact *f, fact_field *extra,
                     size_t cap);
void rt_api_install_rule_ctor(rt_runtime *rt, int env_index);
/* rule{needs = {...}} of the rule table at t, which rule() checked: one
 * bit per quantity kind (num_kind), 0 for none. */
unsigned rt_api_rule_needs(lua_State *L, int t);
/* A document begins: fresh facts (the caches come with its annotation). */
void rt_api_begin_document(rt_runtime *rt);
/* Fresh caches of the annotation (sentences, quantities, hits, text),
 * sized for it: whenever the document is annotated. */
void rt_api_new_caches(rt_runtime *rt);
/* Mentions are final (after the mentions phase): cache their tables. */
void rt_api_mentions_settled(rt_runtime *rt);
/* Drop every per-document table (end of the document). */
void rt_api_end_document(rt_runtime *rt);

/* rt_run.c helpers used by the API */
/* Read the document's sentences and hits now if not yet done
 * (with fresh caches).  Returns 0 or -1 (out of memory). */
int rt_annotate(rt_runtime *rt);
const char *rt_subject_at(rt_runtime *rt, size_t sentence, size_t pos);
/* The period in force at pos of the sentence, or NULL, in *period.
 * Returns 0 or -1 (out of memory reading quantities). */
int rt_period_at(rt_runtime *rt, size_t sentence, size_t pos, const char **period);

void rt_report(rt_runtime *rt, const char *where, const char *fmt, ...);

#endif
