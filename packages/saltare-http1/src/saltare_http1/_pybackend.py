"""The pure-Python backend: the same rules as the C one (RULES.md), in Python."""

import re

from . import _parser
from ._fields import CR, LF, SP, TCHARS, cr_lf_error, parse_fields
from .errors import ErrorCode, ProtocolError
from .events import Request, percent_decode_path
from .limits import Limits

name = "python"

E = ErrorCode
_TCHAR_RUN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]*")
_TARGET_RUN = re.compile(rb"[\x21\x22\x24-\x7e]*")  # VCHAR except '#'
_VERSION = b"HTTP/"
_SCHEME = re.compile(rb"[A-Za-z][A-Za-z0-9+\-.]*:.")
_HOST = re.compile(rb"(?:\[[A-Za-z0-9\-._~!$&'()*+,;=%:]*\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]{0,5})?")
_MAX_INT63 = 2**63 - 1
_OWS = b" \t"


class _Incomplete(Exception):
    """The request line stops before its end: nothing wrong yet."""


def _unexpected(buf: bytearray, i: int, stop: int, inside_line: ErrorCode, otherwise: ErrorCode) -> ErrorCode:
    """Classify an unexpected byte of the request line (RULES.md "CR/LF everywhere")."""
    byte = buf[i]
    if byte == LF:
        return E.BARE_LF
    if byte == CR:
        if i + 1 == stop:
            raise _Incomplete
        return inside_line if buf[i + 1] == LF else E.BARE_CR
    return otherwise


def _request_line(buf: bytearray, start: int, stop: int, max_target: int) -> tuple:
    """Check the request line in buf[start:stop]: (method, target, path, query, minor,
    line_end), line_end being the index after its CRLF. Raises _Incomplete or ProtocolError."""
    method_end = _TCHAR_RUN.match(buf, start, stop).end()
    if method_end == stop:
        raise _Incomplete
    if buf[method_end] != SP:
        raise ProtocolError(_unexpected(buf, method_end, stop, E.BAD_REQUEST_LINE, E.BAD_METHOD))
    if method_end == start:
        raise ProtocolError(E.BAD_METHOD)
    target_start = method_end + 1
    target_end = _TARGET_RUN.match(buf, target_start, min(stop, target_start + max_target + 1)).end()
    if target_end - target_start > max_target:
        raise ProtocolError(E.TARGET_TOO_LONG)
    if target_end == stop:
        raise _Incomplete
    if buf[target_end] != SP:
        raise ProtocolError(_unexpected(buf, target_end, stop, E.BAD_REQUEST_LINE, E.BAD_TARGET))
    if target_end == target_start:
        raise ProtocolError(E.BAD_TARGET)
    method = bytes(buf[start:method_end])
    target = bytes(buf[target_start:target_end])
    path, query = _split_target(method, target)
    v = target_end + 1
    for i in range(v, min(stop, v + 8)):  # "HTTP/" DIGIT "." DIGIT
        k = i - v
        byte = buf[i]
        if k < 5:
            ok = byte == _VERSION[k]
        elif k == 6:
            ok = byte == 0x2E
        else:
            ok = 0x30 <= byte <= 0x39
        if not ok:
            raise ProtocolError(_unexpected(buf, i, stop, E.BAD_VERSION, E.BAD_VERSION))
    if v + 8 >= stop:
        raise _Incomplete
    if buf[v + 8] != CR:
        raise ProtocolError(E.BARE_LF if buf[v + 8] == LF else E.BAD_VERSION)
    if v + 9 == stop:
        raise _Incomplete
    if buf[v + 9] != LF:
        raise ProtocolError(E.BARE_CR)
    major, minor = buf[v + 5] - 0x30, buf[v + 7] - 0x30
    if major != 1:
        raise ProtocolError(E.UNSUPPORTED_VERSION)
    return method, target, path, query, min(minor, 1), v + 10


