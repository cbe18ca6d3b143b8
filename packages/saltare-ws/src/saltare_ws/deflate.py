"""permessage-deflate (RFC 7692): negotiation, and the per-connection codec.

zlib is imported only when an offer is accepted: a server that never
negotiates compression never loads it.
"""

from typing import NamedTuple

from .config import DeflateConfig
from .errors import ErrorCode, FrameError

_TAIL = b"\x00\x00\xff\xff"  # removed by the sender after each message (RFC 7692 §7.2.1)
_STEP = 64 * 1024  # inflate output per zlib call: the overshoot past the cap is at most this


class DeflateParams(NamedTuple):
    """What was agreed for one connection."""

    server_no_context_takeover: bool
    client_no_context_takeover: bool
    server_max_window_bits: int  # our compressor's window
    client_max_window_bits: int  # the largest window the client may use
    level: int
    mem_level: int


def _window_bits(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 2 or not 8 <= int(value) <= 15:
        return None
    return int(value)


def _accept_offer(params: list[tuple[str, str | None]], config: DeflateConfig):
    """(response value, DeflateParams) if this offer is acceptable, else None."""
    server_nct = config.server_no_context_takeover
    client_nct = config.client_no_context_takeover
    server_bits = config.server_max_window_bits
    client_bits = 15
    client_bits_offered = False
    seen = set()
    for key, value in params:
        if key in seen:
            return None  # RFC 7692 §7: a parameter twice makes the offer invalid
        seen.add(key)
        if key in ("server_no_context_takeover", "client_no_context_takeover"):
            if value is not None:
                return None
            if key == "server_no_context_takeover":
                server_nct = True
            else:
                client_nct = True
        elif key == "server_max_window_bits":
            bits = _window_bits(value)
            # zlib cannot compress raw deflate with a 256-byte window: decline
            # this offer and let the client's next one (if any) be tried.
            if bits is None or bits == 8:
                return None
            server_bits = min(server_bits, bits)
        elif key == "client_max_window_bits":
            client_bits_offered = True
            if value is not None:
                bits = _window_bits(value)
                if bits is None:
                    return None
                client_bits = bits
        else:
            return None
    response = ["permessage-deflate"]
    if server_nct:
        response.append("server_no_context_takeover")
    if client_nct:
        response.append("client_no_context_takeover")
    if server_bits < 15 or "server_max_window_bits" in seen:
        response.append(f"server_max_window_bits={server_bits}")
    if client_bits_offered and config.client_max_window_bits is not None:
        client_bits = min(client_bits, config.client_max_window_bits)
        response.append(f"client_max_window_bits={client_bits}")
    agreed = DeflateParams(server_nct, client_nct, server_bits, client_bits, config.level, config.mem_level)
    return "; ".join(response).encode(), agreed


def negotiate(offers: list[tuple[str, list]], config: DeflateConfig):
    """(Sec-WebSocket-Extensions value, DeflateParams) for the first acceptable
    permessage-deflate offer, or None: the client's order is its preference."""
    for name, params in offers:
        if name == "permessage-deflate":
            accepted = _accept_offer(params, config)
            if accepted is not None:
                return accepted
    return None


class PerMessageDeflate:
    """One connection's compressor and decompressor. Each is created when
    first needed and dropped after every message when its side has no
    context takeover, and both are dropped by `close()`."""

    __slots__ = ("params", "_zlib", "_compressor", "_decompressor")

    def __init__(self, params: DeflateParams) -> None:
        import zlib  # here, not at the top: only compressing connections load it

        self.params = params
        self._zlib = zlib
        self._compressor = None
        self._decompressor = None

    def compress(self, data) -> bytes:
        params = self.params
        compressor = self._compressor
        if compressor is None:
            zlib = self._zlib
            compressor = zlib.compressobj(params.level, zlib.DEFLATED, -params.server_max_window_bits, params.mem_level)
        out = compressor.compress(data) + compressor.flush(self._zlib.Z_SYNC_FLUSH)
        self._compressor = None if params.server_no_context_takeover else compressor
        return out[:-4] if out.endswith(_TAIL) else out

    def inflate(self, payload, final: bool, limit: int) -> bytes:
        """The inflated bytes of one frame of a message, at most `limit` of
        them: FrameError MESSAGE_TOO_BIG past it, having held no more than
        `limit` + one step of output (zip bombs stop there)."""
        decompressor = self._decompressor
        if decompressor is None:
            # A window at least 9: zlib turns a requested 8 into 9 when compressing.
            bits = max(self.params.client_max_window_bits, 9)
            decompressor = self._decompressor = self._zlib.decompressobj(-bits)
        chunks = []
        total = 0
        pending = [payload, _TAIL] if final else [payload]
        try:
            for data in pending:
                while data and not decompressor.eof:
                    chunk = decompressor.decompress(data, min(_STEP, limit - total + 1))
                    total += len(chunk)
                    if total > limit:
                        raise FrameError(ErrorCode.MESSAGE_TOO_BIG)
                    chunks.append(chunk)
                    data = decompressor.unconsumed_tail
        except self._zlib.error:
            raise FrameError(ErrorCode.BAD_DEFLATE_DATA) from None
        if decompressor.unused_data:
            raise FrameError(ErrorCode.BAD_DEFLATE_DATA)  # bytes after a final deflate block
        if final and (self.params.client_no_context_takeover or decompressor.eof):
            self._decompressor = None
        return b"".join(chunks)  # no copy for the usual single chunk

    def close(self) -> None:
        self._compressor = None
        self._decompressor = None
