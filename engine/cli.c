/*
 * cli.c — small helpers the commands share.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int cli_parse_date(const char *s, num_date *d)
{
    int y, m, day, n = 0;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &day, &n) != 3 ||
        n != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    if (y < 1 || m < 1 || m > 12 || day < 1 || day > days_in_month(y, m))
        return -1;
    d->year = y;
    d->month = m;
    d->day = day;
    return 0;
}

void cli_doc_date(const cli_opts *o, const in_doc *d, num_date *date,
                  char shown[CLI_DATE_LEN])
{
    *date = o->date;
    shown[0] = '\0';
    if (date->year) {
        snprintf(shown, CLI_DATE_LEN, "%04u-%02u-%02u", (unsigned)date->year % 10000u,
                 (unsigned)date->month % 100u, (unsigned)date->day % 100u);
        return;
    }
    if (!d->date)
        return;
    if (cli_parse_date(d->date, date)) {
        fprintf(stderr, "engine: %s: ignoring \"date\" '%s': not a YYYY-MM-DD date\n",
                d->name, d->date);
        *date = (num_date){0, 0, 0};
        return;
    }
    snprintf(shown, CLI_DATE_LEN, "%s", d->date);
}

void cli_report(void *ud, const char *where, const char *msg)
{
    (void)ud;
    if (where)
        fprintf(stderr, "engine: %s: %s\n", where, msg);
    else
        fprintf(stderr, "engine: %s\n", msg);
}

void cli_rt_doc(const cli_opts *o, const in_doc *d, const doc_block *b,
                doc_reader *reader, rt_doc *doc, char date[CLI_DATE_LEN])
{
    *doc = (rt_doc){d->name, NULL, d->publication, {0, 0, 0}, b->text, b->len, b->orig, reader};
    cli_doc_date(o, d, &doc->date_value, date);
    doc->date = date[0] ? date : NULL;
}

/* ---- --db ---------------------------------------------------------------- */

store_writer *cli_store_open(const char *path)
{
    char err[STORE_ERR_LEN];
    store_writer *db = sw_open(path, err, sizeof err);
    if (!db)
        fprintf(stderr, "engine: %s\n", err);
    return db;
}

/* Reports the store's last problem; returns -1. */
static int store_problem(store_writer *db)
{
    fprintf(stderr, "engine: %s\n", sw_error(db));
    return -1;
}

int cli_store_run(store_writer *db, const char *rules, const rt_runtime *rt)
{
    size_t n = rt_pack_count(rt);
    store_pack *packs = calloc(n ? n : 1, sizeof *packs);
    if (!packs) {
        fprintf(stderr, "engine: out of memory\n");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        packs[i] = (store_pack){rt_pack_name(rt, i), rt_pack_version(rt, i)};
    int rc = sw_run_begin(db, rules, packs, n);
    free(packs);
    if (rc)
        store_problem(db);
    return rc;
}

int cli_store_run_end(store_writer *db, bool finished)
{
    int problems = 0;
    if (sw_flush(db) && store_problem(db))
        problems++;
    if (finished && sw_run_end(db) && store_problem(db))
        problems++;
    return problems;
}

int cli_store_doc(store_writer *db, const in_doc *d, const doc_block *b,
                  doc_reader *reader, const char *date)
{
    size_t size = b->orig[b->len];
    store_doc sd = {d->name, "", 0, size, d->publication, date};
    if (doc_original(reader, 0, size, &sd.bytes, &sd.len)) {
        fprintf(stderr, "engine: %s: cannot read back its text to store it\n", d->name);
        return -1;
    }
    return sw_doc_begin(db, &sd) ? store_problem(db) : 0;
}

int cli_store_print(store_writer *db, const char *bytes, size_t len)
{
    return len && sw_print(db, bytes, len) ? store_problem(db) : 0;
}

int cli_store_doc_end(store_writer *db, bool failed)
{
    if (failed) {
        sw_doc_abort(db);
        return 0;
    }
    return sw_doc_commit(db) ? store_problem(db) : 0;
}
