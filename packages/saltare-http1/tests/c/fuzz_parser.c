/* saltare-http1: a bounded mutation fuzzer for the C backend (gcc only, no
 * libFuzzer).
 *
 *     fuzz_parser SECONDS [SEED]
 *
 * Mutates a built-in corpus of valid requests, chunked bodies and trailer
 * sections (fuzz_corpus.h: corpus, mutators, random limits), and runs
 * parse_head, decode_chunked and parse_trailers on each result, whole and
 * split at random points, checking invariants (see check_head,
 * check_chunked, check_trailers). Every input is malloc'd at
 * its exact size so that AddressSanitizer catches a one-byte over-read.
 * Prints the iterations done; exits 0 when the time is up with no failure,
 * 1 on the first failure (after printing the input and the seed).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "fuzz_corpus.h"

#define ERR SALTARE_HTTP1_ERROR
#define INC SALTARE_HTTP1_INCOMPLETE
#define ALL_FLAGS                                                            \
    (SALTARE_HTTP1_F_KEEP_ALIVE | SALTARE_HTTP1_F_EXPECT_CONTINUE |          \
     SALTARE_HTTP1_F_CHUNKED | SALTARE_HTTP1_F_CONTENT_LENGTH |              \
     SALTARE_HTTP1_F_UPGRADE)

/* ------------------------------------------------------------- support */

typedef struct {
    uint64_t seed;
    uint64_t iteration;
    const char *what;
    const unsigned char *input;
    size_t len;
    saltare_http1_limits_t limits;
} context_t;

static context_t ctx;

static void dump_input(void)
{
    fprintf(stderr, "input (%zu bytes): \"", ctx.len);
    for (size_t i = 0; i < ctx.len; i++) {
        unsigned char c = ctx.input[i];
        if (c == '\r')
            fputs("\\r", stderr);
        else if (c == '\n')
            fputs("\\n", stderr);
        else if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c >= 0x20 && c < 0x7F)
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02x\"\"", c);
    }
    const saltare_http1_limits_t *l = &ctx.limits;
    fprintf(stderr,
            "\"\nlimits: head %u target %u headers %u ext %u trailer %u "
            "body %" PRIu64 "\n",
            l->max_head_bytes, l->max_target_bytes, l->max_headers,
            l->max_chunk_ext_bytes, l->max_trailer_bytes, l->max_body_bytes);
}

#define REQUIRE(cond, ...)                                                   \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "FAILED (%s, seed %" PRIu64                      \
                            ", iteration %" PRIu64 "): %s:%d: ",             \
                    ctx.what, ctx.seed, ctx.iteration, __FILE__, __LINE__);  \
            fprintf(stderr, __VA_ARGS__);                                    \
            fprintf(stderr, "\n");                                           \
            dump_input();                                                    \
            exit(1);                                                         \
        }                                                                    \
    } while (0)

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL) {
        perror("malloc");
        exit(2);
    }
    return p;
}

static char *dup_exact(const unsigned char *s, size_t n)
{
    char *p = xmalloc(n);
    if (n)
        memcpy(p, s, n);
    return p;
}

/* A fresh exact buffer of n bytes: `kept` bytes from `old` (as an earlier
 * call left them), the rest from `in`. Frees `old`. */
static char *regrow(char *old, size_t kept, const unsigned char *in, size_t n)
{
    char *p = dup_exact(in, n);
    if (kept)
        memcpy(p, old, kept);
    free(old);
    return p;
}

static saltare_http1_header_t *alloc_headers(uint32_t n)
{
    return n ? xmalloc(n * sizeof(saltare_http1_header_t)) : NULL;
}

