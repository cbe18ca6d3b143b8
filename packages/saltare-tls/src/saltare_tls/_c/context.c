/* saltare-tls: the SSL_CTX set (one per certificate), SNI and ALPN callbacks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tls_int.h"

#define TICKET_KEYS_LEN 80 /* name 16 + HMAC 32 + AES 32: OpenSSL's fixed size */
#define SID_CTX "saltare"

static void set_error(char *err, size_t err_len, const char *what) {
    if (err == NULL || err_len == 0) return;
    char reason[200];
    saltare_tls_last_error(reason, sizeof reason);
    snprintf(err, err_len, "%s: %s", what, reason);
}

static char *copy_string(const char *s) {
    if (s == NULL) return NULL;
    size_t n = strlen(s) + 1;
    char *out = malloc(n);
    if (out != NULL) memcpy(out, s, n);
    return out;
}

/* A key's password comes only from the caller: never a terminal prompt. */
static int password_cb(char *buf, int size, int rwflag, void *userdata) {
    (void)rwflag;
    if (userdata == NULL || size <= 0) return -1;
    size_t n = strlen((const char *)userdata);
    if (n > (size_t)size) return -1;
    memcpy(buf, userdata, n);
    return (int)n;
}

static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                   const unsigned char *in, unsigned int inlen, void *arg) {
    (void)ssl;
    const saltare_tls_ctx_t *ctx = arg;
    unsigned char *chosen = NULL;
    /* Server preference, as CPython's ssl module does. */
    if (SSL_select_next_proto(&chosen, outlen, ctx->alpn, (unsigned int)ctx->alpn_len, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

static int sni_cb(SSL *ssl, int *alert, void *arg) {
    (void)alert;
    const saltare_tls_ctx_t *ctx = arg;
    const char *host = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (host == NULL || ctx->count < 2) return SSL_TLSEXT_ERR_OK;
    int i = saltare_tls_pick((const char *const *)ctx->names, ctx->names_len, ctx->count, host,
                             strlen(host));
    if (i > 0 && SSL_set_SSL_CTX(ssl, ctx->ctxs[i]) == NULL) return SSL_TLSEXT_ERR_ALERT_FATAL;
    return SSL_TLSEXT_ERR_OK;
}

saltare_tls_ctx_t *saltare_tls_ctx_new(const saltare_tls_options_t *opts, char *err, size_t err_len,
                                       int *code) {
    *code = SALTARE_TLS_E_NOMEM;
    if (opts->alpn_len > 0xFFFF || opts->cert_reqs > SALTARE_TLS_CERT_REQUIRED ||
        (opts->min_version != TLS1_2_VERSION && opts->min_version != TLS1_3_VERSION)) {
        *code = SALTARE_TLS_E_STATE;
        snprintf(err, err_len, "invalid options");
        return NULL;
    }
    saltare_tls_ctx_t *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) return NULL;
    ctx->cert_reqs = opts->cert_reqs;
    ctx->min_version = opts->min_version;
    ctx->session_cache_size = opts->session_cache_size;
    ctx->num_tickets = opts->num_tickets;
    ctx->ca_certs = copy_string(opts->ca_certs);
    ctx->ciphers = copy_string(opts->ciphers);
    if ((opts->ca_certs && !ctx->ca_certs) || (opts->ciphers && !ctx->ciphers)) goto fail;
    if (opts->alpn_len > 0) {
        ctx->alpn = malloc(opts->alpn_len);
        if (ctx->alpn == NULL) goto fail;
        memcpy(ctx->alpn, opts->alpn, opts->alpn_len);
        ctx->alpn_len = opts->alpn_len;
    }
    if (saltare_tls_bio_methods(ctx) != SALTARE_TLS_OK) goto fail;
    *code = SALTARE_TLS_OK;
    return ctx;
fail:
    snprintf(err, err_len, "out of memory");
    saltare_tls_ctx_free(ctx);
    return NULL;
}

static int configure(saltare_tls_ctx_t *ctx, SSL_CTX *s, char *err, size_t err_len) {
    if (!SSL_CTX_set_min_proto_version(s, (int)ctx->min_version)) {
        set_error(err, err_len, "cannot set the minimum version");
        return SALTARE_TLS_E_STATE;
    }
    SSL_CTX_set_options(s, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                               SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_clear_options(s, SSL_OP_NO_TICKET);
    /* An idle session keeps no record buffers. */
    SSL_CTX_set_mode(s, SSL_MODE_RELEASE_BUFFERS);
    if (!SSL_CTX_set_num_tickets(s, ctx->num_tickets)) return SALTARE_TLS_E_NOMEM;
    SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(s, (long)ctx->session_cache_size);
    if (!SSL_CTX_set_session_id_context(s, (const unsigned char *)SID_CTX, sizeof SID_CTX - 1))
        return SALTARE_TLS_E_NOMEM;
    if (ctx->ciphers && !SSL_CTX_set_cipher_list(s, ctx->ciphers)) {
        set_error(err, err_len, "no usable cipher in ciphers");
        return SALTARE_TLS_E_CIPHERS;
    }
    if (ctx->ca_certs && !SSL_CTX_load_verify_locations(s, ctx->ca_certs, NULL)) {
        set_error(err, err_len, "cannot load ca_certs");
        return SALTARE_TLS_E_CA;
    }
    int mode = SSL_VERIFY_NONE;
    if (ctx->cert_reqs == SALTARE_TLS_CERT_OPTIONAL) mode = SSL_VERIFY_PEER;
    if (ctx->cert_reqs == SALTARE_TLS_CERT_REQUIRED)
        mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(s, mode, NULL);
    if (ctx->alpn_len > 0) SSL_CTX_set_alpn_select_cb(s, alpn_cb, ctx);
    SSL_CTX_set_tlsext_servername_callback(s, sni_cb);
    SSL_CTX_set_tlsext_servername_arg(s, ctx);
    SSL_CTX_set_default_passwd_cb(s, password_cb);
    if (ctx->count > 0) {
        /* Tickets issued under any certificate resume under all of them. */
        unsigned char keys[TICKET_KEYS_LEN];
        if (SSL_CTX_get_tlsext_ticket_keys(ctx->ctxs[0], keys, sizeof keys) <= 0 ||
            SSL_CTX_set_tlsext_ticket_keys(s, keys, sizeof keys) <= 0)
            return SALTARE_TLS_E_NOMEM;
        OPENSSL_cleanse(keys, sizeof keys);
    }
    return SALTARE_TLS_OK;
}

static int load_pair(SSL_CTX *s, const char *certfile, const char *keyfile, const char *password,
                     char *err, size_t err_len) {
    if (!SSL_CTX_use_certificate_chain_file(s, certfile)) {
        set_error(err, err_len, "cannot load the certificate");
        return SALTARE_TLS_E_CERT;
    }
    SSL_CTX_set_default_passwd_cb_userdata(s, (void *)password);
    int ok = SSL_CTX_use_PrivateKey_file(s, keyfile, SSL_FILETYPE_PEM);
    SSL_CTX_set_default_passwd_cb_userdata(s, NULL);
    if (!ok) {
        unsigned long e = ERR_peek_last_error();
        if (ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH) {
            set_error(err, err_len, "the key does not match the certificate");
            return SALTARE_TLS_E_MISMATCH;
        }
        set_error(err, err_len, "cannot load the key");
        return SALTARE_TLS_E_KEY;
    }
    if (!SSL_CTX_check_private_key(s)) {
        set_error(err, err_len, "the key does not match the certificate");
        return SALTARE_TLS_E_MISMATCH;
    }
    return SALTARE_TLS_OK;
}

int saltare_tls_ctx_add_cert(saltare_tls_ctx_t *ctx, const char *certfile, const char *keyfile,
                             const char *password, const char *names, size_t names_len,
                             char *err, size_t err_len) {
    ERR_clear_error();
    if (ctx->count == ctx->cap) {
        size_t cap = ctx->cap ? ctx->cap * 2 : 2;
        SSL_CTX **ctxs = realloc(ctx->ctxs, cap * sizeof *ctxs);
        if (ctxs == NULL) return SALTARE_TLS_E_NOMEM;
        ctx->ctxs = ctxs;
        char **nm = realloc(ctx->names, cap * sizeof *nm);
        if (nm == NULL) return SALTARE_TLS_E_NOMEM;
        ctx->names = nm;
        size_t *nl = realloc(ctx->names_len, cap * sizeof *nl);
        if (nl == NULL) return SALTARE_TLS_E_NOMEM;
        ctx->names_len = nl;
        ctx->cap = cap;
    }
    char *names_copy = NULL;
    if (names_len > 0) {
        names_copy = malloc(names_len);
        if (names_copy == NULL) return SALTARE_TLS_E_NOMEM;
        memcpy(names_copy, names, names_len);
    }
    SSL_CTX *s = SSL_CTX_new(TLS_server_method());
    if (s == NULL) {
        free(names_copy);
        return SALTARE_TLS_E_NOMEM;
    }
    int rc = configure(ctx, s, err, err_len);
    if (rc == SALTARE_TLS_OK) rc = load_pair(s, certfile, keyfile, password, err, err_len);
    if (rc != SALTARE_TLS_OK) {
        SSL_CTX_free(s);
        free(names_copy);
        return rc;
    }
    ctx->ctxs[ctx->count] = s;
    ctx->names[ctx->count] = names_copy;
    ctx->names_len[ctx->count] = names_len;
    ctx->count++;
    return SALTARE_TLS_OK;
}

void saltare_tls_ctx_free(saltare_tls_ctx_t *ctx) {
    if (ctx == NULL) return;
    for (size_t i = 0; i < ctx->count; i++) {
        SSL_CTX_free(ctx->ctxs[i]);
        free(ctx->names[i]);
    }
    free(ctx->ctxs);
    free(ctx->names);
    free(ctx->names_len);
    free(ctx->alpn);
    free(ctx->ca_certs);
    free(ctx->ciphers);
    BIO_meth_free(ctx->in_method);
    BIO_meth_free(ctx->out_method);
    free(ctx);
}

void saltare_tls_last_error(char *out, size_t cap) {
    if (out == NULL || cap == 0) return;
    unsigned long e = ERR_peek_last_error();
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    if (reason != NULL)
        snprintf(out, cap, "%s", reason);
    else if (e != 0)
        ERR_error_string_n(e, out, cap);
    else
        snprintf(out, cap, "unknown error");
    ERR_clear_error();
}
