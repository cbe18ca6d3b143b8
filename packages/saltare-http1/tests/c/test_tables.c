/* saltare-http1: tests of the character tables, the error statuses and
 * reasons, the API table, and that every error code is produced by some
 * case of some program (see error_home in harness.h).
 *
 * Build and run: see README.md in this directory.
 */
#include "harness.h"

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
        400, 501, 400, 413, 400, 400, 400, 400, 400, 431, 400};
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
        CHECK(error_home[e] != NO_PROGRAM,
              "error %u has no home program whose cases produce it", e);
    end_case();
}

int main(void)
{
    test_char_tables();
    test_errors_and_api();
    test_error_coverage();

    return finish(TEST_TABLES);
}
