"""Accepting connections for the Python engine: listeners, caps, rate
limits, fd exhaustion and TCP options, as _c/accept.c does in C."""

import errno
import os
import selectors
import socket

from ._errors import STATE, raise_for
from ._pyio import CF_KNOWN, ST_RAW
from .counters import ACCEPTED, REJECTED
from .events import OPENED

ACCEPTS_PER_POLL = 64
ROOM_EVENTS = 5


class Acceptor:
    """Mixin of the Python Engine: everything between listen() and a new Conn."""

    def add_listener(self, sock: socket.socket) -> None:
        """Accept on a listening socket; the caller keeps it and closes it."""
        if self._draining or len(self._listeners) == 16:
            raise_for(STATE, "add_listener")
        sock.setblocking(False)
        self._sel.register(sock, selectors.EVENT_READ, "listener")
        self._listeners.append(sock)
        self._listening = True

    def _listen(self, on: bool) -> None:
        if self._listening == on:
            return
        for sock in self._listeners:
            if on:
                self._sel.register(sock, selectors.EVENT_READ, "listener")
            else:
                self._sel.unregister(sock)
        self._listening = on

    def _listener_gone(self, sock) -> None:
        """accept() said EINVAL: the socket no longer listens (another process
        shut it down). A shut-down listener stays readable: it leaves for good."""
        if self._listening:
            self._sel.unregister(sock)
        self._listeners.remove(sock)

    # -- accepting -------------------------------------------------------
    def _reject(self, sock) -> None:
        sock.close()
        self._words[REJECTED] += 1

    def _survive_fd_exhaustion(self, listener) -> bool:
        """EMFILE/ENFILE: spend the reserve fd to accept and close the pending
        connection, else stop listening for a few ticks (no busy loop)."""
        if self._reserve_fd >= 0:
            os.close(self._reserve_fd)
            self._reserve_fd = -1
            accepted = True
            try:
                sock, _ = listener.accept()
                self._reject(sock)
            except OSError:
                accepted = False
            try:
                self._reserve_fd = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
            except OSError:
                pass
            if accepted:
                return True
        self._listen(False)
        self._accept_paused = True
        self._wheel.add("accept", self._now_tick() + self._ticks(100))
        return False

    def _accept_ready(self, listener) -> None:
        cfg = self.config
        for _ in range(ACCEPTS_PER_POLL):
            if self._draining or self._accept_paused:
                return
            try:
                sock, addr = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except ConnectionAbortedError:
                continue
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE) and self._survive_fd_exhaustion(listener):
                    continue
                if exc.errno == errno.EINVAL:
                    self._listener_gone(listener)
                return
            if not self._has_slot():
                self._reject(sock)
                continue
            key = _addr_key(sock.family, addr)
            if key and cfg.max_connections_per_ip and self._per_ip.get(key, 0) >= cfg.max_connections_per_ip:
                self._reject(sock)
                continue
            if key and self._accept_rl is not None and not self._accept_rl.allow(key, self._now_ms() / 1000):
                self._reject(sock)
                continue
            # Handshakes cost CPU and memory before the caller sees anything:
            # a flood of them is capped like connections are.
            if cfg.max_handshakes and self._handshaking >= cfg.max_handshakes and self._handshakes():
                self._reject(sock)
                continue
            sock.setblocking(False)
            if sock.family in (socket.AF_INET, socket.AF_INET6):
                _tune_tcp(cfg, sock)
            accepted, tstate = self._transport_open(sock)
            if not accepted:
                self._reject(sock)
                continue
            c = self._conn_new(sock, tstate)
            if key and cfg.max_connections_per_ip:
                self._per_ip[key] = self._per_ip.get(key, 0) + 1
                c.ip_key = key
            self._words[ACCEPTED] += 1
            if not self._http and c.state == ST_RAW:
                c.flags |= CF_KNOWN
                self._emit(OPENED, c)
                if len(self._events) + ROOM_EVENTS >= cfg.max_events:
                    return

    # -- the batch -------------------------------------------------------


def _addr_key(family: int, addr) -> bytes | None:
    """The client address as a table key, IPv4-mapped IPv6 folded to IPv4 (as in C)."""
    if family == socket.AF_INET:
        return socket.inet_pton(family, addr[0])
    if family == socket.AF_INET6:
        packed = socket.inet_pton(family, addr[0].split("%")[0])
        return packed[12:] if packed[:12] == b"\0" * 10 + b"\xff\xff" else packed
    return None


def _tune_tcp(cfg, sock: socket.socket) -> None:
    """TCP_NODELAY, and keepalive probes when configured (best effort, as in C)."""
    try:
        if cfg.tcp_nodelay:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if cfg.tcp_keepalive_idle:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, cfg.tcp_keepalive_idle)
            if cfg.tcp_keepalive_interval:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, cfg.tcp_keepalive_interval)
            if cfg.tcp_keepalive_count:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, cfg.tcp_keepalive_count)
    except OSError:
        pass
