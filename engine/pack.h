/*
 * pack.h — finding rule packs on disk and fingerprinting their content.
 *
 * RULES is either a folder of packs (rules/ holding common/ and one folder
 * per publication) or a single pack (a folder with a pack.lua).  A pack's
 * files are listed here; reading them as Lua is the runtime's job (rt.c).
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
} pack_files;

typedef void (*pack_error_fn)(void *ud, const char *where, const char *msg);

/* Find the packs under rules_dir, "common" first, the others sorted by
 * name.  Returns 0, or -1 when rules_dir holds no pack or cannot be read
 * (reported). */
int pack_discover(const char *rules_dir, pack_files **out, size_t *n,
                  pack_error_fn err, void *ud);
void pack_files_free(pack_files *p, size_t n);

#endif
