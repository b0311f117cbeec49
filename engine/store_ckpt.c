/*
 * store_ckpt.c — checkpoints of the store's write-ahead log on a thread of
 * their own (store_int.h), so that the writer does not wait for them.
 *
 * Why: a checkpoint copies the log's pages into the database file and,
 * with synchronous = NORMAL, syncs the log before and the file after.  Run
 * by the writer after a commit (SQLite's autocheckpoint), the sync of a
 * 64 MB log took 80-100 ms and the file's 15-20 ms on the project's VMs
 * (ext4): a stall of the writer, and so of the run, every ~2 000 documents;
 * on bench-store's corpus, about as long as all the SQL work together.
 *
 * How: the writer's connection checkpoints nothing by itself.  After each
 * commit (SQLite's WAL hook) it looks at the log's length: past `start`
 * frames (STORE_CKPT_START), the thread here, on a connection of its own,
 * copies what the log holds (a PASSIVE checkpoint: it never blocks the
 * writer) while the writer goes on appending.  Only what was appended
 * meanwhile is left; once that is at most `tail` frames, or after a second
 * round, the writer copies it itself, a short stall, and SQLite starts the log over at the next
 * transaction (which it does only once every frame is in the database
 * file).  A checkpoint that fails or is cut short leaves its frames in the
 * log, where readers find them and the next round (or the close) copies
 * them: nothing is lost.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "store_int.h"

struct store_ckpt {
    sqlite3 *writer;    /* the writer's connection: the hook runs on it */
    sqlite3 *db;        /* the thread's own */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work;
    bool busy;          /* a round is asked for or running */
    bool quit;
    int start, tail;    /* STORE_CKPT_START and _TAIL, or a test's */
    int copied;         /* frames the last round left copied; -1: none since */
    int last_copied;    /* what the round before left copied */
    int rounds;         /* rounds since the writer last copied a tail */
    int next_at;        /* the log's length that starts the next round */
};

/* Flush what a round wrote into the database file.  SQLite syncs the file
 * only when a checkpoint copies the whole log, which here is the writer's
 * tail step: that sync then waited for every page of the rounds before it
 * (26 ms a tail on bench-store's corpus, 17 ms with this).  A failure only
 * leaves the work to that later sync. */
static void sync_database(sqlite3 *db)
{
    sqlite3_file *f = NULL;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f) == SQLITE_OK &&
        f && f->pMethods)
        f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
}

static void *ckpt_main(void *arg)
{
    store_ckpt *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->busy && !c->quit)
            pthread_cond_wait(&c->work, &c->mu);
        if (c->quit)
            break;
        pthread_mutex_unlock(&c->mu);
        int log = 0, copied = -1;
        int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log,
                                           &copied);
        if (rc == SQLITE_OK && copied > 0)
            sync_database(c->db);
        pthread_mutex_lock(&c->mu);
        c->copied = rc == SQLITE_OK ? copied : -1;
        c->rounds++;
        c->busy = false;
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

enum { NOTHING, ROUND, TAIL };

/* What to do once a round has ended, having left `copied` frames copied of
 * a log now `frames` long.  The writer copies the rest itself when it is
 * little, or after a second round: then it is about what the writer
 * appends during one round, however short (its syncs alone take 10-20 ms),
 * and more rounds would not leave less.  A round that got no further than
 * the one before was held back by a reader's snapshot: wait for the log to
 * grow by another `start` frames rather than try again at every commit. */
static int after_round(store_ckpt *c, int copied, int frames)
{
    bool stuck = copied == c->last_copied;
    c->last_copied = copied;
    if (frames < copied || stuck) { /* the log started over, or a reader holds it */
        c->rounds = 0;
        c->last_copied = frames < copied ? 0 : copied;
        c->next_at = frames < copied ? c->start : frames + c->start;
        return NOTHING;
    }
    if (frames - copied > c->tail && c->rounds < 2)
        return ROUND;
    /* The log starts over at the writer's next transaction. */
    c->rounds = 0;
    c->last_copied = 0;
    c->next_at = c->start;
    return TAIL;
}

/* After each commit of the writer, with the log's length in frames. */
static int on_commit(void *ud, sqlite3 *db, const char *name, int frames)
{
    store_ckpt *c = ud;
    (void)name;
    pthread_mutex_lock(&c->mu);
    int todo = NOTHING;
    if (!c->busy) {
        if (c->copied >= 0)
            todo = after_round(c, c->copied, frames);
        else if (frames >= c->next_at)
            todo = ROUND;
        c->copied = -1;
        if (todo == ROUND) {
            c->busy = true;
            pthread_cond_signal(&c->work);
        }
    }
    pthread_mutex_unlock(&c->mu);
    if (todo == TAIL)
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

static int open_own(store_ckpt *c, const char *path)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &c->db, flags, store_vfs_name()) != SQLITE_OK)
        return -1;
    sqlite3_busy_timeout(c->db, STORE_BUSY_MS);
    return sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) == SQLITE_OK
               ? 0 : -1;
}

store_ckpt *store_ckpt_start(store *s, int (*spawn)(pthread_t *, void *(*)(void *), void *),
                             int start, int tail)
{
    store_ckpt *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->writer = s->db;
    c->copied = -1;
    c->start = c->next_at = start;
    c->tail = tail;
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->work, NULL);
    if (open_own(c, s->path) || spawn(&c->thread, ckpt_main, c) != 0) {
        sqlite3_close(c->db);
        pthread_cond_destroy(&c->work);
        pthread_mutex_destroy(&c->mu);
        free(c);
        return NULL;
    }
    sqlite3_wal_hook(s->db, on_commit, c);
    return c;
}

void store_ckpt_stop(store_ckpt *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    c->quit = true;
    pthread_cond_signal(&c->work);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    /* The writer checkpoints by itself again; its close copies the rest. */
    sqlite3_wal_autocheckpoint(c->writer, STORE_AUTOCHECKPOINT);
    sqlite3_close(c->db);
    pthread_cond_destroy(&c->work);
    pthread_mutex_destroy(&c->mu);
    free(c);
}
