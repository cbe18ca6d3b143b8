"""Errors carry the answer to send: an HTTP status and a reason, fixed where they are detected."""

from enum import IntEnum


class ErrorCode(IntEnum):
    """Why a request was refused. The numbers are the C backend's
    `saltare_http1_error_t` (api.h): append only."""

    BAD_METHOD = 1
    BAD_TARGET = 2
    TARGET_TOO_LONG = 3
    BAD_VERSION = 4
    UNSUPPORTED_VERSION = 5
    BAD_REQUEST_LINE = 6
    BARE_CR = 7
    BARE_LF = 8
    BAD_HEADER_NAME = 9
    SPACE_BEFORE_COLON = 10
    OBS_FOLD = 11
    BAD_HEADER_VALUE = 12
    HEAD_TOO_LARGE = 13
    TOO_MANY_HEADERS = 14
    MISSING_HOST = 15
    DUPLICATE_HOST = 16
    BAD_HOST = 17
    BAD_CONTENT_LENGTH = 18
    DUPLICATE_CONTENT_LENGTH = 19
    CONTENT_LENGTH_WITH_TRANSFER_ENCODING = 20
    BAD_TRANSFER_ENCODING = 21
    CHUNKED_NOT_FINAL = 22
    UNKNOWN_TRANSFER_CODING = 23
    TRANSFER_ENCODING_HTTP10 = 24
    BODY_TOO_LARGE = 25
    BAD_CHUNK_SIZE = 26
    CHUNK_SIZE_OVERFLOW = 27
    BAD_CHUNK_EXTENSION = 28
    CHUNK_EXTENSION_TOO_LONG = 29
    BAD_CHUNK_END = 30
    TRAILERS_TOO_LARGE = 31
    INCOMPLETE_MESSAGE = 32

    @property
    def status(self) -> int:
        return STATUS_AND_REASON[self][0]

    @property
    def reason(self) -> str:
        return STATUS_AND_REASON[self][1]


E = ErrorCode
# The one table of answers; the C backend's errors.c holds the same rows
# (tests/test_errors.py compares them).
STATUS_AND_REASON = {
    E.BAD_METHOD: (400, "invalid method"),
    E.BAD_TARGET: (400, "invalid request target"),
    E.TARGET_TOO_LONG: (414, "request target too long"),
    E.BAD_VERSION: (400, "invalid HTTP version"),
    E.UNSUPPORTED_VERSION: (505, "HTTP version not supported"),
    E.BAD_REQUEST_LINE: (400, "invalid request line"),
    E.BARE_CR: (400, "bare CR in message"),
    E.BARE_LF: (400, "bare LF in message"),
    E.BAD_HEADER_NAME: (400, "invalid header name"),
    E.SPACE_BEFORE_COLON: (400, "whitespace between header name and colon"),
    E.OBS_FOLD: (400, "obsolete line folding"),
    E.BAD_HEADER_VALUE: (400, "invalid header value"),
    E.HEAD_TOO_LARGE: (431, "request head too large"),
    E.TOO_MANY_HEADERS: (431, "too many header fields"),
    E.MISSING_HOST: (400, "missing Host header"),
    E.DUPLICATE_HOST: (400, "more than one Host header"),
    E.BAD_HOST: (400, "invalid Host header"),
    E.BAD_CONTENT_LENGTH: (400, "invalid Content-Length"),
    E.DUPLICATE_CONTENT_LENGTH: (400, "more than one Content-Length"),
    E.CONTENT_LENGTH_WITH_TRANSFER_ENCODING: (400, "Content-Length and Transfer-Encoding together"),
    E.BAD_TRANSFER_ENCODING: (400, "invalid Transfer-Encoding"),
    E.CHUNKED_NOT_FINAL: (400, "chunked is not the final transfer coding"),
    E.UNKNOWN_TRANSFER_CODING: (501, "unsupported transfer coding"),
    E.TRANSFER_ENCODING_HTTP10: (400, "Transfer-Encoding in an HTTP/1.0 request"),
    E.BODY_TOO_LARGE: (413, "request body too large"),
    E.BAD_CHUNK_SIZE: (400, "invalid chunk size"),
    E.CHUNK_SIZE_OVERFLOW: (400, "chunk size too large"),
    E.BAD_CHUNK_EXTENSION: (400, "invalid chunk extension"),
    E.CHUNK_EXTENSION_TOO_LONG: (400, "chunk extension too long"),
    E.BAD_CHUNK_END: (400, "chunk data not followed by CRLF"),
    E.TRAILERS_TOO_LARGE: (431, "trailer section too large"),
    E.INCOMPLETE_MESSAGE: (400, "connection closed in the middle of a request"),
}
del E


class ProtocolError(Exception):
    """The peer sent something this parser refuses.

    `status` is the response to send (then close the connection), `reason`
    a short explanation, `code` the precise `ErrorCode`. `events` holds the
    complete events parsed from the same `feed()` call before the error
    (pipelined requests that came first), so none is lost.
    """

    def __init__(self, code: ErrorCode, events: list | None = None) -> None:
        super().__init__(f"{code.status} {code.reason}")
        self.code = code
        self.status = code.status
        self.reason = code.reason
        self.events = events if events is not None else []
