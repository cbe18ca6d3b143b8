"""HTTPS on saltare-core's engine through EngineTransport, on both stacks: the
C transport on the C engine, the Python transport on the Python engine.

A tiny HTTPS server runs the engine (with saltare-http1's parser handed in)
in a thread and answers every request from that thread; clients are stdlib
ssl and httpx over real sockets on 127.0.0.1.
"""

import hashlib
import os
import queue
import select
import socket
import ssl
import threading

import httpx
import pytest

from saltare_core import EngineConfig, events
from saltare_tls import EngineTransport, SNICert, TLSConfig, session_info

WAIT = 10.0  # seconds: bound of every wait
CHUNK = 65536


def stack_modules(name: str):
    """(engine backend, TLS backend, HTTP/1 parser as the engine takes it) for "c" or "python"."""
    if name == "python":
        from saltare_core import _pybackend as core
        from saltare_http1 import _pybackend as http1

        from saltare_tls import _pybackend as tls

        return core, tls, http1
    try:
        from saltare_core import _cbackend as core
        from saltare_http1 import _cbackend as http1_c

        from saltare_tls import _cbackend as tls
    except ImportError as exc:
        if os.environ.get("SALTARE_REQUIRE_C") == "1":
            pytest.fail(f"SALTARE_REQUIRE_C=1 but a C backend is not built: {exc}")
        pytest.skip(f"C backends not built: {exc}")
    return core, tls, http1_c.c_api_address()


@pytest.fixture(params=["c", "python"], scope="session")
def stack(request):
    return stack_modules(request.param)


