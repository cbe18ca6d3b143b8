"""The C backend: thin wrappers over _native (one C call per batch of frames)."""

from . import _connection
from ._native import ffi, lib

name = "c"

F_FIN = lib.SALTARE_WS_F_FIN
F_COMPRESSED = lib.SALTARE_WS_F_COMPRESSED
_BATCH = 64  # frame records per C call; a longer run of frames takes more calls
_REQUIRE_MASK = lib.SALTARE_WS_O_REQUIRE_MASK
_ALLOW_RSV1 = lib.SALTARE_WS_O_ALLOW_RSV1
_new_uncleared = ffi.new_allocator(should_clear_after_alloc=False)
_MIN_BYTES = 4096
_KEEP_BYTES = 65536  # a larger buffer is freed once empty: one big message does not pin it


def apply_mask(data, key: bytes) -> bytes:
    """data XOR the 4-byte key repeated (masking and unmasking are the same)."""
    if len(key) != 4:
        raise ValueError("a mask key is 4 bytes")
    n = len(data)
    if not n:
        return b""
    out = _new_uncleared("uint8_t[]", n)  # every byte is written by the mask
    lib.saltare_ws_mask(out, ffi.from_buffer(data), n, key, 0)
    return ffi.buffer(out, n)[:]


def mask_in_place(buf: bytearray, key: bytes) -> None:
    """buf ^= the 4-byte key repeated, without a copy (the receive path's unmasking)."""
    if len(key) != 4:
        raise ValueError("a mask key is 4 bytes")
    with ffi.from_buffer(buf, require_writable=True) as cbuf:
        lib.saltare_ws_mask(cbuf, cbuf, len(buf), key, 0)


class Utf8Validator:
    """Validates a text message piece by piece; `feed` is False once it cannot be UTF-8."""

    __slots__ = ("_state", "_failed")

    def __init__(self) -> None:
        self._state = ffi.new("uint32_t *")
        self._failed = False

    def feed(self, data) -> bool:
        if not self._failed and lib.saltare_ws_utf8_validate(self._state, ffi.from_buffer(data), len(data)) < 0:
            self._failed = True
        return not self._failed

    @property
    def complete(self) -> bool:
        """True when everything fed so far is valid and ends on a character boundary."""
        return not self._failed and not self._state[0]


class FrameParser:
    """Buffers received bytes in C memory and parses the complete frames;
    see saltare_ws_parse in _c/ws.h."""

    __slots__ = ("_parser", "_frames", "_words", "_pos", "_buf", "_cap", "_used", "_start", "view")

    def __init__(self, max_message_size: int, require_mask: bool = True, allow_rsv1: bool = False) -> None:
        parser = ffi.new("saltare_ws_parser_t *")
        parser.max_message_size = max_message_size
        parser.options = (_REQUIRE_MASK if require_mask else 0) | (_ALLOW_RSV1 if allow_rsv1 else 0)
        self._parser = parser
        self._frames = ffi.new("saltare_ws_frame_t[]", _BATCH)
        self._words = memoryview(ffi.buffer(self._frames)).cast("Q")
        self._pos = ffi.new("size_t *")
        self._buf = None
        self._cap = self._used = self._start = 0
        self.view = memoryview(b"")

    @property
    def error(self) -> int:
        return self._parser.error

    def trim(self) -> None:
        """The frames handed out are no longer needed: drop their bytes, and
        free a large buffer once it is empty (one big message does not pin it)."""
        keep = self._used - self._start
        if not keep and self._cap > _KEEP_BYTES:
            self.release()
        elif self._start:
            if keep:
                ffi.memmove(self._buf, self._buf + self._start, keep)
            self._used, self._start = keep, 0

    def _grow(self, n: int) -> None:
        # Sized for the incomplete frame once its header is in: a large
        # message arriving in many reads is allocated once, not doubled.
        cap = max(self._used + n, self._parser.frame_size, _MIN_BYTES)
        buf = _new_uncleared("uint8_t[]", cap)
        if self._used:
            ffi.memmove(buf, self._buf, self._used)
        self._buf, self._cap = buf, cap
        self.view = memoryview(ffi.buffer(buf, cap))

    def feed(self, data) -> list[int]:
        """[offset, length, info] * the complete frames now buffered; offsets into
        `view`, valid until trim(). Payloads are already unmasked."""
        n = len(data)
        if not n:
            return []  # every complete frame was handed out already
        if self._start:
            self.trim()
        used = self._used
        if used + n > self._cap:
            self._grow(n)
        if type(data) is not bytes:  # cffi passes bytes as a pointer; other buffers need wrapping
            data = ffi.from_buffer(data)
        cpos = self._pos
        cpos[0] = 0
        count = lib.saltare_ws_feed(self._parser, self._buf, self._cap, used, data, n, self._frames, _BATCH, cpos)
        used = self._used = used + n
        frames = self._words[: 3 * count].tolist()
        while count == _BATCH:
            count = lib.saltare_ws_parse(self._parser, self._buf, used, self._frames, _BATCH, cpos)
            frames += self._words[: 3 * count].tolist()
        self._start = cpos[0]
        return frames

    def release(self) -> None:
        """Free the buffer (the connection is closed)."""
        self._buf = None
        self._cap = self._used = self._start = 0
        self.view = memoryview(b"")


class ServerConnection(_connection.ServerConnection):
    __doc__ = _connection.ServerConnection.__doc__
    __slots__ = ()
    _FrameParser = FrameParser
    _Utf8Validator = Utf8Validator
