"""Connection and stream errors (RFC 9113 §5.4), with hand-made frames over a
socket: the h2spec sections covered by hand (h2spec is not installable here)."""

import struct

import pytest

from saltare_h2 import ErrorCode, H2Config, RequestReceived

E = ErrorCode
DATA, HEADERS, PRIORITY, RST, SETTINGS, PUSH, PING, GOAWAY, WINDOW, CONT = range(10)
END_STREAM, END_HEADERS, PADDED, PRIO = 0x1, 0x4, 0x8, 0x20


def u32(value: int) -> bytes:
    return struct.pack(">L", value)


def setting(identifier: int, value: int) -> bytes:
    return struct.pack(">HL", identifier, value)


# (name, frames after the preface given a RawClient, expected GOAWAY code)
CONNECTION_ERRORS = [
    ("DATA on stream 0 (6.1)", lambda r, f: f(DATA, 0, 0, b"x"), E.PROTOCOL_ERROR),
    ("DATA on an idle stream (5.1)", lambda r, f: f(DATA, 0, 1, b"x"), E.PROTOCOL_ERROR),
    ("HEADERS on stream 0 (6.2)", lambda r, f: f(HEADERS, 5, 0, r.headers_block()), E.PROTOCOL_ERROR),
    ("even stream id (5.1.1)", lambda r, f: f(HEADERS, 5, 2, r.headers_block()), E.PROTOCOL_ERROR),
    ("decreasing stream id (5.1.1)",
     lambda r, f: f(HEADERS, 5, 5, r.headers_block()) + f(HEADERS, 5, 3, r.headers_block()), E.PROTOCOL_ERROR),
    ("frame over SETTINGS_MAX_FRAME_SIZE (4.2)", lambda r, f: f(DATA, 0, 1, bytes(16385)), E.FRAME_SIZE_ERROR),
    ("CONTINUATION without HEADERS (6.10)", lambda r, f: f(CONT, 4, 1, r.headers_block()), E.PROTOCOL_ERROR),
    ("header block interrupted (6.10)",
     lambda r, f: f(HEADERS, 1, 1, r.headers_block()) + f(DATA, 0, 1, b"x"), E.PROTOCOL_ERROR),
    ("header block interrupted by an unknown frame (6.10)",
     lambda r, f: f(HEADERS, 1, 1, r.headers_block()) + f(0xBB, 0, 0, b""), E.PROTOCOL_ERROR),
    ("CONTINUATION on another stream (6.10)",
     lambda r, f: f(HEADERS, 1, 1, r.headers_block()) + f(CONT, 4, 3, b""), E.PROTOCOL_ERROR),
    ("SETTINGS on a stream (6.5)", lambda r, f: f(SETTINGS, 0, 1, b""), E.PROTOCOL_ERROR),
    ("SETTINGS length not a multiple of 6 (6.5)", lambda r, f: f(SETTINGS, 0, 0, b"12345"), E.FRAME_SIZE_ERROR),
    ("SETTINGS ACK with a payload (6.5)", lambda r, f: f(SETTINGS, 1, 0, setting(1, 1)), E.FRAME_SIZE_ERROR),
    ("ENABLE_PUSH 2 (6.5.2)", lambda r, f: f(SETTINGS, 0, 0, setting(2, 2)), E.PROTOCOL_ERROR),
    ("INITIAL_WINDOW_SIZE over 2^31-1 (6.5.2)",
     lambda r, f: f(SETTINGS, 0, 0, setting(4, 2**31)), E.FLOW_CONTROL_ERROR),
    ("MAX_FRAME_SIZE under 16384 (6.5.2)", lambda r, f: f(SETTINGS, 0, 0, setting(5, 16383)), E.PROTOCOL_ERROR),
    ("MAX_FRAME_SIZE over 2^24-1 (6.5.2)", lambda r, f: f(SETTINGS, 0, 0, setting(5, 2**24)), E.PROTOCOL_ERROR),
    ("PING on a stream (6.7)", lambda r, f: f(PING, 0, 1, bytes(8)), E.PROTOCOL_ERROR),
    ("PING of 7 bytes (6.7)", lambda r, f: f(PING, 0, 0, bytes(7)), E.FRAME_SIZE_ERROR),
    ("GOAWAY on a stream (6.8)", lambda r, f: f(GOAWAY, 0, 1, bytes(8)), E.PROTOCOL_ERROR),
    ("WINDOW_UPDATE of 0 on the connection (6.9)", lambda r, f: f(WINDOW, 0, 0, u32(0)), E.PROTOCOL_ERROR),
    ("WINDOW_UPDATE of 3 bytes (6.9)", lambda r, f: f(WINDOW, 0, 0, b"\0\0\1"), E.FRAME_SIZE_ERROR),
    ("connection window over 2^31-1 (6.9.1)", lambda r, f: f(WINDOW, 0, 0, u32(2**31 - 1)), E.FLOW_CONTROL_ERROR),
    ("RST_STREAM on stream 0 (6.4)", lambda r, f: f(RST, 0, 0, u32(8)), E.PROTOCOL_ERROR),
    ("RST_STREAM on an idle stream (6.4)", lambda r, f: f(RST, 0, 1, u32(8)), E.PROTOCOL_ERROR),
    ("RST_STREAM of 3 bytes (6.4)",
     lambda r, f: f(HEADERS, 4, 1, r.headers_block()) + f(RST, 0, 1, b"\0\0\0"), E.FRAME_SIZE_ERROR),
    ("PRIORITY on stream 0 (6.3)", lambda r, f: f(PRIORITY, 0, 0, bytes(5)), E.PROTOCOL_ERROR),
    ("PUSH_PROMISE from a client (8.4)", lambda r, f: f(PUSH, 4, 1, u32(2)), E.PROTOCOL_ERROR),
    ("padding longer than the payload (6.1)",
     lambda r, f: f(HEADERS, 4, 1, r.headers_block()) + f(DATA, PADDED, 1, b"\x05abc"), E.PROTOCOL_ERROR),
    ("HPACK garbage (4.3)", lambda r, f: f(HEADERS, 5, 1, b"\xff\xff\xff\xff\xff\xff"), E.COMPRESSION_ERROR),
]


