/* saltare-core: engine set-up and teardown, the plain transport, the event
 * batch and the poll loop (engine.h). Connections are in conntable.c,
 * deadlines and timers in deadlines.c. */
#define _GNU_SOURCE
#include "engine_int.h"
#include "table.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

/* The plain transport: read / sendmsg, no handshake, no state, no flags. */
static ssize_t plain_recv(void *ctx, void *state, int fd, char *buf, size_t len, uint32_t *flags)
{
    (void)ctx, (void)state, (void)flags;
    return read(fd, buf, len);
}

static ssize_t plain_sendv(void *ctx, void *state, int fd, const struct iovec *iov, int iovcnt,
                           uint32_t *flags)
{
    (void)ctx, (void)state, (void)flags;
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = (struct iovec *)iov;
    msg.msg_iovlen = (size_t)iovcnt;
    return sendmsg(fd, &msg, MSG_NOSIGNAL);
}

/* Only recv and sendv: with this table e->tstates is NULL, and the engine
 * calls the per-connection functions only when it is not. */
static const saltare_core_transport_t plain_transport = {
    .abi_version = SALTARE_CORE_TRANSPORT_ABI,
    .recv = plain_recv,
    .sendv = plain_sendv,
};

void sc_count(saltare_core_engine_t *e, uint32_t index, uint64_t n)
{
    saltare_core_counters_add(e->counters, index, n);
}

void saltare_core_counters_add(uint64_t *counters, uint32_t index, uint64_t n)
{
    if (index < SALTARE_CORE_C_COUNT)
        __atomic_fetch_add(&counters[index], n, __ATOMIC_RELAXED);
}

static void set_err(char *err, size_t err_len, const char *msg)
{
    if (err && err_len)
        snprintf(err, err_len, "%s", msg);
}

saltare_core_engine_t *saltare_core_engine_new(const saltare_core_config_t *cfg,
                                               const void *http1_api,
                                               uint64_t *counters, char *err,
                                               size_t err_len)
{
    if (cfg->abi_version != SALTARE_CORE_ABI_VERSION) {
        set_err(err, err_len, "config ABI version mismatch");
        return NULL;
    }
    const saltare_http1_api_t *api = http1_api;
    if (api && api->abi_version != SALTARE_HTTP1_ABI_VERSION) {
        set_err(err, err_len, "saltare-http1 ABI version mismatch");
        return NULL;
    }
    if (cfg->max_connections == 0 || cfg->tick_ms == 0 || cfg->max_events == 0 ||
        cfg->limits.max_head_bytes > SC_LARGE_SIZE ||
        cfg->limits.max_trailer_bytes > SC_LARGE_SIZE || cfg->limits.max_headers == 0 ||
        cfg->low_water > cfg->high_water) {
        set_err(err, err_len, "invalid engine configuration");
        return NULL;
    }
    saltare_core_engine_t *e = calloc(1, sizeof(*e));
    if (!e) {
        set_err(err, err_len, "out of memory");
        return NULL;
    }
    e->cfg = *cfg;
    e->http1 = api;
    e->transport = &plain_transport;
    e->epfd = e->timerfd = e->eventfd = e->reserve_fd = -1;
    e->counters = counters ? counters : e->private_counters;
    e->start_ms = sc_now_ms();
    sc_pool_init(&e->pool);
    e->ev_cap = cfg->max_events + cfg->max_connections + cfg->max_timers + 8;
    e->arena_cap = cfg->max_events * 64u + 2u * SC_LARGE_SIZE;
    e->hw_cap = 4u * cfg->limits.max_headers * (cfg->max_events + 1);
    e->events = sc_table_new(e->ev_cap, sizeof(saltare_core_event_t));
    e->arena = malloc(e->arena_cap);
    e->hwords = malloc(sizeof(uint32_t) * e->hw_cap);
    e->headers = malloc(sizeof(saltare_http1_header_t) * cfg->limits.max_headers);
    e->conns = sc_table_new(cfg->max_connections, sizeof(sc_conn_t));
    int failed = !e->events || !e->arena || !e->hwords || !e->headers || !e->conns;
    failed = failed || sc_timers_init(&e->timers, cfg->max_timers, cfg->wheel_slots) != 0;
    if (!failed && cfg->max_per_ip)
        failed = sc_iptable_init(&e->per_ip, cfg->max_connections) != 0;
    if (!failed && cfg->accept_rate_capacity) {
        e->accept_rl = saltare_core_ratelimit_new(cfg->accept_rate, cfg->accept_burst,
                                                  cfg->accept_rate_capacity);
        failed = !e->accept_rl;
    }
    if (failed) {
        set_err(err, err_len, "out of memory");
        saltare_core_engine_destroy(e);
        return NULL;
    }
    /* Slots are taken from conns[fresh] until some are released: a table
     * sized for 10,000 connections costs memory only for those that came. */
    e->free_head = NO_SLOT;
    e->fresh = 0;
    e->pend_head = e->pend_tail = NO_SLOT;
    e->epfd = epoll_create1(EPOLL_CLOEXEC);
    e->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    e->eventfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    /* Kept open so that EMFILE can be survived: see accept_ready(). */
    e->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN};
    if (e->epfd < 0 || e->timerfd < 0 || e->eventfd < 0) {
        set_err(err, err_len, strerror(errno));
        saltare_core_engine_destroy(e);
        return NULL;
    }
    ev.data.u64 = TOKEN_TIMER;
    epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->timerfd, &ev);
    ev.data.u64 = TOKEN_EVENT;
    epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->eventfd, &ev);
    return e;
}

