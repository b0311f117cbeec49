/*
 * store_read.c — reading facts back out of the store (`engine facts`).
 *
 * The query is built from fixed pieces for the filters that were given, so
 * that SQLite can use an index that fits (the engine's own serves --name,
 * with or without --entity; users may add others: docs/store.md,
 * Indexes); the values themselves are always bound, never pasted in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* ---- period order -------------------------------------------------------- */

typedef struct {
    int start, end; /* YYYYMMDD */
} span;

static bool digits(const char *p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

/* One period without a slash: 2024, 2024H1, 2024Q3, 2024-03, 2024-03-26. */
static bool period_span(const char *p, size_t n, span *sp)
{
    int y, a, b;
    if (n < 4 || !digits(p, 4, &y))
        return false;
    int m0 = 1, m1 = 12, d0 = 1, d1 = 31;
    if (n == 4) {
        /* the whole year */
    } else if (n == 6 && p[4] == 'H' && digits(p + 5, 1, &a) && a >= 1 && a <= 2) {
        m0 = a * 6 - 5, m1 = a * 6;
    } else if (n == 6 && p[4] == 'Q' && digits(p + 5, 1, &a) && a >= 1 && a <= 4) {
        m0 = a * 3 - 2, m1 = a * 3;
    } else if (n == 7 && p[4] == '-' && digits(p + 5, 2, &a)) {
        m0 = m1 = a;
    } else if (n == 10 && p[4] == '-' && p[7] == '-' && digits(p + 5, 2, &a) &&
               digits(p + 8, 2, &b)) {
        m0 = m1 = a;
        d0 = d1 = b;
    } else {
        return false;
    }
    sp->start = y * 10000 + m0 * 100 + d0;
    sp->end = y * 10000 + m1 * 100 + d1;
    return true;
}

void store_period_key(const char *period, char *key, size_t cap)
{
    const char *slash = strchr(period, '/');
    size_t n = strlen(period);
    span a, b;
    bool ok = slash ? period_span(period, (size_t)(slash - period), &a) &&
                          period_span(slash + 1, n - (size_t)(slash - period) - 1, &b)
                    : period_span(period, n, &a);
    if (!slash)
        b = a;
    if (ok)
        snprintf(key, cap, "%08d%08d %s", a.start, b.end, period);
    else
        snprintf(key, cap, "~%s", period); /* after every known form */
}

static void period_key_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *p = (const char *)sqlite3_value_text(argv[0]);
    if (!p) {
        sqlite3_result_null(ctx);
        return;
    }
    char key[256];
    store_period_key(p, key, sizeof key);
    sqlite3_result_text(ctx, key, -1, SQLITE_TRANSIENT);
}

/* ---- the query ----------------------------------------------------------- */

enum { C_DOC, C_RUN, C_PACK, C_RULE, C_VERSION, C_KIND, C_NAME, C_TEXT, C_START,
       C_END, C_ENTITY, C_VALUE, C_UNIT, C_PERIOD, C_QUALIFIER, C_EXTRA };

static void build_sql(const store_filter *flt, char *sql, size_t cap)
{
    size_t n = (size_t)snprintf(sql, cap,
        "SELECT doc, run, pack, rule, pack_version, kind, name, text, start, \"end\","
        " entity, value, unit, period, qualifier, extra FROM %s WHERE 1",
        flt->all_runs ? "facts" : "latest_facts");
    if (flt->entity)
        n += (size_t)snprintf(sql + n, cap - n, " AND entity = :entity");
    if (flt->name)
        n += (size_t)snprintf(sql + n, cap - n, " AND name = :name");
    if (flt->kind)
        n += (size_t)snprintf(sql + n, cap - n, " AND kind = :kind");
    if (flt->period)
        n += (size_t)snprintf(sql + n, cap - n, " AND period = :period");
    snprintf(sql + n, cap - n, " ORDER BY period IS NULL, engine_period_key(period),"
             " entity IS NULL, entity, name, doc, run, start, id");
}

static int bind_named(sqlite3_stmt *st, const char *param, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, param);
    return v && i ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : SQLITE_OK;
}

static const char *col_text(sqlite3_stmt *st, int c)
{
    return (const char *)sqlite3_column_text(st, c);
}

static void read_row(sqlite3_stmt *st, store_row *r)
{
    fact *f = &r->f;
    memset(r, 0, sizeof *r);
    f->doc = col_text(st, C_DOC);
    r->run = sqlite3_column_int64(st, C_RUN);
    f->pack = col_text(st, C_PACK);
    f->rule = col_text(st, C_RULE);
    f->pack_version = col_text(st, C_VERSION);
    f->kind = col_text(st, C_KIND);
    f->name = col_text(st, C_NAME);
    f->text = col_text(st, C_TEXT);
    f->text_len = (size_t)sqlite3_column_bytes(st, C_TEXT);
    f->start = (size_t)sqlite3_column_int64(st, C_START);
    f->end = (size_t)sqlite3_column_int64(st, C_END);
    f->entity = col_text(st, C_ENTITY);
    f->has_value = sqlite3_column_type(st, C_VALUE) != SQLITE_NULL;
    f->value = sqlite3_column_double(st, C_VALUE);
    f->unit = col_text(st, C_UNIT);
    f->period = col_text(st, C_PERIOD);
    f->qualifier = col_text(st, C_QUALIFIER);
    r->extra = col_text(st, C_EXTRA);
}

int store_query(store *s, const store_filter *flt, store_row_fn fn, void *ud)
{
    if (sqlite3_create_function(s->db, "engine_period_key", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                period_key_fn, NULL, NULL) != SQLITE_OK)
        return store_fail(s, "querying the facts");
    char sql[1024];
    build_sql(flt, sql, sizeof sql);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, "querying the facts");
    int rc = bind_named(st, ":entity", flt->entity) | bind_named(st, ":name", flt->name) |
             bind_named(st, ":kind", flt->kind) | bind_named(st, ":period", flt->period);
    if (rc) {
        sqlite3_finalize(st);
        return store_fail(s, "querying the facts");
    }
    int out = 0, step = SQLITE_DONE;
    store_row row;
    while (!out && (step = sqlite3_step(st)) == SQLITE_ROW) {
        read_row(st, &row);
        out = fn(ud, &row);
    }
    if (!out && step != SQLITE_DONE)
        out = store_fail(s, "querying the facts");
    sqlite3_finalize(st);
    return out;
}
