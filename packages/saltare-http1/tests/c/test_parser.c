/* saltare-http1: table-driven tests of the C backend.
 *
 * Every input is copied into a malloc'd buffer of its exact size, so that
 * a sanitizer build catches a read one byte past the end. Every head and
 * trailer case is also fed at every split point and byte by byte (with
 * last_len), and every chunked case in one piece, byte by byte and at
 * every split point; all must agree with the one-shot result.
 *
 * Build and run: see README.md in this directory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "chars.h"

#define ERR SALTARE_HTTP1_ERROR
#define INC SALTARE_HTTP1_INCOMPLETE
/* Expected return "the whole input": head_len / section length == len. */
#define ALL 0x7FFFFFFF

#define KA SALTARE_HTTP1_F_KEEP_ALIVE
#define EXP SALTARE_HTTP1_F_EXPECT_CONTINUE
#define CHK SALTARE_HTTP1_F_CHUNKED
#define CL SALTARE_HTTP1_F_CONTENT_LENGTH
#define UPG SALTARE_HTTP1_F_UPGRADE

#define E(name) SALTARE_HTTP1_E_##name

static int tests_passed;
static int tests_failed;
static int case_ok; /* cleared by any failed check of the current test */
static const char *case_name;
static int error_covered[SALTARE_HTTP1_E_COUNT];

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            if (case_ok)                                                     \
                printf("FAIL %s\n", case_name);                              \
            case_ok = 0;                                                     \
            printf("  %s:%d: ", __FILE__, __LINE__);                         \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

static void begin(const char *name)
{
    case_name = name;
    case_ok = 1;
}

static void end_case(void)
{
    if (case_ok)
        tests_passed++;
    else
        tests_failed++;
}

static const saltare_http1_limits_t LIMITS = {
    .max_head_bytes = 8192,
    .max_target_bytes = 2048,
    .max_headers = 32,
    .max_chunk_ext_bytes = 64,
    .max_trailer_bytes = 1024,
    .reserved = 0,
    .max_body_bytes = UINT64_MAX,
};

static saltare_http1_limits_t limits_with(uint32_t head, uint32_t target,
                                          uint32_t headers, uint32_t ext,
                                          uint32_t trailer, uint64_t body)
{
    saltare_http1_limits_t l = LIMITS;
    if (head)
        l.max_head_bytes = head;
    if (target)
        l.max_target_bytes = target;
    if (headers != UINT32_MAX)
        l.max_headers = headers;
    if (ext)
        l.max_chunk_ext_bytes = ext;
    if (trailer)
        l.max_trailer_bytes = trailer;
    if (body)
        l.max_body_bytes = body;
    return l;
}

static char *dup_exact(const char *s, size_t n)
{
    char *p = malloc(n ? n : 1);
    if (p == NULL) {
        perror("malloc");
        exit(2);
    }
    if (n)
        memcpy(p, s, n);
    return p;
}

/* A fresh buffer of exactly n bytes: the first `kept` bytes as an earlier
 * call left them in `old` (names may be lower-cased), the rest from `in`.
 * Frees `old`. */
static char *regrow(char *old, size_t kept, const char *in, size_t n)
{
    char *p = dup_exact(in, n);
    if (kept)
        memcpy(p, old, kept);
    free(old);
    return p;
}

static saltare_http1_header_t *alloc_headers(uint32_t n)
{
    if (n == 0)
        return NULL; /* proves that nothing is written */
    saltare_http1_header_t *h = malloc(n * sizeof *h);
    if (h == NULL) {
        perror("malloc");
        exit(2);
    }
    return h;
}

/* Renders stored fields as "name: value\n" lines for comparison. */
static void render_headers(const char *buf, const saltare_http1_header_t *h,
                           uint32_t n, char *out, size_t out_size)
{
    size_t o = 0;
    out[0] = '\0';
    for (uint32_t i = 0; i < n; i++) {
        int w = snprintf(out + o, out_size - o, "%.*s: %.*s\n",
                         (int)h[i].name_len, buf + h[i].name_off,
                         (int)h[i].value_len, buf + h[i].value_off);
        if (w < 0 || (size_t)w >= out_size - o)
            return;
        o += (size_t)w;
    }
}

/* ---------------------------------------------------------------- heads */

typedef struct {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    int ret;    /* head_len, ALL, INC or ERR */
    uint32_t error;
    /* For valid heads: */
    const char *method, *target, *path, *query;
    uint32_t minor;
    uint32_t flags;
    uint64_t content_length;
    const char *headers; /* "name: value\n"...; NULL: not checked */
    const saltare_http1_limits_t *limits;
} head_case_t;

typedef struct {
    int ret;
    saltare_http1_head_t head;
    saltare_http1_header_t *headers;
    char *buf;
    size_t len;
} head_run_t;

static void head_run_free(head_run_t *r)
{
    free(r->headers);
    free(r->buf);
}

static head_run_t parse_once(const char *in, size_t len,
                             const saltare_http1_limits_t *l)
{
    head_run_t r;
    r.buf = dup_exact(in, len);
    r.len = len;
    r.headers = alloc_headers(l->max_headers);
    r.ret = saltare_http1_parse_head(r.buf, len, 0, l, &r.head, r.headers);
    return r;
}

/* Whether two runs gave the same result: the return, the head struct, the
 * fields and, for a valid head, the lower-cased bytes. */
static int same_head_result(const head_run_t *a, const head_run_t *b)
{
    if (a->ret != b->ret || memcmp(&a->head, &b->head, sizeof a->head) != 0)
        return 0;
    if (a->ret <= 0)
        return 1;
    if (a->head.num_headers &&
        memcmp(a->headers, b->headers,
               a->head.num_headers * sizeof *a->headers) != 0)
        return 0;
    return memcmp(a->buf, b->buf, (size_t)a->ret) == 0;
}

/* Feeds in[0..len) as in[0..split) then all of it, with last_len. */
static head_run_t parse_split(const char *in, size_t len, size_t split,
                              const saltare_http1_limits_t *l)
{
    head_run_t r = parse_once(in, split, l);
    if (r.ret != INC)
        return r;
    r.buf = regrow(r.buf, split, in, len);
    r.len = len;
    r.ret = saltare_http1_parse_head(r.buf, len, split, l, &r.head,
                                     r.headers);
    return r;
}

/* Feeds in[0..len) one byte more per call until a result other than
 * INCOMPLETE, each time in a fresh buffer of exactly that size. */
static head_run_t parse_bytewise(const char *in, size_t len,
                                 const saltare_http1_limits_t *l)
{
    head_run_t r;
    r.buf = dup_exact(in, 0);
    r.len = 0;
    r.headers = alloc_headers(l->max_headers);
    r.ret = saltare_http1_parse_head(r.buf, 0, 0, l, &r.head, r.headers);
    for (size_t n = 1; n <= len && r.ret == INC; n++) {
        r.buf = regrow(r.buf, n - 1, in, n);
        r.ret = saltare_http1_parse_head(r.buf, n, n - 1, l, &r.head,
                                         r.headers);
        r.len = n;
    }
    return r;
}

static void check_head_fields(const head_case_t *c, const head_run_t *r)
{
    const saltare_http1_head_t *h = &r->head;
    const char *b = r->buf;
#define CHECK_PART(field, off, len_)                                         \
    CHECK(c->field == NULL || (strlen(c->field) == h->len_ &&                \
                               memcmp(b + h->off, c->field, h->len_) == 0),  \
          #field " is '%.*s', expected '%s'", (int)h->len_, b + h->off,      \
          c->field)
    CHECK_PART(method, method_off, method_len);
    CHECK_PART(target, target_off, target_len);
    CHECK_PART(path, path_off, path_len);
    CHECK_PART(query, query_off, query_len);
#undef CHECK_PART
    CHECK(h->http_minor == c->minor, "http_minor %u", h->http_minor);
    CHECK(h->flags == c->flags, "flags 0x%x, expected 0x%x", h->flags,
          c->flags);
    if (c->flags & CL)
        CHECK(h->content_length == c->content_length, "content_length %llu",
              (unsigned long long)h->content_length);
    CHECK(h->error == E(OK), "error %u on success", h->error);
    CHECK((int)h->head_len == r->ret, "head_len %u", h->head_len);
    /* Path and query lie inside the target. */
    uint32_t t0 = h->target_off, t1 = t0 + h->target_len;
    CHECK(h->path_off >= t0 && h->path_off + h->path_len <= t1, "path out");
    CHECK(h->query_off >= t0 && h->query_off + h->query_len <= t1,
          "query out");
    if (c->headers) {
        char got[4096];
        render_headers(b, r->headers, h->num_headers, got, sizeof got);
        CHECK(strcmp(got, c->headers) == 0, "headers:\n%sexpected:\n%s", got,
              c->headers);
    }
}

static void run_head_case(const head_case_t *c)
{
    const saltare_http1_limits_t *l = c->limits ? c->limits : &LIMITS;
    size_t len = c->len ? c->len : strlen(c->in);
    int want = c->ret == ALL ? (int)len : c->ret;
    begin(c->name);

    head_run_t once = parse_once(c->in, len, l);
    CHECK(once.ret == want, "returned %d, expected %d (error %u)", once.ret,
          want, once.head.error);
    if (want == ERR) {
        CHECK(once.head.error == c->error, "error %u, expected %u",
              once.head.error, c->error);
        if (once.ret == ERR && once.head.error == c->error)
            error_covered[c->error] = 1;
    } else if (want > 0 && once.ret == want) {
        check_head_fields(c, &once);
    }

    /* A prefix gives INCOMPLETE or the final result; the rest, fed with
     * last_len, gives the final result. */
    for (size_t s = 1; s < len; s++) {
        head_run_t prefix = parse_once(c->in, s, l);
        int consistent = prefix.ret == INC || same_head_result(&prefix, &once);
        head_run_free(&prefix);
        CHECK(consistent, "prefix of %zu bytes disagrees", s);
        head_run_t split = parse_split(c->in, len, s, l);
        CHECK(split.ret == INC || same_head_result(&split, &once),
              "split at %zu gives %d (error %u)", s, split.ret,
              split.head.error);
        head_run_free(&split);
    }
    head_run_t bw = parse_bytewise(c->in, len, l);
    CHECK(same_head_result(&bw, &once), "byte by byte gives %d (error %u)",
          bw.ret, bw.head.error);
    head_run_free(&bw);
    head_run_free(&once);
    end_case();
}

