"""Request field validation (RFC 9113 §8.2, §8.3) and response field lists.

A malformed request is a stream error PROTOCOL_ERROR (§8.1.1): the caller
resets the stream; the connection goes on.
"""

import re

from .errors import ErrorCode, StreamError
from .events import Headers, RequestReceived

# Lower-case tchar only (§8.2.1: upper case in a name is malformed).
_NAME = re.compile(rb"[!#$%&'*+\-.^_`|~0-9a-z]+")
# NUL, CR, LF anywhere, or whitespace at either end (§8.2.1).
_BAD_VALUE = re.compile(rb"[\x00\r\n]|\A[ \t]|[ \t]\Z")
_REQUEST_PSEUDO = frozenset((b":method", b":scheme", b":authority", b":path"))
# §8.2.2: connection-specific fields; `te` is allowed with the value `trailers` only.
CONNECTION_SPECIFIC = frozenset((b"connection", b"keep-alive", b"proxy-connection", b"transfer-encoding", b"upgrade"))
_DIGITS = re.compile(rb"[0-9]{1,19}")


def _malformed(stream_id: int, reason: str) -> StreamError:
    return StreamError(stream_id, ErrorCode.PROTOCOL_ERROR, reason)


def _check_field(stream_id: int, name: bytes, value: bytes) -> None:
    if _NAME.fullmatch(name) is None:
        raise _malformed(stream_id, f"invalid field name {name!r}")
    if _BAD_VALUE.search(value) is not None:
        raise _malformed(stream_id, f"invalid value of {name.decode('latin-1')}")
    if name in CONNECTION_SPECIFIC or (name == b"te" and value != b"trailers"):
        raise _malformed(stream_id, f"connection-specific field {name.decode('latin-1')}")


def request_from_fields(stream_id: int, fields: Headers) -> tuple[RequestReceived, int | None]:
    """The validated request and its content-length (None when absent)."""
    pseudo: dict[bytes, bytes] = {}
    headers: Headers = []
    cookies: list[bytes] = []
    content_length = host = None
    for name, value in fields:
        if name[:1] == b":":
            if headers or cookies:
                raise _malformed(stream_id, "pseudo-header after a regular field")
            if name not in _REQUEST_PSEUDO:
                raise _malformed(stream_id, f"unknown pseudo-header {name!r}")
            if name in pseudo:
                raise _malformed(stream_id, f"duplicate {name.decode()}")
            if _BAD_VALUE.search(value) is not None:
                raise _malformed(stream_id, f"invalid value of {name.decode()}")
            pseudo[name] = value
            continue
        _check_field(stream_id, name, value)
        if name == b"cookie":
            cookies.append(value)  # crumbs are joined below (§8.2.3)
            continue
        if name == b"content-length":
            if _DIGITS.fullmatch(value) is None or (content_length is not None and int(value) != content_length):
                raise _malformed(stream_id, "invalid content-length")
            content_length = int(value)
        elif name == b"host":
            host = value
        headers.append((name, value))
    if cookies:
        headers.append((b"cookie", b"; ".join(cookies)))
    method = pseudo.get(b":method")
    if not method:
        raise _malformed(stream_id, "missing :method")
    authority = pseudo.get(b":authority")
    if authority is not None and host is not None and host != authority:
        raise _malformed(stream_id, "host differs from :authority")
    if method == b"CONNECT":
        if not authority or b":scheme" in pseudo or b":path" in pseudo:
            raise _malformed(stream_id, "CONNECT needs :authority alone")
        return RequestReceived(stream_id, method, b"", authority, b"", headers), content_length
    scheme, path = pseudo.get(b":scheme"), pseudo.get(b":path")
    if not scheme:
        raise _malformed(stream_id, "missing :scheme")
    if not path or not (path[:1] == b"/" or (path == b"*" and method == b"OPTIONS")):
        raise _malformed(stream_id, "missing or invalid :path")
    return RequestReceived(stream_id, method, scheme, authority or host or b"", path, headers), content_length


def trailers_from_fields(stream_id: int, fields: Headers) -> Headers:
    for name, value in fields:
        if name[:1] == b":":
            raise _malformed(stream_id, "pseudo-header in trailers")
        _check_field(stream_id, name, value)
    return fields


# Hop-by-hop fields an HTTP/1-minded application may set: not sent over HTTP/2.
_HOP_BY_HOP = CONNECTION_SPECIFIC | {b"te", b"http2-settings"}
_STATUS = {code: str(code).encode() for code in range(100, 600)}
_FORBIDDEN_IN_VALUE = re.compile(rb"[\x00\r\n]")


def response_fields(status: int, headers) -> Headers:
    """`:status` first, names lower-cased, hop-by-hop fields dropped. Refuses
    a status outside 100..599 and CR, LF or NUL in a name or value
    (ValueError): they would smuggle fields through an HTTP/1 hop."""
    if status not in _STATUS:
        raise ValueError(f"invalid status {status!r}")
    fields = [(b":status", _STATUS[status])]
    return fields + _regular_fields(headers)


def trailer_fields(headers) -> Headers:
    return _regular_fields(headers)


def _regular_fields(headers) -> Headers:
    fields = []
    for name, value in headers:
        name = bytes(name).lower()
        if name in _HOP_BY_HOP:
            continue
        value = bytes(value)
        if not name or _FORBIDDEN_IN_VALUE.search(name) or _FORBIDDEN_IN_VALUE.search(value) or name[:1] == b":":
            raise ValueError(f"invalid field {name!r}")
        fields.append((name, value))
    return fields
