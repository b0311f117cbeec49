/*
 * pack_archive.c — a rule pack as one SQLite archive file (pack_archive.h).
 *
 * Packs are shipped as single files so that installing one is a copy and
 * a damaged or edited copy is noticed: the checksum is verified over the
 * whole content before a single file is extracted, and every stored name
 * is checked so that a crafted archive cannot write outside the private
 * folder it is extracted to.  SHA-256 is written out here (FIPS 180-4) to
 * avoid a dependency for ~80 lines; the unit tests hold the standard test
 * vectors.
 */
#include "pack_archive.h"
#include "sha256.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A pack is text; this bounds what a crafted archive can make us write. */
#define PARC_MAX_BYTES ((uint64_t)256 << 20)
#define PARC_MAX_DEPTH 16
#define PARC_TMP_PREFIX "engine-pack-"

static uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}


/* ---- shared helpers -------------------------------------------------------- */

/* "FILE: what went wrong": every error names the file it is about. */
static int fail(char *err, size_t cap, const char *file, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(err, cap, "%s: %s", file, msg);
    return -1;
}

bool pack_archive_name_ok(const char *name, size_t len)
{
    if (len == 0 || len > PACK_ARCHIVE_NAME_MAX || strlen(name) != len)
        return false; /* empty, too long, or a NUL inside */
    const char *comp = name;
    for (size_t i = 0; i <= len; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (ch == '/' || ch == '\0') {
            /* Empty ("//", leading or trailing '/'), ".", ".." and hidden
             * components: an absolute path, a way out, or a file pack
             * discovery would not see. */
            if (name + i == comp || comp[0] == '.')
                return false;
            comp = name + i + 1;
        } else if (ch < 0x20 || ch == 0x7f || ch == '\\') {
            return false;
        }
    }
    return true;
}

/* The first component of a checked name, in buf. */
static void first_component(const char *name, char *buf, size_t cap)
{
    size_t n = strcspn(name, "/");
    snprintf(buf, cap, "%.*s", (int)n, name);
}

static int db_fail(char *err, size_t cap, const char *file, sqlite3 *db, const char *doing)
{
    return fail(err, cap, file, "%s: %s", doing, db ? sqlite3_errmsg(db) : "out of memory");
}

/* The checksum over every file in name order, checking each entry on the
 * way (pack_archive.h).  Used when writing, so that what is stored is what
 * the reader will verify, and when reading, before anything is extracted. */
typedef struct {
    char folder[256]; /* the one pack's folder: every name's first component */
    bool manifest;    /* FOLDER/pack.lua is there */
    size_t files;
    uint64_t bytes;
    char checksum[65];
} parc_scan;

static int scan_row(sqlite3_stmt *st, parc_scan *sc, sha256_ctx *sha, const char *file,
                    char *err, size_t cap)
{
    /* The type first: asking for text would convert a blob name. */
    bool is_text = sqlite3_column_type(st, 0) == SQLITE_TEXT;
    const char *name = (const char *)sqlite3_column_text(st, 0);
    size_t len = (size_t)sqlite3_column_bytes(st, 0);
    if (!is_text || !name || !pack_archive_name_ok(name, len))
        return fail(err, cap, file, "unsafe or malformed file name '%s' in the archive: refused",
                    name ? name : "");
    size_t toplen = strcspn(name, "/");
    if (!name[toplen] || toplen >= sizeof sc->folder)
        return fail(err, cap, file, "'%s' is not inside a pack folder: refused", name);
    sqlite3_int64 mode = sqlite3_column_int64(st, 1);
    if ((mode & S_IFMT) != S_IFREG)
        return fail(err, cap, file, "'%s' is not a regular file (a symlink or folder entry): refused", name);
    int type = sqlite3_column_type(st, 3);
    if (type != SQLITE_BLOB && type != SQLITE_NULL)
        return fail(err, cap, file, "'%s' has no file data", name);
    const void *data = sqlite3_column_blob(st, 3);
    uint64_t n = (uint64_t)sqlite3_column_bytes(st, 3);
    if (sqlite3_column_int64(st, 2) != (sqlite3_int64)n)
        return fail(err, cap, file, "'%s' is compressed or damaged (sz %lld, %llu bytes stored); "
                    "packs are stored uncompressed", name,
                    (long long)sqlite3_column_int64(st, 2), (unsigned long long)n);
    char top[sizeof sc->folder];
    first_component(name, top, sizeof top);
    if (sc->files == 0)
        memcpy(sc->folder, top, sizeof top);
    else if (strcmp(sc->folder, top))
        return fail(err, cap, file, "holds more than one pack ('%s' and '%s'); a pack file holds one",
                    sc->folder, top);
    if (!strcmp(name + strlen(top), "/pack.lua"))
        sc->manifest = true;
    sc->files++;
    if ((sc->bytes += n) > PARC_MAX_BYTES)
        return fail(err, cap, file, "more than %llu MB of files: refused",
                    (unsigned long long)(PARC_MAX_BYTES >> 20));
    unsigned char be[8];
    for (int i = 0; i < 8; i++)
        be[i] = (unsigned char)(n >> (56 - 8 * i));
    sha256_update(sha, name, len + 1); /* the NUL ends the name */
    sha256_update(sha, be, sizeof be);
    if (n)
        sha256_update(sha, data, (size_t)n);
    return 0;
}

