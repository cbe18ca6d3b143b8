"""HTTPS: the --ssl-* options as a saltare-tls context under the engine, and
the ASGI `tls` scope extension.

Imported only when --ssl-certfile is given: a plain-HTTP server loads
neither saltare-tls nor libssl through us. The context is built once, in the
process that binds (errors are a one-line exit 1 before any worker starts);
forked workers share it and each hands it to its own engine.
"""

import ssl
import warnings

import saltare_tls

from . import logs

_VERSIONS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
_cipher_ids: dict[str, int] = {}


def cipher_suite(name: str | None) -> int | None:
    """The IANA number of an OpenSSL cipher name (what ASGI's `cipher_suite` holds)."""
    if not _cipher_ids:
        every = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        every.set_ciphers("ALL:@SECLEVEL=0")
        _cipher_ids.update((cipher["name"], cipher["id"] & 0xFFFF) for cipher in every.get_ciphers())
    return _cipher_ids.get(name) if name else None


def first_certificate(path: str) -> str | None:
    """The first PEM certificate of a file (ASGI's `server_cert`)."""
    with open(path, encoding="ascii", errors="replace") as file:
        text = file.read()
    begin = text.find("-----BEGIN CERTIFICATE-----")
    end_marker = "-----END CERTIFICATE-----"
    end = text.find(end_marker, begin)
    return text[begin : end + len(end_marker)] + "\n" if begin >= 0 and end >= 0 else None


class TLS:
    """The server's TLS context, and what each request learns from it."""

    def __init__(self, options: dict) -> None:
        config = saltare_tls.TLSConfig(
            certfile=options["ssl_certfile"],
            keyfile=options["ssl_keyfile"],
            keyfile_password=options["ssl_keyfile_password"],
            ca_certs=options["ssl_ca_certs"],
            cert_reqs=options["ssl_cert_reqs"],
            ciphers=options["ssl_ciphers"],
            minimum_version=options["ssl_min_version"],
            alpn=("http/1.1",),
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", saltare_tls.ExpiredCertificateWarning)
            try:
                self.context = saltare_tls.TLSContext(config)
            except saltare_tls.TLSConfigError as exc:
                raise logs.startup_error(str(exc), 1) from None
        for warning in caught:
            logs.warning(str(warning.message))
        self.server_cert = first_certificate(options["ssl_certfile"])

    def install(self, engine) -> None:
        """Every connection of `engine` starts with a TLS handshake."""
        try:
            engine.set_transport(saltare_tls.EngineTransport(self.context))
        except TypeError as exc:  # the C engine with saltare-tls's Python backend
            raise logs.startup_error(f"TLS: {exc}", 1) from None

    def extension(self, engine, handle: int) -> dict | None:
        """ASGI's `tls` extension for the connection's finished handshake."""
        state = engine.transport_state(handle)
        if not state:
            return None
        info = saltare_tls.session_info(state)
        peer = info.peer_certificate
        return {
            "server_cert": self.server_cert,
            "client_cert_chain": [ssl.DER_cert_to_PEM_cert(peer.der)] if peer else [],
            "client_cert_name": peer.subject if peer else None,
            "client_cert_error": None,  # a refused certificate fails the handshake
            "tls_version": _VERSIONS.get(info.version),
            "cipher_suite": cipher_suite(info.cipher),
        }


def load(options: dict) -> TLS | None:
    """The TLS set-up for --ssl-certfile, or None for plain HTTP."""
    if not options["ssl_certfile"]:
        return None
    if options["ssl_cert_reqs"] != "none" and not options["ssl_ca_certs"]:
        raise logs.startup_error(f"--ssl-cert-reqs {options['ssl_cert_reqs']} needs --ssl-ca-certs", 2)
    return TLS(options)

