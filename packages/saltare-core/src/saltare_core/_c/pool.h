/* saltare-core: pooled I/O buffers.
 *
 * Two size classes (4 KiB, and 16 KiB for large heads, upgrades and write
 * queues), carved out of mmap'd slabs. A free buffer is either resident
 * (its pages may hold memory) or released (given back with MADV_DONTNEED;
 * the kernel hands in zero pages on the next touch). Free resident buffers
 * are kept most-recent first, so reuse hits warm memory and the sweep
 * releases the coldest ones.
 */
#ifndef SALTARE_CORE_POOL_H
#define SALTARE_CORE_POOL_H

#include <stdint.h>

enum { SC_SMALL = 0, SC_LARGE = 1 };
#define SC_SMALL_SIZE 4096u
#define SC_LARGE_SIZE 16384u

typedef struct sc_buf {
    struct sc_buf *next, *prev; /* free lists; a write-queue chain in use */
    char *mem;
    uint64_t freed_ms;
    uint32_t cap;
    uint32_t start, end; /* write queue: unsent bytes are mem[start..end) */
    uint8_t cls;
    uint8_t resident;
} sc_buf_t;

typedef struct sc_slab {
    struct sc_slab *next;
    char *mem;
    uint64_t bytes;
    sc_buf_t bufs[]; /* descriptors of the slab's buffers */
} sc_slab_t;

typedef struct {
    sc_slab_t *slabs;
    sc_buf_t resident; /* sentinel: head = most recently freed */
    sc_buf_t released; /* sentinel */
    uint32_t total, in_use, n_resident, n_released;
} sc_class_t;

typedef struct {
    sc_class_t cls[2];
    uint64_t released_total; /* buffers given back, over the pool's life */
} sc_pool_t;

void sc_pool_init(sc_pool_t *p);
void sc_pool_free(sc_pool_t *p);
/* A buffer of the class, or NULL when mmap fails. */
sc_buf_t *sc_pool_get(sc_pool_t *p, int cls);
void sc_pool_put(sc_pool_t *p, sc_buf_t *b, uint64_t now_ms);
/* Release free buffers idle for at least idle_ms; returns how many are
 * still resident and free (so the caller knows whether to sweep again). */
uint32_t sc_pool_sweep(sc_pool_t *p, uint64_t now_ms, uint64_t idle_ms);

#endif
