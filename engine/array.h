/*
 * array.h — growing the arrays the engine keeps as (pointer, count,
 * capacity): room for one more element, or a run of them, doubling, so
 * that appending n elements costs O(n) in all.
 */
#ifndef ENGINE_ARRAY_H
#define ENGINE_ARRAY_H

#include <stddef.h>

/* Makes room in *v (*cap elements of size bytes, n in use) for element n:
 * 0, or -1 when memory runs out (*v and *cap untouched). */
int array_reserve(void **v, size_t *cap, size_t n, size_t size);
/* The same for `more` elements after the first `used` (byte buffers that
 * take a run at a time); *v exists afterwards even when more is 0. */
int array_room(void **v, size_t *cap, size_t used, size_t more, size_t size);

/* Sorts n elements of size bytes (at most ARRAY_SORT_MAX) by cmp.  Made
 * for arrays that are nearly sorted already (automaton hits, which come by
 * end, sorted by start): an insertion sort moves each element a few
 * places, where qsort takes the whole array apart and together again.
 * Equal elements keep their order, except in an array far from sorted:
 * after 8 moves per element it goes to qsort, so that n log n stays the
 * bound, and qsort's order of equal elements is its own. */
#define ARRAY_SORT_MAX 64
void array_sort_nearly(void *base, size_t n, size_t size,
                       int (*cmp)(const void *, const void *));

#endif
