"""TLS options, mirroring uvicorn's --ssl-* flags, plus ALPN and SNI certificates."""

from typing import NamedTuple

CERT_REQS = ("none", "optional", "required")
MINIMUM_VERSIONS = ("TLSv1.2", "TLSv1.3")


class SNICert(NamedTuple):
    """A certificate served to clients that ask for one of `hostnames` by SNI.

    Host names are exact ("api.example.com") or wildcards of one leftmost
    label ("*.example.com" matches "a.example.com", not "example.com").
    """

    hostnames: tuple[str, ...]
    certfile: str
    keyfile: str | None = None
    keyfile_password: str | None = None


class TLSConfig(NamedTuple):
    """Server TLS options. `certfile`/`keyfile` is the default certificate.

    cert_reqs: "none" (no client certificate asked), "optional" (verified when
    sent) or "required" (mTLS: the handshake fails without one); client
    certificates are verified against `ca_certs`.
    alpn: protocols in server preference order; () disables ALPN.
    session_cache_size: bound of the server-side session cache (C backend;
    the Python backend keeps OpenSSL's default bound, which ssl cannot change).
    """

    certfile: str
    keyfile: str | None = None
    keyfile_password: str | None = None
    ca_certs: str | None = None
    cert_reqs: str = "none"
    ciphers: str | None = None
    minimum_version: str = "TLSv1.2"
    alpn: tuple[str, ...] = ("http/1.1",)
    sni_certs: tuple[SNICert, ...] = ()
    session_tickets: bool = True
    session_cache_size: int = 1024


def alpn_wire(protocols: tuple[str, ...]) -> bytes:
    """The ALPN list in wire format (each name prefixed by its length)."""
    out = bytearray()
    for name in protocols:
        raw = name.encode("ascii")
        out.append(len(raw))
        out += raw
    return bytes(out)
