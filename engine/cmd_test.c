/*
 * cmd_test.c — `engine test RULES`: runs each pack's own tests.
 *
 * For every tests/NAME.txt of every pack, the packs are run on the article
 * and the facts compared with tests/NAME.facts.jsonl (format: rules/README.md,
 * "Pack tests").  Differences are shown as a diff: "- missing", "+ unexpected"
 * and "~ changed".  Facts go through their JSON form, so a test compares
 * exactly what `engine run` prints.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "array.h"
#include "doc.h"
#include "input.h"
#include "json.h"
#include "rt.h"

typedef struct {
    jv *v;
    size_t n, cap;
} jv_list;

typedef struct {
    const cli_opts *opts;
    rt_runtime *rt;
    doc_reader *reader;
    const in_doc *doc;
    const char *date;     /* from the test's options */
    jv_list facts;        /* what the rules emitted */
    size_t rule_errors;
    json_writer line;     /* in memory: each fact's line, read back at once */
    bool lost;            /* a fact could not be read back (out of memory) */
} test_run;

static int list_push(jv_list *l, jv *v)
{
    if (array_reserve((void **)&l->v, &l->cap, l->n, sizeof *l->v))
        return -1;
    l->v[l->n++] = *v;
    return 0;
}

static void list_free(jv_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        jv_free(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- matching ------------------------------------------------------------ */

/* A number written with d decimals matches what rounds to it. */
static bool number_matches(const jv *want, double got)
{
    const char *dot = strchr(want->str, '.');
    if (!dot || strpbrk(want->str, "eE"))
        return fabs(got - want->num) <= 1e-9 * fmax(1.0, fabs(want->num));
    int decimals = (int)strspn(dot + 1, "0123456789");
    return fabs(got - want->num) <= 0.5 * pow(10, -decimals) + 1e-12;
}

static bool value_matches(const char *key, const jv *want, const jv *got)
{
    if (!got)
        return want->type == JV_NULL;
    if (want->type == JV_NUM)
        return got->type == JV_NUM && number_matches(want, got->num);
    if (want->type == JV_STR && got->type == JV_STR)
        return !strcmp(key, "text") ? strstr(got->str, want->str) != NULL
                                    : !strcmp(want->str, got->str);
    if (want->type == JV_BOOL)
        return got->type == JV_BOOL && got->b == want->b;
    return want->type == got->type && want->type == JV_NULL;
}

static bool fact_matches(const jv *want, const jv *got)
{
    for (size_t i = 0; i < want->n; i++)
        if (!value_matches(want->keys[i], &want->items[i], jv_get(got, want->keys[i])))
            return false;
    return true;
}

static bool same_identity(const jv *want, const jv *got)
{
    static const char *const keys[] = {"kind", "name", "entity", "period", "segment", "role"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        const jv *w = jv_get(want, keys[k]);
        if (w && !value_matches(keys[k], w, jv_get(got, keys[k])))
            return false;
    }
    return true;
}

/* ---- printing ------------------------------------------------------------- */

static void print_value(const jv *v)
{
    if (!v) printf("(none)");
    else if (v->type == JV_STR) printf("\"%s\"", v->str);
    else if (v->type == JV_NUM) printf("%s", v->str);
    else if (v->type == JV_BOOL) printf("%s", v->b ? "true" : "false");
    else if (v->type == JV_NULL) printf("null");
    else printf("[...]");
}

/* A fact as "kind name entity period: field=value ...", the bookkeeping
 * fields (doc, pack, rule, offsets) left out. */
static void print_fact(const char *mark, const jv *f)
{
    static const char *const skip[] = {"doc", "pack", "rule", "pack_version", "start", "end", "kind", "name", "from"};
    const jv *kind = jv_get(f, "kind"), *name = jv_get(f, "name");
    printf("    %s %s %s", mark, kind && kind->type == JV_STR ? kind->str : "?",
           name && name->type == JV_STR ? name->str : "?");
    for (size_t i = 0; i < f->n; i++) {
        bool hidden = false;
        for (size_t k = 0; k < sizeof skip / sizeof *skip; k++)
            hidden |= !strcmp(f->keys[i], skip[k]);
        if (hidden)
            continue;
        printf(" %s=", f->keys[i]);
        print_value(&f->items[i]);
    }
    printf("\n");
}

static void print_changed(const jv *want, const jv *got)
{
    print_fact("~ changed   ", want);
    for (size_t i = 0; i < want->n; i++) {
        const jv *g = jv_get(got, want->keys[i]);
        if (value_matches(want->keys[i], &want->items[i], g))
            continue;
        printf("        %s: wanted ", want->keys[i]);
        print_value(&want->items[i]);
        printf(", got ");
        print_value(g);
        printf("\n");
    }
}

/* ---- one test -------------------------------------------------------------- */

typedef struct {
    jv_list expect, absent;
    jv options;
    bool have_options;
} expectations;

static void expectations_free(expectations *e)
{
    list_free(&e->expect);
    list_free(&e->absent);
    if (e->have_options)
        jv_free(&e->options);
}

static int take_line(expectations *e, jv *v, const char *path, size_t lineno)
{
    const jv *abs = jv_get(v, "absent"), *opt = jv_get(v, "options");
    if (v->type != JV_OBJ || (!abs && !opt && !jv_get(v, "kind"))) {
        printf("    %s:%zu: wants a fact (with \"kind\"), {\"absent\": …} or {\"options\": …}\n", path, lineno);
        jv_free(v);
        return -1;
    }
    if (opt) {
        if (e->have_options) jv_free(&e->options);
        e->options = *v; /* its "ignore" filters are read from here */
        e->have_options = true;
        return 0;
    }
    if (abs) {
        jv inner = *abs;
        /* Move the inner object out of v so it can be kept alone. */
        jv *slot = (jv *)abs;
        memset(slot, 0, sizeof *slot);
        jv_free(v);
        return list_push(&e->absent, &inner);
    }
    return list_push(&e->expect, v);
}

static int load_expectations(const char *path, expectations *e)
{
    memset(e, 0, sizeof *e);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        printf("    %s: missing (every tests/NAME.txt needs its NAME.facts.jsonl)\n", path);
        return -1;
    }
    char *line = NULL, err[160];
    size_t cap = 0, lineno = 0;
    ssize_t got;
    int rc = 0;
    while ((got = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        size_t n = strspn(line, " \t\r\n");
        if ((size_t)got == n || line[n] == '#')
            continue;
        jv v;
        if (jv_parse(line, (size_t)got, &v, err, sizeof err)) {
            printf("    %s:%zu: %s\n", path, lineno, err);
            rc = -1;
            continue;
        }
        if (take_line(e, &v, path, lineno))
            rc = -1;
    }
    free(line);
    fclose(fp);
    return rc;
}

static const jv *option(const expectations *e, const char *key)
{
    return e->have_options ? jv_get(jv_get(&e->options, "options"), key) : NULL;
}

static bool ignored(const expectations *e, const jv *f)
{
    const jv *ign = option(e, "ignore");
    for (size_t i = 0; ign && ign->type == JV_ARR && i < ign->n; i++)
        if (ign->items[i].type == JV_OBJ && fact_matches(&ign->items[i], f))
            return true;
    return false;
}

/* Compare; print the diff; return the number of differences. */
static size_t compare(const expectations *e, const jv_list *facts)
{
    bool *used = calloc(facts->n + 1, sizeof *used), *found = calloc(e->expect.n + 1, sizeof *found);
    size_t diffs = 0;
    for (size_t i = 0; i < e->expect.n; i++)
        for (size_t k = 0; k < facts->n && !found[i]; k++)
            if (!used[k] && fact_matches(&e->expect.v[i], &facts->v[k]))
                used[k] = found[i] = true;
    for (size_t i = 0; i < e->expect.n; i++) {
        if (found[i])
            continue;
        diffs++;
        size_t k = 0;
        while (k < facts->n && (used[k] || !same_identity(&e->expect.v[i], &facts->v[k])))
            k++;
        if (k < facts->n) {
            used[k] = true;
            print_changed(&e->expect.v[i], &facts->v[k]);
        } else {
            print_fact("- missing   ", &e->expect.v[i]);
        }
    }
    for (size_t k = 0; k < facts->n; k++)
        if (!used[k] && !ignored(e, &facts->v[k])) {
            diffs++;
            print_fact("+ unexpected", &facts->v[k]);
        }
    for (size_t i = 0; i < e->absent.n; i++)
        for (size_t k = 0; k < facts->n; k++)
            if (fact_matches(&e->absent.v[i], &facts->v[k])) {
                diffs++;
                print_fact("! forbidden ", &facts->v[k]);
            }
    free(used);
    free(found);
    return diffs;
}

/* ---- running the article ---------------------------------------------------- */

/* The fact as `engine run` prints it, read back as the expectations are. */
static void on_fact(void *ud, const fact *f)
{
    test_run *t = ud;
    char err[160];
    jv v;
    t->line.len = 0;
    fact_write_json(&t->line, f);
    if (t->line.failed || jv_parse(t->line.buf, t->line.len - 1, &v, err, sizeof err) ||
        list_push(&t->facts, &v))
        t->lost = true;
}

static int on_block(void *ud, const doc_block *b)
{
    test_run *t = ud;
    rt_doc doc = {t->doc->name, t->date, NULL, {0, 0, 0}, b->text, b->len, b->orig, t->reader};
    if (t->date && cli_parse_date(t->date, &doc.date_value))
        doc.date = NULL;
    t->rule_errors += rt_run(t->rt, &doc, on_fact, t);
    return 0;
}

static int on_begin(void *ud, const in_doc *d)
{
    ((test_run *)ud)->doc = d;
    return 0;
}

static void on_end(void *ud, const in_doc *d, bool failed)
{
    (void)ud, (void)d, (void)failed;
}

static bool run_one(test_run *t, const char *txt, const char *shown)
{
    char *expect_path = NULL;
    expectations e;
    size_t n = strlen(txt);
    if (asprintf(&expect_path, "%.*s.facts.jsonl", (int)(n - 4), txt) < 0)
        return false;
    int bad = load_expectations(expect_path, &e);
    const jv *date = option(&e, "date"), *pack = option(&e, "pack");
    t->date = date && date->type == JV_STR ? date->str : NULL;
    rt_set_force_pack(t->rt, pack && pack->type == JV_STR ? pack->str : t->opts->pack);
    t->rule_errors = 0;
    t->lost = false;
    in_options io = {false, 1 << 20};
    in_handler h = {on_begin, on_block, on_end};
    char *inputs[] = {(char *)txt};
    bad |= in_run(inputs, 1, &io, t->reader, &h, t) || t->lost;
    size_t diffs = bad ? 0 : compare(&e, &t->facts);
    bool ok = !bad && diffs == 0 && t->rule_errors == 0;
    printf("%s %s (%zu facts%s)\n", ok ? "ok  " : "FAIL", shown, t->facts.n,
           t->rule_errors ? ", rule errors above" : "");
    list_free(&t->facts);
    expectations_free(&e);
    free(expect_path);
    return ok;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every tests/NAME.txt of one pack, sorted. */
static void run_pack(test_run *t, size_t k, size_t *pass, size_t *fail)
{
    char *dir = NULL;
    if (asprintf(&dir, "%s/tests", rt_pack_dir(t->rt, k)) < 0)
        return;
    DIR *d = opendir(dir);
    char *names[1024];
    size_t n = 0;
    struct dirent *ent;
    while (d && (ent = readdir(d)) && n < 1024) {
        size_t len = strlen(ent->d_name);
        if (ent->d_name[0] != '.' && len > 4 && !strcmp(ent->d_name + len - 4, ".txt"))
            names[n++] = strdup(ent->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, n, sizeof *names, cmp_name);
    for (size_t i = 0; i < n; i++) {
        char *path = NULL, *shown = NULL;
        if (names[i] && asprintf(&path, "%s/%s", dir, names[i]) >= 0 &&
            asprintf(&shown, "%s/tests/%s", rt_pack_name(t->rt, k), names[i]) >= 0)
            *(run_one(t, path, shown) ? pass : fail) += 1;
        free(path);
        free(shown);
        free(names[i]);
    }
    free(dir);
}

int cmd_test(const cli_opts *o)
{
    if (o->nargs != 1) {
        fprintf(stderr, "engine: test needs one rules folder: engine test RULES\n");
        return EXIT_USAGE;
    }
    test_run t = {.opts = o};
    size_t problems = 0, pass = 0, fail = 0;
    rt_options ro = {o->pack, 0, 0, 0, false};
    t.rt = rt_load(o->args[0], &ro, cli_report, NULL, &problems);
    if (!t.rt)
        return EXIT_USAGE;
    if (!(t.reader = doc_reader_new(o->encoding, 0))) {
        rt_free(t.rt);
        return EXIT_SOME_FAILED;
    }
    for (size_t k = 0; k < rt_pack_count(t.rt); k++)
        run_pack(&t, k, &pass, &fail);
    printf("pack tests: %zu passed, %zu failed%s\n", pass, fail,
           problems ? " (and the rules had load errors, above)" : "");
    json_writer_free(&t.line);
    doc_reader_free(t.reader);
    rt_free(t.rt);
    return fail || problems ? EXIT_SOME_FAILED : EXIT_OK;
}
