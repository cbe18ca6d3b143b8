"""The HTTP/2 flood CVE families, each bounded: GOAWAY ENHANCE_YOUR_CALM,
or the bound enforced without it."""

import struct

import h2.events
import h2.settings

from saltare_h2 import PREFACE, ConnectionTerminated, ErrorCode, H2Config, RequestReceived, StreamEnded

CALM = ErrorCode.ENHANCE_YOUR_CALM
HEADERS, CONT, PING, SETTINGS, DATA = 1, 9, 6, 4, 0


def test_rapid_reset(serve, client):
    """CVE-2023-44487: open and reset streams in a tight loop."""
    server = serve(H2Config(max_rapid_resets=50))
    c = client(server.port)
    for _ in range(60):
        stream_id = c.request("/hold", flush=False)
        c.conn.reset_stream(stream_id, 8)
    c.flush()
    c.read_until(lambda events: any(isinstance(e, h2.events.ConnectionTerminated) for e in events))
    goaway = next(e for e in c.events if isinstance(e, h2.events.ConnectionTerminated))
    assert goaway.error_code == CALM


def test_cancels_mixed_with_completed_requests_are_fine(serve, client):
    """A browser cancelling some requests: completed responses pay the resets back."""
    server = serve(H2Config(max_rapid_resets=5))
    c = client(server.port)
    for _ in range(10):
        for _ in range(3):
            c.conn.reset_stream(c.request("/hold", flush=False), 8)
        for stream_id in [c.request("/ok", flush=False) for _ in range(3)]:
            c.flush()
            assert c.response(stream_id)["body"] == b"/ok"
    c.ping_round_trip()
    assert not any(isinstance(e, h2.events.ConnectionTerminated) for e in c.events)


def test_ping_flood(serve, client):
    """CVE-2019-9512."""
    server = serve(H2Config(max_pings=20))
    c = client(server.port)
    for i in range(30):
        c.conn.ping(struct.pack(">Q", i))
    c.flush()
    c.read_until(lambda events: any(isinstance(e, h2.events.ConnectionTerminated) for e in events))
    assert next(e for e in c.events if isinstance(e, h2.events.ConnectionTerminated)).error_code == CALM


def test_pings_between_requests_are_fine(serve, client):
    """The count is of PINGs in a row: a request in between starts it over."""
    server = serve(H2Config(max_pings=3))
    c = client(server.port)
    for _ in range(20):
        for _ in range(3):
            c.ping_round_trip()
        assert c.response(c.request("/x"))["body"] == b"/x"
    assert not any(isinstance(e, h2.events.ConnectionTerminated) for e in c.events)


def test_settings_flood(serve, raw, frame):
    """CVE-2019-9515."""
    server = serve(H2Config(max_settings=20))
    r = raw(server.port)
    r.send(frame(SETTINGS, 0, 0, struct.pack(">HL", 3, 100)) * 30)
    assert r.goaway() == CALM


def test_empty_frames_flood(serve, raw, frame):
    """CVE-2019-9518: empty DATA frames without END_STREAM."""
    server = serve(H2Config(max_empty_frames=20))
    r = raw(server.port)
    r.send(frame(HEADERS, 4, 1, r.headers_block("/echo")) + frame(DATA, 0, 1) * 30)
    assert r.goaway() == CALM


def test_continuation_flood_by_count(serve, raw, frame):
    """The 2024 CONTINUATION flood: endless empty CONTINUATION frames."""
    server = serve()
    r = raw(server.port)
    r.send(frame(HEADERS, 0, 1, r.headers_block()) + frame(CONT, 0, 1) * 40)
    assert r.goaway() == CALM


def test_continuation_flood_by_size(serve, raw, frame):
    server = serve(H2Config(max_continuation_frames=1000))
    r = raw(server.port)
    r.send(frame(HEADERS, 0, 1, r.headers_block()) + frame(CONT, 0, 1, b"\x00" * 16000) * 5)
    assert r.goaway() == CALM


