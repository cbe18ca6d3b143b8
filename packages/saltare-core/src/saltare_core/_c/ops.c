/* saltare-core: the handle operations that are not about bytes (engine.h):
 * finish, close, pause/resume, raw mode, peer, timers, graceful stop, stats. */
#define _GNU_SOURCE
#include "engine_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

int saltare_core_engine_finish(saltare_core_engine_t *e, uint64_t handle, int keep_alive)
{
    sc_conn_t *c = sc_conn_get(e, handle);
    if (!c)
        return SALTARE_CORE_STALE;
    if (c->state != ST_RESPONDING || !keep_alive || e->draining || (c->flags & CF_NO_REUSE))
        return saltare_core_engine_close(e, handle, 0);
    c->flags = (uint8_t)((c->flags & ~CF_KNOWN) | CF_SERVED);
    c->state = ST_IDLE;
    c->last_len = 0;
    if (c->rlen) {
        /* Pipelined bytes already read: parse them at the next poll. */
        c->state = ST_HEAD;
        sc_set_read_deadline(e, c, e->cfg.header_timeout_ms);
        sc_pending_add(e, c);
    } else {
        sc_release_rbuf(e, c);
        sc_set_read_deadline(e, c, e->cfg.keepalive_timeout_ms);
    }
    sc_update_interest(e, c);
    return 0;
}

int saltare_core_engine_close(saltare_core_engine_t *e, uint64_t handle, int abort)
{
    sc_conn_t *c = sc_conn_get(e, handle);
    if (!c)
        return SALTARE_CORE_STALE;
    if (abort) {
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_LOCAL);
        return 0;
    }
    /* The client may still be sending: a request cut short by an error, a
     * body not read to its end, pipelined bytes. (A transport ends its
     * stream its own way: plain connections only.) */
    if (!e->tstates && (c->rlen || c->state == ST_ERROR || c->state == ST_HEAD || sc_in_body(c)))
        c->flags |= CF_LINGER;
    if (sc_all_sent(c) && !(c->flags & CF_LINGER)) {
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_LOCAL);
        return 0;
    }
    /* Flush first. The handle goes stale now; the slot lives until the
     * queue is sent (then lingers or closes) or the write deadline passes. */
    c->state = ST_CLOSING;
    c->flags &= (uint8_t)~CF_KNOWN;
    c->gen++;
    c->read_deadline = 0;
    sc_pending_remove(e, c);
    sc_release_rbuf(e, c);
    c->interest = 0xff; /* force the MOD: the token carries the new generation */
    if (sc_all_sent(c)) {
        sc_close_flushed(e, c);
        return 0;
    }
    sc_update_interest(e, c);
    sc_rearm(e, c);
    return 0;
}

/* The caller answered EV_SECURE: plaintext that came with the handshake
 * is framed (or delivered raw) at the next poll. */
static void release_hold(saltare_core_engine_t *e, sc_conn_t *c)
{
    c->tflags &= (uint8_t)~TF_HOLD;
    c->flags &= (uint8_t)~CF_PAUSED;
    if (!c->rlen)
        return;
    if (c->state == ST_IDLE)
        c->state = ST_HEAD;
    sc_pending_add(e, c);
}

static int set_paused(saltare_core_engine_t *e, uint64_t handle, int paused)
{
    sc_conn_t *c = sc_conn_get(e, handle);
    if (!c)
        return SALTARE_CORE_STALE;
    if (paused) {
        c->flags |= CF_PAUSED;
        /* The caller holds the body back: the body deadline does not run. */
        c->read_deadline = 0;
    } else {
        c->flags &= (uint8_t)~CF_PAUSED;
        if (sc_in_body(c)) {
            c->read_deadline = 0;
            sc_set_read_deadline(e, c, e->cfg.body_timeout_ms);
        }
        if (c->tflags & TF_HOLD)
            release_hold(e, c);
    }
    sc_rearm(e, c);
    sc_update_interest(e, c);
    return 0;
}

