"""ASGI 3.0 HTTP: one RequestCycle per request, driven by engine events.

The dispatcher (server.py) creates a cycle on HEAD, feeds it BODY/END,
wakes it on DRAINED and CLOSED; the cycle runs the app and turns its send()
messages into engine writes with HTTP/1.1 framing.
"""

import os
from asyncio import current_task
from collections import deque

from saltare_http1 import chunk, last_chunk, write_response_head
from saltare_http1.writer import Framing

from . import logs

ASGI = {"version": "3.0", "spec_version": "2.3"}
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
# Buffered request-body bytes above which reading pauses until the app consumes them.
BODY_HIGH_WATER = 65536


def plain_response(status: int, text: bytes, extra: bytes = b"") -> bytes:
    """A small text/plain response written by the server itself (errors,
    503), after which it closes; `extra`: its `server` and `date` lines."""
    head = write_response_head(
        status,
        [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"%d" % len(text))],
        keep_alive=False,
        extra=extra,
    )
    return head.data + text


class RequestCycle:
    __slots__ = (
        "server", "engine", "handle", "scope", "method", "http_version", "keep_alive", "body", "buffered",
        "body_done", "paused", "expect_continue", "waiter", "drain", "disconnected", "started", "complete",
        "status", "response_headers", "framing", "length", "sent", "trailers", "bytes_out", "head_written",
        "last_delivered",
    )

    def __init__(self, server, handle: int, scope: dict, head) -> None:
        self.server = server
        self.engine = server.engine
        self.handle = handle
        self.scope = scope
        self.method = scope["method"].encode()
        self.http_version = scope["http_version"]
        self.keep_alive = head.keep_alive
        self.body: deque = deque()
        self.buffered = 0
        self.body_done = not head.has_body
        self.paused = False
        self.expect_continue = head.expect_continue
        self.waiter = None  # future a receive() awaits
        self.drain = None  # future a send() awaits until DRAINED
        self.disconnected = False
        self.started = False
        self.complete = False
        self.status = 0
        self.response_headers = None
        self.framing = None
        self.length = None
        self.sent = 0
        self.trailers = False
        self.bytes_out = 0
        self.head_written = False
        self.last_delivered = False

    # -- engine side -------------------------------------------------------

    def feed(self, data: bytes) -> None:
        self.body.append(data)
        self.buffered += len(data)
        if self.buffered >= BODY_HIGH_WATER and not self.paused:
            self.paused = self.engine.pause_reading(self.handle)
        self._wake()

    def end(self) -> None:
        self.body_done = True
        self._wake()

    def drained(self) -> None:
        if self.drain is not None and not self.drain.done():
            self.drain.set_result(None)

    def lost(self) -> None:
        """The connection is gone: receive() answers http.disconnect, send() is a no-op."""
        self.disconnected = True
        self._wake()
        self.drained()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    # -- app side ----------------------------------------------------------

    async def receive(self) -> dict:
        if self.expect_continue:
            self.expect_continue = False
            if not self.started and not self.body_done and not self.disconnected:
                self.engine.write(self.handle, CONTINUE)
        while True:
            if self.body:
                data = self.body.popleft() if len(self.body) == 1 else b"".join(self.body)
                self.body.clear()
                self.buffered = 0
                if self.paused and not self.disconnected:
                    self.engine.resume_reading(self.handle)
                    self.paused = False
                self.last_delivered = self.body_done
                return {"type": "http.request", "body": data, "more_body": not self.body_done}
            if self.disconnected or self.complete:
                return {"type": "http.disconnect"}
            if self.last_delivered:
                # Everything was delivered: wait for the disconnect or the end of the response.
                self.waiter = self.server.loop.create_future()
                await self.waiter
                self.waiter = None
                continue
            if self.body_done and not self.last_delivered:
                self.last_delivered = True
                return {"type": "http.request", "body": b"", "more_body": False}
            self.waiter = self.server.loop.create_future()
            await self.waiter
            self.waiter = None

    async def send(self, message: dict) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if self.started:
                raise RuntimeError("http.response.start sent twice")
            status = message["status"]
            if not 200 <= status <= 599:  # ASGI has no interim (1xx) responses
                raise RuntimeError(f"http.response.start with status {status}: a final status is 200..599")
            self.started = True
            self.status = status
            self.response_headers = message.get("headers", ())
            self.trailers = bool(message.get("trailers", False))
            return
        if not self.started:
            raise RuntimeError(f"{kind} before http.response.start")
        if self.complete:
            raise RuntimeError(f"{kind} after the response was complete")
        if kind == "http.response.body":
            await self._body(message.get("body", b""), message.get("more_body", False))
        elif kind == "http.response.trailers":
            if not self.trailers:
                raise RuntimeError("http.response.trailers without trailers=True in http.response.start")
            if not message.get("more_trailers", False):
                fields = [(bytes(n), bytes(v)) for n, v in message.get("headers", ())]
                self._write(last_chunk(fields) if self.framing is Framing.CHUNKED else b"")
                self._finish()
        elif kind == "http.response.zerocopysend":
            await self._sendfile(message["file"].fileno(), message.get("offset"), message.get("count"),
                                 message.get("more_body", False))
        elif kind == "http.response.pathsend":
            fd = os.open(message["path"], os.O_RDONLY)
            try:
                await self._sendfile(fd, None, None, False)
            finally:
                os.close(fd)
        else:
            raise RuntimeError(f"unexpected ASGI message {kind!r}")

    def _head(self) -> bytes:
        # A request body still on its way when the answer starts may never be
        # read (the app need not): the response says the connection closes.
        head = write_response_head(self.status, self.response_headers, request_method=self.method,
                                   http_version=self.http_version,
                                   keep_alive=self.keep_alive and self.body_done and not self.server.closing_all,
                                   extra=self.server.extra_fields())
        self.framing = head.framing
        self.length = head.content_length
        self.keep_alive = head.keep_alive
        self.head_written = True
        return head.data

    def _frame(self, body: bytes, final: bool) -> bytes:
        framing = self.framing
        if framing is Framing.NONE:
            return b""
        if self.length is not None:
            self.sent += len(body)
            if self.sent > self.length or (final and self.sent < self.length):
                raise RuntimeError(f"response body of {self.sent} bytes does not match Content-Length {self.length}")
        if framing is Framing.CHUNKED:
            if final and not self.trailers:
                return chunk(body) + last_chunk()
            return chunk(body)
        return body

    async def _body(self, body: bytes, more_body: bool) -> None:
        final = not more_body
        if self.head_written:
            out = self._frame(body, final)
        else:
            head = self._head()
            out = self._frame(body, final)
            if final and not self.trailers and not self.disconnected and len(out) <= self.server.write_slice:
                # A whole response in one engine call (write + finish).
                self.complete = True
                self._wake()
                self.server.respond(self, head, out, self._reusable())
                return
            out = head + out
        await self._flush(out)
        if final and not self.trailers:
            self._finish()

    async def _sendfile(self, fd: int, offset, count, more_body: bool) -> None:
        if offset is None:
            offset = os.lseek(fd, 0, os.SEEK_CUR)
        if count is None:
            count = os.fstat(fd).st_size - offset
        final = not more_body
        prefix = b"" if self.head_written else self._head()
        framing = self.framing
        if framing is Framing.NONE or self.disconnected:
            await self._flush(prefix)
        else:
            if self.length is not None:
                self.sent += count
                if self.sent > self.length or (final and self.sent < self.length):
                    raise RuntimeError(f"response body does not match Content-Length {self.length}")
            if framing is Framing.CHUNKED and count:
                prefix += b"%x\r\n" % count
            self._write(prefix)
            if count:
                self.engine.sendfile(self.handle, fd, offset, count)
                self.bytes_out += count
            suffix = b"\r\n" if framing is Framing.CHUNKED and count else b""
            if framing is Framing.CHUNKED and final and not self.trailers:
                suffix += last_chunk()
            await self._flush(suffix)
        if final and not self.trailers:
            self._finish()

    def _write(self, data: bytes) -> int:
        if self.disconnected or not data:
            return 0
        if type(data) is not bytes:  # an app's bytearray or memoryview: the engine takes bytes
            data = bytes(data)
        self.bytes_out += len(data)
        pending = self.engine.write(self.handle, data)
        if pending < 0:
            self.disconnected = True
        return pending

    async def _flush(self, data: bytes) -> None:
        # The engine refuses a write over its cap: larger data goes in slices,
        # each once the queue has drained.
        step = self.server.write_slice
        for start in range(0, len(data), step):
            if self.disconnected:
                return
            pending = self._write(data if len(data) <= step else data[start : start + step])
            if pending > self.server.high_water and not self.disconnected:
                self.drain = self.server.loop.create_future()
                await self.drain
                self.drain = None

    def _reusable(self) -> bool:
        # An unread request body would be taken for the next request: close instead.
        return self.keep_alive and self.body_done and not self.server.closing_all

    def _finish(self) -> None:
        self.complete = True
        self._wake()
        self.server.done(self, self._reusable())

    async def run(self, app) -> None:
        """Run the app for this request; answer 500 or close on its failures."""
        try:
            await app(self.scope, self.receive, self.send)
        except Exception as exc:
            logs.exception("exception in the ASGI application", exc)
            self._fail()
            return
        except BaseException:  # cancelled by a shutdown past its grace period
            self._fail()
            raise
        finally:
            self.server.tasks.discard(current_task(self.server.loop))
        if not self.complete:
            if not self.started:
                logs.error("the ASGI application returned without a response")
            else:
                logs.error("the ASGI application returned before the response was complete")
            self._fail()

    def _fail(self) -> None:
        if self.complete:
            return
        if self.head_written or self.disconnected:
            self.complete = True
            self.server.abort(self)
            return
        self.status = 500
        self.keep_alive = False
        self.framing = Framing.LENGTH
        self.head_written = True
        self._write(plain_response(500, b"Internal Server Error", self.server.extra_fields()))
        self.complete = True
        self.server.done(self, False)
