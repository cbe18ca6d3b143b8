"""The engine in Python: selectors instead of epoll_wait in C, the same
events, handles, deadlines and limits as _c/engine.c (see its comments for
the why of each rule)."""

import os
import selectors
import socket
import time

from . import _pyhttp
from ._errors import FULL, STATE, raise_for
from ._pyaccept import ROOM_EVENTS, Acceptor
from ._pyio import (
    CF_BROKEN, CF_KNOWN, CF_NO_REUSE, CF_PAUSED, CF_PEEKED, CF_PENDING, CF_SERVED, ST_BODY_CHUNK, ST_BODY_CL,
    CF_LINGER, ST_CLOSING, ST_ERROR, ST_FREE, ST_HANDSHAKE, ST_HEAD, ST_IDLE, ST_LINGER, ST_RAW, ST_RESPONDING,
    ST_TRAILERS, TF_HOLD, TF_MORE, ConnIO, all_sent,
)
from ._pypool import LARGE, SIZES, SMALL, Pool
from ._pyratelimit import RateLimiter
from ._pytransport import TransportIO
from ._pywheel import TimerIds, Wheel
from .config import DEFAULT_CONFIG, EngineConfig
from .counters import OPEN, TIMEOUTS, SharedCounters
from .events import CLOSED, STOPPED, TIMER, CloseReason, Event

R = CloseReason
_BODY = {ST_BODY_CL, ST_BODY_CHUNK, ST_TRAILERS}
_READING = {ST_IDLE, ST_HEAD, *_BODY, ST_RAW, ST_HANDSHAKE, ST_LINGER}
# Where the client may still be sending when the caller closes (_c/ops.c).
_UNREAD = {ST_ERROR, ST_HEAD, *_BODY}
_STAT_NAMES = (
    "connections", "small_buffers", "small_in_use", "small_resident", "large_buffers",
    "large_in_use", "large_resident", "buffers_released", "timers_armed", "connection_bytes",
)


def _ms(seconds: float) -> int:
    return max(0, min(int(seconds * 1000 + 0.5), 2**32 - 1))


class Conn:
    __slots__ = ("slot", "gen", "sock", "state", "flags", "buf", "cls", "last_len", "body_left", "decoder",
                 "wq", "pending", "file_fd", "file_off", "file_left", "read_deadline", "write_deadline",
                 "born", "ip_key", "interest", "tstate", "tflags")

    def __init__(self, slot: int, gen: int, sock: socket.socket, state: int, born: int) -> None:
        self.slot, self.gen, self.sock, self.state, self.born = slot, gen, sock, state, born
        self.flags = self.last_len = self.body_left = self.pending = self.file_off = self.file_left = 0
        self.read_deadline = self.write_deadline = 0
        self.buf: bytearray | None = None
        self.cls = SMALL
        self.decoder = None
        self.wq: list[memoryview] = []
        self.file_fd = -1
        self.ip_key: bytes | None = None
        self.interest = selectors.EVENT_READ
        self.tstate = None  # the transport's state (None with the plain transport)
        self.tflags = 0  # TF_* of _pyio

    @property
    def handle(self) -> int:
        return (self.gen << 32) | self.slot


