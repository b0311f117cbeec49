/*
 * cmd_watch.c — `engine watch RULES INPUT...`: run the rules, then run them
 * again whenever a file under RULES changes, and show what changed.
 *
 * The first run prints the facts as `engine run` does.  Each later run
 * prints only the difference from the previous successful run:
 *
 *   + added <fact>          a fact the new rules emit and the old did not
 *   - removed <fact>        the other way round
 *   ~ changed <kind name entity period>: value A → B  (doc, byte N)
 *
 * and a summary line "N added, N removed, N changed (pack versions …) in
 * X ms", X being the time from the change on disk to the diff written.
 * Rules that fail to load are reported and the previous rules stay
 * (reload.h); nothing is re-run until the rules load cleanly.
 *
 * With --db every run of the rules, the first and each one after a change,
 * is a run in the store (store.h), as `engine run --db` over the same
 * inputs would be: a pack that changed has a new version, so the facts it
 * made before stay as history, and those of unchanged packs are replaced.
 *
 * Latency: saves within DEBOUNCE_MS of each other make one reload, but the
 * new rules are loaded as soon as the first change is seen, while the
 * debounce runs; if another change comes, that load is thrown away.  A
 * lone save thus costs max(load, debounce) + run, not their sum.
 *
 * A fact's identity, what says "this is the same fact, changed": doc,
 * kind, name, entity, period, segment, role, date, target, and where its
 * evidence starts.  Every other field is its value, except pack_version:
 * it changes with every edit of its pack, and is shown once in the summary
 * instead of on every line.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "array.h"
#include "doc.h"
#include "fact.h"
#include "input.h"
#include "json.h"
#include "reload.h"
#include "rt.h"
#include "store.h"
#include "utf8.h"

enum {
    DEBOUNCE_MS = 50, /* several quick saves make one reload */
    TICK_MS = 250,    /* how often a stop request is looked at */
    SHOWN_MAX = 120,  /* bytes of a value shown in a diff line */
};

/* ---- a run's facts, kept for the next diff ------------------------------- */

typedef struct {
    const char *key;
    char *json; /* the value as JSON text: what is compared */
    char *shown; /* the value for people: strings unquoted, long ones cut */
} w_field;

typedef struct {
    char *key;       /* identity; sorts by doc, then evidence start */
    char *label;     /* "metric revenue 商汤 2024H1" */
    char *where;     /* "a.txt, byte 31" */
    char *json;      /* the fact's JSON Lines form, without the newline */
    w_field *fields; /* the value, in fact_write_json's order */
    size_t nfields;
    size_t seq;      /* order of emission: keeps equal keys in order */
} w_fact;

typedef struct {
    w_fact *v;
    size_t n, cap;
} w_snapshot;

static void wfact_free(w_fact *f)
{
    for (size_t i = 0; i < f->nfields; i++) {
        free(f->fields[i].json);
        free(f->fields[i].shown);
    }
    free(f->fields);
    free(f->key);
    free(f->label);
    free(f->where);
    free(f->json);
}