def _split_target(method: bytes, target: bytes) -> tuple[bytes, bytes]:
    """(path, query) per the request-target's form (RFC 9112 §3.2); raises on a bad form."""
    if target[0] == 0x2F:  # origin-form
        if method == b"CONNECT":
            raise ProtocolError(E.BAD_TARGET)
        path, _, query = target.partition(b"?")
        return path, query
    if target == b"*":
        if method != b"OPTIONS":
            raise ProtocolError(E.BAD_TARGET)
        return target, b""
    if method == b"CONNECT":
        if b"/" in target or b"?" in target:
            raise ProtocolError(E.BAD_TARGET)
        return target, b""
    if not _SCHEME.match(target):
        raise ProtocolError(E.BAD_TARGET)
    # absolute-form as an origin server takes it (RFC 9112 §3.2.2): an http
    # or https URI with a non-empty host and no userinfo (RFC 9110 §4.2).
    scheme, _, rest = target.partition(b":")
    if scheme.lower() not in (b"http", b"https") or not rest.startswith(b"//"):
        raise ProtocolError(E.BAD_TARGET)
    authority_end = len(rest)
    for sep in (b"/", b"?"):
        found = rest.find(sep, 2)
        if found != -1:
            authority_end = min(authority_end, found)
    authority = rest[2:authority_end]
    if not authority or authority[0] == 0x3A or not _HOST.fullmatch(authority):
        raise ProtocolError(E.BAD_TARGET)
    path, _, query = rest[authority_end:].partition(b"?")
    return path, query


def _list_tokens(values: list[bytes]) -> list[bytes]:
    """A comma list over several field lines; empty elements are ignored (RFC 9110 §5.6.1)."""
    return [element.strip(_OWS) for value in values for element in value.split(b",") if element.strip(_OWS)]


def _framing(headers, minor: int, max_body: int | None) -> tuple[int | None, bool]:
    """(content_length, chunked) after the checks of RULES.md, in its order."""
    lengths = [v for n, v in headers if n == b"content-length"]
    codings = [v for n, v in headers if n == b"transfer-encoding"]
    content_length = None
    if lengths:
        if len(lengths) > 1:
            raise ProtocolError(E.DUPLICATE_CONTENT_LENGTH)
        value = lengths[0]
        if not (value.isdigit() and int(value) <= _MAX_INT63):
            raise ProtocolError(E.BAD_CONTENT_LENGTH)
        content_length = int(value)
    if codings:
        if lengths:
            raise ProtocolError(E.CONTENT_LENGTH_WITH_TRANSFER_ENCODING)
        if not minor:
            raise ProtocolError(E.TRANSFER_ENCODING_HTTP10)
        elements = _list_tokens(codings)
        seen_chunked = False
        for element in elements:
            if not all(byte in TCHARS for byte in element):
                raise ProtocolError(E.BAD_TRANSFER_ENCODING)
            if element.lower() == b"chunked":
                if seen_chunked:
                    raise ProtocolError(E.BAD_TRANSFER_ENCODING)
                seen_chunked = True
        if not elements:
            raise ProtocolError(E.BAD_TRANSFER_ENCODING)
        if elements[-1].lower() != b"chunked":
            raise ProtocolError(E.CHUNKED_NOT_FINAL)
        if len(elements) > 1:
            raise ProtocolError(E.UNKNOWN_TRANSFER_CODING)
    if content_length is not None and max_body is not None and content_length > max_body:
        raise ProtocolError(E.BODY_TOO_LARGE)
    return content_length, bool(codings)


# The end of a head or trailer section (RULES.md): with CRLF line ends the
# CR LF CR LF; a section ending in a bare LF ends too, and fails BARE_LF
# when its lines are read.
_SECTION_END = re.compile(rb"\n\r?\n")


