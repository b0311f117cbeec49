/*
 * period.h — periods and dates in normalised text (DESIGN.md, Periods).
 *
 * The quantity scanner (num.c) asks period_match at each position before it
 * tries a number, so that 2024年上半年 is one period and not the number 2024;
 * both live in the same single pass over the text.
 */
#ifndef ENGINE_PERIOD_H
#define ENGINE_PERIOD_H

#include "num.h"

/* Try to read a period or date starting exactly at text[pos].  On success
 * fill *out (kind NUM_PERIOD or NUM_DATE, start = pos, end, period, flags)
 * and return the number of bytes matched; else return 0 and leave *out
 * untouched.  Must reject cheaply: it is called at most character
 * positions of every document. */
size_t period_match(const char *text, size_t len, size_t pos,
                    const num_ctx *ctx, num_quantity *out);

#endif
