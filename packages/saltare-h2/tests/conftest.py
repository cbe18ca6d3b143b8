"""Fixtures: the backend under test, a small threaded socket server built on
saltare_h2 (127.0.0.1, port 0), and clients: `h2` over a real socket, and a
raw frame client for what a well-behaved library refuses to send."""

import os
import socket
import struct
import threading
import time

import h2.config
import h2.connection
import h2.events
import h2.settings
import pytest
from hpack import Encoder

import saltare_h2
from saltare_h2 import (
    DataReceived,
    ErrorCode,
    H2Config,
    RequestReceived,
    StreamClosedError,
    StreamEnded,
    _pybackend,
)

TIMEOUT = 5.0  # seconds any single socket read may block
MAX_READS = 2000  # bound of every read loop


def c_backend():
    try:
        from saltare_h2 import _cbackend
    except ImportError as exc:
        if os.environ.get("SALTARE_REQUIRE_C") == "1":
            pytest.fail(f"SALTARE_REQUIRE_C=1 but the C backend is not built: {exc}")
        pytest.skip(f"C backend not built: {exc}")
    return _cbackend


@pytest.fixture(params=["c", "python"], scope="session")
def backend(request):
    """The backend module under test: each test runs once per backend."""
    return c_backend() if request.param == "c" else _pybackend


# -- the application side of the test server ------------------------------------


class App:
    """A test application driven by the server's events.

    Paths: `/echo` answers the request body once it ended; `/bytes/N` answers
    N bytes at once (before the body ends); `/trailers` adds trailers;
    `/slow` never acknowledges body data (a consumer that stopped reading);
    `/hold` answers nothing until `release()`; anything else answers its path.
    """

    def __init__(self) -> None:
        self.events: list = []
        self.requests: dict[int, RequestReceived] = {}
        self.bodies: dict[int, bytearray] = {}
        self.held: list = []
        self.lock = threading.Lock()

    def __call__(self, conn, event) -> None:
        with self.lock:
            self.events.append(event)
        if isinstance(event, RequestReceived):
            self.requests[event.stream_id] = event
            self.bodies[event.stream_id] = bytearray()
            if event.path.startswith(b"/bytes/"):
                size = int(event.path.rsplit(b"/", 1)[1])
                body = bytes(i % 251 for i in range(size))
                conn.send_response(event.stream_id, 200, [(b"content-length", str(size).encode())], body)
        elif isinstance(event, DataReceived):
            self.bodies[event.stream_id] += event.data
            if not self.requests[event.stream_id].path.startswith(b"/slow"):
                conn.acknowledge_received_data(event.stream_id, event.flow_controlled_length)
        elif isinstance(event, StreamEnded):
            request = self.requests[event.stream_id]
            if request.path.startswith(b"/bytes/"):
                return
            if request.path == b"/hold":
                self.held.append(event.stream_id)
                return
            try:
                self.respond(conn, request, bytes(self.bodies[event.stream_id]))
            except StreamClosedError:
                pass  # reset meanwhile

    def respond(self, conn, request, body: bytes) -> None:
        headers = [(b"content-type", b"text/plain"), (b"Connection", b"keep-alive")]
        if request.path == b"/echo":
            conn.send_response(request.stream_id, 200, headers, body)
        elif request.path == b"/trailers":
            conn.send_response(request.stream_id, 200, headers, [b"part1,", b"part2"], trailers=[(b"x-checksum", b"42")])
        else:
            conn.send_response(request.stream_id, 200, headers, request.path)

    def release(self, conn) -> None:
        for stream_id in self.held:
            conn.send_response(stream_id, 200, [], b"released")
        self.held.clear()

    def of_type(self, kind) -> list:
        with self.lock:
            return [event for event in self.events if isinstance(event, kind)]


