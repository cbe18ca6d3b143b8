"""HTTPS: the --ssl-* flags, with certificates made by trustme, real TLS clients
(httpx, stdlib ssl) and the real CLI in a subprocess, on both engines."""

import socket
import ssl
import time

import httpx
import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

WAIT = 10.0
APP = ("testapps:app", "--app-dir", "tests/apps")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, a server certificate for 127.0.0.1 and a client certificate, as files."""
    folder = tmp_path_factory.mktemp("pki")
    ca = trustme.CA()
    files = {"ca": folder / "ca.pem", "server": folder / "server.pem", "client": folder / "client.pem"}
    ca.cert_pem.write_to_path(str(files["ca"]))
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(str(files["server"]))
    ca.issue_cert("client.example").private_key_and_cert_chain_pem.write_to_path(str(files["client"]))
    return {name: str(path) for name, path in files.items()}


def client_context(pki, with_cert: bool = False) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=pki["ca"])
    if with_cert:
        context.load_cert_chain(pki["client"])
    return context


def url(served) -> str:
    return f"https://127.0.0.1:{served.port}"


def wait_tls_ready(served, context: ssl.SSLContext):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if served.proc.poll() is not None:
            raise AssertionError(f"server exited with {served.proc.returncode}:\n{served.output()}")
        try:
            httpx.get(url(served) + "/ready", verify=context, timeout=1.0)
            return served
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"server not ready in {WAIT} s:\n{served.output()}")


def serve_tls(serve, pki, *flags, context=None):
    served = serve(*APP, "--ssl-certfile", pki["server"], *flags, ready=False)
    return wait_tls_ready(served, context or client_context(pki))


def test_https_scope_and_tls_extension(serve, pki):
    served = serve_tls(serve, pki)
    with httpx.Client(verify=client_context(pki), timeout=WAIT) as client:
        answers = [client.get(url(served) + "/tls").json() for _ in range(3)]  # one kept-alive connection
    assert answers[0] == answers[2]
    found = answers[0]
    assert found["scheme"] == "https"
    tls = found["tls"]
    assert tls["tls_version"] == 0x0304
    assert isinstance(tls["cipher_suite"], int) and 0x1301 <= tls["cipher_suite"] <= 0x1305
    assert tls["server_cert"].startswith("-----BEGIN CERTIFICATE-----")
    assert tls["client_cert_chain"] == [] and tls["client_cert_name"] is None
    assert "serving on https://127.0.0.1" in served.output()


def test_tls12_reports_its_version_and_suite(serve, pki):
    served = serve_tls(serve, pki)
    context = client_context(pki)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    tls = httpx.get(url(served) + "/tls", verify=context, timeout=WAIT).json()["tls"]
    assert tls["tls_version"] == 0x0303
    negotiated = {c["name"]: c["id"] & 0xFFFF for c in context.get_ciphers()}
    assert tls["cipher_suite"] in negotiated.values()


def test_mtls_required(serve, pki):
    with_cert = client_context(pki, with_cert=True)
    served = serve_tls(serve, pki, "--ssl-ca-certs", pki["ca"], "--ssl-cert-reqs", "2", context=with_cert)
    tls = httpx.get(url(served) + "/tls", verify=with_cert, timeout=WAIT).json()["tls"]
    with open(pki["client"], "rb") as file:
        leaf = x509.load_pem_x509_certificate(file.read())  # the first block: the client's own
    assert tls["client_cert_name"] == leaf.subject.rfc4514_string()
    chain = tls["client_cert_chain"]
    assert len(chain) == 1 and ssl.PEM_cert_to_DER_cert(chain[0]) == leaf.public_bytes(Encoding.DER)
    with pytest.raises(httpx.TransportError):  # refused without a certificate
        httpx.get(url(served) + "/tls", verify=client_context(pki), timeout=WAIT)
    assert httpx.get(url(served) + "/tls", verify=with_cert, timeout=WAIT).status_code == 200


def test_cert_reqs_needs_ca_certs(serve, pki):
    served = serve(*APP, "--ssl-certfile", pki["server"], "--ssl-cert-reqs", "required", ready=False)
    assert served.wait_exit() == 2
    assert "--ssl-ca-certs" in served.output()


def test_unusable_certificate_is_a_one_line_error(serve, tmp_path):
    bogus = tmp_path / "bogus.pem"
    bogus.write_text("not a certificate\n")
    for path in (str(bogus), str(tmp_path / "missing.pem")):
        served = serve(*APP, "--ssl-certfile", path, ready=False)
        assert served.wait_exit() == 1
        lines = served.output().strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("saltare: error:") and path in lines[0]


def test_plain_http_on_the_tls_port_is_closed_and_the_server_serves_on(serve, pki):
    served = serve_tls(serve, pki)
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):  # an alert at most, then the close
            data += chunk
    assert b"HTTP/1.1" not in data
    assert httpx.get(url(served) + "/tls", verify=client_context(pki), timeout=WAIT).status_code == 200


def test_silent_client_is_reaped_by_the_handshake_timeout(serve, pki):
    served = serve_tls(serve, pki, "--ssl-handshake-timeout", "0.3")
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as sock:
        assert sock.recv(1) == b""  # closed by the server, well before WAIT


def test_handshake_cap_closes_the_extra_connection(serve, pki):
    served = serve_tls(serve, pki, "--ssl-max-handshakes", "1")
    with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as holder:
        time.sleep(0.2)  # the engine has taken it: it is handshaking
        with socket.create_connection(("127.0.0.1", served.port), timeout=WAIT) as extra:
            assert extra.recv(1) == b""
    # The slot is free once the engine has seen the holder leave: served again.
    wait_tls_ready(served, client_context(pki))


def test_five_mib_both_ways(serve, pki):
    served = serve_tls(serve, pki)
    size = 5 * 1024 * 1024
    with httpx.Client(verify=client_context(pki), timeout=WAIT) as client:
        assert client.post(url(served) + "/upload", content=b"u" * size).text == str(size)
        response = client.get(url(served) + f"/big?{size}")
    assert response.status_code == 200 and len(response.content) == size


def test_workers_serve_https(serve, pki):
    served = serve_tls(serve, pki, "--workers", "2")
    for _ in range(4):  # a new connection (and handshake) each time
        with httpx.Client(verify=client_context(pki), timeout=WAIT) as client:
            assert client.get(url(served) + "/scope").json()["scheme"] == "https"
    assert "(2 workers" in served.output()
