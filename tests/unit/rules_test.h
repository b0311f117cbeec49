/*
 * rules_test.h — what the test programs that run rules on a text
 * (test_emit.c, test_spans.c) share: a pack written to a temporary rules
 * tree, one document run through it, the facts as JSON Lines.  Include
 * after cmocka.h.
 */
#ifndef ENGINE_TEST_RULES_TEST_H
#define ENGINE_TEST_RULES_TEST_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doc.h"
#include "rt.h"

typedef struct {
    char root[64];
    rt_runtime *rt;
    doc_reader *reader;
    json_writer out;
} rules_run;

/* A file of the rules tree: its path below the root, its text. */
typedef struct {
    const char *rel, *text;
} rules_file;

static void rules_write(const char *root, const char *rel, const char *text)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    mkdir(p, 0755); /* the folder may be there already */
    *slash = '/';
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static void rules_report(void *ud, const char *where, const char *msg)
{
    (void)ud;
    fail_msg("%s: %s", where ? where : "", msg);
}

static void rules_on_fact(void *ud, const fact *f)
{
    rules_run *r = ud;
    fact_write_json(&r->out, f);
}

static int rules_on_block(void *ud, const doc_block *b)
{
    rules_run *r = ud;
    rt_doc doc = {"d", NULL, NULL, {0, 0, 0}, b->text, b->len, b->orig, r->reader};
    assert_int_equal(rt_run(r->rt, &doc, rules_on_fact, r), 0);
    return 0;
}

/* The facts the files (folders made as needed, one level below the root)
 * find in text, as JSON Lines, NUL-terminated. */
static const char *rules_run_text(rules_run *r, const rules_file *files, size_t nfiles,
                                  const char *text)
{
    snprintf(r->root, sizeof r->root, "/tmp/rules_test_XXXXXX");
    assert_non_null(mkdtemp(r->root));
    for (size_t i = 0; i < nfiles; i++)
        rules_write(r->root, files[i].rel, files[i].text);
    rt_options ro = {NULL, 0, 0, 0, false};
    size_t problems = 0;
    r->rt = rt_load(r->root, &ro, rules_report, NULL, &problems);
    assert_non_null(r->rt);
    assert_int_equal(problems, 0);
    r->reader = doc_reader_new(TEXT_ENC_AUTO, 0);
    assert_non_null(r->reader);
    json_writer_init(&r->out, NULL);
    text_error err;
    doc_start(r->reader);
    assert_int_equal(doc_feed(r->reader, text, strlen(text), rules_on_block, r, &err), 0);
    assert_int_equal(doc_finish(r->reader, rules_on_block, r, &err), 0);
    json_raw(&r->out, "", 1);
    return r->out.buf;
}

/* One more document through the rules rules_run_text loaded: the facts of
 * both, NUL-terminated.  (Inline: not every test program uses it.) */
static inline const char *rules_run_again(rules_run *r, const char *text)
{
    text_error err;
    r->out.len--; /* the NUL */
    doc_start(r->reader);
    assert_int_equal(doc_feed(r->reader, text, strlen(text), rules_on_block, r, &err), 0);
    assert_int_equal(doc_finish(r->reader, rules_on_block, r, &err), 0);
    json_raw(&r->out, "", 1);
    return r->out.buf;
}

static void rules_done(rules_run *r)
{
    char cmd[PATH_MAX + 16];
    json_writer_free(&r->out);
    doc_reader_free(r->reader);
    rt_free(r->rt);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->root);
    assert_int_equal(system(cmd), 0);
}

#endif
