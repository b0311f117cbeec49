/*
 * test_store_writer.c — the store's writes on their own thread: what is
 * queued arrives whole (every field, the extra fields printed or not, the
 * hash), the caller's memory may go as soon as a call returns, a document
 * that fails to store is reported once by a later call and names itself
 * (and counts those that failed after it before the report), an aborted
 * document stores nothing, and many documents in a row (some with a large
 * evidence text) all arrive, their output printed in order; and the log's
 * checkpoints on their own thread keep it short without losing a fact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"
#include "store_int.h"
#include "store_writer.h"
#include "store_test.h"

static long long sql_int(const char *path, const char *sql)
{
    char buf[32];
    return atoll(sql_text(path, sql, buf, sizeof buf));
}

static store_writer *open_run(const char *path)
{
    char err[STORE_ERR_LEN];
    store_writer *w = sw_open(path, err, sizeof err);
    if (!w)
        fail_msg("%s", err);
    store_pack packs[] = {{"common", "1.0+aaaa"}};
    assert_int_equal(sw_run_begin(w, "rules", packs, 1), 0);
    return w;
}

static void begin_doc(store_writer *w, const char *name, const char *text)
{
    store_doc d = {name, text, strlen(text), strlen(text), "demo", "2024-12-15"};
    assert_int_equal(sw_doc_begin(w, &d), 0);
}

/* A fact whose strings live in buffers the test then scribbles over. */
typedef struct {
    char kind[16], name[16], text[64], entity[16], segment[32];
    fact_field extra[2];
    fact f;
} owned_fact;

static void make_fact(owned_fact *o, const char *doc, size_t start)
{
    strcpy(o->kind, "metric");
    strcpy(o->name, "revenue");
    strcpy(o->text, "营收17.4亿元");
    strcpy(o->entity, "商汤");
    strcpy(o->segment, "生成式\"AI\"");
    o->extra[0] = (fact_field){"change", FACT_NUM, NULL, 0.21, false};
    o->extra[1] = (fact_field){"segment", FACT_STR, o->segment, 0, false};
    o->f = (fact){doc, "common", "revenue", "1.0+aaaa", o->kind, o->name, o->text,
                  strlen(o->text), start, start + strlen(o->text), o->entity, "CNY",
                  "2024H1", NULL, true, 1740000000.0, o->extra, 2};
}

/* Every field arrives, from copies: the caller's buffers are overwritten
 * right after each call, before the thread can have written anything. */
static void test_fields_arrive_from_copies(void **state)
{
    (void)state;
    const char *p = path_for("fields.db");
    store_writer *w = open_run(p);
    char text[] = "商汤营收17.4亿元";
    begin_doc(w, "a.txt", text);
    owned_fact o;
    make_fact(&o, "a.txt", 6);
    sw_doc_fact(w, &o.f, NULL, 0); /* extra fields written by the writer */
    memset(&o, 'x', sizeof o);
    make_fact(&o, "a.txt", 30);
    static const char printed[] = "\"change\":0.21,\"segment\":\"生成式\\\"AI\\\"\"";
    char copy[sizeof printed];
    memcpy(copy, printed, sizeof printed);
    sw_doc_fact(w, &o.f, copy, strlen(copy)); /* as printed */
    memset(&o, 'x', sizeof o);
    memset(copy, 'x', sizeof copy - 1);
    assert_int_equal(sw_doc_commit(w), 0);
    memset(text, 'x', sizeof text - 1);
    assert_int_equal(sw_flush(w), 0);
    assert_int_equal(sw_run_end(w), 0);
    sw_close(w);

    char a[256], b[256], hash[65];
    sha256_hex_of("商汤营收17.4亿元", strlen("商汤营收17.4亿元"), hash);
    snprintf(b, sizeof b, "%s|%zu|demo|2024-12-15", hash, strlen("商汤营收17.4亿元"));
    assert_string_equal(sql_text(p, "SELECT sha256 || '|' || size || '|' || publication || '|' || date"
                                    " FROM documents WHERE doc = 'a.txt'", a, sizeof a), b);
    assert_string_equal(sql_text(p, "SELECT group_concat(kind || '|' || name || '|' || text || '|' ||"
                                    " start || '|' || \"end\" || '|' || entity || '|' || value || '|' ||"
                                    " unit || '|' || period || '|' || coalesce(qualifier, 'NULL') ||"
                                    " '|' || extra, ';') FROM (SELECT * FROM facts ORDER BY start)",
                                 a, sizeof a),
                        "metric|revenue|营收17.4亿元|6|22|商汤|1740000000.0|CNY|2024H1|NULL|"
                        "{\"change\":0.21,\"segment\":\"生成式\\\"AI\\\"\"};"
                        "metric|revenue|营收17.4亿元|30|46|商汤|1740000000.0|CNY|2024H1|NULL|"
                        "{\"change\":0.21,\"segment\":\"生成式\\\"AI\\\"\"}");
    assert_int_equal(sql_int(p, "SELECT count(*) FROM runs WHERE finished IS NOT NULL"), 1);
}

