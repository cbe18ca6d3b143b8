"""br (RFC 7932) with the `brotli` package: streaming compressor and bounded decoder.

Loaded only when a Compression or Decompression enables "br"; importing it is
what imports brotli.
"""

import brotli

from ._encoding_errors import corrupt, too_large, truncated

CODING = "br"
# Quality 4, the usual choice for content compressed on the fly: gzip-5's
# speed and memory for an output ~7 % larger on JSON; 5 beats gzip-5's ratio
# by ~3 % for twice the CPU and memory; 11 (brotli's default, meant for static
# assets) is >100x slower.
DEFAULT_LEVEL = 4
# A 256 KiB window (lgwin 18) instead of brotli's 4 MiB: same ratio on
# responses of this size, faster set-up, and a live stream holds ~1.8 MiB
# instead of ~4 MiB on a 1 MiB body.
DEFAULT_WINDOW_LOG = 18
LEVELS = range(0, 12)
WINDOW_LOGS = range(10, 25)
# brotli < 1.2 has no `output_buffer_limit`: its decoder returns everything a
# chunk expands to, so it cannot be bounded and is refused for request bodies.
BOUNDED_DECODING = hasattr(brotli.Decompressor, "can_accept_more_data")
# Output asked of the decoder per call; brotli may return up to ~1.5x this.
_OUTPUT_STEP = 64 * 1024


class BrotliCompressor:
    """One brotli stream: `compress()`, `flush()` (everything so far
    decodable), `finish()`."""

    __slots__ = ("_encoder",)
    coding = CODING

    def __init__(self, level: int, window_log: int) -> None:
        self._encoder = brotli.Compressor(quality=level, lgwin=window_log)

    def compress(self, data) -> bytes:
        return self._encoder.process(data)

    def flush(self) -> bytes:
        return self._encoder.flush()

    def finish(self) -> bytes:
        return self._encoder.finish()


def compressor_factory(level: int, window_log: int):
    """A function `new(size=-1)` returning a fresh BrotliCompressor."""
    _check("quality", level, LEVELS)
    _check("window_log", window_log, WINDOW_LOGS)

    def new(size: int = -1) -> BrotliCompressor:
        return BrotliCompressor(level, window_log)

    return new


def _check(name: str, value: int, allowed: range) -> None:
    if value not in allowed:
        raise ValueError(f"brotli {name} must be in {allowed.start}..{allowed.stop - 1}, not {value}")


class BrotliDecoder:
    """Decodes a br request body in output steps of ~64 KiB, checking the
    total against `max_size` after each step, so a bomb is stopped with at
    most one step decoded past the budget."""

    __slots__ = ("_decoder", "_budget", "_max_size")

    def __init__(self, max_size: int) -> None:
        self._decoder = brotli.Decompressor()
        self._budget = max_size
        self._max_size = max_size

    def decompress(self, data) -> bytes:
        return self._drain(data) if data else b""

    def finish(self) -> bytes:
        rest = self._drain(b"")
        if not self._decoder.is_finished():
            raise truncated(CODING)
        return rest

    def _drain(self, data) -> bytes:
        """Feed `data`, then take output step by step until brotli stops for
        want of input: it may keep decoded bytes pending after a full step."""
        decoder = self._decoder
        pieces = []
        try:
            while True:
                piece = decoder.process(data, output_buffer_limit=_OUTPUT_STEP)
                data = b""
                if len(piece) > self._budget:
                    raise too_large(self._max_size)
                self._budget -= len(piece)
                pieces.append(piece)
                if len(piece) < _OUTPUT_STEP and decoder.can_accept_more_data():
                    break
                if not piece:  # output pending yet none produced: a stuck stream
                    raise corrupt(CODING)
        except brotli.error:
            raise corrupt(CODING) from None
        return b"".join(pieces)
