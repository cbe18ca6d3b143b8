"""The one place that picks the C or the Python backend.

SALTARE_PURE=1 forces Python; otherwise the C backend serves when its
extension was built. Both modules expose the `Backend` surface.
"""

import os
from typing import Protocol


class Backend(Protocol):
    name: str  # "c" or "python"
    F_FIN: int
    F_COMPRESSED: int

    def apply_mask(self, data, key: bytes) -> bytes:
        """data XOR the 4-byte key repeated."""

    def mask_in_place(self, buf: bytearray, key: bytes) -> None:
        """buf ^= the 4-byte key repeated."""

    class FrameParser(Protocol):
        error: int  # an ErrorCode value once parsing failed, else 0

        def __init__(self, max_message_size: int, require_mask: bool = True, allow_rsv1: bool = False) -> None: ...

        view: object  # bytes-like holding the buffered frames (sliced for payloads)

        def feed(self, data) -> list[int]:
            """[offset, length, info] * the complete frames buffered so far,
            payloads unmasked, offsets into `view`, valid until trim().
            Stops at the first violation (`error`)."""

        def trim(self) -> None:
            """Drop the bytes of the frames handed out."""

        def release(self) -> None:
            """Free the buffer (the connection is closed)."""

    class Utf8Validator(Protocol):
        complete: bool

        def feed(self, data) -> bool: ...

    ServerConnection: type


if os.environ.get("SALTARE_PURE") == "1":
    from . import _pybackend as selected
else:
    try:
        from . import _cbackend as selected
    except ImportError:
        from . import _pybackend as selected

backend: str = selected.name
