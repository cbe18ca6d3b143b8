"""Cleartext HTTP/2: prior knowledge and the HTTP/1.1 `Upgrade: h2c` path."""

import base64
import socket
import struct

import h2.config
import h2.connection
import h2.events
import pytest

from saltare_h2 import PREFACE, RequestReceived, StreamEnded, detect_preface, wants_h2c_upgrade

TIMEOUT = 5.0


@pytest.mark.parametrize(
    ("data", "expected"),
    [(b"", None), (b"PRI * HTTP/2", None), (PREFACE, True), (PREFACE + b"\0\0", True),
     (b"GET / HTTP/1.1\r\n", False), (b"P", None), (b"PUT", False), (b"\x16\x03\x01", False)],
)  # fmt: skip
def test_detect_preface(data, expected):
    assert detect_preface(data) is expected


SETTINGS = base64.urlsafe_b64encode(struct.pack(">HL", 3, 100)).rstrip(b"=")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([(b"upgrade", b"h2c"), (b"connection", b"Upgrade, HTTP2-Settings"), (b"http2-settings", SETTINGS)], SETTINGS),
        ([(b"upgrade", b"websocket, h2c"), (b"connection", b"upgrade"), (b"connection", b"http2-settings"),
          (b"http2-settings", SETTINGS)], SETTINGS),
        ([(b"upgrade", b"h2c"), (b"connection", b"Upgrade"), (b"http2-settings", SETTINGS)], None),
        ([(b"upgrade", b"h2c"), (b"connection", b"Upgrade, HTTP2-Settings")], None),
        ([(b"upgrade", b"h2"), (b"connection", b"Upgrade, HTTP2-Settings"), (b"http2-settings", SETTINGS)], None),
        ([(b"upgrade", b"h2c"), (b"connection", b"Upgrade, HTTP2-Settings"), (b"http2-settings", SETTINGS),
          (b"http2-settings", SETTINGS)], None),
    ],
)  # fmt: skip
def test_wants_h2c_upgrade(headers, expected):
    assert wants_h2c_upgrade(headers) == expected


def test_initiate_upgrade_in_memory(backend):
    conn = backend.H2Connection()
    events = conn.initiate_upgrade(SETTINGS, b"GET", b"/up", b"example.com",
                                   [(b"host", b"example.com"), (b"accept", b"*/*"), (b"upgrade", b"h2c")])  # fmt: skip
    assert events == [RequestReceived(1, b"GET", b"http", b"example.com", b"/up", [(b"accept", b"*/*")]), StreamEnded(1)]
    conn.send_response(1, 200, [], b"hi")
    assert conn.data_to_send()  # our SETTINGS, then the response on stream 1


@pytest.mark.parametrize("value", [b"!!", base64.urlsafe_b64encode(b"12345"), base64.urlsafe_b64encode(struct.pack(">HL", 2, 7))])
def test_initiate_upgrade_refuses_bad_settings(backend, value):
    with pytest.raises(ValueError):
        backend.H2Connection().initiate_upgrade(value, b"GET", b"/", b"x", [])


def test_h2c_upgrade_over_a_socket(serve):
    """h2 as the client: HTTP/1.1 request with Upgrade, 101, then HTTP/2;
    the upgraded request is answered on stream 1, and more requests follow."""
    server = serve(h2c=True)
    client = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding=None))
    settings = client.initiate_upgrade_connection()
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
        sock.sendall(
            b"GET /upgraded HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            b"Upgrade: h2c\r\nHTTP2-Settings: " + settings + b"\r\n\r\n"
        )
        received = b""
        for _ in range(100):
            if b"\r\n\r\n" in received:
                break
            received += sock.recv(65536)
        head, rest = received.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 101")
        sock.sendall(client.data_to_send())  # the preface and our SETTINGS
        events = client.receive_data(rest) if rest else []
        stream_id = client.get_next_available_stream_id()
        client.send_headers(stream_id, [(":method", "GET"), (":scheme", "http"), (":authority", "localhost"), (":path", "/second")], end_stream=True)
        sock.sendall(client.data_to_send())
        for _ in range(100):
            ended = {e.stream_id for e in events if isinstance(e, h2.events.StreamEnded)}
            if {1, stream_id} <= ended:
                break
            events += client.receive_data(sock.recv(65536))
            sock.sendall(client.data_to_send())
        bodies = {}
        for event in events:
            if isinstance(event, h2.events.DataReceived):
                bodies[event.stream_id] = bodies.get(event.stream_id, b"") + event.data
        assert bodies == {1: b"/upgraded", stream_id: b"/second"}


def test_prior_knowledge_on_the_cleartext_port(serve, client):
    server = serve(h2c=True)
    c = client(server.port)
    assert c.response(c.request("/direct"))["body"] == b"/direct"
