"""cffi build script for saltare_core._native (run by hatch_build.py, never imported)."""

from pathlib import Path

from cffi import FFI

C_DIR = Path(__file__).resolve().parent / "_c"

# The http1 structs are declared so that tests/test_http1_abi.py can compare
# their layout with saltare-http1's; the engine itself only takes the
# table's address. The transport table is taken by address too (a void *
# here): its struct stays out of the cdef.
CDEF = """
#define SALTARE_HTTP1_ABI_VERSION ...
#define SALTARE_CORE_ABI_VERSION ...
#define SALTARE_CORE_TRANSPORT_ABI ...
#define SALTARE_CORE_T_READY ...
#define SALTARE_CORE_T_MORE ...
#define SALTARE_CORE_T_WANT_WRITE ...

typedef struct {
    uint32_t max_head_bytes, max_target_bytes, max_headers, max_chunk_ext_bytes, max_trailer_bytes, reserved;
    uint64_t max_body_bytes;
} saltare_http1_limits_t;
typedef struct { uint32_t name_off, name_len, value_off, value_len; } saltare_http1_header_t;
typedef struct {
    uint32_t head_len, method_off, method_len, target_off, target_len, path_off, path_len,
             query_off, query_len, num_headers, flags, http_minor, error, reserved;
    uint64_t content_length;
} saltare_http1_head_t;
typedef struct {
    uint64_t chunk_remaining, body_total;
    uint32_t ext_len, state, error, size_digits;
} saltare_http1_chunked_t;
typedef struct {
    uint32_t abi_version;
    int (*parse_head)(char *, size_t, size_t, const saltare_http1_limits_t *,
                      saltare_http1_head_t *, saltare_http1_header_t *);
    void (*chunked_init)(saltare_http1_chunked_t *);
    int (*decode_chunked)(saltare_http1_chunked_t *, char *, size_t,
                          const saltare_http1_limits_t *, size_t *, size_t *);
    int (*parse_trailers)(char *, size_t, size_t, const saltare_http1_limits_t *,
                          saltare_http1_header_t *, uint32_t *, uint32_t *);
    uint32_t (*error_status)(uint32_t);
} saltare_http1_api_t;

typedef struct {
    uint64_t handle, value;
    uint32_t kind, aux, off, len, hdr_index, num_headers;
    uint32_t method_off, method_len, target_off, target_len, path_off, path_len, query_off, query_len;
    uint32_t http_minor, reserved;
} saltare_core_event_t;

typedef struct {
    uint32_t abi_version, max_connections, max_per_ip, max_events, max_timers, tick_ms, wheel_slots;
    uint32_t header_timeout_ms, body_timeout_ms, keepalive_timeout_ms, write_timeout_ms, lifetime_ms;
    uint32_t buffer_idle_ms, high_water, low_water, max_pending, tcp_nodelay, accept_rate_capacity;
    uint32_t tcp_keepalive_idle, tcp_keepalive_interval, tcp_keepalive_count;
    uint32_t handshake_timeout_ms, max_handshakes;
    double accept_rate, accept_burst;
    saltare_http1_limits_t limits;
} saltare_core_config_t;

typedef struct saltare_core_engine saltare_core_engine_t;
saltare_core_engine_t *saltare_core_engine_new(const saltare_core_config_t *, const void *, uint64_t *, char *, size_t);
void saltare_core_engine_destroy(saltare_core_engine_t *);
int saltare_core_engine_fileno(const saltare_core_engine_t *);
saltare_core_event_t *saltare_core_engine_events(const saltare_core_engine_t *);
char *saltare_core_engine_arena(const saltare_core_engine_t *);
uint32_t *saltare_core_engine_header_words(const saltare_core_engine_t *);
uint32_t saltare_core_engine_capacity(const saltare_core_engine_t *, int);
int saltare_core_engine_poll(saltare_core_engine_t *, uint32_t *);
int saltare_core_engine_add_listener(saltare_core_engine_t *, int);
int64_t saltare_core_engine_adopt(saltare_core_engine_t *, int);
int64_t saltare_core_engine_write(saltare_core_engine_t *, uint64_t, const char *, size_t);
int64_t saltare_core_engine_sendfile(saltare_core_engine_t *, uint64_t, int, int64_t, uint64_t);
int64_t saltare_core_engine_pending(const saltare_core_engine_t *, uint64_t);
int saltare_core_engine_finish(saltare_core_engine_t *, uint64_t, int);
int64_t saltare_core_engine_respond(saltare_core_engine_t *, uint64_t, const char *, size_t, const char *, size_t, int);
int saltare_core_engine_close(saltare_core_engine_t *, uint64_t, int);
int saltare_core_engine_pause_reading(saltare_core_engine_t *, uint64_t);
int saltare_core_engine_resume_reading(saltare_core_engine_t *, uint64_t);
int saltare_core_engine_set_raw(saltare_core_engine_t *, uint64_t);
int saltare_core_engine_peer(const saltare_core_engine_t *, uint64_t, uint32_t *, uint8_t *);
uint64_t saltare_core_engine_set_timer(saltare_core_engine_t *, uint32_t, uint64_t);
int saltare_core_engine_cancel_timer(saltare_core_engine_t *, uint64_t);
void saltare_core_engine_shutdown(saltare_core_engine_t *);
void saltare_core_engine_stats(const saltare_core_engine_t *, uint64_t *);
void saltare_core_counters_add(uint64_t *, uint32_t, uint64_t);
int saltare_core_engine_set_transport(saltare_core_engine_t *, const void *, void *);
void *saltare_core_engine_transport_state(const saltare_core_engine_t *, uint64_t);

typedef struct sc_timers sc_timers_t;
sc_timers_t *saltare_core_timerwheel_new(uint32_t, uint32_t);
void saltare_core_timerwheel_destroy(sc_timers_t *);
uint64_t saltare_core_timerwheel_add(sc_timers_t *, uint64_t);
int saltare_core_timerwheel_cancel(sc_timers_t *, uint64_t);
uint32_t saltare_core_timerwheel_advance(sc_timers_t *, uint64_t);
const uint64_t *saltare_core_timerwheel_fired(const sc_timers_t *);
uint64_t saltare_core_timerwheel_now(const sc_timers_t *);
uint32_t saltare_core_timerwheel_count(const sc_timers_t *);

typedef struct saltare_core_ratelimit saltare_core_ratelimit_t;
saltare_core_ratelimit_t *saltare_core_ratelimit_new(double, double, uint32_t);
void saltare_core_ratelimit_destroy(saltare_core_ratelimit_t *);
int saltare_core_ratelimit_allow(saltare_core_ratelimit_t *, const uint8_t *, uint32_t, double);
uint32_t saltare_core_ratelimit_size(const saltare_core_ratelimit_t *);

int saltare_core_cap_arenas(int);
int saltare_core_trim_heap(void);
int saltare_core_page_out(uintptr_t, size_t);
int saltare_core_parent_death_signal(int);
"""

ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source(
    "saltare_core._native",
    '#include "engine.h"\n#include "process.h"\n#include "timerwheel.h"\n',
    # Absolute paths: cffi compiles with a temporary working directory.
    sources=[str(p) for p in sorted(C_DIR.glob("*.c"))],
    include_dirs=[str(C_DIR)],
    extra_compile_args=["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror"],
)
