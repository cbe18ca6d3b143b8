/* RFC 6455 §5 frame parsing: header checks, in-place unmasking, fragment
 * sequencing, and the payload checks that need no state beyond the parser
 * struct (close frames, uncompressed UTF-8). */
#include <string.h>

#include "ws.h"

#define OP_CONTINUATION 0x0u
#define OP_TEXT 0x1u
#define OP_BINARY 0x2u
#define OP_CLOSE 0x8u

static uint64_t read_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

int saltare_ws_close_code_valid(uint32_t code)
{
    if (code >= 3000 && code <= 4999)
        return 1; /* registered (3000-3999) and private (4000-4999) use */
    /* 1004 is reserved; 1005, 1006 and 1015 must never be on the wire. */
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

/* The header checks that the first two bytes decide. */
static uint32_t check_start(const saltare_ws_parser_t *p, uint32_t b0, uint32_t b1)
{
    uint32_t opcode = b0 & 0x0Fu;
    if (opcode >= 3 && opcode != 8 && opcode != 9 && opcode != 10)
        return SALTARE_WS_E_RESERVED_OPCODE;
    if (b0 & 0x30u)
        return SALTARE_WS_E_RESERVED_BITS;
    /* RSV1 marks a deflated message: first frame of a data message only (RFC 7692 §6). */
    if ((b0 & 0x40u) && (!(p->options & SALTARE_WS_O_ALLOW_RSV1) || opcode == OP_CONTINUATION || opcode >= 8))
        return SALTARE_WS_E_RESERVED_BITS;
    if (opcode >= 8) {
        if (!(b0 & 0x80u))
            return SALTARE_WS_E_FRAGMENTED_CONTROL;
        if ((b1 & 0x7Fu) > 125)
            return SALTARE_WS_E_CONTROL_TOO_LONG;
    } else if (opcode == OP_CONTINUATION) {
        if (!p->message_opcode)
            return SALTARE_WS_E_UNEXPECTED_CONTINUATION;
    } else if (p->message_opcode) {
        return SALTARE_WS_E_EXPECTED_CONTINUATION;
    }
    if ((p->options & SALTARE_WS_O_REQUIRE_MASK) && !(b1 & 0x80u))
        return SALTARE_WS_E_UNMASKED;
    return SALTARE_WS_E_OK;
}

static uint32_t check_close(const uint8_t *payload, uint64_t length)
{
    if (length == 0)
        return SALTARE_WS_E_OK;
    if (length == 1)
        return SALTARE_WS_E_BAD_CLOSE_PAYLOAD;
    if (!saltare_ws_close_code_valid((uint32_t)read_be(payload, 2)))
        return SALTARE_WS_E_BAD_CLOSE_CODE;
    uint32_t state = 0;
    if (saltare_ws_utf8_validate(&state, payload + 2, (size_t)length - 2) < 0 || state)
        return SALTARE_WS_E_INVALID_UTF8;
    return SALTARE_WS_E_OK;
}

size_t saltare_ws_parse(saltare_ws_parser_t *p, uint8_t *buf, size_t len, saltare_ws_frame_t *frames,
                        size_t max_frames, size_t *pos_io)
{
    size_t pos = *pos_io, count = 0;
    if (pos > len)
        pos = len;
    p->frame_size = 0;
    while (!p->error && count < max_frames && len - pos >= 2) {
        uint32_t b0 = buf[pos], b1 = buf[pos + 1];
        uint32_t error = check_start(p, b0, b1);
        if (error) {
            p->error = error;
            break;
        }
        size_t avail = len - pos;
        size_t header = 2;
        uint64_t length = b1 & 0x7Fu;
        if (length == 126) {
            if (avail < 4)
                break;
            length = read_be(buf + pos + 2, 2);
            header = 4;
            if (length < 126)
                error = SALTARE_WS_E_NON_MINIMAL_LENGTH;
        } else if (length == 127) {
            if (avail < 10)
                break;
            length = read_be(buf + pos + 2, 8);
            header = 10;
            if (length >> 63)
                error = SALTARE_WS_E_LENGTH_OVERFLOW;
            else if (length <= 0xFFFFu)
                error = SALTARE_WS_E_NON_MINIMAL_LENGTH;
        }
        uint32_t opcode = b0 & 0x0Fu;
        /* Refused as soon as the header is in: the payload is never buffered. */
        if (!error && opcode < 8 && length > p->max_message_size - p->message_len)
            error = SALTARE_WS_E_MESSAGE_TOO_BIG;
        if (error) {
            p->error = error;
            break;
        }
        const uint8_t *key = buf + pos + header;
        if (b1 & 0x80u)
            header += 4;
        if (avail < header || avail - header < length) {
            p->frame_size = header + length; /* incomplete: nothing is consumed or unmasked yet */
            break;
        }
        uint8_t *payload = buf + pos + header;
        size_t n = (size_t)length;
        if (b1 & 0x80u)
            saltare_ws_mask(payload, payload, n, key, 0);

        uint32_t fin = b0 & 0x80u;
        uint32_t info = opcode | (fin ? SALTARE_WS_F_FIN : 0);
        if (opcode >= 8) {
            if (opcode == OP_CLOSE)
                error = check_close(payload, length);
        } else {
            if (opcode != OP_CONTINUATION) {
                p->message_opcode = opcode;
                p->message_compressed = (b0 & 0x40u) != 0;
                p->message_len = 0;
                p->utf8_state = 0;
            }
            if (p->message_compressed) {
                info |= SALTARE_WS_F_COMPRESSED;
            } else if (p->message_opcode == OP_TEXT) {
                if (saltare_ws_utf8_validate(&p->utf8_state, payload, n) < 0 || (fin && p->utf8_state))
                    error = SALTARE_WS_E_INVALID_UTF8;
            }
            p->message_len += length;
            if (fin) {
                p->message_opcode = 0;
                p->message_compressed = 0;
                p->message_len = 0;
                p->utf8_state = 0;
            }
        }
        if (error) {
            p->error = error;
            break;
        }
        frames[count].offset = pos + header;
        frames[count].length = length;
        frames[count].info = info;
        count++;
        pos += header + n;
    }
    *pos_io = pos;
    return count;
}

size_t saltare_ws_feed(saltare_ws_parser_t *p, uint8_t *buf, size_t cap, size_t used, const uint8_t *data, size_t n,
                       saltare_ws_frame_t *frames, size_t max_frames, size_t *pos)
{
    if (used > cap || n > cap - used)
        return 0;
    if (n)
        memcpy(buf + used, data, n);
    return saltare_ws_parse(p, buf, used + n, frames, max_frames, pos);
}
