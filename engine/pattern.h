/*
 * pattern.h — Lua 5.4 string patterns (string.find, match, gmatch, gsub)
 * whose work counts against a budget.
 *
 * Lua's own string library runs a pattern to its end inside one C call,
 * where no count hook can stop it, and a pattern that backtracks badly
 * ("(.-)(.-)(.-)b" on a long line) can take minutes.  These four
 * functions give the same results and the same error messages as Lua
 * 5.4's, but count the steps the matcher takes and hand them, as an
 * equivalent number of Lua instructions, to a charge function that may
 * raise an error to end the match.
 *
 * Character classes follow the C library's ctype (the C locale unless the
 * program set another), as Lua's do.
 */
#ifndef ENGINE_PATTERN_H
#define ENGINE_PATTERN_H

#include <lua.h>

/* Matching is charged by the time it takes, in Lua instructions as the
 * budget's hook counts them (about 4 ns each, hook included): one
 * attempt to match the rest of a pattern at a position, or one subject
 * byte tested against an item (by a repetition, a search or %b), is one
 * instruction; a byte that memchr or memcmp passes over is 1/128.  The
 * matcher counts in steps, PAT_STEPS_PER_INSTR to an instruction.  A
 * pattern that backtracks badly then uses up a budget in about the time
 * a Lua loop would (measured: 0.02 to 0.12 s for 10 million, against
 * 0.04 to 0.06 s for loops). */
#define PAT_STEPS_PER_INSTR 8

/* Receives the instructions a call's matching is worth: every few
 * thousand steps, and what is left at the end of the call.  It may raise
 * a Lua error, which ends the match as any error does. */
typedef void pat_charge_fn(lua_State *L, unsigned long instructions);

/* Sets find, match, gmatch and gsub of the table at idx to this module's
 * functions.  charge may be NULL: nothing is counted. */
void pat_install(lua_State *L, int idx, pat_charge_fn *charge);

#endif