def _field_block(buf: bytearray, start: int, end: int) -> bytes:
    """The field lines of the section buf[start:end] as parse_fields takes
    them (each ending in CRLF): without the final empty line, or, when a
    bare LF ends a line, all of it (refused as BARE_LF)."""
    block = bytes(buf[start:end])
    if block == b"\r\n":
        return b""
    if block.endswith(b"\r\n\r\n"):
        return block[:-2]
    return block + b"\r\n"


class HeadParser:
    __slots__ = ("_limits",)

    def __init__(self, limits: Limits) -> None:
        self._limits = limits

    def parse(self, buf: bytearray, last_len: int):
        limits = self._limits
        window = min(len(buf), limits.max_head_bytes)
        start = 0
        while start + 2 <= window and buf.startswith(b"\r\n", start):  # RFC 9112 §2.2: skip empty lines
            start += 2
        found = _SECTION_END.search(buf, max(start, last_len - 3), window)
        if found is None:
            try:
                _request_line(buf, start, window, limits.max_target_bytes)
            except _Incomplete:
                pass
            if len(buf) >= limits.max_head_bytes:
                raise ProtocolError(E.HEAD_TOO_LARGE)
            return None
        head_len = found.end()
        method, target, path, query, minor, line_end = _request_line(buf, start, head_len, limits.max_target_bytes)
        headers = parse_fields(_field_block(buf, line_end, head_len), limits.max_headers)
        return self._request(method, target, path, query, minor, headers), head_len

    def _request(self, method, target, path, query, minor, headers) -> Request:
        hosts = [v for n, v in headers if n == b"host"]
        if len(hosts) > 1:
            raise ProtocolError(E.DUPLICATE_HOST)
        if not hosts and minor:
            raise ProtocolError(E.MISSING_HOST)
        if hosts and not _HOST.fullmatch(hosts[0]):
            raise ProtocolError(E.BAD_HOST)
        content_length, chunked = _framing(headers, minor, self._limits.max_body_bytes)
        connection = {t.lower() for t in _list_tokens([v for n, v in headers if n == b"connection"])}
        if minor:
            keep_alive = b"close" not in connection
            expect_continue = any(n == b"expect" and v.lower() == b"100-continue" for n, v in headers)
            upgrades = [v for n, v in headers if n == b"upgrade"] if b"upgrade" in connection else []
        else:
            keep_alive = b"keep-alive" in connection and b"close" not in connection
            expect_continue = False
            upgrades = []
        raw_path = path or b"/"
        return Request(
            method, target, percent_decode_path(raw_path), raw_path, query, "1.1" if minor else "1.0",
            headers, keep_alive, expect_continue, upgrades[0] if upgrades else None, content_length, chunked,
        )


_HEX = {byte: int(chr(byte), 16) for byte in b"0123456789abcdefABCDEF"}
# Chunked decoder states (RULES.md "Chunked bodies").
SIZE_START, SIZE, EXT, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILERS = range(8)


