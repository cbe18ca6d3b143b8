/* saltare-http1: tests of parse_head at and over the size limits
 * (max_head_bytes, max_headers, max_body_bytes).
 *
 * Build and run: see README.md in this directory.
 */
#include "harness.h"

static saltare_http1_limits_t L_HEAD27, L_HEAD26, L_HEAD29, L_HEAD28, L_HEAD10,
    L_HEAD15, L_HEAD16, L_HDRS2, L_HDRS0, L_BODY100;

static void init_limits(void)
{
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
};

int main(void)
{
    init_limits();
    for (size_t i = 0; i < COUNT(head_cases); i++)
        run_head_case(&head_cases[i]);

    return finish(TEST_LIMITS);
}
