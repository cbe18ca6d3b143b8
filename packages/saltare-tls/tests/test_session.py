"""Handshakes against Python's ssl client over real sockets, on both backends."""

import hashlib
import socket
import ssl

import pytest

from saltare_tls import SNICert, TLSError


def test_handshake_echo_and_connection_facts(backend, certs, server_config, serve, client_context, roundtrip):
    server = serve(backend, backend.TLSContext(server_config))
    with server.connect(client_context(certs)) as sock:
        assert roundtrip(sock, b"hello") == b"hello"
        session = server.sessions[0]
        assert session.handshake_done
        assert session.version == sock.version() == "TLSv1.3"
        assert session.cipher == sock.cipher()[0]
        assert session.sni == "localhost"
        assert session.alpn is None  # the client offered none
        assert session.peer_certificate is None
        assert not session.session_reused


def test_receive_during_handshake_returns_nothing_and_send_is_refused(backend, server_config):
    client = ssl.create_default_context().wrap_bio(ssl.MemoryBIO(), outgoing := ssl.MemoryBIO(),
                                                   server_hostname="localhost")
    with pytest.raises(ssl.SSLWantReadError):
        client.do_handshake()
    session = backend.TLSSession(backend.TLSContext(server_config))
    assert session.receive(outgoing.read()) == b""
    assert not session.handshake_done
    assert session.data_to_send()  # the ServerHello flight
    with pytest.raises(TLSError):
        session.send(b"too early")


def test_only_server_side_sessions(backend, server_config):
    with pytest.raises(ValueError):
        backend.TLSSession(backend.TLSContext(server_config), server_side=False)


@pytest.mark.parametrize(("offered", "chosen"), [
    (["h2", "http/1.1"], "h2"),
    (["http/1.1", "h2"], "h2"),  # server preference wins
    (["http/1.1"], "http/1.1"),
    (["spdy/3"], None),  # no overlap: no ALPN, the handshake goes on
])
def test_alpn_choice(backend, certs, server_config, serve, client_context, roundtrip, offered, chosen):
    config = server_config._replace(alpn=("h2", "http/1.1"))
    server = serve(backend, backend.TLSContext(config))
    with server.connect(client_context(certs, alpn=offered)) as sock:
        assert roundtrip(sock) == b"ping"
        assert sock.selected_alpn_protocol() == chosen
        assert server.sessions[0].alpn == chosen


@pytest.mark.parametrize(("hostname", "expected"), [
    ("localhost", "server"),
    ("API.Example.COM", "api"),
    ("x.wild.example.com", "wild"),
    ("other.example.com", "wild"),  # the wildcard listed first ...
    ("api.example.com", "api"),  # ... loses to an exact name listed later
    ("example.com", "server"),  # a wildcard matches one label, not zero
    ("a.b.wild.example.com", "server"),  # ... nor two
    ("unknown.example.org", "server"),
])
def test_sni_picks_the_certificate(backend, certs, server_config, serve, hostname, expected):
    config = server_config._replace(sni_certs=(
        SNICert(("*.wild.example.com", "*.example.com"), certs.wild.cert, certs.wild.key),
        SNICert(("api.example.com",), certs.api.cert, certs.api.key),
    ))
    server = serve(backend, backend.TLSContext(config))
    client = ssl.create_default_context()
    certs.ca.configure_trust(client)
    client.check_hostname = False  # the default certificate is served for unknown names
    with server.connect(client, hostname=hostname) as sock:
        assert sock.getpeercert(binary_form=True) == getattr(certs, expected).der
        sock.sendall(b"x")
        assert sock.recv(1) == b"x"
        assert server.sessions[0].sni == hostname


def test_mtls_accepts_a_good_client_certificate(backend, certs, server_config, serve, client_context, roundtrip):
    from cryptography import x509

    config = server_config._replace(cert_reqs="required", ca_certs=certs.ca_file)
    server = serve(backend, backend.TLSContext(config))
    with server.connect(client_context(certs, client_cert=True)) as sock:
        assert roundtrip(sock) == b"ping"
    peer = server.sessions[0].peer_certificate
    assert peer.der == certs.client.der
    assert peer.subject == x509.load_der_x509_certificate(peer.der).subject.rfc4514_string()
    assert "CN=a client" in peer.subject