#define H "Host: h\r\n"
/* For inputs holding NUL bytes. */
#define IN_BYTES(s) .in = (s), .len = sizeof(s) - 1
#define GET11 "GET / HTTP/1.1\r\n"

static saltare_http1_limits_t L_TARGET10, L_HEAD27, L_HEAD26, L_HEAD29,
    L_HEAD28, L_HEAD10, L_HEAD15, L_HEAD16, L_HDRS2, L_HDRS0, L_BODY100;

static void init_head_limits(void)
{
    L_TARGET10 = limits_with(0, 10, UINT32_MAX, 0, 0, 0);
    L_HEAD27 = limits_with(27, 0, UINT32_MAX, 0, 0, 0);
    L_HEAD26 = limits_with(26, 0, UINT32_MAX, 0, 0, 0);
    L_HEAD29 = limits_with(29, 0, UINT32_MAX, 0, 0, 0);
    L_HEAD28 = limits_with(28, 0, UINT32_MAX, 0, 0, 0);
    L_HEAD10 = limits_with(10, 0, UINT32_MAX, 0, 0, 0);
    L_HEAD15 = limits_with(15, 0, UINT32_MAX, 0, 0, 0);
    L_HEAD16 = limits_with(16, 0, UINT32_MAX, 0, 0, 0);
    L_HDRS2 = limits_with(0, 0, 2, 0, 0, 0);
    L_HDRS0 = limits_with(0, 0, 0, 0, 0, 0);
    L_BODY100 = limits_with(0, 0, UINT32_MAX, 0, 0, 100);
}

