/* saltare-core: standalone tests of the C pieces (no Python).
 * Build and run as ci/sanitize does:
 *   gcc -std=c11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
 *       -I../../src/saltare_core/_c test_core.c ../../src/saltare_core/_c/ *.c
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine.h"
#include "iptable.h"
#include "pool.h"
#include "timerwheel.h"
/* The test transport, compiled into this harness (ci/sanitize builds
 * test_*.c with the engine's sources only). */
#include "xor_transport.c"

static int passed, failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            passed++;                                                        \
        } else {                                                             \
            failed++;                                                        \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
        }                                                                    \
    } while (0)

static void test_wheel(void)
{
    sc_timers_t *t = saltare_core_timerwheel_new(4, 4);
    uint64_t a = saltare_core_timerwheel_add(t, 3);
    uint64_t b = saltare_core_timerwheel_add(t, 1);
    uint64_t far = saltare_core_timerwheel_add(t, 9);
    CHECK(saltare_core_timerwheel_advance(t, 2) == 1 && saltare_core_timerwheel_fired(t)[0] == b);
    CHECK(saltare_core_timerwheel_cancel(t, a) == 1 && saltare_core_timerwheel_cancel(t, a) == 0);
    CHECK(saltare_core_timerwheel_advance(t, 8) == 0);
    CHECK(saltare_core_timerwheel_advance(t, 100) == 1 && saltare_core_timerwheel_fired(t)[0] == far);
    CHECK(saltare_core_timerwheel_count(t) == 0);
    for (int i = 0; i < 4; i++)
        CHECK(saltare_core_timerwheel_add(t, 200) != 0);
    CHECK(saltare_core_timerwheel_add(t, 200) == 0); /* full */
    saltare_core_timerwheel_destroy(t);
}

static void test_ratelimit(void)
{
    saltare_core_ratelimit_t *rl = saltare_core_ratelimit_new(1.0, 2.0, 2);
    const uint8_t a[4] = {127, 0, 0, 1}, b[4] = {127, 0, 0, 2}, c[16] = {0};
    CHECK(saltare_core_ratelimit_allow(rl, a, 4, 0) == 1);
    CHECK(saltare_core_ratelimit_allow(rl, a, 4, 0) == 1);
    CHECK(saltare_core_ratelimit_allow(rl, a, 4, 0) == 0);
    CHECK(saltare_core_ratelimit_allow(rl, a, 4, 1.0) == 1);
    CHECK(saltare_core_ratelimit_allow(rl, b, 4, 1.0) == 1);
    CHECK(saltare_core_ratelimit_allow(rl, c, 16, 1.0) == 1); /* evicts a */
    CHECK(saltare_core_ratelimit_size(rl) == 2);
    CHECK(saltare_core_ratelimit_allow(rl, a, 4, 1.0) == 1); /* a full bucket again */
    CHECK(saltare_core_ratelimit_allow(rl, a, 0, 1.0) == -1);
    CHECK(saltare_core_ratelimit_allow(rl, a, 17, 1.0) == -1);
    saltare_core_ratelimit_destroy(rl);
}

static void test_pool(void)
{
    sc_pool_t p;
    sc_pool_init(&p);
    sc_buf_t *x = sc_pool_get(&p, SC_SMALL);
    sc_buf_t *y = sc_pool_get(&p, SC_LARGE);
    CHECK(x && y && x->cap == SC_SMALL_SIZE && y->cap == SC_LARGE_SIZE);
    memset(x->mem, 1, x->cap);
    memset(y->mem, 2, y->cap);
    sc_pool_put(&p, x, 1000);
    sc_pool_put(&p, y, 2000);
    CHECK(sc_pool_sweep(&p, 1500, 400) == 1); /* x released, y still young */
    CHECK(p.released_total == 1);
    CHECK(sc_pool_sweep(&p, 5000, 400) == 0);
    sc_buf_t *z = sc_pool_get(&p, SC_SMALL); /* a released buffer: zero pages */
    CHECK(z && z->mem[0] == 0);
    sc_pool_put(&p, z, 6000);
    sc_pool_free(&p);
}