/* Sorted distinct cut points in 1..len-1 (at most `max`). */
static size_t random_cuts(rng_t *r, size_t len, size_t *cuts, size_t max)
{
    if (len < 2)
        return 0;
    size_t n = 1 + below(r, max);
    for (size_t i = 0; i < n; i++)
        cuts[i] = 1 + below(r, len - 1);
    for (size_t i = 1; i < n; i++) { /* insertion sort */
        size_t v = cuts[i], j = i;
        for (; j > 0 && cuts[j - 1] > v; j--)
            cuts[j] = cuts[j - 1];
        cuts[j] = v;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k == 0 || cuts[k - 1] != cuts[i])
            cuts[k++] = cuts[i];
    }
    return k;
}

static void require_error_code(uint32_t e)
{
    REQUIRE(e > SALTARE_HTTP1_E_OK && e < SALTARE_HTTP1_E_COUNT,
            "error code %u out of range", e);
    REQUIRE(saltare_http1_error_status(e) >= 400 &&
                saltare_http1_error_reason(e) != NULL,
            "no status/reason for %u", e);
}

/* --------------------------------------------------------------- heads */

typedef struct {
    int ret;
    saltare_http1_head_t head;
    saltare_http1_header_t *headers;
    char *buf;
} head_run_t;

static void head_free(head_run_t *r)
{
    free(r->buf);
    free(r->headers);
}

static int same_head(const head_run_t *a, const head_run_t *b)
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

static void require_within(uint32_t off, uint32_t len, uint32_t lo,
                           uint32_t hi, const char *what)
{
    REQUIRE(off >= lo && (uint64_t)off + len <= hi,
            "%s [%u, +%u) outside [%u, %u)", what, off, len, lo, hi);
}

static void check_head_result(const head_run_t *r, size_t len)
{
    const saltare_http1_limits_t *l = &ctx.limits;
    const saltare_http1_head_t *h = &r->head;
    REQUIRE(r->ret == ERR || r->ret == INC || r->ret > 0, "ret %d", r->ret);
    if (r->ret == ERR) {
        require_error_code(h->error);
        return;
    }
    REQUIRE(h->error == SALTARE_HTTP1_E_OK, "error %u with ret %d", h->error,
            r->ret);
    if (r->ret == INC) {
        REQUIRE(len < l->max_head_bytes, "INCOMPLETE at %zu >= limit", len);
        return;
    }
    uint32_t hl = (uint32_t)r->ret;
    REQUIRE(hl <= len && hl <= l->max_head_bytes && h->head_len == hl,
            "head_len %u", hl);
    REQUIRE(hl >= 4 && memcmp(r->buf + hl - 4, "\r\n\r\n", 4) == 0,
            "head does not end in CRLF CRLF");
    require_within(h->method_off, h->method_len, 0, hl, "method");
    require_within(h->target_off, h->target_len, 0, hl, "target");
    REQUIRE(h->method_len > 0 && h->target_len > 0 &&
                h->target_len <= l->max_target_bytes,
            "empty method/target or target too long");
    uint32_t t_end = h->target_off + h->target_len;
    require_within(h->path_off, h->path_len, h->target_off, t_end, "path");
    require_within(h->query_off, h->query_len, h->target_off, t_end, "query");
    REQUIRE(h->http_minor <= 1, "http_minor %u", h->http_minor);
    REQUIRE((h->flags & ~ALL_FLAGS) == 0, "flags 0x%x", h->flags);
    REQUIRE((h->flags & SALTARE_HTTP1_F_CHUNKED) == 0 ||
                (h->flags & SALTARE_HTTP1_F_CONTENT_LENGTH) == 0,
            "both framings");
    REQUIRE(!(h->flags & SALTARE_HTTP1_F_CONTENT_LENGTH) ||
                h->content_length <= l->max_body_bytes,
            "content_length over the limit");
    REQUIRE(h->num_headers <= l->max_headers, "num_headers %u",
            h->num_headers);
    for (uint32_t i = 0; i < h->num_headers; i++) {
        const saltare_http1_header_t *f = &r->headers[i];
        require_within(f->name_off, f->name_len, t_end, hl, "name");
        require_within(f->value_off, f->value_len, t_end, hl, "value");
        REQUIRE(f->name_len > 0, "empty name");
        for (uint32_t k = 0; k < f->name_len; k++) {
            char c = r->buf[f->name_off + k];
            REQUIRE(!(c >= 'A' && c <= 'Z'), "name not lower-cased");
        }
    }
}

