/*
 * keyset.h — byte strings, each with a number, found by their bytes: the
 * facts a document has emitted so far, by their repeat key.  Emptied, not
 * freed, from document to document.
 */
#ifndef ENGINE_KEYSET_H
#define ENGINE_KEYSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t hash;
    size_t at, len; /* the key's bytes: bytes[at .. at + len) */
    size_t value;
} keyset_entry;

typedef struct {
    keyset_entry *entries;
    size_t n, cap;
    size_t *slots;  /* entry index + 1, 0 for none; nslots a power of two */
    size_t nslots;
    char *bytes;
    size_t nbytes, capbytes;
} keyset;

void keyset_init(keyset *k);
void keyset_free(keyset *k);
void keyset_clear(keyset *k);
/* The value of key, or 0 when it is not in the set. */
size_t keyset_get(const keyset *k, const char *key, size_t len);
/* Add key (not in the set yet) with value (> 0).  Returns 0, or -1 when
 * memory runs out (the set is unchanged). */
int keyset_put(keyset *k, const char *key, size_t len, size_t value);
/* The same with key's hash given (keyset_hash): a caller that looks a key
 * up and then adds it hashes it once. */
uint64_t keyset_hash(const char *key, size_t len);
size_t keyset_get_hashed(const keyset *k, const char *key, size_t len, uint64_t h);
int keyset_put_hashed(keyset *k, const char *key, size_t len, uint64_t h, size_t value);

#endif
