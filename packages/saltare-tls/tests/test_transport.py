"""The Python twin of the engine transport (EngineTransport's methods) over
socketpairs, driven as saltare-core's selectors engine drives it, on both
TLSSession backends; and what both engines are handed (c_transport)."""

import errno
import os
import re
import socket
import ssl
from pathlib import Path

import pytest

from saltare_tls import EngineTransport, session_info, transport

ROUNDS = 2000  # bound of every exchange loop; both ends are non-blocking
HEADER = Path(__file__).resolve().parent.parent / "src" / "saltare_tls" / "_c" / "core_transport.h"


class Link:
    """A server end driven through the transport, a stdlib ssl client on the other."""

    def __init__(self, backend, config, client_ctx) -> None:
        self.transport = EngineTransport(backend.TLSContext(config))
        self.server, raw = socket.socketpair()
        self.server.setblocking(False)
        raw.setblocking(False)
        self.client = client_ctx.wrap_socket(raw, server_hostname="localhost", do_handshake_on_connect=False)
        self.state = self.transport.open(self.server)
        self.ready = 0

    def recv(self, n: int = 65536):
        data, flags = self.transport.recv(self.state, self.server, n)
        self.ready += bool(flags & transport.READY)
        return data, flags

    def handshake(self) -> None:
        for _ in range(ROUNDS):
            try:
                self.client.do_handshake()
                done = True
            except ssl.SSLWantReadError:
                done = False
            self.recv()
            if done and self.ready:
                return
        raise AssertionError("no handshake")

    def client_read(self) -> bytes:
        parts = []
        while True:
            try:
                chunk = self.client.recv(1 << 20)
            except ssl.SSLWantReadError:
                break
            if not chunk:
                break
            parts.append(chunk)
        return b"".join(parts)

    def close(self) -> None:
        self.transport.close(self.state)
        self.client.close()
        self.server.close()


@pytest.fixture
def link(backend, certs, server_config, client_context):
    made = []

    def make():
        client_ctx = client_context(certs, alpn=["http/1.1", "h2"])
        made.append(Link(backend, server_config._replace(alpn=("h2", "http/1.1")), client_ctx))
        return made[-1]

    yield make
    for one in made:
        one.close()


def test_handshake_reports_ready_once_then_plaintext_with_more(link):
    one = link()
    assert one.recv() == (None, 0)  # nothing sent yet
    one.handshake()
    assert one.transport.alpn(one.state) == b"h2"
    payload = bytes(range(256)) * 160  # 40960 bytes: three records
    one.client.sendall(payload)
    received, more_seen = b"", False
    for _ in range(ROUNDS):
        data, flags = one.recv(1000)
        if data is None:
            break
        assert len(data) <= 1000
        more_seen |= bool(flags & transport.MORE)
        received += data
    assert received == payload
    assert more_seen
    assert one.ready == 1


def test_close_notify_after_data_gives_the_data_then_the_end(link):
    one = link()
    one.handshake()
    one.client.sendall(b"bye")
    with pytest.raises(ssl.SSLWantReadError):
        one.client.unwrap()  # sends close_notify; the server has not answered yet
    data, flags = one.recv()
    assert data == b"bye" and flags & transport.MORE
    assert one.recv() == (b"", 0)
    assert one.recv() == (b"", 0)
    one.client.unwrap()  # the server's close_notify came: the unwrap completes


def test_send_takes_one_budget_at_a_time_and_nothing_while_queued(link):
    one = link()
    one.handshake()
    one.server.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
    head = b"HTTP/1.1 200 OK\r\ncontent-length: 1048576\r\n\r\n"
    body = bytes(range(256)) * 4096
    wire = head + body
    taken = 0
    received = bytearray()
    refused = False
    for i in range(100000):
        if len(received) == len(wire):
            break
        if taken < len(wire):
            views = [memoryview(wire)[taken:]]
            count, flags = one.transport.sendv(one.state, one.server, views)
            if count is None:
                assert flags == transport.WANT_WRITE
                refused = True
            else:
                assert 0 < count <= transport.SEND_BUDGET
                taken += count
        else:
            one.transport.flush(one.state, one.server)
        assert len(one.state.out) <= transport.SEND_BUDGET + 5 * 64  # records' overhead
        if i % 4 == 3:  # a slow reader
            received += one.client_read()
    assert received == wire
    assert refused
    assert one.transport.flush(one.state, one.server) == 0
    assert one.transport.sendv(one.state, one.server, []) == (0, 0)


def test_shutdown_sends_close_notify(link):
    one = link()
    one.handshake()
    one.transport.shutdown(one.state, one.server)
    assert one.client.recv(10) == b""  # close_notify: the end of the TLS stream


@pytest.mark.parametrize(("garbage", "alert"), [
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", False),  # OpenSSL sends no alert to HTTP
    (b"\x16\x03\x01\x00\x04\x01\x00\x00\x00", True),  # an empty ClientHello: decode_error
])
def test_garbage_is_a_protocol_error(link, garbage, alert):
    one = link()
    os.write(one.client.fileno(), garbage)  # raw bytes under the client's TLS
    with pytest.raises(OSError) as info:
        one.recv()
    assert info.value.errno == errno.EPROTO
    try:
        answer = os.read(one.client.fileno(), 64)
    except BlockingIOError:
        answer = b""
    assert (answer[:1] == b"\x15") == alert  # an alert record, or nothing


def test_send_before_the_handshake_is_refused(link):
    one = link()
    with pytest.raises(OSError) as info:
        one.transport.sendv(one.state, one.server, [b"x"])
    assert info.value.errno == errno.ENOTCONN


def test_session_info_of_a_state(link, certs):
    one = link()
    one.handshake()
    info = session_info(one.state)
    assert (info.alpn, info.sni, info.version) == ("h2", "localhost", "TLSv1.3")
    assert info.cipher == one.client.cipher()[0]
    assert not info.session_reused and info.peer_certificate is None
    assert session_info(one.state.session) == info
    with pytest.raises(ValueError):
        session_info(None)  # the Python engine's answer for a stale handle
    with pytest.raises(ValueError):
        session_info(0)  # the C engine's


def test_c_transport_is_the_c_table_or_a_type_error(backend, server_config):
    engine_transport = EngineTransport(backend.TLSContext(server_config))
    if backend.name == "python":
        with pytest.raises(TypeError, match="Python backend"):
            engine_transport.c_transport()
        return
    table, ctx = engine_transport.c_transport()
    assert table and ctx and table != ctx
    assert EngineTransport(backend.TLSContext(server_config)).c_transport()[0] == table  # one static table


def test_flag_values_are_the_c_ones():
    defines = dict(re.findall(r"#define SALTARE_CORE_T_(\w+) (0x\w+)u", HEADER.read_text()))
    assert {k: int(v, 16) for k, v in defines.items()} == {
        "HANDSHAKE": int(EngineTransport.handshake), "READY": transport.READY, "MORE": transport.MORE,
        "WANT_WRITE": transport.WANT_WRITE,
    }
