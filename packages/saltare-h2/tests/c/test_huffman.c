/* saltare-h2: tests of the C Huffman decoder (RFC 7541 Appendix C vectors,
 * every symbol, invalid padding and EOS). Every input sits in a malloc'd
 * buffer of its exact size. Prints "N passed, M failed"; exits 1 on failure. */
#include "harness.h"

static int64_t decode(const char *hex_bytes, size_t len, uint8_t *out, size_t cap)
{
    uint8_t *in = exact_copy(hex_bytes, len);
    int64_t n = saltare_h2_huffman_decode(in, len, out, cap);
    free(in);
    return n;
}

static void expect(const char *name, const char *encoded, size_t len, const char *plain)
{
    uint8_t out[256];
    int64_t n = decode(encoded, len, out, sizeof out);
    CHECK(n == (int64_t)strlen(plain) && memcmp(out, plain, strlen(plain)) == 0,
          "%s: got %lld", name, (long long)n);
}

static void expect_invalid(const char *name, const char *encoded, size_t len)
{
    uint8_t out[256];
    CHECK(decode(encoded, len, out, sizeof out) == SALTARE_H2_HUFFMAN_INVALID, "%s", name);
}

static void rfc_vectors(void)
{
    expect("C.4.1", "\xf1\xe3\xc2\xe5\xf2\x3a\x6b\xa0\xab\x90\xf4\xff", 12, "www.example.com");
    expect("C.4.2", "\xa8\xeb\x10\x64\x9c\xbf", 6, "no-cache");
    expect("C.4.3 name", "\x25\xa8\x49\xe9\x5b\xa9\x7d\x7f", 8, "custom-key");
    expect("C.4.3 value", "\x25\xa8\x49\xe9\x5b\xb8\xe8\xb4\xbf", 9, "custom-value");
    expect("C.6.1 302", "\x64\x02", 2, "302");
    expect("C.6.1 private", "\xae\xc3\x77\x1a\x4b", 5, "private");
    expect("C.6.1 date",
           "\xd0\x7a\xbe\x94\x10\x54\xd4\x44\xa8\x20\x05\x95\x04\x0b\x81\x66\xe0\x82\xa6\x2d\x1b\xff",
           22, "Mon, 21 Oct 2013 20:13:21 GMT");
    expect("C.6.1 location",
           "\x9d\x29\xad\x17\x18\x63\xc7\x8f\x0b\x97\xc8\xe9\xae\x82\xae\x43\xd3", 17,
           "https://www.example.com");
    expect("empty", "", 0, "");
}

static void invalid_strings(void)
{
    /* "no-cache" with its last byte's padding bit cleared: padding not all ones. */
    expect_invalid("padding with a zero", "\xa8\xeb\x10\x64\x9c\xbe", 6);
    /* A whole byte of ones after complete symbols: padding longer than 7 bits. */
    expect_invalid("padding of 8 bits", "\xa8\xeb\x10\x64\x9c\xbf\xff", 7);
    expect_invalid("only padding", "\xff", 1);
    /* EOS (30 ones) then two ones of padding: EOS inside the string. */
    expect_invalid("EOS", "\xff\xff\xff\xff", 4);
    /* 'a' (00011) then the first 3 bits of a 5-bit code (zeros). */
    expect_invalid("truncated symbol", "\x18", 1);
}

static void every_symbol(void)
{
    huffman_codes_t codes;
    huffman_codes(&codes);
    CHECK(codes.length[256] == 30 && codes.code[256] == 0x3fffffffu, "EOS code rebuilt");
    CHECK(codes.length['a'] == 5 && codes.code['a'] == 0x3, "'a' code rebuilt");
    uint8_t plain[256], encoded[256 * 4 + 1], out[SALTARE_H2_HUFFMAN_MAX_OUT(sizeof encoded)];
    for (int i = 0; i < 256; i++)
        plain[i] = (uint8_t)i;
    size_t len = huffman_encode(&codes, plain, sizeof plain, encoded);
    int64_t n = decode((const char *)encoded, len, out, sizeof out);
    CHECK(n == 256 && memcmp(out, plain, 256) == 0, "all 256 symbols round-trip: %lld", (long long)n);
    for (int i = 0; i < 256; i++) {
        uint8_t one = (uint8_t)i;
        len = huffman_encode(&codes, &one, 1, encoded);
        n = decode((const char *)encoded, len, out, sizeof out);
        CHECK(n == 1 && out[0] == one, "symbol %d alone", i);
    }
}

static void no_room(void)
{
    uint8_t out[4];
    CHECK(decode("\xf1\xe3\xc2\xe5\xf2\x3a\x6b\xa0\xab\x90\xf4\xff", 12, out, sizeof out) ==
              SALTARE_H2_HUFFMAN_NO_ROOM, "output larger than out_cap");
}

int main(void)
{
    rfc_vectors();
    invalid_strings();
    every_symbol();
    no_room();
    printf("%d passed, %d failed\n", tests_passed, tests_failed);
    return tests_failed != 0;
}
