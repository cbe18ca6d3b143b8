/* saltare-tls: a sans-IO TLS server session over OpenSSL.
 *
 * A context (saltare_tls_ctx_t) holds one SSL_CTX per certificate: the first
 * one added is the default, the others are chosen by the SNI callback from
 * their host names (exact or "*.suffix" wildcards of one label). A session
 * (saltare_tls_conn_t) is an SSL between two buffer BIOs (bio.c): ciphertext goes in
 * with saltare_tls_conn_receive and comes out with saltare_tls_conn_peek.
 * No global mutable state: callbacks get the context through their arg.
 */
#ifndef SALTARE_TLS_H
#define SALTARE_TLS_H

#include <stddef.h>
#include <stdint.h>

#define SALTARE_TLS_ABI_VERSION 1

/* Return codes. */
#define SALTARE_TLS_OK 0
#define SALTARE_TLS_MORE 1     /* receive: out is full, call again with no input */
#define SALTARE_TLS_CLOSED 2   /* receive: the peer sent close_notify */
#define SALTARE_TLS_ERROR (-1) /* a TLS error: the session is dead */
#define SALTARE_TLS_E_STATE (-2)
#define SALTARE_TLS_E_NOMEM (-3)
/* Context set-up errors (the message is in the caller's err buffer). */
#define SALTARE_TLS_E_CERT (-10)     /* certificate file unreadable */
#define SALTARE_TLS_E_KEY (-11)      /* key unreadable: wrong password or not a key */
#define SALTARE_TLS_E_MISMATCH (-12) /* key does not match certificate */
#define SALTARE_TLS_E_CA (-13)
#define SALTARE_TLS_E_CIPHERS (-14)
#define SALTARE_TLS_E_NAMES (-15)

/* cert_reqs */
#define SALTARE_TLS_CERT_NONE 0
#define SALTARE_TLS_CERT_OPTIONAL 1
#define SALTARE_TLS_CERT_REQUIRED 2

typedef struct {
    const char *ca_certs;       /* NULL: none */
    const char *ciphers;        /* NULL: OpenSSL's default */
    const unsigned char *alpn;  /* wire format (length-prefixed), NULL: no ALPN */
    size_t alpn_len;
    uint32_t cert_reqs;
    uint32_t min_version;       /* 0x0303 (TLS 1.2) or 0x0304 (TLS 1.3) */
    uint32_t session_cache_size;
    uint32_t num_tickets;
} saltare_tls_options_t;

/* What a session reports once the handshake is done; pointers live as long
 * as the session. */
typedef struct {
    const char *version;
    const char *cipher;
    const char *sni;            /* NULL: the client sent none */
    const unsigned char *alpn;  /* not NUL-terminated */
    uint32_t alpn_len;
    uint32_t handshake_done;
    uint32_t session_reused;
    uint32_t reserved;
} saltare_tls_info_t;

typedef struct saltare_tls_ctx saltare_tls_ctx_t;
typedef struct saltare_tls_conn saltare_tls_conn_t;

saltare_tls_ctx_t *saltare_tls_ctx_new(const saltare_tls_options_t *opts, char *err, size_t err_len,
                                       int *code);
/* names: host names separated by '\0', names_len bytes in all (0 for the
 * default certificate). password: NUL-terminated or NULL. */
int saltare_tls_ctx_add_cert(saltare_tls_ctx_t *ctx, const char *certfile, const char *keyfile,
                             const char *password, const char *names, size_t names_len,
                             char *err, size_t err_len);
void saltare_tls_ctx_free(saltare_tls_ctx_t *ctx);

saltare_tls_conn_t *saltare_tls_conn_new(saltare_tls_ctx_t *ctx);
void saltare_tls_conn_free(saltare_tls_conn_t *conn);
/* Feed in_len ciphertext bytes (read in place during the call, the rest of
 * an incomplete record copied), advance the handshake, read plaintext into
 * out (out_cap bytes, *out_len written). A context must outlive its sessions. */
int saltare_tls_conn_receive(saltare_tls_conn_t *conn, const char *in, size_t in_len, char *out,
                             size_t out_cap, size_t *out_len);
int saltare_tls_conn_send(saltare_tls_conn_t *conn, const char *data, size_t len);
/* Ciphertext waiting to be sent: its length, and *data pointing at it (one
 * contiguous block, valid until the next call on conn). Once the caller has
 * copied it, saltare_tls_conn_consumed drops it all. */
size_t saltare_tls_conn_peek(const saltare_tls_conn_t *conn, const char **data);
void saltare_tls_conn_consumed(saltare_tls_conn_t *conn);
int saltare_tls_conn_close(saltare_tls_conn_t *conn);
void saltare_tls_conn_info(const saltare_tls_conn_t *conn, saltare_tls_info_t *info);
/* The peer certificate's DER: its length (0: none); copied when it fits cap. */
size_t saltare_tls_conn_peer_der(const saltare_tls_conn_t *conn, unsigned char *out, size_t cap);
/* The message of the last error on this thread (OpenSSL's queue), emptied. */
void saltare_tls_last_error(char *out, size_t cap);

/* Host name matching used by the SNI callback (no OpenSSL: unit-testable). */
int saltare_tls_name_matches(const char *pattern, size_t pattern_len, const char *host,
                             size_t host_len);
/* Index of the entry of names (a '\0'-separated list per certificate) that
 * matches host, exact names first; -1 when none. */
int saltare_tls_pick(const char *const *names, const size_t *names_len, size_t count,
                     const char *host, size_t host_len);

#endif
