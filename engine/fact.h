/*
 * fact.h — a fact as the runtime hands it to output, tests and the store.
 *
 * Rules build facts as Lua tables; the runtime turns each one into this
 * struct (pointers valid for the duration of the callback only) so that
 * every consumer reads the same fields in the same order.
 */
#ifndef ENGINE_FACT_H
#define ENGINE_FACT_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "out.h"

typedef enum { FACT_STR, FACT_NUM, FACT_BOOL, FACT_JSON } fact_type;

/* A field beyond the fixed ones (role, segment, change, from…). */
typedef struct {
    const char *key;
    fact_type type;
    const char *str; /* FACT_STR (UTF-8, NUL-terminated); FACT_JSON: JSON text */
    double num;      /* FACT_NUM */
    bool boolean;    /* FACT_BOOL */
} fact_field;

typedef struct {
    const char *doc, *pack, *rule, *pack_version;
    const char *kind, *name;
    const char *text; /* original text of the evidence span */
    size_t text_len;
    size_t start, end; /* byte span in the original input */
    const char *entity, *unit, *period, *qualifier; /* NULL when unknown */
    bool has_value;
    double value;
    const fact_field *extra; /* sorted by key */
    size_t nextra;
} fact;

/* Shortest decimal that reads back as the same double (1.57, not
 * 1.5699999999999998); integers up to 2^53 without exponent. */
size_t fact_format_number(double v, char *buf, size_t cap);

/* v in plain decimal ("-0.0523"), when v is not whole, 1e-4 <= |v| and
 * a decimal of at most `digits` (<= 15) significant digits reads back as
 * v: the one with the fewest decimals, which is what "%.<digits>g" writes
 * then (the double nearest such a decimal lies within half a unit of its
 * 15th digit).  Returns the length written to buf (FACT_PLAIN_MAX bytes,
 * NUL-terminated), or 0 when v is not such a number. */
enum { FACT_PLAIN_MAX = 32 };
size_t fact_plain_decimal(double v, int digits, char *buf);

/* The opening of a fact's JSON line: "{" and the fixed fields, with
 * "run" after pack_version when run >= 0 (`engine facts`). */
void fact_write_fixed(json_writer *w, const fact *f, long long run);
/* One JSON Lines line.  Returns where in w->buf the fields beyond the
 * fixed ones start (at the comma before the first), for a caller that
 * wants them too (the store): they run to the line's closing "}\n". */
size_t fact_write_json(json_writer *w, const fact *f);
/* The extra fields' members in a line fact_write_json wrote (len bytes,
 * its newline there or not), from `at`, what it returned: `"k":v,...`
 * without the comma before or the closing brace, in *n bytes, as the
 * store takes them.  NULL (*n 0) when the fact has none or no line. */
const char *fact_line_extras(const fact *f, const char *line, size_t len, size_t at,
                             size_t *n);
/* The fields beyond the fixed ones, as members ("key":value, comma-separated
 * as w->first says), in f->extra's order: what fact_write_json ends with. */
void fact_write_extras(json_writer *w, const fact *f);
/* The extra fields a table shows beside a fact's name (name:detail), the
 * first present in this order; NULL-terminated. */
extern const char *const fact_detail_keys[];
/* A table row; the header before row 0. */
void fact_write_row(json_writer *w, const fact *f, size_t row);

#endif
