"""The server side of an open WebSocket connection (after the 101): bytes in,
events out, bytes to send returned. The backend supplies the frame parser."""

import struct
from enum import Enum

from .config import DEFAULT_CONFIG, Config
from .deflate import DeflateParams, PerMessageDeflate
from .errors import ErrorCode, FrameError, InvalidState, close_code_valid
from .events import BytesMessage, CloseConnection, ConnectionFailed, Ping, Pong, TextMessage

_new = tuple.__new__  # events are NamedTuples: skip their keyword-handling __new__
# Frame record info bits (as in _c/ws.h): opcode in bits 0-7.
_F_FIN = 0x100
_F_COMPRESSED = 0x200
_LENGTH_16 = struct.Struct("!BBH")
_LENGTH_64 = struct.Struct("!BBQ")
_CLOSE_CODE = struct.Struct("!H")


class State(Enum):
    OPEN = "open"
    CLOSING = "closing"  # we sent a close frame; the peer's is still to come
    CLOSED = "closed"  # nothing more is sent or received


_S = State
# The state machine as data: (state, what happened) -> next state. A missing
# pair is not allowed from that state.
TRANSITIONS = {
    (_S.OPEN, "send_close"): _S.CLOSING,
    (_S.OPEN, "receive_close"): _S.CLOSED,  # the echo is queued at once
    (_S.CLOSING, "receive_close"): _S.CLOSED,
    (_S.OPEN, "fail"): _S.CLOSED,
    (_S.CLOSING, "fail"): _S.CLOSED,
    (_S.OPEN, "end_of_stream"): _S.CLOSED,
    (_S.CLOSING, "end_of_stream"): _S.CLOSED,
}
del _S


def frame(opcode_byte: int, payload) -> bytes:
    """An unmasked (server-to-client) frame; opcode_byte carries FIN and RSV1."""
    n = len(payload)
    if n < 126:
        return bytes((opcode_byte, n)) + payload
    if n < 65536:
        return _LENGTH_16.pack(opcode_byte, 126, n) + payload
    return _LENGTH_64.pack(opcode_byte, 127, n) + payload


def close_payload(code: int | None, reason: str) -> bytes:
    if code is None:
        return b""
    return _CLOSE_CODE.pack(code) + reason.encode()


