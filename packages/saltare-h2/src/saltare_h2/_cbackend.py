"""The C backend: frame-header scanning and Huffman decoding over _native.

One C call scans every complete frame of a received burst; its results are
read back with one memoryview slice, not field by field.
"""

from . import _connection
from ._native import ffi, lib
from .errors import HPACKError

name = "c"

MAX_FRAMES = 256  # frame headers per C call; a longer burst takes more calls
_INVALID = lib.SALTARE_H2_HUFFMAN_INVALID


class FrameScanner:
    """Finds the complete frames of a buffer: `scan(buf, start, max_frame_size)`
    returns (words, consumed, oversized) where words holds four ints per frame:
    payload offset, length, stream id, type | flags << 8."""

    __slots__ = ("_frames", "_words", "_results", "_oversized")

    def __init__(self) -> None:
        self._frames = ffi.new("saltare_h2_frame_t[]", MAX_FRAMES)
        self._words = memoryview(ffi.buffer(self._frames)).cast("I")
        self._results = ffi.new("size_t *")
        self._oversized = ffi.new("int *")

    def scan(self, buf: bytearray, start: int, max_frame_size: int) -> tuple[list[int], int, bool]:
        words: list[int] = []
        while True:
            count = lib.saltare_h2_scan_frames(
                ffi.from_buffer("uint8_t[]", buf), len(buf), start, max_frame_size,
                self._frames, MAX_FRAMES, self._results, self._oversized,
            )  # fmt: skip
            words += self._words[: 4 * count].tolist()
            start = self._results[0]
            if count < MAX_FRAMES or self._oversized[0]:
                return words, start, bool(self._oversized[0])


def huffman_decode(data: bytes) -> bytes:
    """Decodes an HPACK Huffman string; raises HPACKError when it is invalid."""
    capacity = len(data) * 8 // 5 + 1
    out = ffi.new("uint8_t[]", capacity)
    n = lib.saltare_h2_huffman_decode(data, len(data), out, capacity)
    if n < 0:
        raise HPACKError("invalid Huffman string" if n == _INVALID else "Huffman output overflow")
    return ffi.buffer(out, n)[:]


class H2Connection(_connection.H2Connection):
    __doc__ = _connection.H2Connection.__doc__
    __slots__ = ()
    _FrameScanner = FrameScanner
    _huffman_decode = staticmethod(huffman_decode)


abi_version: int = lib.SALTARE_H2_ABI_VERSION