static void snapshot_free(w_snapshot *s)
{
    for (size_t i = 0; i < s->n; i++)
        wfact_free(&s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int cmp_wfact(const void *a, const void *b)
{
    const w_fact *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* ---- rendering ----------------------------------------------------------- */

/* What turning facts into w_facts needs.  Field values and whole lines
 * are rendered into buf, a writer in memory, and taken out at once.
 * Extra fields' names belong to the fact and die with the callback: they
 * are few and repeat, so each is copied once into names, which lives as
 * long as the command. */
typedef struct {
    json_writer buf;
    char **names;
    size_t nnames, capnames;
} w_render;

static void render_free(w_render *r)
{
    json_writer_free(&r->buf);
    for (size_t i = 0; i < r->nnames; i++)
        free(r->names[i]);
    free(r->names);
}

static const char *stable_key(w_render *r, const char *key, bool *oom)
{
    for (size_t i = 0; i < r->nnames; i++)
        if (!strcmp(r->names[i], key))
            return r->names[i];
    if (array_reserve((void **)&r->names, &r->capnames, r->nnames, sizeof *r->names)) {
        *oom = true;
        return "?";
    }
    char *copy = strdup(key);
    if (!copy) {
        *oom = true;
        return "?";
    }
    return r->names[r->nnames++] = copy;
}

/* The fact's JSON Lines form, exactly as `engine run` prints it, without
 * the newline; *extra_at: where its extra fields start (at the comma
 * before the first), as fact_write_json says. */
static char *json_line(w_render *r, const fact *f, size_t *extra_at, bool *oom)
{
    r->buf.len = 0;
    *extra_at = fact_write_json(&r->buf, f);
    char *s = r->buf.failed ? NULL : strndup(r->buf.buf, r->buf.len - 1);
    r->buf.len = 0;
    if (!s)
        *oom = true;
    return s;
}

/* ---- turning a fact into a w_fact ---------------------------------------- */

/* A field of a fact before it is sorted into identity and value. */
typedef struct {
    const char *key;
    char *json, *shown;
} raw_field;

/* Facts carry a few dozen fields at most; more would be a runaway rule,
 * and only its first fields take part in the diff. */
enum { MAX_FIELDS = 64 };

typedef struct {
    raw_field f[MAX_FIELDS];
    size_t n;
    json_writer *buf; /* w_render's, used as a plain buffer */
    bool oom;
} field_list;

static char *take_buffer(json_writer *b, bool *oom)
{
    char *s = b->failed ? NULL : strndup(b->buf ? b->buf : "", b->len);
    b->len = 0;
    if (!s)
        *oom = true;
    return s;
}

static char *shorten(const char *s, size_t n, bool *oom)
{
    size_t keep = n <= SHOWN_MAX ? n : utf8_char_start(s, SHOWN_MAX);
    char *out = malloc(keep + sizeof "…");
    if (!out) {
        *oom = true;
        return NULL;
    }
    memcpy(out, s, keep);
    strcpy(out + keep, keep < n ? "…" : "");
    return out;
}

static void add_field(field_list *l, const char *key, char *json, char *shown)
{
    if (!json || !shown)
        l->oom = true;
    if (l->n == MAX_FIELDS || !json || !shown) {
        free(json);
        free(shown);
        return;
    }
    l->f[l->n++] = (raw_field){key, json, shown};
}

static void add_str(field_list *l, const char *key, const char *s, size_t n)
{
    json_string(l->buf, s, n);
    add_field(l, key, take_buffer(l->buf, &l->oom), shorten(s, n, &l->oom));
}

/* A string field that is absent when NULL. */
static void add_cstr(field_list *l, const char *key, const char *s)
{
    if (s)
        add_str(l, key, s, strlen(s));
}

static void add_num(field_list *l, const char *key, double v)
{
    char num[40];
    size_t n = fact_format_number(v, num, sizeof num);
    add_field(l, key, strndup(num, n), strndup(num, n));
}

static void add_uint(field_list *l, const char *key, size_t v)
{
    char num[24];
    size_t n = (size_t)(json_put_uint(num, v) - num);
    add_field(l, key, strndup(num, n), strndup(num, n));
}

static void add_extra(field_list *l, const fact_field *x)
{
    if (x->type == FACT_STR)
        add_cstr(l, x->key, x->str);
    else if (x->type == FACT_NUM)
        add_num(l, x->key, x->num);
    else if (x->type == FACT_BOOL)
        add_field(l, x->key, strdup(x->boolean ? "true" : "false"),
                  strdup(x->boolean ? "true" : "false"));
    else
        add_field(l, x->key, strdup(x->str), shorten(x->str, strlen(x->str), &l->oom));
}

/* Every field, in the order fact_write_json writes them. */
static void list_fields(field_list *l, const fact *f)
{
    add_cstr(l, "doc", f->doc);
    add_cstr(l, "pack", f->pack);
    add_cstr(l, "rule", f->rule);
    add_cstr(l, "kind", f->kind);
    add_cstr(l, "name", f->name);
    add_str(l, "text", f->text ? f->text : "", f->text ? f->text_len : 0);
    add_uint(l, "start", f->start);
    add_uint(l, "end", f->end);
    add_cstr(l, "entity", f->entity);
    if (f->has_value)
        add_num(l, "value", f->value);
    add_cstr(l, "unit", f->unit);
    add_cstr(l, "period", f->period);
    add_cstr(l, "qualifier", f->qualifier);
    for (size_t i = 0; i < f->nextra; i++)
        add_extra(l, &f->extra[i]);
}

/* The identity fields, in the order the key is built from.  "doc" and
 * "start" come first so that a diff reads in document order. */
static const char *const identity[] = {"doc", "start", "kind", "name", "entity",
                                       "period", "segment", "role", "date", "target"};
enum { N_IDENTITY = sizeof identity / sizeof *identity };

static int identity_index(const char *key)
{
    for (int i = 0; i < N_IDENTITY; i++)
        if (!strcmp(identity[i], key))
            return i;
    return -1;
}

/* Built with a FILE on memory, which grows as needed. */
static char *join_identity(const raw_field *ids[N_IDENTITY], size_t start,
                           bool *oom)
{
    char *s = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&s, &n);
    if (!m) {
        *oom = true;
        return NULL;
    }
    fprintf(m, "%s\x1f%020zu", ids[0] ? ids[0]->json : "", start);
    for (int i = 2; i < N_IDENTITY; i++)
        fprintf(m, "\x1f%s", ids[i] ? ids[i]->json : "");
    if (fclose(m) != 0) {
        free(s);
        *oom = true;
        return NULL;
    }
    return s;
}

static char *make_label(const raw_field *ids[N_IDENTITY], bool *oom)
{
    char *s = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&s, &n);
    if (!m) {
        *oom = true;
        return NULL;
    }
    const char *sep = "";
    for (int i = 2; i < N_IDENTITY; i++) {
        if (!ids[i])
            continue;
        fprintf(m, "%s%s", sep, ids[i]->shown);
        sep = " ";
    }
    if (fclose(m) != 0) {
        free(s);
        *oom = true;
        return NULL;
    }
    return s;
}

/* Sort the fields into identity and value; the value fields move into
 * out->fields, the others are freed. */
static void split_fields(field_list *l, const fact *f, w_fact *out)
{
    const raw_field *ids[N_IDENTITY] = {0};
    for (size_t i = 0; i < l->n; i++) {
        int k = identity_index(l->f[i].key);
        if (k >= 0)
            ids[k] = &l->f[i];
    }
    out->key = join_identity(ids, f->start, &l->oom);
    out->label = make_label(ids, &l->oom);
    out->fields = calloc(l->n ? l->n : 1, sizeof *out->fields);
    if (!out->fields)
        l->oom = true;
    for (size_t i = 0; i < l->n; i++) {
        if (out->fields && identity_index(l->f[i].key) < 0) {
            out->fields[out->nfields++] = (w_field){l->f[i].key, l->f[i].json, l->f[i].shown};
            continue;
        }
        free(l->f[i].json);
        free(l->f[i].shown);
    }
}

/* Adds f to s.  *line: its JSON line (NULL if it could not be made),
 * *extra_at: where the extra fields start in it. */
static int snapshot_add(w_snapshot *s, const fact *f, w_render *r, const char **line,
                        size_t *extra_at)
{
    *line = NULL;
    if (array_reserve((void **)&s->v, &s->cap, s->n, sizeof *s->v))
        return -1;
    w_fact *w = &s->v[s->n];
    memset(w, 0, sizeof *w);
    w->seq = s->n;
    field_list l = {.buf = &r->buf};
    list_fields(&l, f);
    split_fields(&l, f, w);
    for (size_t i = 0; i < w->nfields; i++)
        w->fields[i].key = stable_key(r, w->fields[i].key, &l.oom);
    *line = w->json = json_line(r, f, extra_at, &l.oom);
    size_t n = strlen(f->doc) + 40;
    if ((w->where = malloc(n)))
        snprintf(w->where, n, "%s, byte %zu", f->doc, f->start);
    s->n++; /* counted even when incomplete, so that it is freed */
    return l.oom || !w->where || !w->key || !w->label ? -1 : 0;
}

/* ---- running every input ------------------------------------------------- */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

typedef struct {
    const cli_opts *opts;
    const char *rules;
    char *const *inputs;
    size_t ninputs;
    rt_runtime *rt;
    rt_options ro;
    doc_reader *reader;
    const in_doc *doc;
    json_writer out;     /* stdout */
    w_render render;
    w_snapshot *snap;    /* the run in progress */
    bool print;          /* print each fact (the first run) */
    bool oom;
    size_t rows;         /* table rows printed (the header goes before 0) */
    json_writer errs;    /* a load's problems, held until it counts */
    bool holding;        /* report() appends to errs */
    store_writer *db;    /* --db, or NULL */
    bool recording;      /* the run in progress is a run in the store */
    bool storing;        /* the current document's transaction is open */
    size_t store_errors; /* reported; they make the exit status 1 */
} watch_state;

/* Problems go to stderr, except while rules are loaded ahead of the end
 * of the debounce: that load may be overtaken by the next save, and the
 * errors of a file caught half-written would be noise. */
static void report(void *ud, const char *where, const char *msg)
{
    watch_state *st = ud;
    if (st && st->holding) {
        json_raw(&st->errs, "engine: ", strlen("engine: "));
        if (where) {
            json_raw(&st->errs, where, strlen(where));
            json_raw(&st->errs, ": ", 2);
        }
        json_raw(&st->errs, msg, strlen(msg));
        json_raw(&st->errs, "\n", 1);
    } else {
        cli_report(NULL, where, msg);
    }
}

/* The line printed, stored and kept for the diff is written once, for
 * the snapshot; printing copies it, the store takes its extra fields. */
static void on_fact(void *ud, const fact *f)
{
    watch_state *st = ud;
    size_t at = 0;
    const char *line;
    if (snapshot_add(st->snap, f, &st->render, &line, &at))
        st->oom = true;
    size_t len = line ? strlen(line) : 0;
    if (st->storing) { /* a failure is reported at commit */
        size_t n;
        const char *extra = fact_line_extras(f, line, len, at, &n);
        sw_doc_fact(st->db, f, extra, n);
    }
    if (!st->print)
        return;
    char *o;
    if (st->opts->format == OUT_TABLE)
        fact_write_row(&st->out, f, st->rows);
    else if (line && (o = json_line_room(&st->out, len + 1))) {
        memcpy(o, line, len);
        o[len] = '\n';
        json_line_done(&st->out, o + len + 1);
    } else {
        fact_write_json(&st->out, f);
    }
    st->rows++;
}

/* A stop request skips the documents not yet begun. */
static int on_begin(void *ud, const in_doc *d)
{
    ((watch_state *)ud)->doc = d;
    return stop_signal != 0;
}

static int on_block(void *ud, const doc_block *b)
{
    watch_state *st = ud;
    char date[CLI_DATE_LEN];
    rt_doc doc;
    cli_rt_doc(st->opts, st->doc, b, st->reader, &doc, date);
    if (st->recording) {
        st->storing = cli_store_doc(st->db, st->doc, b, st->reader, doc.date) == 0;
        st->store_errors += !st->storing;
    }
    rt_run(st->rt, &doc, on_fact, st); /* rule errors: reported, counted there */
    return 0;
}

/* Read failures are reported by in_run; a document that failed stores
 * nothing. */
static void on_end(void *ud, const in_doc *d, bool failed)
{
    watch_state *st = ud;
    (void)d;
    if (!st->storing)
        return;
    st->storing = false;
    st->store_errors += cli_store_doc_end(st->db, failed) != 0;
}

/* With --db, each run of the rules is a run in the store.  A run cut short
 * by a stop request keeps finished = NULL, as a killed one does. */
static int store_begin(watch_state *st)
{
    if (cli_store_run(st->db, st->rules, st->rt)) {
        st->store_errors++;
        return -1;
    }
    return 0;
}

static void store_end(watch_state *st)
{
    st->store_errors += cli_store_run_end(st->db, !stop_signal);
}

/* Run the rules over every input into snap, sorted for the diff.
 * Returns 0, or -1 when memory ran out (reported). */
static int run_all(watch_state *st, w_snapshot *snap, bool print)
{
    in_options io = {st->opts->jsonl, 1 << 20};
    in_handler h = {on_begin, on_block, on_end};
    st->snap = snap;
    st->print = print;
    /* A run that cannot be recorded is not stored; the diff goes on. */
    st->recording = st->db && store_begin(st) == 0;
    in_run(st->inputs, st->ninputs, &io, st->reader, &h, st);
    if (st->recording)
        store_end(st);
    st->recording = false;
    if (st->oom) {
        fprintf(stderr, "engine: out of memory keeping the facts for the next diff\n");
        return -1;
    }
    qsort(snap->v, snap->n, sizeof *snap->v, cmp_wfact);
    return 0;
}

/* ---- the diff ------------------------------------------------------------ */

typedef struct {
    size_t added, removed, changed;
} diff_count;

static void put(json_writer *w, const char *s)
{
    json_raw(w, s, strlen(s));
}

static const w_field *field_of(const w_fact *f, const char *key)
{
    for (size_t i = 0; i < f->nfields; i++)
        if (f->fields[i].key == key || !strcmp(f->fields[i].key, key))
            return &f->fields[i];
    return NULL;
}

static bool same_value(const w_fact *a, const w_fact *b)
{
    if (a->nfields != b->nfields)
        return false;
    for (size_t i = 0; i < a->nfields; i++)
        if (strcmp(a->fields[i].key, b->fields[i].key) ||
            strcmp(a->fields[i].json, b->fields[i].json))
            return false;
    return true;
}

/* Where the evidence is, and the end of the line. */
static void put_where(json_writer *w, const w_fact *f)
{
    put(w, "  (");
    put(w, f->where);
    put(w, ")\n");
}

/* "+ added" and "- removed": the JSON Lines form for programs, or for
 * people (--format table) the label and the value fields that matter. */
static void put_whole(json_writer *w, const cli_opts *o, const char *mark,
                      const w_fact *f)
{
    static const char *const quiet[] = {"pack", "rule", "end"};
    put(w, mark);
    if (o->format != OUT_TABLE) {
        put(w, f->json);
        put(w, "\n");
        return;
    }
    put(w, f->label);
    const char *sep = ": ";
    for (size_t i = 0; i < f->nfields; i++) {
        bool skip = false;
        for (size_t k = 0; k < sizeof quiet / sizeof *quiet; k++)
            skip |= !strcmp(f->fields[i].key, quiet[k]);
        if (skip)
            continue;
        put(w, sep);
        put(w, f->fields[i].key);
        put(w, " ");
        put(w, f->fields[i].shown);
        sep = ", ";
    }
    put_where(w, f);
}

static void put_change(json_writer *w, const char *key, const w_field *a,
                       const w_field *b, const char **sep)
{
    put(w, *sep);
    put(w, key);
    *sep = ", ";
    if (a && b && !strcmp(a->shown, b->shown)) {
        put(w, " changed"); /* beyond what is shown, e.g. deep in "from" */
        return;
    }
    put(w, " ");
    put(w, a ? a->shown : "(none)");
    put(w, " → ");
    put(w, b ? b->shown : "(none)");
}

/* "~ changed <label>: key A → B, …": each value field that differs. */
static void put_changed(json_writer *w, const w_fact *a, const w_fact *b)
{
    const char *sep = ": ";
    put(w, "~ changed ");
    put(w, a->label);
    for (size_t i = 0; i < a->nfields; i++) {
        const w_field *x = &a->fields[i], *y = field_of(b, x->key);
        if (!y || strcmp(x->json, y->json))
            put_change(w, x->key, x, y, &sep);
    }
    for (size_t i = 0; i < b->nfields; i++)
        if (!field_of(a, b->fields[i].key))
            put_change(w, b->fields[i].key, NULL, &b->fields[i], &sep);
    put_where(w, b);
}

/* Both snapshots are sorted by identity: one merge pass.  Facts with the
 * same identity pair up in the order they were emitted. */
static diff_count diff(json_writer *w, const cli_opts *o, const w_snapshot *a,
                       const w_snapshot *b)
{
    diff_count c = {0, 0, 0};
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int k = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i].key, b->v[j].key);
        if (k < 0) {
            put_whole(w, o, "- removed ", &a->v[i++]);
            c.removed++;
        } else if (k > 0) {
            put_whole(w, o, "+ added ", &b->v[j++]);
            c.added++;
        } else {
            if (!same_value(&a->v[i], &b->v[j])) {
                put_changed(w, &a->v[i], &b->v[j]);
                c.changed++;
            }
            i++, j++;
        }
    }
    return c;
}

