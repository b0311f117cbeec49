/*
 * test_store.c — the SQLite fact store: the schema it creates, upgrading
 * databases of versions 1, 2 and 3, re-runs that replace and new pack
 * versions that keep history, one transaction per document (also across a
 * real SIGKILL), refusing files that are not engine databases, reading
 * back with filters in period order, and the content hash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "sha256.h"
#include "store_int.h"
#include "store_test.h"

/* One integer from SQL run on a separate, plain connection. */
static long long sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* The indexes someone made (SQLite's automatic ones for keys aside), by
 * name, space-separated. */
static const char *index_names(const char *path, char *buf, size_t cap)
{
    return sql_text(path, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema"
                          " WHERE type = 'index' AND sql IS NOT NULL ORDER BY name)", buf, cap);
}

static store *open_new(const char *name)
{
    char err[STORE_ERR_LEN];
    store *s = store_open(path_for(name), STORE_WRITE, err, sizeof err);
    if (!s)
        fail_msg("%s", err);
    return s;
}

static void begin_run(store *s, const char *version)
{
    store_pack packs[] = {{"common", version}, {"demo", "2.0+cafe"}};
    assert_int_equal(store_run_begin(s, "rules", packs, 2), 0);
}

/* Store doc with n revenue facts from pack `common` at version. */
static void put_doc(store *s, const char *doc, const char *version, int n)
{
    static const char text[] = "商汤营收17.4亿元", evidence[] = "营收17.4亿元";
    store_doc d = {doc, text, sizeof text - 1, sizeof text - 1, "demo", "2024-12-15"};
    fact_field extra[] = {{"change", FACT_NUM, NULL, 21, false},
                          {"segment", FACT_STR, "生成式\"AI\"", 0, false}};
    assert_int_equal(store_doc_begin(s, &d), 0);
    for (int i = 0; i < n; i++) {
        fact f = {doc, "common", "revenue", version, "metric", "revenue",
                  evidence, sizeof evidence - 1, (size_t)i, (size_t)i + 16, "商汤", "CNY",
                  "2024H1", NULL, true, 1740000000.0 + i, extra, 2};
        assert_int_equal(store_doc_fact(s, &f, NULL, 0), 0);
    }
    assert_int_equal(store_doc_commit(s), 0);
}

static int count_row(void *ud, const store_row *r)
{
    (void)r;
    ++*(int *)ud;
    return 0;
}

/* ---- schema ------------------------------------------------------------ */

static void test_schema_created(void **state)
{
    (void)state;
    store *s = open_new("new.db");
    store_close(s);
    const char *p = path_for("new.db");
    assert_int_equal(sql_int(p, "PRAGMA user_version"), STORE_VERSION);
    assert_int_equal(sql_int(p, "PRAGMA application_id"), STORE_APP_ID);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), 1);
    assert_int_equal(sql_int(p, "PRAGMA page_size"), 2048);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                                "('runs', 'run_packs', 'documents', 'facts', 'doc_runs')"), 5);
    /* One index of our own (SQLite's automatic ones for keys aside). */
    char names[96];
    assert_string_equal(index_names(p, names, sizeof names), "facts_name_entity_period");
    assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_schema WHERE name = 'latest_facts'"), 1);
    /* Opening again changes nothing. */
    s = open_new("new.db");
    store_close(s);
    assert_int_equal(sql_int(p, "PRAGMA user_version"), STORE_VERSION);
}

/* A database made by the schema steps up to `version` themselves, holding
 * what sql inserts: an older engine's file. */
