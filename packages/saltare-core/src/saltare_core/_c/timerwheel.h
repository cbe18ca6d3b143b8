/* saltare-core: a hashed timer wheel with intrusive nodes.
 *
 * A node lives inside its owner (a connection, a timer slot), so arming and
 * cancelling allocate nothing. Time is counted in ticks; a node armed for
 * tick T fires on the first advance that reaches T (or the next tick when T
 * is already past). Slots hold nodes whose expiry is congruent modulo the
 * slot count; farther nodes simply wait for their round.
 *
 * Order is part of the contract (the Python twin follows it): ticks are
 * processed in increasing order, and within a tick nodes fire in the order
 * they were armed into their slot.
 */
#ifndef SALTARE_CORE_TIMERWHEEL_H
#define SALTARE_CORE_TIMERWHEEL_H

#include <stdint.h>

typedef struct sc_tnode {
    struct sc_tnode *next, *prev; /* NULL when not armed */
    uint64_t expires;
} sc_tnode_t;

typedef struct {
    sc_tnode_t *slots; /* sentinels of circular lists */
    uint32_t mask;     /* slot count - 1 (power of two) */
    uint32_t count;    /* armed nodes */
    uint64_t now;      /* the last tick processed */
} sc_wheel_t;

typedef void (*sc_wheel_fire_fn)(void *ctx, sc_tnode_t *node);

/* slots is rounded up to a power of two (at least 2). 0 on success, -1
 * when out of memory. */
int sc_wheel_init(sc_wheel_t *w, uint32_t slots);
void sc_wheel_free(sc_wheel_t *w);

static inline int sc_tnode_armed(const sc_tnode_t *node)
{
    return node->next != 0;
}

/* Arm (or re-arm) node for tick `expires`. */
void sc_wheel_add(sc_wheel_t *w, sc_tnode_t *node, uint64_t expires);
void sc_wheel_del(sc_wheel_t *w, sc_tnode_t *node);

/* Process ticks now+1 .. to, calling fire for each expired node after it
 * has been unlinked. fire may arm or cancel any node. A jump of more than
 * one turn is processed as one pass over every slot at tick `to`. */
void sc_wheel_advance(sc_wheel_t *w, uint64_t to, sc_wheel_fire_fn fire,
                      void *ctx);

/* Timers with ids for callers that do not embed nodes (the Python-facing
 * timerwheel module and the engine's generic timers): a fixed array of
 * nodes with a free list; an id is (generation << 32) | (index + 1), so a
 * cancelled or fired id is never mistaken for a newer timer. */
typedef struct {
    sc_tnode_t node;
    uint32_t gen;
    uint32_t next_free; /* index + 1 in the free list, 0 = end */
    uint64_t tag;       /* caller data (the engine: the owning handle) */
} sc_timer_t;

typedef struct sc_timers {
    sc_wheel_t wheel;
    sc_timer_t *timers;
    uint32_t capacity;
    uint32_t free_head; /* index + 1, 0 = none free */
    uint32_t fresh;     /* timers[fresh..] never used: their pages stay untouched */
    uint64_t *fired;    /* advance() output, capacity entries */
    uint32_t nfired;
} sc_timers_t;

int sc_timers_init(sc_timers_t *t, uint32_t capacity, uint32_t slots);
void sc_timers_free(sc_timers_t *t);
/* Returns the new id, or 0 when all `capacity` timers are in use. */
uint64_t sc_timers_add(sc_timers_t *t, uint64_t expires, uint64_t tag);
/* 1 when id was armed and is now cancelled, 0 for a stale id. */
int sc_timers_cancel(sc_timers_t *t, uint64_t id);
/* The timer behind a live id, or NULL. */
sc_timer_t *sc_timers_get(sc_timers_t *t, uint64_t id);
/* Called by the wheel for a node that is one of t->timers: records its id
 * in t->fired and frees it. Returns the timer's tag. */
uint64_t sc_timers_fired(sc_timers_t *t, sc_tnode_t *node);
int sc_timers_owns(const sc_timers_t *t, const sc_tnode_t *node);
/* advance t->wheel, collecting the fired ids into t->fired / t->nfired. */
uint32_t sc_timers_advance(sc_timers_t *t, uint64_t to);

/* The Python-facing wheel (saltare_core.timerwheel): sc_timers_t behind
 * a pointer, with the fired ids in saltare_core_timerwheel_fired(). */
sc_timers_t *saltare_core_timerwheel_new(uint32_t capacity, uint32_t slots);
void saltare_core_timerwheel_destroy(sc_timers_t *t);
uint64_t saltare_core_timerwheel_add(sc_timers_t *t, uint64_t expires);
int saltare_core_timerwheel_cancel(sc_timers_t *t, uint64_t id);
uint32_t saltare_core_timerwheel_advance(sc_timers_t *t, uint64_t to);
const uint64_t *saltare_core_timerwheel_fired(const sc_timers_t *t);
uint64_t saltare_core_timerwheel_now(const sc_timers_t *t);
uint32_t saltare_core_timerwheel_count(const sc_timers_t *t);

#endif
