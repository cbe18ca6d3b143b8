"""HTTP content codings for the server: Accept-Encoding negotiation, streaming
response compressors, bounded request-body decompressors.

    from saltare_core.encoding import Compression, Decompression

    compression = Compression(("br", "zstd", "gzip"))      # imports brotli, zstandard now
    coding = compression.select(b"gzip, deflate, br", b"application/json", 40_000)
    if coding is not None:                                 # "br" here
        compressor = compression.compressor(coding)
        body = compressor.compress(b"...") + compressor.finish()

    decompression = Decompression(("gzip",), max_size=10 * 1024 * 1024)
    decoder = decompression.open(b"gzip")                  # DecompressionError(415) if refused
    data = decoder.decompress(chunk)                       # DecompressionError(413) past max_size
    rest = decoder.finish()                                # DecompressionError(400) if truncated

Pure Python over zlib, brotli and zstandard (already C). Importing this module
imports neither brotli nor zstandard; a codec is imported when a Compression
or Decompression enabling it is built.
"""

from typing import Protocol

from . import _encoding_codecs
from ._encoding_errors import DecompressionError, unsupported
from ._encoding_negotiate import IDENTITY, PREFERENCE, Negotiator, parse_accept_encoding
from ._encoding_types import is_compressible

__all__ = [
    "Compression",
    "Compressor",
    "DEFAULT_MAX_SIZE",
    "DEFAULT_MIN_SIZE",
    "Decompression",
    "DecompressionError",
    "Decompressor",
    "IDENTITY",
    "Negotiator",
    "PREFERENCE",
    "is_compressible",
    "parse_accept_encoding",
]

# Under ~512 bytes (Caddy's default too) the framing and the CPU cost outweigh the saving,
# and the response fits one TCP segment either way.
DEFAULT_MIN_SIZE = 512
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
_OWS = " \t"


class Compressor(Protocol):
    """A streaming compressor for one response body. `coding` is the
    Content-Encoding value to send. Call `compress()` per body chunk (it may
    return b"" while it buffers), `flush()` when what was sent so far must
    reach the client now (streamed responses), `finish()` once at the end;
    the bytes to send are the concatenation of what they return."""

    coding: str

    def compress(self, data: bytes) -> bytes: ...

    def flush(self) -> bytes: ...

    def finish(self) -> bytes: ...


class Decompressor(Protocol):
    """A bounded decoder for one request body: `decompress(chunk)` returns
    the decoded bytes of that chunk; `finish()` at the end of the body returns
    the last decoded bytes (if the codec held some back) and checks that the
    compressed stream was complete. Both raise DecompressionError."""

    def decompress(self, data: bytes) -> bytes: ...

    def finish(self) -> bytes: ...


class Compression:
    """Response compression: which codings are on, at which levels.

    `codings` is any subset of ("br", "zstd", "gzip"); the preference between
    them is fixed (br > zstd > gzip) and the client's q-values come first.
    Building one imports the enabled codecs (ImportError naming the extra to
    install if one is missing) and checks the settings. `levels` and
    `window_logs` override the per-coding defaults, e.g. `levels={"gzip": 6}`:
    gzip 5 / window 15, br 4 / window 18, zstd 3 / window 19. Bodies known to
    be shorter than `min_size` bytes are not compressed.
    """

    __slots__ = ("codings", "min_size", "negotiator", "_factories")

    def __init__(
        self,
        codings=("gzip",),
        *,
        levels: dict[str, int] | None = None,
        window_logs: dict[str, int] | None = None,
        min_size: int = DEFAULT_MIN_SIZE,
        cache_size: int = 256,
    ) -> None:
        levels = levels or {}
        window_logs = window_logs or {}
        self.negotiator = Negotiator(codings, cache_size)
        self.codings = self.negotiator.codings
        stray = (set(levels) | set(window_logs)) - set(self.codings)
        if stray:
            raise ValueError(f"settings given for codings that are not enabled: {sorted(stray)}")
        if min_size < 0:
            raise ValueError("min_size must be >= 0")
        self.min_size = min_size
        self._factories = {}
        for coding in self.codings:
            codec = _encoding_codecs.load(coding)
            self._factories[coding] = codec.compressor_factory(
                levels.get(coding, codec.DEFAULT_LEVEL), window_logs.get(coding, codec.DEFAULT_WINDOW_LOG)
            )

    def select(
        self, accept_encoding: bytes | str | None, content_type: bytes | str | None, size: int = -1
    ) -> str | None:
        """The coding to compress this response with, or None to send it as
        is: None when the body is known (`size` >= 0) to be under `min_size`,
        when the content type is not compressible, or when the client accepts
        none of the enabled codings. Use `negotiator.select()` to tell "send
        identity" from "the client refused identity too"."""
        if 0 <= size < self.min_size or not is_compressible(content_type):
            return None
        coding = self.negotiator.select(accept_encoding)
        return None if coding is None or coding == IDENTITY else coding

    def compressor(self, coding: str, size: int = -1) -> Compressor:
        """A fresh streaming compressor for one body. `size`, if given, must
        be the exact body length (zstd records it and sizes its tables by it)."""
        return self._factories[coding](size)


class _IdentityDecoder:
    """A body without a content coding: passed through, with the same cap."""

    __slots__ = ("_budget", "_max_size")

    def __init__(self, max_size: int) -> None:
        self._budget = max_size
        self._max_size = max_size

    def decompress(self, data: bytes) -> bytes:
        if len(data) > self._budget:
            raise DecompressionError(413, f"request body larger than {self._max_size} bytes")
        self._budget -= len(data)
        return data

    def finish(self) -> bytes:
        return b""


class Decompression:
    """Request-body decoding: which Content-Encodings are accepted and the cap
    on a decoded body. `codings` is any subset of ("gzip", "br", "zstd");
    decoding br needs brotli >= 1.2 (older versions cannot bound their output).
    `max_size` bounds the decoded bytes of one body: a zip bomb is refused
    with 413 once the output passes it.
    """

    __slots__ = ("codings", "max_size", "_decoders")

    def __init__(self, codings=("gzip",), *, max_size: int = DEFAULT_MAX_SIZE) -> None:
        if max_size < 0:
            raise ValueError("max_size must be >= 0")
        self.max_size = max_size
        self._decoders = {}
        for coding in codings:
            codec = _encoding_codecs.load(coding)
            if not codec.BOUNDED_DECODING:
                raise ImportError(f"bounded {coding} decoding needs brotli >= 1.2", name="brotli")
            self._decoders[coding] = getattr(codec, _encoding_codecs.DECODER_CLASSES[coding])
        self.codings = tuple(self._decoders)

    def open(self, content_encoding: bytes | str | None) -> Decompressor:
        """A decoder for a body with this Content-Encoding (None: no such
        field). Raises DecompressionError(415) for a coding not enabled, and
        for a list of codings (`gzip, br`), which is not supported."""
        if content_encoding is None:
            return _IdentityDecoder(self.max_size)
        if isinstance(content_encoding, bytes):
            content_encoding = content_encoding.decode("latin-1")
        coding = content_encoding.strip(_OWS).lower()
        if coding in ("", IDENTITY):
            return _IdentityDecoder(self.max_size)
        if coding == "x-gzip":
            coding = "gzip"
        decoder_class = self._decoders.get(coding)
        if decoder_class is None:
            raise unsupported(content_encoding)
        return decoder_class(self.max_size)
