/* saltare-core: hashed timer wheel (timerwheel.h). */
#include "timerwheel.h"
#include "table.h"

#include <stdlib.h>

int sc_wheel_init(sc_wheel_t *w, uint32_t slots)
{
    uint32_t n = 2;
    while (n < slots && n < (1u << 24))
        n <<= 1;
    w->slots = malloc(sizeof(sc_tnode_t) * n);
    if (!w->slots)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        w->slots[i].next = w->slots[i].prev = &w->slots[i];
        w->slots[i].expires = 0;
    }
    w->mask = n - 1;
    w->count = 0;
    w->now = 0;
    return 0;
}

void sc_wheel_free(sc_wheel_t *w)
{
    free(w->slots);
    w->slots = NULL;
}

static void unlink_node(sc_tnode_t *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    node->next = node->prev = NULL;
}

static void append(sc_tnode_t *head, sc_tnode_t *node)
{
    node->prev = head->prev;
    node->next = head;
    head->prev->next = node;
    head->prev = node;
}

void sc_wheel_add(sc_wheel_t *w, sc_tnode_t *node, uint64_t expires)
{
    if (node->next)
        sc_wheel_del(w, node);
    if (expires <= w->now)
        expires = w->now + 1;
    node->expires = expires;
    append(&w->slots[expires & w->mask], node);
    w->count++;
}

void sc_wheel_del(sc_wheel_t *w, sc_tnode_t *node)
{
    if (!node->next)
        return;
    unlink_node(node);
    w->count--;
}

/* Move the nodes of one slot that expire by `tick` to `out`, in order. */
static void collect(sc_tnode_t *head, uint64_t tick, sc_tnode_t *out)
{
    sc_tnode_t *node = head->next;
    while (node != head) {
        sc_tnode_t *next = node->next;
        if (node->expires <= tick) {
            /* Still counted (and "armed") until fired, so that fire
             * callbacks may cancel or re-arm it like any other node. */
            unlink_node(node);
            append(out, node);
        }
        node = next;
    }
}

static void fire_all(sc_wheel_t *w, sc_tnode_t *out, sc_wheel_fire_fn fire, void *ctx)
{
    /* fire may cancel a node still waiting in `out`: unlink_node keeps the
     * list consistent, and an unlinked node is no longer found here. */
    while (out->next != out) {
        sc_tnode_t *node = out->next;
        unlink_node(node);
        w->count--;
        fire(ctx, node);
    }
}

void sc_wheel_advance(sc_wheel_t *w, uint64_t to, sc_wheel_fire_fn fire, void *ctx)
{
    sc_tnode_t out;
    out.next = out.prev = &out;
    if (to <= w->now)
        return;
    if (to - w->now > (uint64_t)w->mask + 1) {
        /* Jumped more than a turn: one pass over every slot, in slot order
         * starting after `now`, as if each were the tick `to`. */
        for (uint64_t t = w->now + 1; t <= w->now + w->mask + 1; t++)
            collect(&w->slots[t & w->mask], to, &out);
        w->now = to;
        fire_all(w, &out, fire, ctx);
        return;
    }
    while (w->now < to) {
        uint64_t tick = ++w->now;
        collect(&w->slots[tick & w->mask], tick, &out);
        fire_all(w, &out, fire, ctx);
    }
}

int sc_timers_init(sc_timers_t *t, uint32_t capacity, uint32_t slots)
{
    if (capacity == 0)
        capacity = 1;
    t->timers = sc_table_new(capacity, sizeof(sc_timer_t));
    t->fired = sc_table_new(capacity, sizeof(uint64_t));
    if (!t->timers || !t->fired || sc_wheel_init(&t->wheel, slots) != 0) {
        sc_table_free(t->timers, capacity, sizeof(sc_timer_t));
        sc_table_free(t->fired, capacity, sizeof(uint64_t));
        t->timers = NULL;
        t->fired = NULL;
        return -1;
    }
    t->capacity = capacity;
    t->free_head = 0;
    t->fresh = 0;
    t->nfired = 0;
    return 0;
}

