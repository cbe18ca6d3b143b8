"""The C backend: thin wrappers over _native (one crossing per poll, one
buffer read per batch)."""

import socket
import struct

from ._errors import STALE, STATE, raise_for
from ._native import ffi, lib
from .config import DEFAULT_CONFIG, EngineConfig
from .counters import SharedCounters
from .events import CLOSED, END, ERROR, HEAD, Event, RequestHead, fields

name = "c"

_EVENT = struct.Struct("=QQ16I")  # saltare_core_event_t
_UINT64_MAX = 2**64 - 1
_new_head = tuple.__new__  # RequestHead is a NamedTuple: skip its keyword-handling __new__
_new_event = tuple.__new__
_PEER = struct.Struct("=II16s")  # engine_peer's family/port words, then the address
_AF_INET, _AF_INET6, _inet_ntop = socket.AF_INET, socket.AF_INET6, socket.inet_ntop


_STAT_NAMES = (
    "connections", "small_buffers", "small_in_use", "small_resident", "large_buffers",
    "large_in_use", "large_resident", "buffers_released", "timers_armed", "connection_bytes",
)


def _ms(seconds: float) -> int:
    return max(0, min(int(seconds * 1000 + 0.5), 2**32 - 1))


def c_config(config: EngineConfig):
    cfg = ffi.new("saltare_core_config_t *")
    cfg.abi_version = lib.SALTARE_CORE_ABI_VERSION
    cfg.max_connections = config.max_connections
    cfg.max_per_ip = config.max_connections_per_ip
    cfg.max_events = config.max_events
    cfg.max_timers = config.max_timers
    cfg.tick_ms = max(1, _ms(config.tick))
    cfg.wheel_slots = config.wheel_slots
    cfg.header_timeout_ms = _ms(config.header_timeout)
    cfg.body_timeout_ms = _ms(config.body_timeout)
    cfg.keepalive_timeout_ms = _ms(config.keepalive_timeout)
    cfg.write_timeout_ms = _ms(config.write_timeout)
    cfg.lifetime_ms = _ms(config.lifetime)
    cfg.buffer_idle_ms = _ms(config.buffer_idle_release)
    cfg.high_water = config.high_water
    cfg.low_water = config.low_water
    cfg.max_pending = config.max_pending
    cfg.tcp_nodelay = int(config.tcp_nodelay)
    cfg.tcp_keepalive_idle = config.tcp_keepalive_idle
    cfg.tcp_keepalive_interval = config.tcp_keepalive_interval
    cfg.tcp_keepalive_count = config.tcp_keepalive_count
    cfg.handshake_timeout_ms = _ms(config.handshake_timeout)
    cfg.max_handshakes = config.max_handshakes
    cfg.accept_rate_capacity = config.accept_rate_table if config.accept_rate > 0 else 0
    cfg.accept_rate = config.accept_rate
    cfg.accept_burst = max(config.accept_burst, 1.0)
    limits = config.http1_limits
    cfg.limits.max_head_bytes = limits.max_head_bytes
    cfg.limits.max_target_bytes = limits.max_target_bytes
    cfg.limits.max_headers = limits.max_headers
    cfg.limits.max_chunk_ext_bytes = limits.max_chunk_ext_bytes
    cfg.limits.max_trailer_bytes = limits.max_trailer_bytes
    cfg.limits.max_body_bytes = _UINT64_MAX if limits.max_body_bytes is None else limits.max_body_bytes
    return cfg


def _destroyer(keep: list):
    """The engine's destructor, holding `keep` until the engine is gone."""

    def destroy(engine) -> None:
        lib.saltare_core_engine_destroy(engine)
        keep.clear()

    return destroy


