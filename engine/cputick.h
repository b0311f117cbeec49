/*
 * cputick.h — a ticker on a thread's CPU time (SIGPROF, sent to the thread
 * that first held it), for work that must notice a long computation
 * without paying for a check at every step.
 *
 * The sandbox uses it for the instruction budget: a Lua count hook makes
 * the VM stop at every instruction (a rule runs about 15% slower), so the
 * hook is installed only once a call has seen a tick, i.e. has run for up
 * to CPUTICK_MS of CPU.
 *
 * The ticker runs while holds > 0, and each tick calls the aimed callback
 * from the signal handler (so the callback must be async-signal-safe).
 * The handler is installed with SA_RESTART; system calls that never
 * restart (poll, nanosleep) may still return EINTR while the ticker runs,
 * which is why holders keep it running only around computation.
 */
#ifndef ENGINE_CPUTICK_H
#define ENGINE_CPUTICK_H

#define CPUTICK_MS 10

typedef struct cputick_aim {
    void (*fn)(void *ud); /* called from the signal handler */
    void *ud;
} cputick_aim;

/* Start (first hold) and stop (last release) the ticker.  Returns 0, or
 * -1 if the timer or the handler could not be set (errno says why). */
int cputick_hold(void);
void cputick_release(void);

/* What the ticks call from now on (NULL: nothing); returns what they
 * called before, for a nested user to put back. */
const cputick_aim *cputick_target(const cputick_aim *aim);

#endif
