/*
 * cmd_run.c — `engine run RULES INPUT...`: facts for each input.
 *
 * Each document is read whole (document rules need all of it), annotated,
 * run through the active packs, and its facts printed before the next
 * document is read: memory follows the largest document, not the corpus.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "doc.h"
#include "input.h"
#include "json.h"
#include "rt.h"

typedef struct {
    const cli_opts *opts;
    json_writer w;
    rt_runtime *rt;
    doc_reader *reader;
    const in_doc *doc;
    size_t rows, rule_errors;
} run_state;

static void report(void *ud, const char *where, const char *msg)
{
    (void)ud;
    if (where)
        fprintf(stderr, "engine: %s: %s\n", where, msg);
    else
        fprintf(stderr, "engine: %s\n", msg);
}

static void on_fact(void *ud, const fact *f)
{
    run_state *st = ud;
    if (st->opts->format == OUT_TABLE)
        fact_write_row(&st->w, f, st->rows);
    else
        fact_write_json(&st->w, f);
    st->rows++;
}

static int on_begin(void *ud, const in_doc *d)
{
    ((run_state *)ud)->doc = d;
    return 0;
}

/* With block size 0 the reader hands over the whole document at once. */
static int on_block(void *ud, const doc_block *b)
{
    run_state *st = ud;
    char date[CLI_DATE_LEN];
    rt_doc doc = {st->doc->name, NULL, st->doc->publication, {0, 0, 0},
                  b->text, b->len, b->orig, st->reader};
    cli_doc_date(st->opts, st->doc, &doc.date_value, date);
    doc.date = date[0] ? date : NULL;
    st->rule_errors += rt_run(st->rt, &doc, on_fact, st);
    return 0;
}

static void on_end(void *ud, const in_doc *d, bool failed)
{
    (void)d;
    (void)failed;
    json_flush(&((run_state *)ud)->w);
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
    rt_options ro = {o->pack, 0, 0, 0, getenv("ENGINE_PROFILE") != NULL};
    st.rt = rt_load(o->args[0], &ro, report, NULL, &problems);
    if (!st.rt)
        return EXIT_USAGE;
    st.reader = doc_reader_new(o->encoding, 0);
    if (!st.reader) {
        rt_free(st.rt);
        fprintf(stderr, "engine: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    json_writer_init(&st.w, stdout);
    in_options io = {o->jsonl, 1 << 20};
    in_handler h = {on_begin, on_block, on_end};
    char *const *inputs = o->nargs > 1 ? o->args + 1 : stdin_only;
    int rc = in_run(inputs, o->nargs > 1 ? o->nargs - 1 : 1, &io, st.reader, &h, &st);
    if (json_flush(&st.w)) {
        fprintf(stderr, "engine: writing the output failed\n");
        rc = 1;
    }
    json_writer_free(&st.w);
    doc_reader_free(st.reader);
    rt_free(st.rt);
    return rc || problems || st.rule_errors ? EXIT_SOME_FAILED : EXIT_OK;
}