class Engine:
    """The epoll engine (README "Engine API"). `http1` is the address of
    saltare-http1's C table (`saltare_http1._cbackend.c_api_address()`), or
    None for an engine that delivers every connection raw."""

    def __init__(self, config: EngineConfig = DEFAULT_CONFIG, *, http1: int | None = None,
                 counters: SharedCounters | None = None) -> None:
        self.config = config
        self.counters = counters if counters is not None else SharedCounters()
        self._counters_ptr = ffi.cast("uint64_t *", ffi.from_buffer(self.counters.buffer))
        err = ffi.new("char[128]")
        api = ffi.NULL if http1 is None else ffi.cast("void *", http1)
        self._cfg = c_config(config)
        engine = lib.saltare_core_engine_new(self._cfg, api, self._counters_ptr, err, 128)
        if engine == ffi.NULL:
            raise ValueError(ffi.string(err).decode())
        # What the C engine points into (a transport's table and ctx) must
        # outlive it, also when the engine is collected rather than destroyed.
        self._keep: list = []
        self._engine = ffi.gc(engine, _destroyer(self._keep))
        self._events = ffi.buffer(lib.saltare_core_engine_events(engine),
                                  lib.saltare_core_engine_capacity(engine, 0) * _EVENT.size)
        self._arena = ffi.buffer(lib.saltare_core_engine_arena(engine), lib.saltare_core_engine_capacity(engine, 1))
        self._words = memoryview(ffi.buffer(lib.saltare_core_engine_header_words(engine),
                                            4 * lib.saltare_core_engine_capacity(engine, 2))).cast("I")
        self._used = ffi.new("uint32_t[2]")
        self._stats = ffi.new("uint64_t[16]")
        # peer(): family, port and address land in one buffer, read with one unpack.
        self._peer = ffi.new("uint32_t[6]")
        self._peer_addr = ffi.cast("uint8_t *", self._peer + 2)
        self._peer_view = ffi.buffer(self._peer)
        self._listeners: list[socket.socket] = []
        self._fd = lib.saltare_core_engine_fileno(engine)

    def fileno(self) -> int:
        return self._fd

    def next_deadline(self) -> float | None:
        """The C engine's timerfd wakes fileno() itself: no deadline to keep."""
        return None

    def add_listener(self, sock: socket.socket) -> None:
        """Accept on a listening socket; the caller keeps it and closes it."""
        rc = lib.saltare_core_engine_add_listener(self._engine, sock.fileno())
        if rc < 0:
            raise_for(rc, "add_listener", ffi.errno)
        self._listeners.append(sock)

    def adopt(self, sock: socket.socket) -> int:
        """Take a connected socket (detached from `sock`); returns its handle."""
        handle = lib.saltare_core_engine_adopt(self._engine, sock.fileno())
        if handle < 0:
            raise_for(handle, "adopt", ffi.errno)
        sock.detach()
        return handle

    def set_transport(self, transport) -> None:
        """Move bytes through `transport` (see saltare_core.transport) instead
        of plain socket I/O; only before the first connection. The engine
        uses its C table: `transport.c_transport()` -> (table, ctx) addresses."""
        c_transport = getattr(transport, "c_transport", None)
        if c_transport is None:
            raise TypeError(f"set_transport: {type(transport).__name__} has no C table (c_transport()); "
                            "the C engine needs one")
        table, ctx = c_transport()
        abi = ffi.cast("uint32_t *", table)[0]
        if abi != lib.SALTARE_CORE_TRANSPORT_ABI:
            raise ValueError(f"set_transport: the table speaks transport ABI {abi}, "
                             f"the engine {lib.SALTARE_CORE_TRANSPORT_ABI}")
        rc = lib.saltare_core_engine_set_transport(self._engine, ffi.cast("void *", table), ffi.cast("void *", ctx))
        if rc == STATE:
            raise ValueError("set_transport: only before the first connection (or an incomplete table)")
        if rc < 0:
            raise_for(rc, "set_transport")
        self._keep.append(transport)

    def transport_state(self, handle: int) -> int:
        """The transport's per-connection state as an address (0 when the
        handle is stale or the transport is the plain one)."""
        return int(ffi.cast("uintptr_t", lib.saltare_core_engine_transport_state(self._engine, handle)))

    def poll(self) -> list[Event]:
        n = lib.saltare_core_engine_poll(self._engine, self._used)
        if not n:
            return []
        used = self._used
        arena = self._arena[: used[0]] if used[0] else b""
        words = self._words
        out = []
        for (handle, value, kind, aux, off, length, hdr, nh, mo, ml, to, tl, po, pl, qo, ql, minor, _) in (
            _EVENT.iter_unpack(self._events[: n * _EVENT.size])
        ):
            data = arena[off : off + length] if length else b""
            info = None
            if kind == HEAD:
                offsets = words[hdr : hdr + 4 * nh].tolist()
                info = _new_head(RequestHead, (data, mo, ml, to, tl, po, pl, qo, ql, minor, aux, value, offsets))
            elif kind == END:
                info = fields(data, words[hdr : hdr + 4 * nh]) if nh else []
                data = b""
            elif kind == CLOSED:
                value = aux
            elif kind == ERROR:
                info = aux
            out.append(_new_event(Event, (kind, handle, data, value, info)))
        return out

    def write(self, handle: int, data: bytes) -> int:
        """Send now, queue the rest; returns the pending byte count (compare it
        with config.high_water), or -1 when the connection is gone."""
        rc = lib.saltare_core_engine_write(self._engine, handle, data, len(data))
        if rc < STALE:
            raise_for(rc, "write", ffi.errno)
        return rc

    def sendfile(self, handle: int, fd: int, offset: int, count: int) -> int:
        """Send count bytes of the file from offset (the fd is duplicated);
        returns the pending byte count, or -1 when the connection is gone."""
        rc = lib.saltare_core_engine_sendfile(self._engine, handle, fd, offset, count)
        if rc < STALE:
            raise_for(rc, "sendfile", ffi.errno)
        return rc

    def pending(self, handle: int) -> int:
        return lib.saltare_core_engine_pending(self._engine, handle)

    def finish(self, handle: int, keep_alive: bool = True) -> bool:
        """The response is written: keep the connection for the next request
        (pipelined bytes are parsed at the next poll) or close it after the flush."""
        return lib.saltare_core_engine_finish(self._engine, handle, int(keep_alive)) == 0

    def respond(self, handle: int, data: bytes, keep_alive: bool = True, body: bytes = b"") -> int:
        """write() and finish() in one call: a whole response. data and body
        go out in one writev (a large body need not be joined to its head).
        Returns the pending byte count, or -1 when the connection is gone."""
        rc = lib.saltare_core_engine_respond(self._engine, handle, data, len(data), body, len(body), keep_alive)
        if rc < STALE:
            raise_for(rc, "respond", ffi.errno)
        return rc

    def close(self, handle: int, abort: bool = False) -> bool:
        """Close after the queued bytes are sent (abort: at once); when the
        client may still be sending, linger first (README). The handle is
        stale from now on."""
        return lib.saltare_core_engine_close(self._engine, handle, int(abort)) == 0

    def pause_reading(self, handle: int) -> bool:
        return lib.saltare_core_engine_pause_reading(self._engine, handle) == 0

    def resume_reading(self, handle: int) -> bool:
        return lib.saltare_core_engine_resume_reading(self._engine, handle) == 0

    def set_raw(self, handle: int) -> bool:
        """Deliver this connection's bytes as RAW events from now on (bytes
        already read after the head come first)."""
        rc = lib.saltare_core_engine_set_raw(self._engine, handle)
        if rc < STALE:
            raise_for(rc, "set_raw")
        return rc == 0

    def peer(self, handle: int):
        """(host, port) of a TCP peer, "" for a Unix socket, None when gone."""
        rc = lib.saltare_core_engine_peer(self._engine, handle, self._peer, self._peer_addr)
        if rc < 0:
            return None
        family, port, addr = _PEER.unpack_from(self._peer_view)
        if family == _AF_INET:
            return _inet_ntop(family, addr[:4]), port
        if family == _AF_INET6:
            return _inet_ntop(family, addr), port
        return ""

    def set_timer(self, delay: float, tag: int = 0) -> int:
        """A TIMER event after `delay` seconds (within one tick); returns its id."""
        timer = lib.saltare_core_engine_set_timer(self._engine, _ms(delay), tag)
        if not timer:
            raise OverflowError("all max_timers timers are in use")
        return timer

    def cancel_timer(self, timer: int) -> bool:
        return lib.saltare_core_engine_cancel_timer(self._engine, timer) == 1

    def shutdown(self) -> None:
        """Graceful stop: no more accepts, idle connections closed, the others
        closed at finish(); STOPPED once none is left."""
        lib.saltare_core_engine_shutdown(self._engine)

    def stats(self) -> dict:
        lib.saltare_core_engine_stats(self._engine, self._stats)
        return dict(zip(_STAT_NAMES, self._stats))

    def destroy(self) -> None:
        """Close every connection and free the engine (also done when collected)."""
        if self._engine is not None:
            ffi.release(self._engine)
            self._engine = None


