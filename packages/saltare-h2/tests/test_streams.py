"""Multiplexed requests and responses over a real socket, `h2` as the client."""

import h2.events
import h2.settings

from saltare_h2 import ErrorCode, H2Config, RequestReceived, StreamEnded, TrailersReceived


def test_a_simple_get(serve, client):
    server = serve()
    c = client(server.port)
    stream_id = c.request("/hello?x=1")
    response = c.response(stream_id)
    assert response["headers"][0] == (b":status", b"200")
    assert (b"connection", b"keep-alive") not in response["headers"]  # hop-by-hop dropped
    assert response["body"] == b"/hello?x=1"
    request = server.app.requests[stream_id]
    assert (request.method, request.scheme, request.authority, request.path) == (b"GET", b"http", b"localhost", b"/hello?x=1")


def test_concurrent_streams_with_interleaved_bodies(serve, client):
    """Ten uploads open at once, their bodies sent in rounds, one piece per
    stream per round: each request keeps its own body."""
    server = serve()
    c = client(server.port)
    streams = [c.request("/echo", "POST", end=False) for _ in range(10)]
    for round_number in range(5):
        for stream_id in streams:
            c.conn.send_data(stream_id, f"{stream_id}:{round_number};".encode())
        c.flush()
    for stream_id in streams:
        c.conn.end_stream(stream_id)
    c.flush()
    for stream_id in streams:
        expected = "".join(f"{stream_id}:{r};" for r in range(5)).encode()
        assert c.response(stream_id)["body"] == expected
    kinds = [(type(e).__name__, e.stream_id) for e in server.app.events if e.stream_id in streams[:2]]
    first_data = [k for k in kinds if k[0] == "DataReceived"][:2]
    assert first_data == [("DataReceived", streams[0]), ("DataReceived", streams[1])]  # interleaved, not serialised


def test_concurrent_responses_interleave_fairly(serve, client):
    """Three 200 KiB responses at once: their DATA frames alternate."""
    server = serve()
    c = client(server.port)
    streams = [c.request(f"/bytes/{200 * 1024}", flush=False) for _ in range(3)]
    c.flush()  # the three requests in one read: their responses start together
    for stream_id in streams:
        body = c.response(stream_id)["body"]
        assert body == bytes(i % 251 for i in range(200 * 1024))
    order = [e.stream_id for e in c.events if isinstance(e, h2.events.DataReceived)]
    assert set(order[:3]) == set(streams)  # every stream got a frame before any got two


def test_one_mebibyte_through_a_one_kibibyte_window(serve, client):
    server = serve()
    c = client(server.port, {h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1024})
    stream_id = c.request(f"/bytes/{1 << 20}")
    response = c.response(stream_id)
    assert len(response["body"]) == 1 << 20
    assert response["body"] == bytes(i % 251 for i in range(1 << 20))
    sizes = [len(e.data) for e in c.events if isinstance(e, h2.events.DataReceived)]
    assert max(sizes) <= 1024


def test_frames_are_sized_to_the_peers_max_frame_size(serve, client):
    server = serve()
    c = client(server.port, {h2.settings.SettingCodes.MAX_FRAME_SIZE: 20000})
    stream_id = c.request(f"/bytes/{100_000}")
    c.response(stream_id)
    sizes = [len(e.data) for e in c.events if isinstance(e, h2.events.DataReceived)]
    assert max(sizes) == 20000


def test_large_upload_with_flow_control(serve, client):
    """2 MiB through a 64 KiB stream window and a 1 MiB connection window:
    the client must wait for our WINDOW_UPDATEs, which come as the app consumes."""
    server = serve()
    c = client(server.port)
    body = bytes(range(256)) * 8192
    stream_id = c.request("/echo", "POST", body=body)
    assert c.response(stream_id)["body"] == body


