/*
 * store_int.h — what the store's own files share (store.c, store_schema.c,
 * store_read.c, store_vfs.c) and what its unit tests reach into: the handle and the
 * schema steps.  Not for the rest of the engine: use store.h.
 */
#ifndef ENGINE_STORE_INT_H
#define ENGINE_STORE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "json.h"
#include "store.h"

struct store {
    sqlite3 *db;
    char *path;
    store_mode mode;
    char err[STORE_ERR_LEN];
    /* Prepared once, reused for every document and fact. */
    sqlite3_stmt *begin, *commit, *rollback;
    sqlite3_stmt *upsert_doc, *find_ranges, *delete_old, *drop_ranges, *insert_fact, *put_range;
    long long run;          /* the current run's id; 0 before store_run_begin */
    bool in_doc, doc_failed;
    char *doc;              /* the document in flight (its name) */
    long long first_id, last_id; /* the ids its facts took; first_id 0: none yet */
    char doc_what[160];     /* "storing NAME", for its error messages */
    json_writer extra;      /* a fact's extra fields as JSON (memory only) */
};

/* Record "path: what: SQLite's message" and return -1. */
int store_fail(store *s, const char *what);
/* The same with a message of our own instead of SQLite's. */
int store_fail_msg(store *s, const char *what, const char *msg);

/* Run SQL that returns no rows; 0 or -1 (recorded with what). */
int store_exec(store *s, const char *sql, const char *what);
/* Rolls back the open transaction, if any, leaving the error message as
 * it is: the first error is the one worth reporting. */
void store_rollback(store *s);

/* Check the file is an engine database of a version this engine knows,
 * and in STORE_WRITE mode create or upgrade its schema.  0 or -1. */
int store_schema_open(store *s);

/* Apply the schema steps that take a database from version `from` to
 * version `to` (inside the caller's transaction), then set user_version.
 * The unit tests use it to build an old database. */
int store_schema_migrate(store *s, int from, int to);

/* How long a connection waits for another's lock before giving up. */
enum { STORE_BUSY_MS = 10000 };

/* The VFS writers open the database with (store_vfs.c): the system's, with
 * each commit's writes to the log gathered.  Registered on first use;
 * NULL if that failed (the system VFS is then used as is). */
#define STORE_VFS_NAME "engine-wal"
const char *store_vfs_name(void);

/* The log's length in frames (pages) at which a writer checkpoints it by
 * itself, after a commit.  Measured on bench-store's corpus (2026-11): 32 768
 * (64 MB of log) instead of SQLite's 1 000 cut the store's time by a third. */
enum { STORE_AUTOCHECKPOINT = 32768 };

/* Checkpoints on a thread of their own, started with spawn (store_ckpt.c):
 * a round starts once the log holds `start` frames, and the writer s
 * copies only the `tail` frames or fewer that a round leaves.  NULL when
 * they cannot be (the writer then checkpoints by itself, as before).  Stop
 * them before closing s.  The log grows to about 128 MB between two
 * restarts: each restart costs the writer two syncs (10-20 ms each on the
 * project's VMs), so they are kept rare. */
enum { STORE_CKPT_START = 65536, STORE_CKPT_TAIL = 2048 };
typedef struct store_ckpt store_ckpt;
store_ckpt *store_ckpt_start(store *s, int (*spawn)(pthread_t *t, void *(*fn)(void *),
                                                    void *arg),
                             int start, int tail);
void store_ckpt_stop(store_ckpt *c);

#endif