static head_run_t head_once(const unsigned char *in, size_t len)
{
    head_run_t r;
    r.buf = dup_exact(in, len);
    r.headers = alloc_headers(ctx.limits.max_headers);
    r.ret = saltare_http1_parse_head(r.buf, len, 0, &ctx.limits, &r.head,
                                     r.headers);
    return r;
}

/* Feeds growing prefixes ending at cuts[] then the whole input, with
 * last_len, stopping at the first result other than INCOMPLETE. */
static head_run_t head_pieces(const unsigned char *in, size_t len,
                              const size_t *cuts, size_t ncuts)
{
    head_run_t r;
    size_t seen = ncuts ? cuts[0] : len;
    r.buf = dup_exact(in, seen);
    r.headers = alloc_headers(ctx.limits.max_headers);
    r.ret = saltare_http1_parse_head(r.buf, seen, 0, &ctx.limits, &r.head,
                                     r.headers);
    for (size_t i = 1; i <= ncuts && r.ret == INC; i++) {
        size_t n = i < ncuts ? cuts[i] : len;
        r.buf = regrow(r.buf, seen, in, n);
        r.ret = saltare_http1_parse_head(r.buf, n, seen, &ctx.limits,
                                         &r.head, r.headers);
        seen = n;
    }
    return r;
}

static void check_chunked(rng_t *rng, const unsigned char *in, size_t len);

static void check_head(rng_t *rng, const unsigned char *in, size_t len)
{
    ctx.what = "parse_head";
    head_run_t once = head_once(in, len);
    check_head_result(&once, len);

    /* Parsing the buffer it left (names lower-cased) changes nothing. */
    head_run_t again;
    again.headers = alloc_headers(ctx.limits.max_headers);
    again.buf = dup_exact((const unsigned char *)once.buf, len);
    again.ret = saltare_http1_parse_head(again.buf, len, 0, &ctx.limits,
                                         &again.head, again.headers);
    REQUIRE(same_head(&again, &once), "second parse differs: %d vs %d",
            again.ret, once.ret);
    head_free(&again);

    /* A prefix gives INCOMPLETE or the same result. */
    size_t s = below(rng, len + 1);
    head_run_t prefix = head_once(in, s);
    REQUIRE(prefix.ret == INC || same_head(&prefix, &once),
            "prefix of %zu gives %d (error %u), whole gives %d (error %u)", s,
            prefix.ret, prefix.head.error, once.ret, once.head.error);
    head_free(&prefix);

    /* Split feeding gives the same result. */
    size_t cuts[8];
    for (int round = 0; round < 3; round++) {
        size_t ncuts = random_cuts(rng, len, cuts, round == 0 ? 1 : 8);
        head_run_t split = head_pieces(in, len, cuts, ncuts);
        REQUIRE(same_head(&split, &once),
                "split (%zu cuts, first %zu) gives %d (error %u), whole "
                "gives %d (error %u)",
                ncuts, ncuts ? cuts[0] : 0, split.ret, split.head.error,
                once.ret, once.head.error);
        head_free(&split);
    }

    /* Follow a chunked request into its body. */
    if (once.ret > 0 && (once.head.flags & SALTARE_HTTP1_F_CHUNKED))
        check_chunked(rng, in + once.ret, len - (size_t)once.ret);
    head_free(&once);
}

/* ------------------------------------------------------------ trailers */

typedef struct {
    int ret;
    uint32_t num, error;
    saltare_http1_header_t *headers;
    char *buf;
} trailer_run_t;