static int scan_archive(sqlite3 *db, const char *file, parc_scan *sc, char *err, size_t cap)
{
    sqlite3_stmt *st = NULL;
    memset(sc, 0, sizeof *sc);
    if (sqlite3_prepare_v2(db, "SELECT name, mode, sz, data FROM sqlar ORDER BY name COLLATE BINARY",
                           -1, &st, NULL))
        return db_fail(err, cap, file, db, "not a pack file (reading its file table)");
    sha256_ctx sha;
    sha256_init(&sha);
    int rc = SQLITE_DONE, bad = 0;
    while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW)
        bad = scan_row(st, sc, &sha, file, err, cap);
    if (!bad && rc != SQLITE_DONE)
        bad = db_fail(err, cap, file, db, "damaged: reading its files");
    sqlite3_finalize(st);
    if (bad)
        return -1;
    if (sc->files == 0)
        return fail(err, cap, file, "the archive holds no files");
    if (!sc->manifest)
        return fail(err, cap, file, "no %s/pack.lua in the archive: not a rule pack", sc->folder);
    unsigned char d[32];
    sha256_final(&sha, d);
    sha256_hex(d, sc->checksum);
    return 0;
}

/* ---- writing: the pack folder's files --------------------------------------- */

typedef struct {
    char *name; /* as stored: "common/lib/x.lua" */
    char *path; /* on disk */
} parc_file;

typedef struct {
    parc_file *v;
    size_t n, cap;
} parc_files;

static void files_free(parc_files *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].path);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int files_add(parc_files *l, const char *name, const char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        parc_file *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    parc_file f = {strdup(name), strdup(path)};
    if (!f.name || !f.path) {
        free(f.name);
        free(f.path);
        return -1;
    }
    l->v[l->n++] = f;
    return 0;
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const parc_file *)a)->name, ((const parc_file *)b)->name);
}

/* Every regular file below dir, stored as prefix/NAME.  Hidden entries are
 * skipped and symlinks followed, exactly as pack discovery does when it
 * hashes a pack: so the extracted pack has the same content hash. */
static int walk(const char *dir, const char *prefix, int depth, parc_files *out,
                char *err, size_t cap)
{
    if (depth > PARC_MAX_DEPTH)
        return fail(err, cap, dir, "folders nested too deep (a symlink loop?)");
    DIR *d = opendir(dir);
    if (!d)
        return fail(err, cap, dir, "%s", strerror(errno));
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *path = NULL, *name = NULL;
        struct stat st;
        if (asprintf(&path, "%s/%s", dir, e->d_name) < 0 ||
            asprintf(&name, "%s/%s", prefix, e->d_name) < 0) {
            free(path);
            closedir(d);
            return fail(err, cap, dir, "out of memory");
        }
        if (stat(path, &st))
            rc = fail(err, cap, path, "%s", strerror(errno));
        else if (S_ISDIR(st.st_mode))
            rc = walk(path, name, depth + 1, out, err, cap);
        else if (S_ISREG(st.st_mode) && !pack_archive_name_ok(name, strlen(name)))
            rc = fail(err, cap, path, "this file name cannot be stored in a pack (control "
                      "character, backslash or too long): rename it");
        else if (S_ISREG(st.st_mode) && files_add(out, name, path))
            rc = fail(err, cap, path, "out of memory");
        free(path);
        free(name);
    }
    closedir(d);
    return rc;
}

