/* saltare-http1: field lines (RFC 9112 §5), shared by heads and trailers. */
#include <string.h>

#include "api.h"
#include "chars.h"
#include "fields.h"

/* One field line's outcome, internal to this file. */
enum { LINE_FIELD, LINE_BLANK, LINE_MORE, LINE_ERROR };

/* Index of the first byte in b[p..end) that is not a field-value byte
 * (RFC 9110 §5.5: HTAB, SP, VCHAR, obs-text), eight bytes at a time: a
 * block is flagged when it holds a CTL (HTAB included) or DEL. */
static size_t skip_field_value(const unsigned char *b, size_t p, size_t end)
{
    while (end - p >= 8) {
        uint64_t x = sh1_load8(b + p);
        uint64_t m = sh1_has_less(x, 0x20) | sh1_has_byte(x, 0x7F);
        if (m == 0) {
            p += 8;
            continue;
        }
#if SH1_SWAR_EXACT
        p += sh1_first_flagged(m);
        if (b[p] != '\t')
            return p;
        p++;
#else
        break;
#endif
    }
    while (p < end && sh1_is(b[p], SH1_C_VALUE))
        p++;
    return p;
}

/* The byte that ended a field name is not ':'. RULES.md: SP/HTAB there is
 * SPACE_BEFORE_COLON (RFC 9112 §5.1 requires rejecting it), CR/LF follow
 * the line-break rules, with a proper CRLF meaning "no colon". */
static int bad_name_end(const unsigned char *b, size_t p, size_t end,
                        uint32_t *error)
{
    unsigned char c = b[p];
    if (c == ' ' || c == '\t') {
        *error = SALTARE_HTTP1_E_SPACE_BEFORE_COLON;
        return LINE_ERROR;
    }
    if (c == '\r' || c == '\n') {
        switch (sh1_line_break(b, p, end, error)) {
        case SH1_BREAK_MORE:
            return LINE_MORE;
        case SH1_BREAK_CRLF:
            *error = SALTARE_HTTP1_E_BAD_HEADER_NAME;
            return LINE_ERROR;
        default:
            return LINE_ERROR;
        }
    }
    *error = SALTARE_HTTP1_E_BAD_HEADER_NAME;
    return LINE_ERROR;
}

/* Reads the line starting at *pp. On LINE_FIELD fills *h and moves *pp
 * past the CRLF; on LINE_BLANK moves it past the empty line. `room` is
 * zero when max_headers lines have already been stored. */
static int scan_line(unsigned char *b, size_t *pp, size_t end, int room,
                     saltare_http1_header_t *h, uint32_t *error)
{
    size_t p = *pp;
    if (p == end)
        return LINE_MORE;
    unsigned char c = b[p];
    if (c == '\r') {
        if (p + 1 == end)
            return LINE_MORE;
        if (b[p + 1] == '\n') {
            *pp = p + 2;
            return LINE_BLANK;
        }
    }
    /* Any other line is a field line, counted before anything inside it is
     * checked (a bare CR or LF at its start included). */
    if (!room) {
        *error = SALTARE_HTTP1_E_TOO_MANY_HEADERS;
        return LINE_ERROR;
    }
    if (c == '\r' || c == '\n') { /* a CR here has no LF after it */
        *error = c == '\n' ? SALTARE_HTTP1_E_BARE_LF : SALTARE_HTTP1_E_BARE_CR;
        return LINE_ERROR;
    }
    /* RFC 9112 §5.2: obs-fold is refused with 400 outside message/http. */
    if (c == ' ' || c == '\t') {
        *error = SALTARE_HTTP1_E_OBS_FOLD;
        return LINE_ERROR;
    }

    size_t name = p;
    unsigned char lower;
    while (p < end && (lower = sh1_name_lower[b[p]]) != 0) {
        b[p] = lower;
        p++;
    }
    if (p == end)
        return LINE_MORE;
    if (b[p] != ':')
        return bad_name_end(b, p, end, error);
    if (p == name) {
        *error = SALTARE_HTTP1_E_BAD_HEADER_NAME;
        return LINE_ERROR;
    }
    size_t name_len = p - name;

    p++;
    while (p < end && sh1_is(b[p], SH1_C_WS))
        p++;
    size_t value = p;
    p = skip_field_value(b, p, end);
    if (p == end)
        return LINE_MORE;
    c = b[p];
    if (c != '\r' && c != '\n') {
        *error = SALTARE_HTTP1_E_BAD_HEADER_VALUE;
        return LINE_ERROR;
    }
    switch (sh1_line_break(b, p, end, error)) {
    case SH1_BREAK_MORE:
        return LINE_MORE;
    case SH1_BREAK_BARE:
        return LINE_ERROR;
    default:
        break;
    }
    /* Trailing OWS is not part of the value (RFC 9112 §5). */
    size_t value_end = p;
    while (value_end > value && sh1_is(b[value_end - 1], SH1_C_WS))
        value_end--;

    h->name_off = (uint32_t)name;
    h->name_len = (uint32_t)name_len;
    h->value_off = (uint32_t)value;
    h->value_len = (uint32_t)(value_end - value);
    *pp = p + 2;
    return LINE_FIELD;
}

int saltare_http1__scan_fields(char *buf, size_t pos, size_t end,
                               uint32_t max_headers,
                               saltare_http1_header_t *headers,
                               sh1_fields_t *res)
{
    unsigned char *b = (unsigned char *)buf;
    uint32_t count = 0;
    for (;;) {
        size_t line = pos;
        saltare_http1_header_t h;
        int r = scan_line(b, &pos, end, count < max_headers, &h,
                          &res->error);
        if (r == LINE_FIELD) {
            headers[count++] = h;
            continue;
        }
        res->count = count;
        if (r == LINE_BLANK) {
            res->pos = pos;
            return SH1_FIELDS_DONE;
        }
        res->pos = line;
        return r == LINE_MORE ? SH1_FIELDS_MORE : SH1_FIELDS_ERROR;
    }
}

size_t saltare_http1__find_blank_line(const char *buf, size_t from,
                                      size_t end)
{
    size_t i = from + 1; /* the earliest second LF: LF LF at `from` */
    while (i < end) {
        const char *lf = memchr(buf + i, '\n', end - i);
        if (lf == NULL)
            return 0;
        i = (size_t)(lf - buf);
        if (buf[i - 1] == '\n' ||
            (i >= from + 2 && buf[i - 1] == '\r' && buf[i - 2] == '\n'))
            return i + 1;
        i++;
    }
    return 0;
}
