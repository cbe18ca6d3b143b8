"""RFC 9113 §7 error codes, and the exceptions that carry them from the point
of detection to the frame that answers (GOAWAY or RST_STREAM)."""

from enum import IntEnum


class ErrorCode(IntEnum):
    NO_ERROR = 0x0
    PROTOCOL_ERROR = 0x1
    INTERNAL_ERROR = 0x2
    FLOW_CONTROL_ERROR = 0x3
    SETTINGS_TIMEOUT = 0x4
    STREAM_CLOSED = 0x5
    FRAME_SIZE_ERROR = 0x6
    REFUSED_STREAM = 0x7
    CANCEL = 0x8
    COMPRESSION_ERROR = 0x9
    CONNECT_ERROR = 0xA
    ENHANCE_YOUR_CALM = 0xB
    INADEQUATE_SECURITY = 0xC
    HTTP_1_1_REQUIRED = 0xD


class ProtocolError(Exception):
    """A connection error: the connection answers GOAWAY(error_code) and closes."""

    def __init__(self, error_code: ErrorCode, reason: str) -> None:
        super().__init__(f"{error_code.name}: {reason}")
        self.error_code = error_code
        self.reason = reason


class StreamError(Exception):
    """A stream error: the stream is reset with RST_STREAM(error_code); the
    connection goes on."""

    def __init__(self, stream_id: int, error_code: ErrorCode, reason: str) -> None:
        super().__init__(f"stream {stream_id}: {error_code.name}: {reason}")
        self.stream_id = stream_id
        self.error_code = error_code
        self.reason = reason


class HPACKError(Exception):
    """A header block that cannot be decoded: a COMPRESSION_ERROR of the connection."""


class StreamClosedError(Exception):
    """The application sent on a stream that is closed for sending (reset by
    the peer, ended already, or never opened): the server drops the send."""
