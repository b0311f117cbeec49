/*
 * sha256.h — SHA-256 (FIPS 180-4), incremental and one-shot.
 */
#ifndef ENGINE_SHA256_H
#define ENGINE_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];
    uint64_t bytes;          /* message length so far */
    unsigned char block[64]; /* the partial block */
    size_t used;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
void sha256_final(sha256_ctx *c, unsigned char digest[32]);
/* digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(const unsigned char digest[32], char hex[65]);
/* The hex digest of data[0..n) in one call. */
void sha256_hex_of(const void *data, size_t n, char out[65]);
/* Whether to use the processor's SHA instructions where it has them (the
 * default); tests turn them off to check the portable code.  Returns
 * whether they are used from now on. */
bool sha256_use_cpu(bool want);

#endif