/* Queue a document of one fact; a bad one has no kind (a NOT NULL column),
 * which the store refuses on the thread.  Returns sw_doc_commit's result. */
static int queue_one(store_writer *w, const char *name, bool bad)
{
    owned_fact o;
    begin_doc(w, name, name);
    make_fact(&o, name, 0);
    if (bad)
        o.f.kind = NULL;
    sw_doc_fact(w, &o.f, NULL, 0);
    return sw_doc_commit(w);
}

/* How many failed documents a failure's message reports: the one it names
 * and those it counts after it. */
static size_t failures_in(const char *msg, const char *first)
{
    assert_non_null(strstr(msg, first));
    const char *more = strstr(msg, "(and ");
    return 1 + (more ? (size_t)atoi(more + 5) : 0);
}

/* The failed documents a call reports (rc its result), the first named
 * as first says. */
static size_t reported_by(int rc, store_writer *w, const char *first)
{
    return rc ? failures_in(sw_error(w), first) : 0;
}

/* A document that fails on the thread is reported by a later call that
 * waits for the writer (a commit, once the thread has got to it, or
 * sw_flush at the latest), naming that document, and only once.  When the
 * thread gets to it is the thread's affair, so the test counts reports
 * over the calls rather than expecting one call to make it. */
static void test_failure_reported_once(void **state)
{
    (void)state;
    const char *p = path_for("fail.db");
    store_writer *w = open_run(p);
    const char *bad = "fail.db: storing bad.txt: ";
    size_t reported = reported_by(queue_one(w, "bad.txt", true), w, bad);
    reported += reported_by(queue_one(w, "good.txt", false), w, bad);
    reported += reported_by(sw_flush(w), w, bad);
    assert_int_equal(reported, 1);
    assert_int_equal(sw_flush(w), 0); /* good.txt went in */

    /* Two failures before either is reported: both are, the first by name. */
    reported = reported_by(queue_one(w, "worse.txt", true), w, "storing worse.txt: ");
    reported += reported_by(queue_one(w, "worst.txt", true), w, "storing wors");
    reported += reported_by(sw_flush(w), w, "storing wors");
    assert_int_equal(reported, 2);
    assert_int_equal(sw_flush(w), 0);
    sw_close(w);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM documents"), 1);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE doc = 'good.txt'"), 1);
}

/* Committing with nothing begun is the caller's mistake, said at once. */
static void test_commit_without_document(void **state)
{
    (void)state;
    store_writer *w = open_run(path_for("none.db"));
    assert_int_equal(sw_doc_commit(w), -1);
    assert_non_null(strstr(sw_error(w), "none.db: no document in flight"));
    sw_close(w);
}

static void test_abort_stores_nothing(void **state)
{
    (void)state;
    const char *p = path_for("abort.db");
    store_writer *w = open_run(p);
    owned_fact o;
    begin_doc(w, "dropped.txt", "x");
    make_fact(&o, "dropped.txt", 0);
    sw_doc_fact(w, &o.f, NULL, 0);
    sw_doc_abort(w);
    assert_int_equal(queue_one(w, "kept.txt", false), 0);
    assert_int_equal(sw_flush(w), 0);
    sw_close(w);
    char a[64];
    assert_string_equal(sql_text(p, "SELECT group_concat(doc) FROM documents", a, sizeof a),
                        "kept.txt");
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts"), 1);
}

/* Documents one after another, as a run hands them over, some with an
 * evidence text large enough that its batch gives the memory back once
 * written, and output of documents stored and not (sw_print) between
 * them: every document arrives, and the output comes out whole and in
 * the order it was handed over.  sw_close waits for the last. */
