/* saltare-http1: the chunked transfer coding (RFC 9112 §7.1).
 *
 * A byte-level state machine whose state lives in the caller's
 * saltare_http1_chunked_t, so input may be split anywhere. Chunk data is
 * moved down in place (the output index never passes the input index);
 * framing bytes are examined one at a time, data is moved in bulk.
 */
#include <string.h>

#include "api.h"
#include "chars.h"

#define MAX_CHUNK_SIZE UINT64_C(0x7FFFFFFFFFFFFFFF)

/* dec->state values. Zero is the start of a chunk-size line, so a zeroed
 * struct is a fresh decoder; ST_DONE and ST_FAILED come last because the
 * decoding loop runs while state < ST_DONE. */
enum {
    ST_SIZE_START, /* first byte of a chunk-size line */
    ST_SIZE,       /* in the hex digits; chunk_remaining accumulates */
    ST_EXT_WS,     /* extension part holding only SP/HTAB so far */
    ST_EXT,        /* extension part after its ';' */
    ST_SIZE_LF,    /* the size line's CR was seen */
    ST_DATA,       /* chunk_remaining data bytes to go */
    ST_DATA_CR,    /* the CR after chunk data */
    ST_DATA_LF,    /* the LF after chunk data */
    ST_DONE,       /* last-chunk line consumed */
    ST_FAILED      /* dec->error is set */
};

/* What one framing byte did. */
enum { STEP_ON, STEP_ERROR };

static int fail(saltare_http1_chunked_t *dec, uint32_t error)
{
    dec->state = ST_FAILED;
    dec->error = error;
    return STEP_ERROR;
}

static unsigned hex_value(unsigned char c)
{
    return c <= '9' ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
}

/* The CR ending a size line. An extension part made only of SP/HTAB has
 * no ';' and is refused (so "5 \r\n" is). */
static int size_line_cr(saltare_http1_chunked_t *dec)
{
    if (dec->state == ST_EXT_WS)
        return fail(dec, SALTARE_HTTP1_E_BAD_CHUNK_EXTENSION);
    dec->state = ST_SIZE_LF;
    return STEP_ON;
}

/* A byte of the extension part (RFC 9112 §7.1.1), which we check only for
 * its length, its bytes and for ';' first. A byte past the length limit is
 * CHUNK_EXTENSION_TOO_LONG whatever it is (but CR, which ends the part,
 * and LF). */
static int extension_byte(saltare_http1_chunked_t *dec, unsigned char c,
                          const saltare_http1_limits_t *limits)
{
    if (c == '\r')
        return size_line_cr(dec);
    if (c == '\n')
        return fail(dec, SALTARE_HTTP1_E_BARE_LF);
    if (++dec->ext_len > limits->max_chunk_ext_bytes)
        return fail(dec, SALTARE_HTTP1_E_CHUNK_EXTENSION_TOO_LONG);
    if (!sh1_is(c, SH1_C_VALUE))
        return fail(dec, SALTARE_HTTP1_E_BAD_CHUNK_EXTENSION);
    if (dec->state != ST_EXT) {
        if (c == ';')
            dec->state = ST_EXT;
        else if (sh1_is(c, SH1_C_WS))
            dec->state = ST_EXT_WS;
        else
            return fail(dec, SALTARE_HTTP1_E_BAD_CHUNK_EXTENSION);
    }
    return STEP_ON;
}

/* A byte after the size digits that is not one: CR ends the line, SP, HTAB
 * or ';' starts the extension part, anything else makes a bad size (so
 * "0x5" is BAD_CHUNK_SIZE). */
static int after_size_digits(saltare_http1_chunked_t *dec, unsigned char c,
                             const saltare_http1_limits_t *limits)
{
    if (c == '\r')
        return size_line_cr(dec);
    if (c == ';' || sh1_is(c, SH1_C_WS))
        return extension_byte(dec, c, limits);
    if (c == '\n')
        return fail(dec, SALTARE_HTTP1_E_BARE_LF);
    return fail(dec, SALTARE_HTTP1_E_BAD_CHUNK_SIZE);
}

