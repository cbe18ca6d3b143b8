/* saltare-http1: the checks made on a complete, well-formed head: Host,
 * Content-Length, Transfer-Encoding and body size, in RULES.md's order,
 * and the KEEP_ALIVE / EXPECT_CONTINUE / UPGRADE / framing flags.
 *
 * One walk over the stored field lines gathers what the checks need; the
 * checks then run in order so that the first one failing is reported.
 */
#include <string.h>

#include "api.h"
#include "chars.h"
#include "head.h"

#define MAX_CONTENT_LENGTH UINT64_C(0x7FFFFFFFFFFFFFFF)

/* Tokens found in the connection lines. */
#define CONN_CLOSE 0x1u
#define CONN_KEEP_ALIVE 0x2u
#define CONN_UPGRADE 0x4u

typedef struct {
    uint32_t host_count;
    uint32_t host_index;    /* the first host line */
    uint32_t cl_count;
    uint32_t cl_index;      /* the first content-length line */
    uint32_t te_count;
    uint32_t te_error;      /* first bad element or repeated chunked */
    uint32_t te_elements;   /* over all transfer-encoding lines */
    int te_chunked_seen;
    int te_last_chunked;    /* the final element so far is chunked */
    unsigned connection;    /* CONN_* */
    int expect_continue;
    int upgrade_present;
} summary_t;

/* Iterates the elements of a comma list (RFC 9110 §5.6.1) with the OWS
 * around each removed. Empty elements are returned too: the callers
 * decide what they mean. */
typedef struct {
    const unsigned char *v;
    size_t len;
    size_t pos; /* start of the next element; > len when done */
} list_iter_t;

static int list_next(list_iter_t *it, const unsigned char **el,
                     size_t *el_len)
{
    if (it->pos > it->len)
        return 0;
    size_t a = it->pos;
    size_t z = a;
    while (z < it->len && it->v[z] != ',')
        z++;
    it->pos = z + 1;
    while (a < z && sh1_is(it->v[a], SH1_C_WS))
        a++;
    while (z > a && sh1_is(it->v[z - 1], SH1_C_WS))
        z--;
    *el = it->v + a;
    *el_len = z - a;
    return 1;
}

static list_iter_t list_of(const unsigned char *b,
                           const saltare_http1_header_t *h)
{
    list_iter_t it = {b + h->value_off, h->value_len, 0};
    return it;
}

static int is_token(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!sh1_is(s[i], SH1_C_TCHAR))
            return 0;
    }
    return 1;
}

/* Adds one transfer-encoding line to the list formed by all of them
 * (RFC 9110 §5.3), noting the first element error left to right. */
static void add_transfer_encoding(summary_t *s, const unsigned char *b,
                                  const saltare_http1_header_t *h)
{
    list_iter_t it = list_of(b, h);
    const unsigned char *el;
    size_t n;
    s->te_count++;
    while (list_next(&it, &el, &n)) {
        if (n == 0)
            continue; /* RFC 9110 §5.6.1: empty list elements are ignored */
        int chunked = sh1_eq_lower(el, n, "chunked", 7);
        if (s->te_error == SALTARE_HTTP1_E_OK &&
            (!is_token(el, n) || (chunked && s->te_chunked_seen)))
            s->te_error = SALTARE_HTTP1_E_BAD_TRANSFER_ENCODING;
        s->te_chunked_seen |= chunked;
        s->te_last_chunked = chunked;
        s->te_elements++;
    }
}

static void add_connection(summary_t *s, const unsigned char *b,
                           const saltare_http1_header_t *h)
{
    list_iter_t it = list_of(b, h);
    const unsigned char *el;
    size_t n;
    while (list_next(&it, &el, &n)) {
        if (sh1_eq_lower(el, n, "close", 5))
            s->connection |= CONN_CLOSE;
        else if (sh1_eq_lower(el, n, "keep-alive", 10))
            s->connection |= CONN_KEEP_ALIVE;
        else if (sh1_eq_lower(el, n, "upgrade", 7))
            s->connection |= CONN_UPGRADE;
    }
}

static int name_is(const unsigned char *b, const saltare_http1_header_t *h,
                   const char *name)
{
    return memcmp(b + h->name_off, name, h->name_len) == 0;
}

/* Names are already lower case, so their length picks the candidate. */
static void summarize(summary_t *s, const unsigned char *b,
                      const saltare_http1_header_t *headers, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        const saltare_http1_header_t *h = &headers[i];
        switch (h->name_len) {
        case 4:
            if (name_is(b, h, "host") && s->host_count++ == 0)
                s->host_index = i;
            break;
        case 6:
            if (name_is(b, h, "expect") &&
                sh1_eq_lower(b + h->value_off, h->value_len, "100-continue",
                             12))
                s->expect_continue = 1;
            break;
        case 7:
            if (name_is(b, h, "upgrade"))
                s->upgrade_present = 1;
            break;
        case 10:
            if (name_is(b, h, "connection"))
                add_connection(s, b, h);
            break;
        case 14:
            if (name_is(b, h, "content-length") && s->cl_count++ == 0)
                s->cl_index = i;
            break;
        case 17:
            if (name_is(b, h, "transfer-encoding"))
                add_transfer_encoding(s, b, h);
            break;
        default:
            break;
        }
    }
}

