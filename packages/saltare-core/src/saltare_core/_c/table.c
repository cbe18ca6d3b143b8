/* saltare-core: zeroed tables mapped on demand (table.h). */
#define _GNU_SOURCE
#include "table.h"

#include <stdint.h>
#include <sys/mman.h>

void *sc_table_new(size_t n, size_t size)
{
    if (n == 0 || size == 0 || n > SIZE_MAX / size)
        return NULL;
    void *table = mmap(NULL, n * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return table == MAP_FAILED ? NULL : table;
}

void sc_table_free(void *table, size_t n, size_t size)
{
    if (table)
        munmap(table, n * size);
}
