/*
 * reload.c — the RULES tree watcher and the safe runtime swap (reload.h).
 *
 * Every folder of the tree carries one inotify watch; events on the files
 * inside come through their folder's watch, which is what makes
 * write-a-temporary-then-rename saves visible (the file's inode changes,
 * its folder does not).  Whenever the folder structure may have changed
 * (a folder created, moved or deleted, or the event queue overflowed) the
 * tree is walked again from the root: watches are added for new folders
 * and dropped for folders no longer in the tree.  Rules trees hold a few
 * dozen folders, so a full walk is cheaper to get right than patching the
 * structure event by event.
 *
 * If the root folder itself is deleted or moved away (a tool that swaps
 * whole trees), every watch goes and the watcher looks for the root again
 * every RETRY_MS; its return counts as a change.
 */
#include "reload.h"
#include "array.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

enum { RETRY_MS = 100, ERR_LEN = 512 };

/* What a folder watch listens for.  IN_MODIFY is left out on purpose: it
 * fires on every write() of a save in progress, while IN_CLOSE_WRITE
 * marks the save done. */
#define DIR_EVENTS (IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
                    IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB |     \
                    IN_ONLYDIR)

typedef struct {
    int wd;
    unsigned gen; /* the walk that last saw it */
} watch_dir;

struct reload_watcher {
    int fd;
    char *root;
    int root_wd;             /* -1 while the root is missing */
    watch_dir *dirs;
    size_t ndirs, cap;
    unsigned gen;            /* current walk */
    bool rescan;             /* the folder structure may have changed */
    bool dirty;              /* a change not yet handed to the caller */
    struct timespec first;   /* first change of the current batch */
    struct timespec last;    /* latest change of the current batch */
    struct timespec changed_at;
    char err[ERR_LEN];
};

/* ---- time ---------------------------------------------------------------- */

static struct timespec now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t;
}

static long ms_since(struct timespec t)
{
    struct timespec n = now();
    return (long)(n.tv_sec - t.tv_sec) * 1000 + (n.tv_nsec - t.tv_nsec) / 1000000;
}

/* ---- which names matter -------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !memcmp(s + n - k, suffix, k);
}

/* Files editors leave beside the one being edited: hidden files (vim's
 * .x.swp, emacs's .#x lock), backups (x~), emacs autosaves (#x#), and
 * the "4913" file vim creates to test whether it may write the folder.
 * Saving a rule makes several of these come and go; only the rule's own
 * name is a change. */
static bool dropping(const char *name)
{
    size_t n = strlen(name);
    return name[0] == '.' || ends_with(name, "~") || ends_with(name, ".swp") ||
           ends_with(name, ".swx") || !strcmp(name, "4913") ||
           (n > 1 && name[0] == '#' && name[n - 1] == '#');
}

/* ---- the set of watched folders ------------------------------------------ */

static watch_dir *find_wd(reload_watcher *w, int wd)
{
    for (size_t i = 0; i < w->ndirs; i++)
        if (w->dirs[i].wd == wd)
            return &w->dirs[i];
    return NULL;
}

static void forget_wd(reload_watcher *w, int wd)
{
    watch_dir *d = find_wd(w, wd);
    if (d)
        *d = w->dirs[--w->ndirs];
    if (wd == w->root_wd)
        w->root_wd = -1;
}

static int fail(reload_watcher *w, const char *path, const char *what)
{
    int e = errno;
    if (e == ENOSPC)
        snprintf(w->err, sizeof w->err, "%s: cannot watch: the inotify watch limit "
                 "is reached (raise fs.inotify.max_user_watches)", path);
    else
        snprintf(w->err, sizeof w->err, "%s: %s: %s", path, what, strerror(e));
    errno = e;
    return -1;
}

/* Watch one folder.  *fresh says whether this walk had not met it yet
 * (the same folder reached twice through symbolic links is walked once). */
static int watch_folder(reload_watcher *w, const char *path, bool *fresh)
{
    int wd = inotify_add_watch(w->fd, path, DIR_EVENTS);
    *fresh = false;
    if (wd < 0)
        return fail(w, path, "cannot watch");
    watch_dir *d = find_wd(w, wd);
    if (!d) {
        if (array_reserve((void **)&w->dirs, &w->cap, w->ndirs, sizeof *w->dirs)) {
            errno = ENOMEM;
            return fail(w, path, "cannot watch");
        }
        d = &w->dirs[w->ndirs++];
        d->wd = wd;
        d->gen = 0;
    }
    *fresh = d->gen != w->gen;
    d->gen = w->gen;
    return wd;
}

