/*
 * cmd_facts.c — `engine facts DB`: the facts a store holds, filtered by
 * entity, name, kind and period, without writing SQL.
 *
 * By default only each document's latest run is shown (what the rules say
 * now); --all-runs adds the history kept from older pack versions.  Output
 * is a period-ordered table on a terminal, JSON Lines otherwise (the same
 * lines `engine run` prints, plus "run"), or CSV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fact.h"
#include "json.h"
#include "out.h"
#include "store.h"

typedef enum { FMT_JSONL, FMT_TABLE, FMT_CSV } facts_format;

typedef struct {
    json_writer w;
    facts_format format;
    bool all_runs;
    size_t rows;
} printer;

enum { FLUSH_AT = 1 << 16 };

/* ---- JSON Lines ---------------------------------------------------------- */

static void write_jsonl(printer *p, const store_row *r)
{
    json_writer *w = &p->w;
    fact_write_fixed(w, &r->f, r->run);
    /* The extra fields are stored as one JSON object: splice its members
     * in, so the line reads like `engine run`'s. */
    size_t n = r->extra ? strlen(r->extra) : 0;
    if (n > 2) {
        json_raw(w, ",", 1);
        json_raw(w, r->extra + 1, n - 2);
    }
    json_end_line(w);
}

/* ---- table --------------------------------------------------------------- */

enum { W_RUN = 3, W_VERSION = 14, W_PERIOD = 10, W_ENTITY = 12, W_NAME = 24,
       W_VALUE = 16, W_UNIT = 4, W_DOC = 16, W_TEXT = 30 };

static void cell(json_writer *w, const char *s, size_t width)
{
    out_cell(w, s ? s : "", s ? strlen(s) : 0, width);
    json_raw(w, "  ", 2);
}

/* What tells two facts of one name apart (a segment, a person's role),
 * shown after the name as the run command's table does. */
static void name_with_detail(const store_row *r, char *out, size_t cap)
{
    snprintf(out, cap, "%s", r->f.name);
    jv obj;
    char err[64];
    if (!r->extra || jv_parse(r->extra, strlen(r->extra), &obj, err, sizeof err))
        return;
    for (size_t i = 0; fact_detail_keys[i]; i++) {
        const jv *v = jv_get(&obj, fact_detail_keys[i]);
        if (v && v->type == JV_STR) {
            snprintf(out, cap, "%s:%s", r->f.name, v->str);
            break;
        }
    }
    jv_free(&obj);
}

static void table_header(printer *p)
{
    json_writer *w = &p->w;
    if (p->all_runs) {
        cell(w, "run", W_RUN);
        cell(w, "pack_version", W_VERSION);
    }
    cell(w, "period", W_PERIOD);
    cell(w, "entity", W_ENTITY);
    cell(w, "name", W_NAME);
    cell(w, "value", W_VALUE);
    cell(w, "unit", W_UNIT);
    cell(w, "doc", W_DOC);
    json_raw(w, "evidence\n", 9);
}

static void write_row(printer *p, const store_row *r)
{
    json_writer *w = &p->w;
    const fact *f = &r->f;
    char run[24], value[40] = "", name[160];
    if (p->rows == 0)
        table_header(p);
    if (p->all_runs) {
        snprintf(run, sizeof run, "%lld", r->run);
        cell(w, run, W_RUN);
        cell(w, f->pack_version, W_VERSION);
    }
    if (f->has_value)
        fact_format_number(f->value, value, sizeof value);
    name_with_detail(r, name, sizeof name);
    cell(w, f->period, W_PERIOD);
    cell(w, f->entity, W_ENTITY);
    cell(w, name, W_NAME);
    cell(w, value, W_VALUE);
    cell(w, f->unit, W_UNIT);
    cell(w, f->doc, W_DOC);
    out_cell(w, f->text, f->text_len, W_TEXT);
    json_raw(w, "\n", 1);
}

/* ---- CSV (RFC 4180: CRLF line ends, quotes doubled) ---------------------- */

