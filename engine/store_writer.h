/*
 * store_writer.h — the store's writes on a thread of their own, so that
 * storing a document overlaps running the rules over the next one (the
 * machine has two cores; SQLite's inserts and commits cost about half as
 * much CPU as the rules themselves).  `engine run --db` and `engine watch
 * --db` write through it; store.h is the store itself.
 *
 * The caller hands over one document at a time, as with store.h: begin,
 * its facts (copied here, so the caller's memory may go at once), commit.
 * The commit only queues the document: its transaction runs while the
 * caller reads the next one, and at most one document waits.  So a crash
 * loses at most the document being written and the one being read behind
 * it, never part of a document's facts.
 *
 * A document that fails to store is reported by the next call that waits
 * for the writer: sw_doc_commit (for the document before) or sw_flush; the
 * message names the document.  Every function that can fail returns 0 or
 * -1 with the message in sw_error().
 */
#ifndef ENGINE_STORE_WRITER_H
#define ENGINE_STORE_WRITER_H

#include "store.h"

typedef struct store_writer store_writer;

/* Open path to write (store_open, STORE_WRITE) and start the thread.
 * NULL with the message in err when that fails. */
store_writer *sw_open(const char *path, char *err, size_t errcap);
/* Wait for the queued document, then stop the thread and close the store.
 * A failure still unreported is lost: call sw_flush first. */
void sw_close(store_writer *w);
const char *sw_error(const store_writer *w);

/* store_run_begin and store_run_end, once the queued document is written
 * (its failure, if any, stays for sw_flush). */
int sw_run_begin(store_writer *w, const char *rules, const store_pack *packs,
                 size_t npacks);
int sw_run_end(store_writer *w);

/* As store_doc_begin; d's memory may go when this returns. */
int sw_doc_begin(store_writer *w, const store_doc *d);
/* As store_doc_fact: f and extra are copied.  A failure (out of memory) is
 * reported by sw_doc_commit. */
void sw_doc_fact(store_writer *w, const fact *f, const char *extra, size_t extra_len);
/* Queue the document.  -1 when it could not be queued or when the
 * document queued before it failed to store (the message says which). */
int sw_doc_commit(store_writer *w);
/* Forget the document begun (it failed to read): nothing of it is stored. */
void sw_doc_abort(store_writer *w);
/* Wait until every queued document is written.  -1 when the last one
 * failed and no call has reported it yet. */
int sw_flush(store_writer *w);

#endif
