/*
 * doc.c — the streaming document reader described in doc.h.
 *
 * Raw bytes are kept in one buffer covering [raw_base, raw_base + raw_len)
 * of the document: everything not yet decoded plus everything behind the
 * normalised text still held, so evidence can be shown in its original
 * form.  After a block is handed on, both are trimmed to what is left.
 */
#include "doc.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "utf8.h"

/* How many bytes after the first non-ASCII byte we want before deciding
 * between UTF-8 and GB18030: enough characters that a GBK text does not
 * pass as UTF-8 by chance. */
enum { DETECT_SAMPLE = 64 * 1024 };

struct doc_reader {
    text_encoding want, enc;
    bool decided;
    bool started;     /* the BOM check has been done */
    bool checked;     /* the document is UTF-8 its caller has checked */
    size_t block;     /* cut size; 0 = whole document */
    text_buf tb;
    char *raw;
    size_t raw_len, raw_cap, raw_base;
    iconv_t cd;       /* GB18030 → UTF-8, for doc_original; opened lazily */
    char *orig_buf;   /* doc_original's transcoding buffer */
    size_t orig_cap;
};

doc_reader *doc_reader_new(text_encoding want, size_t block)
{
    doc_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->want = want;
    r->block = block;
    r->cd = (iconv_t)-1;
    text_buf_init(&r->tb);
    doc_start(r);
    return r;
}

void doc_reader_free(doc_reader *r)
{
    if (!r)
        return;
    text_buf_free(&r->tb);
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    free(r->raw);
    free(r->orig_buf);
    free(r);
}

void doc_start(doc_reader *r)
{
    text_buf_reset(&r->tb);
    r->raw_len = 0;
    r->raw_base = 0;
    r->enc = r->want == TEXT_ENC_AUTO ? TEXT_ENC_UTF8 : r->want;
    r->decided = r->want != TEXT_ENC_AUTO;
    r->started = false;
    r->checked = false;
}

void doc_known_utf8(doc_reader *r)
{
    if (r->want == TEXT_ENC_AUTO)
        r->decided = true; /* doc_start set enc to UTF-8 */
    r->checked = r->enc == TEXT_ENC_UTF8;
}

text_encoding doc_encoding(const doc_reader *r) { return r->enc; }

static int oom(text_error *err, size_t at)
{
    err->offset = at;
    snprintf(err->msg, sizeof err->msg, "out of memory");
    return -1;
}

static int keep_raw(doc_reader *r, const char *bytes, size_t n, text_error *err)
{
    if (array_room((void **)&r->raw, &r->raw_cap, r->raw_len, n, 1))
        return oom(err, r->raw_base + r->raw_len);
    memcpy(r->raw + r->raw_len, bytes, n);
    r->raw_len += n;
    return 0;
}

/* Raw bytes not yet decoded. */
static const char *pending(const doc_reader *r, size_t *n)
{
    size_t done = r->tb.raw_pos - r->raw_base;
    *n = r->raw_len - done;
    return r->raw + done;
}

/* Skip a UTF-8 BOM at the start of the document, once we can see it. */
static void skip_bom(doc_reader *r, bool final)
{
    if (r->started || (r->raw_len < 3 && !final))
        return;
    r->started = true;
    r->tb.raw_pos += text_bom_len(r->raw, r->raw_len);
}

/* How many pending bytes may be decoded now.  In auto mode ASCII is decoded
 * as it comes (it reads the same in both encodings); at the first non-ASCII
 * byte we wait for a sample and decide. */
static long decodable(doc_reader *r, const char *p, size_t n, bool final,
                      text_error *err)
{
    if (r->decided)
        return (long)n;
    size_t i = 0;
    while (i < n && (unsigned char)p[i] < 0x80)
        i++;
    if (i == n)
        return (long)n;
    if (n - i < DETECT_SAMPLE && !final)
        return (long)i;
    /* A sample is enough to tell the two apart; text_append checks every
     * byte anyway, so checking all of them here would only do it twice. */
    size_t sample = n - i < DETECT_SAMPLE ? n - i : DETECT_SAMPLE;
    int enc = text_detect(p + i, sample, err);
    if (enc < 0) {
        err->offset += r->tb.raw_pos + i;
        return -1;
    }
    r->enc = (text_encoding)enc;
    r->decided = true;
    return (long)n;
}

