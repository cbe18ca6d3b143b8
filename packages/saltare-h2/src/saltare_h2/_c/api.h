/* saltare-h2: the C contract (frame-header scanning and HPACK Huffman decoding).
 *
 * Both functions are stateless and work on caller-owned memory: they never
 * allocate, and they read and write only inside the lengths they are given.
 */
#ifndef SALTARE_H2_API_H
#define SALTARE_H2_API_H

#include <stddef.h>
#include <stdint.h>

#define SALTARE_H2_ABI_VERSION 1
#define SALTARE_H2_FRAME_HEADER_LEN 9

/* One frame header as scanned: the payload is buf[offset, offset + length). */
typedef struct {
    uint32_t offset;
    uint32_t length;
    uint32_t stream_id; /* the reserved bit cleared (RFC 9113 §4.1) */
    uint8_t type;
    uint8_t flags;
    uint16_t reserved;
} saltare_h2_frame_t;

/* Scans the complete frames of buf[start, len), at most max_frames of them.
 * Returns how many it wrote to frames; *consumed is the offset just past the
 * last one (start when none). Stops early, setting *oversized to 1, at a
 * frame whose declared length exceeds max_frame_size: that frame is not
 * returned, so the caller handles the frames before it, then the error
 * (FRAME_SIZE_ERROR). *oversized is 0 otherwise. */
size_t saltare_h2_scan_frames(const uint8_t *buf, size_t len, size_t start,
                              uint32_t max_frame_size,
                              saltare_h2_frame_t *frames, size_t max_frames,
                              size_t *consumed, int *oversized);

/* The largest output of a Huffman string of len bytes (5 bits per symbol
 * at best). */
#define SALTARE_H2_HUFFMAN_MAX_OUT(len) ((len) * 8 / 5 + 1)

#define SALTARE_H2_HUFFMAN_INVALID (-1)  /* EOS in the string, bad padding */
#define SALTARE_H2_HUFFMAN_NO_ROOM (-2)  /* out_cap too small */

/* Decodes an HPACK Huffman string (RFC 7541 §5.2) into out. Returns the
 * decoded length or one of the negative codes above. */
int64_t saltare_h2_huffman_decode(const uint8_t *in, size_t len, uint8_t *out,
                                  size_t out_cap);

#endif
