/* saltare-tls: internals shared by context.c and session.c. */
#ifndef SALTARE_TLS_INT_H
#define SALTARE_TLS_INT_H

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
    uint32_t cert_reqs, min_version, session_cache_size, num_tickets;
};

#endif