static int read_file(const char *path, unsigned char **buf, size_t *len, char *err, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    *buf = NULL;
    *len = 0;
    if (!fp)
        return fail(err, cap, path, "%s", strerror(errno));
    size_t have = 0, room = 0;
    unsigned char *b = NULL;
    int rc = 0;
    for (;;) {
        if (have == room) {
            room = room ? 2 * room : 8192;
            unsigned char *nb = room <= PARC_MAX_BYTES ? realloc(b, room) : NULL;
            if (!nb) {
                rc = fail(err, cap, path, "too large or out of memory");
                break;
            }
            b = nb;
        }
        size_t got = fread(b + have, 1, room - have, fp);
        have += got;
        if (got == 0) {
            if (ferror(fp))
                rc = fail(err, cap, path, "read error");
            break;
        }
    }
    fclose(fp);
    if (rc) {
        free(b);
        return -1;
    }
    *buf = b;
    *len = have;
    return 0;
}

/* ---- writing: the archive ------------------------------------------------- */

static const char schema_sql[] =
    "CREATE TABLE sqlar(name TEXT PRIMARY KEY, mode INT, mtime INT, sz INT, data BLOB);"
    "CREATE TABLE pack_meta(key TEXT PRIMARY KEY, value TEXT);";

static int insert_file(sqlite3 *db, sqlite3_stmt *st, const parc_file *f, const char *out,
                       const pack_archive_meta *meta, pack_archive_summary *sum, char *err, size_t cap)
{
    unsigned char *data;
    size_t len;
    struct stat s;
    if (stat(f->path, &s))
        return fail(err, cap, f->path, "%s", strerror(errno));
    if (read_file(f->path, &data, &len, err, cap))
        return -1;
    /* Mode normalised: permissions are not part of a pack. */
    sqlite3_reset(st);
    int rc = sqlite3_bind_text(st, 1, f->name, -1, SQLITE_STATIC) ||
             sqlite3_bind_int64(st, 2, S_IFREG | 0644) ||
             sqlite3_bind_int64(st, 3, (sqlite3_int64)s.st_mtime) ||
             sqlite3_bind_int64(st, 4, (sqlite3_int64)len) ||
             sqlite3_bind_blob64(st, 5, data ? (const void *)data : "", len, SQLITE_STATIC) ||
             sqlite3_step(st) != SQLITE_DONE;
    free(data);
    if (rc)
        return db_fail(err, cap, out, db, "writing");
    sum->files++;
    sum->bytes += len;
    if (meta->on_file)
        meta->on_file(meta->ud, f->name, len);
    return 0;
}

static int insert_meta(sqlite3_stmt *st, const char *key, const char *value)
{
    sqlite3_reset(st);
    return sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) ||
           sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC) ||
           sqlite3_step(st) != SQLITE_DONE;
}

/* created: now, or $SOURCE_DATE_EPOCH for reproducible builds. */
static void created_now(char buf[32])
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, 32, "unknown");
}

static int write_meta(sqlite3 *db, const pack_archive_meta *meta, const char *checksum,
                      const char *out, char *err, size_t cap)
{
    sqlite3_stmt *st = NULL;
    char created[32], format[16];
    created_now(created);
    snprintf(format, sizeof format, "%d", PACK_ARCHIVE_FORMAT);
    const char *kv[][2] = {
        {"name", meta->name}, {"version", meta->version},
        {"content_hash", meta->content_hash}, {"created", created},
        {"format_version", format}, {"checksum", checksum},
    };
    if (sqlite3_prepare_v2(db, "INSERT INTO pack_meta(key, value) VALUES (?1, ?2)", -1, &st, NULL))
        return db_fail(err, cap, out, db, "writing");
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof kv / sizeof kv[0]; i++)
        if (kv[i][1])
            rc = insert_meta(st, kv[i][0], kv[i][1]);
    sqlite3_finalize(st);
    return rc ? db_fail(err, cap, out, db, "writing") : 0;
}

static int fill_archive(sqlite3 *db, const parc_files *files, const char *out,
                        const pack_archive_meta *meta, pack_archive_summary *sum,
                        char *err, size_t cap)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) || sqlite3_exec(db, schema_sql, NULL, NULL, NULL) ||
        sqlite3_prepare_v2(db, "INSERT INTO sqlar(name, mode, mtime, sz, data) VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &st, NULL))
        return db_fail(err, cap, out, db, "creating");
    int rc = 0;
    for (size_t i = 0; !rc && i < files->n; i++)
        rc = insert_file(db, st, &files->v[i], out, meta, sum, err, cap);
    sqlite3_finalize(st);
    parc_scan sc;
    if (!rc && !(rc = scan_archive(db, out, &sc, err, cap)))
        memcpy(sum->checksum, sc.checksum, sizeof sum->checksum);
    if (!rc)
        rc = write_meta(db, meta, sum->checksum, out, err, cap);
    if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
        rc = db_fail(err, cap, out, db, "writing");
    return rc;
}

