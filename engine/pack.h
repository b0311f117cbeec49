/*
 * pack.h — finding rule packs on disk and fingerprinting their content.
 *
 * RULES is either a folder of packs (rules/ holding common/ and one folder
 * per publication), a single pack (a folder with a pack.lua), or a pack
 * file made by `engine pack` (NAME-VERSION.pack, pack_archive.h).  A
 * folder of packs may hold .pack files beside pack folders: each counts as
 * the pack inside it, which is how a shipped pack is installed.  A pack
 * file is extracted to a private temporary folder that lives as long as
 * its pack_files.  A pack's files are listed here; reading them as Lua is
 * the runtime's job (rt.c).
 */
#ifndef ENGINE_PACK_H
#define ENGINE_PACK_H

#include <stddef.h>

typedef struct {
    char *folder;      /* the folder's name: "common" */
    char *dir;         /* its path */
    char **rules;      /* *.lua files other than pack.lua, sorted (paths) */
    size_t nrules;
    char **lexicons;   /* the .tsv files in lexicon/, sorted (paths) */
    size_t nlexicons;
    char hash[9];      /* 8 hex digits over every file's name and bytes */
    char *tmpdir;      /* where a .pack file was extracted (dir lies in it),
                        * removed by pack_files_clear; NULL for a folder */
    char *source;      /* what to call it: the .pack file's path, else dir */
} pack_files;

typedef void (*pack_error_fn)(void *ud, const char *where, const char *msg);

/* Find the packs under rules_dir (a folder or a .pack file), "common"
 * first, the others sorted by folder name.  Returns 0, or -1 when
 * rules_dir holds no pack or cannot be read, when a pack file is damaged
 * or was changed after packing, or when two packs have the same folder
 * name (rules/pub and rules/pub-1.0.pack): reported, nothing kept. */
int pack_discover(const char *rules_dir, pack_files **out, size_t *n,
                  pack_error_fn err, void *ud);
/* Free one pack's strings and remove its extracted folder, if any. */
void pack_files_clear(pack_files *p);
/* pack_files_clear each of n packs, then free the array. */
void pack_files_free(pack_files *p, size_t n);

#endif
