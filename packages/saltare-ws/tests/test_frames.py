"""Frame parsing on both backends: every length form, masking, splits, and
every frame-level violation with its close code."""

import pytest
from ws_helpers import client_frame, close_payload

from saltare_ws import (
    BytesMessage,
    CloseConnection,
    Config,
    ConnectionFailed,
    ErrorCode,
    Ping,
    Pong,
    TextMessage,
)


def feed(backend, data: bytes, config: Config = Config(), deflate=None, step: int | None = None) -> list:
    conn = backend.ServerConnection(config, deflate=deflate)
    if step is None:
        return conn.receive_data(data)
    events = []
    for i in range(0, len(data), step):
        events += conn.receive_data(data[i : i + step])
    return events


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_every_length_form_round_trips(backend, size):
    payload = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    assert feed(backend, client_frame(2, payload)) == [BytesMessage(payload)]
    text = "é" * (size // 2) + "a" * (size % 2)
    assert feed(backend, client_frame(1, text.encode())) == [TextMessage(text)]


def test_a_stream_split_at_every_byte_gives_the_same_events(backend):
    stream = (client_frame(1, b"hello") + client_frame(9, b"ping") + client_frame(2, b"x" * 300)
              + client_frame(1, "ü€".encode(), fin=False) + client_frame(10, b"pong")
              + client_frame(0, "😀".encode()) + client_frame(8, close_payload(1000, b"bye")))
    expected = [TextMessage("hello"), Ping(b"ping"), BytesMessage(b"x" * 300), Pong(b"pong"),
                TextMessage("ü€😀"), CloseConnection(1000, "bye")]
    assert feed(backend, stream) == expected
    assert feed(backend, stream, step=1) == expected
    for split in range(1, len(stream)):
        conn = backend.ServerConnection()
        assert conn.receive_data(stream[:split]) + conn.receive_data(stream[split:]) == expected


def test_fragmented_message_with_interleaved_control_frames(backend):
    stream = (client_frame(2, b"ab", fin=False) + client_frame(9, b"1") + client_frame(0, b"cd", fin=False)
              + client_frame(10, b"2") + client_frame(0, b"", fin=False) + client_frame(0, b"ef"))
    assert feed(backend, stream) == [Ping(b"1"), Pong(b"2"), BytesMessage(b"abcdef")]


def test_many_small_frames_in_one_read(backend):
    stream = b"".join(client_frame(1, b"%d" % i) for i in range(500))
    assert feed(backend, stream) == [TextMessage(str(i)) for i in range(500)]


def test_utf8_is_checked_across_fragment_boundaries(backend):
    euro = "€".encode()  # 3 bytes, split over three frames
    stream = client_frame(1, euro[:1], fin=False) + client_frame(0, euro[1:2], fin=False) + client_frame(0, euro[2:])
    assert feed(backend, stream) == [TextMessage("€")]


def failure(code: ErrorCode) -> ConnectionFailed:
    return ConnectionFailed(code.close_code, code.reason)


E = ErrorCode
VIOLATIONS = {
    "rsv1 without extension": (client_frame(1, b"x", rsv=4), E.RESERVED_BITS),
    "rsv2": (client_frame(1, b"x", rsv=2), E.RESERVED_BITS),
    "rsv3": (client_frame(2, b"x", rsv=1), E.RESERVED_BITS),
    "opcode 3": (client_frame(3), E.RESERVED_OPCODE),
    "opcode 7": (client_frame(7), E.RESERVED_OPCODE),
    "opcode 11": (client_frame(11), E.RESERVED_OPCODE),
    "opcode 15": (client_frame(15), E.RESERVED_OPCODE),
    "unmasked": (client_frame(1, b"x", mask=None), E.UNMASKED),
    "fragmented ping": (client_frame(9, b"x", fin=False), E.FRAGMENTED_CONTROL),
    "fragmented close": (client_frame(8, b"", fin=False), E.FRAGMENTED_CONTROL),
    "ping of 126": (client_frame(9, b"x" * 126), E.CONTROL_TOO_LONG),
    "pong of 126 in 16 bits": (client_frame(10, b"x" * 126, length_form=16), E.CONTROL_TOO_LONG),
    "16-bit length under 126": (client_frame(2, b"x" * 5, length_form=16), E.NON_MINIMAL_LENGTH),
    "64-bit length under 65536": (client_frame(2, b"x" * 300, length_form=64), E.NON_MINIMAL_LENGTH),
    "64-bit length top bit": (b"\x82\xff" + b"\x80" + b"\0" * 7 + b"abcd", E.LENGTH_OVERFLOW),
    "continuation first": (client_frame(0, b"x"), E.UNEXPECTED_CONTINUATION),
    "text inside fragmented": (client_frame(1, b"a", fin=False) + client_frame(1, b"b"), E.EXPECTED_CONTINUATION),
    "binary inside fragmented": (client_frame(2, b"a", fin=False) + client_frame(2, b"b"), E.EXPECTED_CONTINUATION),
    "invalid utf-8": (client_frame(1, b"\xff"), E.INVALID_UTF8),
    "surrogate": (client_frame(1, b"\xed\xa0\x80"), E.INVALID_UTF8),
    "overlong": (client_frame(1, b"\xc0\xaf"), E.INVALID_UTF8),
    "above U+10FFFF": (client_frame(1, b"\xf4\x90\x80\x80"), E.INVALID_UTF8),
    "truncated at the end": (client_frame(1, "€".encode()[:2]), E.INVALID_UTF8),
    "invalid in first fragment": (client_frame(1, b"ok\xff", fin=False), E.INVALID_UTF8),
    "close of one byte": (client_frame(8, b"\x03"), E.BAD_CLOSE_PAYLOAD),
    "close code 999": (client_frame(8, close_payload(999)), E.BAD_CLOSE_CODE),
    "close code 1004": (client_frame(8, close_payload(1004)), E.BAD_CLOSE_CODE),
    "close code 1005": (client_frame(8, close_payload(1005)), E.BAD_CLOSE_CODE),
    "close code 1006": (client_frame(8, close_payload(1006)), E.BAD_CLOSE_CODE),
    "close code 1015": (client_frame(8, close_payload(1015)), E.BAD_CLOSE_CODE),
    "close code 1016": (client_frame(8, close_payload(1016)), E.BAD_CLOSE_CODE),
    "close code 2999": (client_frame(8, close_payload(2999)), E.BAD_CLOSE_CODE),
    "close code 5000": (client_frame(8, close_payload(5000)), E.BAD_CLOSE_CODE),
    "close reason not utf-8": (client_frame(8, close_payload(1000, b"\xff")), E.INVALID_UTF8),
}


@pytest.mark.parametrize("case", list(VIOLATIONS), ids=list(VIOLATIONS))
def test_violation_fails_the_connection_with_its_close_code(backend, case):
    data, code = VIOLATIONS[case]
    conn = backend.ServerConnection()
    assert conn.receive_data(data) == [failure(code)]
    assert conn.data_to_send() == b"\x88" + bytes((2 + len(code.reason),)) + close_payload(code.close_code, code.reason.encode())
    assert conn.state.value == "closed"
    assert conn.receive_data(client_frame(1, b"more")) == []


@pytest.mark.parametrize("code", [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999])
def test_valid_close_codes_are_echoed(backend, code):
    conn = backend.ServerConnection()
    assert conn.receive_data(client_frame(8, close_payload(code, b"r"))) == [CloseConnection(code, "r")]
    assert conn.data_to_send() == b"\x88\x02" + close_payload(code)


def test_empty_close_reports_1005_and_echoes_empty(backend):
    conn = backend.ServerConnection()
    assert conn.receive_data(client_frame(8)) == [CloseConnection(1005, "")]
    assert conn.data_to_send() == b"\x88\x00"


def test_header_violation_is_caught_before_the_payload_arrives(backend):
    conn = backend.ServerConnection()
    assert conn.receive_data(b"\x83\x80") == [failure(E.RESERVED_OPCODE)]
    conn = backend.ServerConnection(Config(max_message_size=1000))
    header = client_frame(2, b"x" * 1001)[:8]  # the header and the mask only
    assert conn.receive_data(header) == [failure(E.MESSAGE_TOO_BIG)]


def test_frames_before_a_violation_are_delivered(backend):
    data = client_frame(1, b"a") + client_frame(9, b"p") + client_frame(2, b"b", rsv=2)
    assert feed(backend, data) == [TextMessage("a"), Ping(b"p"), failure(E.RESERVED_BITS)]


def test_max_message_size_counts_all_fragments(backend):
    config = Config(max_message_size=10)
    assert feed(backend, client_frame(2, b"x" * 10), config) == [BytesMessage(b"x" * 10)]
    assert feed(backend, client_frame(2, b"x" * 11), config) == [failure(E.MESSAGE_TOO_BIG)]
    fragments = client_frame(2, b"x" * 6, fin=False) + client_frame(9, b"ctl") + client_frame(0, b"x" * 5)
    assert feed(backend, fragments, config) == [Ping(b"ctl"), failure(E.MESSAGE_TOO_BIG)]
    # Control frames do not count: 125 bytes are fine with a 10-byte cap.
    assert feed(backend, client_frame(9, b"p" * 125), config) == [Ping(b"p" * 125)]


def test_nothing_after_a_close_frame_is_read(backend):
    data = client_frame(8, close_payload(1000)) + client_frame(1, b"late") + b"\xff\xff garbage"
    assert feed(backend, data) == [CloseConnection(1000, "")]


def test_auto_pong_answers_each_ping_with_its_payload(backend):
    conn = backend.ServerConnection()
    conn.receive_data(client_frame(9, b"a") + client_frame(9, b""))
    assert conn.data_to_send() == b"\x8a\x01a\x8a\x00"
    quiet = backend.ServerConnection(Config(auto_pong=False))
    assert quiet.receive_data(client_frame(9, b"a")) == [Ping(b"a")]
    assert quiet.data_to_send() == b""


@pytest.mark.parametrize("size", [0, 1, 7, 16, 17, 64, 100, 1000])
def test_masking_copies_and_in_place_agree(backend, size):
    data = bytes(range(256)) * 4
    data = data[:size]
    expected = bytes(byte ^ b"\x01\x02\x03\x04"[i % 4] for i, byte in enumerate(data))
    assert backend.apply_mask(data, b"\x01\x02\x03\x04") == expected
    buf = bytearray(data)
    backend.mask_in_place(buf, b"\x01\x02\x03\x04")
    assert buf == expected
