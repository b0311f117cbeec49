/*
 * cmd_run.c — `engine run RULES INPUT...`: facts for each input.
 *
 * Each document is read whole (document rules need all of it), annotated,
 * run through the active packs, and its facts printed before the next
 * document is read: memory follows the largest document, not the corpus.
 * With --db each document's facts are also stored, one transaction per
 * document (store.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "doc.h"
#include "input.h"
#include "json.h"
#include "reload.h"
#include "rt.h"
#include "store.h"

typedef struct {
    const cli_opts *opts;
    json_writer w;
    rt_runtime *rt;
    doc_reader *reader;
    const in_doc *doc;
    size_t rows, rule_errors;
    store_writer *db;   /* --db, or NULL */
    reload_watcher *watch; /* --reload, or NULL */
    rt_options ro;
    bool storing;       /* the current document's transaction is open */
    size_t store_errors;
} run_state;

/* The store takes the extra fields as the line printed them, unless the
 * line was written out (the writer flushes when its buffer is full). */
static void on_fact(void *ud, const fact *f)
{
    run_state *st = ud;
    const char *extra = NULL;
    size_t extra_len = 0;
    if (st->opts->format == OUT_TABLE) {
        fact_write_row(&st->w, f, st->rows);
    } else {
        size_t at = fact_write_json(&st->w, f);
        if (!st->w.failed)
            extra = fact_line_extras(f, st->w.buf, st->w.len, at, &extra_len);
    }
    if (st->storing)
        sw_doc_fact(st->db, f, extra, extra_len); /* a failure is reported at commit */
    st->rows++;
}

/* --reload: only here, between two documents, may the rules change, so no
 * document is ever run by half of one version and half of another. */
static void maybe_reload(run_state *st)
{
    if (!st->watch || !reload_pending(st->watch))
        return;
    bool swapped = false;
    reload_wait(st->watch, 50, 50); /* let a save of several files settle */
    st->rt = reload_runtime(st->rt, st->opts->args[0], &st->ro, cli_report, NULL, &swapped);
    if (!swapped) { /* reported; the previous rules go on, the exit status tells */
        st->rule_errors++;
        return;
    }
    fprintf(stderr, "engine: %s: rules reloaded\n", st->opts->args[0]);
    /* The store keeps which run (which pack versions) made each fact. */
    if (st->db) {
        st->store_errors += cli_store_run_end(st->db, true);
        st->store_errors += cli_store_run(st->db, st->opts->args[0], st->rt) != 0;
    }
}

static int on_begin(void *ud, const in_doc *d)
{
    run_state *st = ud;
    maybe_reload(st);
    st->doc = d;
    return 0;
}

/* With block size 0 the reader hands over the whole document at once. */
static int on_block(void *ud, const doc_block *b)
{
    run_state *st = ud;
    char date[CLI_DATE_LEN];
    rt_doc doc;
    cli_rt_doc(st->opts, st->doc, b, st->reader, &doc, date);
    if (st->db) {
        st->storing = cli_store_doc(st->db, st->doc, b, st->reader, doc.date) == 0;
        st->store_errors += !st->storing;
    }
    st->rule_errors += rt_run(st->rt, &doc, on_fact, st);
    return 0;
}

/* With --db the store's writer prints each document's output once the
 * document is stored (store_writer.h), so a crash never loses a document
 * whose facts were printed; the rules' thread keeps it till then. */
static void on_end(void *ud, const in_doc *d, bool failed)
{
    run_state *st = ud;
    (void)d;
    if (!st->db) {
        json_flush(&st->w);
        return;
    }
    if (st->storing && !failed) {
        sw_doc_output(st->db, st->w.buf, st->w.len);
        st->store_errors += cli_store_doc_end(st->db, false) != 0;
    } else {
        if (st->storing)
            cli_store_doc_end(st->db, true);
        st->store_errors += cli_store_print(st->db, st->w.buf, st->w.len) != 0;
    }
    st->storing = false;
    st->w.len = 0;
}

/* Open --db and record this run.  A database that cannot be used stops the
 * run before any work. */
static int open_store(run_state *st, const char *path)
{
    if (!(st->db = cli_store_open(path)))
        return -1;
    return cli_store_run(st->db, st->opts->args[0], st->rt);
}

/* Once every document is stored and printed; false if printing failed. */
static bool close_store(run_state *st)
{
    bool printed = true;
    if (st->db) {
        st->store_errors += cli_store_run_end(st->db, true);
        printed = !sw_output_failed(st->db);
    }
    sw_close(st->db);
    return printed;
}

int cmd_run(const cli_opts *o)
{
    static char *stdin_only[] = {"-"};
    if (o->nargs < 1) {
        fprintf(stderr, "engine: run needs a rules folder: engine run RULES [INPUT...]\n");
        return EXIT_USAGE;
    }
    run_state st = {.opts = o};
    size_t problems = 0;
    st.ro = (rt_options){o->pack, 0, 0, 0, getenv("ENGINE_PROFILE") != NULL};
    st.rt = rt_load(o->args[0], &st.ro, cli_report, NULL, &problems);
    if (!st.rt)
        return EXIT_USAGE;
    char err[256];
    if (o->reload && !(st.watch = reload_open(o->args[0], err, sizeof err))) {
        fprintf(stderr, "engine: %s\n", err);
        rt_free(st.rt);
        return EXIT_USAGE;
    }
    st.reader = doc_reader_new(o->encoding, 0);
    if (!st.reader) {
        reload_close(st.watch);
        rt_free(st.rt);
        fprintf(stderr, "engine: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    if (o->db && open_store(&st, o->db)) {
        sw_close(st.db);
        doc_reader_free(st.reader);
        reload_close(st.watch);
        rt_free(st.rt);
        return EXIT_USAGE;
    }
    json_writer_init(&st.w, st.db ? NULL : stdout);
    if (st.db)
        sw_set_output(st.db, stdout);
    in_options io = {o->jsonl, 1 << 20};
    in_handler h = {on_begin, on_block, on_end};
    char *const *inputs = o->nargs > 1 ? o->args + 1 : stdin_only;
    int rc = in_run(inputs, o->nargs > 1 ? o->nargs - 1 : 1, &io, st.reader, &h, &st);
    bool printed = close_store(&st);
    if (json_flush(&st.w) || !printed) {
        fprintf(stderr, "engine: writing the output failed\n");
        rc = 1;
    }
    json_writer_free(&st.w);
    doc_reader_free(st.reader);
    reload_close(st.watch);
    rt_free(st.rt);
    return rc || problems || st.rule_errors || st.store_errors ? EXIT_SOME_FAILED : EXIT_OK;
}
