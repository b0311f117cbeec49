/*
 * store_writer.c — the store's writes on a thread of their own
 * (store_writer.h).
 *
 * The batches (a document, copies of its facts and its output) form a
 * ring: the caller fills one while the thread writes those queued before
 * it, in order, and prints each one's output after its transaction.  The
 * caller waits only when the queue is full.  The SQLite connection is only
 * ever used by one thread at a time: by the writer thread while a batch is
 * queued, by the caller (run begin and end) only once the queue is empty,
 * the mutex ordering the two.
 */
#include "store_writer.h"

#include <errno.h>
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
    size_t out, out_len;  /* what was printed of it, or NONE */
    bool store;           /* false: only output to write (sw_print) */
    bool failed;          /* memory ran out while filling it */
} sw_batch;

/* How many documents may wait for the writer, and how many bytes of them
 * (texts, facts, output) at most.  A queue absorbs the writer's pauses (a
 * checkpoint's sync, a journal commit, the writer off its core while three
 * threads share two) that a queue of one document could not: measured with
 * bench-store (2026-11), --db cost +32-38% wall time with one document
 * queued and a writer spinning for the next; with the writer woken once
 * per SW_WAKE documents, +8-20% with 32 queued and +5-14% with 64.  The
 * price is what a crash loses: the documents queued, never part of one and
 * never one already printed (docs/store.md).  A batch that grew past
 * SW_KEEP_BYTES gives its memory back once written. */
enum { SW_QUEUE = 64, SW_QUEUE_BYTES = 64 << 20, SW_WAKE = SW_QUEUE / 2,
       SW_LINGER_MS = 20, SW_KEEP_BYTES = 1 << 20 };
#define SW_SLOTS (SW_QUEUE + 1) /* the queue's and the caller's */

struct store_writer {
    store *s;
    store_ckpt *ckpt;     /* the log's checkpoints, or NULL: the writer's */
    char *path;           /* the database's, for messages of our own */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    sw_batch slot[SW_SLOTS]; /* a ring: the queue, then the caller's */
    size_t fill;          /* the caller's slot */
    size_t head;          /* the writer's next slot; its own */
    _Atomic size_t queued;       /* documents waiting or being written */
    _Atomic size_t queued_bytes; /* what they hold */
    bool quit;            /* the thread ends once the queue is empty */
    bool hurry;           /* the caller waits: write now */
    bool writer_sleeps, caller_sleeps; /* waiting on work, on done */
    bool in_doc;          /* a document is being filled */
    bool unreported;      /* a document written failed: thread_err */
    size_t more_failed;   /* and so did this many after it */
    char thread_err[STORE_ERR_LEN];
    char err[STORE_ERR_LEN];
    json_writer extras;   /* a fact's extra fields, when not printed */
    FILE *out;            /* where documents' output goes, or NULL */
    _Atomic bool out_failed;
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
    b->len = b->nfacts = b->out_len = 0;
    b->out = NONE;
    b->store = true;
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
 * hundreds of microseconds on the project's VMs, so the caller, when the
 * queue is full, spins for a while before it sleeps: the writer it waits
 * for is at work and frees a slot soon. */
enum { SPIN_CALLER_NS = 1000000 };

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static bool has_work(const store_writer *w) { return atomic_load(&w->queued) > 0; }
static bool is_idle(const store_writer *w) { return atomic_load(&w->queued) == 0; }

/* Room in the queue for the caller's document. */
static bool has_room(const store_writer *w)
{
    return atomic_load(&w->queued) < SW_QUEUE &&
           atomic_load(&w->queued_bytes) <= SW_QUEUE_BYTES;
}

/* Spin until ready(w) or SPIN_CALLER_NS have passed.  True if ready. */
static bool spin_until(const store_writer *w, bool (*ready)(const store_writer *))
{
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 1;; i++) {
        if (ready(w))
            return true;
        if (i % 64 == 0) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            long ns = (t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec);
            if (ns > SPIN_CALLER_NS)
                return false;
        }
        cpu_relax();
    }
}

/* Until it is time to write, or to end (false).  The thread sleeps until
 * SW_WAKE documents wait or the caller waits for it, or the first of them
 * has waited SW_LINGER_MS (a slow input).  Woken for each document, it
 * would take a core from the rules' thread (or the checkpoints') once a
 * document: measured with bench-store, that cost twice the CPU. */
