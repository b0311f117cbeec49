/*
 * json.h — the JSON the engine reads and writes.
 *
 * Writing: a buffered writer for JSON Lines output.  Output is produced in
 * large writes, never a syscall per field, because the output of
 * `engine numbers` is about as large as its input.
 *
 * Reading: a small strict parser into a tree (jv), for `--input jsonl`
 * documents and pack test expectations.
 */
#ifndef ENGINE_JSON_H
#define ENGINE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    FILE *fp;
    char *buf;
    size_t len, cap;
    bool failed; /* a write failed (disk full, closed pipe): stop early */
    bool first;  /* no member written yet in the current object */
} json_writer;

/* fp NULL: a writer in memory only, whose lines stay in buf (flushing
 * writes nothing out; reset len to reuse it). */
void json_writer_init(json_writer *w, FILE *fp);
void json_writer_free(json_writer *w); /* flushes first */
int json_flush(json_writer *w);        /* 0, or -1 if any write failed */

void json_raw(json_writer *w, const char *s, size_t n);
void json_string(json_writer *w, const char *s, size_t n); /* quoted, escaped */
void json_begin(json_writer *w);                           /* { */
void json_end_line(json_writer *w);                        /* }\n */
void json_key(json_writer *w, const char *key);            /* ,"key": */
void json_str_field(json_writer *w, const char *key, const char *s, size_t n);
void json_uint_field(json_writer *w, const char *key, uint64_t v);
void json_bool_field(json_writer *w, const char *key, bool v);
/* For a caller that writes a whole line itself (out.c, one quantity per
 * line, where the field-by-field calls above cost more than the scan):
 * json_line_room gives room for n bytes at the end of the buffer, or NULL
 * once the writer has failed; json_put_string writes s quoted and escaped
 * as json_string does (at most 6n + 2 bytes) and returns the end;
 * json_line_done takes everything up to end, which must finish with the
 * line's newline, and flushes as json_end_line does. */
char *json_line_room(json_writer *w, size_t n);
char *json_put_string(char *o, const char *s, size_t n);
/* `,"key":` at o, for a key of the engine's own (nothing to escape);
 * returns the end.  Inline: the keys are literals, whose length and copy
 * the compiler then works out, where a call cost a strlen and a memcpy. */
static inline char *json_put_key(char *o, const char *key)
{
    size_t k = strlen(key);
    *o++ = ',';
    *o++ = '"';
    memcpy(o, key, k);
    o += k;
    *o++ = '"';
    *o++ = ':';
    return o;
}
/* v in decimal at o (at most 20 bytes, no NUL); returns the end. */
char *json_put_uint(char *o, uint64_t v);
/* The same for a signed value (at most 21 bytes). */
char *json_put_int(char *o, int64_t v);
void json_line_done(json_writer *w, char *end);
/* After json_line_room, for a caller that writes the opening of an object
 * itself ("{" and some members): takes everything up to end, and the line
 * goes on (no flush; the next member gets its comma). */
void json_members_done(json_writer *w, char *end);
/* s as a quoted, escaped JSON string in a new buffer (NULL if out of
 * memory): for a value written many times, such as a document's name. */
char *json_quote(const char *s);

/* A parsed JSON value.  Numbers keep the text they were written as (str),
 * so a test can compare to the precision its author wrote. */
typedef enum { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ } jv_type;
typedef struct jv {
    jv_type type;
    bool b;
    double num;
    char *str;      /* JV_STR: the decoded string; JV_NUM: the number as written */
    size_t len;
    struct jv *items; /* JV_ARR, JV_OBJ */
    char **keys;      /* JV_OBJ: member names (NULL for arrays) */
    size_t n;
} jv;

/* Parse exactly one value.  Returns 0, or -1 with "column C: problem". */
int jv_parse(const char *s, size_t n, jv *out, char *err, size_t errcap);
void jv_free(jv *v);
/* The member of an object, or NULL. */
const jv *jv_get(const jv *obj, const char *key);

/* A document read from a JSON Lines input line.  Strings are owned by the
 * struct (NUL-terminated, UTF-8) and freed by json_doc_free. */
typedef struct {
    char *id;          /* "id" (a number is kept as its text) */
    char *text;        /* "text" */
    size_t text_len;
    char *date;        /* "date" or NULL */
    char *publication; /* "publication" or NULL */
} json_doc;

/* Parse one line.  Returns 0, or -1 with a message naming the column
 * (1-based, in bytes) of the problem written to err. */
int json_parse_doc(const char *line, size_t len, json_doc *doc, char *err,
                   size_t errcap);
void json_doc_free(json_doc *doc);

#endif