@pytest.mark.parametrize(("name", "frames", "code"), CONNECTION_ERRORS, ids=[c[0] for c in CONNECTION_ERRORS])
def test_connection_errors_answer_goaway(serve, raw, frame, name, frames, code):
    server = serve()
    r = raw(server.port)
    r.send(frames(r, frame))
    assert r.goaway() == code
    r.read_until(lambda frames: r.closed)


def test_headers_on_a_stream_closed_both_ways(serve, raw, frame):
    """§5.1 closed: a connection error STREAM_CLOSED."""
    server = serve()
    r = raw(server.port)
    r.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, r.headers_block()))
    r.read_until(lambda frames: any(f[0] == DATA and f[2] == 1 and f[1] & END_STREAM for f in frames))
    r.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, r.headers_block()))
    assert r.goaway() == E.STREAM_CLOSED


def test_data_over_the_connection_window(serve, raw, frame):
    """4 x 16384 + 1 bytes, never acknowledged (/slow): over 65535."""
    server = serve(H2Config(connection_window_size=65535))
    r = raw(server.port)
    r.send(b"".join(frame(HEADERS, 4, s, r.headers_block("/slow")) + frame(DATA, 0, s, bytes(16384)) for s in (1, 3, 5, 7)))
    r.send(frame(DATA, 0, 7, b"x"))
    assert r.goaway() == E.FLOW_CONTROL_ERROR


def test_invalid_preface(serve, raw):
    server = serve()
    r = raw(server.port, preface=False)
    r.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert r.goaway() == E.PROTOCOL_ERROR


def test_preface_not_followed_by_settings(serve, raw, frame):
    server = serve()
    r = raw(server.port, preface=False)
    r.send(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + frame(PING, 0, 0, bytes(8)))
    assert r.goaway() == E.PROTOCOL_ERROR


def request_fields(*fields):
    return list(fields)


