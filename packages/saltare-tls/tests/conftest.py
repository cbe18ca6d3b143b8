import datetime
import os
import socket
import ssl
import threading
from pathlib import Path
from typing import NamedTuple

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from saltare_tls import TLSConfig, TLSError, _pybackend

WAIT = 10.0  # seconds: bound of every socket wait in the tests


def c_backend():
    try:
        from saltare_tls import _cbackend
    except ImportError as exc:
        if os.environ.get("SALTARE_REQUIRE_C") == "1":
            pytest.fail(f"SALTARE_REQUIRE_C=1 but the C backend is not built: {exc}")
        pytest.skip(f"C backend not built: {exc}")
    return _cbackend


@pytest.fixture(params=["c", "python"], scope="session")
def backend(request):
    """The backend module under test: each test runs once per backend."""
    return c_backend() if request.param == "c" else _pybackend


class Pair(NamedTuple):
    cert: str  # PEM path
    key: str
    der: bytes
    leaf: trustme.LeafCert


class Certs(NamedTuple):
    ca: trustme.CA
    ca_file: str
    server: Pair      # localhost, 127.0.0.1
    api: Pair         # api.example.com
    wild: Pair        # *.wild.example.com
    client: Pair      # a client certificate for mTLS
    expired: Pair
    encrypted_key: str  # server's key under PASSWORD
    other_ca: trustme.CA


PASSWORD = "correct horse"


def _write(directory: Path, name: str, leaf: trustme.LeafCert) -> Pair:
    cert, key = directory / f"{name}.crt", directory / f"{name}.key"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    der = ssl.PEM_cert_to_DER_cert(leaf.cert_chain_pems[0].bytes().decode())
    return Pair(str(cert), str(key), der, leaf)


@pytest.fixture(scope="session")
def certs(tmp_path_factory) -> Certs:
    """Certificates made at test time by trustme, written as PEM files."""
    directory = tmp_path_factory.mktemp("certs")
    ca = trustme.CA()
    ca_file = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    past = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=2)
    server = _write(directory, "server", ca.issue_cert("localhost", "127.0.0.1"))
    key = serialization.load_pem_private_key(server.leaf.private_key_pem.bytes(), password=None)
    encrypted = directory / "server-encrypted.key"
    encrypted.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSWORD.encode())))
    return Certs(
        ca=ca, ca_file=str(ca_file), server=server,
        api=_write(directory, "api", ca.issue_cert("api.example.com")),
        wild=_write(directory, "wild", ca.issue_cert("*.wild.example.com")),
        client=_write(directory, "client", ca.issue_cert("client.example.com", common_name="a client")),
        expired=_write(directory, "expired", ca.issue_cert(
            "expired.example.com", not_before=past - datetime.timedelta(days=1), not_after=past)),
        encrypted_key=str(encrypted), other_ca=trustme.CA(),
    )


@pytest.fixture
def server_config(certs) -> TLSConfig:
    return TLSConfig(certfile=certs.server.cert, keyfile=certs.server.key)


def client_context(certs: Certs, alpn=None, client_cert=False, maximum_version=None) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    certs.ca.configure_trust(ctx)
    if alpn:
        ctx.set_alpn_protocols(alpn)
    if client_cert:
        certs.client.leaf.configure_cert(ctx)
    if maximum_version:
        ctx.maximum_version = maximum_version
    return ctx


def echo(session, plaintext: bytes) -> bytes:
    return plaintext


class SessionServer:
    """Accepts on 127.0.0.1:0 and pumps each connection through a TLSSession in a thread.

    handler(session, plaintext) returns plaintext to send back. Sessions and the
    TLSErrors they raised are kept for the test to inspect after the client is done.
    """

    def __init__(self, backend, context, handler=echo) -> None:
        self.backend, self.context, self.handler = backend, context, handler
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.sessions: list = []
        self.errors: list[TLSError] = []
        self.finished = threading.Semaphore(0)  # released once per finished connection
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(WAIT)
                self._pump(conn)
            self.finished.release()

    def _pump(self, conn: socket.socket) -> None:
        session = self.backend.TLSSession(self.context)
        self.sessions.append(session)
        try:
            while data := conn.recv(65536):
                reply = self.handler(session, session.receive(data))
                if reply:
                    session.send(reply)
                if session.closed:
                    session.close()
                conn.sendall(session.data_to_send())
                if session.closed:
                    return
        except TLSError as exc:
            self.errors.append(exc)
            conn.sendall(session.data_to_send())  # the alert, if OpenSSL made one
        except OSError:
            pass  # the client went away: the test judges from its side

    def wait_finished(self) -> None:
        assert self.finished.acquire(timeout=WAIT), "the server did not finish the connection"

    def connect(self, client_ctx: ssl.SSLContext, hostname="localhost", session=None) -> ssl.SSLSocket:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=WAIT)
        try:
            return client_ctx.wrap_socket(raw, server_hostname=hostname, session=session)
        except BaseException:
            raw.close()
            raise

    def close(self) -> None:
        self._stop.set()
        self._thread.join(WAIT)
        self.listener.close()


@pytest.fixture
def serve():
    """serve(backend, context, handler=echo) -> a running SessionServer, stopped after the test."""
    servers = []

    def start(backend, context, handler=echo):
        server = SessionServer(backend, context, handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def roundtrip(sock: ssl.SSLSocket, payload: bytes = b"ping") -> bytes:
    sock.sendall(payload)
    return recv_exactly(sock, len(payload))


def recv_exactly(sock: ssl.SSLSocket, size: int) -> bytes:
    parts, got = [], 0
    while got < size:
        chunk = sock.recv(min(size - got, 1 << 20))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


@pytest.fixture(name="client_context", scope="session")
def client_context_fixture():
    return client_context


@pytest.fixture(name="roundtrip", scope="session")
def roundtrip_fixture():
    return roundtrip


@pytest.fixture(name="recv_exactly", scope="session")
def recv_exactly_fixture():
    return recv_exactly


@pytest.fixture(name="password", scope="session")
def password_fixture():
    return PASSWORD
