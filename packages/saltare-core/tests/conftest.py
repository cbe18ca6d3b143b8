import os
import select
import socket
import threading

import pytest

from saltare_core import _pybackend, events
from saltare_core.config import EngineConfig

WAIT = 10.0  # upper bound of every wait on the engine or a socket, seconds


def c_backend():
    try:
        from saltare_core import _cbackend
    except ImportError as exc:
        if os.environ.get("SALTARE_REQUIRE_C") == "1":
            pytest.fail(f"SALTARE_REQUIRE_C=1 but the C backend is not built: {exc}")
        pytest.skip(f"C backend not built: {exc}")
    return _cbackend


@pytest.fixture(params=["c", "python"], scope="session")
def backend(request):
    """The backend module under test: each test runs once per backend."""
    return c_backend() if request.param == "c" else _pybackend


def http1_for(backend):
    """What each engine is handed: the C parser's table address, or the Python parser module."""
    if backend.name == "c":
        from saltare_http1 import _cbackend

        return _cbackend.c_api_address()
    from saltare_http1 import _pybackend as http1_python

    return http1_python


def wait_readable(engine, timeout: float = 0.2) -> None:
    deadline = engine.next_deadline()
    if deadline is not None:
        timeout = min(timeout, deadline)
    select.select([engine.fileno()], [], [], timeout)


def pump(engine, until, handle=None, rounds: int = 400) -> list:
    """Poll until until(collected events) is true; every event goes through
    handle(event) first. Bounded: fails after `rounds` waits of <= 0.2 s."""
    seen = []
    for _ in range(rounds):
        wait_readable(engine, 0.05)
        for event in engine.poll():
            seen.append(event)
            if handle:
                handle(event)
        if until(seen):
            return seen
    raise AssertionError(f"engine never reached the expected state; saw {seen!r}")


def response(status: int, body: bytes, keep_alive: bool = True) -> bytes:
    head = f"HTTP/1.1 {status} X\r\ncontent-length: {len(body)}\r\n"
    if not keep_alive:
        head += "connection: close\r\n"
    return head.encode() + b"\r\n" + body


class TinyHTTP:
    """A tiny HTTP/1.1 server written directly on the engine (no ASGI).

    GET /big?N answers N bytes, written no faster than the engine drains
    (high-water backpressure); anything else answers "METHOD TARGET|body".
    Malformed requests get their status and the connection is closed.
    """

    chunk = 65536

    def __init__(self, engine) -> None:
        self.engine = engine
        self.requests: dict[int, list] = {}  # handle -> [head, body parts]
        self.big: dict[int, list] = {}  # handle -> [bytes left, keep_alive]
        self.log: list = []
        self.max_pending = 0

    def handle(self, event) -> None:
        self.log.append(event)
        kind, handle = event.kind, event.handle
        if kind == events.HEAD:
            self.requests[handle] = [event.info, []]
            if not event.info.has_body:
                self.respond(handle)
        elif kind == events.BODY:
            self.requests[handle][1].append(event.data)
        elif kind == events.END:
            self.respond(handle)
        elif kind == events.ERROR:
            self.engine.write(handle, response(event.value, b"", keep_alive=False))
            self.engine.close(handle)
        elif kind == events.DRAINED and handle in self.big:
            self.write_big(handle)
        elif kind == events.CLOSED:
            self.requests.pop(handle, None)
            self.big.pop(handle, None)

    def respond(self, handle: int) -> None:
        head, parts = self.requests.pop(handle)
        if head.target.startswith(b"/big?"):
            size = int(head.target[5:])
            self.engine.write(handle, f"HTTP/1.1 200 OK\r\ncontent-length: {size}\r\n\r\n".encode())
            self.big[handle] = [size, head.keep_alive]
            self.write_big(handle)
            return
        body = head.method + b" " + head.target + b"|" + b"".join(parts)
        self.engine.write(handle, response(200, body, head.keep_alive))
        self.engine.finish(handle, head.keep_alive)

    def write_big(self, handle: int) -> None:
        left, keep_alive = self.big[handle]
        high = self.engine.config.high_water
        while left:
            pending = self.engine.write(handle, b"x" * min(left, self.chunk))
            if pending < 0:
                self.big.pop(handle)
                return
            self.max_pending = max(self.max_pending, pending)
            left -= min(left, self.chunk)
            self.big[handle][0] = left
            if pending > high:
                return  # wait for DRAINED
        del self.big[handle]
        self.engine.finish(handle, keep_alive)


class ThreadServer:
    """Runs a TinyHTTP engine in a thread, for blocking clients such as httpx."""

    def __init__(self, backend, config: EngineConfig, http1) -> None:
        self.engine = backend.Engine(config, http1=http1)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.engine.add_listener(self.listener)
        self.port = self.listener.getsockname()[1]
        self.app = TinyHTTP(self.engine)
        self._stop_r, self._stop_w = socket.socketpair()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            timeout = self.engine.next_deadline()
            ready, _, _ = select.select([self.engine.fileno(), self._stop_r], [], [], 0.1 if timeout is None else timeout)
            if self._stop_r in ready:
                return
            for event in self.engine.poll():
                self.app.handle(event)

    def stop(self) -> None:
        self._stop_w.send(b"x")
        self._thread.join(WAIT)
        assert not self._thread.is_alive()
        self.engine.destroy()
        self.listener.close()
        self._stop_r.close()
        self._stop_w.close()


@pytest.fixture
def serve(backend):
    """serve(config=None, http1=True) -> (engine, listener, TinyHTTP); all closed after the test."""
    made = []

    def make(config: EngineConfig | None = None, http1: bool = True):
        engine = backend.Engine(config or EngineConfig(), http1=http1_for(backend) if http1 else None)
        listener = socket.create_server(("127.0.0.1", 0))
        engine.add_listener(listener)
        made.append((engine, listener))
        return engine, listener, TinyHTTP(engine)

    yield make
    for engine, listener in made:
        engine.destroy()
        listener.close()


@pytest.fixture
def thread_server(backend):
    started = []

    def start(config: EngineConfig | None = None) -> ThreadServer:
        server = ThreadServer(backend, config or EngineConfig(), http1_for(backend))
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def recv_until(sock: socket.socket, predicate, limit: int = 1 << 24) -> bytes:
    """Read until predicate(data) or EOF; bounded by WAIT per recv and by limit bytes."""
    sock.settimeout(WAIT)
    data = b""
    while not predicate(data) and len(data) < limit:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


@pytest.fixture(name="pump")
def pump_fixture():
    return pump


@pytest.fixture(name="recv_until")
def recv_until_fixture():
    return recv_until


@pytest.fixture(name="http1_for")
def http1_for_fixture():
    return http1_for


@pytest.fixture(scope="session")
def c_native():
    """The C backend module alone (for differential tests against Python)."""
    return c_backend()
