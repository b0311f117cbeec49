/*
 * test_reload.c — the RULES tree watcher and the runtime swap: writes,
 * rename-over saves, new folders, deletions and moves are changes; editor
 * droppings are not; quick saves fold into one reload; a pack that no
 * longer loads leaves the previous runtime in place until it is fixed.
 *
 * Each test gets its own temporary rules tree with one tiny pack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "reload.h"

typedef struct {
    char root[64]; /* "/tmp/reload_test_XXXXXX" */
    reload_watcher *w;
} tree;

static const char rule_ok[] =
    "return rule {\n"
    "  name = \"revenue\", keywords = { \"营收\" },\n"
    "  sentence = function(s) s:emit{ kind = \"metric\", name = \"revenue\", evidence = { s } } end,\n"
    "}\n";

static const char rule_broken[] =
    "return rule {\n"
    "  name = \"revenue\", keywords = { \"营收\" }\n"
    "  sentence = function(s) end,\n"
    "}\n";

static void path_of(const tree *t, const char *rel, char *out)
{
    snprintf(out, PATH_MAX, "%s/%s", t->root, rel);
}

static void write_file(const tree *t, const char *rel, const char *text)
{
    char p[PATH_MAX];
    path_of(t, rel, p);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static void make_dir(const tree *t, const char *rel)
{
    char p[PATH_MAX];
    path_of(t, rel, p);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void remove_tree(const char *path)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static int setup(void **state)
{
    tree *t = calloc(1, sizeof *t);
    char err[256];
    if (!t)
        return -1;
    snprintf(t->root, sizeof t->root, "/tmp/reload_test_XXXXXX");
    if (!mkdtemp(t->root)) {
        free(t);
        return -1;
    }
    make_dir(t, "common");
    write_file(t, "common/pack.lua", "return { name = \"common\", version = \"1\" }\n");
    write_file(t, "common/revenue.lua", rule_ok);
    t->w = reload_open(t->root, err, sizeof err);
    if (!t->w) {
        fprintf(stderr, "reload_open: %s\n", err);
        remove_tree(t->root);
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    tree *t = *state;
    reload_close(t->w);
    remove_tree(t->root);
    free(t);
    return 0;
}

/* ---- what is a change ----------------------------------------------------- */

static void test_nothing_pending_at_first(void **state)
{
    tree *t = *state;
    assert_false(reload_pending(t->w));
    assert_int_equal(reload_wait(t->w, 30, 10), 0); /* times out */
    assert_true(reload_fd(t->w) >= 0);
}

static void test_write_in_place(void **state)
{
    tree *t = *state;
    write_file(t, "common/revenue.lua", rule_ok);
    assert_true(reload_pending(t->w));
    assert_false(reload_pending(t->w)); /* reported once */
}

/* How vim (writebackup), gedit, sed -i and most IDEs save. */
static void test_rename_over(void **state)
{
    tree *t = *state;
    char tmp[PATH_MAX], dst[PATH_MAX];
    write_file(t, "common/revenue.lua.tmp1234", rule_ok);
    assert_true(reload_pending(t->w)); /* a new file is a change too */
    path_of(t, "common/revenue.lua.tmp1234", tmp);
    path_of(t, "common/revenue.lua", dst);
    assert_int_equal(rename(tmp, dst), 0);
    assert_true(reload_pending(t->w));
    /* and the replaced file is still watched, through its folder */
    write_file(t, "common/revenue.lua", rule_ok);
    assert_true(reload_pending(t->w));
}

static void test_delete_and_rename_away(void **state)
{
    tree *t = *state;
    char a[PATH_MAX], b[PATH_MAX];
    path_of(t, "common/revenue.lua", a);
    path_of(t, "common/revenue.lua.off", b);
    assert_int_equal(rename(a, b), 0);
    assert_true(reload_pending(t->w));
    assert_int_equal(unlink(b), 0);
    assert_true(reload_pending(t->w));
}

static void test_new_folder_is_watched(void **state)
{
    tree *t = *state;
    make_dir(t, "common/lexicon");
    assert_true(reload_pending(t->w));
    write_file(t, "common/lexicon/orgs.tsv", "商汤\t商汤\torg\n");
    assert_true(reload_pending(t->w));
    /* a folder made two levels at once (mkdir -p) */
    make_dir(t, "extra");
    make_dir(t, "extra/deep");
    assert_true(reload_pending(t->w));
    write_file(t, "extra/deep/x.lua", "return 1\n");
    assert_true(reload_pending(t->w));
}

/* A folder built elsewhere and moved in whole, then edited. */
static void test_folder_moved_in(void **state)
{
    tree *t = *state;
    char outside[PATH_MAX], inside[PATH_MAX], file[PATH_MAX];
    snprintf(outside, sizeof outside, "%s.pack", t->root);
    assert_int_equal(mkdir(outside, 0755), 0);
    path_of(t, "demo", inside);
    assert_int_equal(rename(outside, inside), 0);
    assert_true(reload_pending(t->w));
    path_of(t, "demo/pack.lua", file);
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_true(reload_pending(t->w));
}

/* A folder moved out of the tree is no longer watched. */
static void test_folder_moved_out(void **state)
{
    tree *t = *state;
    char inside[PATH_MAX], outside[80], file[PATH_MAX];
    make_dir(t, "old");
    assert_true(reload_pending(t->w));
    path_of(t, "old", inside);
    snprintf(outside, sizeof outside, "%s.old", t->root);
    assert_int_equal(rename(inside, outside), 0);
    assert_true(reload_pending(t->w));
    snprintf(file, sizeof file, "%s/x.lua", outside);
    FILE *fp = fopen(file, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_false(reload_pending(t->w));
    remove_tree(outside);
}

static void test_editor_droppings_ignored(void **state)
{
    tree *t = *state;
    static const char *const names[] = {
        "common/.revenue.lua.swp", "common/.revenue.lua.swx", "common/revenue.lua~",
        "common/4913", "common/.#revenue.lua", "common/#revenue.lua#",
        "common/x.swp"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        write_file(t, names[i], "junk");
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char p[PATH_MAX];
        path_of(t, names[i], p);
        assert_int_equal(unlink(p), 0);
    }
    make_dir(t, ".git");
    write_file(t, ".git/index", "junk");
    assert_false(reload_pending(t->w));
    assert_int_equal(reload_wait(t->w, 30, 10), 0);
}

/* ---- debounce --------------------------------------------------------------- */

static long ms_between(struct timespec a, struct timespec b)
{
    return (long)(b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
}

static void test_debounce_folds_quick_saves(void **state)
{
    tree *t = *state;
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    for (int i = 0; i < 5; i++) {
        write_file(t, "common/revenue.lua", rule_ok);
        sleep_ms(10);
    }
    assert_int_equal(reload_wait(t->w, 1000, 50), 1);
    clock_gettime(CLOCK_MONOTONIC, &after);
    /* the burst is one change, timed from its first save */
    assert_false(reload_pending(t->w));
    assert_int_equal(reload_wait(t->w, 100, 50), 0);
    struct timespec at = reload_changed_at(t->w);
    assert_true(ms_between(before, at) >= 0);
    assert_true(ms_between(at, after) >= 50);     /* the quiet time */
    assert_true(ms_between(before, after) < 500); /* and not much more */
}

/* The wait returns as soon as the debounce has passed after a change made
 * while it was blocked (here by a child process). */
static void test_wait_wakes_on_change(void **state)
{
    tree *t = *state;
    char p[PATH_MAX], cmd[PATH_MAX + 64];
    path_of(t, "common/revenue.lua", p);
    snprintf(cmd, sizeof cmd, "(sleep 0.05; touch '%s') &", p);
    assert_int_equal(system(cmd), 0);
    struct timespec before, after;
    clock_gettime(CLOCK_MONOTONIC, &before);
    assert_int_equal(reload_wait(t->w, 2000, 20), 1);
    clock_gettime(CLOCK_MONOTONIC, &after);
    assert_true(ms_between(before, after) < 1000);
}

/* ---- the runtime swap --------------------------------------------------- */

typedef struct {
    int problems;
    bool kept; /* "keeping the previous rules" was said */
    char first[256];
} errors;

static void collect(void *ud, const char *where, const char *msg)
{
    errors *e = ud;
    (void)where;
    if (strstr(msg, "keeping the previous rules"))
        e->kept = true;
    else if (e->problems++ == 0)
        snprintf(e->first, sizeof e->first, "%s", msg);
}

static void test_swap_only_when_clean(void **state)
{
    tree *t = *state;
    rt_options ro = {0};
    errors e = {0};
    size_t problems = 0;
    bool swapped = true;
    rt_runtime *rt = rt_load(t->root, &ro, collect, &e, &problems);
    assert_non_null(rt);
    assert_int_equal(problems, 0);
    assert_int_equal(rt_rule_count(rt), 1);
    char v1[64];
    snprintf(v1, sizeof v1, "%s", rt_pack_version(rt, 0));

    /* A syntax error: the old runtime stays, the error names file:line. */
    write_file(t, "common/revenue.lua", rule_broken);
    assert_true(reload_pending(t->w));
    rt_runtime *now = reload_runtime(rt, t->root, &ro, collect, &e, &swapped);
    assert_ptr_equal(now, rt);
    assert_false(swapped);
    assert_true(e.kept);
    assert_true(e.problems >= 1);
    assert_non_null(strstr(e.first, "common/revenue.lua:3:"));
    assert_string_equal(rt_pack_version(now, 0), v1);
    assert_int_equal(rt_rule_count(now), 1);

    /* Fixed (differently, so the version moves): the new one replaces it. */
    e = (errors){0};
    write_file(t, "common/revenue.lua", rule_ok);
    write_file(t, "common/second.lua",
               "return rule { name = \"second\", keywords = { \"研发\" },\n"
               "  sentence = function(s) end }\n");
    assert_true(reload_pending(t->w));
    now = reload_runtime(now, t->root, &ro, collect, &e, &swapped);
    assert_true(swapped);
    assert_int_equal(e.problems, 0);
    assert_false(e.kept);
    assert_int_equal(rt_rule_count(now), 2);
    assert_string_not_equal(rt_pack_version(now, 0), v1);
    rt_free(now);
}

/* A rules tree that vanishes entirely is no runtime at all: kept too. */
static void test_swap_keeps_old_when_tree_is_gone(void **state)
{
    tree *t = *state;
    rt_options ro = {0};
    errors e = {0};
    size_t problems = 0;
    bool swapped = true;
    rt_runtime *rt = rt_load(t->root, &ro, collect, &e, &problems);
    assert_non_null(rt);
    char gone[PATH_MAX];
    path_of(t, "nowhere", gone);
    rt_runtime *now = reload_runtime(rt, gone, &ro, collect, &e, &swapped);
    assert_ptr_equal(now, rt);
    assert_false(swapped);
    assert_true(e.kept);
    rt_free(now);
}

/* ---- opening ---------------------------------------------------------------- */

static void test_open_refuses_missing_folder(void **state)
{
    tree *t = *state;
    char p[PATH_MAX], err[256] = "";
    path_of(t, "missing", p);
    assert_null(reload_open(p, err, sizeof err));
    assert_non_null(strstr(err, "missing"));
    path_of(t, "common/pack.lua", p);
    assert_null(reload_open(p, err, sizeof err)); /* a file, not a folder */
}

/* The whole tree replaced by another (a tool that swaps folders): the
 * watcher finds the new root and says so. */
static void test_root_replaced(void **state)
{
    tree *t = *state;
    char aside[PATH_MAX], cmd[3 * PATH_MAX];
    snprintf(aside, sizeof aside, "%s.aside", t->root);
    snprintf(cmd, sizeof cmd, "mv '%s' '%s' && cp -r '%s' '%s'", t->root, aside,
             aside, t->root);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(reload_wait(t->w, 1000, 20), 1);
    write_file(t, "common/revenue.lua", rule_ok);
    assert_int_equal(reload_wait(t->w, 1000, 20), 1);
    remove_tree(aside);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_nothing_pending_at_first),
        T(test_write_in_place),
        T(test_rename_over),
        T(test_delete_and_rename_away),
        T(test_new_folder_is_watched),
        T(test_folder_moved_in),
        T(test_folder_moved_out),
        T(test_editor_droppings_ignored),
        T(test_debounce_folds_quick_saves),
        T(test_wait_wakes_on_change),
        T(test_swap_only_when_clean),
        T(test_swap_keeps_old_when_tree_is_gone),
        T(test_open_refuses_missing_folder),
        T(test_root_replaced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
