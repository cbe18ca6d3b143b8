/* saltare-ws: table-driven tests of the C backend (no Python).
 *
 * Every input is copied into a malloc'd buffer of its exact size, so that a
 * sanitizer build catches a read one byte past the end. Every frame case is
 * also fed at every split point, growing the buffer as a socket would; all
 * must agree with the one-shot result.
 *
 * Build and run (as ci/sanitize does):
 *   gcc -std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
 *       -I../../src/saltare_ws/_c test_ws.c ../../src/saltare_ws/_c/\*.c && ./a.out
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"

static int tests_passed;
static int tests_failed;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (cond) {                                                            \
            tests_passed++;                                                    \
        } else {                                                               \
            tests_failed++;                                                    \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                        \
            printf(__VA_ARGS__);                                               \
            printf("\n");                                                      \
        }                                                                      \
    } while (0)

static const uint8_t KEY[4] = {0x37, 0xfa, 0x21, 0x3d};

/* A masked client frame into out (which must be large enough); returns its size. */
static size_t make_frame(uint8_t *out, uint32_t b0, const uint8_t *payload, size_t n, int masked)
{
    size_t h = 0;
    out[h++] = (uint8_t)b0;
    uint8_t m = masked ? 0x80 : 0;
    if (n < 126) {
        out[h++] = (uint8_t)(m | n);
    } else if (n < 65536) {
        out[h++] = m | 126;
        out[h++] = (uint8_t)(n >> 8);
        out[h++] = (uint8_t)n;
    } else {
        out[h++] = m | 127;
        for (int i = 7; i >= 0; i--)
            out[h++] = (uint8_t)((uint64_t)n >> (8 * i));
    }
    if (masked) {
        memcpy(out + h, KEY, 4);
        h += 4;
        for (size_t i = 0; i < n; i++)
            out[h + i] = payload[i] ^ KEY[i & 3];
    } else {
        memcpy(out + h, payload, n);
    }
    return h + n;
}

typedef struct {
    size_t count, pos;
    uint32_t error;
    saltare_ws_frame_t frames[16];
} result_t;

static result_t parse_all(const uint8_t *data, size_t len, uint32_t options, uint64_t max, size_t split)
{
    result_t r;
    memset(&r, 0, sizeof r);
    saltare_ws_parser_t p;
    memset(&p, 0, sizeof p);
    p.max_message_size = max;
    p.options = options;
    /* Feed data[0, split) first, then all of it, as a growing receive buffer would. */
    size_t lens[2] = {split, len};
    for (int round = 0; round < 2; round++) {
        uint8_t *buf = malloc(lens[round] ? lens[round] : 1);
        memcpy(buf, data, lens[round]);
        /* Parsing resumes after the frames of the first round; the
         * parser struct carries the message state across calls. */
        size_t pos = r.pos;
        size_t n = saltare_ws_parse(&p, buf, lens[round], r.frames + r.count, 16 - r.count, &pos);
        r.count += n;
        r.pos = pos;
        free(buf);
        if (p.error)
            break;
    }
    r.error = p.error;
    return r;
}

static void test_frame(const char *name, const uint8_t *data, size_t len, uint32_t options, uint64_t max,
                       size_t want_count, uint32_t want_error)
{
    for (size_t split = 0; split <= len; split++) {
        result_t r = parse_all(data, len, options, max, split);
        CHECK(r.count == want_count && r.error == want_error, "%s split %zu: count %zu error %u", name, split,
              r.count, r.error);
    }
}

