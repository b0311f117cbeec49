/*
 * store_schema.c — the store's schema: recognising an engine database,
 * creating it, and upgrading an older one step by step.
 *
 * The schema version is PRAGMA user_version.  Each step below takes a
 * database from version N-1 to N; a database of any earlier version is
 * brought up to date by applying the steps after its version in order, in
 * one transaction, so an upgrade interrupted by a crash leaves the old
 * version intact.  Steps are never edited once released: a change is a new
 * step (and a line in docs/store.md's history).
 */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

typedef struct {
    int to;          /* the version this step produces */
    const char *sql;
} schema_step;

/* Version 1: the initial schema. */
static const char v1_sql[] =
    "CREATE TABLE runs ("
    "  id       INTEGER PRIMARY KEY,"
    "  started  TEXT NOT NULL,"
    "  finished TEXT,"
    "  rules    TEXT NOT NULL);"
    "CREATE TABLE run_packs ("
    "  run     INTEGER NOT NULL REFERENCES runs(id),"
    "  pack    TEXT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  PRIMARY KEY (run, pack)) WITHOUT ROWID;"
    "CREATE TABLE documents ("
    "  doc         TEXT PRIMARY KEY,"
    "  sha256      TEXT NOT NULL,"
    "  publication TEXT,"
    "  date        TEXT,"
    "  run         INTEGER NOT NULL REFERENCES runs(id)) WITHOUT ROWID;"
    "CREATE TABLE facts ("
    "  id           INTEGER PRIMARY KEY,"
    "  doc          TEXT NOT NULL REFERENCES documents(doc),"
    "  run          INTEGER NOT NULL REFERENCES runs(id),"
    "  pack         TEXT NOT NULL,"
    "  rule         TEXT NOT NULL,"
    "  pack_version TEXT NOT NULL,"
    "  kind         TEXT NOT NULL,"
    "  name         TEXT NOT NULL,"
    "  text         TEXT NOT NULL,"
    "  start        INTEGER NOT NULL,"
    "  \"end\"        INTEGER NOT NULL,"
    "  entity       TEXT,"
    "  value        REAL,"
    "  unit         TEXT,"
    "  period       TEXT,"
    "  qualifier    TEXT,"
    "  extra        TEXT);"
    "CREATE INDEX facts_doc_run ON facts(doc, run);"
    "CREATE INDEX facts_entity_name_period ON facts(entity, name, period);"
    "CREATE INDEX facts_name_period ON facts(name, period);"
    "CREATE VIEW latest_facts AS"
    "  SELECT f.* FROM facts f"
    "  JOIN documents d ON d.doc = f.doc AND d.run = f.run;";

/* Version 2: the document's size, and an index for questions by kind
 * (every check, every event). */
static const char v2_sql[] =
    "ALTER TABLE documents ADD COLUMN size INTEGER;"
    "CREATE INDEX facts_kind ON facts(kind);";

/* Version 3: one query index instead of three.  Each index costs every
 * stored fact an entry at a random place in its tree (7 000-10 000
 * instructions per fact, measured with callgrind), as much as the rest of
 * storing it.  (name, entity, period) answers the question analysts ask
 * most, a metric of a company over time (`engine facts --name X --entity
 * Y`), and any question by name; others scan the table, about 0.1 s per
 * 200 000 facts.  Users can add their own indexes (docs/store.md); the
 * engine leaves them alone. */
static const char v3_sql[] =
    "DROP INDEX IF EXISTS facts_entity_name_period;"
    "DROP INDEX IF EXISTS facts_name_period;"
    "DROP INDEX IF EXISTS facts_kind;"
    "CREATE INDEX facts_name_entity_period ON facts(name, entity, period);";

/* Version 4: where each (document, run)'s facts lie, instead of the index
 * facts_doc_run.  A document's facts are inserted in one transaction by
 * one writer, so they take consecutive ids: one row per document and run
 * finds them, where the index cost every fact an entry of its own (about
 * 6 000 instructions, measured with callgrind).  Facts stored before get
 * the range from their (doc, run)'s smallest id to its largest; a range
 * may then hold other documents' facts too, which costs reading them but
 * is harmless, as whoever reads a range checks each fact's doc. */
static const char v4_sql[] =
    "CREATE TABLE doc_runs ("
    "  doc      TEXT NOT NULL,"
    "  run      INTEGER NOT NULL,"
    "  first_id INTEGER NOT NULL,"
    "  last_id  INTEGER NOT NULL,"
    "  PRIMARY KEY (doc, run)) WITHOUT ROWID;"
    "INSERT INTO doc_runs (doc, run, first_id, last_id)"
    "  SELECT doc, run, min(id), max(id) FROM facts GROUP BY doc, run;"
    "DROP INDEX IF EXISTS facts_doc_run;";

