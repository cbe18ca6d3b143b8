"""Getting onto HTTP/2 without TLS: prior knowledge (the client starts with
the preface) and the HTTP/1.1 `Upgrade: h2c` dance (RFC 7540 §3.2)."""

from ._frames import PREFACE

H2C_SWITCHING_PROTOCOLS = b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
"""The answer to an accepted h2c upgrade request; our SETTINGS follow it."""


def detect_preface(data: bytes) -> bool | None:
    """On the first bytes of a cleartext connection: True when they start
    with the HTTP/2 preface (hand them all to `H2Connection.receive_data`),
    False when they cannot (HTTP/1.1), None while too short to tell."""
    if len(data) >= len(PREFACE):
        return data.startswith(PREFACE)
    return None if PREFACE.startswith(data) else False


def wants_h2c_upgrade(headers) -> bytes | None:
    """The HTTP2-Settings value when an HTTP/1.1 request's fields (lower-case
    names) ask for h2c the way RFC 7540 §3.2 requires (`Upgrade: h2c`,
    `Connection` naming both `Upgrade` and `HTTP2-Settings`, one
    HTTP2-Settings field); else None."""
    upgrade = settings = None
    connection_tokens: set[bytes] = set()
    for name, value in headers:
        if name == b"upgrade":
            upgrade = {token.strip().lower() for token in value.split(b",")}
        elif name == b"connection":
            connection_tokens |= {token.strip().lower() for token in value.split(b",")}
        elif name == b"http2-settings":
            if settings is not None:
                return None
            settings = value.strip()
    if not upgrade or b"h2c" not in upgrade or settings is None:
        return None
    if not {b"upgrade", b"http2-settings"} <= connection_tokens:
        return None
    return settings
