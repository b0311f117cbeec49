/*
 * store_writer.c — the store's writes on a thread of their own
 * (store_writer.h).
 *
 * The caller fills one batch (a document and copies of its facts) while
 * the thread writes the other; sw_doc_commit swaps them, waiting first if
 * the thread is still busy.  The SQLite connection is only ever used by
 * one thread at a time: by the writer thread while a batch is queued, by
 * the caller (run begin and end) only once the queue is empty, the mutex
 * ordering the two.
 */
#include "store_writer.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "array.h"
#include "json.h"
#include "store_int.h"

#define NONE SIZE_MAX /* the offset of a string that is NULL */

/* A fact with its strings as offsets into its batch's bytes, which move
 * as they grow. */
enum { F_PACK, F_RULE, F_VERSION, F_KIND, F_NAME, F_ENTITY, F_UNIT, F_PERIOD,
       F_QUALIFIER, F_TEXT, F_EXTRA, F_NSTR };

typedef struct {
    size_t str[F_NSTR];
    size_t text_len, extra_len, start, end, nextra;
    bool has_value;
    double value;
} sw_fact;

typedef struct {
    char *bytes;          /* every string of the document, NUL-terminated */
    size_t len, cap;
    sw_fact *facts;
    size_t nfacts, capfacts;
    size_t name, publication, date, size;
    size_t text, text_len; /* the document as read, hashed by the thread */
    bool failed;          /* memory ran out while filling it */
} sw_batch;

struct store_writer {
    store *s;
    store_ckpt *ckpt;     /* the log's checkpoints, or NULL: the writer's */
    char *path;           /* the database's, for messages of our own */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    sw_batch batch[2];
    sw_batch *filling;    /* the caller's */
    _Atomic(sw_batch *) queued; /* the thread's, or NULL when it is idle */
    bool quit;            /* the thread ends once the queue is empty */
    bool writer_sleeps, caller_sleeps; /* waiting on work, on done */
    bool in_doc;          /* a document is being filled */
    bool unreported;      /* the last document written failed: thread_err */
    char thread_err[STORE_ERR_LEN];
    char err[STORE_ERR_LEN];
    json_writer extras;   /* a fact's extra fields, when not printed */
};

/* ---- the batch ----------------------------------------------------------- */

static size_t put(sw_batch *b, const char *s, size_t n)
{
    if (!s || b->failed)
        return NONE;
    if (array_room((void **)&b->bytes, &b->cap, b->len, n + 1, 1)) {
        b->failed = true;
        return NONE;
    }
    size_t at = b->len;
    memcpy(b->bytes + at, s, n);
    b->bytes[at + n] = '\0';
    b->len += n + 1;
    return at;
}

static size_t put_str(sw_batch *b, const char *s)
{
    return s ? put(b, s, strlen(s)) : NONE;
}

static const char *str_at(const sw_batch *b, size_t at)
{
    return at == NONE ? NULL : b->bytes + at;
}

static void batch_reset(sw_batch *b)
{
    b->len = b->nfacts = 0;
    b->failed = false;
}

static void batch_free(sw_batch *b)
{
    free(b->bytes);
    free(b->facts);
}

/* ---- the thread ---------------------------------------------------------- */

static fact unpack(const sw_batch *b, const sw_fact *sf)
{
    const size_t *o = sf->str;
    return (fact){
        .doc = str_at(b, b->name), .pack = str_at(b, o[F_PACK]),
        .rule = str_at(b, o[F_RULE]), .pack_version = str_at(b, o[F_VERSION]),
        .kind = str_at(b, o[F_KIND]), .name = str_at(b, o[F_NAME]),
        .text = str_at(b, o[F_TEXT]), .text_len = sf->text_len,
        .start = sf->start, .end = sf->end,
        .entity = str_at(b, o[F_ENTITY]), .unit = str_at(b, o[F_UNIT]),
        .period = str_at(b, o[F_PERIOD]), .qualifier = str_at(b, o[F_QUALIFIER]),
        .has_value = sf->has_value, .value = sf->value,
        /* The store reads the extra fields from their JSON, never from here. */
        .extra = NULL, .nextra = sf->nextra,
    };
}

/* One document, one transaction (store.c).  A fact that fails makes the
 * commit fail, with the first error. */
static int write_batch(store *s, const sw_batch *b)
{
    store_doc d = {str_at(b, b->name), str_at(b, b->text), b->text_len, b->size,
                   str_at(b, b->publication), str_at(b, b->date)};
    if (store_doc_begin(s, &d))
        return -1;
    for (size_t i = 0; i < b->nfacts; i++) {
        fact f = unpack(b, &b->facts[i]);
        store_doc_fact(s, &f, str_at(b, b->facts[i].str[F_EXTRA]), b->facts[i].extra_len);
    }
    return store_doc_commit(s);
}