int saltare_http1__host_is_valid(const unsigned char *v, size_t n)
{
    size_t i = 0;
    if (n > 0 && v[0] == '[') {
        i = 1;
        while (i < n && (sh1_is(v[i], SH1_C_HOST) || v[i] == ':'))
            i++;
        if (i == n || v[i] != ']')
            return 0;
        i++;
    } else {
        while (i < n && sh1_is(v[i], SH1_C_HOST))
            i++;
    }
    if (i == n)
        return 1;
    if (v[i] != ':' || n - i - 1 > 5)
        return 0;
    for (i++; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
    }
    return 1;
}

/* Content-Length = 1*DIGIT (RFC 9110 §8.6), capped at 2^63-1. */
static int parse_content_length(const unsigned char *v, size_t n,
                                uint64_t *out)
{
    uint64_t x = 0;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
        unsigned d = v[i] - '0';
        if (x > (MAX_CONTENT_LENGTH - d) / 10)
            return 0;
        x = x * 10 + d;
    }
    *out = x;
    return 1;
}

/* RFC 9112 §3.2: exactly one Host, required in HTTP/1.1. */
static uint32_t check_host(const summary_t *s, const unsigned char *b,
                           const saltare_http1_header_t *headers,
                           uint32_t http_minor)
{
    if (s->host_count > 1)
        return SALTARE_HTTP1_E_DUPLICATE_HOST;
    if (s->host_count == 0)
        return http_minor == 1 ? SALTARE_HTTP1_E_MISSING_HOST
                               : SALTARE_HTTP1_E_OK;
    const saltare_http1_header_t *h = &headers[s->host_index];
    if (!saltare_http1__host_is_valid(b + h->value_off, h->value_len))
        return SALTARE_HTTP1_E_BAD_HOST;
    return SALTARE_HTTP1_E_OK;
}

/* RFC 9112 §6.1 and §6.3. Transfer-Encoding next to Content-Length is the
 * classic smuggling set-up and is refused rather than resolved; HTTP/1.0
 * has no Transfer-Encoding; chunked must be the final coding, and it is
 * the only one we decode. */
static uint32_t check_transfer_encoding(const summary_t *s,
                                        uint32_t http_minor)
{
    if (s->cl_count > 0)
        return SALTARE_HTTP1_E_CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
    if (http_minor == 0)
        return SALTARE_HTTP1_E_TRANSFER_ENCODING_HTTP10;
    if (s->te_error != SALTARE_HTTP1_E_OK)
        return s->te_error;
    if (s->te_elements == 0)
        return SALTARE_HTTP1_E_BAD_TRANSFER_ENCODING;
    if (!s->te_last_chunked)
        return SALTARE_HTTP1_E_CHUNKED_NOT_FINAL;
    if (s->te_elements > 1)
        return SALTARE_HTTP1_E_UNKNOWN_TRANSFER_CODING;
    return SALTARE_HTTP1_E_OK;
}

/* KEEP_ALIVE follows RFC 9112 §9.3; EXPECT_CONTINUE RFC 9110 §10.1.1;
 * UPGRADE RFC 9110 §7.8 (which HTTP/1.0 requests cannot use). */
static uint32_t flags_of(const summary_t *s, uint32_t http_minor)
{
    uint32_t flags = 0;
    if (http_minor == 1) {
        if (!(s->connection & CONN_CLOSE))
            flags |= SALTARE_HTTP1_F_KEEP_ALIVE;
        if (s->expect_continue)
            flags |= SALTARE_HTTP1_F_EXPECT_CONTINUE;
        if (s->upgrade_present && (s->connection & CONN_UPGRADE))
            flags |= SALTARE_HTTP1_F_UPGRADE;
    } else if ((s->connection & (CONN_CLOSE | CONN_KEEP_ALIVE)) ==
               CONN_KEEP_ALIVE) {
        flags |= SALTARE_HTTP1_F_KEEP_ALIVE;
    }
    if (s->te_count > 0)
        flags |= SALTARE_HTTP1_F_CHUNKED;
    if (s->cl_count > 0)
        flags |= SALTARE_HTTP1_F_CONTENT_LENGTH;
    return flags;
}

uint32_t saltare_http1__check_head(const char *buf, uint32_t http_minor,
                                   const saltare_http1_header_t *headers,
                                   uint32_t num_headers,
                                   const saltare_http1_limits_t *limits,
                                   saltare_http1_head_t *head)
{
    const unsigned char *b = (const unsigned char *)buf;
    summary_t s;
    memset(&s, 0, sizeof s);
    summarize(&s, b, headers, num_headers);

    uint32_t e = check_host(&s, b, headers, http_minor);
    if (e != SALTARE_HTTP1_E_OK)
        return e;

    uint64_t content_length = 0;
    if (s.cl_count > 1)
        return SALTARE_HTTP1_E_DUPLICATE_CONTENT_LENGTH;
    if (s.cl_count == 1) {
        const saltare_http1_header_t *h = &headers[s.cl_index];
        if (!parse_content_length(b + h->value_off, h->value_len,
                                  &content_length))
            return SALTARE_HTTP1_E_BAD_CONTENT_LENGTH;
    }

    if (s.te_count > 0) {
        e = check_transfer_encoding(&s, http_minor);
        if (e != SALTARE_HTTP1_E_OK)
            return e;
    }

    if (s.cl_count == 1 && content_length > limits->max_body_bytes)
        return SALTARE_HTTP1_E_BODY_TOO_LARGE;

    head->flags = flags_of(&s, http_minor);
    head->content_length = content_length;
    return SALTARE_HTTP1_E_OK;
}