static long ms_since(struct timespec t)
{
    struct timespec n;
    clock_gettime(CLOCK_MONOTONIC, &n);
    return (long)(n.tv_sec - t.tv_sec) * 1000 + (n.tv_nsec - t.tv_nsec) / 1000000;
}

static void put_summary(json_writer *w, const rt_runtime *rt, diff_count c,
                        long ms)
{
    char line[160];
    snprintf(line, sizeof line, "%zu added, %zu removed, %zu changed (pack versions ",
             c.added, c.removed, c.changed);
    put(w, line);
    for (size_t i = 0; i < rt_pack_count(rt); i++) {
        put(w, i ? ", " : "");
        put(w, rt_pack_name(rt, i));
        put(w, " ");
        put(w, rt_pack_version(rt, i));
    }
    snprintf(line, sizeof line, ") in %ld ms\n", ms);
    put(w, line);
}

/* ---- the loop ------------------------------------------------------------ */

/* How long until DEBOUNCE_MS have passed since the change being handled. */
static int quiet_left(const reload_watcher *rw)
{
    long left = DEBOUNCE_MS - ms_since(reload_changed_at(rw));
    return left > 0 ? (int)left : 0;
}

/* Load the new rules at once, while the debounce runs: a lone save (the
 * usual case) then costs max(load, debounce) rather than their sum.  If
 * more changes come before the quiet time is over, the load is thrown
 * away and done again, so that quick saves still give one result.
 * Returns 1 with *fresh and *problems when the rules on disk have settled,
 * 0 when a stop was asked, -1 on a watcher error (reported). */
