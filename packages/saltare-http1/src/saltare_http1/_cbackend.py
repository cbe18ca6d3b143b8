"""The C backend: thin wrappers over _native (one C call per head, one read of its results)."""

import struct

from . import _parser
from ._native import ffi, lib
from .errors import ErrorCode, ProtocolError
from .events import Request, percent_decode_path
from .limits import Limits

name = "c"

INCOMPLETE = lib.SALTARE_HTTP1_INCOMPLETE
F_KEEP_ALIVE, F_EXPECT_CONTINUE, F_CHUNKED, F_CONTENT_LENGTH, F_UPGRADE = 1, 2, 4, 8, 16
_HEAD = struct.Struct("=14IQ")  # saltare_http1_head_t, read in one call
_UINT64_MAX = 2**64 - 1
_new_request = tuple.__new__  # Request is a NamedTuple: skip its keyword-handling __new__


def c_limits(limits: Limits):
    cdata = ffi.new("saltare_http1_limits_t *")
    cdata.max_head_bytes = limits.max_head_bytes
    cdata.max_target_bytes = limits.max_target_bytes
    cdata.max_headers = limits.max_headers
    cdata.max_chunk_ext_bytes = limits.max_chunk_ext_bytes
    cdata.max_trailer_bytes = limits.max_trailer_bytes
    cdata.max_body_bytes = _UINT64_MAX if limits.max_body_bytes is None else limits.max_body_bytes
    return cdata


def _field_list(block: bytes, words: list[int]) -> list[tuple[bytes, bytes]]:
    it = iter(words)
    return [(block[n : n + nl], block[v : v + vl]) for n, nl, v, vl in zip(it, it, it, it)]


class HeadParser:
    __slots__ = ("_limits", "_head", "_head_bytes", "_headers", "_header_words")

    def __init__(self, limits: Limits) -> None:
        self._limits = c_limits(limits)
        self._head = ffi.new("saltare_http1_head_t *")
        self._head_bytes = ffi.buffer(self._head)
        self._headers = ffi.new("saltare_http1_header_t[]", max(limits.max_headers, 1))
        self._header_words = memoryview(ffi.buffer(self._headers)).cast("I")

    def parse(self, buf: bytearray, last_len: int):
        # The from_buffer temporary is released when the call returns, so buf
        # can be resized afterwards (cffi keeps a buffer export while it lives).
        n = lib.saltare_http1_parse_head(
            ffi.from_buffer(buf), len(buf), last_len, self._limits, self._head, self._headers
        )
        if n < 0:
            if n == INCOMPLETE:
                return None
            raise ProtocolError(ErrorCode(self._head.error))
        (head_len, mo, ml, to, tl, po, pl, qo, ql, nh, flags, minor, _, _, cl) = _HEAD.unpack_from(self._head_bytes)
        head = bytes(buf[:head_len])
        headers = _field_list(head, self._header_words[: 4 * nh].tolist())
        raw_path = head[po : po + pl] or b"/"
        upgrade = None
        if flags & F_UPGRADE:
            upgrade = next(value for name, value in headers if name == b"upgrade")
        request = _new_request(Request, (
            head[mo : mo + ml],
            head[to : to + tl],
            percent_decode_path(raw_path),
            raw_path,
            head[qo : qo + ql],
            "1.1" if minor else "1.0",
            headers,
            bool(flags & F_KEEP_ALIVE),
            bool(flags & F_EXPECT_CONTINUE),
            upgrade,
            cl if flags & F_CONTENT_LENGTH else None,
            bool(flags & F_CHUNKED),
        ))
        return request, head_len


class ChunkedDecoder:
    __slots__ = ("_limits", "_max_headers", "_state", "_sizes", "_in_trailers", "_last_len",
                 "_trailers", "_trailer_words", "_trailer_result")

    def __init__(self, limits: Limits) -> None:
        self._limits = c_limits(limits)
        self._state = ffi.new("saltare_http1_chunked_t *")  # zeroed: the initial state
        self._sizes = ffi.new("size_t[2]")  # consumed, data_len
        self._in_trailers = False
        self._last_len = 0
        self._trailers = ffi.new("saltare_http1_header_t[]", max(limits.max_headers, 1))
        self._trailer_words = memoryview(ffi.buffer(self._trailers)).cast("I")
        self._trailer_result = ffi.new("uint32_t[2]")  # num_headers, error

    def decode(self, buf: bytearray) -> tuple[bytes, int, list | None]:
        data = b""
        consumed = 0
        with ffi.from_buffer(buf) as cbuf:
            if not self._in_trailers:
                sizes = self._sizes
                rc = lib.saltare_http1_decode_chunked(self._state, cbuf, len(buf), self._limits, sizes, sizes + 1)
                if rc < 0:
                    raise ProtocolError(ErrorCode(self._state.error))
                consumed, data_len = sizes[0], sizes[1]
                if data_len:
                    data = ffi.buffer(cbuf, data_len)[:]
                if rc == 0:
                    return data, consumed, None
                self._in_trailers = True
            result = self._trailer_result
            n = lib.saltare_http1_parse_trailers(
                cbuf + consumed, len(buf) - consumed, self._last_len, self._limits, self._trailers, result, result + 1
            )
            if n == INCOMPLETE:
                self._last_len = len(buf) - consumed
                return data, consumed, None
            if n < 0:
                raise ProtocolError(ErrorCode(result[1]))
            block = ffi.buffer(cbuf + consumed, n)[:]
        trailers = _field_list(block, self._trailer_words[: 4 * result[0]].tolist())
        return data, consumed + n, trailers


class RequestParser(_parser.RequestParser):
    __doc__ = _parser.RequestParser.__doc__
    __slots__ = ()
    _HeadParser = HeadParser
    _ChunkedDecoder = ChunkedDecoder


def c_api_address() -> int:
    """Address of the `saltare_http1_api_t` table, for saltare-core (DESIGN.md §2)."""
    return int(ffi.cast("uintptr_t", lib.saltare_http1_api()))


abi_version: int = lib.SALTARE_HTTP1_ABI_VERSION
