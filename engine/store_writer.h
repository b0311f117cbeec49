/*
 * store_writer.h — the store's writes on a thread of their own, so that
 * storing a document overlaps running the rules over the next one (the
 * machine has two cores; SQLite's inserts and commits cost about half as
 * much CPU as the rules themselves).  `engine run --db` and `engine watch
 * --db` write through it; store.h is the store itself.
 *
 * The caller hands over one document at a time, as with store.h: begin,
 * its facts (copied here, so the caller's memory may go at once), its
 * output, commit.  The commit only queues the document: up to 64 wait
 * while the caller reads the next ones, and the thread prints each
 * document's output once its transaction has run.  So a crash loses at
 * most the documents queued and the one being read, never part of a
 * document's facts, and never a document already printed.
 *
 * A document that fails to store is reported by a later call: a commit
 * after the thread has got to it, or sw_flush at the latest; the message
 * names the document (and counts any that failed after it before the
 * report).  Every function that can fail returns 0 or
 * -1 with the message in sw_error().
 */
#ifndef ENGINE_STORE_WRITER_H
#define ENGINE_STORE_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "store.h"

typedef struct store_writer store_writer;

/* Open path to write (store_open, STORE_WRITE) and start the thread.
 * NULL with the message in err when that fails. */
store_writer *sw_open(const char *path, char *err, size_t errcap);
/* Wait for the queued documents, then stop the thread and close the store.
 * A failure still unreported is lost: call sw_flush first. */
void sw_close(store_writer *w);
const char *sw_error(const store_writer *w);

/* store_run_begin and store_run_end, once the queued documents are
 * written (a failure among them stays for sw_flush). */
int sw_run_begin(store_writer *w, const char *rules, const store_pack *packs,
                 size_t npacks);
int sw_run_end(store_writer *w);

/* As store_doc_begin; d's memory may go when this returns. */
int sw_doc_begin(store_writer *w, const store_doc *d);
/* As store_doc_fact: f and extra are copied.  A failure (out of memory) is
 * reported by sw_doc_commit. */
void sw_doc_fact(store_writer *w, const fact *f, const char *extra, size_t extra_len);
/* Queue the document, waiting while the queue is full.  -1 when it could
 * not be queued or when a document queued before failed to store (the
 * message says which). */
int sw_doc_commit(store_writer *w);
/* Forget the document begun (it failed to read): nothing of it is stored. */
void sw_doc_abort(store_writer *w);
/* Where the documents' printed output goes: NULL (the default), nowhere.
 * A document's output is written after its transaction, so that whatever
 * a crash loses was never printed either. */
void sw_set_output(store_writer *w, FILE *out);
/* What was printed for the document begun (copied): written after it is
 * stored, or has failed to be. */
void sw_doc_output(store_writer *w, const char *bytes, size_t len);
/* Output of no document to store (one that failed to read), written in
 * its turn after the documents queued before it.  As sw_doc_commit. */
int sw_print(store_writer *w, const char *bytes, size_t len);
/* Whether writing the output failed (it stops at the first failure). */
bool sw_output_failed(const store_writer *w);
/* Wait until every queued document is written and printed.  -1 when one
 * failed and no call has reported it yet. */
int sw_flush(store_writer *w);

#endif