static int load_settled(watch_state *st, reload_watcher *rw, rt_runtime **fresh,
                        size_t *problems)
{
    for (;;) {
        st->errs.len = 0;
        st->holding = true;
        *fresh = rt_load(st->rules, &st->ro, report, st, problems);
        st->holding = false;
        int r = reload_wait(rw, quiet_left(rw), DEBOUNCE_MS);
        if (r == 0 && !stop_signal)
            return 1;
        rt_free(*fresh);
        *fresh = NULL;
        if (stop_signal || (r < 0 && errno == EINTR))
            return 0;
        if (r < 0) {
            fprintf(stderr, "engine: %s\n", reload_error(rw));
            return -1;
        }
    }
}

/* One change: reload, and if the rules loaded cleanly, run and diff.
 * Returns 0, or -1 when the watch cannot go on (reported). */
static int on_change(watch_state *st, reload_watcher *rw, w_snapshot *prev)
{
    rt_runtime *fresh;
    size_t problems;
    bool swapped;
    int r = load_settled(st, rw, &fresh, &problems);
    if (r <= 0)
        return r;
    json_flush(&st->errs); /* the problems of the load that counts */
    st->rt = reload_adopt(st->rt, fresh, problems, st->rules, report, st, &swapped);
    if (!swapped)
        return 0; /* reported, with "keeping the previous rules" */
    w_snapshot cur = {0};
    if (run_all(st, &cur, false)) {
        snapshot_free(&cur);
        return -1;
    }
    if (stop_signal) {
        snapshot_free(&cur);
        return 0;
    }
    diff_count c = diff(&st->out, st->opts, prev, &cur);
    if (json_flush(&st->out))
        return -1;
    put_summary(&st->out, st->rt, c, ms_since(reload_changed_at(rw)));
    snapshot_free(prev);
    *prev = cur;
    return json_flush(&st->out);
}

