/*
 * text.h — from input bytes to the normalised text every later stage reads.
 *
 * decode:    UTF-8 is checked; GB18030/GBK is transcoded (iconv); a BOM is
 *            skipped; CRLF and lone CR become LF.
 * normalise: NFKC-style width folding with utf8proc (full-width digits,
 *            letters and punctuation, ideographic space, compatibility
 *            forms) so that rules and the scanner match one spelling.
 * segment:   paragraphs and sentences over the normalised text.
 *
 * Every normalised byte keeps the offset of the original byte it came from,
 * so any span found later can be reported against the ORIGINAL input.
 *
 * Normalisation policy (text.c):
 *   - NFKC per code point, composing across characters (e + U+0301 → é):
 *     full-width ASCII → ASCII (２０２４ → 2024, ＨＫ＄ → HK$, ，！？；：（）
 *     → ,!?;:()), ￥ → ¥, compatibility forms (① → 1, ㎡ → m2, ﬁ → fi).
 *   - Every space separator (U+3000, NBSP, U+2000..U+200A, …) → ' ';
 *     U+2028, U+2029 and NEL → LF; CRLF and lone CR → LF.
 *   - Kept although NFKC would change them: … ‥ ⋯ (segmentation reads
 *     them as ellipses, not as dots), super- and subscripts (a footnote
 *     mark ¹ must not become a digit of the number before it), spacing
 *     diacritics such as ¨ ￣ (NFKC would make them a space + mark).
 *   - Dropped: soft hyphen, zero-width space, word joiner and U+FEFF
 *     anywhere (invisible, but they would split a keyword).  A BOM at the
 *     start therefore yields no text even if the caller did not skip it.
 *   - NUL bytes become ' ' (same offset), so a file with stray NULs is
 *     still read and every later stage can treat buf as a C string.
 *   - No case folding; CJK punctuation 。、“”‘’「」『』《》【】—· is kept.
 *
 * Offset map: a byte copied unchanged maps to its own original byte; every
 * byte of a folded or transcoded character maps to the first byte of the
 * original character (of the first one, when characters compose).
 */
#ifndef ENGINE_TEXT_H
#define ENGINE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    TEXT_ENC_AUTO,   /* UTF-8 if valid, else GB18030 if valid, else error */
    TEXT_ENC_UTF8,
    TEXT_ENC_GB18030 /* also reads GBK and GB2312, its subsets */
} text_encoding;

/* Normalised text with its map back to the original bytes.
 * orig[i] is the absolute offset (from the start of the document) of the
 * original byte that normalised byte i came from; orig[len] is the offset
 * just past the last original byte consumed, so the span [a, b) of
 * normalised bytes maps to [orig[a], orig[b]) of the original. */
typedef struct {
    char *buf;      /* NUL-terminated; NULL until the first text_append */
    size_t *orig;   /* len + 1 entries */
    size_t len, cap;
    size_t raw_pos; /* absolute offset of the next raw byte to be appended */
} text_buf;

typedef struct {
    size_t offset;  /* absolute byte offset of the problem in the input */
    char msg[160];
} text_error;

void text_buf_init(text_buf *tb);
void text_buf_free(text_buf *tb);
/* Forget everything: ready for a new document (keeps the memory). */
void text_buf_reset(text_buf *tb);
/* Drop the first n normalised bytes (n must be a character boundary),
 * keeping the rest and its map: used when streaming a large document. */
void text_buf_drop(text_buf *tb, size_t n);

/* Length of a UTF-8 byte-order mark at raw[0..n), or 0. */
size_t text_bom_len(const char *raw, size_t n);

/* Decide the encoding of a whole document (or of a long enough sample of
 * it).  Returns TEXT_ENC_UTF8 or TEXT_ENC_GB18030; on bytes that are
 * neither, returns -1 and fills err with the offset of the first bad byte
 * (as UTF-8).  A character cut by the end of the sample counts as valid.
 * GB18030 is chosen only if it is well formed, converts, has hardly any
 * control bytes, and at least half of its multibyte characters lie in the
 * GB2312 symbol and hanzi rows (Latin-1 text is often well-formed GBK).
 * err->offset is relative to raw and the message does not repeat it; a
 * UTF-16 byte-order mark is named as such. */
int text_detect(const char *raw, size_t n, text_error *err);