static void make_old(const char *path, int version, const char *sql)
{
    store old = {.path = (char *)path, .mode = STORE_WRITE};
    assert_int_equal(sqlite3_open(path, &old.db), SQLITE_OK);
    assert_int_equal(store_schema_migrate(&old, 0, version), 0);
    assert_int_equal(sqlite3_exec(old.db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(old.db);
    assert_int_equal(sql_int(path, "PRAGMA user_version"), version);
}

/* One revenue fact of an older file (the columns every version has). */
#define OLD_FACT(id, doc, run, version) \
    "INSERT INTO facts (id, doc, run, pack, rule, pack_version, kind, name, text, start," \
    " \"end\", entity, value, period) VALUES (" #id ", '" doc "', " #run ", 'common'," \
    " 'revenue', '" version "', 'metric', 'revenue', '营收', 0, 6, '商汤', 5, '2024');"

/* A version-1 database, made by the version-1 step itself, with a run, a
 * document and a fact in it, is upgraded in place and keeps its data. */
static void test_migrate_from_v1(void **state)
{
    (void)state;
    const char *p = path_for("v1.db");
    make_old(p, 1,
        "INSERT INTO runs VALUES (1, '2024-01-01T00:00:00Z', NULL, 'rules');"
        "INSERT INTO run_packs VALUES (1, 'common', '1.0+aaaa');"
        "INSERT INTO documents VALUES ('a.txt', 'abc', NULL, '2024-12-15', 1);"
        OLD_FACT(1, "a.txt", 1, "1.0+aaaa"));
    assert_int_equal(sql_int(p, "SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'size'"), 0);

    /* Reading does not upgrade, and reads version 1 as it is. */
    char err[STORE_ERR_LEN];
    store *s = store_open(p, STORE_READ, err, sizeof err);
    assert_non_null(s);
    store_filter all = {0};
    int n = 0;
    assert_int_equal(store_query(s, &all, count_row, &n), 0);
    assert_int_equal(n, 1);
    store_close(s);
    assert_int_equal(sql_int(p, "PRAGMA user_version"), 1);

    s = open_new("v1.db");
    store_close(s);
    assert_int_equal(sql_int(p, "PRAGMA user_version"), STORE_VERSION);
    assert_int_equal(sql_int(p, "PRAGMA page_size"), 4096); /* an upgrade keeps it */
    assert_int_equal(sql_int(p, "SELECT count(*) FROM pragma_table_info('documents') WHERE name = 'size'"), 1);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_schema WHERE name = 'facts_kind'"), 0);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM documents WHERE doc = 'a.txt' AND size IS NULL"), 1);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM latest_facts WHERE entity = '商汤'"), 1);
}

/* A version-2 database (steps 1 and 2) trades its three query indexes for
 * version 3's one, keeps its facts and an index a user added, and still
 * replaces a re-run document's facts. */
static void test_migrate_from_v2(void **state)
{
    (void)state;
    const char *p = path_for("v2.db");
    make_old(p, 2,
        "INSERT INTO runs VALUES (1, '2024-01-01T00:00:00Z', NULL, 'rules');"
        "INSERT INTO run_packs VALUES (1, 'common', '1.0+aaaa');"
        "INSERT INTO documents VALUES ('a.txt', 'abc', NULL, '2024-12-15', 1, 10);"
        OLD_FACT(1, "a.txt", 1, "1.0+aaaa")
        "CREATE INDEX mine ON facts(unit);");
    assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"), 5);

    store *s = open_new("v2.db");
    assert_int_equal(sql_int(p, "PRAGMA user_version"), STORE_VERSION);
    char buf[96];
    assert_string_equal(index_names(p, buf, sizeof buf), "facts_name_entity_period mine");
    assert_int_equal(sql_int(p, "SELECT count(*) FROM latest_facts WHERE entity = '商汤'"), 1);
    /* The same pack version again: the old fact is replaced. */
    store_pack packs[] = {{"common", "1.0+aaaa"}};
    assert_int_equal(store_run_begin(s, "rules", packs, 1), 0);
    put_doc(s, "a.txt", "1.0+aaaa", 2);
    store_close(s);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE doc = 'a.txt'"), 2);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE run = 1"), 0);
}

/* A version-3 database whose facts of one (doc, run) are not all
 * consecutive (b.txt's fact lies between two of a.txt's) gets its id
 * ranges recorded; a re-run then replaces a.txt's facts of the same pack
 * version, keeps the older version's and leaves b.txt's alone. */
