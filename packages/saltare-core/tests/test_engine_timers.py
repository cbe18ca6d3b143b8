"""Deadlines, generic timers and idle buffer release, on both backends.
No timed assertions: each test waits (bounded) for the event it expects."""

import select
import socket

from saltare_core import events
from saltare_core.config import EngineConfig
from saltare_core.events import CloseReason

FAST = dict(tick=0.01, header_timeout=0.1, body_timeout=0.1, keepalive_timeout=0.1, write_timeout=0.1)


def closed_by_server(sock: socket.socket) -> bool:
    sock.settimeout(10)
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        pass
    return True


def test_slowloris_head_is_reaped(serve, pump):
    engine, listener, app = serve(EngineConfig(**FAST))
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ")
        pump(engine, lambda s: engine.counters.snapshot()["timeouts"] == 1, app.handle)
        assert closed_by_server(client)
    pump(engine, lambda s: engine.stats()["connections"] == 0)  # its linger ends at the client's close
    # The head had begun: the caller was told (408) and answered.
    assert [(e.kind, e.value) for e in app.log] == [(events.ERROR, 408)]


def test_silent_connection_is_reaped_by_the_header_deadline(serve, pump):
    engine, listener, app = serve(EngineConfig(**FAST))
    with socket.create_connection(listener.getsockname()) as client:
        pump(engine, lambda s: engine.counters.snapshot()["timeouts"] == 1, app.handle)
        assert closed_by_server(client)


def test_slow_body_is_reaped_with_408(serve, pump, recv_until):
    engine, listener, app = serve(EngineConfig(**FAST))
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
        pump(engine, lambda s: engine.counters.snapshot()["timeouts"] == 1, app.handle)
        assert recv_until(client, lambda d: b"408" in d).startswith(b"HTTP/1.1 408")  # app.handle's answer
        assert closed_by_server(client)
    # The request had begun: the caller was told (408), as for a stalled head.
    assert [(e.kind, e.value) for e in app.log if e.kind in (events.ERROR, events.CLOSED)] == [(events.ERROR, 408)]


def test_idle_keep_alive_connection_is_closed(serve, pump, recv_until):
    engine, listener, app = serve(EngineConfig(**FAST))
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        pump(engine, lambda s: s, app.handle)
        assert recv_until(client, lambda d: d.endswith(b"GET /|")).endswith(b"GET /|")
        pump(engine, lambda s: engine.stats()["connections"] == 0, app.handle)
        assert closed_by_server(client)
    assert not [e for e in app.log if e.kind == events.CLOSED]  # finished: no Python state left


def test_paused_body_has_no_deadline_until_resumed(serve, pump):
    engine, listener, app = serve(EngineConfig(**FAST))
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n")
        head = pump(engine, lambda s: s)[0]
        engine.pause_reading(head.handle)
        marker = engine.set_timer(0.3, tag=7)  # well past the body deadline
        seen = pump(engine, lambda s: any(e.kind == events.TIMER for e in s))
        assert [e.kind for e in seen] == [events.TIMER] and seen[0].value == marker
        engine.resume_reading(head.handle)
        seen = pump(engine, lambda s: any(e.kind == events.ERROR for e in s))
        assert (seen[-1].kind, seen[-1].value) == (events.ERROR, 408)
        engine.close(head.handle, True)


def test_non_reading_client_hits_the_write_deadline(serve, pump):
    engine, listener, app = serve(EngineConfig(**FAST))
    with socket.create_connection(listener.getsockname()) as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.sendall(b"GET /big?50000000 HTTP/1.1\r\nHost: a\r\n\r\n")
        seen = pump(engine, lambda s: any(e.kind == events.CLOSED for e in s), app.handle)
    assert [e.value for e in seen if e.kind == events.CLOSED] == [CloseReason.WRITE_TIMEOUT]


def test_lifetime_stops_keep_alive(serve, pump, recv_until):
    engine, listener, app = serve(EngineConfig(tick=0.01, lifetime=0.05, keepalive_timeout=30))
    with socket.create_connection(listener.getsockname()) as client:
        pump(engine, lambda s: engine.stats()["connections"] == 0, app.handle)
        assert closed_by_server(client)


def test_generic_timers_fire_once_with_their_tag_and_cancel(backend):
    engine = backend.Engine(EngineConfig(tick=0.01))
    keep = engine.set_timer(0.02, tag=11)
    drop = engine.set_timer(0.02, tag=12)
    assert engine.cancel_timer(drop) and not engine.cancel_timer(drop)
    fired = []
    for _ in range(200):
        select.select([engine.fileno()], [], [], engine.next_deadline() or 0.05)
        fired += engine.poll()
        if fired:
            break
    assert [(e.kind, e.handle, e.value) for e in fired] == [(events.TIMER, 11, keep)]
    assert not engine.cancel_timer(keep)
    assert engine.stats()["timers_armed"] == 0
    engine.destroy()


def test_idle_buffers_are_released(serve, pump, recv_until):
    engine, listener, app = serve(EngineConfig(tick=0.01, buffer_idle_release=0.05))
    with socket.create_connection(listener.getsockname()) as client:
        client.sendall(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        pump(engine, lambda s: s, app.handle)
        recv_until(client, lambda d: d.endswith(b"GET /|"))
        pump(engine, lambda s: engine.stats()["buffers_released"] >= 1, app.handle)
        stats = engine.stats()
    assert stats["small_in_use"] == 0 and stats["small_resident"] == 0