/* The debounce is left to on_change (0 here): it overlaps the load. */
static int watch_loop(watch_state *st, reload_watcher *rw, w_snapshot *prev)
{
    while (!stop_signal) {
        int r = reload_wait(rw, TICK_MS, 0);
        if (r < 0 && errno == EINTR)
            continue; /* a stop request: the loop condition looks */
        if (r < 0) {
            fprintf(stderr, "engine: %s\n", reload_error(rw));
            return -1;
        }
        if (r > 0 && on_change(st, rw, prev))
            return -1;
    }
    return 0;
}

static void catch_stop(struct sigaction old[2])
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
}

static int check_usage(const cli_opts *o)
{
    if (o->nargs < 2) {
        fprintf(stderr, "engine: watch needs a rules folder and inputs: "
                        "engine watch RULES INPUT...\n");
        return EXIT_USAGE;
    }
    for (size_t i = 1; i < o->nargs; i++)
        if (!strcmp(o->args[i], "-")) {
            fprintf(stderr, "engine: watch reads its inputs again after every "
                            "change, so standard input (-) cannot be one\n");
            return EXIT_USAGE;
        }
    return EXIT_OK;
}

/* The first run, printed whole; then the watch.  Returns the exit status. */
static int watch(watch_state *st, reload_watcher *rw)
{
    w_snapshot prev = {0};
    struct sigaction old[2];
    int rc = EXIT_OK;
    catch_stop(old);
    if (run_all(st, &prev, true) || json_flush(&st->out)) {
        rc = EXIT_SOME_FAILED;
    } else {
        fprintf(stderr, "engine: watching %s for changes (Ctrl-C to stop)\n", st->rules);
        if (watch_loop(st, rw, &prev))
            rc = EXIT_SOME_FAILED;
    }
    if (st->out.failed)
        fprintf(stderr, "engine: writing the output failed\n");
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
    snapshot_free(&prev);
    return rc;
}