/* Waking a thread that sleeps on a condition variable takes tens to
 * hundreds of microseconds on the project's VMs, about as long as storing a
 * document, so each side spins on the queue for a while before it sleeps.
 * The caller spins longer: its waits hold up the run, and the writer it
 * waits for is at work.  The writer spins about as long as the rules take
 * over a short document, so that it is awake when the next one comes
 * without burning the other core while a long one runs.  Measured with
 * bench-store's documents (2026-11): sleeping at once cost 10-40% more wall
 * time than spinning. */
enum { SPIN_WRITER_NS = 300000, SPIN_CALLER_NS = 1000000 };

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Spin until the queue is busy (a batch waits) or idle, as busy says, or
 * this side's time is up.  True if it came to that. */
static bool spin_until_busy(store_writer *w, bool busy)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 1;; i++) {
        if ((atomic_load(&w->queued) != NULL) == busy)
            return true;
        if (i % 64 == 0) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            long ns = (t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec);
            if (ns > (busy ? SPIN_WRITER_NS : SPIN_CALLER_NS))
                return false;
        }
        cpu_relax();
    }
}

/* The next batch, or NULL when the thread is to end. */
static sw_batch *next_batch(store_writer *w)
{
    spin_until_busy(w, true);
    pthread_mutex_lock(&w->mu);
    while (!atomic_load(&w->queued) && !w->quit) {
        w->writer_sleeps = true;
        pthread_cond_wait(&w->work, &w->mu);
        w->writer_sleeps = false;
    }
    sw_batch *b = atomic_load(&w->queued);
    pthread_mutex_unlock(&w->mu);
    return b;
}

static void *writer_main(void *arg)
{
    store_writer *w = arg;
    sw_batch *b;
    while ((b = next_batch(w))) {
        int rc = write_batch(w->s, b);
        pthread_mutex_lock(&w->mu);
        if (rc) {
            snprintf(w->thread_err, sizeof w->thread_err, "%s", store_error(w->s));
            w->unreported = true;
        }
        atomic_store(&w->queued, NULL);
        if (w->caller_sleeps)
            pthread_cond_signal(&w->done);
        pthread_mutex_unlock(&w->mu);
    }
    return NULL;
}

/* With the mutex held: wait until the thread is idle; with take, hand its
 * unreported failure over to err.  0, or -1 for a failure taken. */
static int wait_idle_locked(store_writer *w, bool take)
{
    while (atomic_load(&w->queued)) {
        w->caller_sleeps = true;
        pthread_cond_wait(&w->done, &w->mu);
        w->caller_sleeps = false;
    }
    if (!take || !w->unreported)
        return 0;
    memcpy(w->err, w->thread_err, sizeof w->err);
    w->unreported = false;
    return -1;
}

static int wait_idle(store_writer *w, bool take)
{
    spin_until_busy(w, false);
    pthread_mutex_lock(&w->mu);
    int rc = wait_idle_locked(w, take);
    pthread_mutex_unlock(&w->mu);
    return rc;
}

/* ---- the caller's side --------------------------------------------------- */

/* The store's threads block every signal, so that they all reach the
 * thread that runs the rules: the CPU ticker (cputick.c) sets a Lua hook
 * from its handler, and Ctrl-C stops engine watch. */
static int spawn_quiet(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(t, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

store_writer *sw_open(const char *path, char *err, size_t errcap)
{
    store_writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errcap, "%s: out of memory", path);
        return NULL;
    }
    if (!(w->path = strdup(path))) {
        snprintf(err, errcap, "%s: out of memory", path);
        free(w);
        return NULL;
    }
    if (!(w->s = store_open(path, STORE_WRITE, err, errcap))) {
        free(w->path);
        free(w);
        return NULL;
    }
    json_writer_init(&w->extras, NULL); /* a memory buffer only */
    w->filling = &w->batch[0];
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->done, NULL);
    if (spawn_quiet(&w->thread, writer_main, w) != 0) {
        snprintf(err, errcap, "%s: cannot start the thread that writes it", path);
        w->quit = true; /* nothing to join */
        sw_close(w);
        return NULL;
    }
    w->ckpt = store_ckpt_start(w->s, spawn_quiet, STORE_CKPT_START, STORE_CKPT_TAIL);
    return w;
}

