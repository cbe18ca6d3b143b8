"""Why a connection failed, and the close code that says so on the wire."""

from enum import IntEnum


class ErrorCode(IntEnum):
    """A frame-level violation. The numbers are the C backend's
    `saltare_ws_error_t` (_c/ws.h): append only."""

    RESERVED_BITS = 1
    RESERVED_OPCODE = 2
    UNMASKED = 3
    FRAGMENTED_CONTROL = 4
    CONTROL_TOO_LONG = 5
    NON_MINIMAL_LENGTH = 6
    LENGTH_OVERFLOW = 7
    UNEXPECTED_CONTINUATION = 8
    EXPECTED_CONTINUATION = 9
    MESSAGE_TOO_BIG = 10
    INVALID_UTF8 = 11
    BAD_CLOSE_PAYLOAD = 12
    BAD_CLOSE_CODE = 13
    BAD_DEFLATE_DATA = 14  # detected in Python only (zlib)

    @property
    def close_code(self) -> int:
        return CLOSE_CODE_AND_REASON[self][0]

    @property
    def reason(self) -> str:
        return CLOSE_CODE_AND_REASON[self][1]


class CloseCode:
    """The close codes this library sends (RFC 6455 §7.4.1)."""

    NORMAL = 1000
    GOING_AWAY = 1001
    PROTOCOL_ERROR = 1002
    UNSUPPORTED_DATA = 1003
    NO_STATUS = 1005  # reported when a close frame had no code; never sent
    ABNORMAL = 1006  # reported when the transport ended without a close; never sent
    INVALID_DATA = 1007
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    MANDATORY_EXTENSION = 1010
    INTERNAL_ERROR = 1011


E = ErrorCode
# The one table of answers (reasons are sent in the close frame: keep them short ASCII).
CLOSE_CODE_AND_REASON = {
    E.RESERVED_BITS: (1002, "reserved bits set"),
    E.RESERVED_OPCODE: (1002, "reserved opcode"),
    E.UNMASKED: (1002, "unmasked client frame"),
    E.FRAGMENTED_CONTROL: (1002, "fragmented control frame"),
    E.CONTROL_TOO_LONG: (1002, "control frame over 125 bytes"),
    E.NON_MINIMAL_LENGTH: (1002, "payload length not minimally encoded"),
    E.LENGTH_OVERFLOW: (1002, "payload length over 2**63"),
    E.UNEXPECTED_CONTINUATION: (1002, "continuation frame without a message"),
    E.EXPECTED_CONTINUATION: (1002, "new message inside a fragmented one"),
    E.MESSAGE_TOO_BIG: (1009, "message too big"),
    E.INVALID_UTF8: (1007, "invalid UTF-8"),
    E.BAD_CLOSE_PAYLOAD: (1002, "close payload of one byte"),
    E.BAD_CLOSE_CODE: (1002, "invalid close code"),
    E.BAD_DEFLATE_DATA: (1007, "invalid deflate data"),
}
del E


def close_code_valid(code: int) -> bool:
    """May a close frame carry `code`? (RFC 6455 §7.4; 1012-1014 from the IANA registry.)"""
    return 3000 <= code <= 4999 or 1000 <= code <= 1003 or 1007 <= code <= 1014


class InvalidState(Exception):
    """The application sent after its side of the connection was closed."""


class FrameError(Exception):
    """Raised inside the connection where Python detects a violation (inflate)."""

    def __init__(self, code: ErrorCode) -> None:
        super().__init__(code.reason)
        self.code = code