class ServerConnection:
    """A server's side of one WebSocket connection, after the handshake.

        conn = ServerConnection(config, deflate=acceptance.deflate)
        for event in conn.receive_data(data):  # receive_data(None) at EOF
            ...
        transport.write(conn.data_to_send())   # pongs, close echo, failure close
        transport.write(conn.send("hello"))    # str: text, bytes: binary
    """

    __slots__ = ("config", "state", "_parser", "_out", "_deflate",
                 "_message_opcode", "_fragments", "_inflated", "_utf8")
    _FrameParser: type  # set by each backend
    _Utf8Validator: type

    def __init__(self, config: Config = DEFAULT_CONFIG, deflate: DeflateParams | None = None) -> None:
        self.config = config
        self.state = State.OPEN
        self._parser = self._FrameParser(config.max_message_size, True, deflate is not None)
        self._out = bytearray()
        self._deflate = None if deflate is None else PerMessageDeflate(deflate)
        self._message_opcode = 0
        self._fragments = None  # the payload so far of a fragmented message
        self._inflated = 0  # inflated bytes so far of a compressed message
        self._utf8 = None  # incremental check of a compressed text message

    def _move(self, what: str) -> None:
        self.state = TRANSITIONS[self.state, what]
        if self.state is State.CLOSED:
            self._parser.release()
            self._fragments = None
            if self._deflate is not None:
                self._deflate.close()  # the zlib memory goes with the connection

    # -- receiving ---------------------------------------------------------

    def receive_data(self, data) -> list:
        """Events for the bytes received; None means the peer closed the transport."""
        if self.state is State.CLOSED:
            return []
        if data is None:
            self._move("end_of_stream")
            return [_new(CloseConnection, (1006, ""))]
        parser = self._parser
        frames = parser.feed(data)
        events = []
        if frames:
            try:
                self._handle(frames, parser.view, events)
            except FrameError as error:
                self._fail(error.code, events)
                return events
        if self.state is not State.CLOSED:
            parser.trim()
            if parser.error:
                self._fail(ErrorCode(parser.error), events)
        return events

    def _handle(self, frames: list[int], view, events: list) -> None:
        it = iter(frames)
        for offset, length, info in zip(it, it, it):
            opcode = info & 0xFF
            if info == 0x101:  # the common cases: a whole text or binary message, uncompressed
                events.append(_new(TextMessage, (str(view[offset : offset + length], "utf-8"),)))
            elif info == 0x102:
                events.append(_new(BytesMessage, (bytes(view[offset : offset + length]),)))
            elif opcode < 8:
                self._data_frame(opcode, info, view[offset : offset + length], events)
            elif opcode == 9:
                payload = bytes(view[offset : offset + length])
                if self.config.auto_pong and self.state is State.OPEN:
                    self._out += frame(0x8A, payload)
                events.append(_new(Ping, (payload,)))
            elif opcode == 10:
                events.append(_new(Pong, (bytes(view[offset : offset + length]),)))
            else:
                self._receive_close(bytes(view[offset : offset + length]), events)
                return  # nothing after a close frame is read

    def _data_frame(self, opcode: int, info: int, payload, events: list) -> None:
        final = info & _F_FIN
        if opcode:
            self._message_opcode = opcode
            self._inflated = 0
            self._fragments = None if final else bytearray()
            if info & _F_COMPRESSED and opcode == 1:
                self._utf8 = self._Utf8Validator()
        if info & _F_COMPRESSED:
            limit = self.config.max_message_size - self._inflated
            payload = self._deflate.inflate(payload, bool(final), limit)
            self._inflated += len(payload)
            utf8 = self._utf8
            if utf8 is not None and (not utf8.feed(payload) or (final and not utf8.complete)):
                raise FrameError(ErrorCode.INVALID_UTF8)
        if self._fragments is not None:
            self._fragments += payload
            if not final:
                return
            payload = self._fragments
            self._fragments = None
        self._utf8 = None
        if self._message_opcode == 1:
            events.append(_new(TextMessage, (str(payload, "utf-8"),)))
        else:
            events.append(_new(BytesMessage, (bytes(payload),)))

    def _receive_close(self, payload: bytes, events: list) -> None:
        # The parser checked the payload: empty, or a valid code + UTF-8 reason.
        code = _CLOSE_CODE.unpack_from(payload)[0] if payload else None
        reason = payload[2:].decode()
        if self.state is State.OPEN:
            self._out += frame(0x88, close_payload(code, ""))  # echo the code (RFC 6455 §5.5.1)
        self._move("receive_close")
        events.append(_new(CloseConnection, (1005 if code is None else code, reason)))

    def _fail(self, code: ErrorCode, events: list) -> None:
        if self.state is State.OPEN:
            self._out += frame(0x88, close_payload(code.close_code, code.reason))
        self._move("fail")
        events.append(_new(ConnectionFailed, (code.close_code, code.reason)))

    def data_to_send(self) -> bytes:
        """Bytes the connection queued by itself (pongs, close frames); empties the queue."""
        out = bytes(self._out)
        self._out.clear()
        return out

    # -- sending -----------------------------------------------------------

    def _check_open(self) -> None:
        if self.state is not State.OPEN:
            raise InvalidState(f"cannot send: the connection is {self.state.value}")

    def send(self, data: str | bytes) -> bytes:
        """One message as one frame: str as text, bytes-like as binary."""
        self._check_open()
        if isinstance(data, str):
            opcode_byte, payload = 0x81, data.encode()
        else:
            opcode_byte, payload = 0x82, data
        if self._deflate is not None:
            return frame(opcode_byte | 0x40, self._deflate.compress(payload))
        return frame(opcode_byte, payload)

    def ping(self, payload: bytes = b"") -> bytes:
        self._check_open()
        if len(payload) > 125:
            raise ValueError("a ping payload is at most 125 bytes")
        return frame(0x89, payload)

    def pong(self, payload: bytes = b"") -> bytes:
        """An unsolicited pong (a heartbeat that expects no answer), or a
        manual answer to a ping when auto_pong is off."""
        self._check_open()
        if len(payload) > 125:
            raise ValueError("a pong payload is at most 125 bytes")
        return frame(0x8A, payload)

    def close(self, code: int | None = 1000, reason: str = "") -> bytes:
        """Start the closing handshake; the peer's close frame arrives as
        CloseConnection. code None sends a close frame without a code."""
        self._check_open()
        if code is None:
            if reason:
                raise ValueError("a close reason needs a code")
        elif not close_code_valid(code):
            raise ValueError(f"close code {code} may not be sent")
        payload = close_payload(code, reason)
        if len(payload) > 125:
            raise ValueError("a close reason is at most 123 bytes of UTF-8")
        self._move("send_close")
        return frame(0x88, payload)
