/* Incremental UTF-8 validation (RFC 3629 §4: no overlongs, no surrogates,
 * nothing above U+10FFFF), resumable at any byte.
 *
 * The state packs what the next byte must be: bits 0-7 the continuation
 * bytes still expected, bits 8-15 / 16-23 the range allowed for the next
 * one (narrower than 80..BF only right after E0, ED, F0 and F4). */
#include <string.h>

#include "ws.h"

#define ASCII_MASK 0x8080808080808080ull

int saltare_ws_utf8_validate(uint32_t *state, const uint8_t *s, size_t n)
{
    uint32_t need = *state & 0xffu;
    uint32_t lo = (*state >> 8) & 0xffu;
    uint32_t hi = (*state >> 16) & 0xffu;
    size_t i = 0;
    while (i < n) {
        if (need) {
            uint32_t b = s[i++];
            if (b < lo || b > hi)
                return -1;
            need--;
            lo = 0x80;
            hi = 0xBF;
            continue;
        }
        /* Between characters: skip ASCII 16 bytes at a time. */
        while (i + 16 <= n) {
            uint64_t a, b;
            memcpy(&a, s + i, 8);
            memcpy(&b, s + i + 8, 8);
            if ((a | b) & ASCII_MASK)
                break;
            i += 16;
        }
        while (i < n && s[i] < 0x80)
            i++;
        if (i == n)
            break;
        uint32_t b = s[i++];
        if (b < 0xC2 || b > 0xF4)
            return -1; /* a continuation byte, an overlong 2-byte lead, or beyond U+10FFFF */
        if (b < 0xE0) {
            need = 1;
        } else if (b < 0xF0) {
            need = 2;
            lo = b == 0xE0 ? 0xA0 : 0x80; /* E0 80..9F would be overlong */
            hi = b == 0xED ? 0x9F : 0xBF; /* ED A0..BF would be a surrogate */
            continue;
        } else {
            need = 3;
            lo = b == 0xF0 ? 0x90 : 0x80; /* F0 80..8F would be overlong */
            hi = b == 0xF4 ? 0x8F : 0xBF; /* F4 90.. would be above U+10FFFF */
            continue;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    *state = need ? (need | lo << 8 | hi << 16) : 0;
    return 0;
}
