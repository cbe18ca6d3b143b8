/* saltare-core: the engine's C API (used through cffi by _cbackend.py).
 *
 * One engine = one epoll set holding its listeners, its connections, a
 * timerfd (armed only while a timer is pending) and an eventfd (work left
 * over for the next poll). The caller registers saltare_core_engine_fileno()
 * with its event loop and calls saltare_core_engine_poll() when it is
 * readable: the engine never blocks and never calls back into Python.
 *
 * Handles are (generation << 32) | slot; an operation on a handle whose
 * connection is gone returns SALTARE_CORE_STALE and does nothing.
 */
#ifndef SALTARE_CORE_ENGINE_H
#define SALTARE_CORE_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "http1_abi.h"
#include "iptable.h"

/* The config layout (saltare_core_config_t.abi_version); 2: handshake fields. */
#define SALTARE_CORE_ABI_VERSION 2

/* Event kinds. */
#define SALTARE_CORE_EV_OPENED 1  /* engine without protocol: a new connection */
#define SALTARE_CORE_EV_HEAD 2    /* a complete request head (payload: the head) */
#define SALTARE_CORE_EV_BODY 3    /* request body bytes, framing removed */
#define SALTARE_CORE_EV_END 4     /* end of the body (payload: chunked trailers) */
#define SALTARE_CORE_EV_RAW 5     /* raw-mode bytes */
#define SALTARE_CORE_EV_ERROR 6   /* malformed request: aux = error code, value = status */
#define SALTARE_CORE_EV_DRAINED 7 /* pending bytes fell to the low-water mark */
#define SALTARE_CORE_EV_CLOSED 8  /* aux = SALTARE_CORE_CLOSE_* */
#define SALTARE_CORE_EV_TIMER 9   /* value = timer id, handle = the tag given */
#define SALTARE_CORE_EV_STOPPED 10 /* graceful stop: the last connection is gone */
#define SALTARE_CORE_EV_SECURE 11 /* transport handshake done (payload: ALPN protocol,
                                     empty for none); reading is paused until
                                     resume_reading() or set_raw() */

/* Why a connection closed (EV_CLOSED aux). */
#define SALTARE_CORE_CLOSE_PEER 1       /* orderly end of stream from the peer */
#define SALTARE_CORE_CLOSE_RESET 2      /* reset or I/O error */
#define SALTARE_CORE_CLOSE_HEADER_TIMEOUT 3
#define SALTARE_CORE_CLOSE_BODY_TIMEOUT 4
#define SALTARE_CORE_CLOSE_KEEPALIVE_TIMEOUT 5
#define SALTARE_CORE_CLOSE_WRITE_TIMEOUT 6
#define SALTARE_CORE_CLOSE_LIFETIME 7
#define SALTARE_CORE_CLOSE_SHUTDOWN 8
#define SALTARE_CORE_CLOSE_LOCAL 9
#define SALTARE_CORE_CLOSE_HANDSHAKE_TIMEOUT 10 /* never reported for accepted
                                                   connections: the caller did
                                                   not know them */

/* Return codes of the handle operations. */
#define SALTARE_CORE_STALE (-1)    /* the connection is gone */
#define SALTARE_CORE_FULL (-2)     /* over max_pending, nothing written */
#define SALTARE_CORE_BUSY (-3)     /* sendfile with data still queued */
#define SALTARE_CORE_STATE (-4)    /* not allowed in the connection's state */
#define SALTARE_CORE_NOMEM (-5)
#define SALTARE_CORE_OSERROR (-6)  /* errno is set */

