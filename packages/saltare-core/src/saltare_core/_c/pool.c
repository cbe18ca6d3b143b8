/* saltare-core: pooled I/O buffers (pool.h). */
#define _GNU_SOURCE
#include "pool.h"

#include <stdlib.h>
#include <sys/mman.h>

/* Buffers per slab: 256 KiB of 4 KiB buffers, 256 KiB of 16 KiB ones. */
static const uint32_t per_slab[2] = {64, 16};
static const uint32_t buf_size[2] = {SC_SMALL_SIZE, SC_LARGE_SIZE};

static void list_init(sc_buf_t *head)
{
    head->next = head->prev = head;
}

static void list_unlink(sc_buf_t *b)
{
    b->prev->next = b->next;
    b->next->prev = b->prev;
    b->next = b->prev = NULL;
}

static void list_push_front(sc_buf_t *head, sc_buf_t *b)
{
    b->next = head->next;
    b->prev = head;
    head->next->prev = b;
    head->next = b;
}

void sc_pool_init(sc_pool_t *p)
{
    for (int c = 0; c < 2; c++) {
        sc_class_t *k = &p->cls[c];
        k->slabs = NULL;
        list_init(&k->resident);
        list_init(&k->released);
        k->total = k->in_use = k->n_resident = k->n_released = 0;
    }
    p->released_total = 0;
}

void sc_pool_free(sc_pool_t *p)
{
    for (int c = 0; c < 2; c++) {
        sc_slab_t *s = p->cls[c].slabs;
        while (s) {
            sc_slab_t *next = s->next;
            munmap(s->mem, s->bytes);
            free(s);
            s = next;
        }
        p->cls[c].slabs = NULL;
    }
}

static int grow(sc_pool_t *p, int cls)
{
    sc_class_t *k = &p->cls[cls];
    uint32_t n = per_slab[cls];
    sc_slab_t *s = malloc(sizeof(sc_slab_t) + n * sizeof(sc_buf_t));
    if (!s)
        return -1;
    s->bytes = (uint64_t)n * buf_size[cls];
    s->mem = mmap(NULL, s->bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (s->mem == MAP_FAILED) {
        free(s);
        return -1;
    }
    s->next = k->slabs;
    k->slabs = s;
    /* Fresh anonymous pages are not resident until touched. */
    for (uint32_t i = n; i-- > 0;) {
        sc_buf_t *b = &s->bufs[i];
        b->mem = s->mem + (uint64_t)i * buf_size[cls];
        b->cap = buf_size[cls];
        b->cls = (uint8_t)cls;
        b->resident = 0;
        b->freed_ms = 0;
        b->start = b->end = 0;
        list_push_front(&k->released, b);
    }
    k->total += n;
    k->n_released += n;
    return 0;
}

sc_buf_t *sc_pool_get(sc_pool_t *p, int cls)
{
    sc_class_t *k = &p->cls[cls];
    sc_buf_t *b;
    if (k->resident.next != &k->resident) {
        b = k->resident.next;
        k->n_resident--;
    } else {
        if (k->released.next == &k->released && grow(p, cls) != 0)
            return NULL;
        b = k->released.next;
        k->n_released--;
    }
    list_unlink(b);
    b->resident = 1;
    b->start = b->end = 0;
    k->in_use++;
    return b;
}

void sc_pool_put(sc_pool_t *p, sc_buf_t *b, uint64_t now_ms)
{
    sc_class_t *k = &p->cls[b->cls];
    b->freed_ms = now_ms;
    list_push_front(&k->resident, b);
    k->n_resident++;
    k->in_use--;
}

uint32_t sc_pool_sweep(sc_pool_t *p, uint64_t now_ms, uint64_t idle_ms)
{
    uint32_t left = 0;
    for (int c = 0; c < 2; c++) {
        sc_class_t *k = &p->cls[c];
        while (k->resident.prev != &k->resident) {
            sc_buf_t *b = k->resident.prev; /* the coldest */
            if (b->freed_ms > now_ms || now_ms - b->freed_ms < idle_ms)
                break;
            list_unlink(b);
            madvise(b->mem, b->cap, MADV_DONTNEED);
            b->resident = 0;
            list_push_front(&k->released, b);
            k->n_resident--;
            k->n_released++;
            p->released_total++;
        }
        left += k->n_resident;
    }
    return left;
}
