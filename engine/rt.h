/*
 * rt.h — the rule runtime: loads rule packs into a Lua sandbox, and runs
 * them over annotated documents to produce facts.
 *
 * One runtime holds every pack under RULES.  Per document, the packs whose
 * detect() accepts it (common always, or the one --pack names) are active;
 * a publication pack's rule replaces the common rule of the same name.
 */
#ifndef ENGINE_RT_H
#define ENGINE_RT_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "fact.h"
#include "num.h"

typedef struct rt_runtime rt_runtime;

/* A document ready for the rules. */
typedef struct {
    const char *id;          /* path or JSON Lines id */
    const char *date;        /* YYYY-MM-DD or NULL */
    const char *publication; /* or NULL */
    num_date date_value;     /* parsed date; year 0 when unknown */
    const char *text;        /* the whole normalised text */
    size_t len;
    const size_t *orig;      /* len + 1 offsets into the original */
    doc_reader *reader;      /* gives the original text of a span */
} rt_doc;

typedef struct {
    const char *force_pack; /* --pack NAME, or NULL */
    size_t mem_limit;       /* bytes for the whole Lua state */
    size_t mem_per_call;    /* bytes a single rule call may add */
    unsigned long instr_per_call;
    bool profile;           /* time each rule; rt_free prints the table */
} rt_options;

/* Reports a problem: where is a path, a document id, or NULL when msg
 * itself starts with "pack/file.lua:line:". */
typedef void (*rt_error_fn)(void *ud, const char *where, const char *msg);

/* Load every pack under rules_dir.  Every problem found is reported;
 * returns NULL when the rules cannot be used at all.  *problems counts
 * what was reported (a pack with errors is still loaded without the
 * rules that failed). */
rt_runtime *rt_load(const char *rules_dir, const rt_options *opt,
                    rt_error_fn err, void *ud, size_t *problems);
void rt_free(rt_runtime *rt);

typedef void (*rt_fact_fn)(void *ud, const fact *f);

/* Force a publication pack for the documents that follow (NULL: ask each
 * pack's detect()).  The name must stay valid while it is in force. */
void rt_set_force_pack(rt_runtime *rt, const char *name);

/* Run the active packs over one document and hand each fact to fn, in the
 * order emitted, repeats removed.  Rule errors are reported through err
 * (with the document's id) and counted in the return value; every other
 * rule still runs. */
size_t rt_run(rt_runtime *rt, const rt_doc *doc, rt_fact_fn fn, void *ud);

/* The packs loaded, for `engine check` and `engine test`. */
size_t rt_pack_count(const rt_runtime *rt);
const char *rt_pack_name(const rt_runtime *rt, size_t i);
const char *rt_pack_dir(const rt_runtime *rt, size_t i);
/* Where the pack came from as the user named it: its .pack file, else
 * its folder (rt_pack_dir is where its files are read, maybe a temporary
 * folder). */
const char *rt_pack_source(const rt_runtime *rt, size_t i);
const char *rt_pack_version(const rt_runtime *rt, size_t i);
size_t rt_rule_count(const rt_runtime *rt);

/* One rule, for `engine check`: its name, file ("common/revenue.lua"),
 * pack index and description (or NULL). */
typedef struct {
    const char *name, *file, *description;
    size_t pack;
} rt_rule_info;
rt_rule_info rt_rule_at(const rt_runtime *rt, size_t i);
/* Entries in a pack's lexicons. */
size_t rt_lexicon_size(const rt_runtime *rt, size_t pack);

#endif
