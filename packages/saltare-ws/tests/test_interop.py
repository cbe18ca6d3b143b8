"""Interop over real sockets: the `websockets` client and a wsproto client
talk to an echo server built on saltare_ws (ws_server.py), on both backends."""

import socket

import pytest
import wsproto.events as wse
from websockets.exceptions import ConnectionClosed
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.sync.client import connect
from ws_server import TIMEOUT, EchoServer
from wsproto import ConnectionType, WSConnection
from wsproto.extensions import PerMessageDeflate

from saltare_ws import BytesMessage, Config, ConnectionFailed, DeflateConfig, TextMessage

DEFLATE = Config(deflate=DeflateConfig())


@pytest.fixture
def server_for(backend):
    servers = []

    def start(config=Config(), **kwargs):
        servers.append(EchoServer(backend, config, **kwargs))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_websockets_text_binary_and_fragments(server_for):
    server = server_for(subprotocol_choice=lambda offered: offered[-1])
    with connect(server.url, subprotocols=["a", "chat"], compression=None, open_timeout=TIMEOUT) as ws:
        assert ws.subprotocol == "chat"
        ws.send("héllo")
        assert ws.recv(TIMEOUT) == "héllo"
        ws.send(b"\x00\xff" * 40000)
        assert ws.recv(TIMEOUT) == b"\x00\xff" * 40000
        ws.send(["frag", "ment", "ed €"])  # one message in three frames
        assert ws.recv(TIMEOUT) == "fragmented €"
        ws.ping(b"hi").wait(TIMEOUT)
    events = server.connections[0]["events"]
    assert events[-1].code == 1000


def test_websockets_16_mib_message_is_refused_at_the_cap(server_for):
    server = server_for(Config(max_message_size=16 << 20))
    with connect(server.url, compression=None, max_size=None, open_timeout=TIMEOUT) as ws:
        ws.send(b"a" * (16 << 20))  # exactly at the cap: accepted
        assert ws.recv(TIMEOUT) == str(16 << 20)
        with pytest.raises(ConnectionClosed) as closed:
            ws.send(b"a" * ((16 << 20) + 1))
            ws.recv(TIMEOUT)
    assert closed.value.rcvd is None or closed.value.rcvd.code == 1009
    assert server.connections[0]["events"][-1] == ConnectionFailed(1009, "message too big")


DEFLATE_PARAMS = {
    "defaults": {},
    "server_no_context_takeover": {"server_no_context_takeover": True},
    "client_no_context_takeover": {"client_no_context_takeover": True},
    "server_max_window_bits": {"server_max_window_bits": 10},
    "client_max_window_bits": {"client_max_window_bits": 9},
}


@pytest.mark.parametrize("case", list(DEFLATE_PARAMS), ids=list(DEFLATE_PARAMS))
def test_websockets_permessage_deflate_with_each_parameter(server_for, case):
    server = server_for(DEFLATE)
    factory = ClientPerMessageDeflateFactory(**DEFLATE_PARAMS[case])
    with connect(server.url, compression=None, extensions=[factory], open_timeout=TIMEOUT) as ws:
        assert ws.protocol.extensions, "permessage-deflate was not negotiated"
        for _ in range(3):  # several messages: context takeover, or not
            ws.send("compress me " * 500)
            assert ws.recv(TIMEOUT) == "compress me " * 500
        ws.send([b"frag" * 100, b"ment" * 100])
        assert ws.recv(TIMEOUT) == b"frag" * 100 + b"ment" * 100
    params = server.connections[0]["acceptance"].deflate
    if case == "server_no_context_takeover":
        assert params.server_no_context_takeover
    if case == "client_no_context_takeover":
        assert params.client_no_context_takeover
    if case == "server_max_window_bits":
        assert params.server_max_window_bits == 10
    if case == "client_max_window_bits":
        assert params.client_max_window_bits == 9


def test_websockets_rejected_version_gets_426(server_for):
    server = server_for()
    with socket.create_connection(("127.0.0.1", server.port), timeout=TIMEOUT) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
        reply = sock.recv(4096)
    assert reply.startswith(b"HTTP/1.1 426 ") and b"sec-websocket-version: 13" in reply


class WsprotoClient:
    """wsproto as a client over a blocking socket."""

    def __init__(self, port: int, extensions=()):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.sock.sendall(self.ws.send(wse.Request(host="127.0.0.1", target="/", extensions=list(extensions))))
        self.accepted = self.next_event()
        assert isinstance(self.accepted, wse.AcceptConnection)

    def next_event(self):
        for _ in range(10000):  # bounded: each round reads or yields
            for event in self.ws.events():
                return event
            data = self.sock.recv(65536)
            self.ws.receive_data(data or None)
        raise AssertionError("no event")

    def message(self):
        parts = []
        while True:
            event = self.next_event()
            parts.append(event.data)
            if event.message_finished:
                return type(parts[0])().join(parts)

    def send(self, event) -> None:
        self.sock.sendall(self.ws.send(event))

    def close(self) -> None:
        self.send(wse.CloseConnection(code=1000, reason="done"))
        event = self.next_event()
        assert isinstance(event, wse.CloseConnection) and event.code == 1000
        self.sock.close()


def test_wsproto_client_text_binary_fragments_and_close(server_for):
    server = server_for()
    client = WsprotoClient(server.port)
    client.send(wse.TextMessage("hello"))
    assert client.message() == "hello"
    client.send(wse.BytesMessage(b"\x01" * 70000))
    assert client.message() == b"\x01" * 70000
    client.send(wse.TextMessage("a€", message_finished=False))
    client.send(wse.Ping(b"mid"))
    client.send(wse.TextMessage("b"))
    assert isinstance(client.next_event(), wse.Pong)
    assert client.message() == "a€b"
    client.close()
    events = server.connections[0]["events"]
    assert TextMessage("a€b") in events and BytesMessage(b"\x01" * 70000) in events


@pytest.mark.parametrize("params", [
    {},
    {"client_no_context_takeover": True},
    {"server_no_context_takeover": True},
    {"client_max_window_bits": 10},
    {"server_max_window_bits": 11},
], ids=["defaults", "client_no_context_takeover", "server_no_context_takeover",
        "client_max_window_bits", "server_max_window_bits"])
def test_wsproto_client_permessage_deflate(server_for, params):
    server = server_for(DEFLATE)
    client = WsprotoClient(server.port, [PerMessageDeflate(**params)])
    assert client.accepted.extensions
    for _ in range(3):
        client.send(wse.TextMessage("squeeze " * 300))
        assert client.message() == "squeeze " * 300
    client.close()
