"""The pure-Python backend: the same frame parser, masking and UTF-8
validation as _c/, rule for rule (tests/test_differential.py holds them equal)."""

import codecs

from . import _connection
from .errors import ErrorCode, close_code_valid

name = "python"

F_FIN = 0x100
F_COMPRESSED = 0x200
_OPCODES = frozenset((0, 1, 2, 8, 9, 10))
_utf8_decoder = codecs.getincrementaldecoder("utf-8")


def apply_mask(data, key: bytes) -> bytes:
    """data XOR the 4-byte key repeated (masking and unmasking are the same)."""
    n = len(data)
    if not n:
        return b""
    mask = int.from_bytes((bytes(key) * (n // 4 + 1))[:n], "big")
    return (int.from_bytes(data, "big") ^ mask).to_bytes(n, "big")


def mask_in_place(buf: bytearray, key: bytes) -> None:
    """buf ^= the 4-byte key repeated."""
    buf[:] = apply_mask(buf, key)


class Utf8Validator:
    """Validates a text message piece by piece; `feed` is False once it cannot be UTF-8."""

    __slots__ = ("_decoder", "_failed")

    def __init__(self) -> None:
        self._decoder = _utf8_decoder()
        self._failed = False

    def feed(self, data) -> bool:
        if not self._failed:
            try:
                self._decoder.decode(data)
            except UnicodeDecodeError:
                self._failed = True
        return not self._failed

    @property
    def complete(self) -> bool:
        """True when everything fed so far is valid and ends on a character boundary."""
        return not self._failed and not self._decoder.getstate()[0]


def _check_start(parser: "FrameParser", b0: int, b1: int) -> int:
    opcode = b0 & 0x0F
    if opcode not in _OPCODES:
        return ErrorCode.RESERVED_OPCODE
    if b0 & 0x30:
        return ErrorCode.RESERVED_BITS
    if b0 & 0x40 and (not parser.allow_rsv1 or opcode == 0 or opcode >= 8):
        return ErrorCode.RESERVED_BITS
    if opcode >= 8:
        if not b0 & 0x80:
            return ErrorCode.FRAGMENTED_CONTROL
        if b1 & 0x7F > 125:
            return ErrorCode.CONTROL_TOO_LONG
    elif opcode == 0:
        if not parser.message_opcode:
            return ErrorCode.UNEXPECTED_CONTINUATION
    elif parser.message_opcode:
        return ErrorCode.EXPECTED_CONTINUATION
    if parser.require_mask and not b1 & 0x80:
        return ErrorCode.UNMASKED
    return 0


def _check_close(payload: bytes) -> int:
    if not payload:
        return 0
    if len(payload) == 1:
        return ErrorCode.BAD_CLOSE_PAYLOAD
    if not close_code_valid(int.from_bytes(payload[:2], "big")):
        return ErrorCode.BAD_CLOSE_CODE
    try:
        payload[2:].decode("utf-8")
    except UnicodeDecodeError:
        return ErrorCode.INVALID_UTF8
    return 0


class FrameParser:
    """Buffers received bytes and parses the complete frames; see saltare_ws_parse in _c/ws.h."""

    __slots__ = ("max_message_size", "require_mask", "allow_rsv1", "message_opcode",
                 "message_compressed", "message_len", "utf8", "error", "view", "_start")

    def __init__(self, max_message_size: int, require_mask: bool = True, allow_rsv1: bool = False) -> None:
        self.max_message_size = max_message_size
        self.require_mask = require_mask
        self.allow_rsv1 = allow_rsv1
        self.message_opcode = 0
        self.message_compressed = False
        self.message_len = 0
        self.utf8 = None
        self.error = 0
        self.view = bytearray()
        self._start = 0

    def trim(self) -> None:
        """The frames handed out are no longer needed: drop their bytes."""
        if self._start:
            if self._start == len(self.view):
                self.view = bytearray()  # a fresh one: a big message does not pin its buffer
            else:
                del self.view[: self._start]
            self._start = 0

    def release(self) -> None:
        self.view = bytearray()
        self._start = 0

    def feed(self, data) -> list[int]:
        """[offset, length, info] * the complete frames now buffered; offsets into
        `view`, valid until trim(). Payloads are already unmasked."""
        if not data:
            return []  # every complete frame was handed out already
        if self._start:
            self.trim()
        buf = self.view
        buf += data
        frames, self._start = self._parse(buf)
        return frames

    def _parse(self, buf: bytearray) -> tuple[list[int], int]:
        frames: list[int] = []
        pos = 0
        end = len(buf)
        while not self.error and end - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1]
            error = _check_start(self, b0, b1)
            if error:
                self.error = error
                break
            avail = end - pos
            header = 2
            length = b1 & 0x7F
            if length == 126:
                if avail < 4:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 4], "big")
                header = 4
                error = ErrorCode.NON_MINIMAL_LENGTH if length < 126 else 0
            elif length == 127:
                if avail < 10:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                header = 10
                if length >> 63:
                    error = ErrorCode.LENGTH_OVERFLOW
                elif length <= 0xFFFF:
                    error = ErrorCode.NON_MINIMAL_LENGTH
            opcode = b0 & 0x0F
            if not error and opcode < 8 and length > self.max_message_size - self.message_len:
                error = ErrorCode.MESSAGE_TOO_BIG
            if error:
                self.error = error
                break
            key_at = pos + header
            if b1 & 0x80:
                header += 4
            if avail < header + length:
                break
            start = pos + header
            if b1 & 0x80 and length:
                buf[start : start + length] = apply_mask(buf[start : start + length], buf[key_at : key_at + 4])
            fin = b0 & 0x80
            info = opcode | (F_FIN if fin else 0)
            if opcode >= 8:
                if opcode == 8:
                    error = _check_close(bytes(buf[start : start + length]))
            else:
                if opcode:
                    self.message_opcode = opcode
                    self.message_compressed = bool(b0 & 0x40)
                    self.message_len = 0
                    self.utf8 = Utf8Validator() if opcode == 1 and not self.message_compressed else None
                if self.message_compressed:
                    info |= F_COMPRESSED
                elif self.utf8 is not None:
                    if not self.utf8.feed(buf[start : start + length]) or (fin and not self.utf8.complete):
                        error = ErrorCode.INVALID_UTF8
                self.message_len += length
                if fin:
                    self.message_opcode = 0
                    self.message_compressed = False
                    self.message_len = 0
                    self.utf8 = None
            if error:
                self.error = error
                break
            frames += (start, length, info)
            pos = start + length
        return frames, pos


class ServerConnection(_connection.ServerConnection):
    __doc__ = _connection.ServerConnection.__doc__
    __slots__ = ()
    _FrameParser = FrameParser
    _Utf8Validator = Utf8Validator
