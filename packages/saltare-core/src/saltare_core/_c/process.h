/* saltare-core: process-level settings a server makes once (Linux, glibc). */
#ifndef SALTARE_CORE_PROCESS_H
#define SALTARE_CORE_PROCESS_H

#include <stddef.h>
#include <stdint.h>

/* mallopt(M_ARENA_MAX): at most `arenas` malloc arenas. 0, or -1 where
 * the C library has no such setting. */
int saltare_core_cap_arenas(int arenas);
/* malloc_trim(0): free heap pages go back to the kernel. 1 if some did. */
int saltare_core_trim_heap(void);
/* madvise(MADV_PAGEOUT) over [start, start + length): the kernel reclaims
 * the pages only this process maps (nothing is lost: they fault back in).
 * 0, or -1 (EINVAL on kernels before 5.4). */
int saltare_core_page_out(uintptr_t start, size_t length);
/* PR_SET_PDEATHSIG: the kernel sends signum when the parent dies. 0 or -1. */
int saltare_core_parent_death_signal(int signum);

#endif
