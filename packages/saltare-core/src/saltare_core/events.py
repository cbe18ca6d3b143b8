"""What engine.poll() returns: Event records, and RequestHead for heads.

Both backends produce the same events for the same traffic. An event is
(kind, handle, data, value, info):

- OPENED: an engine without protocol accepted a connection.
- HEAD: a request head; `info` is a RequestHead, `data` the head bytes.
  BODY and END follow when `info.has_body`.
- BODY: `data` is request-body bytes, transfer framing removed.
- END: the body is complete; `info` is the trailer list (empty unless chunked).
- RAW: `data` is bytes of a raw-mode connection.
- ERROR: a malformed request: `value` is the status to answer, `info` the
  saltare-http1 error code; reading has stopped, close() after answering.
- DRAINED: pending write bytes fell to the low-water mark (`value`).
- CLOSED: the connection is gone; `value` is a CloseReason. Reported only for
  connections the caller was told of (after HEAD/ERROR/OPENED/set_raw and
  until finish()) and not for the caller's own close().
- TIMER: a timer set with set_timer fired: `value` is its id, `handle` its tag.
- STOPPED: after shutdown(), the last connection is gone.
- SECURE: with a handshake transport, the handshake is done: `data` is the
  ALPN protocol (b"" for none). The connection is new to the caller, and
  paused: resume_reading() (HTTP/1, or raw bytes on a raw engine) or
  set_raw() picks what comes next.
"""

from enum import IntEnum
from typing import Any, NamedTuple

OPENED, HEAD, BODY, END, RAW, ERROR, DRAINED, CLOSED, TIMER, STOPPED, SECURE = range(1, 12)

# saltare-http1 head flags (its api.h), as carried by RequestHead.flags.
F_KEEP_ALIVE, F_EXPECT_CONTINUE, F_CHUNKED, F_CONTENT_LENGTH, F_UPGRADE = 1, 2, 4, 8, 16


class CloseReason(IntEnum):
    PEER = 1
    RESET = 2
    HEADER_TIMEOUT = 3
    BODY_TIMEOUT = 4
    KEEPALIVE_TIMEOUT = 5
    WRITE_TIMEOUT = 6
    LIFETIME = 7
    SHUTDOWN = 8
    LOCAL = 9
    HANDSHAKE_TIMEOUT = 10
    """Reported only for adopted connections: an accepted one was never known."""


class Event(NamedTuple):
    kind: int
    handle: int
    data: bytes
    value: int
    info: Any


class RequestHead(NamedTuple):
    """A request head as the parser left it: the bytes (field names
    lower-cased) and offsets into them. Properties slice on demand."""

    head: bytes
    method_off: int
    method_len: int
    target_off: int
    target_len: int
    path_off: int
    path_len: int
    query_off: int
    query_len: int
    http_minor: int
    flags: int
    content_length_value: int
    header_offsets: list
    """4 ints per field: name offset, name length, value offset, value length."""

    @property
    def method(self) -> bytes:
        return self.head[self.method_off : self.method_off + self.method_len]

    @property
    def target(self) -> bytes:
        return self.head[self.target_off : self.target_off + self.target_len]

    @property
    def raw_path(self) -> bytes:
        """The path component (RULES.md of saltare-http1); b"/" when empty."""
        return self.head[self.path_off : self.path_off + self.path_len] or b"/"

    @property
    def query_string(self) -> bytes:
        return self.head[self.query_off : self.query_off + self.query_len] if self.query_len else b""

    @property
    def http_version(self) -> str:
        return "1.1" if self.http_minor else "1.0"

    @property
    def headers(self) -> list[tuple[bytes, bytes]]:
        return fields(self.head, self.header_offsets)

    @property
    def keep_alive(self) -> bool:
        return bool(self.flags & F_KEEP_ALIVE)

    @property
    def expect_continue(self) -> bool:
        return bool(self.flags & F_EXPECT_CONTINUE)

    @property
    def upgrade(self) -> bool:
        return bool(self.flags & F_UPGRADE)

    @property
    def chunked(self) -> bool:
        return bool(self.flags & F_CHUNKED)

    @property
    def content_length(self) -> int | None:
        return self.content_length_value if self.flags & F_CONTENT_LENGTH else None

    @property
    def has_body(self) -> bool:
        """Whether BODY/END events follow this head."""
        return bool(self.flags & F_CHUNKED) or bool(self.flags & F_CONTENT_LENGTH and self.content_length_value)


def fields(block: bytes, offsets) -> list[tuple[bytes, bytes]]:
    it = iter(offsets)
    return [(block[n : n + nl], block[v : v + vl]) for n, nl, v, vl in zip(it, it, it, it)]
