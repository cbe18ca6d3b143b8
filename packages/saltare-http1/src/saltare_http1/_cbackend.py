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
# From saltare_http1_py_parser_t, in one call: head.head_len, head.flags,
# head.http_minor, head.content_length, packed_len (the rest skipped as padding).
_RESULTS = struct.Struct("=I36xII8xQq")
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


def _field_tuple(block: bytes, words: list[int]) -> tuple[tuple[bytes, bytes], ...]:
    it = iter(words)
    return tuple((block[n : n + nl], block[v : v + vl]) for n, nl, v, vl in zip(it, it, it, it))


class HeadParser:
    __slots__ = ("_parser", "_results", "_headers", "_packed", "_packed_bytes")

    def __init__(self, limits: Limits) -> None:
        self._parser = ffi.new("saltare_http1_py_parser_t *")
        self._parser.limits = c_limits(limits)[0]
        self._headers = ffi.new("saltare_http1_header_t[]", max(limits.max_headers, 1))
        self._parser.headers = self._headers
        self._results = ffi.buffer(self._parser)
        self._set_packed_capacity(512)  # grows to the largest head seen

    def _set_packed_capacity(self, capacity: int) -> None:
        self._packed = ffi.new("char[]", capacity)
        self._packed_bytes = ffi.buffer(self._packed)
        self._parser.packed = self._packed
        self._parser.packed_cap = capacity

    def parse(self, buf: bytearray, last_len: int):
        # The from_buffer temporary is released when the call returns, so buf
        # can be resized afterwards (cffi keeps a buffer export while it lives).
        n = lib.saltare_http1_py_parse(self._parser, ffi.from_buffer(buf), len(buf), last_len)
        if n < 0:
            if n == INCOMPLETE:
                return None
            raise ProtocolError(ErrorCode(self._parser.head.error))
        head_len, flags, minor, content_length, packed_len = _RESULTS.unpack_from(self._results)
        if packed_len < 0:
            self._set_packed_capacity(-packed_len)
            packed_len = lib.saltare_http1_pack_head(
                ffi.from_buffer(buf), ffi.addressof(self._parser, "head"), self._headers, self._packed, -packed_len
            )
        # method, target, path, query, then name/value pairs: all made by one split.
        method, target, raw_path, query, *fields = self._packed_bytes[:packed_len].split(b"\0")
        pairs = iter(fields)
        headers = list(zip(pairs, pairs))
        raw_path = raw_path or b"/"
        request = _new_request(Request, (
            method,
            target,
            percent_decode_path(raw_path),
            raw_path,
            query,
            "1.1" if minor else "1.0",
            headers,
            flags & F_KEEP_ALIVE != 0,
            flags & F_EXPECT_CONTINUE != 0,
            _upgrade(headers) if flags & F_UPGRADE else None,
            content_length if flags & F_CONTENT_LENGTH else None,
            flags & F_CHUNKED != 0,
        ))  # fmt: skip
        return request, head_len


def _upgrade(headers: list) -> bytes:
    return next(value for name, value in headers if name == b"upgrade")


class ChunkedDecoder:
    __slots__ = ("_limits", "_max_headers", "_state", "_sizes", "_in_trailers", "_last_len",
                 "_trailers", "_trailer_words", "_trailer_result")

    def __init__(self, limits: Limits) -> None:
        self._limits = c_limits(limits)
        self._state = ffi.new("saltare_http1_chunked_t *")
        self._sizes = ffi.new("size_t[2]")  # consumed, data_len
        self._trailers = ffi.new("saltare_http1_header_t[]", max(limits.max_headers, 1))
        self._trailer_words = memoryview(ffi.buffer(self._trailers)).cast("I")
        self._trailer_result = ffi.new("uint32_t[2]")  # num_headers, error
        self.reset()

    def reset(self) -> None:
        """Ready for the next chunked body (one decoder serves a whole connection)."""
        lib.saltare_http1_chunked_init(self._state)
        self._in_trailers = False
        self._last_len = 0

    def decode(self, buf: bytearray) -> tuple[bytes, int, tuple | None]:
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
        trailers = _field_tuple(block, self._trailer_words[: 4 * result[0]].tolist())
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
