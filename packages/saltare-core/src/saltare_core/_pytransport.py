"""The transport seam of the Python engine (the twin of the transport paths
of _c/conn.c, _c/wqueue.c and _c/accept.c): the handed-in object's Python
methods (saltare_core.transport.Transport) in place of plain socket I/O."""

import os

from ._errors import STATE, raise_for
from ._pyio import CF_KNOWN, CF_PAUSED, ST_HANDSHAKE, ST_HEAD, ST_IDLE, ST_RAW, TF_HOLD, TF_MORE, TF_WANT_WRITE
from ._pypool import SIZES
from .counters import BYTES_IN, BYTES_OUT
from .events import SECURE, CloseReason
from .transport import TRANSPORT_MORE, TRANSPORT_READY, TRANSPORT_WANT_WRITE

R = CloseReason
PREAD_CHUNK = 16384
_METHODS = ("open", "recv", "sendv", "flush", "shutdown", "close", "alpn")


class TransportIO:
    """Methods of the Python Engine that run a connection through its transport."""

    def set_transport(self, transport) -> None:
        """Move bytes through `transport` (saltare_core.transport.Transport)
        instead of plain socket I/O; only before the first connection."""
        missing = [name for name in _METHODS if not callable(getattr(transport, name, None))]
        if missing or not hasattr(transport, "handshake"):
            raise TypeError(f"set_transport: {type(transport).__name__} is not a transport "
                            f"(missing: {', '.join(missing) or 'handshake'})")
        if self._open:
            raise_for(STATE, "set_transport")
        self._transport = transport

    def transport_state(self, handle: int):
        """The transport's state of the connection (None when the handle is stale)."""
        c = self._get(handle)
        return None if c is None else c.tstate

    def _transport_open(self, sock):
        """(accepted, state): the transport's state for a new socket; not
        accepted when the transport refuses it."""
        if self._transport is None:
            return True, None
        try:
            return True, self._transport.open(sock)
        except OSError:
            return False, None

    def _handshakes(self) -> bool:
        return self._transport is not None and bool(self._transport.handshake)

    def _transport_end(self, c, reason: int) -> None:
        """The connection closes: an orderly end first when our side ends it
        (best effort), then the transport drops its state."""
        if reason not in (R.PEER, R.RESET):
            try:
                self._transport.shutdown(c.tstate, c.sock)
            except OSError:
                pass
        self._transport.close(c.tstate)
        c.tstate = None

    def _transport_readable(self, c) -> None:
        room = SIZES[c.cls] - len(c.buf)
        try:
            data, flags = self._transport.recv(c.tstate, c.sock, room)
        except (BlockingIOError, InterruptedError):
            data, flags = None, 0
        except OSError:
            self._close_conn(c, R.RESET)
            return
        if data is not None and len(data) > room:
            self._close_conn(c, R.RESET)  # more than asked for: a broken transport (as in C)
            return
        if flags & TRANSPORT_WANT_WRITE and not c.tflags & TF_WANT_WRITE:
            c.tflags |= TF_WANT_WRITE
            self._write_progress(c)
        c.tflags = (c.tflags & ~TF_MORE) | (TF_MORE if flags & TRANSPORT_MORE else 0)
        if data:
            c.buf += data
            self._words[BYTES_IN] += len(data)
        if flags & TRANSPORT_READY and c.state == ST_HANDSHAKE:
            self._secured(c)
        if data == b"":
            self._close_conn(c, R.PEER)
            return
        if data and c.state != ST_HANDSHAKE and not c.flags & CF_PAUSED:
            self._got_bytes(c)
        elif not c.buf and c.state in (ST_IDLE, ST_RAW, ST_HANDSHAKE):
            self._release_buf(c)
        self._update_interest(c)  # also queues a TRANSPORT_MORE re-read while reading

    def _secured(self, c) -> None:
        """The handshake is done: SECURE with the ALPN protocol; reading
        waits for the caller's resume_reading() or set_raw()."""
        self._handshaking -= 1
        self._emit(SECURE, c, bytes(self._transport.alpn(c.tstate))[:255])
        c.flags |= CF_KNOWN | CF_PAUSED
        c.tflags |= TF_HOLD
        if self._http:
            c.state = ST_IDLE
            self._set_read_deadline(c, self.config.header_timeout)
        else:
            c.state = ST_RAW
            c.read_deadline = 0
            self._rearm(c)

    def _release_hold(self, c) -> None:
        """The caller answered SECURE: bytes that came with the handshake are
        framed (or delivered raw) at the next poll."""
        c.tflags &= ~TF_HOLD
        c.flags &= ~CF_PAUSED
        if c.buf:
            if c.state == ST_IDLE:
                c.state = ST_HEAD
            self._pending_add(c)

    def _sendv(self, c, views) -> int | None:
        """Bytes the transport took (None: nothing, its output is still queued)."""
        taken, flags = self._transport.sendv(c.tstate, c.sock, views)
        if flags & TRANSPORT_WANT_WRITE:
            c.tflags |= TF_WANT_WRITE
        return taken

    def _flush_transport(self, c) -> bool:
        """Output the transport holds goes first: True when it is all sent
        (go on writing), False while some waits or after a fatal error."""
        try:
            left = self._transport.flush(c.tstate, c.sock)
        except OSError:
            self._close_conn(c, R.RESET)
            return False
        if left:
            self._update_interest(c)
            return False
        c.tflags &= ~TF_WANT_WRITE
        return True

    def _send_file_through(self, c) -> int:
        """File bytes through the transport: pread, then sendv. 1: done or the
        file ended, 0: blocked, -1: error."""
        while c.file_left:
            try:
                chunk = os.pread(c.file_fd, min(c.file_left, PREAD_CHUNK), c.file_off)
            except InterruptedError:
                continue
            except OSError:
                return -1
            if not chunk:
                return 1
            try:
                n = self._sendv(c, [memoryview(chunk)])
            except (BlockingIOError, InterruptedError):
                return 0
            except OSError:
                return -1
            if n is None:
                return 0
            c.file_off += n
            c.file_left -= n
            self._words[BYTES_OUT] += n
            if n < len(chunk):
                return 0
        return 1