class Server:
    """saltare_h2 behind a blocking socket loop, one thread per connection."""

    def __init__(self, backend, config: H2Config, h2c: bool = False) -> None:
        self.backend = backend
        self.config = config
        self.h2c = h2c  # cleartext front door: prior knowledge or HTTP/1.1 Upgrade
        self.app = App()
        self.connections: list = []
        self.actions: list = []  # callables run on the connection thread, then flushed
        self.stopping = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        conn = self.backend.H2Connection(self.config)
        self.connections.append(conn)
        sock.settimeout(0.02)
        with sock:
            if self.h2c:
                try:
                    received = self._h2c_front_door(sock, conn)
                except (OSError, ValueError):
                    return
                for event in conn.receive_data(received):
                    self.app(conn, event)
            sock.sendall(conn.data_to_send())
            while not self.stopping.is_set():
                try:
                    data = sock.recv(65536)
                except TimeoutError:
                    data = None
                except OSError:
                    return
                if data == b"":
                    return
                if data:
                    for event in conn.receive_data(data):
                        self.app(conn, event)
                while self.actions:
                    self.actions.pop(0)(conn)
                out = conn.data_to_send()
                try:
                    if out:
                        sock.sendall(out)
                    if conn.should_close:
                        return
                except OSError:
                    return

    def _h2c_front_door(self, sock: socket.socket, conn) -> bytes:
        """Reads the first bytes: the preface (prior knowledge), or an HTTP/1.1
        request asking for h2c, answered 101. Returns the bytes for HTTP/2."""
        received = b""
        for _ in range(MAX_READS):
            if saltare_h2.detect_preface(received) is not None and (
                saltare_h2.detect_preface(received) or b"\r\n\r\n" in received
            ):
                break
            try:
                received += sock.recv(65536)
            except TimeoutError:
                continue
        if saltare_h2.detect_preface(received):
            return received
        head, received = received.split(b"\r\n\r\n", 1)
        request_line, *lines = head.split(b"\r\n")
        method, target, _ = request_line.split(b" ")
        headers = [(name.strip().lower(), value.strip()) for name, value in (line.split(b":", 1) for line in lines)]
        settings = saltare_h2.wants_h2c_upgrade(headers)
        if settings is None:
            raise ValueError("not an h2c upgrade")
        sock.sendall(saltare_h2.H2C_SWITCHING_PROTOCOLS)
        host = dict(headers).get(b"host", b"")
        for event in conn.initiate_upgrade(settings, method, target, host, headers):
            self.app(conn, event)
        return received

    def run(self, action) -> None:
        """Runs action(conn) on the connection thread."""
        self.actions.append(action)

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=TIMEOUT)
        self.listener.close()


@pytest.fixture
def serve(backend):
    """serve(config=H2Config(), h2c=False) -> a running Server; stopped at teardown."""
    servers = []

    def start(config: H2Config = saltare_h2.DEFAULT_CONFIG, h2c: bool = False) -> Server:
        server = Server(backend, config, h2c)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# -- clients --------------------------------------------------------------------------


class Client:
    """The `h2` library as the client over a real socket."""

    def __init__(self, port: int, settings: dict | None = None) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        config = h2.config.H2Configuration(client_side=True, header_encoding=None)
        self.conn = h2.connection.H2Connection(config)
        if settings:
            self.conn.local_settings = h2.settings.Settings(client=True, initial_values=settings)
            self.conn.max_inbound_frame_size = self.conn.local_settings.max_frame_size
        self.conn.initiate_connection()
        self.auto_ack = True
        self.events: list = []
        self.closed = False
        self.flush()
        # Requests wait for the ACK of our SETTINGS: h2 applies its own settings
        # only then, and would count DATA sent under the new ones against the old.
        self.read_until(lambda events: any(isinstance(e, h2.events.SettingsAcknowledged) for e in events))

    def flush(self) -> None:
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def request(self, path: str, method: str = "GET", body: bytes | None = None, headers=(), end=True,
                flush=True) -> int:
        stream_id = self.conn.get_next_available_stream_id()
        fields = [(":method", method), (":scheme", "http"), (":authority", "localhost"), (":path", path)]
        self.conn.send_headers(stream_id, fields + list(headers), end_stream=body is None and end)
        if body is not None:
            self.send_body(stream_id, body, end_stream=end)
        if flush:
            self.flush()
        return stream_id

    def send_body(self, stream_id: int, body: bytes, end_stream: bool = True) -> None:
        """Sends as much of body as the windows allow, reading updates meanwhile."""
        view = memoryview(body)
        for _ in range(MAX_READS):
            size = min(len(view), self.conn.local_flow_control_window(stream_id), self.conn.max_outbound_frame_size)
            if size:
                self.conn.send_data(stream_id, view[:size].tobytes())
                view = view[size:]
            if not view:
                break
            if not size:  # window shut: send what we have, wait for an update
                self.flush()
                self.read_once()
        if end_stream:
            self.conn.end_stream(stream_id)
        self.flush()

    def read_once(self) -> list:
        data = self.sock.recv(65536)
        if not data:
            self.closed = True
            return []
        events = self.conn.receive_data(data)
        for event in events:
            if isinstance(event, h2.events.DataReceived) and self.auto_ack:
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
        self.flush()
        self.events += events
        return events

    def read_until(self, done) -> list:
        """Reads until done(all events so far) holds; bounded."""
        for _ in range(MAX_READS):
            if done(self.events):
                return self.events
            if self.closed:
                break
            self.read_once()
        raise AssertionError(f"condition not met; events: {self.events[-10:]}")

    def response(self, stream_id: int) -> dict:
        """Reads the stream's whole response: status, headers, body, trailers."""
        self.read_until(lambda events: any(
            isinstance(e, (h2.events.StreamEnded, h2.events.StreamReset)) and e.stream_id == stream_id for e in events
        ))  # fmt: skip
        result = {"headers": None, "body": b"", "trailers": None, "reset": None}
        for event in self.events:
            if getattr(event, "stream_id", None) != stream_id:
                continue
            if isinstance(event, h2.events.ResponseReceived):
                result["headers"] = event.headers
            elif isinstance(event, h2.events.DataReceived):
                result["body"] += event.data
            elif isinstance(event, h2.events.TrailersReceived):
                result["trailers"] = event.headers
            elif isinstance(event, h2.events.StreamReset):
                result["reset"] = event.error_code
        return result

    def ping_round_trip(self) -> None:
        """Everything the server sent before answering our PING is read."""
        self.conn.ping(b"roundtrp")
        self.flush()
        self.read_until(lambda events: any(isinstance(e, h2.events.PingAckReceived) for e in events))

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def client():
    """client(port, {h2 setting: value}) -> Client; closed at teardown."""
    clients = []

    def connect(port: int, settings: dict | None = None) -> Client:
        connection = Client(port, settings)
        clients.append(connection)
        return connection

    yield connect
    for connection in clients:
        connection.close()