def test_header_list_bomb_is_answered_431(serve, raw, frame):
    """A small block that references one big table entry many times: the
    request never reaches the app; the connection goes on."""
    server = serve(H2Config(max_header_list_size=16384))
    r = raw(server.port)
    block = r.headers_block("/bomb", extra=[("x-big", "v" * 3000)]) + bytes([0x80 | 62]) * 200
    r.send(frame(HEADERS, 5, 1, block))
    r.read_until(lambda frames: any(f[0] == HEADERS and f[2] == 1 for f in frames))
    status_block = next(f[3] for f in r.frames if f[0] == HEADERS and f[2] == 1)
    from hpack import Decoder

    assert Decoder().decode(status_block) == [(":status", "431")]
    r.send(frame(HEADERS, 5, 3, r.headers_block("/next")))
    r.read_until(lambda frames: any(f[0] == DATA and f[2] == 3 for f in frames))
    assert [e.path for e in server.app.of_type(RequestReceived)] == [b"/next"]


def test_zero_window_keeps_data_queued_without_dropping_it(serve, client, wait_for):
    """CVE-2019-9517 family: the peer shuts its window; our data waits in the
    stream's queue (visible to the server for backpressure) until it opens."""
    server = serve()
    settings = {h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 0}
    c = client(server.port, settings)
    stream_id = c.request("/bytes/100000")
    wait_for(lambda: server.connections[0].outbound_buffered(stream_id) == 100000)
    c.ping_round_trip()
    assert not [e for e in c.events if isinstance(e, h2.events.DataReceived)]
    c.conn.increment_flow_control_window(100000, stream_id)
    c.flush()
    assert len(c.response(stream_id)["body"]) == 100000
    assert server.connections[0].outbound_buffered(stream_id) == 0


def handshake(backend, config: H2Config):
    conn = backend.H2Connection(config)
    conn.receive_data(PREFACE + struct.pack(">HBBBL", 0, 0, SETTINGS, 0, 0))
    conn.data_to_send()
    return conn


def test_control_frames_owed_to_a_peer_that_does_not_read(backend):
    """CVE-2019-9512/9514/9515 without reading: the answers we owe pile up
    only until max_queued_control_frames (sans-IO: data_to_send() not called)."""
    conn = handshake(backend, H2Config(max_pings=10**6, max_queued_control_frames=100))
    ping = struct.pack(">HBBBL", 0, 8, PING, 0, 0) + bytes(8)
    events = []
    for _ in range(20):
        events += conn.receive_data(ping * 10)
    assert events == [ConnectionTerminated(CALM, 0, b"", False)]
    # At most the limit plus one read's worth of answers, then the GOAWAY.
    assert len(conn.data_to_send()) <= (100 + 10) * 17 + 9 + 8 + 64
    assert conn.should_close


def test_reading_peer_keeps_the_queue_small(backend):
    conn = handshake(backend, H2Config(max_pings=10**6, max_queued_control_frames=100))
    ping = struct.pack(">HBBBL", 0, 8, PING, 0, 0) + bytes(8)
    for _ in range(20):
        assert conn.receive_data(ping * 10) == []
        assert len(conn.data_to_send()) == 10 * 17


def test_window_stays_bounded_for_a_slow_consumer(backend, frame):
    """Inbound memory: without acknowledgements the peer can send one window."""
    from hpack import Encoder

    conn = handshake(backend, H2Config(initial_window_size=65535, connection_window_size=65535))
    block = Encoder().encode([(":method", "POST"), (":scheme", "http"), (":authority", "x"), (":path", "/")])
    events = conn.receive_data(frame(HEADERS, 4, 1, block))
    assert isinstance(events[0], RequestReceived)
    received = sum(len(e.data) for e in conn.receive_data(frame(DATA, 0, 1, bytes(16383)) * 4))
    assert received == 65532
    assert conn.data_to_send() == b""  # no WINDOW_UPDATE: nothing was consumed
    events = conn.receive_data(frame(DATA, 0, 1, bytes(4)))
    assert events[-1].error_code == ErrorCode.FLOW_CONTROL_ERROR  # connection window exceeded
    assert not any(isinstance(e, StreamEnded) for e in events)
