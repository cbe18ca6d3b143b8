/* saltare-tls: the engine transport (saltare-core's seam, ABI 2) over a session.
 *
 * Each connection is one saltare_tls_conn_t. recv reads at most one TLS
 * record's worth of ciphertext from the fd per call and hands back the
 * plaintext it completes; sendv encrypts at most SEND_BUDGET bytes per call
 * and only when nothing is queued, so a connection never holds more than
 * one budget of ciphertext however slowly its peer reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "core_transport.h"
#include "tls_int.h"

/* The largest TLS ciphertext record: 2^14 plaintext + 2048 expansion + the
 * 5-byte header (RFC 5246 6.2.3; TLS 1.3 allows less). */
#define RECORD_MAX (16384 + 2048 + 5)
#define PLAIN_RECORD 16384
#define SEND_BUDGET (64 * 1024)

/* Write queued ciphertext until the socket stops taking it: the bytes still
 * queued, or -1 with errno on a fatal error. */
static ssize_t write_out(saltare_tls_conn_t *conn, int fd) {
    for (;;) {
        const char *data = NULL;
        size_t n = saltare_tls_conn_peek(conn, &data);
        if (n == 0) return 0;
        ssize_t sent = send(fd, data, n, MSG_NOSIGNAL);
        if (sent > 0) {
            saltare_tls_conn_advance(conn, (size_t)sent);
        } else if (sent < 0 && errno == EINTR) {
            continue;
        } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return n > SSIZE_MAX ? SSIZE_MAX : (ssize_t)n;
        } else {
            if (sent == 0) errno = EPIPE; /* a stream socket that takes nothing is gone */
            return -1;
        }
    }
}

static int t_open(void *ctx, int fd, void **state) {
    (void)fd;
    saltare_tls_conn_t *conn = saltare_tls_conn_new(ctx);
    if (conn == NULL) {
        errno = ENOMEM;
        return -1;
    }
    *state = conn;
    return 0;
}

static ssize_t t_recv(void *ctx, void *state, int fd, char *buf, size_t len, uint32_t *flags) {
    (void)ctx;
    saltare_tls_conn_t *conn = state;
    *flags = 0;
    if (conn->peer_closed) return 0;
    if (len == 0) { /* no room: nothing read, nothing lost; MORE stays for later */
        if (conn->more) *flags = SALTARE_CORE_T_MORE;
        errno = EAGAIN;
        return -1;
    }
    size_t got = 0;
    int rc;
    if (conn->more) {
        /* Records already read wait inside: drain them before the fd. */
        rc = saltare_tls_conn_receive(conn, NULL, 0, buf, len, &got);
    } else {
        char cipher[RECORD_MAX];
        ssize_t n;
        do {
            n = read(fd, cipher, sizeof cipher);
        } while (n < 0 && errno == EINTR);
        if (n <= 0) return n; /* 0: FIN; -1: errno says (EAGAIN or fatal) */
        rc = saltare_tls_conn_receive(conn, cipher, (size_t)n, buf, len, &got);
    }
    if (rc < 0) {
        (void)write_out(conn, fd); /* the alert, best effort: the connection is over */
        errno = rc == SALTARE_TLS_E_NOMEM ? ENOMEM : EPROTO;
        return -1;
    }
    conn->more = rc == SALTARE_TLS_MORE;
    conn->peer_closed = rc == SALTARE_TLS_CLOSED;
    /* Answer close_notify with ours (RFC 8446 6.1): the engine only frees
     * the state of a connection its peer ended. */
    if (conn->peer_closed) (void)saltare_tls_conn_close(conn);
    ssize_t queued = write_out(conn, fd);
    if (queued < 0) return -1;
    if (queued > 0) *flags |= SALTARE_CORE_T_WANT_WRITE;
    if (!conn->ready_told && SSL_is_init_finished(conn->ssl)) {
        conn->ready_told = 1;
        *flags |= SALTARE_CORE_T_READY;
    }
    if (got > 0) {
        /* A close_notify behind the plaintext is reported by the next call. */
        if (conn->more || conn->peer_closed) *flags |= SALTARE_CORE_T_MORE;
        return got > SSIZE_MAX ? SSIZE_MAX : (ssize_t)got;
    }
    if (conn->peer_closed) return 0;
    errno = EAGAIN; /* mid-handshake, or an incomplete record */
    return -1;
}

