/* saltare-core: time and deadlines: ticks, the timerfd that drives the
 * wheel while something is armed, each connection's earliest deadline, and
 * what happens when one passes (timeouts, lifetime, buffer sweep, accept
 * pause, the caller's generic timers). */
#define _GNU_SOURCE
#include "engine_int.h"

#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

uint64_t sc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t sc_now_tick(const saltare_core_engine_t *e)
{
    return (sc_now_ms() - e->start_ms) / e->cfg.tick_ms;
}

uint32_t sc_ms_to_ticks(const saltare_core_engine_t *e, uint32_t ms)
{
    return (ms + e->cfg.tick_ms - 1) / e->cfg.tick_ms;
}

void sc_ensure_ticking(saltare_core_engine_t *e)
{
    if (e->ticking)
        return;
    uint64_t tick_ns = (uint64_t)e->cfg.tick_ms * 1000000u;
    struct itimerspec its;
    its.it_interval.tv_sec = (time_t)(tick_ns / 1000000000u);
    its.it_interval.tv_nsec = (long)(tick_ns % 1000000000u);
    its.it_value = its.it_interval;
    timerfd_settime(e->timerfd, 0, &its, NULL);
    e->ticking = 1;
}

void sc_stop_ticking(saltare_core_engine_t *e)
{
    struct itimerspec its;
    memset(&its, 0, sizeof(its));
    timerfd_settime(e->timerfd, 0, &its, NULL);
    e->ticking = 0;
}

void sc_rearm(saltare_core_engine_t *e, sc_conn_t *c)
{
    uint64_t at = 0;
    uint32_t candidates[3] = {c->read_deadline, c->write_deadline, 0};
    if (e->cfg.lifetime_ms && !(c->flags & CF_NO_REUSE))
        candidates[2] = c->born + sc_ms_to_ticks(e, e->cfg.lifetime_ms);
    for (int i = 0; i < 3; i++)
        if (candidates[i] && (!at || candidates[i] < at))
            at = candidates[i];
    if (!at) {
        sc_wheel_del(&e->timers.wheel, &c->timer);
        return;
    }
    if (sc_tnode_armed(&c->timer) && c->timer.expires == at)
        return;
    sc_wheel_add(&e->timers.wheel, &c->timer, at);
    sc_ensure_ticking(e);
}

void sc_set_read_deadline(saltare_core_engine_t *e, sc_conn_t *c, uint32_t timeout_ms)
{
    c->read_deadline = timeout_ms ? (uint32_t)(sc_now_tick(e) + sc_ms_to_ticks(e, timeout_ms)) : 0;
    sc_rearm(e, c);
}

void sc_arm_sweep(saltare_core_engine_t *e)
{
    if (sc_tnode_armed(&e->sweep_node))
        return;
    sc_wheel_add(&e->timers.wheel, &e->sweep_node,
                 sc_now_tick(e) + sc_ms_to_ticks(e, e->cfg.buffer_idle_ms) + 1);
    sc_ensure_ticking(e);
}

static void fire(void *ctx, sc_tnode_t *node)
{
    saltare_core_engine_t *e = ctx;
    if (node == &e->sweep_node) {
        if (sc_pool_sweep(&e->pool, sc_now_ms(), e->cfg.buffer_idle_ms))
            sc_arm_sweep(e);
        return;
    }
    if (node == &e->accept_node) {
        e->accept_paused = 0;
        if (!e->draining)
            sc_listeners_enable(e, 1);
        return;
    }
    if (sc_timers_owns(&e->timers, node)) {
        e->timers.nfired = 0;
        uint64_t tag = sc_timers_fired(&e->timers, node);
        uint64_t id = e->timers.fired[0];
        saltare_core_event_t *ev = sc_emit(e, SALTARE_CORE_EV_TIMER, NULL, NULL, 0);
        if (ev) {
            ev->handle = tag;
            ev->value = id;
        }
        return;
    }
    sc_conn_t *c = (sc_conn_t *)(void *)node; /* the timer is the first member */
    uint64_t now = e->timers.wheel.now;
    if (e->cfg.lifetime_ms && !(c->flags & CF_NO_REUSE) &&
        now >= c->born + sc_ms_to_ticks(e, e->cfg.lifetime_ms)) {
        c->flags |= CF_NO_REUSE;
        if (c->state == ST_IDLE && sc_all_sent(c)) {
            sc_close_conn(e, c, SALTARE_CORE_CLOSE_LIFETIME);
            return;
        }
    }
    if (c->write_deadline && now >= c->write_deadline) {
        sc_close_conn(e, c, SALTARE_CORE_CLOSE_WRITE_TIMEOUT);
        return;
    }
    if (c->read_deadline && now >= c->read_deadline && c->state == ST_IDLE && !sc_all_sent(c)) {
        /* The response is still being sent: the keep-alive wait starts
         * when it is (wqueue.c). */
        c->read_deadline = 0;
    } else if (c->read_deadline && now >= c->read_deadline) {
        uint32_t reason = SALTARE_CORE_CLOSE_BODY_TIMEOUT;
        if (c->state == ST_LINGER)
            reason = SALTARE_CORE_CLOSE_LOCAL; /* the linger ran its time: no timeout to count */
        else if (c->state == ST_IDLE)
            reason = (c->flags & CF_SERVED) ? SALTARE_CORE_CLOSE_KEEPALIVE_TIMEOUT
                                            : SALTARE_CORE_CLOSE_HEADER_TIMEOUT;
        else if (c->state == ST_HEAD || sc_in_body(c)) {
            if (sc_request_timeout(e, c)) {
                sc_count(e, SALTARE_CORE_C_TIMEOUTS, 1);
                return;
            }
            if (c->state == ST_HEAD)
                reason = SALTARE_CORE_CLOSE_HEADER_TIMEOUT;
        }
        else if (c->state == ST_HANDSHAKE)
            reason = SALTARE_CORE_CLOSE_HANDSHAKE_TIMEOUT;
        sc_close_conn(e, c, reason);
        return;
    }
    sc_rearm(e, c);
}

void sc_timer_ready(saltare_core_engine_t *e)
{
    uint64_t expirations;
    while (read(e->timerfd, &expirations, sizeof(expirations)) > 0)
        ;
    sc_wheel_advance(&e->timers.wheel, sc_now_tick(e), fire, e);
}