static int same_trailers(const trailer_run_t *a, const trailer_run_t *b)
{
    if (a->ret != b->ret || a->num != b->num || a->error != b->error)
        return 0;
    if (a->ret <= 0)
        return 1;
    if (a->num && memcmp(a->headers, b->headers, a->num * sizeof *a->headers))
        return 0;
    return memcmp(a->buf, b->buf, (size_t)a->ret) == 0;
}

static trailer_run_t trailers_pieces(const unsigned char *in, size_t len,
                                     const size_t *cuts, size_t ncuts)
{
    trailer_run_t r;
    size_t seen = ncuts ? cuts[0] : len;
    r.buf = dup_exact(in, seen);
    r.headers = alloc_headers(ctx.limits.max_headers);
    r.ret = saltare_http1_parse_trailers(r.buf, seen, 0, &ctx.limits,
                                         r.headers, &r.num, &r.error);
    for (size_t i = 1; i <= ncuts && r.ret == INC; i++) {
        size_t n = i < ncuts ? cuts[i] : len;
        r.buf = regrow(r.buf, seen, in, n);
        r.ret = saltare_http1_parse_trailers(r.buf, n, seen, &ctx.limits,
                                             r.headers, &r.num, &r.error);
        seen = n;
    }
    return r;
}

static void check_trailers(rng_t *rng, const unsigned char *in, size_t len)
{
    const saltare_http1_limits_t *l = &ctx.limits;
    ctx.what = "parse_trailers";
    trailer_run_t once = trailers_pieces(in, len, NULL, 0);
    REQUIRE(once.ret == ERR || once.ret == INC || once.ret >= 2, "ret %d",
            once.ret);
    if (once.ret == ERR) {
        require_error_code(once.error);
        REQUIRE(once.num == 0, "headers with an error");
    } else {
        REQUIRE(once.error == SALTARE_HTTP1_E_OK, "error %u", once.error);
    }
    if (once.ret == INC)
        REQUIRE(len < l->max_trailer_bytes, "INCOMPLETE at the limit");
    if (once.ret > 0) {
        uint32_t tl = (uint32_t)once.ret;
        REQUIRE(tl <= len && tl <= l->max_trailer_bytes, "length %u", tl);
        REQUIRE(memcmp(once.buf + tl - 2, "\r\n", 2) == 0, "no final CRLF");
        REQUIRE(once.num <= l->max_headers, "num %u", once.num);
        for (uint32_t i = 0; i < once.num; i++) {
            require_within(once.headers[i].name_off, once.headers[i].name_len,
                           0, tl, "trailer name");
            require_within(once.headers[i].value_off,
                           once.headers[i].value_len, 0, tl, "trailer value");
        }
    }
    size_t cuts[8];
    for (int round = 0; round < 2; round++) {
        size_t ncuts = random_cuts(rng, len, cuts, round == 0 ? 1 : 8);
        trailer_run_t split = trailers_pieces(in, len, cuts, ncuts);
        REQUIRE(same_trailers(&split, &once),
                "split gives %d (error %u), whole gives %d (error %u)",
                split.ret, split.error, once.ret, once.error);
        free(split.buf);
        free(split.headers);
    }
    free(once.buf);
    free(once.headers);
}

/* ------------------------------------------------------------- chunked */

typedef struct {
    int ret;
    saltare_http1_chunked_t dec;
    unsigned char data[MAX_INPUT];
    size_t data_len;
    size_t consumed; /* over all pieces */
} chunk_run_t;

/* Decodes in[0..len) in pieces ending at the cut points, checking each
 * call's own invariants. */