class HTTPSServer:
    """The engine in a thread: HTTP/1.1 after ALPN http/1.1 (or none), raw echo after h2.

    GET /big?N answers N bytes, GET /file sends file_path with sendfile,
    POST /echo echoes the body, anything else answers "METHOD TARGET";
    "connection: close" requests get a local close.
    What the test reads (secure, infos, unknown) is filled by the loop thread.
    """

    def __init__(self, stack, tls_config: TLSConfig, engine_config: EngineConfig) -> None:
        core, tls, http1 = stack
        self.engine = core.Engine(engine_config, http1=http1)
        self.engine.set_transport(EngineTransport(tls.TLSContext(tls_config)))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.engine.add_listener(self.listener)
        self.port = self.listener.getsockname()[1]
        self.secure: dict[int, bytes] = {}  # handle -> ALPN from SECURE
        self.infos: dict[int, object] = {}  # handle -> TLSInfo, read at SECURE
        self.unknown: list = []  # events for handles never made known by SECURE
        self.file_path: str | None = None  # what GET /file sends
        self._bodies: dict[int, list] = {}
        self._sending: dict[int, list] = {}  # handle -> [memoryview left, keep_alive]
        self._calls: queue.Queue = queue.Queue()
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._stopping = False
        self.error: BaseException | None = None
        self._thread.start()

    # -- the loop thread ---------------------------------------------------
    def _run(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # reported by stop(), in the test
            self.error = exc

    def _loop(self) -> None:
        while not self._stopping:
            timeout = self.engine.next_deadline()
            ready, _, _ = select.select([self.engine.fileno(), self._wake_r], [], [],
                                        0.1 if timeout is None else timeout)
            if self._wake_r in ready:
                self._wake_r.recv(64)
                while not self._calls.empty():
                    fn, box = self._calls.get()
                    box.put(fn())
            for event in self.engine.poll():
                self._handle(event)

    def _handle(self, event) -> None:
        kind, handle = event.kind, event.handle
        if kind == events.SECURE:
            self.secure[handle] = event.data
            self.infos[handle] = session_info(self.engine.transport_state(handle))
            if event.data == b"h2":
                self.engine.set_raw(handle)
            else:
                self.engine.resume_reading(handle)
            return
        if handle not in self.secure and kind not in (events.TIMER, events.STOPPED):
            self.unknown.append(event)
        if kind == events.HEAD:
            self._bodies[handle] = [event.info, []]
            if not event.info.has_body:
                self._respond(handle)
        elif kind == events.BODY:
            self._bodies[handle][1].append(event.data)
        elif kind == events.END:
            self._respond(handle)
        elif kind == events.RAW:
            self.engine.write(handle, b"raw:" + event.data)
        elif kind == events.DRAINED and handle in self._sending:
            self._send_more(handle)
        elif kind == events.ERROR:
            self.engine.respond(handle, b"HTTP/1.1 400 Bad\r\ncontent-length: 0\r\n\r\n", keep_alive=False)
        elif kind == events.CLOSED:
            self._sending.pop(handle, None)
            self._bodies.pop(handle, None)

    def _respond(self, handle: int) -> None:
        head, parts = self._bodies.pop(handle)
        if head.target == b"/file":
            self._send_file(handle, head.keep_alive)
            return
        if head.target.startswith(b"/big?"):
            body = b"x" * int(head.target[5:])
        elif head.target == b"/echo":
            body = b"".join(parts)
        else:
            body = head.method + b" " + head.target
        self.engine.write(handle, b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body))
        self._sending[handle] = [memoryview(body), head.keep_alive]
        self._send_more(handle)

    def _send_file(self, handle: int, keep_alive: bool) -> None:
        size = os.path.getsize(self.file_path)
        self.engine.write(handle, b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % size)
        fd = os.open(self.file_path, os.O_RDONLY)
        try:
            self.engine.sendfile(handle, fd, 0, size)  # the engine keeps its own duplicate
        finally:
            os.close(fd)
        self.engine.finish(handle, keep_alive)

    def _send_more(self, handle: int) -> None:
        """Write until over the high-water mark, then wait for DRAINED."""
        left, keep_alive = self._sending[handle]
        while left:
            pending = self.engine.write(handle, bytes(left[:CHUNK]))
            left = left[CHUNK:]
            self._sending[handle][0] = left
            if pending > self.engine.config.high_water:
                return
        del self._sending[handle]
        if keep_alive:
            self.engine.finish(handle, True)
        else:
            self.engine.close(handle)  # a local close: close_notify first

    # -- the test thread ---------------------------------------------------
    def call(self, fn):
        """Run fn() on the loop thread (the engine is not thread-safe); its result."""
        box: queue.Queue = queue.Queue()
        self._calls.put((fn, box))
        self._wake_w.send(b"x")
        try:
            return box.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"the loop thread did not answer (error: {self.error!r})") from None

    def wait_for(self, predicate) -> None:
        """Until predicate() holds (checked on the loop thread), bounded by WAIT."""
        for _ in range(int(WAIT / 0.02)):
            if self.call(predicate):
                return
            threading.Event().wait(0.02)
        raise AssertionError("the server never reached the expected state")

    def counters(self) -> dict:
        return self.call(self.engine.counters.snapshot)

    def stop(self) -> None:
        self._stopping = True
        self._wake_w.send(b"x")
        self._thread.join(WAIT)
        assert not self._thread.is_alive()
        self.engine.destroy()
        self.listener.close()
        self._wake_r.close()
        self._wake_w.close()
        if self.error is not None:
            raise self.error


@pytest.fixture
def serve(stack, server_config):
    started = []

    def start(tls_config: TLSConfig | None = None, **engine_options) -> HTTPSServer:
        config = tls_config or server_config._replace(alpn=("h2", "http/1.1"))
        started.append(HTTPSServer(stack, config, EngineConfig(**engine_options)))
        return started[-1]

    yield start
    for server in started:
        server.stop()


def connect(server: HTTPSServer, context: ssl.SSLContext, hostname="localhost", session=None) -> ssl.SSLSocket:
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)
    try:
        # Ragged EOFs raise: a clean end must be a close_notify.
        return context.wrap_socket(raw, server_hostname=hostname, session=session, suppress_ragged_eofs=False)
    except BaseException:
        raw.close()
        raise


