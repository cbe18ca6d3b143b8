/* saltare-http1: tests of parse_trailers.
 *
 * Build and run: see README.md in this directory.
 */
#include "harness.h"

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
    {.name = "section ends LF LF", .in = "X: a\n\n", .ret = ERR,
     .error = E(BARE_LF)},
    {.name = "a lone bare LF", .in = "\n", .ret = ERR, .error = E(BARE_LF)},
    {.name = "section ends CRLF LF", .in = "X: a\r\n\n", .ret = ERR,
     .error = E(BARE_LF)},
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

int main(void)
{
    L_TR10 = limits_with(0, 0, UINT32_MAX, 0, 10, 0);
    L_TR1 = limits_with(0, 0, UINT32_MAX, 0, 1, 0);
    L_TR_HDRS1 = limits_with(0, 0, 1, 0, 0, 0);

    for (size_t i = 0; i < COUNT(trailer_cases); i++)
        run_trailer_case(&trailer_cases[i]);

    return finish(TEST_TRAILERS);
}