/* A stand-in for saltare-http1's table: a head is everything up to CRLFCRLF. */
static int fake_parse_head(char *buf, size_t len, size_t last_len, const saltare_http1_limits_t *limits,
                           saltare_http1_head_t *head, saltare_http1_header_t *headers)
{
    (void)last_len, (void)limits, (void)headers;
    memset(head, 0, sizeof(*head));
    for (size_t i = 0; i + 3 < len; i++)
        if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
            head->head_len = (uint32_t)(i + 4);
            head->method_len = 3;
            head->http_minor = 1;
            head->flags = SALTARE_HTTP1_F_KEEP_ALIVE;
            return (int)(i + 4);
        }
    if (len && buf[0] == '!') {
        head->error = 6;
        return SALTARE_HTTP1_ERROR;
    }
    return SALTARE_HTTP1_INCOMPLETE;
}

static void fake_chunked_init(saltare_http1_chunked_t *dec) { memset(dec, 0, sizeof(*dec)); }
static uint32_t fake_status(uint32_t error) { return error ? 400 : 200; }

static const saltare_http1_api_t fake_api = {
    .abi_version = SALTARE_HTTP1_ABI_VERSION,
    .parse_head = fake_parse_head,
    .chunked_init = fake_chunked_init,
    .error_status = fake_status,
};

static saltare_core_config_t config(void)
{
    saltare_core_config_t cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.abi_version = SALTARE_CORE_ABI_VERSION;
    cfg.max_connections = 8;
    cfg.max_events = 64;
    cfg.max_timers = 8;
    cfg.tick_ms = 10;
    cfg.wheel_slots = 64;
    cfg.buffer_idle_ms = 30000;
    cfg.high_water = 1 << 16;
    cfg.low_water = 1 << 14;
    cfg.max_pending = 1 << 20;
    cfg.limits.max_head_bytes = 16384;
    cfg.limits.max_headers = 10;
    cfg.limits.max_trailer_bytes = 8192;
    return cfg;
}

static int poll_kind(saltare_core_engine_t *e, uint32_t kind, saltare_core_event_t *out)
{
    uint32_t used[2];
    for (int round = 0; round < 500; round++) {
        int n = saltare_core_engine_poll(e, used);
        for (int i = 0; i < n; i++)
            if (saltare_core_engine_events(e)[i].kind == kind) {
                *out = saltare_core_engine_events(e)[i];
                return 1;
            }
        usleep(2000);
    }
    return 0;
}