static const schema_step steps[] = {
    {1, v1_sql},
    {2, v2_sql},
    {3, v3_sql},
    {4, v4_sql},
};

_Static_assert(sizeof steps / sizeof steps[0] == STORE_VERSION,
               "one schema step per version");

int store_schema_migrate(store *s, int from, int to)
{
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (steps[i].to <= from || steps[i].to > to)
            continue;
        char what[64];
        snprintf(what, sizeof what, "upgrading the schema to version %d", steps[i].to);
        if (store_exec(s, steps[i].sql, what))
            return -1;
    }
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
             STORE_APP_ID, to);
    return store_exec(s, sql, "setting the schema version");
}

/* One integer from a query such as PRAGMA user_version. */
static int query_int(store *s, const char *sql, long long *out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, "reading the schema");
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, "reading the schema");
    return 0;
}

/* The schema version of an engine database; 0 for a new, empty file
 * (which only STORE_WRITE may take). */
static int identify(store *s, int *version)
{
    long long app, ver, objects;
    if (query_int(s, "PRAGMA application_id", &app) ||
        query_int(s, "PRAGMA user_version", &ver) ||
        query_int(s, "SELECT count(*) FROM sqlite_schema", &objects))
        return -1;
    char msg[128];
    if (app == 0 && ver == 0 && objects == 0) {
        if (s->mode == STORE_READ)
            return store_fail_msg(s, "not an engine database", "it is empty");
        *version = 0;
        return 0;
    }
    if (app != STORE_APP_ID || ver < 1) {
        snprintf(msg, sizeof msg, "an SQLite database of another program "
                 "(application_id %lld, user_version %lld)", app, ver);
        return store_fail_msg(s, "not an engine database", msg);
    }
    if (ver > STORE_VERSION) {
        snprintf(msg, sizeof msg, "schema version %lld is newer than this "
                 "engine's (%d); use a newer engine", ver, STORE_VERSION);
        return store_fail_msg(s, "cannot use it", msg);
    }
    *version = (int)ver;
    return 0;
}

/* WAL lets readers work while a run writes; NORMAL synchronisation in WAL
 * mode keeps every commit atomic across a crash of the process (only a
 * power failure may lose the last commits). */
static int set_wal(store *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, "switching to WAL mode");
    int rc = sqlite3_step(st);
    bool wal = rc == SQLITE_ROW &&
               !strcmp((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return store_fail(s, "switching to WAL mode");
    if (!wal)
        return store_fail_msg(s, "switching to WAL mode",
                              "refused (is another program using the file?)");
    /* Measured on bench-store's 75 MB corpus (2026-11, CPU seconds of the
     * whole run): a 2 MB page cache costs least (16 MB: +15%, 128 MB:
     * +75%, 512 KB: +10%). */
    if (store_exec(s, "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2048;",
                   "setting synchronous mode"))
        return -1;
    sqlite3_wal_autocheckpoint(s->db, STORE_AUTOCHECKPOINT);
    return 0;
}

/* Pages of 2 KiB instead of SQLite's 4 KiB, for a new file (SQLite keeps
 * an existing file's): each commit writes every page it changed to the
 * log, checksummed, and a document's facts change one index page each,
 * wherever their names fall.  Measured with callgrind on 2 000 documents
 * (2026-11): storing costs 5% less per fact; reading, 0-2% more. */
static int set_page_size(store *s)
{
    return store_exec(s, "PRAGMA page_size = 2048", "setting the page size");
}

/* Writers take the write lock first, so that two engines creating the same
 * file at once do it one after the other, and a foreign database is
 * recognised before anything is written to it.  An empty file is put in
 * WAL mode first: a writer killed while it creates the schema then leaves
 * only log frames no reader heeds, not a rollback journal that a reader
 * (engine facts, read-only) cannot roll back ("attempt to write a readonly
 * database"). */
static int open_for_writing(store *s)
{
    int version = 0;
    long long pages = 0;
    if (set_page_size(s) || query_int(s, "PRAGMA page_count", &pages) ||
        (pages == 0 && set_wal(s)) ||
        store_exec(s, "BEGIN IMMEDIATE", "locking the database"))
        return -1;
    if (identify(s, &version) ||
        (version < STORE_VERSION && store_schema_migrate(s, version, STORE_VERSION))) {
        store_rollback(s);
        return -1;
    }
    if (store_exec(s, "COMMIT", "writing the schema")) {
        store_rollback(s);
        return -1;
    }
    return set_wal(s);
}

int store_schema_open(store *s)
{
    if (s->mode == STORE_WRITE)
        return open_for_writing(s);
    int version;
    return identify(s, &version);
}
