"""RequestParser: the per-connection state machine, shared by both backends.

A backend supplies two primitives (see `_backend.Backend`): a head parser and
a chunked decoder. Everything else (body framing, pipelining, pausing at a
protocol switch, closing after `Connection: close`) lives here once, so the
two backends cannot drift apart above the byte level.
"""

from .errors import ErrorCode, ProtocolError
from .events import END_OF_MESSAGE, Data, EndOfMessage, Request
from .limits import DEFAULT_LIMITS, Limits

# Parser states (the values are the public `RequestParser.state` strings).
HEAD = "head"  # waiting for (the rest of) a request head
BODY = "body"  # reading a Content-Length body
CHUNKED = "chunked"  # reading a chunked body
PAUSED = "paused"  # after an Upgrade/CONNECT request: resume() or detach()
CLOSED = "closed"  # after a request without keep-alive: nothing more is read
ERROR = "error"  # a ProtocolError was raised: nothing more is read


class RequestParser:
    """Turns the bytes of one connection into events.

    `feed(data)` returns the complete events found so far: `Request`, then
    `Data` (zero or more), then `EndOfMessage`, for each pipelined request in
    order. Malformed input raises `ProtocolError`, whose `status` is the
    answer to send before closing (its `events` holds what came before it).
    """

    __slots__ = ("_head_parser", "_limits", "_buf", "_state", "_last_len",
                 "_remaining", "_decoder", "_after_message", "_resume_state")

    # Set by each backend's subclass.
    _HeadParser: type
    _ChunkedDecoder: type

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self._limits = limits
        self._head_parser = self._HeadParser(limits)
        self._buf = bytearray()
        self._state = HEAD
        self._last_len = 0  # bytes of an incomplete head already scanned
        self._remaining = 0  # Content-Length bytes still to deliver
        self._decoder = None  # created at the first chunked body, then reset per body
        self._after_message = HEAD  # state once the current request's body ends
        self._resume_state = HEAD  # state that resume() returns to

    @property
    def state(self) -> str:
        """"head", "body", "chunked", "paused", "closed" or "error"."""
        return self._state

    @property
    def in_message(self) -> bool:
        """Whether part of a request has been received but not all of it."""
        return self._state in (BODY, CHUNKED) or (self._state == HEAD and bool(self._buf))

    def feed(self, data: bytes) -> list:
        """Add bytes received from the peer; return the events now complete."""
        buf = self._buf
        buf += data
        events: list = []
        try:
            while buf:
                state = self._state
                if state is HEAD:
                    parsed = self._head_parser.parse(buf, self._last_len)
                    if parsed is None:
                        self._last_len = len(buf)
                        break
                    request, head_len = parsed
                    del buf[:head_len]
                    self._last_len = 0
                    events.append(request)
                    if (request.keep_alive and not request.chunked and not request.content_length
                            and request.upgrade is None and request.method != b"CONNECT"):
                        events.append(END_OF_MESSAGE)  # the common case, inline: a bodiless keep-alive request
                    else:
                        self._start_message(request, events)
                elif state is BODY:
                    self._read_length_body(buf, events)
                elif state is CHUNKED:
                    if not self._read_chunked_body(buf, events):
                        break
                else:  # PAUSED keeps the bytes for detach(); CLOSED/ERROR read nothing more
                    if state is not PAUSED:
                        buf.clear()
                    break
        except ProtocolError as exc:
            self._state = ERROR
            buf.clear()
            exc.events = events
            raise
        return events

    def feed_eof(self) -> None:
        """The peer closed its side; raise if a request was cut short."""
        if self.in_message:
            self._state = ERROR
            raise ProtocolError(ErrorCode.INCOMPLETE_MESSAGE)

    def resume(self) -> list:
        """After a paused Upgrade/CONNECT request was declined: read on as HTTP."""
        if self._state != PAUSED:
            raise RuntimeError(f"resume() in state {self._state!r}")
        self._state = self._resume_state
        return self.feed(b"")

    def detach(self) -> bytes:
        """After an accepted protocol switch: the bytes received past the request,
        which belong to the new protocol. The parser reads nothing more."""
        if self._state != PAUSED:
            raise RuntimeError(f"detach() in state {self._state!r}")
        rest = bytes(self._buf)
        self._buf.clear()
        self._state = CLOSED
        return rest

    def _start_message(self, request: Request, events: list) -> None:
        if request.keep_alive and request.upgrade is None and request.method != b"CONNECT":
            self._after_message = HEAD
        else:
            after = HEAD if request.keep_alive else CLOSED  # RFC 9112 §9.6: nothing after close
            if request.upgrade is not None or request.method == b"CONNECT":
                # The bytes after this request may be another protocol: hold them.
                self._resume_state, after = after, PAUSED
            self._after_message = after
        if request.chunked:
            if self._decoder is None:
                self._decoder = self._ChunkedDecoder(self._limits)
            else:
                self._decoder.reset()
            self._state = CHUNKED
        elif request.content_length:
            self._remaining = request.content_length
            self._state = BODY
        else:
            events.append(END_OF_MESSAGE)
            self._state = self._after_message

    def _end_message(self, events: list, trailers: tuple) -> None:
        events.append(EndOfMessage(trailers) if trailers else END_OF_MESSAGE)
        self._state = self._after_message

    def _read_length_body(self, buf: bytearray, events: list) -> None:
        take = min(self._remaining, len(buf))
        events.append(Data(bytes(buf[:take])))
        del buf[:take]
        self._remaining -= take
        if not self._remaining:
            self._end_message(events, ())

    def _read_chunked_body(self, buf: bytearray, events: list) -> bool:
        """Decode what is there; True when the message ended (more may follow)."""
        data, consumed, trailers = self._decoder.decode(buf)
        del buf[:consumed]
        if data:
            events.append(Data(data))
        if trailers is None:
            return False
        self._end_message(events, trailers)
        return True
