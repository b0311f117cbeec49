/*
 * find.h — exact substring search, for short needles (a word, a
 * character) in text from a few bytes to an article long.
 */
#ifndef ENGINE_FIND_H
#define ENGINE_FIND_H

#include <stddef.h>

/* Where n (nl bytes) first occurs in h (hl bytes), or NULL: memmem's
 * answer (h itself for an empty needle), at a fraction of its cost for a
 * needle of up to 32 bytes. */
const char *find_bytes(const char *h, size_t hl, const char *n, size_t nl);

#endif
