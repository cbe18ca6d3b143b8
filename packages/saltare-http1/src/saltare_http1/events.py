"""What the parser reports: Request, then Data*, then EndOfMessage, per request.

The events are NamedTuples: immutable, no per-instance dict, and about as cheap
to build as a tuple, which matters on the hot path (one Request per request).
"""

from typing import NamedTuple

Headers = list[tuple[bytes, bytes]]


class Request(NamedTuple):
    """A complete, validated request head.

    Header names are lower-case, values have surrounding whitespace removed;
    order and duplicates are kept as received.
    """

    method: bytes
    target: bytes
    """The request-target exactly as received."""
    path: str
    """The path, percent-decoded as UTF-8 (ASGI `path`)."""
    raw_path: bytes
    """The path component as received, without the query (ASGI `raw_path`)."""
    query_string: bytes
    """After the `?`, without it (ASGI `query_string`)."""
    http_version: str
    """"1.0" or "1.1"."""
    headers: Headers
    keep_alive: bool
    """Whether the connection may carry another request after this one."""
    expect_continue: bool
    """HTTP/1.1 `Expect: 100-continue`: answer 100 before reading the body."""
    upgrade: bytes | None
    """The `Upgrade` value when the client asks to switch protocols (HTTP/1.1,
    `Connection: upgrade`), else None."""
    content_length: int | None
    """The body length when framed by Content-Length."""
    chunked: bool
    """Whether the body uses chunked transfer coding."""


class Data(NamedTuple):
    """A piece of the request body (chunk framing removed)."""

    data: bytes


class EndOfMessage(NamedTuple):
    """The request body is complete. `trailers` are the chunked trailer fields
    (names lower-case), empty for other bodies."""

    trailers: tuple[tuple[bytes, bytes], ...]


END_OF_MESSAGE = EndOfMessage(())
"""The shared end of every message without trailers (events are immutable)."""


_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


def percent_decode_path(raw_path: bytes) -> str:
    """ASGI `path`: %XX escapes decoded, then UTF-8 (invalid sequences become
    U+FFFD) — what urllib.parse.unquote gives, without importing urllib.
    A `%` not followed by two hex digits stays as it is."""
    if b"%" not in raw_path:
        return raw_path.decode("utf-8", "replace")
    first, *rest = raw_path.split(b"%")
    out = bytearray(first)
    for part in rest:
        # Check the digits: int(b"+1", 16) would accept a sign.
        if len(part) >= 2 and part[0] in _HEX_DIGITS and part[1] in _HEX_DIGITS:
            out.append(int(part[:2], 16))
            out += part[2:]
        else:
            out += b"%" + part
    return out.decode("utf-8", "replace")
