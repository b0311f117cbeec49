/*
 * store_test.h — what the store's test programs (test_store.c,
 * test_store_writer.c) share: a temporary folder for their databases, set
 * up and removed around the whole group, and reading one value back with
 * SQL on a connection of its own, as another program would.  Include after
 * cmocka.h.
 */
#ifndef ENGINE_TEST_STORE_TEST_H
#define ENGINE_TEST_STORE_TEST_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

static char tmpdir[] = "/tmp/test_store.XXXXXX";

static int make_tmpdir(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A path in the temporary folder (the last four stay valid). */
static const char *path_for(const char *name)
{
    static char buf[4][128];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
    return p;
}

/* The first column of the first row, as text ("(none)" for no row or
 * NULL), into buf. */
static const char *sql_text(const char *path, const char *sql, char *buf, size_t cap)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    const unsigned char *v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    snprintf(buf, cap, "%s", v ? (const char *)v : "(none)");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return buf;
}

#endif