static int decode(doc_reader *r, bool final, text_error *err)
{
    size_t n;
    const char *p = pending(r, &n);
    long ok = decodable(r, p, n, final, err);
    if (ok < 0)
        return -1;
    bool last = final && (size_t)ok == n;
    long used = r->checked ? text_append_checked(&r->tb, p, (size_t)ok, last, err)
                           : text_append(&r->tb, p, (size_t)ok, r->enc, last, err);
    return used < 0 ? -1 : 0;
}

/* Forget the first cut normalised bytes and the raw bytes behind them. */
static void drop(doc_reader *r, size_t cut)
{
    text_buf_drop(&r->tb, cut);
    size_t keep_from = r->tb.len ? r->tb.orig[0] : r->tb.raw_pos;
    size_t gone = keep_from - r->raw_base;
    if (r->raw_len > gone)
        memmove(r->raw, r->raw + gone, r->raw_len - gone);
    r->raw_len -= gone;
    r->raw_base = keep_from;
}

/* A cut that text_safe_cut could not find in a block eight times the block
 * size: cut at a character boundary all the same, rather than let memory
 * grow without bound on a pathological input (a line of digits). */
static size_t block_cut(const doc_reader *r)
{
    size_t cut = text_safe_cut(r->tb.buf, r->tb.len);
    if (cut == 0 && r->tb.len >= r->block * 8)
        cut = utf8_char_start(r->tb.buf, r->tb.len - 1);
    return cut;
}

static int emit(doc_reader *r, size_t cut, bool last, doc_block_fn fn, void *ud)
{
    /* An empty document has no buffers yet: hand over an empty text whose
     * one offset is where the document ends. */
    size_t end = r->tb.raw_pos;
    doc_block b = {r->tb.buf ? r->tb.buf : "", cut, r->tb.orig ? r->tb.orig : &end, last};
    int rc = fn(ud, &b);
    drop(r, cut);
    return rc;
}

static int feed_piece(doc_reader *r, const char *bytes, size_t n,
                      doc_block_fn fn, void *ud, text_error *err)
{
    if (keep_raw(r, bytes, n, err))
        return -1;
    skip_bom(r, false);
    if (!r->started)
        return 0;
    if (decode(r, false, err))
        return -1;
    if (r->block == 0 || r->tb.len < r->block)
        return 0;
    size_t cut = block_cut(r);
    return cut ? emit(r, cut, false, fn, ud) : 0;
}

/* Large inputs are taken a block at a time, so that a 200 MB text handed
 * over in one piece is still read in bounded memory. */
int doc_feed(doc_reader *r, const char *bytes, size_t n, doc_block_fn fn,
             void *ud, text_error *err)
{
    size_t step = r->block ? r->block : n;
    size_t off = 0;
    do {
        size_t piece = n - off < step ? n - off : step;
        int rc = feed_piece(r, bytes + off, piece, fn, ud, err);
        if (rc)
            return rc;
        off += piece;
    } while (off < n);
    return 0;
}

int doc_finish(doc_reader *r, doc_block_fn fn, void *ud, text_error *err)
{
    skip_bom(r, true);
    if (decode(r, true, err))
        return -1;
    size_t n;
    pending(r, &n);
    if (n) /* text_append consumes everything when final */
        return oom(err, r->tb.raw_pos);
    return emit(r, r->tb.len, true, fn, ud);
}

static int transcode(doc_reader *r, const char *s, size_t n, const char **out,
                     size_t *outn)
{
    if (r->cd == (iconv_t)-1 &&
        (r->cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
        return -1;
    if (r->orig_cap < n * 2 + 8) {
        char *p = realloc(r->orig_buf, n * 2 + 8);
        if (!p)
            return -1;
        r->orig_buf = p;
        r->orig_cap = n * 2 + 8;
    }
    /* GB18030 never needs more than 2 UTF-8 bytes per source byte. */
    char *in = (char *)s, *o = r->orig_buf;
    size_t inleft = n, outleft = r->orig_cap;
    iconv(r->cd, NULL, NULL, NULL, NULL);
    if (iconv(r->cd, &in, &inleft, &o, &outleft) == (size_t)-1)
        return -1;
    *out = r->orig_buf;
    *outn = (size_t)(o - r->orig_buf);
    return 0;
}

int doc_original(doc_reader *r, size_t start, size_t end, const char **s,
                 size_t *n)
{
    if (start < r->raw_base || end > r->raw_base + r->raw_len || start > end)
        return -1;
    const char *p = r->raw + (start - r->raw_base);
    if (r->enc != TEXT_ENC_GB18030) {
        *s = p;
        *n = end - start;
        return 0;
    }
    return transcode(r, p, end - start, s, n);
}
