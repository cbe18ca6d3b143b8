/* saltare-core tests: the "hello-then-XOR" transport (xor_transport.h). */
#define _GNU_SOURCE
#include "xor_transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    int ready;
    uint32_t hello_len;
    uint32_t in_off, in_len;   /* decoded plaintext waiting in in[] */
    uint32_t out_off, out_len; /* encoded output waiting in out[] */
    char hello[4];
    char in[XOR_IN_CAP];
    char out[XOR_OUT_CAP];
} xor_state_t;

/* Append to the output queue, XORed or not; returns the bytes taken
 * (bounded by the queue's room). */
static size_t queue(xor_state_t *st, const char *data, size_t len, int encode)
{
    if (st->out_off && st->out_off + st->out_len + len > XOR_OUT_CAP) {
        memmove(st->out, st->out + st->out_off, st->out_len);
        st->out_off = 0;
    }
    size_t room = XOR_OUT_CAP - st->out_off - st->out_len;
    size_t take = len < room ? len : room;
    char *dst = st->out + st->out_off + st->out_len;
    for (size_t i = 0; i < take; i++)
        dst[i] = encode ? (char)(data[i] ^ XOR_KEY) : data[i];
    st->out_len += (uint32_t)take;
    return take;
}

/* One write of at most `limit` queued bytes; -1 on a fatal error, else the
 * bytes still queued. */
static ssize_t write_some(xor_state_t *st, int fd, size_t limit)
{
    if (!st->out_len)
        return 0;
    size_t want = st->out_len < limit ? st->out_len : limit;
    ssize_t n = send(fd, st->out + st->out_off, want, MSG_NOSIGNAL);
    if (n < 0)
        return (errno == EAGAIN || errno == EINTR) ? (ssize_t)st->out_len : -1;
    st->out_off += (uint32_t)n;
    st->out_len -= (uint32_t)n;
    if (!st->out_len)
        st->out_off = 0;
    return (ssize_t)st->out_len;
}

static int xor_open(void *ctx, int fd, void **state)
{
    (void)fd;
    xor_ctx_t *x = ctx;
    if (x->refuse)
        return -1;
    xor_state_t *st = calloc(1, sizeof(*st));
    if (!st)
        return -1;
    x->opened++;
    *state = st;
    return 0;
}

/* The client's hello at the front of in[]: consumed, and answered once
 * complete. 1: done, 0: more to come, -1: not a hello (errno set). */
static int take_hello(xor_ctx_t *x, xor_state_t *st, int fd)
{
    uint32_t need = 4 - st->hello_len;
    uint32_t take = st->in_len < need ? st->in_len : need;
    memcpy(st->hello + st->hello_len, st->in + st->in_off, take);
    st->hello_len += take;
    st->in_off += take;
    st->in_len -= take;
    if (st->hello_len < 4)
        return 0;
    if (memcmp(st->hello, "HELO", 4) != 0) {
        errno = EPROTO;
        return -1;
    }
    char answer[3 + sizeof(x->alpn)];
    uint32_t alpn_len = x->alpn_len < sizeof(x->alpn) ? x->alpn_len : (uint32_t)sizeof(x->alpn);
    memcpy(answer, "OK", 2);
    answer[2] = (char)alpn_len;
    memcpy(answer + 3, x->alpn, alpn_len);
    queue(st, answer, 3 + alpn_len, 0);
    st->ready = 1;
    if (write_some(st, fd, x->budget) < 0)
        return -1;
    return 1;
}

static ssize_t xor_recv(void *ctx, void *state, int fd, char *buf, size_t len, uint32_t *flags)
{
    xor_ctx_t *x = ctx;
    xor_state_t *st = state;
    if (!st->in_len) {
        ssize_t n = read(fd, st->in, sizeof(st->in));
        if (n <= 0) {
            int err = errno;
            if (st->out_len)
                *flags |= SALTARE_CORE_T_WANT_WRITE;
            errno = err;
            return n;
        }
        st->in_off = 0;
        st->in_len = (uint32_t)n;
        if (!st->ready) {
            int rc = take_hello(x, st, fd);
            if (rc < 0)
                return -1;
            if (rc > 0)
                *flags |= SALTARE_CORE_T_READY;
        }
        for (uint32_t i = 0; i < st->in_len; i++)
            st->in[st->in_off + i] ^= XOR_KEY;
    }
    if (st->out_len)
        *flags |= SALTARE_CORE_T_WANT_WRITE;
    if (!st->in_len) {
        errno = EAGAIN;
        return -1;
    }
    size_t give = st->in_len < XOR_RECV_MAX ? st->in_len : XOR_RECV_MAX;
    if (give > len)
        give = len;
    memcpy(buf, st->in + st->in_off, give);
    st->in_off += (uint32_t)give;
    st->in_len -= (uint32_t)give;
    if (st->in_len)
        *flags |= SALTARE_CORE_T_MORE;
    return (ssize_t)give;
}

static ssize_t xor_sendv(void *ctx, void *state, int fd, const struct iovec *iov, int iovcnt,
                         uint32_t *flags)
{
    xor_ctx_t *x = ctx;
    xor_state_t *st = state;
    if (write_some(st, fd, x->budget) < 0)
        return -1;
    if (st->out_len) {
        *flags |= SALTARE_CORE_T_WANT_WRITE;
        errno = EAGAIN;
        return -1;
    }
    size_t taken = 0;
    for (int i = 0; i < iovcnt; i++) {
        size_t took = queue(st, iov[i].iov_base, iov[i].iov_len, 1);
        taken += took;
        if (took < iov[i].iov_len)
            break;
    }
    if (write_some(st, fd, x->budget) < 0)
        return -1;
    if (st->out_len)
        *flags |= SALTARE_CORE_T_WANT_WRITE;
    return (ssize_t)taken;
}

static ssize_t xor_flush(void *ctx, void *state, int fd)
{
    xor_ctx_t *x = ctx;
    return write_some(state, fd, x->budget);
}

static void xor_shutdown(void *ctx, void *state, int fd)
{
    xor_ctx_t *x = ctx;
    xor_state_t *st = state;
    x->shutdowns++;
    queue(st, "BYE", 3, 1);
    write_some(st, fd, XOR_OUT_CAP); /* once, best effort, like close_notify */
}

static void xor_close(void *ctx, void *state)
{
    xor_ctx_t *x = ctx;
    x->closed++;
    free(state);
}

static size_t xor_alpn(void *ctx, void *state, char *out, size_t cap)
{
    (void)state;
    xor_ctx_t *x = ctx;
    size_t len = x->alpn_len < sizeof(x->alpn) ? x->alpn_len : sizeof(x->alpn);
    if (len > cap)
        len = cap;
    memcpy(out, x->alpn, len);
    return len;
}

static const saltare_core_transport_t xor_table = {
    .abi_version = SALTARE_CORE_TRANSPORT_ABI,
    .flags = SALTARE_CORE_T_HANDSHAKE,
    .open = xor_open,
    .recv = xor_recv,
    .sendv = xor_sendv,
    .flush = xor_flush,
    .shutdown = xor_shutdown,
    .close = xor_close,
    .alpn = xor_alpn,
};

const saltare_core_transport_t *xor_transport_table(void) { return &xor_table; }
