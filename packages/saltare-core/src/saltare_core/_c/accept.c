/* saltare-core: listeners and accepting: caps, the accept rate limit,
 * EMFILE survival, new connections in the table. */
#define _GNU_SOURCE
#include "engine_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* The transport's state for a new connection; -1 when the transport
 * refuses it. The plain transport has none. */
static int transport_open(saltare_core_engine_t *e, int fd, void **state)
{
    *state = NULL;
    return e->tstates ? e->transport->open(e->transport_ctx, fd, state) : 0;
}

static int handshakes(const saltare_core_engine_t *e)
{
    return e->tstates && (e->transport->flags & SALTARE_CORE_T_HANDSHAKE);
}

static int has_slot(const saltare_core_engine_t *e)
{
    return e->free_head != NO_SLOT || e->fresh < e->cfg.max_connections;
}

static void store_peer(sc_conn_t *c, const struct sockaddr_storage *ss)
{
    c->peer_family = ss->ss_family;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const void *)ss;
        c->peer_port = ntohs(in->sin_port);
        memcpy(c->peer_addr, &in->sin_addr, 4);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const void *)ss;
        c->peer_port = ntohs(in6->sin6_port);
        memcpy(c->peer_addr, &in6->sin6_addr, 16);
    }
}

/* A new connection in the table (the caller checked there is a free slot). */
static sc_conn_t *conn_new(saltare_core_engine_t *e, int fd, void *state)
{
    sc_conn_t *c;
    if (e->free_head != NO_SLOT) {
        c = &e->conns[e->free_head];
        e->free_head = c->pend_next;
    } else {
        c = &e->conns[e->fresh++];
    }
    c->fd = fd;
    c->file_fd = -1;
    c->ip_ent = NO_SLOT;
    c->pend_prev = c->pend_next = NO_SLOT;
    c->born = (uint32_t)sc_now_tick(e);
    c->state = e->http1 ? ST_IDLE : ST_RAW;
    c->interest = EPOLLIN;
    if (e->tstates)
        e->tstates[c - e->conns] = state;
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = sc_handle(e, c)};
    epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev);
    e->open++;
    sc_count(e, SALTARE_CORE_C_OPEN, 1);
    if (handshakes(e)) {
        c->state = ST_HANDSHAKE;
        e->handshaking++;
        sc_set_read_deadline(e, c, e->cfg.handshake_timeout_ms ? e->cfg.handshake_timeout_ms
                                                                : e->cfg.header_timeout_ms);
    } else if (e->http1) {
        sc_set_read_deadline(e, c, e->cfg.header_timeout_ms);
    } else {
        sc_rearm(e, c);
    }
    return c;
}

int64_t saltare_core_engine_adopt(saltare_core_engine_t *e, int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return SALTARE_CORE_OSERROR;
    if (!has_slot(e))
        return SALTARE_CORE_FULL;
    void *state;
    if (transport_open(e, fd, &state) < 0)
        return SALTARE_CORE_STATE; /* refused by the transport; the fd stays the caller's */
    /* The caller holds the handle: it is told of everything, also during
     * a handshake. */
    sc_conn_t *c = conn_new(e, fd, state);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    memset(&ss, 0, sizeof(ss));
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
        store_peer(c, &ss);
    c->flags |= CF_KNOWN;
    return (int64_t)sc_handle(e, c);
}

int saltare_core_engine_add_listener(saltare_core_engine_t *e, int fd)
{
    if (e->nlisteners == SC_MAX_LISTENERS || e->draining)
        return SALTARE_CORE_STATE;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return SALTARE_CORE_OSERROR;
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TOKEN_LISTENER + e->nlisteners};
    if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
        return SALTARE_CORE_OSERROR;
    e->listeners[e->nlisteners].fd = fd;
    e->listeners[e->nlisteners].active = 1;
    e->listeners[e->nlisteners].gone = 0;
    e->nlisteners++;
    return 0;
}

void sc_listeners_enable(saltare_core_engine_t *e, int on)
{
    for (uint32_t i = 0; i < e->nlisteners; i++) {
        sc_listener_t *l = &e->listeners[i];
        if (l->active == on || (on && l->gone))
            continue;
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = TOKEN_LISTENER + i};
        epoll_ctl(e->epfd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, l->fd, &ev);
        l->active = on;
    }
}

/* The client address as a table key: 4 bytes for IPv4 (also when mapped
 * into IPv6), 16 for IPv6, 0 for other families. */
