/*
 * cmd_pack.c — `engine pack DIR [-o FILE]`: one rule pack folder into one
 * checksummed file, NAME-VERSION.pack (format: pack_archive.h).
 *
 * A shipped pack must work where it lands, so it is loaded first exactly
 * as `engine check` would load it, and a pack with problems is not packed.
 * It is loaded together with the packs beside it (DIR's parent folder) so
 * that `extends = "common"` resolves; only the problems of DIR's own pack
 * count, so a broken neighbour does not block it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "pack_archive.h"
#include "rt.h"

typedef struct {
    char *where, *msg;
} problem;

typedef struct {
    problem *v;
    size_t n, cap;
    bool oom;
} problem_list;

/* Problems are held back, not printed, until it is known which pack they
 * belong to. */
static void collect(void *ud, const char *where, const char *msg)
{
    problem_list *l = ud;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        problem *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    problem p = {where ? strdup(where) : NULL, strdup(msg)};
    l->v[l->n++] = p;
}

static void problems_free(problem_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].where);
        free(l->v[i].msg);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static bool starts_with(const char *s, const char *prefix)
{
    return s && !strncmp(s, prefix, strlen(prefix));
}

/* Does a problem reported while loading the parent folder concern the pack
 * in folder (at path dir)?  Messages name "folder/file.lua:line", the
 * folder itself, or its path; "rules" is the shared keyword automaton. */
static bool concerns(const problem *p, const char *folder, const char *dir)
{
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s/", folder);
    if (!p->where)
        return starts_with(p->msg, prefix);
    return !strcmp(p->where, folder) || starts_with(p->where, prefix) ||
           starts_with(p->where, dir) || !strcmp(p->where, "rules");
}

/* Print the problems that concern the pack (all when folder is NULL) and
 * count them. */
static size_t report(const problem_list *l, const char *folder, const char *dir)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        const problem *p = &l->v[i];
        if (folder && !concerns(p, folder, dir))
            continue;
        cli_report(NULL, p->where, p->msg ? p->msg : "?");
        n++;
    }
    return n;
}

static size_t find_pack(const rt_runtime *rt, const char *dir)
{
    for (size_t i = 0; i < rt_pack_count(rt); i++)
        if (!strcmp(rt_pack_dir(rt, i), dir))
            return i;
    return (size_t)-1;
}

typedef struct {
    char *name, *version, *hash; /* manifest name and version, content hash */
    size_t problems;
} pack_info;

/* Load the pack at dir (parent/folder) as `engine check` would and keep
 * its name and version.  Returns 0, or -1 when it cannot be loaded at all
 * (reported). */
static int load_pack_info(const char *dir, const char *parent, const char *folder, pack_info *info)
{
    rt_options ro = {NULL, 0, 0, 0, false};
    problem_list l = {0};
    size_t total = 0, k = (size_t)-1;
    rt_runtime *rt = rt_load(parent, &ro, collect, &l, &total);
    if (rt && (k = find_pack(rt, dir)) != (size_t)-1) {
        info->problems = report(&l, folder, dir);
    } else {
        /* The parent is not a folder of packs we can read (a damaged .pack
         * beside it, the same pack installed beside it as a .pack, a
         * pack.lua of its own): the pack alone, then, and if that has
         * problems (extends cannot resolve), why the parent did not do. */
        rt_free(rt);
        problem_list parent_problems = l;
        memset(&l, 0, sizeof l);
        rt = rt_load(dir, &ro, collect, &l, &total);
        k = 0;
        info->problems = report(&l, NULL, NULL);
        for (size_t i = 0; info->problems && i < parent_problems.n; i++)
            fprintf(stderr, "engine: note: the packs beside it could not be loaded: %s%s%s\n",
                    parent_problems.v[i].where ? parent_problems.v[i].where : "",
                    parent_problems.v[i].where ? ": " : "",
                    parent_problems.v[i].msg ? parent_problems.v[i].msg : "?");
        problems_free(&parent_problems);
    }
    if (l.oom) {
        fprintf(stderr, "engine: out of memory\n");
        info->problems++;
    }
    problems_free(&l);
    if (!rt)
        return -1;
    const char *version = rt_pack_version(rt, k);
    const char *plus = strrchr(version, '+'); /* "0.1.0+fb646f25" */
    info->name = strdup(rt_pack_name(rt, k));
    info->version = plus ? strndup(version, (size_t)(plus - version)) : strdup(version);
    info->hash = strdup(plus ? plus + 1 : "");
    rt_free(rt);
    if (!info->name || !info->version || !info->hash) {
        fprintf(stderr, "engine: out of memory\n");
        return -1;
    }
    return 0;
}

