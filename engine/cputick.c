/*
 * cputick.c — the SIGPROF ticker of cputick.h.
 */
#include "cputick.h"

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Lock-free atomics are what C11 lets a signal handler share. */
static _Atomic(const cputick_aim *) aimed;
static int holds;
static int installed;

static void on_tick(int sig)
{
    (void)sig;
    int saved = errno;
    const cputick_aim *a = atomic_load(&aimed);
    if (a)
        a->fn(a->ud);
    errno = saved;
}

/* The clock is the CPU time of the thread that first holds the ticker
 * (the one running rules), and the signal goes to that thread: with the
 * process's CPU time (setitimer, the fallback where thread timers are
 * missing) the store's writer thread would make the ticks come faster and
 * land on the writer. */
#ifndef sigev_notify_thread_id /* glibc before 2.37 names it only inside */
#define sigev_notify_thread_id _sigev_un._tid
#endif

static timer_t timer;
static int have_timer; /* 1: timer made; -1: cannot be, use setitimer */

static int make_timer(void)
{
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGPROF;
    ev.sigev_notify_thread_id = gettid();
    have_timer = timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &timer) == 0 ? 1 : -1;
    return have_timer;
}

static int set_timer(long ms)
{
    if (have_timer == 0)
        make_timer();
    if (have_timer > 0) {
        struct itimerspec t;
        memset(&t, 0, sizeof t);
        t.it_interval.tv_nsec = t.it_value.tv_nsec = ms * 1000000L;
        return timer_settime(timer, 0, &t, NULL);
    }
    struct itimerval t;
    memset(&t, 0, sizeof t);
    t.it_interval.tv_usec = t.it_value.tv_usec = ms * 1000;
    return setitimer(ITIMER_PROF, &t, NULL);
}

int cputick_hold(void)
{
    if (holds++ > 0)
        return 0;
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_tick;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        if (sigaction(SIGPROF, &sa, NULL))
            return holds--, -1;
        installed = 1;
    }
    if (set_timer(CPUTICK_MS))
        return holds--, -1;
    return 0;
}

void cputick_release(void)
{
    if (holds > 0 && --holds == 0)
        set_timer(0);
}

const cputick_aim *cputick_target(const cputick_aim *aim)
{
    return atomic_exchange(&aimed, aim);
}
