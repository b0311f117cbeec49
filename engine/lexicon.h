/*
 * lexicon.h — gazetteers: the TSV files in a pack's lexicon folder.
 *
 * Each line is `surface<TAB>canonical<TAB>type[<TAB>extra]`: a form that
 * appears in text, the name facts report, its type (org, unit, title,
 * code) and an extra column whose meaning depends on the type (a unit's
 * parent org, a code's exchange, a title's English role, an org's sector).
 */
#ifndef ENGINE_LEXICON_H
#define ENGINE_LEXICON_H

#include <stddef.h>

typedef struct {
    const char *surface, *canonical, *type, *extra; /* extra may be "" */
} lexicon_entry;

typedef struct {
    lexicon_entry *v;
    size_t n, cap;
    char **lines; /* the storage the entries point into */
    size_t nlines, caplines;
} lexicon;

/* Report a problem: where is "file:line". */
typedef void (*lexicon_error_fn)(void *ud, const char *where, const char *msg);

void lexicon_init(lexicon *lx);
void lexicon_free(lexicon *lx);

/* Add every entry of one TSV file.  Each bad line is reported (and
 * skipped); returns the number of problems, or -1 if the file could not be
 * read or memory ran out (also reported). */
int lexicon_load(lexicon *lx, const char *path, const char *shown_as,
                 lexicon_error_fn err, void *ud);

#endif
