/*
 * array.c — see array.h.
 */
#include "array.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int array_room(void **v, size_t *cap, size_t used, size_t more, size_t size)
{
    if (*v && more <= *cap - used)
        return 0;
    size_t c = *cap ? *cap : 16;
    while (c - used < more) {
        if (c > SIZE_MAX / 2)
            return -1;
        c *= 2;
    }
    if (c > SIZE_MAX / size)
        return -1;
    void *p = realloc(*v, c * size);
    if (!p)
        return -1;
    *v = p;
    *cap = c;
    return 0;
}

int array_reserve(void **v, size_t *cap, size_t n, size_t size)
{
    return array_room(v, cap, n, 1, size);
}

void array_sort_nearly(void *base, size_t n, size_t size,
                       int (*cmp)(const void *, const void *))
{
    assert(size <= ARRAY_SORT_MAX);
    char *v = base, held[ARRAY_SORT_MAX];
    size_t moves = 0;
    for (size_t i = 1; i < n; i++) {
        if (cmp(v + i * size, v + (i - 1) * size) >= 0)
            continue; /* in place already: the common case */
        memcpy(held, v + i * size, size);
        size_t j = i;
        while (j > 0 && cmp(held, v + (j - 1) * size) < 0) {
            memcpy(v + j * size, v + (j - 1) * size, size);
            j--;
        }
        memcpy(v + j * size, held, size);
        moves += i - j;
        if (moves > 8 * n) { /* far from sorted */
            qsort(v, n, size, cmp);
            return;
        }
    }
}
