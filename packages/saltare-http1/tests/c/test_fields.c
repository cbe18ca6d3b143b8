/* saltare-http1: tests of parse_head on field-line errors.
 *
 * Build and run: see README.md in this directory.
 */
#include "harness.h"

static const head_case_t head_cases[] = {
    /* Field line errors, reported once the head is complete. */
    {.name = "bare CR in a value", .in = GET11 "Host: a\rb\r\n\r\n", .ret = ERR,
     .error = E(BARE_CR)},
    {.name = "bare LF ending a field line",
     .in = GET11 "Host: a\nX: b\r\n\r\n", .ret = ERR, .error = E(BARE_LF)},
    {.name = "bare LF as blank line", .in = GET11 H "\n\r\n\r\n", .ret = ERR,
     .error = E(BARE_LF)},
    /* A head ending in a bare LF is complete: refused at once. */
    {.name = "head ends LF LF", .in = GET11 H "\n", .ret = ERR,
     .error = E(BARE_LF)},
    {.name = "bare-LF field lines, then LF", .in = GET11 "Host: a\nX: b\n\n",
     .ret = ERR, .error = E(BARE_LF)},
    {.name = "bare-LF field line, then CRLF", .in = GET11 "Host: a\n\r\n",
     .ret = ERR, .error = E(BARE_LF)},
    {.name = "no fields, then LF", .in = GET11 "\n", .ret = ERR,
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
};

int main(void)
{
    for (size_t i = 0; i < COUNT(head_cases); i++)
        run_head_case(&head_cases[i]);

    return finish(TEST_FIELDS);
}
