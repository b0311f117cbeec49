/*
 * out.h — how results are printed: JSON Lines for programs, an aligned
 * table for people at a terminal.
 */
#ifndef ENGINE_OUT_H
#define ENGINE_OUT_H

#include <stddef.h>

#include "json.h"
#include "num.h"

typedef enum { OUT_JSONL, OUT_TABLE } out_format;

/* Where a quantity was found and how it was written. */
typedef struct {
    const char *doc;
    const char *doc_json; /* doc as a quoted JSON string, made once per document */
    size_t doc_json_len;
    size_t start, end; /* byte span in the original input */
    const char *text;  /* the original text of the span, UTF-8 */
    size_t text_len;
} out_span;

/* One quantity as a JSON Lines object (DESIGN.md, Quantities). */
void out_quantity_json(json_writer *w, const out_span *s, const num_quantity *q);

/* One quantity as a table row; the header is printed before the first. */
void out_quantity_row(json_writer *w, const out_span *s, const num_quantity *q,
                      size_t row);

/* Columns a string takes on a terminal (CJK and full-width count two). */
size_t out_width(const char *s, size_t n);

/* Append s padded with spaces to width columns; longer text is shortened
 * in the middle with "…" so both ends stay readable. */
void out_cell(json_writer *w, const char *s, size_t n, size_t width);

#endif
