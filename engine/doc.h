/*
 * doc.h — turns the bytes of one document into blocks of normalised text.
 *
 * A document arrives in pieces of any size (a file read 1 MiB at a time, a
 * JSON Lines text in one go).  The reader decides its encoding, decodes and
 * normalises it (text.h), and hands it on in blocks cut where no quantity
 * can be split (text_safe_cut).  With a block size set, memory is bounded by
 * the block size whatever the document's size; with block size 0 the whole
 * document is one block (what document rules need).
 *
 * The raw bytes behind the current block are kept, so the evidence text of a
 * span can be given exactly as it was written (transcoded to UTF-8 when the
 * document was GB18030).
 */
#ifndef ENGINE_DOC_H
#define ENGINE_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "text.h"

typedef struct {
    const char *text;    /* normalised UTF-8 */
    size_t len;
    const size_t *orig;  /* len + 1 absolute offsets into the original */
    bool last;           /* the document ends with this block */
} doc_block;

/* Called for each block; a non-zero return stops the document and is
 * returned by doc_feed / doc_finish. */
typedef int (*doc_block_fn)(void *ud, const doc_block *b);

typedef struct doc_reader doc_reader;

/* want: TEXT_ENC_AUTO to detect, or the encoding --encoding named.
 * block: the size at which a block is cut (0 = whole document). */
doc_reader *doc_reader_new(text_encoding want, size_t block);
void doc_reader_free(doc_reader *r);

/* Start a new document (forgets the previous one, keeps the memory). */
void doc_start(doc_reader *r);
/* The caller has checked that the document just started is valid UTF-8 (a
 * JSON string is): in auto mode it is read as UTF-8 without detection,
 * which would only read it once more to say the same, and when read as
 * UTF-8 its characters are not checked again (text_append_checked). */
void doc_known_utf8(doc_reader *r);
/* Add bytes.  Returns 0, -1 on a decoding error (err filled), or the
 * callback's non-zero value. */
int doc_feed(doc_reader *r, const char *bytes, size_t n, doc_block_fn fn,
             void *ud, text_error *err);
/* The document is complete: flush what is left as the last block. */
int doc_finish(doc_reader *r, doc_block_fn fn, void *ud, text_error *err);

/* The original text of the span [start, end) (absolute offsets, inside the
 * current block) as UTF-8.  The pointer stays valid until the next call. */
int doc_original(doc_reader *r, size_t start, size_t end, const char **s,
                 size_t *n);

/* The encoding the current document was read in (valid after its first
 * block). */
text_encoding doc_encoding(const doc_reader *r);

#endif
