"""The response side: status line, framing decision, chunk framing.

Bytes out only; shared by both backends (there is nothing here worth C).
"""

import re
from enum import Enum
from http import HTTPStatus
from typing import Iterable, NamedTuple

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Field values: no CR, LF or NUL (response splitting), no other CTL but HTAB.
_FIELD_VALUE = re.compile(rb"[\t\x20-\x7e\x80-\xff]*")
_HOP_BY_HOP_FRAMING = (b"content-length", b"transfer-encoding")

_status_lines: dict[int, bytes] = {}
_new_tuple = tuple.__new__  # builds a ResponseHead without NamedTuple's keyword-handling __new__


class Framing(Enum):
    """How the response body is delimited on the wire."""

    LENGTH = "length"  # Content-Length
    CHUNKED = "chunked"  # Transfer-Encoding: chunked
    CLOSE = "close"  # until the connection closes (HTTP/1.0 client, unknown length)
    NONE = "none"  # no body: HEAD, 1xx, 204, 304


class ResponseHead(NamedTuple):
    data: bytes
    """The status line and header fields, ready to write."""
    framing: Framing
    content_length: int | None
    keep_alive: bool
    """False when the connection must close after this response."""


def status_line(status: int, http_version: str = "1.1") -> bytes:
    """`HTTP/1.1 200 OK\\r\\n`, built once per status."""
    key = status if http_version == "1.1" else -status
    line = _status_lines.get(key)
    if line is None:
        if not 100 <= status <= 999:
            raise ValueError(f"invalid status code {status}")
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        # RFC 9112 §4: a 1.1 server answers a 1.0 request with "HTTP/1.1" too.
        line = b"HTTP/1.1 %d %s\r\n" % (status, phrase.encode("ascii"))
        _status_lines[key] = line
    return line


_checked: dict[tuple[bytes, bytes], bytes] = {}
_CHECKED_MAX = 256  # pairs remembered (~35 KiB at most; Content-Length values vary): then start over


# Whole heads by (status, HEAD?, version, keep-alive, *fields): the head
# without `extra`, and what write_response_head decided about it.
_heads: dict[tuple, tuple[bytes, "Framing", int | None, bool]] = {}
_HEADS_MAX = 32  # heads remembered (Content-Length values vary): then start over


def _check_field(name: bytes, value: bytes) -> bytes:
    """The lower-cased name of a valid field; raises ValueError otherwise."""
    if not _TOKEN.fullmatch(name):
        raise ValueError(f"invalid header name {name!r}")
    if not _FIELD_VALUE.fullmatch(value):
        raise ValueError(f"invalid value for header {name!r}")
    if len(_checked) >= _CHECKED_MAX:
        _checked.clear()
    lname = _checked[(bytes(name), bytes(value))] = name.lower()
    return lname


def write_response_head(
    status: int,
    headers: Iterable[tuple[bytes, bytes]],
    *,
    request_method: bytes = b"GET",
    http_version: str = "1.1",
    keep_alive: bool = True,
    extra: bytes = b"",
) -> ResponseHead:
    """Build a response head and decide how its body is framed.

    A `content-length` given by the caller frames the body; otherwise an
    HTTP/1.1 client gets `transfer-encoding: chunked` and an HTTP/1.0 client
    a body delimited by close. HEAD, 1xx, 204 and 304 responses have no body
    (HEAD keeps the headers a GET would get, Content-Length included).
    `keep_alive=False` (or a 1.0 body delimited by close) adds
    `connection: close`; a kept-alive HTTP/1.0 client gets
    `connection: keep-alive`. Names and values are checked (no response
    splitting); a caller's `transfer-encoding` is replaced by our framing.
    `extra` is header lines the caller checked once (e.g. its own `server`
    and `date` fields, each ending in CRLF), added as they are.
    Raises ValueError on invalid input.
    """
    # Apps answer with the same few heads again and again: a head seen
    # before is looked up whole (its fields are hashable pairs of bytes).
    key = (status, request_method == b"HEAD", http_version, keep_alive, *headers)
    try:
        seen = _heads.get(key)
    except TypeError:  # a list pair, or a bytearray: built every time
        seen = None
        cacheable = False
    else:
        if seen is not None:
            prefix, framing, content_length, keep_alive = seen
            return _new_tuple(ResponseHead, (prefix + extra + b"\r\n", framing, content_length, keep_alive))
        cacheable = True
    lines = [status_line(status, http_version)]
    content_length = None
    close_listed = False
    for name, value in key[4:]:
        # Apps send the same fields again and again: each (name, value) pair
        # is checked once, and its lower-cased name remembered.
        try:
            lname = _checked.get((name, value))
        except TypeError:  # a bytearray or memoryview: checked every time
            lname = None
        if lname is None:
            lname = _check_field(name, value)
        # A memoryview in a remembered head would keep what it views alive.
        cacheable = cacheable and type(name) is bytes and type(value) is bytes
        if lname in _HOP_BY_HOP_FRAMING:
            if lname == b"transfer-encoding":
                continue
            if content_length is not None or not value.isdigit():
                raise ValueError(f"invalid or repeated content-length {value!r}")
            content_length = int(value)
        elif lname == b"connection" and b"close" in value.lower():
            keep_alive = False
            close_listed = True
        lines += (name, b": ", value, b"\r\n")
    if status < 200 or status in (204, 304):
        # RFC 9110 §8.6: no Content-Length in 1xx and 204 responses.
        if content_length is not None and (status < 200 or status == 204):
            raise ValueError(f"content-length not allowed in a {status} response")
        framing = Framing.NONE
    elif request_method == b"HEAD":
        framing = Framing.NONE
    elif content_length is not None:
        framing = Framing.LENGTH
    elif http_version == "1.1":
        framing = Framing.CHUNKED
        lines.append(b"transfer-encoding: chunked\r\n")
    else:
        framing = Framing.CLOSE
        keep_alive = False
    if not keep_alive:
        if not close_listed:
            lines.append(b"connection: close\r\n")
    elif http_version == "1.0":
        lines.append(b"connection: keep-alive\r\n")  # 1.0 clients close unless told
    prefix = b"".join(lines)
    if cacheable:
        if len(_heads) >= _HEADS_MAX:
            _heads.clear()
        _heads[key] = (prefix, framing, content_length, keep_alive)
    return _new_tuple(ResponseHead, (prefix + extra + b"\r\n", framing, content_length, keep_alive))


def chunk(data: bytes) -> bytes:
    """One chunk of a chunked body (empty data gives b"": an empty chunk would end the body)."""
    if not data:
        return b""
    return b"%x\r\n%s\r\n" % (len(data), data)


def last_chunk(trailers: Iterable[tuple[bytes, bytes]] = ()) -> bytes:
    """The end of a chunked body, with optional trailer fields."""
    parts = [b"0\r\n"]
    for name, value in trailers:
        if not _TOKEN.fullmatch(name) or not _FIELD_VALUE.fullmatch(value):
            raise ValueError(f"invalid trailer field {name!r}")
        parts += (name, b": ", value, b"\r\n")
    parts.append(b"\r\n")
    return b"".join(parts)
