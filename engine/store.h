/*
 * store.h — the SQLite fact store: `engine run --db FILE` writes documents,
 * runs and facts into it; `engine facts DB` reads them back.  The schema is
 * documented for SQL users in docs/store.md.
 *
 * Writing happens one document at a time, each in its own transaction
 * (store_doc_begin … store_doc_commit), so a crash loses at most the
 * documents not yet committed (store_writer.h queues them) and never
 * leaves part of a document's facts.  A document stored again with the
 * same pack versions has its facts replaced; with a new pack version the
 * older run's facts stay beside the new ones, each marked with the run
 * that made it.
 *
 * Every function that can fail returns 0 or -1; the message, starting with
 * the database's file name, is then in store_error().
 */
#ifndef ENGINE_STORE_H
#define ENGINE_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "fact.h"

/* The schema version this engine writes (PRAGMA user_version), and the
 * PRAGMA application_id that marks a database as the engine's ("ENGN"). */
enum { STORE_VERSION = 4 };
#define STORE_APP_ID 0x454E474E

enum { STORE_ERR_LEN = 512 };

typedef struct store store;

typedef enum {
    STORE_WRITE, /* create the file or upgrade its schema as needed */
    STORE_READ   /* read-only: the file must exist and be an engine database */
} store_mode;

/* Open path.  Returns NULL with "path: problem" in err when the file cannot
 * be opened, is not an engine database, or was made by a newer engine. */
store *store_open(const char *path, store_mode mode, char *err, size_t errcap);
/* Close, rolling back a document left open.  Errors have been reported by
 * the calls before (store_run_end is the last that writes). */
void store_close(store *s);
const char *store_error(const store *s);

/* ---- writing ---------------------------------------------------------- */

typedef struct {
    const char *name, *version;
} store_pack;

/* Record a run of the given packs (every pack loaded, active or not). */
int store_run_begin(store *s, const char *rules, const store_pack *packs,
                    size_t npacks);
/* Mark the run finished.  A run that crashed keeps finished = NULL. */
int store_run_end(store *s);

typedef struct {
    const char *name;        /* path or JSON Lines id */
    const char *bytes;       /* the document's text as read, for its hash */
    size_t len;
    size_t size;             /* its size in bytes in the input */
    const char *publication; /* or NULL */
    const char *date;        /* the date its periods resolved against, or NULL */
} store_doc;

/* Start storing one document of the current run: opens its transaction,
 * records the document and drops the facts the same pack versions made of
 * it before. */
int store_doc_begin(store *s, const store_doc *d);
/* Add one of its facts.  extra, if not NULL, is the fields beyond the fixed
 * ones as fact_write_json wrote them (its members without the braces:
 * `"segment":"AI","change":0.2`), which saves formatting them again; with
 * NULL the store writes them itself.  After a failure the document's later
 * facts are ignored and store_doc_commit fails with the first error. */
int store_doc_fact(store *s, const fact *f, const char *extra, size_t extra_len);
/* Commit the document; on failure (or after a failed fact) it is rolled
 * back and nothing of it is stored. */
int store_doc_commit(store *s);
/* Drop the document in flight, if any (it failed to read). */
void store_doc_abort(store *s);

/* ---- reading ---------------------------------------------------------- */

typedef struct {
    const char *entity, *name, *kind, *period; /* exact matches; NULL: any */
    bool all_runs; /* every run's facts, not only each document's latest */
} store_filter;

/* A stored fact.  extra is the JSON object of the fields beyond the fixed
 * ones (f.extra is not used), or NULL.  Valid during the callback only. */
typedef struct {
    fact f;
    long long run;
    const char *extra;
} store_row;

/* Non-zero from the callback stops the query and is returned. */
typedef int (*store_row_fn)(void *ud, const store_row *row);

/* The matching facts, ordered by period (earliest first, shorter periods
 * before the longer ones that start with them), entity, name, document,
 * run and position. */
int store_query(store *s, const store_filter *flt, store_row_fn fn, void *ud);


/* A key that sorts canonical periods (docs/facts.md) by start, then end:
 * "2024-01" < "2024Q1" < "2024H1" < "2024" < "2024-02".  Written to
 * key (at least 48 bytes); unknown forms sort by their own text. */
void store_period_key(const char *period, char *key, size_t cap);

#endif