/* Encrypt len bytes; any failure is fatal (the output buffer never blocks). */
static int seal(saltare_tls_conn_t *conn, const char *data, size_t len) {
    if (saltare_tls_conn_send(conn, data, len) == SALTARE_TLS_OK) return 0;
    errno = EPROTO;
    return -1;
}

static ssize_t t_sendv(void *ctx, void *state, int fd, const struct iovec *iov, int iovcnt,
                       uint32_t *flags) {
    (void)ctx;
    saltare_tls_conn_t *conn = state;
    *flags = 0;
    ssize_t queued = write_out(conn, fd);
    if (queued < 0) return -1;
    if (queued > 0) {
        *flags = SALTARE_CORE_T_WANT_WRITE;
        errno = EAGAIN;
        return -1;
    }
    if (conn->dead || !SSL_is_init_finished(conn->ssl)) {
        errno = ENOTCONN;
        return -1;
    }
    /* Small pieces (a response head, a short body) are gathered so they
     * share a record; whole records go straight from the caller's memory. */
    char stage[PLAIN_RECORD];
    size_t staged = 0, taken = 0;
    for (int i = 0; i < iovcnt && taken < SEND_BUDGET; i++) {
        const char *p = iov[i].iov_base;
        size_t left = iov[i].iov_len;
        if (left > SEND_BUDGET - taken) left = SEND_BUDGET - taken;
        taken += left;
        while (left > 0) {
            size_t n;
            if (staged == 0 && left >= PLAIN_RECORD) {
                n = left - left % PLAIN_RECORD;
                if (seal(conn, p, n) < 0) return -1;
            } else {
                n = PLAIN_RECORD - staged < left ? PLAIN_RECORD - staged : left;
                memcpy(stage + staged, p, n);
                staged += n;
                if (staged == PLAIN_RECORD) {
                    if (seal(conn, stage, staged) < 0) return -1;
                    staged = 0;
                }
            }
            p += n;
            left -= n;
        }
    }
    if (staged > 0 && seal(conn, stage, staged) < 0) return -1;
    queued = write_out(conn, fd);
    if (queued < 0) return -1;
    if (queued > 0) *flags = SALTARE_CORE_T_WANT_WRITE;
    return (ssize_t)taken;
}

static ssize_t t_flush(void *ctx, void *state, int fd) {
    (void)ctx;
    return write_out(state, fd);
}

static void t_shutdown(void *ctx, void *state, int fd) {
    (void)ctx;
    saltare_tls_conn_t *conn = state;
    /* close_notify only after a handshake; either way one write attempt, as
     * the engine closes the fd next. */
    (void)saltare_tls_conn_close(conn);
    (void)write_out(conn, fd);
}

static void t_close(void *ctx, void *state) {
    (void)ctx;
    saltare_tls_conn_free(state);
}

static size_t t_alpn(void *ctx, void *state, char *out, size_t cap) {
    (void)ctx;
    const saltare_tls_conn_t *conn = state;
    const unsigned char *alpn = NULL;
    unsigned int len = 0;
    SSL_get0_alpn_selected(conn->ssl, &alpn, &len);
    if (alpn == NULL || len == 0 || len > cap) return 0; /* never a truncated name */
    memcpy(out, alpn, len);
    return len;
}

static const saltare_core_transport_t table = {
    .abi_version = SALTARE_CORE_TRANSPORT_ABI,
    .flags = SALTARE_CORE_T_HANDSHAKE,
    .open = t_open,
    .recv = t_recv,
    .sendv = t_sendv,
    .flush = t_flush,
    .shutdown = t_shutdown,
    .close = t_close,
    .alpn = t_alpn,
};

const saltare_core_transport_t *saltare_tls_transport_table(void) { return &table; }
