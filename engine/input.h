/*
 * input.h — where documents come from: files, folders, standard input, and
 * JSON Lines streams of documents (--input jsonl).
 *
 * Each input is read and handed to a doc_reader (doc.h); a problem with one
 * input (missing file, bad bytes, a line that is not JSON) is reported on
 * stderr with the file, line or byte offset and the other inputs still run.
 */
#ifndef ENGINE_INPUT_H
#define ENGINE_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"

typedef struct {
    const char *name;        /* path, "-" for stdin, or the JSON Lines id */
    const char *date;        /* the document's own date, or NULL */
    const char *publication; /* the document's publication, or NULL */
} in_doc;

typedef struct {
    /* Called before the document's first block; non-zero skips it. */
    int (*begin)(void *ud, const in_doc *d);
    doc_block_fn block;
    /* Called after the last block, or after a failure (failed = true). */
    void (*end)(void *ud, const in_doc *d, bool failed);
} in_handler;

typedef struct {
    bool jsonl;        /* each line of each input is a JSON document */
    size_t read_size;  /* bytes per read() from a file */
} in_options;

/* Read every input in turn.  Folders give every .txt and .md file below
 * them, in sorted order.  Returns 0 if every document was read, 1 if any
 * failed (each failure already reported on stderr). */
int in_run(char *const *inputs, size_t n, const in_options *opt,
           doc_reader *r, const in_handler *h, void *ud);

#endif
