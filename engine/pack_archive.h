/*
 * pack_archive.h — one rule pack as one file: an SQLite archive.
 *
 * `engine pack` writes a pack folder (manifest, rules, lib modules,
 * lexicons, tests) into a single file that can be copied and installed as
 * one thing; `engine run`, `test` and `check` read it back.  The file is an
 * SQLite database in the standard "sqlar" layout, so `sqlite3 -A` and plain
 * SQL can list and read it:
 *
 *   sqlar(name TEXT PRIMARY KEY, mode INT, mtime INT, sz INT, data BLOB)
 *       one row per file, name "common/revenue.lua" (the pack folder's
 *       name first, never absolute, never ".."), data stored uncompressed
 *       (sz = length(data)), mode a regular file's;
 *   pack_meta(key TEXT PRIMARY KEY, value TEXT)
 *       name, version (the manifest's), content_hash (the 8 hex digits of
 *       pack_version), created (UTC, ISO 8601), format_version ("1") and
 *       checksum.
 *
 * checksum is the SHA-256, in lowercase hex, of every file in name order
 * (bytewise): its name, one 0 byte, its length as 8 bytes big-endian, then
 * its bytes.  It detects accidental damage and edits made after packing;
 * it is not a signature (whoever can edit the file can recompute it).
 */
#ifndef ENGINE_PACK_ARCHIVE_H
#define ENGINE_PACK_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- writing -------------------------------------------------------------- */

enum { PACK_ARCHIVE_FORMAT = 1 };

typedef struct {
    const char *name;          /* the pack's name, from its manifest */
    const char *version;       /* the manifest's version ("0.1.0") */
    const char *content_hash;  /* pack_version's hash, or NULL */
    /* Called for each file as it is stored (may be NULL). */
    void (*on_file)(void *ud, const char *name, size_t bytes);
    void *ud;
} pack_archive_meta;

typedef struct {
    size_t files;
    uint64_t bytes;            /* of file content */
    char checksum[65];
} pack_archive_summary;

/* Write every regular file below pack_dir (hidden files and folders
 * skipped, as pack discovery skips them; symlinks followed) into a new
 * archive at out_file, named "FOLDER/relative/path" where FOLDER is
 * pack_dir's last component.  The archive is written beside out_file and
 * renamed over it only when complete.  Returns 0, or -1 with err set (the
 * file named). */
int pack_archive_write(const char *pack_dir, const char *out_file,
                       const pack_archive_meta *meta, pack_archive_summary *sum,
                       char *err, size_t errcap);

/* ---- reading -------------------------------------------------------------- */

/* Open pack_file read-only, check that it is a pack archive holding one
 * pack (FOLDER/pack.lua and files below FOLDER only), verify its checksum
 * and every name before writing anything, then extract it into a fresh
 * private folder (mkdtemp under $TMPDIR, else /tmp).  On success out_dir
 * holds that folder's path (the pack is out_dir/FOLDER) and 0 is returned;
 * the caller removes it with pack_archive_cleanup.  On failure nothing is
 * left behind, -1 is returned and err says why, starting with the file's
 * name ("x.pack: checksum mismatch: the file was changed after it was
 * packed"). */
int pack_archive_extract(const char *pack_file, char *out_dir, size_t cap,
                         char *err, size_t errcap);

/* Remove a folder pack_archive_extract made, with everything in it.
 * Refuses (returns -1) a path that is not such a folder. */
int pack_archive_cleanup(const char *dir);

/* Is name safe to store and extract: relative, made of non-empty
 * components none of which is "." or ".." or starts with '.', no
 * backslash or control character, at most PACK_ARCHIVE_NAME_MAX bytes? */
enum { PACK_ARCHIVE_NAME_MAX = 512 };
bool pack_archive_name_ok(const char *name, size_t len);

#endif
