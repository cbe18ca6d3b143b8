"""The transport seam (engine.set_transport) on both backends, over real
sockets, with the "hello-then-XOR" test transport of xor_transport.py: its
C table on the C engine, its Python twin on the Python engine."""

import importlib.util
import select
import socket
from pathlib import Path

import pytest

import saltare_core
from saltare_core import events
from saltare_core.config import EngineConfig
from saltare_core.events import CloseReason

_spec = importlib.util.spec_from_file_location("xor_transport", Path(__file__).parent / "xor_transport.py")
X = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(X)

REQUEST = b"GET /hello HTTP/1.1\r\nHost: a\r\n\r\n"


def ok(body: bytes, keep_alive: bool = True) -> bytes:
    close = b"" if keep_alive else b"connection: close\r\n"
    return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n%s\r\n%s" % (len(body), close, body)


@pytest.fixture(scope="session")
def xor_native(tmp_path_factory):
    """The C transport, compiled once per session into a temporary cffi module."""
    return X.build_c_module(tmp_path_factory.mktemp("xor_transport"))


@pytest.fixture
def make_transport(backend, request):
    def make(**settings):
        if backend.name == "c":
            return X.CXorTransport(request.getfixturevalue("xor_native"), **settings)
        return X.PyXorTransport(**settings)

    return make


@pytest.fixture
def secure_serve(backend, make_transport, http1_for):
    """secure_serve(config=None, http1=True, **transport settings) -> (engine, port, transport)."""
    made = []

    def make(config: EngineConfig | None = None, http1: bool = True, **settings):
        engine = backend.Engine(config or EngineConfig(), http1=http1_for(backend) if http1 else None)
        transport = make_transport(**settings)
        engine.set_transport(transport)
        listener = socket.create_server(("127.0.0.1", 0))
        engine.add_listener(listener)
        made.append((engine, listener))
        return engine, listener.getsockname()[1], transport

    yield make
    for engine, listener in made:
        engine.destroy()
        listener.close()


def exchange(engine, client, until, handle=None, rounds: int = 20000, read_size: int = 65536) -> bytes:
    """Poll the engine and read the client (decoded) in turns until
    until(data) or EOF; every event goes through handle(event) first.
    Bounded: each round waits at most 50 ms."""
    data = b""
    client.sock.setblocking(False)
    try:
        for _ in range(rounds):
            select.select([engine.fileno(), client.sock], [], [], 0.05)
            for event in engine.poll():
                if handle:
                    handle(event)
            try:
                chunk = client.sock.recv(read_size)
            except BlockingIOError:
                chunk = None
            if chunk == b"":
                return data
            if chunk:
                data += X.xor(chunk)
            if until(data):
                return data
    finally:
        client.sock.settimeout(X.WAIT)
    raise AssertionError(f"the client never got what it waited for; got {len(data)} bytes: {data[-200:]!r}")


def kinds(seen, kind):
    return [event for event in seen if event.kind == kind]


def test_flag_constants_are_the_c_ones(c_native):
    from saltare_core._native import lib

    assert saltare_core.transport.TRANSPORT_ABI == lib.SALTARE_CORE_TRANSPORT_ABI
    assert saltare_core.TRANSPORT_READY == lib.SALTARE_CORE_T_READY
    assert saltare_core.TRANSPORT_MORE == lib.SALTARE_CORE_T_MORE
    assert saltare_core.TRANSPORT_WANT_WRITE == lib.SALTARE_CORE_T_WANT_WRITE
    assert events.SECURE == 11 and CloseReason.HANDSHAKE_TIMEOUT == 10


@pytest.mark.parametrize("budget", [1500, 2], ids=["budget1500", "budget2"])
def test_handshake_reports_secure_with_alpn_then_http1_with_keep_alive(secure_serve, pump, budget):
    """With a 2-byte budget even the handshake's answer waits in the
    transport (WANT_WRITE from recv) and leaves through flush()."""
    engine, port, transport = secure_serve(budget=budget)
    client = X.XorClient(port)
    seen = pump(engine, lambda seen: kinds(seen, events.SECURE))
    secure = kinds(seen, events.SECURE)[0]
    assert secure.data == b"xor/1"
    answer = exchange(engine, client, lambda data: len(data) == 8)
    assert X.xor(answer) == b"OK\x05xor/1"  # sent as is, and exchange() un-XORs what it reads
    assert engine.resume_reading(secure.handle)

    def serve(event):
        if event.kind == events.HEAD:
            engine.respond(event.handle, ok(event.info.target))

    for target in (b"/first", b"/second-one-that-is-longer-than-seven-bytes"):
        client.send(b"GET %s HTTP/1.1\r\nHost: a\r\n\r\n" % target)
        assert exchange(engine, client, lambda data, t=target: data.endswith(t), serve) == ok(target)
    client.close()
    assert transport.counts()[0] == 1


