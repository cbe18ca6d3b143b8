/* saltare-http1: shared helpers of the standalone C tests (included by
 * every tests/c/test_*.c, never compiled alone; static inline only, so that
 * each program links on its own).
 *
 * Every input is copied into a malloc'd buffer of its exact size, so that
 * a sanitizer build catches a read one byte past the end. Every head and
 * trailer case is also fed at every split point and byte by byte (with
 * last_len), and every chunked case in one piece, byte by byte and at
 * every split point; all must agree with the one-shot result.
 *
 * Build and run: see README.md in this directory.
 */
#ifndef SALTARE_HTTP1_TESTS_HARNESS_H
#define SALTARE_HTTP1_TESTS_HARNESS_H

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

static inline void begin(const char *name)
{
    case_name = name;
    case_ok = 1;
}

static inline void end_case(void)
{
    if (case_ok)
        tests_passed++;
    else
        tests_failed++;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const saltare_http1_limits_t LIMITS = {
    .max_head_bytes = 8192,
    .max_target_bytes = 2048,
    .max_headers = 32,
    .max_chunk_ext_bytes = 64,
    .max_trailer_bytes = 1024,
    .reserved = 0,
    .max_body_bytes = UINT64_MAX,
};

static inline saltare_http1_limits_t
limits_with(uint32_t head, uint32_t target, uint32_t headers, uint32_t ext,
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

static inline char *dup_exact(const char *s, size_t n)
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
static inline char *regrow(char *old, size_t kept, const char *in,
                           size_t n)
{
    char *p = dup_exact(in, n);
    if (kept)
        memcpy(p, old, kept);
    free(old);
    return p;
}

static inline saltare_http1_header_t *alloc_headers(uint32_t n)
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
static inline void render_headers(const char *buf,
                                  const saltare_http1_header_t *h,
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

static inline void head_run_free(head_run_t *r)
{
    free(r->headers);
    free(r->buf);
}

static inline head_run_t parse_once(const char *in, size_t len,
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
static inline int same_head_result(const head_run_t *a,
                                   const head_run_t *b)
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
static inline head_run_t parse_split(const char *in, size_t len,
                                     size_t split,
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
static inline head_run_t parse_bytewise(const char *in, size_t len,
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

static inline void check_head_fields(const head_case_t *c,
                                     const head_run_t *r)
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

static inline void run_head_case(const head_case_t *c)
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

/* ------------------------------------------------------ error coverage */

/* The test programs, for the error coverage check. */
enum {
    NO_PROGRAM,
    TEST_HEADS,
    TEST_REQUEST_LINE,
    TEST_FIELDS,
    TEST_LIMITS,
    TEST_SEMANTICS,
    TEST_TRAILERS,
    TEST_CHUNKED,
    TEST_TABLES,
    NO_PARSE_CALL, /* never returned by a parse call */
};

/* Every error code must be produced by some passing case. The cases are
 * split over several programs, so each code has a home: the program whose
 * cases produce it (other programs may produce it too). A case that expects
 * an error and gets it marks error_covered; finish() checks that every code
 * homed in the running program was marked, and test_tables.c checks that
 * every code has a home. INCOMPLETE_MESSAGE has none: the caller finds it
 * at EOF (see api.h). */
static const int error_home[SALTARE_HTTP1_E_COUNT] = {
    [E(BAD_METHOD)] = TEST_REQUEST_LINE,
    [E(BAD_TARGET)] = TEST_REQUEST_LINE,
    [E(TARGET_TOO_LONG)] = TEST_REQUEST_LINE,
    [E(BAD_VERSION)] = TEST_REQUEST_LINE,
    [E(UNSUPPORTED_VERSION)] = TEST_REQUEST_LINE,
    [E(BAD_REQUEST_LINE)] = TEST_REQUEST_LINE,
    [E(BARE_CR)] = TEST_REQUEST_LINE,
    [E(BARE_LF)] = TEST_REQUEST_LINE,
    [E(BAD_HEADER_NAME)] = TEST_FIELDS,
    [E(SPACE_BEFORE_COLON)] = TEST_FIELDS,
    [E(OBS_FOLD)] = TEST_FIELDS,
    [E(BAD_HEADER_VALUE)] = TEST_FIELDS,
    [E(HEAD_TOO_LARGE)] = TEST_LIMITS,
    [E(TOO_MANY_HEADERS)] = TEST_LIMITS,
    [E(MISSING_HOST)] = TEST_SEMANTICS,
    [E(DUPLICATE_HOST)] = TEST_SEMANTICS,
    [E(BAD_HOST)] = TEST_SEMANTICS,
    [E(BAD_CONTENT_LENGTH)] = TEST_SEMANTICS,
    [E(DUPLICATE_CONTENT_LENGTH)] = TEST_SEMANTICS,
    [E(CONTENT_LENGTH_WITH_TRANSFER_ENCODING)] = TEST_SEMANTICS,
    [E(BAD_TRANSFER_ENCODING)] = TEST_SEMANTICS,
    [E(CHUNKED_NOT_FINAL)] = TEST_SEMANTICS,
    [E(UNKNOWN_TRANSFER_CODING)] = TEST_SEMANTICS,
    [E(TRANSFER_ENCODING_HTTP10)] = TEST_SEMANTICS,
    [E(BODY_TOO_LARGE)] = TEST_LIMITS,
    [E(BAD_CHUNK_SIZE)] = TEST_CHUNKED,
    [E(CHUNK_SIZE_OVERFLOW)] = TEST_CHUNKED,
    [E(BAD_CHUNK_EXTENSION)] = TEST_CHUNKED,
    [E(CHUNK_EXTENSION_TOO_LONG)] = TEST_CHUNKED,
    [E(BAD_CHUNK_END)] = TEST_CHUNKED,
    [E(TRAILERS_TOO_LARGE)] = TEST_TRAILERS,
    [E(INCOMPLETE_MESSAGE)] = NO_PARSE_CALL,
};

/* Ends a program: checks its share of the error coverage (a failure there
 * counts as a failed test; a pass does not count, the counted case is in
 * test_tables.c), prints the final "N passed, M failed" line and returns
 * the exit status. */
static inline int finish(int program)
{
    begin("every error code homed in this program is produced by its cases");
    for (uint32_t e = 1; e < SALTARE_HTTP1_E_COUNT; e++) {
        if (error_home[e] == program)
            CHECK(error_covered[e], "no passing case produces error %u", e);
    }
    if (!case_ok)
        tests_failed++;
    printf("%d passed, %d failed\n", tests_passed, tests_failed);
    return tests_failed != 0;
}

#endif
