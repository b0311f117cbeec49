/*
 * test_pack_archive.c — unit tests for engine/pack_archive.c: SHA-256 on
 * the FIPS 180-4 / NIST test vectors (whole and fed in awkward pieces), a
 * pack written and extracted again, and every way a pack file is refused:
 * data or names edited after packing, not an SQLite file, truncated, names
 * that would escape the extraction folder, entries that are not files.
 *
 * Each test works in its own folder under a private root; TMPDIR points
 * inside it, so the tests can check that a refused pack leaves no
 * extraction folder behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pack_archive.h"
#include "sha256.h"

/* ---- SHA-256 ------------------------------------------------------------- */

static void sha_hex(const void *data, size_t n, size_t piece, char hex[65])
{
    sha256_ctx c;
    unsigned char d[32];
    sha256_init(&c);
    const unsigned char *p = data;
    for (size_t at = 0; at < n; at += piece)
        sha256_update(&c, p + at, n - at < piece ? n - at : piece);
    sha256_final(&c, d);
    sha256_hex(d, hex);
}

typedef struct {
    const char *in, *want;
} sha_case;

static const sha_case sha_cases[] = {
    {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", /* 448 bits */
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno" /* 896 bits */
     "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

/* Both the portable code and the processor's SHA instructions (where it
 * has them: otherwise the portable code twice). */
static void test_sha256_vectors(void **state)
{
    (void)state;
    static const size_t pieces[] = {1, 3, 63, 64, 65, 1000};
    char hex[65];
    for (int cpu = 0; cpu < 2; cpu++) {
        sha256_use_cpu(cpu);
        for (size_t i = 0; i < sizeof sha_cases / sizeof sha_cases[0]; i++)
            for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
                sha_hex(sha_cases[i].in, strlen(sha_cases[i].in), pieces[k], hex);
                assert_string_equal(hex, sha_cases[i].want);
            }
    }
    sha256_use_cpu(true);
}

/* Every length up to a few blocks, of bytes of every value: the two ways
 * agree. */
static void test_sha256_cpu_matches_portable(void **state)
{
    (void)state;
    unsigned char data[300];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 7 + (i >> 3));
    char a[65], b[65];
    for (size_t n = 0; n <= sizeof data; n++) {
        sha256_use_cpu(false);
        sha256_hex_of(data, n, a);
        sha256_use_cpu(true);
        sha256_hex_of(data, n, b);
        assert_string_equal(a, b);
    }
}

