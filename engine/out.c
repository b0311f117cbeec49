/*
 * out.c — printing quantities as JSON Lines or as a terminal table.
 *
 * Both formats go through json_writer, which is just a buffered byte sink,
 * so the table costs no extra I/O path.
 */
#include "out.h"

#include <string.h>
#include <utf8proc.h>

#include "utf8.h"

/* ---- JSON Lines ------------------------------------------------------------
 *
 * A quantity line is written straight into the writer's buffer: `engine
 * numbers` prints about one line per 50 input bytes, and going field by
 * field through json_key/json_raw cost as much as scanning the text.  The
 * fields and their order are those of DESIGN.md (Quantities) and
 * docs/numbers.md; they must not change. */

/* Room a line needs besides its document name, text and ident: every key,
 * three numbers (31 bytes each at most), unit and period escaped at six
 * bytes per byte, comes to under 600. */
enum { LINE_ROOM = 1024 };

static char *put(char *o, const char *s, size_t n)
{
    memcpy(o, s, n);
    return o + n;
}

/* A literal key or value: the length is known at compile time. */
#define PUT(o, lit) put((o), (lit), sizeof(lit) - 1)

/* The engine's own names (kinds, qualifiers): plain ASCII, a few bytes
 * long, cheaper copied in a loop than measured and passed to memcpy. */
static char *put_name(char *o, const char *s)
{
    *o++ = '"';
    while (*s)
        *o++ = *s++;
    *o++ = '"';
    return o;
}

static const char *change_name(num_change c)
{
    return c == NUM_CHANGE_UP ? "up" : c == NUM_CHANGE_DOWN ? "down" : NULL;
}

static const char *basis_name(num_basis b)
{
    return b == NUM_BASIS_YOY ? "yoy" : b == NUM_BASIS_QOQ ? "qoq" : NULL;
}

static bool has_value(const num_quantity *q)
{
    return q->kind != NUM_PERIOD && q->kind != NUM_DATE && q->kind != NUM_IDENT &&
           !(q->flags & NUM_F_RANGE);
}

static char *period_fields(char *o, const num_quantity *q)
{
    if (q->period[0]) {
        o = PUT(o, ",\"period\":");
        o = json_put_string(o, q->period, strnlen(q->period, sizeof q->period));
    }
    if (q->flags & NUM_F_ASOF) o = PUT(o, ",\"asof\":true");
    if (q->flags & NUM_F_RELATIVE) o = PUT(o, ",\"relative\":true");
    if (q->flags & NUM_F_UNRESOLVED) o = PUT(o, ",\"resolved\":false");
    return o;
}

/* Fields beyond the DESIGN.md core; documented in docs/numbers.md. */
static char *extra_fields(char *o, const num_quantity *q)
{
    if (q->flags & NUM_F_RANGE) {
        o = num_dec_put(q->low, PUT(o, ",\"low\":"));
        o = num_dec_put(q->high, PUT(o, ",\"high\":"));
    }
    if (change_name(q->change))
        o = put_name(PUT(o, ",\"change\":"), change_name(q->change));
    if (basis_name(q->basis))
        o = put_name(PUT(o, ",\"basis\":"), basis_name(q->basis));
    if (q->kind == NUM_PERIOD || q->kind == NUM_DATE)
        o = period_fields(o, q);
    if (q->kind == NUM_IDENT && q->ident)
        o = json_put_string(PUT(o, ",\"ident\":"), q->ident, strlen(q->ident));
    return o;
}

void out_quantity_json(json_writer *w, const out_span *s, const num_quantity *q)
{
    size_t doc_len = s->doc_json_len;
    size_t ident_len = q->kind == NUM_IDENT && q->ident ? strlen(q->ident) : 0;
    char *o = json_line_room(w, LINE_ROOM + doc_len + 6 * (s->text_len + ident_len));
    if (!o)
        return; /* the writer has failed; json_flush reports it */
    o = put(PUT(o, "{\"doc\":"), s->doc_json, doc_len);
    o = json_put_uint(PUT(o, ",\"start\":"), s->start);
    o = json_put_uint(PUT(o, ",\"end\":"), s->end);
    o = json_put_string(PUT(o, ",\"text\":"), s->text, s->text_len);
    o = put_name(PUT(o, ",\"kind\":"), num_kind_name(q->kind));
    if (has_value(q))
        o = num_dec_put(q->value, PUT(o, ",\"value\":"));
    if (q->unit[0])
        o = json_put_string(PUT(o, ",\"unit\":"), q->unit, strnlen(q->unit, sizeof q->unit));
    if (num_qual_name(q->qual))
        o = put_name(PUT(o, ",\"qualifier\":"), num_qual_name(q->qual));
    o = extra_fields(o, q);
    json_line_done(w, PUT(o, "}\n"));
}

