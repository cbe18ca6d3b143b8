/* saltare-h2: bounded random fuzzing of the frame scanner and the Huffman
 * decoder. Usage: fuzz_h2 SECONDS [SEED]. Each input is malloc'd at its exact
 * size; the invariants below must hold for any bytes. */
#include <time.h>

#include "harness.h"

static uint64_t rng_state;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static void fill(uint8_t *buf, size_t len)
{
    /* Biased bytes: small lengths and frame types show up often. */
    for (size_t i = 0; i < len; i++)
        buf[i] = (rng() & 3) ? (uint8_t)(rng() & 0x0F) : (uint8_t)rng();
}

static void fuzz_scan(const huffman_codes_t *codes)
{
    (void)codes;
    size_t len = rng() % 512;
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        exit(2);
    fill(buf, len);
    saltare_h2_frame_t frames[16];
    size_t consumed;
    int oversized;
    uint32_t max_size = 1 + rng() % 64;
    size_t start = len ? rng() % (len + 1) : 0;
    size_t n = saltare_h2_scan_frames(buf, len, start, max_size, frames, 16, &consumed, &oversized);
    size_t at = start;
    for (size_t i = 0; i < n; i++) {
        CHECK(frames[i].offset == at + 9 && frames[i].length <= max_size &&
                  frames[i].offset + frames[i].length <= len,
              "frame %zu in bounds", i);
        at = frames[i].offset + frames[i].length;
    }
    CHECK(consumed == at && consumed <= len, "consumed %zu", consumed);
    free(buf);
}

static void fuzz_huffman(const huffman_codes_t *codes)
{
    size_t len = rng() % 64;
    uint8_t *in = malloc(len ? len : 1);
    if (!in)
        exit(2);
    for (size_t i = 0; i < len; i++)
        in[i] = (uint8_t)rng();
    size_t cap = SALTARE_H2_HUFFMAN_MAX_OUT(len);
    uint8_t *out = malloc(cap);
    if (!out)
        exit(2);
    int64_t n = saltare_h2_huffman_decode(in, len, out, cap);
    CHECK(n == SALTARE_H2_HUFFMAN_INVALID || (n >= 0 && (size_t)n <= cap), "random string: %lld", (long long)n);
    free(out);

    /* Random plain text round-trips through the reference encoder. */
    uint8_t *encoded = malloc(len * 4 + 1);
    uint8_t *decoded = malloc(len + 1);
    if (!encoded || !decoded)
        exit(2);
    size_t elen = huffman_encode(codes, in, len, encoded);
    uint8_t *exact = exact_copy(encoded, elen);
    n = saltare_h2_huffman_decode(exact, elen, decoded, len + 1);
    CHECK(n == (int64_t)len && memcmp(decoded, in, len) == 0, "round trip of %zu bytes", len);
    free(exact);
    free(encoded);
    free(decoded);
    free(in);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SECONDS [SEED]\n", argv[0]);
        return 2;
    }
    double seconds = atof(argv[1]);
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : (uint64_t)time(NULL);
    if (!rng_state)
        rng_state = 1;
    printf("seed %llu\n", (unsigned long long)rng_state);
    huffman_codes_t codes;
    huffman_codes(&codes);
    clock_t begin = clock();
    long rounds = 0;
    while ((double)(clock() - begin) / CLOCKS_PER_SEC < seconds) {
        for (int i = 0; i < 1000; i++) {
            fuzz_scan(&codes);
            fuzz_huffman(&codes);
        }
        rounds += 1000;
    }
    printf("%ld rounds\n", rounds);
    printf("%d passed, %d failed\n", tests_passed, tests_failed);
    return tests_failed != 0;
}
