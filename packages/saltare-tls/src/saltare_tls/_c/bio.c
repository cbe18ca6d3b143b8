/* saltare-tls: the two BIOs of a session, without OpenSSL's memory BIO.
 *
 * Input: SSL reads first from the bytes held back from earlier calls (an
 * incomplete record), then straight from the caller's buffer for the
 * duration of one receive call; what is left is held (copied) at its end.
 * Output: records are appended to a plain growable buffer that the caller
 * reads in place and then drops, whole or in part (what a socket took).
 * Both buffers are freed when empty, so an idle session owns none;
 * OpenSSL's memory BIO would keep its largest size and regrow through a
 * cleansing realloc.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls_int.h"

static int in_read(BIO *bio, char *out, size_t out_len, size_t *got) {
    saltare_tls_conn_t *conn = BIO_get_data(bio);
    const char *src = NULL;
    size_t avail = 0;
    int from_held = conn->held_off < conn->held_len;
    BIO_clear_retry_flags(bio);
    if (from_held) {
        src = conn->held + conn->held_off;
        avail = conn->held_len - conn->held_off;
    } else if (conn->feed_off < conn->feed_len) {
        src = conn->feed + conn->feed_off;
        avail = conn->feed_len - conn->feed_off;
    }
    if (avail == 0) {
        BIO_set_retry_read(bio); /* wait for the next receive */
        *got = 0;
        return 0;
    }
    size_t n = out_len < avail ? out_len : avail;
    memcpy(out, src, n);
    if (from_held)
        conn->held_off += n;
    else
        conn->feed_off += n;
    *got = n;
    return 1;
}

static long in_ctrl(BIO *bio, int cmd, long num, void *ptr) {
    (void)num;
    (void)ptr;
    const saltare_tls_conn_t *conn = BIO_get_data(bio);
    switch (cmd) {
    case BIO_CTRL_PENDING: {
        size_t n = (conn->held_len - conn->held_off) + (conn->feed_len - conn->feed_off);
        return n > LONG_MAX ? LONG_MAX : (long)n;
    }
    case BIO_CTRL_FLUSH:
        return 1;
    default:
        return 0;
    }
}

static int out_write(BIO *bio, const char *data, size_t len, size_t *written) {
    saltare_tls_conn_t *conn = BIO_get_data(bio);
    *written = 0;
    if (conn->out_off > 0 && len > conn->out_cap - conn->out_len) {
        /* Bytes the socket already took make room before the buffer grows. */
        memmove(conn->out, conn->out + conn->out_off, conn->out_len - conn->out_off);
        conn->out_len -= conn->out_off;
        conn->out_off = 0;
    }
    if (len > SIZE_MAX / 2 - conn->out_len) return 0;
    size_t need = conn->out_len + len;
    if (need > conn->out_cap) {
        size_t cap = conn->out_cap ? conn->out_cap : 4096;
        while (cap < need) cap *= 2;
        char *grown = realloc(conn->out, cap);
        if (grown == NULL) return 0;
        conn->out = grown;
        conn->out_cap = cap;
    }
    memcpy(conn->out + conn->out_len, data, len);
    conn->out_len = need;
    *written = len;
    return 1;
}

static long out_ctrl(BIO *bio, int cmd, long num, void *ptr) {
    (void)num;
    (void)ptr;
    const saltare_tls_conn_t *conn = BIO_get_data(bio);
    switch (cmd) {
    case BIO_CTRL_PENDING:
    case BIO_CTRL_WPENDING: {
        size_t n = conn->out_len - conn->out_off;
        return n > LONG_MAX ? LONG_MAX : (long)n;
    }
    case BIO_CTRL_FLUSH:
        return 1;
    default:
        return 0;
    }
}

static int bio_create(BIO *bio) {
    BIO_set_init(bio, 1);
    return 1;
}

int saltare_tls_bio_methods(saltare_tls_ctx_t *ctx) {
    ctx->in_method = BIO_meth_new(BIO_TYPE_SOURCE_SINK, "saltare-tls in");
    ctx->out_method = BIO_meth_new(BIO_TYPE_SOURCE_SINK, "saltare-tls out");
    if (ctx->in_method == NULL || ctx->out_method == NULL ||
        !BIO_meth_set_read_ex(ctx->in_method, in_read) ||
        !BIO_meth_set_ctrl(ctx->in_method, in_ctrl) ||
        !BIO_meth_set_create(ctx->in_method, bio_create) ||
        !BIO_meth_set_write_ex(ctx->out_method, out_write) ||
        !BIO_meth_set_ctrl(ctx->out_method, out_ctrl) ||
        !BIO_meth_set_create(ctx->out_method, bio_create))
        return SALTARE_TLS_E_NOMEM;
    return SALTARE_TLS_OK;
}

int saltare_tls_hold_rest(saltare_tls_conn_t *conn) {
    size_t rest = conn->feed_len - conn->feed_off;
    size_t kept = conn->held_len - conn->held_off;
    int rc = SALTARE_TLS_OK;
    if (kept == 0) {
        free(conn->held);
        conn->held = NULL;
        conn->held_len = conn->held_off = 0;
    }
    if (rest > 0) {
        if (rest > SIZE_MAX - kept) {
            rc = SALTARE_TLS_E_NOMEM;
        } else {
            char *held = malloc(kept + rest);
            if (held == NULL) {
                rc = SALTARE_TLS_E_NOMEM;
            } else {
                if (kept > 0) memcpy(held, conn->held + conn->held_off, kept);
                memcpy(held + kept, conn->feed + conn->feed_off, rest);
                free(conn->held);
                conn->held = held;
                conn->held_len = kept + rest;
                conn->held_off = 0;
            }
        }
    }
    conn->feed = NULL;
    conn->feed_len = conn->feed_off = 0;
    return rc;
}