def test_respond_with_a_body_part_through_a_transport_that_takes_two_bytes(secure_serve, pump):
    """The transport takes 2 bytes a call: the split falls inside the head,
    and the rest of the head, then the whole body, are queued in order."""
    engine, port, _ = secure_serve(budget=2)
    client = X.XorClient(port)
    handle = kinds(pump(engine, lambda seen: kinds(seen, events.SECURE)), events.SECURE)[0].handle
    exchange(engine, client, lambda data: len(data) == 8)  # the handshake's answer, 2 bytes a flush
    engine.resume_reading(handle)
    body = bytes(range(256)) * 16
    head = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body)

    def serve(event):
        if event.kind == events.HEAD:
            assert engine.respond(event.handle, head, body=body) > 0

    client.send(REQUEST)
    assert exchange(engine, client, lambda data: len(data) >= len(head) + len(body), serve) == head + body
    client.close()


def test_transport_state_per_backend(backend, secure_serve, pump):
    engine, port, _ = secure_serve()
    client = X.XorClient(port)
    handle = kinds(pump(engine, lambda seen: kinds(seen, events.SECURE)), events.SECURE)[0].handle
    state = engine.transport_state(handle)
    if backend.name == "c":
        assert isinstance(state, int) and state != 0  # the address of the C state
    else:
        assert isinstance(state, X.XorState) and state.ready
    client.close()


def test_request_sent_with_the_handshake_waits_for_resume(secure_serve, pump):
    engine, port, _ = secure_serve()
    client = X.XorClient(port, first_flight=REQUEST)
    seen = pump(engine, lambda seen: kinds(seen, events.SECURE))
    handle = kinds(seen, events.SECURE)[0].handle
    for _ in range(5):
        assert not kinds(engine.poll(), events.HEAD)  # paused until the caller answers SECURE
    engine.resume_reading(handle)
    heads = kinds(pump(engine, lambda seen: kinds(seen, events.HEAD)), events.HEAD)
    assert heads[0].handle == handle and heads[0].info.target == b"/hello"
    client.close()


def test_set_raw_after_secure_delivers_raw_bytes(secure_serve, pump):
    engine, port, _ = secure_serve(alpn=b"h2")
    preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    client = X.XorClient(port, first_flight=preface)
    secure = kinds(pump(engine, lambda seen: kinds(seen, events.SECURE)), events.SECURE)[0]
    assert secure.data == b"h2"
    assert client.handshake() == b"h2"
    assert engine.set_raw(secure.handle)

    def raw_bytes(seen):
        return b"".join(event.data for event in kinds(seen, events.RAW))

    seen = pump(engine, lambda seen: raw_bytes(seen) == preface)
    client.send(b"more bytes")
    seen += pump(engine, lambda seen: raw_bytes(seen) == b"more bytes")
    assert raw_bytes(seen) == preface + b"more bytes"
    assert not kinds(seen, events.HEAD)
    engine.write(secure.handle, b"raw answer")
    assert exchange(engine, client, lambda data: data == b"raw answer") == b"raw answer"
    client.close()


def test_raw_engine_reports_secure_instead_of_opened(secure_serve, pump):
    engine, port, _ = secure_serve(http1=False)
    client = X.XorClient(port, first_flight=b"early")
    seen = pump(engine, lambda seen: kinds(seen, events.SECURE))
    assert not kinds(seen, events.OPENED)
    handle = kinds(seen, events.SECURE)[0].handle
    engine.resume_reading(handle)

    def raw_bytes(seen):
        return b"".join(event.data for event in kinds(seen, events.RAW))

    assert raw_bytes(pump(engine, lambda seen: raw_bytes(seen) == b"early")) == b"early"
    client.handshake()  # read all it was sent: its close is then a FIN, not a reset
    client.close()
    closed = kinds(pump(engine, lambda seen: kinds(seen, events.CLOSED)), events.CLOSED)
    assert closed[0].handle == handle and closed[0].value == CloseReason.PEER