static void test_engine_http(void)
{
    saltare_core_config_t cfg = config();
    saltare_core_engine_t *e = saltare_core_engine_new(&cfg, &fake_api, NULL, NULL, 0);
    CHECK(e != NULL);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int64_t h = saltare_core_engine_adopt(e, sv[0]);
    CHECK(h >= 0);
    const char req[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    CHECK(write(sv[1], req, sizeof(req) - 1) == (ssize_t)sizeof(req) - 1);
    saltare_core_event_t ev;
    CHECK(poll_kind(e, SALTARE_CORE_EV_HEAD, &ev) && ev.len == sizeof(req) - 1);
    CHECK(memcmp(saltare_core_engine_arena(e) + ev.off, req, ev.len) == 0);
    CHECK(saltare_core_engine_write(e, (uint64_t)h, "HTTP/1.1 204 X\r\n\r\n", 18) == 0);
    CHECK(saltare_core_engine_finish(e, (uint64_t)h, 1) == 0);
    char got[64];
    CHECK(read(sv[1], got, sizeof(got)) == 18);
    /* A malformed head: ERROR with the status, then close. */
    CHECK(write(sv[1], "!bad", 4) == 4);
    CHECK(poll_kind(e, SALTARE_CORE_EV_ERROR, &ev) && ev.value == 400 && ev.aux == 6);
    CHECK(saltare_core_engine_close(e, (uint64_t)h, 0) == 0);
    CHECK(saltare_core_engine_write(e, (uint64_t)h, "x", 1) == SALTARE_CORE_STALE);
    CHECK(read(sv[1], got, sizeof(got)) == 0);
    close(sv[1]);
    saltare_core_engine_destroy(e);
}

static void test_engine_raw_and_backpressure(void)
{
    saltare_core_config_t cfg = config();
    saltare_core_engine_t *e = saltare_core_engine_new(&cfg, NULL, NULL, NULL, 0);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int64_t h = saltare_core_engine_adopt(e, sv[0]);
    CHECK(write(sv[1], "ping", 4) == 4);
    saltare_core_event_t ev;
    CHECK(poll_kind(e, SALTARE_CORE_EV_RAW, &ev) && ev.len == 4);
    /* Write until refused: the queue is bounded by max_pending. */
    static char block[65536];
    int64_t pending = 0;
    int writes = 0;
    while ((pending = saltare_core_engine_write(e, (uint64_t)h, block, sizeof(block))) >= 0 && writes < 1000)
        writes++;
    CHECK(pending == SALTARE_CORE_FULL);
    CHECK(saltare_core_engine_pending(e, (uint64_t)h) <= (int64_t)cfg.max_pending);
    /* Drain the peer: DRAINED once below low water. */
    int drained = 0;
    for (int round = 0; round < 5000 && !drained; round++) {
        char sink[65536];
        while (recv(sv[1], sink, sizeof(sink), MSG_DONTWAIT) > 0)
            ;
        uint32_t used[2];
        int n = saltare_core_engine_poll(e, used);
        for (int i = 0; i < n; i++)
            drained |= saltare_core_engine_events(e)[i].kind == SALTARE_CORE_EV_DRAINED;
    }
    CHECK(drained);
    /* The peer goes away: CLOSED for a known connection (RESET when the
     * pending write notices first, PEER when the read does). */
    close(sv[1]);
    CHECK(poll_kind(e, SALTARE_CORE_EV_CLOSED, &ev) &&
          (ev.aux == SALTARE_CORE_CLOSE_PEER || ev.aux == SALTARE_CORE_CLOSE_RESET));
    CHECK(saltare_core_engine_pending(e, (uint64_t)h) == SALTARE_CORE_STALE);
    /* Timers, graceful stop. */
    uint64_t id = saltare_core_engine_set_timer(e, 10, 42);
    CHECK(poll_kind(e, SALTARE_CORE_EV_TIMER, &ev) && ev.value == id && ev.handle == 42);
    saltare_core_engine_shutdown(e);
    CHECK(poll_kind(e, SALTARE_CORE_EV_STOPPED, &ev));
    saltare_core_engine_destroy(e);
}

/* Poll the engine while reading the peer's side: until `want` bytes (or
 * EOF, or a bounded number of rounds); returns the bytes read. */
static size_t pump_read(saltare_core_engine_t *e, int fd, char *buf, size_t want)
{
    size_t got = 0;
    uint32_t used[2];
    for (int round = 0; round < 2000 && got < want; round++) {
        saltare_core_engine_poll(e, used);
        ssize_t n = recv(fd, buf + got, want - got, MSG_DONTWAIT);
        if (n == 0)
            break;
        if (n > 0)
            got += (size_t)n;
        else
            usleep(1000);
    }
    return got;
}

static void unxor(char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] ^= XOR_KEY;
}