/* The pack folder's name: its last component, trailing slashes aside. */
static int folder_name(const char *dir, char *buf, size_t cap)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && dir[start - 1] != '/')
        start--;
    if (n - start >= cap)
        return -1;
    memcpy(buf, dir + start, n - start);
    buf[n - start] = '\0';
    return pack_archive_name_ok(buf, n - start) ? 0 : -1;
}

/* The archive must not end up among the files it packs. */
static bool inside(const char *pack_dir, const char *out_file)
{
    char *dir = realpath(pack_dir, NULL), *copy = strdup(out_file), *parent = NULL;
    if (copy) {
        char *slash = strrchr(copy, '/');
        if (slash)
            *(slash == copy ? slash + 1 : slash) = '\0';
        parent = realpath(slash ? copy : ".", NULL);
    }
    size_t n = dir ? strlen(dir) : 0;
    bool in = dir && parent && !strncmp(parent, dir, n) && (parent[n] == '\0' || parent[n] == '/');
    free(dir);
    free(copy);
    free(parent);
    return in;
}

static int collect(const char *pack_dir, const char *folder, const char *out_file,
                   parc_files *files, char *err, size_t cap)
{
    if (inside(pack_dir, out_file))
        return fail(err, cap, out_file, "the pack file would be written inside the pack it holds; "
                    "write it elsewhere");
    if (walk(pack_dir, folder, 0, files, err, cap))
        return -1;
    if (files->n > 1)
        qsort(files->v, files->n, sizeof *files->v, cmp_file);
    for (size_t i = 0; i < files->n; i++)
        if (!strcmp(files->v[i].name + strlen(folder), "/pack.lua"))
            return 0;
    return fail(err, cap, pack_dir, "no pack.lua: not a rule pack");
}

/* Fill a new archive at tmp (an empty file) and rename it to out_file. */
static int write_and_rename(const char *tmp, const char *out_file, const parc_files *files,
                            const pack_archive_meta *meta, pack_archive_summary *sum,
                            char *err, size_t cap)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL)
                 ? db_fail(err, cap, out_file, db, "creating")
                 : fill_archive(db, files, out_file, meta, sum, err, cap);
    if (sqlite3_close(db) != SQLITE_OK && !rc)
        rc = fail(err, cap, out_file, "closing the archive failed");
    if (!rc && rename(tmp, out_file))
        rc = fail(err, cap, out_file, "%s", strerror(errno));
    return rc;
}

int pack_archive_write(const char *pack_dir, const char *out_file,
                       const pack_archive_meta *meta, pack_archive_summary *sum,
                       char *err, size_t errcap)
{
    char folder[256], *tmp = NULL;
    parc_files files = {0};
    memset(sum, 0, sizeof *sum);
    if (folder_name(pack_dir, folder, sizeof folder))
        return fail(err, errcap, pack_dir, "this folder name cannot name a pack in an archive");
    if (collect(pack_dir, folder, out_file, &files, err, errcap)) {
        files_free(&files);
        return -1;
    }
    /* Written beside the target and renamed over it when complete: a
     * failure never leaves a half-written pack under the final name. */
    int fd = asprintf(&tmp, "%s.XXXXXX", out_file) < 0 ? -1 : mkstemp(tmp);
    int rc = fd < 0 ? fail(err, errcap, out_file, "cannot create: %s", strerror(errno)) : 0;
    if (fd >= 0) {
        /* mkstemp makes the file private; a pack is for sharing. */
        mode_t mask = umask(0);
        umask(mask);
        fchmod(fd, 0666 & ~mask);
        close(fd);
        rc = write_and_rename(tmp, out_file, &files, meta, sum, err, errcap);
        if (rc)
            unlink(tmp);
    }
    free(tmp);
    files_free(&files);
    return rc;
}

/* ---- reading -------------------------------------------------------------- */

/* The file's header, before SQLite sees it: a clear word for "not a
 * database" and for a truncated copy (SQLite itself may read a truncated
 * file's missing pages as empty and say nothing). */
