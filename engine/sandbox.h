/*
 * sandbox.h — the Lua state every rule runs in, and the fence around it.
 *
 * DESIGN.md promises that a rule cannot reach os, io, debug, bytecode or
 * files outside its pack, that each call has a memory cap and an
 * instruction budget, and that a failing rule is reported with its file and
 * line while every other rule still runs.  This module keeps those
 * promises, so that the runtime (rt_*) can treat a rule as an ordinary Lua
 * function and call it through sb_call.
 *
 * One sb_state holds one lua_State whose allocator counts bytes.  Each pack
 * gets its own environment table (sb_new_env): an allow-list of globals,
 * private copies of string/table/math/utf8/words, and replacements for load,
 * print, require, pcall, xpcall and setmetatable.  Rules never see the
 * state's global table; C code may keep using it.
 *
 * Run every rule through sb_call: a plain lua_pcall has no budget, no
 * per-call memory cap and no traceback.  The state is single-threaded.
 */
#ifndef ENGINE_SANDBOX_H
#define ENGINE_SANDBOX_H

#include <stddef.h>

#include <lua.h>

typedef struct sb_state sb_state;

/* Limits.  A field left 0 takes the default below; to lift a limit, pass
 * SIZE_MAX or ULONG_MAX.  Zero means "default" rather than "unlimited" so
 * that a caller that forgets a field still gets a fence. */
typedef struct sb_limits {
    size_t mem_total;             /* bytes for the whole Lua state */
    size_t mem_per_call;          /* growth one sb_call may add on top of
                                     what was in use when it started */
    unsigned long instr_per_call; /* Lua VM instructions per sb_call */
} sb_limits;

#define SB_DEFAULT_MEM_TOTAL ((size_t)512 << 20)
#define SB_DEFAULT_MEM_PER_CALL ((size_t)64 << 20)
/* A rule stuck in a loop costs about 0.1 s per call at the default. */
#define SB_DEFAULT_INSTR_PER_CALL 10000000UL

/* What went wrong.  0 is success; every function that can fail returns
 * one of these. */
typedef enum sb_errkind {
    SB_OK = 0,
    SB_ERR_RUNTIME, /* the code raised an error (its own or a bug) */
    SB_ERR_MEMORY,  /* a memory cap was hit, or the system is out of memory */
    SB_ERR_BUDGET,  /* the instruction budget of the call ran out */
    SB_ERR_SYNTAX,  /* a chunk did not compile, or was binary */
    SB_ERR_FILE     /* a file or folder could not be opened or read */
} sb_errkind;

#define SB_ERRMSG_MAX 2048

/* The report of a failure.  msg starts with "file:line: message" (file as
 * the chunk name the caller gave, e.g. "common/revenue.lua"), and for
 * errors raised while running continues with "\nstack traceback:\n...".
 * The first head_len bytes are the one-line summary without the
 * traceback (a message may itself contain newlines).  msg is cut, on a
 * UTF-8 character boundary, to fit the buffer. */
typedef struct sb_error {
    sb_errkind kind;
    size_t head_len;
    char msg[SB_ERRMSG_MAX];
} sb_error;

/* A new sandbox with the given limits (NULL: all defaults).  Returns NULL
 * if memory runs out, including when mem_total is too small for Lua's own
 * libraries (about 16 KB, and 4 KB more per environment). */
sb_state *sb_new(const sb_limits *lim);

/* Closes the Lua state and frees everything; NULL is allowed.  Rules
 * cannot install __gc finalizers, so closing runs no rule code. */
void sb_free(sb_state *s);

/* The Lua state, for the runtime to push functions, arguments and its own
 * API.  Everything allocated in it counts against mem_total. */
lua_State *sb_lua(sb_state *s);

/* Bytes the Lua state holds right now (for logs and benchmarks). */
size_t sb_mem_used(const sb_state *s);

/* Pushes a fresh environment table for one pack and returns SB_OK, or
 * pushes nothing and returns SB_ERR_MEMORY, or SB_ERR_FILE when pack_dir
 * is given but is not a readable folder.
 *
 * The table holds: assert error ipairs next pairs pcall xpcall rawequal
 * rawget rawlen rawset select setmetatable getmetatable tonumber tostring
 * type unpack (= table.unpack) _VERSION _G (= the table itself), copies of
 * string (without dump, and with pattern.h's find match gmatch gsub)
 * table math utf8, words (words.h), and
 *   load(s [, name [, mode]])  text chunks only, always with this table as
 *                              _ENV: a binary chunk returns nil and a
 *                              message, like a syntax error; a mode without
 *                              't', an env argument or a reader function
 *                              is an error;
 *   print(...)                 to stderr, as "[pack_name] a\tb\n";
 *   require(name)              NAME.lua under pack_dir, '.' separating
 *                              folders; names of [A-Za-z0-9_.] only, no
 *                              "..", no leading or trailing '.'; the file's
 *                              real path (symlinks resolved) must stay under
 *                              pack_dir; text only; run once per table, its
 *                              result cached; shown in messages as
 *                              "pack_name/dir/name.lua";
 *   pcall, xpcall              as usual, except that budget and memory
 *                              errors go through: a rule cannot catch them;
 *   setmetatable               refuses a metatable with a __gc field, so no
 *                              rule code runs during GC or sb_free.
 * Reading os io debug package dofile loadfile collectgarbage coroutine
 * (and 5.1's loadstring setfenv getfenv module), or string.dump, raises
 * "NAME is not available in rules"; other unknown globals read as nil.
 * The environment's metatable is protected.  The caller may add its own
 * names to the table.  pack_dir may be NULL: require then always fails.
 * The string metatable is shared by every pack, and hidden from all
 * (getmetatable("") is false), so methods called on strings (("x"):upper())
 * are always the standard ones, never a pack's additions. */