static void test_migrate_from_v3(void **state)
{
    (void)state;
    const char *p = path_for("v3.db");
    make_old(p, 3,
        "INSERT INTO runs VALUES (1, '2024-01-01T00:00:00Z', NULL, 'rules');"
        "INSERT INTO runs VALUES (2, '2024-01-02T00:00:00Z', NULL, 'rules');"
        "INSERT INTO run_packs VALUES (1, 'common', '0.9+0000');"
        "INSERT INTO run_packs VALUES (2, 'common', '1.0+aaaa');"
        "INSERT INTO documents VALUES ('a.txt', 'abc', NULL, NULL, 2, 10);"
        "INSERT INTO documents VALUES ('b.txt', 'abc', NULL, NULL, 2, 10);"
        OLD_FACT(1, "a.txt", 1, "0.9+0000")
        OLD_FACT(2, "a.txt", 2, "1.0+aaaa")
        OLD_FACT(3, "b.txt", 2, "1.0+aaaa")
        OLD_FACT(4, "a.txt", 2, "1.0+aaaa"));
    assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_schema WHERE name = 'facts_doc_run'"), 1);

    store *s = open_new("v3.db");
    assert_int_equal(sql_int(p, "PRAGMA user_version"), STORE_VERSION);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM sqlite_schema WHERE name = 'facts_doc_run'"), 0);
    char buf[96];
    assert_string_equal(sql_text(p, "SELECT group_concat(doc || ' ' || run || ' ' || first_id || '-' || last_id, ', ')"
                                    " FROM doc_runs", buf, sizeof buf),
                        "a.txt 1 1-1, a.txt 2 2-4, b.txt 2 3-3");
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts"), 4);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM latest_facts"), 3);

    store_pack packs[] = {{"common", "1.0+aaaa"}};
    assert_int_equal(store_run_begin(s, "rules", packs, 1), 0);
    put_doc(s, "a.txt", "1.0+aaaa", 1);
    store_close(s);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE doc = 'a.txt' AND run = 3"), 1);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE doc = 'a.txt' AND run = 2"), 0);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE doc = 'a.txt' AND run = 1"), 1);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE doc = 'b.txt'"), 1);
    /* The emptied range is gone; b.txt's and the history's stay. */
    assert_string_equal(sql_text(p, "SELECT group_concat(doc || ' ' || run, ', ') FROM doc_runs",
                                 buf, sizeof buf), "a.txt 1, a.txt 3, b.txt 2");
}

/* ---- re-runs and pack versions ----------------------------------------- */

static void test_rerun_replaces(void **state)
{
    (void)state;
    const char *p = path_for("rerun.db");
    for (int run = 0; run < 3; run++) {
        store *s = open_new("rerun.db");
        begin_run(s, "1.0+aaaa");
        put_doc(s, "a.txt", "1.0+aaaa", 3);
        put_doc(s, "b.txt", "1.0+aaaa", 2);
        assert_int_equal(store_run_end(s), 0);
        store_close(s);
    }
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts"), 5);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE run = 3"), 5);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM documents"), 2);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM runs WHERE finished IS NOT NULL"), 3);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM run_packs WHERE run = 3"), 2);
    /* The ranges of the replaced runs are dropped with their facts. */
    assert_int_equal(sql_int(p, "SELECT count(*) FROM doc_runs WHERE run = 3"), 2);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM doc_runs"), 2);

    /* The same document twice in one run: the second replaces the first. */
    store *s = open_new("rerun.db");
    begin_run(s, "1.0+aaaa");
    put_doc(s, "a.txt", "1.0+aaaa", 3);
    put_doc(s, "a.txt", "1.0+aaaa", 2);
    store_close(s);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE doc = 'a.txt'"), 2);
    char buf[64];
    assert_string_equal(sql_text(p, "SELECT group_concat(run || ' ' || (last_id - first_id + 1))"
                                    " FROM doc_runs WHERE doc = 'a.txt'", buf, sizeof buf), "4 2");
}

static int query_count(store *s, const char *name, bool all_runs)
{
    store_filter flt = {.name = name, .all_runs = all_runs};
    int n = 0;
    assert_int_equal(store_query(s, &flt, count_row, &n), 0);
    return n;
}

static void test_new_version_keeps_both(void **state)
{
    (void)state;
    const char *p = path_for("versions.db");
    store *s = open_new("versions.db");
    begin_run(s, "1.0+aaaa");
    put_doc(s, "a.txt", "1.0+aaaa", 3);
    store_close(s);
    s = open_new("versions.db");
    begin_run(s, "1.1+bbbb");
    put_doc(s, "a.txt", "1.1+bbbb", 2);
    store_close(s);

    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts"), 5);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE run = 1 AND pack_version = '1.0+aaaa'"), 3);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE run = 2 AND pack_version = '1.1+bbbb'"), 2);
    char err[STORE_ERR_LEN];
    s = store_open(p, STORE_READ, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(query_count(s, "revenue", false), 2); /* the latest run only */
    assert_int_equal(query_count(s, "revenue", true), 5);
    store_close(s);

    /* The old version again: its facts are replaced, the newer ones stay. */
    s = open_new("versions.db");
    begin_run(s, "1.0+aaaa");
    put_doc(s, "a.txt", "1.0+aaaa", 3);
    store_close(s);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts"), 5);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE run = 3"), 3);
}