static bool is_dir(const char *path, const struct dirent *e)
{
    struct stat st;
    if (e->d_type == DT_DIR)
        return true;
    if (e->d_type != DT_UNKNOWN && e->d_type != DT_LNK)
        return false;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode); /* follows links */
}

/* Watch path and every folder below it, hidden ones excepted (the loader
 * skips them too, and a .git folder would make every commit a reload).
 * A folder that vanishes while we walk is no error: its deletion is
 * itself an event. */
static int walk(reload_watcher *w, const char *path, int *wd)
{
    bool fresh;
    if ((*wd = watch_folder(w, path, &fresh)) < 0)
        return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
    if (!fresh)
        return 0;
    DIR *dir = opendir(path);
    if (!dir)
        return errno == ENOENT ? 0 : fail(w, path, "cannot read");
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *child = malloc(n);
        if (!child) {
            errno = ENOMEM;
            rc = fail(w, path, "cannot walk");
            break;
        }
        snprintf(child, n, "%s/%s", path, e->d_name);
        int child_wd;
        if (is_dir(child, e))
            rc = walk(w, child, &child_wd);
        free(child);
    }
    closedir(dir);
    return rc;
}

/* Walk the tree again, then drop the watches of folders it no longer
 * holds (moved out of the tree; deleted ones are gone already).  A root
 * that is not there leaves root_wd at -1. */
static int scan(reload_watcher *w)
{
    w->gen++;
    w->rescan = false;
    int rc = walk(w, w->root, &w->root_wd);
    for (size_t i = 0; i < w->ndirs;) {
        if (w->dirs[i].gen == w->gen) {
            i++;
            continue;
        }
        inotify_rm_watch(w->fd, w->dirs[i].wd); /* may be gone already */
        w->dirs[i] = w->dirs[--w->ndirs];
    }
    return rc;
}

static void drop_all(reload_watcher *w)
{
    for (size_t i = 0; i < w->ndirs; i++)
        inotify_rm_watch(w->fd, w->dirs[i].wd);
    w->ndirs = 0;
    w->root_wd = -1;
}

/* ---- events -------------------------------------------------------------- */

static void changed(reload_watcher *w)
{
    w->last = now();
    if (!w->dirty)
        w->first = w->last;
    w->dirty = true;
}

static void take_event(reload_watcher *w, const struct inotify_event *ev)
{
    if (ev->mask & IN_Q_OVERFLOW) {
        /* Events were lost: assume anything changed, folders included. */
        w->rescan = true;
        changed(w);
        return;
    }
    if (ev->mask & IN_IGNORED) {
        /* The watch is gone: its folder was deleted, or we dropped it. */
        bool was_root = ev->wd == w->root_wd && w->root_wd >= 0;
        forget_wd(w, ev->wd);
        if (was_root)
            changed(w);
        return;
    }
    if (ev->len && dropping(ev->name))
        return;
    if (ev->wd == w->root_wd && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF))) {
        drop_all(w); /* look for the root again; see the file comment */
    } else if ((ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) ||
               ((ev->mask & IN_ISDIR) &&
                (ev->mask & (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)))) {
        w->rescan = true;
    }
    changed(w);
}

