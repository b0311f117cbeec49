/*
 * keyset.c — see keyset.h.  Open addressing over a power-of-two slot
 * array at most half full; the keys' bytes live in one buffer.
 */
#include "keyset.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"

void keyset_init(keyset *k)
{
    memset(k, 0, sizeof *k);
}

void keyset_free(keyset *k)
{
    free(k->entries);
    free(k->slots);
    free(k->bytes);
    keyset_init(k);
}

void keyset_clear(keyset *k)
{
    if (k->n)
        memset(k->slots, 0, k->nslots * sizeof *k->slots);
    k->n = 0;
    k->nbytes = 0;
}

/* Eight bytes at a time: keys are a hundred bytes or so, and every one is
 * hashed once per emit. */
uint64_t keyset_hash(const char *s, size_t len)
{
    const uint64_t mul = 0x9E3779B97F4A7C15ULL;
    uint64_t h = len * mul, w;
    for (; len >= 8; s += 8, len -= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * mul;
        h ^= h >> 29;
    }
    w = 0;
    memcpy(&w, s, len);
    h = (h ^ w) * mul;
    return h ^ h >> 32;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t find(const keyset *k, const char *key, size_t len, uint64_t h)
{
    size_t mask = k->nslots - 1, i = (size_t)h & mask;
    for (; k->slots[i]; i = (i + 1) & mask) {
        const keyset_entry *e = &k->entries[k->slots[i] - 1];
        if (e->hash == h && e->len == len && !memcmp(k->bytes + e->at, key, len))
            break;
    }
    return i;
}

size_t keyset_get_hashed(const keyset *k, const char *key, size_t len, uint64_t h)
{
    if (!k->n)
        return 0;
    size_t i = find(k, key, len, h);
    return k->slots[i] ? k->entries[k->slots[i] - 1].value : 0;
}

size_t keyset_get(const keyset *k, const char *key, size_t len)
{
    return k->n ? keyset_get_hashed(k, key, len, keyset_hash(key, len)) : 0;
}

/* Twice the slots, every entry placed again. */
static int grow_slots(keyset *k)
{
    size_t n = k->nslots ? k->nslots * 2 : 64;
    size_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return -1;
    free(k->slots);
    k->slots = slots;
    k->nslots = n;
    for (size_t e = 0; e < k->n; e++) {
        size_t i = (size_t)k->entries[e].hash & (n - 1);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = e + 1;
    }
    return 0;
}

int keyset_put(keyset *k, const char *key, size_t len, size_t value)
{
    return keyset_put_hashed(k, key, len, keyset_hash(key, len), value);
}

int keyset_put_hashed(keyset *k, const char *key, size_t len, uint64_t h, size_t value)
{
    if ((k->n + 1) * 2 > k->nslots && grow_slots(k))
        return -1;
    if (array_reserve((void **)&k->entries, &k->cap, k->n, sizeof *k->entries) ||
        array_room((void **)&k->bytes, &k->capbytes, k->nbytes, len, 1))
        return -1;
    size_t i = find(k, key, len, h);
    memcpy(k->bytes + k->nbytes, key, len);
    k->entries[k->n] = (keyset_entry){h, k->nbytes, len, value};
    k->nbytes += len;
    k->slots[i] = ++k->n;
    return 0;
}