def read_response(sock: ssl.SSLSocket) -> tuple[bytes, bytes]:
    """(head, body) of one content-length response."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the connection ended inside a head: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
    while len(body) < length:
        chunk = sock.recv(min(length - len(body), 1 << 20))
        assert chunk, "the connection ended inside a body"
        body += chunk
    return head, body


@pytest.fixture
def verify(certs, client_context):
    """A client SSLContext trusting the test CA (what httpx's verify= takes)."""
    return client_context(certs)


def test_keep_alive_requests_with_a_stdlib_client(serve, certs, client_context):
    server = serve()
    with connect(server, client_context(certs, alpn=["http/1.1"])) as sock:
        for i in range(3):
            sock.sendall(b"GET /n%d HTTP/1.1\r\nHost: localhost\r\n\r\n" % i)
            head, body = read_response(sock)
            assert head.startswith(b"HTTP/1.1 200 ")
            assert body == b"GET /n%d" % i
    handle = next(iter(server.secure))
    assert server.secure == {handle: b"http/1.1"}
    info = server.infos[handle]
    assert (info.alpn, info.sni, info.version) == ("http/1.1", "localhost", "TLSv1.3")
    assert server.counters()["accepted"] == 1
    assert server.counters()["requests"] == 3


def test_httpx_keep_alive_and_five_mib_both_ways(serve, verify):
    server = serve()
    size = 5 * 1024 * 1024
    upload = hashlib.shake_256(b"upload").digest(size)
    with httpx.Client(base_url=f"https://localhost:{server.port}", verify=verify, timeout=WAIT) as client:
        for i in range(3):
            assert client.get(f"/k{i}").content == f"GET /k{i}".encode()
        assert client.post("/echo", content=upload).content == upload
        assert client.get(f"/big?{size}").content == b"x" * size
    assert server.counters()["accepted"] == 1
    assert server.counters()["requests"] == 5


def test_sendfile_goes_through_the_transport(serve, certs, client_context, tmp_path):
    server = serve()
    content = hashlib.shake_256(b"file").digest(3 * 1024 * 1024 + 7)
    server.file_path = str(tmp_path / "file.bin")
    (tmp_path / "file.bin").write_bytes(content)
    with connect(server, client_context(certs)) as sock:
        for _ in range(2):  # keep-alive after a file
            sock.sendall(b"GET /file HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert read_response(sock)[1] == content


def test_alpn_h2_turns_the_connection_raw(serve, certs, client_context):
    server = serve()
    with connect(server, client_context(certs, alpn=["h2", "http/1.1"])) as sock:
        assert sock.selected_alpn_protocol() == "h2"
        preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
        sock.sendall(preface)
        received = b""
        while len(received) < 4 + len(preface):
            chunk = sock.recv(1024)
            assert chunk
            received += chunk
    assert received == b"raw:" + preface
    assert list(server.secure.values()) == [b"h2"]


def test_no_alpn_offered_means_http1_and_an_empty_secure_payload(serve, certs, client_context):
    server = serve()
    with connect(server, client_context(certs)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert read_response(sock)[1] == b"GET /"
    assert list(server.secure.values()) == [b""]


@pytest.mark.parametrize(("hostname", "expected"), [("api.example.com", "api"), ("localhost", "server")])
def test_sni_picks_the_certificate(serve, certs, server_config, hostname, expected):
    config = server_config._replace(sni_certs=(SNICert(("api.example.com",), certs.api.cert, certs.api.key),))
    server = serve(config)
    client = ssl.create_default_context()
    certs.ca.configure_trust(client)
    with connect(server, client, hostname=hostname) as sock:
        assert sock.getpeercert(binary_form=True) == getattr(certs, expected).der
        sock.sendall(b"GET /sni HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_response(sock)[1] == b"GET /sni"
    assert [info.sni for info in server.infos.values()] == [hostname]


def test_mtls_accepts_a_good_client_certificate(serve, certs, server_config, client_context):
    server = serve(server_config._replace(cert_reqs="required", ca_certs=certs.ca_file))
    with connect(server, client_context(certs, client_cert=True)) as sock:
        sock.sendall(b"GET /who HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert read_response(sock)[1] == b"GET /who"
    [info] = server.infos.values()
    assert info.peer_certificate.der == certs.client.der
    assert "CN=a client" in info.peer_certificate.subject


def test_mtls_refuses_a_client_without_certificate(serve, certs, server_config, client_context):
    server = serve(server_config._replace(cert_reqs="required", ca_certs=certs.ca_file))
    with connect(server, client_context(certs)) as sock:
        # TLS 1.3: the client's handshake ends before the server checks; the
        # refusal arrives as an alert (or a reset) on the first read.
        with pytest.raises((ssl.SSLError, ConnectionError)):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            sock.recv(4)
    server.wait_for(lambda: server.engine.stats()["connections"] == 0)
    assert not server.secure and not server.unknown


def test_session_resumption(serve, certs, client_context):
    server = serve()
    client = client_context(certs)
    with connect(server, client) as sock:
        sock.sendall(b"GET /1 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        read_response(sock)  # also takes in the TLS 1.3 tickets
        saved = sock.session
    with connect(server, client, session=saved) as sock:
        sock.sendall(b"GET /2 HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert read_response(sock)[1] == b"GET /2"
        assert sock.session_reused
    assert [info.session_reused for info in server.infos.values()] == [False, True]


def test_a_client_stuck_in_its_handshake_is_reaped_by_the_timeout(serve, certs, client_context):
    server = serve(handshake_timeout=0.2)
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as stuck:
        stuck.sendall(b"\x16\x03\x01\x02\x00\x01")  # the start of a ClientHello, then nothing
        try:
            assert stuck.recv(1024) == b""  # closed by the server
        except ConnectionResetError:
            pass
    assert server.counters()["timeouts"] == 1
    assert not server.secure and not server.unknown  # the caller never knew it
    with connect(server, client_context(certs)) as sock:  # the next client is served
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert read_response(sock)[1] == b"GET /"


def test_max_handshakes_caps_connections_still_handshaking(serve, certs, client_context):
    server = serve(max_handshakes=1)
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as first:
        server.wait_for(lambda: server.engine.stats()["connections"] == 1)
        with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as second:
            try:
                assert second.recv(1024) == b""  # over the cap: closed at once
            except ConnectionResetError:
                pass
        assert server.counters()["rejected"] == 1
    server.wait_for(lambda: server.engine.stats()["connections"] == 0)
    with connect(server, client_context(certs)) as sock:  # the cap is free again
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert read_response(sock)[1] == b"GET /"


def test_garbage_instead_of_a_client_hello_then_the_next_client_is_served(serve, certs, client_context):
    server = serve()
    with socket.create_connection(("127.0.0.1", server.port), timeout=WAIT) as bad:
        bad.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        received = b""
        for _ in range(100):  # an alert at most, then the end
            chunk = bad.recv(4096)
            if not chunk:
                break
            received += chunk
        assert len(received) < 100
    with connect(server, client_context(certs)) as sock:
        sock.sendall(b"GET /next HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert read_response(sock)[1] == b"GET /next"
    assert not server.unknown


def test_local_close_sends_close_notify(serve, certs, client_context):
    server = serve()
    with connect(server, client_context(certs)) as sock:
        sock.sendall(b"GET /bye HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        assert read_response(sock)[1] == b"GET /bye"
        # suppress_ragged_eofs=False: a FIN without close_notify would raise SSLEOFError.
        assert sock.recv(10) == b""
    server.wait_for(lambda: server.engine.stats()["connections"] == 0)
    [handle] = server.secure
    assert server.call(lambda: server.engine.transport_state(handle)) in (0, None)  # stale
    with pytest.raises(ValueError):
        session_info(server.call(lambda: server.engine.transport_state(handle)))


def test_close_notify_from_the_client_is_answered(serve, certs, client_context):
    server = serve()
    with connect(server, client_context(certs)) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert read_response(sock)[1] == b"GET /"
        sock.unwrap().close()  # returns once the server's close_notify has come
    server.wait_for(lambda: server.engine.stats()["connections"] == 0)


def test_c_engine_refuses_a_python_tls_context(server_config):
    core, _, http1 = stack_modules("c")
    from saltare_tls import _pybackend

    engine = core.Engine(EngineConfig(), http1=http1)
    try:
        with pytest.raises(TypeError, match="Python backend"):
            engine.set_transport(EngineTransport(_pybackend.TLSContext(server_config)))
    finally:
        engine.destroy()
