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

# RFC 9110 §15 renamed these; http.HTTPStatus (3.11) has the RFC 7231 phrases.
_PHRASES = {413: "Content Too Large", 414: "URI Too Long", 416: "Range Not Satisfiable",
            422: "Unprocessable Content"}
# Fields the server may add through `extra` that a response carries once
# (RFC 9110 §5.3): the caller's own wins.
_SINGLETONS = (b"date", b"server")

_status_lines: dict[int, bytes] = {}
_new_tuple = tuple.__new__  # builds a ResponseHead without NamedTuple's keyword-handling __new__


class Framing(Enum):
    """How the response body is delimited on the wire."""

    LENGTH = "length"  # Content-Length
    CHUNKED = "chunked"  # Transfer-Encoding: chunked
    CLOSE = "close"  # until the connection closes (HTTP/1.0 client, unknown length)
    NONE = "none"  # no body: HEAD, 1xx, 204, 205, 304


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
            phrase = _PHRASES.get(status) or HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        # RFC 9112 §4: a 1.1 server answers a 1.0 request with "HTTP/1.1" too.
        line = b"HTTP/1.1 %d %s\r\n" % (status, phrase.encode("ascii"))
        _status_lines[key] = line
    return line


_checked: dict[tuple[bytes, bytes], bytes] = {}
_CHECKED_MAX = 256  # pairs remembered (~35 KiB at most; Content-Length values vary): then start over


# Whole heads by (status, HEAD?, version, keep-alive, *fields): the head
# without `extra`, what write_response_head decided about it, and the
# singleton fields the caller set itself.
_heads: dict[tuple, tuple[bytes, "Framing", int | None, bool, tuple]] = {}
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
    (HEAD keeps the headers a GET would get, Content-Length included); a
    caller's Content-Length in a 1xx or 204 response is dropped (RFC 9110
    §8.6 forbids it, and frameworks add it), and a 205 gets
    `content-length: 0` and no body (§15.3.6).
    `keep_alive=False` (or a 1.0 body delimited by close) adds
    `connection: close`; a kept-alive HTTP/1.0 client gets
    `connection: keep-alive`. Names and values are checked (no response
    splitting); a caller's `transfer-encoding` is replaced by our framing.
    `extra` is header lines the caller checked once (e.g. its own `server`
    and `date` fields, each ending in CRLF), added as they are, except a
    `date` or `server` line when `headers` has that field already.
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
            prefix, framing, content_length, keep_alive, own = seen
            if own and extra:
                extra = _without(extra, own)
            return _new_tuple(ResponseHead, (prefix + extra + b"\r\n", framing, content_length, keep_alive))
        cacheable = True
    lines = [status_line(status, http_version)]
    content_length = None
    close_listed = False
    own = ()
    bodiless = status < 200 or status in (204, 205, 304)
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
            if bodiless and status != 304:  # 304: the length of the GET it stands for
                continue
        elif lname == b"connection" and b"close" in _tokens(value):
            keep_alive = False
            close_listed = True
        elif lname in _SINGLETONS:
            own += (lname,)
        lines += (name, b": ", value, b"\r\n")
    if bodiless:
        framing = Framing.NONE
        if status == 205:
            content_length = 0
            lines.append(b"content-length: 0\r\n")  # else an HTTP/1.1 body would run to the close
        elif status != 304:
            content_length = None
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
        _heads[key] = (prefix, framing, content_length, keep_alive, own)
    if own and extra:
        extra = _without(extra, own)
    return _new_tuple(ResponseHead, (prefix + extra + b"\r\n", framing, content_length, keep_alive))


def _tokens(value: bytes) -> list[bytes]:
    """The lower-cased tokens of a comma-separated field value."""
    return [token.strip() for token in value.lower().split(b",")]


def _without(extra: bytes, names: tuple) -> bytes:
    """`extra`'s lines but those naming one of `names`."""
    kept = [line for line in extra.split(b"\r\n") if line and line.split(b":", 1)[0].lower() not in names]
    return b"".join(line + b"\r\n" for line in kept)


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
