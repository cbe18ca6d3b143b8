"""Pure-Python field-line reading (RULES.md "Field lines"), for heads and trailers.

Well-formed lines take one regex match each; a line that fails is scanned
byte by byte to name the first offending byte, so the error matches the C
backend's left-to-right scan.
"""

import re

from .errors import ErrorCode, ProtocolError

TCHARS = frozenset(b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_FIELD_LINE = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*((?:[\x21-\x7e\x80-\xff][\t \x21-\x7e\x80-\xff]*)?)")
_TRAILING_OWS = b" \t"
CR, LF, SP, HTAB, COLON = 13, 10, 32, 9, 58


def is_value_byte(byte: int) -> bool:
    return byte == HTAB or 0x20 <= byte <= 0x7E or byte >= 0x80


def cr_lf_error(byte: int) -> ErrorCode | None:
    """Inside a line (CRLFs already split off) any CR or LF is bare."""
    if byte == LF:
        return ErrorCode.BARE_LF
    if byte == CR:
        return ErrorCode.BARE_CR
    return None


def _diagnose(line: bytes) -> ErrorCode:
    if line[:1] in (b" ", b"\t"):
        return ErrorCode.OBS_FOLD
    colon = None
    for i, byte in enumerate(line):
        if byte == COLON:
            colon = i
            break
        if byte in TCHARS:
            continue
        if byte in (SP, HTAB):
            return ErrorCode.SPACE_BEFORE_COLON
        return cr_lf_error(byte) or ErrorCode.BAD_HEADER_NAME
    if not colon:  # no colon, or an empty name
        return ErrorCode.BAD_HEADER_NAME
    for byte in line[colon + 1 :]:
        if not is_value_byte(byte):
            return cr_lf_error(byte) or ErrorCode.BAD_HEADER_VALUE
    raise AssertionError(f"field line {line!r} is valid")


def parse_fields(block: bytes, max_fields: int) -> list[tuple[bytes, bytes]]:
    """Field lines from `block` (each line ending in CRLF), names lower-cased."""
    fields = []
    lines = block.split(b"\r\n")
    lines.pop()  # the block ends with CRLF
    for count, line in enumerate(lines, 1):
        if count > max_fields:
            raise ProtocolError(ErrorCode.TOO_MANY_HEADERS)
        match = _FIELD_LINE.fullmatch(line.rstrip(_TRAILING_OWS))
        if match is None:
            raise ProtocolError(_diagnose(line))
        fields.append((match[1].lower(), match[2]))
    return fields
