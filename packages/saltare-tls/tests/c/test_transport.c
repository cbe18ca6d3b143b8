/* saltare-tls: the engine transport table (_c/transport.c) over socketpairs,
 * as saltare-core's engine drives it, against an OpenSSL client on the other
 * end; under ASan+UBSan+LSan by ci/sanitize (tests/c/LDLIBS). By hand, from
 * packages/saltare-tls:
 *   gcc -std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
 *       -fno-sanitize-recover=undefined -Isrc/saltare_tls/_c tests/c/test_transport.c \
 *       src/saltare_tls/_c/\*.c -lssl -lcrypto -o /tmp/test_transport && /tmp/test_transport
 * Both ends are non-blocking, so every step runs to completion at once: no
 * waits, and every loop has a bound.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "core_transport.h"
#include "harness.h"
#include "tls_int.h"

#define ROUNDS 1000 /* bound of every exchange loop */
#define BIG (1024 * 1024)

typedef struct {
    const saltare_core_transport_t *t;
    saltare_tls_ctx_t *ctx;
    int server_fd, client_fd;
    void *state;
    SSL *client;
    unsigned ready_seen; /* T_READY reports */
} link_t;

static int link_open(link_t *l, const saltare_core_transport_t *t, saltare_tls_ctx_t *ctx,
                     SSL_CTX *cctx) {
    int fds[2];
    memset(l, 0, sizeof *l);
    l->t = t;
    l->ctx = ctx;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) != 0) return 0;
    l->server_fd = fds[0];
    l->client_fd = fds[1];
    l->client = SSL_new(cctx);
    SSL_set_fd(l->client, l->client_fd);
    SSL_set_connect_state(l->client);
    SSL_set_tlsext_host_name(l->client, "localhost");
    static const unsigned char alpn[] = "\x08http/1.1\x02h2";
    SSL_set_alpn_protos(l->client, alpn, sizeof alpn - 1);
    return t->open(ctx, l->server_fd, &l->state) == 0 && l->state != NULL;
}

static void link_close(link_t *l) {
    l->t->close(l->ctx, l->state);
    SSL_free(l->client);
    close(l->server_fd);
    close(l->client_fd);
}

/* One engine read: the result, and T_READY counted. */
static ssize_t server_recv(link_t *l, char *buf, size_t len, uint32_t *flags) {
    ssize_t n = l->t->recv(l->ctx, l->state, l->server_fd, buf, len, flags);
    if (*flags & SALTARE_CORE_T_READY) l->ready_seen++;
    return n;
}

static int handshake(link_t *l) {
    char buf[256];
    for (int i = 0; i < ROUNDS; i++) {
        int client_done = SSL_do_handshake(l->client) == 1;
        uint32_t flags = 0;
        ssize_t n = server_recv(l, buf, sizeof buf, &flags);
        if (n < 0 && errno != EAGAIN) return 0;
        if (client_done && l->ready_seen) return 1;
    }
    return 0;
}

static void check_table(const saltare_core_transport_t *t) {
    CHECK(t->abi_version == SALTARE_CORE_TRANSPORT_ABI && t->abi_version == 2);
    CHECK(t->flags == SALTARE_CORE_T_HANDSHAKE);
    CHECK(saltare_tls_transport_table() == t); /* one static table */
}

