/* saltare-http1: pieces of parse_head shared between its files (internal). */
#ifndef SALTARE_HTTP1_HEAD_H
#define SALTARE_HTTP1_HEAD_H

#include "api.h"

/* saltare_http1__parse_request_line results. */
enum {
    SH1_RL_DONE,  /* the request line and its CRLF are complete and valid */
    SH1_RL_MORE,  /* valid as far as it goes, but `end` came first */
    SH1_RL_ERROR  /* invalid: .error is set */
};

/* The request line, offsets relative to the buffer. */
typedef struct {
    size_t method_off, method_len;
    size_t target_off, target_len;
    size_t path_off, path_len;
    size_t query_off, query_len;
    size_t end;          /* just past the line's LF (DONE only) */
    uint32_t http_minor; /* 0 or 1 */
    uint32_t error;
} sh1_request_line_t;

/* Index of the request line's first byte: past the empty lines that
 * RFC 9112 §2.2 lets a server skip before it. */
size_t saltare_http1__skip_empty_lines(const char *buf, size_t end);

/* Parses and checks the request line starting at buf[start], reading no
 * byte at or beyond `end`. */
int saltare_http1__parse_request_line(const char *buf, size_t start,
                                      size_t end,
                                      const saltare_http1_limits_t *limits,
                                      sh1_request_line_t *rl);

/* Host = uri-host [ ":" port ] (RFC 9112 §3.2, RFC 3986 §3.2.2): an
 * IP-literal in brackets or reg-name bytes, then at most five port digits.
 * The empty value is valid (a Host field may be empty). */
int saltare_http1__host_is_valid(const unsigned char *v, size_t n);

/* The semantic checks and flags of RULES.md, run once the field lines are
 * known to be valid. Sets head->flags and head->content_length; returns an
 * error code (SALTARE_HTTP1_E_OK when the head is acceptable). */
uint32_t saltare_http1__check_head(const char *buf, uint32_t http_minor,
                                   const saltare_http1_header_t *headers,
                                   uint32_t num_headers,
                                   const saltare_http1_limits_t *limits,
                                   saltare_http1_head_t *head);

#endif