static void test_frames(void)
{
    uint8_t frame[300];
    uint8_t payload[200];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)('a' + i % 26);
    const uint32_t S = SALTARE_WS_O_REQUIRE_MASK;
    size_t n = make_frame(frame, 0x81, payload, 5, 1);
    test_frame("text", frame, n, S, 1000, 1, 0);
    n = make_frame(frame, 0x82, payload, 200, 1);
    test_frame("binary 16-bit length", frame, n, S, 1000, 1, 0);
    test_frame("binary over the cap", frame, n, S, 199, 0, SALTARE_WS_E_MESSAGE_TOO_BIG);
    n = make_frame(frame, 0x81, payload, 5, 0);
    test_frame("unmasked", frame, n, S, 1000, 0, SALTARE_WS_E_UNMASKED);
    n = make_frame(frame, 0xC1, payload, 5, 1);
    test_frame("rsv1 not negotiated", frame, n, S, 1000, 0, SALTARE_WS_E_RESERVED_BITS);
    test_frame("rsv1 negotiated", frame, n, S | SALTARE_WS_O_ALLOW_RSV1, 1000, 1, 0);
    n = make_frame(frame, 0x83, payload, 5, 1);
    test_frame("opcode 3", frame, n, S, 1000, 0, SALTARE_WS_E_RESERVED_OPCODE);
    n = make_frame(frame, 0x09, payload, 5, 1);
    test_frame("fragmented ping", frame, n, S, 1000, 0, SALTARE_WS_E_FRAGMENTED_CONTROL);
    n = make_frame(frame, 0x89, payload, 126, 1);
    test_frame("long ping", frame, n, S, 1000, 0, SALTARE_WS_E_CONTROL_TOO_LONG);
    n = make_frame(frame, 0x80, payload, 1, 1);
    test_frame("lone continuation", frame, n, S, 1000, 0, SALTARE_WS_E_UNEXPECTED_CONTINUATION);
    const uint8_t close1[] = {0x03};
    n = make_frame(frame, 0x88, close1, 1, 1);
    test_frame("close of one byte", frame, n, S, 1000, 0, SALTARE_WS_E_BAD_CLOSE_PAYLOAD);
    const uint8_t close1005[] = {0x03, 0xed};
    n = make_frame(frame, 0x88, close1005, 2, 1);
    test_frame("close 1005", frame, n, S, 1000, 0, SALTARE_WS_E_BAD_CLOSE_CODE);
    const uint8_t bad_utf8[] = {'o', 'k', 0xff};
    n = make_frame(frame, 0x81, bad_utf8, 3, 1);
    test_frame("invalid utf-8", frame, n, S, 1000, 0, SALTARE_WS_E_INVALID_UTF8);
    const uint8_t nonminimal[] = {0x82, 0xFE, 0x00, 0x05, 1, 2, 3, 4, 1, 2, 3, 4, 5};
    test_frame("non-minimal 16-bit", nonminimal, sizeof nonminimal, S, 1000, 0, SALTARE_WS_E_NON_MINIMAL_LENGTH);
    const uint8_t overflow[] = {0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
    test_frame("64-bit top bit", overflow, sizeof overflow, S, UINT64_MAX, 0, SALTARE_WS_E_LENGTH_OVERFLOW);

    /* A fragmented text with a ping in the middle and a character split across frames. */
    uint8_t stream[64];
    const uint8_t euro[] = {0xE2, 0x82, 0xAC};
    size_t len = make_frame(stream, 0x01, euro, 1, 1);
    len += make_frame(stream + len, 0x89, payload, 3, 1);
    len += make_frame(stream + len, 0x80, euro + 1, 2, 1);
    test_frame("fragments", stream, len, S, 1000, 3, 0);
    len = make_frame(stream, 0x01, euro, 1, 1);
    len += make_frame(stream + len, 0x81, euro, 3, 1);
    test_frame("new message inside a fragmented one", stream, len, S, 1000, 1, SALTARE_WS_E_EXPECTED_CONTINUATION);
    len = make_frame(stream, 0x02, payload, 6, 1);
    len += make_frame(stream + len, 0x80, payload, 5, 1);
    test_frame("fragments over the cap", stream, len, S, 10, 1, SALTARE_WS_E_MESSAGE_TOO_BIG);

    /* The payload is unmasked in place at the reported offset. */
    n = make_frame(frame, 0x82, payload, 200, 1);
    saltare_ws_parser_t p;
    memset(&p, 0, sizeof p);
    p.max_message_size = 1000;
    p.options = S;
    saltare_ws_frame_t out[1];
    size_t pos = 0;
    CHECK(saltare_ws_parse(&p, frame, n, out, 1, &pos) == 1 && pos == n, "one frame");
    CHECK(out[0].offset == 8 && out[0].length == 200 && !memcmp(frame + 8, payload, 200), "unmasked in place");
    CHECK(out[0].info == (0x2u | SALTARE_WS_F_FIN), "info %llu", (unsigned long long)out[0].info);

    /* feed: append then parse; refuses to copy past the buffer. */
    n = make_frame(frame, 0x82, payload, 200, 1); /* masked again: the one above was unmasked in place */
    uint8_t *room = malloc(n);
    memset(&p, 0, sizeof p);
    p.max_message_size = 1000;
    p.options = S;
    pos = 0;
    CHECK(saltare_ws_feed(&p, room, n, 0, frame, n - 1, out, 1, &pos) == 0 && pos == 0, "feed incomplete");
    CHECK(saltare_ws_feed(&p, room, n, n - 1, frame, 2, out, 1, &pos) == 0 && pos == 0, "feed past the end");
    CHECK(saltare_ws_feed(&p, room, n, n - 1, frame + n - 1, 1, out, 1, &pos) == 1 && pos == n, "feed complete");
    CHECK(!memcmp(room + 8, payload, 200), "fed and unmasked");
    free(room);
}

