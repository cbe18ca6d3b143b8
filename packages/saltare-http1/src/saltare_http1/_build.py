"""cffi build script for saltare_http1._native (run by hatch_build.py, never imported)."""

from pathlib import Path

from cffi import FFI

C_DIR = Path(__file__).resolve().parent / "_c"

CDEF = """
#define SALTARE_HTTP1_ABI_VERSION ...
#define SALTARE_HTTP1_ERROR ...
#define SALTARE_HTTP1_INCOMPLETE ...

typedef struct {
    uint32_t max_head_bytes, max_target_bytes, max_headers, max_chunk_ext_bytes, max_trailer_bytes, reserved;
    uint64_t max_body_bytes;
} saltare_http1_limits_t;
typedef struct { uint32_t name_off, name_len, value_off, value_len; } saltare_http1_header_t;
typedef struct {
    uint32_t head_len, method_off, method_len, target_off, target_len, path_off, path_len,
             query_off, query_len, num_headers, flags, http_minor, error, reserved;
    uint64_t content_length;
} saltare_http1_head_t;
typedef struct {
    uint64_t chunk_remaining, body_total;
    uint32_t ext_len, state, error, size_digits;
} saltare_http1_chunked_t;
typedef ... saltare_http1_api_t;

int saltare_http1_parse_head(char *, size_t, size_t, const saltare_http1_limits_t *,
                             saltare_http1_head_t *, saltare_http1_header_t *);
void saltare_http1_chunked_init(saltare_http1_chunked_t *);
int saltare_http1_decode_chunked(saltare_http1_chunked_t *, char *, size_t,
                                 const saltare_http1_limits_t *, size_t *, size_t *);
int saltare_http1_parse_trailers(char *, size_t, size_t, const saltare_http1_limits_t *,
                                 saltare_http1_header_t *, uint32_t *, uint32_t *);
uint32_t saltare_http1_error_status(uint32_t);
const char *saltare_http1_error_reason(uint32_t);
const saltare_http1_api_t *saltare_http1_api(void);

typedef struct {
    saltare_http1_head_t head;
    int64_t packed_len;
    saltare_http1_limits_t limits;
    saltare_http1_header_t *headers;
    char *packed;
    size_t packed_cap;
} saltare_http1_py_parser_t;
int64_t saltare_http1_pack_head(const char *, const saltare_http1_head_t *, const saltare_http1_header_t *,
                                char *, size_t);
int saltare_http1_py_parse(saltare_http1_py_parser_t *, char *, size_t, size_t);
"""

ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "saltare_http1._native",
    '#include "api.h"\n#include "pack.h"',
    # Absolute paths: cffi compiles with a temporary working directory.
    sources=[str(p) for p in sorted(C_DIR.glob("*.c"))],
    include_dirs=[str(C_DIR)],
    extra_compile_args=["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror"],
)