/* Handshake, ALPN, T_MORE with a small buffer, close_notify after data. */
static void check_receive(const saltare_core_transport_t *t, saltare_tls_ctx_t *ctx, SSL_CTX *cctx) {
    link_t l;
    CHECK(link_open(&l, t, ctx, cctx));
    uint32_t flags = 0;
    char buf[1000];
    errno = 0;
    CHECK(server_recv(&l, buf, sizeof buf, &flags) == -1 && errno == EAGAIN); /* nothing yet */
    CHECK(handshake(&l));
    CHECK(l.ready_seen == 1);
    char alpn[16];
    CHECK(t->alpn(ctx, l.state, alpn, sizeof alpn) == 2 && memcmp(alpn, "h2", 2) == 0);
    CHECK(t->alpn(ctx, l.state, alpn, 1) == 0); /* never truncated */

    /* 40000 bytes through a 1000-byte buffer: MORE until the records are drained. */
    char *data = malloc(40000);
    for (size_t i = 0; i < 40000; i++) data[i] = (char)(i * 13);
    size_t written = 0;
    CHECK(SSL_write_ex(l.client, data, 40000, &written) == 1 && written == 40000);
    char *got = malloc(40000);
    size_t total = 0;
    int more_seen = 0;
    for (int i = 0; i < ROUNDS && total < 40000; i++) {
        ssize_t n = server_recv(&l, buf, sizeof buf, &flags);
        if (n > 0) {
            CHECK(total + (size_t)n <= 40000);
            if (total + (size_t)n > 40000) break;
            memcpy(got + total, buf, (size_t)n);
            total += (size_t)n;
        } else {
            CHECK(n == -1 && errno == EAGAIN);
        }
        more_seen |= (flags & SALTARE_CORE_T_MORE) != 0;
    }
    CHECK(total == 40000 && memcmp(got, data, 40000) == 0);
    CHECK(more_seen);
    CHECK(l.ready_seen == 1); /* once only */
    errno = 0;
    CHECK(server_recv(&l, buf, 0, &flags) == -1 && errno == EAGAIN && flags == 0); /* no room */

    /* Data then close_notify in one flight: the data (with MORE), then 0. */
    CHECK(SSL_write_ex(l.client, "bye", 3, &written) == 1);
    SSL_shutdown(l.client);
    CHECK(server_recv(&l, buf, sizeof buf, &flags) == 3 && memcmp(buf, "bye", 3) == 0);
    CHECK(flags & SALTARE_CORE_T_MORE);
    CHECK(server_recv(&l, buf, sizeof buf, &flags) == 0);
    CHECK(server_recv(&l, buf, sizeof buf, &flags) == 0);
    CHECK(SSL_shutdown(l.client) == 1); /* the server answered with its close_notify */
    free(got);
    free(data);
    link_close(&l);
}

/* Read what the client gets (TLS plaintext) into out, up to cap. */
static size_t client_read(link_t *l, char *out, size_t cap) {
    size_t total = 0, n = 0;
    while (total < cap && SSL_read_ex(l->client, out + total, cap - total, &n) == 1) total += n;
    return total;
}

/* 1 MiB out through a small socket buffer: sendv takes at most 64 KiB a
 * call and nothing while ciphertext is queued, so the queue stays bounded. */