size_t out_width(const char *s, size_t n)
{
    size_t cols = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += utf8_decode(s + i, n - i, &cp);
        int cw = utf8proc_charwidth((utf8proc_int32_t)cp);
        cols += cw > 0 ? (size_t)cw : (cp == '\t' ? 1 : 0);
    }
    return cols;
}

/* Bytes of s that fit in cols columns, from the front or from the back. */
static size_t fit_front(const char *s, size_t n, size_t cols)
{
    size_t i = 0, used = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        size_t cw = out_width(s + i, k);
        if (used + cw > cols)
            break;
        used += cw;
        i += k;
    }
    return i;
}

static size_t fit_back(const char *s, size_t n, size_t cols)
{
    size_t i = n, used = 0;
    while (i > 0) {
        size_t start = utf8_char_start(s, i - 1);
        size_t cw = out_width(s + start, i - start);
        if (used + cw > cols)
            break;
        used += cw;
        i = start;
    }
    return n - i;
}

static void spaces(json_writer *w, size_t n)
{
    static const char pad[] = "                                        ";
    while (n > 0) {
        size_t k = n < sizeof pad - 1 ? n : sizeof pad - 1;
        json_raw(w, pad, k);
        n -= k;
    }
}

void out_cell(json_writer *w, const char *s, size_t n, size_t width)
{
    char clean[256] = "";
    /* Newlines and tabs would break the row: show them as spaces. */
    size_t m = n > sizeof clean ? utf8_char_start(s, sizeof clean) : n;
    for (size_t i = 0; i < m; i++)
        clean[i] = (s[i] == '\n' || s[i] == '\t' || s[i] == '\r') ? ' ' : s[i];
    size_t cols = out_width(clean, m);
    if (cols <= width) {
        json_raw(w, clean, m);
        spaces(w, width - cols);
        return;
    }
    size_t head = fit_front(clean, m, (width - 1) / 2 + (width - 1) % 2);
    size_t tail = fit_back(clean, m, (width - 1) / 2);
    json_raw(w, clean, head);
    json_raw(w, "…", strlen("…"));
    json_raw(w, clean + m - tail, tail);
    spaces(w, width - 1 - out_width(clean, head) - out_width(clean + m - tail, tail));
}

static void value_text(const num_quantity *q, char *buf, size_t cap)
{
    char a[48], b[48];
    if (q->kind == NUM_PERIOD || q->kind == NUM_DATE) {
        snprintf(buf, cap, "%s", q->period[0] ? q->period : "?");
    } else if (q->kind == NUM_IDENT) {
        snprintf(buf, cap, "%s", q->ident ? q->ident : "");
    } else if (q->flags & NUM_F_RANGE) {
        num_dec_format(q->low, a, sizeof a);
        num_dec_format(q->high, b, sizeof b);
        snprintf(buf, cap, "%s..%s", a, b);
    } else {
        num_dec_format(q->value, buf, cap);
    }
}

enum { W_DOC = 22, W_SPAN = 13, W_KIND = 8, W_VALUE = 24, W_UNIT = 5, W_QUAL = 7, W_TEXT = 30 };

static void header(json_writer *w)
{
    static const char *const names[] = {"doc", "span", "kind", "value", "unit", "qual", "text"};
    static const size_t widths[] = {W_DOC, W_SPAN, W_KIND, W_VALUE, W_UNIT, W_QUAL, W_TEXT};
    for (size_t i = 0; i < 7; i++) {
        out_cell(w, names[i], strlen(names[i]), widths[i]);
        json_raw(w, i < 6 ? "  " : "\n", i < 6 ? 2 : 1);
    }
}

void out_quantity_row(json_writer *w, const out_span *s, const num_quantity *q,
                      size_t row)
{
    char span[40], value[100];
    if (row == 0)
        header(w);
    snprintf(span, sizeof span, "%zu-%zu", s->start, s->end);
    value_text(q, value, sizeof value);
    const char *qual = num_qual_name(q->qual);
    out_cell(w, s->doc, strlen(s->doc), W_DOC);
    json_raw(w, "  ", 2);
    out_cell(w, span, strlen(span), W_SPAN);
    json_raw(w, "  ", 2);
    out_cell(w, num_kind_name(q->kind), strlen(num_kind_name(q->kind)), W_KIND);
    json_raw(w, "  ", 2);
    out_cell(w, value, strlen(value), W_VALUE);
    json_raw(w, "  ", 2);
    out_cell(w, q->unit, strlen(q->unit), W_UNIT);
    json_raw(w, "  ", 2);
    out_cell(w, qual ? qual : "", qual ? strlen(qual) : 0, W_QUAL);
    json_raw(w, "  ", 2);
    out_cell(w, s->text, s->text_len, W_TEXT);
    json_raw(w, "\n", 1);
}
