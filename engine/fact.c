/*
 * fact.c — facts as JSON Lines (the DESIGN.md field order, then the extra
 * fields sorted by name) and as table rows.
 */
#include "fact.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The len bytes at s into buf as snprintf would put them: cut to fit,
 * NUL-terminated; returns len. */
static size_t copy_out(const char *s, size_t len, char *buf, size_t cap)
{
    if (cap > 0) {
        size_t n = len < cap ? len : cap - 1;
        memcpy(buf, s, n);
        buf[n] = '\0';
    }
    return len;
}

/* An integer-valued double below 2^53, in decimal; "-0" for negative zero
 * (as "%.0f" writes it, only without printf's float machinery). */
static size_t format_integer(double v, char *buf, size_t cap)
{
    char tmp[24], *o = tmp;
    if (signbit(v))
        *o++ = '-';
    return copy_out(tmp, (size_t)(json_put_uint(o, (uint64_t)fabs(v)) - tmp), buf, cap);
}

/* The fraction's k digits of m (below 10^k) at o, with leading zeros. */
static char *put_fraction(char *o, uint64_t m, int k)
{
    for (int i = k; i-- > 0; m /= 10)
        o[i] = (char)('0' + m % 10);
    return o + k;
}

size_t fact_plain_decimal(double v, int digits, char *buf)
{
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19};
    double a = fabs(v);
    if (!(a >= 1e-4) || a >= 1e15 || a == floor(a) || digits < 1 || digits > 15)
        return 0;
    uint64_t limit = (uint64_t)p10[digits];
    for (int k = 1; k < 20; k++) {
        /* a * 10^k is within 0.25 of m when m / 10^k reads back as a */
        double x = a * p10[k];
        uint64_t m = x < (double)limit ? (uint64_t)(x + 0.5) : limit;
        if (m >= limit)
            return 0;
        if ((double)m / p10[k] != a) /* both exact: the quotient is rounded once */
            continue;
        if (k > 4 && m < (uint64_t)p10[k - 4])
            return 0; /* below 1e-4: %g writes an exponent */
        char *o = buf;
        if (v < 0)
            *o++ = '-';
        o = json_put_uint(o, m / (uint64_t)p10[k]);
        *o++ = '.';
        o = put_fraction(o, m % (uint64_t)p10[k], k);
        *o = '\0';
        return (size_t)(o - buf);
    }
    return 0;
}

size_t fact_format_number(double v, char *buf, size_t cap)
{
    if (!isfinite(v))
        return (size_t)snprintf(buf, cap, "null");
    if (v == floor(v) && fabs(v) < 9007199254740992.0)
        return format_integer(v, buf, cap);
    char plain[FACT_PLAIN_MAX];
    size_t len = fact_plain_decimal(v, 15, plain);
    if (len)
        return copy_out(plain, len, buf, cap);
    /* The shortest decimal that reads back as v.  Any decimal of up to 15
     * significant digits survives a trip through a (normal) double, so
     * when 15 digits read back, %g's stripped form is the shortest.
     * Between 1e-4 and 1e15, where %g writes no exponent, the plain
     * decimal above would have been that form: start at 16 digits. */
    double a = fabs(v);
    int first = a < DBL_MIN ? 1 : a >= 1e-4 && a < 1e15 ? 16 : 15; /* subnormals carry fewer digits */
    for (int prec = first; prec <= 17; prec++) {
        int n = snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return (size_t)n;
    }
    return (size_t)snprintf(buf, cap, "%.17g", v);
}

static char *put_str(char *o, const char *key, const char *s, size_t n)
{
    return json_put_string(json_put_key(o, key), s, n);
}

static char *put_opt(char *o, const char *key, const char *s, size_t n)
{
    return s ? put_str(o, key, s, n) : o;
}

static char *put_uint(char *o, const char *key, uint64_t v)
{
    return json_put_uint(json_put_key(o, key), v);
}

static size_t opt_len(const char *s)
{
    return s ? strlen(s) : 0;
}

/* The fixed fields are written straight into the line, in one piece: they
 * are most of every line engine run prints. */
void fact_write_fixed(json_writer *w, const fact *f, long long run)
{
    size_t doc = strlen(f->doc), pack = strlen(f->pack), rule = strlen(f->rule);
    size_t version = strlen(f->pack_version), kind = strlen(f->kind), name = strlen(f->name);
    size_t entity = opt_len(f->entity), unit = opt_len(f->unit), period = opt_len(f->period);
    size_t qualifier = opt_len(f->qualifier);
    /* each string at most 6 bytes a byte and its quotes; keys and numbers */
    size_t strings = doc + pack + rule + version + kind + name + f->text_len + entity + unit +
                     period + qualifier;
    char *o = json_line_room(w, 6 * strings + 512);
    if (!o)
        return;
    memcpy(o, "{\"doc\":", 7);
    o = json_put_string(o + 7, f->doc, doc);
    o = put_str(o, "pack", f->pack, pack);
    o = put_str(o, "rule", f->rule, rule);
    o = put_str(o, "pack_version", f->pack_version, version);
    if (run >= 0)
        o = put_uint(o, "run", (uint64_t)run);
    o = put_str(o, "kind", f->kind, kind);
    o = put_str(o, "name", f->name, name);
    o = put_str(o, "text", f->text, f->text_len);
    o = put_uint(o, "start", f->start);
    o = put_uint(o, "end", f->end);
    o = put_opt(o, "entity", f->entity, entity);
    if (f->has_value) {
        char num[40];
        size_t n = fact_format_number(f->value, num, sizeof num);
        o = json_put_key(o, "value");
        memcpy(o, num, n);
        o += n;
    }
    o = put_opt(o, "unit", f->unit, unit);
    o = put_opt(o, "period", f->period, period);
    o = put_opt(o, "qualifier", f->qualifier, qualifier);
    json_members_done(w, o);
}

