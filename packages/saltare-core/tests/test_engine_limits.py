"""Caps, listeners, graceful stop and shared counters, on both backends."""

import os
import socket
import subprocess
import sys
import textwrap

import pytest

from saltare_core import SharedCounters, events, listeners
from saltare_core.config import EngineConfig


def refused(sock: socket.socket) -> bool:
    """The server closed the connection (EOF or reset) without a byte."""
    sock.settimeout(10)
    try:
        return sock.recv(10) == b""
    except ConnectionResetError:
        return True


def test_over_max_connections_is_accepted_and_closed(serve, pump):
    engine, listener, app = serve(EngineConfig(max_connections=2))
    kept = [socket.create_connection(listener.getsockname()) for _ in range(2)]
    pump(engine, lambda s: engine.stats()["connections"] == 2)
    extra = socket.create_connection(listener.getsockname())
    pump(engine, lambda s: engine.counters.snapshot()["rejected"] == 1)
    assert refused(extra)
    assert engine.stats()["connections"] == 2
    for sock in kept + [extra]:
        sock.close()


def test_per_ip_cap(serve, pump):
    engine, listener, app = serve(EngineConfig(max_connections_per_ip=1))
    first = socket.create_connection(listener.getsockname())
    pump(engine, lambda s: engine.stats()["connections"] == 1)
    second = socket.create_connection(listener.getsockname())
    pump(engine, lambda s: engine.counters.snapshot()["rejected"] == 1)
    assert refused(second)
    first.close()
    pump(engine, lambda s: engine.stats()["connections"] == 0)
    third = socket.create_connection(listener.getsockname())  # the count went back down
    pump(engine, lambda s: engine.stats()["connections"] == 1)
    third.close()
    second.close()


def test_accept_rate_limit(serve, pump):
    engine, listener, app = serve(EngineConfig(accept_rate=0.001, accept_burst=2))
    socks = [socket.create_connection(listener.getsockname()) for _ in range(3)]
    pump(engine, lambda s: engine.counters.snapshot()["accepted"] + engine.counters.snapshot()["rejected"] == 3)
    assert engine.counters.snapshot()["rejected"] == 1
    assert refused(socks[2])
    for sock in socks:
        sock.close()


def test_unix_socket_listener(backend, http1_for, pump, recv_until, tmp_path):
    path = str(tmp_path / "s.sock")
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(path)
    stale.close()  # leaves a stale socket file behind
    listener = listeners.unix(path)
    engine = backend.Engine(http1=http1_for(backend))
    engine.add_listener(listener)
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(path)
        client.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        head = pump(engine, lambda s: s)[0]
        assert engine.peer(head.handle) == ""
        engine.write(head.handle, b"HTTP/1.1 204 X\r\n\r\n")
        assert recv_until(client, lambda d: d.endswith(b"\r\n\r\n")) == b"HTTP/1.1 204 X\r\n\r\n"
    engine.destroy()
    listeners.close_unix(listener)
    assert not os.path.exists(path)


def test_refuse_stops_listening_in_every_copy(tmp_path):
    tcp = listeners.tcp("127.0.0.1", 0)
    unix = listeners.unix(str(tmp_path / "r.sock"))
    for sock, family in ((tcp, socket.AF_INET), (unix, socket.AF_UNIX)):
        copy = socket.socket(fileno=os.dup(sock.fileno()))  # what another process would hold
        address = sock.getsockname()
        queued = socket.socket(family)
        queued.connect(address)  # in the backlog, never accepted
        listeners.refuse(sock)
        with socket.socket(family) as late, pytest.raises(ConnectionRefusedError):
            late.connect(address)
        listeners.refuse(sock)  # twice is harmless
        if family == socket.AF_INET:
            assert refused(queued)  # TCP resets the backlog at once
        copy.close()
        sock.close()
        assert refused(queued)  # a Unix socket's, when the last copy closes
        queued.close()


def test_ipv6_inherited_fd_and_reuse_port_listeners(backend, http1_for, pump):
    try:
        v6 = listeners.tcp("::1", 0)
    except OSError:
        pytest.skip("no IPv6 loopback")
    a = listeners.tcp("127.0.0.1", 0, reuse_port=True)
    b = listeners.tcp("127.0.0.1", a.getsockname()[1], reuse_port=True)  # same port: SO_REUSEPORT
    inherited = listeners.inherited(os.dup(a.fileno()))
    engine = backend.Engine(http1=http1_for(backend))
    for sock in (v6, b, inherited):
        engine.add_listener(sock)
    clients = [socket.create_connection(v6.getsockname()[:2])]
    clients += [socket.create_connection(a.getsockname()) for _ in range(4)]
    for client in clients:
        client.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
    seen = pump(engine, lambda s: len(s) == 1 + sum(1 for _ in clients[1:]) or len(s) == 5, None, rounds=40)
    peers = {engine.peer(e.handle)[0] for e in seen}
    assert "::1" in peers and "127.0.0.1" in peers
    for sock in clients + [v6, a, b, inherited]:
        sock.close()
    engine.destroy()