static int check_header(const char *file, char *err, size_t cap)
{
    static const char magic[16] = "SQLite format 3";
    unsigned char h[100];
    struct stat st;
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail(err, cap, file, "%s", strerror(errno));
    ssize_t got = fstat(fd, &st) ? -1 : read(fd, h, sizeof h);
    int e = errno;
    close(fd);
    if (got < 0)
        return fail(err, cap, file, "%s", strerror(e));
    if (!S_ISREG(st.st_mode))
        return fail(err, cap, file, "not a regular file");
    if (got < (ssize_t)sizeof h || memcmp(h, magic, sizeof magic))
        return fail(err, cap, file, got >= 16 && !memcmp(h, magic, sizeof magic)
                    ? "damaged: the file is truncated" : "not a pack file (not an SQLite archive)");
    uint32_t page = (uint32_t)h[16] << 8 | h[17];
    if (page == 1)
        page = 65536;
    uint32_t pages = load_be32(h + 28);
    /* The page count in the header is only valid when written by a
     * version that keeps it, which the two change counters tell. */
    if (pages && load_be32(h + 92) == load_be32(h + 24)) {
        uint64_t want = (uint64_t)page * pages;
        if ((uint64_t)st.st_size < want)
            return fail(err, cap, file, "damaged: the file is truncated or its header is "
                        "wrong (%lld bytes; the header says %llu)",
                        (long long)st.st_size, (unsigned long long)want);
        if ((uint64_t)st.st_size > want)
            return fail(err, cap, file, "damaged: %llu bytes more than the archive holds",
                        (unsigned long long)st.st_size - want);
    }
    return 0;
}

static int check_tables(sqlite3 *db, const char *file, char *err, size_t cap)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL))
        return db_fail(err, cap, file, db, "damaged");
    int rc = sqlite3_step(st);
    const char *ok = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    static const char banner[] = "*** in database main ***\n";
    if (ok && !strncmp(ok, banner, strlen(banner)))
        ok += strlen(banner);
    int bad = ok && !strcmp(ok, "ok") ? 0
              : ok ? fail(err, cap, file, "damaged: %.*s", (int)strcspn(ok, "\n"), ok)
                   : db_fail(err, cap, file, db, "damaged");
    sqlite3_finalize(st);
    if (bad)
        return -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                               "AND name IN ('sqlar', 'pack_meta')", -1, &st, NULL))
        return db_fail(err, cap, file, db, "damaged");
    int tables = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (tables != 2)
        return fail(err, cap, file, "not a pack file (an SQLite file without the sqlar and "
                    "pack_meta tables `engine pack` writes)");
    return 0;
}

static int meta_value(sqlite3 *db, const char *key, char *buf, size_t bufcap)
{
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db, "SELECT value FROM pack_meta WHERE key = ?1", -1, &st, NULL))
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT;
    if (found)
        snprintf(buf, bufcap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return found ? 0 : -1;
}

/* Everything that must hold before a byte is extracted. */
static int verify(sqlite3 *db, const char *file, char *err, size_t cap)
{
    char format[32], want[80];
    if (check_tables(db, file, err, cap))
        return -1;
    if (meta_value(db, "format_version", format, sizeof format))
        return fail(err, cap, file, "not a pack file (no format_version in pack_meta)");
    if (strcmp(format, "1"))
        return fail(err, cap, file, "pack format %s: this engine reads format %d; "
                    "a newer engine made it", format, PACK_ARCHIVE_FORMAT);
    if (meta_value(db, "checksum", want, sizeof want) || strlen(want) != 64)
        return fail(err, cap, file, "no checksum in pack_meta: refused");
    parc_scan sc;
    if (scan_archive(db, file, &sc, err, cap))
        return -1;
    if (strcmp(sc.checksum, want))
        return fail(err, cap, file, "checksum mismatch: the file was changed after it was packed");
    return 0;
}

/* mkdir -p for the folders of root/name; the root is ours and private, so
 * nothing else can have put a symlink there. */
static int make_parents(char *path, size_t root, const char *file, char *err, size_t cap)
{
    for (char *p = path + root + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        int rc = mkdir(path, 0755);
        int e = errno;
        *p = '/';
        if (rc && e != EEXIST)
            return fail(err, cap, file, "extracting to %s: %s", path, strerror(e));
    }
    return 0;
}

