/* saltare-http1: the field-line scanner shared by the head and the trailer
 * section (internal).
 *
 * RFC 9112 §5 (field lines) and §7.1.2 (trailer section) use one grammar;
 * RULES.md adds the CR/LF and error-order rules. Both parse_head and
 * parse_trailers go through saltare_http1__scan_fields so that they cannot
 * drift apart.
 */
#ifndef SALTARE_HTTP1_FIELDS_H
#define SALTARE_HTTP1_FIELDS_H

#include "api.h"

/* What a CR or LF at b[p] turned out to be. */
enum {
    SH1_BREAK_CRLF, /* CR LF: a line end */
    SH1_BREAK_MORE, /* a CR that is the last byte available */
    SH1_BREAK_BARE  /* bare CR or bare LF: *error is set */
};

/* Classifies the line break starting at b[p], which must be CR or LF.
 * RFC 9112 §2.2 allows a lone LF; RULES.md refuses it (and a CR not
 * followed by LF) because line-end disagreements enable smuggling. */
static inline int sh1_line_break(const unsigned char *b, size_t p, size_t end,
                                 uint32_t *error)
{
    if (b[p] == '\n') {
        *error = SALTARE_HTTP1_E_BARE_LF;
        return SH1_BREAK_BARE;
    }
    if (p + 1 == end)
        return SH1_BREAK_MORE;
    if (b[p + 1] != '\n') {
        *error = SALTARE_HTTP1_E_BARE_CR;
        return SH1_BREAK_BARE;
    }
    return SH1_BREAK_CRLF;
}

/* saltare_http1__scan_fields results. */
enum {
    SH1_FIELDS_DONE,  /* the empty line was reached */
    SH1_FIELDS_MORE,  /* `end` was reached inside a line */
    SH1_FIELDS_ERROR  /* a field line is invalid */
};

typedef struct {
    size_t pos;      /* DONE: just past the empty line's LF;
                        ERROR / MORE: start of the line concerned */
    uint32_t count;  /* field lines stored in headers[] */
    uint32_t error;  /* saltare_http1_error_t when ERROR */
} sh1_fields_t;

/* Scans field lines from buf[pos..end) up to and including the empty line,
 * storing each into headers[] (at most max_headers) and lower-casing the
 * names in place. Never reads buf[end] or beyond. */
int saltare_http1__scan_fields(char *buf, size_t pos, size_t end,
                               uint32_t max_headers,
                               saltare_http1_header_t *headers,
                               sh1_fields_t *res);

/* Index just past the first LF LF or LF CR LF (with CRLF line ends, the
 * CR LF CR LF) lying wholly in buf[from..end), or 0 when there is none.
 * A section ending in a bare LF is complete too, so that its lines are
 * checked (BARE_LF) at once rather than when a timeout or limit strikes. */
size_t saltare_http1__find_blank_line(const char *buf, size_t from,
                                      size_t end);

#endif
