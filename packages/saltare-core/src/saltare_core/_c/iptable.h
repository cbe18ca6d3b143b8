/* saltare-core: a bounded table keyed by client address, with LRU order.
 *
 * Keys are up to 16 bytes (a packed IPv4 or IPv6 address). Lookup, insert,
 * touch and remove are O(1): linear probing over an index twice the
 * capacity, with backward-shift deletion (no tombstones), and a doubly
 * linked LRU list through the entries. When the table is full, insert
 * evicts the least recently used entry. Each entry carries two doubles for
 * its user (the rate limiter's tokens and time; the per-IP connection
 * count).
 */
#ifndef SALTARE_CORE_IPTABLE_H
#define SALTARE_CORE_IPTABLE_H

#include <stdint.h>

#define SC_IPTABLE_NONE UINT32_MAX
#define SC_IPTABLE_KEY_MAX 16

typedef struct {
    uint8_t key[SC_IPTABLE_KEY_MAX];
    uint32_t klen;
    uint32_t hash;
    uint32_t lru_prev, lru_next; /* entry indexes, NONE at the ends */
    double a, b;
} sc_ipent_t;

typedef struct {
    sc_ipent_t *ents;
    uint32_t *index; /* entry index + 1, 0 = empty */
    uint32_t capacity, index_mask, used;
    uint32_t lru_head, lru_tail; /* most / least recently used */
    uint32_t free_head;          /* free entries chained through lru_next */
} sc_iptable_t;

int sc_iptable_init(sc_iptable_t *t, uint32_t capacity);
void sc_iptable_free(sc_iptable_t *t);
/* The entry for key, or NONE. klen must be 1..16 (else NONE). */
uint32_t sc_iptable_find(const sc_iptable_t *t, const uint8_t *key, uint32_t klen);
/* Insert a key that is not present (evicting the LRU entry when full);
 * returns its entry, most recently used, with a = b = 0. */
uint32_t sc_iptable_insert(sc_iptable_t *t, const uint8_t *key, uint32_t klen);
void sc_iptable_touch(sc_iptable_t *t, uint32_t ent);
void sc_iptable_remove(sc_iptable_t *t, uint32_t ent);

/* Token bucket per key: `rate` tokens per second up to `burst`; a new key
 * starts full. allow() refills by the time elapsed since the key's last
 * check, then takes one token if there is one. */
typedef struct saltare_core_ratelimit {
    sc_iptable_t table;
    double rate, burst;
} saltare_core_ratelimit_t;

saltare_core_ratelimit_t *saltare_core_ratelimit_new(double rate, double burst, uint32_t capacity);
void saltare_core_ratelimit_destroy(saltare_core_ratelimit_t *rl);
/* 1 allowed, 0 refused, -1 bad key length. */
int saltare_core_ratelimit_allow(saltare_core_ratelimit_t *rl, const uint8_t *key,
                                 uint32_t klen, double now);
uint32_t saltare_core_ratelimit_size(const saltare_core_ratelimit_t *rl);

#endif
