"""Frame and request builders shared by the tests (conftest puts this folder on sys.path:
importlib mode does not)."""

import struct

MASK = b"\x37\xfa\x21\x3d"


def client_frame(opcode: int, payload: bytes = b"", fin: bool = True, rsv: int = 0,
                 mask: bytes | None = MASK, length_form: int | None = None) -> bytes:
    """A frame as a client sends it: masked unless mask is None. length_form
    (7, 16 or 64) forces an encoding of the length, minimal or not."""
    n = len(payload)
    b0 = (0x80 if fin else 0) | rsv << 4 | opcode
    mask_bit = 0x80 if mask is not None else 0
    form = length_form or (7 if n < 126 else 16 if n < 65536 else 64)
    if form == 7:
        head = bytes((b0, mask_bit | n))
    elif form == 16:
        head = struct.pack("!BBH", b0, mask_bit | 126, n)
    else:
        head = struct.pack("!BBQ", b0, mask_bit | 127, n)
    if mask is None:
        return head + payload
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return head + mask + masked


def close_payload(code: int, reason: bytes = b"") -> bytes:
    return struct.pack("!H", code) + reason


def upgrade_headers(**overrides) -> list[tuple[bytes, bytes]]:
    """A valid upgrade request's headers (lower-case names, as saltare_http1 gives
    them); a keyword replaces a header (None drops it), e.g. sec_websocket_version=b"8"."""
    headers = {
        b"host": b"example.com",
        b"upgrade": b"websocket",
        b"connection": b"Upgrade",
        b"sec-websocket-key": b"dGhlIHNhbXBsZSBub25jZQ==",
        b"sec-websocket-version": b"13",
    }
    for name, value in overrides.items():
        headers[name.replace("_", "-").encode()] = value
    return [(name, value) for name, value in headers.items() if value is not None]