void saltare_core_engine_destroy(saltare_core_engine_t *e)
{
    if (!e)
        return;
    if (e->conns) {
        for (uint32_t i = 0; i < e->fresh; i++) {
            sc_conn_t *c = &e->conns[i];
            if (c->state == ST_FREE)
                continue;
            sc_wq_free(e, c);
            if (c->rbuf)
                sc_pool_put(&e->pool, c->rbuf, 0);
            if (e->tstates)
                e->transport->close(e->transport_ctx, e->tstates[i]);
            close(c->fd);
        }
    }
    int fds[] = {e->epfd, e->timerfd, e->eventfd, e->reserve_fd};
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
        if (fds[i] >= 0)
            close(fds[i]);
    sc_pool_free(&e->pool);
    sc_timers_free(&e->timers);
    if (e->cfg.max_per_ip)
        sc_iptable_free(&e->per_ip);
    saltare_core_ratelimit_destroy(e->accept_rl);
    sc_table_free(e->events, e->ev_cap, sizeof(saltare_core_event_t));
    free(e->arena);
    free(e->hwords);
    free(e->headers);
    sc_table_free(e->conns, e->cfg.max_connections, sizeof(sc_conn_t));
    sc_table_free(e->tstates, e->cfg.max_connections, sizeof(void *));
    free(e);
}

int saltare_core_engine_fileno(const saltare_core_engine_t *e) { return e->epfd; }
saltare_core_event_t *saltare_core_engine_events(const saltare_core_engine_t *e) { return e->events; }
char *saltare_core_engine_arena(const saltare_core_engine_t *e) { return e->arena; }
uint32_t *saltare_core_engine_header_words(const saltare_core_engine_t *e) { return e->hwords; }

uint32_t saltare_core_engine_capacity(const saltare_core_engine_t *e, int which)
{
    return which == 0 ? e->ev_cap : which == 1 ? e->arena_cap : e->hw_cap;
}

int saltare_core_engine_set_transport(saltare_core_engine_t *e,
                                      const saltare_core_transport_t *t, void *ctx)
{
    if (!t || t->abi_version != SALTARE_CORE_TRANSPORT_ABI || e->open)
        return SALTARE_CORE_STATE;
    if (!t->open || !t->recv || !t->sendv || !t->flush || !t->shutdown || !t->close || !t->alpn)
        return SALTARE_CORE_STATE;
    /* One state pointer per slot beside the table, so that sc_conn_t (and
     * an engine on the plain transport) does not grow. */
    void **states = sc_table_new(e->cfg.max_connections, sizeof(void *));
    if (!states)
        return SALTARE_CORE_NOMEM;
    sc_table_free(e->tstates, e->cfg.max_connections, sizeof(void *));
    e->tstates = states;
    e->transport = t;
    e->transport_ctx = ctx;
    return 0;
}

void *saltare_core_engine_transport_state(const saltare_core_engine_t *e, uint64_t handle)
{
    const sc_conn_t *c = sc_conn_get(e, handle);
    return c ? sc_tstate(e, c) : NULL;
}

saltare_core_event_t *sc_emit(saltare_core_engine_t *e, uint32_t kind, sc_conn_t *c,
                              const char *data, uint32_t len)
{
    if (e->nev >= e->ev_cap || len > e->arena_cap - e->arena_used)
        return NULL; /* cannot happen within the room checks; never overflow */
    saltare_core_event_t *ev = &e->events[e->nev++];
    memset(ev, 0, sizeof(*ev));
    ev->kind = kind;
    ev->handle = c ? sc_handle(e, c) : 0;
    ev->off = e->arena_used;
    ev->len = len;
    if (len) {
        memcpy(e->arena + e->arena_used, data, len);
        e->arena_used += len;
    }
    return ev;
}

