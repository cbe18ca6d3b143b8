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

    class FrameParser(Protocol):
        error: int  # an ErrorCode value once parsing failed, else 0

        def __init__(self, max_message_size: int, require_mask: bool = True, allow_rsv1: bool = False) -> None: ...

        def parse(self, buf: bytearray, pos: int = 0) -> tuple[list[int], int]:
            """([offset, length, info] * complete frames, position after them);
            unmasks their payloads in buf. Stops at the first violation (`error`)."""

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
