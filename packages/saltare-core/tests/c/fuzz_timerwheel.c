/* saltare-core: random operations on the timer wheel and the address table,
 * checked against naive models. Usage: fuzz_timerwheel SECONDS [SEED]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iptable.h"
#include "timerwheel.h"

#define CAP 64

static int fail(const char *what, unsigned seed)
{
    fprintf(stderr, "fuzz_timerwheel: %s (seed %u)\n", what, seed);
    return 1;
}

/* One run: returns 0 when the wheel matched the model. */
static int run_wheel(unsigned seed)
{
    srand(seed);
    uint32_t slots = 1u << (rand() % 6);
    sc_timers_t *t = saltare_core_timerwheel_new(CAP, slots);
    uint64_t ids[CAP], expires[CAP];
    int live = 0;
    for (int step = 0; step < 400; step++) {
        int op = rand() % 3;
        uint64_t now = saltare_core_timerwheel_now(t);
        if (op == 0 && live < CAP) {
            uint64_t at = now + (uint64_t)(rand() % 100);
            uint64_t id = saltare_core_timerwheel_add(t, at);
            if (!id)
                return fail("add refused below capacity", seed);
            ids[live] = id;
            expires[live] = at <= now ? now + 1 : at;
            live++;
        } else if (op == 1 && live) {
            int k = rand() % live;
            if (saltare_core_timerwheel_cancel(t, ids[k]) != 1)
                return fail("cancel of a live id", seed);
            if (saltare_core_timerwheel_cancel(t, ids[k]) != 0)
                return fail("second cancel", seed);
            ids[k] = ids[--live];
            expires[k] = expires[live];
        } else {
            uint64_t to = now + (uint64_t)(rand() % 150);
            uint32_t n = saltare_core_timerwheel_advance(t, to);
            uint32_t due = 0;
            for (int k = 0; k < live; k++)
                due += expires[k] <= to;
            if (n != due)
                return fail("fired count differs from the model", seed);
            const uint64_t *fired = saltare_core_timerwheel_fired(t);
            for (uint32_t f = 0; f < n; f++) {
                int k = 0;
                while (k < live && ids[k] != fired[f])
                    k++;
                if (k == live || expires[k] > to)
                    return fail("fired an id that was not due", seed);
                ids[k] = ids[--live];
                expires[k] = expires[live];
            }
        }
        if (saltare_core_timerwheel_count(t) != (uint32_t)live)
            return fail("count", seed);
    }
    saltare_core_timerwheel_destroy(t);
    return 0;
}

static int run_table(unsigned seed)
{
    srand(seed);
    sc_iptable_t t;
    uint32_t cap = 1 + (uint32_t)(rand() % 20);
    if (sc_iptable_init(&t, cap) != 0)
        return fail("init", seed);
    uint8_t present[256] = {0};
    for (int step = 0; step < 2000; step++) {
        uint8_t key = (uint8_t)(rand() % 40);
        uint32_t ent = sc_iptable_find(&t, &key, 1);
        if ((ent != SC_IPTABLE_NONE) != present[key])
            return fail("find disagrees with the model", seed);
        if (ent == SC_IPTABLE_NONE) {
            if (t.used == t.capacity)
                present[t.ents[t.lru_tail].key[0]] = 0;
            sc_iptable_insert(&t, &key, 1);
            present[key] = 1;
        } else if (rand() % 2) {
            sc_iptable_remove(&t, ent);
            present[key] = 0;
        } else {
            sc_iptable_touch(&t, ent);
        }
    }
    sc_iptable_free(&t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SECONDS [SEED]\n", argv[0]);
        return 2;
    }
    double seconds = atof(argv[1]);
    unsigned seed = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : (unsigned)time(NULL);
    time_t start = time(NULL);
    unsigned runs = 0;
    do {
        if (run_wheel(seed + runs) || run_table(seed + runs))
            return 1;
        runs++;
    } while (difftime(time(NULL), start) < seconds);
    printf("fuzz_timerwheel: %u runs from seed %u, 0 failures\n", runs, seed);
    return 0;
}