class TimerWheel:
    """Hashed timer wheel (saltare_core.timerwheel)."""

    def __init__(self, capacity: int = 1024, slots: int = 512) -> None:
        wheel = lib.saltare_core_timerwheel_new(capacity, slots)
        if wheel == ffi.NULL:
            raise MemoryError("timer wheel")
        self._wheel = ffi.gc(wheel, lib.saltare_core_timerwheel_destroy)
        self._fired = ffi.buffer(lib.saltare_core_timerwheel_fired(wheel), 8 * max(capacity, 1))

    @property
    def now(self) -> int:
        return lib.saltare_core_timerwheel_now(self._wheel)

    def __len__(self) -> int:
        return lib.saltare_core_timerwheel_count(self._wheel)

    def schedule_at(self, tick: int) -> int:
        timer = lib.saltare_core_timerwheel_add(self._wheel, tick)
        if not timer:
            raise OverflowError("all timers are in use")
        return timer

    def schedule(self, delay: int) -> int:
        return self.schedule_at(self.now + delay)

    def cancel(self, timer: int) -> bool:
        return lib.saltare_core_timerwheel_cancel(self._wheel, timer) == 1

    def advance(self, to: int) -> list[int]:
        n = lib.saltare_core_timerwheel_advance(self._wheel, to)
        return memoryview(self._fired[: 8 * n]).cast("Q").tolist() if n else []