static uint32_t addr_key(const struct sockaddr_storage *ss, uint8_t *key)
{
    if (ss->ss_family == AF_INET) {
        memcpy(key, &((const struct sockaddr_in *)(const void *)ss)->sin_addr, 4);
        return 4;
    }
    if (ss->ss_family == AF_INET6) {
        const uint8_t *a = ((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr.s6_addr;
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(a, mapped, 12) == 0) {
            memcpy(key, a + 12, 4);
            return 4;
        }
        memcpy(key, a, 16);
        return 16;
    }
    return 0;
}

/* TCP_NODELAY, and keepalive probes when configured (dead peers behind
 * NATs and load balancers are found without waiting for a write). The
 * options are best effort: a refusal leaves the kernel's defaults. */
static void tune_tcp(const saltare_core_config_t *cfg, int fd)
{
    int one = 1;
    if (cfg->tcp_nodelay)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (!cfg->tcp_keepalive_idle)
        return;
    int idle = (int)cfg->tcp_keepalive_idle, interval = (int)cfg->tcp_keepalive_interval;
    int count = (int)cfg->tcp_keepalive_count;
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    if (interval)
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
    if (count)
        setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
}

static void reject(saltare_core_engine_t *e, int fd)
{
    close(fd);
    sc_count(e, SALTARE_CORE_C_REJECTED, 1);
}

/* EMFILE/ENFILE: the pending connection cannot be accepted, and leaving it
 * in the backlog would make the listener ready forever (a busy loop). Spend
 * the reserve fd to accept and close it; without a reserve, stop listening
 * for a few ticks. */
static int survive_fd_exhaustion(saltare_core_engine_t *e, int lfd)
{
    if (e->reserve_fd >= 0) {
        close(e->reserve_fd);
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0)
            reject(e, fd);
        e->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd >= 0)
            return 1;
    }
    sc_listeners_enable(e, 0);
    e->accept_paused = 1;
    sc_wheel_add(&e->timers.wheel, &e->accept_node, sc_now_tick(e) + sc_ms_to_ticks(e, 100));
    sc_ensure_ticking(e);
    return 0;
}

/* accept() said EINVAL: the socket no longer listens (another process
 * shut it down, e.g. a pre-fork master draining). A shut-down listener
 * stays readable, so it leaves the epoll set for good: no busy loop. */
static void listener_gone(saltare_core_engine_t *e, int lfd)
{
    for (uint32_t i = 0; i < e->nlisteners; i++) {
        sc_listener_t *l = &e->listeners[i];
        if (l->fd != lfd || l->gone)
            continue;
        if (l->active)
            epoll_ctl(e->epfd, EPOLL_CTL_DEL, l->fd, NULL);
        l->active = 0;
        l->gone = 1;
    }
}

void sc_accept_ready(saltare_core_engine_t *e, int lfd)
{
    for (int i = 0; i < ACCEPTS_PER_POLL && !e->draining && !e->accept_paused; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if ((errno == EMFILE || errno == ENFILE) && survive_fd_exhaustion(e, lfd))
                continue;
            if (errno == EINVAL)
                listener_gone(e, lfd);
            return;
        }
        /* Over a cap: accepted and closed at once, so the backlog drains. */
        if (!has_slot(e)) {
            reject(e, fd);
            continue;
        }
        uint8_t key[16];
        uint32_t klen = addr_key(&ss, key);
        uint32_t ent = NO_SLOT;
        if (klen && e->cfg.max_per_ip) {
            ent = sc_iptable_find(&e->per_ip, key, klen);
            if (ent != NO_SLOT && e->per_ip.ents[ent].a >= e->cfg.max_per_ip) {
                reject(e, fd);
                continue;
            }
        }
        if (klen && e->accept_rl &&
            saltare_core_ratelimit_allow(e->accept_rl, key, klen, (double)sc_now_ms() / 1000.0) == 0) {
            reject(e, fd);
            continue;
        }
        /* Handshakes cost CPU and memory before the caller sees anything:
         * a flood of them is capped like connections are. */
        if (e->cfg.max_handshakes && e->handshaking >= e->cfg.max_handshakes && handshakes(e)) {
            reject(e, fd);
            continue;
        }
        if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)
            tune_tcp(&e->cfg, fd);
        void *state;
        if (transport_open(e, fd, &state) < 0) {
            reject(e, fd);
            continue;
        }
        if (klen && e->cfg.max_per_ip) {
            if (ent == NO_SLOT)
                ent = sc_iptable_insert(&e->per_ip, key, klen);
            e->per_ip.ents[ent].a += 1;
        }
        sc_conn_t *c = conn_new(e, fd, state);
        store_peer(c, &ss);
        c->ip_ent = ent;
        sc_count(e, SALTARE_CORE_C_ACCEPTED, 1);
        if (!e->http1 && c->state == ST_RAW) {
            c->flags |= CF_KNOWN;
            sc_emit(e, SALTARE_CORE_EV_OPENED, c, NULL, 0);
            if (e->nev + ROOM_EVENTS >= e->cfg.max_events)
                return;
        }
    }
}
