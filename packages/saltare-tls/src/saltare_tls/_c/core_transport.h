/* saltare-tls: saltare-core's transport seam, so this package builds without
 * saltare-core. The block from "The transport seam" to the struct's closing
 * line is a byte-identical copy of the one in saltare-core's _c/engine.h
 * (tests/test_core_abi.py compares them when saltare-core is at hand). */
#ifndef SALTARE_TLS_CORE_TRANSPORT_H
#define SALTARE_TLS_CORE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* The transport seam: how bytes move on a connection's fd. The default is
 * plain read / sendmsg with no per-connection state; saltare-tls hands in
 * its own table. Every function is called from saltare_core_engine_poll or a
 * handle operation on the engine's thread, never concurrently. */
#define SALTARE_CORE_TRANSPORT_ABI 2

/* Table flags */
#define SALTARE_CORE_T_HANDSHAKE 0x1u /* connections start with a handshake */
/* Per-call out flags (recv, sendv) */
#define SALTARE_CORE_T_READY 0x1u  /* recv: the handshake finished during this call */
#define SALTARE_CORE_T_MORE 0x2u   /* recv: plaintext still buffered inside: call recv
                                      again without waiting for the fd */
#define SALTARE_CORE_T_WANT_WRITE 0x4u /* recv/sendv: own output queued: call flush
                                          when the fd is writable */

typedef struct {
    uint32_t abi_version;   /* SALTARE_CORE_TRANSPORT_ABI */
    uint32_t flags;         /* SALTARE_CORE_T_HANDSHAKE */
    /* A new connection: *state = the transport's per-connection state.
     * < 0 refuses it (closed at once, counted as rejected). */
    int (*open)(void *ctx, int fd, void **state);
    /* Plaintext into buf: > 0 bytes, 0 orderly end of stream (FIN or
     * close_notify), -1 with errno (EAGAIN: nothing yet, e.g. mid-handshake;
     * anything else: fatal). Handshake records it must send are sent inside
     * the call; what the socket did not take stays queued (T_WANT_WRITE). */
    ssize_t (*recv)(void *ctx, void *state, int fd, char *buf, size_t len, uint32_t *flags);
    /* Take plaintext from iov: bytes taken (>= 0) or -1 with errno (EAGAIN:
     * nothing taken because earlier output is still queued). Taken bytes are
     * the transport's to deliver: T_WANT_WRITE when some of it is queued. */
    ssize_t (*sendv)(void *ctx, void *state, int fd, const struct iovec *iov, int iovcnt,
                     uint32_t *flags);
    /* Send queued output: bytes still queued after trying (0: all sent),
     * -1 with errno on a fatal error. */
    ssize_t (*flush)(void *ctx, void *state, int fd);
    /* Orderly end (TLS close_notify): queue it and try once to send it. */
    void (*shutdown)(void *ctx, void *state, int fd);
    /* The connection is gone: free the state (the engine closes the fd after). */
    void (*close)(void *ctx, void *state);
    /* The negotiated application protocol (ALPN) into out: its length, 0 for none. */
    size_t (*alpn)(void *ctx, void *state, char *out, size_t cap);
} saltare_core_transport_t;

/* This package's table: ctx is a saltare_tls_ctx_t * (outliving the engine's
 * connections), each state a saltare_tls_conn_t *. Static and const. */
const saltare_core_transport_t *saltare_tls_transport_table(void);

#endif