static int write_out(const char *root, const char *name, const void *data, size_t n,
                     const char *file, char *err, size_t cap)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%s", root, name) < 0)
        return fail(err, cap, file, "out of memory");
    int rc = make_parents(path, strlen(root), file, err, cap);
    /* O_EXCL: a name stored twice (a crafted table without its primary
     * key) is an error, not a silent overwrite. */
    int fd = rc ? -1 : open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (!rc && fd < 0)
        rc = fail(err, cap, file, "extracting %s: %s", name, strerror(errno));
    const char *p = data;
    while (!rc && n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            rc = fail(err, cap, file, "extracting %s: %s", name, strerror(errno));
        else {
            p += w;
            n -= (size_t)w;
        }
    }
    if (fd >= 0 && close(fd) && !rc)
        rc = fail(err, cap, file, "extracting %s: %s", name, strerror(errno));
    free(path);
    return rc;
}

static int extract_all(sqlite3 *db, const char *root, const char *file, char *err, size_t cap)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name, data FROM sqlar ORDER BY name COLLATE BINARY",
                           -1, &st, NULL))
        return db_fail(err, cap, file, db, "reading");
    int rc = 0, step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const void *data = sqlite3_column_blob(st, 1);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        /* Same snapshot as verify() saw (one read transaction), checked
         * again all the same: a name is what could do harm. */
        if (!name || !pack_archive_name_ok(name, (size_t)sqlite3_column_bytes(st, 0)))
            rc = fail(err, cap, file, "unsafe file name in the archive: refused");
        else
            rc = write_out(root, name, data, n, file, err, cap);
    }
    if (!rc && step != SQLITE_DONE)
        rc = db_fail(err, cap, file, db, "reading");
    sqlite3_finalize(st);
    return rc;
}

/* Whether the folder at path (named name) is one an earlier run
 * extracted into and could not remove (it was killed): named for a
 * process of ours that no longer exists.  A folder named for a live
 * process, another user's, or one without a process id (made by an older
 * engine) is never touched. */
static bool abandoned(const char *path, const char *name)
{
    char *end;
    errno = 0;
    long pid = strtol(name + strlen(PARC_TMP_PREFIX), &end, 10);
    if (errno || pid <= 0 || *end != '-' || pid == (long)getpid())
        return false;
    struct stat st;
    if (lstat(path, &st) || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
        return false;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Remove what killed runs left in base; best effort, silently. */
static void sweep_abandoned(const char *base)
{
    DIR *d = opendir(base);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[PATH_MAX];
        if (strncmp(e->d_name, PARC_TMP_PREFIX, strlen(PARC_TMP_PREFIX)) ||
            snprintf(path, sizeof path, "%s/%s", base, e->d_name) >= (int)sizeof path)
            continue;
        if (abandoned(path, e->d_name))
            pack_archive_cleanup(path);
    }
    closedir(d);
}

/* The folder is named for this process, so that a later run can tell it
 * was abandoned if this one is killed before it removes it. */
static int make_tmpdir(char *out, size_t cap, const char *file, char *err, size_t errcap)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    sweep_abandoned(base);
    int n = snprintf(out, cap, "%s/" PARC_TMP_PREFIX "%ld-XXXXXX", base, (long)getpid());
    if (n < 0 || (size_t)n >= cap)
        return fail(err, errcap, file, "the temporary folder's path is too long");
    if (!mkdtemp(out))
        return fail(err, errcap, file, "cannot make a temporary folder in %s: %s", base, strerror(errno));
    return 0;
}

int pack_archive_extract(const char *pack_file, char *out_dir, size_t cap,
                         char *err, size_t errcap)
{
    if (cap)
        out_dir[0] = '\0';
    if (check_header(pack_file, err, errcap))
        return -1;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(pack_file, &db, SQLITE_OPEN_READONLY, NULL)) {
        db_fail(err, errcap, pack_file, db, "cannot open");
        sqlite3_close(db);
        return -1;
    }
    /* One read transaction: what is verified is what is extracted, even if
     * the file is replaced meanwhile. */
    int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL)
                 ? db_fail(err, errcap, pack_file, db, "cannot read")
                 : verify(db, pack_file, err, errcap);
    bool made = false;
    if (!rc && !(rc = make_tmpdir(out_dir, cap, pack_file, err, errcap))) {
        made = true;
        rc = extract_all(db, out_dir, pack_file, err, errcap);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    if (rc && made) {
        pack_archive_cleanup(out_dir);
        out_dir[0] = '\0';
    }
    return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) ? -1 : 0;
}

int pack_archive_cleanup(const char *dir)
{
    /* Only what pack_archive_extract made: never a user's folder by mistake. */
    const char *slash = dir ? strrchr(dir, '/') : NULL;
    if (!slash || strncmp(slash + 1, PARC_TMP_PREFIX, strlen(PARC_TMP_PREFIX)))
        return -1;
    return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) ? -1 : 0;
}
