/* saltare-core: the connection table: handles (generation and slot), the
 * pending list of connections with work but no socket event, epoll
 * interest, and closing a connection back into a free slot. */
#define _GNU_SOURCE
#include "engine_int.h"

#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

uint64_t sc_handle(const saltare_core_engine_t *e, const sc_conn_t *c)
{
    return ((uint64_t)c->gen << 32) | (uint64_t)(c - e->conns);
}

sc_conn_t *sc_conn_get(const saltare_core_engine_t *e, uint64_t handle)
{
    uint32_t slot = (uint32_t)handle;
    if (slot >= e->cfg.max_connections)
        return NULL;
    sc_conn_t *c = &e->conns[slot];
    if (c->state == ST_FREE || c->state == ST_CLOSING || c->gen != (uint32_t)(handle >> 32))
        return NULL;
    return c;
}

void sc_pending_add(saltare_core_engine_t *e, sc_conn_t *c)
{
    if (c->flags & CF_PENDING)
        return;
    uint32_t slot = (uint32_t)(c - e->conns);
    c->flags |= CF_PENDING;
    c->pend_next = NO_SLOT;
    c->pend_prev = e->pend_tail;
    if (e->pend_tail != NO_SLOT)
        e->conns[e->pend_tail].pend_next = slot;
    else
        e->pend_head = slot;
    e->pend_tail = slot;
    sc_kick(e);
}

void sc_pending_remove(saltare_core_engine_t *e, sc_conn_t *c)
{
    if (!(c->flags & CF_PENDING))
        return;
    if (c->pend_prev != NO_SLOT)
        e->conns[c->pend_prev].pend_next = c->pend_next;
    else
        e->pend_head = c->pend_next;
    if (c->pend_next != NO_SLOT)
        e->conns[c->pend_next].pend_prev = c->pend_prev;
    else
        e->pend_tail = c->pend_prev;
    c->flags &= (uint8_t)~CF_PENDING;
}

void sc_update_interest(saltare_core_engine_t *e, sc_conn_t *c)
{
    uint32_t want = 0;
    if (sc_reading(c) && !(c->flags & CF_PAUSED)) {
        want |= EPOLLIN;
        /* Plaintext inside the transport never makes the fd readable. */
        if (c->tflags & TF_MORE)
            sc_pending_add(e, c);
    } else if (sc_reading_ahead(e, c) && !(c->flags & CF_PAUSED)) {
        want |= EPOLLIN;
    } else if (c->flags & CF_KNOWN) {
        want |= SC_INTEREST_RDHUP; /* not reading: still learn that the peer left */
    }
    if (!sc_all_sent(c))
        want |= EPOLLOUT;
    if (want == c->interest)
        return;
    uint32_t events = (want & ~SC_INTEREST_RDHUP) | ((want & SC_INTEREST_RDHUP) ? EPOLLRDHUP : 0);
    struct epoll_event ev = {.events = events, .data.u64 = sc_handle(e, c)};
    epoll_ctl(e->epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->interest = (uint8_t)want;
}

void sc_release_rbuf(saltare_core_engine_t *e, sc_conn_t *c)
{
    if (!c->rbuf)
        return;
    sc_pool_put(&e->pool, c->rbuf, sc_now_ms());
    c->rbuf = NULL;
    c->rlen = 0;
    sc_arm_sweep(e);
}

void sc_close_flushed(saltare_core_engine_t *e, sc_conn_t *c)
{
    if (!(c->flags & CF_LINGER) || shutdown(c->fd, SHUT_WR) != 0) {
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_LOCAL);
        return;
    }
    /* The client reads the response, then EOF; what it still sends is
     * read and dropped until its EOF or SC_LINGER_MS have passed. */
    c->state = ST_LINGER;
    c->flags &= (uint8_t)~CF_PAUSED;
    c->write_deadline = 0;
    sc_set_read_deadline(e, c, SC_LINGER_MS);
    sc_update_interest(e, c);
}

void sc_close_conn(saltare_core_engine_t *e, sc_conn_t *c, uint32_t reason)
{
    if ((c->flags & CF_KNOWN) && reason != SALTARE_CORE_CLOSE_LOCAL) {
        saltare_core_event_t *ev = sc_emit(e, SALTARE_CORE_EV_CLOSED, c, NULL, 0);
        if (ev)
            ev->aux = reason;
    }
    if ((reason >= SALTARE_CORE_CLOSE_HEADER_TIMEOUT && reason <= SALTARE_CORE_CLOSE_WRITE_TIMEOUT) ||
        reason == SALTARE_CORE_CLOSE_HANDSHAKE_TIMEOUT)
        sc_count(e, SALTARE_CORE_C_TIMEOUTS, 1);
    sc_wheel_del(&e->timers.wheel, &c->timer);
    sc_pending_remove(e, c);
    sc_wq_free(e, c);
    sc_release_rbuf(e, c);
    if (c->state == ST_HANDSHAKE)
        e->handshaking--;
    if (e->tstates) {
        void **state = &e->tstates[c - e->conns];
        /* Our side ends it: an orderly end (close_notify) first, best
         * effort. A peer that left or broke gets nothing more. */
        if (reason != SALTARE_CORE_CLOSE_PEER && reason != SALTARE_CORE_CLOSE_RESET)
            e->transport->shutdown(e->transport_ctx, *state, c->fd);
        e->transport->close(e->transport_ctx, *state);
        *state = NULL;
    }
    close(c->fd);
    if (c->ip_ent != NO_SLOT) {
        sc_ipent_t *ent = &e->per_ip.ents[c->ip_ent];
        ent->a -= 1;
        if (ent->a <= 0)
            sc_iptable_remove(&e->per_ip, c->ip_ent);
    }
    uint32_t gen = c->gen + 1;
    memset(c, 0, sizeof(*c));
    c->gen = gen;
    c->fd = c->file_fd = -1;
    c->state = ST_FREE;
    c->pend_next = e->free_head;
    e->free_head = (uint32_t)(c - e->conns);
    e->open--;
    __atomic_fetch_sub(&e->counters[SALTARE_CORE_C_OPEN], 1, __ATOMIC_RELAXED);
    if (e->draining && e->open == 0)
        sc_kick(e);
}
