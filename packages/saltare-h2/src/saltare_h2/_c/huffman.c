/* HPACK Huffman decoding (RFC 7541 §5.2, Appendix B).
 *
 * The code is canonical, so each symbol is found by comparing the next 32
 * bits against one bound per code length (shortest first: the common
 * symbols have 5 to 8 bits) instead of walking a tree or a state table. */
#include "api.h"
#include "huffman_table.h"

#define EOS 256

int64_t saltare_h2_huffman_decode(const uint8_t *in, size_t len, uint8_t *out,
                                  size_t out_cap)
{
    uint64_t bits = 0; /* the unread bits, left-justified */
    unsigned nbits = 0;
    size_t next = 0;
    size_t written = 0;
    for (;;) {
        while (nbits <= 56 && next < len) {
            bits |= (uint64_t)in[next++] << (56 - nbits);
            nbits += 8;
        }
        if (nbits == 0)
            break;
        uint64_t window = bits >> 32;
        unsigned index = 0;
        while (window >= huffman_lengths[index].limit)
            index++; /* ends: the 30-bit bound is 2^32 */
        unsigned code_len = index + HUFFMAN_MIN_LEN;
        if (code_len > nbits) {
            /* The end: at most 7 bits of padding, all ones (the EOS prefix). */
            uint64_t ones = ~(uint64_t)0 << (64 - nbits);
            if (nbits > 7 || (bits & ones) != ones)
                return SALTARE_H2_HUFFMAN_INVALID;
            break;
        }
        uint32_t code = (uint32_t)(window >> (32 - code_len));
        uint32_t rank = huffman_lengths[index].first_rank +
                        (code - huffman_lengths[index].first_code);
        uint16_t symbol = huffman_symbols[rank];
        if (symbol == EOS)
            return SALTARE_H2_HUFFMAN_INVALID;
        if (written == out_cap)
            return SALTARE_H2_HUFFMAN_NO_ROOM;
        out[written++] = (uint8_t)symbol;
        bits <<= code_len;
        nbits -= code_len;
    }
    return (int64_t)written;
}
