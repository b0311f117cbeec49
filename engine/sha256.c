/*
 * sha256.c — SHA-256 (FIPS 180-4): the checksum of pack archives and the
 * content hash of stored documents.  Written out here rather than taken
 * from a crypto library because it is all the cryptography the engine
 * needs, and `sha256sum FILE` gives the same digits for people to compare.
 */
#include "sha256.h"

#include <stdbool.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA_NI 1
#endif

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n) { return x >> n | x << (32 - n); }

static uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void sha_block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64], v[8];
    for (int i = 0; i < 16; i++)
        w[i] = load_be32(p + 4 * i);
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ w[i - 15] >> 3;
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ w[i - 2] >> 10;
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(v, h, sizeof v);
    for (int i = 0; i < 64; i++) {
        uint32_t e = v[4], a = v[0];
        uint32_t t1 = v[7] + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
                      ((e & v[5]) ^ (~e & v[6])) + sha_k[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) +
                      ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
        memmove(v + 1, v, 7 * sizeof *v);
        v[4] += t1;
        v[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        h[i] += v[i];
}

static void blocks_portable(uint32_t h[8], const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sha_block(h, p + 64 * i);
}

#ifdef SHA_NI
/* The same with the SHA extensions of x86 processors (Intel since Goldmont
 * and Ice Lake, AMD since Zen): about fifteen times fewer instructions,
 * which matters for the store, which hashes every document it keeps.
 * sha256rnds2 does two rounds on the state held as ABEF and CDGH (A in
 * the highest lane); msg1 and msg2 compute the message schedule four words
 * at a time, W[t-7] being put in between them. */
__attribute__((target("sha,sse4.1"))) static void blocks_cpu(uint32_t h[8],
                                                            const unsigned char *p,
                                                            size_t n)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0xB1);
    __m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(h + 4)), 0x1B);
    __m128i abef = _mm_alignr_epi8(dcba, hgfe, 8);
    __m128i cdgh = _mm_blend_epi16(hgfe, dcba, 0xF0);
    for (size_t b = 0; b < n; b++, p += 64) {
        __m128i save_abef = abef, save_cdgh = cdgh, w[4];
        for (int g = 0; g < 16; g++) {
            __m128i *m = &w[g & 3];
            if (g < 4) {
                *m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
            } else {
                __m128i prev = w[(g - 1) & 3];
                __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(*m, w[(g - 3) & 3]),
                                          _mm_alignr_epi8(prev, w[(g - 2) & 3], 4));
                *m = _mm_sha256msg2_epu32(t, prev);
            }
            __m128i wk = _mm_add_epi32(*m, _mm_loadu_si128((const __m128i *)(sha_k + 4 * g)));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
        }
        abef = _mm_add_epi32(abef, save_abef);
        cdgh = _mm_add_epi32(cdgh, save_cdgh);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)h, _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)(h + 4), _mm_alignr_epi8(dchg, feba, 8));
}

static bool cpu_has_sha(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & 1u << 29)) /* SHA */
        return false;
    return __get_cpuid(1, &a, &b, &c, &d) && (c & 1u << 19) && (c & 1u << 9); /* SSE4.1, SSSE3 */
}
#endif

typedef void blocks_fn(uint32_t h[8], const unsigned char *p, size_t n);
static blocks_fn *blocks;

bool sha256_use_cpu(bool want)
{
    blocks = blocks_portable;
#ifdef SHA_NI
    if (want && cpu_has_sha())
        blocks = blocks_cpu;
#endif
    return blocks != blocks_portable;
}

static void run_blocks(uint32_t h[8], const unsigned char *p, size_t n)
{
    if (!blocks)
        sha256_use_cpu(true);
    blocks(h, p, n);
}

void sha256_init(sha256_ctx *c)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, h0, sizeof h0);
    c->bytes = 0;
    c->used = 0;
}

void sha256_update(sha256_ctx *c, const void *data, size_t n)
{
    const unsigned char *p = data;
    c->bytes += n;
    while (n > 0) {
        if (c->used == 0 && n >= 64) { /* whole blocks straight from the input */
            size_t k = n / 64;
            run_blocks(c->h, p, k);
            p += 64 * k;
            n -= 64 * k;
            continue;
        }
        size_t take = 64 - c->used < n ? 64 - c->used : n;
        memcpy(c->block + c->used, p, take);
        c->used += take;
        p += take;
        n -= take;
        if (c->used == 64) {
            run_blocks(c->h, c->block, 1);
            c->used = 0;
        }
    }
}

void sha256_final(sha256_ctx *c, unsigned char digest[32])
{
    uint64_t bits = c->bytes * 8;
    unsigned char pad[72] = {0x80};
    /* Pad to 56 bytes mod 64, then the length in bits, big-endian. */
    size_t npad = (c->used < 56 ? 56 : 120) - c->used;
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha256_update(c, pad, npad);
    sha256_update(c, len, 8);
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 4; k++)
            digest[4 * i + k] = (unsigned char)(c->h[i] >> (24 - 8 * k));
}

void sha256_hex(const unsigned char digest[32], char hex[65])
{
    static const char xd[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = xd[digest[i] >> 4];
        hex[2 * i + 1] = xd[digest[i] & 15];
    }
    hex[64] = '\0';
}

void sha256_hex_of(const void *data, size_t n, char out[65])
{
    sha256_ctx c;
    unsigned char d[32];
    sha256_init(&c);
    sha256_update(&c, data, n);
    sha256_final(&c, d);
    sha256_hex(d, out);
}
