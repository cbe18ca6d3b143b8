/* Shared helpers of the standalone C harnesses (included, never compiled alone). */
#ifndef SALTARE_H2_HARNESS_H
#define SALTARE_H2_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "huffman_table.h"

static int tests_passed;
static int tests_failed;

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (cond) {                                                          \
            tests_passed++;                                                  \
        } else {                                                             \
            tests_failed++;                                                  \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                      \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
        }                                                                    \
    } while (0)

/* A copy of data in a buffer of exactly len bytes (at least one allocated),
 * so that a sanitizer build catches a read one byte past the end. */
static inline uint8_t *exact_copy(const void *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    if (!copy) {
        perror("malloc");
        exit(2);
    }
    if (len)
        memcpy(copy, data, len);
    return copy;
}

/* The RFC 7541 code of each symbol, rebuilt from the canonical table. */
typedef struct {
    uint32_t code[257];
    uint8_t length[257];
} huffman_codes_t;

static inline void huffman_codes(huffman_codes_t *codes)
{
    size_t rows = sizeof huffman_lengths / sizeof huffman_lengths[0];
    for (size_t i = 0; i < rows; i++) {
        uint32_t end_rank = 257;
        for (size_t j = i + 1; j < rows; j++) {
            if (huffman_lengths[j].limit != huffman_lengths[i].limit) {
                end_rank = huffman_lengths[j].first_rank;
                break;
            }
        }
        if (i > 0 && huffman_lengths[i].limit == huffman_lengths[i - 1].limit)
            continue; /* no code of this length */
        for (uint32_t r = huffman_lengths[i].first_rank; r < end_rank; r++) {
            uint16_t symbol = huffman_symbols[r];
            codes->code[symbol] = huffman_lengths[i].first_code + (r - huffman_lengths[i].first_rank);
            codes->length[symbol] = (uint8_t)(i + HUFFMAN_MIN_LEN);
        }
    }
}

/* Encodes in into out (capacity len * 4 + 1), padded with ones; returns the length. */
static inline size_t huffman_encode(const huffman_codes_t *codes, const uint8_t *in, size_t len, uint8_t *out)
{
    uint64_t bits = 0;
    unsigned nbits = 0;
    size_t written = 0;
    for (size_t i = 0; i < len; i++) {
        bits = bits << codes->length[in[i]] | codes->code[in[i]];
        nbits += codes->length[in[i]];
        while (nbits >= 8) {
            out[written++] = (uint8_t)(bits >> (nbits - 8));
            nbits -= 8;
        }
    }
    if (nbits)
        out[written++] = (uint8_t)(bits << (8 - nbits) | (0xFFu >> nbits));
    return written;
}

#endif