def test_large_response_to_a_slow_reader_stays_bounded(secure_serve, pump):
    config = EngineConfig(high_water=65536, low_water=16384)
    engine, port, _ = secure_serve(config)
    client = X.XorClient(port)
    handle = kinds(pump(engine, lambda seen: kinds(seen, events.SECURE)), events.SECURE)[0].handle
    client.handshake()
    engine.resume_reading(handle)
    size, chunk = 1 << 20, 65536
    body = bytes(range(256)) * (size // 256)
    state = {"sent": 0, "max_pending": 0, "drained": 0}

    def write_more():
        while state["sent"] < size:
            piece = body[state["sent"] : state["sent"] + chunk]
            pending = engine.write(handle, piece)
            state["sent"] += len(piece)
            state["max_pending"] = max(state["max_pending"], pending)
            if pending > config.high_water:
                return  # wait for DRAINED
        engine.finish(handle)

    def serve(event):
        if event.kind == events.HEAD:
            engine.write(handle, b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % size)
            write_more()
        elif event.kind == events.DRAINED:
            state["drained"] += 1
            write_more()

    client.send(REQUEST)
    data = exchange(engine, client, lambda data: len(data) >= size and data.endswith(body[-64:]), serve,
                    read_size=1024)
    assert data.endswith(body) and data.index(b"\r\n\r\n") + 4 + size == len(data)
    assert state["drained"] >= 1
    assert state["max_pending"] <= config.high_water + chunk
    client.close()


def test_sendfile_goes_through_the_transport(secure_serve, pump, tmp_path):
    engine, port, _ = secure_serve()
    content = bytes(range(256)) * 800  # 200 KiB
    path = tmp_path / "file.bin"
    path.write_bytes(content)
    client = X.XorClient(port, first_flight=REQUEST)
    handle = kinds(pump(engine, lambda seen: kinds(seen, events.SECURE)), events.SECURE)[0].handle
    client.handshake()
    engine.resume_reading(handle)
    pump(engine, lambda seen: kinds(seen, events.HEAD))
    part = content[100:]
    engine.write(handle, b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(part))
    with open(path, "rb") as file:
        assert engine.sendfile(handle, file.fileno(), 100, len(part)) > 0
    engine.finish(handle)
    data = exchange(engine, client, lambda data: data.endswith(part[-64:]) and len(data) > len(part))
    assert data.endswith(b"\r\n\r\n" + part)
    client.close()


@pytest.mark.parametrize("timeouts", [{"handshake_timeout": 0.3}, {"header_timeout": 0.3}],
                         ids=["handshake_timeout", "header_timeout_fallback"])
def test_handshake_timeout_reaps_a_silent_client_unreported(secure_serve, pump, timeouts):
    engine, port, transport = secure_serve(EngineConfig(tick=0.05, **timeouts))
    silent = socket.create_connection(("127.0.0.1", port), timeout=X.WAIT)
    silent.sendall(b"HE")  # half a hello, then nothing
    seen = pump(engine, lambda seen: engine.counters.snapshot()["timeouts"] == 1)
    assert not kinds(seen, events.CLOSED)  # the caller never knew it
    assert engine.stats()["connections"] == 0
    opened, closed, _ = transport.counts()
    assert opened == closed == 1
    while silent.recv(4096):  # the transport's marker at most, then EOF
        pass
    silent.close()


def test_max_handshakes_rejects_the_extra_connection(secure_serve, pump):
    engine, port, _ = secure_serve(EngineConfig(max_handshakes=2))
    clients = [socket.create_connection(("127.0.0.1", port), timeout=X.WAIT) for _ in range(2)]
    pump(engine, lambda seen: engine.stats()["connections"] == 2)
    extra = socket.create_connection(("127.0.0.1", port), timeout=X.WAIT)
    pump(engine, lambda seen: engine.counters.snapshot()["rejected"] == 1)
    assert extra.recv(16) == b""
    extra.close()
    for sock in clients:
        sock.sendall(b"HELO")
    seen = pump(engine, lambda seen: len(kinds(seen, events.SECURE)) == 2)
    assert len({event.handle for event in kinds(seen, events.SECURE)}) == 2
    # No longer handshaking: a new connection is taken again.
    later = socket.create_connection(("127.0.0.1", port), timeout=X.WAIT)
    pump(engine, lambda seen: engine.stats()["connections"] == 3)
    assert engine.counters.snapshot()["rejected"] == 1
    for sock in (*clients, later):
        sock.close()


def test_a_refusing_transport_rejects_connections(secure_serve, pump):
    engine, port, transport = secure_serve(refuse=True)
    sock = socket.create_connection(("127.0.0.1", port), timeout=X.WAIT)
    pump(engine, lambda seen: engine.counters.snapshot()["rejected"] == 1)
    assert sock.recv(16) == b""
    assert engine.stats()["connections"] == 0 and transport.counts() == (0, 0, 0)
    sock.close()


def test_local_close_sends_the_shutdown_marker_and_peer_close_does_not(secure_serve, pump):
    engine, port, transport = secure_serve()
    client = X.XorClient(port, first_flight=REQUEST)
    handle = kinds(pump(engine, lambda seen: kinds(seen, events.SECURE)), events.SECURE)[0].handle
    client.handshake()
    engine.resume_reading(handle)
    pump(engine, lambda seen: kinds(seen, events.HEAD))
    body = b"bye!" * 2000  # more than the transport's queue: close waits for its flushes
    engine.respond(handle, ok(body, keep_alive=False), keep_alive=False)
    data = exchange(engine, client, lambda data: False)  # until EOF
    assert data == ok(body, keep_alive=False) + b"BYE"
    assert transport.counts() == (1, 1, 1)
    client.close()

    peer = X.XorClient(port)
    handle = kinds(pump(engine, lambda seen: kinds(seen, events.SECURE)), events.SECURE)[0].handle
    peer.handshake()  # read all it was sent: its close is then a FIN, not a reset
    peer.close()
    closed = kinds(pump(engine, lambda seen: kinds(seen, events.CLOSED)), events.CLOSED)
    assert closed[0].handle == handle and closed[0].value == CloseReason.PEER
    assert transport.counts() == (2, 2, 1)  # no marker for a peer that left


def test_stale_handles_do_nothing(backend, secure_serve, pump):
    engine, port, _ = secure_serve()
    client = X.XorClient(port)
    handle = kinds(pump(engine, lambda seen: kinds(seen, events.SECURE)), events.SECURE)[0].handle
    assert engine.close(handle)
    assert engine.transport_state(handle) == (0 if backend.name == "c" else None)
    assert not engine.resume_reading(handle)
    assert not engine.set_raw(handle)
    assert engine.write(handle, b"x") == -1
    client.close()


def test_graceful_stop_closes_handshakes(secure_serve, pump):
    engine, port, transport = secure_serve()
    sock = socket.create_connection(("127.0.0.1", port), timeout=X.WAIT)
    pump(engine, lambda seen: engine.stats()["connections"] == 1)
    engine.shutdown()
    seen = pump(engine, lambda seen: kinds(seen, events.STOPPED))
    assert not kinds(seen, events.CLOSED)
    assert transport.counts()[:2] == (1, 1)
    sock.close()


def test_not_a_hello_is_closed_and_the_next_client_served(secure_serve, pump):
    engine, port, transport = secure_serve()
    garbage = socket.create_connection(("127.0.0.1", port), timeout=X.WAIT)
    garbage.sendall(b"GET / HTTP/1.1\r\n\r\n")
    seen = pump(engine, lambda seen: transport.counts()[1] == 1)
    assert not kinds(seen, events.CLOSED) and transport.counts()[2] == 0  # closed as a reset: no marker
    garbage.close()
    client = X.XorClient(port)
    seen = pump(engine, lambda seen: kinds(seen, events.SECURE))
    assert len(kinds(seen, events.SECURE)) == 1
    assert client.handshake() == b"xor/1"
    client.close()


def test_set_transport_refused_once_a_connection_exists(backend, make_transport):
    engine = backend.Engine(EngineConfig())
    left, right = socket.socketpair()
    engine.adopt(left)
    with pytest.raises(ValueError, match="set_transport"):
        engine.set_transport(make_transport())
    engine.destroy()
    right.close()


def test_set_transport_refuses_a_table_of_another_abi(c_native):
    from cffi import FFI

    ffi = FFI()
    table = ffi.new("uint32_t[32]", [1, 1])

    class OldTransport:
        def c_transport(self):
            return int(ffi.cast("uintptr_t", table)), 0

    engine = c_native.Engine(EngineConfig())
    with pytest.raises(ValueError, match="ABI 1"):
        engine.set_transport(OldTransport())
    with pytest.raises(TypeError, match="no C table"):
        engine.set_transport(X.PyXorTransport())
    engine.destroy()


def test_python_engine_refuses_what_is_not_a_transport():
    from saltare_core import _pybackend

    engine = _pybackend.Engine(EngineConfig())
    with pytest.raises(TypeError, match="not a transport"):
        engine.set_transport(object())
    engine.destroy()