def test_a_slow_consumer_holds_the_peer_back(serve, client, wait_for):
    """The app does not acknowledge: the client can send one window, no more."""
    server = serve(H2Config(initial_window_size=4096))
    c = client(server.port)
    stream_id = c.request("/slow", "POST", end=False)
    c.conn.send_data(stream_id, b"x" * 4096)
    c.flush()
    wait_for(lambda: sum(len(b) for b in server.app.bodies.values()) == 4096)
    c.ping_round_trip()
    assert c.conn.local_flow_control_window(stream_id) == 0
    updates = [e for e in c.events if isinstance(e, h2.events.WindowUpdated) and e.stream_id == stream_id]
    assert updates == []


def test_trailers_both_ways(serve, client):
    server = serve()
    c = client(server.port)
    stream_id = c.request("/trailers", "POST", end=False)
    c.conn.send_data(stream_id, b"body")
    c.conn.send_headers(stream_id, [("x-request-trailer", "yes")], end_stream=True)
    c.flush()
    response = c.response(stream_id)
    assert response["body"] == b"part1,part2"
    assert response["trailers"] == [(b"x-checksum", b"42")]
    trailers = server.app.of_type(TrailersReceived)
    assert trailers[0].headers == [(b"x-request-trailer", b"yes")]


def test_client_reset_reaches_the_app_and_the_connection_goes_on(serve, client, wait_for):
    server = serve()
    c = client(server.port)
    stream_id = c.request("/hold")
    wait_for(lambda: server.app.of_type(StreamEnded))
    c.conn.reset_stream(stream_id, 8)
    c.flush()
    wait_for(lambda: any(type(e).__name__ == "StreamReset" for e in server.app.events))
    reset = [e for e in server.app.events if type(e).__name__ == "StreamReset"][0]
    assert (reset.stream_id, reset.error_code, reset.remote) == (stream_id, ErrorCode.CANCEL, True)
    assert c.response(c.request("/after"))["body"] == b"/after"


# The h2 client stops reading responses once a GOAWAY passed either way, so
# the GOAWAY tests speak raw frames.


def test_graceful_goaway_during_streams(serve, raw, frame, wait_for):
    """GOAWAY(NO_ERROR) while a stream is held: it still completes; a newer
    stream is ignored; the server closes once the held one is done."""
    server = serve()
    r = raw(server.port)
    r.send(frame(1, 0x5, 1, r.headers_block("/hold")))
    wait_for(lambda: server.app.of_type(StreamEnded))
    server.run(lambda conn: conn.close())
    assert r.goaway() == ErrorCode.NO_ERROR
    goaway = next(f for f in r.frames if f[0] == 7)
    assert int.from_bytes(goaway[3][:4], "big") == 1  # last stream id
    r.send(frame(1, 0x5, 3, r.headers_block("/too-late")))
    server.run(server.app.release)
    r.read_until(lambda frames: r.closed)
    data = [f for f in r.frames if f[0] == 0 and f[2] == 1]
    assert b"".join(f[3] for f in data) == b"released" and data[-1][1] & 1
    assert not [f for f in r.frames if f[2] == 3]
    assert len(server.app.of_type(RequestReceived)) == 1


def test_client_goaway_lets_open_streams_finish(serve, raw, frame, wait_for):
    server = serve()
    r = raw(server.port)
    r.send(frame(1, 0x5, 1, r.headers_block("/hold")))
    wait_for(lambda: server.app.of_type(StreamEnded))
    r.send(frame(7, 0, 0, bytes(8)))
    wait_for(lambda: any(type(e).__name__ == "ConnectionTerminated" for e in server.app.events))
    server.run(server.app.release)
    r.read_until(lambda frames: r.closed)
    assert b"".join(f[3] for f in r.frames if f[0] == 0 and f[2] == 1) == b"released"


def test_content_length_mismatch_resets_the_stream(serve, client):
    server = serve()
    c = client(server.port)
    stream_id = c.request("/echo", "POST", body=b"abc", headers=[("content-length", "5")])
    assert c.response(stream_id)["reset"] == ErrorCode.PROTOCOL_ERROR
    assert c.response(c.request("/next"))["body"] == b"/next"
