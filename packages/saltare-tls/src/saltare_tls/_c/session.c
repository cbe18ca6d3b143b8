/* saltare-tls: one server session, an SSL between the two BIOs of bio.c. */
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tls_int.h"

static BIO *new_bio(const BIO_METHOD *method, saltare_tls_conn_t *conn) {
    BIO *bio = BIO_new(method);
    if (bio != NULL) BIO_set_data(bio, conn);
    return bio;
}

saltare_tls_conn_t *saltare_tls_conn_new(saltare_tls_ctx_t *ctx) {
    if (ctx->count == 0) return NULL;
    saltare_tls_conn_t *conn = calloc(1, sizeof *conn);
    if (conn == NULL) return NULL;
    conn->ssl = SSL_new(ctx->ctxs[0]);
    BIO *rbio = new_bio(ctx->in_method, conn);
    BIO *wbio = new_bio(ctx->out_method, conn);
    if (conn->ssl == NULL || rbio == NULL || wbio == NULL) {
        BIO_free(rbio);
        BIO_free(wbio);
        SSL_free(conn->ssl);
        free(conn);
        return NULL;
    }
    SSL_set_bio(conn->ssl, rbio, wbio);
    SSL_set_accept_state(conn->ssl);
    return conn;
}

void saltare_tls_conn_free(saltare_tls_conn_t *conn) {
    if (conn == NULL) return;
    SSL_free(conn->ssl); /* frees both BIOs */
    free(conn->held);
    free(conn->out);
    free(conn);
}

/* Map an SSL_* failure: 1 = wait for input, 0 = peer closed, -1 = error. */
static int classify(saltare_tls_conn_t *conn, int ret) {
    switch (SSL_get_error(conn->ssl, ret)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return 1;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    default:
        conn->dead = 1;
        return -1;
    }
}

static int receive(saltare_tls_conn_t *conn, char *out, size_t out_cap, size_t *out_len) {
    if (!SSL_is_init_finished(conn->ssl)) {
        int ret = SSL_do_handshake(conn->ssl);
        if (ret != 1) return classify(conn, ret) == 1 ? SALTARE_TLS_OK : SALTARE_TLS_ERROR;
    }
    size_t got = 0;
    while (got < out_cap) {
        size_t n = 0;
        int ret = SSL_read_ex(conn->ssl, out + got, out_cap - got, &n);
        if (ret != 1) {
            *out_len = got;
            int how = classify(conn, ret);
            if (how == 1) return SALTARE_TLS_OK;
            return how == 0 ? SALTARE_TLS_CLOSED : SALTARE_TLS_ERROR;
        }
        got += n;
    }
    *out_len = got;
    return SALTARE_TLS_MORE;
}

int saltare_tls_conn_receive(saltare_tls_conn_t *conn, const char *in, size_t in_len, char *out,
                             size_t out_cap, size_t *out_len) {
    *out_len = 0;
    if (conn->dead) return SALTARE_TLS_E_STATE;
    ERR_clear_error();
    /* The input is read in place during this call; what SSL leaves is held. */
    conn->feed = in;
    conn->feed_len = in != NULL ? in_len : 0;
    conn->feed_off = 0;
    int rc = receive(conn, out, out_cap, out_len);
    int held = saltare_tls_hold_rest(conn);
    return held == SALTARE_TLS_OK ? rc : held;
}

int saltare_tls_conn_send(saltare_tls_conn_t *conn, const char *data, size_t len) {
    if (conn->dead || !SSL_is_init_finished(conn->ssl)) return SALTARE_TLS_E_STATE;
    ERR_clear_error();
    size_t done = 0;
    while (done < len) {
        size_t n = 0;
        if (SSL_write_ex(conn->ssl, data + done, len - done, &n) != 1) {
            conn->dead = 1; /* the output buffer never blocks: any failure is fatal */
            return SALTARE_TLS_ERROR;
        }
        done += n;
    }
    return SALTARE_TLS_OK;
}

size_t saltare_tls_conn_peek(const saltare_tls_conn_t *conn, const char **data) {
    if (conn->out == NULL) { /* no arithmetic on a null pointer */
        *data = NULL;
        return 0;
    }
    *data = conn->out + conn->out_off;
    return conn->out_len - conn->out_off;
}

void saltare_tls_conn_consumed(saltare_tls_conn_t *conn) {
    free(conn->out);
    conn->out = NULL;
    conn->out_len = conn->out_off = conn->out_cap = 0;
}

void saltare_tls_conn_advance(saltare_tls_conn_t *conn, size_t n) {
    size_t waiting = conn->out_len - conn->out_off;
    if (n >= waiting)
        saltare_tls_conn_consumed(conn);
    else
        conn->out_off += n;
}

int saltare_tls_conn_close(saltare_tls_conn_t *conn) {
    if (conn->dead || !SSL_is_init_finished(conn->ssl)) return SALTARE_TLS_OK;
    ERR_clear_error();
    /* 0 = our close_notify is queued (peer's not seen yet), 1 = both done. */
    int ret = SSL_shutdown(conn->ssl);
    ERR_clear_error();
    return ret >= 0 ? SALTARE_TLS_OK : SALTARE_TLS_ERROR;
}

void saltare_tls_conn_info(const saltare_tls_conn_t *conn, saltare_tls_info_t *info) {
    const SSL *ssl = conn->ssl;
    const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl);
    const unsigned char *alpn = NULL;
    unsigned int alpn_len = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
    info->handshake_done = (uint32_t)SSL_is_init_finished(ssl);
    info->version = SSL_get_version(ssl);
    info->cipher = cipher ? SSL_CIPHER_get_name(cipher) : NULL;
    info->sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    info->alpn = alpn;
    info->alpn_len = alpn_len;
    info->session_reused = (uint32_t)SSL_session_reused(ssl);
    info->reserved = 0;
}

size_t saltare_tls_conn_peer_der(const saltare_tls_conn_t *conn, unsigned char *out, size_t cap) {
    X509 *peer = SSL_get0_peer_certificate(conn->ssl);
    if (peer == NULL) return 0;
    int len = i2d_X509(peer, NULL);
    if (len <= 0) return 0;
    if ((size_t)len <= cap && out != NULL) {
        unsigned char *p = out;
        if (i2d_X509(peer, &p) != len) return 0;
    }
    return (size_t)len;
}
