/*
 * cmd_check.c — `engine check RULES`: load every pack without running it
 * and report every problem at once (syntax errors, unknown fields, rules
 * without keywords, duplicate names, keywords that can never match, bad
 * lexicon lines, a pack extending one that is missing), then list what
 * loaded.
 */
#include <stdio.h>

#include "cli.h"
#include "rt.h"

static void list_pack(const rt_runtime *rt, size_t k)
{
    size_t rules = 0;
    for (size_t i = 0; i < rt_rule_count(rt); i++)
        rules += rt_rule_at(rt, i).pack == k;
    printf("%s %s (%s): %zu rules, %zu lexicon entries\n", rt_pack_name(rt, k),
           rt_pack_version(rt, k), rt_pack_source(rt, k), rules, rt_lexicon_size(rt, k));
    for (size_t i = 0; i < rt_rule_count(rt); i++) {
        rt_rule_info r = rt_rule_at(rt, i);
        if (r.pack == k)
            printf("  %-22s %-32s %s\n", r.name, r.file, r.description ? r.description : "");
    }
}

int cmd_check(const cli_opts *o)
{
    if (o->nargs != 1) {
        fprintf(stderr, "engine: check needs one rules folder: engine check RULES\n");
        return EXIT_USAGE;
    }
    size_t problems = 0;
    rt_options ro = {NULL, 0, 0, 0, false};
    rt_runtime *rt = rt_load(o->args[0], &ro, cli_report, NULL, &problems);
    if (!rt)
        return EXIT_USAGE;
    for (size_t k = 0; k < rt_pack_count(rt); k++)
        list_pack(rt, k);
    printf("%zu problem%s\n", problems, problems == 1 ? "" : "s");
    rt_free(rt);
    return problems ? EXIT_SOME_FAILED : EXIT_OK;
}