/* Shared counters (saltare_core_engine_new's `counters`, 16 x uint64). */
enum {
    SALTARE_CORE_C_OPEN, SALTARE_CORE_C_ACCEPTED, SALTARE_CORE_C_REJECTED,
    SALTARE_CORE_C_REQUESTS, SALTARE_CORE_C_BYTES_IN, SALTARE_CORE_C_BYTES_OUT,
    SALTARE_CORE_C_TIMEOUTS, SALTARE_CORE_C_1XX, SALTARE_CORE_C_2XX,
    SALTARE_CORE_C_3XX, SALTARE_CORE_C_4XX, SALTARE_CORE_C_5XX,
    SALTARE_CORE_C_COUNT = 16
};

/* One event record; the batch is an array of them, read from Python with
 * one buffer copy. Payload bytes are arena[off .. off+len). For HEAD and
 * END, header/trailer offsets (4 words each, relative to the payload) are
 * header_words[hdr_index .. hdr_index + 4*num_headers). */
typedef struct {
    uint64_t handle;
    uint64_t value;       /* HEAD: content length; TIMER: id; DRAINED: pending;
                             ERROR: status */
    uint32_t kind;
    uint32_t aux;         /* HEAD: SALTARE_HTTP1_F_*; ERROR: error code;
                             CLOSED: reason */
    uint32_t off, len;
    uint32_t hdr_index, num_headers;
    uint32_t method_off, method_len, target_off, target_len;
    uint32_t path_off, path_len, query_off, query_len;
    uint32_t http_minor, reserved;
} saltare_core_event_t;

typedef struct {
    uint32_t abi_version;           /* SALTARE_CORE_ABI_VERSION */
    uint32_t max_connections;
    uint32_t max_per_ip;            /* 0: no cap */
    uint32_t max_events;            /* events per poll from socket I/O */
    uint32_t max_timers;            /* generic timers */
    uint32_t tick_ms;
    uint32_t wheel_slots;
    uint32_t header_timeout_ms;     /* 0: none, for all *_ms below */
    uint32_t body_timeout_ms;
    uint32_t keepalive_timeout_ms;
    uint32_t write_timeout_ms;
    uint32_t lifetime_ms;
    uint32_t buffer_idle_ms;        /* free buffers idle this long are released */
    uint32_t high_water, low_water; /* pending write bytes */
    uint32_t max_pending;           /* a write that would exceed it is refused */
    uint32_t tcp_nodelay;
    uint32_t accept_rate_capacity;  /* 0: no accept rate limit */
    uint32_t tcp_keepalive_idle;    /* s of idle before probes; 0: SO_KEEPALIVE off */
    uint32_t tcp_keepalive_interval;/* s between probes; 0: the kernel's default */
    uint32_t tcp_keepalive_count;   /* unanswered probes before reset; 0: kernel default */
    uint32_t handshake_timeout_ms;  /* transport handshake; 0: header_timeout_ms */
    uint32_t max_handshakes;        /* handshaking at once; 0: no cap */
    double accept_rate, accept_burst;
    saltare_http1_limits_t limits;
} saltare_core_config_t;

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

/* Engine statistics (saltare_core_engine_stats, SALTARE_CORE_S_COUNT words). */
enum {
    SALTARE_CORE_S_CONNECTIONS, SALTARE_CORE_S_SMALL_TOTAL, SALTARE_CORE_S_SMALL_IN_USE,
    SALTARE_CORE_S_SMALL_RESIDENT, SALTARE_CORE_S_LARGE_TOTAL, SALTARE_CORE_S_LARGE_IN_USE,
    SALTARE_CORE_S_LARGE_RESIDENT, SALTARE_CORE_S_RELEASED, SALTARE_CORE_S_TIMERS_ARMED,
    SALTARE_CORE_S_CONN_BYTES, SALTARE_CORE_S_COUNT
};

typedef struct saltare_core_engine saltare_core_engine_t;

/* http1_api: a saltare_http1_api_t table (abi_version checked), or NULL for
 * an engine that delivers every connection raw. counters: 16 uint64 that
 * may live in a MAP_SHARED page, or NULL for private ones. On failure
 * returns NULL with a message in err (err_len bytes). */
