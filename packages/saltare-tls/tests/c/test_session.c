/* saltare-tls: the session API of _c/ under ASan+UBSan+LSan, no Python.
 *
 * ci/sanitize builds it with the flags of tests/c/LDLIBS; by hand (from
 * packages/saltare-tls):
 *   gcc -std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
 *       -fno-sanitize-recover=undefined -Isrc/saltare_tls/_c tests/c/test_session.c \
 *       src/saltare_tls/_c/\*.c -lssl -lcrypto -o /tmp/test_session && /tmp/test_session
 * It prints "N passed, 0 failed"; LSan reports any leak at exit.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "harness.h"
#include "tls.h"

static void check_names(void) {
    CHECK(saltare_tls_name_matches("example.com", 11, "EXAMPLE.com", 11));
    CHECK(saltare_tls_name_matches("example.com", 11, "example.com.", 12));
    CHECK(saltare_tls_name_matches("*.example.com", 13, "a.example.com", 13));
    CHECK(!saltare_tls_name_matches("*.example.com", 13, "example.com", 11));
    CHECK(!saltare_tls_name_matches("*.example.com", 13, "a.b.example.com", 15));
    CHECK(!saltare_tls_name_matches("*.example.com", 13, ".example.com", 12));
    CHECK(!saltare_tls_name_matches("", 0, "a", 1));
    CHECK(!saltare_tls_name_matches("a", 1, "", 0));
    const char wild[] = "*.example.com";
    const char exact[] = "api.example.com\0www.example.org";
    const char *names[] = {"", wild, exact};
    size_t lens[] = {0, sizeof wild - 1, sizeof exact - 1};
    CHECK(saltare_tls_pick(names, lens, 3, "api.example.com", 15) == 2);
    CHECK(saltare_tls_pick(names, lens, 3, "www.example.org", 15) == 2);
    CHECK(saltare_tls_pick(names, lens, 3, "x.example.com", 13) == 1);
    CHECK(saltare_tls_pick(names, lens, 3, "example.net", 11) == -1);
}

/* Move the client's pending bytes into the server session, byte by byte
 * when `trickle` (so records arrive split everywhere). */
static int to_server(BIO *client_out, saltare_tls_conn_t *conn, char *plain, size_t cap,
                     size_t *plain_len, int trickle) {
    char buf[65536];
    int n, rc = SALTARE_TLS_OK;
    *plain_len = 0;
    while ((n = BIO_read(client_out, buf, sizeof buf)) > 0) {
        size_t step = trickle ? 1 : (size_t)n;
        for (size_t off = 0; off < (size_t)n; off += step) {
            size_t got = 0;
            rc = saltare_tls_conn_receive(conn, buf + off, step, plain + *plain_len, cap - *plain_len,
                                          &got);
            *plain_len += got;
            while (rc == SALTARE_TLS_MORE && *plain_len < cap) {
                rc = saltare_tls_conn_receive(conn, NULL, 0, plain + *plain_len, cap - *plain_len,
                                              &got);
                *plain_len += got;
            }
            if (rc < 0) return rc;
        }
    }
    return rc;
}

static void to_client(saltare_tls_conn_t *conn, BIO *client_in) {
    const char *data = NULL;
    size_t n = saltare_tls_conn_peek(conn, &data);
    if (n > 0) BIO_write(client_in, data, (int)n);
    saltare_tls_conn_consumed(conn);
}

