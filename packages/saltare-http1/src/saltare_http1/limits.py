"""Every bound the parser enforces, with its default and the status it answers."""

from typing import NamedTuple


class Limits(NamedTuple):
    """Bounds checked while parsing, before memory is committed.

    The defaults fit a 16 KiB head buffer; raise them for clients that send
    very large cookies or URLs.
    """

    max_head_bytes: int = 16384
    """Request line + header fields + final CRLF; over it: 431."""
    max_target_bytes: int = 8192
    """Request-target length; over it: 414."""
    max_headers: int = 100
    """Header (and trailer) field lines; over it: 431."""
    max_chunk_ext_bytes: int = 1024
    """Bytes between a chunk size and its CRLF; over it: 400."""
    max_trailer_bytes: int = 8192
    """Trailer section incl. its final CRLF; over it: 431."""
    max_body_bytes: int | None = None
    """Content-Length or chunked total; over it: 413. None: unbounded."""


DEFAULT_LIMITS = Limits()
