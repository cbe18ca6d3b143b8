/* saltare-http1: the request line (RFC 9112 §3).
 *
 * `method SP request-target SP HTTP-version CRLF`, checked byte by byte
 * from the left so that the first problem found is the one reported, and
 * so that an incomplete line is judged as far as it has arrived.
 */
#include <string.h>

#include "api.h"
#include "chars.h"
#include "fields.h"
#include "head.h"

size_t saltare_http1__skip_empty_lines(const char *buf, size_t end)
{
    size_t p = 0;
    while (end - p >= 2 && buf[p] == '\r' && buf[p + 1] == '\n')
        p += 2;
    return p;
}

/* A byte that cannot continue the method or the target. CR and LF follow
 * the line-break rules; a proper CRLF there means the line has fewer than
 * two SPs (BAD_REQUEST_LINE). Any other byte is `other`. */
static int method_or_target_stop(const unsigned char *b, size_t p,
                                 size_t end, uint32_t other,
                                 sh1_request_line_t *rl)
{
    if (b[p] == '\r' || b[p] == '\n') {
        switch (sh1_line_break(b, p, end, &rl->error)) {
        case SH1_BREAK_MORE:
            return SH1_RL_MORE;
        case SH1_BREAK_CRLF:
            rl->error = SALTARE_HTTP1_E_BAD_REQUEST_LINE;
            return SH1_RL_ERROR;
        default:
            return SH1_RL_ERROR;
        }
    }
    rl->error = other;
    return SH1_RL_ERROR;
}

/* method = token (RFC 9110 §9.1), ended by exactly one SP. */
static int parse_method(const unsigned char *b, size_t *pp, size_t end,
                        sh1_request_line_t *rl)
{
    size_t start = *pp;
    size_t p = start;
    while (p < end && sh1_is(b[p], SH1_C_TCHAR))
        p++;
    if (p == end)
        return SH1_RL_MORE;
    if (b[p] != ' ')
        return method_or_target_stop(b, p, end, SALTARE_HTTP1_E_BAD_METHOD,
                                     rl);
    if (p == start) {
        rl->error = SALTARE_HTTP1_E_BAD_METHOD;
        return SH1_RL_ERROR;
    }
    rl->method_off = start;
    rl->method_len = p - start;
    *pp = p + 1;
    return SH1_RL_DONE;
}

/* Index of the first byte in b[p..end) that is not a target byte, eight
 * at a time: a block is flagged when it holds a CTL, SP, '#', DEL or a
 * byte >= 0x80. */
static size_t skip_target(const unsigned char *b, size_t p, size_t end)
{
    while (end - p >= 8) {
        uint64_t x = sh1_load8(b + p);
        uint64_t m = (x & SH1_HIGHS) | sh1_has_less(x, 0x21) |
                     sh1_has_byte(x, '#') | sh1_has_byte(x, 0x7F);
        if (m != 0) {
#if SH1_SWAR_EXACT
            return p + sh1_first_flagged(m);
#else
            break;
#endif
        }
        p += 8;
    }
    while (p < end && sh1_is(b[p], SH1_C_TARGET))
        p++;
    return p;
}

static int method_is(const unsigned char *b, const sh1_request_line_t *rl,
                     const char *name, size_t len)
{
    return rl->method_len == len && memcmp(b + rl->method_off, name, len) == 0;
}

/* absolute-URI as RULES.md puts it: scheme ":" then at least one byte.
 * Returns the index of the colon, or 0 when the target is not one (0 is
 * never a colon index: the method comes before the target). */
static size_t absolute_uri_colon(const unsigned char *b, size_t t,
                                 size_t t_end)
{
    if (!sh1_is(b[t], SH1_C_ALPHA))
        return 0;
    size_t p = t + 1;
    while (p < t_end && sh1_is(b[p], SH1_C_SCHEME))
        p++;
    if (p + 1 >= t_end || b[p] != ':')
        return 0;
    return p;
}

