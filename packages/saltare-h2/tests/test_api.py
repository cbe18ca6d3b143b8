"""The sending API in memory (no socket): frame order, sizes and misuse."""

import struct

import pytest
from h2.config import H2Configuration
from h2.connection import H2Connection as Client
from h2.events import DataReceived, ResponseReceived, TrailersReceived

from saltare_h2 import ErrorCode, H2Config, RequestReceived, StreamClosedError


def frames_of(data: bytes) -> list[tuple[int, int, int, int]]:
    """(type, flags, stream id, length) of each frame."""
    out, pos = [], 0
    while pos < len(data):
        high, low, frame_type, flags, stream_id = struct.unpack_from(">HBBBL", data, pos)
        length = high << 8 | low
        out.append((frame_type, flags, stream_id, length))
        pos += 9 + length
    return out


def pair(backend, config=H2Config(), client_settings=None):
    client = Client(H2Configuration(client_side=True, header_encoding=None))
    if client_settings:
        client.update_settings(client_settings)
    client.initiate_connection()
    server = backend.H2Connection(config)
    server.receive_data(client.data_to_send())
    client.receive_data(server.data_to_send())
    server.receive_data(client.data_to_send())
    return client, server


def open_streams(client, server, count):
    for _ in range(count):
        stream_id = client.get_next_available_stream_id()
        client.send_headers(stream_id, [(":method", "GET"), (":scheme", "https"), (":authority", "a"), (":path", "/")], end_stream=True)
    return [e.stream_id for e in server.receive_data(client.data_to_send()) if isinstance(e, RequestReceived)]


def test_responses_interleave_one_frame_per_stream_per_turn(backend):
    client, server = pair(backend)
    streams = open_streams(client, server, 3)
    for stream_id in streams:
        server.send_headers(stream_id, 200)
        server.send_data(stream_id, bytes(40000), end_stream=True)
    data_frames = [f for f in frames_of(server.data_to_send()) if f[0] == 0]
    assert [f[2] for f in data_frames] == streams + streams[:1]
    assert max(f[3] for f in data_frames) == 16384
    assert sum(f[3] for f in data_frames) == 65535  # the connection window, no more
    client.increment_flow_control_window(200000)
    server.receive_data(client.data_to_send())
    data_frames = [f for f in frames_of(server.data_to_send()) if f[0] == 0]
    assert [f[2] for f in data_frames[:4]] == streams[1:] + streams[:2]
    assert sum(f[3] for f in data_frames) == 3 * 40000 - 65535


def test_data_to_send_amount_leaves_the_rest_queued(backend):
    client, server = pair(backend)
    [stream_id] = open_streams(client, server, 1)
    server.send_headers(stream_id, 200)
    server.send_data(stream_id, bytes(50000))
    assert server.outbound_buffered(stream_id) == 50000
    first = server.data_to_send(amount=20000)
    assert sum(f[3] for f in frames_of(first) if f[0] == 0) <= 20000 + 16384
    assert server.outbound_buffered(stream_id) == 50000 - sum(f[3] for f in frames_of(first) if f[0] == 0)


def test_status_first_hop_by_hop_dropped_and_trailers(backend):
    client, server = pair(backend)
    [stream_id] = open_streams(client, server, 1)
    server.send_response(stream_id, 404, [(b"Content-Type", b"text/plain"), (b"transfer-encoding", b"chunked"),
                                          (b"connection", b"close"), (b"x-a", b"1")], [b"a", b"", b"b"], [(b"x-t", b"2")])  # fmt: skip
    events = client.receive_data(server.data_to_send())
    response = next(e for e in events if isinstance(e, ResponseReceived))
    assert response.headers == [(b":status", b"404"), (b"content-type", b"text/plain"), (b"x-a", b"1")]
    assert b"".join(e.data for e in events if isinstance(e, DataReceived)) == b"ab"
    assert next(e for e in events if isinstance(e, TrailersReceived)).headers == [(b"x-t", b"2")]
    assert server.open_streams == 0


def test_large_header_blocks_use_continuation(backend):
    client, server = pair(backend)
    [stream_id] = open_streams(client, server, 1)
    server.send_headers(stream_id, 200, [(b"x-%d" % i, b"v" * 1000) for i in range(40)], end_stream=True)
    data = server.data_to_send()
    assert [f[0] for f in frames_of(data)] == [1, 9, 9]
    assert any(isinstance(e, ResponseReceived) for e in client.receive_data(data))


def test_informational_then_final_response(backend):
    client, server = pair(backend)
    [stream_id] = open_streams(client, server, 1)
    server.send_headers(stream_id, 103, [(b"link", b"</a.css>; rel=preload")])
    server.send_headers(stream_id, 200, end_stream=True)
    statuses = [dict(e.headers)[b":status"] for e in client.receive_data(server.data_to_send()) if hasattr(e, "headers")]
    assert statuses == [b"103", b"200"]


def test_misuse_is_refused(backend):
    client, server = pair(backend)
    [stream_id] = open_streams(client, server, 1)
    with pytest.raises(StreamClosedError):
        server.send_data(stream_id, b"before the head")
    with pytest.raises(StreamClosedError):
        server.send_headers(99, 200)
    with pytest.raises(ValueError):
        server.send_headers(stream_id, 200, [(b"x", b"a\r\nb")])
    with pytest.raises(ValueError):
        server.send_headers(stream_id, 999)
    server.send_headers(stream_id, 200, end_stream=True)
    with pytest.raises(StreamClosedError):
        server.send_data(stream_id, b"after the end")
    server.reset(stream_id)  # closed already: a no-op


def test_reset_drops_queued_data(backend):
    client, server = pair(backend)
    [stream_id] = open_streams(client, server, 1)
    server.send_headers(stream_id, 200)
    server.send_data(stream_id, bytes(100000))
    server.reset(stream_id, ErrorCode.INTERNAL_ERROR)
    assert server.outbound_buffered(stream_id) == 0
    assert [f[0] for f in frames_of(server.data_to_send())] == [1, 3]


def test_peer_settings_change_the_windows(backend):
    client, server = pair(backend)
    [stream_id] = open_streams(client, server, 1)
    server.send_headers(stream_id, 200)
    server.send_data(stream_id, bytes(30000), end_stream=True)
    client.update_settings({4: 10})  # INITIAL_WINDOW_SIZE: existing streams shrink by the difference
    server.receive_data(client.data_to_send())
    sent = sum(f[3] for f in frames_of(server.data_to_send()) if f[0] == 0)
    assert sent == 10


def test_graceful_close_waits_for_open_streams(backend):
    client, server = pair(backend)
    [stream_id] = open_streams(client, server, 1)
    server.close()
    assert not server.should_close
    server.send_response(stream_id, 200, [], b"done")
    assert [f[0] for f in frames_of(server.data_to_send())] == [7, 1, 0]
    assert server.should_close


def test_config_is_checked(backend):
    with pytest.raises(ValueError):
        backend.H2Connection(H2Config(max_frame_size=100))
    with pytest.raises(ValueError):
        backend.H2Connection(H2Config(initial_window_size=0))
