"""The engine serving HTTP/1 with the handed-over parser, on both backends:
a tiny server written on the engine (conftest.TinyHTTP) driven by raw sockets."""

import select
import socket
import struct

import httpx

from saltare_core import events
from saltare_core.config import EngineConfig, Http1Limits


def split_responses(data: bytes) -> list[bytes]:
    """Bodies of consecutive content-length responses."""
    bodies = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        bodies.append(rest[:length])
        data = rest[length:]
    return bodies


def count_responses(n):
    return lambda data: data.count(b"HTTP/1.1 ") >= n and len(split_responses_safe(data)) >= n


def split_responses_safe(data: bytes) -> list[bytes]:
    try:
        bodies = split_responses(data)
    except (IndexError, ValueError):
        return []
    return bodies


def test_get_request_gets_a_response(serve, pump, recv_until):
    engine, listener, app = serve()
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET /hello?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: T\r\n\r\n")
        seen = pump(engine, lambda s: any(e.kind == events.HEAD for e in s), app.handle)
        head = next(e.info for e in seen if e.kind == events.HEAD)
        assert (head.method, head.target, head.raw_path, head.query_string) == (b"GET", b"/hello?x=1", b"/hello", b"x=1")
        assert head.headers == [(b"host", b"a"), (b"user-agent", b"T")]
        assert head.http_version == "1.1" and head.keep_alive and not head.has_body
        assert engine.peer(seen[0].handle) == client.getsockname()
        data = recv_until(client, count_responses(1))
    assert split_responses(data) == [b"GET /hello?x=1|"]


def test_pipelined_requests_are_answered_in_order(serve, pump, recv_until):
    engine, listener, app = serve()
    wire = (
        b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
        b"POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
        b"POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nX-Sum: 5\r\n\r\n"
        b"GET /4 HTTP/1.0\r\n\r\n"
    )
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(wire)
        seen = pump(engine, lambda s: sum(e.kind == events.HEAD for e in s) == 4, app.handle)
        data = recv_until(client, lambda d: False)  # HTTP/1.0: the server closes
    assert split_responses(data) == [b"GET /1|", b"POST /2|hello", b"POST /3|abcde", b"GET /4|"]
    assert [e.info for e in seen if e.kind == events.END] == [[], [(b"x-sum", b"5")]]
    assert len({e.handle for e in seen}) == 1


def test_body_split_byte_by_byte(serve, pump, recv_until):
    engine, listener, app = serve()
    wire = b"POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwxyz\r\n0\r\n\r\n"
    with socket.create_connection(listener.getsockname()) as client:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for byte in wire:
            client.sendall(bytes([byte]))
            pump(engine, lambda s: True, app.handle)
        pump(engine, lambda s: not app.requests, app.handle)
        data = recv_until(client, count_responses(1))
    assert split_responses(data) == [b"POST /c|wxyz"]


def test_malformed_request_gets_its_status_and_close(serve, pump, recv_until):
    engine, listener, app = serve()
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
        seen = pump(engine, lambda s: any(e.kind == events.ERROR for e in s), app.handle)
        data = recv_until(client, lambda d: False)
    error = next(e for e in seen if e.kind == events.ERROR)
    assert (error.value, error.info) == (400, 19)  # DUPLICATE_CONTENT_LENGTH
    assert data.startswith(b"HTTP/1.1 400 ")