int sb_new_env(sb_state *s, const char *pack_name, const char *pack_dir);

/* Compiles the Lua text file at path, with the table at env_index as its
 * _ENV, and pushes the resulting function.  chunkname is how the file is
 * named in messages ("common/revenue.lua"; NULL: path).  A UTF-8 BOM is
 * skipped; binary chunks are refused.  Returns SB_OK, SB_ERR_SYNTAX
 * (err->msg is "chunkname:line: message"), SB_ERR_FILE or SB_ERR_MEMORY;
 * on error nothing is pushed and err (if not NULL) is filled in.  Compiling
 * runs no Lua code and counts only against mem_total. */
int sb_load_file(sb_state *s, int env_index, const char *path,
                 const char *chunkname, sb_error *err);

/* Calls the function below the nargs arguments on the top of the stack, as
 * lua_pcall does, under the limits: the instruction count starts at 0 and
 * the per-call memory cap at (bytes in use now + mem_per_call).  On SB_OK
 * the function and arguments are replaced by nresults results (any number
 * with LUA_MULTRET).  On error they are removed, nothing is pushed, and
 * err (if not NULL) says what happened: SB_ERR_RUNTIME, SB_ERR_BUDGET
 * ("file:line: instruction budget exceeded (N instructions)") or
 * SB_ERR_MEMORY ("file:line: memory limit exceeded (N MB per call)", or
 * "... (N MB in total)").  After a memory error a full garbage collection
 * runs, so the next call starts with what the failed one left behind
 * already freed.  The state stays usable after any error; but what a pack
 * keeps reachable (its globals) stays allocated, and once that fills
 * mem_total every later call and compile fails until the pack is dropped.
 *
 * Lua runs no message handler for a memory error, so such a report has no
 * traceback (unless the rule's own pcall caught it) and its line is only
 * where the budget hook last saw the rule (every 1000 instructions once
 * counting began), or else where the called function begins.  A failing call may use up to
 * 256 KB beyond mem_per_call to build its report.
 *
 * The budget counts Lua VM instructions (checked every 1000), not time,
 * from the first 10 ms tick of CPU time the call sees (sb_batch_begin):
 * a call may run for up to 10 ms of CPU plus instr_per_call instructions.
 * The count hook cannot see inside a C function, so the string library's
 * find, match, gmatch and gsub are pattern.h's, which charge their
 * matching (sb_charge): a pattern that backtracks badly is stopped like a
 * loop, at the rule's line.  Any other C function runs to its end however
 * long it takes.
 *
 * A C function called by a rule may itself call sb_call: the inner call
 * then runs under the outer call's budget and cap (nothing is reset).
 * Such functions should let errors through rather than catch them with
 * lua_pcall: a budget error they swallow still stops the rule at its next
 * instruction, but a memory error they swallow is lost. */
int sb_call(sb_state *s, int nargs, int nresults, sb_error *err);

/* Charges work done in C as that many Lua instructions to the running
 * call's budget, as the count hook charges the rule's own instructions
 * (and, as the hook, only once the call has seen a CPU tick).  When the
 * budget runs out it raises the budget error, with the position of the
 * innermost Lua function calling in.  L must be a sandbox's state. */
void sb_charge(lua_State *L, unsigned long instructions);

/* The budget's hook is installed only once a call has run for a tick of
 * CPU time (10 ms, SIGPROF; see cputick.h), so short calls run at full
 * speed.  Each top-level sb_call starts and stops that ticker (two system
 * calls) unless a batch holds it: bracket a run of many calls with
 * sb_batch_begin and sb_batch_end.  While a batch is open, system calls
 * that do not restart after a signal (poll, nanosleep) may fail with
 * EINTR.  Batches nest.  Where the timer cannot be set, every call counts
 * from its first instruction instead. */
void sb_batch_begin(sb_state *s);
void sb_batch_end(sb_state *s);

#endif