def test_graceful_stop_waits_for_the_request_in_flight(serve, pump, recv_until):
    engine, listener, app = serve()
    idle = socket.create_connection(listener.getsockname())
    busy = socket.create_connection(listener.getsockname())
    busy.sendall(b"GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
    head = pump(engine, lambda s: s)[0]  # not answered yet
    pump(engine, lambda s: engine.stats()["connections"] == 2)
    engine.shutdown()
    assert refused(idle)
    late = socket.socket()
    late.settimeout(10)
    for _ in range(3):
        assert [e.kind for e in engine.poll()] == []  # not stopped: a request is in flight
    engine.write(head.handle, b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
    engine.finish(head.handle)  # draining: closed after the flush, not kept alive
    seen = pump(engine, lambda s: any(e.kind == events.STOPPED for e in s))
    assert [e.kind for e in seen] == [events.STOPPED]
    assert recv_until(busy, lambda d: False).endswith(b"ok")
    for sock in (idle, busy, late):
        sock.close()


def test_counters_are_shared_across_fork(backend, http1_for, pump):
    counters = SharedCounters()
    listener = socket.create_server(("127.0.0.1", 0))
    pid = os.fork()
    if pid == 0:  # the worker: serves one request into the shared page
        code = 1
        try:
            engine = backend.Engine(http1=http1_for(backend), counters=counters)
            engine.add_listener(listener)
            pump(engine, lambda s: s)
            code = 0
        finally:
            os._exit(code)
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        _, status = os.waitpid(pid, 0)
    assert status == 0
    totals = counters.snapshot()
    assert totals["accepted"] == 1 and totals["requests"] == 1 and totals["bytes_in"] > 20
    listener.close()


EMFILE_SERVER = textwrap.dedent("""
    import resource, select, socket, sys, time
    sys.path.insert(0, sys.argv[1])
    import conftest
    from saltare_core import _pybackend
    backend = conftest.c_backend() if sys.argv[2] == "c" else _pybackend
    engine = backend.Engine(http1=conftest.http1_for(backend))
    listener = socket.create_server(("127.0.0.1", 0))
    engine.add_listener(listener)
    # Leave room for a few connections only.
    import os
    used = len(os.listdir("/proc/self/fd"))
    resource.setrlimit(resource.RLIMIT_NOFILE, (used + 3, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    print(listener.getsockname()[1], flush=True)
    wakeups = 0
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        ready, _, _ = select.select([engine.fileno()], [], [], 0.05)
        if ready:
            wakeups += 1
        engine.poll()
    print(wakeups, engine.counters.snapshot()["rejected"], engine.stats()["connections"], flush=True)
""")


def test_fd_exhaustion_is_survived_without_a_busy_loop(backend, tmp_path):
    script = tmp_path / "emfile_server.py"
    script.write_text(EMFILE_SERVER)
    here = os.path.dirname(__file__)
    proc = subprocess.Popen([sys.executable, str(script), here, backend.name], stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline())
        clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(12)]
        out, _ = proc.communicate(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    wakeups, rejected, connections = map(int, out.split())
    assert connections >= 1 and rejected >= 1
    # A busy loop would wake ~20 times per 0.05 s wait... thousands in total.
    assert wakeups < 200
    for client in clients:
        client.close()


def accepted_socket_options(client: socket.socket) -> tuple[int, int, int, int]:
    """(SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT) of the server side of `client`,
    found among this process's fds by its peer address."""
    for name in os.listdir("/proc/self/fd"):
        try:
            sock = socket.socket(fileno=os.dup(int(name)))
        except OSError:
            continue
        with sock:
            try:
                if sock.type != socket.SOCK_STREAM or sock.getpeername() != client.getsockname():
                    continue
            except OSError:
                continue
            return (
                sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
                sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
                sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
                sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
            )
    raise AssertionError("the accepted socket was not found")


def test_tcp_keepalive_tuning(serve, pump):
    config = EngineConfig(tcp_keepalive_idle=7, tcp_keepalive_interval=3, tcp_keepalive_count=4)
    engine, listener, _ = serve(config)
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        pump(engine, lambda s: any(e.kind == events.HEAD for e in s), None)
        assert accepted_socket_options(client) == (1, 7, 3, 4)


def test_tcp_keepalive_off_by_default(serve, pump):
    engine, listener, _ = serve()
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        pump(engine, lambda s: any(e.kind == events.HEAD for e in s), None)
        assert accepted_socket_options(client)[0] == 0