static size_t find_byte(const unsigned char *b, size_t p, size_t end, int c)
{
    if (p == end)
        return end;
    const unsigned char *hit = memchr(b + p, c, end - p);
    return hit ? (size_t)(hit - b) : end;
}

/* Path from `p` up to the first '?' of b[p..t_end); the query is after
 * it. Without a '?' the query is empty and placed at t_end. */
static void split_path_query(const unsigned char *b, size_t p, size_t t_end,
                             sh1_request_line_t *rl)
{
    size_t q = find_byte(b, p, t_end, '?');
    rl->path_off = p;
    rl->path_len = q - p;
    rl->query_off = q < t_end ? q + 1 : t_end;
    rl->query_len = t_end - rl->query_off;
}

/* Path and query of an absolute-form target whose scheme ends at `colon`.
 * With "//" the authority runs to the first '/' or '?' and the path starts
 * at that '/' (it is empty when a '?' or the end comes first). */
static void split_absolute(const unsigned char *b, size_t colon,
                           size_t t_end, sh1_request_line_t *rl)
{
    size_t p = colon + 1;
    if (t_end - p >= 2 && b[p] == '/' && b[p + 1] == '/') {
        p += 2;
        while (p < t_end && b[p] != '/' && b[p] != '?')
            p++;
    }
    split_path_query(b, p, t_end, rl);
}

/* absolute-form as an origin server takes it (RFC 9112 §3.2.2): an http or
 * https URI (scheme in any case) with an authority whose host is not empty
 * (RFC 9110 §4.2.1: a recipient MUST reject it) and that has no userinfo
 * (§4.2.4), by the Host field's grammar. */
static int http_authority(const unsigned char *b, size_t t, size_t colon,
                          size_t t_end)
{
    static const char https[] = "https";
    size_t n = colon - t;
    if (n != 4 && n != 5)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if ((b[t + i] | 0x20) != https[i])
            return 0;
    }
    size_t a = colon + 3;
    if (a > t_end || b[colon + 1] != '/' || b[colon + 2] != '/')
        return 0;
    size_t p = a;
    while (p < t_end && b[p] != '/' && b[p] != '?')
        p++;
    return p > a && b[a] != ':' && saltare_http1__host_is_valid(b + a, p - a);
}

/* asterisk-form and authority-form: the path is the whole target and the
 * query is empty, placed at the target's end. */
static int whole_target_is_path(sh1_request_line_t *rl)
{
    rl->path_off = rl->target_off;
    rl->path_len = rl->target_len;
    rl->query_off = rl->target_off + rl->target_len;
    rl->query_len = 0;
    return 1;
}

/* The request-target forms of RFC 9112 §3.2, matched to the method
 * (methods are case-sensitive, RFC 9110 §9.1). Returns 0 for BAD_TARGET. */
static int check_target_form(const unsigned char *b, sh1_request_line_t *rl)
{
    size_t t = rl->target_off;
    size_t t_end = t + rl->target_len;
    if (rl->target_len == 1 && b[t] == '*') {
        if (!method_is(b, rl, "OPTIONS", 7))
            return 0;
        return whole_target_is_path(rl);
    }
    if (method_is(b, rl, "CONNECT", 7)) {
        if (find_byte(b, t, t_end, '/') != t_end ||
            find_byte(b, t, t_end, '?') != t_end)
            return 0;
        return whole_target_is_path(rl);
    }
    if (b[t] == '/') {
        split_path_query(b, t, t_end, rl);
        return 1;
    }
    size_t colon = absolute_uri_colon(b, t, t_end);
    if (colon == 0 || !http_authority(b, t, colon, t_end))
        return 0;
    split_absolute(b, colon, t_end, rl);
    return 1;
}

/* request-target: 1*(0x21-0x7E except '#') ended by SP; longer than
 * max_target_bytes is 414 as soon as the byte past the limit arrives. */
