/*
 * store.c — opening the fact store and writing runs, documents and facts
 * into it (store.h).  The schema lives in store_schema.c, reading in
 * store_read.c, and the layer that gathers each commit's writes in
 * store_vfs.c; documents are hashed with sha256.c.
 *
 * The statements a run repeats per document and per fact are prepared once
 * when the store opens; each document is one transaction, begun with
 * BEGIN IMMEDIATE so that a second writer waits for the lock (busy timeout)
 * instead of failing halfway through a document.
 */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sha256.h"
#include "store_int.h"

/* ---- errors and small helpers -------------------------------------------- */

int store_fail_msg(store *s, const char *what, const char *msg)
{
    snprintf(s->err, sizeof s->err, "%s: %s: %s", s->path, what, msg);
    return -1;
}

int store_fail(store *s, const char *what)
{
    /* SQLite's own words for a file that is not a database are "file is
     * not a database", which reads oddly after the file's name. */
    if (sqlite3_errcode(s->db) == SQLITE_NOTADB)
        return store_fail_msg(s, "not an engine database", "not an SQLite file");
    return store_fail_msg(s, what, sqlite3_errmsg(s->db));
}

const char *store_error(const store *s) { return s->err; }

int store_exec(store *s, const char *sql, const char *what)
{
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : store_fail(s, what);
}

/* Step a statement that returns no rows, then make it ready for reuse
 * (bindings cleared: they point into memory that is only borrowed). */
static int run_stmt(store *s, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    int out = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_fail(s, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return out;
}

/* Step a statement of the document in flight that returns no rows and
 * reset it, keeping its bindings for the next time round. */
static int run_again(store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    int out = rc == SQLITE_DONE ? 0 : store_fail(s, s->doc_what);
    sqlite3_reset(st);
    return out;
}

/* The length is given: SQLite would otherwise count the bytes itself, one
 * at a time. */
static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
    return v ? sqlite3_bind_text(st, i, v, (int)strlen(v), SQLITE_STATIC)
             : sqlite3_bind_null(st, i);
}

