import ssl

import pytest
import trustme

from saltare_tls import TLSConfig, _pybackend


def c_backend():
    try:
        from saltare_tls import _cbackend
    except ImportError as exc:
        pytest.skip(f"C backend not built: {exc}")
    return _cbackend


@pytest.fixture(params=["c", "python"], scope="session")
def backend(request):
    return c_backend() if request.param == "c" else _pybackend


@pytest.fixture(scope="session")
def tls(tmp_path_factory):
    """(TLSConfig, client SSLContext, CA file) with a trustme certificate for localhost."""
    directory = tmp_path_factory.mktemp("bench-certs")
    ca = trustme.CA()
    leaf = ca.issue_cert("localhost")
    leaf.cert_chain_pems[0].write_to_path(str(directory / "cert.pem"))
    leaf.private_key_pem.write_to_path(str(directory / "key.pem"))
    ca.cert_pem.write_to_path(str(directory / "ca.pem"))
    client = ssl.create_default_context(cafile=str(directory / "ca.pem"))
    config = TLSConfig(certfile=str(directory / "cert.pem"), keyfile=str(directory / "key.pem"))
    return config, client, str(directory / "ca.pem")