def test_a_close_with_the_request_unread_lingers_instead_of_resetting(serve, pump, recv_until):
    engine, listener, app = serve(EngineConfig(http1_limits=Http1Limits(max_body_bytes=1024)))
    with socket.create_connection(listener.getsockname()) as client:
        client.settimeout(10)
        client.sendall(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n" + b"x" * 4096)
        pump(engine, lambda s: any(e.kind == events.ERROR for e in s), app.handle)
        # Closed at once, what the client still sends would meet a reset.
        for _ in range(16):
            client.sendall(b"x" * 65536)
            pump(engine, lambda s: True)
        client.shutdown(socket.SHUT_WR)
        data = recv_until(client, lambda d: False)
        pump(engine, lambda s: engine.stats()["connections"] == 0)  # the client's EOF ended the linger
    assert data.startswith(b"HTTP/1.1 413 ") and data.endswith(b"\r\n\r\n")


def test_a_close_with_pipelined_bytes_lingers(serve, pump, recv_until):
    engine, listener, app = serve()
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET /a HTTP/1.1\r\nHost: a\r\n\r\n")
        head = next(e for e in pump(engine, lambda s: any(e.kind == events.HEAD for e in s)) if e.kind == events.HEAD)
        client.sendall(b"GET /b HTTP/1.1\r\nHost: a\r\n\r\n")  # pipelined while /a is with the caller
        pump(engine, lambda s: True)
        engine.write(head.handle, b"HTTP/1.1 200 OK\r\ncontent-length: 1\r\nconnection: close\r\n\r\na")
        engine.close(head.handle)
        assert recv_until(client, lambda d: False).endswith(b"\r\n\r\na")  # then EOF, not a reset
        assert engine.stats()["connections"] == 1  # lingering until the client's EOF
    pump(engine, lambda s: engine.stats()["connections"] == 0)


def test_a_linger_ends_when_its_time_is_up(serve, pump, recv_until):
    engine, listener, app = serve()
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nmore")
        pump(engine, lambda s: any(e.kind == events.ERROR for e in s), app.handle)
        assert recv_until(client, lambda d: False).startswith(b"HTTP/1.1 400 ")  # then EOF: closed for writing
        # The client neither sends nor closes: the slot is freed once the linger's time is up.
        pump(engine, lambda s: engine.stats()["connections"] == 0)


def test_a_head_not_finished_in_time_is_408(serve, pump, recv_until):
    engine, listener, app = serve(EngineConfig(header_timeout=0.3))
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n")
        seen = pump(engine, lambda s: any(e.kind == events.ERROR for e in s), app.handle)
        assert recv_until(client, lambda d: False).startswith(b"HTTP/1.1 408 ")
    error = next(e for e in seen if e.kind == events.ERROR)
    assert (error.value, error.info) == (408, 0)  # no parser error
    assert engine.counters.snapshot()["timeouts"] == 1
    with socket.create_connection(listener.getsockname()) as quiet:  # sent nothing: closed, no answer
        pump(engine, lambda s: engine.counters.snapshot()["timeouts"] == 2)
        assert recv_until(quiet, lambda d: False) == b""


def test_keep_alive_with_httpx(thread_server):
    server = thread_server()
    with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as client:
        for i in range(5):
            r = client.post(f"/n{i}", content=b"data" * i)
            assert r.status_code == 200
            assert r.content == f"POST /n{i}|".encode() + b"data" * i
        assert client.get("/big?300000").content == b"x" * 300000
    assert server.engine.counters.snapshot()["accepted"] == 1
    assert server.engine.counters.snapshot()["requests"] == 6


def test_slow_reader_is_served_with_bounded_buffering(serve, pump):
    config = EngineConfig(high_water=65536, low_water=16384, max_pending=1 << 20)
    engine, listener, app = serve(config)
    total = 8 << 20
    with socket.create_connection(listener.getsockname()) as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        client.sendall(f"GET /big?{total} HTTP/1.1\r\nHost: a\r\n\r\n".encode())
        # The client reads nothing until the server has hit its high-water mark.
        pump(engine, lambda s: app.max_pending > config.high_water, app.handle)
        client.setblocking(False)
        data = bytearray()
        for _ in range(100000):
            if data.count(b"x") >= total:
                break
            select.select([engine.fileno(), client], [], [], 0.05)
            for event in engine.poll():
                app.handle(event)
            try:
                data += client.recv(65536)
            except BlockingIOError:
                pass
    assert data.partition(b"\r\n\r\n")[2] == b"x" * total
    # Never more queued than high water plus one write: the rest waited for DRAINED.
    assert app.max_pending <= config.high_water + app.chunk
    assert any(e.kind == events.DRAINED for e in app.log)


def test_abrupt_resets_leave_the_engine_serving(serve, pump, recv_until):
    engine, listener, app = serve()
    for wire in (b"", b"GET / HT", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nabc"):
        client = socket.create_connection(listener.getsockname())
        client.sendall(wire)
        pump(engine, lambda s: engine.stats()["connections"] == 1, app.handle)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # RST
        pump(engine, lambda s: engine.stats()["connections"] == 0, app.handle)
    closed = [e for e in app.log if e.kind == events.CLOSED]
    assert len(closed) == 1  # only the connection with a request in flight was known
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET /after HTTP/1.1\r\nHost: a\r\n\r\n")
        pump(engine, lambda s: any(e.kind == events.HEAD for e in s), app.handle)
        assert split_responses(recv_until(client, count_responses(1))) == [b"GET /after|"]


def test_stale_handles_are_refused(serve, pump):
    engine, listener, app = serve()
    first = socket.create_connection(listener.getsockname())
    first.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    old = pump(engine, lambda s: s, None)[0].handle
    assert engine.close(old)
    assert engine.write(old, b"late") == -1
    assert engine.pending(old) == -1
    assert not engine.finish(old) and not engine.close(old) and not engine.pause_reading(old)
    assert not engine.set_raw(old) and engine.peer(old) is None
    second = socket.create_connection(listener.getsockname())
    second.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    new = pump(engine, lambda s: s, None)[0].handle
    assert new & 0xFFFFFFFF == old & 0xFFFFFFFF and new != old  # same slot, new generation
    assert engine.write(old, b"never") == -1
    assert engine.write(new, b"HTTP/1.1 204 X\r\n\r\n") == 0
    second.settimeout(10)
    assert second.recv(100) == b"HTTP/1.1 204 X\r\n\r\n"
    assert first.recv(100) == b""
    first.close()
    second.close()


def test_pause_reading_holds_the_body_back(serve, pump, recv_until):
    engine, listener, app = serve()
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\n")
        head = pump(engine, lambda s: s, app.handle)[0]
        assert engine.pause_reading(head.handle)
        client.sendall(b"abcdef")
        for _ in range(5):
            pump(engine, lambda s: True, app.handle, rounds=1)
        assert not any(e.kind == events.BODY for e in app.log)
        assert engine.resume_reading(head.handle)
        pump(engine, lambda s: any(e.kind == events.END for e in s), app.handle)
        assert split_responses(recv_until(client, count_responses(1))) == [b"POST /p|abcdef"]


def test_upgrade_switches_to_raw_mode(serve, pump, recv_until):
    engine, listener, _ = serve()
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET /ws HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\nearly")
        head = pump(engine, lambda s: s)[0]
        assert head.info.upgrade
        engine.write(head.handle, b"HTTP/1.1 101 Switching\r\n\r\n")
        engine.set_raw(head.handle)
        raw = pump(engine, lambda s: s)
        assert [(e.kind, e.data) for e in raw] == [(events.RAW, b"early")]
        client.sendall(b"more")
        assert [(e.kind, e.data) for e in pump(engine, lambda s: s)] == [(events.RAW, b"more")]
        client.shutdown(socket.SHUT_WR)
        closed = pump(engine, lambda s: s)
        assert [(e.kind, e.value) for e in closed] == [(events.CLOSED, events.CloseReason.PEER)]


def test_engine_without_protocol_is_a_raw_server(serve, pump, recv_until):
    engine, listener, _ = serve(http1=False)

    def echo(event):
        if event.kind == events.RAW:
            engine.write(event.handle, event.data.upper())

    with socket.create_connection(listener.getsockname()) as client:
        opened = pump(engine, lambda s: s)
        assert [e.kind for e in opened] == [events.OPENED]
        client.sendall(b"ping")
        pump(engine, lambda s: s, echo)
        assert recv_until(client, lambda d: len(d) >= 4) == b"PING"


def test_sendfile_serves_a_file(serve, pump, recv_until, tmp_path):
    engine, listener, _ = serve()
    path = tmp_path / "f.bin"
    payload = bytes(range(256)) * 2000
    path.write_bytes(payload)
    with socket.create_connection(listener.getsockname()) as client, open(path, "rb") as f:
        client.sendall(b"GET /f HTTP/1.1\r\nHost: a\r\n\r\n")
        handle = pump(engine, lambda s: s)[0].handle
        engine.write(handle, f"HTTP/1.1 200 OK\r\ncontent-length: {len(payload) - 10}\r\n\r\n".encode())
        try:
            engine.sendfile(handle, f.fileno(), 10, len(payload) - 10)
        except BufferError:  # the head was not sent at once: wait for the queue
            pump(engine, lambda s: engine.pending(handle) == 0)
            engine.sendfile(handle, f.fileno(), 10, len(payload) - 10)
        engine.finish(handle)
        expect = len(payload) - 10
        data = recv_until(client, lambda d: len(d.partition(b"\r\n\r\n")[2]) >= expect)
        pump(engine, lambda s: engine.pending(handle) <= 0)
    assert data.partition(b"\r\n\r\n")[2] == payload[10:]


def test_respond_writes_and_finishes_in_one_call(serve, pump, recv_until):
    engine, listener, _ = serve()
    response = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
    request = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"

    def next_head() -> int:
        seen = pump(engine, lambda s: any(e.kind == events.HEAD for e in s), None)
        return next(e.handle for e in seen if e.kind == events.HEAD)

    with socket.create_connection(listener.getsockname()) as client:
        for _ in range(2):  # kept alive: the second request comes on the same connection
            client.sendall(request)
            assert engine.respond(next_head(), response) == 0
            assert recv_until(client, lambda d: d.endswith(b"ok")) == response
        client.sendall(request)
        handle = next_head()
        assert engine.respond(handle, response, keep_alive=False) == 0
        assert recv_until(client, lambda d: d.endswith(b"ok")) == response
        client.settimeout(10)
        assert client.recv(1) == b""  # closed after the flush
    assert engine.respond(handle, response) == -1  # the handle is stale now


def test_respond_sends_data_then_body_and_queues_what_the_socket_did_not_take(serve, pump):
    """respond(handle, head, body=...) writes the two parts in one writev; a
    body larger than the socket takes at once is queued behind the head, in
    order, and the connection is kept for the next request."""
    engine, listener, _ = serve(EngineConfig(max_pending=16 << 20))
    # 8 MiB to a client with a small window: more than a loopback socket's
    # send buffer (which starts at megabytes on current kernels) takes.
    body = bytes(range(256)) * 32768
    head = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body)
    with socket.socket() as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.connect(listener.getsockname())
        client.setblocking(False)
        for target in (b"/big", b"/small"):
            client.sendall(b"GET %s HTTP/1.1\r\nHost: a\r\n\r\n" % target)
            seen = pump(engine, lambda s: any(e.kind == events.HEAD for e in s), None)
            handle = next(e.handle for e in seen if e.kind == events.HEAD)
            part = body if target == b"/big" else b"ok"
            reply = head if target == b"/big" else b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"
            pending = engine.respond(handle, reply, body=part)
            assert pending >= 0
            if target == b"/big":
                assert pending > 0  # the rest waits in the queue
            data = b""
            for _ in range(20000):  # bounded: the engine flushes while the client reads
                select.select([engine.fileno(), client], [], [], 0.05)
                engine.poll()
                try:
                    data += client.recv(1 << 20)
                except BlockingIOError:
                    pass
                if len(data) >= len(reply) + len(part):
                    break
            assert data == reply + part
        assert engine.pending(handle) == 0


def test_peer_leaving_while_its_request_is_served_is_reported(serve, pump):
    """Reading stops after a head; a client that closes then is reported at
    once (the server's http.disconnect), not at the next write."""
    engine, listener, _ = serve()
    client = socket.create_connection(listener.getsockname())
    client.sendall(b"GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
    handle = next(e.handle for e in pump(engine, lambda s: any(e.kind == events.HEAD for e in s), None))
    client.close()
    closed = pump(engine, lambda s: any(e.kind == events.CLOSED for e in s), None)
    assert [(e.kind, e.handle, e.value) for e in closed] == [(events.CLOSED, handle, events.CloseReason.PEER)]
    assert engine.write(handle, b"late") == -1


def test_pipelined_bytes_while_serving_are_kept(serve, pump, recv_until):
    """A second request arriving while the first is served is not mistaken for
    a departure, and is answered after finish()."""
    engine, listener, _ = serve()
    response = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n")
        first = next(e for e in pump(engine, lambda s: any(e.kind == events.HEAD for e in s), None))
        client.sendall(b"GET /2 HTTP/1.1\r\nHost: a\r\n\r\n")
        quiet = []
        for _ in range(10):  # a bounded look: the engine must report nothing
            select.select([engine.fileno()], [], [], 0.05)
            quiet += engine.poll()
        assert quiet == []
        engine.respond(first.handle, response)
        second = next(e for e in pump(engine, lambda s: any(e.kind == events.HEAD for e in s), None))
        assert second.info.target == b"/2"
        engine.respond(second.handle, response)
        assert recv_until(client, lambda d: d.count(b"ok") == 2) == response * 2
