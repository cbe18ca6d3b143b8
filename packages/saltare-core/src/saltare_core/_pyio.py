"""Reading, HTTP/1 framing and writing for the Python engine (the twin of
_c/conn.c and _c/wqueue.c)."""

import os
import socket

from ._errors import BUSY, FULL, STALE, STATE, raise_for
from ._pypool import LARGE, SIZES, SMALL
from .counters import BYTES_IN, BYTES_OUT, REQUESTS
from .events import BODY, DRAINED, END, ERROR, HEAD, RAW, CloseReason

R = CloseReason
(ST_FREE, ST_IDLE, ST_HEAD, ST_BODY_CL, ST_BODY_CHUNK, ST_TRAILERS, ST_RESPONDING, ST_ERROR, ST_RAW,
 ST_CLOSING, ST_HANDSHAKE, ST_LINGER) = range(12)
CF_KNOWN, CF_PAUSED, CF_HIGH, CF_SERVED, CF_NO_REUSE, CF_PENDING, CF_BROKEN = 1, 2, 4, 8, 16, 32, 64
CF_PEEKED = 128  # pipelined bytes seen while not reading: stop watching for EOF
CF_LINGER = 256  # closing with input unread: linger once flushed
LINGER = 2.0  # seconds a lingering connection drops what the client still sends (_c/engine_int.h)
# Transport flags (Conn.tflags), always 0 with the plain transport (as in engine_int.h).
TF_MORE, TF_WANT_WRITE, TF_HOLD = 1, 2, 4
IOV_BATCH = 16
SENDFILE_CHUNK = 1 << 20


