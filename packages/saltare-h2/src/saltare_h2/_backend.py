"""The one place that picks the C or the Python backend.

SALTARE_PURE=1 forces Python; otherwise the C backend serves when its
extension was built. Both modules expose the `Backend` surface.
"""

import os
from typing import Protocol


class Backend(Protocol):
    name: str  # "c" or "python"

    class FrameScanner(Protocol):
        def scan(self, buf: bytearray, start: int, max_frame_size: int) -> tuple[list[int], int, bool]:
            """(words, consumed, oversized): four ints per complete frame of
            buf[start:] (payload offset, length, stream id, type | flags << 8),
            the offset past the last one, and whether the scan stopped at a
            frame longer than max_frame_size."""

    @staticmethod
    def huffman_decode(data: bytes) -> bytes:
        """The decoded HPACK Huffman string; raises HPACKError."""

    H2Connection: type


if os.environ.get("SALTARE_PURE") == "1":
    from . import _pybackend as selected
else:
    try:
        from . import _cbackend as selected
    except ImportError:
        from . import _pybackend as selected

backend: str = selected.name
