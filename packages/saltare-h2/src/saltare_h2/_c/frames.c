/* Frame-header scanning (RFC 9113 §4.1): one call finds every complete frame
 * of a received burst, so Python crosses into C once per read, not per frame. */
#include "api.h"

size_t saltare_h2_scan_frames(const uint8_t *buf, size_t len, size_t start,
                              uint32_t max_frame_size,
                              saltare_h2_frame_t *frames, size_t max_frames,
                              size_t *consumed, int *oversized)
{
    size_t pos = start;
    size_t count = 0;
    *oversized = 0;
    while (count < max_frames && pos <= len &&
           len - pos >= SALTARE_H2_FRAME_HEADER_LEN) {
        const uint8_t *h = buf + pos;
        uint32_t length = (uint32_t)h[0] << 16 | (uint32_t)h[1] << 8 | h[2];
        if (length > max_frame_size) {
            *oversized = 1;
            break;
        }
        if (len - pos - SALTARE_H2_FRAME_HEADER_LEN < length)
            break;
        saltare_h2_frame_t *f = &frames[count++];
        f->offset = (uint32_t)(pos + SALTARE_H2_FRAME_HEADER_LEN);
        f->length = length;
        f->type = h[3];
        f->flags = h[4];
        f->reserved = 0;
        f->stream_id = ((uint32_t)h[5] << 24 | (uint32_t)h[6] << 16 |
                        (uint32_t)h[7] << 8 | h[8]) & 0x7FFFFFFFu;
        pos += SALTARE_H2_FRAME_HEADER_LEN + length;
    }
    *consumed = pos;
    return count;
}
