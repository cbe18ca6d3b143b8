/* saltare-http1: tests of parse_head on whole heads: valid and incomplete
 * heads, exact offsets, incremental parsing.
 *
 * Build and run: see README.md in this directory.
 */
#include "harness.h"

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
    /* An origin server takes http and https URIs with a host (RULES.md). */
    {.name = "absolute-form without //",
     .in = "GET urn:a:b/c?d HTTP/1.1\r\n" H "\r\n", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "absolute-form of another scheme",
     .in = "GET Ab+1-.:x HTTP/1.1\r\n" H "\r\n", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "absolute-form: // only",
     .in = "GET http:// HTTP/1.1\r\n" H "\r\n", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "absolute-form: userinfo",
     .in = "GET http://u@h/ HTTP/1.1\r\n" H "\r\n", .ret = ERR,
     .error = E(BAD_TARGET)},
    {.name = "absolute-form: scheme in capitals, a port",
     .in = "GET HTTPS://h:8443/p?q HTTP/1.1\r\n" H "\r\n", .ret = ALL,
     .path = "/p", .query = "q", .minor = 1, .flags = KA},
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

int main(void)
{
    for (size_t i = 0; i < COUNT(head_cases); i++)
        run_head_case(&head_cases[i]);
    test_head_offsets();
    test_head_incremental();

    return finish(TEST_HEADS);
}
