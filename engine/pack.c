/*
 * pack.c — discovers packs and computes their content hash (pack.h).
 *
 * The hash covers every file a pack is made of (manifest, rules, lexicons
 * and tests), so that the pack_version in each fact changes whenever the
 * pack does, even when its author forgets to bump the manifest version.
 * A .pack file (pack_archive.h) is extracted and then discovered like a
 * folder; the hash is over the same names and bytes, so a packed pack has
 * the pack_version of the folder it was made from.
 */
#include "pack.h"
#include "array.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pack_archive.h"

typedef struct {
    char **v;
    size_t n, cap;
} names;

static int names_add(names *l, char *s)
{
    if (!s)
        return -1;
    if (array_reserve((void **)&l->v, &l->cap, l->n, sizeof *l->v)) {
        free(s);
        return -1;
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
    if (out->n > 1) /* qsort wants a real array, even for nothing */
        qsort(out->v, out->n, sizeof *out->v, cmp_name);
    return rc;
}

/* FNV-1a, 64 bits: not for security (a .pack file's SHA-256 checksum
 * guards against damage), only to tell versions apart. */
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

/* A .pack file: verified and extracted, then the one pack inside it.  On
 * failure p holds nothing and the extracted folder is gone. */
static int load_archive(const char *file, pack_files *p, pack_error_fn err, void *ud)
{
    char tmp[4096], msg[2048];
    memset(p, 0, sizeof *p);
    if (pack_archive_extract(file, tmp, sizeof tmp, msg, sizeof msg)) {
        err(ud, NULL, msg); /* msg starts with the file's name */
        return -1;
    }
    names inner = {0};
    /* pack_archive_extract guarantees one folder holding a pack.lua. */
    int rc = list(tmp, NULL, &inner) || inner.n != 1 ? -1 : load_pack(inner.v[0], p);
    names_free(&inner);
    if (!rc && (!(p->tmpdir = strdup(tmp)) || !(p->source = strdup(file))))
        rc = -1;
    if (rc) {
        err(ud, file, "cannot read the pack extracted from this file");
        pack_files_clear(p);
        pack_archive_cleanup(tmp);
    }
    return rc;
}

static int cmp_folder(const void *a, const void *b)
{
    return strcmp(((const pack_files *)a)->folder, ((const pack_files *)b)->folder);
}

/* Two packs under one folder name would both run: an installed
 * pub-1.1.pack beside pub-1.0.pack, or beside the rules/pub it was made
 * from.  source[i] is where packs[i] came from. */
static int check_unique(const pack_files *packs, char *const *source, size_t k,
                        pack_error_fn err, void *ud)
{
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            if (!strcmp(packs[i].folder, packs[j].folder)) {
                char msg[1024];
                snprintf(msg, sizeof msg, "two packs named '%s' here: %s and %s; keep one",
                         packs[i].folder, source[i], source[j]);
                err(ud, NULL, msg);
                return -1;
            }
    return 0;
}

/* What rules_dir holds: pack folders in dirs, .pack files in archives. */
static int find_sources(const char *rules_dir, names *dirs, names *archives,
                        pack_error_fn err, void *ud)
{
    if (is_file(rules_dir) && ends_with(rules_dir, ".pack"))
        return names_add(archives, strdup(rules_dir));
    struct stat st;
    if (stat(rules_dir, &st)) {
        err(ud, rules_dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        err(ud, rules_dir, "not a folder of rule packs, nor a .pack file");
        return -1;
    }
    if (has_manifest(rules_dir))
        return names_add(dirs, strdup(rules_dir));
    if (list(rules_dir, NULL, dirs) || list(rules_dir, ".pack", archives)) {
        err(ud, rules_dir, strerror(errno));
        return -1;
    }
    return 0;
}

static int load_sources(const names *dirs, const names *archives, pack_files *packs,
                        char **source, size_t *k, pack_error_fn err, void *ud)
{
    for (size_t i = 0; i < dirs->n; i++) {
        if (!has_manifest(dirs->v[i]))
            continue; /* a folder without pack.lua is not a pack (docs, tools) */
        source[*k] = dirs->v[i];
        if (load_pack(dirs->v[i], &packs[(*k)++])) {
            err(ud, dirs->v[i], "cannot read the pack's files");
            return -1;
        }
    }
    for (size_t i = 0; i < archives->n; i++) {
        source[*k] = archives->v[i];
        if (load_archive(archives->v[i], &packs[*k], err, ud))
            return -1;
        (*k)++;
    }
    return 0;
}

int pack_discover(const char *rules_dir, pack_files **out, size_t *n,
                  pack_error_fn err, void *ud)
{
    names dirs = {0}, archives = {0};
    *out = NULL;
    *n = 0;
    if (find_sources(rules_dir, &dirs, &archives, err, ud)) {
        names_free(&dirs);
        names_free(&archives);
        return -1;
    }
    size_t total = dirs.n + archives.n;
    pack_files *packs = calloc(total ? total : 1, sizeof *packs);
    char **source = calloc(total ? total : 1, sizeof *source);
    size_t k = 0;
    int rc = packs && source ? load_sources(&dirs, &archives, packs, source, &k, err, ud) : -1;
    if (!rc && k == 0) {
        err(ud, rules_dir, "no rule pack here (a pack is a folder with a pack.lua, or a .pack file)");
        rc = -1;
    }
    if (!rc)
        rc = check_unique(packs, source, k, err, ud);
    free(source);
    names_free(&dirs);
    names_free(&archives);
    if (rc) {
        pack_files_free(packs, k);
        return -1;
    }
    /* Sorted by name, common first: every other pack may extend it. */
    qsort(packs, k, sizeof *packs, cmp_folder);
    for (size_t i = 1; i < k; i++)
        if (!strcmp(packs[i].folder, "common")) {
            pack_files c = packs[i];
            memmove(packs + 1, packs, i * sizeof *packs);
            packs[0] = c;
        }
    *out = packs;
    *n = k;
    return 0;
}

void pack_files_clear(pack_files *p)
{
    for (size_t k = 0; k < p->nrules; k++)
        free(p->rules[k]);
    for (size_t k = 0; k < p->nlexicons; k++)
        free(p->lexicons[k]);
    free(p->rules);
    free(p->lexicons);
    free(p->folder);
    free(p->dir);
    /* The folder a .pack file was extracted to dies with its pack; there
     * is no caller to hand a failure to, so it is said here. */
    if (p->tmpdir && pack_archive_cleanup(p->tmpdir))
        fprintf(stderr, "engine: %s: cannot remove this temporary folder: %s\n", p->tmpdir,
                strerror(errno));
    free(p->tmpdir);
    free(p->source);
    memset(p, 0, sizeof *p);
}

void pack_files_free(pack_files *p, size_t n)
{
    for (size_t i = 0; p && i < n; i++)
        pack_files_clear(&p[i]);
    free(p);
}
