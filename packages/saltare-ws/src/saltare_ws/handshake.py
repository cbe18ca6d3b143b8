"""The server side of the opening handshake (RFC 6455 §4.2): read the upgrade
request as the HTTP/1.1 parser gives it (method, lower-case header pairs),
then accept it with the 101 head or answer a precise rejection."""

import binascii
from typing import NamedTuple

from .config import DEFAULT_CONFIG, Config
from .deflate import DeflateParams, negotiate

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_TCHAR = frozenset(b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_PHRASES = {400: b"Bad Request", 426: b"Upgrade Required"}


class UpgradeRequest(NamedTuple):
    """A valid WebSocket upgrade request, ready for the application to decide."""

    key: bytes
    subprotocols: list[str]
    """Offered by the client, in its order of preference (ASGI `subprotocols`)."""
    extensions: list[tuple[str, list[tuple[str, str | None]]]]
    """Offered extensions: (name, [(parameter, value or None)]), names lower-case."""
    origin: bytes | None
    """Passed through for the application's own check (RFC 6455 §10.2)."""


class Rejection(NamedTuple):
    """Not a valid upgrade: answer `status` with `headers`, then close."""

    status: int
    headers: list[tuple[bytes, bytes]]
    reason: str

    def response(self) -> bytes:
        """The whole HTTP/1.1 response, with `reason` as a text/plain body."""
        body = self.reason.encode()
        lines = [b"HTTP/1.1 %d %s" % (self.status, _PHRASES.get(self.status, b"Error"))]
        lines += [name + b": " + value for name, value in self.headers]
        lines += [b"content-type: text/plain; charset=utf-8", b"content-length: %d" % len(body),
                  b"connection: close", b"", body]
        return b"\r\n".join(lines)


class Acceptance(NamedTuple):
    """The 101 response head to send, and what was agreed (for `ServerConnection`)."""

    head: bytes
    subprotocol: str | None
    deflate: DeflateParams | None


def accept_key(key: bytes) -> bytes:
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2)."""
    from hashlib import sha1  # here: hashlib loads OpenSSL, which only a handshake needs

    return binascii.b2a_base64(sha1(key + GUID).digest(), newline=False)


def _tokens(values: list[bytes]) -> list[bytes]:
    """The comma-separated list elements of repeated header values, lower-case."""
    return [item.strip().lower() for value in values for item in value.split(b",") if item.strip()]


def _is_token(text: bytes) -> bool:
    return bool(text) and all(byte in _TCHAR for byte in text)


def parse_extensions(values: list[bytes]):
    """Sec-WebSocket-Extensions values as [(name, [(param, value)])] (RFC 6455 §9.1),
    or None when malformed. Quoted values are unquoted; all must be tokens."""
    offers = []
    for value in values:
        for item in value.split(b","):
            if not item.strip():
                continue
            name, *raw_params = (part.strip() for part in item.split(b";"))
            if not _is_token(name):
                return None
            params = []
            for raw in raw_params:
                key, eq, param_value = (part.strip() for part in raw.partition(b"="))
                if eq and len(param_value) >= 2 and param_value[:1] == param_value[-1:] == b'"':
                    param_value = param_value[1:-1]
                if not _is_token(key) or (eq and not _is_token(param_value)):
                    return None
                params.append((key.decode().lower(), param_value.decode() if eq else None))
            offers.append((name.decode().lower(), params))
    return offers


def _reject(reason: str, status: int = 400) -> Rejection:
    headers = [(b"sec-websocket-version", b"13")] if status == 426 else []
    return Rejection(status, headers, reason)


def read_upgrade(method: bytes, headers: list[tuple[bytes, bytes]]) -> UpgradeRequest | Rejection:
    """Check a WebSocket upgrade request: method GET, `Connection: upgrade`,
    `Upgrade: websocket` (tokens, any case), version 13, a 16-byte key."""
    if method != b"GET":
        return _reject("a WebSocket upgrade must be a GET request")
    found: dict[bytes, list[bytes]] = {}
    for name, value in headers:
        if name.startswith(b"sec-websocket-") or name in (b"connection", b"upgrade", b"origin"):
            found.setdefault(name, []).append(value)
    if b"upgrade" not in _tokens(found.get(b"connection", [])):
        return _reject("missing Connection: upgrade")
    if b"websocket" not in _tokens(found.get(b"upgrade", [])):
        return _reject("missing Upgrade: websocket")
    versions = found.get(b"sec-websocket-version")
    if not versions:
        return _reject("missing Sec-WebSocket-Version")
    if [v.strip() for v in versions] != [b"13"]:
        return _reject("unsupported WebSocket version", 426)
    keys = found.get(b"sec-websocket-key", [])
    if len(keys) != 1:
        return _reject("expected one Sec-WebSocket-Key")
    key = keys[0].strip()
    try:
        valid_key = len(key) == 24 and len(binascii.a2b_base64(key, strict_mode=True)) == 16
    except binascii.Error:
        valid_key = False
    if not valid_key:
        return _reject("invalid Sec-WebSocket-Key")
    extensions = parse_extensions(found.get(b"sec-websocket-extensions", []))
    if extensions is None:
        return _reject("invalid Sec-WebSocket-Extensions")
    subprotocols = [token.decode("latin-1") for value in found.get(b"sec-websocket-protocol", [])
                    for token in (item.strip() for item in value.split(b",")) if token]
    origins = found.get(b"origin")
    return UpgradeRequest(key, subprotocols, extensions, origins[0] if origins else None)


def accept(request: UpgradeRequest, subprotocol: str | None = None,
           extra_headers: list[tuple[bytes, bytes]] = (), config: Config = DEFAULT_CONFIG) -> Acceptance:
    """The 101 head: the subprotocol the application chose from the client's
    list, permessage-deflate when config.deflate accepts an offer, and the
    application's own headers (ASGI `websocket.accept` headers)."""
    lines = [b"HTTP/1.1 101 Switching Protocols", b"upgrade: websocket", b"connection: Upgrade",
             b"sec-websocket-accept: " + accept_key(request.key)]
    if subprotocol is not None:
        if subprotocol not in request.subprotocols:
            raise ValueError(f"subprotocol {subprotocol!r} was not offered by the client")
        lines.append(b"sec-websocket-protocol: " + subprotocol.encode("latin-1"))
    deflate = None
    if config.deflate is not None and request.extensions:
        agreed = negotiate(request.extensions, config.deflate)
        if agreed is not None:
            response_value, deflate = agreed
            lines.append(b"sec-websocket-extensions: " + response_value)
    for name, value in extra_headers:
        if not _is_token(name) or any(byte in value for byte in b"\r\n\0"):
            raise ValueError(f"invalid header {name!r}: {value!r}")
        lines.append(name + b": " + value)
    lines += [b"", b""]
    return Acceptance(b"\r\n".join(lines), subprotocol, deflate)
