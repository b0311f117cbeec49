/*
 * lexicon.c — reads lexicon TSV files (lexicon.h).  Lines are kept whole
 * and split in place, so an entry costs one allocation however many
 * columns it has.
 */
#include "lexicon.h"
#include "array.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const known_types[] = {"org", "unit", "title", "code", "collective", "person", "product"};

void lexicon_init(lexicon *lx) { memset(lx, 0, sizeof *lx); }

void lexicon_free(lexicon *lx)
{
    for (size_t i = 0; i < lx->nlines; i++)
        free(lx->lines[i]);
    free(lx->lines);
    free(lx->v);
    memset(lx, 0, sizeof *lx);
}


static bool known_type(const char *t)
{
    for (size_t i = 0; i < sizeof known_types / sizeof *known_types; i++)
        if (!strcmp(t, known_types[i]))
            return true;
    return false;
}

/* Split a line into at most 4 tab-separated columns, in place. */
static int split(char *line, char **col)
{
    int n = 0;
    char *p = line;
    while (n < 5) {
        col[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static const char *check(char **col, int n)
{
    if (n < 3) return "wants surface<TAB>canonical<TAB>type[<TAB>extra]";
    if (n > 4) return "more than 4 columns";
    if (!col[0][0] || !col[1][0]) return "empty surface or canonical";
    if (!known_type(col[2])) return "unknown type (org, unit, title, code, person, product)";
    for (int i = 0; i < n; i++) {
        size_t len = strlen(col[i]);
        if (len && (col[i][0] == ' ' || col[i][len - 1] == ' '))
            return "a column starts or ends with a space";
    }
    return NULL;
}

static int add_line(lexicon *lx, char *line, const char *where,
                    lexicon_error_fn err, void *ud)
{
    char *col[5];
    int n = split(line, col);
    const char *problem = check(col, n);
    if (problem) {
        err(ud, where, problem);
        free(line);
        return 1;
    }
    if (array_reserve((void **)&lx->v, &lx->cap, lx->n, sizeof *lx->v) ||
        array_reserve((void **)&lx->lines, &lx->caplines, lx->nlines, sizeof *lx->lines)) {
        free(line);
        return -1;
    }
    lx->lines[lx->nlines++] = line;
    lx->v[lx->n++] = (lexicon_entry){col[0], col[1], col[2], n == 4 ? col[3] : ""};
    return 0;
}

int lexicon_load(lexicon *lx, const char *path, const char *shown_as,
                 lexicon_error_fn err, void *ud)
{
    char where[512];
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(where, sizeof where, "%s", shown_as);
        err(ud, where, strerror(errno));
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    int problems = 0;
    while ((got = getline(&buf, &cap, fp)) >= 0) {
        lineno++;
        while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
            buf[--got] = '\0';
        if (got == 0 || buf[0] == '#')
            continue;
        snprintf(where, sizeof where, "%s:%zu", shown_as, lineno);
        char *line = strdup(buf);
        int rc = line ? add_line(lx, line, where, err, ud) : -1;
        if (rc < 0) {
            err(ud, where, "out of memory");
            problems = -1;
            break;
        }
        problems += rc;
    }
    free(buf);
    fclose(fp);
    return problems;
}