int saltare_core_engine_pause_reading(saltare_core_engine_t *e, uint64_t handle)
{
    return set_paused(e, handle, 1);
}

int saltare_core_engine_resume_reading(saltare_core_engine_t *e, uint64_t handle)
{
    return set_paused(e, handle, 0);
}

int saltare_core_engine_set_raw(saltare_core_engine_t *e, uint64_t handle)
{
    sc_conn_t *c = sc_conn_get(e, handle);
    if (!c)
        return SALTARE_CORE_STALE;
    if (c->state == ST_ERROR || c->state == ST_HANDSHAKE)
        return SALTARE_CORE_STATE;
    if (c->tflags & TF_HOLD)
        release_hold(e, c); /* set_raw answers EV_SECURE too (e.g. ALPN h2) */
    c->state = ST_RAW;
    c->flags |= CF_KNOWN;
    c->read_deadline = 0;
    sc_rearm(e, c);
    if (c->rlen)
        sc_pending_add(e, c);
    sc_update_interest(e, c);
    return 0;
}

int saltare_core_engine_peer(const saltare_core_engine_t *e, uint64_t handle,
                             uint32_t *family_port, uint8_t *addr)
{
    sc_conn_t *c = sc_conn_get(e, handle);
    if (!c)
        return SALTARE_CORE_STALE;
    family_port[0] = c->peer_family;
    family_port[1] = c->peer_port;
    memcpy(addr, c->peer_addr, sizeof(c->peer_addr));
    return 0;
}

uint64_t saltare_core_engine_set_timer(saltare_core_engine_t *e, uint32_t delay_ms, uint64_t tag)
{
    uint64_t id = sc_timers_add(&e->timers, sc_now_tick(e) + sc_ms_to_ticks(e, delay_ms), tag);
    if (id)
        sc_ensure_ticking(e);
    return id;
}

int saltare_core_engine_cancel_timer(saltare_core_engine_t *e, uint64_t id)
{
    return sc_timers_cancel(&e->timers, id);
}

void saltare_core_engine_shutdown(saltare_core_engine_t *e)
{
    if (e->draining)
        return;
    sc_listeners_enable(e, 0);
    e->draining = 1;
    sc_wheel_del(&e->timers.wheel, &e->accept_node);
    /* Idle connections have nothing in flight, and handshakes bring no
     * request the drain must wait for: close them now. */
    for (uint32_t i = 0; i < e->fresh; i++) {
        sc_conn_t *c = &e->conns[i];
        if ((c->state == ST_IDLE && sc_all_sent(c)) || c->state == ST_HANDSHAKE)
            sc_close_conn(e, c, SALTARE_CORE_CLOSE_SHUTDOWN);
    }
    sc_kick(e);
}

void saltare_core_engine_stats(const saltare_core_engine_t *e, uint64_t *out)
{
    const sc_class_t *s = &e->pool.cls[SC_SMALL], *l = &e->pool.cls[SC_LARGE];
    out[SALTARE_CORE_S_CONNECTIONS] = e->open;
    out[SALTARE_CORE_S_SMALL_TOTAL] = s->total;
    out[SALTARE_CORE_S_SMALL_IN_USE] = s->in_use;
    out[SALTARE_CORE_S_SMALL_RESIDENT] = s->n_resident;
    out[SALTARE_CORE_S_LARGE_TOTAL] = l->total;
    out[SALTARE_CORE_S_LARGE_IN_USE] = l->in_use;
    out[SALTARE_CORE_S_LARGE_RESIDENT] = l->n_resident;
    out[SALTARE_CORE_S_RELEASED] = e->pool.released_total;
    out[SALTARE_CORE_S_TIMERS_ARMED] = e->timers.wheel.count;
    out[SALTARE_CORE_S_CONN_BYTES] = sizeof(sc_conn_t);
}
