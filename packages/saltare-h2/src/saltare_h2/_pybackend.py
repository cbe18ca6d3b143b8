"""The pure-Python backend: the same surface as _cbackend.

Huffman decoding is the `hpack` package's (the oracle of the C decoder in
the differential tests).
"""

import struct

from hpack.exceptions import HPACKDecodingError
from hpack.huffman_table import decode_huffman

from . import _connection
from .errors import HPACKError

name = "python"

_HEADER = struct.Struct(">HBBBL")  # length (high 16 bits, low 8), type, flags, stream id


class FrameScanner:
    """Finds the complete frames of a buffer: `scan(buf, start, max_frame_size)`
    returns (words, consumed, oversized) where words holds four ints per frame:
    payload offset, length, stream id, type | flags << 8."""

    __slots__ = ()

    def scan(self, buf: bytearray, start: int, max_frame_size: int) -> tuple[list[int], int, bool]:
        words: list[int] = []
        end = len(buf)
        unpack = _HEADER.unpack_from
        while end - start >= 9:
            high, low, frame_type, flags, stream_id = unpack(buf, start)
            length = high << 8 | low
            if length > max_frame_size:
                return words, start, True
            if end - start - 9 < length:
                break
            words += (start + 9, length, stream_id & 0x7FFFFFFF, frame_type | flags << 8)
            start += 9 + length
        return words, start, False


def huffman_decode(data: bytes) -> bytes:
    """Decodes an HPACK Huffman string; raises HPACKError when it is invalid."""
    try:
        return decode_huffman(data)
    except HPACKDecodingError as error:
        raise HPACKError(str(error)) from None


class H2Connection(_connection.H2Connection):
    __doc__ = _connection.H2Connection.__doc__
    __slots__ = ()
    _FrameScanner = FrameScanner
    _huffman_decode = staticmethod(huffman_decode)