static int parse_target(const unsigned char *b, size_t *pp, size_t end,
                        const saltare_http1_limits_t *limits,
                        sh1_request_line_t *rl)
{
    size_t start = *pp;
    size_t max = limits->max_target_bytes;
    size_t scan_end = end - start > max ? start + max + 1 : end;
    size_t p = skip_target(b, start, scan_end);
    if (p - start > max) {
        rl->error = SALTARE_HTTP1_E_TARGET_TOO_LONG;
        return SH1_RL_ERROR;
    }
    if (p == end)
        return SH1_RL_MORE;
    if (b[p] != ' ')
        return method_or_target_stop(b, p, end, SALTARE_HTTP1_E_BAD_TARGET,
                                     rl);
    rl->target_off = start;
    rl->target_len = p - start;
    if (p == start || !check_target_form(b, rl)) {
        rl->error = SALTARE_HTTP1_E_BAD_TARGET;
        return SH1_RL_ERROR;
    }
    *pp = p + 1;
    return SH1_RL_DONE;
}

/* Sets the version from "HTTP/" DIGIT "." DIGIT at b[v]: major 1 only
 * (505 otherwise), and a minor above 1 is read as 1.1 (RFC 9110 §2.5). */
static int accept_version(const unsigned char *b, size_t v,
                          sh1_request_line_t *rl)
{
    if (b[v + 5] != '1') {
        rl->error = SALTARE_HTTP1_E_UNSUPPORTED_VERSION;
        return SH1_RL_ERROR;
    }
    rl->http_minor = b[v + 7] == '0' ? 0 : 1;
    return SH1_RL_DONE;
}

/* Whether byte c may stand at index i of "HTTP/" DIGIT "." DIGIT. */
static int version_byte_ok(size_t i, unsigned char c)
{
    static const char prefix[] = "HTTP/";
    if (i < 5)
        return c == (unsigned char)prefix[i];
    if (i == 6)
        return c == '.';
    return c >= '0' && c <= '9';
}

/* HTTP-version CRLF (RFC 9112 §2.3). The common versions take one
 * comparison; anything else goes byte by byte. */
static int parse_version(const unsigned char *b, size_t v, size_t end,
                         sh1_request_line_t *rl)
{
    if (end - v >= 10 && (memcmp(b + v, "HTTP/1.1\r\n", 10) == 0 ||
                          memcmp(b + v, "HTTP/1.0\r\n", 10) == 0)) {
        rl->http_minor = b[v + 7] == '1';
        rl->end = v + 10;
        return SH1_RL_DONE;
    }
    for (size_t p = v; p < end; p++) {
        unsigned char c = b[p];
        if (c == '\r' || c == '\n') {
            switch (sh1_line_break(b, p, end, &rl->error)) {
            case SH1_BREAK_MORE:
                return SH1_RL_MORE;
            case SH1_BREAK_BARE:
                return SH1_RL_ERROR;
            default:
                break;
            }
            if (p - v != 8) {
                rl->error = SALTARE_HTTP1_E_BAD_VERSION;
                return SH1_RL_ERROR;
            }
            rl->end = p + 2;
            return accept_version(b, v, rl);
        }
        /* Past the eighth byte only CRLF may come (no trailing SP). */
        if (p - v >= 8 || !version_byte_ok(p - v, c)) {
            rl->error = SALTARE_HTTP1_E_BAD_VERSION;
            return SH1_RL_ERROR;
        }
    }
    return SH1_RL_MORE;
}

int saltare_http1__parse_request_line(const char *buf, size_t start,
                                      size_t end,
                                      const saltare_http1_limits_t *limits,
                                      sh1_request_line_t *rl)
{
    const unsigned char *b = (const unsigned char *)buf;
    size_t p = start;
    int r = parse_method(b, &p, end, rl);
    if (r != SH1_RL_DONE)
        return r;
    r = parse_target(b, &p, end, limits, rl);
    if (r != SH1_RL_DONE)
        return r;
    return parse_version(b, p, end, rl);
}
