/*
 * vscan.h — the runs of input the reader takes as they stand, found 16
 * bytes at a time.
 *
 * A JSON string's text and the UTF-8 text_append decodes are nearly all
 * plain ASCII and three-byte CJK characters, which need neither a change
 * nor a check beyond their continuation bytes.  Where SSE2 is there (every
 * x86-64) a 16-byte window is classified at once: its lead and
 * continuation bytes must line up, which is that check.  The portable
 * versions take a character at a time; the SSE2 ones fall back to them
 * for the last bytes.  Both are exposed so that the tests compare them on
 * every machine.
 */
#ifndef ENGINE_VSCAN_H
#define ENGINE_VSCAN_H

#include <stddef.h>

/* The end of the run from s[i] (i <= n) that a JSON string keeps as it
 * is: printable ASCII other than " and \, and well-formed UTF-8 (the
 * shortest form of a scalar value, RFC 3629).  The run is copied to out,
 * which must have room for n - i bytes; the bytes of out past the run may
 * be overwritten. */
size_t vscan_json(const char *s, size_t i, size_t n, char *out);
size_t vscan_json_portable(const char *s, size_t i, size_t n, char *out);

/* The end of the run from u[i] (i <= n) that text_append copies as it
 * stands without a check beyond continuation bytes: ASCII other than NUL
 * and CR, and whole ideographs U+4000..U+9FFF (leads E4..E9), every one
 * of which NFKC leaves alone. */
size_t vscan_text(const unsigned char *u, size_t i, size_t n);
size_t vscan_text_portable(const unsigned char *u, size_t i, size_t n);
/* The same for input already checked to be UTF-8 (a JSON string), which
 * may be cut inside a character at n but not before: continuation bytes
 * need no check, only the classes of the bytes.  Other input gives some
 * end in [i, n]. */
size_t vscan_text_checked(const unsigned char *u, size_t i, size_t n);

/* The first byte of u[i..n) (i <= n) that the sentence scan of segment.c
 * must read, or n: the ASCII terminators . ! ? ; and the leads E2, E3 and
 * EF of the punctuation it decodes (quotes, 。, the ellipses, full-width
 * forms).  The closers after a terminator are read from there, so they
 * are not among them.  A byte is judged alone, so on UTF-8 the answer is
 * a character's start: no continuation byte is among them. */
size_t vscan_sentence(const unsigned char *u, size_t i, size_t n);
size_t vscan_sentence_portable(const unsigned char *u, size_t i, size_t n);
/* The first lead E2 or E3 in u[i..n), or n: every quote segment.c tracks
 * begins with one of them. */
size_t vscan_quote(const unsigned char *u, size_t i, size_t n);
size_t vscan_quote_portable(const unsigned char *u, size_t i, size_t n);

#endif