void sc_timers_free(sc_timers_t *t)
{
    sc_wheel_free(&t->wheel);
    sc_table_free(t->timers, t->capacity, sizeof(sc_timer_t));
    sc_table_free(t->fired, t->capacity, sizeof(uint64_t));
    t->timers = NULL;
    t->fired = NULL;
}

static uint64_t timer_id(const sc_timers_t *t, const sc_timer_t *timer)
{
    return ((uint64_t)timer->gen << 32) | (uint64_t)(timer - t->timers + 1);
}

uint64_t sc_timers_add(sc_timers_t *t, uint64_t expires, uint64_t tag)
{
    sc_timer_t *timer;
    if (t->free_head) {
        timer = &t->timers[t->free_head - 1];
        t->free_head = timer->next_free;
    } else if (t->fresh < t->capacity) {
        timer = &t->timers[t->fresh++];
    } else {
        return 0;
    }
    timer->next_free = 0;
    timer->tag = tag;
    sc_wheel_add(&t->wheel, &timer->node, expires);
    return timer_id(t, timer);
}

sc_timer_t *sc_timers_get(sc_timers_t *t, uint64_t id)
{
    uint32_t index = (uint32_t)id;
    if (index == 0 || index > t->capacity)
        return NULL;
    sc_timer_t *timer = &t->timers[index - 1];
    if (timer->gen != (uint32_t)(id >> 32) || !sc_tnode_armed(&timer->node))
        return NULL;
    return timer;
}

static void release(sc_timers_t *t, sc_timer_t *timer)
{
    timer->gen++;
    timer->next_free = t->free_head;
    t->free_head = (uint32_t)(timer - t->timers) + 1;
}

int sc_timers_cancel(sc_timers_t *t, uint64_t id)
{
    sc_timer_t *timer = sc_timers_get(t, id);
    if (!timer)
        return 0;
    sc_wheel_del(&t->wheel, &timer->node);
    release(t, timer);
    return 1;
}

int sc_timers_owns(const sc_timers_t *t, const sc_tnode_t *node)
{
    const char *p = (const char *)node;
    return p >= (const char *)t->timers && p < (const char *)(t->timers + t->capacity);
}

uint64_t sc_timers_fired(sc_timers_t *t, sc_tnode_t *node)
{
    sc_timer_t *timer = (sc_timer_t *)(void *)node; /* node is the first member */
    if (t->nfired < t->capacity)
        t->fired[t->nfired++] = timer_id(t, timer);
    uint64_t tag = timer->tag;
    release(t, timer);
    return tag;
}

static void fire_timer(void *ctx, sc_tnode_t *node)
{
    sc_timers_fired(ctx, node);
}

uint32_t sc_timers_advance(sc_timers_t *t, uint64_t to)
{
    t->nfired = 0;
    sc_wheel_advance(&t->wheel, to, fire_timer, t);
    return t->nfired;
}

sc_timers_t *saltare_core_timerwheel_new(uint32_t capacity, uint32_t slots)
{
    sc_timers_t *t = malloc(sizeof(*t));
    if (t && sc_timers_init(t, capacity, slots) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

void saltare_core_timerwheel_destroy(sc_timers_t *t)
{
    if (!t)
        return;
    sc_timers_free(t);
    free(t);
}

uint64_t saltare_core_timerwheel_add(sc_timers_t *t, uint64_t expires)
{
    return sc_timers_add(t, expires, 0);
}

int saltare_core_timerwheel_cancel(sc_timers_t *t, uint64_t id)
{
    return sc_timers_cancel(t, id);
}

uint32_t saltare_core_timerwheel_advance(sc_timers_t *t, uint64_t to)
{
    return sc_timers_advance(t, to);
}

const uint64_t *saltare_core_timerwheel_fired(const sc_timers_t *t)
{
    return t->fired;
}

uint64_t saltare_core_timerwheel_now(const sc_timers_t *t)
{
    return t->wheel.now;
}

uint32_t saltare_core_timerwheel_count(const sc_timers_t *t)
{
    return t->wheel.count;
}
