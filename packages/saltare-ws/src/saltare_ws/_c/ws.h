/* saltare-ws: the C contract (used by _cbackend.py through cffi).
 *
 * Three jobs: parse and check frame headers, unmask payloads in place
 * (16 or 8 bytes at a time), and validate UTF-8 incrementally. No globals,
 * no allocation: every state lives in a caller-owned struct, and offsets
 * are relative to the caller's buffer.
 */
#ifndef SALTARE_WS_H
#define SALTARE_WS_H

#include <stddef.h>
#include <stdint.h>

/* saltare_ws_parser_t.options */
#define SALTARE_WS_O_REQUIRE_MASK 0x01u /* server side: client frames must be masked */
#define SALTARE_WS_O_ALLOW_RSV1 0x02u   /* permessage-deflate was negotiated */

/* Bits 8.. of saltare_ws_frame_t.info (bits 0-7 hold the opcode). */
#define SALTARE_WS_F_FIN 0x100u
#define SALTARE_WS_F_COMPRESSED 0x200u /* the frame belongs to an RSV1 (deflated) message */

/* Errors. The numbering is shared with errors.py (ErrorCode), which maps
 * each to its close code: append only. */
typedef enum {
    SALTARE_WS_E_OK = 0,
    SALTARE_WS_E_RESERVED_BITS = 1,           /* 1002 */
    SALTARE_WS_E_RESERVED_OPCODE = 2,         /* 1002 */
    SALTARE_WS_E_UNMASKED = 3,                /* 1002 */
    SALTARE_WS_E_FRAGMENTED_CONTROL = 4,      /* 1002 */
    SALTARE_WS_E_CONTROL_TOO_LONG = 5,        /* 1002 */
    SALTARE_WS_E_NON_MINIMAL_LENGTH = 6,      /* 1002 */
    SALTARE_WS_E_LENGTH_OVERFLOW = 7,         /* 1002: 64-bit length with its top bit set */
    SALTARE_WS_E_UNEXPECTED_CONTINUATION = 8, /* 1002 */
    SALTARE_WS_E_EXPECTED_CONTINUATION = 9,   /* 1002 */
    SALTARE_WS_E_MESSAGE_TOO_BIG = 10,        /* 1009 */
    SALTARE_WS_E_INVALID_UTF8 = 11,           /* 1007 */
    SALTARE_WS_E_BAD_CLOSE_PAYLOAD = 12,      /* 1002: one byte */
    SALTARE_WS_E_BAD_CLOSE_CODE = 13,         /* 1002 */
    SALTARE_WS_E_BAD_DEFLATE_DATA = 14,       /* 1007: found while inflating, in Python */
    SALTARE_WS_E_COUNT = 15
} saltare_ws_error_t;

/* One parser per connection; zero it, then set max_message_size and options. */
typedef struct {
    uint64_t max_message_size; /* payload bytes of one message, all fragments */
    uint64_t message_len;      /* payload bytes of the message in progress */
    uint64_t frame_size;       /* out: header + payload bytes of the incomplete frame
                                  at *pos once its header is in, else 0 */
    uint32_t options;
    uint32_t message_opcode;   /* 1 or 2 while a fragmented message is open, else 0 */
    uint32_t message_compressed;
    uint32_t utf8_state;       /* saltare_ws_utf8_validate state of the open text message */
    uint32_t error;            /* saltare_ws_error_t once parsing failed */
    uint32_t reserved;
} saltare_ws_parser_t;

/* A parsed frame: its payload is buf[offset, offset + length), already unmasked. */
typedef struct {
    uint64_t offset, length, info;
} saltare_ws_frame_t;

/* Parses the complete frames of buf from offset *pos on, up to max_frames:
 * checks their headers (before the payload has arrived, so an oversized
 * frame is refused at once), unmasks their payloads in place, validates
 * close payloads and uncompressed text. Returns the number of frames
 * written to `frames` and advances *pos past them. On a
 * violation p->error is set and stays set; the frames before it are valid. */
size_t saltare_ws_parse(saltare_ws_parser_t *p, uint8_t *buf, size_t len, saltare_ws_frame_t *frames,
                        size_t max_frames, size_t *pos);

/* Appends data[0, n) to buf[0, used) and parses from *pos, as
 * saltare_ws_parse: the receive path in one call. If buf (of `cap` bytes)
 * has no room for n more, nothing is copied or parsed and 0 is returned. */
size_t saltare_ws_feed(saltare_ws_parser_t *p, uint8_t *buf, size_t cap, size_t used, const uint8_t *data, size_t n,
                       saltare_ws_frame_t *frames, size_t max_frames, size_t *pos);

/* dst[i] = src[i] ^ key[(phase + i) % 4]; dst may equal src. */
void saltare_ws_mask(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t key[4], size_t phase);

/* Validates s[0, n) as the continuation of the UTF-8 text whose state is
 * *state (0 at the start of a text). Returns 0 and updates *state, or -1
 * if the bytes cannot be part of valid UTF-8. The text is complete and
 * valid when the final *state is 0. */
int saltare_ws_utf8_validate(uint32_t *state, const uint8_t *s, size_t n);

/* 1 if a close frame may carry `code` (RFC 6455 §7.4, IANA registry). */
int saltare_ws_close_code_valid(uint32_t code);

#endif