#define MAX_SIZE_DIGITS 16

static int size_digit(saltare_http1_chunked_t *dec, unsigned char c)
{
    unsigned d = hex_value(c);
    /* 16 hex digits hold 2^63-1; more are leading zeros that could make one
     * size line endless. */
    if (++dec->size_digits > MAX_SIZE_DIGITS)
        return fail(dec, SALTARE_HTTP1_E_CHUNK_SIZE_OVERFLOW);
    if (dec->chunk_remaining > (MAX_CHUNK_SIZE - d) / 16)
        return fail(dec, SALTARE_HTTP1_E_CHUNK_SIZE_OVERFLOW);
    dec->chunk_remaining = dec->chunk_remaining * 16 + d;
    return STEP_ON;
}

/* The LF ending a size line: the last chunk, or a data chunk whose size
 * is checked against max_body_bytes before any of it is taken. */
static int size_line_end(saltare_http1_chunked_t *dec,
                         const saltare_http1_limits_t *limits)
{
    uint64_t size = dec->chunk_remaining;
    dec->ext_len = 0;
    if (size == 0) {
        dec->state = ST_DONE;
        return STEP_ON;
    }
    uint64_t max = limits->max_body_bytes;
    if (dec->body_total > max || size > max - dec->body_total)
        return fail(dec, SALTARE_HTTP1_E_BODY_TOO_LARGE);
    dec->body_total += size;
    dec->state = ST_DATA;
    return STEP_ON;
}

/* One byte outside chunk data. */
static int framing_byte(saltare_http1_chunked_t *dec, unsigned char c,
                        const saltare_http1_limits_t *limits)
{
    switch (dec->state) {
    case ST_SIZE_START:
        if (!sh1_is(c, SH1_C_HEX))
            return fail(dec, SALTARE_HTTP1_E_BAD_CHUNK_SIZE);
        dec->state = ST_SIZE;
        dec->chunk_remaining = 0;
        dec->size_digits = 0;
        return size_digit(dec, c);
    case ST_SIZE:
        if (sh1_is(c, SH1_C_HEX))
            return size_digit(dec, c);
        return after_size_digits(dec, c, limits);
    case ST_EXT_WS:
    case ST_EXT:
        return extension_byte(dec, c, limits);
    case ST_SIZE_LF:
        if (c != '\n')
            return fail(dec, SALTARE_HTTP1_E_BARE_CR);
        return size_line_end(dec, limits);
    case ST_DATA_CR:
        if (c != '\r')
            return fail(dec, SALTARE_HTTP1_E_BAD_CHUNK_END);
        dec->state = ST_DATA_LF;
        return STEP_ON;
    default: /* ST_DATA_LF */
        if (c != '\n')
            return fail(dec, SALTARE_HTTP1_E_BAD_CHUNK_END);
        dec->state = ST_SIZE_START;
        return STEP_ON;
    }
}

void saltare_http1_chunked_init(saltare_http1_chunked_t *dec)
{
    memset(dec, 0, sizeof *dec);
}

int saltare_http1_decode_chunked(saltare_http1_chunked_t *dec, char *buf,
                                 size_t len,
                                 const saltare_http1_limits_t *limits,
                                 size_t *consumed, size_t *data_len)
{
    size_t in = 0;
    size_t out = 0;
    while (in < len && dec->state < ST_DONE) {
        if (dec->state == ST_DATA) {
            size_t n = len - in;
            if (n > dec->chunk_remaining)
                n = (size_t)dec->chunk_remaining;
            if (out != in)
                memmove(buf + out, buf + in, n);
            in += n;
            out += n;
            dec->chunk_remaining -= n;
            if (dec->chunk_remaining == 0)
                dec->state = ST_DATA_CR;
            continue;
        }
        /* The byte in error is not counted as consumed. */
        if (framing_byte(dec, (unsigned char)buf[in], limits) == STEP_ERROR)
            break;
        in++;
    }
    *consumed = in;
    *data_len = out;
    if (dec->state == ST_FAILED)
        return SALTARE_HTTP1_ERROR;
    return dec->state == ST_DONE ? 1 : 0;
}
