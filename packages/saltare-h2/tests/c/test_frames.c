/* saltare-h2: tests of the C frame-header scanner. Every input sits in a
 * malloc'd buffer of its exact size. Prints "N passed, M failed". */
#include "harness.h"

static size_t put_frame(uint8_t *at, uint32_t length, uint8_t type, uint8_t flags, uint32_t stream_id)
{
    at[0] = (uint8_t)(length >> 16);
    at[1] = (uint8_t)(length >> 8);
    at[2] = (uint8_t)length;
    at[3] = type;
    at[4] = flags;
    at[5] = (uint8_t)(stream_id >> 24);
    at[6] = (uint8_t)(stream_id >> 16);
    at[7] = (uint8_t)(stream_id >> 8);
    at[8] = (uint8_t)stream_id;
    memset(at + 9, 0xAB, length);
    return 9 + length;
}

static size_t scan(const uint8_t *data, size_t len, size_t start, uint32_t max_size,
                   saltare_h2_frame_t *frames, size_t max_frames, size_t *consumed, int *oversized)
{
    uint8_t *copy = exact_copy(data, len);
    size_t n = saltare_h2_scan_frames(copy, len, start, max_size, frames, max_frames, consumed, oversized);
    free(copy);
    return n;
}

static void burst(void)
{
    uint8_t buf[4 * (9 + 100)];
    size_t len = 0;
    len += put_frame(buf + len, 100, 0, 0, 1);
    len += put_frame(buf + len, 0, 4, 1, 0);
    len += put_frame(buf + len, 100, 0, 1, 0x80000003u); /* reserved bit set */
    len += put_frame(buf + len, 100, 9, 4, 5);
    saltare_h2_frame_t frames[8];
    size_t consumed;
    int oversized;
    size_t n = scan(buf, len, 0, 16384, frames, 8, &consumed, &oversized);
    CHECK(n == 4 && consumed == len && !oversized, "four frames: %zu", n);
    CHECK(frames[0].offset == 9 && frames[0].length == 100 && frames[0].type == 0 && frames[0].stream_id == 1,
          "first frame");
    CHECK(frames[1].length == 0 && frames[1].type == 4 && frames[1].flags == 1, "empty SETTINGS ACK");
    CHECK(frames[2].stream_id == 3, "reserved bit cleared: %u", frames[2].stream_id);
    CHECK(frames[3].type == 9 && frames[3].flags == 4 && frames[3].offset == len - 100, "last frame");

    /* Every cut of the burst returns the complete frames before the cut. */
    for (size_t cut = 0; cut <= len; cut++) {
        n = scan(buf, cut, 0, 16384, frames, 8, &consumed, &oversized);
        size_t expected = 0, end = 0, sizes[4] = {109, 9, 109, 109};
        while (expected < 4 && end + sizes[expected] <= cut)
            end += sizes[expected++];
        CHECK(n == expected && consumed == end && !oversized, "cut at %zu: %zu frames", cut, n);
    }
    /* max_frames bounds the output; start resumes. */
    n = scan(buf, len, 0, 16384, frames, 2, &consumed, &oversized);
    CHECK(n == 2 && consumed == 118, "max_frames: %zu %zu", n, consumed);
    n = scan(buf, len, consumed, 16384, frames, 8, &consumed, &oversized);
    CHECK(n == 2 && consumed == len && frames[0].offset == 127, "resume from start");
    n = scan(buf, len, len, 16384, frames, 8, &consumed, &oversized);
    CHECK(n == 0 && consumed == len, "start at the end");
}

static void oversized_frames(void)
{
    uint8_t buf[9 + 9 + 20];
    size_t len = put_frame(buf, 0, 6, 0, 0);
    len += put_frame(buf + len, 20, 0, 0, 1);
    saltare_h2_frame_t frames[4];
    size_t consumed;
    int oversized;
    size_t n = scan(buf, len, 0, 19, frames, 4, &consumed, &oversized);
    CHECK(n == 1 && consumed == 9 && oversized == 1, "a frame over max_frame_size stops the scan");
    /* Known from its header alone: no need to wait for the payload. */
    n = scan(buf, 19, 0, 19, frames, 4, &consumed, &oversized);
    CHECK(n == 1 && oversized == 1, "oversized seen from the header");
    n = scan(buf, len, 0, 20, frames, 4, &consumed, &oversized);
    CHECK(n == 2 && oversized == 0, "exactly max_frame_size is fine");
}

int main(void)
{
    burst();
    oversized_frames();
    printf("%d passed, %d failed\n", tests_passed, tests_failed);
    return tests_failed != 0;
}