static void csv_field(json_writer *w, const char *s, size_t n, bool last)
{
    if (s && (memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n) ||
              memchr(s, '\r', n))) {
        json_raw(w, "\"", 1);
        for (const char *q; n && (q = memchr(s, '"', n)); n -= (size_t)(q + 1 - s), s = q + 1) {
            json_raw(w, s, (size_t)(q - s));
            json_raw(w, "\"\"", 2);
        }
        json_raw(w, s, n);
        json_raw(w, "\"", 1);
    } else if (s) {
        json_raw(w, s, n);
    }
    json_raw(w, last ? "\r\n" : ",", last ? 2 : 1);
}

static void csv_str(json_writer *w, const char *s, bool last)
{
    csv_field(w, s, s ? strlen(s) : 0, last);
}

static const char csv_header[] =
    "doc,run,pack,rule,pack_version,kind,name,text,start,end,entity,value,"
    "unit,period,qualifier,extra\r\n";

static void write_csv(printer *p, const store_row *r)
{
    json_writer *w = &p->w;
    const fact *f = &r->f;
    char run[24], start[24], end[24], value[40] = "";
    if (p->rows == 0)
        json_raw(w, csv_header, sizeof csv_header - 1);
    snprintf(run, sizeof run, "%lld", r->run);
    snprintf(start, sizeof start, "%zu", f->start);
    snprintf(end, sizeof end, "%zu", f->end);
    if (f->has_value)
        fact_format_number(f->value, value, sizeof value);
    csv_str(w, f->doc, false);
    csv_str(w, run, false);
    csv_str(w, f->pack, false);
    csv_str(w, f->rule, false);
    csv_str(w, f->pack_version, false);
    csv_str(w, f->kind, false);
    csv_str(w, f->name, false);
    csv_field(w, f->text, f->text_len, false);
    csv_str(w, start, false);
    csv_str(w, end, false);
    csv_str(w, f->entity, false);
    csv_str(w, value, false);
    csv_str(w, f->unit, false);
    csv_str(w, f->period, false);
    csv_str(w, f->qualifier, false);
    csv_str(w, r->extra, true);
}

/* ---- the command --------------------------------------------------------- */

static int on_row(void *ud, const store_row *r)
{
    printer *p = ud;
    if (p->format == FMT_JSONL)
        write_jsonl(p, r);
    else if (p->format == FMT_TABLE)
        write_row(p, r);
    else
        write_csv(p, r);
    p->rows++;
    if (p->w.len >= FLUSH_AT)
        json_flush(&p->w);
    return p->w.failed; /* stop when stdout has gone away */
}

/* Headers are printed even when nothing matches, so a script reading the
 * CSV or a person at the table sees the columns. */
static void empty_result(printer *p)
{
    if (p->format == FMT_TABLE)
        table_header(p);
    else if (p->format == FMT_CSV)
        json_raw(&p->w, csv_header, sizeof csv_header - 1);
}

int cmd_facts(const cli_opts *o)
{
    const char *path = o->nargs ? o->args[0] : o->db;
    if (!path || o->nargs > 1) {
        fprintf(stderr, "engine: facts needs one database: engine facts DB "
                        "[--entity E] [--name N] [--kind K] [--period P]\n");
        return EXIT_USAGE;
    }
    char err[STORE_ERR_LEN];
    store *s = store_open(path, STORE_READ, err, sizeof err);
    if (!s) {
        fprintf(stderr, "engine: %s\n", err);
        return EXIT_USAGE;
    }
    printer p = {.all_runs = o->facts.all_runs};
    p.format = o->facts.csv ? FMT_CSV : o->format == OUT_TABLE ? FMT_TABLE : FMT_JSONL;
    json_writer_init(&p.w, stdout);
    store_filter flt = {o->facts.entity, o->facts.name, o->facts.kind,
                        o->facts.period, o->facts.all_runs};
    int rc = EXIT_OK;
    if (store_query(s, &flt, on_row, &p) && !p.w.failed) {
        fprintf(stderr, "engine: %s\n", store_error(s));
        rc = EXIT_SOME_FAILED;
    }
    if (p.rows == 0)
        empty_result(&p);
    if (json_flush(&p.w)) {
        fprintf(stderr, "engine: writing the output failed\n");
        rc = EXIT_SOME_FAILED;
    }
    json_writer_free(&p.w);
    store_close(s);
    return rc;
}