void sw_close(store_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    bool running = !w->quit;
    wait_idle_locked(w, false);
    w->quit = true; /* the thread may be spinning: it sees this once it sleeps */
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    if (running)
        pthread_join(w->thread, NULL);
    store_ckpt_stop(w->ckpt);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    pthread_mutex_destroy(&w->mu);
    store_close(w->s);
    batch_free(&w->batch[0]);
    batch_free(&w->batch[1]);
    free(w->extras.buf); /* never flushed: it has no FILE */
    free(w->path);
    free(w);
}

const char *sw_error(const store_writer *w) { return w->err; }

/* The store's own message for a failure of the caller's thread. */
static int store_failed(store_writer *w)
{
    snprintf(w->err, sizeof w->err, "%s", store_error(w->s));
    return -1;
}

int sw_run_begin(store_writer *w, const char *rules, const store_pack *packs,
                 size_t npacks)
{
    wait_idle(w, false);
    return store_run_begin(w->s, rules, packs, npacks) ? store_failed(w) : 0;
}

int sw_run_end(store_writer *w)
{
    wait_idle(w, false);
    return store_run_end(w->s) ? store_failed(w) : 0;
}

int sw_flush(store_writer *w) { return wait_idle(w, true); }

int sw_doc_begin(store_writer *w, const store_doc *d)
{
    sw_batch *b = w->filling;
    batch_reset(b);
    w->in_doc = true;
    b->name = put_str(b, d->name);
    b->publication = put_str(b, d->publication);
    b->date = put_str(b, d->date);
    b->size = d->size;
    /* A copy costs the caller a fraction of the hash it leaves the thread. */
    b->text = put(b, d->bytes, d->len);
    b->text_len = d->len;
    if (!b->failed)
        return 0;
    w->in_doc = false;
    snprintf(w->err, sizeof w->err, "%s: storing %s: out of memory", w->path, d->name);
    return -1;
}

/* The extra fields as the store wants them: the printed members, or
 * written here when the fact was not printed as JSON. */
static const char *extras_of(store_writer *w, const fact *f, const char *printed,
                             size_t *len)
{
    if (printed || !f->nextra)
        return printed;
    json_writer *j = &w->extras;
    j->len = 0;
    j->first = true;
    fact_write_extras(j, f);
    *len = j->len;
    return j->failed ? NULL : j->buf;
}

void sw_doc_fact(store_writer *w, const fact *f, const char *extra, size_t extra_len)
{
    sw_batch *b = w->filling;
    if (!w->in_doc || b->failed)
        return;
    if (array_reserve((void **)&b->facts, &b->capfacts, b->nfacts, sizeof *b->facts)) {
        b->failed = true;
        return;
    }
    extra = extras_of(w, f, extra, &extra_len);
    if (f->nextra && !extra) {
        b->failed = true;
        return;
    }
    sw_fact *sf = &b->facts[b->nfacts++];
    const char *strs[F_NSTR] = {f->pack, f->rule, f->pack_version, f->kind, f->name,
                                f->entity, f->unit, f->period, f->qualifier};
    for (int i = 0; i < F_TEXT; i++)
        sf->str[i] = put_str(b, strs[i]);
    sf->str[F_TEXT] = put(b, f->text, f->text_len);
    sf->str[F_EXTRA] = f->nextra ? put(b, extra, extra_len) : NONE;
    sf->text_len = f->text_len;
    sf->extra_len = f->nextra ? extra_len : 0;
    sf->start = f->start;
    sf->end = f->end;
    sf->nextra = f->nextra;
    sf->has_value = f->has_value;
    sf->value = f->value;
}

int sw_doc_commit(store_writer *w)
{
    sw_batch *b = w->filling;
    if (!w->in_doc) {
        snprintf(w->err, sizeof w->err, "%s: no document in flight", w->path);
        return -1;
    }
    w->in_doc = false;
    if (b->failed) { /* the one before, if it failed, waits for the next call */
        snprintf(w->err, sizeof w->err, "%s: storing %s: out of memory", w->path,
                 str_at(b, b->name) ? str_at(b, b->name) : "a document");
        return -1;
    }
    spin_until_busy(w, false);
    pthread_mutex_lock(&w->mu);
    int rc = wait_idle_locked(w, true);
    atomic_store(&w->queued, b);
    w->filling = b == &w->batch[0] ? &w->batch[1] : &w->batch[0];
    if (w->writer_sleeps)
        pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    return rc;
}

void sw_doc_abort(store_writer *w)
{
    w->in_doc = false;
    batch_reset(w->filling);
}