class ChunkedDecoder:
    __slots__ = ("_limits", "_state", "_size", "_digits", "_ext_len", "_ext_opened", "_total", "_last_len")

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self.reset()

    def reset(self) -> None:
        """Ready for the next chunked body (one decoder serves a whole connection)."""
        self._state = SIZE_START
        self._size = 0  # the chunk size being read, then the data left in the chunk
        self._digits = 0  # hex digits on the current size line
        self._ext_len = 0
        self._ext_opened = False  # a ';' was seen on this size line
        self._total = 0
        self._last_len = 0  # bytes of an incomplete trailer section already scanned

    def decode(self, buf: bytearray) -> tuple[bytes, int, tuple | None]:
        out = []
        i, end = 0, len(buf)
        while i < end and self._state != TRAILERS:
            if self._state == DATA:
                take = min(self._size, end - i)
                out.append(bytes(buf[i : i + take]))
                i += take
                self._size -= take
                if not self._size:
                    self._state = DATA_CR
            else:
                self._step(buf[i])
                i += 1
        data = b"".join(out)
        if self._state != TRAILERS:
            return data, i, None
        trailers, length = self._trailers(buf, i)
        if trailers is None:
            return data, i, None
        return data, i + length, trailers

    def _step(self, byte: int) -> None:
        """Advance the framing state machine over one byte outside chunk data."""
        state = self._state
        if state == SIZE_START or state == SIZE:
            if byte in _HEX:
                if state == SIZE_START:
                    self._digits = 0
                self._digits += 1
                self._size = self._size * 16 + _HEX[byte]
                # 16 hex digits hold 2^63-1; more are leading zeros that could
                # make one size line endless.
                if self._size > _MAX_INT63 or self._digits > 16:
                    raise ProtocolError(E.CHUNK_SIZE_OVERFLOW)
                self._state = SIZE
            elif state == SIZE_START:
                raise ProtocolError(E.BAD_CHUNK_SIZE)
            elif byte == CR:
                self._state = SIZE_LF
            elif byte in b"; \t":
                self._ext_len = 0
                self._ext_opened = False
                self._state = EXT
                self._step_extension(byte)
            else:
                raise ProtocolError(cr_lf_error(byte) or E.BAD_CHUNK_SIZE)
        elif state == EXT:
            if byte == CR:
                if not self._ext_opened:
                    raise ProtocolError(E.BAD_CHUNK_EXTENSION)
                self._state = SIZE_LF
            else:
                self._step_extension(byte)
        elif state == SIZE_LF:
            if byte != LF:
                raise ProtocolError(E.BARE_CR)
            self._end_size_line()
        elif state == DATA_CR:
            if byte != CR:
                raise ProtocolError(E.BAD_CHUNK_END)
            self._state = DATA_LF
        else:  # DATA_LF
            if byte != LF:
                raise ProtocolError(E.BAD_CHUNK_END)
            self._state = SIZE_START

    def _step_extension(self, byte: int) -> None:
        if byte == LF:
            raise ProtocolError(E.BARE_LF)
        self._ext_len += 1
        if self._ext_len > self._limits.max_chunk_ext_bytes:
            raise ProtocolError(E.CHUNK_EXTENSION_TOO_LONG)
        if not (byte == 9 or 0x20 <= byte <= 0x7E or byte >= 0x80):
            raise ProtocolError(E.BAD_CHUNK_EXTENSION)
        if not self._ext_opened:
            if byte == 0x3B:  # ';'
                self._ext_opened = True
            elif byte not in (SP, 9):
                raise ProtocolError(E.BAD_CHUNK_EXTENSION)

    def _end_size_line(self) -> None:
        if not self._size:
            self._state = TRAILERS
            return
        self._total += self._size
        max_body = self._limits.max_body_bytes
        if max_body is not None and self._total > max_body:
            raise ProtocolError(E.BODY_TOO_LARGE)
        self._state = DATA

    def _trailers(self, buf: bytearray, start: int) -> tuple[tuple | None, int]:
        """(trailer fields, section length), or (None, 0) while incomplete."""
        limits = self._limits
        if buf.startswith(b"\r\n", start) and limits.max_trailer_bytes >= 2:
            return (), 2
        if buf.startswith(b"\n", start) and limits.max_trailer_bytes >= 1:  # an empty section ended by a bare LF
            raise ProtocolError(E.BARE_LF)
        window = min(len(buf), start + limits.max_trailer_bytes)
        found = _SECTION_END.search(buf, max(start, start + self._last_len - 3), window)
        if found is None:
            if len(buf) - start >= limits.max_trailer_bytes:
                raise ProtocolError(E.TRAILERS_TOO_LARGE)
            self._last_len = len(buf) - start
            return None, 0
        end = found.end()
        return tuple(parse_fields(_field_block(buf, start, end), limits.max_headers)), end - start


class RequestParser(_parser.RequestParser):
    __doc__ = _parser.RequestParser.__doc__
    __slots__ = ()
    _HeadParser = HeadParser
    _ChunkedDecoder = ChunkedDecoder