static void check_send_bounded(const saltare_core_transport_t *t, saltare_tls_ctx_t *ctx,
                               SSL_CTX *cctx) {
    link_t l;
    CHECK(link_open(&l, t, ctx, cctx));
    CHECK(handshake(&l));
    int small = 16384;
    setsockopt(l.server_fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    char *body = malloc(BIG);
    for (size_t i = 0; i < BIG; i++) body[i] = (char)(i * 7 + 1);
    static const char head[] = "HTTP/1.1 200 OK\r\ncontent-length: 1048576\r\n\r\n";
    size_t head_len = sizeof head - 1, total = head_len + BIG;
    char *expect = malloc(total), *got = malloc(total);
    memcpy(expect, head, head_len);
    memcpy(expect + head_len, body, BIG);

    size_t taken = 0, received = 0, max_queued = 0;
    int eagain_seen = 0, want_write_seen = 0;
    for (int i = 0; i < 100000 && received < total; i++) {
        uint32_t flags = 0;
        if (taken < total) {
            /* What is left, as the engine has it: head and body in two pieces. */
            struct iovec iov[2];
            int n_iov = 0;
            if (taken < head_len) {
                iov[n_iov].iov_base = (char *)head + taken;
                iov[n_iov++].iov_len = head_len - taken;
            }
            size_t body_off = taken > head_len ? taken - head_len : 0;
            iov[n_iov].iov_base = body + body_off;
            iov[n_iov++].iov_len = BIG - body_off;
            ssize_t n = t->sendv(ctx, l.state, l.server_fd, iov, n_iov, &flags);
            if (n >= 0) {
                CHECK(n <= 64 * 1024);
                taken += (size_t)n;
            } else {
                CHECK(errno == EAGAIN && (flags & SALTARE_CORE_T_WANT_WRITE));
                eagain_seen = 1;
            }
        } else {
            CHECK(t->flush(ctx, l.state, l.server_fd) >= 0);
        }
        want_write_seen |= (flags & SALTARE_CORE_T_WANT_WRITE) != 0;
        const char *queued = NULL;
        size_t q = saltare_tls_conn_peek(l.state, &queued);
        if (q > max_queued) max_queued = q;
        /* The client reads only every fourth round: a slow reader. */
        if (i % 4 == 3) received += client_read(&l, got + received, total - received);
    }
    CHECK(received == total && memcmp(got, expect, total) == 0);
    CHECK(eagain_seen && want_write_seen);
    /* One budget of plaintext as records: 64 KiB + 5 records' overhead. */
    CHECK(max_queued > 0 && max_queued <= 64 * 1024 + 5 * 64);
    CHECK(t->flush(ctx, l.state, l.server_fd) == 0);

    /* An empty iov takes nothing. */
    uint32_t flags = 0;
    CHECK(t->sendv(ctx, l.state, l.server_fd, NULL, 0, &flags) == 0 && flags == 0);

    /* Orderly end from our side: the client reads close_notify. */
    t->shutdown(ctx, l.state, l.server_fd);
    char byte;
    size_t n = 0;
    CHECK(SSL_read_ex(l.client, &byte, 1, &n) == 0);
    CHECK(SSL_get_error(l.client, 0) == SSL_ERROR_ZERO_RETURN);
    free(expect);
    free(got);
    free(body);
    link_close(&l);
}

/* Not TLS: -1 EPROTO and the state still freeable. An HTTP request gets no
 * alert from OpenSSL; a malformed handshake record gets one. */
static void check_garbage(const saltare_core_transport_t *t, saltare_tls_ctx_t *ctx, SSL_CTX *cctx) {
    static const char get[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    static const char empty_hello[] = "\x16\x03\x01\x00\x04\x01\x00\x00\x00";
    const char *inputs[] = {get, empty_hello};
    size_t lens[] = {sizeof get - 1, sizeof empty_hello - 1};
    for (int i = 0; i < 2; i++) {
        link_t l;
        CHECK(link_open(&l, t, ctx, cctx));
        CHECK(write(l.client_fd, inputs[i], lens[i]) == (ssize_t)lens[i]);
        char buf[64];
        uint32_t flags = 0;
        errno = 0;
        CHECK(server_recv(&l, buf, sizeof buf, &flags) == -1 && errno == EPROTO);
        unsigned char alert[64];
        ssize_t n = read(l.client_fd, alert, sizeof alert);
        if (i == 1) CHECK(n == 7 && alert[0] == 0x15 && alert[5] == 2); /* a fatal alert record */
        ERR_clear_error();
        link_close(&l);
    }
}

/* The peer leaves mid-handshake, or before any: end of stream; sendv before
 * the handshake is refused; flush to a vanished peer fails. */
static void check_edges(const saltare_core_transport_t *t, saltare_tls_ctx_t *ctx, SSL_CTX *cctx) {
    link_t l;
    CHECK(link_open(&l, t, ctx, cctx));
    char buf[64];
    uint32_t flags = 0;
    CHECK(SSL_do_handshake(l.client) != 1); /* ClientHello sent */
    CHECK(server_recv(&l, buf, sizeof buf, &flags) == -1 && errno == EAGAIN);
    CHECK(l.ready_seen == 0);
    struct iovec iov = {(void *)"x", 1};
    CHECK(t->sendv(ctx, l.state, l.server_fd, &iov, 1, &flags) == -1 && errno == ENOTCONN);
    shutdown(l.client_fd, SHUT_WR);
    CHECK(server_recv(&l, buf, sizeof buf, &flags) == 0);
    t->shutdown(ctx, l.state, l.server_fd); /* no handshake: nothing to say */
    link_close(&l);

    CHECK(link_open(&l, t, ctx, cctx));
    CHECK(handshake(&l));
    char data[4096];
    memset(data, 'z', sizeof data);
    close(l.client_fd);
    l.client_fd = -1;
    struct iovec big = {data, sizeof data};
    ssize_t n = 0;
    for (int i = 0; i < ROUNDS && n >= 0; i++) n = t->sendv(ctx, l.state, l.server_fd, &big, 1, &flags);
    CHECK(n == -1 && errno == EPIPE);
    t->shutdown(ctx, l.state, l.server_fd); /* best effort to nobody: no crash */
    link_close(&l);
}

int main(void) {
    char cert[] = "/tmp/saltare-tls-certXXXXXX", key[] = "/tmp/saltare-tls-keyXXXXXX";
    CHECK(make_pair(cert, key));
    static const unsigned char alpn[] = "\x02h2\x08http/1.1";
    saltare_tls_options_t opts = {NULL, NULL, alpn, sizeof alpn - 1, SALTARE_TLS_CERT_NONE, 0x0303, 64, 2};
    char err[256];
    int code = 0;
    saltare_tls_ctx_t *ctx = saltare_tls_ctx_new(&opts, err, sizeof err, &code);
    CHECK(ctx != NULL);
    CHECK(saltare_tls_ctx_add_cert(ctx, cert, key, NULL, NULL, 0, err, sizeof err) == SALTARE_TLS_OK);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    const saltare_core_transport_t *t = saltare_tls_transport_table();
    check_table(t);
    check_receive(t, ctx, cctx);
    check_send_bounded(t, ctx, cctx);
    check_garbage(t, ctx, cctx);
    check_edges(t, ctx, cctx);
    SSL_CTX_free(cctx);
    saltare_tls_ctx_free(ctx);
    unlink(cert);
    unlink(key);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
