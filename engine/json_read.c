/*
 * json_read.c — a small strict JSON parser into a tree (json.h): enough for
 * `--input jsonl` documents and for pack test expectations.  Strings must
 * be valid UTF-8; nesting is bounded so hostile input cannot exhaust the
 * stack.
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "vscan.h"

enum { JSON_MAX_DEPTH = 64 };

typedef struct {
    const char *s;
    size_t n, i;
    char *err;
    size_t errcap;
} parser;

static int fail(parser *p, const char *what)
{
    snprintf(p->err, p->errcap, "column %zu: %s", p->i + 1, what);
    return -1;
}

static void skip_ws(parser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
                           p->s[p->i] == '\r' || p->s[p->i] == '\n'))
        p->i++;
}

static int hex4(parser *p, uint32_t *out)
{
    if (p->n - p->i < 4)
        return fail(p, "truncated \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        char c = p->s[p->i++];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
        else return fail(p, "bad hex digit in \\u escape");
    }
    *out = v;
    return 0;
}

/* \uXXXX, pairing surrogates; a lone surrogate has no UTF-8 form. */
static int unicode_escape(parser *p, uint32_t *cp)
{
    if (hex4(p, cp))
        return -1;
    if (*cp >= 0xDC00 && *cp <= 0xDFFF)
        return fail(p, "lone low surrogate");
    if (*cp < 0xD800 || *cp > 0xDBFF)
        return 0;
    uint32_t lo;
    if (p->n - p->i < 2 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
        return fail(p, "high surrogate without its pair");
    p->i += 2;
    if (hex4(p, &lo))
        return -1;
    if (lo < 0xDC00 || lo > 0xDFFF)
        return fail(p, "high surrogate without its pair");
    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
    return 0;
}

static int escape_char(parser *p, char **o)
{
    char c = p->s[p->i++];
    const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
    const char *hit = c ? strchr(from, c) : NULL;
    if (hit) {
        *(*o)++ = to[hit - from];
        return 0;
    }
    if (c != 'u')
        return fail(p, "unknown escape");
    uint32_t cp;
    if (unicode_escape(p, &cp))
        return -1;
    *o += utf8_encode(cp, *o);
    return 0;
}

/* The string at p->i (at its opening quote), decoded into a new buffer. */
static int parse_string(parser *p, char **out, size_t *outlen)
{
    p->i++;
    /* Decoded text is never longer than its source. */
    char *buf = malloc(p->n - p->i + 1), *o = buf;
    if (!buf)
        return fail(p, "out of memory");
    while (p->i < p->n) {
        /* Documents are long strings of such text: copied in runs, not
         * character by character. */
        size_t end = vscan_json(p->s, p->i, p->n, o);
        o += end - p->i;
        p->i = end;
        if (p->i == p->n)
            break;
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') {
            p->i++;
            *o = '\0';
            *out = buf;
            *outlen = (size_t)(o - buf);
            return 0;
        }
        int rc = 0;
        if (c < 0x20) {
            rc = fail(p, "control character in string");
        } else if (c == '\\') {
            p->i++;
            rc = p->i >= p->n ? fail(p, "unterminated string") : escape_char(p, &o);
        } else {
            size_t k = utf8_valid_len(p->s + p->i, p->n - p->i);
            if (k == 0) {
                rc = fail(p, "invalid UTF-8 in string");
            } else {
                memcpy(o, p->s + p->i, k);
                o += k;
                p->i += k;
            }
        }
        if (rc) {
            free(buf);
            return -1;
        }
    }
    free(buf);
    return fail(p, "unterminated string");
}

static int parse_value(parser *p, jv *v, int depth);

static int parse_literal(parser *p, jv *v)
{
    static const struct { const char *word; jv_type type; bool b; } words[] = {
        {"true", JV_BOOL, true}, {"false", JV_BOOL, false}, {"null", JV_NULL, false}};
    for (size_t k = 0; k < 3; k++) {
        size_t len = strlen(words[k].word);
        if (p->n - p->i >= len && memcmp(p->s + p->i, words[k].word, len) == 0) {
            p->i += len;
            v->type = words[k].type;
            v->b = words[k].b;
            return 0;
        }
    }
    return fail(p, "unexpected character");
}

static size_t digits(parser *p)
{
    size_t start = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    return p->i - start;
}

static int parse_number(parser *p, jv *v)
{
    size_t start = p->i;
    if (p->i < p->n && p->s[p->i] == '-') p->i++;
    if (!digits(p)) return fail(p, "bad number");
    if (p->i < p->n && p->s[p->i] == '.') {
        p->i++;
        if (!digits(p)) return fail(p, "bad number");
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
        if (!digits(p)) return fail(p, "bad number");
    }
    v->type = JV_NUM;
    if (!(v->str = strndup(p->s + start, p->i - start)))
        return fail(p, "out of memory");
    v->len = p->i - start;
    v->num = strtod(v->str, NULL);
    return 0;
}