static void chunk_pieces(const unsigned char *in, size_t len,
                         const size_t *cuts, size_t ncuts, chunk_run_t *r)
{
    saltare_http1_chunked_init(&r->dec);
    r->data_len = 0;
    r->consumed = 0;
    r->ret = 0;
    size_t start = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t stop = i < ncuts ? cuts[i] : len;
        size_t n = stop - start;
        char *piece = dup_exact(in + start, n);
        size_t used = SIZE_MAX, out = SIZE_MAX;
        r->ret = saltare_http1_decode_chunked(&r->dec, piece, n, &ctx.limits,
                                              &used, &out);
        REQUIRE(r->ret == 0 || r->ret == 1 || r->ret == ERR, "ret %d",
                r->ret);
        REQUIRE(out <= used && used <= n, "data %zu, consumed %zu, len %zu",
                out, used, n);
        if (r->ret == ERR)
            require_error_code(r->dec.error);
        else
            REQUIRE(r->dec.error == SALTARE_HTTP1_E_OK, "error %u",
                    r->dec.error);
        if (r->ret == 0)
            REQUIRE(used == n, "0 returned with %zu of %zu consumed", used, n);
        REQUIRE(r->dec.body_total <= ctx.limits.max_body_bytes,
                "body_total over the limit");
        memcpy(r->data + r->data_len, piece, out);
        r->data_len += out;
        r->consumed += used;
        free(piece);
        start = stop;
        if (r->ret != 0)
            break;
    }
}

static int same_chunks(const chunk_run_t *a, const chunk_run_t *b)
{
    return a->ret == b->ret &&
           memcmp(&a->dec, &b->dec, sizeof a->dec) == 0 &&
           a->data_len == b->data_len && a->consumed == b->consumed &&
           memcmp(a->data, b->data, a->data_len) == 0;
}

static void check_chunked(rng_t *rng, const unsigned char *in, size_t len)
{
    ctx.what = "decode_chunked";
    chunk_run_t *once = xmalloc(sizeof *once);
    chunk_run_t *split = xmalloc(sizeof *split);
    chunk_pieces(in, len, NULL, 0, once);

    size_t cuts[MAX_INPUT];
    size_t ncuts = 0;
    for (size_t s = 1; s < len; s++) /* byte by byte */
        cuts[ncuts++] = s;
    chunk_pieces(in, len, cuts, ncuts, split);
    REQUIRE(same_chunks(split, once), "byte by byte gives %d (error %u)",
            split->ret, split->dec.error);
    for (int round = 0; round < 2; round++) {
        ncuts = random_cuts(rng, len, cuts, round == 0 ? 1 : 8);
        chunk_pieces(in, len, cuts, ncuts, split);
        REQUIRE(same_chunks(split, once), "split gives %d (error %u)",
                split->ret, split->dec.error);
    }
    /* Follow the last chunk into the trailer section. */
    if (once->ret == 1)
        check_trailers(rng, in + once->consumed, len - once->consumed);
    free(once);
    free(split);
}

static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC); /* C11; no POSIX clock needed */
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s SECONDS [SEED]\n", argv[0]);
        return 2;
    }
    double seconds = strtod(argv[1], NULL);
    uint64_t seed = argc == 3 ? strtoull(argv[2], NULL, 0)
                              : (uint64_t)time(NULL);
    rng_t rng = {seed ? seed : 1};
    ctx.seed = seed;
    printf("seed %" PRIu64 "\n", seed);
    fflush(stdout);

    static unsigned char work[MAX_INPUT];
    double deadline = now() + seconds;
    uint64_t it = 0;
    for (; (it & 255) != 0 || now() < deadline; it++) {
        const char *base = corpus[below(&rng, sizeof corpus / sizeof *corpus)];
        size_t len = strlen(base);
        memcpy(work, base, len);
        size_t mutations = below(&rng, 5); /* 0: the valid input itself */
        for (size_t m = 0; m < mutations; m++)
            len = mutate(&rng, work, len);

        unsigned char *input = (unsigned char *)dup_exact(work, len);
        ctx.iteration = it;
        ctx.input = input;
        ctx.len = len;
        ctx.limits = random_limits(&rng);
        check_head(&rng, input, len);
        check_chunked(&rng, input, len);
        check_trailers(&rng, input, len);
        free(input);
    }
    printf("%" PRIu64 " iterations, 0 failures\n", it);
    return 0;
}