saltare_core_engine_t *saltare_core_engine_new(const saltare_core_config_t *cfg,
                                               const void *http1_api,
                                               uint64_t *counters, char *err,
                                               size_t err_len);
void saltare_core_engine_destroy(saltare_core_engine_t *e);
int saltare_core_engine_fileno(const saltare_core_engine_t *e);
saltare_core_event_t *saltare_core_engine_events(const saltare_core_engine_t *e);
char *saltare_core_engine_arena(const saltare_core_engine_t *e);
uint32_t *saltare_core_engine_header_words(const saltare_core_engine_t *e);
uint32_t saltare_core_engine_capacity(const saltare_core_engine_t *e, int which);

/* Process what is ready; returns the number of events. used[0] = arena
 * bytes, used[1] = header words filled. */
int saltare_core_engine_poll(saltare_core_engine_t *e, uint32_t *used);

int saltare_core_engine_add_listener(saltare_core_engine_t *e, int fd);
/* Take an already connected socket; returns its handle or an error < 0. */
int64_t saltare_core_engine_adopt(saltare_core_engine_t *e, int fd);

int64_t saltare_core_engine_write(saltare_core_engine_t *e, uint64_t handle,
                                  const char *data, size_t len);
int64_t saltare_core_engine_sendfile(saltare_core_engine_t *e, uint64_t handle,
                                     int fd, int64_t offset, uint64_t count);
int64_t saltare_core_engine_pending(const saltare_core_engine_t *e, uint64_t handle);
int saltare_core_engine_finish(saltare_core_engine_t *e, uint64_t handle, int keep_alive);
/* write() of data then body (one writev), then finish(): a whole response
 * in one call; returns the pending byte count, or the error of either. */
int64_t saltare_core_engine_respond(saltare_core_engine_t *e, uint64_t handle,
                                    const char *data, size_t len,
                                    const char *body, size_t body_len, int keep_alive);
int saltare_core_engine_close(saltare_core_engine_t *e, uint64_t handle, int abort);
int saltare_core_engine_pause_reading(saltare_core_engine_t *e, uint64_t handle);
int saltare_core_engine_resume_reading(saltare_core_engine_t *e, uint64_t handle);
int saltare_core_engine_set_raw(saltare_core_engine_t *e, uint64_t handle);
/* family (AF_INET/AF_INET6/AF_UNIX), port, address (4 or 16 bytes). */
int saltare_core_engine_peer(const saltare_core_engine_t *e, uint64_t handle,
                             uint32_t *family_port, uint8_t *addr);

/* A timer firing EV_TIMER after delay_ms (rounded up to ticks), tagged. */
uint64_t saltare_core_engine_set_timer(saltare_core_engine_t *e, uint32_t delay_ms, uint64_t tag);
int saltare_core_engine_cancel_timer(saltare_core_engine_t *e, uint64_t id);

/* Graceful stop: stop accepting, close idle connections, close the others
 * when they finish; EV_STOPPED once none is left (a lingering close counts:
 * at most SC_LINGER_MS more). */
void saltare_core_engine_shutdown(saltare_core_engine_t *e);
void saltare_core_engine_stats(const saltare_core_engine_t *e, uint64_t *out);
void saltare_core_counters_add(uint64_t *counters, uint32_t index, uint64_t n);
/* Hand in a transport table (with its ctx, kept by the caller for the
 * engine's life): only while no connection exists; SALTARE_CORE_STATE when
 * one does, or when t's abi_version is not SALTARE_CORE_TRANSPORT_ABI. */
int saltare_core_engine_set_transport(saltare_core_engine_t *e,
                                      const saltare_core_transport_t *t, void *ctx);
/* The transport's per-connection state, NULL when the handle is stale (or
 * with the plain transport), for asking the transport's own library. */
void *saltare_core_engine_transport_state(const saltare_core_engine_t *e, uint64_t handle);

#endif
