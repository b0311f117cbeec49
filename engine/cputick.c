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

static int set_timer(long ms)
{
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
