/* saltare-core: process-level memory and lifetime settings for servers
 * (process.h), so a serving process needs no ctypes (~0.3 MiB) for them. */
#define _GNU_SOURCE
#include "process.h"

#include <malloc.h>
#include <sys/mman.h>
#include <sys/prctl.h>

int saltare_core_cap_arenas(int arenas)
{
#ifdef M_ARENA_MAX
    return mallopt(M_ARENA_MAX, arenas) == 1 ? 0 : -1;
#else
    (void)arenas;
    return -1;
#endif
}

int saltare_core_trim_heap(void)
{
#ifdef __GLIBC__
    return malloc_trim(0);
#else
    return 0;
#endif
}

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21 /* Linux 5.4; older C headers lack the name */
#endif

int saltare_core_page_out(uintptr_t start, size_t length)
{
    return madvise((void *)start, length, MADV_PAGEOUT) == 0 ? 0 : -1;
}

int saltare_core_parent_death_signal(int signum)
{
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signum, 0UL, 0UL, 0UL) == 0 ? 0 : -1;
}