void store_rollback(store *s)
{
    if (sqlite3_get_autocommit(s->db)) /* an error has rolled back already */
        return;
    if (s->rollback) {
        sqlite3_step(s->rollback);
        sqlite3_reset(s->rollback);
    } else {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
}

/* ---- opening and closing ------------------------------------------------- */

/* Say what is wrong with the path in words better than SQLite's "unable to
 * open database file". */
static int check_path(store *s)
{
    struct stat st;
    if (stat(s->path, &st) != 0) {
        if (errno == ENOENT && s->mode == STORE_WRITE)
            return 0;
        return store_fail_msg(s, "cannot open", strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return store_fail_msg(s, "cannot open", "is a folder");
    return 0;
}

/* SQLite keeps memory statistics under a global mutex taken on every
 * allocation; the engine never reads them.  The setting only takes before
 * SQLite's first use (later it is refused, harmlessly), hence once. */
static void configure_sqlite(void)
{
    static bool done;
    if (!done) {
        done = true;
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    }
}

static int connect_db(store *s)
{
    configure_sqlite();
    /* One thread uses a connection: it needs no mutex of its own. */
    int flags = SQLITE_OPEN_NOMUTEX |
                (s->mode == STORE_READ ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const char *vfs = s->mode == STORE_WRITE ? store_vfs_name() : NULL;
    if (sqlite3_open_v2(s->path, &s->db, flags, vfs) != SQLITE_OK)
        return s->db ? store_fail(s, "cannot open")
                     : store_fail_msg(s, "cannot open", "out of memory");
    /* A reader waits while a writer checkpoints; a writer waits for
     * another writer's document to commit. */
    sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
    return 0;
}

static const char upsert_doc_sql[] =
    "INSERT INTO documents (doc, sha256, publication, date, size, run)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT (doc) DO UPDATE SET sha256 = excluded.sha256,"
    " publication = excluded.publication, date = excluded.date,"
    " size = excluded.size, run = excluded.run";

/* Re-running a document with the same pack versions replaces what those
 * versions said about it; other versions' facts are history and stay.
 * The document's facts are found through the id ranges of doc_runs, one
 * per earlier run, read first; the doc is checked too, as a range recorded
 * by a schema upgrade may hold other documents' facts.  (One DELETE with a
 * subquery over the ranges costs every document, new ones too, a temporary
 * table of ids: 25 000 instructions, measured with callgrind.) */
static const char find_ranges_sql[] =
    "SELECT first_id, last_id FROM doc_runs WHERE doc = ?1";

static const char delete_old_sql[] =
    "DELETE FROM facts WHERE id BETWEEN ?2 AND ?3 AND doc = ?1 AND (pack, pack_version) IN"
    " (SELECT pack, version FROM run_packs WHERE run = ?4)";

/* A range whose facts are all gone would otherwise stay for good, and be
 * read at each later run of the document. */
static const char drop_ranges_sql[] =
    "DELETE FROM doc_runs WHERE doc = ?1 AND NOT EXISTS (SELECT 1 FROM facts f"
    " WHERE f.id BETWEEN first_id AND last_id AND f.doc = ?1)";

/* A document stored twice in one run (the same id twice in the input) has
 * its first facts replaced above; merging keeps the range right even so. */
static const char put_range_sql[] =
    "INSERT INTO doc_runs (doc, run, first_id, last_id) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (doc, run) DO UPDATE SET first_id = min(first_id, excluded.first_id),"
    " last_id = max(last_id, excluded.last_id)";

static const char insert_fact_sql[] =
    "INSERT INTO facts (doc, run, pack, rule, pack_version, kind, name, text,"
    " start, \"end\", entity, value, unit, period, qualifier, extra)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";

static int prepare(store *s, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
        return store_fail(s, "preparing a statement");
    return 0;
}

static int prepare_writes(store *s)
{
    return prepare(s, "BEGIN IMMEDIATE", &s->begin) ||
           prepare(s, "COMMIT", &s->commit) ||
           prepare(s, "ROLLBACK", &s->rollback) ||
           prepare(s, upsert_doc_sql, &s->upsert_doc) ||
           prepare(s, find_ranges_sql, &s->find_ranges) ||
           prepare(s, delete_old_sql, &s->delete_old) ||
           prepare(s, drop_ranges_sql, &s->drop_ranges) ||
           prepare(s, insert_fact_sql, &s->insert_fact) ||
           prepare(s, put_range_sql, &s->put_range) ? -1 : 0;
}

store *store_open(const char *path, store_mode mode, char *err, size_t errcap)
{
    store *s = calloc(1, sizeof *s);
    if (!s || !(s->path = strdup(path))) {
        snprintf(err, errcap, "%s: out of memory", path);
        free(s);
        return NULL;
    }
    s->mode = mode;
    json_writer_init(&s->extra, NULL); /* used as a memory buffer only */
    if (check_path(s) || connect_db(s) || store_schema_open(s) ||
        (mode == STORE_WRITE && prepare_writes(s))) {
        snprintf(err, errcap, "%s", s->err);
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(store *s)
{
    if (!s)
        return;
    if (s->db) {
        store_doc_abort(s);
        sqlite3_stmt *all[] = {s->begin, s->commit, s->rollback,
                               s->upsert_doc, s->find_ranges, s->delete_old,
                               s->drop_ranges,
                               s->insert_fact, s->put_range};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
            sqlite3_finalize(all[i]);
        sqlite3_close(s->db);
    }
    free(s->extra.buf); /* never flushed: it has no FILE */
    free(s->doc);
    free(s->path);
    free(s);
}

/* ---- runs ---------------------------------------------------------------- */

static int insert_run(store *s, const char *rules)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO runs (started, rules) VALUES"
                           " (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1)",
                           -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, "recording the run");
    int rc = bind_text(st, 1, rules) ? store_fail(s, "recording the run")
                                     : run_stmt(s, st, "recording the run");
    sqlite3_finalize(st);
    s->run = sqlite3_last_insert_rowid(s->db);
    return rc;
}

static int insert_packs(store *s, const store_pack *packs, size_t n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT INTO run_packs (run, pack, version)"
                           " VALUES (?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, "recording the packs");
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (sqlite3_bind_int64(st, 1, s->run) | bind_text(st, 2, packs[i].name) |
            bind_text(st, 3, packs[i].version))
            rc = store_fail(s, "recording the packs");
        else
            rc = run_stmt(s, st, "recording the packs");
    }
    sqlite3_finalize(st);
    return rc;
}

int store_run_begin(store *s, const char *rules, const store_pack *packs,
                    size_t npacks)
{
    if (run_stmt(s, s->begin, "recording the run"))
        return -1;
    if (insert_run(s, rules) || insert_packs(s, packs, npacks) ||
        run_stmt(s, s->commit, "recording the run")) {
        store_rollback(s);
        s->run = 0;
        return -1;
    }
    return 0;
}

int store_run_end(store *s)
{
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE runs SET finished = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ',"
             " 'now') WHERE id = %lld", s->run);
    return store_exec(s, sql, "finishing the run");
}

/* ---- documents and facts ------------------------------------------------- */

static int doc_fail(store *s)
{
    store_rollback(s);
    s->in_doc = false;
    return -1;
}

/* Drop the facts the current run's pack versions made of the document
 * before (in each of its ranges), then the ranges that leaves empty (only
 * a deletion can).  The ranges are read as the deletions go: they are in
 * another table. */
static int delete_old(store *s)
{
    sqlite3_stmt *find = s->find_ranges, *del = s->delete_old, *drop = s->drop_ranges;
    if (bind_text(find, 1, s->doc) | bind_text(del, 1, s->doc) |
        sqlite3_bind_int64(del, 4, s->run))
        return store_fail(s, s->doc_what);
    int rc = 0, step;
    bool deleted = false;
    while (!rc && (step = sqlite3_step(find)) == SQLITE_ROW) {
        if (sqlite3_bind_int64(del, 2, sqlite3_column_int64(find, 0)) |
            sqlite3_bind_int64(del, 3, sqlite3_column_int64(find, 1)))
            rc = store_fail(s, s->doc_what);
        else if (!(rc = run_again(s, del)))
            deleted |= sqlite3_changes(s->db) > 0;
    }
    if (!rc && step != SQLITE_DONE)
        rc = store_fail(s, s->doc_what);
    sqlite3_reset(find);
    sqlite3_clear_bindings(find);
    sqlite3_clear_bindings(del);
    if (rc || !deleted)
        return rc;
    if (bind_text(drop, 1, s->doc))
        return store_fail(s, s->doc_what);
    return run_stmt(s, drop, s->doc_what);
}

int store_doc_begin(store *s, const store_doc *d)
{
    store_doc_abort(s);
    snprintf(s->doc_what, sizeof s->doc_what, "storing %s", d->name);
    if (!s->run)
        return store_fail_msg(s, s->doc_what, "no run recorded");
    free(s->doc);
    if (!(s->doc = strdup(d->name)))
        return store_fail_msg(s, s->doc_what, "out of memory");
    char hash[65];
    sha256_hex_of(d->bytes, d->len, hash);
    if (run_stmt(s, s->begin, s->doc_what))
        return -1;
    s->in_doc = true;
    s->doc_failed = false;
    s->first_id = s->last_id = 0;
    sqlite3_stmt *u = s->upsert_doc;
    int bad = bind_text(u, 1, s->doc) | bind_text(u, 2, hash) |
              bind_text(u, 3, d->publication) | bind_text(u, 4, d->date) |
              sqlite3_bind_int64(u, 5, (sqlite3_int64)d->size) |
              sqlite3_bind_int64(u, 6, s->run);
    if (bad ? store_fail(s, s->doc_what) : run_stmt(s, u, s->doc_what))
        return doc_fail(s);
    if (delete_old(s))
        return doc_fail(s);
    /* The same for each of its facts: bound once, until the commit. */
    sqlite3_stmt *ins = s->insert_fact;
    if (bind_text(ins, 1, s->doc) |
        sqlite3_bind_int64(ins, 2, s->run)) {
        store_fail(s, s->doc_what);
        return doc_fail(s);
    }
    return 0;
}

/* The extra fields as one JSON object (sorted by key, as the runtime hands
 * them over), so that SQL can reach them with json_extract(extra,
 * '$.segment'): the printer's members when the fact was printed
 * (formatting numbers is most of the work), else written now. */
static const char *extra_json(store *s, const fact *f, const char *printed,
                              size_t plen, int *len)
{
    json_writer *w = &s->extra;
    w->len = 0;
    json_raw(w, "{", 1);
    if (printed) {
        json_raw(w, printed, plen);
    } else {
        w->first = true;
        fact_write_extras(w, f);
    }
    json_raw(w, "}", 1);
    *len = (int)w->len;
    return w->failed ? NULL : w->buf;
}

static int bind_fact(store *s, sqlite3_stmt *st, const fact *f, const char *printed,
                     size_t plen)
{
    int rc = bind_text(st, 3, f->pack) | bind_text(st, 4, f->rule) |
             bind_text(st, 5, f->pack_version) | bind_text(st, 6, f->kind) |
             bind_text(st, 7, f->name) |
             sqlite3_bind_text(st, 8, f->text, (int)f->text_len, SQLITE_STATIC) |
             sqlite3_bind_int64(st, 9, (sqlite3_int64)f->start) |
             sqlite3_bind_int64(st, 10, (sqlite3_int64)f->end) |
             bind_text(st, 11, f->entity) | bind_text(st, 13, f->unit) |
             bind_text(st, 14, f->period) | bind_text(st, 15, f->qualifier);
    rc |= f->has_value ? sqlite3_bind_double(st, 12, f->value) : sqlite3_bind_null(st, 12);
    if (f->nextra) {
        int len;
        const char *json = extra_json(s, f, printed, plen, &len);
        if (!json)
            return store_fail_msg(s, s->doc_what, "out of memory");
        rc |= sqlite3_bind_text(st, 16, json, len, SQLITE_STATIC);
    } else {
        rc |= sqlite3_bind_null(st, 16);
    }
    return rc ? store_fail(s, s->doc_what) : 0;
}

/* The smallest and largest id of the document's facts: consecutive in
 * practice, but SQLite picks ids at random once the largest is taken. */
static void note_id(store *s, long long id)
{
    if (!s->first_id || id < s->first_id)
        s->first_id = id;
    if (id > s->last_id)
        s->last_id = id;
}

/* Every parameter but the document's is bound anew for each fact, so the
 * bindings are not cleared between facts (run_stmt would); they are
 * cleared at commit. */
int store_doc_fact(store *s, const fact *f, const char *extra, size_t extra_len)
{
    if (!s->in_doc || s->doc_failed)
        return -1;
    sqlite3_stmt *st = s->insert_fact;
    int rc = bind_fact(s, st, f, extra, extra_len);
    if (!rc) {
        int step = sqlite3_step(st);
        rc = step == SQLITE_DONE ? 0 : store_fail(s, s->doc_what);
    }
    if (!rc)
        note_id(s, sqlite3_last_insert_rowid(s->db));
    sqlite3_reset(st);
    if (rc) {
        sqlite3_clear_bindings(st);
        s->doc_failed = true;
    }
    return rc;
}

/* Where the document's facts lie (nothing to record without facts). */
static int put_range(store *s)
{
    if (!s->first_id)
        return 0;
    sqlite3_stmt *st = s->put_range;
    if (bind_text(st, 1, s->doc) | sqlite3_bind_int64(st, 2, s->run) |
        sqlite3_bind_int64(st, 3, s->first_id) | sqlite3_bind_int64(st, 4, s->last_id))
        return store_fail(s, s->doc_what);
    return run_stmt(s, st, s->doc_what);
}

int store_doc_commit(store *s)
{
    if (!s->in_doc)
        return store_fail_msg(s, s->doc_what, "no document in flight");
    sqlite3_clear_bindings(s->insert_fact); /* they point into the last fact */
    if (s->doc_failed || put_range(s) || run_stmt(s, s->commit, s->doc_what))
        return doc_fail(s);
    s->in_doc = false;
    return 0;
}

void store_doc_abort(store *s)
{
    if (s->in_doc) {
        sqlite3_clear_bindings(s->insert_fact);
        store_rollback(s);
        s->in_doc = false;
    }
}
