/*
 * array.c — see array.h.
 */
#include "array.h"

#include <stdint.h>
#include <stdlib.h>

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