static void test_sha256_million_a(void **state)
{
    (void)state;
    size_t n = 1000000;
    char *a = malloc(n), hex[65];
    assert_non_null(a);
    memset(a, 'a', n);
    sha_hex(a, n, n, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    sha_hex(a, n, 4099, hex); /* blocks straddling every update */
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

/* ---- a scratch folder per test -------------------------------------------- */

typedef struct {
    char root[256];     /* everything this test writes */
    char tmp[300];      /* $TMPDIR while it runs */
    char pack[300];     /* root/src/demo: the pack folder */
    char file[300];     /* root/demo.pack */
    pack_archive_summary sum;
} scratch;

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    for (char *p = path + 1; (p = strchr(p, '/')); p++) { /* mkdir -p */
        *p = '\0';
        mkdir(path, 0755);
        *p = '/';
    }
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = calloc(1, 1 << 16);
    size_t n = buf ? fread(buf, 1, (1 << 16) - 1, fp) : 0;
    (void)n;
    fclose(fp);
    return buf;
}

static const char *const demo_files[][2] = {
    {"pack.lua", "return { name = \"demo\", version = \"2.1\" }\n"},
    {"revenue.lua", "return rule { name = \"revenue\", keywords = { \"营收\" } }\n"},
    {"lib/util.lua", "return { twice = function(x) return 2 * x end }\n"},
    {"lexicon/orgs.tsv", "商汤\t商汤\torg\n"},
    {"tests/one.txt", "商汤营收17.4亿元。\n"},
    {"tests/empty.facts.jsonl", ""},
};

static int setup(void **state)
{
    scratch *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    snprintf(s->root, sizeof s->root, "/tmp/test_pack_archive.XXXXXX");
    if (!mkdtemp(s->root))
        return -1;
    snprintf(s->tmp, sizeof s->tmp, "%s/tmp", s->root);
    snprintf(s->pack, sizeof s->pack, "%s/src/demo", s->root);
    snprintf(s->file, sizeof s->file, "%s/demo.pack", s->root);
    mkdir(s->tmp, 0700);
    setenv("TMPDIR", s->tmp, 1);
    for (size_t i = 0; i < sizeof demo_files / sizeof demo_files[0]; i++)
        write_file(s->pack, demo_files[i][0], demo_files[i][1]);
    write_file(s->pack, ".revenue.lua.swp", "an editor's swap file");
    write_file(s->pack, ".git/config", "hidden folder");
    *state = s;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int teardown(void **state)
{
    scratch *s = *state;
    nftw(s->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    unsetenv("TMPDIR");
    free(s);
    return 0;
}

static size_t entries(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

static void pack_it(scratch *s)
{
    char err[1024] = "";
    pack_archive_meta meta = {"demo", "2.1", "0badf00d", NULL, NULL};
    if (pack_archive_write(s->pack, s->file, &meta, &s->sum, err, sizeof err))
        fail_msg("%s", err);
}

static void sql(const char *file, const char *stmt)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(file, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, stmt, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", stmt, msg);
    sqlite3_close(db);
}

/* Extraction must fail with want in the message and leave nothing. */
static void expect_refused(scratch *s, const char *want)
{
    char dir[512] = "x", err[1024] = "";
    assert_int_equal(pack_archive_extract(s->file, dir, sizeof dir, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("wanted '%s' in: %s", want, err);
    assert_non_null(strstr(err, s->file)); /* the message names the file */
    assert_string_equal(dir, "");
    assert_int_equal(entries(s->tmp), 0);
}

/* ---- round trip -------------------------------------------------------------- */

static void test_round_trip(void **state)
{
    scratch *s = *state;
    pack_it(s);
    assert_int_equal(s->sum.files, sizeof demo_files / sizeof demo_files[0]);
    assert_int_equal(strlen(s->sum.checksum), 64);

    char dir[512], err[1024] = "";
    assert_int_equal(pack_archive_extract(s->file, dir, sizeof dir, err, sizeof err), 0);
    assert_non_null(strstr(dir, s->tmp));
    for (size_t i = 0; i < sizeof demo_files / sizeof demo_files[0]; i++) {
        char path[900];
        snprintf(path, sizeof path, "%s/demo/%s", dir, demo_files[i][0]);
        char *got = slurp(path);
        assert_non_null(got);
        assert_string_equal(got, demo_files[i][1]);
        free(got);
    }
    char hidden[900];
    snprintf(hidden, sizeof hidden, "%s/demo/.revenue.lua.swp", dir);
    assert_int_equal(access(hidden, F_OK), -1); /* hidden files are not packed */
    snprintf(hidden, sizeof hidden, "%s/demo/.git", dir);
    assert_int_equal(access(hidden, F_OK), -1);
    assert_int_equal(entries(dir), 1); /* just demo/ */

    assert_int_equal(pack_archive_cleanup(dir), 0);
    assert_int_equal(access(dir, F_OK), -1);
    assert_int_equal(entries(s->tmp), 0);
}

static void test_meta_and_sqlar_layout(void **state)
{
    scratch *s = *state;
    pack_it(s);
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(s->file, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT value FROM pack_meta WHERE key = 'name'),"
                     " (SELECT value FROM pack_meta WHERE key = 'version'),"
                     " (SELECT value FROM pack_meta WHERE key = 'format_version'),"
                     " (SELECT value FROM pack_meta WHERE key = 'checksum'),"
                     " (SELECT count(*) FROM sqlar WHERE sz = length(data) AND name LIKE 'demo/%'),"
                     " (SELECT value FROM pack_meta WHERE key = 'content_hash')", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "demo");
    assert_string_equal((const char *)sqlite3_column_text(st, 1), "2.1");
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "1");
    assert_string_equal((const char *)sqlite3_column_text(st, 3), s->sum.checksum);
    assert_int_equal(sqlite3_column_int(st, 4), s->sum.files);
    assert_string_equal((const char *)sqlite3_column_text(st, 5), "0badf00d");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* The checksum is over names and bytes only: packing twice gives the same. */
static void test_checksum_is_reproducible(void **state)
{
    scratch *s = *state;
    pack_it(s);
    char first[65];
    memcpy(first, s->sum.checksum, sizeof first);
    setenv("SOURCE_DATE_EPOCH", "86400", 1); /* another created time */
    pack_it(s);
    unsetenv("SOURCE_DATE_EPOCH");
    assert_string_equal(first, s->sum.checksum);
    write_file(s->pack, "tests/one.txt", "changed\n");
    pack_it(s);
    assert_string_not_equal(first, s->sum.checksum);
}

static void test_refuses_output_inside_pack(void **state)
{
    scratch *s = *state;
    char out[600], err[1024] = "";
    pack_archive_summary sum;
    pack_archive_meta meta = {"demo", "2.1", NULL, NULL, NULL};
    snprintf(out, sizeof out, "%s/lib/demo.pack", s->pack);
    assert_int_equal(pack_archive_write(s->pack, out, &meta, &sum, err, sizeof err), -1);
    assert_non_null(strstr(err, "inside the pack"));
    assert_int_equal(access(out, F_OK), -1);
}

static void test_refuses_folder_without_manifest(void **state)
{
    scratch *s = *state;
    char manifest[600], err[1024] = "";
    pack_archive_summary sum;
    pack_archive_meta meta = {"demo", "2.1", NULL, NULL, NULL};
    snprintf(manifest, sizeof manifest, "%s/pack.lua", s->pack);
    unlink(manifest);
    assert_int_equal(pack_archive_write(s->pack, s->file, &meta, &sum, err, sizeof err), -1);
    assert_non_null(strstr(err, "no pack.lua"));
    assert_int_equal(access(s->file, F_OK), -1);
}

/* ---- refused packs -------------------------------------------------------- */

static void test_tampered_data(void **state)
{
    scratch *s = *state;
    pack_it(s);
    sql(s->file, "UPDATE sqlar SET data = CAST('return {}' AS BLOB), sz = 9 WHERE name = 'demo/revenue.lua'");
    expect_refused(s, "checksum mismatch: the file was changed after it was packed");
}

static void test_tampered_name(void **state)
{
    scratch *s = *state;
    pack_it(s);
    sql(s->file, "UPDATE sqlar SET name = 'demo/profit.lua' WHERE name = 'demo/revenue.lua'");
    expect_refused(s, "checksum mismatch");
}

static void test_tampered_added_file(void **state)
{
    scratch *s = *state;
    pack_it(s);
    sql(s->file, "INSERT INTO sqlar VALUES ('demo/extra.lua', 33188, 0, 2, CAST('--' AS BLOB))");
    expect_refused(s, "checksum mismatch");
}

static void test_tampered_checksum_removed(void **state)
{
    scratch *s = *state;
    pack_it(s);
    sql(s->file, "DELETE FROM pack_meta WHERE key = 'checksum'");
    expect_refused(s, "no checksum");
}

static void test_not_sqlite(void **state)
{
    scratch *s = *state;
    write_file(s->root, "demo.pack", "return { name = 'demo' }\n");
    expect_refused(s, "not a pack file");
}

static void test_sqlite_without_pack_tables(void **state)
{
    scratch *s = *state;
    sql(s->file, "CREATE TABLE sqlar(name TEXT PRIMARY KEY, mode INT, mtime INT, sz INT, data BLOB)");
    expect_refused(s, "not a pack file");
}

static void test_truncated(void **state)
{
    scratch *s = *state;
    pack_it(s);
    struct stat st;
    assert_int_equal(stat(s->file, &st), 0);
    assert_int_equal(truncate(s->file, st.st_size / 2), 0);
    expect_refused(s, "truncated");
    assert_int_equal(truncate(s->file, 60), 0); /* not even a header */
    expect_refused(s, "truncated");
}

static void test_missing_file(void **state)
{
    scratch *s = *state;
    expect_refused(s, "No such file");
}

/* Each edit makes an archive that must be refused before its checksum is
 * even compared, with the message given. */
typedef struct {
    const char *edit, *want;
} crafted;

static const crafted crafted_cases[] = {
    {"UPDATE sqlar SET name = '../evil.lua' WHERE name = 'demo/revenue.lua'", "unsafe"},
    {"UPDATE sqlar SET name = '/etc/evil.lua' WHERE name = 'demo/revenue.lua'", "unsafe"},
    {"UPDATE sqlar SET name = 'demo/../../evil.lua' WHERE name = 'demo/revenue.lua'", "unsafe"},
    {"UPDATE sqlar SET name = 'demo//evil.lua' WHERE name = 'demo/revenue.lua'", "unsafe"},
    {"UPDATE sqlar SET name = 'demo/./evil.lua' WHERE name = 'demo/revenue.lua'", "unsafe"},
    {"UPDATE sqlar SET name = 'demo/evil\\x.lua' WHERE name = 'demo/revenue.lua'", "unsafe"},
    {"UPDATE sqlar SET name = 'demo/evil' || char(10) || '.lua' WHERE name = 'demo/revenue.lua'", "unsafe"},
    {"UPDATE sqlar SET name = CAST(CAST('demo/a' AS BLOB) || x'00' || CAST('.lua' AS BLOB) AS TEXT)"
     " WHERE name = 'demo/revenue.lua'", "unsafe"},
    {"UPDATE sqlar SET name = CAST(name AS BLOB) WHERE name = 'demo/revenue.lua'", "unsafe"},
    {"UPDATE sqlar SET mode = 41471 WHERE name = 'demo/revenue.lua'", "not a regular file"}, /* symlink */
    {"UPDATE sqlar SET mode = 16877 WHERE name = 'demo/revenue.lua'", "not a regular file"}, /* folder */
    {"UPDATE sqlar SET sz = 4096 WHERE name = 'demo/revenue.lua'", "compressed or damaged"},
    {"UPDATE sqlar SET name = 'revenue.lua' WHERE name = 'demo/revenue.lua'", "not inside a pack folder"},
    {"UPDATE sqlar SET name = 'other/revenue.lua' WHERE name = 'demo/revenue.lua'", "more than one pack"},
    {"DELETE FROM sqlar WHERE name = 'demo/pack.lua'", "no demo/pack.lua"},
    {"DELETE FROM sqlar", "no files"},
    {"UPDATE pack_meta SET value = '2' WHERE key = 'format_version'", "pack format 2"},
};

static void test_crafted_archives(void **state)
{
    scratch *s = *state;
    for (size_t i = 0; i < sizeof crafted_cases / sizeof crafted_cases[0]; i++) {
        pack_it(s);
        sql(s->file, crafted_cases[i].edit);
        expect_refused(s, crafted_cases[i].want);
        unlink(s->file);
    }
}

static void test_name_check(void **state)
{
    (void)state;
    static const char *const good[] = {"common/pack.lua", "common/lib/x.lua", "中文/名字.lua",
                                       "a/b-c_d+e.tsv"};
    static const char *const bad[] = {"", "/abs", "..", "a/..", "a/../b", "./a", "a/.", "a//b",
                                      "a/", "/", "a/.hidden", ".git/config", "a\\b", "a\nb",
                                      "a\tb", "a\x7f"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(pack_archive_name_ok(good[i], strlen(good[i])));
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(pack_archive_name_ok(bad[i], strlen(bad[i])));
    assert_false(pack_archive_name_ok("a/b\0c", 5)); /* a NUL inside */
    char longname[PACK_ARCHIVE_NAME_MAX + 2];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_false(pack_archive_name_ok(longname, strlen(longname)));
}

static void test_cleanup_refuses_other_folders(void **state)
{
    scratch *s = *state;
    assert_int_equal(pack_archive_cleanup(s->pack), -1);
    assert_int_equal(pack_archive_cleanup("relative"), -1);
    assert_int_equal(pack_archive_cleanup(NULL), -1);
    char manifest[600];
    snprintf(manifest, sizeof manifest, "%s/pack.lua", s->pack);
    assert_int_equal(access(manifest, F_OK), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_sha256_cpu_matches_portable),
        cmocka_unit_test(test_sha256_million_a),
        cmocka_unit_test(test_name_check),
        T(test_round_trip),
        T(test_meta_and_sqlar_layout),
        T(test_checksum_is_reproducible),
        T(test_refuses_output_inside_pack),
        T(test_refuses_folder_without_manifest),
        T(test_tampered_data),
        T(test_tampered_name),
        T(test_tampered_added_file),
        T(test_tampered_checksum_removed),
        T(test_not_sqlite),
        T(test_sqlite_without_pack_tables),
        T(test_truncated),
        T(test_missing_file),
        T(test_crafted_archives),
        T(test_cleanup_refuses_other_folders),
    };
    return cmocka_run_group_tests_name("pack_archive", tests, NULL, NULL);
}
