/*
 * cli.h — the command line: options shared by every command, and the
 * commands themselves (one cmd_*.c file each).
 */
#ifndef ENGINE_CLI_H
#define ENGINE_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "num.h"
#include "input.h"
#include "out.h"
#include "rt.h"
#include "store_writer.h"
#include "text.h"

/* Exit statuses (DESIGN.md). */
enum { EXIT_OK = 0, EXIT_SOME_FAILED = 1, EXIT_USAGE = 2 };

typedef struct {
    const char *command;
    char **args;          /* positional arguments after the command */
    size_t nargs;
    bool jsonl;           /* --input jsonl */
    out_format format;    /* --format, or the default for stdout */
    num_date date;        /* --date; year 0 when not given */
    text_encoding encoding;
    const char *pack;     /* --pack NAME */
    const char *db;       /* --db FILE: run also stores the facts there */
    bool reload;          /* --reload: run reloads changed rules between documents */
    const char *output;   /* -o/--output FILE: where `engine pack` writes */
    struct {              /* `engine facts` only */
        const char *entity, *name, *kind, *period; /* --entity … --period */
        bool all_runs;    /* --all-runs */
        bool csv;         /* --format csv */
    } facts;
} cli_opts;

/* Report a problem on stderr as "engine: WHERE: MSG" (or "engine: MSG"
 * when where is NULL): the rt_error_fn every command passes to the
 * runtime. */
void cli_report(void *ud, const char *where, const char *msg);

/* Parse YYYY-MM-DD, checking the day exists.  Returns 0 or -1. */
int cli_parse_date(const char *s, num_date *d);

/* The date a document's relative periods resolve against: --date, else
 * the document's own date (a bad one is reported and ignored), else none
 * (year 0).  shown gets the date as YYYY-MM-DD, or "" when there is none. */
enum { CLI_DATE_LEN = 11 };
void cli_doc_date(const cli_opts *o, const in_doc *d, num_date *date,
                  char shown[CLI_DATE_LEN]);

/* The rt_doc for a whole document handed over as one block, its date
 * resolved as cli_doc_date does (date is the storage for doc->date). */
void cli_rt_doc(const cli_opts *o, const in_doc *d, const doc_block *b,
                doc_reader *reader, rt_doc *doc, char date[CLI_DATE_LEN]);

/* --db, for run and watch (the writes run on a thread of their own,
 * store_writer.h).  Each reports its problem on stderr. */
/* Open FILE to write; NULL when it cannot be used. */
store_writer *cli_store_open(const char *path);
/* Record a run of rt: every pack loaded, with its version.  0 or -1. */
int cli_store_run(store_writer *db, const char *rules, const rt_runtime *rt);
/* Wait for the documents queued, then, if finished, mark the run finished
 * (a run cut short keeps finished = NULL, as a killed one does).  Returns
 * the number of problems reported. */
int cli_store_run_end(store_writer *db, bool finished);
/* Begin storing the document handed over whole as block b (its original
 * text gives the hash), resolved against date (or NULL).  0 or -1. */
int cli_store_doc(store_writer *db, const in_doc *d, const doc_block *b,
                  doc_reader *reader, const char *date);
/* End the document cli_store_doc began: drop it when reading it failed,
 * else queue it.  0, or -1 when that failed or the document queued before
 * it failed to store (reported). */
int cli_store_doc_end(store_writer *db, bool failed);
/* Output of a document not stored, printed in its turn (sw_print). */
int cli_store_print(store_writer *db, const char *bytes, size_t len);

int cmd_numbers(const cli_opts *o);
int cmd_run(const cli_opts *o);
int cmd_test(const cli_opts *o);
int cmd_check(const cli_opts *o);
int cmd_pack(const cli_opts *o);
int cmd_facts(const cli_opts *o);
int cmd_watch(const cli_opts *o);

#endif