class ConnIO:
    """Methods of the Python Engine that move a connection's bytes."""

    # -- reading and framing ---------------------------------------------
    def _request_read(self, c) -> None:
        c.state = ST_RESPONDING
        c.read_deadline = 0
        if not c.buf:  # as in C: the requests with the caller hold no buffer
            self._release_buf(c)
        self._rearm(c)
        self._update_interest(c)

    def _protocol_error(self, c, error) -> None:
        self._emit(ERROR, c, b"", error.status, int(error.code))
        self._fail_request(c)

    def _request_timeout(self, c) -> None:
        """A request begun and not complete in time (its head or its body):
        408 for the caller to answer, as _c/conn.c."""
        self._emit(ERROR, c, b"", 408, 0)
        self._fail_request(c)

    def _fail_request(self, c) -> None:
        """Reading stops; the caller, told by an ERROR event, answers and closes."""
        c.flags |= CF_KNOWN
        c.state = ST_ERROR
        c.read_deadline = 0
        self._rearm(c)
        self._update_interest(c)

    def _step(self, c) -> bool:
        """One step of the framing; True to go on, False to wait for bytes."""
        http = self._http
        state, buf = c.state, c.buf
        if state == ST_HEAD:
            if not buf:
                return False
            try:
                parsed = http.head(buf, c.last_len)
            except http.ProtocolError as error:
                self._protocol_error(c, error)
                return False
            if parsed is None:
                c.last_len = len(buf)
                return False
            head, head_len = parsed
            self._emit(HEAD, c, head.head, head.content_length_value, head)
            c.flags |= CF_KNOWN
            c.last_len = 0
            self._words[REQUESTS] += 1
            del buf[:head_len]
            if head.chunked:
                c.decoder = http.chunked_decoder()
                c.state = ST_BODY_CHUNK
            elif head.content_length:
                c.body_left = head.content_length
                c.state = ST_BODY_CL
            else:
                self._request_read(c)
                return False
            self._set_read_deadline(c, 0 if c.flags & CF_PAUSED else self.config.body_timeout)
            return True
        if state == ST_BODY_CL:
            take = min(len(buf), c.body_left)
            if take:
                self._emit(BODY, c, bytes(buf[:take]))
                del buf[:take]
                c.body_left -= take
            if c.body_left:
                return False
            self._emit(END, c, b"", 0, [])
            self._request_read(c)
            return False
        if state == ST_BODY_CHUNK:
            if not buf:
                return False
            try:
                data, consumed, trailers = c.decoder.decode(buf)
            except http.ProtocolError as error:
                self._protocol_error(c, error)
                return False
            if data:
                self._emit(BODY, c, data)
            del buf[:consumed]
            if trailers is None:
                return False
            c.decoder = None
            self._emit(END, c, b"", 0, list(trailers))
            self._request_read(c)
            return False
        if state == ST_RAW:
            if buf:
                self._emit(RAW, c, bytes(buf))
                buf.clear()
            self._release_buf(c)
        return False

    def _process(self, c) -> None:
        while self._step(c):
            pass

    def _got_bytes(self, c) -> None:
        """Bytes were appended to c.buf: framing state and deadlines, then the framing."""
        if c.state == ST_IDLE:
            c.state = ST_HEAD
            if c.flags & CF_SERVED:
                self._set_read_deadline(c, self.config.header_timeout)
        elif c.state in (ST_BODY_CL, ST_BODY_CHUNK, ST_TRAILERS) and not c.flags & CF_PAUSED:
            self._set_read_deadline(c, self.config.body_timeout)
        self._process(c)

    def _make_room(self, c) -> bool:
        """A buffer to read into (the large one when the small one is full);
        False when a unit outgrew the large one: the connection is closed."""
        if c.buf is None:
            self._pool.get(SMALL)
            c.buf, c.cls = bytearray(), SMALL
        elif len(c.buf) >= SIZES[c.cls]:
            if c.cls == LARGE:
                self._close_conn(c, R.RESET)
                return False
            self._pool.get(LARGE)
            self._pool.put(SMALL, self._now_ms() / 1000)
            c.cls = LARGE
        return True

    def _linger_readable(self, c) -> None:
        """ST_LINGER: drop what the client still sends; its EOF (or an
        error) ends the linger. A few reads per wake-up, as in C."""
        for _ in range(16):
            try:
                if not c.sock.recv(4096):
                    break
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                break
        else:
            return
        self._close_conn(c, R.LOCAL)

    def _close_flushed(self, c) -> None:
        """A local close, flushed: linger (CF_LINGER) or close."""
        if not c.flags & CF_LINGER:
            self._close_conn(c, R.LOCAL)
            return
        try:
            c.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close_conn(c, R.LOCAL)
            return
        c.state = ST_LINGER
        c.flags &= ~CF_PAUSED
        c.write_deadline = 0
        self._set_read_deadline(c, LINGER)
        self._update_interest(c)

    def _readable(self, c) -> None:
        if c.state == ST_LINGER:
            self._linger_readable(c)
            return
        if not self._make_room(c):
            return
        if self._transport is not None:
            self._transport_readable(c)
            return
        try:
            data = c.sock.recv(SIZES[c.cls] - len(c.buf))
        except (BlockingIOError, InterruptedError):
            if not c.buf and c.state in (ST_IDLE, ST_RAW):
                self._release_buf(c)
            return
        except OSError:
            self._close_conn(c, R.RESET)
            return
        if not data:
            self._close_conn(c, R.PEER)
            return
        c.buf += data
        self._words[BYTES_IN] += len(data)
        self._got_bytes(c)

    # -- writing ---------------------------------------------------------
    def _wq_free(self, c) -> None:
        c.wq.clear()
        c.pending = 0
        if c.file_fd >= 0:
            os.close(c.file_fd)
        c.file_fd = -1
        c.file_left = 0

    def _write_progress(self, c) -> None:
        if not all_sent(c):
            c.write_deadline = self._now_tick() + self._ticks(round(self.config.write_timeout * 1000)) \
                if self.config.write_timeout else 0
        else:
            c.write_deadline = 0
        self._rearm(c)

    def _mark_broken(self, c) -> None:
        c.flags |= CF_BROKEN
        self._pending_add(c)

    def _send_file(self, c) -> bool:
        """Send file bytes until done or blocked; False on error."""
        if self._transport is not None:
            rc = self._send_file_through(c)
            if rc <= 0:
                return rc == 0
            c.file_left = 0
        while c.file_left:
            try:
                n = os.sendfile(c.sock.fileno(), c.file_fd, c.file_off, min(c.file_left, SENDFILE_CHUNK))
            except (BlockingIOError, InterruptedError):
                return True
            except OSError:
                return False
            if not n:
                c.file_left = 0
                break
            c.file_off += n
            c.file_left -= n
            self._words[BYTES_OUT] += n
        os.close(c.file_fd)
        c.file_fd = -1
        return True

    def _send_queue(self, c) -> bool:
        while c.wq:
            batch = c.wq[:IOV_BATCH]
            try:
                n = c.sock.sendmsg(batch) if self._transport is None else self._sendv(c, batch)
            except (BlockingIOError, InterruptedError):
                return True
            except OSError:
                return False
            if n is None:
                return True
            self._words[BYTES_OUT] += n
            c.pending -= n
            total = sum(len(b) for b in batch)
            left = n
            while c.wq and left >= len(c.wq[0]):
                left -= len(c.wq.pop(0))
            if left:
                c.wq[0] = c.wq[0][left:]
            if n < total:
                return True
        return True

    def _writable(self, c) -> None:
        if c.tflags & TF_WANT_WRITE and not self._flush_transport(c):
            return
        if (c.file_fd >= 0 and not self._send_file(c)) or (c.file_fd < 0 and not self._send_queue(c)):
            self._close_conn(c, R.RESET)
            return
        self._write_progress(c)
        if c.flags & CF_HIGH and c.pending <= self.config.low_water and not c.tflags & TF_WANT_WRITE:
            c.flags &= ~CF_HIGH
            if c.flags & CF_KNOWN:
                self._emit(DRAINED, c, b"", c.pending)
        if all_sent(c):
            if c.state == ST_CLOSING:
                self._close_flushed(c)
                return
            if c.state == ST_IDLE:  # the keep-alive wait starts once the response is out
                self._set_read_deadline(c, self.config.keepalive_timeout)
        self._update_interest(c)

    def write(self, handle: int, data: bytes) -> int:
        """Send now, queue the rest; returns the pending byte count (compare it
        with config.high_water), or -1 when the connection is gone."""
        return self._write_parts(handle, (data,))

    def _write_parts(self, handle: int, parts: tuple) -> int:
        """write() of the parts, in one writev."""
        c = self._get(handle)
        if c is None or c.flags & CF_BROKEN:
            return STALE
        if c.state == ST_HANDSHAKE:
            raise_for(STATE, "write")
        length = sum(len(part) for part in parts)
        if c.pending + length > self.config.max_pending:
            raise_for(FULL, "write")
        sent = 0
        was_idle = not c.wq and c.file_fd < 0
        held = c.tflags & TF_WANT_WRITE
        if was_idle and length:
            try:
                if self._transport is None:
                    sent = c.sock.send(parts[0]) if len(parts) == 1 else c.sock.sendmsg(parts)
                else:
                    taken = self._sendv(c, [memoryview(part) for part in parts])
                    sent = 0 if taken is None else taken
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError:
                self._mark_broken(c)
                return STALE
            self._words[BYTES_OUT] += sent
        if sent < length:
            for part in parts:
                if sent >= len(part):
                    sent -= len(part)
                    continue
                rest = memoryview(bytes(part[sent:]))  # pooled in C; a private copy here
                sent = 0
                c.wq.append(rest)
                c.pending += len(rest)
            if was_idle:
                self._write_progress(c)
                self._update_interest(c)
        elif was_idle and c.tflags & TF_WANT_WRITE and not held:
            self._write_progress(c)  # all taken, but the transport holds some: flush when writable
            self._update_interest(c)
        if c.pending > self.config.high_water:
            c.flags |= CF_HIGH
        return c.pending + c.file_left

    def sendfile(self, handle: int, fd: int, offset: int, count: int) -> int:
        """Send count bytes of the file from offset (the fd is duplicated);
        returns the pending byte count, or -1 when the connection is gone."""
        c = self._get(handle)
        if c is None or c.flags & CF_BROKEN:
            return STALE
        if c.wq or c.file_fd >= 0:
            raise_for(BUSY, "sendfile")
        if offset < 0 or c.state == ST_HANDSHAKE:
            raise_for(STATE, "sendfile")
        if not count:
            return 0
        c.file_fd = os.dup(fd)
        c.file_off, c.file_left = offset, count
        if not self._send_file(c):
            self._mark_broken(c)
            return STALE
        self._write_progress(c)
        self._update_interest(c)
        return c.file_left

    def pending(self, handle: int) -> int:
        c = self._get(handle)
        return STALE if c is None else c.pending + c.file_left


def all_sent(c) -> bool:
    """Nothing left to send: neither in the engine's queue nor inside the transport."""
    return not c.wq and c.file_fd < 0 and not c.tflags & TF_WANT_WRITE