/* Store f in doc, its extra fields taken from the line fact_write_json
 * printed (as `engine run` does), or written by the store (NULL). */
static void put_extra(store *s, const char *doc, const fact *f, bool printed)
{
    store_doc d = {doc, doc, strlen(doc), strlen(doc), NULL, NULL};
    json_writer w;
    json_writer_init(&w, NULL); /* a memory buffer: never flushed */
    size_t at = fact_write_json(&w, f);
    assert_int_equal(store_doc_begin(s, &d), 0);
    assert_int_equal(store_doc_fact(s, f, printed ? w.buf + at + 1 : NULL,
                                    printed ? w.len - at - 3 : 0), 0);
    assert_int_equal(store_doc_commit(s), 0);
    free(w.buf);
}

/* The printer's text of the extra fields is stored as the store would
 * have written it, a key that must be escaped included. */
static void test_extra_from_printed_line(void **state)
{
    (void)state;
    const char *p = path_for("extra.db");
    store *s = open_new("extra.db");
    begin_run(s, "1.0+aaaa");
    fact_field extra[] = {{"change", FACT_NUM, NULL, 0.1 + 0.2, false},
                          {"from", FACT_JSON, "[{\"name\":\"x\"}]", 0, false},
                          {"ok", FACT_BOOL, NULL, 0, true},
                          {"segment", FACT_STR, "生成式\"AI\"\n", 0, false}};
    fact f = {"x", "common", "r", "1.0+aaaa", "metric", "revenue", "t", 1, 0, 1, NULL,
              NULL, NULL, NULL, false, 0, extra, 4};
    put_extra(s, "printed", &f, true);
    put_extra(s, "own", &f, false);
    fact_field odd[] = {{"a\"b", FACT_NUM, NULL, 1, false}};
    fact g = f;
    g.extra = odd;
    g.nextra = 1;
    put_extra(s, "odd", &g, true);
    store_close(s);
    char a[256], b[256];
    sql_text(p, "SELECT extra FROM facts WHERE doc = 'printed'", a, sizeof a);
    sql_text(p, "SELECT extra FROM facts WHERE doc = 'own'", b, sizeof b);
    assert_string_equal(a, b);
    assert_int_equal(sql_int(p, "SELECT json_extract(extra, '$.segment') = '生成式\"AI\"' || char(10)"
                                " FROM facts WHERE doc = 'printed'"), 1);
    assert_int_equal(sql_int(p, "SELECT json_extract(extra, '$.change') = 0.1 + 0.2"
                                " FROM facts WHERE doc = 'printed'"), 1);
    assert_string_equal(sql_text(p, "SELECT extra FROM facts WHERE doc = 'odd'", a, sizeof a),
                        "{\"a\\\"b\":1}");
}

/* ---- one transaction per document --------------------------------------- */

static void test_transaction_per_document(void **state)
{
    (void)state;
    const char *p = path_for("txn.db");
    store *s = open_new("txn.db");
    begin_run(s, "1.0+aaaa");
    put_doc(s, "a.txt", "1.0+aaaa", 2);

    /* A document in flight is invisible to a reader, and dropped whole. */
    store_doc d = {"b.txt", "x", 1, 1, NULL, NULL};
    fact f = {"b.txt", "common", "revenue", "1.0+aaaa", "metric", "revenue", "x", 1,
              0, 1, NULL, NULL, NULL, NULL, false, 0, NULL, 0};
    assert_int_equal(store_doc_begin(s, &d), 0);
    assert_int_equal(store_doc_fact(s, &f, NULL, 0), 0);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts"), 2);
    store_doc_abort(s);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM documents WHERE doc = 'b.txt'"), 0);

    /* A fact that cannot be stored fails the whole document at commit. */
    assert_int_equal(store_doc_begin(s, &d), 0);
    assert_int_equal(store_doc_fact(s, &f, NULL, 0), 0);
    fact bad = f;
    bad.kind = NULL; /* NOT NULL column */
    assert_int_equal(store_doc_fact(s, &bad, NULL, 0), -1);
    assert_int_equal(store_doc_fact(s, &f, NULL, 0), -1); /* later facts ignored */
    assert_int_equal(store_doc_commit(s), -1);
    assert_non_null(strstr(store_error(s), "txn.db: storing b.txt: "));
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE doc = 'b.txt'"), 0);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM documents WHERE doc = 'b.txt'"), 0);

    /* The store goes on with the next document. */
    put_doc(s, "c.txt", "1.0+aaaa", 1);
    store_close(s);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts"), 3);
}