static int push_item(parser *p, jv *v, char *key)
{
    if ((v->n & (v->n - 1)) == 0) { /* grow at powers of two */
        size_t cap = v->n ? v->n * 2 : 4;
        jv *items = realloc(v->items, cap * sizeof *items);
        if (items) v->items = items;
        char **keys = items ? realloc(v->keys, cap * sizeof *keys) : NULL;
        if (keys) v->keys = keys;
        if (!items || !keys) {
            free(key);
            return fail(p, "out of memory");
        }
    }
    memset(&v->items[v->n], 0, sizeof *v->items);
    v->keys[v->n++] = key;
    return 0;
}

static int parse_member_key(parser *p, char **key)
{
    size_t len;
    skip_ws(p);
    if (p->i >= p->n || p->s[p->i] != '"')
        return fail(p, "expected a key");
    if (parse_string(p, key, &len))
        return -1;
    skip_ws(p);
    if (p->i >= p->n || p->s[p->i] != ':') {
        free(*key);
        return fail(p, "expected ':'");
    }
    p->i++;
    return 0;
}

static int parse_container(parser *p, jv *v, int depth)
{
    char close = p->s[p->i] == '[' ? ']' : '}';
    v->type = close == '}' ? JV_OBJ : JV_ARR;
    p->i++;
    skip_ws(p);
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
        return 0;
    }
    for (;;) {
        char *key = NULL;
        if (v->type == JV_OBJ && parse_member_key(p, &key))
            return -1;
        if (push_item(p, v, key) || parse_value(p, &v->items[v->n - 1], depth + 1))
            return -1;
        skip_ws(p);
        if (p->i < p->n && p->s[p->i] == ',') { p->i++; continue; }
        if (p->i < p->n && p->s[p->i] == close) { p->i++; return 0; }
        return fail(p, v->type == JV_OBJ ? "expected ',' or '}'" : "expected ',' or ']'");
    }
}

static int parse_value(parser *p, jv *v, int depth)
{
    memset(v, 0, sizeof *v);
    if (depth > JSON_MAX_DEPTH)
        return fail(p, "nested too deeply");
    skip_ws(p);
    if (p->i >= p->n)
        return fail(p, "expected a value");
    char c = p->s[p->i];
    if (c == '"') {
        v->type = JV_STR;
        return parse_string(p, &v->str, &v->len);
    }
    if (c == '{' || c == '[') return parse_container(p, v, depth);
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p, v);
    return parse_literal(p, v);
}

int jv_parse(const char *s, size_t n, jv *out, char *err, size_t errcap)
{
    parser p = {s, n, 0, err, errcap};
    if (parse_value(&p, out, 0)) {
        jv_free(out);
        return -1;
    }
    skip_ws(&p);
    if (p.i != p.n) {
        jv_free(out);
        return fail(&p, "text after the value");
    }
    return 0;
}

void jv_free(jv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        jv_free(&v->items[i]);
        free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    memset(v, 0, sizeof *v);
}

const jv *jv_get(const jv *obj, const char *key)
{
    if (obj->type != JV_OBJ)
        return NULL;
    const jv *found = NULL;
    for (size_t i = 0; i < obj->n; i++) /* the last of repeated keys wins */
        if (!strcmp(obj->keys[i], key))
            found = &obj->items[i];
    return found;
}

/* ---- documents for --input jsonl ---------------------------------------- */

/* Move a string member out of the tree (a number id is kept as written). */
static int take(jv *root, const char *key, char **out, size_t *len, bool number_ok,
                char *err, size_t errcap)
{
    jv *v = (jv *)jv_get(root, key);
    if (!v || v->type == JV_NULL)
        return 0;
    if (v->type != JV_STR && !(number_ok && v->type == JV_NUM)) {
        snprintf(err, errcap, "\"%s\" must be a string", key);
        return -1;
    }
    *out = v->str;
    if (len)
        *len = v->len;
    v->str = NULL;
    return 0;
}

int json_parse_doc(const char *line, size_t len, json_doc *doc, char *err,
                   size_t errcap)
{
    jv root;
    memset(doc, 0, sizeof *doc);
    if (jv_parse(line, len, &root, err, errcap))
        return -1;
    int rc = -1;
    if (root.type != JV_OBJ)
        snprintf(err, errcap, "column 1: expected a JSON object");
    else if (take(&root, "id", &doc->id, NULL, true, err, errcap) ||
             take(&root, "text", &doc->text, &doc->text_len, false, err, errcap) ||
             take(&root, "date", &doc->date, NULL, false, err, errcap) ||
             take(&root, "publication", &doc->publication, NULL, false, err, errcap))
        ;
    else if (!doc->id)
        snprintf(err, errcap, "missing \"id\"");
    else if (!doc->text)
        snprintf(err, errcap, "missing \"text\"");
    else
        rc = 0;
    jv_free(&root);
    if (rc)
        json_doc_free(doc);
    return rc;
}

void json_doc_free(json_doc *doc)
{
    free(doc->id);
    free(doc->text);
    free(doc->date);
    free(doc->publication);
    memset(doc, 0, sizeof *doc);
}