static bool time_to_write(store_writer *w)
{
    pthread_mutex_lock(&w->mu);
    while (!w->quit) {
        size_t n = atomic_load(&w->queued);
        if (n >= SW_WAKE || (n && w->hurry))
            break;
        w->writer_sleeps = true;
        if (!n) { /* the caller wakes it for the first document */
            pthread_cond_wait(&w->work, &w->mu);
            w->writer_sleeps = false;
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += SW_LINGER_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        int rc = pthread_cond_timedwait(&w->work, &w->mu, &until);
        w->writer_sleeps = false;
        if (rc == ETIMEDOUT)
            break;
    }
    bool go = has_work(w); /* with quit, only what is left */
    pthread_mutex_unlock(&w->mu);
    return go;
}

/* A document's output, once it is stored; flushed when the queue is
 * empty (stdio's buffer fills first in a long run). */
static void print_output(store_writer *w, const sw_batch *b)
{
    if (!w->out || atomic_load(&w->out_failed))
        return;
    if ((b->out_len && fwrite(b->bytes + b->out, 1, b->out_len, w->out) != b->out_len) ||
        (atomic_load(&w->queued) == 1 && fflush(w->out) != 0))
        atomic_store(&w->out_failed, true);
}

/* Write one queued document; tell a caller that waits. */
static void write_next(store_writer *w)
{
    sw_batch *b = &w->slot[w->head];
    int rc = b->store ? write_batch(w->s, b) : 0;
    print_output(w, b);
    pthread_mutex_lock(&w->mu);
    if (rc && w->unreported)
        w->more_failed++;
    else if (rc) {
        snprintf(w->thread_err, sizeof w->thread_err, "%s", store_error(w->s));
        w->unreported = true;
    }
    w->head = (w->head + 1) % SW_SLOTS;
    atomic_fetch_sub(&w->queued_bytes, b->len);
    if (b->cap > SW_KEEP_BYTES) {
        batch_free(b);
        *b = (sw_batch){0};
    }
    atomic_fetch_sub(&w->queued, 1);
    if (w->caller_sleeps)
        pthread_cond_signal(&w->done);
    pthread_mutex_unlock(&w->mu);
}

/* Once awake, the thread writes until the queue is empty. */
static void *writer_main(void *arg)
{
    store_writer *w = arg;
    while (time_to_write(w))
        while (has_work(w))
            write_next(w);
    return NULL;
}

/* With the mutex held: the caller is about to wait for the thread, which
 * then writes without waiting for more documents. */
static void hurry_locked(store_writer *w)
{
    w->hurry = true;
    if (w->writer_sleeps)
        pthread_cond_signal(&w->work);
}

/* With the mutex held: wait until ready(w); with take, hand the thread's
 * unreported failure over to err.  0, or -1 for a failure taken. */
static int wait_locked(store_writer *w, bool (*ready)(const store_writer *), bool take)
{
    while (!ready(w)) {
        hurry_locked(w);
        w->caller_sleeps = true;
        pthread_cond_wait(&w->done, &w->mu);
        w->caller_sleeps = false;
    }
    w->hurry = false;
    if (!take || !w->unreported)
        return 0;
    if (w->more_failed)
        snprintf(w->err, sizeof w->err, "%.*s (and %zu more documents after it)",
                 STORE_ERR_LEN - 64, w->thread_err, w->more_failed);
    else
        memcpy(w->err, w->thread_err, sizeof w->err);
    w->unreported = false;
    w->more_failed = 0;
    return -1;
}

/* Wait until ready(w): hurry the thread, spin a while, then sleep.  As
 * wait_locked. */
static int wait_for(store_writer *w, bool (*ready)(const store_writer *), bool take)
{
    if (!ready(w)) {
        pthread_mutex_lock(&w->mu);
        hurry_locked(w);
        pthread_mutex_unlock(&w->mu);
        spin_until(w, ready);
    }
    pthread_mutex_lock(&w->mu);
    int rc = wait_locked(w, ready, take);
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
    wait_locked(w, is_idle, false);
    w->quit = true; /* seen by the thread when it next looks for work */
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    if (running)
        pthread_join(w->thread, NULL);
    store_ckpt_stop(w->ckpt);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    pthread_mutex_destroy(&w->mu);
    store_close(w->s);
    for (size_t i = 0; i < SW_SLOTS; i++)
        batch_free(&w->slot[i]);
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
    wait_for(w, is_idle, false);
    return store_run_begin(w->s, rules, packs, npacks) ? store_failed(w) : 0;
}

int sw_run_end(store_writer *w)
{
    wait_for(w, is_idle, false);
    return store_run_end(w->s) ? store_failed(w) : 0;
}

int sw_flush(store_writer *w) { return wait_for(w, is_idle, true); }

int sw_doc_begin(store_writer *w, const store_doc *d)
{
    sw_batch *b = &w->slot[w->fill];
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
    sw_batch *b = &w->slot[w->fill];
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

/* Queue the caller's batch and move on to the next slot, once it is free.
 * -1 for a failure of the thread taken here. */
static int queue_filled(store_writer *w)
{
    sw_batch *b = &w->slot[w->fill];
    pthread_mutex_lock(&w->mu);
    atomic_fetch_add(&w->queued_bytes, b->len);
    size_t n = atomic_fetch_add(&w->queued, 1) + 1;
    w->fill = (w->fill + 1) % SW_SLOTS;
    if (w->writer_sleeps && (n == 1 || n >= SW_WAKE))
        pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    return wait_for(w, has_room, true); /* the next document's slot */
}

int sw_doc_commit(store_writer *w)
{
    sw_batch *b = &w->slot[w->fill];
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
    return queue_filled(w);
}

void sw_doc_abort(store_writer *w)
{
    w->in_doc = false;
    batch_reset(&w->slot[w->fill]);
}

void sw_set_output(store_writer *w, FILE *out) { w->out = out; }

bool sw_output_failed(const store_writer *w) { return atomic_load(&w->out_failed); }

/* The output the thread prints once the batch is written. */
static void keep_output(sw_batch *b, const char *bytes, size_t len)
{
    b->out = put(b, bytes, len);
    b->out_len = len;
}

void sw_doc_output(store_writer *w, const char *bytes, size_t len)
{
    if (w->in_doc && len)
        keep_output(&w->slot[w->fill], bytes, len);
}

int sw_print(store_writer *w, const char *bytes, size_t len)
{
    if (w->in_doc)
        sw_doc_abort(w);
    sw_batch *b = &w->slot[w->fill];
    batch_reset(b);
    b->store = false;
    keep_output(b, bytes, len);
    if (b->failed) {
        snprintf(w->err, sizeof w->err, "%s: out of memory for the output", w->path);
        return -1;
    }
    return queue_filled(w);
}