/* A process killed in the middle of a document: the documents committed
 * before are whole, the one in flight is not there at all. */
static void test_sigkill_mid_document(void **state)
{
    (void)state;
    const char *p = path_for("kill.db");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char err[STORE_ERR_LEN];
        store *s = store_open(p, STORE_WRITE, err, sizeof err);
        store_pack pack = {"common", "1.0+aaaa"};
        if (!s || store_run_begin(s, "rules", &pack, 1))
            _exit(1);
        for (int i = 0; i < 50; i++) {
            char name[16];
            snprintf(name, sizeof name, "d%d", i);
            store_doc d = {name, "x", 1, 1, NULL, NULL};
            fact f = {name, "common", "r", "1.0+aaaa", "metric", "revenue", "x", 1,
                      0, 1, NULL, NULL, NULL, NULL, false, 0, NULL, 0};
            store_doc_begin(s, &d);
            for (int k = 0; k < 100; k++)
                store_doc_fact(s, &f, NULL, 0);
            if (i == 49)
                kill(getpid(), SIGKILL); /* in flight: 100 facts written, no commit */
            store_doc_commit(s);
        }
        _exit(1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    char buf[64];
    assert_string_equal(sql_text(p, "PRAGMA integrity_check", buf, sizeof buf), "ok");
    assert_int_equal(sql_int(p, "SELECT count(*) FROM documents"), 49);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts"), 49 * 100);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM (SELECT doc FROM facts GROUP BY doc"
                                " HAVING count(*) <> 100)"), 0);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM doc_runs WHERE last_id - first_id = 99"), 49);
    /* And the database takes the next run. */
    store *s = open_new("kill.db");
    begin_run(s, "1.0+aaaa");
    put_doc(s, "d49", "1.0+aaaa", 1);
    store_close(s);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM documents"), 50);
}

/* ---- refusing what is not ours ------------------------------------------ */

static void expect_refused(const char *path, store_mode mode, const char *words)
{
    char err[STORE_ERR_LEN];
    store *s = store_open(path, mode, err, sizeof err);
    assert_null(s);
    if (!strstr(err, words) || strncmp(err, path, strlen(path)))
        fail_msg("wanted \"%s\" after the path, got \"%s\"", words, err);
}