static const head_case_t head_cases[] = {
    /* Valid heads. */
    {.name = "simple GET", .in = GET11 "Host: example.com\r\n\r\n",
     .ret = ALL, .method = "GET", .target = "/", .path = "/", .query = "",
     .minor = 1, .flags = KA, .headers = "host: example.com\n"},
    {.name = "path and query", .in = "GET /a/b?x=1&y=%20 HTTP/1.1\r\n" H "\r\n",
     .ret = ALL, .method = "GET", .target = "/a/b?x=1&y=%20", .path = "/a/b",
     .query = "x=1&y=%20", .minor = 1, .flags = KA},
    {.name = "empty query", .in = "GET /p? HTTP/1.1\r\n" H "\r\n", .ret = ALL,
     .path = "/p", .query = "", .minor = 1, .flags = KA},
    {.name = "second ? in query", .in = "GET /p?a?b HTTP/1.1\r\n" H "\r\n",
     .ret = ALL, .path = "/p", .query = "a?b", .minor = 1, .flags = KA},
    {.name = "HTTP/1.0 without Host", .in = "GET / HTTP/1.0\r\n\r\n",
     .ret = ALL, .method = "GET", .minor = 0, .flags = 0, .headers = ""},
    {.name = "HTTP/1.0 keep-alive",
     .in = "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", .ret = ALL,
     .minor = 0, .flags = KA},
    {.name = "HTTP/1.0 keep-alive and close",
     .in = "GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n",
     .ret = ALL, .minor = 0, .flags = 0},
    {.name = "HTTP/1.1 close in a list",
     .in = GET11 H "Connection: foo ,\tCLOSE , \r\n\r\n", .ret = ALL,
     .minor = 1, .flags = 0},
    {.name = "HTTP/1.1 close on a second line",
     .in = GET11 H "Connection: keep-alive\r\nConnection: close\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = 0},
    {.name = "closed is not close", .in = GET11 H "Connection: closed\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA},
    {.name = "HTTP/1.5 read as 1.1", .in = "GET / HTTP/1.5\r\n" H "\r\n",
     .ret = ALL, .minor = 1, .flags = KA},
    {.name = "HTTP/1.9 without Host", .in = "GET / HTTP/1.9\r\n\r\n",
     .ret = ERR, .error = E(MISSING_HOST)},
    {.name = "expect 100-continue",
     .in = GET11 H "Expect: 100-Continue\r\nContent-Length: 3\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA | EXP | CL, .content_length = 3},
    {.name = "other expectation ignored", .in = GET11 H "Expect: foo\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA},
    {.name = "expect list is not 100-continue",
     .in = GET11 H "Expect: 100-continue, foo\r\n\r\n", .ret = ALL,
     .minor = 1, .flags = KA},
    {.name = "expect in HTTP/1.0 ignored",
     .in = "GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n", .ret = ALL,
     .minor = 0, .flags = 0},
    {.name = "upgrade",
     .in = GET11 H "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA | UPG},
    {.name = "upgrade with empty value",
     .in = GET11 H "Upgrade:\r\nConnection: keep-alive, upgrade\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA | UPG},
    {.name = "upgrade field without connection token",
     .in = GET11 H "Upgrade: websocket\r\n\r\n", .ret = ALL, .minor = 1,
     .flags = KA},
    {.name = "connection upgrade without upgrade field",
     .in = GET11 H "Connection: upgrade\r\n\r\n", .ret = ALL, .minor = 1,
     .flags = KA},
    {.name = "upgrade ignored in HTTP/1.0",
     .in = "GET / HTTP/1.0\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n",
     .ret = ALL, .minor = 0, .flags = 0},
    {.name = "content-length",
     .in = "POST /f HTTP/1.1\r\n" H "Content-Length: 42\r\n\r\n", .ret = ALL,
     .method = "POST", .minor = 1, .flags = KA | CL, .content_length = 42},
    {.name = "content-length zero",
     .in = GET11 H "Content-Length: 0\r\n\r\n", .ret = ALL, .minor = 1,
     .flags = KA | CL, .content_length = 0},
    {.name = "content-length leading zeros",
     .in = GET11 H "Content-Length: 0000000000000000000000007\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA | CL, .content_length = 7},
    {.name = "content-length 2^63-1",
     .in = GET11 H "Content-Length: 9223372036854775807\r\n\r\n", .ret = ALL,
     .minor = 1, .flags = KA | CL, .content_length = 9223372036854775807ULL},
    {.name = "chunked", .in = GET11 H "Transfer-Encoding: chunked\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA | CHK},
    {.name = "chunked any case, OWS",
     .in = GET11 H "Transfer-Encoding: \t ChUnKeD \r\n\r\n", .ret = ALL,
     .minor = 1, .flags = KA | CHK},
    {.name = "leading empty lines",
     .in = "\r\n\r\nGET / HTTP/1.1\r\n" H "\r\n", .ret = ALL, .method = "GET",
     .minor = 1, .flags = KA},
    {.name = "pipelined: head_len ends at the first head",
     .in = "GET /1 HTTP/1.1\r\n" H "\r\nGET /2 HTTP/1.1\r\n" H "\r\n",
     .ret = 28, .target = "/1", .minor = 1, .flags = KA},
    {.name = "pipelined: garbage after the head is not read",
     IN_BYTES(GET11 H "\r\n\x00\x01\n\r garbage"), .ret = 27,
     .minor = 1, .flags = KA},
    {.name = "OWS trimmed, empty values",
     .in = GET11 "Host:   h \t \r\nX-Empty:\r\nX-Blank:  \t \r\nX-In: a \t b\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA,
     .headers = "host: h\nx-empty: \nx-blank: \nx-in: a \t b\n"},
    {.name = "names lower-cased in place, values kept",
     .in = GET11 "HOST: H\r\nX-MiXeD-CaSe: VaLuE\r\nAcCePt: */*\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA,
     .headers = "host: H\nx-mixed-case: VaLuE\naccept: */*\n"},
    {.name = "tchar name, obs-text and VCHAR value",
     .in = GET11 H "!#$%&'*+-.^_`|~09az: caf\xc3\xa9 ~!\"#\x80\xff\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA,
     .headers = "host: h\n!#$%&'*+-.^_`|~09az: caf\xc3\xa9 ~!\"#\x80\xff\n"},
    {.name = "long value (SWAR path with HTAB)",
     .in = GET11 H "X: 0123456789abcdef\t0123456789abcdef\t\t0123456789abcdef0123456789\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA,
     .headers = "host: h\nx: 0123456789abcdef\t0123456789abcdef\t\t0123456789abcdef0123456789\n"},
    {.name = "tchar method",
     .in = "!#$%&'*+-.^_`|~09azAZ / HTTP/1.1\r\n" H "\r\n", .ret = ALL,
     .method = "!#$%&'*+-.^_`|~09azAZ", .minor = 1, .flags = KA},
    {.name = "absolute-form with path and query",
     .in = "GET http://example.com:80/p/q?x=y HTTP/1.1\r\n" H "\r\n",
     .ret = ALL, .target = "http://example.com:80/p/q?x=y", .path = "/p/q",
     .query = "x=y", .minor = 1, .flags = KA},
    {.name = "absolute-form without path",
     .in = "GET http://example.com HTTP/1.1\r\n" H "\r\n", .ret = ALL,
     .path = "", .query = "", .minor = 1, .flags = KA},
    {.name = "absolute-form: authority then query",
     .in = "GET http://example.com?q=1 HTTP/1.1\r\n" H "\r\n", .ret = ALL,
     .path = "", .query = "q=1", .minor = 1, .flags = KA},
    {.name = "absolute-form without //",
     .in = "GET urn:a:b/c?d HTTP/1.1\r\n" H "\r\n", .ret = ALL,
     .path = "a:b/c", .query = "d", .minor = 1, .flags = KA},
    {.name = "absolute-form scheme characters",
     .in = "GET Ab+1-.:x HTTP/1.1\r\n" H "\r\n", .ret = ALL, .path = "x",
     .query = "", .minor = 1, .flags = KA},
    {.name = "absolute-form: // only",
     .in = "GET http:// HTTP/1.1\r\n" H "\r\n", .ret = ALL, .path = "",
     .query = "", .minor = 1, .flags = KA},
    {.name = "asterisk-form", .in = "OPTIONS * HTTP/1.1\r\n" H "\r\n",
     .ret = ALL, .method = "OPTIONS", .target = "*", .path = "*",
     .query = "", .minor = 1, .flags = KA},
    {.name = "OPTIONS origin-form", .in = "OPTIONS /x HTTP/1.1\r\n" H "\r\n",
     .ret = ALL, .path = "/x", .minor = 1, .flags = KA, .query = ""},
    {.name = "authority-form",
     .in = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
     .ret = ALL, .method = "CONNECT", .target = "example.com:443",
     .path = "example.com:443", .query = "", .minor = 1, .flags = KA},
    {.name = "host forms",
     .in = GET11 "Host: [::1]:8080\r\n\r\n", .ret = ALL, .minor = 1,
     .flags = KA},
    {.name = "host reg-name bytes",
     .in = GET11 "Host: aZ0-._~!$&'()*+,;=%20:65535\r\n\r\n", .ret = ALL,
     .minor = 1, .flags = KA},
    {.name = "host empty", .in = GET11 "Host:\r\n\r\n", .ret = ALL,
     .minor = 1, .flags = KA},
    {.name = "host empty port", .in = GET11 "Host: h:\r\n\r\n", .ret = ALL,
     .minor = 1, .flags = KA},
    {.name = "host IP literal without port", .in = GET11 "Host: [v1.x]\r\n\r\n",
     .ret = ALL, .minor = 1, .flags = KA},

    /* Incomplete heads. */
    {.name = "empty input", .in = "", .ret = INC},
    {.name = "lone CR", .in = "\r", .ret = INC},
    {.name = "only empty lines", .in = "\r\n\r\n\r\n", .ret = INC},
    {.name = "method only", .in = "GET", .ret = INC},
    {.name = "request line CR last", .in = "GET / HTTP/1.1\r", .ret = INC},
    {.name = "version CR last", .in = "GET / HTT\r", .ret = INC},
    {.name = "no blank line", .in = GET11 H, .ret = INC},
    {.name = "blank line CR only", .in = GET11 H "\r", .ret = INC},
    {.name = "bad field line in incomplete head", .in = GET11 "Bad Name: x\r\n",
     .ret = INC},
    {.name = "bare LF in incomplete field lines", .in = GET11 "Host: h\nX: y",
     .ret = INC},
    {.name = "valid version of a major not yet complete",
     .in = "GET / HTTP/2.0", .ret = INC},

    /* Request line errors. */
    {.name = "TLS ClientHello", IN_BYTES("\x16\x03\x01\x02\x00\x01"), .ret = ERR,
     .error = E(BAD_METHOD)},
    {.name = "HTAB after method", .in = "GET\t/ HTTP/1.1\r\n", .ret = ERR,
     .error = E(BAD_METHOD)},
    {.name = "empty method", .in = " / HTTP/1.1\r\n", .ret = ERR,
     .error = E(BAD_METHOD)},
    {.name = "non-tchar in method", .in = "GE(T / HTTP/1.1\r\n", .ret = ERR,
     .error = E(BAD_METHOD)},
    {.name = "NUL in method", IN_BYTES("G\0T"), .ret = ERR,
     .error = E(BAD_METHOD)},
    {.name = "CRLF in method", .in = "GET\r\n\r\n", .ret = ERR,
     .error = E(BAD_REQUEST_LINE)},
    {.name = "CRLF in target", .in = "GET /\r\n" H "\r\n", .ret = ERR,
     .error = E(BAD_REQUEST_LINE)},
    {.name = "bare LF in method", .in = "GET\n", .ret = ERR,
     .error = E(BARE_LF)},
    {.name = "bare CR in target", .in = "GET /\rX", .ret = ERR,
     .error = E(BARE_CR)},
    {.name = "leading bare LF", .in = "\nGET / HTTP/1.1\r\n" H "\r\n",
     .ret = ERR, .error = E(BARE_LF)},
    {.name = "bare LF after leading CRLF", .in = "\r\n\nGET", .ret = ERR,
     .error = E(BARE_LF)},
    {.name = "leading bare CR", .in = "\rGET", .ret = ERR,
     .error = E(BARE_CR)},
    {.name = "# in target", .in = "GET /a#b HTTP/1.1\r\n" H "\r\n", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "DEL in target", .in = "GET /\x7f HTTP/1.1\r\n", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "0x80 in target", .in = "GET /\x80", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "HTAB in target", .in = "GET /a\tb HTTP/1.1\r\n", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "empty target", .in = "GET  / HTTP/1.1\r\n", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "asterisk with GET", .in = "GET * HTTP/1.1\r\n" H "\r\n",
     .ret = ERR, .error = E(BAD_TARGET)},
    {.name = "asterisk with CONNECT", .in = "CONNECT * HTTP/1.1\r\n",
     .ret = ERR, .error = E(BAD_TARGET)},
    {.name = "asterisk plus bytes", .in = "OPTIONS *x HTTP/1.1\r\n",
     .ret = ERR, .error = E(BAD_TARGET)},
    {.name = "form checked when the target ends", .in = "GET * ", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "authority-form with GET", .in = "GET example.com HTTP/1.1\r\n",
     .ret = ERR, .error = E(BAD_TARGET)},
    {.name = "scheme starting with a digit", .in = "GET 1http://x HTTP/1.1\r\n",
     .ret = ERR, .error = E(BAD_TARGET)},
    {.name = "scheme with a bad byte", .in = "GET ht_tp://x HTTP/1.1\r\n",
     .ret = ERR, .error = E(BAD_TARGET)},
    {.name = "nothing after the scheme", .in = "GET http: HTTP/1.1\r\n",
     .ret = ERR, .error = E(BAD_TARGET)},
    {.name = "CONNECT with a path", .in = "CONNECT a:1/b HTTP/1.1\r\n",
     .ret = ERR, .error = E(BAD_TARGET)},
    {.name = "CONNECT with a query", .in = "CONNECT a:1?b HTTP/1.1\r\n",
     .ret = ERR, .error = E(BAD_TARGET)},
    {.name = "CONNECT origin-form", .in = "CONNECT / HTTP/1.1\r\n", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "method case matters", .in = "options * HTTP/1.1\r\n", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "target at the limit", .in = "GET /123456789 HTTP/1.1\r\n" H "\r\n",
     .ret = ALL, .target = "/123456789", .minor = 1, .flags = KA,
     .limits = &L_TARGET10},
    {.name = "target one over the limit",
     .in = "GET /1234567890 HTTP/1.1\r\n" H "\r\n", .ret = ERR,
     .error = E(TARGET_TOO_LONG), .limits = &L_TARGET10},
    {.name = "target too long reported before the SP",
     .in = "GET /1234567890", .ret = ERR, .error = E(TARGET_TOO_LONG),
     .limits = &L_TARGET10},
    {.name = "bad byte just past the target limit", .in = "GET /123456789#",
     .ret = ERR, .error = E(BAD_TARGET), .limits = &L_TARGET10},
    {.name = "CRLF just past the target limit", .in = "GET /123456789\r\n",
     .ret = ERR, .error = E(BAD_REQUEST_LINE), .limits = &L_TARGET10},
    {.name = "lower-case version", .in = "GET / http/1.1\r\n", .ret = ERR,
     .error = E(BAD_VERSION)},
    {.name = "bad version prefix while incomplete", .in = "GET / HTX",
     .ret = ERR, .error = E(BAD_VERSION)},
    {.name = "trailing SP after version", .in = "GET / HTTP/1.1 \r\n",
     .ret = ERR, .error = E(BAD_VERSION)},
    {.name = "two SPs before version", .in = "GET /  HTTP/1.1\r\n",
     .ret = ERR, .error = E(BAD_VERSION)},
    {.name = "two-digit minor", .in = "GET / HTTP/1.10\r\n", .ret = ERR,
     .error = E(BAD_VERSION)},
    {.name = "no dot", .in = "GET / HTTP/11\r\n", .ret = ERR,
     .error = E(BAD_VERSION)},
    {.name = "CRLF inside version", .in = "GET / HTTP/\r\n", .ret = ERR,
     .error = E(BAD_VERSION)},
    {.name = "extra word", .in = "GET / HTTP/1.1 x\r\n", .ret = ERR,
     .error = E(BAD_VERSION)},
    {.name = "bare CR after version", .in = "GET / HTTP/1.1\r\r\n", .ret = ERR,
     .error = E(BARE_CR)},
    {.name = "bare LF after version", .in = "GET / HTTP/1.1\n" H "\r\n",
     .ret = ERR, .error = E(BARE_LF)},
    {.name = "bare LF inside version", .in = "GET / HTT\n", .ret = ERR,
     .error = E(BARE_LF)},
    {.name = "bad version beats unsupported", .in = "GET / HTTP/2.0 \r\n",
     .ret = ERR, .error = E(BAD_VERSION)},
    {.name = "HTTP/2.0", .in = "GET / HTTP/2.0\r\n" H "\r\n", .ret = ERR,
     .error = E(UNSUPPORTED_VERSION)},
    {.name = "HTTP/0.9 reported with the request line",
     .in = "GET / HTTP/0.9\r\n", .ret = ERR, .error = E(UNSUPPORTED_VERSION)},

    /* Field line errors, reported once the head is complete. */
    {.name = "bare CR in a value", .in = GET11 "Host: a\rb\r\n\r\n", .ret = ERR,
     .error = E(BARE_CR)},
    {.name = "bare LF ending a field line",
     .in = GET11 "Host: a\nX: b\r\n\r\n", .ret = ERR, .error = E(BARE_LF)},
    {.name = "bare LF as blank line", .in = GET11 H "\n\r\n\r\n", .ret = ERR,
     .error = E(BARE_LF)},
    {.name = "bare CR line start", .in = GET11 H "\rX: y\r\n\r\n", .ret = ERR,
     .error = E(BARE_CR)},
    {.name = "bare CR in a name", .in = GET11 "Ho\rst: y\r\n\r\n", .ret = ERR,
     .error = E(BARE_CR)},
    {.name = "bare LF in a name", .in = GET11 "Ho\nst: y\r\n\r\n", .ret = ERR,
     .error = E(BARE_LF)},
    {.name = "non-tchar in name", .in = GET11 "H(st: a\r\n\r\n", .ret = ERR,
     .error = E(BAD_HEADER_NAME)},
    {.name = "0x80 in name", .in = GET11 "X\x80: a\r\n\r\n", .ret = ERR,
     .error = E(BAD_HEADER_NAME)},
    {.name = "empty name", .in = GET11 H ": a\r\n\r\n", .ret = ERR,
     .error = E(BAD_HEADER_NAME)},
    {.name = "no colon", .in = GET11 H "NoColon\r\n\r\n", .ret = ERR,
     .error = E(BAD_HEADER_NAME)},
    {.name = "no colon on the last line", .in = GET11 "Host\r\n\r\n",
     .ret = ERR, .error = E(BAD_HEADER_NAME)},
    {.name = "SP before colon", .in = GET11 "Host : h\r\n\r\n", .ret = ERR,
     .error = E(SPACE_BEFORE_COLON)},
    {.name = "HTAB before colon", .in = GET11 "Host\t: h\r\n\r\n", .ret = ERR,
     .error = E(SPACE_BEFORE_COLON)},
    {.name = "SP inside a name", .in = GET11 "Ho st: h\r\n\r\n", .ret = ERR,
     .error = E(SPACE_BEFORE_COLON)},
    {.name = "SP in a name without colon", .in = GET11 "Ho st\r\n\r\n",
     .ret = ERR, .error = E(SPACE_BEFORE_COLON)},
    {.name = "obs-fold SP", .in = GET11 H "X: a\r\n b\r\n\r\n", .ret = ERR,
     .error = E(OBS_FOLD)},
    {.name = "obs-fold HTAB", .in = GET11 "\tX: a\r\n" H "\r\n", .ret = ERR,
     .error = E(OBS_FOLD)},
    {.name = "NUL in value", IN_BYTES(GET11 H "X: a\0b\r\n\r\n"),
     .ret = ERR, .error = E(BAD_HEADER_VALUE)},
    {.name = "DEL in value", .in = GET11 H "X: \x7f\r\n\r\n", .ret = ERR,
     .error = E(BAD_HEADER_VALUE)},
    {.name = "CTL in a long value",
     .in = GET11 H "X: 0123456789abcdef0123456789\x01xyz\r\n\r\n", .ret = ERR,
     .error = E(BAD_HEADER_VALUE)},
    {.name = "field errors left to right",
     .in = GET11 "X: \x01\r\n y\r\nBad Name: z\r\n\r\n", .ret = ERR,
     .error = E(BAD_HEADER_VALUE)},
    {.name = "request line error before field errors",
     .in = "GET / HTTP/1.1 \r\nBad Name: z\r\n\r\n", .ret = ERR,
     .error = E(BAD_VERSION)},
    {.name = "field error before semantic errors",
     .in = GET11 "X: \x7f\r\n\r\n", .ret = ERR, .error = E(BAD_HEADER_VALUE)},

    /* Size limits. */
    {.name = "head at max_head_bytes", .in = GET11 H "\r\n", .ret = ALL,
     .minor = 1, .flags = KA, .limits = &L_HEAD27},
    {.name = "head one over max_head_bytes", .in = GET11 H "\r\n", .ret = ERR,
     .error = E(HEAD_TOO_LARGE), .limits = &L_HEAD26},
    {.name = "head filling max_head_bytes without an end",
     .in = GET11 "Host: hhhhhhhhhhhhh", .ret = ERR,
     .error = E(HEAD_TOO_LARGE), .limits = &L_HEAD27},
    {.name = "leading CRLF counted, at the limit", .in = "\r\n" GET11 H "\r\n",
     .ret = ALL, .minor = 1, .flags = KA, .limits = &L_HEAD29},
    {.name = "leading CRLF counted, one over", .in = "\r\n" GET11 H "\r\n",
     .ret = ERR, .error = E(HEAD_TOO_LARGE), .limits = &L_HEAD28},
    {.name = "empty lines alone fill the limit", .in = "\r\n\r\n\r\n\r\n\r\n",
     .ret = ERR, .error = E(HEAD_TOO_LARGE), .limits = &L_HEAD10},
    {.name = "request line error inside the window",
     .in = "GET /a# HTTP/1.1\r\n", .ret = ERR, .error = E(BAD_TARGET),
     .limits = &L_HEAD10},
    {.name = "request line error past the window",
     .in = "GET /abcdefgh# HTTP/1.1\r\n", .ret = ERR,
     .error = E(HEAD_TOO_LARGE), .limits = &L_HEAD10},
    {.name = "CR at the window's last byte", .in = "GET / HTTP/1.1\rX",
     .ret = ERR, .error = E(HEAD_TOO_LARGE), .limits = &L_HEAD15},
    {.name = "CR before the window's last byte", .in = "GET / HTTP/1.1\rX",
     .ret = ERR, .error = E(BARE_CR), .limits = &L_HEAD16},
    {.name = "field error in a too-large head is not reported",
     .in = GET11 "Bad Name: xxxxxxxxxxxxxxxxxxxxxxx\r\n\r\n", .ret = ERR,
     .error = E(HEAD_TOO_LARGE), .limits = &L_HEAD27},
    {.name = "max_headers lines", .in = GET11 H "X: 1\r\n\r\n", .ret = ALL,
     .minor = 1, .flags = KA, .headers = "host: h\nx: 1\n",
     .limits = &L_HDRS2},
    {.name = "max_headers + 1 lines", .in = GET11 H "X: 1\r\nY: 2\r\n\r\n",
     .ret = ERR, .error = E(TOO_MANY_HEADERS), .limits = &L_HDRS2},
    {.name = "count checked before the line's content",
     .in = GET11 H "X: 1\r\n bad fold\r\n\r\n", .ret = ERR,
     .error = E(TOO_MANY_HEADERS), .limits = &L_HDRS2},
    {.name = "count checked before a bare LF at a line start",
     .in = GET11 H "X: 1\r\n\nY: 2\r\n\r\n", .ret = ERR,
     .error = E(TOO_MANY_HEADERS), .limits = &L_HDRS2},
    {.name = "count checked before a bare CR at a line start",
     .in = GET11 H "X: 1\r\n\rY: 2\r\n\r\n", .ret = ERR,
     .error = E(TOO_MANY_HEADERS), .limits = &L_HDRS2},
    {.name = "earlier line error beats the count",
     .in = GET11 H "X : 1\r\nY: 2\r\n\r\n", .ret = ERR,
     .error = E(SPACE_BEFORE_COLON), .limits = &L_HDRS2},
    {.name = "max_headers 0 with no fields", .in = "GET / HTTP/1.0\r\n\r\n",
     .ret = ALL, .minor = 0, .flags = 0, .limits = &L_HDRS0},
    {.name = "max_headers 0 with one field",
     .in = "GET / HTTP/1.0\r\nX: y\r\n\r\n", .ret = ERR,
     .error = E(TOO_MANY_HEADERS), .limits = &L_HDRS0},
    {.name = "content-length at max_body_bytes",
     .in = GET11 H "Content-Length: 100\r\n\r\n", .ret = ALL, .minor = 1,
     .flags = KA | CL, .content_length = 100, .limits = &L_BODY100},
    {.name = "content-length over max_body_bytes",
     .in = GET11 H "Content-Length: 101\r\n\r\n", .ret = ERR,
     .error = E(BODY_TOO_LARGE), .limits = &L_BODY100},

    /* Semantic checks. */
    {.name = "missing Host", .in = GET11 "\r\n", .ret = ERR,
     .error = E(MISSING_HOST)},
    {.name = "duplicate Host", .in = GET11 H H "\r\n", .ret = ERR,
     .error = E(DUPLICATE_HOST)},
    {.name = "duplicate Host in HTTP/1.0", .in = "GET / HTTP/1.0\r\n" H H "\r\n",
     .ret = ERR, .error = E(DUPLICATE_HOST)},
    {.name = "Host with SP", .in = GET11 "Host: a b\r\n\r\n", .ret = ERR,
     .error = E(BAD_HOST)},
    {.name = "Host port too long", .in = GET11 "Host: a:123456\r\n\r\n",
     .ret = ERR, .error = E(BAD_HOST)},
    {.name = "Host port not digits", .in = GET11 "Host: a:b\r\n\r\n",
     .ret = ERR, .error = E(BAD_HOST)},
    {.name = "Host unclosed bracket", .in = GET11 "Host: [::1\r\n\r\n",
     .ret = ERR, .error = E(BAD_HOST)},
    {.name = "Host stray bracket", .in = GET11 "Host: a]\r\n\r\n", .ret = ERR,
     .error = E(BAD_HOST)},
    {.name = "Host bracket not first", .in = GET11 "Host: a[::1]\r\n\r\n",
     .ret = ERR, .error = E(BAD_HOST)},
    {.name = "Host bytes after the literal", .in = GET11 "Host: [::1]x\r\n\r\n",
     .ret = ERR, .error = E(BAD_HOST)},
    {.name = "Host userinfo", .in = GET11 "Host: u@h\r\n\r\n", .ret = ERR,
     .error = E(BAD_HOST)},
    {.name = "Host in HTTP/1.0 checked", .in = "GET / HTTP/1.0\r\nHost: a/b\r\n\r\n",
     .ret = ERR, .error = E(BAD_HOST)},
    {.name = "Content-Length sign", .in = GET11 H "Content-Length: +1\r\n\r\n",
     .ret = ERR, .error = E(BAD_CONTENT_LENGTH)},
    {.name = "Content-Length negative", .in = GET11 H "Content-Length: -1\r\n\r\n",
     .ret = ERR, .error = E(BAD_CONTENT_LENGTH)},
    {.name = "Content-Length inner space",
     .in = GET11 H "Content-Length: 1 2\r\n\r\n", .ret = ERR,
     .error = E(BAD_CONTENT_LENGTH)},
    {.name = "Content-Length list", .in = GET11 H "Content-Length: 5, 5\r\n\r\n",
     .ret = ERR, .error = E(BAD_CONTENT_LENGTH)},
    {.name = "Content-Length empty", .in = GET11 H "Content-Length: \r\n\r\n",
     .ret = ERR, .error = E(BAD_CONTENT_LENGTH)},
    {.name = "Content-Length 2^63",
     .in = GET11 H "Content-Length: 9223372036854775808\r\n\r\n", .ret = ERR,
     .error = E(BAD_CONTENT_LENGTH)},
    {.name = "Content-Length hex", .in = GET11 H "Content-Length: 0x10\r\n\r\n",
     .ret = ERR, .error = E(BAD_CONTENT_LENGTH)},
    {.name = "Content-Length twice, equal",
     .in = GET11 H "Content-Length: 5\r\nContent-Length: 5\r\n\r\n",
     .ret = ERR, .error = E(DUPLICATE_CONTENT_LENGTH)},
    {.name = "Content-Length with Transfer-Encoding",
     .in = GET11 H "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
     .ret = ERR, .error = E(CONTENT_LENGTH_WITH_TRANSFER_ENCODING)},
    {.name = "Transfer-Encoding in HTTP/1.0",
     .in = "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .ret = ERR,
     .error = E(TRANSFER_ENCODING_HTTP10)},
    {.name = "chunked twice", .in = GET11 H "Transfer-Encoding: chunked, chunked\r\n\r\n",
     .ret = ERR, .error = E(BAD_TRANSFER_ENCODING)},
    {.name = "chunked twice over two lines",
     .in = GET11 H "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
     .ret = ERR, .error = E(BAD_TRANSFER_ENCODING)},
    {.name = "empty TE element", .in = GET11 H "Transfer-Encoding: , chunked\r\n\r\n",
     .ret = ERR, .error = E(BAD_TRANSFER_ENCODING)},
    {.name = "trailing empty TE element",
     .in = GET11 H "Transfer-Encoding: chunked,\r\n\r\n", .ret = ERR,
     .error = E(BAD_TRANSFER_ENCODING)},
    {.name = "empty TE line", .in = GET11 H "Transfer-Encoding:\r\n\r\n",
     .ret = ERR, .error = E(BAD_TRANSFER_ENCODING)},
    {.name = "TE with parameter is not a token",
     .in = GET11 H "Transfer-Encoding: gzip;q=1, chunked\r\n\r\n", .ret = ERR,
     .error = E(BAD_TRANSFER_ENCODING)},
    {.name = "chunked not final", .in = GET11 H "Transfer-Encoding: chunked, gzip\r\n\r\n",
     .ret = ERR, .error = E(CHUNKED_NOT_FINAL)},
    {.name = "no chunked at all", .in = GET11 H "Transfer-Encoding: gzip\r\n\r\n",
     .ret = ERR, .error = E(CHUNKED_NOT_FINAL)},
    {.name = "other coding before chunked",
     .in = GET11 H "Transfer-Encoding: gzip, chunked\r\n\r\n", .ret = ERR,
     .error = E(UNKNOWN_TRANSFER_CODING)},
    {.name = "other coding on another line",
     .in = GET11 H "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
     .ret = ERR, .error = E(UNKNOWN_TRANSFER_CODING)},

    /* Which semantic error wins. */
    {.name = "duplicate Host before bad Content-Length",
     .in = GET11 H H "Content-Length: x\r\n\r\n", .ret = ERR,
     .error = E(DUPLICATE_HOST)},
    {.name = "missing Host before duplicate Content-Length",
     .in = GET11 "Content-Length: 1\r\nContent-Length: 1\r\n\r\n", .ret = ERR,
     .error = E(MISSING_HOST)},
    {.name = "bad Host before Content-Length",
     .in = GET11 "Host: a b\r\nContent-Length: x\r\n\r\n", .ret = ERR,
     .error = E(BAD_HOST)},
    {.name = "duplicate CL before TE",
     .in = GET11 H "Content-Length: 1\r\nContent-Length: x\r\nTransfer-Encoding: chunked\r\n\r\n",
     .ret = ERR, .error = E(DUPLICATE_CONTENT_LENGTH)},
    {.name = "bad CL before TE",
     .in = GET11 H "Transfer-Encoding: chunked\r\nContent-Length: x\r\n\r\n",
     .ret = ERR, .error = E(BAD_CONTENT_LENGTH)},
    {.name = "CL with TE before HTTP/1.0 TE",
     .in = "GET / HTTP/1.0\r\nTransfer-Encoding: x\r\nContent-Length: 1\r\n\r\n",
     .ret = ERR, .error = E(CONTENT_LENGTH_WITH_TRANSFER_ENCODING)},
    {.name = "HTTP/1.0 TE before a bad element",
     .in = "GET / HTTP/1.0\r\nTransfer-Encoding: ,\r\n\r\n", .ret = ERR,
     .error = E(TRANSFER_ENCODING_HTTP10)},
    {.name = "repeated chunked before not final",
     .in = GET11 H "Transfer-Encoding: chunked, chunked, gzip\r\n\r\n",
     .ret = ERR, .error = E(BAD_TRANSFER_ENCODING)},
    {.name = "bad element after a good one",
     .in = GET11 H "Transfer-Encoding: gzip, chunked, a b\r\n\r\n", .ret = ERR,
     .error = E(BAD_TRANSFER_ENCODING)},
    {.name = "not final before unknown",
     .in = GET11 H "Transfer-Encoding: gzip, chunked, br\r\n\r\n", .ret = ERR,
     .error = E(CHUNKED_NOT_FINAL)},
    {.name = "CL with TE before body size",
     .in = GET11 H "Content-Length: 101\r\nTransfer-Encoding: chunked\r\n\r\n",
     .ret = ERR, .error = E(CONTENT_LENGTH_WITH_TRANSFER_ENCODING),
     .limits = &L_BODY100},
    {.name = "missing Host before body size",
     .in = GET11 "Content-Length: 101\r\n\r\n", .ret = ERR,
     .error = E(MISSING_HOST), .limits = &L_BODY100},
};

/* Exact offsets for one request (the tables compare through strings). */
static void test_head_offsets(void)
{
    static const char in[] = "\r\nPUT /ab?cd HTTP/1.1\r\nHost:  x \r\n\r\n";
    size_t len = sizeof in - 1;
    begin("exact offsets");
    head_run_t r = parse_once(in, len, &LIMITS);
    const saltare_http1_head_t *h = &r.head;
    CHECK(r.ret == 36 && h->head_len == 36, "head_len %d", r.ret);
    CHECK(h->method_off == 2 && h->method_len == 3, "method");
    CHECK(h->target_off == 6 && h->target_len == 6, "target");
    CHECK(h->path_off == 6 && h->path_len == 3, "path");
    CHECK(h->query_off == 10 && h->query_len == 2, "query");
    CHECK(h->num_headers == 1, "num_headers");
    CHECK(r.headers[0].name_off == 23 && r.headers[0].name_len == 4, "name");
    CHECK(r.headers[0].value_off == 30 && r.headers[0].value_len == 1,
          "value %u %u", r.headers[0].value_off, r.headers[0].value_len);
    head_run_free(&r);

    static const char no_query[] = "GET /ab HTTP/1.1\r\nHost:\r\n\r\n";
    r = parse_once(no_query, sizeof no_query - 1, &LIMITS);
    CHECK(r.ret == (int)sizeof no_query - 1, "ret %d", r.ret);
    CHECK(r.head.query_off == 7 && r.head.query_len == 0,
          "query placed at the target's end");
    CHECK(r.headers[0].value_off == 23 && r.headers[0].value_len == 0,
          "empty value placed at its CR");
    head_run_free(&r);

    static const char abs_q[] = "GET http://h?q HTTP/1.1\r\nHost:\r\n\r\n";
    r = parse_once(abs_q, sizeof abs_q - 1, &LIMITS);
    CHECK(r.head.path_off == 12 && r.head.path_len == 0,
          "empty path placed at the '?'");
    head_run_free(&r);
    end_case();
}

/* The same head in one piece, at every split point and byte by byte:
 * run_head_case does this for every case; these check the results of the
 * intermediate calls of an incremental parse explicitly. */
static void test_head_incremental(void)
{
    static const char in[] =
        "\r\nPOST /upload?x=1 HTTP/1.1\r\nHost: example.com\r\n"
        "Content-Length: 5\r\nX-A: b\r\n\r\nhelloGET";
    size_t head_len = sizeof in - 1 - 8;
    begin("incremental: INCOMPLETE until the last byte of the head");
    saltare_http1_header_t hdr[32];
    saltare_http1_head_t head;
    for (size_t n = 0, last = 0; n <= head_len; last = n, n++) {
        char *b = dup_exact(in, n);
        int r = saltare_http1_parse_head(b, n, last, &LIMITS, &head, hdr);
        if (n < head_len)
            CHECK(r == INC, "%zu bytes: %d", n, r);
        else
            CHECK(r == (int)head_len && head.content_length == 5 &&
                      head.num_headers == 3,
                  "complete: %d", r);
        free(b);
    }
    end_case();

    begin("incremental: a broken field line waits for the blank line");
    static const char broken[] = GET11 "Bad Name: x\r\n\r\n";
    size_t blen = sizeof broken - 1;
    char *b = dup_exact(broken, blen - 2);
    int r = saltare_http1_parse_head(b, blen - 2, 0, &LIMITS, &head, hdr);
    CHECK(r == INC, "optimistic path: %d", r);
    r = saltare_http1_parse_head(b, blen - 2, 10, &LIMITS, &head, hdr);
    CHECK(r == INC, "incremental path: %d", r);
    free(b);
    b = dup_exact(broken, blen);
    r = saltare_http1_parse_head(b, blen, blen - 2, &LIMITS, &head, hdr);
    CHECK(r == ERR && head.error == E(SPACE_BEFORE_COLON), "complete: %d %u",
          r, head.error);
    free(b);
    end_case();

    begin("incremental: request line error found with last_len");
    static const char bad_rl[] = "GET /abc#";
    b = dup_exact(bad_rl, 9);
    r = saltare_http1_parse_head(b, 8, 0, &LIMITS, &head, hdr);
    CHECK(r == INC, "prefix: %d", r);
    r = saltare_http1_parse_head(b, 9, 8, &LIMITS, &head, hdr);
    CHECK(r == ERR && head.error == E(BAD_TARGET), "then: %d %u", r,
          head.error);
    free(b);
    end_case();

    begin("incremental: last_len > len falls back to a full parse");
    static const char ok[] = GET11 H "\r\n";
    b = dup_exact(ok, sizeof ok - 1);
    r = saltare_http1_parse_head(b, sizeof ok - 1, 1000, &LIMITS, &head, hdr);
    CHECK(r == (int)sizeof ok - 1, "%d", r);
    free(b);
    end_case();
}

/* ------------------------------------------------------------- trailers */

typedef struct {
    const char *name;
    const char *in;
    size_t len;
    int ret; /* section length, ALL, INC or ERR */
    uint32_t error;
    const char *headers;
    const saltare_http1_limits_t *limits;
} trailer_case_t;

typedef struct {
    int ret;
    uint32_t num, error;
    saltare_http1_header_t *headers;
    char *buf;
} trailer_run_t;

static trailer_run_t trailers_once(const char *in, size_t len, size_t last,
                                   char *reuse,
                                   const saltare_http1_limits_t *l,
                                   saltare_http1_header_t *hdr)
{
    trailer_run_t r;
    r.buf = reuse ? reuse : dup_exact(in, len);
    r.headers = hdr ? hdr : alloc_headers(l->max_headers);
    r.ret = saltare_http1_parse_trailers(r.buf, len, last, l, r.headers,
                                         &r.num, &r.error);
    return r;
}

static int same_trailer_result(const trailer_run_t *a, const trailer_run_t *b)
{
    if (a->ret != b->ret || a->num != b->num || a->error != b->error)
        return 0;
    if (a->ret <= 0)
        return 1;
    if (a->num && memcmp(a->headers, b->headers, a->num * sizeof *a->headers))
        return 0;
    return memcmp(a->buf, b->buf, (size_t)a->ret) == 0;
}

static void trailer_run_free(trailer_run_t *r)
{
    free(r->buf);
    free(r->headers);
}

static void run_trailer_case(const trailer_case_t *c)
{
    const saltare_http1_limits_t *l = c->limits ? c->limits : &LIMITS;
    size_t len = c->len ? c->len : strlen(c->in);
    int want = c->ret == ALL ? (int)len : c->ret;
    begin(c->name);
    trailer_run_t once = trailers_once(c->in, len, 0, NULL, l, NULL);
    CHECK(once.ret == want, "returned %d, expected %d (error %u)", once.ret,
          want, once.error);
    if (want == ERR) {
        CHECK(once.error == c->error, "error %u, expected %u", once.error,
              c->error);
        if (once.ret == ERR && once.error == c->error)
            error_covered[c->error] = 1;
    } else {
        CHECK(once.error == E(OK), "error %u", once.error);
    }
    if (want > 0 && once.ret == want && c->headers) {
        char got[2048];
        render_headers(once.buf, once.headers, once.num, got, sizeof got);
        CHECK(strcmp(got, c->headers) == 0, "headers:\n%sexpected:\n%s", got,
              c->headers);
    }
    for (size_t s = 1; s < len; s++) {
        trailer_run_t first = trailers_once(c->in, s, 0, NULL, l, NULL);
        if (first.ret != INC) {
            CHECK(same_trailer_result(&first, &once), "prefix %zu: %d", s,
                  first.ret);
            trailer_run_free(&first);
            continue;
        }
        char *whole = regrow(first.buf, s, c->in, len);
        trailer_run_t second =
            trailers_once(c->in, len, s, whole, l, first.headers);
        CHECK(same_trailer_result(&second, &once), "split %zu: %d (%u)", s,
              second.ret, second.error);
        trailer_run_free(&second);
    }
    /* Byte by byte. */
    trailer_run_t bw = trailers_once(c->in, 0, 0, NULL, l, NULL);
    for (size_t n = 1; n <= len && bw.ret == INC; n++) {
        char *next = regrow(bw.buf, n - 1, c->in, n);
        bw = trailers_once(c->in, n, n - 1, next, l, bw.headers);
    }
    CHECK(same_trailer_result(&bw, &once), "byte by byte: %d (%u)", bw.ret,
          bw.error);
    trailer_run_free(&bw);
    trailer_run_free(&once);
    end_case();
}

static saltare_http1_limits_t L_TR10, L_TR1, L_TR_HDRS1;

static const trailer_case_t trailer_cases[] = {
    {.name = "empty trailer section", .in = "\r\n", .ret = 2, .headers = ""},
    {.name = "empty section then more", .in = "\r\nGET / HTTP/1.1\r\n",
     .ret = 2, .headers = ""},
    {.name = "one trailer", .in = "X-Checksum: abc\r\n\r\n", .ret = ALL,
     .headers = "x-checksum: abc\n"},
    {.name = "trailers lower-cased, OWS trimmed",
     .in = "X-A: 1 \r\nX-B:\t2\r\n\r\nnext", .ret = 19,
     .headers = "x-a: 1\nx-b: 2\n"},
    {.name = "nothing yet", .in = "", .ret = INC},
    {.name = "CR only", .in = "\r", .ret = INC},
    {.name = "no blank line yet", .in = "X: a\r\n", .ret = INC},
    {.name = "blank line CR only", .in = "X: a\r\n\r", .ret = INC},
    {.name = "bad line in an incomplete section", .in = "X : a\r\n",
     .ret = INC},
    {.name = "space before colon", .in = "X : a\r\n\r\n", .ret = ERR,
     .error = E(SPACE_BEFORE_COLON)},
    {.name = "obs-fold", .in = "X: a\r\n b\r\n\r\n", .ret = ERR,
     .error = E(OBS_FOLD)},
    {.name = "bare LF line", .in = "\n\r\n\r\n", .ret = ERR,
     .error = E(BARE_LF)},
    {.name = "bare CR", .in = "X: a\rb\r\n\r\n", .ret = ERR,
     .error = E(BARE_CR)},
    {.name = "bad value", .in = "X: a\x01\r\n\r\n", .ret = ERR,
     .error = E(BAD_HEADER_VALUE)},
    {.name = "bad name", .in = "X(: a\r\n\r\n", .ret = ERR,
     .error = E(BAD_HEADER_NAME)},
    {.name = "section at max_trailer_bytes", .in = "X: abc\r\n\r\n",
     .ret = ALL, .headers = "x: abc\n", .limits = &L_TR10},
    {.name = "section one over max_trailer_bytes", .in = "X: abcd\r\n\r\n",
     .ret = ERR, .error = E(TRAILERS_TOO_LARGE), .limits = &L_TR10},
    {.name = "too large without an end", .in = "X: abcdefghijk", .ret = ERR,
     .error = E(TRAILERS_TOO_LARGE), .limits = &L_TR10},
    {.name = "line errors in a too-large section are not reported",
     .in = "X: a\r\nY : bbbbbbbbbbbb", .ret = ERR,
     .error = E(TRAILERS_TOO_LARGE), .limits = &L_TR10},
    {.name = "line error past the window", .in = "X: abcdefgh\x01\r\n\r\n",
     .ret = ERR, .error = E(TRAILERS_TOO_LARGE), .limits = &L_TR10},
    {.name = "lone CRLF over a limit of 1", .in = "\r\n", .ret = ERR,
     .error = E(TRAILERS_TOO_LARGE), .limits = &L_TR1},
    {.name = "max_headers trailers", .in = "A: 1\r\n\r\n", .ret = ALL,
     .headers = "a: 1\n", .limits = &L_TR_HDRS1},
    {.name = "max_headers + 1 trailers", .in = "A: 1\r\nB: 2\r\n\r\n",
     .ret = ERR, .error = E(TOO_MANY_HEADERS), .limits = &L_TR_HDRS1},
};

/* -------------------------------------------------------------- chunked */

typedef struct {
    const char *name;
    const char *in;
    size_t len;
    int ret;          /* 0, 1 or ERR */
    uint32_t error;
    const char *data; /* decoded bytes (before the error for ERR) */
    size_t consumed;  /* ret 1: where the trailer section starts; else
                         0 means "all of the input" */
    const saltare_http1_limits_t *limits;
} chunk_case_t;

typedef struct {
    int ret;
    uint32_t error;
    char data[256];
    size_t data_len;
    size_t consumed; /* over all pieces */
} chunk_run_t;

/* Decodes in[0..len) fed in pieces ending at the given cut points. */
static chunk_run_t decode_pieces(const char *in, size_t len,
                                 const size_t *cuts, size_t ncuts,
                                 const saltare_http1_limits_t *l)
{
    chunk_run_t r;
    saltare_http1_chunked_t dec;
    saltare_http1_chunked_init(&dec);
    memset(&r, 0, sizeof r);
    size_t start = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t stop = i < ncuts ? cuts[i] : len;
        char *piece = dup_exact(in + start, stop - start);
        size_t used = 0, out = 0;
        r.ret = saltare_http1_decode_chunked(&dec, piece, stop - start, l,
                                             &used, &out);
        CHECK(out <= used && used <= stop - start, "bounds %zu %zu", out,
              used);
        if (r.data_len + out <= sizeof r.data) {
            memcpy(r.data + r.data_len, piece, out);
            r.data_len += out;
        }
        r.consumed += used;
        free(piece);
        r.error = dec.error;
        if (r.ret != 0)
            break;
        CHECK(used == stop - start, "0 returned but %zu of %zu used", used,
              stop - start);
        start = stop;
    }
    return r;
}

static int same_chunk_result(const chunk_run_t *a, const chunk_run_t *b)
{
    return a->ret == b->ret && a->error == b->error &&
           a->data_len == b->data_len && a->consumed == b->consumed &&
           memcmp(a->data, b->data, a->data_len) == 0;
}

static void run_chunk_case(const chunk_case_t *c)
{
    const saltare_http1_limits_t *l = c->limits ? c->limits : &LIMITS;
    size_t len = c->len ? c->len : strlen(c->in);
    begin(c->name);
    chunk_run_t once = decode_pieces(c->in, len, NULL, 0, l);
    CHECK(once.ret == c->ret, "returned %d, expected %d (error %u)", once.ret,
          c->ret, once.error);
    if (c->ret == ERR) {
        CHECK(once.error == c->error, "error %u, expected %u", once.error,
              c->error);
        if (once.ret == ERR && once.error == c->error)
            error_covered[c->error] = 1;
    } else {
        CHECK(once.error == E(OK), "error %u", once.error);
    }
    size_t want_consumed = c->consumed ? c->consumed : len;
    if (c->ret != ERR)
        CHECK(once.consumed == want_consumed, "consumed %zu, expected %zu",
              once.consumed, want_consumed);
    CHECK(once.data_len == strlen(c->data) &&
              memcmp(once.data, c->data, once.data_len) == 0,
          "data '%.*s', expected '%s'", (int)once.data_len, once.data,
          c->data);

    size_t cuts[512];
    size_t ncuts = 0;
    for (size_t s = 1; s < len && ncuts < 512; s++)
        cuts[ncuts++] = s;
    chunk_run_t bw = decode_pieces(c->in, len, cuts, ncuts, l);
    CHECK(same_chunk_result(&bw, &once), "byte by byte: %d (%u) '%.*s'",
          bw.ret, bw.error, (int)bw.data_len, bw.data);
    for (size_t s = 1; s < len; s++) {
        chunk_run_t two = decode_pieces(c->in, len, &s, 1, l);
        CHECK(same_chunk_result(&two, &once), "split at %zu: %d (%u)", s,
              two.ret, two.error);
    }
    end_case();
}

static saltare_http1_limits_t L_EXT4, L_BODY10;

static const chunk_case_t chunk_cases[] = {
    {.name = "one chunk and the last chunk",
     .in = "5\r\nhello\r\n0\r\n", .ret = 1, .data = "hello"},
    {.name = "trailer section left unconsumed",
     .in = "5\r\nhello\r\n0\r\n\r\n", .ret = 1, .data = "hello",
     .consumed = 13},
    {.name = "several chunks, hex digits both cases",
     .in = "3\r\nabc\r\na\r\n0123456789\r\nB\r\nABCDEFGHIJK\r\n0\r\nX: y\r\n\r\n",
     .ret = 1, .data = "abc0123456789ABCDEFGHIJK", .consumed = 42},
    {.name = "leading zeros", .in = "0000000000000000000000003\r\nabc\r\n000\r\n",
     .ret = 1, .data = "abc"},
    {.name = "extensions", .in = "3;a=b;c=\"d e\"\r\nabc\r\n0;last\r\n",
     .ret = 1, .data = "abc"},
    {.name = "whitespace before ;", .in = "3 \t;x\r\nabc\r\n0\t ;\r\n",
     .ret = 1, .data = "abc"},
    {.name = "obs-text in extension", .in = "1;\x80\xff\r\nz\r\n0\r\n",
     .ret = 1, .data = "z"},
    {.name = "last chunk at once", .in = "0\r\n", .ret = 1, .data = ""},
    {.name = "data split", .in = "5\r\nhel", .ret = 0, .data = "hel"},
    {.name = "waiting for LF", .in = "5\r\nhello\r", .ret = 0,
     .data = "hello"},
    {.name = "size 2^63-1", .in = "7fffffffffffffff\r\nab", .ret = 0,
     .data = "ab"},
    {.name = "CR/LF after data are framing", .in = "2\r\n\r\n\r\n0\r\n",
     .ret = 1, .data = "\r\n"},
    {.name = "size line not hex", .in = "x\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_SIZE), .data = ""},
    {.name = "empty size line", .in = "\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_SIZE), .data = ""},
    {.name = "LF as size line", .in = "\n", .ret = ERR,
     .error = E(BAD_CHUNK_SIZE), .data = ""},
    {.name = "space before size", .in = " 5\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_SIZE), .data = ""},
    {.name = "sign before size", .in = "+5\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_SIZE), .data = ""},
    {.name = "bad size after a chunk", .in = "3\r\nabc\r\nzz\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_SIZE), .data = "abc"},
    {.name = "size 2^63", .in = "8000000000000000\r\n", .ret = ERR,
     .error = E(CHUNK_SIZE_OVERFLOW), .data = ""},
    {.name = "size overflow with leading zeros",
     .in = "0000fffffffffffffffff", .ret = ERR,
     .error = E(CHUNK_SIZE_OVERFLOW), .data = ""},
    {.name = "trailing space is refused", .in = "5 \r\nhello\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_EXTENSION), .data = ""},
    {.name = "garbage after the size digits", .in = "5x\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_SIZE), .data = ""},
    {.name = "0x prefix", .in = "0x5\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_SIZE), .data = ""},
    {.name = "CTL after the size digits", .in = "5\x01", .ret = ERR,
     .error = E(BAD_CHUNK_SIZE), .data = ""},
    {.name = "extension word after space", .in = "5 x;y\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_EXTENSION), .data = ""},
    {.name = "NUL in extension", IN_BYTES("5;a\0\r\n"), .ret = ERR,
     .error = E(BAD_CHUNK_EXTENSION), .data = ""},
    {.name = "DEL in extension", .in = "5;\x7f\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_EXTENSION), .data = ""},
    {.name = "bare LF after size", .in = "5\nhello", .ret = ERR,
     .error = E(BARE_LF), .data = ""},
    {.name = "bare LF after extension", .in = "5;a\n", .ret = ERR,
     .error = E(BARE_LF), .data = ""},
    {.name = "bare LF in whitespace", .in = "5 \n", .ret = ERR,
     .error = E(BARE_LF), .data = ""},
    {.name = "bare CR after size", .in = "5\rhello", .ret = ERR,
     .error = E(BARE_CR), .data = ""},
    {.name = "bare CR on the last chunk", .in = "0\r\r\n", .ret = ERR,
     .error = E(BARE_CR), .data = ""},
    {.name = "data not followed by CRLF", .in = "5\r\nhelloX\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_END), .data = "hello"},
    {.name = "data followed by CR x", .in = "5\r\nhello\rX", .ret = ERR,
     .error = E(BAD_CHUNK_END), .data = "hello"},
    {.name = "data followed by LF", .in = "5\r\nhello\n0\r\n", .ret = ERR,
     .error = E(BAD_CHUNK_END), .data = "hello"},
    {.name = "extension at the limit", .in = "3;abc\r\nxyz\r\n0\r\n",
     .ret = 1, .data = "xyz", .limits = &L_EXT4},
    {.name = "extension one over the limit", .in = "3;abcd\r\nxyz\r\n",
     .ret = ERR, .error = E(CHUNK_EXTENSION_TOO_LONG), .data = "",
     .limits = &L_EXT4},
    {.name = "whitespace counts towards the limit", .in = "3  ;ab\r\n",
     .ret = ERR, .error = E(CHUNK_EXTENSION_TOO_LONG), .data = "",
     .limits = &L_EXT4},
    {.name = "any byte past the extension limit is too long",
     .in = "3;abc\x01", .ret = ERR, .error = E(CHUNK_EXTENSION_TOO_LONG),
     .data = "", .limits = &L_EXT4},
    {.name = "bad byte at the extension limit", .in = "3;ab\x01", .ret = ERR,
     .error = E(BAD_CHUNK_EXTENSION), .data = "", .limits = &L_EXT4},
    {.name = "no ; past the extension limit", .in = "3    x", .ret = ERR,
     .error = E(CHUNK_EXTENSION_TOO_LONG), .data = "", .limits = &L_EXT4},
    {.name = "extension limit is per line",
     .in = "1;abc\r\nx\r\n1;abc\r\ny\r\n0;abc\r\n", .ret = 1, .data = "xy",
     .limits = &L_EXT4},
    {.name = "body at max_body_bytes",
     .in = "5\r\nhello\r\n5\r\nworld\r\n0\r\n", .ret = 1, .data = "helloworld",
     .limits = &L_BODY10},
    {.name = "body one over max_body_bytes",
     .in = "5\r\nhello\r\n6\r\nworld!\r\n0\r\n", .ret = ERR,
     .error = E(BODY_TOO_LARGE), .data = "hello", .limits = &L_BODY10},
    {.name = "one chunk over max_body_bytes", .in = "b\r\nhello world\r\n",
     .ret = ERR, .error = E(BODY_TOO_LARGE), .data = "", .limits = &L_BODY10},
};

static void test_chunked_state(void)
{
    saltare_http1_chunked_t dec;
    size_t used, out;
    begin("chunked: errors are sticky, done stays done");
    saltare_http1_chunked_init(&dec);
    char bad[] = "zz";
    int r = saltare_http1_decode_chunked(&dec, bad, 2, &LIMITS, &used, &out);
    CHECK(r == ERR && dec.error == E(BAD_CHUNK_SIZE) && used == 0, "first");
    char more[] = "0\r\n";
    r = saltare_http1_decode_chunked(&dec, more, 3, &LIMITS, &used, &out);
    CHECK(r == ERR && used == 0 && out == 0, "again: %d", r);
    saltare_http1_chunked_init(&dec);
    r = saltare_http1_decode_chunked(&dec, more, 3, &LIMITS, &used, &out);
    CHECK(r == 1 && used == 3 && out == 0, "last chunk: %d", r);
    r = saltare_http1_decode_chunked(&dec, more, 3, &LIMITS, &used, &out);
    CHECK(r == 1 && used == 0 && out == 0, "after the end: %d", r);
    r = saltare_http1_decode_chunked(&dec, more, 0, &LIMITS, &used, &out);
    CHECK(r == 1 && used == 0, "empty input after the end: %d", r);
    saltare_http1_chunked_init(&dec);
    r = saltare_http1_decode_chunked(&dec, more, 0, &LIMITS, &used, &out);
    CHECK(r == 0 && used == 0 && out == 0, "empty input: %d", r);
    CHECK(dec.body_total == 0 && dec.error == 0, "init");
    end_case();

    begin("chunked: body_total and a zeroed struct");
    saltare_http1_chunked_t zero;
    memset(&zero, 0, sizeof zero);
    char body[] = "3\r\nabc\r\n4\r\ndefg\r\n";
    r = saltare_http1_decode_chunked(&zero, body, sizeof body - 1, &LIMITS,
                                     &used, &out);
    CHECK(r == 0 && used == sizeof body - 1 && out == 7 &&
              memcmp(body, "abcdefg", 7) == 0 && zero.body_total == 7,
          "%d %zu %zu", r, used, out);
    end_case();
}

/* A whole request: head, chunked body, trailers, then the next request. */
static void test_full_message(void)
{
    static const char msg[] = "POST /u HTTP/1.1\r\nHost: h\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n"
                              "4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n"
                              "Checksum: 1\r\n\r\nGET / HTTP/1.1\r\n";
    size_t len = sizeof msg - 1;
    begin("full message: head, chunked body, trailers");
    char *b = dup_exact(msg, len);
    saltare_http1_header_t hdr[32];
    saltare_http1_head_t head;
    int hl = saltare_http1_parse_head(b, len, 0, &LIMITS, &head, hdr);
    CHECK(hl == 57 && (head.flags & CHK), "head %d", hl);
    saltare_http1_chunked_t dec;
    saltare_http1_chunked_init(&dec);
    size_t used = 0, out = 0;
    int r = saltare_http1_decode_chunked(&dec, b + hl, len - (size_t)hl,
                                         &LIMITS, &used, &out);
    CHECK(r == 1 && out == 9 && memcmp(b + hl, "Wikipedia", 9) == 0 &&
              dec.body_total == 9,
          "body %d %zu", r, out);
    char *t = b + hl + used;
    size_t tlen = len - (size_t)hl - used;
    uint32_t n = 0, e = 0;
    r = saltare_http1_parse_trailers(t, tlen, 0, &LIMITS, hdr, &n, &e);
    CHECK(r == 15 && n == 1 && memcmp(t + hdr[0].name_off, "checksum", 8) == 0,
          "trailers %d", r);
    CHECK(memcmp(t + r, "GET ", 4) == 0, "next request follows");
    free(b);
    end_case();
}

/* ------------------------------------------------- tables, errors, api */

static int ref_tchar(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int ref_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ref_digit(int c)
{
    return c >= '0' && c <= '9';
}

static void test_char_tables(void)
{
    begin("character tables match the grammar");
    for (int c = 0; c < 256; c++) {
        unsigned k = sh1_class[c];
        int hex = ref_digit(c) || (c && strchr("abcdefABCDEF", c));
        int host = ref_alpha(c) || ref_digit(c) ||
                   (c && strchr("-._~!$&'()*+,;=%", c));
        int scheme = ref_alpha(c) || ref_digit(c) || (c && strchr("+-.", c));
        CHECK(!!(k & SH1_C_TCHAR) == ref_tchar(c), "tchar %d", c);
        CHECK(!!(k & SH1_C_TARGET) == (c >= 0x21 && c <= 0x7E && c != '#'),
              "target %d", c);
        CHECK(!!(k & SH1_C_VALUE) ==
                  (c == '\t' || c == ' ' || (c >= 0x21 && c <= 0x7E) ||
                   c >= 0x80),
              "value %d", c);
        CHECK(!!(k & SH1_C_HEX) == hex, "hex %d", c);
        CHECK(!!(k & SH1_C_HOST) == host, "host %d", c);
        CHECK(!!(k & SH1_C_SCHEME) == scheme, "scheme %d", c);
        CHECK(!!(k & SH1_C_WS) == (c == ' ' || c == '\t'), "ws %d", c);
        CHECK(!!(k & SH1_C_ALPHA) == ref_alpha(c), "alpha %d", c);
        int lower = c >= 'A' && c <= 'Z' ? c + 32 : c;
        CHECK(sh1_lower[c] == lower, "lower %d", c);
        CHECK(sh1_name_lower[c] == (ref_tchar(c) ? lower : 0), "name %d", c);
    }
    end_case();
}

static void test_errors_and_api(void)
{
    static const uint32_t status[SALTARE_HTTP1_E_COUNT] = {
        0,   400, 400, 414, 400, 505, 400, 400, 400, 400, 400,
        400, 400, 431, 431, 400, 400, 400, 400, 400, 400, 400,
        400, 501, 400, 413, 400, 400, 400, 400, 400, 431};
    begin("error statuses and reasons");
    for (uint32_t e = 0; e < SALTARE_HTTP1_E_COUNT; e++) {
        CHECK(saltare_http1_error_status(e) == status[e], "status of %u", e);
        const char *reason = saltare_http1_error_reason(e);
        CHECK(reason != NULL && reason[0] != '\0', "reason of %u", e);
    }
    CHECK(saltare_http1_error_status(SALTARE_HTTP1_E_COUNT) == 0, "unknown");
    CHECK(saltare_http1_error_status(UINT32_MAX) == 0, "unknown max");
    CHECK(saltare_http1_error_reason(SALTARE_HTTP1_E_COUNT) == NULL,
          "unknown reason");
    CHECK(saltare_http1_error_reason(UINT32_MAX) == NULL, "unknown reason");
    CHECK(strcmp(saltare_http1_error_reason(E(BARE_LF)),
                 "bare LF in message") == 0,
          "a reason");
    end_case();

    begin("api table");
    const saltare_http1_api_t *api = saltare_http1_api();
    CHECK(api != NULL && api->abi_version == SALTARE_HTTP1_ABI_VERSION, "abi");
    CHECK(api->parse_head == saltare_http1_parse_head &&
              api->chunked_init == saltare_http1_chunked_init &&
              api->decode_chunked == saltare_http1_decode_chunked &&
              api->parse_trailers == saltare_http1_parse_trailers &&
              api->error_status == saltare_http1_error_status,
          "functions");
    end_case();
}

static void test_error_coverage(void)
{
    begin("every error code is produced by some case");
    for (uint32_t e = 1; e < SALTARE_HTTP1_E_COUNT; e++)
        CHECK(error_covered[e], "no passing case produces error %u", e);
    end_case();
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int main(void)
{
    init_head_limits();
    L_TR10 = limits_with(0, 0, UINT32_MAX, 0, 10, 0);
    L_TR1 = limits_with(0, 0, UINT32_MAX, 0, 1, 0);
    L_TR_HDRS1 = limits_with(0, 0, 1, 0, 0, 0);
    L_EXT4 = limits_with(0, 0, UINT32_MAX, 4, 0, 0);
    L_BODY10 = limits_with(0, 0, UINT32_MAX, 0, 0, 10);

    test_char_tables();
    for (size_t i = 0; i < COUNT(head_cases); i++)
        run_head_case(&head_cases[i]);
    test_head_offsets();
    test_head_incremental();
    for (size_t i = 0; i < COUNT(trailer_cases); i++)
        run_trailer_case(&trailer_cases[i]);
    for (size_t i = 0; i < COUNT(chunk_cases); i++)
        run_chunk_case(&chunk_cases[i]);
    test_chunked_state();
    test_full_message();
    test_errors_and_api();
    test_error_coverage();

    printf("%d passed, %d failed\n", tests_passed, tests_failed);
    return tests_failed != 0;
}
