/*
 * reload.h — hot reload: notices when anything under a RULES tree changes,
 * and swaps in a new runtime only once it has loaded cleanly.
 *
 * The watcher uses inotify on every folder of the tree (not on the files):
 * editors that save by writing a temporary file and renaming it over the
 * original replace the file's inode, and a watch on the old inode would
 * never hear of the new one.  Folders created or moved in later are
 * watched as soon as they appear.  Editor droppings (dot files, backups
 * ending in '~', vim's .swp/.swx and its "4913" probe) are not changes.
 *
 * DESIGN.md, "Hot reload": a changed pack is compiled in full before it
 * replaces the old one; if the new version fails, the old one keeps running
 * and the error is shown.  reload_runtime does exactly that.
 */
#ifndef ENGINE_RELOAD_H
#define ENGINE_RELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "rt.h"

typedef struct reload_watcher reload_watcher;

/* Watch every folder under rules_dir (hidden folders excepted, as the
 * loader skips them too).  Returns NULL with a message in err when the
 * tree cannot be watched (missing folder, inotify limits). */
reload_watcher *reload_open(const char *rules_dir, char *err, size_t errcap);
void reload_close(reload_watcher *w);

/* Non-blocking: has anything changed since the last call (or since the
 * last reload_wait that returned 1)? */
bool reload_pending(reload_watcher *w);

/* Block until something changes, then keep absorbing events until
 * debounce_ms pass without one, so that several quick saves make one
 * reload (a tree that never goes quiet is reported after at most
 * RELOAD_MAX_SETTLE_MS).  timeout_ms < 0 waits for ever.  Returns 1 on a
 * change, 0 on timeout, -1 on error with errno set (EINTR when a signal
 * arrived: the caller decides whether to stop). */
enum { RELOAD_MAX_SETTLE_MS = 2000 };
int reload_wait(reload_watcher *w, int timeout_ms, int debounce_ms);

/* When the change reload_wait or reload_pending last reported was first seen
 * (CLOCK_MONOTONIC): the start of the save-to-result latency. */
struct timespec reload_changed_at(const reload_watcher *w);

/* The inotify descriptor, for callers that poll it with other things;
 * readable when events wait.  Then call reload_pending or reload_wait. */
int reload_fd(const reload_watcher *w);

/* What went wrong when reload_open failed, reload_wait returned -1 for
 * another reason than EINTR, or reload_pending met an error (which it
 * counts as a change, so that the caller reloads from the files as they
 * are); "" when nothing did. */
const char *reload_error(const reload_watcher *w);

/* Load rules_dir beside old.  With zero problems the new runtime replaces
 * old (freed) and *swapped is true.  Otherwise every problem has been
 * reported through err, the new runtime is freed, a last message through
 * err (where = rules_dir) says "keeping the previous rules", and old is
 * returned untouched: fixing the file recovers without a restart. */
rt_runtime *reload_runtime(rt_runtime *old, const char *rules_dir,
                           const rt_options *opt, rt_error_fn err, void *ud,
                           bool *swapped);

/* The same decision for a runtime the caller loaded itself (engine watch
 * loads while it waits out the debounce): fresh, as rt_load returned it
 * with its problem count, replaces old only with zero problems; otherwise
 * fresh is freed, "keeping the previous rules" reported and old returned. */
rt_runtime *reload_adopt(rt_runtime *old, rt_runtime *fresh, size_t problems,
                         const char *rules_dir, rt_error_fn err, void *ud,
                         bool *swapped);

#endif