static void test_mask(void)
{
    uint8_t src[300], a[300], b[300];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i * 7 + 3);
    for (size_t len = 0; len <= 200; len++) {
        for (size_t phase = 0; phase < 4; phase++) {
            for (size_t off = 0; off < 3; off++) {
                saltare_ws_mask(a, src + off, len, KEY, phase);
                for (size_t i = 0; i < len; i++)
                    b[i] = src[off + i] ^ KEY[(phase + i) & 3];
                if (memcmp(a, b, len)) {
                    CHECK(0, "mask len %zu phase %zu offset %zu", len, phase, off);
                    return;
                }
            }
        }
    }
    CHECK(1, "mask");
}

static int valid(const char *s, size_t n)
{
    uint32_t state = 0;
    return saltare_ws_utf8_validate(&state, (const uint8_t *)s, n) == 0 && state == 0;
}

static void test_utf8(void)
{
#define VALID(literal) valid(literal, sizeof(literal) - 1)
    CHECK(VALID(""), "empty");
    CHECK(VALID("plain ascii text that is longer than sixteen bytes"), "ascii");
    CHECK(VALID("\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"), "edges");
    CHECK(VALID("ascii run of sixteen+ then \xc3\xa9 and more ascii after it"), "mixed");
    const char *invalid[] = {"\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x9f\xbf", "\xed\xa0\x80", "\xf0\x8f\xbf\xbf",
                             "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xc2", "\xe2\x82"};
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++)
        CHECK(!valid(invalid[i], strlen(invalid[i])), "invalid case %zu", i);
    /* Resumable at every byte. */
    const uint8_t text[] = {'a', 0xF0, 0x9F, 0x98, 0x80, 'b', 0xE2, 0x82, 0xAC};
    for (size_t cut = 0; cut <= sizeof text; cut++) {
        uint32_t state = 0;
        int ok = saltare_ws_utf8_validate(&state, text, cut) == 0 &&
                 saltare_ws_utf8_validate(&state, text + cut, sizeof text - cut) == 0 && state == 0;
        CHECK(ok, "split at %zu", cut);
    }
}

static void test_close_codes(void)
{
    const uint32_t ok[] = {1000, 1001, 1002, 1003, 1007, 1011, 1012, 1014, 3000, 4999};
    const uint32_t bad[] = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535};
    for (size_t i = 0; i < 10; i++) {
        CHECK(saltare_ws_close_code_valid(ok[i]), "%u valid", ok[i]);
        CHECK(!saltare_ws_close_code_valid(bad[i]), "%u invalid", bad[i]);
    }
}

int main(void)
{
    test_frames();
    test_mask();
    test_utf8();
    test_close_codes();
    printf("%d passed, %d failed\n", tests_passed, tests_failed);
    return tests_failed != 0;
}