class RateLimiter:
    """Token bucket per client address (saltare_core.ratelimit)."""

    def __init__(self, rate: float, burst: float, capacity: int = 65536) -> None:
        limiter = lib.saltare_core_ratelimit_new(rate, burst, capacity)
        if limiter == ffi.NULL:
            raise MemoryError("rate limiter")
        self._limiter = ffi.gc(limiter, lib.saltare_core_ratelimit_destroy)
        self.rate, self.burst, self.capacity = rate, burst, max(capacity, 1)

    def allow(self, key: bytes, now: float) -> bool:
        rc = lib.saltare_core_ratelimit_allow(self._limiter, key, len(key), now)
        if rc < 0:
            raise ValueError("key must be 1 to 16 bytes (a packed address)")
        return rc == 1

    def __len__(self) -> int:
        return lib.saltare_core_ratelimit_size(self._limiter)


def cap_arenas(arenas: int) -> bool:
    return lib.saltare_core_cap_arenas(arenas) == 0


def trim_heap() -> bool:
    return lib.saltare_core_trim_heap() == 1


def page_out(start: int, length: int) -> bool:
    return lib.saltare_core_page_out(start, length) == 0


def set_parent_death_signal(signum: int) -> bool:
    return lib.saltare_core_parent_death_signal(signum) == 0
