"""Frame types, flags, settings identifiers (RFC 9113 §6) and the writers of
the frames a server sends."""

import struct

DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)

FLAG_END_STREAM = 0x1
FLAG_ACK = 0x1
FLAG_END_HEADERS = 0x4
FLAG_PADDED = 0x8
FLAG_PRIORITY = 0x20

SETTINGS_HEADER_TABLE_SIZE = 0x1
SETTINGS_ENABLE_PUSH = 0x2
SETTINGS_MAX_CONCURRENT_STREAMS = 0x3
SETTINGS_INITIAL_WINDOW_SIZE = 0x4
SETTINGS_MAX_FRAME_SIZE = 0x5
SETTINGS_MAX_HEADER_LIST_SIZE = 0x6

DEFAULT_WINDOW_SIZE = 65535
DEFAULT_MAX_FRAME_SIZE = 16384
MAX_FRAME_SIZE_LIMIT = (1 << 24) - 1
MAX_WINDOW_SIZE = (1 << 31) - 1

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

_HEADER = struct.Struct(">HBBBL")  # length (high 16 bits, low 8), type, flags, stream id
_UINT32 = struct.Struct(">L")
_UINT32_PAIR = struct.Struct(">LL")
_SETTING = struct.Struct(">HL")


def frame_header(length: int, frame_type: int, flags: int, stream_id: int) -> bytes:
    return _HEADER.pack(length >> 8, length & 0xFF, frame_type, flags, stream_id)


def settings_frame(settings: list[tuple[int, int]]) -> bytes:
    payload = b"".join(_SETTING.pack(identifier, value) for identifier, value in settings)
    return frame_header(len(payload), SETTINGS, 0, 0) + payload


def parse_settings(payload: bytes) -> list[tuple[int, int]]:
    return list(_SETTING.iter_unpack(payload))


SETTINGS_ACK = frame_header(0, SETTINGS, FLAG_ACK, 0)


def ping_frame(opaque: bytes, ack: bool) -> bytes:
    return frame_header(8, PING, FLAG_ACK if ack else 0, 0) + opaque


def rst_stream_frame(stream_id: int, error_code: int) -> bytes:
    return frame_header(4, RST_STREAM, 0, stream_id) + _UINT32.pack(error_code)


def window_update_frame(stream_id: int, increment: int) -> bytes:
    return frame_header(4, WINDOW_UPDATE, 0, stream_id) + _UINT32.pack(increment)


def goaway_frame(last_stream_id: int, error_code: int, additional_data: bytes = b"") -> bytes:
    payload = _UINT32_PAIR.pack(last_stream_id, error_code) + additional_data
    return frame_header(len(payload), GOAWAY, 0, 0) + payload


def unpack_uint32(payload, offset: int = 0) -> int:
    return _UINT32.unpack_from(payload, offset)[0]


def unpack_uint32_pair(payload) -> tuple[int, int]:
    return _UINT32_PAIR.unpack_from(payload)


def header_block_frames(stream_id: int, block: bytes, end_stream: bool, max_frame_size: int) -> bytes:
    """HEADERS, then as many CONTINUATION frames as the block needs."""
    flags = FLAG_END_STREAM if end_stream else 0
    if len(block) <= max_frame_size:
        return frame_header(len(block), HEADERS, flags | FLAG_END_HEADERS, stream_id) + block
    parts = [block[i : i + max_frame_size] for i in range(0, len(block), max_frame_size)]
    frames = [frame_header(len(parts[0]), HEADERS, flags, stream_id), parts[0]]
    for part in parts[1:-1]:
        frames += (frame_header(len(part), CONTINUATION, 0, stream_id), part)
    frames += (frame_header(len(parts[-1]), CONTINUATION, FLAG_END_HEADERS, stream_id), parts[-1])
    return b"".join(frames)
