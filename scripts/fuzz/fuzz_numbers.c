/*
 * fuzz_numbers.c — libFuzzer harness for the quantity scanner (engine/num*.c,
 * with the period reader it calls).
 *
 * Arbitrary bytes go to num_scan exactly as given — not even valid UTF-8 is
 * promised — in a buffer of exactly their size, so ASan sees any read past
 * the end.  The first byte, when present, picks the document date (none, or
 * one of two), so relative periods are exercised both ways.  Every reported
 * quantity is checked:
 *   - its span lies within the text, is not empty, and starts no earlier
 *     than the previous one ended (results come in order, never overlap);
 *   - kind, qualifier, change and basis are in range; a range has no value
 *     and low <= high; an identifier has a name;
 *   - every decimal formats within 32 bytes, NUL-terminated;
 *   - unit and period strings are NUL-terminated in their arrays.
 * A sink that stops the scan must stop it at once with its own value.
 * Built and run by scripts/fuzz/run
 * (clang -fsanitize=fuzzer,address,undefined).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            abort();                                                         \
        }                                                                    \
    } while (0)

typedef struct {
    size_t len, prev_end, count, stop_after;
} run_state;

static void check_dec(num_dec d)
{
    char buf[32];
    size_t n = num_dec_format(d, buf, sizeof buf);
    CHECK(n > 0 && n < sizeof buf && buf[n] == '\0' && strlen(buf) == n);
}

static int on_quantity(void *ud, const num_quantity *q)
{
    run_state *st = ud;
    CHECK(q->start < q->end && q->end <= st->len);
    CHECK(q->start >= st->prev_end);
    CHECK((unsigned)q->kind <= NUM_IDENT);
    CHECK((unsigned)q->qual <= NUM_Q_LE);
    CHECK((unsigned)q->change <= NUM_CHANGE_DOWN);
    CHECK((unsigned)q->basis <= NUM_BASIS_QOQ);
    CHECK(memchr(q->unit, '\0', sizeof q->unit) != NULL);
    CHECK(memchr(q->period, '\0', sizeof q->period) != NULL);
    CHECK(q->kind != NUM_IDENT || q->ident != NULL);
    check_dec(q->value);
    if (q->flags & NUM_F_RANGE) {
        check_dec(q->low);
        check_dec(q->high);
        CHECK(q->value.m == 0);
    }
    (void)num_kind_name(q->kind);
    (void)num_qual_name(q->qual);
    st->prev_end = q->end;
    st->count++;
    return st->count == st->stop_after ? 42 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const num_date dates[] = {{0, 0, 0}, {2024, 8, 30}, {2019, 1, 1}};
    num_ctx ctx = {dates[size ? data[0] % 3 : 0]};
    char *text = malloc(size ? size : 1);
    if (!text) return 0;
    if (size) memcpy(text, data, size);

    run_state all = {.len = size};
    CHECK(num_scan(text, size, &ctx, on_quantity, &all) == 0);

    /* Stopping after the first quantity returns the sink's value and
     * reports nothing more. */
    run_state one = {.len = size, .stop_after = 1};
    int r = num_scan(text, size, &ctx, on_quantity, &one);
    CHECK(all.count == 0 ? r == 0 && one.count == 0 : r == 42 && one.count == 1);

    free(text);
    return 0;
}
