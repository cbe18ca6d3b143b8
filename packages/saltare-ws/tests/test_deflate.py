"""permessage-deflate on the wire, on both backends: RSV1 framing, context
takeover, and inflate bounded by the message size (zip bombs)."""

import tracemalloc
import zlib

from ws_helpers import client_frame

from saltare_ws import BytesMessage, Config, ConnectionFailed, DeflateConfig, ErrorCode, TextMessage
from saltare_ws.deflate import DeflateParams

DEFAULT = DeflateParams(False, False, 15, 15, 6, 8)


def deflate(data: bytes, compressor=None) -> bytes:
    compressor = compressor or zlib.compressobj(6, zlib.DEFLATED, -15)
    out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    assert out.endswith(b"\x00\x00\xff\xff")
    return out[:-4]


def server_inflate(frame_payload: bytes, decompressor) -> bytes:
    return decompressor.decompress(frame_payload + b"\x00\x00\xff\xff")


def test_compressed_text_and_binary_messages(backend):
    conn = backend.ServerConnection(deflate=DEFAULT)
    data = client_frame(1, deflate("héllo ".encode() * 100), rsv=4) + client_frame(2, deflate(b"\x00" * 5000), rsv=4)
    assert conn.receive_data(data) == [TextMessage("héllo " * 100), BytesMessage(b"\x00" * 5000)]


def test_uncompressed_messages_are_allowed_on_a_deflate_connection(backend):
    conn = backend.ServerConnection(deflate=DEFAULT)
    assert conn.receive_data(client_frame(1, b"plain")) == [TextMessage("plain")]


def test_fragmented_compressed_message_with_rsv1_on_the_first_frame_only(backend):
    body = deflate(b"abc" * 1000)
    data = client_frame(2, body[:10], fin=False, rsv=4) + client_frame(9) + client_frame(0, body[10:])
    events = backend.ServerConnection(deflate=DEFAULT).receive_data(data)
    assert events[-1] == BytesMessage(b"abc" * 1000)
    data = client_frame(2, body[:10], fin=False, rsv=4) + client_frame(0, body[10:], rsv=4)
    events = backend.ServerConnection(deflate=DEFAULT).receive_data(data)
    assert events == [ConnectionFailed(1002, ErrorCode.RESERVED_BITS.reason)]


def test_context_takeover_is_kept_across_messages(backend):
    client = zlib.compressobj(6, zlib.DEFLATED, -15)
    conn = backend.ServerConnection(deflate=DEFAULT)
    first, second = deflate(b"repeat me " * 20, client), deflate(b"repeat me " * 20, client)
    assert len(second) < 10  # only back-references: needs the first message's context
    assert conn.receive_data(client_frame(2, first, rsv=4) + client_frame(2, second, rsv=4)) == [
        BytesMessage(b"repeat me " * 20)] * 2


def test_client_no_context_takeover_resets_our_decompressor(backend):
    params = DEFAULT._replace(client_no_context_takeover=True)
    conn = backend.ServerConnection(deflate=params)
    messages = [deflate(b"same " * 50) for _ in range(3)]  # each from a fresh compressor
    assert conn.receive_data(b"".join(client_frame(2, m, rsv=4) for m in messages)) == [
        BytesMessage(b"same " * 50)] * 3


def test_outgoing_messages_are_compressed_with_rsv1(backend):
    params = DeflateParams(False, False, 12, 15, 6, 5)
    conn = backend.ServerConnection(deflate=params)
    client = zlib.decompressobj(-15)
    for _ in range(2):
        frame = conn.send("hello " * 100)
        assert frame[0] == 0xC1  # FIN, RSV1, text
        assert server_inflate(frame[2:], client) == b"hello " * 100
    # server_no_context_takeover: every message decompresses on its own.
    conn = backend.ServerConnection(deflate=params._replace(server_no_context_takeover=True))
    for _ in range(2):
        frame = conn.send(b"abc" * 10)
        assert server_inflate(frame[2:], zlib.decompressobj(-15)) == b"abc" * 10


def test_invalid_deflate_data_fails_with_1007(backend):
    conn = backend.ServerConnection(deflate=DEFAULT)
    assert conn.receive_data(client_frame(2, b"\xff\xff\xff", rsv=4)) == [
        ConnectionFailed(1007, ErrorCode.BAD_DEFLATE_DATA.reason)]


def test_invalid_utf8_inside_compressed_text_fails_with_1007(backend):
    conn = backend.ServerConnection(deflate=DEFAULT)
    assert conn.receive_data(client_frame(1, deflate(b"ok \xff"), rsv=4)) == [
        ConnectionFailed(1007, ErrorCode.INVALID_UTF8.reason)]


def test_zip_bomb_is_refused_without_allocating_past_the_cap(backend):
    cap = 1 << 20
    bomb = deflate(b"\x00" * (64 << 20))  # 64 MiB of zeros in about 64 KiB
    assert len(bomb) < 100_000
    conn = backend.ServerConnection(Config(max_message_size=cap), deflate=DEFAULT)
    data = client_frame(2, bomb, rsv=4)
    tracemalloc.start()
    try:
        events = conn.receive_data(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert events == [ConnectionFailed(1009, ErrorCode.MESSAGE_TOO_BIG.reason)]
    # The output held never passes the cap; one zlib step (64 KiB, and zlib's
    # own buffer for it) and the input's copies are the rest.
    assert peak < cap + 4 * 65536 + 4 * len(data)


def test_the_cap_is_exact_after_inflating(backend):
    for size, ok in ((1000, True), (1001, False)):
        conn = backend.ServerConnection(Config(max_message_size=1000), deflate=DEFAULT)
        data = deflate(b"a" * size)
        frames = client_frame(2, data[:5], fin=False, rsv=4) + client_frame(0, data[5:])
        events = conn.receive_data(frames)
        assert (events == [BytesMessage(b"a" * size)]) is ok


def test_closing_frees_the_zlib_state(backend):
    conn = backend.ServerConnection(deflate=DEFAULT)
    conn.send(b"x" * 100)
    conn.receive_data(client_frame(2, deflate(b"y"), rsv=4))
    assert conn._deflate._compressor is not None and conn._deflate._decompressor is not None
    conn.receive_data(client_frame(8))
    assert conn._deflate._compressor is None and conn._deflate._decompressor is None


def test_default_deflate_config_is_memory_lean():
    assert DeflateConfig().server_max_window_bits == 12 and DeflateConfig().mem_level == 5
