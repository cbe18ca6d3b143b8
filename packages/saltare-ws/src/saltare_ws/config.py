"""Every bound and option of a connection, with its default."""

from typing import NamedTuple


class DeflateConfig(NamedTuple):
    """What the server accepts and asks for in permessage-deflate (RFC 7692).

    The defaults trade a little compression for memory, as the websockets
    library does: a 4 KiB compression window and memLevel 5 cost about
    40 KiB per connection instead of about 270 KiB for zlib's defaults.
    """

    level: int = 6
    """zlib compression level of outgoing messages (0-9)."""
    mem_level: int = 5
    """zlib memLevel of the compressor (1-9)."""
    server_max_window_bits: int = 12
    """Window of our compressor, 9-15; lowered further when the client asks."""
    client_max_window_bits: int | None = None
    """Window we ask the client to compress with (9-15), when its offer allows
    asking; None: let the client use what it offered."""
    server_no_context_takeover: bool = False
    """Reset our compressor after every message even when the client did not ask."""
    client_no_context_takeover: bool = False
    """Ask the client to reset its compressor after every message (we then
    drop our decompressor between messages too)."""


class Config(NamedTuple):
    """Options of a `ServerConnection`."""

    max_message_size: int = 16 * 1024 * 1024
    """Payload bytes of one message, after inflating; over it: close 1009.
    Enforced on each frame header before its payload is buffered, and while
    inflating (a zip bomb never allocates more than this)."""
    auto_pong: bool = True
    """Answer pings at once (the pong is queued in `data_to_send()`)."""
    deflate: DeflateConfig | None = None
    """Accept permessage-deflate offers with these settings; None: decline."""


DEFAULT_CONFIG = Config()
