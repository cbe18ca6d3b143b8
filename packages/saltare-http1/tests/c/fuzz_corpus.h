/* saltare-http1: what fuzz_parser.c feeds the C backend: the PRNG, the
 * built-in corpus (valid requests, chunked bodies and trailer sections), the
 * mutators and random limits. Included by fuzz_parser.c only, never compiled
 * alone.
 */
#ifndef SALTARE_HTTP1_TESTS_FUZZ_CORPUS_H
#define SALTARE_HTTP1_TESTS_FUZZ_CORPUS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "api.h"

#define MAX_INPUT 2048

/* ------------------------------------------------------------------ rng */

typedef struct {
    uint64_t s;
} rng_t;

static uint64_t rnd(rng_t *r)
{
    /* xorshift64* */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * UINT64_C(2685821657736338717);
}

static size_t below(rng_t *r, size_t n)
{
    return n ? (size_t)(rnd(r) % n) : 0;
}

/* ------------------------------------------------------------ mutation */

static const char *const corpus[] = {
    "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    "\r\nGET /a/b?c=d&e HTTP/1.1\r\nHost: h:80\r\nAccept: */*\r\n"
    "Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n",
    "POST /submit HTTP/1.1\r\nHost: [::1]:8080\r\nContent-Length: 5\r\n"
    "Expect: 100-continue\r\n\r\nhello",
    "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n",
    "PUT /x HTTP/1.1\r\nHOST: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
    "0\r\n\r\n",
    "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\nUser-Agent: a b\tc\r\n\r\n",
    "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
    "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
    "GET http://example.com/p?q HTTP/1.1\r\nHost: example.com\r\n"
    "X-Empty:\r\nX-Ows:  v  \r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n",
    "DELETE /r HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n"
    "Content-Length: 0\r\n\r\n",
    "5\r\nhello\r\n0\r\n\r\n",
    "a;x=y;z\r\n0123456789\r\n1 ;w\r\n!\r\n0\r\nA: b\r\nC: d\r\n\r\n",
    "000\r\n\r\n",
    "X-Trailer: value\r\nChecksum: abc\r\n\r\n",
    "\r\n",
};

static const unsigned char special_bytes[] = {
    '\r', '\n', '\0', ' ', '\t', ':', ';', 0x80, 0xFF, '0', '1', '5', '9',
    'a',  'f',  'F',  'x', ',', '/', '?', '#', '[', ']', '*', 0x7F, 0x01,
    'H',  '.',  '=',  '"'};

static const char *const tokens[] = {
    "\r\n", "\r\n\r\n", "Host: h\r\n", "Content-Length: 7\r\n",
    "Transfer-Encoding: chunked\r\n", "Connection: close\r\n", "HTTP/1.1",
    "HTTP/2.0", " ", "0\r\n", "chunked", ", ", "ffffffffffffffff",
    "Expect: 100-continue\r\n", "9223372036854775807", "[::1]"};

static size_t insert_bytes(unsigned char *buf, size_t len, size_t at,
                           const unsigned char *src, size_t n)
{
    if (len + n > MAX_INPUT)
        return len;
    memmove(buf + at + n, buf + at, len - at);
    memcpy(buf + at, src, n);
    return len + n;
}

/* Start and end (past LF) of a random line of buf[0..len). */
static int random_line(rng_t *r, const unsigned char *buf, size_t len,
                       size_t *start, size_t *end)
{
    if (len == 0)
        return 0;
    size_t p = below(r, len);
    while (p > 0 && buf[p - 1] != '\n')
        p--;
    const unsigned char *lf = memchr(buf + p, '\n', len - p);
    *start = p;
    *end = lf ? (size_t)(lf - buf) + 1 : len;
    return 1;
}

static size_t mutate(rng_t *r, unsigned char *buf, size_t len)
{
    size_t at = below(r, len + 1);
    switch (below(r, 8)) {
    case 0: /* bit flip */
        if (len)
            buf[below(r, len)] ^= (unsigned char)(1u << below(r, 8));
        return len;
    case 1: { /* insert a special byte */
        unsigned char c = special_bytes[below(r, sizeof special_bytes)];
        return insert_bytes(buf, len, at, &c, 1);
    }
    case 2: /* replace with a special byte */
        if (len)
            buf[below(r, len)] = special_bytes[below(r, sizeof special_bytes)];
        return len;
    case 3: { /* delete 1-4 bytes */
        if (at == len)
            return len;
        size_t n = 1 + below(r, 4);
        if (n > len - at)
            n = len - at;
        memmove(buf + at, buf + at + n, len - at - n);
        return len - n;
    }
    case 4: /* truncate */
        return at;
    case 5: { /* duplicate a line */
        size_t s, e;
        if (!random_line(r, buf, len, &s, &e))
            return len;
        unsigned char line[MAX_INPUT];
        memcpy(line, buf + s, e - s);
        return insert_bytes(buf, len, e, line, e - s);
    }
    case 6: { /* insert a token */
        const char *t = tokens[below(r, sizeof tokens / sizeof *tokens)];
        return insert_bytes(buf, len, at, (const unsigned char *)t,
                            strlen(t));
    }
    default: { /* random byte */
        unsigned char c = (unsigned char)rnd(r);
        return insert_bytes(buf, len, at, &c, 1);
    }
    }
}

static uint32_t small_or(rng_t *r, uint32_t small_max, uint32_t dflt)
{
    return below(r, 4) == 0 ? (uint32_t)below(r, small_max + 1) : dflt;
}

static saltare_http1_limits_t random_limits(rng_t *r)
{
    saltare_http1_limits_t l;
    l.max_head_bytes = small_or(r, 200, 8192);
    l.max_target_bytes = small_or(r, 40, 8192);
    l.max_headers = small_or(r, 6, 64);
    l.max_chunk_ext_bytes = small_or(r, 12, 1024);
    l.max_trailer_bytes = small_or(r, 60, 8192);
    l.reserved = 0;
    l.max_body_bytes = below(r, 4) == 0 ? below(r, 40) : UINT64_MAX;
    return l;
}

#endif