void sc_kick(saltare_core_engine_t *e)
{
    if (e->kicked)
        return;
    uint64_t one = 1;
    if (write(e->eventfd, &one, sizeof(one)) == (ssize_t)sizeof(one))
        e->kicked = 1;
}


static int room(const saltare_core_engine_t *e)
{
    return e->nev + ROOM_EVENTS <= e->cfg.max_events + 0u &&
           e->arena_cap - e->arena_used >= SC_LARGE_SIZE + 64u &&
           e->hw_cap - e->hw_used >= 4u * e->cfg.limits.max_headers;
}

/* Connections with work that needs no socket event: pipelined bytes, a
 * broken write, plaintext left inside the transport. Each is taken once
 * per poll (one re-added meanwhile waits for the next), so a transport that
 * keeps saying T_MORE cannot hold the poll. */
static void run_pending(saltare_core_engine_t *e)
{
    uint32_t last = e->pend_tail;
    while (e->pend_head != NO_SLOT && room(e)) {
        uint32_t slot = e->pend_head;
        sc_conn_t *c = &e->conns[slot];
        sc_pending_remove(e, c);
        if (c->flags & CF_BROKEN) {
            sc_close_conn(e, c, SALTARE_CORE_CLOSE_RESET);
        } else {
            sc_conn_process(e, c);
            if ((c->tflags & TF_MORE) && sc_reading(c) && !(c->flags & CF_PAUSED))
                sc_conn_readable(e, c);
        }
        if (slot == last)
            break;
    }
}

static void conn_ready(saltare_core_engine_t *e, uint64_t token, uint32_t events)
{
    uint32_t slot = (uint32_t)token;
    if (slot >= e->cfg.max_connections)
        return;
    sc_conn_t *c = &e->conns[slot];
    /* A stale event: the slot was closed (and maybe reused) earlier in this batch. */
    if (c->state == ST_FREE || c->gen != (uint32_t)(token >> 32))
        return;
    if ((events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN)) {
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_RESET);
        return;
    }
    if ((events & EPOLLRDHUP) && (c->interest & SC_INTEREST_RDHUP)) {
        /* The peer closed its side while its request was with the caller
         * (or reading was paused): the request is abandoned, the caller is
         * told at once (ASGI http.disconnect) instead of at its next write.
         * A half-close counts as leaving, as in uvicorn. */
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_PEER);
        return;
    }
    if (events & EPOLLOUT) {
        sc_conn_writable(e, c);
        if (c->state == ST_FREE || c->gen != (uint32_t)(token >> 32))
            return;
    }
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && (c->interest & EPOLLIN))
        sc_conn_readable(e, c);
}

int saltare_core_engine_poll(saltare_core_engine_t *e, uint32_t *used)
{
    struct epoll_event ready[EPOLL_BATCH];
    e->nev = e->arena_used = e->hw_used = 0;
    uint32_t batch = e->cfg.max_events < EPOLL_BATCH ? e->cfg.max_events : EPOLL_BATCH;
    int n = epoll_wait(e->epfd, ready, (int)batch, 0);
    if (n < 0)
        n = 0;
    for (int i = 0; i < n; i++) {
        if (ready[i].data.u64 == TOKEN_TIMER) {
            sc_timer_ready(e);
        } else if (ready[i].data.u64 == TOKEN_EVENT) {
            uint64_t value;
            while (read(e->eventfd, &value, sizeof(value)) > 0)
                ;
            e->kicked = 0;
        }
    }
    run_pending(e);
    for (int i = 0; i < n && room(e); i++) {
        uint64_t token = ready[i].data.u64;
        if (token & TOKEN_OWN) {
            uint32_t l = (uint32_t)(token - TOKEN_LISTENER);
            if (token >= TOKEN_LISTENER && l < e->nlisteners && e->listeners[l].active)
                sc_accept_ready(e, e->listeners[l].fd);
            continue;
        }
        conn_ready(e, token, ready[i].events);
    }
    if (e->pend_head != NO_SLOT)
        sc_kick(e); /* work left: make the epoll fd readable again */
    if (e->draining && e->open == 0 && !e->stop_reported) {
        e->stop_reported = 1;
        sc_emit(e, SALTARE_CORE_EV_STOPPED, NULL, NULL, 0);
    }
    if (e->ticking && e->timers.wheel.count == 0)
        sc_stop_ticking(e);
    used[0] = e->arena_used;
    used[1] = e->hw_used;
    return (int)e->nev;
}
