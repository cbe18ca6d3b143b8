/* saltare-core: the part of saltare-http1's C contract (its _c/api.h) that
 * the engine uses, copied because core's sdist must build on its own.
 *
 * tests/test_http1_abi.py checks this copy against saltare-http1's api.h:
 * ABI version, struct sizes and field offsets through both packages' ffi.
 * Change it only together with SALTARE_HTTP1_ABI_VERSION.
 */
#ifndef SALTARE_CORE_HTTP1_ABI_H
#define SALTARE_CORE_HTTP1_ABI_H

#include <stddef.h>
#include <stdint.h>

#define SALTARE_HTTP1_ABI_VERSION 1

#define SALTARE_HTTP1_ERROR (-1)
#define SALTARE_HTTP1_INCOMPLETE (-2)

#define SALTARE_HTTP1_F_KEEP_ALIVE 0x01u
#define SALTARE_HTTP1_F_EXPECT_CONTINUE 0x02u
#define SALTARE_HTTP1_F_CHUNKED 0x04u
#define SALTARE_HTTP1_F_CONTENT_LENGTH 0x08u
#define SALTARE_HTTP1_F_UPGRADE 0x10u

typedef struct {
    uint32_t max_head_bytes;
    uint32_t max_target_bytes;
    uint32_t max_headers;
    uint32_t max_chunk_ext_bytes;
    uint32_t max_trailer_bytes;
    uint32_t reserved;
    uint64_t max_body_bytes;
} saltare_http1_limits_t;

typedef struct {
    uint32_t name_off, name_len, value_off, value_len;
} saltare_http1_header_t;

typedef struct {
    uint32_t head_len;
    uint32_t method_off, method_len;
    uint32_t target_off, target_len;
    uint32_t path_off, path_len;
    uint32_t query_off, query_len;
    uint32_t num_headers;
    uint32_t flags;
    uint32_t http_minor;
    uint32_t error;
    uint32_t reserved;
    uint64_t content_length;
} saltare_http1_head_t;

typedef struct {
    uint64_t chunk_remaining;
    uint64_t body_total;
    uint32_t ext_len;
    uint32_t state;
    uint32_t error;
    uint32_t size_digits;
} saltare_http1_chunked_t;

typedef struct {
    uint32_t abi_version;
    int (*parse_head)(char *, size_t, size_t, const saltare_http1_limits_t *,
                      saltare_http1_head_t *, saltare_http1_header_t *);
    void (*chunked_init)(saltare_http1_chunked_t *);
    int (*decode_chunked)(saltare_http1_chunked_t *, char *, size_t,
                          const saltare_http1_limits_t *, size_t *, size_t *);
    int (*parse_trailers)(char *, size_t, size_t, const saltare_http1_limits_t *,
                          saltare_http1_header_t *, uint32_t *, uint32_t *);
    uint32_t (*error_status)(uint32_t);
} saltare_http1_api_t;

#endif