/* The rules, the reader and --db; EXIT_OK or the status to exit with. */
static int set_up(watch_state *st, const cli_opts *o)
{
    size_t problems = 0;
    /* Watch first (the caller), load second: a save between is not missed. */
    st->rt = rt_load(st->rules, &st->ro, report, st, &problems);
    if (!st->rt)
        return EXIT_USAGE;
    if (!(st->reader = doc_reader_new(o->encoding, 0))) {
        fprintf(stderr, "engine: out of memory\n");
        return EXIT_SOME_FAILED;
    }
    if (o->db && !(st->db = cli_store_open(o->db)))
        return EXIT_USAGE;
    return EXIT_OK;
}

static void tear_down(watch_state *st, reload_watcher *rw)
{
    sw_close(st->db);
    json_writer_free(&st->out);
    st->errs.len = 0; /* a load overtaken when the stop came */
    json_writer_free(&st->errs);
    render_free(&st->render);
    doc_reader_free(st->reader);
    rt_free(st->rt);
    reload_close(rw);
}

int cmd_watch(const cli_opts *o)
{
    int rc = check_usage(o);
    if (rc)
        return rc;
    watch_state st = {.opts = o, .rules = o->args[0], .inputs = o->args + 1,
                      .ninputs = o->nargs - 1};
    st.ro = (rt_options){o->pack, 0, 0, 0, false};
    char err[600];
    reload_watcher *rw = reload_open(st.rules, err, sizeof err);
    if (!rw) {
        fprintf(stderr, "engine: %s\n", err);
        return EXIT_USAGE;
    }
    json_writer_init(&st.out, stdout);
    json_writer_init(&st.errs, stderr);
    rc = set_up(&st, o);
    if (rc == EXIT_OK) {
        stop_signal = 0;
        rc = watch(&st, rw);
    }
    tear_down(&st, rw);
    return rc == EXIT_OK && st.store_errors ? EXIT_SOME_FAILED : rc;
}
