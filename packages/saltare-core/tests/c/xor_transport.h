/* saltare-core tests: "hello-then-XOR", a transport that needs no OpenSSL,
 * so that the engine's transport seam is tested inside saltare-core.
 *
 * Handshake: the client sends the 4 bytes "HELO"; the server answers "OK",
 * one length byte and the ALPN name (sent as is). Afterwards every byte
 * both ways is XORed with 0x5A. To exercise the seam's corners, recv hands
 * out at most 7 bytes per call (T_MORE while more is buffered), output is
 * queued inside (4 KiB) and written at most `budget` bytes per sendv or
 * flush (T_WANT_WRITE), and shutdown sends the marker "BYE" (XORed).
 *
 * Used by tests/c/test_core.c (included) and, built with cffi into a
 * temporary module, by tests/test_engine_transport.py. */
#ifndef SALTARE_CORE_XOR_TRANSPORT_H
#define SALTARE_CORE_XOR_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"

#define XOR_KEY 0x5A
#define XOR_RECV_MAX 7u
#define XOR_IN_CAP 4096u
#define XOR_OUT_CAP 4096u

/* The transport's ctx: settings and what happened (for the tests). */
typedef struct {
    char alpn[32];
    uint32_t alpn_len;
    uint32_t budget;  /* bytes written per sendv / flush call */
    uint32_t refuse;  /* open() refuses every connection */
    uint32_t opened, closed, shutdowns;
} xor_ctx_t;

const saltare_core_transport_t *xor_transport_table(void);

#endif