size_t fact_write_json(json_writer *w, const fact *f)
{
    fact_write_fixed(w, f, -1);
    size_t extra = w->len;
    fact_write_extras(w, f);
    json_end_line(w);
    return extra;
}

const char *fact_line_extras(const fact *f, const char *line, size_t len, size_t at,
                             size_t *n)
{
    *n = 0;
    if (line && len && line[len - 1] == '\n')
        len--;
    if (!f->nextra || !line || len < at + 2)
        return NULL;
    *n = len - at - 2;
    return line + at + 1;
}

/* One extra member, `"key":value` with its comma, straight into the line:
 * a key that needs no escape comes out of json_put_string as it is, which
 * is what json_key writes. */
static void put_extra(json_writer *w, const fact_field *x)
{
    size_t k = strlen(x->key), n = x->type == FACT_STR || x->type == FACT_JSON ? strlen(x->str) : 0;
    /* key and string at most 6 bytes a byte, quoted; a number 40 */
    char *o = json_line_room(w, 6 * (k + n) + 48);
    if (!o)
        return;
    if (!w->first)
        *o++ = ',';
    o = json_put_string(o, x->key, k);
    *o++ = ':';
    if (x->type == FACT_STR) {
        o = json_put_string(o, x->str, n);
    } else if (x->type == FACT_NUM) {
        o += fact_format_number(x->num, o, 40);
    } else if (x->type == FACT_JSON) {
        memcpy(o, x->str, n);
        o += n;
    } else {
        memcpy(o, x->boolean ? "true" : "false", x->boolean ? 4 : 5);
        o += x->boolean ? 4 : 5;
    }
    json_members_done(w, o);
}

void fact_write_extras(json_writer *w, const fact *f)
{
    for (size_t i = 0; i < f->nextra; i++)
        put_extra(w, &f->extra[i]);
}

enum { W_KIND = 7, W_NAME = 26, W_ENTITY = 12, W_VALUE = 16, W_UNIT = 4, W_PERIOD = 10, W_TEXT = 34 };

static void cell(json_writer *w, const char *s, size_t width, bool last)
{
    out_cell(w, s ? s : "", s ? strlen(s) : 0, width);
    json_raw(w, last ? "\n" : "  ", last ? 1 : 2);
}

static const char *extra_str(const fact *f, const char *key)
{
    for (size_t i = 0; i < f->nextra; i++)
        if (f->extra[i].type == FACT_STR && !strcmp(f->extra[i].key, key))
            return f->extra[i].str;
    return NULL;
}

/* Role, segment, structure or target say the most about a fact after its
 * value, so the table shows whichever is there beside its name. */
const char *const fact_detail_keys[] = {"role", "segment", "structure", "target", NULL};

static const char *detail(const fact *f)
{
    for (size_t i = 0; fact_detail_keys[i]; i++)
        if (extra_str(f, fact_detail_keys[i]))
            return extra_str(f, fact_detail_keys[i]);
    return NULL;
}

void fact_write_row(json_writer *w, const fact *f, size_t row)
{
    char value[48] = "", name[64];
    if (row == 0) {
        cell(w, "kind", W_KIND, false);
        cell(w, "name", W_NAME, false);
        cell(w, "entity", W_ENTITY, false);
        cell(w, "value", W_VALUE, false);
        cell(w, "unit", W_UNIT, false);
        cell(w, "when", W_PERIOD, false);
        cell(w, "evidence", W_TEXT, true);
    }
    if (f->has_value)
        fact_format_number(f->value, value, sizeof value);
    const char *d = detail(f);
    snprintf(name, sizeof name, "%s%s%s", f->name, d ? ":" : "", d ? d : "");
    cell(w, f->kind, W_KIND, false);
    cell(w, name, W_NAME, false);
    cell(w, f->entity, W_ENTITY, false);
    cell(w, value, W_VALUE, false);
    cell(w, f->unit, W_UNIT, false);
    /* events carry a day as `date` rather than a period */
    cell(w, f->period ? f->period : extra_str(f, "date"), W_PERIOD, false);
    out_cell(w, f->text, f->text_len, W_TEXT);
    json_raw(w, "\n", 1);
}
