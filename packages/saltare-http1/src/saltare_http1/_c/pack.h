/* saltare-http1: the head parser as Python's _cbackend calls it (not part of
 * the core ABI: saltare-core uses api.h). */
#ifndef SALTARE_HTTP1_PACK_H
#define SALTARE_HTTP1_PACK_H

#include "api.h"

/* Everything one parse needs, allocated once per Python HeadParser, so a
 * call passes four arguments and Python reads the results with one
 * struct.unpack_from over this struct. */
typedef struct {
    saltare_http1_head_t head;
    int64_t packed_len;              /* length written to packed, or -(needed) */
    saltare_http1_limits_t limits;
    saltare_http1_header_t *headers; /* room for limits.max_headers */
    char *packed;
    size_t packed_cap;
} saltare_http1_py_parser_t;

/* Write "method\0target\0path\0query\0name1\0value1\0...\0nameN\0valueN" to
 * out[0..out_cap), reading the parts from buf through head/headers. NUL never
 * occurs in a valid head, so one bytes.split(b"\0") in Python makes every
 * bytes object at once instead of one slice per part.
 * Returns the packed length, or -(needed length) when out_cap is too small. */
int64_t saltare_http1_pack_head(const char *buf, const saltare_http1_head_t *head,
                                const saltare_http1_header_t *headers, char *out,
                                size_t out_cap);

/* saltare_http1_parse_head, then (on success) pack_head into p->packed. */
int saltare_http1_py_parse(saltare_http1_py_parser_t *p, char *buf, size_t len, size_t last_len);

#endif
