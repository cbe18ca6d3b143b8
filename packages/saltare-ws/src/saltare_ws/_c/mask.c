/* XOR masking, a machine word (or an SSE2 register) at a time. */
#include <string.h>

#include "ws.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

void saltare_ws_mask(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t key[4], size_t phase)
{
    /* The key rotated so that byte 0 of every 4-byte group lines up with phase. */
    uint8_t rotated[8];
    for (size_t i = 0; i < 8; i++)
        rotated[i] = key[(phase + i) & 3];
    uint64_t key64;
    memcpy(&key64, rotated, 8);
    size_t i = 0;
#if defined(__SSE2__)
    __m128i key128 = _mm_set1_epi64x((long long)key64);
    for (; i + 64 <= len; i += 64) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(src + i + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(src + i + 32));
        __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(src + i + 48));
        _mm_storeu_si128((__m128i *)(void *)(dst + i), _mm_xor_si128(a, key128));
        _mm_storeu_si128((__m128i *)(void *)(dst + i + 16), _mm_xor_si128(b, key128));
        _mm_storeu_si128((__m128i *)(void *)(dst + i + 32), _mm_xor_si128(c, key128));
        _mm_storeu_si128((__m128i *)(void *)(dst + i + 48), _mm_xor_si128(d, key128));
    }
    for (; i + 16 <= len; i += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(src + i));
        _mm_storeu_si128((__m128i *)(void *)(dst + i), _mm_xor_si128(a, key128));
    }
#endif
    for (; i + 8 <= len; i += 8) {
        uint64_t word;
        memcpy(&word, src + i, 8); /* unaligned-safe; compiles to one load */
        word ^= key64;
        memcpy(dst + i, &word, 8);
    }
    for (; i < len; i++)
        dst[i] = src[i] ^ rotated[i & 7];
}
