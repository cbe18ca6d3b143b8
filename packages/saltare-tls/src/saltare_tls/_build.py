"""cffi build script for saltare_tls._native (run by hatch_build.py, never imported)."""

from pathlib import Path

from cffi import FFI

C_DIR = Path(__file__).resolve().parent / "_c"

CDEF = """
#define SALTARE_TLS_ABI_VERSION ...
#define SALTARE_TLS_OK ...
#define SALTARE_TLS_MORE ...
#define SALTARE_TLS_CLOSED ...
#define SALTARE_TLS_ERROR ...
#define SALTARE_TLS_E_STATE ...
#define SALTARE_TLS_E_NOMEM ...
#define SALTARE_TLS_E_CERT ...
#define SALTARE_TLS_E_KEY ...
#define SALTARE_TLS_E_MISMATCH ...

typedef struct {
    const char *ca_certs;
    const char *ciphers;
    const unsigned char *alpn;
    size_t alpn_len;
    uint32_t cert_reqs, min_version, session_cache_size, num_tickets;
} saltare_tls_options_t;
typedef struct {
    const char *version;
    const char *cipher;
    const char *sni;
    const unsigned char *alpn;
    uint32_t alpn_len, handshake_done, session_reused, reserved;
} saltare_tls_info_t;
typedef struct saltare_tls_ctx saltare_tls_ctx_t;
typedef struct saltare_tls_conn saltare_tls_conn_t;

saltare_tls_ctx_t *saltare_tls_ctx_new(const saltare_tls_options_t *, char *, size_t, int *);
int saltare_tls_ctx_add_cert(saltare_tls_ctx_t *, const char *, const char *, const char *,
                             const char *, size_t, char *, size_t);
void saltare_tls_ctx_free(saltare_tls_ctx_t *);
saltare_tls_conn_t *saltare_tls_conn_new(saltare_tls_ctx_t *);
void saltare_tls_conn_free(saltare_tls_conn_t *);
int saltare_tls_conn_receive(saltare_tls_conn_t *, const char *, size_t, char *, size_t, size_t *);
int saltare_tls_conn_send(saltare_tls_conn_t *, const char *, size_t);
size_t saltare_tls_conn_peek(const saltare_tls_conn_t *, const char **);
void saltare_tls_conn_consumed(saltare_tls_conn_t *);
int saltare_tls_conn_close(saltare_tls_conn_t *);
void saltare_tls_conn_info(const saltare_tls_conn_t *, saltare_tls_info_t *);
size_t saltare_tls_conn_peer_der(const saltare_tls_conn_t *, unsigned char *, size_t);
void saltare_tls_last_error(char *, size_t);
const void *saltare_tls_transport_table(void);
"""

ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "saltare_tls._native",
    '#include "tls.h"\n#include "core_transport.h"',
    # Absolute paths: cffi compiles with a temporary working directory.
    sources=[str(p) for p in sorted(C_DIR.glob("*.c"))],
    include_dirs=[str(C_DIR)],
    libraries=["ssl", "crypto"],
    extra_compile_args=["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror"],
)