static void test_not_an_engine_database(void **state)
{
    (void)state;
    expect_refused(path_for("missing.db"), STORE_READ, "No such file");
    expect_refused(tmpdir, STORE_WRITE, "is a folder");

    const char *text = path_for("notes.txt");
    FILE *fp = fopen(text, "w");
    fputs("these are not the facts you are looking for\n", fp);
    fclose(fp);
    expect_refused(text, STORE_WRITE, "not an engine database");
    expect_refused(text, STORE_READ, "not an engine database");

    const char *foreign = path_for("foreign.db");
    sqlite3 *db;
    assert_int_equal(sqlite3_open(foreign, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    expect_refused(foreign, STORE_WRITE, "not an engine database");
    expect_refused(foreign, STORE_READ, "not an engine database");
    assert_int_equal(sql_int(foreign, "PRAGMA application_id"), 0); /* untouched */

    const char *empty = path_for("empty.db");
    fclose(fopen(empty, "w"));
    expect_refused(empty, STORE_READ, "not an engine database");

    const char *newer = path_for("newer.db");
    store_close(open_new("newer.db"));
    assert_int_equal(sqlite3_open(newer, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    expect_refused(newer, STORE_WRITE, "newer than this engine's");
    expect_refused(newer, STORE_READ, "newer than this engine's");
}

/* ---- reading back -------------------------------------------------------- */

typedef struct {
    char periods[8][16];
    char extra[128];
    int n;
} seen;

static int collect(void *ud, const store_row *r)
{
    seen *k = ud;
    if (k->n < 8)
        snprintf(k->periods[k->n], sizeof k->periods[0], "%s", r->f.period ? r->f.period : "-");
    if (r->extra)
        snprintf(k->extra, sizeof k->extra, "%s", r->extra);
    k->n++;
    return 0;
}

static void put_period(store *s, const char *doc, const char *name, const char *entity,
                       const char *period)
{
    store_doc d = {doc, doc, strlen(doc), strlen(doc), NULL, NULL};
    fact f = {doc, "common", "r", "1.0+aaaa", "metric", name, "t", 1, 0, 1, entity,
              NULL, period, NULL, true, 1, NULL, 0};
    assert_int_equal(store_doc_begin(s, &d), 0);
    assert_int_equal(store_doc_fact(s, &f, NULL, 0), 0);
    assert_int_equal(store_doc_commit(s), 0);
}

static void test_query_filters_in_period_order(void **state)
{
    (void)state;
    store *s = open_new("query.db");
    begin_run(s, "1.0+aaaa");
    static const char *const periods[] = {"2024", NULL, "2024H1", "2023", "2024Q1",
                                          "2018/2023", "2024-01"};
    for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++) {
        char doc[16];
        snprintf(doc, sizeof doc, "p%zu", i);
        put_period(s, doc, "rd_to_revenue", "商汤", periods[i]);
    }
    put_period(s, "other", "rd_to_revenue", "阿里巴巴", "2024");
    put_period(s, "rev", "revenue", "商汤", "2024");
    put_doc(s, "x.txt", "1.0+aaaa", 1);
    store_close(s);

    char err[STORE_ERR_LEN];
    s = store_open(path_for("query.db"), STORE_READ, err, sizeof err);
    assert_non_null(s);
    seen k = {0};
    store_filter flt = {.entity = "商汤", .name = "rd_to_revenue"};
    assert_int_equal(store_query(s, &flt, collect, &k), 0);
    assert_int_equal(k.n, 7);
    static const char *const want[] = {"2018/2023", "2023", "2024-01", "2024Q1",
                                       "2024H1", "2024", "-"};
    for (int i = 0; i < 7; i++)
        assert_string_equal(k.periods[i], want[i]);

    memset(&k, 0, sizeof k);
    store_filter by_period = {.kind = "metric", .period = "2024"};
    assert_int_equal(store_query(s, &by_period, collect, &k), 0);
    assert_int_equal(k.n, 3);

    memset(&k, 0, sizeof k);
    store_filter by_extra = {.period = "2024H1", .name = "revenue"};
    assert_int_equal(store_query(s, &by_extra, collect, &k), 0);
    assert_int_equal(k.n, 1);
    assert_string_equal(k.extra, "{\"change\":21,\"segment\":\"生成式\\\"AI\\\"\"}");
    store_close(s);
}

static void test_period_key(void **state)
{
    (void)state;
    char a[48], b[48];
    static const char *const ordered[] = {"2018/2023", "2023", "2024-01", "2024Q1",
                                          "2024H1", "2024Q1/2024Q3", "2024", "2024-01-05",
                                          "2024-02", "2024H2", "someday"};
    for (size_t i = 0; i + 1 < sizeof ordered / sizeof ordered[0]; i++) {
        store_period_key(ordered[i], a, sizeof a);
        store_period_key(ordered[i + 1], b, sizeof b);
        if (strcmp(a, b) >= 0)
            fail_msg("%s (%s) should sort before %s (%s)", ordered[i], a, ordered[i + 1], b);
    }
}

static void test_sha256(void **state)
{
    (void)state;
    char hex[65];
    sha256_hex_of("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex_of("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex_of(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    sha256_hex_of(million, 1000000, hex);
    free(million);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_created),
        cmocka_unit_test(test_migrate_from_v1),
        cmocka_unit_test(test_migrate_from_v2),
        cmocka_unit_test(test_migrate_from_v3),
        cmocka_unit_test(test_rerun_replaces),
        cmocka_unit_test(test_new_version_keeps_both),
        cmocka_unit_test(test_extra_from_printed_line),
        cmocka_unit_test(test_transaction_per_document),
        cmocka_unit_test(test_sigkill_mid_document),
        cmocka_unit_test(test_not_an_engine_database),
        cmocka_unit_test(test_query_filters_in_period_order),
        cmocka_unit_test(test_period_key),
        cmocka_unit_test(test_sha256),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
