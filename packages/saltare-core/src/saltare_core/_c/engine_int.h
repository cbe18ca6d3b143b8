/* saltare-core: the engine's internal structures, shared by its C files
 * (engine.c, conntable.c, deadlines.c, accept.c, conn.c, wqueue.c, ops.c). */
#ifndef SALTARE_CORE_ENGINE_INT_H
#define SALTARE_CORE_ENGINE_INT_H

#include "engine.h"
#include "iptable.h"
#include "pool.h"
#include "timerwheel.h"

/* Connection states. */
enum {
    ST_FREE,       /* slot unused */
    ST_IDLE,       /* waiting for a request; holds no buffer */
    ST_HEAD,       /* reading a request head */
    ST_BODY_CL,    /* reading a Content-Length body */
    ST_BODY_CHUNK, /* reading a chunked body */
    ST_TRAILERS,   /* reading the trailer section */
    ST_RESPONDING, /* request read; waiting for finish() */
    ST_ERROR,      /* malformed request reported; waiting for close() */
    ST_RAW,        /* bytes delivered as they come */
    ST_CLOSING,    /* close() called: flushing, then closed */
    ST_HANDSHAKE,  /* the transport's handshake runs; the caller does not know it */
    ST_LINGER      /* closed for writing with input unread: dropping it until EOF */
};

/* How long a connection closed with its request's input unread keeps
 * reading (and dropping) what the client still sends before it is closed
 * (RFC 9112 §9.6). Closing at once would reset it, and a reset can destroy
 * the response (the 400 or 413 that explains the close) before the client
 * has read it. */
#define SC_LINGER_MS 2000u

/* Connection flags. */
#define CF_KNOWN 0x01u      /* the caller was told of it: report its close */
#define CF_PAUSED 0x02u     /* the caller paused reading */
/* In sc_conn_t.interest (a uint8_t beside EPOLLIN 0x1 and EPOLLOUT 0x4):
 * EPOLLRDHUP (0x2000) is watched. */
#define SC_INTEREST_RDHUP 0x80u
#define CF_HIGH 0x04u       /* pending bytes passed high water */
#define CF_SERVED 0x08u     /* served a request: idle means keep-alive */
#define CF_NO_REUSE 0x10u   /* lifetime over: close instead of keep-alive */
#define CF_PENDING 0x20u    /* on the pending list */
#define CF_BROKEN 0x40u     /* a write failed: close at the next poll */
#define CF_LINGER 0x80u     /* closing with input unread: linger once flushed */

/* Transport flags (sc_conn_t.tflags), always 0 with the plain transport. */
#define TF_MORE 0x01u       /* recv said T_MORE: plaintext waits inside the transport */
#define TF_WANT_WRITE 0x02u /* the transport holds output: flush when writable */
#define TF_HOLD 0x04u       /* paused by EV_SECURE until resume_reading / set_raw */

#define NO_SLOT UINT32_MAX

typedef struct {
    sc_tnode_t timer;        /* the earliest of the deadlines below */
    sc_buf_t *rbuf;          /* read buffer, NULL while idle */
    sc_buf_t *wq_head, *wq_tail;
    uint64_t body_left;      /* Content-Length bytes still to read */
    saltare_http1_chunked_t chunked;
    uint64_t file_off, file_left;
    uint32_t pending;        /* queued write bytes (memory) */
    uint32_t rlen;           /* bytes in rbuf */
    uint32_t last_len;       /* parse_head / parse_trailers resume point */
    uint32_t read_deadline;  /* ticks, 0: none */
    uint32_t write_deadline;
    uint32_t born;           /* tick of accept */
    uint32_t gen;
    uint32_t ip_ent;         /* per-IP table entry, NO_SLOT: none */
    uint32_t pend_prev, pend_next; /* pending list; pend_next also chains free slots */
    int fd;
    int file_fd;             /* sendfile source (dup), -1: none */
    uint8_t state, flags, interest, tflags;
    /* The peer, kept from accept4(): the caller asks for it with every
     * request, and a getpeername() per request costs more than 20 bytes. */
    uint8_t peer_addr[16];   /* IPv4 in the first 4 bytes */
    uint16_t peer_port;
    uint16_t peer_family;    /* AF_INET, AF_INET6, AF_UNIX */
} sc_conn_t;

typedef struct {
    int fd;
    int active;
    int gone; /* shut down by another process (listeners.refuse): never re-armed */
} sc_listener_t;

#define SC_MAX_LISTENERS 16

struct saltare_core_engine {
    saltare_core_config_t cfg;
    const saltare_http1_api_t *http1;
    const saltare_core_transport_t *transport;
    void *transport_ctx;
    void **tstates;          /* per slot, only with a transport other than plain */
    uint32_t handshaking;    /* connections in ST_HANDSHAKE */
    int epfd, timerfd, eventfd, reserve_fd;
    int ticking, kicked, draining, stop_reported, accept_paused;
    uint64_t start_ms;
    sc_conn_t *conns;
    uint32_t free_head, pend_head, pend_tail, open;
    uint32_t fresh;          /* conns[fresh..] never used: their pages stay untouched */
    sc_listener_t listeners[SC_MAX_LISTENERS];
    uint32_t nlisteners;
    sc_pool_t pool;
    sc_timers_t timers;      /* generic timers; its wheel is the engine's */
    sc_tnode_t sweep_node, accept_node;
    sc_iptable_t per_ip;     /* only when max_per_ip */
    saltare_core_ratelimit_t *accept_rl;
    uint64_t private_counters[SALTARE_CORE_C_COUNT];
    uint64_t *counters;
    /* The batch. */
    saltare_core_event_t *events;
    uint32_t ev_cap, nev;
    char *arena;
    uint32_t arena_cap, arena_used;
    uint32_t *hwords;
    uint32_t hw_cap, hw_used;
    saltare_http1_head_t head;         /* parse_head output */
    saltare_http1_header_t *headers;   /* limits.max_headers entries */
};