FRAME = struct.Struct(">HBBBL")


def frame(frame_type: int, flags: int, stream_id: int, payload: bytes = b"") -> bytes:
    length = len(payload)
    return FRAME.pack(length >> 8, length & 0xFF, frame_type, flags, stream_id) + payload


class RawClient:
    """Hand-made frames over a socket, and the server's frames parsed back."""

    def __init__(self, port: int, preface: bool = True) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.encoder = Encoder()
        self.buffer = b""
        self.frames: list[tuple[int, int, int, bytes]] = []  # type, flags, stream id, payload
        self.closed = False
        if preface:
            self.send(saltare_h2.PREFACE + frame(4, 0, 0))

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def headers_block(self, path: str = "/", method: str = "GET", extra=()) -> bytes:
        fields = [(":method", method), (":scheme", "http"), (":authority", "localhost"), (":path", path)]
        return self.encoder.encode(fields + list(extra))

    def read_until(self, done) -> list:
        for _ in range(MAX_READS):
            if done(self.frames):
                return self.frames
            if self.closed:
                break
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if not data:
                self.closed = True
                continue
            self.buffer += data
            while len(self.buffer) >= 9:
                high, low, frame_type, flags, stream_id = FRAME.unpack_from(self.buffer)
                length = high << 8 | low
                if len(self.buffer) < 9 + length:
                    break
                self.frames.append((frame_type, flags, stream_id & 0x7FFFFFFF, self.buffer[9 : 9 + length]))
                if frame_type == 4 and not flags & 1:
                    self.acknowledge_settings()
                self.buffer = self.buffer[9 + length :]
        raise AssertionError(f"condition not met; frames: {self.frames[-10:]}")

    def acknowledge_settings(self) -> None:
        # A courtesy: the server may have sent GOAWAY and closed already, and
        # the frames still to be read are in our receive buffer.
        try:
            self.send(frame(4, 1, 0))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def goaway(self) -> ErrorCode:
        """Reads up to the server's GOAWAY; its error code."""
        frames = self.read_until(lambda frames: any(f[0] == 7 for f in frames))
        payload = next(f[3] for f in frames if f[0] == 7)
        return ErrorCode(struct.unpack(">L", payload[4:8])[0])

    def reset_of(self, stream_id: int) -> ErrorCode:
        """Reads up to the server's RST_STREAM of stream_id; its error code."""
        frames = self.read_until(lambda frames: any(f[0] == 3 and f[2] == stream_id for f in frames))
        payload = next(f[3] for f in frames if f[0] == 3 and f[2] == stream_id)
        return ErrorCode(struct.unpack(">L", payload)[0])

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def raw():
    """raw(port, preface=True) -> RawClient; closed at teardown."""
    clients = []

    def connect(port: int, preface: bool = True) -> RawClient:
        connection = RawClient(port, preface)
        clients.append(connection)
        return connection

    yield connect
    for connection in clients:
        connection.close()


def wait_for(condition) -> None:
    """Polls condition() (server-side state) until it holds; bounded."""
    for _ in range(MAX_READS):
        if condition():
            return
        time.sleep(TIMEOUT / MAX_READS)
    raise AssertionError("condition not met in time")


@pytest.fixture(name="wait_for", scope="session")
def wait_for_fixture():
    return wait_for


@pytest.fixture(name="frame", scope="session")
def frame_fixture():
    return frame