/* Decode raw[0..n) in enc, normalise it and append to tb; raw[0] is at
 * absolute offset tb->raw_pos.  Only whole characters are consumed: when
 * final is false, an incomplete character at the end is left for the next
 * call.  A CR at the very end with !final is likewise held back (it may
 * start a CRLF).  Returns the number of raw bytes consumed, or -1 on an
 * invalid byte (err->offset is absolute).  Out of memory: -1 with a
 * message saying so.
 *
 * UTF-8 is checked strictly: overlong forms, surrogates, code points above
 * U+10FFFF, stray continuation bytes and cut sequences are errors, and
 * err->offset is the first byte of the ill-formed sequence (the message
 * names the offending byte).  GB18030 character lengths (1, 2 or 4 bytes)
 * are decided from the lead and second bytes, and iconv maps them.
 * TEXT_ENC_AUTO runs text_detect on this piece alone: use it only when the
 * whole document comes in one call, else detect once and pass the result.
 * After an error tb holds the text before the bad character and raw_pos is
 * the bad byte's offset, so the map stays consistent. */
long text_append(text_buf *tb, const char *raw, size_t n, text_encoding enc,
                 bool final, text_error *err);

/* text_append in UTF-8 for text the caller has already checked as
 * strictly (a JSON string is; it may still be cut inside a character at
 * the end when final is false): the same result, without checking again
 * the continuation bytes of the characters copied as they stand.  Text
 * that is not valid UTF-8 gives some text, not necessarily valid. */
long text_append_checked(text_buf *tb, const char *raw, size_t n, bool final,
                         text_error *err);

/* A position <= len where normalised text may be cut without splitting a
 * quantity, a period or a word: just after a sentence end or newline if
 * one lies in the last quarter, else after whitespace, else between two
 * characters neither of which can be part of a number.  Returns 0 if no
 * such position exists (the caller then keeps reading).
 *
 * In detail, the latest candidate of the first kind that exists wins:
 * a sentence end (。!?; and any closing quotes after it, or a newline) in
 * the last quarter; a space in the last quarter; a sentence end anywhere;
 * a space anywhere; any other safe boundary.  A sentence end is taken
 * only when the character after it is already in s (a closing quote might
 * still come), except after a newline.  A space is safe only if neither
 * neighbour belongs to a quantity (digits, currency signs, and words such
 * as million, yuan, USD).  The last resort never cuts beside a digit,
 * Chinese numeral, scale word (十百千万亿), currency sign or 元, or a
 * period character (年月日季度半第号), nor inside an ASCII word, nor
 * between punctuation and the text it opens or closes. */
size_t text_safe_cut(const char *s, size_t len);

/* Sentences of normalised text, in order.  para is the paragraph index
 * (paragraphs are separated by blank lines or by line breaks; a heading
 * without punctuation is its own sentence).  Spans exclude surrounding
 * whitespace.  Return non-zero from the sink to stop.
 *
 * Every non-blank line is a paragraph; para counts only paragraphs that
 * report a sentence, so it has no gaps.  A sentence ends:
 *   - after a run of 。!?; (and the unfolded ！？；｡); ASCII !?; only before
 *     a space, non-ASCII text or the end of the line (not in URLs or
 *     &amp;), and !? not before a space and a lower-case word;
 *   - after a '.' followed by a space, the end of the line or non-ASCII
 *     text — but not a decimal point or a dot inside a token (10.51,
 *     1,234.56, U.S, example.com), not before a lower-case word or a digit
 *     ("U.S. economy", "Inc. said", "No. 1"), not after an initial or a
 *     title (J. K., Mr., Dr.) or a list number (1., b.), and not after a
 *     company suffix (Inc., Ltd.) that Chinese follows directly;
 *   - after an ellipsis (… …… ⋯ ‥ ... ..) only before a closing quote,
 *     before a space and a capital letter, or at the end of the line: in
 *     Chinese …… as often marks an omitted list or a pause mid-sentence.
 * Closing quotes (”’"'」』》) right after the terminator stay with the
 * sentence, and so do closing brackets after 。!?;.  On a line where “”
 * 「」 『』 《》 pair up, a terminator inside a quote ends the sentence at
 * the closing quote, unless , : or 、 follows it; inside 《》 (a title)
 * terminators do not count.  Where quotes do not pair up they are
 * ignored.  ',' and ':' never end a sentence.  Sentences with no letter,
 * digit or ideograph (a stray 。, a —— rule) are not reported.
 * Returns 0, or the sink's non-zero value. */
typedef int (*text_sentence_sink)(void *ud, size_t start, size_t end,
                                  size_t para);
int text_segment(const char *s, size_t len, text_sentence_sink sink,
                 void *ud);

#endif
