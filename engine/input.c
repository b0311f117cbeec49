/*
 * input.c — reads the inputs named on the command line (input.h).
 */
#include "input.h"
#include "array.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"

typedef struct {
    char **v;
    size_t n, cap;
} path_list;

static int list_add(path_list *l, const char *path)
{
    if (array_reserve((void **)&l->v, &l->cap, l->n, sizeof *l->v))
        return -1;
    if (!(l->v[l->n] = strdup(path)))
        return -1;
    l->n++;
    return 0;
}

static void list_free(path_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_text_name(const char *name)
{
    size_t n = strlen(name);
    return name[0] != '.' &&
           ((n > 4 && !strcmp(name + n - 4, ".txt")) ||
            (n > 3 && !strcmp(name + n - 3, ".md")));
}

/* Every .txt/.md file below dir (hidden entries skipped). */
static int walk(const char *dir, path_list *out)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "engine: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *path = NULL;
        if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
            return closedir(d), -1;
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            rc |= walk(path, out);
        else if (is_text_name(e->d_name) && list_add(out, path))
            rc = -1;
        free(path);
        if (rc < 0)
            break;
    }
    closedir(d);
    return rc;
}

static int expand_folder(const char *dir, path_list *out)
{
    path_list found = {0};
    int rc = walk(dir, &found);
    if (rc >= 0 && found.n == 0) {
        fprintf(stderr, "engine: %s: folder has no .txt or .md files\n", dir);
        rc = 1;
    }
    if (found.n > 1) /* qsort wants a real array, even for nothing */
        qsort(found.v, found.n, sizeof *found.v, cmp_str);
    for (size_t i = 0; i < found.n && rc >= 0; i++)
        if (list_add(out, found.v[i]))
            rc = -1;
    list_free(&found);
    return rc;
}

static void report(const in_doc *d, const char *where, const text_error *err)
{
    fprintf(stderr, "engine: %s%s: byte %zu: %s\n", d->name, where,
            err->offset, err->msg);
}

/* Feed one open file to the reader as one document. */
static int read_stream(int fd, const in_doc *d, const in_options *opt,
                       doc_reader *r, const in_handler *h, void *ud)
{
    char *buf = malloc(opt->read_size);
    if (!buf) {
        fprintf(stderr, "engine: %s: out of memory\n", d->name);
        return 1;
    }
    text_error err = {0};
    int rc = h->begin ? h->begin(ud, d) : 0;
    if (rc) {
        free(buf);
        return 0;
    }
    doc_start(r);
    for (;;) {
        ssize_t got = read(fd, buf, opt->read_size);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            fprintf(stderr, "engine: %s: %s\n", d->name, strerror(errno));
            rc = 1;
            break;
        }
        if (got == 0) {
            rc = doc_finish(r, h->block, ud, &err);
            break;
        }
        if ((rc = doc_feed(r, buf, (size_t)got, h->block, ud, &err)))
            break;
    }
    if (rc < 0)
        report(d, "", &err);
    free(buf);
    h->end(ud, d, rc != 0);
    return rc != 0;
}

/* One line of a JSON Lines input. */
static int read_json_line(const char *src, size_t lineno, char *line,
                          size_t len, doc_reader *r, const in_handler *h,
                          void *ud)
{
    json_doc jd;
    char msg[128];
    if (json_parse_doc(line, len, &jd, msg, sizeof msg)) {
        fprintf(stderr, "engine: %s:%zu: not a valid document: %s\n", src,
                lineno, msg);
        return 1;
    }
    in_doc d = {jd.id, jd.date, jd.publication};
    text_error err = {0};
    int rc = 0;
    if (!h->begin || !h->begin(ud, &d)) {
        doc_start(r);
        doc_known_utf8(r); /* json_parse_doc validated the text */
        rc = doc_feed(r, jd.text, jd.text_len, h->block, ud, &err);
        if (!rc)
            rc = doc_finish(r, h->block, ud, &err);
        if (rc < 0) {
            char where[64];
            snprintf(where, sizeof where, " (%s:%zu)", src, lineno);
            report(&d, where, &err);
        }
        h->end(ud, &d, rc != 0);
    }
    json_doc_free(&jd);
    return rc != 0;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

static int read_jsonl(FILE *fp, const char *src, doc_reader *r,
                      const in_handler *h, void *ud)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t got;
    int rc = 0;
    while ((got = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        if (!blank(line, (size_t)got))
            rc |= read_json_line(src, lineno, line, (size_t)got, r, h, ud);
    }
    if (ferror(fp)) {
        fprintf(stderr, "engine: %s: %s\n", src, strerror(errno));
        rc = 1;
    }
    free(line);
    return rc;
}

static int read_one(const char *path, const in_options *opt, doc_reader *r,
                    const in_handler *h, void *ud)
{
    bool is_stdin = !strcmp(path, "-");
    int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "engine: %s: %s\n", path, strerror(errno));
        return 1;
    }
    int rc;
    if (opt->jsonl) {
        FILE *fp = is_stdin ? stdin : fdopen(fd, "r");
        if (!fp) {
            close(fd);
            fprintf(stderr, "engine: %s: %s\n", path, strerror(errno));
            return 1;
        }
        rc = read_jsonl(fp, path, r, h, ud);
        if (!is_stdin)
            fclose(fp);
        return rc;
    }
    in_doc d = {path, NULL, NULL};
    rc = read_stream(fd, &d, opt, r, h, ud);
    if (!is_stdin)
        close(fd);
    return rc;
}

int in_run(char *const *inputs, size_t n, const in_options *opt,
           doc_reader *r, const in_handler *h, void *ud)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (strcmp(inputs[i], "-") && stat(inputs[i], &st) == 0 &&
            S_ISDIR(st.st_mode)) {
            path_list files = {0};
            int wrc = expand_folder(inputs[i], &files);
            if (wrc < 0) {
                fprintf(stderr, "engine: %s: out of memory\n", inputs[i]);
                wrc = 1;
            }
            rc |= wrc;
            for (size_t k = 0; k < files.n; k++)
                rc |= read_one(files.v[k], opt, r, h, ud);
            list_free(&files);
        } else {
            rc |= read_one(inputs[i], opt, r, h, ud);
        }
    }
    return rc;
}