BASE = [(":method", "GET"), (":scheme", "http"), (":authority", "x"), (":path", "/")]
MALFORMED = [
    ("upper-case name", BASE + [("X-Upper", "1")]),
    ("unknown pseudo-header", BASE + [(":foo", "1")]),
    ("response pseudo-header", BASE + [(":status", "200")]),
    ("pseudo-header after a field", BASE[:3] + [("x", "1"), (":path", "/")]),
    ("duplicate :path", BASE + [(":path", "/again")]),
    ("missing :method", BASE[1:]),
    ("missing :scheme", [BASE[0]] + BASE[2:]),
    ("missing :path", BASE[:3]),
    ("empty :path", BASE[:3] + [(":path", "")]),
    ("connection header", BASE + [("connection", "keep-alive")]),
    ("transfer-encoding", BASE + [("transfer-encoding", "chunked")]),
    ("te other than trailers", BASE + [("te", "gzip")]),
    ("CR in a value", BASE + [("x", "a\rb")]),
    ("leading space in a value", BASE + [("x", " a")]),
    ("space in a name", BASE + [("x y", "a")]),
    ("content-length not a number", BASE + [("content-length", "1e3")]),
    ("two different content-lengths", BASE + [("content-length", "1"), ("content-length", "2")]),
    ("content-length without the body", BASE + [("content-length", "3")]),
    ("host differs from :authority", BASE + [("host", "other")]),
    ("CONNECT with a :path", [(":method", "CONNECT"), (":authority", "x:443"), (":path", "/")]),
]


@pytest.mark.parametrize(("name", "fields"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_requests_reset_the_stream(serve, raw, frame, name, fields):
    """§8.1.1: a stream error PROTOCOL_ERROR; the app sees nothing and the
    connection goes on."""
    server = serve()
    r = raw(server.port)
    r.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, r.encoder.encode(fields)))
    assert r.reset_of(1) == E.PROTOCOL_ERROR
    r.send(frame(HEADERS, END_HEADERS | END_STREAM, 3, r.headers_block("/next")))
    r.read_until(lambda frames: any(f[0] == DATA and f[2] == 3 for f in frames))
    assert [e.path for e in server.app.of_type(RequestReceived)] == [b"/next"]


def test_connect_with_authority_alone_is_a_request(serve, raw, frame):
    server = serve()
    r = raw(server.port)
    r.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, r.encoder.encode([(":method", "CONNECT"), (":authority", "h:443")])))
    r.read_until(lambda frames: any(f[0] == HEADERS and f[2] == 1 for f in frames))
    request = server.app.of_type(RequestReceived)[0]
    assert (request.method, request.authority, request.scheme, request.path) == (b"CONNECT", b"h:443", b"", b"")


STREAM_ERRORS = [
    ("DATA after END_STREAM (5.1 half-closed remote)",
     lambda r, f: f(HEADERS, 5, 1, r.headers_block("/hold")) + f(DATA, 0, 1, b"x"), E.STREAM_CLOSED),
    ("HEADERS after END_STREAM (5.1 half-closed remote)",
     lambda r, f: f(HEADERS, 5, 1, r.headers_block("/hold")) + f(HEADERS, 5, 1, r.encoder.encode([("x", "1")])),
     E.STREAM_CLOSED),
    ("trailers without END_STREAM (8.1)",
     lambda r, f: f(HEADERS, 4, 1, r.headers_block()) + f(HEADERS, 4, 1, r.encoder.encode([("x", "1")])),
     E.PROTOCOL_ERROR),
    ("pseudo-header in trailers (8.1)",
     lambda r, f: f(HEADERS, 4, 1, r.headers_block()) + f(HEADERS, 5, 1, r.encoder.encode([(":path", "/")])),
     E.PROTOCOL_ERROR),
    ("WINDOW_UPDATE of 0 on a stream (6.9)",
     lambda r, f: f(HEADERS, 4, 1, r.headers_block()) + f(WINDOW, 0, 1, u32(0)), E.PROTOCOL_ERROR),
    ("stream window over 2^31-1 (6.9.1)",
     lambda r, f: f(HEADERS, 4, 1, r.headers_block("/hold")) + f(WINDOW, 0, 1, u32(2**31 - 1)), E.FLOW_CONTROL_ERROR),
    ("PRIORITY of 4 bytes (6.3)", lambda r, f: f(PRIORITY, 0, 1, bytes(4)), E.FRAME_SIZE_ERROR),
    ("PRIORITY on itself (5.3.1)", lambda r, f: f(PRIORITY, 0, 1, u32(1) + b"\x10"), E.PROTOCOL_ERROR),
    ("HEADERS depending on itself (5.3.1)",
     lambda r, f: f(HEADERS, 5 | PRIO, 1, u32(1) + b"\x10" + r.headers_block()), E.PROTOCOL_ERROR),
    ("DATA over the stream window (6.9.1)", None, E.FLOW_CONTROL_ERROR),
    ("body longer than content-length (8.1.1)",
     lambda r, f: f(HEADERS, 4, 1, r.headers_block(extra=[("content-length", "2")])) + f(DATA, 1, 1, b"abc"),
     E.PROTOCOL_ERROR),
]