class Engine(ConnIO, Acceptor, TransportIO):
    """The engine, pure Python. `http1` is saltare-http1's Python backend
    module (`saltare_http1._pybackend`: HeadParser, ChunkedDecoder,
    ProtocolError), or None for an engine that delivers every connection raw."""

    def __init__(self, config: EngineConfig = DEFAULT_CONFIG, *, http1=None,
                 counters: SharedCounters | None = None) -> None:
        limits = config.http1_limits
        if (config.max_connections <= 0 or config.max_events <= 0 or limits.max_head_bytes > SIZES[LARGE]
                or limits.max_trailer_bytes > SIZES[LARGE] or limits.max_headers <= 0
                or config.low_water > config.high_water):
            raise ValueError("invalid engine configuration")
        self.config = config
        self.counters = counters if counters is not None else SharedCounters()
        self._words = self.counters.words
        self._http = _pyhttp.Http1(http1, limits) if http1 is not None else None
        self._tick_ms = max(1, _ms(config.tick))
        self._start = time.monotonic()
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._sel.register(self._wake_r, selectors.EVENT_READ, None)
        self._kicked = False
        # Slots grow as connections come (released ones are reused first), as
        # the C table's pages are touched only when used.
        self._conns: list[Conn | None] = []
        self._gens: list[int] = []
        self._free: list[int] = []
        self._open = 0
        self._pending: dict[Conn, None] = {}
        self._listeners: list[socket.socket] = []
        self._listening = False
        self._accept_paused = self._draining = self._stop_reported = False
        self._reserve_fd = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        self._pool = Pool()
        self._wheel = Wheel(config.wheel_slots)
        self._timers = TimerIds(self._wheel, config.max_timers)
        self._per_ip: dict[bytes, int] = {}
        self._accept_rl = (RateLimiter(config.accept_rate, max(config.accept_burst, 1.0), config.accept_rate_table)
                           if config.accept_rate > 0 else None)
        self._events: list[Event] = []
        self._transport = None  # None: plain socket I/O (set_transport)
        self._handshaking = 0

    # -- clock and timers ------------------------------------------------
    def _now_ms(self) -> int:
        return int((time.monotonic() - self._start) * 1000)

    def _now_tick(self) -> int:
        return self._now_ms() // self._tick_ms

    def _ticks(self, ms: int) -> int:
        return -(-ms // self._tick_ms)

    def next_deadline(self) -> float | None:
        """Seconds until poll() must run for the timers (None: no timer armed).
        The Python engine has no timerfd: its caller arms a loop timer."""
        if not len(self._wheel):
            return None
        elapsed = time.monotonic() - self._start
        tick = self._tick_ms / 1000
        return max(0.0, (int(elapsed / tick) + 1) * tick - elapsed)

    def _rearm(self, c: Conn) -> None:
        at = 0
        candidates = [c.read_deadline, c.write_deadline, 0]
        if self.config.lifetime and not c.flags & CF_NO_REUSE:
            candidates[2] = c.born + self._ticks(_ms(self.config.lifetime))
        for candidate in candidates:
            if candidate and (not at or candidate < at):
                at = candidate
        if not at:
            self._wheel.delete(c)
        elif self._wheel.expires(c) != at:
            self._wheel.add(c, at)

    def _set_read_deadline(self, c: Conn, seconds: float) -> None:
        c.read_deadline = self._now_tick() + self._ticks(_ms(seconds)) if seconds else 0
        self._rearm(c)

    def _arm_sweep(self) -> None:
        if "sweep" not in self._wheel:
            self._wheel.add("sweep", self._now_tick() + self._ticks(_ms(self.config.buffer_idle_release)) + 1)

    def _fire(self, key) -> None:
        if key == "sweep":
            idle = _ms(self.config.buffer_idle_release) / 1000
            if self._pool.sweep(self._now_ms() / 1000, idle):
                self._arm_sweep()
        elif key == "accept":
            self._accept_paused = False
            if not self._draining:
                self._listen(True)
        elif type(key) is tuple:
            timer, tag = self._timers.fired(key[1])
            self._events.append(Event(TIMER, tag, b"", timer, None))
        else:
            self._conn_fired(key)

    def _conn_fired(self, c: Conn) -> None:
        now = self._wheel.now
        cfg = self.config
        if cfg.lifetime and not c.flags & CF_NO_REUSE and now >= c.born + self._ticks(_ms(cfg.lifetime)):
            c.flags |= CF_NO_REUSE
            if c.state == ST_IDLE and all_sent(c):
                self._close_conn(c, R.LIFETIME)
                return
        if c.write_deadline and now >= c.write_deadline:
            self._close_conn(c, R.WRITE_TIMEOUT)
            return
        if c.read_deadline and now >= c.read_deadline and c.state == ST_IDLE and not all_sent(c):
            c.read_deadline = 0  # the keep-alive wait starts when the response is sent (_pyio)
        elif c.read_deadline and now >= c.read_deadline:
            reason = R.BODY_TIMEOUT
            if c.state == ST_LINGER:
                reason = R.LOCAL  # the linger ran its time: no timeout to count
            elif c.state == ST_IDLE:
                reason = R.KEEPALIVE_TIMEOUT if c.flags & CF_SERVED else R.HEADER_TIMEOUT
            elif c.state == ST_HEAD or c.state in _BODY:
                self._request_timeout(c)
                self._words[TIMEOUTS] += 1
                return
            elif c.state == ST_HANDSHAKE:
                reason = R.HANDSHAKE_TIMEOUT
            self._close_conn(c, reason)
            return
        self._rearm(c)

    def set_timer(self, delay: float, tag: int = 0) -> int:
        timer = self._timers.add(self._now_tick() + self._ticks(_ms(delay)), tag)
        if not timer:
            raise OverflowError("all max_timers timers are in use")
        return timer

    def cancel_timer(self, timer: int) -> bool:
        return self._timers.cancel(timer)

    # -- connections -----------------------------------------------------
    def fileno(self) -> int:
        return self._sel.fileno()

    def _kick(self) -> None:
        if not self._kicked:
            try:
                self._wake_w.send(b"\0")
                self._kicked = True
            except BlockingIOError:
                pass

    def _get(self, handle: int) -> Conn | None:
        slot = handle & 0xFFFFFFFF
        if slot >= len(self._conns):
            return None
        c = self._conns[slot]
        if c is None or c.gen != handle >> 32 or c.state == ST_CLOSING:
            return None
        return c

    def _emit(self, kind: int, c: Conn, data: bytes = b"", value: int = 0, info=None) -> None:
        self._events.append(Event(kind, c.handle, data, value, info))

    def _peer_left(self, c: Conn) -> None:
        """Readable while not reading: EOF means the peer left (the C engine's
        EPOLLRDHUP); bytes are a pipelined request, kept for after finish()."""
        try:
            peek = c.sock.recv(1, socket.MSG_PEEK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close_conn(c, R.RESET)
            return
        if not peek:
            self._close_conn(c, R.PEER)
            return
        c.flags |= CF_PEEKED  # stop watching until the connection reads again (no busy loop)
        self._update_interest(c)

    def _update_interest(self, c: Conn) -> None:
        want = 0
        if c.state in _READING and not c.flags & CF_PAUSED:
            want |= selectors.EVENT_READ
            if c.tflags & TF_MORE:
                self._pending_add(c)  # plaintext inside the transport never makes the socket readable
        elif c.flags & CF_KNOWN and not c.flags & CF_PEEKED:
            want |= selectors.EVENT_READ  # not reading: still learn that the peer left
        if not all_sent(c):
            want |= selectors.EVENT_WRITE
        if want == c.interest:
            return
        if not want:
            self._sel.unregister(c.sock)
        elif not c.interest:
            self._sel.register(c.sock, want, c)
        else:
            self._sel.modify(c.sock, want, c)
        c.interest = want

    def _pending_add(self, c: Conn) -> None:
        if not c.flags & CF_PENDING:
            c.flags |= CF_PENDING
            self._pending[c] = None
            self._kick()

    def _pending_remove(self, c: Conn) -> None:
        if c.flags & CF_PENDING:
            c.flags &= ~CF_PENDING
            del self._pending[c]

    def _release_buf(self, c: Conn) -> None:
        if c.buf is not None:
            self._pool.put(c.cls, self._now_ms() / 1000)
            c.buf = None
            self._arm_sweep()

    def _close_conn(self, c: Conn, reason: int) -> None:
        if c.flags & CF_KNOWN and reason != R.LOCAL:
            self._emit(CLOSED, c, b"", int(reason))
        if R.HEADER_TIMEOUT <= reason <= R.WRITE_TIMEOUT or reason == R.HANDSHAKE_TIMEOUT:
            self._words[TIMEOUTS] += 1
        self._wheel.delete(c)
        self._pending_remove(c)
        self._wq_free(c)
        self._release_buf(c)
        if c.state == ST_HANDSHAKE:
            self._handshaking -= 1
        if self._transport is not None:
            self._transport_end(c, reason)
        if c.interest:
            self._sel.unregister(c.sock)
        c.sock.close()
        if c.ip_key is not None:
            left = self._per_ip[c.ip_key] - 1
            if left:
                self._per_ip[c.ip_key] = left
            else:
                del self._per_ip[c.ip_key]
        c.state = ST_FREE
        self._gens[c.slot] = (c.gen + 1) & 0xFFFFFFFF
        self._conns[c.slot] = None
        self._free.append(c.slot)
        self._open -= 1
        self._words[OPEN] -= 1
        if self._draining and not self._open:
            self._kick()

    def _has_slot(self) -> bool:
        return bool(self._free) or len(self._conns) < self.config.max_connections

    def _conn_new(self, sock: socket.socket, tstate) -> Conn:
        """A new connection (non-blocking socket; the caller checked there is a free slot)."""
        if self._free:
            slot = self._free.pop()
        else:
            slot = len(self._conns)
            self._conns.append(None)
            self._gens.append(0)
        c = Conn(slot, self._gens[slot], sock, ST_IDLE if self._http else ST_RAW, self._now_tick())
        c.tstate = tstate
        self._conns[slot] = c
        self._sel.register(sock, selectors.EVENT_READ, c)
        self._open += 1
        self._words[OPEN] += 1
        if self._handshakes():
            c.state = ST_HANDSHAKE
            self._handshaking += 1
            self._set_read_deadline(c, self.config.handshake_timeout or self.config.header_timeout)
        elif self._http:
            self._set_read_deadline(c, self.config.header_timeout)
        else:
            self._rearm(c)
        return c

    def adopt(self, sock: socket.socket) -> int:
        """Take a connected socket (the engine owns it from now on); returns its handle."""
        if not self._has_slot():
            raise_for(FULL, "adopt")
        sock.setblocking(False)
        accepted, tstate = self._transport_open(sock)
        if not accepted:
            raise_for(STATE, "adopt")  # refused by the transport; the socket stays the caller's
        c = self._conn_new(sock, tstate)
        c.flags |= CF_KNOWN  # the caller holds the handle: told of everything, also mid-handshake
        return c.handle

    def _room(self) -> bool:
        return len(self._events) + ROOM_EVENTS <= self.config.max_events

    def poll(self) -> list[Event]:
        self._events = events = []
        ready = self._sel.select(0)
        self._wheel.advance(self._now_tick(), self._fire)
        for key, _ in ready:
            if key.data is None:
                try:
                    while self._wake_r.recv(4096):
                        pass
                except BlockingIOError:
                    pass
                self._kicked = False
        # Each pending connection once per poll (one re-added meanwhile waits
        # for the next), so a transport that keeps saying MORE cannot hold the poll.
        for c in list(self._pending):
            if not self._room():
                break
            if not c.flags & CF_PENDING:
                continue
            self._pending_remove(c)
            if c.flags & CF_BROKEN:
                self._close_conn(c, R.RESET)
                continue
            self._process(c)
            if c.tflags & TF_MORE and c.state in _READING and not c.flags & CF_PAUSED:
                self._readable(c)
        for key, mask in ready:
            if not self._room():
                break
            data = key.data
            if data is None:
                continue
            if data == "listener":
                if self._listening:
                    self._accept_ready(key.fileobj)
                continue
            c = data
            if c.state == ST_FREE or self._conns[c.slot] is not c:
                continue  # closed earlier in this batch
            if mask & selectors.EVENT_WRITE:
                self._writable(c)
                if c.state == ST_FREE:
                    continue
            if mask & selectors.EVENT_READ and c.interest & selectors.EVENT_READ:
                if c.state in _READING and not c.flags & CF_PAUSED:
                    self._readable(c)
                else:
                    self._peer_left(c)
        if self._pending:
            self._kick()
        if self._draining and not self._open and not self._stop_reported:
            self._stop_reported = True
            events.append(Event(STOPPED, 0, b"", 0, None))
        return events

    # -- handle operations -----------------------------------------------
    def respond(self, handle: int, data: bytes, keep_alive: bool = True, body: bytes = b"") -> int:
        """write() and finish() in one call: a whole response. data and body
        go out in one writev (a large body need not be joined to its head).
        Returns the pending byte count, or -1 when the connection is gone."""
        pending = self._write_parts(handle, (data, body) if body else (data,))
        if pending >= 0:
            self.finish(handle, keep_alive)
        return pending

    def finish(self, handle: int, keep_alive: bool = True) -> bool:
        """The response is written: keep the connection for the next request
        (pipelined bytes are parsed at the next poll) or close it after the flush."""
        c = self._get(handle)
        if c is None:
            return False
        if c.state != ST_RESPONDING or not keep_alive or self._draining or c.flags & CF_NO_REUSE:
            return self.close(handle)
        c.flags = (c.flags & ~(CF_KNOWN | CF_PEEKED)) | CF_SERVED
        c.state = ST_IDLE
        c.last_len = 0
        if c.buf:
            c.state = ST_HEAD
            self._set_read_deadline(c, self.config.header_timeout)
            self._pending_add(c)
        else:
            self._release_buf(c)
            self._set_read_deadline(c, self.config.keepalive_timeout)
        self._update_interest(c)
        return True

    def close(self, handle: int, abort: bool = False) -> bool:
        """Close after the queued bytes are sent (abort: at once); when the
        client may still be sending, linger first (README). The handle is
        stale from now on."""
        c = self._get(handle)
        if c is None:
            return False
        if abort:
            self._close_conn(c, R.LOCAL)
            return True
        # Pipelined bytes: read ahead into buf in C; here only peeked (CF_PEEKED).
        if self._transport is None and (c.buf or c.flags & CF_PEEKED or c.state in _UNREAD):
            c.flags |= CF_LINGER
        if all_sent(c) and not c.flags & CF_LINGER:
            self._close_conn(c, R.LOCAL)
            return True
        c.state = ST_CLOSING
        c.flags &= ~CF_KNOWN
        c.gen = (c.gen + 1) & 0xFFFFFFFF
        c.read_deadline = 0
        self._pending_remove(c)
        self._release_buf(c)
        if all_sent(c):
            self._close_flushed(c)
            return True
        self._update_interest(c)
        self._rearm(c)
        return True

    def _set_paused(self, handle: int, paused: bool) -> bool:
        c = self._get(handle)
        if c is None:
            return False
        if paused:
            c.flags |= CF_PAUSED
            c.read_deadline = 0
        else:
            c.flags &= ~(CF_PAUSED | CF_PEEKED)
            if c.state in _BODY:
                self._set_read_deadline(c, self.config.body_timeout)
            if c.tflags & TF_HOLD:
                self._release_hold(c)
        self._rearm(c)
        self._update_interest(c)
        return True

    def pause_reading(self, handle: int) -> bool:
        return self._set_paused(handle, True)

    def resume_reading(self, handle: int) -> bool:
        return self._set_paused(handle, False)

    def set_raw(self, handle: int) -> bool:
        """Deliver this connection's bytes as RAW events from now on (bytes
        already read after the head come first)."""
        c = self._get(handle)
        if c is None:
            return False
        if c.state in (ST_ERROR, ST_HANDSHAKE):
            raise_for(STATE, "set_raw")
        if c.tflags & TF_HOLD:
            self._release_hold(c)  # set_raw answers SECURE too (e.g. ALPN h2)
        c.state = ST_RAW
        c.flags |= CF_KNOWN
        c.read_deadline = 0
        self._rearm(c)
        if c.buf:
            self._pending_add(c)
        self._update_interest(c)
        return True

    def peer(self, handle: int):
        """(host, port) of a TCP peer, "" for a Unix socket, None when gone."""
        c = self._get(handle)
        if c is None:
            return None
        try:
            addr = c.sock.getpeername()
        except OSError:
            return None
        return (addr[0], addr[1]) if c.sock.family in (socket.AF_INET, socket.AF_INET6) else ""

    def shutdown(self) -> None:
        """Graceful stop: no more accepts, idle connections closed, the others
        closed at finish(); STOPPED once none is left."""
        if self._draining:
            return
        self._listen(False)
        self._draining = True
        self._wheel.delete("accept")
        for c in list(self._conns):
            if c is not None and (c.state == ST_IDLE and all_sent(c) or c.state == ST_HANDSHAKE):
                self._close_conn(c, R.SHUTDOWN)
        self._kick()

    def stats(self) -> dict:
        pool = self._pool
        return dict(zip(_STAT_NAMES, (
            self._open, pool.total[SMALL], pool.in_use[SMALL], len(pool.resident[SMALL]), pool.total[LARGE],
            pool.in_use[LARGE], len(pool.resident[LARGE]), pool.released_total, len(self._wheel), 0,
        )))

    def destroy(self) -> None:
        """Close every connection and the engine's own fds."""
        for c in self._conns:
            if c is not None:
                self._wq_free(c)
                if self._transport is not None:
                    self._transport.close(c.tstate)
                c.sock.close()
        self._conns = [None] * len(self._conns)
        self._sel.close()
        self._wake_r.close()
        self._wake_w.close()
        if self._reserve_fd >= 0:
            os.close(self._reserve_fd)
            self._reserve_fd = -1
