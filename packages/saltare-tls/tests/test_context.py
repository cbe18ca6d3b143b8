"""The context builder: options, one-line errors, warnings (both backends' TLSContext)."""

import ssl
import subprocess
import sys
import warnings

import pytest

from saltare_tls import ExpiredCertificateWarning, SNICert, TLSConfig, TLSConfigError, build_context


def one_line_error(backend, config: TLSConfig) -> str:
    with pytest.raises(TLSConfigError) as info:
        backend.TLSContext(config)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_import_loads_neither_ssl_nor_the_backend():
    code = ("import sys, saltare_tls; "
            "assert saltare_tls.TLSConfig and saltare_tls.TLSError; "
            "print(sorted(m for m in ('ssl', '_ssl', 'saltare_tls._native', 'saltare_tls._backend') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_build_context_gives_a_server_sslcontext(certs, server_config):
    config = server_config._replace(cert_reqs="required", ca_certs=certs.ca_file, alpn=("h2",))
    ctx = build_context(config)
    assert isinstance(ctx, ssl.SSLContext)
    assert ctx.verify_mode == ssl.CERT_REQUIRED
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_2
    assert not ctx.options & ssl.OP_NO_TICKET
    assert ctx.sni_callback is not None


def test_valid_configs_load(backend, certs, server_config, password):
    backend.TLSContext(server_config)
    backend.TLSContext(server_config._replace(keyfile=certs.encrypted_key, keyfile_password=password))
    backend.TLSContext(server_config._replace(minimum_version="TLSv1.3", session_tickets=False,
                                              ciphers="ECDHE+AESGCM", alpn=()))


def test_missing_file(backend, certs, server_config, tmp_path):
    missing = str(tmp_path / "nope.pem")
    assert one_line_error(backend, server_config._replace(certfile=missing)) == \
        f"certfile: file not found: {missing}"
    assert one_line_error(backend, server_config._replace(keyfile=missing)) == \
        f"keyfile: file not found: {missing}"
    assert one_line_error(backend, server_config._replace(ca_certs=missing)) == \
        f"ca_certs: file not found: {missing}"


def test_pem_that_is_not_pem(backend, server_config, tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"\x30\x82\x01\x00 this is DER or noise")
    assert "not a PEM certificate" in one_line_error(backend, server_config._replace(certfile=str(junk)))
    assert "no PEM private key" in one_line_error(backend, server_config._replace(keyfile=str(junk)))


def test_key_not_matching_certificate(backend, certs, server_config):
    message = one_line_error(backend, server_config._replace(keyfile=certs.api.key))
    assert message == (f"keyfile: the key in {certs.api.key} does not match the certificate "
                       f"in {certs.server.cert}")


def test_wrong_or_missing_password(backend, certs, server_config):
    encrypted = server_config._replace(keyfile=certs.encrypted_key)
    assert one_line_error(backend, encrypted._replace(keyfile_password="wrong")) == \
        f"keyfile_password: wrong password for {certs.encrypted_key}"
    assert one_line_error(backend, encrypted) == \
        f"keyfile_password: {certs.encrypted_key} is encrypted and no password was given"


def test_bad_options(backend, certs, server_config):
    assert "cert_reqs" in one_line_error(backend, server_config._replace(cert_reqs="maybe"))
    assert "needs ca_certs" in one_line_error(backend, server_config._replace(cert_reqs="required"))
    assert "minimum_version" in one_line_error(backend, server_config._replace(minimum_version="TLSv1.1"))
    assert "ciphers" in one_line_error(backend, server_config._replace(ciphers="NO-SUCH-CIPHER"))
    assert "alpn" in one_line_error(backend, server_config._replace(alpn=("",)))
    sni = SNICert("api.example.com", certs.api.cert, certs.api.key)  # a str, not a tuple
    assert "hostnames" in one_line_error(backend, server_config._replace(sni_certs=(sni,)))
    sni = SNICert(("bücher.example",), certs.api.cert, certs.api.key)
    assert "A-labels" in one_line_error(backend, server_config._replace(sni_certs=(sni,)))


def test_expired_certificate_warns(backend, certs):
    config = TLSConfig(certfile=certs.expired.cert, keyfile=certs.expired.key)
    with pytest.warns(ExpiredCertificateWarning, match="expired on"):
        backend.TLSContext(config)


def test_valid_certificate_does_not_warn(backend, server_config):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        backend.TLSContext(server_config)