def test_mtls_refuses_a_client_without_certificate(backend, certs, server_config, serve, client_context):
    config = server_config._replace(cert_reqs="required", ca_certs=certs.ca_file)
    server = serve(backend, backend.TLSContext(config))
    with server.connect(client_context(certs)) as sock:
        # TLS 1.3: the client's handshake ends before the server checks; the refusal
        # arrives as an alert (or a closed connection) on the first read.
        with pytest.raises((ssl.SSLError, ConnectionError)):
            sock.sendall(b"ping")
            if not sock.recv(4):
                raise ConnectionError("closed")
    server.wait_finished()
    assert len(server.errors) == 1


def test_mtls_optional_accepts_both(backend, certs, server_config, serve, client_context, roundtrip):
    config = server_config._replace(cert_reqs="optional", ca_certs=certs.ca_file)
    server = serve(backend, backend.TLSContext(config))
    with server.connect(client_context(certs)) as sock:
        assert roundtrip(sock) == b"ping"
    with server.connect(client_context(certs, client_cert=True)) as sock:
        assert roundtrip(sock) == b"ping"
    server.wait_finished()
    assert server.sessions[0].peer_certificate is None
    assert server.sessions[1].peer_certificate.der == certs.client.der


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_session_resumption(backend, certs, server_config, serve, client_context, roundtrip, version):
    server = serve(backend, backend.TLSContext(server_config))
    client = client_context(certs, maximum_version=version)
    with server.connect(client) as sock:
        assert roundtrip(sock) == b"ping"  # the read also takes in TLS 1.3 tickets
        saved = sock.session
        assert not sock.session_reused
    with server.connect(client, session=saved) as sock:
        assert roundtrip(sock) == b"ping"
        assert sock.session_reused
        assert server.sessions[1].session_reused


def test_minimum_version_refuses_older_clients(backend, certs, server_config, serve, client_context):
    config = server_config._replace(minimum_version="TLSv1.3")
    server = serve(backend, backend.TLSContext(config))
    with pytest.raises(ssl.SSLError):
        server.connect(client_context(certs, maximum_version=ssl.TLSVersion.TLSv1_2))
    server.wait_finished()
    assert len(server.errors) == 1


def test_garbage_instead_of_client_hello_is_closed_cleanly(backend, server_config, serve):
    server = serve(backend, backend.TLSContext(server_config))
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
        received = b""
        for _ in range(100):  # an alert at most, then end of stream
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += chunk
        assert len(received) < 100
    server.wait_finished()
    assert len(server.errors) == 1
    with pytest.raises(TLSError):  # the session stays dead
        server.sessions[0].receive(b"\x16\x03\x01")


def test_close_notify_both_ways(backend, certs, server_config, serve, client_context, roundtrip):
    server = serve(backend, backend.TLSContext(server_config))
    with server.connect(client_context(certs)) as sock:
        assert roundtrip(sock) == b"ping"
        raw = sock.unwrap()  # sends close_notify, waits for the server's
        raw.close()
    server.wait_finished()
    assert server.sessions[0].closed
    assert not server.errors


def test_five_mib_both_ways(backend, certs, server_config, serve, client_context, recv_exactly):
    size = 5 * 1024 * 1024
    upload = hashlib.shake_256(b"upload").digest(size)
    download = hashlib.shake_256(b"download").digest(size)
    received = hashlib.sha256()
    count = [0]

    def collect_then_answer(session, plaintext):
        received.update(plaintext)
        count[0] += len(plaintext)
        return download if count[0] == size else b""

    server = serve(backend, backend.TLSContext(server_config), collect_then_answer)
    with server.connect(client_context(certs)) as sock:
        sock.sendall(upload)
        assert recv_exactly(sock, size) == download
    assert received.digest() == hashlib.sha256(upload).digest()
