/* saltare-http1: the trailer section after a chunked body (RFC 9112
 * §7.1.2): field lines with the head's rules, then CRLF.
 *
 * Nothing is checked while the section is incomplete; its lines are
 * checked once it is complete. When max_trailer_bytes bytes have come
 * without its end, the section is TRAILERS_TOO_LARGE, whatever its lines.
 */
#include <limits.h>

#include "api.h"
#include "fields.h"

/* Length of the section if it ends in buf[0..end): either the lone CRLF
 * of an empty section or the first LF LF or LF CR LF (a bare LF in it is
 * then BARE_LF). 0 when not there yet;
 * searching resumes three bytes before what an earlier call saw. */
static size_t find_section_end(const char *buf, size_t end, size_t seen)
{
    if (end >= 2 && buf[0] == '\r' && buf[1] == '\n')
        return 2;
    if (end >= 1 && buf[0] == '\n')
        return 1; /* an empty section ended by a bare LF: BARE_LF at once */
    size_t from = seen >= 3 ? seen - 3 : 0;
    return saltare_http1__find_blank_line(buf, from, end);
}

int saltare_http1_parse_trailers(char *buf, size_t len, size_t last_len,
                                 const saltare_http1_limits_t *limits,
                                 saltare_http1_header_t *headers,
                                 uint32_t *num_headers, uint32_t *error)
{
    *num_headers = 0;
    *error = SALTARE_HTTP1_E_OK;
    /* The result is an int: a limit above INT_MAX is read as INT_MAX. */
    size_t limit = limits->max_trailer_bytes < (uint32_t)INT_MAX
                       ? limits->max_trailer_bytes
                       : (size_t)INT_MAX;
    size_t end = len < limit ? len : limit;
    size_t seen = last_len > len ? 0 : last_len < end ? last_len : end;

    size_t section_len = find_section_end(buf, end, seen);
    if (section_len == 0) {
        if (len < limit)
            return SALTARE_HTTP1_INCOMPLETE;
        *error = SALTARE_HTTP1_E_TRAILERS_TOO_LARGE;
        return SALTARE_HTTP1_ERROR;
    }

    sh1_fields_t f;
    if (saltare_http1__scan_fields(buf, 0, section_len, limits->max_headers,
                                   headers, &f) == SH1_FIELDS_ERROR) {
        *error = f.error;
        return SALTARE_HTTP1_ERROR;
    }
    *num_headers = f.count;
    return (int)f.pos;
}
