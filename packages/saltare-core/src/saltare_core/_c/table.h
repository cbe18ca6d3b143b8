/* saltare-core: zeroed tables that cost memory only where they are used.
 *
 * The connection table, the event array and the timer slots are sized for
 * the configured maximum (10,000 connections by default) but touched only
 * as far as the load reaches. calloc() gives that only when glibc serves
 * the block with a fresh mmap or fresh heap. Once its dynamic mmap
 * threshold has risen (any large block freed earlier, by the interpreter
 * or the app) and malloc_trim has given free heap pages back, calloc
 * serves the table from those pages and zeroes every one of them: 360 KiB
 * resident for a new engine that has served nothing (tests/
 * test_idle_memory.py). Mapped directly, untouched pages stay out of RSS
 * whatever malloc did before.
 */
#ifndef SALTARE_CORE_TABLE_H
#define SALTARE_CORE_TABLE_H

#include <stddef.h>

/* n zeroed items of `size` bytes, or NULL (overflow or mmap failure). */
void *sc_table_new(size_t n, size_t size);
/* Unmaps a table from sc_table_new(n, size); NULL is ignored. */
void sc_table_free(void *table, size_t n, size_t size);

#endif
