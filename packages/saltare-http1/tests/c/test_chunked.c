/* saltare-http1: tests of the chunked decoder, and of a whole message
 * (head, chunked body, trailers).
 *
 * Build and run: see README.md in this directory.
 */
#include "harness.h"

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
    {.name = "leading zeros, 16 digits at most",
     .in = "0000000000000003\r\nabc\r\n000\r\n", .ret = 1, .data = "abc"},
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

int main(void)
{
    L_EXT4 = limits_with(0, 0, UINT32_MAX, 4, 0, 0);
    L_BODY10 = limits_with(0, 0, UINT32_MAX, 0, 0, 10);

    for (size_t i = 0; i < COUNT(chunk_cases); i++)
        run_chunk_case(&chunk_cases[i]);
    test_chunked_state();
    test_full_message();

    return finish(TEST_CHUNKED);
}
