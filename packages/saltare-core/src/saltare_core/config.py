"""Every bound the engine enforces, with its default."""

from typing import NamedTuple


class Http1Limits(NamedTuple):
    """The limits handed to the HTTP/1 parser (the same fields and defaults as
    `saltare_http1.Limits`; any object with these attributes will do)."""

    max_head_bytes: int = 16384
    """Request line + fields; over it: 431. At most 16384 (one large buffer)."""
    max_target_bytes: int = 8192
    max_headers: int = 100
    max_chunk_ext_bytes: int = 1024
    max_trailer_bytes: int = 8192
    """At most 16384, like the head."""
    max_body_bytes: int | None = None


class EngineConfig(NamedTuple):
    """Engine settings. Durations are seconds; 0 disables a deadline."""

    max_connections: int = 10000
    """Open connections; over it a new one is accepted and closed at once."""
    max_connections_per_ip: int = 0
    """0: no per-client cap."""
    header_timeout: float = 10.0
    """From accept (or from the first byte after a keep-alive wait) to a complete head."""
    body_timeout: float = 30.0
    """Longest wait for request-body bytes while reading is not paused."""
    keepalive_timeout: float = 5.0
    """Idle wait for the next request on a kept-alive connection."""
    write_timeout: float = 30.0
    """Longest time queued response bytes may make no progress."""
    lifetime: float = 0.0
    """After it, a connection is not kept alive any more (closed at once if idle)."""
    tick: float = 0.05
    """Timer wheel resolution: deadlines fire within one tick after they pass."""
    wheel_slots: int = 512
    max_timers: int = 4096
    """Generic timers (set_timer) alive at once."""
    max_events: int = 256
    """Socket events per poll(); more stay ready for the next one."""
    buffer_idle_release: float = 30.0
    """Free pooled buffers idle this long are given back to the OS."""
    high_water: int = 65536
    """Pending write bytes above which the caller should wait for DRAINED."""
    low_water: int = 16384
    """DRAINED is reported when pending bytes fall to this."""
    max_pending: int = 4 << 20
    """A write that would queue more than this is refused (BufferError)."""
    tcp_nodelay: bool = True
    tcp_keepalive_idle: int = 0
    """Seconds a TCP connection is idle before keepalive probes; 0: SO_KEEPALIVE off."""
    tcp_keepalive_interval: int = 0
    """Seconds between probes; 0: the kernel's default."""
    tcp_keepalive_count: int = 0
    """Unanswered probes before the connection is reset; 0: the kernel's default."""
    accept_rate: float = 0.0
    """New connections per second per client address; 0: no limit."""
    accept_burst: float = 0.0
    """Token-bucket size for accept_rate (at least 1 when the limit is on)."""
    accept_rate_table: int = 65536
    """Client addresses remembered by the accept rate limiter (LRU)."""
    handshake_timeout: float = 0.0
    """With a handshake transport (engine.set_transport): from accept to the
    handshake's end; 0: header_timeout."""
    max_handshakes: int = 0
    """Connections handshaking at once; over it a new one is closed at once. 0: no cap."""
    http1_limits: Http1Limits = Http1Limits()


DEFAULT_CONFIG = EngineConfig()