/* A missing root is looked for again; finding it is a change. */
static int restore_root(reload_watcher *w)
{
    struct stat st;
    if (stat(w->root, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    if (scan(w) < 0)
        return -1;
    if (w->root_wd >= 0)
        changed(w);
    return 0;
}

/* Read every event waiting, without blocking.  Returns 0 or -1. */
static int drain(reload_watcher *w)
{
    alignas(struct inotify_event) char buf[16384];
    for (;;) {
        ssize_t n = read(w->fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n <= 0)
            return fail(w, w->root, "reading change events failed");
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            take_event(w, ev);
            p += sizeof *ev + ev->len;
        }
    }
    if (w->root_wd < 0)
        return restore_root(w);
    if (w->rescan && scan(w) < 0)
        return -1;
    return 0;
}

/* poll() the descriptor: 1 readable, 0 timeout, -1 error (EINTR too). */
static int wait_readable(reload_watcher *w, int timeout_ms)
{
    struct pollfd p = {w->fd, POLLIN, 0};
    int rc = poll(&p, 1, timeout_ms);
    if (rc < 0 && errno != EINTR)
        return fail(w, w->root, "waiting for changes failed");
    return rc < 0 ? -1 : rc > 0;
}

/* ---- the API ------------------------------------------------------------- */

reload_watcher *reload_open(const char *rules_dir, char *err, size_t errcap)
{
    reload_watcher *w = calloc(1, sizeof *w);
    if (!w || !(w->root = strdup(rules_dir))) {
        free(w);
        snprintf(err, errcap, "%s: out of memory", rules_dir);
        return NULL;
    }
    w->root_wd = -1;
    struct stat st;
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd < 0)
        fail(w, rules_dir, "cannot watch for changes");
    else if (stat(rules_dir, &st) != 0)
        fail(w, rules_dir, "cannot watch");
    else if (!S_ISDIR(st.st_mode))
        snprintf(w->err, sizeof w->err, "%s: not a folder", rules_dir);
    else if (scan(w) == 0 && w->root_wd >= 0)
        return w;
    else if (!w->err[0])
        snprintf(w->err, sizeof w->err, "%s: vanished while being watched", rules_dir);
    snprintf(err, errcap, "%s", w->err);
    reload_close(w);
    return NULL;
}

void reload_close(reload_watcher *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd); /* drops every watch */
    free(w->dirs);
    free(w->root);
    free(w);
}

int reload_fd(const reload_watcher *w)
{
    return w->fd;
}

const char *reload_error(const reload_watcher *w)
{
    return w->err;
}

struct timespec reload_changed_at(const reload_watcher *w)
{
    return w->changed_at;
}

bool reload_pending(reload_watcher *w)
{
    w->err[0] = '\0';
    if (drain(w) < 0)
        changed(w); /* the caller reloads and sees the files as they are */
    bool was = w->dirty;
    if (was)
        w->changed_at = w->first;
    w->dirty = false;
    return was;
}

/* Phase one of reload_wait: until the first change or the timeout. */
static int first_change(reload_watcher *w, int timeout_ms)
{
    struct timespec start = now();
    for (;;) {
        if (drain(w) < 0)
            return -1;
        if (w->dirty)
            return 1;
        int left = -1;
        if (timeout_ms >= 0 && (left = timeout_ms - (int)ms_since(start)) <= 0)
            return 0;
        if (w->root_wd < 0 && (left < 0 || left > RETRY_MS))
            left = RETRY_MS;
        if (wait_readable(w, left) < 0)
            return -1;
    }
}

int reload_wait(reload_watcher *w, int timeout_ms, int debounce_ms)
{
    w->err[0] = '\0';
    int rc = first_change(w, timeout_ms);
    if (rc <= 0)
        return rc;
    /* Phase two: absorb what follows until debounce_ms pass quietly. */
    for (;;) {
        long quiet = ms_since(w->last);
        if (quiet >= debounce_ms || ms_since(w->first) >= RELOAD_MAX_SETTLE_MS)
            break;
        if (wait_readable(w, (int)(debounce_ms - quiet)) < 0 || drain(w) < 0)
            return -1;
    }
    w->changed_at = w->first;
    w->dirty = false;
    return 1;
}

/* ---- the swap ------------------------------------------------------------ */

rt_runtime *reload_adopt(rt_runtime *old, rt_runtime *fresh, size_t problems,
                         const char *rules_dir, rt_error_fn err, void *ud,
                         bool *swapped)
{
    char msg[128];
    *swapped = fresh && problems == 0;
    if (*swapped) {
        rt_free(old);
        return fresh;
    }
    rt_free(fresh);
    if (!fresh)
        snprintf(msg, sizeof msg, "the new rules cannot be loaded; %s",
                 old ? "keeping the previous rules" : "no previous rules to keep");
    else
        snprintf(msg, sizeof msg, "%zu problem%s in the new rules; %s", problems,
                 problems == 1 ? "" : "s",
                 old ? "keeping the previous rules" : "no previous rules to keep");
    err(ud, rules_dir, msg);
    return old;
}

rt_runtime *reload_runtime(rt_runtime *old, const char *rules_dir,
                           const rt_options *opt, rt_error_fn err, void *ud,
                           bool *swapped)
{
    size_t problems = 0;
    rt_runtime *fresh = rt_load(rules_dir, opt, err, ud, &problems);
    return reload_adopt(old, fresh, problems, rules_dir, err, ud, swapped);
}
