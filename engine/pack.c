/*
 * pack.c — discovers packs and computes their content hash (pack.h).
 *
 * The hash covers every file a pack is made of (manifest, rules, lexicons
 * and tests), so that the pack_version in each fact changes whenever the
 * pack does, even when its author forgets to bump the manifest version.
 */
#include "pack.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    char **v;
    size_t n, cap;
} names;

static int names_add(names *l, char *s)
{
    if (!s)
        return -1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            free(s);
            return -1;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = s;
    return 0;
}

static void names_free(names *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *a, const char *b)
{
    char *s = NULL;
    return asprintf(&s, "%s/%s", a, b) < 0 ? NULL : s;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcmp(s + n - k, suffix);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Entries of dir ending in suffix (files), or every sub-folder when suffix
 * is NULL; sorted, hidden ones skipped. */
static int list(const char *dir, const char *suffix, names *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *path = join(dir, e->d_name);
        if (!path) { rc = -1; break; }
        bool want = suffix ? ends_with(e->d_name, suffix) && is_file(path) : is_dir(path);
        if (want)
            rc = names_add(out, path);
        else
            free(path);
    }
    closedir(d);
    qsort(out->v, out->n, sizeof *out->v, cmp_name);
    return rc;
}

/* FNV-1a, 64 bits: not for security (pack files are signed by the archive
 * checksum), only to tell versions apart. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ull;
    }
    return h;
}

static int hash_file(uint64_t *h, const char *path, const char *rel)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    *h = fnv(*h, rel, strlen(rel) + 1);
    char buf[8192];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0)
        *h = fnv(*h, buf, got);
    int rc = ferror(fp) ? -1 : 0;
    fclose(fp);
    return rc;
}

/* Every regular file below dir, recursively, in sorted order; names are
 * hashed relative to the pack (root bytes of each path skipped), so a pack
 * hashes the same wherever it lies. */
static int hash_tree(uint64_t *h, const char *dir, size_t root)
{
    names files = {0}, subs = {0};
    int rc = list(dir, "", &files) | list(dir, NULL, &subs);
    for (size_t i = 0; !rc && i < files.n; i++)
        rc = hash_file(h, files.v[i], files.v[i] + root);
    for (size_t i = 0; !rc && i < subs.n; i++)
        rc = hash_tree(h, subs.v[i], root);
    names_free(&files);
    names_free(&subs);
    return rc;
}

static int load_pack(const char *dir, pack_files *p)
{
    memset(p, 0, sizeof *p);
    const char *slash = strrchr(dir, '/');
    p->folder = strdup(slash && slash[1] ? slash + 1 : dir);
    p->dir = strdup(dir);
    names rules = {0}, lex = {0};
    char *lexdir = join(dir, "lexicon");
    int rc = (!p->folder || !p->dir || !lexdir) ? -1 : 0;
    if (!rc)
        rc = list(dir, ".lua", &rules) | list(lexdir, ".tsv", &lex);
    free(lexdir);
    /* pack.lua is the manifest, not a rule. */
    for (size_t i = 0; i < rules.n; i++)
        if (ends_with(rules.v[i], "/pack.lua")) {
            free(rules.v[i]);
            memmove(rules.v + i, rules.v + i + 1, (rules.n - i - 1) * sizeof *rules.v);
            rules.n--;
            break;
        }
    p->rules = rules.v;
    p->nrules = rules.n;
    p->lexicons = lex.v;
    p->nlexicons = lex.n;
    uint64_t h = 14695981039346656037ull;
    if (!rc)
        rc = hash_tree(&h, dir, strlen(dir) + 1);
    snprintf(p->hash, sizeof p->hash, "%08llx", (unsigned long long)(h >> 32 ^ (h & 0xffffffffu)));
    return rc;
}

static bool has_manifest(const char *dir)
{
    char *m = join(dir, "pack.lua");
    bool yes = m && is_file(m);
    free(m);
    return yes;
}

int pack_discover(const char *rules_dir, pack_files **out, size_t *n,
                  pack_error_fn err, void *ud)
{
    names dirs = {0};
    *out = NULL;
    *n = 0;
    if (!is_dir(rules_dir)) {
        err(ud, rules_dir, "not a folder of rule packs");
        return -1;
    }
    if (has_manifest(rules_dir)) {
        if (names_add(&dirs, strdup(rules_dir)))
            return -1;
    } else if (list(rules_dir, NULL, &dirs)) {
        err(ud, rules_dir, strerror(errno));
        return -1;
    }
    pack_files *packs = calloc(dirs.n ? dirs.n : 1, sizeof *packs);
    size_t k = 0;
    int rc = packs ? 0 : -1;
    for (size_t i = 0; !rc && i < dirs.n; i++) {
        if (!has_manifest(dirs.v[i]))
            continue; /* a folder without pack.lua is not a pack (docs, tools) */
        if (load_pack(dirs.v[i], &packs[k])) {
            err(ud, dirs.v[i], "cannot read the pack's files");
            rc = -1;
        }
        k++;
    }
    names_free(&dirs);
    if (!rc && k == 0) {
        err(ud, rules_dir, "no rule pack here (a pack is a folder with a pack.lua)");
        rc = -1;
    }
    /* common first: every other pack may extend it. */
    for (size_t i = 1; i < k; i++)
        if (!strcmp(packs[i].folder, "common")) {
            pack_files c = packs[i];
            memmove(packs + 1, packs, i * sizeof *packs);
            packs[0] = c;
        }
    if (rc) {
        pack_files_free(packs, k);
        return -1;
    }
    *out = packs;
    *n = k;
    return 0;
}

void pack_files_free(pack_files *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++) {
        for (size_t k = 0; k < p[i].nrules; k++)
            free(p[i].rules[k]);
        for (size_t k = 0; k < p[i].nlexicons; k++)
            free(p[i].lexicons[k]);
        free(p[i].rules);
        free(p[i].lexicons);
        free(p[i].folder);
        free(p[i].dir);
    }
    free(p);
}
