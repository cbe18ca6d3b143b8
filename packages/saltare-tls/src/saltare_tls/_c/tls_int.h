/* saltare-tls: internals shared by context.c, session.c and bio.c. */
#ifndef SALTARE_TLS_INT_H
#define SALTARE_TLS_INT_H

#include <limits.h>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include "tls.h"

struct saltare_tls_ctx {
    SSL_CTX **ctxs;       /* [0] is the default certificate */
    char **names;         /* per certificate: '\0'-separated host names */
    size_t *names_len;
    size_t count, cap;
    unsigned char *alpn;  /* server preference, wire format */
    size_t alpn_len;
    char *ca_certs, *ciphers;
    BIO_METHOD *in_method, *out_method; /* bio.c; outlive every session */
    uint32_t cert_reqs, min_version, session_cache_size, num_tickets;
};

struct saltare_tls_conn {
    SSL *ssl;
    /* Input: held bytes (an incomplete record kept from an earlier call), then
     * the caller's buffer of the current receive call. */
    char *held;
    size_t held_len, held_off;
    const char *feed;
    size_t feed_len, feed_off;
    /* Output: records waiting for the caller, out[out_off .. out_len). */
    char *out;
    size_t out_len, out_off, out_cap;
    int dead;   /* a fatal error happened: every call fails */
    /* Engine transport (transport.c) only: what recv has still to report. */
    uint8_t ready_told;  /* T_READY was reported */
    uint8_t more;        /* plaintext may still be inside SSL: drain it before reading the fd */
    uint8_t peer_closed; /* close_notify came with plaintext: the next recv reports the end */
};

int saltare_tls_bio_methods(saltare_tls_ctx_t *ctx);
/* Drop the first n bytes of the waiting output (n <= what peek reports):
 * a socket took only part of it. The buffer is freed once empty. */
void saltare_tls_conn_advance(saltare_tls_conn_t *conn, size_t n);
/* End of a receive call: keep the unread part of the caller's buffer. */
int saltare_tls_hold_rest(saltare_tls_conn_t *conn);

#endif