/* epoll tokens: connections carry (gen << 32 | slot); the engine's own fds
 * have the top bit set. */
#define TOKEN_OWN (1ull << 63)
#define TOKEN_TIMER (TOKEN_OWN | 1)
#define TOKEN_EVENT (TOKEN_OWN | 2)
#define TOKEN_LISTENER (TOKEN_OWN | 0x100)
#define ACCEPTS_PER_POLL 64
#define EPOLL_BATCH 256
/* Room that one connection's I/O may need in one poll: a head and its body
 * bytes never exceed one large buffer; at most 5 events. */
#define ROOM_EVENTS 5u

/* The transport's state for c (NULL with the plain transport). */
static inline void *sc_tstate(const saltare_core_engine_t *e, const sc_conn_t *c)
{
    return e->tstates ? e->tstates[c - e->conns] : NULL;
}

/* Nothing left to send: neither in the engine's queue nor inside the transport. */
static inline int sc_all_sent(const sc_conn_t *c)
{
    return !c->wq_head && c->file_fd < 0 && !(c->tflags & TF_WANT_WRITE);
}

/* Reading a request body, its trailer section included. */
static inline int sc_in_body(const sc_conn_t *c)
{
    return c->state == ST_BODY_CL || c->state == ST_BODY_CHUNK || c->state == ST_TRAILERS;
}

static inline int sc_reading(const sc_conn_t *c)
{
    return c->state == ST_IDLE || c->state == ST_HEAD || sc_in_body(c) || c->state == ST_RAW ||
           c->state == ST_HANDSHAKE || c->state == ST_LINGER;
}

/* While its request is with the caller, a plain connection keeps EPOLLIN
 * and reads ahead into the buffer it has (pipelined bytes, or the EOF of a
 * client that left): no epoll_ctl() per request. A full buffer, or a
 * transport with its own reading rules, turn reading off until finish(). */
static inline int sc_reading_ahead(const saltare_core_engine_t *e, const sc_conn_t *c)
{
    return c->state == ST_RESPONDING && !e->tstates && !(c->rbuf && c->rlen == c->rbuf->cap);
}

/* engine.c: the batch */
saltare_core_event_t *sc_emit(saltare_core_engine_t *e, uint32_t kind, sc_conn_t *c,
                              const char *data, uint32_t len);
void sc_count(saltare_core_engine_t *e, uint32_t index, uint64_t n);
void sc_kick(saltare_core_engine_t *e);

/* conntable.c */
sc_conn_t *sc_conn_get(const saltare_core_engine_t *e, uint64_t handle);
uint64_t sc_handle(const saltare_core_engine_t *e, const sc_conn_t *c);
void sc_pending_add(saltare_core_engine_t *e, sc_conn_t *c);
void sc_pending_remove(saltare_core_engine_t *e, sc_conn_t *c);
void sc_update_interest(saltare_core_engine_t *e, sc_conn_t *c);
void sc_close_conn(saltare_core_engine_t *e, sc_conn_t *c, uint32_t reason);
/* A local close, flushed: lingers (CF_LINGER) or closes. */
void sc_close_flushed(saltare_core_engine_t *e, sc_conn_t *c);
void sc_release_rbuf(saltare_core_engine_t *e, sc_conn_t *c);

/* deadlines.c */
uint64_t sc_now_ms(void);
uint64_t sc_now_tick(const saltare_core_engine_t *e);
uint32_t sc_ms_to_ticks(const saltare_core_engine_t *e, uint32_t ms);
void sc_ensure_ticking(saltare_core_engine_t *e);
void sc_stop_ticking(saltare_core_engine_t *e);
void sc_rearm(saltare_core_engine_t *e, sc_conn_t *c);
void sc_set_read_deadline(saltare_core_engine_t *e, sc_conn_t *c, uint32_t timeout_ms);
void sc_arm_sweep(saltare_core_engine_t *e);
void sc_timer_ready(saltare_core_engine_t *e); /* the timerfd fired: advance the wheel */

/* accept.c */
void sc_listeners_enable(saltare_core_engine_t *e, int on);
void sc_accept_ready(saltare_core_engine_t *e, int lfd);

/* conn.c */
void sc_conn_readable(saltare_core_engine_t *e, sc_conn_t *c);
void sc_conn_process(saltare_core_engine_t *e, sc_conn_t *c);
/* A request head begun and not finished within header_timeout: 408 (RFC
 * 9110 §15.5.9), reported as an ERROR the caller answers like a malformed
 * request. 0 when no event fits (the event array has room for every
 * connection, so only as a guard): the caller must close. */
int sc_request_timeout(saltare_core_engine_t *e, sc_conn_t *c);

/* wqueue.c */
void sc_conn_writable(saltare_core_engine_t *e, sc_conn_t *c);
void sc_wq_free(saltare_core_engine_t *e, sc_conn_t *c);
void sc_write_progress(saltare_core_engine_t *e, sc_conn_t *c);

#endif