static void test_engine_transport(void)
{
    saltare_core_config_t cfg = config();
    saltare_core_engine_t *e = saltare_core_engine_new(&cfg, &fake_api, NULL, NULL, 0);
    xor_ctx_t x;
    memset(&x, 0, sizeof(x));
    memcpy(x.alpn, "xor/1", 5);
    x.alpn_len = 5;
    x.budget = 5; /* every response takes several flushes */
    saltare_core_transport_t old_abi = *xor_transport_table();
    old_abi.abi_version = 1;
    CHECK(saltare_core_engine_set_transport(e, &old_abi, &x) == SALTARE_CORE_STATE);
    CHECK(saltare_core_engine_set_transport(e, xor_transport_table(), &x) == 0);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int64_t h = saltare_core_engine_adopt(e, sv[0]);
    CHECK(h >= 0);
    CHECK(saltare_core_engine_set_transport(e, xor_transport_table(), &x) == SALTARE_CORE_STATE);
    CHECK(saltare_core_engine_write(e, (uint64_t)h, "x", 1) == SALTARE_CORE_STATE); /* mid-handshake */
    /* The hello with a request right behind it: the request is read with
     * the handshake's last flight, 7 bytes per recv (T_MORE). */
    char hello[64] = "HELO";
    const char req[] = "GET /a-longer-target HTTP/1.1\r\nHost: a\r\n\r\n";
    memcpy(hello + 4, req, sizeof(req) - 1);
    unxor(hello + 4, sizeof(req) - 1);
    CHECK(write(sv[1], hello, 4 + sizeof(req) - 1) == (ssize_t)(4 + sizeof(req) - 1));
    saltare_core_event_t ev;
    CHECK(poll_kind(e, SALTARE_CORE_EV_SECURE, &ev) && ev.len == 5 &&
          memcmp(saltare_core_engine_arena(e) + ev.off, "xor/1", 5) == 0);
    CHECK(saltare_core_engine_transport_state(e, (uint64_t)h) != NULL);
    char got[64];
    CHECK(pump_read(e, sv[1], got, 8) == 8 && memcmp(got, "OK\x05xor/1", 8) == 0);
    /* Paused after SECURE: the request waits for resume_reading(). */
    uint32_t used[2];
    int heads = 0;
    for (int round = 0; round < 5; round++) {
        int n = saltare_core_engine_poll(e, used);
        for (int i = 0; i < n; i++)
            heads += saltare_core_engine_events(e)[i].kind == SALTARE_CORE_EV_HEAD;
    }
    CHECK(heads == 0);
    CHECK(saltare_core_engine_resume_reading(e, (uint64_t)h) == 0);
    CHECK(poll_kind(e, SALTARE_CORE_EV_HEAD, &ev) && ev.len == sizeof(req) - 1 &&
          memcmp(saltare_core_engine_arena(e) + ev.off, req, ev.len) == 0);
    /* The response leaves budget bytes per flush (T_WANT_WRITE). */
    const char resp[] = "HTTP/1.1 204 No Content\r\n\r\n";
    CHECK(saltare_core_engine_respond(e, (uint64_t)h, resp, sizeof(resp) - 1, NULL, 0, 1) == 0);
    CHECK(pump_read(e, sv[1], got, sizeof(resp) - 1) == sizeof(resp) - 1);
    unxor(got, sizeof(resp) - 1);
    CHECK(memcmp(got, resp, sizeof(resp) - 1) == 0);
    /* A local close ends with the transport's marker, then EOF. */
    CHECK(saltare_core_engine_close(e, (uint64_t)h, 0) == 0);
    CHECK(saltare_core_engine_transport_state(e, (uint64_t)h) == NULL);
    CHECK(pump_read(e, sv[1], got, sizeof(got)) == 3);
    unxor(got, 3);
    CHECK(memcmp(got, "BYE", 3) == 0);
    CHECK(x.opened == 1 && x.closed == 1 && x.shutdowns == 1);
    close(sv[1]);
    /* Not a hello: closed, the state freed, nothing written. */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    h = saltare_core_engine_adopt(e, sv[0]);
    CHECK(write(sv[1], "GET / HTTP/1.1\r\n", 16) == 16);
    CHECK(poll_kind(e, SALTARE_CORE_EV_CLOSED, &ev) && ev.aux == SALTARE_CORE_CLOSE_RESET);
    CHECK(x.opened == 2 && x.closed == 2 && x.shutdowns == 1);
    close(sv[1]);
    saltare_core_engine_destroy(e);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    test_wheel();
    test_ratelimit();
    test_pool();
    test_engine_http();
    test_engine_raw_and_backpressure();
    test_engine_transport();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
