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


def percent_decode_path(raw_path: bytes) -> str:
    """ASGI `path`: percent-decoded, as UTF-8 (invalid sequences become U+FFFD)."""
    text = raw_path.decode("ascii")  # the parser allows only 0x21-0x7E in targets
    if "%" not in text:
        return text
    from urllib.parse import unquote  # only paths with %-escapes pay for urllib

    return unquote(text)
