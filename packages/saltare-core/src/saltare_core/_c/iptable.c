/* saltare-core: bounded LRU table keyed by client address (iptable.h). */
#include "iptable.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_key(const uint8_t *key, uint32_t klen)
{
    uint32_t h = 2166136261u ^ klen; /* FNV-1a */
    for (uint32_t i = 0; i < klen; i++) {
        h ^= key[i];
        h *= 16777619u;
    }
    return h ^ (h >> 15);
}

int sc_iptable_init(sc_iptable_t *t, uint32_t capacity)
{
    uint32_t slots = 4;
    if (capacity == 0)
        capacity = 1;
    if (capacity > (1u << 28))
        capacity = 1u << 28;
    while (slots < capacity * 2)
        slots <<= 1;
    t->ents = calloc(capacity, sizeof(sc_ipent_t));
    t->index = calloc(slots, sizeof(uint32_t));
    if (!t->ents || !t->index) {
        free(t->ents);
        free(t->index);
        t->ents = NULL;
        t->index = NULL;
        return -1;
    }
    t->capacity = capacity;
    t->index_mask = slots - 1;
    t->used = 0;
    t->lru_head = t->lru_tail = SC_IPTABLE_NONE;
    for (uint32_t i = 0; i < capacity; i++)
        t->ents[i].lru_next = i + 1 < capacity ? i + 1 : SC_IPTABLE_NONE;
    t->free_head = 0;
    return 0;
}

void sc_iptable_free(sc_iptable_t *t)
{
    free(t->ents);
    free(t->index);
    t->ents = NULL;
    t->index = NULL;
}

uint32_t sc_iptable_find(const sc_iptable_t *t, const uint8_t *key, uint32_t klen)
{
    if (klen == 0 || klen > SC_IPTABLE_KEY_MAX)
        return SC_IPTABLE_NONE;
    uint32_t h = hash_key(key, klen);
    for (uint32_t i = h & t->index_mask;; i = (i + 1) & t->index_mask) {
        uint32_t slot = t->index[i];
        if (!slot)
            return SC_IPTABLE_NONE;
        const sc_ipent_t *e = &t->ents[slot - 1];
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
            return slot - 1;
    }
}

static void lru_unlink(sc_iptable_t *t, uint32_t ent)
{
    sc_ipent_t *e = &t->ents[ent];
    if (e->lru_prev != SC_IPTABLE_NONE)
        t->ents[e->lru_prev].lru_next = e->lru_next;
    else
        t->lru_head = e->lru_next;
    if (e->lru_next != SC_IPTABLE_NONE)
        t->ents[e->lru_next].lru_prev = e->lru_prev;
    else
        t->lru_tail = e->lru_prev;
}

static void lru_push_front(sc_iptable_t *t, uint32_t ent)
{
    sc_ipent_t *e = &t->ents[ent];
    e->lru_prev = SC_IPTABLE_NONE;
    e->lru_next = t->lru_head;
    if (t->lru_head != SC_IPTABLE_NONE)
        t->ents[t->lru_head].lru_prev = ent;
    else
        t->lru_tail = ent;
    t->lru_head = ent;
}

void sc_iptable_touch(sc_iptable_t *t, uint32_t ent)
{
    if (t->lru_head == ent)
        return;
    lru_unlink(t, ent);
    lru_push_front(t, ent);
}

void sc_iptable_remove(sc_iptable_t *t, uint32_t ent)
{
    uint32_t mask = t->index_mask;
    uint32_t i = t->ents[ent].hash & mask;
    while (t->index[i] != ent + 1)
        i = (i + 1) & mask;
    /* Backward-shift: pull later members of the probe run into the hole. */
    uint32_t hole = i;
    for (uint32_t j = (hole + 1) & mask; t->index[j]; j = (j + 1) & mask) {
        uint32_t home = t->ents[t->index[j] - 1].hash & mask;
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            t->index[hole] = t->index[j];
            hole = j;
        }
    }
    t->index[hole] = 0;
    lru_unlink(t, ent);
    t->ents[ent].lru_next = t->free_head;
    t->free_head = ent;
    t->used--;
}

uint32_t sc_iptable_insert(sc_iptable_t *t, const uint8_t *key, uint32_t klen)
{
    if (klen == 0 || klen > SC_IPTABLE_KEY_MAX)
        return SC_IPTABLE_NONE;
    if (t->used == t->capacity)
        sc_iptable_remove(t, t->lru_tail);
    uint32_t ent = t->free_head;
    sc_ipent_t *e = &t->ents[ent];
    t->free_head = e->lru_next;
    memset(e, 0, sizeof(*e));
    memcpy(e->key, key, klen);
    e->klen = klen;
    e->hash = hash_key(key, klen);
    uint32_t i = e->hash & t->index_mask;
    while (t->index[i])
        i = (i + 1) & t->index_mask;
    t->index[i] = ent + 1;
    t->used++;
    lru_push_front(t, ent);
    return ent;
}

saltare_core_ratelimit_t *saltare_core_ratelimit_new(double rate, double burst, uint32_t capacity)
{
    saltare_core_ratelimit_t *rl = calloc(1, sizeof(*rl));
    if (!rl)
        return NULL;
    if (sc_iptable_init(&rl->table, capacity) != 0) {
        free(rl);
        return NULL;
    }
    rl->rate = rate;
    rl->burst = burst;
    return rl;
}

void saltare_core_ratelimit_destroy(saltare_core_ratelimit_t *rl)
{
    if (!rl)
        return;
    sc_iptable_free(&rl->table);
    free(rl);
}

int saltare_core_ratelimit_allow(saltare_core_ratelimit_t *rl, const uint8_t *key,
                                 uint32_t klen, double now)
{
    if (klen == 0 || klen > SC_IPTABLE_KEY_MAX)
        return -1;
    sc_iptable_t *t = &rl->table;
    uint32_t ent = sc_iptable_find(t, key, klen);
    double tokens;
    if (ent == SC_IPTABLE_NONE) {
        ent = sc_iptable_insert(t, key, klen);
        tokens = rl->burst;
    } else {
        sc_iptable_touch(t, ent);
        sc_ipent_t *e = &t->ents[ent];
        double elapsed = now - e->b;
        tokens = e->a + (elapsed > 0 ? elapsed * rl->rate : 0.0);
        if (tokens > rl->burst)
            tokens = rl->burst;
    }
    sc_ipent_t *e = &t->ents[ent];
    int allowed = tokens >= 1.0;
    e->a = allowed ? tokens - 1.0 : tokens;
    e->b = now;
    return allowed;
}

uint32_t saltare_core_ratelimit_size(const saltare_core_ratelimit_t *rl)
{
    return rl->table.used;
}