static void test_many_documents(void **state)
{
    (void)state;
    const char *p = path_for("many.db");
    store_writer *w = open_run(p);
    FILE *out = tmpfile();
    assert_non_null(out);
    sw_set_output(w, out);
    size_t big = 1500000;
    char *long_text = malloc(big + 1);
    assert_non_null(long_text);
    memset(long_text, 'a', big);
    long_text[big] = '\0';
    char want[300 * 40] = "", line[40];
    owned_fact o;
    for (int i = 0; i < 300; i++) {
        char name[32];
        snprintf(name, sizeof name, "d%03d.txt", i);
        begin_doc(w, name, name);
        for (int k = 0; k < 3; k++) {
            make_fact(&o, name, (size_t)k * 100);
            if (i >= 150 && i < 153 && k == 1) {
                o.f.text = long_text;
                o.f.text_len = big;
            }
            sw_doc_fact(w, &o.f, NULL, 0);
        }
        snprintf(line, sizeof line, "%s\n", name);
        strcat(want, line);
        sw_doc_output(w, line, strlen(line));
        assert_int_equal(sw_doc_commit(w), 0);
        if (i % 50 == 0) {
            snprintf(line, sizeof line, "not stored %d\n", i);
            strcat(want, line);
            assert_int_equal(sw_print(w, line, strlen(line)), 0);
        }
    }
    assert_int_equal(sw_run_end(w), 0);
    assert_false(sw_output_failed(w));
    sw_close(w);
    free(long_text);
    char *got = calloc(1, sizeof want);
    assert_non_null(got);
    rewind(out);
    assert_int_equal(fread(got, 1, sizeof want - 1, out), strlen(want));
    assert_string_equal(got, want);
    free(got);
    fclose(out);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM documents"), 300);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts"), 900);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE length(text) = 1500000"), 3);
    assert_int_equal(sql_int(p, "SELECT length(text) FROM facts WHERE doc = 'd152.txt' AND start = 100"),
                     (long long)big);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts WHERE doc = 'd299.txt'"), 3);
}

static int spawn(pthread_t *t, void *(*fn)(void *), void *arg)
{
    return pthread_create(t, NULL, fn, arg);
}

/* How many times the log started over: the checkpoint sequence number in
 * its header (big-endian, at byte 12; sqlite.org/fileformat.html). */
static unsigned log_restarts(const char *wal)
{
    unsigned char h[16] = {0};
    FILE *f = fopen(wal, "rb");
    assert_non_null(f);
    assert_int_equal(fread(h, 1, sizeof h, f), sizeof h);
    fclose(f);
    return (unsigned)h[12] << 24 | (unsigned)h[13] << 16 | (unsigned)h[14] << 8 | h[15];
}

/* With rounds from 64 frames and a tail of 16, 600 documents (about 8
 * frames each, one every 300 us as if rules ran) make a log of some 4 800
 * frames that nothing else would checkpoint (the hook replaces SQLite's
 * own checkpoints): the log starting over several times shows the rounds
 * and the writer's tails ran.  A reader's snapshot holds them back for a
 * while without harm; every fact is there and the file is sound. */
static void test_checkpoints_keep_the_log_short(void **state)
{
    (void)state;
    const char *p = path_for("ckpt.db");
    char err[STORE_ERR_LEN], wal[160];
    snprintf(wal, sizeof wal, "%s-wal", p);
    store *s = store_open(p, STORE_WRITE, err, sizeof err);
    assert_non_null(s);
    store_pack packs[] = {{"common", "1.0+aaaa"}};
    assert_int_equal(store_run_begin(s, "rules", packs, 1), 0);
    store_ckpt *c = store_ckpt_start(s, spawn, 64, 16);
    assert_non_null(c);
    sqlite3 *reader = NULL;
    owned_fact o;
    for (int i = 0; i < 600; i++) {
        char name[32];
        snprintf(name, sizeof name, "d%03d.txt", i);
        store_doc d = {name, name, strlen(name), strlen(name), NULL, NULL};
        assert_int_equal(store_doc_begin(s, &d), 0);
        for (int k = 0; k < 4; k++) {
            make_fact(&o, name, (size_t)k * 100);
            o.f.name = k % 2 ? "revenue" : "rd_expense";
            assert_int_equal(store_doc_fact(s, &o.f, NULL, 0), 0);
        }
        assert_int_equal(store_doc_commit(s), 0);
        usleep(300);
        if (i == 200) { /* a reader holds a snapshot for 100 documents */
            assert_int_equal(sqlite3_open_v2(p, &reader, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
            assert_int_equal(sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM facts;", NULL,
                                          NULL, NULL), SQLITE_OK);
        }
        if (i == 300) {
            assert_int_equal(sqlite3_exec(reader, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
            sqlite3_close(reader);
        }
    }
    unsigned restarts = log_restarts(wal);
    store_ckpt_stop(c);
    assert_int_equal(store_run_end(s), 0);
    store_close(s);
    if (restarts < 3)
        fail_msg("the log started over %u times", restarts);
    assert_int_equal(sql_int(p, "SELECT count(*) FROM facts"), 2400);
    char ok[16];
    assert_string_equal(sql_text(p, "PRAGMA integrity_check", ok, sizeof ok), "ok");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_arrive_from_copies),
        cmocka_unit_test(test_failure_reported_once),
        cmocka_unit_test(test_commit_without_document),
        cmocka_unit_test(test_abort_stores_nothing),
        cmocka_unit_test(test_many_documents),
        cmocka_unit_test(test_checkpoints_keep_the_log_short),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