static void check_session(saltare_tls_ctx_t *ctx) {
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL *client = SSL_new(cctx);
    BIO *client_in = BIO_new(BIO_s_mem()), *client_out = BIO_new(BIO_s_mem());
    SSL_set_bio(client, client_in, client_out);
    SSL_set_connect_state(client);
    SSL_set_tlsext_host_name(client, "localhost");
    static const unsigned char alpn[] = "\x08http/1.1\x02h2";
    SSL_set_alpn_protos(client, alpn, sizeof alpn - 1);
    saltare_tls_conn_t *conn = saltare_tls_conn_new(ctx);
    CHECK(conn != NULL);
    size_t cap = 200000, got = 0;
    char *plain = malloc(cap);
    int rounds = 0;
    while (SSL_do_handshake(client) != 1 && rounds++ < 10) {
        CHECK(to_server(client_out, conn, plain, cap, &got, rounds == 1) == SALTARE_TLS_OK);
        to_client(conn, client_in);
    }
    /* The client's Finished plus 100 KB of data, split everywhere. */
    char *data = malloc(100000);
    for (size_t i = 0; i < 100000; i++) data[i] = (char)(i * 7);
    size_t written = 0;
    CHECK(SSL_write_ex(client, data, 100000, &written) == 1 && written == 100000);
    CHECK(to_server(client_out, conn, plain, cap, &got, 1) == SALTARE_TLS_OK);
    CHECK(got == 100000 && memcmp(plain, data, 100000) == 0);
    saltare_tls_info_t info;
    saltare_tls_conn_info(conn, &info);
    CHECK(info.handshake_done == 1);
    CHECK(info.alpn_len == 2 && memcmp(info.alpn, "h2", 2) == 0);
    CHECK(info.sni != NULL && strcmp(info.sni, "localhost") == 0);
    CHECK(strcmp(info.version, "TLSv1.3") == 0);
    CHECK(saltare_tls_conn_peer_der(conn, NULL, 0) == 0);
    /* And back, then close_notify both ways. */
    CHECK(saltare_tls_conn_send(conn, data, 100000) == SALTARE_TLS_OK);
    to_client(conn, client_in);
    size_t back = 0, n = 0;
    while (back < 100000 && SSL_read_ex(client, plain + back, cap - back, &n) == 1) back += n;
    CHECK(back == 100000 && memcmp(plain, data, 100000) == 0);
    SSL_shutdown(client);
    CHECK(to_server(client_out, conn, plain, cap, &got, 0) == SALTARE_TLS_CLOSED);
    CHECK(saltare_tls_conn_close(conn) == SALTARE_TLS_OK);
    to_client(conn, client_in);
    CHECK(SSL_shutdown(client) == 1);
    free(data);
    free(plain);
    saltare_tls_conn_free(conn);
    SSL_free(client);
    SSL_CTX_free(cctx);
}

static void check_garbage(saltare_tls_ctx_t *ctx) {
    saltare_tls_conn_t *conn = saltare_tls_conn_new(ctx);
    static const char get[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    char out[64];
    size_t got = 0;
    CHECK(saltare_tls_conn_receive(conn, get, sizeof get - 1, out, sizeof out, &got) == SALTARE_TLS_ERROR);
    char msg[128];
    saltare_tls_last_error(msg, sizeof msg);
    CHECK(msg[0] != '\0');
    CHECK(saltare_tls_conn_receive(conn, get, 3, out, sizeof out, &got) == SALTARE_TLS_E_STATE);
    CHECK(saltare_tls_conn_send(conn, get, 3) == SALTARE_TLS_E_STATE);
    saltare_tls_conn_consumed(conn);
    saltare_tls_conn_free(conn);
    /* A session freed with bytes held (half a ClientHello) leaks nothing. */
    conn = saltare_tls_conn_new(ctx);
    CHECK(saltare_tls_conn_receive(conn, "\x16\x03\x01\x02\x00\x01", 6, out, sizeof out, &got) ==
          SALTARE_TLS_OK);
    saltare_tls_conn_free(conn);
}

int main(void) {
    check_names();
    char cert[] = "/tmp/saltare-tls-certXXXXXX", key[] = "/tmp/saltare-tls-keyXXXXXX";
    char cert2[] = "/tmp/saltare-tls-certXXXXXX", key2[] = "/tmp/saltare-tls-keyXXXXXX";
    CHECK(make_pair(cert, key) && make_pair(cert2, key2));
    static const unsigned char alpn[] = "\x02h2\x08http/1.1";
    saltare_tls_options_t opts = {NULL, NULL, alpn, sizeof alpn - 1, SALTARE_TLS_CERT_NONE, 0x0303, 64, 2};
    char err[256];
    int code = 0;
    saltare_tls_ctx_t *ctx = saltare_tls_ctx_new(&opts, err, sizeof err, &code);
    CHECK(ctx != NULL && code == SALTARE_TLS_OK);
    CHECK(saltare_tls_ctx_add_cert(ctx, cert, key2, NULL, NULL, 0, err, sizeof err) == SALTARE_TLS_E_MISMATCH);
    CHECK(saltare_tls_ctx_add_cert(ctx, "/nonexistent", key, NULL, NULL, 0, err, sizeof err) == SALTARE_TLS_E_CERT);
    CHECK(saltare_tls_conn_new(ctx) == NULL); /* no certificate yet */
    CHECK(saltare_tls_ctx_add_cert(ctx, cert, key, NULL, NULL, 0, err, sizeof err) == SALTARE_TLS_OK);
    CHECK(saltare_tls_ctx_add_cert(ctx, cert2, key2, NULL, "other.example\0*.other.example", 29, err,
                                   sizeof err) == SALTARE_TLS_OK);
    check_session(ctx);
    check_garbage(ctx);
    saltare_tls_ctx_free(ctx);
    opts.min_version = 0x0301;
    CHECK(saltare_tls_ctx_new(&opts, err, sizeof err, &code) == NULL && code == SALTARE_TLS_E_STATE);
    unlink(cert);
    unlink(key);
    unlink(cert2);
    unlink(key2);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
