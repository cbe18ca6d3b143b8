"""zstd (RFC 8878) with the `zstandard` package: streaming compressor and bounded decoder.

Loaded only when a Compression or Decompression enables "zstd"; importing it
is what imports zstandard.
"""

import zstandard

from ._encoding_errors import corrupt, too_large, truncated

CODING = "zstd"
# Level 3 is zstd's own default: ~4x gzip-5's speed for an output ~9 % larger
# on JSON; level 7 matches gzip-6's ratio at gzip-5's speed.
DEFAULT_LEVEL = 3
# A 512 KiB window caps a live stream near 1.6 MiB (level 3 alone picks 2 MiB
# windows, ~1.9 MiB per stream); when the body size is known and fits the
# window, zstd sizes its tables to the body instead.
DEFAULT_WINDOW_LOG = 19
LEVELS = range(1, 23)
# RFC 9659: zstd in HTTP uses windows of at most 8 MB; decoders may refuse more.
WINDOW_LOGS = range(10, 24)
BOUNDED_DECODING = True
MAX_DECODE_WINDOW = 8 * 1024 * 1024
# The format's densest case: a 4-byte RLE block decodes to one 128 KiB block.
# zstandard's decompressobj has no output limit, so the decoder feeds input in
# slices of 4 bytes per 128 KiB of budget left: a slice can then decode to at
# most the budget plus 256 KiB before the check.
_BLOCK_MAX = 128 * 1024
_DENSEST_BLOCK_INPUT = 4
_OUTPUT_CHUNK = 64 * 1024


class ZstdStreamCompressor:
    """One zstd frame: `compress()`, `flush()` (ends a block so everything
    so far decodes), `finish()` (ends the frame)."""

    __slots__ = ("_frame",)
    coding = CODING

    def __init__(self, context, size: int) -> None:
        self._frame = context.compressobj(size=size)

    def compress(self, data) -> bytes:
        return self._frame.compress(data)

    def flush(self) -> bytes:
        return self._frame.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)

    def finish(self) -> bytes:
        return self._frame.flush(zstandard.COMPRESSOBJ_FLUSH_FINISH)


def compressor_factory(level: int, window_log: int):
    """A function `new(size=-1)` returning a fresh ZstdStreamCompressor.
    `size`, when given, must be the exact body length: it is written in the
    frame header and lets zstd shrink its tables for a small body."""
    _check("level", level, LEVELS)
    _check("window_log", window_log, WINDOW_LOGS)
    capped = zstandard.ZstdCompressionParameters.from_level(level, window_log=window_log)
    window = 1 << window_log

    def new(size: int = -1) -> ZstdStreamCompressor:
        if 0 <= size <= window:
            # zstd derives a window no larger than the body from the level.
            return ZstdStreamCompressor(zstandard.ZstdCompressor(level=level), size)
        return ZstdStreamCompressor(zstandard.ZstdCompressor(compression_params=capped), size)

    return new


def _check(name: str, value: int, allowed: range) -> None:
    if value not in allowed:
        raise ValueError(f"zstd {name} must be in {allowed.start}..{allowed.stop - 1}, not {value}")


class ZstdDecoder:
    """Decodes a zstd request body (one or more frames) within `max_size`
    bytes of output, refusing frames whose window passes 8 MiB."""

    __slots__ = ("_context", "_frame", "_budget", "_max_size")

    def __init__(self, max_size: int) -> None:
        self._context = zstandard.ZstdDecompressor(max_window_size=MAX_DECODE_WINDOW)
        self._frame = self._context.decompressobj(write_size=_OUTPUT_CHUNK)
        self._budget = max_size
        self._max_size = max_size

    def decompress(self, data) -> bytes:
        view = memoryview(data)
        pieces = []
        while view:
            if self._frame.eof:
                # Concatenated frames are valid zstd; each gets a fresh decompressobj.
                self._frame = self._context.decompressobj(write_size=_OUTPUT_CHUNK)
            step = _DENSEST_BLOCK_INPUT * max(1, self._budget // _BLOCK_MAX)
            fed = view[:step]
            try:
                piece = self._frame.decompress(fed)
            except zstandard.ZstdError:
                raise corrupt(CODING) from None
            if len(piece) > self._budget:
                raise too_large(self._max_size)
            self._budget -= len(piece)
            pieces.append(piece)
            # At the end of a frame the rest of the slice is handed back.
            view = view[len(fed) - len(self._frame.unused_data) :]
        return b"".join(pieces)

    def finish(self) -> bytes:
        if not self._frame.eof:
            raise truncated(CODING)
        return b""