/* NAME-VERSION.pack, when both are plain enough to name a file. */
static char *default_output(const pack_info *info)
{
    char *s = NULL;
    if (asprintf(&s, "%s-%s.pack", info->name, info->version) < 0)
        return NULL;
    bool ok = s[0] != '.' && s[0] != '-';
    for (const char *c = s; ok && *c; c++)
        ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
             strchr("._+-", *c);
    if (!ok) {
        fprintf(stderr, "engine: cannot make a file name of '%s'; name the file with -o FILE\n", s);
        free(s);
        return NULL;
    }
    return s;
}

static void on_file(void *ud, const char *name, size_t bytes)
{
    (void)ud;
    printf("  %-48s %9zu\n", name, bytes);
}

static int write_pack(const char *dir, const char *out, const pack_info *info)
{
    pack_archive_meta meta = {info->name, info->version, info->hash, on_file, NULL};
    pack_archive_summary sum;
    char err[2048];
    printf("packing %s %s+%s from %s\n", info->name, info->version, info->hash, dir);
    if (pack_archive_write(dir, out, &meta, &sum, err, sizeof err)) {
        fprintf(stderr, "engine: %s\n", err);
        return EXIT_USAGE;
    }
    printf("packed %zu files, %llu bytes, into %s\nchecksum sha256:%s\n", sum.files,
           (unsigned long long)sum.bytes, out, sum.checksum);
    return EXIT_OK;
}

/* DIR must be one pack folder: its real path, parent and folder name. */
static int resolve(const char *arg, char **dir, char **parent, const char **folder)
{
    struct stat st;
    char *manifest = NULL;
    *dir = *parent = NULL;
    if (stat(arg, &st)) {
        fprintf(stderr, "engine: %s: %s\n", arg, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, "engine: %s: not a pack folder (already a pack file?)\n", arg);
        return -1;
    }
    bool has = (*dir = realpath(arg, NULL)) && asprintf(&manifest, "%s/pack.lua", *dir) >= 0 &&
               stat(manifest, &st) == 0 && S_ISREG(st.st_mode);
    free(manifest);
    char *slash = *dir ? strrchr(*dir, '/') : NULL;
    if (!has || !slash || !slash[1]) {
        fprintf(stderr, "engine: %s: not a pack folder (no pack.lua); pack one pack at a time, "
                        "e.g. engine pack rules/common\n", arg);
        free(*dir);
        *dir = NULL;
        return -1;
    }
    *folder = slash + 1;
    *parent = slash == *dir ? strdup("/") : strndup(*dir, (size_t)(slash - *dir));
    return *parent ? 0 : -1;
}

int cmd_pack(const cli_opts *o)
{
    if (o->nargs != 1) {
        fprintf(stderr, "engine: pack needs one pack folder: engine pack DIR [-o FILE]\n");
        return EXIT_USAGE;
    }
    char *dir, *parent, *path = NULL, *out = NULL;
    const char *folder;
    if (resolve(o->args[0], &dir, &parent, &folder))
        return EXIT_USAGE;
    pack_info info = {0};
    int rc = EXIT_USAGE;
    /* The path pack discovery gives the pack when it lists parent. */
    if (asprintf(&path, "%s/%s", parent, folder) >= 0 &&
        !load_pack_info(path, parent, folder, &info)) {
        if (info.problems) {
            fprintf(stderr, "engine: %s: %zu problem%s: not packed\n", o->args[0], info.problems,
                    info.problems == 1 ? "" : "s");
            rc = EXIT_SOME_FAILED;
        } else if ((out = o->output ? strdup(o->output) : default_output(&info))) {
            rc = write_pack(dir, out, &info);
        }
    }
    free(out);
    free(path);
    free(info.name);
    free(info.version);
    free(info.hash);
    free(dir);
    free(parent);
    return rc;
}
