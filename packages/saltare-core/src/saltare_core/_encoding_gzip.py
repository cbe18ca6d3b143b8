"""gzip (RFC 1952) with the stdlib zlib: streaming compressor and bounded decoder.

Loaded only when a Compression or Decompression enables "gzip".
"""

import zlib

from ._encoding_errors import corrupt, too_large, truncated

CODING = "gzip"
# Level 5: on a 100 KiB JSON body it is ~1.5x faster than zlib's default 6
# for a ~7 % larger output (bench/test_bench_encoding.py); a server pays the
# CPU on every response.
DEFAULT_LEVEL = 5
DEFAULT_WINDOW_LOG = 15
LEVELS = range(0, 10)
WINDOW_LOGS = range(9, 16)
BOUNDED_DECODING = True
_GZIP_FRAMING = 16  # added to wbits: gzip header and trailer instead of zlib's
_DECODE_WBITS = _GZIP_FRAMING + 15


class GzipCompressor:
    """One gzip member, fed in pieces: `compress()` as data comes,
    `flush()` to make all of it decodable now (a sync flush, for streamed
    responses), `finish()` once at the end."""

    __slots__ = ("_deflate",)
    coding = CODING

    def __init__(self, level: int, window_log: int) -> None:
        self._deflate = zlib.compressobj(level, zlib.DEFLATED, _GZIP_FRAMING + window_log)

    def compress(self, data) -> bytes:
        return self._deflate.compress(data)

    def flush(self) -> bytes:
        return self._deflate.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        return self._deflate.flush(zlib.Z_FINISH)


def compressor_factory(level: int, window_log: int):
    """A function `new(size=-1)` returning a fresh GzipCompressor; the
    arguments are checked once here, not per response."""
    _check("level", level, LEVELS)
    _check("window_log", window_log, WINDOW_LOGS)

    def new(size: int = -1) -> GzipCompressor:
        return GzipCompressor(level, window_log)

    return new


def _check(name: str, value: int, allowed: range) -> None:
    if value not in allowed:
        raise ValueError(f"gzip {name} must be in {allowed.start}..{allowed.stop - 1}, not {value}")


class GzipDecoder:
    """Inflates a gzip request body, never producing more than `max_size`
    bytes in total: zlib's `max_length` stops the output at the first byte
    past the budget, so the overshoot is one byte. Members may follow each
    other (RFC 1952 §2.2)."""

    __slots__ = ("_inflate", "_budget", "_max_size")

    def __init__(self, max_size: int) -> None:
        self._inflate = zlib.decompressobj(_DECODE_WBITS)
        self._budget = max_size
        self._max_size = max_size

    def decompress(self, data) -> bytes:
        pieces = []
        while data:
            if self._inflate.eof:
                self._inflate = zlib.decompressobj(_DECODE_WBITS)
            try:
                piece = self._inflate.decompress(data, self._budget + 1)
            except zlib.error:
                raise corrupt(CODING) from None
            if len(piece) > self._budget:
                raise too_large(self._max_size)
            self._budget -= len(piece)
            pieces.append(piece)
            # Under the budget zlib consumed all input, except past the end of
            # a member: what follows is the next member.
            data = self._inflate.unused_data
        return b"".join(pieces)

    def finish(self) -> bytes:
        if not self._inflate.eof:
            raise truncated(CODING)
        return b""