@pytest.mark.parametrize(("name", "frames", "code"), STREAM_ERRORS, ids=[c[0] for c in STREAM_ERRORS])
def test_stream_errors_answer_rst_stream(serve, raw, frame, name, frames, code):
    server = serve(H2Config(initial_window_size=1000))
    r = raw(server.port)
    r.read_until(lambda frames: any(f[0] == SETTINGS for f in frames))  # and ACK it: the 1000 applies
    r.send(frame(PING, 0, 0, bytes(8)))  # the ACK is read before what follows
    r.read_until(lambda frames: any(f[0] == PING for f in frames))
    if frames is None:
        frames = lambda r, f: f(HEADERS, 4, 1, r.headers_block()) + f(DATA, 0, 1, bytes(1001))  # noqa: E731
    r.send(frames(r, frame))
    assert r.reset_of(1) == code
    r.send(frame(HEADERS, END_HEADERS | END_STREAM, 3, r.headers_block("/next")))
    r.read_until(lambda frames: any(f[0] == DATA and f[2] == 3 for f in frames))
    assert not any(f[0] == GOAWAY for f in r.frames)


def test_streams_over_the_concurrency_limit_are_refused(serve, raw, frame):
    server = serve(H2Config(max_concurrent_streams=2))
    r = raw(server.port)
    r.send(b"".join(frame(HEADERS, END_HEADERS | END_STREAM, s, r.headers_block("/hold")) for s in (1, 3, 5)))
    assert r.reset_of(5) == E.REFUSED_STREAM
    server.run(server.app.release)
    r.read_until(lambda frames: {f[2] for f in frames if f[0] == DATA and f[1] & 1} == {1, 3})


def test_unknown_frames_and_priority_are_ignored(serve, raw, frame):
    server = serve()
    r = raw(server.port)
    r.send(frame(0xFA, 0xFF, 0, b"whatever") + frame(PRIORITY, 0, 9, u32(3) + b"\x10"))
    r.send(frame(HEADERS, END_HEADERS | END_STREAM | PADDED, 1, b"\x03" + r.headers_block("/ok") + b"pad"))
    r.read_until(lambda frames: any(f[0] == DATA and f[2] == 1 for f in frames))
    assert not any(f[0] in (GOAWAY, RST) for f in r.frames)


def test_late_frames_on_a_stream_we_reset_are_ignored(serve, raw, frame):
    """§5.1: after our RST_STREAM, frames already in flight are ignored (their
    DATA still counts against, and is given back to, the connection window)."""
    server = serve()
    r = raw(server.port)
    r.send(frame(HEADERS, END_HEADERS, 1, r.headers_block(extra=[("X-Bad", "1")])))
    assert r.reset_of(1) == E.PROTOCOL_ERROR
    r.send(frame(DATA, 0, 1, b"late") + frame(HEADERS, END_HEADERS | END_STREAM, 1, r.encoder.encode([("x", "1")])))
    r.send(frame(HEADERS, END_HEADERS | END_STREAM, 3, r.headers_block("/next")))
    r.read_until(lambda frames: any(f[0] == DATA and f[2] == 3 for f in frames))
    assert not any(f[0] == GOAWAY for f in r.frames)
    assert len([f for f in r.frames if f[0] == RST]) == 1
