/* saltare-ws: fuzz the frame parser and the UTF-8 validator with random and
 * mutated frames for SECONDS seconds (bounded), each input malloc'd at its
 * exact size. Checks invariants, not outputs: frames lie inside the buffer,
 * in order, and parsing at a split point agrees with parsing whole.
 *
 * Usage: fuzz_parse SECONDS [SEED]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ws.h"

#define MAX_INPUT 4096
#define MAX_FRAMES 64

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static size_t make_input(uint8_t *out)
{
    size_t len = 0;
    int frames = (int)(rnd() % 6);
    for (int f = 0; f < frames && len + 140 < MAX_INPUT; f++) {
        static const uint8_t ops[] = {0, 1, 2, 8, 9, 10, 3, 0xB};
        uint32_t b0 = ops[rnd() % 8] | (rnd() % 4 ? 0x80u : 0) | (rnd() % 8 == 0 ? (rnd() % 8) << 4 : 0);
        size_t n = rnd() % 130;
        out[len++] = (uint8_t)b0;
        out[len++] = (uint8_t)((rnd() % 16 ? 0x80 : 0) | (n < 126 ? n : 126));
        if (n >= 126) {
            out[len++] = 0;
            out[len++] = (uint8_t)n;
        }
        for (int i = 0; i < 4; i++)
            out[len++] = (uint8_t)rnd();
        for (size_t i = 0; i < n; i++)
            out[len++] = (uint8_t)(rnd() % 3 ? 'a' + rnd() % 26 : rnd());
    }
    /* Mutate a few bytes, sometimes into long-length headers. */
    int flips = (int)(rnd() % 4);
    for (int i = 0; i < flips && len; i++)
        out[rnd() % len] = (uint8_t)rnd();
    return len;
}

static int run_one(const uint8_t *input, size_t len, size_t split, uint32_t options)
{
    uint8_t *whole = malloc(len ? len : 1);
    uint8_t *pieces = malloc(len ? len : 1);
    memcpy(whole, input, len);
    memcpy(pieces, input, len);
    saltare_ws_parser_t a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.max_message_size = b.max_message_size = 200;
    a.options = b.options = options;
    saltare_ws_frame_t fa[MAX_FRAMES], fb[MAX_FRAMES];
    size_t pa = 0, pb = 0;
    size_t na = saltare_ws_parse(&a, whole, len, fa, MAX_FRAMES, &pa);
    size_t nb = saltare_ws_parse(&b, pieces, split, fb, MAX_FRAMES, &pb);
    if (!b.error)
        nb += saltare_ws_parse(&b, pieces, len, fb + nb, MAX_FRAMES - nb, &pb);
    int ok = pa <= len && na == nb && pa == pb && a.error == b.error;
    size_t prev_end = 0;
    for (size_t i = 0; ok && i < na; i++) {
        ok = fa[i].offset >= prev_end && fa[i].offset + fa[i].length <= len && fa[i].offset == fb[i].offset &&
             fa[i].length == fb[i].length && fa[i].info == fb[i].info &&
             !memcmp(whole + fa[i].offset, pieces + fb[i].offset, (size_t)fa[i].length);
        prev_end = (size_t)(fa[i].offset + fa[i].length);
    }
    /* The validator on raw input, resumed at the split, agrees with one pass. */
    uint32_t s1 = 0, s2 = 0;
    int r1 = saltare_ws_utf8_validate(&s1, input, len);
    int r2 = saltare_ws_utf8_validate(&s2, input, split);
    if (r2 == 0)
        r2 = saltare_ws_utf8_validate(&s2, input + split, len - split);
    ok = ok && r1 == r2 && (r1 < 0 || s1 == s2);
    free(whole);
    free(pieces);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SECONDS [SEED]\n", argv[0]);
        return 2;
    }
    double seconds = atof(argv[1]);
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 10) : (uint64_t)time(NULL);
    printf("seed %llu\n", (unsigned long long)rng_state);
    static uint8_t buffer[MAX_INPUT];
    clock_t start = clock();
    long runs = 0, failures = 0;
    while ((double)(clock() - start) / CLOCKS_PER_SEC < seconds) {
        for (int batch = 0; batch < 256; batch++) {
            size_t len = make_input(buffer);
            uint8_t *input = malloc(len ? len : 1); /* exact size: over-reads are caught */
            memcpy(input, buffer, len);
            size_t split = len ? rnd() % (len + 1) : 0;
            uint32_t options = SALTARE_WS_O_REQUIRE_MASK | (rnd() % 2 ? SALTARE_WS_O_ALLOW_RSV1 : 0);
            if (!run_one(input, len, split, options)) {
                failures++;
                printf("FAIL input of %zu bytes, split %zu\n", len, split);
            }
            free(input);
            runs++;
        }
    }
    printf("%ld passed, %ld failed\n", runs - failures, failures);
    return failures != 0;
}
